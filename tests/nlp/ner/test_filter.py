"""The common-word post-filter and the static-vector option of the NER trainer (sentences written here)."""

import pytest
import spacy
from spacy.tokens import Doc, Span

from topicgraph.nlp.ner.filter import FILTER_NAME, NerFilter, add_filter, common_words
from topicgraph.nlp.ner.train import train_ner

# Written for these tests (not from any corpus).
TINY = [
    (["Mara", "Holt", "leitet", "die", "Firma", "Reiher", "GmbH", "in", "Fulda", "."],
     ["B-PER", "I-PER", "O", "O", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]),
    (["Die", "Firma", "Solvent", "AG", "baut", "in", "Kassel", "."],
     ["O", "O", "B-ORG", "I-ORG", "O", "O", "B-LOC", "O"]),
    (["Heute", "regnet", "es", "in", "Kassel", "."], ["O", "O", "O", "O", "B-LOC", "O"]),
] * 8

SENTENCES = [
    (["Der", "Nachweis", "fehlt", "."], ["O", "O", "O", "O"]),
    (["Ein", "Nachweis", "kam", "aus", "Kassel", "."], ["O", "O", "O", "O", "B-LOC", "O"]),
    (["Das", "Budget", "der", "Stadt", "Kassel", "steigt", "."], ["O", "O", "O", "O", "B-LOC", "O", "O"]),
    (["Das", "Budget", "sinkt", "."], ["O", "O", "O", "O"]),
    (["Die", "Firma", "Nachweis", "AG", "klagt", "."], ["O", "O", "B-ORG", "I-ORG", "O", "O"]),
]


def test_common_words_are_capitalised_and_rarely_inside_entities():
    words = common_words(SENTENCES, min_count=2, max_share=0.1)
    assert "Budget" in words  # twice, never in an entity
    assert "Kassel" not in words  # always an entity
    assert "Nachweis" not in words  # once of three inside an entity: share 0.33 > 0.1
    assert "fehlt" not in words and "Der" not in words  # lower-case / seen once
    assert "Nachweis" in common_words(SENTENCES, min_count=2, max_share=0.5)


def test_filter_drops_only_one_token_common_words_and_hyphen_heads():
    nlp = spacy.blank("de")
    doc = Doc(nlp.vocab, words=["Das", "Budget", "und", "EU-Budget", "von", "Budget", "AG", "in", "Kassel"])
    doc.ents = [Span(doc, 1, 2, "ORG"), Span(doc, 3, 4, "ORG"), Span(doc, 5, 7, "ORG"), Span(doc, 8, 9, "LOC")]
    out = NerFilter(words={"Budget"})(doc)
    assert [(e.text, e.label_) for e in out.ents] == [("Budget AG", "ORG"), ("Kassel", "LOC")]


def test_filter_is_saved_with_the_pipeline(tmp_path):
    nlp = spacy.blank("de")
    nlp.add_pipe("ner")
    nlp.initialize()
    nlp.to_disk(tmp_path / "m")
    add_filter(tmp_path / "m", {"Budget", "Nachweis"})
    loaded = spacy.load(tmp_path / "m")
    assert loaded.pipe_names == ["ner", FILTER_NAME]
    assert loaded.get_pipe(FILTER_NAME).words == {"Budget", "Nachweis"}


@pytest.mark.slow
def test_training_adds_the_filter_when_asked(tmp_path):
    best = train_ner(tmp_path / "run", train_sentences=TINY, max_steps=6, eval_frequency=3,
                     use_shipped_overrides=False, verbose=False, ner_filter={"min_count": 2, "max_share": 0.1})
    nlp = spacy.load(best)
    assert nlp.pipe_names == ["tok2vec", "ner", FILTER_NAME]
    assert "Firma" in nlp.get_pipe(FILTER_NAME).words and "Kassel" not in nlp.get_pipe(FILTER_NAME).words


@pytest.mark.slow
def test_training_with_static_vectors(tmp_path):
    pytest.importorskip("gensim")
    from topicgraph.nlp.ner.vectors import build_vectors

    vectors = build_vectors(tmp_path / "vec", sentences=[t for t, _ in TINY], dim=8, rows=10, epochs=2,
                            min_count=1, verbose=False)
    assert spacy.load(vectors).vocab.vectors.shape == (10, 8)
    best = train_ner(tmp_path / "run", train_sentences=TINY, max_steps=6, eval_frequency=3,
                     use_shipped_overrides=False, verbose=False, vectors=vectors)
    nlp = spacy.load(best)
    assert nlp.vocab.vectors.shape == (10, 8)
    assert nlp.config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True
    assert len(nlp("Mara Holt wohnt in Kassel.")) == 6  # runs with the vectors

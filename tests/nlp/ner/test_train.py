"""Training on a tiny slice runs in seconds and gives a loadable de pipeline (tok2vec + ner)."""

import pytest
import spacy

from topicgraph.nlp.ner.corpora import data_dir
from topicgraph.nlp.ner.train import train_ner

# Sentences written for this test (not from any corpus).
TINY = [
    (["Lena", "Vogt", "leitet", "die", "Firma", "Kranich", "GmbH", "in", "Kassel", "."],
     ["B-PER", "I-PER", "O", "O", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]),
    (["Der", "Vorstand", "von", "Solmer", "AG", "tagt", "in", "Bremen", "."],
     ["O", "O", "O", "B-ORG", "I-ORG", "O", "O", "B-LOC", "O"]),
    (["Jonas", "Brandt", "wohnt", "in", "Leipzig", "."],
     ["B-PER", "I-PER", "O", "O", "B-LOC", "O"]),
    (["Heute", "regnet", "es", "."], ["O", "O", "O", "O"]),
] * 8


@pytest.mark.slow
def test_tiny_training_gives_loadable_pipeline(tmp_path):
    best = train_ner(tmp_path / "run", train_sentences=TINY, max_steps=12, eval_frequency=6,
                     use_shipped_overrides=False, verbose=False)
    nlp = spacy.load(best)
    assert nlp.lang == "de"
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC"}
    doc = nlp("Lena Vogt leitet die Firma Kranich GmbH in Kassel.")
    assert len(doc) == 10  # default German tokenizer


@pytest.mark.slow
@pytest.mark.shared
def test_tiny_training_from_shared_data(tmp_path):
    if not (data_dir() / "germeval2014" / "NER-de-dev.tsv").exists():
        pytest.skip("../shared/data/germeval2014 is absent (set TOPICGRAPH_SHARED to the shared dir)")
    best = train_ner(tmp_path / "run", corpora={"germeval": 1.0}, max_sentences=40, max_steps=8,
                     eval_frequency=4, use_shipped_overrides=False, verbose=False)
    nlp = spacy.load(best)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert any("GermEval" in s["citation"] for s in nlp.meta["sources"])


@pytest.mark.slow
def test_finetune_stage_trains_on_from_the_first_stage(tmp_path):
    best = train_ner(tmp_path / "run", train_sentences=TINY, max_steps=6, eval_frequency=3,
                     use_shipped_overrides=False, verbose=False,
                     finetune={"learn_rate": 0.0001, "max_steps": 4, "eval_frequency": 2, "patience": 4})
    base = tmp_path / "run" / "base" / "model-best"
    assert best.parent == tmp_path / "run" and base.exists()
    nlp, first = spacy.load(best), spacy.load(base)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert nlp.config["training"]["optimizer"]["learn_rate"] == 0.0001
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC"}
    # the second stage started from the first stage's weights and changed them
    assert nlp.get_pipe("ner").to_bytes() != first.get_pipe("ner").to_bytes()


@pytest.mark.slow
def test_pretrained_tok2vec_starts_the_training(tmp_path):
    best = train_ner(tmp_path / "run", train_sentences=TINY, max_steps=4, eval_frequency=2,
                     use_shipped_overrides=False, verbose=False, pretrain={"epochs": 2})
    weights = tmp_path / "run" / "pretrain" / "model1.bin"
    assert weights.exists() and weights.stat().st_size > 0
    nlp = spacy.load(best)
    assert nlp.config["paths"]["init_tok2vec"] == str(weights)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    # the weights are really loaded (spaCy ignores them without a [pretraining] section):
    # the same run (same seed) without pretraining ends with another tok2vec
    plain = spacy.load(train_ner(tmp_path / "plain", train_sentences=TINY, max_steps=4, eval_frequency=2,
                                 use_shipped_overrides=False, verbose=False))
    assert nlp.get_pipe("tok2vec").to_bytes() != plain.get_pipe("tok2vec").to_bytes()

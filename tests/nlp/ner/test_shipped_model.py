"""The shipped model loads and finds people, organisations and places in sentences written here."""

import pytest

from topicgraph.nlp.ner import SHIPPED_MODEL_PATH, load_shipped_model

pytestmark = pytest.mark.skipif(not (SHIPPED_MODEL_PATH / "meta.json").exists(),
                                reason="no shipped model in src/topicgraph/nlp/ner/model")


@pytest.fixture(scope="module")
def nlp():
    return load_shipped_model()


def _ents(nlp, text):
    return {(e.text, e.label_) for e in nlp(text).ents}


def test_meta_and_pipeline(nlp):
    assert nlp.lang == "de"
    assert nlp.pipe_names == ["tok2vec", "ner", "topicgraph_ner_filter"]
    assert set(nlp.get_pipe("ner").labels) == {"PER", "ORG", "LOC"}
    assert nlp.meta["sources"] and all("CC BY" in s["citation"] for s in nlp.meta["sources"])
    size = sum(p.stat().st_size for p in SHIPPED_MODEL_PATH.rglob("*") if p.is_file())
    assert size <= 25 * 1024 * 1024


def test_common_word_filter_keeps_names_out(nlp):
    words = nlp.get_pipe("topicgraph_ner_filter").words
    assert len(words) > 5000 and {"Regierung", "Jahr", "Zeit"} <= words
    assert not {"Berlin", "Siemens", "Merkel", "Deutschland"} & words


def test_static_vectors_are_part_of_the_model(nlp):
    rows, dim = nlp.vocab.vectors.shape
    assert rows == 20000 and dim == 100
    assert nlp.config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True


def test_finds_people(nlp):
    ents = _ents(nlp, "Olaf Scholz traf am Dienstag in Paris den französischen Präsidenten Emmanuel Macron.")
    assert ("Olaf Scholz", "PER") in ents
    assert ("Emmanuel Macron", "PER") in ents
    assert ("Paris", "LOC") in ents
    ents = _ents(nlp, "Der Vorstand der Commerzbank hat Bettina Orlopp zur neuen Chefin gewählt.")
    assert ("Bettina Orlopp", "PER") in ents and ("Commerzbank", "ORG") in ents


def test_finds_organisations(nlp):
    ents = _ents(nlp, "Die Deutsche Telekom und die Siemens AG wollen gemeinsam in neue Rechenzentren investieren.")
    assert ("Siemens AG", "ORG") in ents
    assert ("Deutsche Telekom", "ORG") in ents
    ents = _ents(nlp, "Der Manager Thomas Weber wechselt von der Allianz zu BMW nach München.")
    assert {("Thomas Weber", "PER"), ("BMW", "ORG"), ("München", "LOC")} <= ents


def test_finds_person_org_and_place_together(nlp):
    ents = _ents(nlp, "Nach Angaben von Volkswagen-Chef Oliver Blume wird das Werk in Zwickau umgebaut.")
    assert ("Oliver Blume", "PER") in ents
    assert ("Zwickau", "LOC") in ents


def test_pipeline_extensible_like_the_lead_uses_it(nlp):
    import spacy

    nlp2 = spacy.load(SHIPPED_MODEL_PATH)
    nlp2.add_pipe("sentencizer")
    ruler = nlp2.add_pipe("entity_ruler", after="ner", config={"overwrite_ents": False})
    ruler.add_patterns([{"label": "ORG", "pattern": "Kranich GmbH"}])
    doc = nlp2("Die Kranich GmbH sitzt in Hamburg. Sie wächst.")
    assert len(list(doc.sents)) == 2
    assert ("Kranich GmbH", "ORG") in {(e.text, e.label_) for e in doc.ents}

"""`--model NAME|PATH`: any spaCy pipeline's entities are merged with the gazetteer's."""

from __future__ import annotations

import spacy

from topicgraph.model import Article, Method
from topicgraph.namespaces import ENT, entity_iri
from topicgraph.nlp import Extractor


def _saved_pipeline(tmp_path):
    """A stand-in for an installed NER pipeline: a German pipeline whose `ner` is rule-based."""
    nlp = spacy.blank("de")
    ruler = nlp.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([
        {"label": "ORG", "pattern": "Kupferwerk Nord"},
        {"label": "PER", "pattern": [{"TEXT": "Jana"}, {"TEXT": "Beispiel"}]},
        {"label": "ORG", "pattern": "Tesla"},
        {"label": "LOC", "pattern": "Nevada"},
    ])
    path = tmp_path / "de_fake_ner"
    nlp.to_disk(path)
    return path


def test_model_entities_are_merged_with_gazetteer_links(tmp_path):
    extractor = Extractor(model=str(_saved_pipeline(tmp_path)))
    text = "Jana Beispiel leitet Kupferwerk Nord, einen Partner von Tesla in Nevada. Beispiel sagte das."
    extraction = extractor.extract(Article(id="m", title="T", body=text, language="de"))
    by_iri = {}
    for m in extraction.mentions:
        by_iri.setdefault(m.entity_iri, []).append(m)
        assert text[m.start:m.end] == m.text
    # known entities keep their canonical knowledge-base link (gazetteer wins)
    assert by_iri[str(ENT["tesla"])][0].method == Method.GAZETTEER
    assert by_iri[str(ENT["nevada"])][0].method == Method.GAZETTEER
    # new ones come from the model, with stable minted IRIs
    org = str(entity_iri("Kupferwerk Nord"))
    person = str(entity_iri("Jana Beispiel"))
    assert [m.method for m in by_iri[org]] == [Method.MODEL]
    assert extraction.entities[org].type.value == "Organization" and not extraction.entities[org].in_kb
    # and the surname later refers to the same new person
    assert [m.text for m in by_iri[person]] == ["Jana Beispiel", "Beispiel"]

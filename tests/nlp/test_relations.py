"""Issue 3: typed relations with their sentence as evidence, stored in the article's named graph."""

from __future__ import annotations

import pytest

from topicgraph.graph.article import article_graph
from topicgraph.model import Article
from topicgraph.namespaces import ENT, TG
from topicgraph.nlp import Extractor
from topicgraph.store import open_store


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(model="none")


def relations(extractor, text):
    extraction = extractor.extract(Article(id="r", title="", body=text))
    return {(r.predicate, r.subject.rsplit("/", 1)[-1], r.object.rsplit("/", 1)[-1]) for r in extraction.relations}


def test_partnership(extractor):
    assert ("partnerOf", "bmw", "siemens") in relations(extractor, "BMW kooperiert seit dem Frühjahr mit Siemens bei Ladesäulen.")


def test_leadership_role_word_next_to_person(extractor):
    found = relations(extractor, "Nach Angaben von GM-Vize Kurt Kelty steigt die Nachfrage.")
    assert found == {("ledBy", "general-motors", "kurt-kelty")}


def test_subsidiary_child_first(extractor):
    found = relations(extractor, "Redwood Energy, eine Tochterfirma von Redwood Materials, baut den Speicher.")
    assert found == {("subsidiaryOf", "redwood-energy", "redwood-materials")}


def test_subsidiary_parent_genitive_first(extractor):
    assert relations(extractor, "Hydros Tochter Hydro Havrand plant Elektrolyseure.") == {
        ("subsidiaryOf", "hydro-havrand", "norsk-hydro")}


def test_supplies(extractor):
    assert relations(extractor, "Constellation Energy versorgt seit Mai auch Microsoft mit Atomstrom.") == {
        ("supplies", "constellation-energy", "microsoft")}


def test_no_relation_without_the_entities_the_pattern_needs(extractor):
    assert relations(extractor, "Die Anlage versorgt rund zehntausend Haushalte.") == set()
    assert relations(extractor, "GMs alte Akkus gehen an die Tochter Redwood Energy.") == set()
    # a name inside a compound modifier is not the acting partner
    assert relations(extractor, "Der Tesla-Mitgründer kooperiert mit GM.") == set()


def test_relation_and_evidence_are_stored_in_the_article_graph(extractor):
    text = "Vorab ein Satz. BMW kooperiert seit dem Frühjahr mit Siemens bei Ladesäulen."
    extraction = extractor.extract(Article(id="rel-1", title="", body=text))
    graph_iri, triples = article_graph(extraction)
    store = open_store("memory")
    store.replace_graph(graph_iri, triples)
    rows = store.query(
        "SELECT ?s ?o ?evidence ?g WHERE { GRAPH ?g { ?s tg:partnerOf ?o . ?r a tg:RelationStatement ; "
        "rdf:subject ?s ; rdf:predicate tg:partnerOf ; rdf:object ?o ; tg:evidence ?evidence ; "
        "prov:wasDerivedFrom art:rel-1 } }").rows
    assert len(rows) == 1
    s, o, evidence, g = rows[0]
    assert (str(s), str(o)) == (str(ENT.bmw), str(ENT.siemens))
    assert str(evidence) == "BMW kooperiert seit dem Frühjahr mit Siemens bei Ladesäulen."
    assert g == graph_iri
    assert TG.partnerOf in {p for _, p, _ in triples}

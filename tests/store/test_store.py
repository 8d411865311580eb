from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from topicgraph.pipeline.ingest import ingest, stored_hashes
from topicgraph.namespaces import ENT, TG
from topicgraph.store import StoreError, open_store

G = URIRef("https://w3id.org/topicgraph/graph/test")
S = URIRef("https://w3id.org/topicgraph/entity/s")


@pytest.fixture(params=["oxigraph", "memory"])
def store(request, tmp_path):
    s = open_store(str(tmp_path / "store") if request.param == "oxigraph" else "memory")
    yield s
    s.close()


def _count(store) -> int:
    return int(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])


def test_replace_graph_replaces_whole_graph(store):
    store.replace_graph(G, [(S, TG.category, Literal("a")), (S, TG.category, Literal("b"))])
    store.replace_graph(G, [(S, TG.category, Literal("c"))])
    assert [str(r[0]) for r in store.query(f"SELECT ?c WHERE {{ <{S}> tg:category ?c }}").rows] == ["c"]
    assert G in store.graphs()
    store.remove_graph(G)
    assert _count(store) == 0


def test_ask_and_construct(store):
    store.replace_graph(G, [(S, TG.category, Literal("a"))])
    assert store.query("ASK { ?s tg:category 'a' }").boolean is True
    graph = store.query("CONSTRUCT { ?s tg:category ?c } WHERE { ?s tg:category ?c }").graph
    assert len(graph) == 1


def test_ingest_is_idempotent_and_replaces_changed_articles(store, tmp_path, extractor):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    post = corpus / "a.md"
    post.write_text("---\ntitle: Eins\nslug: eins\ndate: 2024-01-01\n---\nTesla baut Batterien.\n", encoding="utf-8")
    first = ingest([corpus], store, extractor=extractor)
    assert first.added == ["eins"] and not first.problems
    triples = _count(store)
    again = ingest([corpus], store, extractor=extractor)
    assert again.unchanged == ["eins"] and not again.written and _count(store) == triples
    post.write_text("---\ntitle: Eins\nslug: eins\ndate: 2024-01-01\n---\nNorsk Hydro baut Batterien.\n", encoding="utf-8")
    changed = ingest([corpus], store, extractor=extractor)
    assert changed.updated == ["eins"]
    mentioned = {str(r[0]) for r in store.query("SELECT ?e WHERE { ?a tg:articleId 'eins' ; tg:mentions ?e }").rows}
    assert str(ENT["norsk-hydro"]) in mentioned and str(ENT["tesla"]) not in mentioned
    assert list(stored_hashes(store)) == ["eins"]


def test_on_disk_store_persists(tmp_path):
    path = tmp_path / "s"
    store = open_store(str(path))
    store.replace_graph(G, [(S, TG.category, Literal("a"))])
    store.close()
    reopened = open_store(str(path))
    assert reopened.query("ASK { ?s tg:category 'a' }").boolean
    reopened.close()


def test_store_path_that_is_a_file_is_a_clear_error(tmp_path):
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(StoreError, match="not a directory"):
        open_store(str(path))


def test_term_conversion_keeps_datatypes_and_languages_apart_and_round_trips():
    from rdflib import BNode
    from rdflib.namespace import XSD

    from topicgraph.store import from_ox, to_ox

    terms = [S, Literal("1"), Literal("1", datatype=XSD.integer), Literal("1", datatype=XSD.decimal),
             Literal("Akku", lang="de"), Literal("Akku", lang="en"), Literal("Akku"), Literal("x" * 500),
             Literal("x" * 500, lang="de"), BNode("b1")]
    converted = [to_ox(t) for t in terms]
    assert len(set(converted)) == len(terms)
    assert [from_ox(c) for c in converted] == terms
    assert [from_ox(c) for c in converted] == terms  # from_ox answers repeat terms from its cache
    with pytest.raises(ValueError):
        to_ox(URIRef("not an iri"))

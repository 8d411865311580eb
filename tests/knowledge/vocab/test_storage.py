"""The knowledge base in the store: one named graph per vocabulary, rewritten only when it changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from topicgraph.namespaces import KB_GRAPH, vocab_graph_iri
from topicgraph.store import OxigraphStore
from topicgraph.store import vocabularies as storage
from topicgraph.knowledge.vocab.registry import add_vocabulary, store_kb

FIXTURES = Path(__file__).parent / "fixtures"


def graph_triples(store: OxigraphStore, graph) -> set[tuple[str, str, str]]:
    return {tuple(v.n3() for v in row) for row in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows}


@pytest.mark.parametrize("bulk_above", [storage.BULK_TRIPLES, 0])
def test_each_vocabulary_is_written_once_and_again_only_when_it_changed(tmp_path: Path, monkeypatch, bulk_above) -> None:
    monkeypatch.setattr(storage, "BULK_TRIPLES", bulk_above)
    add_vocabulary(tmp_path, FIXTURES / "stadt.ttl")
    kb = store_kb(tmp_path)
    store = OxigraphStore(None)
    graph = vocab_graph_iri("stadt")
    assert set(storage.write_kb_graphs(store, kb)) == {KB_GRAPH, graph, vocab_graph_iri("energy")}
    written = graph_triples(store, graph)
    assert len(written) == len(kb.vocabularies[str(graph)])
    assert storage.write_kb_graphs(store, kb) == [KB_GRAPH]  # unchanged vocabularies are not written again
    # a graph left half written (an interrupted load) has another size: written again, whole
    store.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ <https://example.org/thesaurus/fussball> ?p ?o }} }}")
    assert graph in storage.write_kb_graphs(store, kb)
    assert graph_triples(store, graph) == written
    # the ontology is in tgg:kb only, the vocabularies' triples only in their own graphs
    kb_triples = graph_triples(store, KB_GRAPH)
    assert not kb_triples & written and ("<https://w3id.org/topicgraph/ontology#Topic>",
                                         "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
                                         "<http://www.w3.org/2002/07/owl#Class>") in kb_triples

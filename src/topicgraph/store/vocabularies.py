"""The knowledge base in the store: the ontology (and curation additions) in ``tgg:kb``, each vocabulary in its
own named graph ``tgg:vocab/<name>`` with its provenance (``tg:Vocabulary``: file, hash, time, who)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rdflib import URIRef

from ..knowledge.curation import curated_kb
from ..knowledge.kb import KnowledgeBase
from ..namespaces import KB_GRAPH, TG, VOCAB_GRAPHS
from ..oxterms import ox_quad

Triple = tuple
#: Vocabulary graphs larger than this go into an embedded Oxigraph store through its bulk loader.
BULK_TRIPLES = 20_000


def partition(kb: KnowledgeBase) -> dict[URIRef, list[Triple]]:
    """The knowledge base's triples by named graph: a triple of a vocabulary (still there after curation) goes
    to that vocabulary's graph, every other one (ontology, curation additions) to ``tgg:kb``."""
    graphs: dict[URIRef, list[Triple]] = {KB_GRAPH: []}
    parts = [(URIRef(iri), triples) for iri, triples in kb.vocabularies.items()]
    for iri, _ in parts:
        graphs[iri] = []
    for triple in kb.graph:
        for iri, triples in parts:
            if triple in triples:
                graphs[iri].append(triple)
                break
        else:
            graphs[KB_GRAPH].append(triple)
    return graphs


def kb_quads(kb: KnowledgeBase) -> Iterator[tuple]:
    """Every (s, p, o, graph) of the knowledge base as it goes into the store (for a bulk load)."""
    for graph, triples in partition(kb).items():
        for s, p, o in triples:
            yield s, p, o, graph


def stored_vocabulary_graphs(store) -> dict[URIRef, tuple[str | None, int]]:
    """The vocabulary graphs in the store: graph IRI -> (content hash recorded, number of triples)."""
    rows = store.query(
        "SELECT ?g (SAMPLE(?h) AS ?hash) (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), \"{VOCAB_GRAPHS}\")) "
        "OPTIONAL { GRAPH ?g { ?g tg:contentHash ?h } } } GROUP BY ?g").rows
    return {URIRef(str(g)): (str(h) if h is not None else None, int(n)) for g, h, n in rows}


def write_kb_graphs(store, kb: KnowledgeBase) -> list[URIRef]:
    """Write the knowledge base into the store: ``tgg:kb`` anew, each vocabulary graph when it changed (its
    hash or size differs), and drop the graphs of vocabularies no longer used. Returns the graphs written."""
    stored = stored_vocabulary_graphs(store)
    written: list[URIRef] = []
    for graph, triples in partition(kb).items():
        if graph != KB_GRAPH:
            digest = kb.graph.value(graph, TG.contentHash)
            if digest is not None and stored.get(graph) == (str(digest), len(triples)):
                continue
            if len(triples) > BULK_TRIPLES and hasattr(store, "bulk_load_ox"):
                # a large vocabulary: drop, then Oxigraph's bulk loader (the write lock keeps others out); an
                # interrupted load leaves a graph whose size differs, so the next write loads it again
                store.remove_graph(graph)
                store.bulk_load_ox(ox_quad(s, p, o, graph) for s, p, o in triples)
                written.append(graph)
                continue
        store.replace_graph(graph, triples)
        written.append(graph)
    for graph in stored:
        if str(graph) not in kb.vocabularies:
            store.remove_graph(graph)
            written.append(graph)
    return written


def sync_store(store, store_dir: Path | None) -> list[URIRef]:
    """Bring the store's knowledge-base graphs in line with its vocabularies and curation (after add/remove)."""
    return write_kb_graphs(store, curated_kb(store_dir))

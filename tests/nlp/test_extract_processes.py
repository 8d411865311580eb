"""The pipeline in worker processes gives the same extractions as in one process."""

from __future__ import annotations

from topicgraph.nlp import Extractor
from topicgraph.sources import read_articles

from ..conftest import SAMPLE


def signature(extraction) -> tuple:
    return (extraction.article.id, extraction.terms, extraction.about,
            [(m.start, m.end, m.entity_iri, m.sentence) for m in extraction.mentions],
            sorted((c.start, c.end, c.text) for c in extraction.candidates))


def test_two_processes_extract_what_one_does() -> None:
    articles = [a for a in read_articles([SAMPLE]) if getattr(a, "language", None) == "de"][:6]
    assert len(articles) == 6
    parallel = Extractor(n_process=2)
    assert parallel.articles_per_call(2) > len(articles)  # one call, so the worker processes do run
    one = [signature(e) for e in Extractor().extract_all(articles, batch_size=2)]
    two = [signature(e) for e in parallel.extract_all(articles, batch_size=2)]
    assert two == one
    assert sum(len(s[3]) for s in one) > 20


def test_worker_processes_use_the_extractors_own_knowledge_base() -> None:
    """A name only a curated knowledge base knows is linked in the worker processes too."""
    from rdflib import Literal
    from rdflib.namespace import SKOS

    from topicgraph.knowledge.kb import KnowledgeBase, default_kb
    from topicgraph.model import Article
    from topicgraph.namespaces import ENT

    graph = default_kb().graph
    curated = graph.__class__()
    for triple in graph:
        curated.add(triple)
    curated.add((ENT["redwood-energy"], SKOS.altLabel, Literal("Wüstenstrom", lang="de")))
    kb = KnowledgeBase.from_graph(curated)
    articles = [Article(f"a{i}", f"Bericht {i}", f"Im Bericht {i} baut Wüstenstrom einen Speicher in Nevada.")
                for i in range(5)]
    one = [signature(e) for e in Extractor(kb, model="none").extract_all(articles, batch_size=2)]
    two = [signature(e) for e in Extractor(kb, model="none", n_process=2).extract_all(articles, batch_size=2)]
    assert two == one
    assert all(str(ENT["redwood-energy"]) in {m[2] for m in s[3]} for s in two)

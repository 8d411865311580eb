"""Issue 17, at ingest: the archive-wide resolution is applied to a run's articles before they are written
(not by rewriting them afterwards) and gives the same graph as writing first and resolving then."""

from __future__ import annotations

import pytest

from topicgraph.knowledge.kb import default_kb
from topicgraph.model import EntityType
from topicgraph.namespaces import RESOLUTION_GRAPH
from topicgraph.pipeline import ingest as ingesting
from topicgraph.pipeline.ingest import IngestReport, write_articles
from topicgraph.pipeline.resolve import resolve_store
from topicgraph.store import OxigraphStore, load_kb_graph
from topicgraph.store.derived import count_mismatches

from tests.pipeline.test_resolve import extraction, iri, nodes_of


def _store() -> OxigraphStore:
    s = OxigraphStore(None)
    load_kb_graph(s, default_kb().graph)
    return s


def _article_quads(store) -> set[str]:
    return {q for q in store.dump_nquads().decode().splitlines() if "/graph/article/" in q and "_:" not in q}


def _clusters(store) -> set[frozenset[str]]:
    """Mentions grouped by the node they refer to."""
    by_node: dict[str, set[str]] = {}
    for m, e in store.query("SELECT ?m ?e WHERE { ?m tg:refersTo ?e }").rows:
        by_node.setdefault(str(e), set()).add(str(m))
    return {frozenset(ms) for ms in by_node.values()}


def _moved(store, merged: str) -> set[str]:
    rows = store.query(f"SELECT ?m WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ ?r prov:used <{merged}> ; "
                       f"tg:movedMention ?m }} }}").rows
    return {str(m) for (m,) in rows}


def _archive():
    lone, full = iri("Ramirez"), iri("Carla Ramirez")
    acme, acme_co, person = iri("Acme Chemical Corp"), iri("Acme Chemical Co."), iri("Acme Chemical Corp", "Person")
    return [
        extraction("a1", [("Ramirez", EntityType.PERSON, lone), ("Acme Chemical Co.", EntityType.ORGANIZATION, acme_co)]),
        extraction("a2", [("Carla Ramirez", EntityType.PERSON, full), ("Acme Chemical Corp", EntityType.ORGANIZATION, acme)]),
        extraction("a3", [("Acme Chemical Corp", EntityType.ORGANIZATION, acme)]),
        extraction("a4", [("Acme Chemical Corp", EntityType.PERSON, person)], candidates=[("Ramirez", "PER")]),
    ], (lone, full, acme_co, acme, person)


@pytest.mark.parametrize("chunk", [500, 2])
def test_resolving_before_writing_equals_writing_then_resolving(monkeypatch, chunk):
    extractions, (lone, full, acme_co, acme, person) = _archive()
    before, after = _store(), _store()
    written = IngestReport()
    write_articles(before, default_kb(), extractions, written, {}, resolve=False)
    scope = written.entities | {f"https://w3id.org/topicgraph/graph/article/{i}" for i in written.written}
    afterwards = resolve_store(before, default_kb(), scope=scope)
    assert {m.merged for m in afterwards.merges} == {lone, acme_co, person}

    monkeypatch.setattr(ingesting, "RESOLVE_CHUNK", chunk)
    report = IngestReport()
    rewritten: list[str] = []
    one, several = after.replace_graph, after.replace_graphs
    after.replace_graph = lambda graph, triples, also=None: (rewritten.append(str(graph)), one(graph, triples, also))
    after.replace_graphs = lambda graphs, also=None: (rewritten.extend(str(g) for g, _t in graphs), several(graphs, also))
    write_articles(after, default_kb(), extractions, report, {})
    assert report.added == ["a1", "a2", "a3", "a4"]
    assert count_mismatches(after) == [] and count_mismatches(before) == []
    assert _clusters(after) == _clusters(before)  # the same mentions end on one node
    # the provenance names the moved mentions, wherever they were when the plan was made
    assert _moved(after, lone) == _moved(before, lone) != set()
    articles = [g for g in rewritten if "/graph/article/" in g]
    if chunk >= len(extractions):  # one chunk: every article written once, none rewritten afterwards
        assert _article_quads(after) == _article_quads(before)
        assert len(articles) == len(set(articles)) == 4 and report.resolved == []
    else:
        # a1 was stored with the first chunk when a2's full names came in the same chunk, so nothing was
        # rewritten; a2's "Acme Chemical Co." kept the IRI it had when the two Acme names met (a tie then),
        # where one pass over all four articles keeps the more frequent "Acme Chemical Corp": one node either way
        assert report.resolved == [] and len(articles) == 4
        assert nodes_of(after, "a3") == nodes_of(after, "a2") - {full}


def test_a_later_run_resolves_names_of_an_earlier_one():
    extractions, (lone, full, *_rest) = _archive()
    store = _store()
    write_articles(store, default_kb(), extractions[:1], IngestReport(), {})
    assert nodes_of(store, "a1") >= {lone}
    report = IngestReport()
    write_articles(store, default_kb(), extractions[1:2], report, {})
    assert report.resolved == ["a1"] and full in nodes_of(store, "a1") and lone not in nodes_of(store, "a1")
    assert count_mismatches(store) == []


@pytest.mark.parametrize("chunk", [500, 2])
def test_a_bulk_load_resolves_as_an_incremental_ingest_does(monkeypatch, tmp_path, chunk):
    from topicgraph.pipeline.ingest import bulk_write
    from topicgraph.store import open_store

    monkeypatch.setattr(ingesting, "RESOLVE_CHUNK", chunk)
    extractions, (lone, *_rest) = _archive()
    incremental = _store()
    write_articles(incremental, default_kb(), extractions, IngestReport(), {})
    report = bulk_write(extractions, tmp_path, default_kb(), IngestReport(), related_k=None)
    bulk = open_store(tmp_path)
    assert report.added == ["a1", "a2", "a3", "a4"]
    assert count_mismatches(bulk) == []
    assert _clusters(bulk) == _clusters(incremental)
    assert _moved(bulk, lone) == _moved(incremental, lone) != set()
    if chunk >= len(extractions):
        assert _article_quads(bulk) == _article_quads(incremental) and report.resolved == []
    else:  # a later chunk's plan rewrote an earlier chunk's article after the load, as ingest rewrites stored ones
        assert report.resolved

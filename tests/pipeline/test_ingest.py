"""Ingest into an existing store and the bulk load of a new one give the same graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from topicgraph.pipeline.ingest import bulk_ingest, ingest, stored_hashes
from topicgraph.namespaces import DERIVED_GRAPH
from topicgraph.knowledge.kb import default_kb
from topicgraph.nlp import Extractor
from topicgraph.store import OXIGRAPH_DIR, StoreError, load_kb_graph, open_store

from tests.conftest import SAMPLE


def named_quads(store_dir: Path) -> set[str]:
    """Every stored quad without blank nodes (their labels differ between loads)."""
    store = open_store(store_dir)
    try:
        return {line for line in store.dump_nquads().decode().splitlines() if "_:" not in line}
    finally:
        store.close()


def test_bulk_load_builds_the_same_graph_as_ingest(tmp_path: Path) -> None:
    one_by_one, bulk = tmp_path / "ingested", tmp_path / "bulk"
    report = ingest([SAMPLE], open_store(one_by_one), extractor=Extractor())
    bulk_report = bulk_ingest([SAMPLE], bulk, extractor=Extractor())
    assert not bulk_report.problems
    assert sorted(bulk_report.added) == sorted(report.added) and len(report.added) >= 15
    assert bulk_report.triples == report.triples and bulk_report.related == report.related > 0
    expected = named_quads(one_by_one)
    assert any("/graph/derived>" in q for q in expected) and any("/graph/related>" in q for q in expected)
    assert named_quads(bulk) == expected
    assert not (bulk / f"{OXIGRAPH_DIR}.partial").exists()


def test_bulk_load_refuses_a_store_with_articles(tmp_path: Path, extractor) -> None:
    store_dir = tmp_path / "store"
    store = open_store(store_dir)
    ingest([SAMPLE / "northvolt-lehren.md"], store, extractor=extractor)
    store.close()
    before = named_quads(store_dir)
    with pytest.raises(StoreError, match="already holds 1 articles"):
        bulk_ingest([SAMPLE], store_dir, extractor=extractor)
    assert named_quads(store_dir) == before


def test_bulk_load_skips_a_bad_file_and_keeps_the_others(tmp_path: Path, extractor) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLE / "northvolt-lehren.md", corpus)
    shutil.copy(SAMPLE / "tesla-nevada-loop.txt", corpus)
    (corpus / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    report = bulk_ingest([corpus], tmp_path / "store", extractor=extractor)
    assert sorted(report.added) == ["northvolt-lehren", "tesla-nevada-loop"]
    assert [p.path.name for p in report.problems] == ["broken.md"]
    store = open_store(tmp_path / "store")
    ids = {str(row[0]) for row in store.query("SELECT ?id WHERE { ?a tg:articleId ?id }").rows}
    store.close()
    assert ids == {"northvolt-lehren", "tesla-nevada-loop"}


def test_an_interrupted_bulk_load_leaves_the_store_as_it_was(tmp_path: Path, extractor) -> None:
    store_dir = tmp_path / "store"
    store = open_store(store_dir)  # a store that exists already, with its knowledge base but no articles
    load_kb_graph(store, default_kb().graph)
    store.close()
    before = named_quads(store_dir)
    assert before
    seen = []

    def interrupt(article_id: str) -> None:
        seen.append(article_id)
        if len(seen) == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk_ingest([SAMPLE], store_dir, extractor=extractor, on_article=interrupt)
    assert named_quads(store_dir) == before
    assert not (store_dir / f"{OXIGRAPH_DIR}.partial").exists()


def test_ingest_refuses_a_store_with_the_earlier_co_mention_layout(tmp_path: Path, extractor) -> None:
    store = open_store(tmp_path / "store")
    try:
        store.update(f"INSERT DATA {{ GRAPH <{DERIVED_GRAPH}> {{ <urn:x:pair> tg:coEntity <urn:x:e> }} }}")
        with pytest.raises(StoreError, match="earlier layout"):
            ingest([SAMPLE / "northvolt-lehren.md"], store, extractor=extractor)
        assert stored_hashes(store) == {}
    finally:
        store.close()

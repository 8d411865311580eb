"""Ingest into an existing store and the bulk load of a new one give the same graph; batched writes (several
articles in one transaction) give the same graph as one article at a time, and a bad article in a batch is
reported alone."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

import topicgraph.pipeline.ingest as ingest_module
from topicgraph.evaluation.bench import oxigraph_server
from topicgraph.evaluation.synthetic import generate_extractions
from topicgraph.pipeline.ingest import IngestReport, bulk_ingest, ingest, stored_hashes, write_articles
from topicgraph.namespaces import DERIVED_GRAPH
from topicgraph.knowledge.kb import default_kb
from topicgraph.nlp import Extractor
from topicgraph.store import OXIGRAPH_DIR, BatchWriting, OxigraphStore, StoreError, load_kb_graph, open_store
from topicgraph.store.derived import count_mismatches, derived_quads, stored_derived

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


# --------------------------------------------------------------------------- batched writes

class OneByOne:
    """A store without its batch writes (not store.BatchWriting): ingest writes it article by article."""

    def __init__(self, store) -> None:
        self.store = store

    def __getattr__(self, name: str):
        if name == "replace_graphs":
            raise AttributeError(name)
        return getattr(self.store, name)


def store_quads(store) -> set[str]:
    """Every quad of an open store without blank nodes (their labels differ between loads)."""
    return {line for line in store.dump_nquads().decode().splitlines() if "_:" not in line}


def edited_corpus(directory: Path) -> Path:
    """The sample corpus with three articles changed: each gets the text of another appended (other entities,
    so counts and their levels move), one a new date."""
    shutil.copytree(SAMPLE, directory)
    texts = sorted(directory.glob("*.md"))
    for target, source in zip(texts[:3], texts[3:6]):
        body = source.read_text(encoding="utf-8").split("---", 2)[-1]
        edited = target.read_text(encoding="utf-8") + "\n" + body
        target.write_text(edited.replace("date: 2025-", "date: 2026-", 1), encoding="utf-8")
    return directory


def ingest_twice(store, corpus: Path, edited: Path) -> list:
    """The sample corpus ingested, then the edited corpus over it; the two reports."""
    return [ingest([paths], store, extractor=Extractor(model="none")) for paths in (corpus, edited)]


@pytest.mark.server
@pytest.mark.slow
def test_batched_ingest_into_a_server_equals_an_embedded_ingest_article_by_article(tmp_path: Path, monkeypatch):
    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server (pip package 'oxigraph') is not installed")
    monkeypatch.setattr(ingest_module, "WRITE_BATCH", 5)  # several batches, the last one short
    edited = edited_corpus(tmp_path / "edited")
    embedded = open_store(tmp_path / "store")
    with oxigraph_server(tmp_path / "server") as url:
        remote = open_store(url)
        assert isinstance(remote, BatchWriting) and not isinstance(OneByOne(embedded), BatchWriting)
        batched_reports = ingest_twice(remote, SAMPLE, edited)
        single_reports = ingest_twice(OneByOne(embedded), SAMPLE, edited)
        assert len(batched_reports[0].added) >= 15 and len(batched_reports[1].updated) == 3
        for batched, single in zip(batched_reports, single_reports):
            assert (batched.added, batched.updated, batched.triples) == (single.added, single.updated, single.triples)
            assert not batched.problems
        assert store_quads(remote) == store_quads(embedded)
        assert count_mismatches(remote) == []
    embedded.close()


def test_a_bad_article_in_a_batch_is_reported_alone_and_the_others_are_written():
    extractions = list(generate_extractions(12, seed=5))
    bad = extractions[4]  # a lone surrogate in the title: its text cannot be written (UnicodeEncodeError)
    extractions[4] = dataclasses.replace(bad, article=dataclasses.replace(bad.article, title="Bad \ud800 title"))
    store, report, progress = OxigraphStore(), IngestReport(), []
    write_articles(store, default_kb(), extractions, report, {}, progress.append, resolve=False)
    good = [e for e in extractions if e is not extractions[4]]
    assert len(report.problems) == 1 and report.problems[0].problem.startswith(f"cannot store {bad.article.id!r}")
    assert report.added == progress == [e.article.id for e in good]
    assert stored_derived(store) == set(derived_quads(good))

"""The writers' entry points take the store's write lock: topicgraph.ingest() from Python and curate apply."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

import topicgraph
from topicgraph.cli import main
from topicgraph.store import StoreLocked
from topicgraph.store.locking import store_write_lock
from tests.conftest import SAMPLE


def _corpus(tmp_path: Path, n: int = 2) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in sorted(SAMPLE.glob("*.md"))[:n]:
        shutil.copy(path, corpus / path.name)
    return corpus


def test_two_python_ingests_at_once_the_second_is_told_who_writes(tmp_path: Path) -> None:
    corpus, store = _corpus(tmp_path), tmp_path / "store"
    inside, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def first_article(_id: str) -> None:
        inside.set()
        release.wait(60)

    def first() -> None:
        try:
            topicgraph.ingest([corpus], store, model="none", on_article=first_article)
        except BaseException as exc:  # handed to the test below
            failures.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(120), "the first ingest never reached its first article"
        with pytest.raises(StoreLocked, match=r"another writer holds this store \(pid \d+, topicgraph ingest"):
            topicgraph.ingest([corpus], store, model="none")
    finally:
        release.set()
        thread.join(120)
    assert not failures, failures
    second = topicgraph.ingest([corpus], store, model="none", wait=30)  # free again: it goes through
    assert len(second.unchanged) == 2 and not second.added


def test_a_second_python_ingest_waits_for_the_first(tmp_path: Path) -> None:
    corpus, store = _corpus(tmp_path), tmp_path / "store"
    holder = store_write_lock(store, command="an editor's script")
    holder.__enter__()
    timer = threading.Timer(1.0, holder.__exit__, (None, None, None))
    timer.start()
    try:
        report = topicgraph.ingest([corpus], store, model="none", wait=60)
    finally:
        timer.join()
    assert len(report.added) == 2


def test_curate_apply_takes_the_write_lock(tmp_path: Path) -> None:
    corpus, store = _corpus(tmp_path), tmp_path / "store"
    topicgraph.ingest([corpus], store, model="none")
    with store_write_lock(store, command="topicgraph ingest (another one)"):
        with pytest.raises(StoreLocked, match="topicgraph ingest \\(another one\\)"):
            topicgraph.apply_curation(store)
        result = CliRunner().invoke(main, ["--store", str(store), "curate", "apply"])
    assert result.exit_code == 1
    assert "another writer holds this store" in result.output and "Traceback" not in result.output
    assert topicgraph.apply_curation(store).changes == 0  # released: it runs

"""Two ingests on one store: the second waits for the write lock or stops with a clear message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from topicgraph.store.locking import StoreLocked, lock_path, store_write_lock
from topicgraph.store import StoreError, open_store

SRC = Path(__file__).resolve().parents[2] / "src"
ENV = {**os.environ, "PYTHONPATH": str(SRC)}


def write_article(directory: Path) -> Path:
    directory.mkdir(exist_ok=True)
    (directory / "a.md").write_text("---\ntitle: A\n---\nRedwood Materials baut in Nevada.\n", encoding="utf-8")
    return directory


def ingest(store_dir: Path, corpus: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "topicgraph", "--store", str(store_dir), "ingest", str(corpus),
                           "--model", "none", *extra], env=ENV, capture_output=True, text=True, timeout=300)


def test_second_holder_is_refused_with_the_first_named(tmp_path: Path) -> None:
    with store_write_lock(tmp_path, command="first ingest"):
        with pytest.raises(StoreLocked, match=rf"another writer holds this store \(pid {os.getpid()}, first ingest"):
            with store_write_lock(tmp_path):
                pass
        with pytest.raises(StoreLocked, match="after waiting 0.3 s"):
            with store_write_lock(tmp_path, wait=0.3, poll_interval=0.05):
                pass
    with store_write_lock(tmp_path):  # released: free again
        pass


def test_memory_store_needs_no_lock() -> None:
    with store_write_lock(None), store_write_lock(None):
        pass


def test_lock_of_a_killed_holder_is_free(tmp_path: Path) -> None:
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from topicgraph.store.locking import store_write_lock\n"
        f"with store_write_lock(Path({str(tmp_path)!r})):\n    print('locked', flush=True); time.sleep(600)")],
        env=ENV, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    with pytest.raises(StoreLocked):
        with store_write_lock(tmp_path):
            pass
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with store_write_lock(tmp_path):  # the kernel dropped the lock with the process: no stale lock
        assert lock_path(tmp_path).exists()


def test_second_ingest_stops_with_a_clear_message(tmp_path: Path) -> None:
    store_dir, corpus = tmp_path / "store", write_article(tmp_path / "corpus")
    with store_write_lock(store_dir, command="topicgraph ingest"):
        result = ingest(store_dir, corpus)
    assert result.returncode == 1
    assert "another writer holds this store" in result.stderr and "--wait" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_second_ingest_waits_for_the_first(tmp_path: Path) -> None:
    store_dir, corpus = tmp_path / "store", write_article(tmp_path / "corpus")
    released = threading.Event()

    def hold_for_a_while() -> None:
        with store_write_lock(store_dir, command="topicgraph ingest"):
            time.sleep(3)
        released.set()

    holder = threading.Thread(target=hold_for_a_while)
    holder.start()
    time.sleep(0.3)
    result = ingest(store_dir, corpus, "--wait", "120")
    holder.join()
    assert released.is_set()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("articles: 1 added")


def test_oxigraph_own_lock_refuses_a_second_writer_process(tmp_path: Path) -> None:
    """RocksDB's LOCK file: a second process cannot open the store for writing while one has it open."""
    store = open_store(tmp_path / "store")
    try:
        result = subprocess.run([sys.executable, "-m", "topicgraph", "--store", str(tmp_path / "store"), "entities"],
                                env=ENV, capture_output=True, text=True, timeout=120)
        assert result.returncode == 1
        assert "the store is in use by another topicgraph process" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        store.close()
    assert isinstance(StoreLocked("x"), StoreError)

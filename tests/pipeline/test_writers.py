"""Many writers, one graph: concurrent ingests into a real ``oxigraph serve`` take turns through the lease in
the store; a writer SIGKILLed while it holds the lease leaves no half article, its lease expires, and
after a re-run ``check`` finds nothing wrong and every article is there."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from topicgraph.evaluation.bench import oxigraph_server
from topicgraph.integrity import check_store
from topicgraph.pipeline.ingest import stored_hashes
from topicgraph.pipeline.run import writing
from topicgraph.sources import read_articles
from topicgraph.store import RemoteSparqlStore, StoreLocked
from topicgraph.store.lease import LeasedStore, WriterLease, read_claims

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
LEASE_TTL = 4  # seconds: a killed holder blocks the others this long


@pytest.fixture()
def server(tmp_path):
    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server (pip package 'oxigraph') is not installed")
    with oxigraph_server(tmp_path / "server") as url:
        yield url


def _writer(url: str, files: list[Path]) -> subprocess.Popen:
    env = {**os.environ, "TOPICGRAPH_LEASE_TTL": str(LEASE_TTL)}
    return subprocess.Popen([sys.executable, "-m", "topicgraph", "--store", url, "ingest", "--model", "none",
                             "--wait", "300", *map(str, files)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)


@pytest.mark.server
@pytest.mark.slow
def test_four_writers_one_killed_and_rerun_leave_a_clean_graph(server):
    files = sorted(SAMPLE.iterdir())
    # four overlapping halves of the corpus: the same articles and entities written by several writers
    shares = [[files[(start + i) % len(files)] for i in range(len(files) // 2 + 1)] for start in (0, 4, 8, 12)]
    expected = {a.id for a in read_articles([SAMPLE]) if hasattr(a, "id")}
    store = RemoteSparqlStore(server)
    writers = [_writer(server, share) for share in shares]
    victim = None
    deadline = time.monotonic() + 240
    while victim is None and time.monotonic() < deadline:  # kill whichever writer holds the lease mid-run
        claims = read_claims(store)
        if claims and stored_hashes(store):
            pids = {w.pid: w for w in writers}
            holder = next((pids[p] for c in claims for p in pids if c.holder.startswith(f"pid {p} ")), None)
            if holder is not None and holder.poll() is None:
                os.kill(holder.pid, signal.SIGKILL)
                victim = holder
        time.sleep(0.05)
    assert victim is not None, "no writer was seen holding the lease"
    for w in writers:
        out, err = w.communicate(timeout=300)
        if w is not victim:
            assert w.returncode == 0, err
    assert victim.returncode == -signal.SIGKILL
    rerun = _writer(server, shares[writers.index(victim)])
    out, err = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, err

    assert set(stored_hashes(store)) == expected
    report = check_store(store)
    assert report.ok, [str(f) for f in report.violations][:5]
    assert report.articles == len(expected)
    assert read_claims(store) == []  # every finished writer withdrew its claim, the killed one's was cleared


@pytest.mark.server
def test_a_second_writer_is_told_who_holds_the_store(server):
    store = RemoteSparqlStore(server)
    with writing(server, command="topicgraph ingest"):
        with pytest.raises(StoreLocked, match=r"another writer holds this store \(pid \d+ on .*topicgraph ingest"):
            with writing(server, wait=0.5, command="topicgraph curate apply"):
                pass
    with writing(store, command="topicgraph curate apply"):  # released: the next writer gets it
        assert len(read_claims(store)) == 1


@pytest.mark.server
def test_the_claim_of_a_dead_writer_expires_and_a_stalled_holder_stops_writing(server):
    store = RemoteSparqlStore(server)
    dead = WriterLease(store, command="killed writer", ttl=2)
    dead.acquire()
    dead._stop.set()  # as if killed: no more renewals, the claim stays in the store
    dead._renewer.join()
    other = WriterLease(store, command="next writer", ttl=30)
    assert other.try_acquire() and not other.held  # the dead writer's claim is still live
    other.acquire(wait=20, poll=0.2)
    assert other.held and [c.holder for c in read_claims(store)] == [other.holder]
    with pytest.raises(StoreLocked, match="lease ran out"):
        LeasedStore(store, dead).update("INSERT DATA { <urn:x:a> <urn:x:b> <urn:x:c> }")
    other.release()
    assert read_claims(store) == []


@pytest.mark.server
@pytest.mark.slow
def test_two_writers_through_serve_allow_update_into_an_embedded_store(tmp_path):
    from topicgraph.pipeline.run import ingest_archive
    from topicgraph.serve import ServeConfig, serve_in_thread
    from topicgraph.store import OxigraphStore

    embedded = OxigraphStore(tmp_path / "store")
    server, _thread = serve_in_thread(embedded, ServeConfig(port=0, allow_update=True, timeout=120))
    try:
        files = sorted(SAMPLE.iterdir())
        halves = [files[: len(files) // 2 + 3], files[len(files) // 2 - 3:]]  # overlapping
        errors: list[BaseException] = []

        def write(paths):
            try:
                ingest_archive(paths, server.url, model="none", wait=300)
            except BaseException as exc:  # reported below
                errors.append(exc)

        import threading

        threads = [threading.Thread(target=write, args=(half,)) for half in halves]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
    finally:
        server.shutdown()
        server.server_close()
    expected = {a.id for a in read_articles([SAMPLE]) if hasattr(a, "id")}
    assert set(stored_hashes(embedded)) == expected
    report = check_store(embedded)
    assert report.ok, [str(f) for f in report.violations][:5]
    assert read_claims(embedded) == []


@pytest.mark.server
def test_two_writers_starting_together_without_wait_do_not_both_give_up(server):
    import threading

    store = RemoteSparqlStore(server)
    barrier = threading.Barrier(2)
    held: list[str] = []
    errors: list[BaseException] = []

    def write(name: str) -> None:
        lease = WriterLease(store, command=name, ttl=30)
        barrier.wait()
        try:
            lease.acquire(wait=0)
        except StoreLocked as exc:
            errors.append(exc)
            return
        held.append(name)
        time.sleep(0.5)  # a short write: the other gets its turn within its contention retries
        lease.release()

    threads = [threading.Thread(target=write, args=(f"writer {i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and sorted(held) == ["writer 0", "writer 1"]

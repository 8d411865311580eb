"""The store in a supervised worker process, so that a crash of the query engine costs requests, not the server.

:class:`IsolatedStore` implements the :class:`~topicgraph.store.Store` protocol by sending each call
over a socket pair to a child process (``python -m topicgraph.serve.worker``) that opened the on-disk store and answers
with a thread pool. If the child dies (a segfault in the native engine, the OOM killer), every call
in flight fails with :class:`EngineCrashed` and a new child opens the store again; Oxigraph's writes
are transactions, so an update cut short leaves nothing behind. Results cross the pipe pickled
(rows of rdflib terms, graphs as triples).
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

from rdflib import Graph, URIRef

from ..store import DEFAULT_STORE, MEMORY, QueryResult, StoreError, Triple, open_store
from ..store.convert import remove_graph_update, replace_graph_update

#: Store methods the worker runs for the parent ("answer": a query answered as serialized bytes).
_CALLS = {"query", "update", "dump_nquads", "graphs", "select_values", "answer"}
_START_TIMEOUT = 120.0


class EngineCrashed(RuntimeError):
    """The worker died while this call was in flight; ``alone`` says it was the only call in flight."""

    def __init__(self, message: str, alone: bool) -> None:
        super().__init__(message)
        self.alone = alone


def _worker_main(spec: str, read_only: bool, threads: int, conn) -> None:
    """The child: open the store, then answer ``(id, method, args)`` messages until the pipe closes."""
    try:
        store = open_store(spec, read_only=read_only)
    except Exception as exc:  # reported to the parent as one line
        conn.send(("failed", f"{exc}".splitlines()[0] if str(exc) else type(exc).__name__))
        return
    conn.send(("ready", None))
    send_lock = threading.Lock()

    def answer(call_id: int, method: str, args: tuple) -> None:
        try:
            if method not in _CALLS:
                raise ValueError(f"unknown call {method!r}")
            if method == "answer":
                from .server import answer_query

                value = answer_query(store, *args)
            else:
                value = getattr(store, method)(*args)
            if isinstance(value, QueryResult) and value.graph is not None:
                value = QueryResult(value.variables, value.rows, value.boolean, list(value.graph))
            reply = (call_id, True, value)
        except BaseException as exc:  # handed to the caller
            reply = (call_id, False, exc)
        with send_lock:
            try:
                conn.send(reply)
            except Exception as exc:  # an answer or error that cannot be pickled
                conn.send((call_id, False, RuntimeError(f"{type(exc).__name__}: {exc}")))

    # two threads more than the server's query slots: runaway queries (Oxigraph cannot abort one) never
    # leave an update or a new query without a thread
    with ThreadPoolExecutor(max_workers=threads + 2, thread_name_prefix="engine") as pool:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):  # the parent is gone: do not finish runaway queries for nobody
                os._exit(1)
            if message is None:  # the parent closes the store
                break
            call_id, method, args = message
            pool.submit(answer, call_id, method, args)
    store.close()


class IsolatedStore:
    """An on-disk store opened and queried in a child process that is restarted when it dies."""

    def __init__(self, spec: str | Path, read_only: bool = False, threads: int = 4) -> None:
        self.spec, self.read_only, self.threads = str(spec), read_only, threads
        self._ids = itertools.count()
        self._lock = threading.Lock()  # guards the pipe, the pending calls and restarts
        self._pending: dict[int, Future] = {}
        self._closed = False
        self.restarts = 0
        self._start()

    # -- supervision
    def _start(self) -> None:
        parent_sock, child_sock = socket.socketpair()
        command = [sys.executable, "-m", "topicgraph.serve.worker", "--fd", str(child_sock.fileno()),
                   "--threads", str(self.threads), self.spec] + (["--read-only"] if self.read_only else [])
        process = subprocess.Popen(command, pass_fds=(child_sock.fileno(),), stdin=subprocess.DEVNULL)
        child_sock.close()
        parent = Connection(parent_sock.detach())
        if not parent.poll(_START_TIMEOUT):
            process.kill()
            raise StoreError(f"{self.spec}: the store worker did not start within {_START_TIMEOUT:g} s")
        try:
            status, message = parent.recv()
        except (EOFError, OSError):
            status, message = "failed", f"{self.spec}: the store worker exited (code {process.wait()})"
        if status != "ready":
            process.wait(5)
            raise StoreError(message)
        self._conn, self._process = parent, process
        threading.Thread(target=self._receive, args=(parent, process), name="engine-receiver", daemon=True).start()

    def _receive(self, conn, process) -> None:
        while True:
            try:
                call_id, ok, value = conn.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                future = self._pending.pop(call_id, None)
            if future is not None:
                (future.set_result if ok else future.set_exception)(value)
        try:
            code = process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        with self._lock:
            if self._closed or conn is not self._conn:
                return
            lost, self._pending = list(self._pending.values()), {}
            for future in lost:
                future.set_exception(EngineCrashed(
                    f"the query engine crashed (exit code {code}) and was restarted", alone=len(lost) == 1))
            self.restarts += 1
            try:
                self._start()
            except StoreError as exc:  # the store cannot be opened again: every later call fails clearly
                self._closed = True
                self._failure = str(exc)

    def _call(self, method: str, *args):
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise StoreError(getattr(self, "_failure", f"{self.spec}: the store is closed"))
            call_id = next(self._ids)
            self._pending[call_id] = future
            try:
                self._conn.send((call_id, method, args))
            except (OSError, ValueError) as exc:
                self._pending.pop(call_id, None)
                raise EngineCrashed(f"the query engine is restarting ({exc})", alone=False) from None
        return future.result()

    @property
    def pid(self) -> int | None:
        """The worker's process id (waits for a restart in progress)."""
        with self._lock:
            return self._process.pid

    # -- Store protocol
    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        result = self._call("query", sparql, max_rows)
        if isinstance(result.graph, list):
            graph = Graph()
            for triple in result.graph:
                graph.add(triple)
            result.graph = graph
        return result

    def answer(self, query: str, max_results: int, graph_media: str, result_media: str) -> tuple[bytes, str, bool]:
        """``serve``'s answer to a query, serialized in the worker: (body, media type, truncated?)."""
        return self._call("answer", query, max_results, graph_media, result_media)

    def update(self, sparql: str) -> None:
        self._call("update", sparql)

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also="") -> None:
        self.update(replace_graph_update(graph, triples, also))

    def remove_graph(self, graph: URIRef, also="") -> None:
        self.update(remove_graph_update(graph, also))

    def select_values(self, sparql: str) -> list[tuple[str | None, ...]]:
        return self._call("select_values", sparql)

    def dump_nquads(self) -> bytes:
        return self._call("dump_nquads")

    def graphs(self) -> list[URIRef]:
        return self._call("graphs")

    def close(self) -> None:
        with self._lock:
            if self._closed and not hasattr(self, "_conn"):
                return
            self._closed = True
            conn, process = self._conn, self._process
        try:
            with self._lock:
                conn.send(None)  # the worker finishes the calls in flight, closes the store and exits
        except (OSError, ValueError):
            pass
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        conn.close()


def open_served_store(spec: str | Path | None, threads: int = 4):
    """The store ``serve`` answers from: an on-disk store in a worker process, else the store itself
    (rdflib in memory is pure Python; a remote server crashes on its own)."""
    if spec is not None and (str(spec) == MEMORY or str(spec).startswith(("http://", "https://"))):
        return open_store(spec)
    return IsolatedStore(spec if spec is not None else DEFAULT_STORE, threads=threads)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the worker process (started by :class:`IsolatedStore`, not by hand)."""
    parser = argparse.ArgumentParser(prog="python -m topicgraph.serve.worker")
    parser.add_argument("spec")
    parser.add_argument("--fd", type=int, required=True)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--read-only", action="store_true")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server, which then closes this worker
    _worker_main(args.spec, args.read_only, args.threads, Connection(args.fd))


if __name__ == "__main__":
    main()

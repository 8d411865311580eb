"""Benchmark (figures, not a test): what the engine worker process of ``serve`` costs the named queries.

``topicgraph bench serve``: the synthetic archive of ``bench queries`` on disk, then p50 per named
query (a) on embedded Oxigraph in this process, (b) through :class:`~topicgraph.serve.worker.IsolatedStore`
(the store in a child process, results pickled over a socket pair), and over HTTP through ``serve``
(c) with the store in process and (d) with the worker, as a client sees it.
"""

from __future__ import annotations

import contextlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from .bench import Echo, _load, bench_parameters, store_suggestions
from ..query import run_named_query
from ..serve import ServeConfig, serve_in_thread
from ..serve.worker import IsolatedStore
from ..store import OXIGRAPH_DIR, OxigraphStore, RemoteSparqlStore, Store

COLUMNS = ("embedded", "worker", "http", "http+worker")


def _timed_ms(store: Store, name: str, params: dict[str, str]) -> tuple[float, int]:
    start = time.perf_counter()
    rows = len(run_named_query(store, name, params).rows)
    return (time.perf_counter() - start) * 1000, rows


#: Written beside a kept benchmark store once it is complete: the number of synthetic articles it holds.
KEPT_MARKER = "bench-articles.txt"


def _synthetic_store(directory: Path, n_articles: int, params: dict, echo: Echo) -> OxigraphStore:
    """The synthetic archive in ``directory``: reused when a complete one of this size is there, else built."""
    marker = directory / KEPT_MARKER
    if marker.is_file() and marker.read_text().strip() == str(n_articles):
        echo(f"synthetic archive: {n_articles} articles, reused from {directory}")
        return OxigraphStore(directory / OXIGRAPH_DIR)
    if (directory / OXIGRAPH_DIR).exists():
        shutil.rmtree(directory / OXIGRAPH_DIR)
    marker.unlink(missing_ok=True)
    store = OxigraphStore(directory / OXIGRAPH_DIR)
    quads, _, seconds = _load(store, n_articles)
    store.optimize()
    store_suggestions(store, params["related-articles"]["article"])
    store.close()  # flushed to disk before the marker says the archive is complete
    marker.write_text(f"{n_articles}\n")
    echo(f"synthetic archive: {n_articles} articles, {quads:,} quads, loaded in {seconds:.1f} s")
    return OxigraphStore(directory / OXIGRAPH_DIR)


def run_serve_bench(n_articles: int, repeat: int = 20, workdir: Path | None = None, keep: Path | None = None,
                    echo: Echo = print) -> dict:
    """p50 per named query in process, through the worker, and over HTTP without and with it.

    The four ways run in turn for every repetition (the worker opens the store read-only beside this
    process), so a busy machine slows them alike. With ``keep`` the synthetic store is built in that
    directory once and reused by later runs of the same size (a 100k-article archive takes an hour)."""
    figures: dict = {"articles": n_articles, "queries": {}}
    params = bench_parameters(n_articles)
    with contextlib.ExitStack() as stack:
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            directory = keep
        else:
            directory = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="topicgraph-serve-bench-", dir=workdir)))
        store = _synthetic_store(directory, n_articles, params, echo)
        start = time.perf_counter()
        isolated = IsolatedStore(directory, read_only=True)
        figures["worker_start_s"] = time.perf_counter() - start
        servers = [serve_in_thread(s, ServeConfig(port=0))[0] for s in (store, isolated)]
        try:
            ways = {"embedded": store, "worker": isolated, "http": RemoteSparqlStore(servers[0].url),
                    "http+worker": RemoteSparqlStore(servers[1].url)}
            echo(f"worker start (new interpreter, imports, open the store): {figures['worker_start_s']:.2f} s")
            echo(f"{'named query':32} {'rows':>5} " + " ".join(f"{c + ' ms':>15}" for c in COLUMNS)
                 + f"   (p50 of {repeat} runs, the four ways in turn)")
            for name, values in params.items():
                times: dict[str, list[float]] = {c: [] for c in COLUMNS}
                rows = 0
                for run in range(repeat + 1):  # the first round warms up
                    for column, target in ways.items():
                        ms, rows = _timed_ms(target, name, values)
                        if run:
                            times[column].append(ms)
                entry = {c: statistics.median(times[c]) for c in COLUMNS}
                figures["queries"][name] = entry
                echo(f"{name:32} {rows:5d} " + " ".join(f"{entry[c]:15.2f}" for c in COLUMNS))
        finally:
            for server in servers:
                server.shutdown()
                server.server_close()
            isolated.close()
            store.close()
    slowest = max(max(entry.values()) for entry in figures["queries"].values())
    overhead = sorted(entry["worker"] - entry["embedded"] for entry in figures["queries"].values())
    http_overhead = sorted(entry["http+worker"] - entry["http"] for entry in figures["queries"].values())
    figures["slowest_ms"] = slowest
    echo(f"\nworker overhead per named query: in process (worker - embedded) median {overhead[len(overhead) // 2]:.2f} ms, "
         f"max {overhead[-1]:.2f} ms; over HTTP (http+worker - http) median {http_overhead[len(http_overhead) // 2]:.2f} ms, "
         f"max {http_overhead[-1]:.2f} ms")
    echo(f"slowest p50 of any column: {slowest:.2f} ms (target <= 20 ms)")
    return figures

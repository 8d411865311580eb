"""Benchmark (figures, not a test): the topic site of a synthetic archive (synthetic.py): pages per
second and total size. The archive is bulk-loaded into in-memory Oxigraph first (not timed)."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .bench import corpus_quads
from ..store import OxigraphStore
from ..publish.data import load_archive
from ..publish.site import write_site


@dataclass
class SiteBenchReport:
    articles: int
    entities: int
    pages: int
    bytes: int
    load_seconds: float
    read_seconds: float
    write_seconds: float
    #: CPU seconds of this process for reading and writing (wall-clock figures grow on a shared machine).
    cpu_seconds: float = 0.0

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.write_seconds if self.write_seconds else float("inf")

    def format(self) -> str:
        return (f"synthetic archive: {self.articles:,} articles, {self.entities:,} entities "
                f"(bulk load {self.load_seconds:.1f} s, not counted)\n"
                f"read the store: {self.read_seconds:.1f} s\n"
                f"write {self.pages:,} pages: {self.write_seconds:.1f} s = {self.pages_per_second:,.0f} pages/s, "
                f"total {self.bytes / 1e6:,.1f} MB ({self.bytes / max(self.pages, 1) / 1e3:.1f} kB per page)\n"
                f"read + write: {self.pages / (self.read_seconds + self.write_seconds):,.0f} pages/s; "
                f"CPU time of both: {self.cpu_seconds:.1f} s = {self.pages / max(self.cpu_seconds, 1e-9):,.0f} pages per CPU second")


def bench_site(n_articles: int, output: Path | None = None, echo: Callable[[str], None] = print) -> SiteBenchReport:
    """Build the synthetic archive of ``n_articles``, then time reading it and writing its topic site."""
    store = OxigraphStore(None)
    t0 = time.perf_counter()
    store.bulk_load(corpus_quads(n_articles))
    load = time.perf_counter() - t0
    echo(f"loaded {n_articles:,} synthetic articles in {load:.1f} s")
    t1, cpu = time.perf_counter(), time.process_time()
    archive = load_archive(store)
    read = time.perf_counter() - t1
    folder = Path(output) if output else Path(tempfile.mkdtemp(prefix="topicgraph-site-bench-"))
    try:
        t2 = time.perf_counter()
        report = write_site(archive, folder, base_url="https://topics.example.org", explorer=None)
        write = time.perf_counter() - t2
        cpu = time.process_time() - cpu
    finally:
        if output is None:
            shutil.rmtree(folder, ignore_errors=True)
    store.close()
    return SiteBenchReport(len(archive.articles), report.entities, report.pages, report.bytes, load, read, write, cpu)

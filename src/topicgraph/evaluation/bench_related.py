"""Benchmark of related-article suggestions on a synthetic corpus (a benchmark, not a test)."""

from __future__ import annotations

import os
import random
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..related import RelatedIndex
from .synthetic import generate_extractions


@dataclass
class BenchReport:
    """Seconds, milliseconds and megabytes measured by :func:`bench_related`."""

    n_articles: int
    k: int
    build_seconds: float = 0.0
    bulk_seconds: dict[str, float] = field(default_factory=dict)
    bulk_cpu_seconds: dict[str, float] = field(default_factory=dict)
    single_ms: dict[str, tuple[float, float]] = field(default_factory=dict)  # median, 95th percentile
    index_mb: float = 0.0
    peak_rss_mb: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after

    def lines(self) -> list[str]:
        out = [f"articles {self.n_articles}, k {self.k}",
               f"index build      {self.build_seconds:8.2f} s   (matrices {self.index_mb:.0f} MB)"]
        for method, seconds in self.bulk_seconds.items():
            out.append(f"bulk {method:11} {seconds:8.2f} s   ({self.n_articles / max(seconds, 1e-9):,.0f} articles/s; "
                       f"CPU {self.bulk_cpu_seconds[method]:.1f} s)")
        for method, (median, p95) in self.single_ms.items():
            out.append(f"one  {method:11} {median:8.2f} ms median, {p95:.2f} ms p95")
        out.append(f"peak memory      {self.peak_rss_mb:8.0f} MB (max RSS of the process)")
        out.append(f"machine          {os.cpu_count()} cores, load average {self.load[0]:.1f} before, {self.load[1]:.1f} after")
        return out


def _matrix_mb(index: RelatedIndex) -> float:
    total = 0
    for value in [index.mentions, index.about, *index._cache.values()]:
        items = value if isinstance(value, tuple) else (value,)
        for m in items:
            if hasattr(m, "data") and hasattr(m, "indices"):
                total += m.data.nbytes + m.indices.nbytes + m.indptr.nbytes
    return total / 1e6


def bench_related(n_articles: int = 100_000, k: int = 10, methods: Sequence[str] = ("entities", "graph", "text", "blend"),
                  singles: int = 200, seed: int = 0, echo: Callable[[str], None] | None = None) -> BenchReport:
    """Build the index of ``n_articles`` synthetic articles, time bulk top-``k`` ranking per method (ids and
    scores, 2 threads) and one-article queries (with their reasons)."""
    say = echo or (lambda _m: None)
    report = BenchReport(n_articles, k)
    load_before = os.getloadavg()[0]
    extractions = list(generate_extractions(n_articles, seed=seed))
    start = time.perf_counter()
    index = RelatedIndex.from_extractions(extractions)
    del extractions
    report.build_seconds = time.perf_counter() - start
    say(f"index built in {report.build_seconds:.1f} s")
    rng = random.Random(seed)
    sample = [index.articles[rng.randrange(len(index))].id for _ in range(singles)]
    for method in methods:
        start, cpu = time.perf_counter(), time.process_time()
        ranked = sum(1 for _ in index.rank_all(k=k, method=method))
        assert ranked == len(index)
        report.bulk_seconds[method] = time.perf_counter() - start
        report.bulk_cpu_seconds[method] = time.process_time() - cpu
        say(f"bulk {method}: {report.bulk_seconds[method]:.1f} s")
        timings = []
        for article_id in sample:
            start = time.perf_counter()
            index.suggest(article_id, k=k, method=method)
            timings.append((time.perf_counter() - start) * 1000)
        report.single_ms[method] = (statistics.median(timings), float(np.percentile(timings, 95)))
    report.index_mb = _matrix_mb(index)
    report.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report.load = (load_before, os.getloadavg()[0])
    return report

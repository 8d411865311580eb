"""``topicgraph bench writers``: many writers into one ``oxigraph serve``, extraction on several processes, and
load rates into the embedded store and the server (docs/writers.md has the figures).

Extraction runs as separate ``topicgraph extract`` processes (start-up included); the writers run as threads
of this process (each ``load_extractions`` with its own lease, as separate processes would), so the writer
rows compare writing, not interpreter start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import asdict
from pathlib import Path

from ..integrity import count_findings
from ..knowledge.kb import default_kb
from ..model import Article
from ..pipeline.extractions import Header, kb_digest, write_extractions
from ..pipeline.ingest import stored_hashes
from ..pipeline.load import load
from ..pipeline.run import load_extractions
from ..store import RemoteSparqlStore
from .bench import oxigraph_server
from .bench_ner import load_bench_articles
from .synthetic import generate_extractions


def write_corpus(articles: list[Article], path: Path) -> Path:
    """The articles as a JSONL corpus that ``topicgraph extract`` reads (in a scratch directory)."""
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            row = {k: v for k, v in asdict(a).items() if k in ("id", "title", "body", "lang", "categories")}
            row["date"] = a.date.isoformat() if a.date else None
            row["lang"] = a.language
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def _cli(store: str | None, *args: str) -> list[str]:
    return [sys.executable, "-m", "topicgraph", *(("--store", store) if store else ()), *args]


def _run_together(commands: list[list[str]]) -> float:
    """Start the commands at once, wait for all; seconds of wall time (RuntimeError if one fails)."""
    start = time.perf_counter()
    processes = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for c in commands]
    errors = [p.communicate()[1] for p in processes]
    for p, err in zip(processes, errors):
        if p.returncode:
            raise RuntimeError(f"{' '.join(p.args[2:5])}… failed: {err.strip().splitlines()[-1:]}")
    return time.perf_counter() - start


def _extract(corpus: Path, out: Path, processes: int, model: str) -> tuple[float, list[Path]]:
    files = [out / f"part-{k}-of-{processes}.jsonl" for k in range(1, processes + 1)]
    seconds = _run_together([_cli(None, "extract", str(corpus), "-o", str(f), "--shard", f"{k}/{processes}",
                                  "--model", model) for k, f in enumerate(files, start=1)])
    return seconds, files


def _threads(calls: list[tuple]) -> float:
    """Run the calls as concurrent threads of this process (each writer its own lease); seconds of wall time."""
    errors: list[BaseException] = []

    def run(function, args, kwargs) -> None:
        try:
            function(*args, **kwargs)
        except BaseException as exc:  # re-raised below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=call) for call in calls]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - start


def _violations(store: RemoteSparqlStore) -> int:
    return len(count_findings(store))


def synthetic_shards(n_articles: int, writers: Iterable[int], work: Path) -> dict[int, list[Path]]:
    """Extraction files of a synthetic archive (evaluation.synthetic), split into 1 and each number of writers."""
    extractions = list(generate_extractions(n_articles, seed=7))
    header = Header(model="synthetic", kb=kb_digest(default_kb()))
    shards: dict[int, list[Path]] = {}
    for count in sorted(set(writers) | {1}):
        shards[count] = [work / f"synthetic-{k}-of-{count}.jsonl" for k in range(1, count + 1)]
        for k, path in enumerate(shards[count]):
            write_extractions(path, header, extractions[k::count])
    return shards


def bench_writers(paths: Iterable[str | Path], n_articles: int = 128, model: str = "none",
                  writers: Iterable[int] = (1, 2, 4), workdir: Path | None = None, unguarded: bool = True,
                  synthetic: bool = False) -> list[str]:
    """Run the benchmark; returns the lines it prints. ``synthetic``: a synthetic archive of ``n_articles``
    (no extraction rows) instead of the articles of ``paths``."""
    work = Path(workdir or tempfile.mkdtemp(prefix="topicgraph-bench-writers-"))
    work.mkdir(parents=True, exist_ok=True)
    if synthetic:
        n, source = n_articles, "synthetic articles"
    else:
        articles, _ = load_bench_articles(paths)
        articles = articles[:n_articles]
        n, source = len(articles), f"articles, --model {model}"
        corpus = write_corpus(articles, work / "corpus.jsonl")
    lines = [f"{n} {source}, {os.cpu_count()} CPU cores (load average {os.getloadavg()[0]:.1f} at the start)"]

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    print(lines[0], flush=True)
    shards: dict[int, list[Path]] = {}
    base = None
    if synthetic:
        shards = synthetic_shards(n, writers, work)
    for processes in () if synthetic else sorted(set(writers) | {1}):
        seconds, shards[processes] = _extract(corpus, work, processes, model)
        base = base or seconds
        say(f"extract, {processes} process(es): {seconds:.1f} s, {n / seconds:.2f} articles/s "
            f"(x{base / seconds:.2f}; each process loads the pipeline once)")

    single = shards[1]
    for label, target, bulk in (("embedded store, bulk (new store)", work / "bulk", True),
                                ("embedded store, article by article", work / "one-by-one", False)):
        if not bulk:
            (target / "oxigraph").mkdir(parents=True)
        start = time.perf_counter()
        load_extractions(single, target, bulk=bulk)
        seconds = time.perf_counter() - start
        say(f"load into the {label}: {seconds:.1f} s, {n / seconds:.2f} articles/s")

    for count in writers:
        with oxigraph_server(work / f"server-{count}") as url:
            seconds = _threads([(load_extractions, ([f], url), {"wait": 3600}) for f in shards[count]])
            store = RemoteSparqlStore(url)
            stored, violations = len(stored_hashes(store)), _violations(store)
        say(f"oxigraph serve, {count} concurrent writer(s) (load, lease): {seconds:.1f} s, {n / seconds:.2f} "
            f"articles/s; {stored}/{n} articles, check: {violations} violation(s)")

    if unguarded:
        count = max(writers)
        kb = default_kb()
        with oxigraph_server(work / "server-unguarded") as url:
            seconds = _threads([(load, ([f], RemoteSparqlStore(url), kb), {}) for f in shards[count]])
            store = RemoteSparqlStore(url)
            stored, violations = len(stored_hashes(store)), _violations(store)
        say(f"oxigraph serve, {count} concurrent writers WITHOUT the lease (as before): {seconds:.1f} s, "
            f"{n / seconds:.2f} articles/s; {stored}/{n} articles, check: {violations} violation(s)")
    return lines

"""Cost of entity resolution (issue 17); prints figures, asserts nothing.

    python benchmarks/resolution.py ingest ../shared/data/10kgnad-dev/articles.csv
        ingest article by article (as `topicgraph ingest --no-bulk`) into a new in-memory Oxigraph store,
        once without the resolution stage and once with it; prints both times and the ratio.
    python benchmarks/resolution.py archive 100000
        bulk-loads the synthetic archive of `topicgraph bench queries` (synthetic.py) into an on-disk
        store and times the archive-wide pass (`topicgraph resolve`): read + plan, then the full pass.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def bench_ingest(csv_path: Path) -> None:
    from topicgraph.ingest import ingest
    from topicgraph.kb import default_kb
    from topicgraph.nlp import Extractor
    from topicgraph.nlp.linking import EntityLinker
    from topicgraph.related_eval import read_corpus
    from topicgraph.sources import write_jsonl
    from topicgraph.store import OxigraphStore

    kb = default_kb()
    articles = read_corpus(csv_path)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        write_jsonl(articles, path)
        Extractor(kb).pipeline("de")  # load the model outside the timings
        times = {}
        for resolve in (False, True):
            EntityLinker.resolution = resolve
            extractor = Extractor(kb)
            extractor.pipeline("de")
            store = OxigraphStore(None)
            start = time.perf_counter()
            report = ingest([path], store, extractor=extractor, kb=kb, resolve=resolve)
            times[resolve] = time.perf_counter() - start
            print(f"ingest --no-bulk, resolution {'on ' if resolve else 'off'}: {len(report.written)} articles "
                  f"{times[resolve]:.1f} s ({len(report.resolved)} articles rewritten by the archive-wide pass)")
            store.close()
        EntityLinker.resolution = True
    print(f"resolution adds {100 * (times[True] / times[False] - 1):+.1f} % to ingest time")


def bench_archive(n_articles: int) -> None:
    from topicgraph.bench import _load
    from topicgraph.kb import default_kb
    from topicgraph.resolve.archive import read_candidates, read_nodes, resolve_store
    from topicgraph.store import OxigraphStore

    kb = default_kb()
    with tempfile.TemporaryDirectory() as tmp:
        store = OxigraphStore(Path(tmp) / "db")
        quads, generating, loading = _load(store, n_articles)
        print(f"synthetic archive: {n_articles} articles, {quads:,} quads (loaded in {generating + loading:.0f} s)")
        start = time.perf_counter()
        nodes = read_nodes(store, kb)
        candidates = read_candidates(store)
        read = time.perf_counter() - start
        start = time.perf_counter()
        report = resolve_store(store, kb, dry_run=True)
        dry = time.perf_counter() - start
        start = time.perf_counter()
        report = resolve_store(store, kb)
        full = time.perf_counter() - start
        print(f"read {len(nodes):,} nodes and {len(candidates):,} candidates: {read:.1f} s; "
              f"resolve --dry-run {dry:.1f} s; resolve {full:.1f} s ({len(report.merges)} merges, "
              f"{len(report.rewritten)} articles rewritten)")
        store.close()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in {"ingest", "archive"}:
        sys.exit(__doc__)
    if sys.argv[1] == "ingest":
        bench_ingest(Path(sys.argv[2]))
    else:
        bench_archive(int(sys.argv[2]))

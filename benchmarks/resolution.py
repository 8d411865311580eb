"""Cost of entity resolution (issue 17); prints figures, asserts nothing.

    python benchmarks/resolution.py ingest ../shared/data/10kgnad-dev/articles.csv [--pair]
        ingest article by article (as `topicgraph ingest --no-bulk`) into a new in-memory Oxigraph store
        and time (CPU) the resolution's functions inside that run: their share over the rest of ingest;
        `--pair` also ingests once with the stage off.
    python benchmarks/resolution.py archive 100000
        bulk-loads the synthetic archive of `topicgraph bench queries` (synthetic.py) into an on-disk
        store and times the archive-wide pass (`topicgraph resolve`): read + plan, then the full pass.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path


def bench_ingest(csv_path: Path, pair: bool = False) -> None:
    """One ingest with resolution on, timing the resolution's own functions inside it (robust to a
    machine whose load changes between runs); with ``pair``, also a second ingest with it off."""
    import topicgraph.nlp.linking as linking
    import topicgraph.pipeline.ingest as ingesting
    import topicgraph.pipeline.resolve as archive
    from topicgraph.pipeline.ingest import ingest
    from topicgraph.knowledge.kb import default_kb
    from topicgraph.nlp import Extractor
    from topicgraph.evaluation.related import read_corpus
    from topicgraph.sources import write_jsonl
    from topicgraph.store import OxigraphStore

    # the in-article stage inside the linker; the archive-wide pass inside ingest (planned per chunk over the
    # store and the chunk, applied before writing). A resolved article's statistics update (from its rewritten
    # graph) stands in for the plain one it would otherwise have; what it costs more is measured on the same
    # articles afterwards (_update_costs) and counted as "rewrite_update"
    spent = {"clean_spans": 0.0, "resolve_article": 0.0, "plan_archive": 0.0, "rewrite": 0.0,
             "rewrite_stored": 0.0, "record_merges": 0.0}

    def timed(owner, name):
        original = getattr(owner, name)

        def wrapper(*args, **kwargs):
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - start
        setattr(owner, name, wrapper)

    timed(linking, "clean_spans")
    timed(linking, "resolve_article")
    for name in ("plan_archive", "rewrite_stored", "record_merges"):
        timed(ingesting, name)
    timed(archive.ArchivePlan, "rewrite")
    kb = default_kb()
    articles = read_corpus(csv_path)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        write_jsonl(articles, path)
        runs = (True, False) if pair else (True,)
        for resolve in runs:
            extractor = Extractor(kb, resolution=resolve)
            extractor.pipeline("de")  # the model loads outside the timing
            store = OxigraphStore(None)
            wall, cpu = time.perf_counter(), time.process_time()
            report = ingest([path], store, extractor=extractor, kb=kb, resolve=resolve)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            print(f"ingest --no-bulk, resolution {'on ' if resolve else 'off'}: {len(report.written)} articles, "
                  f"{wall:.1f} s wall, {cpu:.1f} s CPU ({len(report.resolved)} stored articles rewritten by the archive pass)")
            print(f"  written: {report.mentions} mentions, {report.triples} triples")
            if resolve:
                inside = dict(spent)  # before the comparison below runs the same functions again
                resolved, rewriting, plain = _update_costs(path, kb)
                inside["rewrite_update"] = max(0.0, rewriting - plain)
                own = sum(inside.values())
                print("  CPU inside the resolution: " + ", ".join(f"{k} {v:.2f} s" for k, v in inside.items())
                      + f"; {own:.2f} s of {cpu:.1f} s = {100 * own / (cpu - own):+.1f} % over ingest without it")
                print(f"  (rewrite_update: the statistics update of the {resolved} resolved articles from their rewritten "
                      f"graphs costs {rewriting:.2f} s, from their extractions {plain:.2f} s: only the difference counts)")
            store.close()


def _update_costs(path: Path, kb) -> tuple[int, float, float]:
    """The resolved articles (one plan over all of them, an empty store) and the CPU of their statistics
    update from the rewritten graphs and from the extractions: how much dearer resolving makes it."""
    from topicgraph.nlp import Extractor
    from topicgraph.pipeline.resolve import NodeRows, plan_archive
    from topicgraph.sources import read_articles
    from topicgraph.store import OxigraphStore
    from topicgraph.store.derived import article_update, rewrite_update
    from topicgraph.store.vocabularies import write_kb_graphs

    extractions = list(Extractor(kb).extract_all(a for a in read_articles([path]) if hasattr(a, "body")))
    store = OxigraphStore(None)
    write_kb_graphs(store, kb)
    archive = plan_archive(store, kb, pending=NodeRows.of_extractions(extractions))
    resolved = [(e, r) for e in extractions if (r := archive.resolved(e)).entities is not None]
    start = time.process_time()
    for e, r in resolved:
        rewrite_update(store, e.article.id, r.triples, r.entities)
    rewriting = time.process_time() - start
    start = time.process_time()
    for e, _r in resolved:
        article_update(store, e)
    return len(resolved), rewriting, time.process_time() - start


def bench_archive(n_articles: int) -> None:
    from topicgraph.evaluation.bench import _load
    from topicgraph.knowledge.kb import default_kb
    from topicgraph.pipeline.resolve import read_candidates, read_nodes, resolve_store
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
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in {"ingest", "archive"}:
        sys.exit(__doc__)
    if sys.argv[1] == "ingest":
        bench_ingest(Path(sys.argv[2]), pair="--pair" in sys.argv)
    else:
        bench_archive(int(sys.argv[2]))

"""Ingest: files -> Articles -> Extractions -> one named graph per article in the store."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..graph import article_graph
from ..knowledge.kb import KnowledgeBase, default_kb
from ..model import Article, Extraction, SourceProblem
from ..namespaces import CURATION_GRAPH, DERIVED_GRAPH, article_graph_iri
from ..nlp import Extractor
from ..related import load_all_related, refresh_related
from ..sources import ReadOptions, read_articles
from ..store import (
    OXIGRAPH_DIR,
    OxigraphStore,
    Store,
    StoreError,
    ox_quad,
)
from ..store.derived import DerivedTotals, article_update, check_layout, rewrite_update
from ..store.entities import stored_new_entities, write_curation_graph
from .resolve import ArchivePlan, NodeRows, ResolvedGraph, plan_archive, record_merges, rewrite_stored
from ..store.vocabularies import kb_quads, write_kb_graphs

ProgressCallback = Callable[[str], None]
#: Articles an ingest holds in memory before writing them: the archive-wide entity resolution is planned over
#: the store and these, and applied before they are written. (Applied after writing, it rewrote 204 of the 512
#: articles of 10kGNAD-dev just written.) Each plan reads one row per stored entity (0.2 s at 10k articles,
#: 8 s at 100k) and 1,000 extractions take some 100 MB, so a chunk is large enough to plan seldom.
RESOLVE_CHUNK = 1000
#: Errors that mean an article's data cannot be stored (the store itself is fine).
_DATA_ERRORS = (SyntaxError, ValueError, UnicodeError)


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[SourceProblem] = field(default_factory=list)
    warnings: list[SourceProblem] = field(default_factory=list)
    mentions: int = 0
    triples: int = 0
    entities: set[str] = field(default_factory=set)
    related: int = 0
    #: articles written, per language ('de', 'en')
    languages: Counter = field(default_factory=Counter)
    #: articles rewritten by the archive-wide entity resolution after this run (pipeline/resolve.py)
    resolved: list[str] = field(default_factory=list)

    @property
    def written(self) -> list[str]:
        return self.added + self.updated

    @property
    def ok(self) -> bool:
        return not self.problems


def stored_hashes(store: Store) -> dict[str, str]:
    """Content hash of every article in the store, by article id."""
    result = store.query("SELECT ?id ?hash WHERE { ?a tg:articleId ?id ; tg:contentHash ?hash }")
    return {str(i): str(h) for i, h in result.rows}


def is_new_store(directory: Path) -> bool:
    """True if no on-disk store exists in ``directory`` yet (``topicgraph ingest`` then loads it in bulk)."""
    return not (Path(directory) / OXIGRAPH_DIR).exists()


def store_extraction(store: Store, extraction: Extraction) -> int:
    """Write one article's graph and update the derived statistics, in one transaction; returns the triple count."""
    graph, triples = article_graph(extraction)
    store.replace_graph(graph, triples, also=article_update(store, extraction))
    return len(triples)


def ingest(
    paths: Iterable[str | Path],
    store: Store,
    extractor: Extractor | None = None,
    kb: KnowledgeBase | None = None,
    force: bool = False,
    batch_size: int = 16,
    on_article: ProgressCallback | None = None,
    related_k: int | None = 10,
    options: ReadOptions | None = None,
    resolve: bool = True,
) -> IngestReport:
    """Read, extract and store every article under ``paths``; unchanged articles are skipped.

    The caller holds the store's write lock: :func:`topicgraph.pipeline.run.ingest_archive` (what
    ``topicgraph.ingest`` and the command line call) takes it.

    The derived statistics (derived.py) of the entities an article touches are updated in the same
    transaction as its graph.

    Each article is written in one transaction, so an interrupted run never leaves half an
    article; a bad file or article is reported and the others go on. Afterwards the stored
    related-article suggestions (``related_k`` per article; ``None``: skip) of the written
    articles and of those they affect are recomputed. ``options``: how the readers take CSV columns,
    WordPress pages and drafts, and the size limit (sources.ReadOptions).
    """
    kb = kb or (extractor.kb if extractor else default_kb())
    extractor = extractor or Extractor(kb)
    report = IngestReport()
    check_layout(store)
    write_kb_graphs(store, kb)
    write_curation_graph(store, kb)
    extractor.remember(stored_new_entities(store))
    known = stored_hashes(store)
    per_call = extractor.articles_per_call(batch_size)

    def extractions() -> Iterator[Extraction]:
        for batch in _article_batches(paths, report, known, force, per_call, on_article, options):
            yield from _extract_batch(extractor, batch, report, batch_size)

    write_articles(store, kb, extractions(), report, known, on_article, resolve=resolve)
    _refresh_related(store, report, related_k, kb)
    return report


def write_articles(store: Store, kb: KnowledgeBase, extractions: Iterable[Extraction], report: IngestReport,
                   known: dict[str, str], on_article: ProgressCallback | None = None, resolve: bool = True) -> None:
    """Write extractions article by article, each article's graph and derived statistics in one transaction
    (``known``: the stored content hashes, to tell added from updated articles). With ``resolve``, the
    archive-wide entity resolution is planned for every :data:`RESOLVE_CHUNK` articles over the store and
    them, applied to them before they are written, and to the stored articles it touches."""
    chunk: list[Extraction] = []
    for extraction in extractions:
        chunk.append(extraction)
        if len(chunk) >= (RESOLVE_CHUNK if resolve else 1):
            _write_chunk(store, kb, chunk, report, known, on_article, resolve)
            chunk = []
    if chunk:
        _write_chunk(store, kb, chunk, report, known, on_article, resolve)


def _write_chunk(store: Store, kb: KnowledgeBase, chunk: list[Extraction], report: IngestReport,
                 known: dict[str, str], on_article: ProgressCallback | None, resolve: bool) -> None:
    graphs = {str(article_graph_iri(extraction.article.id)) for extraction in chunk}
    archive = None
    if resolve:
        scope = {m.entity_iri for e in chunk for m in e.mentions} | graphs
        archive = plan_archive(store, kb, scope=scope, pending=NodeRows.of_extractions(chunk))
    moved: dict[str, list[str]] = defaultdict(list)
    for extraction in chunk:
        try:
            resolved = archive.resolved(extraction) if archive is not None else ResolvedGraph(*article_graph(extraction))
            if resolved.entities is None:
                also = article_update(store, extraction)
            else:
                also = rewrite_update(store, extraction.article.id, resolved.triples, resolved.entities)
            store.replace_graph(resolved.graph, resolved.triples, also=also)
        except _DATA_ERRORS as exc:  # this article's data; the store itself is fine
            _cannot_store(report, extraction, exc)
            continue
        for merged, mentions in resolved.moved.items():
            moved[merged] += mentions
        _record(report, extraction, len(resolved.triples), extraction.article.id in known, on_article)
    if archive is not None and not archive.empty:  # stored articles the chunk's names resolve
        rewritten_ids, stored_moved = rewrite_stored(store, archive, skip=graphs)
        report.resolved += rewritten_ids
        for merged, mentions in stored_moved.items():
            moved[merged] += mentions
        record_merges(store, archive.plan.merges, moved)


def bulk_ingest(
    paths: Iterable[str | Path],
    directory: Path,
    extractor: Extractor | None = None,
    kb: KnowledgeBase | None = None,
    batch_size: int = 16,
    on_article: ProgressCallback | None = None,
    related_k: int | None = 10,
    options: ReadOptions | None = None,
) -> IngestReport:
    """Build the store in ``directory`` from ``paths`` in one pass with Oxigraph's bulk loader.

    For a first load of an archive: the derived statistics are counted once at the end instead of
    being updated article by article, and nothing goes through transactions, so it is several times
    faster than :func:`ingest`. The store must hold no articles yet (StoreError otherwise). All is
    written into a new database beside the store's, which replaces it only when complete: an
    interrupted or failed run leaves the store as it was. Bad files and articles are reported and
    skipped as in :func:`ingest`; the caller holds the write lock, as for :func:`ingest`.
    """
    kb = kb or (extractor.kb if extractor else default_kb())
    extractor = extractor or Extractor(kb)
    database = directory / OXIGRAPH_DIR
    if database.exists():
        existing = OxigraphStore(database)
        try:
            count = len(stored_hashes(existing))
        finally:
            existing.close()
        if count:
            raise StoreError(f"{directory}: the store already holds {count} articles; a bulk load only builds "
                             "a new store (an incremental ingest, bulk=False, adds to this one)")
    report = IngestReport()

    def extractions() -> Iterator[Extraction]:
        per_call = extractor.articles_per_call(batch_size)
        for batch in _article_batches(paths, report, {}, True, per_call, on_article, options):
            yield from _extract_batch(extractor, batch, report, batch_size)

    return bulk_write(extractions(), directory, kb, report, on_article=on_article, related_k=related_k)


def bulk_write(extractions: Iterable[Extraction], directory: Path, kb: KnowledgeBase, report: IngestReport,
               on_article: ProgressCallback | None = None, related_k: int | None = 10) -> IngestReport:
    """Build the store in ``directory`` from ``extractions`` with the bulk loader (what :func:`bulk_ingest`
    does once the articles are extracted; ``topicgraph load`` into a new store). The caller has checked that
    the store holds no articles and holds the write lock; the new database replaces the old only when complete."""
    database, partial = directory / OXIGRAPH_DIR, directory / f"{OXIGRAPH_DIR}.partial"
    shutil.rmtree(partial, ignore_errors=True)  # left by an interrupted bulk load
    totals = DerivedTotals()
    earlier = NodeRows()  # what the plan knows of the chunks already streamed to the loader
    merges: dict = {}
    moved: dict[str, list[str]] = defaultdict(list)
    plans: list[tuple[ArchivePlan, set[str]]] = []  # each chunk's plan and graphs, for the chunks before it

    def chunk_quads(chunk: list[Extraction]) -> Iterator[ox.Quad]:
        rows = NodeRows.of_extractions(chunk)
        scope = {m.entity_iri for e in chunk for m in e.mentions} | {c.graph for c in rows.candidates} | {
            str(article_graph_iri(e.article.id)) for e in chunk}
        pending = NodeRows()
        pending.extend(earlier)
        pending.extend(rows)
        archive = plan_archive(None, kb, scope=scope, pending=pending)
        earlier.extend(rows)
        plans.append((archive, {str(article_graph_iri(e.article.id)) for e in chunk}))
        for extraction in chunk:
            resolved = archive.resolved(extraction)
            try:
                converted = [ox_quad(s, p, o, resolved.graph) for s, p, o in resolved.triples]
            except _DATA_ERRORS as exc:
                _cannot_store(report, extraction, exc)
                continue
            yield from converted
            if resolved.entities is None:
                totals.add(extraction)
            else:
                totals.add_graph(resolved.triples, resolved.entities)
            for merged, mentions in resolved.moved.items():
                moved[merged] += mentions
            _record(report, extraction, len(converted), False, on_article)
        merges.update({(m.merged, m.into): m for m in archive.plan.merges})

    def quads() -> Iterator[ox.Quad]:
        for s, p, o, g in kb_quads(kb):
            yield ox_quad(s, p, o, g)
        for s, p, o in (kb.provenance if kb.provenance is not None else ()):
            yield ox_quad(s, p, o, CURATION_GRAPH)
        chunk: list[Extraction] = []
        for extraction in extractions:
            chunk.append(extraction)
            if len(chunk) >= RESOLVE_CHUNK:
                yield from chunk_quads(chunk)
                chunk = []
        if chunk:
            yield from chunk_quads(chunk)
        for s, p, o in totals.triples():
            yield ox_quad(s, p, o, DERIVED_GRAPH)

    store = OxigraphStore(partial)
    try:
        store.bulk_load_ox(quads())
        # names of a later chunk that resolve articles of an earlier one, as an incremental ingest does
        for k, (archive, _graphs) in enumerate(plans):
            if k and not archive.empty:
                later = set().union(*(graphs for _archive, graphs in plans[k:]))
                rewritten, stored_moved = rewrite_stored(store, archive, skip=later)
                report.resolved += rewritten
                for merged, mentions in stored_moved.items():
                    moved[merged] += mentions
        if merges:
            record_merges(store, list(merges.values()), moved)
        if related_k and report.written:
            report.related = load_all_related(store, k=related_k, kb=kb)
        store.optimize()
    except BaseException:
        store.close()
        shutil.rmtree(partial, ignore_errors=True)
        raise
    store.close()
    shutil.rmtree(database, ignore_errors=True)  # it held no articles
    partial.rename(database)
    return report


def _article_batches(paths: Iterable[str | Path], report: IngestReport, known: dict[str, str], force: bool,
                     batch_size: int, on_article: ProgressCallback | None,
                     options: ReadOptions | None = None) -> Iterator[list[Article]]:
    """The articles to extract, in batches; problems, duplicate ids and unchanged articles go to ``report``."""
    seen: dict[str, str] = {}
    pending: list[Article] = []
    for item in read_articles(paths, options):
        if isinstance(item, SourceProblem):
            (report.warnings if item.is_warning else report.problems).append(item)
            continue
        if item.id in seen:
            report.problems.append(SourceProblem(
                Path(item.source_path), f"duplicate article id {item.id!r} (first read from {seen[item.id]}); skipped"))
            continue
        seen[item.id] = item.source_path
        if not force and known.get(item.id) == item.content_hash:
            report.unchanged.append(item.id)
            if on_article:
                on_article(item.id)
            continue
        pending.append(item)
        if len(pending) >= batch_size:
            yield pending
            pending = []
    if pending:
        yield pending


def _extract_batch(extractor: Extractor, articles: list[Article], report: IngestReport,
                   batch_size: int) -> list[Extraction]:
    """Extract a batch; if it fails, one article at a time, so one bad article never loses the others."""
    try:
        return list(extractor.extract_all(articles, batch_size=batch_size))
    except Exception:
        extractions = []
        for article in articles:
            try:
                extractions.append(extractor.extract(article))
            except Exception as exc:
                report.problems.append(SourceProblem(
                    Path(article.source_path), f"extraction failed for {article.id!r}: {exc}"))
        return extractions


def _cannot_store(report: IngestReport, extraction: Extraction, exc: Exception) -> None:
    article = extraction.article
    report.problems.append(SourceProblem(
        Path(article.source_path), f"cannot store {article.id!r}: {type(exc).__name__}: {exc}"))


def _record(report: IngestReport, extraction: Extraction, triples: int, updated: bool,
            on_article: ProgressCallback | None) -> None:
    article = extraction.article
    (report.updated if updated else report.added).append(article.id)
    report.languages[article.language] += 1
    report.mentions += len(extraction.mentions)
    report.triples += triples
    report.entities.update(m.entity_iri for m in extraction.mentions)
    if on_article:
        on_article(article.id)


def _refresh_related(store: Store, report: IngestReport, related_k: int | None, kb: KnowledgeBase) -> None:
    if related_k and report.written:
        report.related = refresh_related(store, list(dict.fromkeys(report.written + report.resolved)), k=related_k,
                                         kb=kb)

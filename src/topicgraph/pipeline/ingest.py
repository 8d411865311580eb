"""Ingest: files -> Articles -> Extractions -> one named graph per article in the store."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
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
    BatchWriting,
    OxigraphStore,
    Store,
    StoreError,
    ox_quad,
)
from ..store.derived import DerivedTotals, NewVersion, check_layout, versions_update
from ..store.entities import stored_new_entities, write_curation_graph
from .resolve import ArchivePlan, NodeRows, ResolvedGraph, plan_archive, record_merges, rewrite_stored
from ..store.vocabularies import kb_quads, write_kb_graphs

ProgressCallback = Callable[[str], None]
#: Articles an ingest holds in memory before writing them: the archive-wide entity resolution is planned over
#: the store and these, and applied before they are written. (Applied after writing, it rewrote 204 of the 512
#: articles of 10kGNAD-dev just written.) Each plan reads one row per stored entity (0.2 s at 10k articles,
#: 8 s at 100k) and 1,000 extractions take some 100 MB, so a chunk is large enough to plan seldom.
RESOLVE_CHUNK = 1000
#: Articles written in one transaction where the store writes batches (store.BatchWriting: one update request
#: to a SPARQL server instead of one per article, and 3-5 reads of the stored statistics per batch instead of
#: per article). Measured by loading the same 512 extracted 10kGNAD-dev articles into ``oxigraph serve``
#: (docs/writers.md): 6.9 s one by one, 1.5 s in batches of 16, 1.2-1.6 s of 32, 1.1-1.2 s of 64 and 1.1 s of
#: 128, with requests of at most 0.5, 0.7, 1.0 and 1.5 MB. 32 gets most of the gain with requests well under
#: a megabyte, and a bad article (the batch is then written again one article at a time) costs little.
WRITE_BATCH = 32
#: At most about this many characters (:func:`request_chars`) in one batch's request: servers cap a request's
#: body (``topicgraph serve`` at 10 MiB; ``oxigraph serve`` 0.5 took 5 MB); one bigger article goes alone.
WRITE_BATCH_CHARS = 4_000_000
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
    resolved = ResolvedGraph(*article_graph(extraction))
    store_articles(store, [(extraction, resolved)])
    return len(resolved.triples)


def store_articles(store: Store, articles: Sequence[tuple[Extraction, ResolvedGraph]]) -> None:
    """Write the graphs of several articles (distinct ones; each as resolved) and update the derived statistics
    once for all of them, in one transaction (one article where the store does not write batches)."""
    versions = [NewVersion.of_extraction(e) if r.entities is None else NewVersion.of_graph(e.article.id, r.triples, r.entities)
                for e, r in articles]
    also = versions_update(store, versions)
    if len(articles) == 1:
        store.replace_graph(articles[0][1].graph, articles[0][1].triples, also=also)
    else:
        store.replace_graphs([(r.graph, r.triples) for _e, r in articles], also=also)


def store_all(store: Store, articles: Iterable[tuple[Extraction, ResolvedGraph]], report: IngestReport,
              known: dict[str, str], on_article: ProgressCallback | None) -> None:
    """Write the articles (each with its resolved graph) and record each in ``report`` (``known``: the stored
    articles' hashes, to tell an update from an addition): batches of up to :data:`WRITE_BATCH` articles, one
    transaction each, where the store writes batches (a SPARQL server: one request per batch instead of one per
    article), else one transaction per article. A bad article is reported alone; the others are written."""
    for batch in write_batches(articles, WRITE_BATCH if isinstance(store, BatchWriting) else 1):
        if len(batch) > 1:
            try:
                store_articles(store, batch)
            except _DATA_ERRORS:  # an article's data, or the server refused the request: one by one names it
                pass
            else:
                for extraction, resolved in batch:
                    _record(report, extraction, len(resolved.triples), extraction.article.id in known, on_article)
                continue
        for extraction, resolved in batch:
            try:
                store_articles(store, [(extraction, resolved)])
            except _DATA_ERRORS as exc:  # this article's data; the store itself is fine
                _cannot_store(report, extraction, exc)
                continue
            _record(report, extraction, len(resolved.triples), extraction.article.id in known, on_article)


def write_batches(articles: Iterable[tuple[Extraction, ResolvedGraph]], size: int
                  ) -> Iterator[list[tuple[Extraction, ResolvedGraph]]]:
    """The articles in batches of at most ``size`` and :data:`WRITE_BATCH_CHARS` characters (:func:`request_chars`)."""
    batch: list[tuple[Extraction, ResolvedGraph]] = []
    chars = 0
    for article in articles:
        cost = request_chars(article[0])
        if batch and (len(batch) >= size or chars + cost > WRITE_BATCH_CHARS):
            yield batch
            batch, chars = [], 0
        batch.append(article)
        chars += cost
    if batch:
        yield batch


def request_chars(extraction: Extraction) -> int:
    """A rough estimate of the characters an article adds to a write request: its text (the graph holds its
    title and terms), its mentions (each a node with evidence) and the pairs of its entities (each a co-mention
    count node of the derived statistics). Fitted on single-article requests of 10kGNAD-dev and synthetic
    articles: the real size was 0.3-2.1 times the estimate (median 1.1)."""
    article = extraction.article
    entities = len({m.entity_iri for m in extraction.mentions})
    return (3_000 + 2 * (len(article.title) + len(article.body)) + 3_000 * len(extraction.mentions)
            + 2_000 * (entities * (entities - 1) // 2))


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

    Each article is written in one transaction (with others into a SPARQL server: :func:`store_all`),
    so an interrupted run never leaves half an article; a bad file or article is reported and the
    others go on. Afterwards the stored
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

    batches = _article_batches(paths, report, known, force, per_call, on_article, options)
    # progress counts articles as they are extracted: writing waits for a chunk of them (resolution)
    write_articles(store, kb, _extracted(extractor, batches, report, batch_size, on_article), report, known,
                   resolve=resolve)
    _refresh_related(store, report, related_k, kb)
    return report


def write_articles(store: Store, kb: KnowledgeBase, extractions: Iterable[Extraction], report: IngestReport,
                   known: dict[str, str], on_article: ProgressCallback | None = None, resolve: bool = True) -> None:
    """Write extractions, each article's graph and derived statistics in one transaction (with others in a
    batch where the store writes batches: :func:`store_all`; ``known``: the stored content hashes, to tell added
    from updated articles). With ``resolve``, the archive-wide entity resolution is planned for every
    :data:`RESOLVE_CHUNK` articles over the store and them, applied to them before they are written, and to
    the stored articles it touches."""
    chunk: list[Extraction] = []
    for extraction in extractions:
        chunk.append(extraction)
        if len(chunk) >= (RESOLVE_CHUNK if resolve else WRITE_BATCH):
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
    articles = []
    for extraction in chunk:
        try:
            articles.append((extraction, archive.resolved(extraction) if archive is not None
                             else ResolvedGraph(*article_graph(extraction))))
        except _DATA_ERRORS as exc:  # this article's data; the store itself is fine
            _cannot_store(report, extraction, exc)
    store_all(store, articles, report, known, on_article)
    if archive is None or archive.empty:
        return
    written = set(report.written)
    moved: dict[str, list[str]] = defaultdict(list)
    for extraction, resolved in articles:
        if extraction.article.id in written:
            for merged, mentions in resolved.moved.items():
                moved[merged] += mentions
    rewritten_ids, stored_moved = rewrite_stored(store, archive, skip=graphs)  # stored articles the chunk resolves
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

    batches = _article_batches(paths, report, {}, True, extractor.articles_per_call(batch_size), on_article, options)
    return bulk_write(_extracted(extractor, batches, report, batch_size, on_article), directory, kb, report,
                      related_k=related_k)


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


def _extracted(extractor: Extractor, batches: Iterable[list[Article]], report: IngestReport, batch_size: int,
               on_article: ProgressCallback | None) -> Iterator[Extraction]:
    """The extractions of the batches, each announced to ``on_article`` as it is made."""
    for batch in batches:
        for extraction in _extract_batch(extractor, batch, report, batch_size):
            if on_article:
                on_article(extraction.article.id)
            yield extraction


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

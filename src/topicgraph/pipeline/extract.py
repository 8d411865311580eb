"""``topicgraph extract``: articles -> extraction files, without a store (the expensive part, run anywhere)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..knowledge.kb import KnowledgeBase, default_kb
from ..model import Article, Extraction, SourceProblem
from ..nlp import Extractor
from ..sources import ReadOptions, read_articles
from .extractions import Header, kb_digest, write_extractions
from .ingest import IngestReport, ProgressCallback, _extract_batch


def shard_articles(paths: Iterable[str | Path], report: IngestReport, shard: tuple[int, int] = (1, 1),
                   options: ReadOptions | None = None) -> Iterator[Article]:
    """The articles under ``paths`` in reading order, every N-th from the K-th (``shard`` = (K, N), by the
    article's position among the readable ones); problems and duplicate ids go to ``report`` (problems
    only in shard 1, so that N shards report each once). ``options``: how the readers take CSV columns,
    WordPress pages and drafts, and the size limit, as for ingest."""
    k, n = shard
    seen: dict[str, str] = {}
    position = 0
    for item in read_articles(paths, options):
        if isinstance(item, SourceProblem):
            if k == 1:
                (report.warnings if item.is_warning else report.problems).append(item)
            continue
        if item.id in seen:
            if k == 1:
                report.problems.append(SourceProblem(
                    Path(item.source_path), f"duplicate article id {item.id!r} (first read from {seen[item.id]}); skipped"))
            continue
        seen[item.id] = item.source_path
        position += 1
        if (position - 1) % n == k - 1:
            yield item


def extract_articles(articles: Iterable[Article], extractor: Extractor, report: IngestReport,
                     batch_size: int = 16, on_article: ProgressCallback | None = None) -> Iterator[Extraction]:
    """Extractions of the articles in order; an article whose extraction fails goes to ``report``."""
    per_call = extractor.articles_per_call(batch_size)
    batch: list[Article] = []

    def run() -> Iterator[Extraction]:
        for extraction in _extract_batch(extractor, batch, report, batch_size):
            report.added.append(extraction.article.id)
            report.mentions += len(extraction.mentions)
            report.entities.update(m.entity_iri for m in extraction.mentions)
            if on_article:
                on_article(extraction.article.id)
            yield extraction

    for article in articles:
        batch.append(article)
        if len(batch) >= per_call:
            yield from run()
            batch = []
    if batch:
        yield from run()


def extract_to_file(paths: Iterable[str | Path], output: Path, *, kb: KnowledgeBase | None = None,
                    model: str | None = None, shard: tuple[int, int] = (1, 1), n_process: int = 1,
                    batch_size: int = 16, on_article: ProgressCallback | None = None,
                    options: ReadOptions | None = None) -> IngestReport:
    """Extract the articles under ``paths`` (shard K of N) into the extraction file ``output``, touching no
    store; deterministic for the same input, model and knowledge base. ``report.added``: the ids extracted."""
    kb = kb or default_kb()
    extractor = Extractor(kb, model=model, n_process=n_process)
    report = IngestReport()
    header = Header(model=str(model) if model is not None else "shipped", kb=kb_digest(kb),
                    shard=f"{shard[0]}/{shard[1]}")
    write_extractions(Path(output), header, extract_articles(shard_articles(paths, report, shard, options), extractor,
                                                              report, batch_size, on_article))
    return report

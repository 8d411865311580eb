"""``topicgraph load``: extraction files -> a store (the cheap part; one writer at a time)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from ..knowledge.kb import KnowledgeBase
from ..model import Extraction, SourceProblem
from ..store import Store
from ..store.vocabularies import write_kb_graphs
from ..store.derived import check_layout
from ..store.entities import write_curation_graph
from .extractions import ExtractionFileError, kb_digest, read_extractions, read_header
from .ingest import IngestReport, ProgressCallback, _refresh_related, bulk_write, stored_hashes, write_articles


def check_files(files: Iterable[Path], kb: KnowledgeBase) -> list[Path]:
    """The extraction files, each checked to be one and made with ``kb`` (ExtractionFileError otherwise):
    extractions linked against another knowledge base would not match the store's."""
    files = [Path(f) for f in files]
    digest = kb_digest(kb)
    for path in files:
        header = read_header(path)
        if header.kb != digest:
            raise ExtractionFileError(f"{path}: extracted with knowledge base {header.kb}, the store's is {digest} "
                                      "(curation changed?); extract again")
    return files


def unique_extractions(files: Iterable[Path], report: IngestReport) -> Iterator[Extraction]:
    """The extractions of all files in order; a second one with an article id already seen is a problem."""
    seen: dict[str, Path] = {}
    for path in files:
        for extraction in read_extractions(path):
            if isinstance(extraction, SourceProblem):
                report.problems.append(extraction)
                continue
            article_id = extraction.article.id
            if article_id in seen:
                report.problems.append(SourceProblem(path, f"duplicate article id {article_id!r} (first in "
                                                           f"{seen[article_id]}); skipped"))
                continue
            seen[article_id] = path
            yield extraction


def load(files: Iterable[Path], store: Store, kb: KnowledgeBase, force: bool = False,
         on_article: ProgressCallback | None = None, related_k: int | None = 10) -> IngestReport:
    """Apply extraction files to ``store`` article by article, each article's graph and derived statistics in
    one transaction (several articles in one into a SPARQL server: :func:`topicgraph.pipeline.ingest.store_all`);
    unchanged articles (same content hash) are skipped unless ``force``. The caller holds the write lock or lease."""
    files = check_files(files, kb)
    report = IngestReport()
    check_layout(store)
    write_kb_graphs(store, kb)
    write_curation_graph(store, kb)
    known = stored_hashes(store)

    def changed() -> Iterator[Extraction]:
        for extraction in unique_extractions(files, report):
            article = extraction.article
            if not force and known.get(article.id) == article.content_hash:
                report.unchanged.append(article.id)
                continue
            yield extraction

    write_articles(store, kb, changed(), report, known, on_article)
    _refresh_related(store, report, related_k, kb)
    return report


def bulk_load_files(files: Iterable[Path], directory: Path, kb: KnowledgeBase,
                    on_article: ProgressCallback | None = None, related_k: int | None = 10) -> IngestReport:
    """Build a new on-disk store in ``directory`` from extraction files with the bulk loader (an interrupted
    run leaves the store as it was). The caller holds the write lock."""
    files = check_files(files, kb)
    report = IngestReport()
    return bulk_write(unique_extractions(files, report), directory, kb, report, on_article=on_article,
                      related_k=related_k)

"""Ingest: files -> Articles -> Extractions -> one named graph per article in the store."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .derived import article_update
from .graph import article_graph
from .kb import KnowledgeBase, default_kb
from .model import Article, Extraction, SourceProblem
from .nlp import Extractor
from .sources import read_articles
from .store import Store, load_kb_graph

ProgressCallback = Callable[[str], None]


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
) -> IngestReport:
    """Read, extract and store every article under ``paths``; unchanged articles are skipped.

    The derived statistics (derived.py) of the entities an article touches are updated in the same
    transaction as its graph.

    Each article is written in one transaction, so an interrupted run never leaves half an
    article; a bad file or article is reported and the others go on. Afterwards the stored
    related-article suggestions (``related_k`` per article; ``None``: skip) of the written
    articles and of those they affect are recomputed.
    """
    kb = kb or (extractor.kb if extractor else default_kb())
    extractor = extractor or Extractor(kb)
    report = IngestReport()
    load_kb_graph(store, kb.graph)
    from .curation import stored_new_entities, write_curation_graph

    write_curation_graph(store, kb)
    extractor.remember(stored_new_entities(store))
    known = stored_hashes(store)
    seen: dict[str, str] = {}
    pending: list[Article] = []

    def flush() -> None:
        try:
            extractions = list(extractor.extract_all(pending, batch_size=batch_size))
        except Exception:  # find the culprit: one bad article never loses the others
            extractions = []
            for article in pending:
                try:
                    extractions.append(extractor.extract(article))
                except Exception as exc:
                    report.problems.append(SourceProblem(
                        Path(article.source_path), f"extraction failed for {article.id!r}: {exc}"))
        for extraction in extractions:
            _write(extraction)
        pending.clear()

    def _write(extraction) -> None:
        article = extraction.article
        try:
            triples = store_extraction(store, extraction)
        except (SyntaxError, ValueError, UnicodeError) as exc:  # this article's data; the store itself is fine
            report.problems.append(SourceProblem(
                Path(article.source_path), f"cannot store {article.id!r}: {type(exc).__name__}: {exc}"))
            return
        (report.updated if article.id in known else report.added).append(article.id)
        report.mentions += len(extraction.mentions)
        report.triples += triples
        report.entities.update(m.entity_iri for m in extraction.mentions)
        if on_article:
            on_article(article.id)

    for item in read_articles(paths):
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
            flush()
    flush()
    if related_k and report.written:
        from .related import refresh_related

        report.related = refresh_related(store, report.written, k=related_k, kb=kb)
    return report


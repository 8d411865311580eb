"""``topicgraph vocab apply``: re-link the stored articles after vocabularies were added or removed."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..knowledge.curation import curated_kb
from ..namespaces import article_graph_iri
from ..related import refresh_related
from .curate import apply_to_store, rewrite_store


@dataclass
class VocabApplyReport:
    """Articles extracted again (their source files exist), articles rewritten in place (files gone) and the
    vocabulary entries they lost."""

    reextracted: int = 0
    rewritten: int = 0
    dropped: int = 0


def _stale_entries(store, article_id: str, known: dict) -> set[str]:
    """Knowledge-base entries an article graph refers to that the knowledge base no longer has."""
    graph = article_graph_iri(article_id)
    rows = store.query(f"SELECT DISTINCT ?e ?new WHERE {{ GRAPH <{graph}> {{ {{ ?m tg:refersTo ?e }} UNION "
                       f"{{ ?a tg:topic ?e }} OPTIONAL {{ ?e tg:discoveredBy ?new }} }} }}").rows
    return {str(e) for e, new in rows if new is None and str(e) not in known}


def apply_vocabularies(store, store_dir: Path, model: str | None = None) -> VocabApplyReport:
    """Apply the store's vocabularies (and curation) to every stored article, one transaction per article:
    articles whose source files exist are extracted again with the new knowledge base; the others are
    rewritten in place without the entries of removed vocabularies (mentions, aboutness, topics). They
    cannot gain the concepts of a new vocabulary: there is no text to match it in."""
    done = apply_to_store(store, store_dir, model=model)
    report = VocabApplyReport(reextracted=done.reextracted, rewritten=done.rewritten)
    kb = curated_kb(store_dir)
    rows = store.query("SELECT ?id ?path WHERE { ?a tg:articleId ?id . OPTIONAL { ?a tg:sourcePath ?path } }").rows
    stale = [str(i) for i, p in rows if p is None or not str(p) or not Path(str(p)).is_file()]
    gone: set[str] = set()
    for article_id in stale:
        gone |= _stale_entries(store, article_id, kb.entities)
    if not gone:
        return report
    pruned = replace(kb, redirects={}, rejected=set(gone))
    rewritten = rewrite_store(store, pruned, stale)
    if rewritten:
        refresh_related(store, rewritten, kb=kb)
    report.rewritten += len(rewritten)
    report.dropped = len(gone)
    return report


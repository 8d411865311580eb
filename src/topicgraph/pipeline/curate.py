"""Curation applied to a stored archive: articles extracted again with the curated knowledge base where their
sources are readable, rewritten in place (graph and derived statistics in one transaction) where they are gone."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import URIRef

from ..knowledge.curation import (
    curated_kb,
    curated_triples,
    curation_path,
    read_changes,
)
from ..knowledge.kb import KnowledgeBase
from ..namespaces import TG, article_graph_iri
from ..nlp import Extractor
from ..related import refresh_related
from ..store import Store
from ..store.vocabularies import write_kb_graphs
from ..store.derived import check_layout, rewrite_update
from ..store.entities import write_curation_graph
from .ingest import ingest


def rewrite_store(store: Store, kb: KnowledgeBase, article_ids: Iterable[str]) -> list[str]:
    """Apply merges and rejections to the stored graphs of articles whose source files are gone (they
    cannot be extracted again): each article's graph and the derived statistics it changes in one
    transaction, as at ingest. Returns the ids of the articles changed."""
    replaced = {URIRef(old): URIRef(new) for old in kb.redirects if (new := kb.resolve(old)) and new != old}
    rejected = {URIRef(iri) for iri in kb.rejected}
    changed: list[str] = []
    if not replaced and not rejected:
        return changed
    for article_id in article_ids:
        graph = article_graph_iri(article_id)
        triples = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows
        rewritten = curated_triples(triples, replaced, rejected)
        if set(rewritten) == set(triples):
            continue
        kept = {o for _s, p, o in rewritten if p == TG.refersTo}
        entities = [e for e in (kb.get(str(iri)) for iri in kept & set(replaced.values())) if e is not None]
        store.replace_graph(graph, rewritten, also=rewrite_update(store, article_id, rewritten, entities))
        changed.append(article_id)
    return changed


@dataclass
class ApplyReport:
    """What ``curate apply`` did: articles extracted again, articles (whose files are gone) rewritten
    in the store because a change touched them, and the number of changes."""

    reextracted: int = 0
    rewritten: int = 0
    changes: int = 0


def apply_to_store(store: Store, store_dir: Path | None, model: str | None = None) -> ApplyReport:
    """Re-apply the curation to the whole store: re-extract every article whose source file is still readable
    with the curated knowledge base, and rewrite the others in place (:func:`rewrite_store`). The caller holds
    the write lock (:func:`topicgraph.pipeline.run.apply_curation`)."""
    check_layout(store)
    kb = curated_kb(store_dir)
    report = ApplyReport(changes=len(read_changes(curation_path(store_dir))) if store_dir else 0)
    rows = store.query("SELECT ?id ?path WHERE { ?a tg:articleId ?id . OPTIONAL { ?a tg:sourcePath ?path } }").rows
    readable = sorted({str(p) for _, p in rows if p is not None and str(p) and Path(str(p)).is_file()})
    stale = [str(i) for i, p in rows if p is None or not Path(str(p)).is_file()]
    if readable:
        result = ingest(readable, store, extractor=Extractor(kb, model=model), kb=kb, force=True)
        report.reextracted = len(result.written)
    else:
        write_kb_graphs(store, kb)
        write_curation_graph(store, kb)
    rewritten = rewrite_store(store, kb, stale)
    if rewritten:
        refresh_related(store, rewritten, kb=kb)
    report.rewritten = len(rewritten)
    return report

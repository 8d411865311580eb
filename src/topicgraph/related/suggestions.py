"""Related-article suggestions through the store: asked for one article, stored for all (the named graph
``tgg:related``), refreshed for the articles an ingest or a curation touched."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..knowledge.kb import KnowledgeBase
from ..namespaces import RELATED_GRAPH, TG, article_iri, related_iri
from ..store import BulkLoading, Store
from .index import DEFAULT_METHOD, RelatedIndex, Suggestion


def suggest_related(store: Store, article_id: str, k: int = 10, method: str = DEFAULT_METHOD,
                    since: dt.date | None = None, same_language: bool = False,
                    index: RelatedIndex | None = None) -> list[Suggestion]:
    """The ``k`` articles most related to ``article_id``, each with its reasons."""
    index = index or RelatedIndex.from_store(store)
    return index.suggest(article_id, k=k, method=method, since=since, same_language=same_language)


def suggest_all_related(store: Store, k: int = 10, method: str = DEFAULT_METHOD,
                        index: RelatedIndex | None = None) -> dict[str, list[Suggestion]]:
    """Suggestions for every article in the store (bulk)."""
    index = index or RelatedIndex.from_store(store)
    return index.suggest_all(k=k, method=method)


def suggestion_triples(source_id: str, suggestions: Iterable[Suggestion], method: str):
    """The triples of one article's stored suggestions (tg:RelatedArticle nodes and tg:relatedTo)."""
    source = article_iri(source_id)
    for s in suggestions:
        node, target = related_iri(source_id, s.article_id), article_iri(s.article_id)
        yield node, RDF.type, TG.RelatedArticle
        yield node, TG.source, source
        yield node, TG.target, target
        yield node, TG.score, Literal(f"{s.score:.4f}", datatype=XSD.decimal)
        yield node, TG.method, Literal(method)
        for reason in s.reasons:
            if reason.iri:
                yield node, TG.reason, URIRef(reason.iri)
        yield source, TG.relatedTo, target


def store_suggestions(store: Store, suggestions: dict[str, list[Suggestion]], method: str = DEFAULT_METHOD,
                      replace_all: bool = False) -> int:
    """Write suggestions into the derived graph, replacing those of the same source articles
    (``replace_all``: the whole graph). Returns the number of suggestions written."""
    triples = list(_all_suggestion_triples(suggestions, method))
    if replace_all:
        store.replace_graph(RELATED_GRAPH, triples)
    else:
        graph = f"<{RELATED_GRAPH}>"
        for ids in _batches(sorted(suggestions), 200):
            values = " ".join(article_iri(i).n3() for i in ids)
            store.update(
                f"DELETE {{ GRAPH {graph} {{ ?n ?p ?o }} }} WHERE {{ VALUES ?a {{ {values} }} "
                f"GRAPH {graph} {{ ?n tg:source ?a ; ?p ?o }} }} ;\n"
                f"DELETE {{ GRAPH {graph} {{ ?a tg:relatedTo ?t }} }} WHERE {{ VALUES ?a {{ {values} }} "
                f"GRAPH {graph} {{ ?a tg:relatedTo ?t }} }}")
        for part in _batches(triples, 5000):
            body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in part)
            store.update(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    return sum(len(v) for v in suggestions.values())


def load_all_related(store: BulkLoading, k: int = 10, method: str = DEFAULT_METHOD,
                     kb: KnowledgeBase | None = None) -> int:
    """Suggestions for every article, written with the store's bulk loader (no transaction): for a store
    being built by a bulk load, whose related graph is still empty. Returns suggestions written."""
    suggestions = RelatedIndex.from_store(store, kb).suggest_all(k=k, method=method)
    store.bulk_load((s, p, o, RELATED_GRAPH) for s, p, o in _all_suggestion_triples(suggestions, method))
    return sum(len(v) for v in suggestions.values())


def _all_suggestion_triples(suggestions: dict[str, list[Suggestion]], method: str):
    for source, items in suggestions.items():
        yield from suggestion_triples(source, items, method)


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def refresh_related(store: Store, changed: Iterable[str], k: int = 10, method: str = DEFAULT_METHOD,
                    kb: KnowledgeBase | None = None) -> int:
    """Recompute the stored suggestions of the changed articles and of the articles they may affect
    (those sharing an entity with them or already pointing at them). Returns suggestions written."""
    changed = set(changed)
    if not changed:
        return 0
    index = RelatedIndex.from_store(store, kb)
    rows = [index.position[i] for i in changed if i in index.position]
    affected = set(changed)
    if rows:
        m = index.mentions.tocsc()
        shared_cols = np.unique(index.mentions[rows].indices)
        for col in shared_cols:
            affected.update(index.articles[r].id for r in m.indices[m.indptr[col]:m.indptr[col + 1]])
    pointing = store.query(f"SELECT DISTINCT ?id WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?s tg:relatedTo ?t }} "
                           f"?s tg:articleId ?id . ?t tg:articleId ?tid . "
                           f"VALUES ?tid {{ {' '.join(Literal(i).n3() for i in sorted(changed))} }} }}").rows
    affected.update(str(r[0]) for r in pointing)
    if len(affected) * 2 >= len(index):
        return store_suggestions(store, index.suggest_all(k=k, method=method), method, replace_all=True)
    return store_suggestions(store, index.suggest_all(k=k, method=method, article_ids=sorted(affected)), method)

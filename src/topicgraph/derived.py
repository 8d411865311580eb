"""Derived statistics kept in their own named graph, so the named queries stay fast on large archives.

The article graphs are the truth; ``tgg:derived`` holds counts computed from them:

- per entity: ``tg:articleCount``, its type and one display label (German, else untagged, else English);
- per ordered pair of entities (``tg:CoMention``): articles and sentences mentioning both;
- per entity and month (``tg:EntityMonth``) and per entity and category (``tg:EntityCategory``): articles.

Ingest updates the counts of the entities an article touches, in the same update request that
replaces the article's graph (:func:`article_update`): the old article's contribution is subtracted
and the new one added, so the statistics never need a full recount. :func:`derived_quads` computes
the same graph from scratch (bulk loads, benchmarks, checks).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import permutations

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from .model import Extraction
from .namespaces import (
    DERIVED_GRAPH, TG, article_graph_iri, comention_iri, entity_category_iri, entity_month_iri,
)
from .store import Store

Triple = tuple[URIRef, URIRef, URIRef | Literal]
# DefinedNamespace attribute access is slow: look the terms up once.
_T_COMENTION, _T_MONTHNODE, _T_CATNODE = TG.CoMention, TG.EntityMonth, TG.EntityCategory
_P_ENTITY, _P_CO, _P_MONTH, _P_CAT = TG.entity, TG.coEntity, TG.month, TG.category
_P_ARTICLES, _P_SENTENCES = TG.articleCount, TG.sentenceCount
_TYPE_CLASSES: dict[str, URIRef] = {}
#: Language preference of display labels: German, then untagged, then English.
LABEL_LANGUAGES = ("de", "", "en")


@dataclass
class Contribution:
    """What one article adds to the statistics."""

    entities: set[str] = field(default_factory=set)
    pair_sentences: Counter = field(default_factory=Counter)  # (e1, e2) -> sentences with both
    month: str | None = None
    categories: tuple[str, ...] = ()

    @classmethod
    def of_extraction(cls, extraction: Extraction) -> "Contribution":
        sentences: dict[int, set[str]] = {}
        for m in extraction.mentions:
            sentences.setdefault(m.sentence, set()).add(m.entity_iri)
        article = extraction.article
        return cls._build({m.entity_iri for m in extraction.mentions}, sentences,
                          article.date.isoformat()[:7] if article.date else None, tuple(article.categories))

    @classmethod
    def _build(cls, entities: set[str], sentences: dict[int, set[str]], month: str | None,
               categories: tuple[str, ...]) -> "Contribution":
        pairs: Counter = Counter()
        for members in sentences.values():
            for a, b in permutations(sorted(members), 2):
                pairs[(a, b)] += 1
        for a, b in permutations(sorted(entities), 2):
            pairs.setdefault((a, b), 0)
        return cls(set(entities), pairs, month, tuple(sorted(set(categories))))

    def counts(self) -> Counter:
        """Counter keyed by statistic: ``("entity", e)``, ``("pair", e1, e2)`` (articles and sentences), month, category."""
        c: Counter = Counter()
        for e in self.entities:
            c[("entity", e)] += 1
            if self.month:
                c[("month", e, self.month)] += 1
            for category in self.categories:
                c[("category", e, category)] += 1
        for (a, b), n in self.pair_sentences.items():
            c[("pair", a, b)] += 1
            c[("pairsent", a, b)] += n
        return c


def stored_contribution(store: Store, article_id: str) -> Contribution | None:
    """The contribution of the article as it is in the store now (None if it is not there)."""
    g = article_graph_iri(article_id)
    rows = store.query(
        f"SELECT ?e ?s ?date ?cat WHERE {{ GRAPH <{g}> {{ ?a a tg:Article ."
        f" OPTIONAL {{ ?a tg:hasMention ?m . ?m tg:refersTo ?e . OPTIONAL {{ ?m tg:sentenceIndex ?s }} }}"
        f" OPTIONAL {{ ?a dcterms:date ?date }} OPTIONAL {{ ?a tg:category ?cat }} }} }}").rows
    if not rows:
        return None
    entities: set[str] = set()
    sentences: dict[int, set[str]] = {}
    month, categories = None, set()
    for e, s, date, cat in rows:
        if e is not None:
            entities.add(str(e))
            sentences.setdefault(int(s) if s is not None else 0, set()).add(str(e))
        if date is not None:
            month = str(date)[:7]
        if cat is not None:
            categories.add(str(cat))
    return Contribution._build(entities, sentences, month, tuple(categories))


def _node(key: tuple) -> URIRef:
    kind = key[0]
    if kind == "entity":
        return URIRef(key[1])
    if kind in ("pair", "pairsent"):
        return comention_iri(key[1], key[2])
    if kind == "month":
        return entity_month_iri(key[1], key[2])
    return entity_category_iri(key[1], key[2])


def _structure(key: tuple) -> Iterator[Triple]:
    """Triples that identify a statistic node (written once, idempotent)."""
    kind, node = key[0], _node(key)
    if kind == "pair":
        yield node, RDF.type, _T_COMENTION
        yield node, _P_ENTITY, URIRef(key[1])
        yield node, _P_CO, URIRef(key[2])
    elif kind == "month":
        yield node, RDF.type, _T_MONTHNODE
        yield node, _P_ENTITY, URIRef(key[1])
        yield node, _P_MONTH, Literal(key[2])
    elif kind == "category":
        yield node, RDF.type, _T_CATNODE
        yield node, _P_ENTITY, URIRef(key[1])
        yield node, _P_CAT, Literal(key[2])


def _count_predicate(key: tuple) -> URIRef:
    return _P_SENTENCES if key[0] == "pairsent" else _P_ARTICLES


def entity_description(extraction: Extraction) -> Iterator[Triple]:
    """Type and display label of each entity of an article, for the derived graph."""
    for iri in sorted({m.entity_iri for m in extraction.mentions}):
        entity = extraction.entities.get(iri)
        if entity is None:
            continue
        if entity.type.value not in _TYPE_CLASSES:
            _TYPE_CLASSES[entity.type.value] = TG[entity.type.value]
        yield URIRef(iri), RDF.type, _TYPE_CLASSES[entity.type.value]
        yield URIRef(iri), SKOS.prefLabel, Literal(entity.label)


@dataclass
class DerivedUpdate:
    """A change of the derived graph: triples to add, count increments, nodes that may have reached zero.

    Stores apply it as one SPARQL update (:meth:`sparql`) or, in rdflib's memory, directly (:meth:`apply`).
    """

    inserts: set = field(default_factory=set)
    increments: dict = field(default_factory=dict)  # (node, count predicate) -> delta
    shrunk: list = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.increments)

    def sparql(self) -> str:
        parts = []
        g = f"<{DERIVED_GRAPH}>"
        if self.inserts:
            body = " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in self.inserts)
            parts.append(f"INSERT DATA {{ GRAPH {g} {{ {body} }} }}")
        if self.increments:
            values = " ".join(f"({n.n3()} {p.n3()} {d})" for (n, p), d in self.increments.items())
            parts.append(
                f"DELETE {{ GRAPH {g} {{ ?n ?count ?old }} }} INSERT {{ GRAPH {g} {{ ?n ?count ?new }} }}"
                f" WHERE {{ VALUES (?n ?count ?delta) {{ {values} }}"
                f" OPTIONAL {{ GRAPH {g} {{ ?n ?count ?old }} }} BIND(COALESCE(?old, 0) + ?delta AS ?new) }}")
        if self.shrunk:
            nodes = " ".join(n.n3() for n in self.shrunk)
            parts.append(
                f"DELETE {{ GRAPH {g} {{ ?n {_SENTENCES} ?c }} }} WHERE {{ VALUES ?n {{ {nodes} }}"
                f" GRAPH {g} {{ ?n {_SENTENCES} ?c . FILTER(?c <= 0) }} }}")
            parts.append(
                f"DELETE {{ GRAPH {g} {{ ?n ?p ?o }} }} WHERE {{ VALUES ?n {{ {nodes} }}"
                f" GRAPH {g} {{ ?n {_ARTICLES} ?c . FILTER(?c <= 0) ?n ?p ?o }} }}")
        return " ;\n".join(parts)

    def apply(self, dataset) -> None:
        """Apply to an rdflib Dataset directly (rdflib's SPARQL engine is too slow for :meth:`sparql`)."""
        graph = dataset.graph(DERIVED_GRAPH)
        for triple in self.inserts:
            graph.add(triple)
        for (node, predicate), d in self.increments.items():
            old = graph.value(node, predicate)
            graph.set((node, predicate, Literal((int(old) if old is not None else 0) + d, datatype=XSD.integer)))
        for node in self.shrunk:
            sentences = graph.value(node, TG.sentenceCount)
            if sentences is not None and int(sentences) <= 0:
                graph.remove((node, TG.sentenceCount, None))
            articles = graph.value(node, TG.articleCount)
            if articles is not None and int(articles) <= 0:
                graph.remove((node, None, None))


_ARTICLES = TG.articleCount.n3()
_SENTENCES = TG.sentenceCount.n3()


def delta_update(old: Contribution | None, new: Contribution | None, described: Iterable[Triple] = ()) -> DerivedUpdate:
    """The change that moves the statistics from ``old`` to ``new`` (empty if nothing changes)."""
    delta = (new.counts() if new else Counter())
    delta.subtract(old.counts() if old else Counter())
    changed = {k: v for k, v in delta.items() if v}
    inserts = {t for k, v in changed.items() if v > 0 for t in _structure(k)}
    inserts.update(described)
    increments = {(_node(k), _count_predicate(k)): v for k, v in changed.items()}
    shrunk = list({_node(k) for k, v in changed.items() if v < 0})
    return DerivedUpdate(inserts, increments, shrunk)


def article_update(store: Store, extraction: Extraction) -> DerivedUpdate:
    """The update that brings the statistics from the stored version of the article to ``extraction``."""
    old = stored_contribution(store, extraction.article.id)
    return delta_update(old, Contribution.of_extraction(extraction), entity_description(extraction))


def removal_update(store: Store, article_id: str) -> DerivedUpdate:
    """The update that removes an article's contribution (before its graph is dropped)."""
    return delta_update(stored_contribution(store, article_id), None)


def derived_quads(extractions: Iterable[Extraction]) -> Iterator[Triple]:
    """The whole derived graph computed from scratch (for bulk loads and for checking the increments)."""
    total: Counter = Counter()
    described: set[Triple] = set()
    for extraction in extractions:
        total.update(Contribution.of_extraction(extraction).counts())
        described.update(entity_description(extraction))
    yield from described
    for key, value in total.items():
        if value <= 0:
            continue
        yield from _structure(key)
        yield _node(key), _count_predicate(key), Literal(value, datatype=XSD.integer)


def stored_derived(store: Store) -> set[tuple]:
    """Every triple of the derived graph as it is in the store (for checks and tests)."""
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}").rows
    return {(s, p, o) for s, p, o in rows}

"""Derived statistics kept in their own named graph, so the named queries stay fast on large archives.

The article graphs are the truth; ``tgg:derived`` holds what is computed from them:

- per entity: ``tg:articleCount``, its type and one display label (German, else untagged, else English);
- per pair of entities (``tg:CoMention``, one node per unordered pair, both entities its ``tg:entity``):
  articles and sentences mentioning both;
- per entity and month (``tg:EntityMonth``, ``tg:monthOf``; month ``""`` for undated articles): the
  number of articles and a sort key of each (``tg:articleKey``: date, tab, id);
- per entity: its 100 newest articles (``?article tg:latestOf ?entity``), found at ingest from the
  keys of its newest months only;
- per entity and category (``tg:EntityCategory``): articles;
- count levels (``tg:CountLevel``): the count nodes of one entity's co-mentions with one type of entity
  (a pair node is in one level of each of its two entities),
  of one entity type, or of one category, whose ``tg:articleCount`` lies in ``[2^(level/4), 2^((level+1)/4))``.
  The levels that can hold a top-k member (fewer than k members in higher levels) are marked
  ``tg:topOf`` their anchor (and ``tg:topOfType`` for an entity's co-mentions per type), so a top-k
  query sorts a few members instead of every count;
- ``tg:ArticleWithoutEntities``: the articles in which no entity was found.

Everything here is a function of the current set of article graphs (:func:`derived_quads` computes
it from scratch). Ingest keeps it up to date in the same update request that replaces an article's
graph (:func:`article_update`), or the graphs of a batch of articles (:func:`articles_update`: one
delta for all): the old articles' contributions are subtracted and the new ones added, the counts
they change are read first so that nodes move between levels, and nothing is ever recounted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple
from functools import lru_cache
from itertools import combinations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from ..model import Entity, EntityType, Extraction
from ..namespaces import (
    DERIVED_GRAPH,
    TG,
    article_graph_iri,
    article_iri,
    comention_iri,
    count_level_iri,
    entity_category_iri,
    entity_month_iri,
)
from .base import CountUpdate, Store, StoreError

Triple = tuple[URIRef, URIRef, URIRef | Literal]
# DefinedNamespace attribute access is slow: look the terms up once.
_T_COMENTION, _T_MONTHNODE, _T_CATNODE, _T_LEVEL = TG.CoMention, TG.EntityMonth, TG.EntityCategory, TG.CountLevel
_T_NO_ENTITIES, _T_ENTITY = TG.ArticleWithoutEntities, TG.Entity
_P_ENTITY, _P_MONTH, _P_CAT, _P_MONTH_OF = TG.entity, TG.month, TG.category, TG.monthOf
_P_ARTICLES, _P_SENTENCES, _P_MEMBERS = TG.articleCount, TG.sentenceCount, TG.memberCount
_P_KEY, _P_LEVEL, _P_MEMBER = TG.articleKey, TG.level, TG.member
_P_LATEST, _P_TOP, _P_TOP_TYPE = TG.latestOf, TG.topOf, TG.topOfType
_P_LEVEL_ENTITY, _P_CO_TYPE, _P_LEVEL_TYPE, _P_LEVEL_CAT = TG.levelEntity, TG.coType, TG.levelType, TG.levelCategory
_TYPE_CLASSES: dict[str, URIRef] = {}
#: Language preference of display labels: German, then untagged, then English.
LABEL_LANGUAGES = ("de", "", "en")
#: The LIMITs of the named queries that read the marks (queries/*.rq).
RECENT_K, COMENTION_K, TYPE_K, CATEGORY_K = 100, 50, 100, 25


# --------------------------------------------------------------------------- statistic keys
# One small type per statistic; each is a tuple whose last field names its kind, so keys of two kinds with
# the same fields never compare equal, and a key is as cheap to hash as a tuple.

class EntityCount(NamedTuple):
    """Articles that mention ``entity`` (``tg:articleCount`` on the entity itself)."""

    entity: str
    kind: str = "entity"


class PairCount(NamedTuple):
    """Articles that mention both ``a`` and ``b`` (``a < b``): a ``tg:CoMention`` node's article count."""

    a: str
    b: str
    kind: str = "pair"


class PairSentences(NamedTuple):
    """Sentences that mention both ``a`` and ``b``: the same ``tg:CoMention`` node's sentence count."""

    a: str
    b: str
    kind: str = "pairsent"


class MonthCount(NamedTuple):
    """Articles of one month (``YYYY-MM``, "" undated) that mention ``entity``: a ``tg:EntityMonth`` node."""

    entity: str
    month: str
    kind: str = "month"


class CategoryCount(NamedTuple):
    """Articles of one category that mention ``entity``: a ``tg:EntityCategory`` node."""

    entity: str
    category: str
    kind: str = "category"


class PairLevel(NamedTuple):
    """The co-mention nodes of ``entity`` with entities of ``co_type`` whose count has ``level``."""

    entity: str
    co_type: URIRef
    level: int
    kind: str = "pairlevel"


class TypeLevel(NamedTuple):
    """The entities of ``type`` whose article count has ``level``."""

    type: URIRef
    level: int
    kind: str = "typelevel"


class CategoryLevel(NamedTuple):
    """The entity-category nodes of ``category`` whose count has ``level``."""

    category: str
    level: int
    kind: str = "catlevel"


CountKey = EntityCount | PairCount | PairSentences | MonthCount | CategoryCount
LevelKey = PairLevel | TypeLevel | CategoryLevel
StatKey = CountKey | LevelKey
#: Count keys whose nodes are grouped into levels, and the level keys.
_LEVELLED = (EntityCount, PairCount, CategoryCount)
_LEVELS = (PairLevel, TypeLevel, CategoryLevel)


def level_of(count: int) -> int:
    """The level of a count: ``floor(4 * log2(count))``, four levels per doubling (counts below 1 have none)."""
    return (count ** 4).bit_length() - 1


#: The predicates :meth:`Contribution.of_triples` reads, by what they give.
_ARTICLE_PREDICATES = {RDF.type: "type", TG.hasMention: "mention", TG.refersTo: "refers", TG.sentenceIndex: "sentence",
                       TG.articleId: "id", DCTERMS.date: "date", TG.category: "category"}


@dataclass
class Contribution:
    """What one article adds to the statistics."""

    article: str = ""
    article_id: str = ""
    date: str = ""
    entities: set[str] = field(default_factory=set)
    pair_sentences: Counter = field(default_factory=Counter)  # (e1, e2), e1 < e2 -> sentences with both
    month: str | None = None
    categories: tuple[str, ...] = ()

    @classmethod
    def of_extraction(cls, extraction: Extraction) -> "Contribution":
        sentences: dict[int, set[str]] = {}
        for m in extraction.mentions:
            sentences.setdefault(m.sentence, set()).add(m.entity_iri)
        article = extraction.article
        return cls._build(article.id, {m.entity_iri for m in extraction.mentions}, sentences,
                          article.date.isoformat() if article.date else "", tuple(article.categories))

    @classmethod
    def _build(cls, article_id: str, entities: set[str], sentences: dict[int, set[str]], date: str,
               categories: tuple[str, ...]) -> "Contribution":
        pairs: Counter = Counter()
        for members in sentences.values():
            for a, b in combinations(sorted(members), 2):
                pairs[(a, b)] += 1
        for a, b in combinations(sorted(entities), 2):
            pairs.setdefault((a, b), 0)
        return cls(str(article_iri(article_id)), article_id, date[:10], set(entities), pairs, date[:7] or None,
                   tuple(sorted(set(categories))))

    @classmethod
    def of_triples(cls, triples: Iterable[Triple]) -> "Contribution | None":
        """The contribution of an article graph given as triples (None if they hold no article). One pass
        with a lookup per predicate (rewritten articles of a resolution pass go through here)."""
        article = article_id = date = None
        mentions: list = []
        refers: dict = {}
        sentence_of: dict = {}
        categories: set[str] = set()
        for s, p, o in triples:
            kind = _ARTICLE_PREDICATES.get(p)
            if kind is None:
                continue
            if kind == "type":
                if o == TG.Article:
                    article = s
            elif kind == "mention":
                mentions.append(o)
            elif kind == "refers":
                refers[s] = o
            elif kind == "sentence":
                sentence_of[s] = o
            elif kind == "id":
                article_id = o
            elif kind == "date":
                date = o
            else:
                categories.add(str(o))
        if article is None:
            return None
        entities: set[str] = set()
        sentences: dict[int, set[str]] = {}
        for mention in mentions:
            entity = refers.get(mention)
            if entity is None:
                continue
            sentence = sentence_of.get(mention)
            entities.add(str(entity))
            sentences.setdefault(int(sentence) if sentence is not None else 0, set()).add(str(entity))
        return cls._build(str(article_id), entities, sentences, str(date) if date is not None else "",
                          tuple(categories))

    def counts(self) -> Counter:
        """Counter keyed by statistic (:data:`CountKey`): entities, co-mention pairs (articles and sentences),
        entity months and entity categories."""
        c: Counter = Counter()
        month = self.month or ""
        for e in self.entities:
            c[EntityCount(e)] += 1
            c[MonthCount(e, month)] += 1
            for category in self.categories:
                c[CategoryCount(e, category)] += 1
        for (a, b), n in self.pair_sentences.items():
            c[PairCount(a, b)] += 1
            c[PairSentences(a, b)] += n
        return c

    def key_facts(self) -> set[tuple[str, str, str]]:
        """(entity, month, article key) for each entity of the article."""
        month, key = self.month or "", f"{self.date}\t{self.article_id}"
        return {(e, month, key) for e in self.entities}

    def facts(self) -> set[Triple]:
        """Triples that hold while this article is stored: its keys in the month nodes, or its marker."""
        if not self.entities:
            return {(URIRef(self.article), RDF.type, _T_NO_ENTITIES)}
        return {(entity_month_iri(e, m), _P_KEY, Literal(k)) for e, m, k in self.key_facts()}


def check_layout(store: Store) -> None:
    """StoreError if the store's derived graph has the earlier layout (one co-mention node per ordered
    pair, with ``tg:coEntity``): its counts cannot be updated, the store has to be built anew."""
    if store.query(f"ASK {{ GRAPH <{DERIVED_GRAPH}> {{ ?pair tg:coEntity ?other }} }}").boolean:
        raise StoreError("the store's derived statistics have an earlier layout (ordered co-mention pairs); "
                         "build it anew: ingest the archive into a new store")


#: The rows of an article graph that its contribution is made of (``GRAPH`` filled in by the callers).
_CONTRIBUTION_ROWS = (
    "?a a tg:Article ; tg:articleId ?id ."
    " OPTIONAL { ?a tg:hasMention ?m . ?m tg:refersTo ?e . OPTIONAL { ?m tg:sentenceIndex ?s } }"
    " OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a tg:category ?cat }")


def stored_contribution(store: Store, article_id: str) -> Contribution | None:
    """The contribution of the article as it is in the store now (None if it is not there)."""
    return stored_contributions_of(store, [article_id]).get(article_id)


def stored_contributions_of(store: Store, article_ids: Iterable[str]) -> dict[str, Contribution]:
    """The contributions of the articles as they are in the store now, by article id (the ones stored)."""
    # one branch per graph: Oxigraph would read every graph for a GRAPH ?g bound by VALUES
    branches = [f"{{ GRAPH {article_graph_iri(i).n3()} {{ {_CONTRIBUTION_ROWS} }} }}"
                for i in dict.fromkeys(article_ids)]
    rows = _select_in_parts(store, "SELECT ?id ?e ?s ?date ?cat WHERE { {branches} }", branches)
    return {c.article_id: c for c in _contributions(rows)}


def stored_contributions(store: Store) -> Iterator[Contribution]:
    """The contribution of every article in the store (one query; for checks)."""
    rows = store.query(f"SELECT ?id ?e ?s ?date ?cat WHERE {{ GRAPH ?g {{ {_CONTRIBUTION_ROWS} }} }}").rows
    return _contributions(rows)


def _contributions(rows) -> Iterator[Contribution]:
    by_article: dict[str, list] = {}
    for row in rows:
        by_article.setdefault(str(row[0]), []).append(row[1:])
    for article_id, article_rows in by_article.items():
        entities: set[str] = set()
        sentences: dict[int, set[str]] = {}
        day, categories = "", set()
        for e, s, date, cat in article_rows:
            if e is not None:
                entities.add(str(e))
                sentences.setdefault(int(s) if s is not None else 0, set()).add(str(e))
            if date is not None:
                day = str(date)
            if cat is not None:
                categories.add(str(cat))
        yield Contribution._build(article_id, entities, sentences, day, tuple(categories))


def count_mismatches(store: Store) -> list[tuple[URIRef, URIRef, tuple[int, ...], int]]:
    """The counts of the derived graph that a recount of the stored article graphs does not confirm:
    ``(node, count predicate, stored values, recounted value)``; empty when they agree."""
    total: Counter = Counter()
    for contribution in stored_contributions(store):
        total.update(contribution.counts())
    expected = {(_node(k), _count_predicate(k)): v for k, v in total.items() if v > 0}
    rows = store.query(f"SELECT ?n ?p ?c WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?n ?p ?c "
                       f"FILTER(?p IN ({_ARTICLES}, {_SENTENCES})) }} }}").rows
    stored: dict[tuple, list[int]] = {}
    for node, predicate, count in rows:
        stored.setdefault((node, predicate), []).append(int(count))
    out = []
    for key in sorted(expected.keys() | stored.keys()):
        values = tuple(sorted(stored.get(key, [])))
        if values != ((expected[key],) if key in expected else ()):
            out.append((key[0], key[1], values, expected.get(key, 0)))
    return out


def type_mismatches(store: Store) -> list[tuple[URIRef, tuple[str, ...], tuple[str, ...]]]:
    """Entities whose type in the derived statistics is not the one the article graphs that mention them give:
    ``(entity, stored types, article graphs' types)`` (the type levels follow the stored type)."""
    classes = ", ".join(sorted(TG[t.value].n3() for t in EntityType if t is not EntityType.OTHER))
    described: dict[URIRef, set[str]] = defaultdict(set)
    for e, t in store.query(f"SELECT ?e ?t WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?e a ?t FILTER(?t IN ({classes})) }} }}").rows:
        described[e].add(str(t))
    stated: dict[URIRef, set[str]] = defaultdict(set)
    for e, t in store.query(f"SELECT DISTINCT ?e ?t WHERE {{ GRAPH ?g {{ ?m tg:refersTo ?e . ?e a ?t }} "
                            f"FILTER(?t IN ({classes})) }}").rows:
        stated[e].add(str(t))
    return [(e, tuple(sorted(described.get(e, ()))), tuple(sorted(stated[e])))
            for e in sorted(stated) if described.get(e, set()) != stated[e]]


@lru_cache(maxsize=1 << 16)  # a key's node is asked for several times in a row (structure, count, level)
def _node(key: StatKey) -> URIRef:
    if isinstance(key, EntityCount):
        return URIRef(key.entity)
    if isinstance(key, (PairCount, PairSentences)):
        return comention_iri(key.a, key.b)
    if isinstance(key, MonthCount):
        return entity_month_iri(key.entity, key.month)
    if isinstance(key, CategoryCount):
        return entity_category_iri(key.entity, key.category)
    return count_level_iri(key.kind, *key[:-1])  # a level: its kind, anchor(s) and level


def _structure(key: StatKey) -> Iterator[Triple]:
    """Triples that identify a statistic node (written once, idempotent)."""
    node = _node(key)
    if isinstance(key, PairCount):
        yield node, RDF.type, _T_COMENTION
        yield node, _P_ENTITY, URIRef(key.a)
        yield node, _P_ENTITY, URIRef(key.b)
    elif isinstance(key, MonthCount):
        yield node, RDF.type, _T_MONTHNODE
        yield node, _P_MONTH_OF, URIRef(key.entity)
        yield node, _P_MONTH, Literal(key.month)
    elif isinstance(key, CategoryCount):
        yield node, RDF.type, _T_CATNODE
        yield node, _P_ENTITY, URIRef(key.entity)
        yield node, _P_CAT, Literal(key.category)
    elif isinstance(key, _LEVELS):
        yield node, RDF.type, _T_LEVEL
        yield node, _P_LEVEL, _count(key.level)
        if isinstance(key, PairLevel):
            yield node, _P_LEVEL_ENTITY, URIRef(key.entity)
            yield node, _P_CO_TYPE, key.co_type
        elif isinstance(key, TypeLevel):
            yield node, _P_LEVEL_TYPE, key.type
        else:
            yield node, _P_LEVEL_CAT, Literal(key.category)


@lru_cache(maxsize=1 << 12)
def _count(value: int) -> Literal:
    """A count as an ``xsd:integer`` literal (counts repeat: made once each)."""
    return Literal(value, datatype=XSD.integer)


def _count_predicate(key: StatKey) -> URIRef:
    if isinstance(key, PairSentences):
        return _P_SENTENCES
    return _P_MEMBERS if isinstance(key, _LEVELS) else _P_ARTICLES


def _level_keys(key: StatKey, count: int, types: dict[str, URIRef]) -> tuple[LevelKey, ...]:
    """The levels a count node with ``count`` belongs to: a pair is in one level of each of its entities
    (with the other's type), an entity in one of its type, a category count in one of the category."""
    if count <= 0:
        return ()
    if isinstance(key, PairCount):
        n = level_of(count)
        return PairLevel(key.a, types.get(key.b, _T_ENTITY), n), PairLevel(key.b, types.get(key.a, _T_ENTITY), n)
    if isinstance(key, EntityCount):
        t = types.get(key.entity)
        return (TypeLevel(t, level_of(count)),) if t is not None else ()
    if isinstance(key, CategoryCount):
        return (CategoryLevel(key.category, level_of(count)),)
    return ()


def marks(counts: dict[StatKey, int]) -> set[Triple]:
    """The ``tg:topOf``/``tg:topOfType`` marks implied by level counts.

    ``counts`` maps level keys to member counts; it must hold every level of an anchor whose marks
    are wanted (missing: none).
    """
    groups: dict[tuple, list[tuple]] = {}
    for key, n in counts.items():
        if n <= 0:
            continue
        if isinstance(key, PairLevel):
            groups.setdefault((COMENTION_K, _P_TOP, URIRef(key.entity)), []).append((key.level, key, n))
            groups.setdefault((TYPE_K, _P_TOP_TYPE, URIRef(key.entity), key.co_type), []).append((key.level, key, n))
        elif isinstance(key, TypeLevel):
            groups.setdefault((TYPE_K, _P_TOP, key.type), []).append((key.level, key, n))
        elif isinstance(key, CategoryLevel):
            groups.setdefault((CATEGORY_K, _P_TOP, Literal(key.category)), []).append((key.level, key, n))
    out: set[Triple] = set()
    for (k, predicate, anchor, *_), items in groups.items():
        per_rank: Counter = Counter()
        for rank, _key, n in items:
            per_rank[rank] += n
        higher, above = 0, {}
        for rank in sorted(per_rank, reverse=True):
            above[rank] = higher
            higher += per_rank[rank]
        out.update((_node(key), predicate, anchor) for rank, key, _n in items if above[rank] < k)
    return out


def recent_months(counts: dict[StatKey, int]) -> set[MonthCount]:
    """Month keys that can hold one of their entity's RECENT_K newest articles (fewer in newer months)."""
    per_entity: dict[str, list[MonthCount]] = {}
    for key, n in counts.items():
        if isinstance(key, MonthCount) and n > 0:
            per_entity.setdefault(key.entity, []).append(key)
    out = set()
    for keys in per_entity.values():
        newer = 0
        for key in sorted(keys, key=lambda k: k.month, reverse=True):  # "" (undated) is the oldest
            if newer >= RECENT_K:
                break
            out.add(key)
            newer += counts[key]
    return out


def latest(keys: Iterable[tuple[str, str]]) -> set[Triple]:
    """``tg:latestOf`` marks: the RECENT_K newest articles (date descending, then id) of each entity.

    ``keys``: (entity, article key) for every article key of the entity's recent months.
    """
    per_entity: dict[str, list[str]] = {}
    for entity, key in keys:
        per_entity.setdefault(entity, []).append(key)
    out: set[Triple] = set()
    for entity, values in per_entity.items():
        values.sort(key=lambda k: k.split("\t", 1)[1])
        values.sort(key=lambda k: k.split("\t", 1)[0], reverse=True)
        anchor = URIRef(entity)
        out.update((article_iri(k.split("\t", 1)[1]), _P_LATEST, anchor) for k in values[:RECENT_K])
    return out


def canonical_types(described: Iterable[Triple]) -> dict[str, URIRef]:
    """Entity -> type class used for levels: the smallest IRI among its described types."""
    types: dict[str, URIRef] = {}
    for s, p, o in described:
        if p == RDF.type and (str(s) not in types or str(o) < str(types[str(s)])):
            types[str(s)] = o
    return types


def entity_description(extraction: Extraction) -> Iterator[Triple]:
    """Type and display label of each entity of an article, for the derived graph."""
    mentioned = sorted({m.entity_iri for m in extraction.mentions})
    return describe_entities(extraction.entities[iri] for iri in mentioned if iri in extraction.entities)


def describe_entities(entities: Iterable[Entity]) -> Iterator[Triple]:
    """Type and display label of each entity, for the derived graph."""
    for entity in entities:
        if entity.type.value not in _TYPE_CLASSES:
            _TYPE_CLASSES[entity.type.value] = TG[entity.type.value]
        yield URIRef(entity.iri), RDF.type, _TYPE_CLASSES[entity.type.value]
        yield URIRef(entity.iri), SKOS.prefLabel, Literal(entity.label)


_ARTICLES, _SENTENCES, _MEMBERS = _P_ARTICLES.n3(), _P_SENTENCES.n3(), _P_MEMBERS.n3()
#: Characters of the terms in one ``VALUES`` list, and of the branches of one query: the reads of a batch of
#: articles name thousands of nodes (a co-mention node's IRI has 57 characters, an entity's up to ~100), and
#: servers cap a query (``topicgraph serve`` answers 400 above 100,000 characters, Virtuoso refuses a
#: ``VALUES`` of 4,095 terms or more); one article's reads stay one query as before.
VALUES_CHARS, QUERY_CHARS = 20_000, 60_000


def _value_lists(terms: Iterable[str]) -> Iterator[str]:
    """The terms (N3) joined into ``VALUES`` lists of at most :data:`VALUES_CHARS` characters each."""
    part: list[str] = []
    size = 0
    for term in terms:
        if part and size + len(term) > VALUES_CHARS:
            yield " ".join(part)
            part, size = [], 0
        part.append(term)
        size += len(term) + 1
    if part:
        yield " ".join(part)


def _select_in_parts(store: Store, query: str, branches: list[str]) -> list[tuple]:
    """The rows of ``query`` whose ``{branches}`` stands for the ``UNION`` of ``branches``, run as few queries as
    keep the branches of each under :data:`QUERY_CHARS` characters (none if there is no branch)."""
    rows: list[tuple] = []
    part: list[str] = []
    size = 0
    for branch in branches + [""]:
        if part and (not branch or size + len(branch) > QUERY_CHARS):
            rows.extend(store.query(query.replace("{branches}", " UNION ".join(part))).rows)
            part, size = [], 0
        if branch:
            part.append(branch)
            size += len(branch)
    return rows


class StoredStatistics:
    """The stored derived statistics that a change reads: counts of the count nodes it changes, entity types,
    the month and level groups around them, and each entity's newest article keys."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def counts_and_descriptions(self, keys: Iterable[StatKey],
                                entities: Iterable[str]) -> tuple[dict[StatKey, int], list[Triple]]:
        """The current counts of the count nodes of ``keys`` and the stored types and labels of ``entities``."""
        keys = [k for k in keys if isinstance(k, _LEVELLED)]
        by_node = {_node(k): k for k in keys}
        entities = sorted(set(entities))
        g = f"<{DERIVED_GRAPH}>"
        branches = [f"{{ VALUES ?n {{ {nodes} }} GRAPH {g} {{ ?n {_ARTICLES} ?c }} }}"
                    for nodes in _value_lists(n.n3() for n in by_node)]
        branches += [f"{{ VALUES ?n {{ {values} }} GRAPH {g} {{ ?n a ?t }} }} UNION "
                     f"{{ VALUES ?n {{ {values} }} GRAPH {g} {{ ?n skos:prefLabel ?l }} }}"
                     for values in _value_lists(URIRef(e).n3() for e in entities)]
        rows = _select_in_parts(self.store, "SELECT ?n ?c ?t ?l WHERE { {branches} }", branches)
        counts, described = {}, []
        for n, c, t, label in rows:
            if c is not None and n in by_node:
                counts[by_node[n]] = int(c)
            if t is not None:
                described.append((n, RDF.type, t))
            if label is not None:
                described.append((n, SKOS.prefLabel, label))
        return counts, described

    def pairs_of(self, entities: Iterable[str]) -> dict[StatKey, int]:
        """The stored co-mention counts of ``entities`` (with any other entity), by pair key."""
        branches = [f"{{ VALUES ?e {{ {values} }} ?n a tg:CoMention ; tg:entity ?e . }}"
                    for values in _value_lists(URIRef(e).n3() for e in sorted(set(entities)))]
        query = (f"SELECT DISTINCT ?n ?x ?c WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ {{branches}} "
                 f"?n tg:entity ?x ; {_ARTICLES} ?c }} }}")
        members: dict[str, list[str]] = defaultdict(list)
        counts: dict[str, int] = {}
        for n, x, c in _select_in_parts(self.store, query, branches):
            members[str(n)].append(str(x))
            counts[str(n)] = int(c)
        out = {}
        for n, pair in members.items():
            if len(pair) == 2:
                a, b = sorted(pair)
                out[PairCount(a, b)] = counts[n]
        return out

    def groups(self, keys: Iterable[StatKey]) -> dict[StatKey, int]:
        """Stored counts of every month node and level that shares an anchor with one of ``keys``."""
        entities, types, categories = set(), set(), set()
        for key in keys:
            if isinstance(key, (MonthCount, PairLevel)):
                entities.add(URIRef(key.entity))
            elif isinstance(key, TypeLevel):
                types.add(key.type)
            elif isinstance(key, CategoryLevel):
                categories.add(Literal(key.category))
        branches = []
        for values in _value_lists(e.n3() for e in sorted(entities)):
            branches.append(f"{{ VALUES ?a {{ {values} }} ?n tg:monthOf ?a ; tg:month ?r ; {_ARTICLES} ?c ."
                            f" BIND(0 AS ?k) }}")
            branches.append(f"{{ VALUES ?a {{ {values} }} ?n tg:levelEntity ?a ; tg:coType ?t ; tg:level ?r ;"
                            f" {_MEMBERS} ?c . BIND(1 AS ?k) }}")
        for values in _value_lists(t.n3() for t in sorted(types)):
            branches.append(f"{{ VALUES ?a {{ {values} }} ?n tg:levelType ?a ; tg:level ?r ; {_MEMBERS} ?c ."
                            f" BIND(2 AS ?k) }}")
        for values in _value_lists(c.n3() for c in sorted(categories)):
            branches.append(f"{{ VALUES ?a {{ {values} }} ?n tg:levelCategory ?a ; tg:level ?r ; {_MEMBERS} ?c ."
                            f" BIND(3 AS ?k) }}")
        query = f"SELECT ?k ?a ?t ?r ?c WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ {{branches}} }} }}"
        rows = _select_in_parts(self.store, query, branches)
        out: dict[StatKey, int] = {}
        for k, a, t, r, c in rows:
            k = int(k)
            if k == 0:
                key = MonthCount(str(a), str(r))
            elif k == 1:
                key = PairLevel(str(a), t, int(r))
            elif k == 2:
                key = TypeLevel(a, int(r))
            else:
                key = CategoryLevel(str(a), int(r))
            out[key] = int(c)
        return out

    def article_keys(self, months: Iterable[MonthCount]) -> set[tuple[MonthCount, str]]:
        """(month key, article key) of the given month keys as stored."""
        by_node = {_node(k): k for k in months}
        branches = [f"{{ VALUES ?n {{ {values} }} GRAPH <{DERIVED_GRAPH}> {{ ?n tg:articleKey ?key }} }}"
                    for values in _value_lists(n.n3() for n in by_node)]
        rows = _select_in_parts(self.store, "SELECT ?n ?key WHERE { {branches} }", branches)
        return {(by_node[n], str(key)) for n, key in rows}


def count_delta(old: Contribution | None, new: Contribution | None) -> Counter:
    """How each count changes from ``old`` to ``new``."""
    delta = new.counts() if new else Counter()
    delta.subtract(old.counts() if old else Counter())
    return delta


#: One article's change: its contribution as stored (None: not stored yet) and as it will be (None: removed).
Change = tuple[Contribution | None, Contribution | None]


@dataclass
class CombinedChange:
    """What the changes of several distinct articles add up to: count deltas summed, and the facts and article
    keys that go and come (each belongs to one article, so the articles' sets are simply united)."""

    delta: Counter = field(default_factory=Counter)
    touched: set[str] = field(default_factory=set)
    deletes: set[Triple] = field(default_factory=set)
    inserts: set[Triple] = field(default_factory=set)
    gone: set[tuple[str, str, str]] = field(default_factory=set)
    come: set[tuple[str, str, str]] = field(default_factory=set)

    @classmethod
    def of(cls, changes: Iterable[Change]) -> "CombinedChange":
        """The sum of the changes (ValueError if one article changes twice: its second change would start from
        a version that is not stored)."""
        combined, seen = cls(), set()
        for old, new in changes:
            either = new if new is not None else old
            if either is None:
                continue
            if either.article in seen:
                raise ValueError(f"article {either.article} changes twice in one update")
            seen.add(either.article)
            combined.delta.update(count_delta(old, new))
            combined.touched |= (old.entities if old else set()) | (new.entities if new else set())
            old_facts, new_facts = old.facts() if old else set(), new.facts() if new else set()
            combined.deletes |= old_facts - new_facts
            combined.inserts |= new_facts - old_facts
            old_keys, new_keys = old.key_facts() if old else set(), new.key_facts() if new else set()
            combined.gone |= old_keys - new_keys
            combined.come |= new_keys - old_keys
        return combined


def delta_update(changes: Iterable[Change], described: Iterable[Triple], stored: StoredStatistics) -> CountUpdate:
    """The one change that moves the statistics from the stored versions of some distinct articles to their new
    versions (each pair ``(old, new)``; empty if nothing changes), as if they were changed one after the other.

    ``stored`` reads what the change needs of the stored statistics: the current counts of the count nodes
    that change and the entity types the levels use before and after (for the levels to follow the counts),
    the counts of every month node and level around them (for the marks), and the article keys of the month
    nodes (for each entity's newest articles). All is read once, before: the levels and marks follow from the
    stored counts and the summed count deltas. ``described``: entity descriptions the change brings.
    """
    described = list(dict.fromkeys(described))
    combined = CombinedChange.of(changes)
    delta, deletes, inserts = combined.delta, combined.deletes, combined.inserts
    gone, come = combined.gone, combined.come
    described_types = canonical_types(described)
    current, stored_described = stored.counts_and_descriptions(
        [k for k, v in delta.items() if v], combined.touched | set(described_types))
    # the new descriptions replace the stored ones (a type or name that resolution or curation changed)
    new_labels = {(s, o) for s, p, o in described if p == SKOS.prefLabel}
    described_labels = {s for s, _o in new_labels}
    stale = {(s, p, o) for s, p, o in stored_described
             if (p == RDF.type and str(s) in described_types and o != described_types[str(s)])
             or (p == SKOS.prefLabel and s in described_labels and (s, o) not in new_labels)}
    deletes |= stale
    stored_types = [t for t in stored_described if t[1] == RDF.type]
    types_before = canonical_types(stored_types)
    types_after = canonical_types([t for t in stored_types if t not in stale] + described)
    retyped = {e for e, t in types_before.items() if types_after.get(e, t) != t}
    levelled = {k for k, v in delta.items() if v}
    if retyped:  # every count whose level follows the type: the entity's own and all its co-mentions
        pairs = stored.pairs_of(retyped)
        own = [EntityCount(e) for e in retyped]
        counts, _ = stored.counts_and_descriptions(own, ())
        current = {**pairs, **counts, **current}
        levelled |= {*pairs, *own}
    for key in list(levelled):
        d = delta.get(key, 0)
        if not isinstance(key, _LEVELLED):
            continue
        before = current.get(key, 0)
        was, now = set(_level_keys(key, before, types_before)), set(_level_keys(key, before + d, types_after))
        for level in was - now:
            deletes.add((_node(level), _P_MEMBER, _node(key)))
            delta[level] -= 1
        for level in now - was:
            inserts.add((_node(level), _P_MEMBER, _node(key)))
            delta[level] += 1
    affected = {e for e, _m, _k in gone | come}
    grouped = [k for k, v in delta.items() if v and isinstance(k, (MonthCount, *_LEVELS))]
    before = stored.groups(grouped + [MonthCount(e, m) for e, m, _k in gone | come])
    after = dict(before)
    for key in grouped:
        after[key] = after.get(key, 0) + delta[key]
    marked, marking = marks(before), marks(after)
    if affected:
        months_before = {k for k in recent_months(before) if k.entity in affected}
        months_after = {k for k in recent_months(after) if k.entity in affected}
        month_keys = stored.article_keys(months_before | months_after)
        marked |= latest((m.entity, key) for m, key in month_keys if m in months_before)
        marking |= latest(({(m.entity, key) for m, key in month_keys if m in months_after}
                           - {(e, k) for e, _m, k in gone}) | {(e, k) for e, _m, k in come})
    deletes |= marked - marking
    inserts |= marking - marked
    changed = {k: v for k, v in delta.items() if v}
    inserts.update(t for k, v in changed.items() if v > 0 for t in _structure(k))
    inserts.update(described)
    increments = {(_node(k), _count_predicate(k)): v for k, v in changed.items()}
    shrunk = list({_node(k) for k, v in changed.items() if v < 0})
    return CountUpdate(DERIVED_GRAPH, inserts, increments, shrunk, deletes,
                       drop_value_at_zero=(_P_SENTENCES,), drop_node_at_zero=(_P_ARTICLES, _P_MEMBERS))


def _update(store: Store, changes: list[Change], described: list[Triple]) -> CountUpdate:
    return delta_update(changes, described, StoredStatistics(store))


class NewVersion(NamedTuple):
    """An article as it will be stored: its id, its contribution (None: removed) and the descriptions of the
    entities it brings."""

    article_id: str
    contribution: Contribution | None
    described: list[Triple]

    @classmethod
    def of_extraction(cls, extraction: Extraction) -> "NewVersion":
        return cls(extraction.article.id, Contribution.of_extraction(extraction), list(entity_description(extraction)))

    @classmethod
    def of_graph(cls, article_id: str, triples: Iterable[Triple], entities: Iterable[Entity] = ()) -> "NewVersion":
        """The article as its (rewritten) graph has it; ``entities``: those it may mention for the first time."""
        return cls(article_id, Contribution.of_triples(triples), list(describe_entities(entities)))


def versions_update(store: Store, versions: Sequence[NewVersion]) -> CountUpdate:
    """The one update that brings the statistics from the stored versions of the articles (distinct ones) to
    ``versions``, for writing all their graphs in the same transaction (reads the store once)."""
    stored = stored_contributions_of(store, [v.article_id for v in versions])
    changes = [(stored.get(v.article_id), v.contribution) for v in versions]
    return _update(store, changes, [t for v in versions for t in v.described])


def articles_update(store: Store, extractions: Sequence[Extraction]) -> CountUpdate:
    """The one update that brings the statistics from the stored versions of the articles (distinct ones) to
    ``extractions``, for writing all their graphs in the same transaction (reads the store once)."""
    return versions_update(store, [NewVersion.of_extraction(e) for e in extractions])


def article_update(store: Store, extraction: Extraction) -> CountUpdate:
    """The update that brings the statistics from the stored version of the article to ``extraction``."""
    return articles_update(store, [extraction])


def rewrite_update(store: Store, article_id: str, triples: Iterable[Triple],
                   entities: Iterable[Entity] = ()) -> CountUpdate:
    """The update that brings the statistics from the stored version of the article to its graph
    ``triples`` rewritten in place (curation of an article that cannot be extracted again);
    ``entities``: descriptions of the entities the rewritten graph may mention for the first time."""
    return versions_update(store, [NewVersion.of_graph(article_id, triples, entities)])


def removal_update(store: Store, article_id: str) -> CountUpdate:
    """The update that removes an article's contribution (before its graph is dropped)."""
    return _update(store, [(stored_contribution(store, article_id), None)], [])


class DerivedTotals:
    """The derived graph of a set of articles, accumulated one extraction at a time (bulk loads, checks)."""

    def __init__(self) -> None:
        self.total: Counter = Counter()
        self.described: set[Triple] = set()
        self.facts: set[Triple] = set()
        self.keys: set[tuple[str, str, str]] = set()

    def add(self, extraction: Extraction) -> None:
        """Count one article in."""
        self._add(Contribution.of_extraction(extraction), entity_description(extraction))

    def add_graph(self, triples: Iterable[Triple], entities: Iterable[Entity]) -> None:
        """Count one article in from its graph (rewritten by a resolution pass); ``entities``: those it refers to."""
        contribution = Contribution.of_triples(triples)
        if contribution is not None:
            self._add(contribution, describe_entities(entities))

    def _add(self, contribution: Contribution, described: Iterable[Triple]) -> None:
        self.total.update(contribution.counts())
        self.facts.update(contribution.facts())
        self.keys.update(contribution.key_facts())
        self.described.update(described)

    def triples(self) -> Iterator[Triple]:
        """Every triple of the derived graph of the articles added."""
        types = canonical_types(self.described)
        yield from self.described
        yield from self.facts
        levels: Counter = Counter()
        months = {key: value for key, value in self.total.items() if isinstance(key, MonthCount) and value > 0}
        for key, value in self.total.items():
            if value <= 0:
                continue
            yield from _structure(key)
            yield _node(key), _count_predicate(key), _count(value)
            for level in _level_keys(key, value, types):
                levels[level] += 1
                yield _node(level), _P_MEMBER, _node(key)
        for key, value in levels.items():
            yield from _structure(key)
            yield _node(key), _P_MEMBERS, _count(value)
        yield from marks(levels)
        recent = recent_months(months)
        yield from latest((e, k) for e, m, k in self.keys if MonthCount(e, m) in recent)


def derived_quads(extractions: Iterable[Extraction]) -> Iterator[Triple]:
    """The whole derived graph computed from scratch (for bulk loads and for checking the increments)."""
    totals = DerivedTotals()
    for extraction in extractions:
        totals.add(extraction)
    yield from totals.triples()


def stored_derived(store: Store) -> set[tuple]:
    """Every triple of the derived graph as it is in the store (for checks and tests)."""
    rows = store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}").rows
    return {(s, p, o) for s, p, o in rows}

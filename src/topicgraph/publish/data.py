"""One read of the store for publishing: articles, entities (labels, aliases, type, description, sameAs),
who mentions whom, what each article is about, and the typed relations with their evidence.

Articles, entities and mention edges come from the explorer's reader (:func:`explore.build_graph`),
co-mention counts from :func:`explore.co_mention_counts`; the rest from a few queries here."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from ..explore import ARTICLE, build_graph, co_mention_counts
from ..namespaces import ENT, slugify
from ..store import Store


@dataclass
class EntityInfo:
    """An entity as a topic page shows it."""

    iri: str
    slug: str
    type: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    descriptions: dict[str, str] = field(default_factory=dict)
    same_as: tuple[str, ...] = ()

    def label(self, language: str = "de") -> str:
        """The label in ``language``, else untagged, German, English, any."""
        for lang in (language, "", "de", "en"):
            if self.labels.get(lang):
                return self.labels[lang]
        return next(iter(sorted(self.labels.values())), self.slug)

    def description(self, language: str = "de") -> str:
        for lang in (language, "", "en", "de"):
            if self.descriptions.get(lang):
                return self.descriptions[lang]
        return ""


@dataclass
class ArticleRecord:
    """An article's metadata and entities: ``about`` (its salient ones, sorted by IRI) and ``mentions`` (the others, most mentioned first)."""

    id: str
    title: str
    date: dt.date | None
    url: str
    language: str
    categories: tuple[str, ...]
    summary: str = ""
    source_path: str = ""
    about: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelationRecord:
    """A typed relation stated in an article, with the sentence that states it."""

    subject: str
    predicate: str
    object: str
    evidence: str
    article_id: str


@dataclass
class Archive:
    """Everything the publishers need, read once."""

    articles: dict[str, ArticleRecord]
    entities: dict[str, EntityInfo]
    #: entity IRI -> ids of the articles mentioning it
    mentioned_in: dict[str, list[str]]
    #: entity IRI -> [(other entity IRI, number of articles mentioning both)], strongest first
    co_mentions: dict[str, list[tuple[str, int]]]
    relations: list[RelationRecord]

    def by_slug(self) -> dict[str, EntityInfo]:
        return {e.slug: e for e in self.entities.values()}


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def entity_slugs(iris: list[str]) -> dict[str, str]:
    """A file-name-safe slug per entity IRI: its last path segment; where two IRIs would share one, every
    IRI outside the entity namespace gets a short hash of itself appended (stable for the same IRIs)."""
    base = {iri: slugify(iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for iri in iris}
    owners: dict[str, list[str]] = defaultdict(list)
    for iri, slug in base.items():
        owners[slug].append(iri)
    result = {}
    for iri, slug in base.items():
        if len(owners[slug]) > 1 and not (iri.startswith(str(ENT)) and sum(o.startswith(str(ENT)) for o in owners[slug]) == 1):
            slug = f"{slug}-{hashlib.sha1(iri.encode('utf-8')).hexdigest()[:6]}"
        result[iri] = slug
    return result


def load_archive(store: Store, co_mentions: int = 12) -> Archive:
    """Read the store once (``co_mentions``: strongest co-mentioned entities kept per entity)."""
    graph = build_graph(store)
    articles: dict[str, ArticleRecord] = {}
    mentioned_in: dict[str, list[str]] = defaultdict(list)
    entity_nodes = sorted(n for n, t in graph.nodes(data="type") if t != ARTICLE)
    for node, attrs in graph.nodes(data=True):
        if attrs.get("type") == ARTICLE:
            aid = node.split(":", 1)[1]
            articles[aid] = ArticleRecord(aid, attrs["label"], _date(attrs.get("date", "")), attrs.get("url", ""), "",
                                          tuple(attrs.get("categories", ())))
    for u, v in graph.edges():
        article, entity = (u, v) if graph.nodes[u].get("type") == ARTICLE else (v, u)
        mentioned_in[entity].append(article.split(":", 1)[1])
    slugs = entity_slugs(entity_nodes)
    entities = {iri: EntityInfo(iri, slugs[iri], graph.nodes[iri].get("type", "Entity")) for iri in entity_nodes}
    _read_article_details(store, articles)
    _read_entity_details(store, entities)
    names, counts = co_mention_counts(graph)
    strongest: dict[str, list[tuple[str, int]]] = {}
    for i, iri in enumerate(names):
        start, end = counts.indptr[i], counts.indptr[i + 1]
        pairs = sorted(zip(counts.data[start:end].tolist(), counts.indices[start:end].tolist()),
                       key=lambda p: (-p[0], names[p[1]]))[:co_mentions]
        strongest[iri] = [(names[j], int(w)) for w, j in pairs]
    for iri, ids in mentioned_in.items():
        ids.sort(key=lambda a: (articles[a].date or dt.date.min, a), reverse=True)
    return Archive(articles, entities, dict(mentioned_in), strongest, _read_relations(store))


def _read_article_details(store: Store, articles: dict[str, ArticleRecord]) -> None:
    for aid, lang, abstract, source in store.query(
        "SELECT ?id (SAMPLE(?l) AS ?lang) (SAMPLE(?s) AS ?abs) (SAMPLE(?p) AS ?src) WHERE { ?a tg:articleId ?id ."
        " OPTIONAL { ?a dcterms:language ?l } OPTIONAL { ?a dcterms:abstract ?s } OPTIONAL { ?a tg:sourcePath ?p } }"
        " GROUP BY ?id"
    ).rows:
        record = articles.get(str(aid))
        if record is not None:
            record.language = str(lang or "")
            record.summary = str(abstract or "")
            record.source_path = str(source or "")
    authors: dict[str, list[str]] = defaultdict(list)
    for aid, author in store.query("SELECT ?id ?c WHERE { ?a tg:articleId ?id ; dcterms:creator ?c } ORDER BY ?id ?c").rows:
        authors[str(aid)].append(str(author))
    for aid, names in authors.items():
        if aid in articles:
            articles[aid].authors = tuple(names)
    about: dict[str, list[str]] = defaultdict(list)
    for aid, entity in store.query("SELECT ?id ?e WHERE { ?a tg:articleId ?id ; tg:about ?e }").rows:
        about[str(aid)].append(str(entity))
    counts: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for aid, entity, n in store.query(
        "SELECT ?id ?e (COUNT(?m) AS ?n) WHERE { ?a tg:articleId ?id ; tg:hasMention ?m . ?m tg:refersTo ?e }"
        " GROUP BY ?id ?e"
    ).rows:
        counts[str(aid)].append((int(n), str(entity)))
    for aid, record in articles.items():
        record.about = tuple(sorted(about.get(aid, ())))
        rest = sorted((pair for pair in counts.get(aid, ()) if pair[1] not in record.about), key=lambda p: (-p[0], p[1]))
        record.mentions = tuple(iri for _, iri in rest)


def _read_entity_details(store: Store, entities: dict[str, EntityInfo]) -> None:
    aliases: dict[str, set[str]] = defaultdict(set)
    same_as: dict[str, set[str]] = defaultdict(set)
    for entity, value, kind in store.query(
        "SELECT DISTINCT ?e ?v ?k WHERE { { ?e skos:prefLabel ?v BIND('pref' AS ?k) }"
        " UNION { ?e skos:altLabel ?v BIND('alt' AS ?k) } UNION { ?e rdfs:comment ?v BIND('comment' AS ?k) }"
        " UNION { ?e skos:definition ?v BIND('comment' AS ?k) } UNION { ?e owl:sameAs ?v BIND('same' AS ?k) } }"
    ).rows:
        info = entities.get(str(entity))
        if info is None:
            continue
        lang = getattr(value, "language", None) or ""
        if str(kind) == "pref":
            info.labels.setdefault(lang, str(value))
            aliases[info.iri].add(str(value))
        elif str(kind) == "alt":
            aliases[info.iri].add(str(value))
        elif str(kind) == "comment":
            info.descriptions.setdefault(lang, str(value))
        else:
            same_as[info.iri].add(str(value))
    for iri, info in entities.items():
        shown = {info.label(lang) for lang in ("de", "en")}
        info.aliases = tuple(sorted(aliases.get(iri, set()) - shown, key=str.casefold))
        info.same_as = tuple(sorted(same_as.get(iri, ())))


def _read_relations(store: Store) -> list[RelationRecord]:
    rows = store.query(
        "SELECT ?s ?p ?o ?ev ?id WHERE { ?a tg:articleId ?id ; tg:relation ?n . ?n rdf:subject ?s ;"
        " rdf:predicate ?p ; rdf:object ?o ; tg:evidence ?ev }"
    ).rows
    return sorted({RelationRecord(str(s), str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1], str(o), str(ev), str(aid))
                   for s, p, o, ev, aid in rows}, key=lambda r: (r.subject, r.predicate, r.object, r.article_id))

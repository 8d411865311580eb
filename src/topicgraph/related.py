"""Related-article suggestions: IDF-weighted shared entities, weighted by aboutness, explained."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .store import Store

#: LDBC SPB related-works weights: (source about?, target about?) -> weight of a shared entity.
ABOUTNESS_WEIGHTS = {(True, True): 2.0, (True, False): 1.5, (False, True): 1.0, (False, False): 0.5}


class UnknownArticle(KeyError):
    """No article with this id in the store."""

    def __str__(self) -> str:
        return f"no article with id {self.args[0]!r} in the store"


@dataclass(frozen=True)
class Reason:
    """A shared entity and what it contributed."""

    iri: str
    label: str
    weight: float


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass
class ArticleIndex:
    """Article -> entities (with aboutness) and entity -> articles, read from the store once."""

    titles: dict[str, str] = field(default_factory=dict)
    entities: dict[str, dict[str, bool]] = field(default_factory=lambda: defaultdict(dict))
    articles_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    labels: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: Store) -> "ArticleIndex":
        index = cls()
        for aid, title in store.query("SELECT ?id ?title WHERE { ?a tg:articleId ?id ; dcterms:title ?title }").rows:
            index.titles[str(aid)] = str(title)
        rows = store.query(
            "SELECT ?id ?e ?about WHERE { ?a tg:articleId ?id ; tg:mentions ?e ."
            " BIND(EXISTS { ?a tg:about ?e } AS ?about) }"
        ).rows
        for aid, entity, about in rows:
            index.entities[str(aid)][str(entity)] = bool(about and about.toPython())
            index.articles_of[str(entity)].add(str(aid))
        for entity, label in store.query(
            "SELECT ?e (SAMPLE(?l) AS ?label) WHERE { ?a tg:mentions ?e . ?e skos:prefLabel ?l ."
            " FILTER(LANG(?l) = 'de' || LANG(?l) = '') } GROUP BY ?e"
        ).rows:
            index.labels[str(entity)] = str(label)
        return index

    def idf(self, entity: str) -> float:
        n = max(len(self.titles), 1)
        return math.log((1 + n) / (1 + len(self.articles_of.get(entity, ())))) + 1.0


def suggest_related(store: Store, article_id: str, k: int = 10, index: ArticleIndex | None = None) -> list[Suggestion]:
    """The ``k`` articles sharing the most informative entities with ``article_id``, with reasons."""
    index = index or ArticleIndex.from_store(store)
    if article_id not in index.titles:
        raise UnknownArticle(article_id)
    source = index.entities.get(article_id, {})
    scores: dict[str, float] = defaultdict(float)
    reasons: dict[str, list[Reason]] = defaultdict(list)
    for entity, source_about in source.items():
        idf = index.idf(entity)
        for other in index.articles_of.get(entity, ()):
            if other == article_id:
                continue
            weight = idf * ABOUTNESS_WEIGHTS[(source_about, index.entities[other][entity])]
            scores[other] += weight
            reasons[other].append(Reason(entity, index.labels.get(entity, entity.rsplit("/", 1)[-1]), round(weight, 4)))
    ranked = sorted(scores, key=lambda o: (-scores[o], o))[:k]
    return [
        Suggestion(o, index.titles[o], round(scores[o], 4),
                   tuple(sorted(reasons[o], key=lambda r: (-r.weight, r.label))))
        for o in ranked
    ]


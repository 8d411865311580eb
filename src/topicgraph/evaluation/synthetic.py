"""Synthetic corpora for benchmarks: Extractions with Zipf-distributed entity popularity (no NLP run)."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections.abc import Iterator

from ..model import Article, Entity, EntityType, Extraction, Mention, Method
from ..namespaces import entity_iri

CATEGORIES = ("Energie", "Mobilität", "Industrie", "KI & Rechenzentren", "Recycling", "Politik", "Wirtschaft", "Wissenschaft")
_TYPES = (EntityType.ORGANIZATION, EntityType.PERSON, EntityType.PLACE, EntityType.TECHNOLOGY)


def synthetic_entities(n_entities: int, seed: int = 0) -> list[Entity]:
    """``n_entities`` entities, types spread evenly, named ``Synth <Type> <n>``."""
    entities = []
    for i in range(n_entities):
        etype = _TYPES[i % len(_TYPES)]
        label = f"Synth {etype.value} {i}"
        entities.append(Entity(str(entity_iri(label)), etype, label))
    return entities


def generate_extractions(n_articles: int, n_entities: int | None = None, seed: int = 0,
                         mentions_per_article: tuple[int, int] = (4, 16), zipf_s: float = 1.1,
                         without_entities_every: int = 0) -> Iterator[Extraction]:
    """Articles with 4-16 distinct entities drawn Zipf-like (rank r has weight 1/r**s); deterministic per seed.
    With ``without_entities_every`` = n, every n-th article has no entities (the other articles stay the same)."""
    rng = random.Random(seed)
    n_entities = n_entities or max(50, n_articles // 5)
    entities = synthetic_entities(n_entities, seed)
    weights = [1.0 / (rank + 1) ** zipf_s for rank in range(n_entities)]
    cumulative: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    start = dt.date(2015, 1, 1)
    for i in range(n_articles):
        k = rng.randint(*mentions_per_article)
        chosen: dict[int, None] = {}
        while len(chosen) < k:
            chosen[min(bisect.bisect_left(cumulative, rng.random() * total), n_entities - 1)] = None
        picked = [entities[j] for j in chosen]
        words = []
        mentions = []
        offset = 0
        for n, entity in enumerate(picked):
            filler = f"Satz {n} über "
            words.append(filler)
            offset += len(filler)
            mentions.append(Mention(entity.label, offset, offset + len(entity.label), entity.type.ner_label,
                                    entity.iri, 0.9, Method.GAZETTEER, n))
            words.append(entity.label + ". ")
            offset += len(entity.label) + 2
        article = Article(
            id=f"synth-{i:06d}", title=f"Synthetischer Artikel {i}", body="".join(words).strip(),
            date=start + dt.timedelta(days=rng.randrange(0, 3650)), language="de",
            categories=(CATEGORIES[rng.randrange(len(CATEGORIES))],),
        )
        if without_entities_every and i % without_entities_every == without_entities_every - 1:
            picked, mentions = [], []
        about = tuple(e.iri for e in picked[:2])
        topics = tuple(e.iri for e in picked if e.type.is_concept)[:5]
        yield Extraction(article, mentions, {e.iri: e for e in picked}, {e.iri: 1.0 for e in picked}, about,
                         topics=topics)


"""An article's topics: the vocabulary concepts (technologies and topics) it is about, not only mentions."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from ..model import Article, Entity, Mention

#: At most this many topics per article.
MAX_TOPICS = 5
#: A concept is a topic when its score reaches this: mentioned twice, or once in the title or the lead.
MIN_TOPIC_SCORE = math.log1p(2)
#: The lead: the first characters of the body.
LEAD_CHARS = 400


def salient_topics(article: Article, mentions: Iterable[Mention], entities: dict[str, Entity],
                   in_title: set[str], in_headings: set[str]) -> tuple[str, ...]:
    """IRIs of the concepts the article is about, most salient first: score = log(1 + mentions) + 2 in the title
    + 1 in the lead + 0.5 in a heading, at least :data:`MIN_TOPIC_SCORE`, at most :data:`MAX_TOPICS`."""
    mentions = [m for m in mentions if (e := entities.get(m.entity_iri)) is not None and e.type.is_concept]
    counts = Counter(m.entity_iri for m in mentions)
    lead_end = min(len(article.body), LEAD_CHARS)
    in_lead = {m.entity_iri for m in mentions if m.start < lead_end}
    concepts = set(counts) | {iri for iri in in_title if (e := entities.get(iri)) is not None and e.type.is_concept}
    scores = {iri: math.log1p(counts[iri]) + 2.0 * (iri in in_title) + 1.0 * (iri in in_lead)
              + 0.5 * (iri in in_headings) for iri in concepts}
    ranked = sorted((iri for iri, score in scores.items() if score >= MIN_TOPIC_SCORE - 1e-9),
                    key=lambda iri: (-scores[iri], iri))
    return tuple(ranked[:MAX_TOPICS])

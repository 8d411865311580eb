"""Mention replacement: new training sentences with other names of the same label.

Dai & Adel (2020), *An Analysis of Simple Data Augmentation for Named Entity
Recognition*, COLING 2020: copy a sentence and replace each entity mention by a
mention of the same label drawn from the training data, so the tagger sees names in
new contexts (and contexts with new names) without new annotation.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from .corpora import Sentence, bio_spans


def mention_pool(sentences: Iterable[Sentence]) -> dict[str, list[tuple[str, ...]]]:
    """Every entity mention of ``sentences`` (as a token tuple), by label, in order of appearance."""
    pool: dict[str, list[tuple[str, ...]]] = {}
    for toks, tags in sentences:
        for start, end, label in bio_spans(tags):
            pool.setdefault(label, []).append(tuple(toks[start:end]))
    return pool


def replace_mentions(sentence: Sentence, pool: dict[str, list[tuple[str, ...]]], rng: random.Random,
                     prob: float = 1.0) -> Sentence:
    """``sentence`` with each mention replaced (with probability ``prob``) by a random one of
    its label from ``pool``; tags rewritten as B-/I- of that label. Labels absent from the
    pool are kept as they are."""
    toks, tags = sentence
    out_t: list[str] = []
    out_g: list[str] = []
    pos = 0
    for start, end, label in bio_spans(tags):
        out_t.extend(toks[pos:start])
        out_g.extend(tags[pos:start])
        mention = tuple(toks[start:end])
        if pool.get(label) and rng.random() < prob:
            mention = rng.choice(pool[label])
        out_t.extend(mention)
        out_g.extend([f"B-{label}"] + [f"I-{label}"] * (len(mention) - 1))
        pos = end
    out_t.extend(toks[pos:])
    out_g.extend(tags[pos:])
    return out_t, out_g


def mention_replacement(sentences: list[Sentence], copies: int = 1, seed: int = 42, prob: float = 1.0,
                        pool: dict[str, list[tuple[str, ...]]] | None = None) -> list[Sentence]:
    """``copies`` new versions of each sentence that has a mention (mentions replaced as in
    :func:`replace_mentions`; ``pool``: default the mentions of ``sentences``). Returns only the
    new sentences, deterministic for a given ``seed``."""
    pool = mention_pool(sentences) if pool is None else pool
    rng = random.Random(seed)
    with_mentions = [s for s in sentences if bio_spans(s[1])]
    return [replace_mentions(s, pool, rng, prob) for _ in range(copies) for s in with_mentions]

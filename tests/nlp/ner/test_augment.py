"""Mention replacement keeps labels and valid BIO, and is deterministic for a seed."""

import random

from topicgraph.nlp.ner.augment import mention_pool, mention_replacement, replace_mentions
from topicgraph.nlp.ner.corpora import bio_spans

# Sentences written for this test (not from any corpus).
SENTS = [
    (["Lena", "Vogt", "leitet", "die", "Kranich", "GmbH", "in", "Kassel", "."],
     ["B-PER", "I-PER", "O", "O", "B-ORG", "I-ORG", "O", "B-LOC", "O"]),
    (["Der", "Vorstand", "von", "Solmer", "tagt", "in", "Bad", "Hersfeld", "."],
     ["O", "O", "O", "B-ORG", "O", "O", "B-LOC", "I-LOC", "O"]),
    (["Jonas", "wohnt", "in", "Leipzig", "."], ["B-PER", "O", "O", "B-LOC", "O"]),
    (["Heute", "regnet", "es", "."], ["O", "O", "O", "O"]),
]


def _mentions(sent):
    toks, tags = sent
    return [(lab, tuple(toks[a:b])) for a, b, lab in bio_spans(tags)]


def test_pool_collects_mentions_by_label():
    pool = mention_pool(SENTS)
    assert pool["PER"] == [("Lena", "Vogt"), ("Jonas",)]
    assert pool["ORG"] == [("Kranich", "GmbH"), ("Solmer",)]
    assert pool["LOC"] == [("Kassel",), ("Bad", "Hersfeld"), ("Leipzig",)]


def test_replacement_keeps_context_labels_and_valid_bio():
    pool = mention_pool(SENTS)
    new = mention_replacement(SENTS, copies=3, seed=7)
    assert len(new) == 3 * 3  # sentences without a mention are not copied
    for (toks, tags), orig in zip(new, SENTS[:3] * 3):
        assert len(toks) == len(tags)
        got, want = _mentions((toks, tags)), _mentions(orig)
        assert [lab for lab, _ in got] == [lab for lab, _ in want]  # same labels, same order
        for lab, mention in got:
            assert mention in pool[lab]  # every new mention is a mention of that label
        for i, t in enumerate(tags):  # valid IOB2: I-X only after B-X / I-X
            if t.startswith("I-"):
                assert tags[i - 1][2:] == t[2:] and tags[i - 1] != "O"
        # the tokens outside the mentions are the original context
        ctx = [w for w, t in zip(toks, tags) if t == "O"]
        assert ctx == [w for w, t in zip(*orig) if t == "O"]


def test_replacement_is_deterministic_and_seeded():
    assert mention_replacement(SENTS, copies=2, seed=1) == mention_replacement(SENTS, copies=2, seed=1)
    runs = {str(mention_replacement(SENTS, copies=2, seed=s)) for s in range(5)}
    assert len(runs) > 1


def test_probability_zero_keeps_sentence_and_other_pool():
    assert replace_mentions(SENTS[0], mention_pool(SENTS), random.Random(0), prob=0.0) == SENTS[0]
    toks, tags = replace_mentions(SENTS[2], {"PER": [("Anna", "Lorenz", "Berg")]}, random.Random(0))
    assert toks == ["Anna", "Lorenz", "Berg", "wohnt", "in", "Leipzig", "."]  # LOC not in pool: kept
    assert tags == ["B-PER", "I-PER", "I-PER", "O", "O", "B-LOC", "O"]


def test_recipe_hook_adds_copies_only_when_asked():
    from topicgraph.nlp.ner.train import with_mention_replacement

    assert with_mention_replacement(SENTS, None) is SENTS  # the shipped recipe: no augmentation
    out = with_mention_replacement(SENTS, {"copies": 2}, seed=3)
    assert len(out) == len(SENTS) + 2 * 3
    assert all(s in out for s in SENTS)
    assert out == with_mention_replacement(SENTS, {"copies": 2}, seed=3)

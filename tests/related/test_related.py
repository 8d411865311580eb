from __future__ import annotations

import pytest

from topicgraph.related import UnknownArticle, suggest_related


def test_related_shares_entities_and_explains(sample_store):
    suggestions = suggest_related(sample_store, "gm-redwood-speicherpartnerschaft", k=5, method="entities")
    assert suggestions and len(suggestions) <= 5
    ids = [s.article_id for s in suggestions]
    assert "gm-redwood-speicherpartnerschaft" not in ids
    assert "redwood-energy-crusoe-nevada" in ids
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    for s in suggestions:
        assert s.reasons and all(r.iri and r.weight > 0 for r in s.reasons)
    blend = suggest_related(sample_store, "gm-redwood-speicherpartnerschaft", k=5)
    assert blend and all(s.reasons for s in blend) and "gm-redwood-speicherpartnerschaft" not in [s.article_id for s in blend]


def test_unknown_article(sample_store):
    with pytest.raises(UnknownArticle):
        suggest_related(sample_store, "does-not-exist")

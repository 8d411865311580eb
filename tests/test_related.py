from __future__ import annotations

import pytest

from topicgraph.related import UnknownArticle, suggest_related


def test_related_shares_entities_and_explains(sample_store):
    suggestions = suggest_related(sample_store, "gm-redwood-speicherpartnerschaft", k=5)
    assert suggestions and len(suggestions) <= 5
    ids = [s.article_id for s in suggestions]
    assert "gm-redwood-speicherpartnerschaft" not in ids
    assert "redwood-energy-crusoe-nevada" in ids
    scores = [s.score for s in suggestions]
    assert scores == sorted(scores, reverse=True)
    for s in suggestions:
        assert s.reasons and abs(sum(r.weight for r in s.reasons) - s.score) < 1e-3


def test_unknown_article(sample_store):
    with pytest.raises(UnknownArticle):
        suggest_related(sample_store, "does-not-exist")

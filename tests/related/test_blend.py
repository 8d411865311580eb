"""The blend and the vectorised ranking behind every method (issue 8): candidates, re-scoring, top-n."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from topicgraph.related import sparse as related
from topicgraph.related import RelatedIndex, combine_parts

from .test_methods import E, _extraction

ACME, SOLAR, BERLIN, OTHER = E + "acme", E + "solar", E + "berlin", E + "other"


@pytest.fixture
def newsroom() -> RelatedIndex:
    """A source about Acme's solar park; one article obviously on the same story, decoys around it."""
    return RelatedIndex.from_extractions([
        _extraction("source", [ACME, SOLAR, BERLIN], about=(ACME, SOLAR),
                    terms="acme baut solarpark mit speicher in berlin solarpark acme"),
        _extraction("same-story", [ACME, SOLAR], about=(ACME, SOLAR),
                    terms="acme solarpark speicher eröffnet acme baut"),
        _extraction("words-only", [], terms="solarpark speicher wetter sonne"),
        _extraction("berlin-only", [BERLIN], terms="berlin verkehr bahn streik"),
        _extraction("sport", [OTHER], about=(OTHER,), terms="fussball tor spiel liga"),
        _extraction("markets", [OTHER], terms="börse aktien zinsen bank"),
    ])


def test_blend_ranks_the_same_story_first_and_explains_it_with_entities_and_terms(newsroom):
    [top, *rest] = newsroom.suggest("source", k=5, method="blend")
    assert top.article_id == "same-story"
    assert "source" not in [s.article_id for s in rest]
    entity_reasons = [r.iri for r in top.reasons if r.iri]
    term_reasons = {r.label for r in top.reasons if not r.iri}
    assert set(entity_reasons) == {ACME, SOLAR}
    assert term_reasons & {"acme", "solarpark", "speicher", "baut"}
    assert all(r.weight > 0 for r in top.reasons)
    assert [s.score for s in [top, *rest]] == sorted((s.score for s in [top, *rest]), reverse=True)
    assert "sport" not in [s.article_id for s in rest] and "markets" not in [s.article_id for s in rest]


def test_blend_uses_the_entities_when_the_text_cannot_tell():
    """Two targets with the same words as the source: text keeps article order, blend prefers the
    one that shares the source's main entity."""
    words = "quartal zahlen umsatz gewinn"
    index = RelatedIndex.from_extractions([
        _extraction("source", [ACME], about=(ACME,), terms=words + " prognose"),
        _extraction("a-no-entity", [], terms=words + " ausblick"),
        _extraction("b-about-acme", [ACME], about=(ACME,), terms=words + " ausblick"),
        _extraction("c", [OTHER], terms="fussball tor spiel"),
        _extraction("d", [OTHER], terms="wetter regen sonne"),
    ])
    text = [s.article_id for s in index.suggest("source", k=2, method="text")]
    blend = [s.article_id for s in index.suggest("source", k=2, method="blend")]
    assert text == ["a-no-entity", "b-about-acme"]
    assert blend == ["b-about-acme", "a-no-entity"]
    assert index.suggest("source", k=2, method="blend", weights={"text": 1.0})[0].article_id == "a-no-entity"


def test_blend_parts_score_candidates_only_and_never_the_source(newsroom):
    rows = np.arange(len(newsroom))
    parts = newsroom.blend_parts(rows, {"text": 0.5, "entities": 0.25, "graph": 0.25})
    assert set(parts) == {"text", "entities", "graph"}
    for part in parts.values():
        part = part.tocsr()
        owner = np.repeat(rows, np.diff(part.indptr))
        assert not (part.indices == owner).any()
        assert part.data.max() <= 1.0 + 1e-6  # each divided by its best score among the candidates
    # the walk re-scores the candidate pairs exactly as the graph method scores them
    graph = newsroom.scores(rows, "graph").toarray()
    pairs = parts["graph"].tocoo()
    best = np.array([graph[r, pairs.col[pairs.row == r]].max() if (pairs.row == r).any() else 1.0 for r in rows])
    assert np.allclose(pairs.data * best[pairs.row], graph[pairs.row, pairs.col], rtol=1e-5)
    blend = newsroom.scores(rows, "blend", {"text": 0.5, "entities": 0.25, "graph": 0.25}).toarray()
    assert np.allclose(blend, combine_parts(parts, {"text": 0.5, "entities": 0.25, "graph": 0.25}, blend.shape).toarray())


@pytest.mark.parametrize("pad_cells", [7, 100, 4_000_000])
def test_top_per_row_keeps_the_n_largest_with_ties_to_the_smaller_column(monkeypatch, pad_cells):
    monkeypatch.setattr(related, "PAD_CELLS", pad_cells)
    rng = np.random.default_rng(7)
    for trial in range(30):
        dense = np.round(rng.random((12, 40)) * 4) / 4 * (rng.random((12, 40)) < rng.uniform(0.1, 0.9))
        matrix = sp.csr_matrix(dense.astype(np.float32))
        for i in range(12):  # unsorted indices, as sparse products leave them
            lo, hi = matrix.indptr[i], matrix.indptr[i + 1]
            order = rng.permutation(hi - lo)
            matrix.indices[lo:hi], matrix.data[lo:hi] = matrix.indices[lo:hi][order], matrix.data[lo:hi][order]
        n = int(rng.integers(1, 10))
        top = related.top_per_row(matrix, n)
        for i in range(12):
            row = matrix.getrow(i)
            expected = sorted(zip(-row.data, row.indices))[:n]
            got = sorted(zip(-top.getrow(i).data, top.getrow(i).indices))
            assert got == expected, (trial, i)


def test_rank_block_applies_filters_and_orders_ties_by_article(newsroom):
    rows = np.arange(len(newsroom))
    ranked = newsroom._rank_block(rows, sp.csr_matrix(np.ones((len(rows), len(rows)), dtype=np.float32)), 3, None, False)
    for r, items in zip(rows, ranked):
        assert [t for t, _ in items] == [t for t in range(len(rows)) if t != r][:3]

"""The related-article methods, registered by name: each scores source articles against every article of a
:class:`~topicgraph.related.index.RelatedIndex`. A new method is a class with ``@register("name")``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
import scipy.sparse as sp

from .sparse import combine_parts, row_max_scaled

if TYPE_CHECKING:
    from .index import RelatedIndex

#: Text similarity = (1 - TEXT_DIFFUSION) x cosine + TEXT_DIFFUSION x shared text neighbours (one
#: diffusion step over the graph linking each article to its nearest by cosine), each scaled by its
#: row maximum; chosen on the tuning half of 10kGNAD-dev (0.35: 0.596 there, 0.5: 0.586).
TEXT_DIFFUSION = 0.35
#: Blend weights, chosen on the tuning half of 10kGNAD-dev (``topicgraph eval-related``).
DEFAULT_BLEND_WEIGHTS = {"entities": 0.1, "graph": 0.1, "text": 0.8}


class Scorer(Protocol):
    """A related-article method."""

    #: Its suggestions are explained with shared terms as well as shared entities.
    explains_with_terms: bool

    def scores(self, index: RelatedIndex, rows: np.ndarray, weights: dict[str, float] | None) -> sp.csr_matrix:
        """Scores of the source ``rows`` against every article (one sparse row each)."""

    def pair_operands(self, index: RelatedIndex) -> tuple[sp.csr_matrix, sp.csr_matrix] | None:
        """Row-aligned matrices whose row products give the score of a (source, target) pair, so that only
        chosen pairs are scored; None if the method has no such form."""


SCORERS: dict[str, Scorer] = {}


def register(name: str):
    """Class decorator: register an instance of the class as the method ``name``."""
    def wrap(cls):
        SCORERS[name] = cls()
        return cls
    return wrap


def get_scorer(name: str) -> Scorer:
    """The method registered as ``name`` (ValueError naming the choices otherwise)."""
    try:
        return SCORERS[name]
    except KeyError:
        raise ValueError(f"unknown method {name!r} (choose from {', '.join(SCORERS)})") from None


@register("entities")
class EntitiesScorer:
    """Shared entities weighted by IDF and aboutness (and technologies through their broader concepts)."""

    explains_with_terms = False

    def scores(self, index, rows, weights=None):
        source, target_t = index.entity_matrices()
        return sp.csr_matrix(source[rows] @ target_t)

    def pair_operands(self, index):
        return index.entity_matrices()[0], index.cached("entities_t", lambda: index.entity_matrices()[1].T.tocsr())


@register("graph")
class GraphScorer:
    """Random walk with restart over the article–entity graph."""

    explains_with_terms = False

    def scores(self, index, rows, weights=None):
        walk, to_article = index.walk_matrices()
        return sp.csr_matrix(walk[rows] @ to_article)

    def pair_operands(self, index):
        walk, to_article = index.walk_matrices()
        return walk, index.cached("graph_t", lambda: to_article.T.tocsr())


@register("text")
class TextScorer:
    """TF-IDF cosine over lemmas plus one diffusion step over the text neighbours."""

    explains_with_terms = True

    def scores(self, index, rows, weights=None):
        cosine = sp.csr_matrix(index.text_matrix()[rows] @ index.text_transposed())
        if TEXT_DIFFUSION <= 0:
            return cosine
        neighbours = index.text_neighbours()
        shared = sp.csr_matrix(neighbours[rows] @ index.cached("neighbours_t", lambda: neighbours.T.tocsr()))
        return sp.csr_matrix(row_max_scaled(cosine, 1.0 - TEXT_DIFFUSION) + row_max_scaled(shared, TEXT_DIFFUSION))

    def pair_operands(self, index):
        if TEXT_DIFFUSION > 0:  # the text method proper, rows only: rare (text is normally a picker)
            return None
        return index.text_matrix(), index.text_matrix()


@register("blend")
class BlendScorer:
    """The weighted mix of the other methods over each source's best candidates (``RelatedIndex.blend_parts``)."""

    explains_with_terms = True

    def scores(self, index, rows, weights=None):
        return combine_parts(index.blend_parts(rows, weights), weights or DEFAULT_BLEND_WEIGHTS, (len(rows), len(index)))

    def pair_operands(self, index):
        return None

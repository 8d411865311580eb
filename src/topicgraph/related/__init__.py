"""Related articles: the index (``index``), its methods registered by name (``scorers``), sparse top-k helpers
(``sparse``), and suggestions asked for, stored and refreshed through the store (``suggestions``)."""

from .index import (
    ABOUTNESS_WEIGHTS,
    DEFAULT_METHOD,
    METHODS,
    ArticleInfo,
    Reason,
    RelatedIndex,
    Suggestion,
    UnknownArticle,
)
from .scorers import DEFAULT_BLEND_WEIGHTS, SCORERS, get_scorer, register
from .sparse import combine_parts
from .suggestions import (
    load_all_related, refresh_related, store_suggestions, suggest_all_related, suggest_related, suggestion_triples,
)

__all__ = [
    "ABOUTNESS_WEIGHTS", "DEFAULT_BLEND_WEIGHTS", "DEFAULT_METHOD", "METHODS", "SCORERS", "ArticleInfo", "Reason",
    "RelatedIndex", "Suggestion", "UnknownArticle", "combine_parts", "get_scorer", "load_all_related",
    "refresh_related", "register", "store_suggestions", "suggest_all_related", "suggest_related",
    "suggestion_triples",
]

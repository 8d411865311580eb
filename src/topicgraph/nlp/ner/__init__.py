"""topicgraph's own German NER (PER/ORG/LOC): corpora, training, evaluation, shipped model.

The shipped pipeline (``SHIPPED_MODEL_PATH``) is a plain spaCy pipeline
(lang ``de``, default German tokenizer, ``tok2vec`` + ``ner``), loadable with
``spacy.load`` once this package is imported (its ``topicgraph_ner_filter``
component is registered here). Add a lemmatizer, sentencizer or entity ruler after ``ner``.
"""

from __future__ import annotations

from pathlib import Path

from . import filter as _filter  # noqa: F401  (registers the "topicgraph_ner_filter" factory)

SHIPPED_MODEL_PATH = Path(__file__).parent / "model"


def load_shipped_model(**kwargs):
    """Load the shipped German NER pipeline, or ``None`` if it is not present."""
    if not (SHIPPED_MODEL_PATH / "meta.json").exists():
        return None
    import spacy

    return spacy.load(SHIPPED_MODEL_PATH, **kwargs)


__all__ = ["SHIPPED_MODEL_PATH", "load_shipped_model"]

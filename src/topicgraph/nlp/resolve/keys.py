"""Archive-wide name keys: legal forms (``cleanco``), punctuation, possessives and inflection folded."""

from __future__ import annotations

import re
from functools import lru_cache

from cleanco import basename

from ..normalize import comparable_name, stem

_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_TRAILING_AND = re.compile(r"\s+(?:and|und|&)$", re.I)


@lru_cache(maxsize=200_000)
def resolution_key(name: str, language: str = "de") -> str:
    """One key for the spellings of one name: ``"Acme Chemical Corp."``, ``"Acme Chemical Corporation"``,
    ``"Acme Chemical Co's"`` -> ``"acm chemical"``; ``"Internationalen Energieagentur"`` and
    ``"Internationale Energieagentur"`` share one (stemmed words)."""
    text = " ".join(_POSSESSIVE.sub("", w) for w in name.split())
    text = _TRAILING_AND.sub("", basename(text) or text)
    words = comparable_name(text).split()
    return " ".join(stem(w, language) for w in words)


def genitive_key(name: str, language: str = "de") -> str | None:
    """Key of the name without a German genitive ``s`` on its last word ("Acmes" -> key of "Acme")."""
    words = name.split()
    if not words or len(words[-1]) < 4 or not words[-1].endswith("s") or words[-1].endswith(("ss", "us", "is")):
        return None
    return resolution_key(" ".join(words[:-1] + [words[-1][:-1]]), language)


def is_acronym(name: str) -> bool:
    """"ÖVP", "ORF", "IEA": a name of capitals, a name of its own rather than the short form of a longer name
    that begins with it ("ORF III", "ÖVP Wien", "ORF Mediaservice GmbH" are other things)."""
    return 2 <= len(name) <= 6 and name.isupper() and name.replace("&", "").isalnum()

"""Acronym–long-form pairs ("Internationale Energieagentur (IEA)") by the Schwartz–Hearst algorithm
(the ``abbreviations`` package), with character offsets in the document."""

from __future__ import annotations

import re
from typing import NamedTuple

from abbreviations import schwartz_hearst
from spacy.tokens import Doc

_ACRONYM = re.compile(r"^[A-ZÄÖÜ][A-Za-zÄÖÜäöü0-9&.\-]{1,7}$")
_QUOTES = re.compile(r"""([(])['"„“”»«]|['"„“”»«]([);:])""")


class AcronymPair(NamedTuple):
    """A short form defined by the long form just before it."""

    short: str
    long: str
    short_start: int
    short_end: int
    long_start: int
    long_end: int


def _is_acronym(text: str) -> bool:
    """Short forms worth pairing: one word of 2-8 characters that starts with a capital ("IEA", "Opec")."""
    return bool(_ACRONYM.match(text))


def acronym_pairs_in_text(text: str, offset: int = 0) -> list[AcronymPair]:
    """Schwartz–Hearst pairs in one sentence (``offset``: where it starts in the document)."""
    sentence = _QUOTES.sub(lambda m: (m.group(1) or "") + " " if m.group(1) else " " + (m.group(2) or ""), text)
    pairs: list[AcronymPair] = []
    try:
        candidates = list(schwartz_hearst.best_candidates(sentence))
    except (ValueError, IndexError):
        return pairs
    for candidate in candidates:
        if not _is_acronym(str(candidate)):
            continue
        try:
            definition = schwartz_hearst.get_definition(candidate, sentence)
            chosen = schwartz_hearst.select_definition(definition, candidate)
        except (ValueError, IndexError):
            continue
        long_end = definition.stop
        long_start = long_end - len(chosen)
        long = sentence[long_start:long_end]
        if not long[:1].isupper() or str(candidate) in re.split(r"[\s\-/]+", long):
            continue  # a long form that holds the acronym itself defines nothing ("ÖVP habe mit … Mikl-Leitner (ÖVP)")
        pairs.append(AcronymPair(str(candidate), long, offset + candidate.start, offset + candidate.stop,
                                 offset + long_start, offset + long_end))
    return pairs


def acronym_pairs(doc: Doc) -> list[AcronymPair]:
    """Every acronym–long-form pair of a document, sentence by sentence."""
    if doc.has_annotation("SENT_START"):
        sentences = [(s.text, s.start_char) for s in doc.sents if "(" in s.text]
    else:
        sentences = [(doc.text, 0)]
    return [pair for text, start in sentences for pair in acronym_pairs_in_text(text, start)]

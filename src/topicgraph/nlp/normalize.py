"""Keys under which names and terms are compared: case-folded, stemmed, genitive-tolerant."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

_SPLIT = re.compile(r"[-‐‑/]")
_STEMMER_NAMES = {"de": "german", "en": "english"}


@lru_cache(maxsize=None)
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(_STEMMER_NAMES.get(language, "german"))


@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "de") -> str:
    """Snowball stem of a lower-cased word (umlauts folded by the German stemmer)."""
    return _stemmer(language).stemWord(word.lower())


def genitive_base(word: str) -> str | None:
    """``"GMs"`` -> ``"GM"``, ``"Teslas"`` -> ``"Tesla"``, ``"Tesla's"`` -> ``"Tesla"``; else None."""
    for suffix in ("'s", "’s", "s'", "’", "'", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            return word[: -len(suffix)]
    return None


def is_case_sensitive(word: str) -> bool:
    """Short all-caps words (GM, KI, AI, CATL) only match in capitals."""
    return len(word) <= 4 and word.isupper()


@dataclass(frozen=True)
class Piece:
    """A part of a token between hyphens or slashes, with its offsets in the text."""

    text: str
    start: int
    end: int
    token: int
    first_in_token: bool
    last_in_token: bool


def split_pieces(token_text: str, token_start: int, token_index: int) -> list[Piece]:
    """Split one token at hyphens/slashes: ``"GM-Vize"`` -> ``GM``, ``Vize``."""
    pieces: list[Piece] = []
    pos = 0
    parts = _SPLIT.split(token_text)
    for part in parts:
        if part:
            pieces.append(Piece(part, token_start + pos, token_start + pos + len(part), token_index, False, False))
        pos += len(part) + 1
    if not pieces:
        return []
    pieces[0] = Piece(pieces[0].text, pieces[0].start, pieces[0].end, token_index, True, pieces[0] is pieces[-1] or len(pieces) == 1)
    last = pieces[-1]
    pieces[-1] = Piece(last.text, last.start, last.end, token_index, len(pieces) == 1, True)
    return pieces


def name_key(words: list[str], language: str = "de") -> tuple[str, ...]:
    """Key of a multi-word name for lookups (stemmed pieces)."""
    return tuple(stem(p, language) for w in words for p in _SPLIT.split(w) if p)


_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ø": "o", "æ": "ae", "å": "aa"})
_LEGAL_FORM = re.compile(
    r"(?:\s+(?:ag|se|gmbh|mbh|kg|kgaa|ohg|ev|e\.v\.|inc|inc\.|ltd|ltd\.|llc|plc|corp|corp\.|corporation|co|co\.|"
    r"company|asa|ab|as|sa|s\.a\.|nv|n\.v\.|bv|b\.v\.|spa|s\.p\.a\.))+$"
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=100_000)
def comparable_name(name: str) -> str:
    """Name reduced for near-duplicate comparison: case and umlauts folded, legal form
    (AG, GmbH, Inc., ...) and punctuation dropped: ``"Kraftwerk-Ostwind GmbH"`` -> ``"kraftwerk ostwind"``."""
    import unicodedata

    text = " ".join(name.lower().translate(_FOLD).replace(",", " ").split())
    text = re.sub(r"(?<=\w)\.(?=\w)", "", text)  # E.ON -> EON
    text = _LEGAL_FORM.sub("", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(_NON_WORD.sub(" ", text).split())


def name_similarity(a: str, b: str) -> float:
    """Similarity 0..100 of two names (rapidfuzz ratio of their comparable forms)."""
    from rapidfuzz import fuzz

    return fuzz.ratio(comparable_name(a), comparable_name(b))

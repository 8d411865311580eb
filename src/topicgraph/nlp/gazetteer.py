"""Ontology gazetteer: finds knowledge-base entities and technologies in inflected and compound forms."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from ..knowledge.kb import KnowledgeBase, default_kb
from ..model import EntityType
from .normalize import Piece, genitive_base, is_case_sensitive, split_pieces, stem

#: Shortest word part that may be matched inside a compound ("Batterie" in "Batterieprojekt").
MIN_COMPOUND_PART = 5

#: Hyphens and slashes written inside a word, which some tokenizers split off.
_INFIX_JOINERS = {"-", "‐", "‑", "/"}

CONFIDENCE_EXACT = 0.95
CONFIDENCE_INFLECTED = 0.9
CONFIDENCE_COMPOUND = 0.75


@dataclass(frozen=True)
class Pattern:
    """One label of a knowledge-base entry, split into pieces."""

    raw: tuple[str, ...]
    keys: tuple[str, ...]
    iri: str
    type: EntityType

    @property
    def is_technology(self) -> bool:
        return self.type.is_concept  # technologies and vocabulary topics: matched inside compounds


@dataclass(frozen=True)
class GazetteerMatch:
    """A stretch of text that names a knowledge-base entry."""

    start: int
    end: int
    iri: str
    type: EntityType
    confidence: float
    first_token: int
    last_token: int

    def as_values(self) -> tuple:
        """The match as plain values (its type as the enum's value): what a doc carries between processes."""
        return self.start, self.end, self.iri, self.type.value, self.confidence, self.first_token, self.last_token

    @classmethod
    def from_values(cls, values) -> "GazetteerMatch":
        """The match :meth:`as_values` gave."""
        start, end, iri, kind, confidence, first_token, last_token = values
        return cls(start, end, iri, EntityType(kind), confidence, first_token, last_token)


class Gazetteer:
    """Longest-match lookup of knowledge-base labels over token pieces."""

    def __init__(self, kb: KnowledgeBase, tokenizer, language: str = "de") -> None:
        self.kb = kb
        self.language = language
        self.by_first: dict[str, list[Pattern]] = defaultdict(list)
        self.compound_prefix: dict[str, list[Pattern]] = defaultdict(list)
        self.compound_suffix: dict[str, list[Pattern]] = defaultdict(list)
        seen: set[tuple[tuple[str, ...], str]] = set()  # every spelling of a label: the closest one wins
        for label in kb.labels:
            entity = kb.get(label.iri)
            if entity is None:
                continue
            pieces: list[str] = []
            for i, tok in enumerate(tokenizer(label.text)):
                pieces.extend(p.text for p in split_pieces(tok.text, tok.idx, i))
            if not pieces:
                continue
            if (tuple(pieces), label.iri) in seen:
                continue
            seen.add((tuple(pieces), label.iri))
            keys = tuple(self._pattern_key(p) for p in pieces)
            pattern = Pattern(tuple(pieces), keys, label.iri, entity.type)
            self.by_first[keys[0]].append(pattern)
            if pattern.is_technology and len(pieces) == 1 and len(pieces[0]) >= MIN_COMPOUND_PART:
                self.compound_prefix[pieces[0].lower()].append(pattern)
                self.compound_suffix[pieces[0].lower()].append(pattern)
        for patterns in self.by_first.values():
            patterns.sort(key=lambda p: -len(p.keys))

    def _pattern_key(self, piece: str) -> str:
        return piece if is_case_sensitive(piece) else stem(piece, self.language)

    def _piece_keys(self, piece: str) -> set[str]:
        keys = {piece, stem(piece, self.language)}
        base = genitive_base(piece)
        if base:
            keys.add(base)
            keys.add(stem(base, self.language))
        return keys

    def _name_ok(self, pattern: Pattern, pieces: list[Piece]) -> bool:
        """Names match only capitalised words; short all-caps aliases only in capitals."""
        for raw, piece in zip(pattern.raw, pieces):
            if is_case_sensitive(raw):
                if piece.text != raw and genitive_base(piece.text) != raw:
                    return False
            elif not pattern.is_technology and raw[:1].isupper() and not piece.text[:1].isupper():
                return False
        return True

    def _match_at(self, pieces: list[Piece], i: int, keys: list[set[str]]) -> tuple[Pattern, int, float] | None:
        candidates: list[Pattern] = []
        for key in keys[i]:
            candidates.extend(self.by_first.get(key, ()))
        # longest first; among names of one length, the closest spelling wins, whatever the set order
        candidates.sort(key=lambda p: (-len(p.keys), p.raw))
        best: tuple[Pattern, int, float] | None = None
        for pattern in candidates:
            n = len(pattern.keys)
            if i + n > len(pieces):
                continue
            window = pieces[i : i + n]
            # a name must start at a token or piece boundary and not run across sentences of text
            ok = True
            compound = False
            for j, key in enumerate(pattern.keys):
                if key in keys[i + j]:
                    continue
                last = j == n - 1
                raw = pattern.raw[j].lower()
                if (
                    last and n > 1 and pattern.is_technology and len(raw) >= MIN_COMPOUND_PART
                    and window[j].text.lower().startswith(raw)
                ):
                    compound = True
                    continue
                ok = False
                break
            if not ok or not self._name_ok(pattern, window):
                continue
            if best is not None and n < best[1]:
                break
            exact = all(p.text == r for p, r in zip(window, pattern.raw))
            confidence = CONFIDENCE_COMPOUND if compound else CONFIDENCE_EXACT if exact else CONFIDENCE_INFLECTED
            if best is None or confidence > best[2]:
                best = (pattern, n, confidence)
        if best is not None:
            return best
        # compound: a known technology as the first or last part of one word
        text = pieces[i].text.lower()
        if len(text) > MIN_COMPOUND_PART:
            for k in range(len(text) - 1, MIN_COMPOUND_PART - 1, -1):
                for pattern in self.compound_prefix.get(text[:k], ()):
                    return pattern, 1, CONFIDENCE_COMPOUND
                for pattern in self.compound_suffix.get(text[-k:], ()):
                    return pattern, 1, CONFIDENCE_COMPOUND
        return None

    def match_pieces(self, pieces: list[Piece]) -> list[GazetteerMatch]:
        """Greedy longest matches, left to right, never overlapping."""
        keys = [self._piece_keys(p.text) for p in pieces]
        matches: list[GazetteerMatch] = []
        i = 0
        while i < len(pieces):
            found = self._match_at(pieces, i, keys)
            if found is None:
                i += 1
                continue
            pattern, n, confidence = found
            first, last = pieces[i], pieces[i + n - 1]
            end = last.end
            if n == 1 and confidence == CONFIDENCE_COMPOUND and first.last_in_token:
                end = first.end
            matches.append(GazetteerMatch(first.start, end, pattern.iri, pattern.type, confidence, first.token, last.token))
            i += n
        return matches

    def match_doc(self, doc: Doc) -> list[GazetteerMatch]:
        """Matches in a spaCy Doc, offsets in characters of ``doc.text``."""
        pieces: list[Piece] = []
        for tok in doc:
            if tok.text in _INFIX_JOINERS and tok.i > 0 and not tok.whitespace_ and not doc[tok.i - 1].whitespace_:
                continue  # "second-life" split by the English tokenizer: keep the parts adjacent
            if tok.is_space or tok.is_punct:
                pieces.append(Piece("", tok.idx, tok.idx, tok.i, True, True))  # a barrier
                continue
            pieces.extend(split_pieces(tok.text, tok.idx, tok.i))
        return [m for m in self.match_pieces(pieces) if m.end > m.start]

    def match_text(self, text: str, tokenizer) -> list[GazetteerMatch]:
        return self.match_doc(tokenizer(text))


if not Doc.has_extension("tg_matches"):
    Doc.set_extension("tg_matches", default=None)


def doc_matches(doc: Doc) -> list[GazetteerMatch]:
    """The gazetteer's matches in a doc the component has run over (none if it has not)."""
    return [GazetteerMatch.from_values(values) for values in doc._.tg_matches or ()]


class GazetteerComponent:
    """spaCy component: writes knowledge-base matches to ``doc._.tg_matches`` as plain tuples, so they
    survive the serialisation of docs between processes (``nlp.pipe(n_process=N)``); read them
    with :func:`doc_matches`."""

    def __init__(self, nlp: Language, name: str, ontology_dir: str | None) -> None:
        self.name = name
        self.language = nlp.lang
        self._tokenizer = nlp.tokenizer
        self._ontology_dir = ontology_dir
        self._gazetteer: Gazetteer | None = None

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            kb = default_kb() if not self._ontology_dir else KnowledgeBase.load(
                sorted(p for p in Path(self._ontology_dir).glob("*.ttl") if p.name != "shapes.ttl"))
            self._gazetteer = Gazetteer(kb, self._tokenizer, self.language)
        return self._gazetteer

    def use_kb(self, kb: KnowledgeBase) -> None:
        """Replace the knowledge base (e.g. after editorial curation)."""
        self._gazetteer = Gazetteer(kb, self._tokenizer, self.language)

    def __call__(self, doc: Doc) -> Doc:
        doc._.tg_matches = [m.as_values() for m in self.gazetteer.match_doc(doc)]
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 128):
        for doc in docs:
            yield self(doc)


@Language.factory("topicgraph_gazetteer", default_config={"ontology_dir": None})
def make_gazetteer(nlp: Language, name: str, ontology_dir: str | None) -> GazetteerComponent:
    """Factory registered with spaCy: ``nlp.add_pipe("topicgraph_gazetteer")``."""
    return GazetteerComponent(nlp, name, ontology_dir)

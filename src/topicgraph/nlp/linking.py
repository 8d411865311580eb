"""Entity linking: gazetteer matches and NER spans -> Mentions of canonical Entities."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

from rapidfuzz import fuzz, process
from spacy.tokens import Doc

from ..knowledge.kb import KnowledgeBase
from ..model import Entity, EntityType, Mention, Method, NameCandidate
from ..namespaces import entity_iri
from .ner.names import load_name_lexicon
from .resolve import clean_spans, resolve_article
from .resolve.spans import common_words, role_compound_owner
from .resolve.article import ArchiveNames
from .gazetteer import Gazetteer, doc_matches
from ..ner_labels import CANDIDATE_LABELS
from .places import english_place_name
from .normalize import comparable_name, genitive_base, name_key

#: Similarity (rapidfuzz ratio of :func:`comparable_name` forms, 0-100) at or above which two names
#: are taken as one entity. Measured on ``data/gold/name-pairs.tsv`` with ``topicgraph eval-names``:
#: 93 is the lowest threshold without a false merge (P 1.000, R 0.933; at 92 "Fraunhofer ISE" and
#: "Fraunhofer ISI" merge). Precision first: a missed merge is one ``topicgraph curate merge`` away.
FUZZY_THRESHOLD = 93.0
CONFIDENCE_MODEL = 0.7
CONFIDENCE_NAME_PART = 0.8

_NER_TYPES = {EntityType.ORGANIZATION, EntityType.PERSON, EntityType.PLACE}
REASON_ONE_WORD = "unknown one-word name, mentioned once"
REASON_FUNCTION_WORD = "starts with a function word"
REASON_LABEL = "label is not PER/ORG/LOC"
_LEADING_NOISE = re.compile(r"^(?:der|die|das|des|dem|den|the)\s+", re.I)
_NAME_SHAPE = re.compile(r"^[A-ZÄÖÜ]{2,}$|[a-zäöüß][A-ZÄÖÜ]")  # "CATL", "BYD", "PowerCo", "ThyssenKrupp"


class Linked(NamedTuple):
    """What the linker found in one document."""

    mentions: list[Mention]
    entities: dict[str, Entity]
    candidates: list[NameCandidate]


def _clean_name(text: str) -> str:
    """Drop a leading article, surrounding punctuation and an apostrophe genitive."""
    text = _LEADING_NOISE.sub("", " ".join(text.split())).strip(" -–,.;:\"'„“”»«()")
    words = text.split()
    if words and words[-1].endswith(("'s", "’s", "’", "'")):
        words[-1] = genitive_base(words[-1]) or words[-1]
    return " ".join(words)


class EntityLinker:
    """Resolves surface forms to knowledge-base IRIs, or mints stable IRIs for new entities."""

    #: In-article resolution (span clean-up, acronyms, short names; resolve/); off only to measure before/after
    #: (``Extractor(resolution=False)``).
    resolution = True

    def __init__(self, kb: KnowledgeBase, gazetteer: Gazetteer, language: str = "de",
                 fuzzy_threshold: float = FUZZY_THRESHOLD) -> None:
        self.kb = kb
        self.gazetteer = gazetteer
        self.language = language
        self.fuzzy_threshold = fuzzy_threshold
        self.by_key: dict[tuple[str, ...], str] = {}
        self.names_by_type: dict[EntityType, dict[str, str]] = {t: {} for t in _NER_TYPES}
        #: entities minted so far (not in the knowledge base): comparable name -> IRI, per type
        self.new_by_type: dict[EntityType, dict[str, str]] = {t: {} for t in _NER_TYPES}
        self.new_entities: dict[str, Entity] = {}
        self.known_names = load_name_lexicon()
        self._archive_names = ArchiveNames()
        for label in kb.labels:
            entity = kb.get(label.iri)
            if entity is None:
                continue
            self.by_key.setdefault(name_key(label.text.split(), language), label.iri)
            if entity.type in self.names_by_type:
                self.names_by_type[entity.type][comparable_name(label.text)] = label.iri

    def remember(self, entity: Entity) -> None:
        """Register an entity minted earlier (e.g. read back from the store) for cross-article merging."""
        if entity.in_kb or entity.type not in self.new_by_type:
            return
        self.new_entities.setdefault(entity.iri, entity)
        self.new_by_type[entity.type].setdefault(comparable_name(entity.label), entity.iri)

    def doubt(self, name: str, etype: EntityType, count: int, is_stop: Callable[[str], bool]) -> str | None:
        """Why a name not in the knowledge base should stay a candidate, or None to make it an entity.

        Trusted: a name of two or more words, a name mentioned twice or more in the article, one made an
        entity earlier, one the name lexicon knows, and acronym or camel-case shapes ("CATL", "PowerCo").
        Candidates kept in other articles do not count (the same name twice in two articles stays a
        candidate twice); an editor promotes one with ``topicgraph curate accept NAME --type TYPE``."""
        words = name.split()
        if is_stop(words[0]):
            return REASON_FUNCTION_WORD
        if len(words) > 1 or count > 1 or self.find_new(name, etype) is not None:
            return None
        if name in self.known_names or _NAME_SHAPE.search(name):
            return None
        if etype == EntityType.PLACE and english_place_name(name) is not None:  # a country or city GeoNames knows
            return None
        return REASON_ONE_WORD

    def find_new(self, name: str, etype: EntityType) -> str | None:
        """IRI of an entity minted earlier under the same or a near-duplicate name, if any."""
        names = self.new_by_type.get(etype, {})
        key = comparable_name(name)
        iri = names.get(key)
        if iri is None and len(key) >= 4 and names:
            best = process.extractOne(key, names.keys(), scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold)
            if best is not None:
                iri = names[best[0]]
        return iri

    def resolve_new(self, name: str, etype: EntityType) -> Entity:
        """The entity for a name not in the knowledge base: an earlier one with the same or a
        near-duplicate name (similarity >= threshold, same type), else a new one with a stable IRI."""
        names = self.new_by_type.setdefault(etype, {})
        key = comparable_name(name)
        iri = self.find_new(name, etype)
        # a place has one node whatever language names it: "München" and "Munich" are ent:munich
        english = english_place_name(name) if etype == EntityType.PLACE else None
        if iri is None and english is not None:
            iri = self.find_new(english, etype) or str(entity_iri(english))
            names.setdefault(comparable_name(english), iri)
        if iri is None and len(name.split()) > 1:
            # the same multi-word name minted under another NER label is the same thing: the German and
            # English models disagree on unusual names ("Elbtal Cell Systems": LOC and ORG), one node
            iri = next((known[key] for t, known in self.new_by_type.items() if t != etype and key in known), None)
        if iri is None:
            iri = str(entity_iri(name))
            existing = self.new_entities.get(iri)
            if existing is not None and existing.type != etype:
                iri = str(entity_iri(f"{name} {etype.value}"))
        entity = self.new_entities.get(iri) or Entity(iri, etype, name)
        self.remember(entity)
        names.setdefault(key, iri)
        return entity

    def resolve_name(self, name: str, etype: EntityType) -> str | None:
        """IRI of a known entity for a name (exact key, genitive-tolerant, then fuzzy)."""
        words = name.split()
        if not words:
            return None
        iri = self.by_key.get(name_key(words, self.language))
        if iri is None and (base := genitive_base(words[-1])):
            iri = self.by_key.get(name_key(words[:-1] + [base], self.language))
        if iri is not None:
            return iri
        choices = self.names_by_type.get(etype)
        if choices and len(name) >= 4:
            best = process.extractOne(comparable_name(name), choices.keys(), scorer=fuzz.ratio,
                                      score_cutoff=self.fuzzy_threshold)
            if best is not None:
                return choices[best[0]]
        return None

    def _place_prefix(self, span, name: str, text: str, mentions: list[Mention],
                      entities: dict[str, Entity]) -> Mention | None:
        """The one gazetteer place mention an organisation's NER span begins with and goes on after in name
        words ("U.S." of "The U.S. Coast Guard"; not "Wien" of "Wien Energie", a common word), else None;
        ``name``: the span's name as the linker cleaned it."""
        if EntityType.from_ner_label(span.label_) != EntityType.ORGANIZATION:
            return None
        inside = [m for m in mentions if m.start < span.end_char and span.start_char < m.end]
        if len(inside) != 1:
            return None
        place = inside[0]
        entity = entities.get(place.entity_iri)
        start = span.start_char + max(span.text.find(name), 0)
        rest = text[place.end:span.end_char].split()
        if (entity is None or entity.type != EntityType.PLACE or place.method != Method.GAZETTEER
                or place.start != start or not rest or self.kb.get(entity.iri) is None):
            return None
        if not all(w[:1].isupper() and w not in common_words() for w in rest):
            return None
        return place

    def link(self, doc: Doc) -> tuple[list[Mention], dict[str, Entity]]:
        """Mentions (sorted by offset) and the entities they refer to."""
        linked = self.link_with_candidates(doc)
        return linked.mentions, linked.entities

    def link_with_candidates(self, doc: Doc) -> Linked:
        """Mentions (sorted by offset), their entities, and the NER spans kept as candidates."""
        sentence_of = _sentence_index(doc)
        candidates: list[NameCandidate] = []
        text = doc.text
        mentions: list[Mention] = []
        entities: dict[str, Entity] = {}
        occupied = bytearray(len(text))  # 1 where a mention is: overlap tests in C, not over every mention
        surnames: dict[str, str] = {}

        def add(start: int, end: int, iri: str, etype: EntityType, confidence: float,
                method: Method, token: int) -> None:
            mentions.append(Mention(text[start:end], start, end, etype.ner_label, iri, confidence,
                                    method, sentence_of[token] if token < len(sentence_of) else 0))
            occupied[start:end] = b"\x01" * (end - start)
            if etype == EntityType.PERSON:
                words = entities[iri].label.split()
                if len(words) > 1:
                    surnames.setdefault(words[-1], iri)

        for m in doc_matches(doc):
            entity = self.kb.get(m.iri)
            if entity is None:
                continue
            entities[m.iri] = entity
            add(m.start, m.end, m.iri, m.type, m.confidence, Method.GAZETTEER, m.first_token)

        def keep_candidate(span, surface: str, label: str, reason: str) -> None:
            start = span.start_char + max(span.text.find(surface), 0)
            candidates.append(NameCandidate(surface, start, start + len(surface), label, reason,
                                            sentence_of[span.start] if span.start < len(sentence_of) else 0))

        def is_stop(word: str) -> bool:
            return doc.vocab[word.lower()].is_stop

        spans = []
        led_by_place: dict[int, str] = {}  # span start -> the organisation's name after the place it begins with
        for span in (clean_spans(doc) if self.resolution else doc.ents):
            name = _clean_name(span.text)
            if occupied.find(1, span.start_char, span.end_char) != -1:
                prefix = self._place_prefix(span, name, text, mentions, entities) if self.resolution else None
                if prefix is None:
                    continue
                # "U.S. Coast Guard", "Texas Instruments": the organisation, not the place it begins with
                mentions.remove(prefix)
                occupied[prefix.start:prefix.end] = bytes(prefix.end - prefix.start)
                led_by_place[span.start_char] = text[prefix.end:span.end_char].strip()
            if len(name) < 2 or not name[:1].isupper() or (len(name.split()) == 1 and is_stop(name)):
                continue
            etype = EntityType.from_ner_label(span.label_)
            if etype not in _NER_TYPES:
                if span.label_.upper() in CANDIDATE_LABELS:
                    keep_candidate(span, name, span.label_, REASON_LABEL)
                continue
            if self.resolution and etype == EntityType.ORGANIZATION and (owner := role_compound_owner(name)):
                name = owner  # "Bank-Austria-Ökonom": the bank
            spans.append((span, etype, name))
        # "Northvolts" is the genitive of "Northvolt" when the article or an earlier one has the base
        names_here = {name for _, _, name in spans}
        words_here: set[str] | None = None
        resolved = []
        for span, etype, name in spans:
            surface = name
            words = name.split()
            base = genitive_base(words[-1])
            if base and not words[-1].endswith(("ss", "us", "is")):
                base_name = " ".join(words[:-1] + [base])
                if base_name in names_here or comparable_name(base_name) in self.new_by_type.get(etype, {}) \
                        or self.resolve_name(base_name, etype):
                    name = base_name
                elif self.resolution and etype == EntityType.PERSON and len(words) > 1 and base[:1].isupper():
                    # "Angela Merkels Politik": the surname is written without the s in the article, or is a
                    # person's name already (a lone "Merkel" elsewhere in the archive)
                    if words_here is None:
                        words_here = {t.text for t in doc}
                    if base in words_here or comparable_name(base) in self.new_by_type.get(etype, {}):
                        name = base_name
            resolved.append((span, etype, name, surface))
        counts = Counter((comparable_name(name), etype) for _, etype, name, _ in resolved)
        for span, etype, name, surface in resolved:
            # a person's surname after the full name, whatever label the NER gave it ("Birol" as ORG)
            surname_of = surnames.get(name) if etype == EntityType.PERSON or len(name.split()) == 1 else None
            iri = surname_of or self.resolve_name(name, etype)
            if iri is not None and (known := self.kb.get(iri)) is not None:
                entities[iri] = known
                etype = known.type
            elif surname_of is not None:  # "Solberg" after "Maren Solberg", a new (non-KB) person
                iri, etype = surname_of, EntityType.PERSON
            else:
                reason = self.doubt(name, etype, counts[comparable_name(name), etype], is_stop)
                if reason is not None:
                    keep_candidate(span, surface, etype.ner_label, reason)
                    continue
                entity = self.resolve_new(name, etype)
                rest = led_by_place.get(span.start_char, "")
                if len(rest.split()) > 1 and rest not in entity.alt_labels:  # "Coast Guard" names it too
                    entity = replace(entity, alt_labels=(*entity.alt_labels, rest))
                    self.new_entities[entity.iri] = entity
                iri, etype = entity.iri, entity.type  # the node's type, when another label minted it first
                entities[iri] = entity
            offset = span.text.find(surface)
            start = span.start_char + max(offset, 0)
            add(start, start + len(surface), iri, etype, CONFIDENCE_MODEL, Method.MODEL, span.start)

        # in-article coreference by name parts: "Straubel" after "JB Straubel"
        if surnames:
            for tok in doc:
                word = tok.text
                iri = surnames.get(word) or surnames.get(genitive_base(word) or "")
                if iri is None or occupied.find(1, tok.idx, tok.idx + len(word)) != -1:
                    continue
                end = tok.idx + (len(word) if word in surnames else len(genitive_base(word) or word))
                add(tok.idx, end, iri, EntityType.PERSON, CONFIDENCE_NAME_PART, Method.RULE, tok.i)

        if self.resolution:
            mentions, entities, candidates = resolve_article(doc, mentions, entities, candidates,
                                                             known=self.new_entities, archive=self._archive_names,
                                                             mint=self.resolve_new, text=text)
        mentions, entities = self.kb.curate(mentions, entities)
        mentions.sort(key=lambda m: (m.start, m.end))
        candidates.sort(key=lambda c: (c.start, c.end))
        return Linked(mentions, entities, candidates)


def _sentence_index(doc: Doc) -> list[int]:
    index = [0] * len(doc)
    if doc.has_annotation("SENT_START"):
        for n, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                index[i] = n
    return index

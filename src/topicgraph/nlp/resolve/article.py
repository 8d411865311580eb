"""In-article resolution after linking: acronyms to their long form, short names to an earlier full name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import islice
from dataclasses import replace

from spacy.tokens import Doc

from ...model import Entity, EntityType, Mention, Method
from .acronyms import acronym_pairs
from .keys import is_acronym

CONFIDENCE_ACRONYM = 0.85
CONFIDENCE_SHORT_NAME = 0.8
_LINKABLE = {EntityType.ORGANIZATION, EntityType.PERSON, EntityType.PLACE}
#: Head nouns that make "<country code>-<noun>" an organisation ("US-Küstenwache", "EU-Kommission").
ORGANIZATION_HEADS = (
    "regierung", "küstenwache", "armee", "marine", "luftwaffe", "behörde", "ministerium", "notenbank", "zentralbank",
    "botschaft", "geheimdienst", "kommission", "parlament", "senat", "kongress", "polizei", "justiz", "militär",
    "außenministerium", "verteidigungsministerium", "gericht", "börsenaufsicht", "aufsicht", "streitkräfte",
)
_COMPOUND = re.compile(r"-([A-ZÄÖÜ][\w]+)(?![\w-])")


def _words(label: str, etype: EntityType | None = None) -> list[str]:
    """The words of a name; hyphens part them, except in a place's name ("Wien-Landstraße" is no "Wien")."""
    return label.split() if etype == EntityType.PLACE else label.replace("-", " ").split()


def short_name_target(name: str, entities: list[Entity]) -> Entity | None:
    """The one entity whose longer name ``name`` abbreviates: a person's surname or first name, or the
    first word(s) of an organisation's or place's name ("Acme" of "Acme Chemical Corp"); None if
    none or several, or if ``name`` is an acronym."""
    words = _words(name)
    if not words or is_acronym(name):
        return None
    found: dict[str, Entity] = {}
    for entity in entities:
        full = _words(entity.label, entity.type)
        if len(full) <= len(words) or entity.type not in _LINKABLE:
            continue
        if entity.type == EntityType.PERSON:
            hit = full[-len(words):] == words or full[:len(words)] == words
        else:  # or a short form the organisation was given ("Coast Guard" of "U.S. Coast Guard")
            hit = full[:len(words)] == words or (len(words) > 1 and name in entity.alt_labels)
        if hit:
            found[entity.iri] = entity
    return next(iter(found.values())) if len(found) == 1 else None


def short_name_index(entities: Iterable[Entity], archive: bool = False) -> dict[str, set[str]]:
    """Short names that stand for a longer name: a person's surname, the first word of an organisation's
    name when it is no common word or other known name ("Acme" of "Acme Chemical Corp"). ``archive``: for
    the names of other articles, where the first word of an organisation named after a place is the kind of
    institution, not its name ("Polizei" of "Polizei Wien", "Bank" of "Bank Austria")."""
    from ..places import english_place_name
    from .spans import _known_names, common_words

    index: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        words = entity.label.split()
        if len(words) < 2:
            continue
        if entity.type == EntityType.PERSON:
            word = words[-1]
        elif entity.type == EntityType.ORGANIZATION:
            word = words[0]
            if word in common_words() or word in _known_names() or len(word) < 4 or is_acronym(word):
                continue
            if archive and english_place_name(words[-1]) is not None:
                continue
        else:
            continue
        if word[:1].isupper() and word.isalpha():
            index[word].add(entity.iri)
            if entity.type == EntityType.PERSON and word.endswith("s") and len(word) > 4:
                index[word[:-1]].add(entity.iri)  # "Angela Merkels" (a genitive kept as the name) -> "Merkel"
    return index


def one_word_name_index(entities: Iterable[Entity]) -> dict[str, set[str]]:
    """The names of one-word places and organisations (no common word), for where the NER missed them ("Syriens",
    the genitive of "Syrien"); looked up only after the short names, so a surname keeps its own meaning."""
    from .spans import common_words

    index: dict[str, set[str]] = defaultdict(set)
    for entity in entities:
        words = entity.label.split()
        if len(words) == 1 and entity.type in (EntityType.PLACE, EntityType.ORGANIZATION):
            word = words[0]
            if len(word) >= 5 and word.isalpha() and word[:1].isupper() and word not in common_words():
                index[word].add(entity.iri)
    return index


class ArchiveNames:
    """The short-name index of the entities minted so far in the archive, grown with them (``known`` only
    grows: the linker adds entities and never replaces one)."""

    def __init__(self) -> None:
        self._size = 0
        self._index: dict[str, set[str]] = defaultdict(set)
        self._names: dict[str, set[str]] = defaultdict(set)

    def index(self, known: dict[str, Entity]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """The short names (:func:`short_name_index`) and the one-word names (:func:`one_word_name_index`)."""
        if len(known) < self._size:  # another dictionary: start again
            self._size, self._index, self._names = 0, defaultdict(set), defaultdict(set)
        if len(known) > self._size:
            added = list(islice(known.values(), self._size, None))
            for target, index in ((self._index, short_name_index(added, archive=True)),
                                  (self._names, one_word_name_index(added))):
                for word, iris in index.items():
                    target[word] |= iris
            self._size = len(known)
        return self._index, self._names


_WORD = re.compile(r"(?<![\w-])([A-ZÄÖÜ][\w]+?)(?:'s|’s|s)?(?![\w-])")


def resolve_article(doc: Doc, mentions: list[Mention], entities: dict[str, Entity],
                    candidates: list, known: dict[str, Entity] | None = None,
                    archive: ArchiveNames | None = None,
                    mint: Callable[[str, EntityType], Entity] | None = None,
                    text: str | None = None) -> tuple[list[Mention], dict[str, Entity], list]:
    """Mentions, entities and candidates of one article after in-article resolution (see module doc);
    ``known``: entities minted earlier in the archive, whose unique short names are found too; ``mint``:
    the entity for a long form the NER missed (the linker's); ``text``: ``doc.text`` when the caller has it
    (spaCy joins the tokens on every access)."""
    text = doc.text if text is None else text
    mentions = sorted(mentions, key=lambda m: (m.start, m.end))
    entities = dict(entities)

    # 0. a country code leading a compound names an organisation of its own ("US-Küstenwache", "EU-Kommission")
    if mint is not None:
        out = []
        for m in mentions:
            compound = _COMPOUND.match(text, m.end)
            entity = entities.get(m.entity_iri)
            if (compound and entity is not None and entity.type == EntityType.PLACE and m.method == Method.GAZETTEER
                    and (m.start == 0 or not text[m.start - 1].isalnum())
                    and compound.group(1).lower().endswith(ORGANIZATION_HEADS)):
                name = text[m.start:compound.end()]
                target = mint(name, EntityType.ORGANIZATION)
                entities[target.iri] = target
                m = Mention(name, m.start, compound.end(), EntityType.ORGANIZATION.ner_label, target.iri,
                            CONFIDENCE_SHORT_NAME, Method.RULE, m.sentence)
            out.append(m)
        mentions = out

    # 1. acronym and long form: "Internationale Energieagentur (IEA)" then "IEA"
    for pair in acronym_pairs(doc):
        owner = next((m for m in mentions if m.start < pair.long_end and pair.long_start < m.end
                      and m.end <= pair.short_start), None)
        if owner is None:
            # the NER missed the long form: the pair itself names it, when the acronym is an entity here
            short = next((m for m in mentions if m.text == pair.short), None)
            if short is None or mint is None or entities[short.entity_iri].in_kb:
                continue
            etype = entities[short.entity_iri].type
            target = mint(pair.long, etype)
            entities[target.iri] = target
            owner = Mention(pair.long, pair.long_start, pair.long_end, etype.ner_label, target.iri, CONFIDENCE_ACRONYM,
                            Method.RULE, _sentence(doc, pair.long_start))
            mentions = sorted([*mentions, owner], key=lambda m: (m.start, m.end))
        target = entities[owner.entity_iri]
        short_iris = {m.entity_iri for m in mentions if m.text == pair.short and m.entity_iri != target.iri}
        known_short = [iri for iri in short_iris if entities.get(iri) and entities[iri].in_kb]
        if known_short and not target.in_kb:  # the knowledge base knows the acronym: its node wins
            target = entities[known_short[0]]
        pattern = re.compile(r"(?<![\w-])" + re.escape(pair.short) + r"(?![\w])")
        covered = {(m.start, m.end) for m in mentions}
        out = []
        for m in mentions:
            same = m.text == pair.short or (m.start < pair.long_end and pair.long_start < m.end)
            if same and m.entity_iri != target.iri and not entities[m.entity_iri].in_kb:
                m = replace(m, entity_iri=target.iri, label=target.type.ner_label, method=Method.RULE)
            out.append(m)
        for hit in pattern.finditer(text):
            if not any(s < hit.end() and hit.start() < e for s, e in covered):
                out.append(Mention(pair.short, hit.start(), hit.end(), target.type.ner_label, target.iri,
                                   CONFIDENCE_ACRONYM, Method.RULE, _sentence(doc, hit.start())))
        mentions = sorted(out, key=lambda m: (m.start, m.end))
        if not target.in_kb and pair.short not in target.alt_labels and pair.short != target.label:
            target = replace(target, alt_labels=(*target.alt_labels, pair.short))
        entities[target.iri] = target
        candidates = [c for c in candidates if c.text != pair.short]

    # 2. a short name after a full name earlier in the article: "Ramirez", "Acme" after "Acme Chemical Corp"
    first_seen: dict[str, int] = {}
    for m in mentions:
        first_seen.setdefault(m.entity_iri, m.start)
    out = []
    for m in mentions:
        entity = entities.get(m.entity_iri)
        if entity is not None and not entity.in_kb and entity.type in _LINKABLE:
            earlier = [e for iri, e in entities.items() if iri != entity.iri and first_seen.get(iri, 1 << 60) < m.start]
            target = short_name_target(entity.label, earlier)
            if target is not None:
                m = replace(m, entity_iri=target.iri, label=target.type.ner_label, method=Method.RULE,
                            confidence=min(m.confidence, CONFIDENCE_SHORT_NAME))
        out.append(m)
    kept_candidates = []
    for c in candidates:
        earlier = [e for iri, e in entities.items() if first_seen.get(iri, 1 << 60) < c.start]
        target = short_name_target(c.text, earlier)
        if target is None:
            kept_candidates.append(c)
            continue
        out.append(Mention(c.text, c.start, c.end, target.type.ner_label, target.iri, CONFIDENCE_SHORT_NAME,
                           Method.RULE, c.sentence))
    # 3. a short name the NER missed: the surname / first word of exactly one entity of the article,
    #    else of exactly one entity minted earlier in the archive; else the name of one one-word place or
    #    organisation ("Syriens", "Russlands")
    new_here = [e for e in entities.values() if not e.in_kb]
    here, here_names = short_name_index(new_here), one_word_name_index(new_here)
    there, there_names = (archive or ArchiveNames()).index(known) if known else ({}, {})
    covered = [(m.start, m.end) for m in out]
    promoted = set()
    for hit in _WORD.finditer(text):
        word = hit.group(1)
        iris = here.get(word) or (there.get(word) if word not in here else None)
        if not iris and word not in here and word not in there:  # a one-word place or organisation by its name
            iris = here_names.get(word) or (there_names.get(word) if word not in here_names else None)
        if not iris or len(iris) != 1 or any(s < hit.end() and hit.start() < e for s, e in covered):
            continue
        iri = next(iter(iris))
        entity = entities.get(iri) or (known or {}).get(iri)
        if entity is None:
            continue
        entities.setdefault(iri, entity)
        promoted |= {c for c in kept_candidates if c.start < hit.end() and hit.start() < c.end}
        out.append(Mention(hit.group(0), hit.start(), hit.end(), entity.type.ner_label, iri, CONFIDENCE_SHORT_NAME,
                           Method.RULE, _sentence(doc, hit.start())))
    out.sort(key=lambda m: (m.start, m.end))
    used = {m.entity_iri for m in out}
    return out, {iri: e for iri, e in entities.items() if iri in used}, [c for c in kept_candidates if c not in promoted]


def _sentence(doc: Doc, char: int) -> int:
    if not doc.has_annotation("SENT_START"):
        return 0
    for n, sent in enumerate(doc.sents):
        if sent.start_char <= char < sent.end_char:
            return n
    return 0

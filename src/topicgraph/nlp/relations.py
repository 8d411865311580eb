"""Typed relations stated in a sentence: partnership, leadership, subsidiary, supplies.

Trigger words are found with spaCy's Matcher; a relation is kept only when the sentence holds
exactly the entities the pattern needs (precision over recall): partnership and subsidiary need
exactly two organisations, leadership one organisation and one person, supplies exactly two
organisations or places. Every relation keeps its sentence as evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.matcher import Matcher
from spacy.tokens import Doc

from ..model import Mention

PARTNER_OF = "partnerOf"
LED_BY = "ledBy"
SUBSIDIARY_OF = "subsidiaryOf"
SUPPLIES = "supplies"
#: "A acquired B" / "A agreed to buy B": stored as B subsidiaryOf A.
ACQUIRES = "acquires"

_TRIGGERS: dict[str, list[list[dict]]] = {
    PARTNER_OF: [
        [{"LOWER": {"IN": ["kooperiert", "kooperieren", "arbeitet", "arbeiten", "partners", "teamed", "partnered"]}},
         {"OP": "*", "IS_SENT_START": False, "IS_PUNCT": False}, {"LOWER": {"IN": ["mit", "with"]}}],
        [{"LOWER": {"REGEX": r"^(partnerschaft|kooperation|zusammenarbeit|partnership|joint)$"}},
         {"LOWER": {"IN": ["mit", "with", "venture", "von", "zwischen", "between"]}}],
        [{"LOWER": {"REGEX": r"^(gemeinschaftsunternehmen|joint-venture|speicherpartnerschaft)$"}}],
    ],
    LED_BY: [
        [{"LOWER": {"IN": ["geführt", "geleitet", "led", "headed", "founded", "gegründet"]}}, {"LOWER": {"IN": ["von", "by"]}}],
        [{"LOWER": {"REGEX": r"(^|-)(ceo|chef|chefin|vorstandschef|vorstandschefin|mitgründer|mitgründerin|"
                             r"gründer|gründerin|vize|president|präsident|präsidentin|cto|cfo|co-founder|founder)$"}}],
        [{"LOWER": "chief"}, {"LOWER": {"IN": ["executive", "technology", "financial", "operating"]}},
         {"LOWER": "officer", "OP": "?"}],
        [{"LOWER": {"IN": ["chairman", "chairwoman", "chair"]}}],
    ],
    SUBSIDIARY_OF: [
        [{"LOWER": {"REGEX": r"(^|-)(tochter|tochterfirma|tochtergesellschaft|tochterunternehmen|subsidiary|"
                             r"konzerntochter)$"}}],
    ],
    SUPPLIES: [
        [{"LOWER": {"REGEX": r"^(versorgt|versorgen|versorgte|beliefert|beliefern|belieferte|liefert|liefern|"
                             r"supplies|supplied|powers|delivers|delivered)$"}}],
        [{"LOWER": {"IN": ["will", "to"]}}, {"LOWER": {"IN": ["supply", "deliver"]}}],
    ],
    ACQUIRES: [
        [{"LOWER": {"IN": ["acquired", "acquires", "bought", "buys", "übernimmt", "übernahm", "kauft", "kaufte"]}}],
        [{"LOWER": {"IN": ["agreed", "agrees"]}}, {"LOWER": "to"}, {"LOWER": {"IN": ["buy", "acquire"]}}],
        [{"LOWER": {"IN": ["acquisition", "takeover", "übernahme"]}}, {"LOWER": {"IN": ["of", "von", "des", "der"]}}],
    ],
}


@dataclass(frozen=True)
class Relation:
    """A typed relation between two entities, stated by one sentence of an article."""

    predicate: str
    subject: str
    object: str
    sentence: int
    evidence: str
    pattern: str


class RelationExtractor:
    """Finds typed relations in a linked Doc."""

    def __init__(self, vocab) -> None:
        self.matcher = Matcher(vocab)
        for name, patterns in _TRIGGERS.items():
            self.matcher.add(name, patterns)

    def extract(self, doc: Doc, mentions: list[Mention]) -> list[Relation]:
        """Relations per sentence, each at most once per article."""
        sentences = list(doc.sents) if doc.has_annotation("SENT_START") else [doc[:]]
        by_sentence: dict[int, list[Mention]] = {}
        for m in mentions:
            by_sentence.setdefault(m.sentence, []).append(m)
        found: dict[tuple[str, str, str], Relation] = {}
        text = doc.text  # built once: Doc.text joins every token (quadratic per match on a long article)
        for index, sent in enumerate(sentences):
            here = by_sentence.get(index, [])
            if len({m.entity_iri for m in here}) < 2:
                continue  # every relation joins two entities of one sentence: no need to look for triggers
            for match_id, start, end in self.matcher(sent):
                start, end = sent.start + start, sent.start + end  # the matcher counts from the span's start
                name = doc.vocab.strings[match_id]
                trigger_start, trigger_end = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
                relation = _decide(name, here, trigger_start, trigger_end, text)
                if relation is None:
                    continue
                subject, obj = relation
                predicate = SUBSIDIARY_OF if name == ACQUIRES else name
                key = (predicate, subject, obj) if name != PARTNER_OF else (name, *sorted((subject, obj)))
                if key not in found:
                    found[key] = Relation(predicate, subject, obj, index, sent.text.strip(), doc[start:end].text.lower())
        return list(found.values())


def _distinct(mentions: list[Mention], labels: set[str]) -> dict[str, Mention]:
    """First mention of each distinct entity with one of the labels."""
    result: dict[str, Mention] = {}
    for m in sorted(mentions, key=lambda m: m.start):
        if m.label in labels:
            result.setdefault(m.entity_iri, m)
    return result


def _near(left_end: int, right_start: int, gap: int) -> bool:
    return 0 <= right_start - left_end <= gap


def _decide(name: str, mentions: list[Mention], t_start: int, t_end: int, text: str = "") -> tuple[str, str] | None:
    orgs = _distinct(mentions, {"ORG"})
    if name in {PARTNER_OF, SUPPLIES}:
        # "Tesla-Mitgründer", "GM-Batterien": a name inside a compound modifies a word, it acts on nothing
        orgs = {iri: m for iri, m in orgs.items()
                if not (m.end < len(text) and text[m.end:m.end + 1] == "-")}
    if name == PARTNER_OF:
        if len(orgs) != 2:
            return None
        (a, ma), (b, mb) = sorted(orgs.items(), key=lambda kv: kv[1].start)
        # the partner follows the trigger ("kooperiert mit GM", "Partnerschaft mit Redwood")
        if not (ma.end <= t_start and _near(t_end, mb.start, 6)):
            return None
        return a, b
    if name == LED_BY:
        people = _distinct(mentions, {"PER"})
        if len(orgs) != 1 or len(people) != 1:
            return None
        (org,), (person,) = orgs, people
        # the person must be next to the trigger ("GM-Vize Kurt Kelty", "CEO Mary Barra", "geführt von X")
        m = people[person]
        # or set off by a comma: "Maren Solberg, the chief executive of Fjordcell"
        appositive = 0 <= t_start - m.end <= 8 and re.fullmatch(r",\s*(the\s+)?", text[m.end:t_start] or "x")
        if not (0 <= m.start - t_end <= 3 or 0 <= t_start - m.end <= 3 or m.start <= t_start < m.end or appositive):
            return None
        return org, person
    if name == SUBSIDIARY_OF:
        if len(orgs) != 2:
            return None
        (a, ma), (b, mb) = sorted(orgs.items(), key=lambda kv: kv[1].start)
        # "B, eine Tochter von A" / "B ist eine Tochterfirma von A": child first
        # "As Tochter B" / "die A-Tochter B": parent right before the trigger
        if ((_near(ma.end, t_start, 2) or (t_start <= ma.start and ma.end <= t_end)) and _near(t_end, mb.start, 2)):
            return b, a  # "Redwoods Tochter Redwood Energy", "die VW-Tochter PowerCo"
        if ma.end <= t_start and _near(t_end, mb.start, 10) and re.match(r"\W*(von|des|der|of)\b", text[t_end:mb.start]):
            return a, b  # "Redwood Energy, eine Tochterfirma von Redwood Materials"
        return None
    if name == ACQUIRES:
        if len(orgs) != 2:
            return None
        (a, ma), (b, mb) = sorted(orgs.items(), key=lambda kv: kv[1].start)
        # buyer before the verb, bought company after it ("Lyten agreed to buy Northvolt's plants")
        if not (ma.end <= t_start and _near(t_end, mb.start, 12)):
            return None
        return b, a
    if name == SUPPLIES:
        if len(orgs) != 2:
            return None
        (a, ma), (b, mb) = sorted(orgs.items(), key=lambda kv: kv[1].start)
        # supplier before the verb, customer after it ("... versorgen künftig Crusoe Energy")
        if not (ma.end <= t_start and t_end <= mb.start):
            return None
        return a, b
    return None

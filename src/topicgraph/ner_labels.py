"""NER labels of every pipeline mapped to topicgraph's three name types, in one place.

The shipped German model and GermEval use PER/ORG/LOC (OTH for other names); CoNLL and WikiANN use
PER/ORG/LOC/MISC; spaCy's English pipelines use the OntoNotes 5 scheme. OntoNotes decisions:

* PERSON -> PER; ORG -> ORG; GPE, LOC and FAC (countries, cities, regions, rivers, buildings, plants,
  airports) -> LOC, the project's Place.
* PRODUCT, EVENT, LAW, WORK_OF_ART -> name candidates (``tg:NameCandidate``): they are names, but not of
  an organisation, person or place ("Model Y", "COP29", "Inflation Reduction Act"), so an editor decides.
* NORP (nationalities, religious and political groups: "German", "Swedish", "Republicans") -> dropped:
  mostly adjectives, which would only add noise as candidates.
* DATE, TIME, PERCENT, MONEY, QUANTITY, ORDINAL, CARDINAL, LANGUAGE -> dropped (not names).
"""

from __future__ import annotations

#: Any pipeline's label -> PER, ORG or LOC.
NAME_LABELS: dict[str, str] = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG", "ORGANIZATION": "ORG", "NORP_ORG": "ORG",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC", "PLACE": "LOC",
}
#: Name-like labels kept as name candidates (GermEval OTH, CoNLL MISC, OntoNotes).
CANDIDATE_LABELS = frozenset({"OTH", "MISC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})


def name_label(label: str) -> str | None:
    """PER, ORG or LOC for a pipeline's NER label, ``None`` for a label that is not one of them."""
    return NAME_LABELS.get(label.upper())


def is_candidate_label(label: str) -> bool:
    """True for a name-like label kept as a name candidate rather than an entity."""
    return label.upper() in CANDIDATE_LABELS

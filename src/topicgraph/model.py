"""Typed records passed between the stages: Article -> Mention/Entity -> graph."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from .ner_labels import name_label  # the one mapping of NER labels (OntoNotes too)


class EntityType(str, Enum):
    """Types of things the graph knows; values are the ontology's class names."""

    ORGANIZATION = "Organization"
    PERSON = "Person"
    PLACE = "Place"
    TECHNOLOGY = "Technology"
    TOPIC = "Topic"
    OTHER = "Entity"

    @classmethod
    def from_ner_label(cls, label: str) -> "EntityType":
        """Map a spaCy/CoNLL label (ORG, PER, PERSON, LOC, GPE, ...) to a type."""
        label = label.upper()
        scheme = name_label(label)
        if scheme == "ORG":
            return cls.ORGANIZATION
        if scheme == "PER":
            return cls.PERSON
        if scheme == "LOC":
            return cls.PLACE
        if label in {"TECH", "TECHNOLOGY", "CONCEPT"}:
            return cls.TECHNOLOGY
        if label == "TOPIC":
            return cls.TOPIC
        return cls.OTHER

    @property
    def ner_label(self) -> str:
        """Short label used on mentions."""
        return {
            "Organization": "ORG",
            "Person": "PER",
            "Place": "LOC",
            "Technology": "TECH",
            "Topic": "TOPIC",
            "Entity": "MISC",
        }[self.value]


    @property
    def is_concept(self) -> bool:
        """Technologies and topics: SKOS concepts, matched inside compounds and counted through broader."""
        return self in (EntityType.TECHNOLOGY, EntityType.TOPIC)


class Method(str, Enum):
    """How a mention was found."""

    MODEL = "model"
    GAZETTEER = "gazetteer"
    RULE = "rule"


@dataclass(frozen=True)
class Article:
    """One article of the archive, cleaned and ready for extraction."""

    id: str
    title: str
    body: str
    date: dt.date | None = None
    language: str = "de"
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    summary: str = ""
    url: str = ""
    source_path: str = ""
    headings: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    @property
    def content_hash(self) -> str:
        """SHA-256 of everything extraction depends on (changes when the article does)."""
        h = hashlib.sha256()
        for part in (
            self.id, self.title, self.body, self.date.isoformat() if self.date else "",
            self.language, "|".join(self.categories), "|".join(self.tags), self.summary, self.url,
        ):
            h.update(part.encode("utf-8"))
            h.update(b"\x00")
        if self.authors:  # only then, so articles without authors keep the hashes stored before authors were read
            h.update("|".join(self.authors).encode("utf-8"))
        return h.hexdigest()

    @property
    def word_count(self) -> int:
        return len(self.body.split())


@dataclass(frozen=True)
class Entity:
    """A thing the graph has one node for."""

    iri: str
    type: EntityType
    label: str
    alt_labels: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()
    in_kb: bool = False
    broader: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mention:
    """A stretch of an article's body that refers to an entity."""

    text: str
    start: int
    end: int
    label: str
    entity_iri: str
    confidence: float
    method: Method
    sentence: int = 0


@dataclass(frozen=True)
class NameCandidate:
    """A name the statistical NER found but the linker does not yet trust as an entity (an unknown
    one-word name mentioned once, or a span whose label is not PER/ORG/LOC): kept for an editor."""

    text: str
    start: int
    end: int
    label: str
    reason: str
    sentence: int = 0


@dataclass
class Extraction:
    """What the nlp stage found in one article."""

    article: Article
    mentions: list[Mention] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    salience: dict[str, float] = field(default_factory=dict)
    about: tuple[str, ...] = ()
    relations: list = field(default_factory=list)  # nlp.relations.Relation
    #: Lower-cased lemmas of the title and body's content words, space-separated (for text similarity).
    terms: str = ""
    #: NER spans kept as candidates, not entities (see :class:`NameCandidate`).
    candidates: list[NameCandidate] = field(default_factory=list)
    #: The article's salient vocabulary concepts (technologies and topics), most salient first.
    topics: tuple[str, ...] = ()


class Severity(str, Enum):
    """How bad a source problem is: an error skips the article, a warning keeps it."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class SourceProblem:
    """A file (or a line of one) that could not be read as an article, or was read with a warning."""

    path: Path
    problem: str
    line: int | None = None
    severity: Severity = Severity.ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity is Severity.WARNING

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.problem}"

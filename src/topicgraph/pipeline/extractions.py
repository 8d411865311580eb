"""Extractions as JSON Lines: what ``topicgraph extract`` writes without a store and ``topicgraph load`` applies.

A file starts with one header line (``{"topicgraph": "extractions", ...}``: format version, model, knowledge
base digest, shard) followed by one extraction per line (the article, its mentions, entities, salience,
about, relations, terms and name candidates). The same input, model and knowledge base give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from rdflib import BNode

from .. import __version__
from ..errors import TopicgraphError
from ..knowledge.kb import KnowledgeBase
from ..model import Article, Entity, EntityType, Extraction, Mention, Method, NameCandidate, SourceProblem
from ..nlp.relations import Relation

FORMAT = "extractions"
VERSION = 1


class ExtractionFileError(TopicgraphError, ValueError):
    """An extraction file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Header:
    """What made the extractions of one file."""

    model: str
    kb: str
    shard: str = "1/1"
    topicgraph: str = __version__

    def to_json(self) -> dict[str, Any]:
        return {"topicgraph": FORMAT, "version": VERSION, "model": self.model, "kb": self.kb, "shard": self.shard,
                "made_by": self.topicgraph}


def kb_digest(kb: KnowledgeBase) -> str:
    """A digest of the knowledge base (its triples and curation record): extractions made with another
    knowledge base link differently, so ``load`` compares it with the store's."""
    h = hashlib.sha256()
    for graph in (kb.graph, kb.provenance):
        lines = sorted(" ".join("[]" if isinstance(t, BNode) else t.n3() for t in triple)  # blank node ids vary
                       for triple in (graph if graph is not None else ()))
        for line in lines:
            h.update(line.encode("utf-8"))
            h.update(b"\n")
        h.update(b"\x00")
    return h.hexdigest()[:16]


def extraction_to_json(extraction: Extraction) -> dict[str, Any]:
    """One extraction as plain JSON values."""
    article = asdict(extraction.article)
    article["date"] = extraction.article.date.isoformat() if extraction.article.date else None
    return {
        "article": article,
        "mentions": [[m.text, m.start, m.end, m.label, m.entity_iri, m.confidence, m.method.value, m.sentence]
                     for m in extraction.mentions],
        "entities": [[e.iri, e.type.value, e.label, list(e.alt_labels), list(e.same_as), e.in_kb, list(e.broader)]
                     for e in extraction.entities.values()],
        "salience": extraction.salience,
        "about": list(extraction.about),
        "topics": list(extraction.topics),
        "relations": [[r.predicate, r.subject, r.object, r.sentence, r.evidence, r.pattern]
                      for r in extraction.relations],
        "terms": extraction.terms,
        "candidates": [[c.text, c.start, c.end, c.label, c.reason, c.sentence] for c in extraction.candidates],
    }


def extraction_from_json(doc: dict[str, Any]) -> Extraction:
    """The extraction :func:`extraction_to_json` wrote (equal to the original)."""
    a = dict(doc["article"])
    a["date"] = dt.date.fromisoformat(a["date"]) if a.get("date") else None
    for key in ("categories", "tags", "headings", "authors"):
        a[key] = tuple(a.get(key) or ())
    entities = {}
    for iri, etype, label, alt, same, in_kb, broader in doc["entities"]:
        entities[iri] = Entity(iri, EntityType(etype), label, tuple(alt), tuple(same), in_kb, tuple(broader))
    return Extraction(
        article=Article(**a),
        mentions=[Mention(t, s, e, lab, iri, conf, Method(meth), sent)
                  for t, s, e, lab, iri, conf, meth, sent in doc["mentions"]],
        entities=entities,
        salience=dict(doc["salience"]),
        about=tuple(doc["about"]),
        topics=tuple(doc.get("topics", ())),
        relations=[Relation(*r) for r in doc["relations"]],
        terms=doc["terms"],
        candidates=[NameCandidate(*c) for c in doc["candidates"]],
    )


def _line(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def write_extractions(path: Path, header: Header, extractions: Iterable[Extraction]) -> int:
    """Write a header and the extractions to ``path`` (written beside it and renamed when complete, so an
    interrupted run leaves no half file); returns the number written."""
    partial = path.with_name(path.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        out.write(_line(header.to_json()))
        for extraction in extractions:
            out.write(_line(extraction_to_json(extraction)))
            count += 1
    partial.replace(path)
    return count


def read_header(path: Path) -> Header:
    """The header of an extraction file (ExtractionFileError if it is not one)."""
    try:
        with path.open(encoding="utf-8") as f:
            first = f.readline()
        doc = json.loads(first) if first.strip() else {}
    except (OSError, UnicodeError, ValueError) as exc:
        raise ExtractionFileError(f"{path}: cannot read it as an extraction file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("topicgraph") != FORMAT:
        raise ExtractionFileError(f"{path}: not an extraction file (written by 'topicgraph extract')")
    if doc.get("version") != VERSION:
        raise ExtractionFileError(f"{path}: extraction format version {doc.get('version')}, this topicgraph "
                                  f"reads version {VERSION}; extract again")
    return Header(str(doc.get("model")), str(doc.get("kb")), str(doc.get("shard", "1/1")),
                  str(doc.get("made_by", "?")))


def read_extractions(path: Path) -> Iterator[Extraction | SourceProblem]:
    """The extractions of one file, in order; a broken line is a SourceProblem naming it (the others go on)."""
    read_header(path)
    with path.open(encoding="utf-8") as f:
        next(f)
        for number, line in enumerate(f, start=2):
            if not line.strip():
                continue
            try:
                yield extraction_from_json(json.loads(line))
            except KeyError as exc:
                yield SourceProblem(path, f"not a valid extraction (missing field {exc}); skipped", line=number)
            except (ValueError, TypeError) as exc:
                yield SourceProblem(path, f"not a valid extraction ({exc}); skipped", line=number)


def parse_shard(value: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N) with 1 <= K <= N."""
    try:
        k, n = (int(part) for part in value.split("/"))
    except ValueError:
        raise ValueError(f"--shard {value!r}: expected K/N, e.g. 2/4") from None
    if not 1 <= k <= n:
        raise ValueError(f"--shard {value!r}: K must be between 1 and N")
    return k, n

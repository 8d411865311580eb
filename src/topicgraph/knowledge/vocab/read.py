"""Reading a vocabulary file: a SKOS thesaurus (any RDF syntax rdflib reads) or an entity list (CSV).

Both become one rdflib Graph in the knowledge base's terms: SKOS concepts that carry no topicgraph
class become ``tg:Topic`` (beside ``skos:Concept``); entity-list rows become ``tg:Person``,
``tg:Organization``, ``tg:Place``, ``tg:Topic`` or ``tg:Technology`` with their labels.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdflib.util import guess_format

from ...model import EntityType
from ...namespaces import TG, concept_iri, entity_iri
from ...oxterms import from_ox

#: Columns of an entity list; ``label`` is required, the others optional.
CSV_COLUMNS = ("label", "type", "aliases", "sameas", "description", "language")
#: Type column values (case-insensitive) and the class they give.
_CSV_TYPES = {
    "person": EntityType.PERSON, "per": EntityType.PERSON,
    "organization": EntityType.ORGANIZATION, "organisation": EntityType.ORGANIZATION, "org": EntityType.ORGANIZATION,
    "place": EntityType.PLACE, "loc": EntityType.PLACE, "location": EntityType.PLACE,
    "topic": EntityType.TOPIC, "technology": EntityType.TECHNOLOGY,
}
#: topicgraph classes that already make a resource an entry of the knowledge base.
_TG_CLASSES = (TG.Organization, TG.Person, TG.Place, TG.Technology, TG.Topic)
#: RDF syntaxes tried, in order, when the file name does not say which one it is.
_SYNTAXES = ("turtle", "xml", "json-ld", "nt", "trig", "nquads")


class VocabError(ValueError):
    """A vocabulary that cannot be used; the message names the file (or row) and the problem."""


@dataclass
class Vocabulary:
    """A vocabulary read from a file: its triples and what was skipped on the way."""

    graph: Graph
    kind: str  # "skos" | "entities"
    warnings: list[str] = field(default_factory=list)

    @property
    def concepts(self) -> int:
        """Entries the knowledge base will know (resources with a topicgraph class)."""
        return len({s for c in _TG_CLASSES for s in self.graph.subjects(RDF.type, c)})

    @property
    def labels(self) -> int:
        return sum(1 for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
                   for _ in self.graph.triples((None, p, None)))


def read_vocabulary(path: Path) -> Vocabulary:
    """A SKOS file or an entity list (``.csv``), normalised for the knowledge base."""
    path = Path(path)
    if not path.is_file():
        raise VocabError(f"{path}: no such file")
    if path.suffix.lower() in {".csv", ".tsv"}:
        return read_entity_list(path)
    return read_skos(path)


def _parse_with_oxigraph(path: Path) -> Graph | None:
    """The file parsed by Oxigraph (several times faster than rdflib on large thesauri), or None when Oxigraph
    does not know the extension or cannot parse it (rdflib then tries, and names the problem)."""
    import pyoxigraph as ox

    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    if fmt is None:
        return None
    graph = Graph()
    add = graph.add
    try:
        with open(path, "rb") as handle:
            for quad in ox.parse(handle, format=fmt, base_iri=path.resolve().as_uri()):
                add((from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object)))
    except (SyntaxError, ValueError, OSError, TypeError):
        return None
    return graph


def _parse_rdf(path: Path) -> Graph:
    fast = _parse_with_oxigraph(path)
    if fast is not None:
        return fast
    guessed = guess_format(str(path))
    formats = [guessed] if guessed else list(_SYNTAXES)
    problem = ""
    for fmt in formats:
        graph = Graph()
        try:
            graph.parse(path, format=fmt)
            return graph
        except Exception as exc:  # rdflib raises many types; the message is reduced to one line below
            problem = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    what = f"not valid {formats[0]}" if guessed else "not in an RDF syntax rdflib reads (Turtle, RDF/XML, JSON-LD, N-Triples)"
    raise VocabError(f"{path}: {what} ({problem[:200]})")


def read_skos(path: Path) -> Vocabulary:
    """A SKOS thesaurus: every ``skos:Concept`` (or resource with a ``skos:prefLabel`` in a scheme) without a
    topicgraph class becomes a ``tg:Topic``; ``broader``/``narrower`` are completed in both directions."""
    graph = _parse_rdf(path)
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    concepts |= {s for s in graph.subjects(SKOS.inScheme, None) if (s, SKOS.prefLabel, None) in graph}
    concepts |= {s for p in (SKOS.broader, SKOS.narrower) for s in graph.subjects(p, None)}
    concepts |= {o for p in (SKOS.broader, SKOS.narrower) for o in graph.objects(None, p)}
    if not concepts and not any((None, RDF.type, c) in graph for c in _TG_CLASSES):
        raise VocabError(f"{path}: no skos:Concept in it (is it a SKOS thesaurus?)")
    for concept in concepts:
        if not isinstance(concept, URIRef):
            continue
        graph.add((concept, RDF.type, SKOS.Concept))
        if not any((concept, RDF.type, c) in graph for c in _TG_CLASSES):
            graph.add((concept, RDF.type, TG.Topic))
    for narrower, broader in list(graph.subject_objects(SKOS.broader)):
        graph.add((broader, SKOS.narrower, narrower))
    for broader, narrower in list(graph.subject_objects(SKOS.narrower)):
        graph.add((narrower, SKOS.broader, broader))
    return Vocabulary(graph, "skos")


def read_entity_list(path: Path) -> Vocabulary:
    """An entity list: CSV with a header ``label,type,aliases,sameAs,description,language`` (aliases and
    sameAs separated by ``|``; type Person, Organization, Place, Topic or Technology; language de if empty).
    A bad row is reported (file and row) and skipped; the others are kept."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise VocabError(f"{path}: not UTF-8 text") from None
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = {(name or "").strip().lower(): name for name in reader.fieldnames or ()}
    if "label" not in header:
        raise VocabError(f"{path}: no 'label' column in the header (expected {','.join(CSV_COLUMNS)})")
    unknown = sorted(set(header) - set(CSV_COLUMNS) - {""})
    warnings = [f"{path}: column(s) {', '.join(unknown)} ignored"] if unknown else []
    graph = Graph()
    for row_number, row in enumerate(reader, start=2):
        value = {key: (row.get(name) or "").strip() for key, name in header.items()}
        label = value.get("label", "")
        if not label:
            warnings.append(f"{path}:{row_number}: no label; row skipped")
            continue
        kind = value.get("type", "").lower() or "topic"
        etype = _CSV_TYPES.get(kind)
        if etype is None:
            warnings.append(f"{path}:{row_number}: unknown type {value['type']!r} (expected Person, Organization, "
                            f"Place, Topic or Technology); row skipped")
            continue
        language = value.get("language", "").lower() or "de"
        same_as = [s.strip() for s in value.get("sameas", "").split("|") if s.strip()]
        bad = [s for s in same_as if not s.startswith(("http://", "https://"))]
        if bad:
            warnings.append(f"{path}:{row_number}: sameAs {bad[0]!r} is not an http(s) IRI; row skipped")
            continue
        iri = concept_iri(label) if etype.is_concept else entity_iri(label)
        graph.add((iri, RDF.type, TG[etype.value]))
        if etype.is_concept:
            graph.add((iri, RDF.type, SKOS.Concept))
        graph.add((iri, SKOS.prefLabel, Literal(label, lang=language)))
        for alias in (a.strip() for a in value.get("aliases", "").split("|")):
            if alias and alias != label:
                graph.add((iri, SKOS.altLabel, Literal(alias, lang=language)))
        for same in same_as:
            graph.add((iri, OWL.sameAs, URIRef(same)))
        if value.get("description"):
            graph.add((iri, RDFS.comment, Literal(value["description"], lang=language)))
    if not len(graph):
        raise VocabError(f"{path}: no usable row" + (f" ({warnings[-1]})" if warnings else ""))
    return Vocabulary(graph, "entities", warnings)

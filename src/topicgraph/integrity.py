"""Integrity check: validate the store against ``ontology/shapes.ttl`` (SHACL, with pyshacl) and recount the
derived statistics from the article graphs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from .knowledge.kb import ONTOLOGY_DIR
from .namespaces import PREFIXES
from .store import Store
from .store.derived import count_mismatches, type_mismatches

SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

#: The part of the store the shapes look at: types, class hierarchy, and the shaped properties.
#: Validating this subset instead of every triple keeps the check fast on a large archive.
SUBSET_QUERY = """
CONSTRUCT { ?s ?p ?o } WHERE {
  ?s ?p ?o .
  FILTER(?p IN (rdf:type, rdfs:subClassOf, tg:articleId, dcterms:title, dcterms:date, tg:contentHash,
                tg:hasMention, tg:mentions, tg:about, tg:inArticle, tg:refersTo, tg:startOffset,
                tg:endOffset, tg:surfaceForm, skos:prefLabel, rdfs:label))
}
"""

COUNTS_QUERY = """
SELECT (COUNT(DISTINCT ?a) AS ?articles) (COUNT(DISTINCT ?m) AS ?mentions) (COUNT(DISTINCT ?e) AS ?entities)
WHERE { { ?a a tg:Article } UNION { ?m a tg:Mention } UNION { ?x tg:refersTo ?e } }
"""


@dataclass(frozen=True)
class Finding:
    """One SHACL result: the node, the property path, the message and whether it is only a warning."""

    focus: str
    path: str
    message: str
    value: str = ""
    warning: bool = False

    def __str__(self) -> str:
        where = f"{self.focus} ({self.path})" if self.path else self.focus
        shown = f": {self.value}" if self.value else ""
        return f"{where}: {self.message}{shown}"


@dataclass
class CheckReport:
    """What ``check`` found."""

    articles: int = 0
    mentions: int = 0
    entities: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if not f.warning]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.warning]

    @property
    def ok(self) -> bool:
        return not self.violations


def _prefixed() -> Graph:
    """An empty graph that knows the project's prefixes (for short names of terms)."""
    names = Graph()
    for prefix, ns in PREFIXES.items():
        names.bind(prefix, str(ns), replace=True)
    return names


def _short(term: object, graph: Graph) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return graph.namespace_manager.normalizeUri(term)
    return str(term)


def validate_graph(data: Graph, shapes_file: Path = SHAPES_FILE) -> list[Finding]:
    """SHACL findings for one rdflib graph (no inference; the class hierarchy must be in ``data``)."""
    shapes = Graph().parse(shapes_file, format="turtle")
    _conforms, results, _text = validate(data, shacl_graph=shapes, inference="none", advanced=False)
    names = _prefixed()
    findings = []
    for result in results.subjects(SH.resultSeverity, None):
        severity = results.value(result, SH.resultSeverity)
        message = results.value(result, SH.resultMessage)
        findings.append(Finding(
            focus=_short(results.value(result, SH.focusNode), names),
            path=_short(results.value(result, SH.resultPath), names),
            message=str(message) if message is not None else _short(results.value(result, SH.sourceConstraintComponent), names),
            value=_short(results.value(result, SH.value), names),
            warning=severity != SH.Violation,
        ))
    return sorted(findings, key=lambda f: (f.warning, f.focus, f.path, f.message))


def count_findings(store: Store) -> list[Finding]:
    """A violation for each count of the derived statistics (tgg:derived) that a recount of the stored
    article graphs does not confirm (:func:`topicgraph.store.derived.count_mismatches`), and for each entity
    whose derived type is not the one the article graphs give it (:func:`~topicgraph.store.derived.type_mismatches`)."""

    names = _prefixed()
    return [Finding(focus=_short(node, names), path=_short(predicate, names),
                    message="derived count disagrees with the article graphs",
                    value=f"stored {', '.join(map(str, stored)) or 'nothing'}, recounted {recounted}")
            for node, predicate, stored, recounted in count_mismatches(store)] + [
        Finding(focus=_short(entity, names), path="rdf:type", message="derived type disagrees with the article graphs",
                value=f"stored {', '.join(_short(URIRef(t), names) for t in stored) or 'nothing'}, "
                      f"article graphs {', '.join(_short(URIRef(t), names) for t in stated)}")
        for entity, stored, stated in type_mismatches(store)]


def check_store(store: Store, shapes_file: Path = SHAPES_FILE, counts: bool = True) -> CheckReport:
    """Validate the union of the store's graphs (its shaped subset) against the SHACL shapes and, with
    ``counts``, recount the derived statistics."""
    totals = store.query(COUNTS_QUERY).rows[0]
    data = store.query(SUBSET_QUERY).graph or Graph()
    report = CheckReport(*(int(c.toPython()) if c is not None else 0 for c in totals))
    report.findings = validate_graph(data, shapes_file)
    if counts:
        report.findings += count_findings(store)
    return report

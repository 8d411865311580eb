"""Editorial curation: a TOML file of changes in the store directory, applied to the knowledge base.

The file is ``<store>/curation.toml``: an array of ``[[change]]`` tables, oldest first, each with

* ``action``: ``merge`` | ``rename`` | ``alias`` | ``reject`` | ``pin-type`` | ``accept`` | ``split``
  (``split``: ``entity`` and ``into`` stay two nodes; entity resolution never merges them, pipeline/split.py)
* ``entity``: the IRI changed (for ``accept``: the IRI of the new concept, or of the new entity when
  ``type`` is Organization, Person or Place: a name candidate accepted as an entity)
* ``into`` (merge): the IRI kept; ``label`` (rename, accept; otherwise the label of the entity kept
  when it is not in the knowledge base); ``alias`` (alias; for merge: the merged entity's name);
  ``type`` (pin-type; otherwise the type of an entity not in the knowledge base);
  ``broader`` and ``label_en`` (accept, optional)
* ``by``, ``when`` (ISO 8601 UTC), ``why``: who made the change, when and why.

The knowledge base the extractor uses is the shipped one with these changes applied in order
(:func:`curated_kb`); every change is also a ``prov:Activity`` in the store's curation graph.
"""

from __future__ import annotations

import datetime as dt
import json
try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from ..errors import TopicgraphError
from .kb import KnowledgeBase
from ..model import EntityType
from ..namespaces import TECH, TG, agent_iri, concept_iri, curation_change_iri, entity_iri

CURATION_FILE = "curation.toml"
ACTIONS = ("merge", "rename", "alias", "reject", "pin-type", "accept", "split")
_HEADER = (
    "# topicgraph editorial curation: applied in order at every ingest and by `topicgraph curate apply`.\n"
    "# Edit with `topicgraph curate merge|rename|alias|reject|pin-type|accept ... --by NAME --why TEXT`.\n"
)


class CurationError(TopicgraphError, ValueError):
    """A curation file or change that cannot be used; the message names the file and problem."""


@dataclass(frozen=True)
class Change:
    """One editorial change."""

    action: str
    entity: str
    by: str
    why: str
    when: str
    into: str = ""
    label: str = ""
    alias: str = ""
    type: str = ""
    broader: str = ""
    label_en: str = ""

    def validate(self) -> None:
        if self.action not in ACTIONS:
            raise CurationError(f"unknown curation action {self.action!r} (expected one of {', '.join(ACTIONS)})")
        if not self.entity.startswith(("http://", "https://")):
            raise CurationError(f"{self.action}: entity {self.entity!r} is not an IRI")
        if not self.by.strip() or not self.why.strip():
            raise CurationError(f"{self.action} {self.entity}: 'by' and 'why' are required")
        needed = {"merge": "into", "split": "into", "rename": "label", "alias": "alias", "pin-type": "type", "accept": "label"}
        if (name := needed.get(self.action)) and not getattr(self, name):
            raise CurationError(f"{self.action} {self.entity}: {name!r} is required")
        if self.type and self.type not in {t.value for t in EntityType}:
            raise CurationError(f"{self.action} {self.entity}: unknown type {self.type!r} "
                                f"(expected Organization, Person, Place or Technology)")
        if self.action in {"merge", "split"} and self.into == self.entity:
            raise CurationError(f"{self.action} {self.entity}: 'into' must be another entity")


def curation_path(store_dir: Path) -> Path:
    return store_dir / CURATION_FILE


def read_changes(path: Path) -> list[Change]:
    """The changes in a curation file (none if it does not exist)."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CurationError(f"{path}: not valid TOML ({exc})") from None
    known = {f.name for f in fields(Change)}
    changes = []
    for n, table in enumerate(data.get("change", []), 1):
        unknown = set(table) - known
        if unknown:
            raise CurationError(f"{path}: change {n}: unknown field(s) {', '.join(sorted(unknown))}")
        try:
            change = Change(**{k: str(v) for k, v in table.items()})
        except TypeError as exc:
            raise CurationError(f"{path}: change {n}: {exc}") from None
        try:
            change.validate()
        except CurationError as exc:
            raise CurationError(f"{path}: change {n}: {exc}") from None
        changes.append(change)
    return changes


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def write_changes(path: Path, changes: list[Change]) -> None:
    """Write the whole file (header comment + one ``[[change]]`` table per change)."""
    parts = [_HEADER]
    for change in changes:
        parts.append("\n[[change]]\n")
        for key, value in asdict(change).items():
            if value:
                parts.append(f"{key} = {_toml_string(value)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(path)


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def add_change(path: Path, change: Change) -> Change:
    """Validate a change and append it to the curation file."""
    change.validate()
    changes = read_changes(path)
    changes.append(change)
    write_changes(path, changes)
    return change


# --------------------------------------------------------------------------- applying

def _ensure_entity(graph: Graph, iri: URIRef, change: Change) -> None:
    """A curated entity that is not in the knowledge base enters it with its label and type."""
    if (iri, RDF.type, None) in graph:
        return
    if not change.label and not change.type:
        raise CurationError(f"{change.action} {iri}: not in the knowledge base, and the change has no label/type")
    graph.add((iri, RDF.type, TG[change.type or "Entity"]))
    label = change.label or str(iri).rsplit("/", 1)[-1]
    graph.add((iri, SKOS.prefLabel, Literal(label, lang="de")))


def _entity_types(graph: Graph, iri: URIRef) -> list[URIRef]:
    return [t for t in graph.objects(iri, RDF.type)
            if t in {TG.Organization, TG.Person, TG.Place, TG.Technology, TG.Topic, TG.Entity}]


def apply_changes(base: Graph, changes: list[Change]) -> tuple[Graph, dict[str, str], set[str], Graph]:
    """The knowledge-base graph with the changes applied, merges, rejections and the PROV graph."""
    graph = Graph()
    for triple in base:
        graph.add(triple)
    redirects: dict[str, str] = {}
    rejected: set[str] = set()
    prov = Graph()
    for number, change in enumerate(changes, 1):
        iri = URIRef(change.entity)
        if change.action == "merge":
            into = URIRef(change.into)
            _ensure_entity(graph, into, change)
            labels = [o for p in (SKOS.prefLabel, SKOS.altLabel, RDFS.label) for o in graph.objects(iri, p)]
            if change.alias:
                labels.append(Literal(change.alias, lang="de"))
            for label in labels:
                graph.add((into, SKOS.altLabel, label))
            for t in _entity_types(graph, iri):
                graph.remove((iri, RDF.type, t))
            graph.add((iri, DCTERMS.isReplacedBy, into))
            redirects[str(iri)] = str(into)
        elif change.action == "rename":
            _ensure_entity(graph, iri, change)
            for old in list(graph.objects(iri, SKOS.prefLabel)):
                if isinstance(old, Literal) and (old.language or "de") == "de":
                    graph.remove((iri, SKOS.prefLabel, old))
                    graph.add((iri, SKOS.altLabel, old))
            graph.add((iri, SKOS.prefLabel, Literal(change.label, lang="de")))
        elif change.action == "alias":
            _ensure_entity(graph, iri, change)
            graph.add((iri, SKOS.altLabel, Literal(change.alias, lang="de")))
        elif change.action == "reject":
            for t in _entity_types(graph, iri):
                graph.remove((iri, RDF.type, t))
            rejected.add(str(iri))
        elif change.action == "pin-type":
            _ensure_entity(graph, iri, change)
            for t in _entity_types(graph, iri):
                graph.remove((iri, RDF.type, t))
            graph.add((iri, RDF.type, TG[change.type]))
        elif change.action == "accept" and change.type and change.type != EntityType.TECHNOLOGY.value:
            graph.add((iri, RDF.type, TG[change.type]))
            graph.add((iri, SKOS.prefLabel, Literal(change.label, lang="de")))
        elif change.action == "accept":
            graph.add((iri, RDF.type, TG.Technology))
            graph.add((iri, RDF.type, SKOS.Concept))
            graph.add((iri, SKOS.inScheme, TECH.scheme))
            graph.add((iri, SKOS.prefLabel, Literal(change.label, lang="de")))
            if change.label_en:
                graph.add((iri, SKOS.prefLabel, Literal(change.label_en, lang="en")))
            if change.broader:
                graph.add((iri, SKOS.broader, URIRef(change.broader)))
                graph.add((URIRef(change.broader), SKOS.narrower, iri))
            else:
                graph.add((iri, SKOS.topConceptOf, TECH.scheme))
        for triple in change_provenance(number, change):
            prov.add(triple)
    return graph, redirects, rejected, prov


def change_provenance(number: int, change: Change):
    """PROV triples of one change: who, when, why, what."""
    node = curation_change_iri(number, change.when)
    agent = agent_iri(change.by)
    yield node, RDF.type, TG.CurationChange
    yield node, RDF.type, PROV.Activity
    yield node, TG.curationAction, Literal(change.action)
    yield node, PROV.used, URIRef(change.entity)
    if change.into:
        yield node, PROV.used, URIRef(change.into)
    yield node, PROV.wasAssociatedWith, agent
    yield agent, RDF.type, PROV.Agent
    yield agent, RDFS.label, Literal(change.by)
    yield node, PROV.endedAtTime, Literal(change.when, datatype=XSD.dateTime)
    yield node, TG.rationale, Literal(change.why)
    details = ", ".join(f"{k}={v}" for k, v in asdict(change).items()
                        if v and k in {"into", "label", "alias", "type", "broader", "label_en"})
    if details:
        yield node, RDFS.comment, Literal(details)


def curated_kb(store_dir: Path | None, base: KnowledgeBase | None = None) -> KnowledgeBase:
    """The store's vocabularies (vocab/; the shipped ones if it has none) plus its curation."""
    if base is None:
        from .vocab.registry import store_kb

        base = store_kb(store_dir)
    changes = read_changes(curation_path(store_dir)) if store_dir is not None else []
    if not changes:
        return base
    graph, redirects, rejected, prov = apply_changes(base.graph, changes)
    return KnowledgeBase.from_graph(graph, redirects, rejected, prov, base.vocabularies)


def new_concept_iri(label: str, type_name: str = "") -> str:
    """IRI for a candidate accepted into the knowledge base: a technology concept, or an entity of
    ``type_name`` (Organization, Person, Place)."""
    if type_name and type_name != EntityType.TECHNOLOGY.value:
        return str(entity_iri(label))
    return str(concept_iri(label))


#: Predicates that describe an entity in an article graph (graph.entity_triples): a merged entity's go.
_DESCRIPTION = frozenset({RDF.type, SKOS.prefLabel, RDFS.label, SKOS.altLabel, OWL.sameAs, TG.discoveredBy})


def curated_triples(triples: Iterable[tuple], replaced: dict[URIRef, URIRef], rejected: set[URIRef]) -> list[tuple]:
    """An article graph with merges (``replaced``: old IRI -> IRI kept) and rejections applied: a merged
    entity's description goes and every other triple of it refers to the entity kept; a rejected
    entity's triples and its mention nodes go."""
    triples = list(triples)
    dropped = {s for s, p, o in triples if p == TG.refersTo and o in rejected}
    out: dict[tuple, None] = {}
    for s, p, o in triples:
        if s in dropped or o in dropped or s in rejected or o in rejected:
            continue
        if s in replaced:
            if p in _DESCRIPTION:
                continue
            s = replaced[s]
        out[(s, p, replaced.get(o, o))] = None
    return list(out)

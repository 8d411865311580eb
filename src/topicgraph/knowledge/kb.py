"""The knowledge base: ontology, seed entities and the technology scheme from ``ontology/``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..model import Entity, EntityType, Mention
from ..namespaces import TG

#: ``ontology/`` shipped with the package (a link to the repository's top-level folder).
ONTOLOGY_DIR = Path(__file__).parent.parent / "ontology"

_TYPE_BY_CLASS = {
    TG.Organization: EntityType.ORGANIZATION,
    TG.Person: EntityType.PERSON,
    TG.Place: EntityType.PLACE,
    TG.Technology: EntityType.TECHNOLOGY,
    TG.Topic: EntityType.TOPIC,
}


@dataclass(frozen=True)
class Label:
    """One name of a knowledge-base entry."""

    text: str
    language: str
    iri: str
    preferred: bool


@dataclass
class KnowledgeBase:
    """Entities and concepts known before any article is read."""

    graph: Graph
    entities: dict[str, Entity] = field(default_factory=dict)
    labels: list[Label] = field(default_factory=list)
    #: editorial curation: merged entity IRI -> the IRI it was merged into
    redirects: dict[str, str] = field(default_factory=dict)
    #: editorial curation: IRIs rejected as false entities (their mentions are dropped)
    rejected: set[str] = field(default_factory=set)
    #: PROV record of the curation changes applied to this knowledge base, if any
    provenance: Graph | None = None
    #: the vocabularies it was built from (vocab/): named-graph IRI -> the vocabulary's triples as added
    vocabularies: dict[str, frozenset] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph, redirects: dict[str, str] | None = None,
                   rejected: set[str] | None = None, provenance: Graph | None = None,
                   vocabularies: dict[str, frozenset] | None = None) -> "KnowledgeBase":
        """A knowledge base over an already built graph (e.g. the shipped one plus curation)."""
        kb = cls(graph, redirects=dict(redirects or {}), rejected=set(rejected or ()), provenance=provenance,
                 vocabularies=dict(vocabularies or {}))
        kb._index()
        return kb

    def resolve(self, iri: str) -> str | None:
        """Follow curation merges; None for a rejected entity."""
        seen = set()
        while iri in self.redirects and iri not in seen:
            seen.add(iri)
            iri = self.redirects[iri]
        return None if iri in self.rejected else iri

    def curate(self, mentions: list[Mention], entities: dict[str, Entity]) -> tuple[list[Mention], dict[str, Entity]]:
        """Apply merges and rejections to one article's mentions and entities."""
        if not self.redirects and not self.rejected:
            return mentions, entities
        from dataclasses import replace

        kept: list[Mention] = []
        result: dict[str, Entity] = {}
        for m in mentions:
            target = self.resolve(m.entity_iri)
            if target is None:
                continue
            entity = self.entities.get(target) or entities.get(target) or entities.get(m.entity_iri)
            if entity is None:
                continue
            if entity.iri != target:
                entity = replace(entity, iri=target)
            result[target] = entity
            kept.append(m if target == m.entity_iri else replace(m, entity_iri=target, label=entity.type.ner_label))
        return kept, result

    @classmethod
    def load(cls, paths: Iterable[Path] | None = None) -> "KnowledgeBase":
        """Parse the Turtle files (default: every ``*.ttl`` in ``ontology/``, shapes excluded)."""
        graph = Graph()
        files = list(paths) if paths is not None else sorted(
            p for p in ONTOLOGY_DIR.glob("*.ttl") if p.name != "shapes.ttl"
        )
        for path in files:
            graph.parse(path, format="turtle")
        kb = cls(graph)
        kb._index()
        return kb

    def _index(self) -> None:
        g = self.graph
        for cls_iri, etype in _TYPE_BY_CLASS.items():
            # sorted: the order of labels decides ties in the gazetteer and the linker, and rdflib's
            # iteration order changes with the interpreter's hash seed (one process to the next)
            for subject in sorted(g.subjects(RDF.type, cls_iri)):
                if not isinstance(subject, URIRef) or str(subject) in self.entities:
                    continue
                pref = self._pref_label(subject)
                alts: list[str] = []
                for pred in (SKOS.prefLabel, SKOS.altLabel, RDFS.label, SKOS.hiddenLabel):
                    for lit in sorted(g.objects(subject, pred)):
                        if isinstance(lit, Literal):
                            lang = (lit.language or "").lower()
                            self.labels.append(Label(str(lit), lang, str(subject), pred == SKOS.prefLabel))
                            if str(lit) != pref and str(lit) not in alts:
                                alts.append(str(lit))
                self.entities[str(subject)] = Entity(
                    iri=str(subject),
                    type=etype,
                    label=pref,
                    alt_labels=tuple(alts),
                    same_as=tuple(sorted(str(o) for o in g.objects(subject, OWL.sameAs))),
                    in_kb=True,
                    broader=tuple(sorted(str(o) for o in g.objects(subject, SKOS.broader))),
                )

    def _pref_label(self, subject: URIRef, language: str = "de") -> str:
        best: str | None = None
        for lit in sorted(self.graph.objects(subject, SKOS.prefLabel)):
            if isinstance(lit, Literal):
                if (lit.language or "") == language:
                    return str(lit)
                best = best or str(lit)
        if best is None:
            best = str(self.graph.value(subject, RDFS.label) or str(subject).rsplit("/", 1)[-1])
        return best

    def label(self, iri: str, language: str = "de") -> str:
        """Preferred label in a language, falling back to any."""
        return self._pref_label(URIRef(iri), language)

    def get(self, iri: str) -> Entity | None:
        return self.entities.get(iri)

    def broader(self, iri: str) -> tuple[str, ...]:
        entity = self.entities.get(iri)
        return entity.broader if entity else ()

    def ancestors(self, iri: str) -> set[str]:
        """All broader concepts, transitively."""
        seen: set[str] = set()
        todo = list(self.broader(iri))
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.broader(current))
        return seen


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The ontology plus the vocabularies on by default (the shipped energy vocabulary; parsed once per process)."""
    from .vocab.registry import shipped_kb

    return shipped_kb()

"""What the store holds about the knowledge base and entities: the ontology/KB and curation graphs,
entities minted by earlier ingests, an entity's label and type."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Graph, Literal

from ..knowledge.curation import CurationError
from ..knowledge.kb import KnowledgeBase
from ..model import Entity, EntityType
from ..namespaces import CURATION_GRAPH, KB_GRAPH, RESOLUTION_GRAPH
from .base import QueryResult, Store


def load_kb_graph(store: Store, kb_graph: Graph) -> None:
    """Write the ontology and seed knowledge base into their own named graph."""
    store.replace_graph(KB_GRAPH, kb_graph)


def write_curation_graph(store: Store, kb: KnowledgeBase) -> None:
    """Store the PROV record of the changes (an empty graph when there are none)."""
    store.replace_graph(CURATION_GRAPH, list(kb.provenance) if kb.provenance is not None else [])


def stored_new_entities(store: Store) -> Iterator[Entity]:
    """Entities minted by earlier ingests (not in the knowledge base), for cross-article merging."""
    result = store.query(
        "SELECT ?e ?type (SAMPLE(?l) AS ?label) WHERE { ?e tg:discoveredBy ?how ; a ?type ; skos:prefLabel ?l . "
        "FILTER(?type IN (tg:Organization, tg:Person, tg:Place)) } GROUP BY ?e ?type")
    for iri, etype, label in result.rows:
        yield Entity(str(iri), EntityType(str(etype).rsplit("#", 1)[-1]), str(label))


def entity_facts(store: Store, iri: str, kb: KnowledgeBase) -> tuple[str, str]:
    """Label and type name of an entity, from the knowledge base or else from the store."""
    entity = kb.get(iri)
    if entity is not None:
        return entity.label, entity.type.value
    types = ", ".join(f"tg:{t.value}" for t in EntityType if t is not EntityType.OTHER)
    result = store.query(
        f"SELECT ?label ?type WHERE {{ <{iri}> a ?type . OPTIONAL {{ <{iri}> skos:prefLabel ?label }} "
        f"FILTER(?type IN ({types})) }} LIMIT 1")
    if not result.rows:
        raise CurationError(f"{iri}: no such entity in the knowledge base or the store")
    label, etype = result.rows[0]
    return (str(label) if label is not None else str(iri).rsplit("/", 1)[-1]), str(etype).rsplit("#", 1)[-1]


def resolution_merges(store: Store, article_id: str | None = None) -> QueryResult:
    """What entity resolution merged (for ``topicgraph article ID`` and ``entities --resolution``): rows
    (kept entity, merged entity, its old name, rule, evidence) of the live merges; with
    ``article_id``: those that moved a mention of that article."""
    article = ""
    if article_id is not None:
        article = (f"?m tg:inArticle ?a . ?a tg:articleId {Literal(article_id).n3()} . ")
    return store.query(
        f"SELECT DISTINCT ?into ?merged ?name ?rule ?evidence WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ "
        f"?r a tg:ResolutionMerge ; prov:used ?merged ; tg:mergedInto ?into ; tg:mergedLabel ?name ; "
        f"tg:resolutionRule ?rule ; tg:evidence ?evidence "
        + (". ?r tg:movedMention ?m " if article_id is not None else "")
        + f"FILTER NOT EXISTS {{ ?r tg:undoneBy ?c }} }} {article} }} ORDER BY ?into ?name")

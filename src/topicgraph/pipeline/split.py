"""``topicgraph curate split``: undo a resolution merge, restoring the merged node and its mentions.

The split is an editorial change (``action = "split"`` in ``curation.toml``): the resolution never
merges the two nodes again. In the store, the mentions the merge moved refer to the merged node again
(each article rewritten in one transaction with its derived statistics), the node gets its name and
type back, and the merge record is marked ``tg:undoneBy`` the change (its ``owl:sameAs`` goes).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..knowledge.curation import (
    Change,
    CurationError,
    add_change,
    curation_path,
    now,
    read_changes,
)
from ..model import Entity, EntityType
from ..namespaces import (
    RESOLUTION_GRAPH,
    TG,
    article_graph_iri,
    article_id_from_iri,
    curation_change_iri,
    curie_iri,
)
from ..store.derived import rewrite_update

_TYPE_BY_CLASS = {TG[t.value]: t for t in EntityType}


@dataclass
class SplitReport:
    """What a split did."""

    merged: str
    into: str
    rewritten: list[str] = field(default_factory=list)
    change: Change | None = None


def find_merge(store, value: str) -> tuple[URIRef, str, str, str, EntityType, list[str]]:
    """The live merge record of a merged node given as IRI, CURIE or its old name: (record, merged IRI,
    kept IRI, old label, old type, moved mentions)."""
    iri = curie_iri(value)
    where = (f"VALUES ?merged {{ <{iri}> }}" if iri is not None
             else f"FILTER(LCASE(STR(?label)) = {Literal(value.lower()).n3()})")
    rows = store.query(
        f"SELECT ?r ?merged ?into ?label ?type WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ ?r a tg:ResolutionMerge ; "
        f"prov:used ?merged ; tg:mergedInto ?into ; tg:mergedLabel ?label ; tg:mergedType ?type . "
        f"FILTER NOT EXISTS {{ ?r tg:undoneBy ?c }} }} {where} }}").rows
    if not rows:
        raise CurationError(f"{value}: no resolution merge of that entity to undo (see `topicgraph resolve --dry-run`)")
    if len({str(r[1]) for r in rows}) > 1:
        raise CurationError(f"{value}: several merged entities have that name; give the IRI")
    record, merged, into, label, etype = rows[0]
    moved = [str(m) for (m,) in store.query(
        f"SELECT ?m WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ <{record}> tg:movedMention ?m }} }}").rows]
    return record, str(merged), str(into), str(label), _TYPE_BY_CLASS.get(etype, EntityType.OTHER), moved


def split(store, store_dir: Path, value: str, by: str, why: str) -> SplitReport:
    """Undo the resolution merge of ``value`` (see module doc); returns the articles rewritten."""
    record, merged, into, label, etype, moved = find_merge(store, value)
    change = add_change(curation_path(store_dir), Change(action="split", entity=merged, into=into, by=by,
                                                         why=why, when=now()))
    report = SplitReport(merged, into, change=change)
    m_iri, i_iri = URIRef(merged), URIRef(into)
    by_graph: dict[str, set[URIRef]] = defaultdict(set)
    for mention in moved:
        by_graph[article_id_from_iri(mention.split("#", 1)[0])].add(URIRef(mention))
    for article_id, mentions in sorted(by_graph.items()):
        graph = str(article_graph_iri(article_id))
        triples = [tuple(r) for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").rows]
        if not triples:
            continue
        out = []
        for s, p, o in triples:
            if s in mentions and p == TG.refersTo:
                o = m_iri
            elif s in mentions and p == TG.nerLabel:
                o = Literal(etype.ner_label)
            elif s == i_iri and p == SKOS.altLabel and str(o) == label:
                continue
            out.append((s, p, o))
        article = next((s for s, p, o in triples if p == TG.hasMention), None)
        still = {o for s, p, o in out if p == TG.refersTo}
        out = [t for t in out if not (t[1] == TG.mentions and t[2] == i_iri and i_iri not in still)]
        out += [(article, TG.mentions, m_iri), (m_iri, RDF.type, TG[etype.value]), (m_iri, SKOS.prefLabel, Literal(label)),
                (m_iri, RDFS.label, Literal(label)), (m_iri, TG.discoveredBy, Literal("model"))]
        out = list(dict.fromkeys(out))
        restored = Entity(merged, etype, label)  # described anew in the derived statistics, as before the merge
        store.replace_graph(URIRef(graph), out, also=rewrite_update(store, article_id, out, [restored]))
        report.rewritten.append(article_id)
    number = len(read_changes(curation_path(store_dir)))
    kept = [tuple(r) for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ ?s ?p ?o }} }}").rows
            if not (r[0] == m_iri and r[1] == OWL.sameAs and r[2] == i_iri)]
    kept.append((record, TG.undoneBy, curation_change_iri(number, change.when)))
    store.replace_graph(RESOLUTION_GRAPH, kept)
    return report

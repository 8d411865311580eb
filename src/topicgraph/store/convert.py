"""The SPARQL Update text of a whole graph's change (and the term conversions of :mod:`topicgraph.oxterms`)."""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import URIRef

from ..namespaces import sparql_prefixes
from ..oxterms import to_ox
from .base import CountUpdate, Triple


def with_prefixes(sparql: str) -> str:
    """The query with the project's prefixes declared (for engines that take no prefix table)."""
    return sparql_prefixes() + sparql


def replace_graph_update(graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> str:
    """One SPARQL update that drops a named graph, writes its new triples and runs also after."""
    return replace_graphs_update([(graph, triples)], also)


def replace_graphs_update(graphs: Iterable[tuple[URIRef, Iterable[Triple]]], also: CountUpdate | None = None) -> str:
    """One SPARQL update that replaces each named graph by its new triples, then runs also (ValueError if a
    term cannot be written)."""
    parts = []
    for graph, triples in graphs:
        g = URIRef(graph).n3()
        body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
        parts.append(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}")
    also_text = also.sparql() if also else ""
    return " ;\n".join(parts + ([also_text] if also_text else []))


def remove_graph_update(graph: URIRef, also: CountUpdate | None = None) -> str:
    """One SPARQL update that runs also (while the graph is still there) and drops the graph."""
    also_text = also.sparql() if also else ""
    drop = f"DROP SILENT GRAPH {URIRef(graph).n3()}"
    return f"{also_text} ;\n{drop}" if also_text else drop

"""Terms between rdflib and Oxigraph, and the SPARQL Update text of a whole graph's change."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..namespaces import sparql_prefixes
from .base import CountUpdate, Triple


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def ox_quad(s: Node, p: Node, o: Node, g: Node) -> ox.Quad:
    """An rdflib quad as an Oxigraph quad (raises ValueError for terms Oxigraph rejects)."""
    return ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))


#: Literals up to this length are converted once and remembered (see :func:`from_ox`).
_CACHED_LITERAL = 200


def from_ox(term: object) -> Node | None:
    """An Oxigraph term as an rdflib term (None stays None). Answers repeat terms (types, predicates,
    entities, counts): IRIs and short literals are converted once each (rdflib terms are immutable);
    long literals (article terms, evidence) are not kept."""
    if isinstance(term, ox.Literal) and len(term.value) > _CACHED_LITERAL:
        return _term_from_ox(term)
    return _cached_term_from_ox(term)


def _term_from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


_cached_term_from_ox = lru_cache(maxsize=1 << 16)(_term_from_ox)

def with_prefixes(sparql: str) -> str:
    """The query with the project's prefixes declared (for engines that take no prefix table)."""
    return sparql_prefixes() + sparql


def replace_graph_update(graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> str:
    """One SPARQL update that drops a named graph, writes its new triples and runs also after."""
    also_text = also.sparql() if also else ""
    g = URIRef(graph).n3()
    body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
    text = f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"
    return f"{text} ;\n{also_text}" if also_text else text


def remove_graph_update(graph: URIRef, also: CountUpdate | None = None) -> str:
    """One SPARQL update that runs also (while the graph is still there) and drops the graph."""
    also_text = also.sparql() if also else ""
    drop = f"DROP SILENT GRAPH {URIRef(graph).n3()}"
    return f"{also_text} ;\n{drop}" if also_text else drop

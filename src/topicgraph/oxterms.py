"""RDF terms between rdflib and Oxigraph (every stage that parses or stores RDF with Oxigraph uses these)."""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node


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

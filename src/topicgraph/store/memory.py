"""rdflib's in-memory Dataset: the fallback store, slower than Oxigraph by an order of magnitude."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import islice

from pyparsing import ParseBaseException
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.plugins.sparql.sparql import SPARQLError
from rdflib.term import Node

from ..namespaces import PREFIXES
from .base import CountUpdate, QueryError, QueryResult, Triple, first_line
from .convert import with_prefixes

#: What rdflib raises for a query it cannot parse or evaluate.
_ENGINE_ERRORS = (ParseBaseException, SPARQLError, SyntaxError, ValueError)


class RdflibStore:
    """rdflib's in-memory Dataset: the fallback, slower than Oxigraph by an order of magnitude."""

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, str(ns))

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> None:
        new = Graph(identifier=graph)
        for triple in triples:
            new.add(triple)
        self.dataset.remove_graph(graph)
        context = self.dataset.graph(graph)
        context += new
        self._apply(also)

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]],
                       also: CountUpdate | None = None) -> None:
        """:meth:`replace_graph` of several graphs with one ``also`` after them (memory: no transaction)."""
        for graph, triples in graphs:
            self.replace_graph(graph, triples)
        self._apply(also)

    def remove_graph(self, graph: URIRef, also: CountUpdate | None = None) -> None:
        self._apply(also)
        self.dataset.remove_graph(graph)

    def _apply(self, also: CountUpdate | None) -> None:
        """Apply a count update directly (rdflib's SPARQL engine is too slow for its SPARQL form)."""
        if not also:
            return
        graph = self.dataset.graph(also.graph)
        for triple in also.deletes:
            graph.remove(triple)
        for triple in also.inserts:
            graph.add(triple)
        for (node, predicate), d in also.increments.items():
            old = graph.value(node, predicate)
            graph.set((node, predicate, Literal((int(old) if old is not None else 0) + d, datatype=XSD.integer)))
        for node in also.shrunk:
            for predicate in also.drop_value_at_zero:
                value = graph.value(node, predicate)
                if value is not None and int(value) <= 0:
                    graph.remove((node, predicate, None))
            for predicate in also.drop_node_at_zero:
                count = graph.value(node, predicate)
                if count is not None and int(count) <= 0:
                    graph.remove((node, None, None))

    def bulk_load(self, quads: Iterable[tuple[Node, Node, Node, Node]]) -> None:
        """Add quads (no faster path in rdflib)."""
        for s, p, o, g in quads:
            self.dataset.graph(g).add((s, p, o))

    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        try:
            result = self.dataset.query(with_prefixes(sparql))
        except _ENGINE_ERRORS as exc:
            raise QueryError(first_line(exc)) from None
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            return QueryResult(variables, [tuple(row) for row in islice(result, max_rows)])
        if result.type == "ASK":
            return QueryResult(boolean=bool(result.askAnswer))
        graph = Graph()
        for triple in islice(result, max_rows):
            graph.add(triple)
        return QueryResult(graph=graph)

    def update(self, sparql: str) -> None:
        try:
            self.dataset.update(with_prefixes(sparql))
        except _ENGINE_ERRORS as exc:
            raise QueryError(first_line(exc)) from None

    def dump_nquads(self) -> bytes:
        return self.dataset.serialize(format="nquads", encoding="utf-8")

    def graphs(self) -> list[URIRef]:
        return [g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)
                and str(g.identifier) != "urn:x-rdflib:default"]

    def close(self) -> None:
        pass


"""What a store is: the backend protocol, its optional capabilities, the typed update that runs beside an
article's graph, answers, and the one exception hierarchy every backend maps its engine's errors into."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..errors import TopicgraphError

Triple = tuple[Node, Node, Node]
Quad = tuple[Node, Node, Node, Node]


# --------------------------------------------------------------------------- errors

class StoreError(TopicgraphError, RuntimeError):
    """The store cannot be opened, read or written; the message says why."""


class StoreLocked(StoreError):
    """Another process holds the store's write lock; the message names it."""


class QueryError(StoreError, ValueError):
    """A query, update or query parameter that cannot be run (the engine rejected it, or a parameter is
    wrong); the message says why."""


def first_line(exc: BaseException) -> str:
    """An engine error's first line (its class name if it has no text)."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --------------------------------------------------------------------------- answers

@dataclass
class QueryResult:
    """Answer to a SPARQL query: rows for SELECT, a boolean for ASK, a graph for CONSTRUCT/DESCRIBE."""

    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        return [dict(zip(self.variables, row)) for row in self.rows]

    def column(self, name: str) -> list[Node | None]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


# --------------------------------------------------------------------------- the update beside a graph

@dataclass
class CountUpdate:
    """A change of one named graph of counts (the derived statistics), applied in the same transaction as an
    article's graph: triples deleted and inserted, integer counts incremented (a missing count is 0), and,
    for the ``shrunk`` nodes, a count of ``drop_value_at_zero`` that fell to zero or below is removed, and
    a node whose count of ``drop_node_at_zero`` fell to zero or below is removed whole."""

    graph: URIRef
    inserts: set[Triple] = field(default_factory=set)
    increments: dict[tuple[URIRef, URIRef], int] = field(default_factory=dict)
    shrunk: list[URIRef] = field(default_factory=list)
    deletes: set[Triple] = field(default_factory=set)
    drop_value_at_zero: tuple[URIRef, ...] = ()
    drop_node_at_zero: tuple[URIRef, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.inserts or self.increments or self.deletes)

    def sparql(self) -> str:
        """The change as SPARQL Update operations (for backends that run SPARQL)."""
        parts = []
        g = self.graph.n3()
        if self.deletes:
            body = " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in self.deletes)
            parts.append(f"DELETE DATA {{ GRAPH {g} {{ {body} }} }}")
        if self.inserts:
            body = " ".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in self.inserts)
            parts.append(f"INSERT DATA {{ GRAPH {g} {{ {body} }} }}")
        if self.increments:
            values = " ".join(f"({n.n3()} {p.n3()} {d})" for (n, p), d in self.increments.items())
            parts.append(
                f"DELETE {{ GRAPH {g} {{ ?n ?count ?old }} }} INSERT {{ GRAPH {g} {{ ?n ?count ?new }} }}"
                f" WHERE {{ VALUES (?n ?count ?delta) {{ {values} }}"
                f" OPTIONAL {{ GRAPH {g} {{ ?n ?count ?old }} }} BIND(COALESCE(?old, 0) + ?delta AS ?new) }}")
        if self.shrunk:
            nodes = " ".join(n.n3() for n in self.shrunk)
            for predicate in self.drop_value_at_zero:
                parts.append(
                    f"DELETE {{ GRAPH {g} {{ ?n {predicate.n3()} ?c }} }} WHERE {{ VALUES ?n {{ {nodes} }}"
                    f" GRAPH {g} {{ ?n {predicate.n3()} ?c . FILTER(?c <= 0) }} }}")
            if self.drop_node_at_zero:
                counts = ", ".join(p.n3() for p in self.drop_node_at_zero)
                parts.append(
                    f"DELETE {{ GRAPH {g} {{ ?n ?p ?o }} }} WHERE {{ VALUES ?n {{ {nodes} }}"
                    f" GRAPH {g} {{ ?n ?count ?c . FILTER(?count IN ({counts}) && ?c <= 0) ?n ?p ?o }} }}")
        return " ;\n".join(parts)


# --------------------------------------------------------------------------- the protocol and its capabilities

class Store(Protocol):
    """What every backend offers. ``also`` runs in the same transaction as the graph's change."""

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> None: ...
    def remove_graph(self, graph: URIRef, also: CountUpdate | None = None) -> None: ...
    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult: ...
    def update(self, sparql: str) -> None: ...
    def dump_nquads(self) -> bytes: ...
    def graphs(self) -> list[URIRef]: ...
    def close(self) -> None: ...


@runtime_checkable
class BulkLoading(Protocol):
    """A store that can add many quads outside transactions (first loads)."""

    def bulk_load(self, quads: Iterable[Quad]) -> None: ...


@runtime_checkable
class BatchWriting(Protocol):
    """A store that replaces several named graphs and applies one count update in a single transaction (one
    request to a server, all or nothing): where each transaction costs a round trip, many small ones are slow."""

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]],
                       also: CountUpdate | None = None) -> None: ...


@runtime_checkable
class Optimizing(Protocol):
    """A store whose on-disk indexes can be compacted after a bulk load."""

    def optimize(self) -> None: ...


@runtime_checkable
class ValueSelecting(Protocol):
    """A store that answers a SELECT as plain lexical values, without building rdflib terms."""

    def select_values(self, sparql: str) -> list[tuple[str | None, ...]]: ...


def select_values(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT as lexical values (IRIs, literal text; None if unbound): for queries that read
    many rows (e.g. the related index). Uses the store's own fast path where it has one."""
    if isinstance(store, ValueSelecting):
        return store.select_values(sparql)
    return [tuple(None if v is None else str(v) for v in row) for row in store.query(sparql).rows]

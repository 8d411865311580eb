"""Embedded Oxigraph: the default store, on disk (RocksDB) or in memory."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.term import Node

from ..namespaces import PREFIXES
from .base import CountUpdate, QueryError, QueryResult, StoreError, Triple, first_line
from ..oxterms import from_ox, ox_quad
from .convert import remove_graph_update, replace_graph_update, replace_graphs_update

#: The project's prefixes as Oxigraph takes them.
_OX_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}


class OxigraphStore:
    """Embedded, persistent Oxigraph (RocksDB) in a directory; ``path=None`` keeps it in memory."""

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        #: The store directory (whose write lock guards this database), for an on-disk store.
        self.directory = path.parent if path is not None and not read_only else None
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            message = str(exc)
            if "lock" in message.lower():
                raise StoreError(f"{path}: the store is in use by another topicgraph process") from None
            raise StoreError(f"{path}: cannot open the store ({message.splitlines()[0]})") from None

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> None:
        """Drop the named graph, write the new triples and run ``also`` in one transaction."""
        self._run_update(replace_graph_update(graph, triples, also))

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]],
                       also: CountUpdate | None = None) -> None:
        """:meth:`replace_graph` of several graphs with one ``also`` after them, in one transaction."""
        self._run_update(replace_graphs_update(graphs, also))

    def remove_graph(self, graph: URIRef, also: CountUpdate | None = None) -> None:
        self._run_update(remove_graph_update(graph, also))

    def bulk_load(self, quads: Iterable[tuple[Node, Node, Node, Node]]) -> None:
        """Add quads fast, bypassing transactions (bulk loads of a fresh store only)."""
        self.bulk_load_ox(ox_quad(*quad) for quad in quads)

    def bulk_load_ox(self, quads: Iterable[ox.Quad]) -> None:
        """:meth:`bulk_load` of quads already converted with :func:`ox_quad`."""
        self._store.bulk_extend(quads)

    def optimize(self) -> None:
        """Compact the on-disk indexes (RocksDB), e.g. after a bulk load."""
        self._store.optimize()

    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        """Run a query over the union of all graphs; ``max_rows`` stops reading the answer early."""
        result = self._answer(sparql)
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [tuple(from_ox(sol[v]) for v in variables) for sol in islice(result, max_rows)]
            return QueryResult(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(boolean=bool(result))
        graph = Graph()
        for triple in islice(result, max_rows):
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return QueryResult(graph=graph)

    def select_values(self, sparql: str) -> list[tuple[str | None, ...]]:
        """The rows of a SELECT as lexical values, read straight from Oxigraph's terms."""
        solutions = self._answer(sparql)
        variables = [v.value for v in solutions.variables]
        return [tuple(None if (term := solution[v]) is None else term.value for v in variables)
                for solution in solutions]

    def _answer(self, sparql: str):
        """Oxigraph's answer to a query over the union of all graphs, with the project's prefixes."""
        try:
            return self._store.query(sparql, use_default_graph_as_union=True, prefixes=_OX_PREFIXES)
        except (SyntaxError, ValueError) as exc:  # Oxigraph's parse and evaluation errors
            raise QueryError(first_line(exc)) from None

    def update(self, sparql: str) -> None:
        self._run_update(sparql)

    def _run_update(self, sparql: str) -> None:
        try:
            self._store.update(sparql, prefixes=_OX_PREFIXES)
        except (SyntaxError, ValueError) as exc:
            raise QueryError(first_line(exc)) from None

    def dump_nquads(self) -> bytes:
        out = io.BytesIO()
        self._store.dump(out, format=ox.RdfFormat.N_QUADS)
        return out.getvalue()

    def graphs(self) -> list[URIRef]:
        return [URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode)]

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            self._store.flush()
        del self._store


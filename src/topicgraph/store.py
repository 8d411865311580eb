"""The store stage: embedded Oxigraph on disk (default) or rdflib in memory, one named graph per article."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .namespaces import KB_GRAPH, PREFIXES, sparql_prefixes

Triple = tuple[Node, Node, Node]

DEFAULT_STORE = Path(".topicgraph")
MEMORY = "memory"


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says why."""


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


class Store(Protocol):
    """What every backend offers."""

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None: ...
    def remove_graph(self, graph: URIRef) -> None: ...
    def query(self, sparql: str) -> QueryResult: ...
    def update(self, sparql: str) -> None: ...
    def dump_nquads(self) -> bytes: ...
    def graphs(self) -> list[URIRef]: ...
    def close(self) -> None: ...


# --------------------------------------------------------------------------- term conversion

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


def from_ox(term: object) -> Node | None:
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


def _with_prefixes(sparql: str) -> str:
    return sparql_prefixes() + sparql


# --------------------------------------------------------------------------- Oxigraph

class OxigraphStore:
    """Embedded, persistent Oxigraph (RocksDB) in a directory; ``path=None`` keeps it in memory."""

    def __init__(self, path: Path | None = None, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
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

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        """Drop the named graph and write the new triples in one transaction."""
        g = ox.NamedNode(str(graph))
        body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
        self._store.update(f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}")

    def remove_graph(self, graph: URIRef) -> None:
        self._store.update(f"DROP SILENT GRAPH <{graph}>")

    def query(self, sparql: str) -> QueryResult:
        result = self._store.query(
            sparql, use_default_graph_as_union=True, prefixes={k: str(v) for k, v in PREFIXES.items()}
        )
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows = [tuple(from_ox(sol[v]) for v in variables) for sol in result]
            return QueryResult(variables, rows)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult(boolean=bool(result))
        graph = Graph()
        for triple in result:
            graph.add((from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)))
        return QueryResult(graph=graph)

    def update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes={k: str(v) for k, v in PREFIXES.items()})

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


# --------------------------------------------------------------------------- rdflib

class RdflibStore:
    """rdflib's in-memory Dataset: the fallback, slower than Oxigraph by an order of magnitude."""

    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)
        for prefix, ns in PREFIXES.items():
            self.dataset.bind(prefix, str(ns))

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple]) -> None:
        new = Graph(identifier=graph)
        for triple in triples:
            new.add(triple)
        self.dataset.remove_graph(graph)
        context = self.dataset.graph(graph)
        context += new

    def remove_graph(self, graph: URIRef) -> None:
        self.dataset.remove_graph(graph)

    def query(self, sparql: str) -> QueryResult:
        result = self.dataset.query(_with_prefixes(sparql))
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            return QueryResult(variables, [tuple(row) for row in result])
        if result.type == "ASK":
            return QueryResult(boolean=bool(result.askAnswer))
        graph = Graph()
        for triple in result:
            graph.add(triple)
        return QueryResult(graph=graph)

    def update(self, sparql: str) -> None:
        self.dataset.update(_with_prefixes(sparql))

    def dump_nquads(self) -> bytes:
        return self.dataset.serialize(format="nquads", encoding="utf-8")

    def graphs(self) -> list[URIRef]:
        return [g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)
                and str(g.identifier) != "urn:x-rdflib:default"]

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- opening

def open_store(spec: str | Path | None = None, read_only: bool = False) -> Store:
    """``None`` -> ``./.topicgraph``; ``"memory"`` -> rdflib in memory; a path -> Oxigraph on disk."""
    if spec is not None and str(spec) == MEMORY:
        return RdflibStore()
    if spec is not None and str(spec).startswith(("http://", "https://")):
        raise StoreError(f"{spec}: remote SPARQL stores are not supported yet")
    directory = Path(spec) if spec is not None else DEFAULT_STORE
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: not a directory")
    return OxigraphStore(directory / "oxigraph", read_only=read_only)


def store_directory(spec: str | Path | None) -> Path | None:
    """The directory of an on-disk store (for its curation file and lock), else None."""
    if spec is not None and (str(spec) == MEMORY or str(spec).startswith(("http://", "https://"))):
        return None
    return Path(spec) if spec is not None else DEFAULT_STORE


def load_kb_graph(store: Store, kb_graph: Graph) -> None:
    """Write the ontology and seed knowledge base into their own named graph."""
    store.replace_graph(KB_GRAPH, kb_graph)

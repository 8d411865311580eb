"""The store stage: embedded Oxigraph on disk (default) or rdflib in memory, one named graph per article."""

from __future__ import annotations

import io
import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also="") -> None: ...
    def remove_graph(self, graph: URIRef, also="") -> None: ...
    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult: ...
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


def select_values(store: Store, sparql: str) -> list[tuple[str | None, ...]]:
    """The rows of a SELECT as lexical values (IRIs, literal text; None if unbound), without
    building rdflib terms: for queries that read many rows (e.g. the related index)."""
    if isinstance(store, OxigraphStore):
        return store.select_values(sparql)
    return [tuple(None if v is None else str(v) for v in row) for row in store.query(sparql).rows]


def _with_prefixes(sparql: str) -> str:
    return sparql_prefixes() + sparql


def _also_text(also) -> str:
    """``also`` is SPARQL Update text or an object with ``sparql()`` (derived.DerivedUpdate)."""
    if not also:
        return ""
    return also if isinstance(also, str) else also.sparql()


def replace_graph_update(graph: URIRef, triples: Iterable[Triple], also="") -> str:
    """One SPARQL update that drops a named graph, writes its new triples and runs ``also`` after."""
    also = _also_text(also)
    g = URIRef(graph).n3()
    body = "\n".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
    text = f"DROP SILENT GRAPH {g} ;\nINSERT DATA {{ GRAPH {g} {{\n{body}\n}} }}"
    return f"{text} ;\n{also}" if also else text


def remove_graph_update(graph: URIRef, also="") -> str:
    """One SPARQL update that runs ``also`` (while the graph is still there) and drops the graph."""
    also = _also_text(also)
    drop = f"DROP SILENT GRAPH {URIRef(graph).n3()}"
    return f"{also} ;\n{drop}" if also else drop


# --------------------------------------------------------------------------- Oxigraph

#: The project's prefixes as Oxigraph takes them.
_OX_PREFIXES = {k: str(v) for k, v in PREFIXES.items()}


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

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also="") -> None:
        """Drop the named graph, write the new triples and run ``also`` in one transaction."""
        self._store.update(replace_graph_update(graph, triples, also))

    def remove_graph(self, graph: URIRef, also="") -> None:
        self._store.update(remove_graph_update(graph, also))

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
        """:func:`select_values` on Oxigraph: the values are read straight from its terms."""
        solutions = self._answer(sparql)
        variables = [v.value for v in solutions.variables]
        return [tuple(None if (term := solution[v]) is None else term.value for v in variables)
                for solution in solutions]

    def _answer(self, sparql: str):
        """Oxigraph's answer to a query over the union of all graphs, with the project's prefixes."""
        return self._store.query(sparql, use_default_graph_as_union=True, prefixes=_OX_PREFIXES)

    def update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes=_OX_PREFIXES)

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

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also="") -> None:
        new = Graph(identifier=graph)
        for triple in triples:
            new.add(triple)
        self.dataset.remove_graph(graph)
        context = self.dataset.graph(graph)
        context += new
        self._apply(also)

    def remove_graph(self, graph: URIRef, also="") -> None:
        self._apply(also)
        self.dataset.remove_graph(graph)

    def _apply(self, also) -> None:
        if not also:
            return
        if isinstance(also, str):
            self.update(also)
        else:
            also.apply(self.dataset)

    def bulk_load(self, quads: Iterable[tuple[Node, Node, Node, Node]]) -> None:
        """Add quads (no faster path in rdflib)."""
        for s, p, o, g in quads:
            self.dataset.graph(g).add((s, p, o))

    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        result = self.dataset.query(_with_prefixes(sparql))
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
        self.dataset.update(_with_prefixes(sparql))

    def dump_nquads(self) -> bytes:
        return self.dataset.serialize(format="nquads", encoding="utf-8")

    def graphs(self) -> list[URIRef]:
        return [g.identifier for g in self.dataset.graphs() if isinstance(g.identifier, URIRef)
                and str(g.identifier) != "urn:x-rdflib:default"]

    def close(self) -> None:
        pass


# --------------------------------------------------------------------------- remote SPARQL 1.1 server

class RemoteSparqlStore:
    """Any SPARQL 1.1 server over HTTP (Oxigraph server, Fuseki, GraphDB, Virtuoso, ``topicgraph serve``).

    ``url`` is either a base ending in ``/`` (Oxigraph server layout: ``query``, ``update`` and the
    Graph Store Protocol at ``store``; queries get ``union-default-graph`` so the default graph is the
    union of all graphs, as in the embedded store), or the query endpoint itself: ``.../query`` (updates
    go to ``.../update``) or any other path such as ``.../sparql`` (queries and updates both go there;
    the server must then treat its default graph as the union of the named graphs, as GraphDB, Virtuoso
    and ``topicgraph serve`` do). A query string on the URL is passed on with every request.
    Article graphs are written with one update request each (``DROP SILENT GRAPH`` + ``INSERT DATA``).
    ``token`` (default: the environment variable ``TOPICGRAPH_STORE_TOKEN``) is sent as
    ``Authorization: Bearer`` with every request, for a ``topicgraph serve`` that requires one.
    """

    def __init__(self, url: str, timeout: float = 120.0, token: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise StoreError(f"{url}: not an http(s) URL of a SPARQL server")
        self.url = url
        self.timeout = timeout
        self.token = token if token is not None else os.environ.get("TOPICGRAPH_STORE_TOKEN") or None
        base = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        self._params = parse_qsl(parts.query, keep_blank_values=True)
        self.graph_store: str | None = None
        if parts.path in ("", "/") or parts.path.endswith("/"):
            base = base if base.endswith("/") else base + "/"
            self.query_endpoint, self.update_endpoint = base + "query", base + "update"
            self.graph_store = base + "store"
            if not any(k == "union-default-graph" for k, _ in self._params):
                self._query_params = self._params + [("union-default-graph", "")]
            else:
                self._query_params = list(self._params)
        elif parts.path.endswith("/query"):
            self.query_endpoint, self.update_endpoint = base, base[: -len("query")] + "update"
            self._query_params = list(self._params)
        else:
            self.query_endpoint = self.update_endpoint = base
            self._query_params = list(self._params)

    # -- HTTP
    def _request(self, url: str, data: bytes | None, headers: dict[str, str], method: str = "POST") -> tuple[str, bytes]:
        if self.token:
            headers = {**headers, "Authorization": f"Bearer {self.token}"}
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            raise StoreError(f"{self.url}: HTTP {exc.code} {exc.reason}"
                             f"{': ' + detail[0][:300] if detail else ''}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{self.url}: cannot reach the SPARQL server ({reason})") from None

    def _with_params(self, url: str, params: list[tuple[str, str]]) -> str:
        return f"{url}?{urlencode(params)}" if params else url

    # -- Store protocol
    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        body = urlencode({"query": _with_prefixes(sparql)}).encode("utf-8")
        ctype, data = self._request(
            self._with_params(self.query_endpoint, self._query_params), body,
            {"Content-Type": "application/x-www-form-urlencoded",
             "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        if "json" in ctype:
            result = _parse_json_results(json.loads(data.decode("utf-8")))
            if max_rows is not None:
                result.rows = result.rows[:max_rows]
            return result
        graph = Graph()
        graph.parse(data=data.decode("utf-8"), format="nt" if "n-triples" in ctype or not ctype else "turtle")
        return QueryResult(graph=graph)

    def update(self, sparql: str) -> None:
        body = urlencode({"update": _with_prefixes(sparql)}).encode("utf-8")
        self._request(self._with_params(self.update_endpoint, self._params), body,
                      {"Content-Type": "application/x-www-form-urlencoded"})

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also="") -> None:
        """One update request: drop the graph, insert its triples, run ``also`` (one transaction on the server)."""
        self.update(replace_graph_update(graph, triples, also))

    def remove_graph(self, graph: URIRef, also="") -> None:
        self.update(remove_graph_update(graph, also))

    def bulk_load(self, quads: Iterable[tuple[Node, Node, Node, Node]], batch: int = 200_000) -> None:
        """POST N-Quads to the Graph Store Protocol endpoint in batches (or INSERT DATA without one)."""
        chunk: list[str] = []

        def send() -> None:
            if not chunk:
                return
            if self.graph_store:
                self._request(self.graph_store, "".join(chunk).encode("utf-8"),
                              {"Content-Type": "application/n-quads"})
            else:
                self.update("INSERT DATA { " + " ".join(
                    f"GRAPH {line.rsplit(' ', 2)[1]} {{ {line.rsplit(' ', 2)[0]} . }}" for line in chunk) + " }")
            chunk.clear()

        for s, p, o, g in quads:
            chunk.append(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} {to_ox(g)} .\n")
            if len(chunk) >= batch:
                send()
        send()

    def dump_nquads(self) -> bytes:
        if self.graph_store:
            return self._request(self.graph_store, None, {"Accept": "application/n-quads"}, method="GET")[1]
        result = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        dataset = Dataset()
        for s, p, o, g in result.rows:
            dataset.add((s, p, o, g))
        return dataset.serialize(format="nquads", encoding="utf-8")

    def graphs(self) -> list[URIRef]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return [g for (g,) in rows if isinstance(g, URIRef)]

    def close(self) -> None:
        pass


def _parse_json_term(value: dict) -> Node:
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype != "http://www.w3.org/2001/XMLSchema#string":
        return Literal(value["value"], datatype=URIRef(datatype))
    return Literal(value["value"])


def _parse_json_results(doc: dict) -> QueryResult:
    """SPARQL 1.1 Query Results JSON -> QueryResult."""
    if "boolean" in doc:
        return QueryResult(boolean=bool(doc["boolean"]))
    variables = list(doc.get("head", {}).get("vars", []))
    rows = []
    for binding in doc.get("results", {}).get("bindings", []):
        rows.append(tuple(_parse_json_term(binding[v]) if v in binding else None for v in variables))
    return QueryResult(variables, rows)


# --------------------------------------------------------------------------- opening

#: The Oxigraph database's folder inside a store directory.
OXIGRAPH_DIR = "oxigraph"


def open_store(spec: str | Path | None = None, read_only: bool = False) -> Store:
    """``None`` -> ``./.topicgraph``; ``"memory"`` -> rdflib in memory; an http(s) URL -> a SPARQL server;
    a path -> Oxigraph on disk."""
    if spec is not None and str(spec) == MEMORY:
        return RdflibStore()
    if spec is not None and str(spec).startswith(("http://", "https://")):
        return RemoteSparqlStore(str(spec))
    directory = Path(spec) if spec is not None else DEFAULT_STORE
    if directory.exists() and not directory.is_dir():
        raise StoreError(f"{directory}: not a directory")
    return OxigraphStore(directory / OXIGRAPH_DIR, read_only=read_only)


def store_directory(spec: str | Path | None) -> Path | None:
    """The directory of an on-disk store (for its curation file and lock), else None."""
    if spec is not None and (str(spec) == MEMORY or str(spec).startswith(("http://", "https://"))):
        return None
    return Path(spec) if spec is not None else DEFAULT_STORE


def load_kb_graph(store: Store, kb_graph: Graph) -> None:
    """Write the ontology and seed knowledge base into their own named graph."""
    store.replace_graph(KB_GRAPH, kb_graph)

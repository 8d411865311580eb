"""Any SPARQL 1.1 server over HTTP as the store."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from .base import CountUpdate, QueryError, QueryResult, StoreError, Triple
from ..oxterms import to_ox
from .convert import remove_graph_update, replace_graph_update, replace_graphs_update, with_prefixes


class RemoteSparqlStore:
    """Any SPARQL 1.1 server over HTTP (Oxigraph server, Fuseki, GraphDB, Virtuoso, ``topicgraph serve``).

    ``url`` is either a base ending in ``/`` (Oxigraph server layout: ``query``, ``update`` and the
    Graph Store Protocol at ``store``; queries get ``union-default-graph`` so the default graph is the
    union of all graphs, as in the embedded store), or the query endpoint itself: ``.../query`` (updates
    go to ``.../update``) or any other path such as ``.../sparql`` (queries and updates both go there;
    the server must then treat its default graph as the union of the named graphs, as GraphDB, Virtuoso
    and ``topicgraph serve`` do). A query string on the URL is passed on with every request.
    Article graphs are written with one update request each (``DROP SILENT GRAPH`` + ``INSERT DATA``), or
    several in one request (:meth:`replace_graphs`).
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
            # 400, 413: the server rejected the query or update itself (its text, its size), not the store
            error = QueryError if exc.code in (400, 413) else StoreError
            raise error(f"{self.url}: HTTP {exc.code} {exc.reason}"
                             f"{': ' + detail[0][:300] if detail else ''}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"{self.url}: cannot reach the SPARQL server ({reason})") from None

    def _with_params(self, url: str, params: list[tuple[str, str]]) -> str:
        return f"{url}?{urlencode(params)}" if params else url

    # -- Store protocol
    def query(self, sparql: str, max_rows: int | None = None) -> QueryResult:
        body = urlencode({"query": with_prefixes(sparql)}).encode("utf-8")
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
        body = urlencode({"update": with_prefixes(sparql)}).encode("utf-8")
        self._request(self._with_params(self.update_endpoint, self._params), body,
                      {"Content-Type": "application/x-www-form-urlencoded"})

    def replace_graph(self, graph: URIRef, triples: Iterable[Triple], also: CountUpdate | None = None) -> None:
        """One update request: drop the graph, insert its triples, run ``also`` (one transaction on the server)."""
        self.update(replace_graph_update(graph, triples, also))

    def replace_graphs(self, graphs: Sequence[tuple[URIRef, Sequence[Triple]]],
                       also: CountUpdate | None = None) -> None:
        """:meth:`replace_graph` of several graphs with one ``also`` after them, in one update request (SPARQL
        1.1 Update operations separated by ``;``); Oxigraph's server applies a request whole or not at all."""
        self.update(replace_graphs_update(graphs, also))

    def remove_graph(self, graph: URIRef, also: CountUpdate | None = None) -> None:
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


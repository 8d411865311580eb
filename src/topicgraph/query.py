"""SPARQL over the store: free queries, and named queries shipped as ``.rq`` files with typed parameters."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from .namespaces import PREFIXES, TG, article_iri, curie_iri
from .store import QueryError, QueryResult, Store, first_line

_HEADER = re.compile(r"^#\s*(name|description|param):\s*(.*)$")
TYPE_NAMES = ("Organization", "Person", "Place", "Technology", "Topic", "Article")
PARAM_KINDS = {"entity", "iri", "string", "integer", "date", "article", "type"}


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    description: str


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    params: tuple[Param, ...]
    text: str


def parse_named_query(text: str, default_name: str) -> NamedQuery:
    """Read the ``# name:``, ``# description:`` and ``# param: NAME KIND  text`` header."""
    name, description, params = default_name, "", []
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if not match:
            if line.strip() and not line.lstrip().startswith("#"):
                break
            continue
        key, value = match.groups()
        if key == "name":
            name = value.strip()
        elif key == "description":
            description = value.strip()
        else:
            parts = value.split(None, 2)
            if len(parts) < 2 or parts[1] not in PARAM_KINDS:
                raise QueryError(f"{default_name}: bad param header {line.strip()!r}")
            params.append(Param(parts[0], parts[1], parts[2] if len(parts) > 2 else ""))
    return NamedQuery(name, description, tuple(params), text)


def list_named_queries() -> list[NamedQuery]:
    """The queries shipped in ``topicgraph/queries``."""
    folder = resources.files("topicgraph") / "queries"
    queries = [parse_named_query(f.read_text(encoding="utf-8"), f.name[:-3])
               for f in folder.iterdir() if f.name.endswith(".rq")]
    return sorted(queries, key=lambda q: q.name)


def get_named_query(name: str) -> NamedQuery:
    for query in list_named_queries():
        if query.name == name:
            return query
    known = ", ".join(q.name for q in list_named_queries())
    raise QueryError(f"no named query {name!r} (known: {known})")


def expand_curie(value: str) -> URIRef | None:
    """``ent:tesla`` -> full IRI; an http(s) IRI as it is; anything else None (QueryError for a broken IRI)."""
    try:
        return curie_iri(value)
    except ValueError as exc:
        raise QueryError(str(exc)) from None


def resolve_entity(store: Store, value: str) -> URIRef:
    """An entity given as IRI, CURIE or label (case-insensitive prefLabel/altLabel)."""
    iri = expand_curie(value)
    if iri is not None:
        return iri
    result = run_query(
        store,
        "SELECT DISTINCT ?e WHERE { ?e skos:prefLabel|skos:altLabel|rdfs:label ?l ."
        " FILTER(LCASE(STR(?l)) = LCASE(STR(?name))) } ORDER BY ?e LIMIT 2",
        {"name": Literal(value)},
    )
    if not result.rows:
        raise QueryError(f"no entity named {value!r}")
    return result.rows[0][0]  # type: ignore[return-value]


def bind_param(store: Store, param: Param, value: str) -> Node:
    """Turn a command-line value into an RDF term (never pasted into query text)."""
    if param.kind == "entity":
        return resolve_entity(store, value)
    if param.kind == "iri":
        iri = expand_curie(value)
        if iri is None:
            raise QueryError(f"parameter {param.name}: not an IRI: {value!r}")
        return iri
    if param.kind == "article":
        return expand_curie(value) or article_iri(value)
    if param.kind == "type":
        iri = expand_curie(value)
        if iri is None:
            name = value[:1].upper() + value[1:].lower()
            if name not in TYPE_NAMES:
                raise QueryError(f"parameter {param.name}: unknown type {value!r} (one of {', '.join(TYPE_NAMES)})")
            iri = TG[name]
        return iri
    if param.kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"parameter {param.name}: not an integer: {value!r}")
        return Literal(int(value))
    if param.kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise QueryError(f"parameter {param.name}: not a date (YYYY-MM-DD): {value!r}")
        return Literal(value, datatype=XSD.date)
    return Literal(value)


def run_named_query(store: Store, name: str, params: dict[str, str]) -> QueryResult:
    """Run a shipped query with its parameters bound as RDF terms."""
    query = get_named_query(name)
    declared = {p.name: p for p in query.params}
    unknown = set(params) - set(declared)
    if unknown:
        raise QueryError(f"{name}: unknown parameter(s) {', '.join(sorted(unknown))}")
    missing = [p.name for p in query.params if p.name not in params]
    if missing:
        raise QueryError(f"{name}: missing parameter(s) {', '.join(missing)}")
    bindings = {k: bind_param(store, declared[k], v) for k, v in params.items()}
    return run_query(store, query.text, bindings)


_WHERE = re.compile(r"\bWHERE\s*\{", re.I)


def inline_bindings(sparql: str, bindings: dict[str, Node]) -> str:
    """Bind variables to RDF terms serialised by rdflib (escaped literals, checked IRIs).

    A variable that the query does not project is replaced by its term where it occurs (so the
    store's optimiser sees a constant and uses its indexes); a projected one is bound with a
    ``VALUES`` block at the start of the WHERE clause. Either way the value is one RDF term and can
    never change the query's structure.
    """
    if not bindings:
        return sparql
    for name in bindings:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"bad variable name {name!r}")
    for term in bindings.values():
        if isinstance(term, URIRef) and re.search(r"[\s<>\"{}|\\^`]", str(term)):
            raise QueryError(f"not a valid IRI: {str(term)!r}")
    match = _WHERE.search(sparql)
    if match is None:
        raise QueryError("query has no WHERE clause to bind parameters in")
    head, body = sparql[: match.end()], sparql[match.end():]
    head_code = "\n".join(line for line in head.splitlines() if not line.lstrip().startswith("#"))
    projected = {}
    for name, term in bindings.items():
        pattern = re.compile(r"[?$]" + name + r"\b")
        if pattern.search(head_code) or re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", head_code, re.I):
            projected[name] = term
        else:
            body = pattern.sub(lambda _m, t=term: t.n3(), body)
    if projected:
        names = " ".join(f"?{n}" for n in projected)
        values = " ".join(term.n3() for term in projected.values())
        head += f" VALUES ({names}) {{ ({values}) }} "
    return head + body


def run_query(store: Store, sparql: str, bindings: dict[str, Node] | None = None) -> QueryResult:
    """Run SPARQL text with optional bound variables; syntax errors become QueryError."""
    try:
        return store.query(inline_bindings(sparql, bindings or {}))
    except QueryError as exc:
        raise QueryError(f"SPARQL error: {first_line(exc)}") from None


def read_query_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{path}: cannot read ({exc.strerror})") from None


# --------------------------------------------------------------------------- output

def _short(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        text = str(term)
        for prefix, ns in PREFIXES.items():
            if text.startswith(str(ns)) and prefix not in {"rdf", "xsd"}:
                return f"{prefix}:{text[len(str(ns)):]}"
        return text
    return str(term)


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render as ``table`` (aligned text), ``csv`` or ``json`` (SPARQL 1.1 JSON results)."""
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}) if fmt == "json" else str(result.boolean).lower()
    if result.graph is not None:
        return result.graph.serialize(format="turtle")
    if fmt == "json":
        bindings = []
        for row in result.rows:
            item = {}
            for var, term in zip(result.variables, row):
                if term is None:
                    continue
                if isinstance(term, URIRef):
                    item[var] = {"type": "uri", "value": str(term)}
                elif isinstance(term, Literal):
                    item[var] = {"type": "literal", "value": str(term)}
                    if term.language:
                        item[var]["xml:lang"] = term.language
                    elif term.datatype:
                        item[var]["datatype"] = str(term.datatype)
                else:
                    item[var] = {"type": "bnode", "value": str(term)}
            bindings.append(item)
        return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                          ensure_ascii=False, indent=2)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if t is None else str(t) for t in row])
        return out.getvalue().rstrip("\n")
    cells = [[_short(t) for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


# --------------------------------------------------------------------------- ready-made questions

def list_entities(store: Store, type_name: str | None = None) -> QueryResult:
    """Entities (optionally of one type) with their type and number of articles, most mentioned first."""
    bindings = {}
    if type_name:
        bindings["type"] = bind_param(store, Param("type", "type", ""), type_name)
    return run_query(store, """
        SELECT ?entity (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) (COUNT(DISTINCT ?a) AS ?articles) WHERE {
          ?a tg:mentions ?entity .
          ?entity a ?type .
          FILTER(?type IN (tg:Organization, tg:Person, tg:Place, tg:Technology, tg:Topic))
          OPTIONAL { ?entity skos:prefLabel ?l FILTER(LANG(?l) = 'de' || LANG(?l) = '') }
          BIND(?type AS ?t)
        } GROUP BY ?entity ORDER BY DESC(?articles) ?entity""", bindings)


def describe_article(store: Store, article_id: str) -> tuple[QueryResult, QueryResult]:
    """An article's metadata (one row) and its entities with mention counts and aboutness."""
    bindings = {"a": article_iri(article_id)}
    meta = run_query(store, """
        SELECT ?id ?title ?date ?language ?url ?source (GROUP_CONCAT(DISTINCT ?c; separator=", ") AS ?categories)
        WHERE { ?a tg:articleId ?id ; dcterms:title ?title .
          OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a dcterms:language ?language }
          OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a tg:sourcePath ?source } OPTIONAL { ?a tg:category ?c } }
        GROUP BY ?id ?title ?date ?language ?url ?source""", bindings)
    if not meta.rows:
        raise QueryError(f"no article with id {article_id!r} in the store")
    entities = run_query(store, """
        SELECT ?entity (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) (COUNT(DISTINCT ?m) AS ?mentions) (SAMPLE(?ab) AS ?about)
        WHERE { ?a tg:hasMention ?m . ?m tg:refersTo ?entity .
          OPTIONAL { ?entity skos:prefLabel ?l FILTER(LANG(?l) = 'de' || LANG(?l) = '') }
          OPTIONAL { ?entity a ?t FILTER(?t IN (tg:Organization, tg:Person, tg:Place, tg:Technology, tg:Topic)) }
          BIND(EXISTS { ?a tg:about ?entity } AS ?ab) }
        GROUP BY ?entity ORDER BY DESC(?about) DESC(?mentions) ?entity""", bindings)
    return meta, entities


def article_candidates(store: Store, article_id: str) -> QueryResult:
    """Names the NER found in an article that were kept as candidates, not entities, and why."""
    return run_query(store, """
        SELECT ?name ?label ?doubt ?start WHERE { ?a tg:hasCandidate ?c .
          ?c rdfs:label ?name ; tg:nerLabel ?label ; tg:doubt ?doubt ; tg:startOffset ?start }
        ORDER BY ?start""", {"a": article_iri(article_id)})

"""Property-based fuzzing of a running ``serve`` (loopback only, bounded): SPARQL-shaped garbage and
valid-but-pathological queries; after each request a plain query must still answer 200."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from topicgraph.serve import ServeConfig, serve_in_thread
from topicgraph.serve.worker import IsolatedStore
from topicgraph.store import open_store

pytestmark = [pytest.mark.server, pytest.mark.slow]

TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "[", "]", "?s", "?p", "?o", "?x",
          "<http://example.org/p>", "<http://example.org/", '"lit"', "'x'", '"""long', ".", ";", ",", "*", "+", "|",
          "/", "^", "!", "a", "FILTER", "OPTIONAL", "UNION", "MINUS", "GRAPH", "BIND", "AS", "VALUES", "UNDEF",
          "PREFIX", "ex:", "BASE", "ORDER BY", "GROUP BY", "COUNT", "DISTINCT", "LIMIT", "OFFSET", "1", "-1e308",
          "NOT EXISTS", "REGEX", "STR", "INSERT", "DELETE", "DATA", "SERVICE", "#", "\n", "\\", "\x00", "é", "😀"]
P = "<http://example.org/p>"
ALLOWED = {200, 400, 403, 405, 413, 414, 415, 503}


def _nested(kind: str, depth: int) -> str:
    if kind == "group":
        return "SELECT * WHERE " + "{ " * depth + "?s ?p ?o " + "} " * depth
    if kind == "paren":
        return "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * depth + "?o" + ")" * depth + ") }"
    if kind == "bracket":
        return "SELECT * WHERE { ?s ?p " + "[ ?p " * depth + "?o" + " ]" * depth + " }"
    return "SELECT * WHERE { ?s ?p ?o FILTER(" + "!" * depth + "BOUND(?o)) }"


garbage = st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join)
deep = st.builds(_nested, st.sampled_from(["group", "paren", "bracket", "not"]), st.integers(1, 6000))
unions = st.integers(1, 3000).map(lambda n: "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }")
literal = st.integers(1, 200_000).map(lambda n: f"SELECT * WHERE {{ ?s ?p \"{'x' * n}\" }}")
paths = st.sampled_from([f"({P}|^{P})*", f"({P}*)*", f"(!{P})*/({P}|!{P})*", f"^{P}*/{P}+/(!({P}|^{P}))*"]).map(
    lambda path: f"SELECT * WHERE {{ ?s {path} ?o }}")
cartesian = st.integers(2, 8).map(lambda k: "SELECT * WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(k)) + " }")
counted = st.integers(2, 3).map(lambda k: "SELECT (COUNT(*) AS ?n) WHERE { "
                                + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(k)) + " }")
texts = st.one_of(garbage, deep, unions, literal, paths, cartesian, counted, st.text(max_size=200))
ways = st.sampled_from(["get", "form", "direct", "update", "bad-type"])


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    directory = tmp_path_factory.mktemp("fuzz")
    store = open_store(directory)
    store.update("INSERT DATA { GRAPH <http://example.org/g> { "
                 + " ".join(f"<http://example.org/n{i}> {P} <http://example.org/n{(i * 7) % 20}> ." for i in range(20))
                 + " } }")
    store.close()
    isolated = IsolatedStore(directory, threads=2)
    server, _ = serve_in_thread(isolated, ServeConfig(port=0, timeout=2, max_results=500, workers=2))
    yield server, isolated
    server.shutdown()
    server.server_close()
    isolated.close()


def _send(url: str, text: str, way: str) -> int:
    if way == "get":
        request = urllib.request.Request(url + "?" + urllib.parse.urlencode({"query": text}))
    elif way == "form":
        request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": text}).encode(),
                                         headers={"Content-Type": "application/x-www-form-urlencoded"})
    else:
        ctype = {"direct": "application/sparql-query", "update": "application/sparql-update"}.get(way, "text/x-nonsense")
        request = urllib.request.Request(url, data=text.encode("utf-8", "surrogatepass"), headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        body = exc.read()
        assert b"Traceback" not in body
        return exc.code


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(text=texts, way=ways)
def test_after_any_request_a_plain_query_answers_200(served, text, way):
    server, _ = served
    status = _send(server.url, text, way)
    assert status in ALLOWED, f"{status} for {way} {text[:80]!r}"
    event(f"HTTP {status}")
    plain = urllib.request.Request(server.url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
    with urllib.request.urlopen(plain, timeout=60) as response:
        assert response.status == 200 and json.loads(response.read())["boolean"] is True

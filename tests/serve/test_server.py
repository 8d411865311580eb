"""The SPARQL endpoint with real clients (SPARQLWrapper, rdflib's SPARQLStore), and its safety limits."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.error
import urllib.request

import pytest
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore

from topicgraph.evaluation.bench import consistent
from topicgraph.pipeline.ingest import store_extraction
from topicgraph.serve import ServeConfig, choose_type, is_loopback, is_update, serve_in_thread, uses_service
from topicgraph.store import OxigraphStore, RemoteSparqlStore
from topicgraph.evaluation.synthetic import generate_extractions

pytestmark = pytest.mark.server
SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML  # noqa: E402

COUNT_ARTICLES = "SELECT (COUNT(?a) AS ?n) WHERE { ?a a tg:Article }"


@pytest.fixture(scope="module")
def loaded_store():
    store = OxigraphStore()
    for extraction in generate_extractions(30, seed=11):
        store_extraction(store, extraction)
    return store


@pytest.fixture
def endpoint(loaded_store, request):
    options = getattr(request, "param", {})
    server, thread = serve_in_thread(loaded_store, ServeConfig(port=0, **options))
    yield server
    server.shutdown()
    server.server_close()


def _wrapper(url: str, query: str, fmt=JSON, method=None) -> "SPARQLWrapper.SPARQLWrapper":
    client = SPARQLWrapper.SPARQLWrapper(url)
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


PREFIX = "PREFIX tg: <https://w3id.org/topicgraph/ontology#>\n"


def test_sparqlwrapper_get_and_post_in_every_format(endpoint):
    query = PREFIX + "SELECT ?a ?id WHERE { ?a tg:articleId ?id } ORDER BY ?id LIMIT 3"
    answer = _wrapper(endpoint.url, query).queryAndConvert()
    assert [b["id"]["value"] for b in answer["results"]["bindings"]] == ["synth-000000", "synth-000001", "synth-000002"]
    posted = _wrapper(endpoint.url, query, method=POST).queryAndConvert()
    assert posted == answer
    xml = _wrapper(endpoint.url, query, XML).query()
    assert "sparql-results+xml" in xml.info()["content-type"]
    assert len(xml.convert().getElementsByTagName("result")) == 3
    csv_text = _wrapper(endpoint.url, query, CSV).queryAndConvert().decode()
    assert csv_text.splitlines()[0].strip() == "a,id" and len(csv_text.strip().splitlines()) == 4
    tsv_text = _wrapper(endpoint.url, query, TSV).queryAndConvert().decode()
    assert tsv_text.splitlines()[0] == "?a\t?id" and '"synth-000000"' in tsv_text


def test_direct_post_and_construct(endpoint):
    body = (PREFIX + "CONSTRUCT { ?a tg:articleId ?id } WHERE { ?a tg:articleId ?id } LIMIT 5").encode()
    request = urllib.request.Request(endpoint.url, data=body, headers={
        "Content-Type": "application/sparql-query", "Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("application/n-triples")
        graph = Graph().parse(data=response.read().decode(), format="nt")
    assert len(graph) == 5
    turtle = _wrapper(endpoint.url, body.decode(), TURTLE).queryAndConvert()
    assert len(Graph().parse(data=turtle, format="turtle")) == 5


def test_rdflib_sparqlstore_reads_the_union_graph(endpoint):
    graph = Graph(store=SPARQLStore(endpoint.url, returnFormat="json"))
    rows = list(graph.query(PREFIX + COUNT_ARTICLES.replace("tg:Article", "tg:Article")))
    assert int(rows[0][0]) == 30


def test_named_query_through_remote_store(endpoint):
    from topicgraph.query import run_named_query

    remote = RemoteSparqlStore(endpoint.url)
    rows = run_named_query(remote, "co-mentioned", {"entity": "ent:synth-organization-0"}).rows
    assert rows and all(int(r[2]) >= 1 for r in rows)


def test_updates_refused_without_allow_update(endpoint):
    client = _wrapper(endpoint.url, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", method=POST)
    client.setRequestMethod(SPARQLWrapper.URLENCODED)
    with pytest.raises(Exception) as err:
        client.query()
    assert "403" in str(err.value) or "Forbidden" in type(err.value).__name__ or "403" in repr(err.value)
    body = b"DROP ALL"
    request = urllib.request.Request(endpoint.url, data=body, headers={"Content-Type": "application/sparql-update"})
    with pytest.raises(urllib.error.HTTPError) as http_err:
        urllib.request.urlopen(request, timeout=10)
    assert http_err.value.code == 403
    assert int(RemoteSparqlStore(endpoint.url).query(COUNT_ARTICLES).rows[0][0]) == 30


@pytest.mark.parametrize("endpoint", [{"allow_update": True}], indirect=True)
def test_updates_allowed_with_flag(endpoint):
    remote = RemoteSparqlStore(endpoint.url)
    remote.update("INSERT DATA { GRAPH <http://x/g> { <http://x/a> <http://x/b> 'c' } }")
    assert remote.query("ASK { <http://x/a> <http://x/b> 'c' }").boolean
    remote.update("DROP GRAPH <http://x/g>")
    assert not remote.query("ASK { <http://x/a> <http://x/b> 'c' }").boolean


def test_service_is_refused(endpoint):
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    status, _, body = _get(endpoint.url + "?" + urllib.parse.urlencode({"query": query}))
    assert status == 400 and b"SERVICE" in body
    assert not uses_service("SELECT * WHERE { ?s ?p 'SERVICE' } # SERVICE")
    assert uses_service("select * { service <http://x> { ?s ?p ?o } }")


@pytest.mark.parametrize("endpoint", [{"max_results": 7}], indirect=True)
def test_result_limit(endpoint):
    status, headers, body = _get(endpoint.url + "?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o }"}), {"Accept": "application/sparql-results+json"})
    assert status == 200 and headers.get("X-Topicgraph-Truncated") == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 7


def test_timeout():
    store = OxigraphStore()
    store.update("INSERT DATA { " + " ".join(f"<http://x/{i}> <http://x/p> {i % 50} ." for i in range(1500)) + " }")
    server, _ = serve_in_thread(store, ServeConfig(port=0, timeout=0.05))
    try:
        # about a second of work: well over the 0.05 s limit, and it ends, so no core stays busy after the test
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?o . ?b ?p ?o2 FILTER(?o + ?o2 = 7) }"
        status, _, body = _get(server.url + "?" + urllib.parse.urlencode({"query": slow}))
        assert status == 503 and b"timed out" in body
        status, _, _ = _get(server.url + "?" + urllib.parse.urlencode({"query": "ASK {}"}))
        assert status in (200, 503)  # a slow query may still occupy the worker; the server answers
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("path", ["/../../etc/passwd", "/etc/passwd", "/sparql/../../etc/passwd",
                                  "/%2e%2e/%2e%2e/etc/passwd", "/templates/serve.html", "/queries/co-mentioned.rq"])
def test_no_file_system_paths(endpoint, path):
    host, port = endpoint.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 404 and b"root:" not in body


def test_page_cors_and_errors(endpoint):
    status, headers, body = _get(endpoint.url[: -len("sparql")])
    assert status == 200 and b"<form" in body and b"http" not in body.split(b"<body>")[1].split(b"PREFIX")[0].replace(b"https://w3id", b"")
    assert "Access-Control-Allow-Origin" not in headers
    status, _, body = _get(endpoint.url + "?query=SELEKT")
    assert status == 400 and b"Traceback" not in body
    assert is_update("PREFIX a: <http://x#> INSERT DATA { <a> <b> <c> }") and not is_update("SELECT * {}")
    assert choose_type("text/csv;q=0.5, application/sparql-results+xml", {"text/csv": "", "application/sparql-results+xml": ""}, "x") \
        == "application/sparql-results+xml"
    assert is_loopback("127.0.0.1") and is_loopback("::1") and not is_loopback("0.0.0.0")


@pytest.mark.parametrize("endpoint", [{"cors": "https://newsroom.example"}], indirect=True)
def test_cors_only_when_asked(endpoint):
    status, headers, _ = _get(endpoint.url + "?query=ASK%7B%7D")
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "https://newsroom.example"


def test_serving_while_ingesting_through_the_endpoint_is_consistent():
    """Ingest goes through the server (one update request = one transaction per article);
    concurrent readers never see half an article or statistics out of step with the articles."""
    store = OxigraphStore()
    extractions = list(generate_extractions(40, seed=21))
    for extraction in extractions[:10]:
        store_extraction(store, extraction)
    server, _ = serve_in_thread(store, ServeConfig(port=0, allow_update=True))
    remote = RemoteSparqlStore(server.url)
    checks: list[bool] = []
    done = threading.Event()

    def reader() -> None:
        while not done.is_set() or not checks:
            checks.append(consistent(remote))

    readers = [threading.Thread(target=reader) for _ in range(3)]
    try:
        for t in readers:
            t.start()
        for extraction in extractions[10:]:
            store_extraction(remote, extraction)
        done.set()
        for t in readers:
            t.join(timeout=60)
        assert checks and all(checks), f"{checks.count(False)} inconsistent answers of {len(checks)}"
        assert int(remote.query(COUNT_ARTICLES).rows[0][0]) == 40
    finally:
        server.shutdown()
        server.server_close()


def test_second_writer_on_a_served_directory_gets_a_clear_error(tmp_path):
    from topicgraph.store import StoreError, open_store

    first = open_store(tmp_path / "s")
    try:
        with pytest.raises(StoreError) as err:
            open_store(tmp_path / "s")
        assert "in use" in str(err.value)
    finally:
        first.close()


def test_runaway_query_times_out_in_a_daemon_thread():
    import threading as _threading
    import time as _time

    from topicgraph.serve import run_with_deadline

    slots = _threading.BoundedSemaphore(1)
    release = _threading.Event()
    with pytest.raises(TimeoutError):
        run_with_deadline(release.wait, (), 0.05, slots)
    runaway = [t for t in _threading.enumerate() if t.name == "sparql-query"]
    assert runaway and all(t.daemon for t in runaway)  # never keeps the process from exiting
    with pytest.raises(TimeoutError):  # its slot is still taken
        run_with_deadline(_time.time, (), 0.05, slots)
    release.set()
    runaway[0].join(5)
    assert run_with_deadline(lambda x: x + 1, (1,), 1.0, slots) == 2

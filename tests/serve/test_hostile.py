"""The endpoint under hostile requests (issue 21): crashing queries, huge bodies, floods, missing tokens."""

from __future__ import annotations

import http.client
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.serve import ServeConfig, make_server, serve_in_thread
from topicgraph.serve.worker import IsolatedStore
from topicgraph.store import open_store

pytestmark = pytest.mark.server

DEEP_GROUPS = "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000  # 20 KB, segfaults pyoxigraph 0.5
DEEP_PARENS = "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 20000 + "?o" + ")" * 20000 + ") }"
INSERT = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/a> <http://example.org/b> 'c' } }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    directory = tmp_path_factory.mktemp("served")
    store = open_store(directory)
    store.update("INSERT DATA { GRAPH <http://example.org/kb> { <http://example.org/x> <http://example.org/y> 1 } }")
    store.close()
    return directory


@pytest.fixture(scope="module")
def isolated(store_dir):
    store = IsolatedStore(store_dir)
    yield store
    store.close()


def _serve(store, **options):
    server, _ = serve_in_thread(store, ServeConfig(port=0, **options))
    return server


def _stop(server) -> None:
    server.shutdown()
    server.server_close()


def _url(server) -> str:
    """Always loopback, also when the server listens on 0.0.0.0."""
    return f"http://127.0.0.1:{server.server_address[1]}/sparql"


def _request(url: str, body: str | None = None, ctype: str = "application/sparql-query",
             headers: dict | None = None) -> tuple[int, dict, bytes]:
    data = None if body is None else body.encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={**({"Content-Type": ctype} if data else {}),
                                                              **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _plain_query_answers(url: str, headers: dict | None = None) -> bool:
    status, _, body = _request(url + "?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}), headers=headers)
    return status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("query", [DEEP_GROUPS, DEEP_PARENS], ids=["nested-groups", "nested-parentheses"])
def test_crashing_queries_get_400_naming_the_limit(isolated, query):
    server = _serve(isolated)
    try:
        pid = isolated.pid
        status, _, body = _request(_url(server), query)
        assert status == 400 and b"--max-depth" in body
        assert _plain_query_answers(_url(server))
        assert isolated.pid == pid  # rejected before the engine saw it
    finally:
        _stop(server)


def test_an_engine_crash_costs_one_request_not_the_server(isolated):
    """With the guard opened wide the query reaches pyoxigraph and kills the worker, which is restarted."""
    server = _serve(isolated, max_depth=10**6)
    try:
        pid, restarts = isolated.pid, isolated.restarts
        status, _, body = _request(_url(server), DEEP_GROUPS)
        assert status == 400 and b"crashed" in body
        assert isolated.restarts == restarts + 1 and isolated.pid != pid
        assert _plain_query_answers(_url(server))
    finally:
        _stop(server)


def test_fifty_megabyte_body_gets_413_and_the_server_answers(isolated):
    server = _serve(isolated)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=60)
        body = b"SELECT * WHERE { ?s ?p ?o } #" + b"x" * (50 * 1024 * 1024)
        connection.request("POST", "/sparql", body=body, headers={"Content-Type": "application/sparql-query"})
        response = connection.getresponse()
        assert response.status == 413 and b"--max-body" in response.read()
        connection.close()
        # with Expect: 100-continue the client learns it before sending the body
        sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30)
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 52428800\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(200).startswith(b"HTTP/1.1 413")
        sock.close()
        assert _plain_query_answers(_url(server))
    finally:
        _stop(server)


def test_chunked_and_bad_lengths_get_one_line_errors(isolated):
    server = _serve(isolated)
    try:
        for head, code in ((b"Transfer-Encoding: chunked\r\n", b"411"), (b"Content-Length: -5\r\n", b"400"),
                           (b"Content-Length: many\r\n", b"400")):
            sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30)
            sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n" + head + b"\r\n")
            answer = sock.recv(500)
            sock.close()
            assert answer.startswith(b"HTTP/1.1 " + code) and b"Traceback" not in answer
        assert _plain_query_answers(_url(server))
    finally:
        _stop(server)


def test_requests_over_the_concurrency_limit_get_503_with_retry_after(isolated):
    server = _serve(isolated, max_concurrent=1)
    try:
        # a request whose body never completes holds the only slot
        stalled = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=30)
        stalled.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                        b"Content-Length: 100\r\n\r\nASK")
        for _ in range(500):
            if server.request_slots._value == 0:
                break
            time.sleep(0.01)
        status, headers, body = _request(_url(server) + "?query=ASK%7B%7D")
        assert status == 503 and headers.get("Retry-After") == "1" and b"--max-concurrent" in body
        stalled.close()
        for _ in range(500):
            if server.request_slots._value == 1:
                break
            time.sleep(0.01)
        assert _plain_query_answers(_url(server))
    finally:
        _stop(server)


def test_updates_on_any_address_need_the_token(isolated, store_dir, tmp_path):
    audit = tmp_path / "audit.log"
    server = _serve(isolated, host="0.0.0.0", allow_update=True, update_token="T", audit_log=str(audit))
    try:
        url = _url(server)
        status, headers, body = _request(url, INSERT, "application/sparql-update")
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        status, headers, _ = _request(url, INSERT, "application/sparql-update", {"Authorization": "Bearer wrong"})
        assert status == 401 and 'error="invalid_token"' in headers["WWW-Authenticate"]
        assert not audit.exists()  # refused updates are not logged
        status, _, _ = _request(url, INSERT, "application/sparql-update", {"Authorization": "Bearer T"})
        assert status == 204
        status, _, body = _request(url + "?query=" + urllib.parse.quote("ASK { <http://example.org/a> ?p 'c' }"))
        assert status == 200 and json.loads(body)["boolean"] is True  # no read token: queries stay open
        form = urllib.parse.urlencode({"update": "# ingest\nDROP GRAPH <http://example.org/g>"})
        status, _, _ = _request(url, form, "application/x-www-form-urlencoded", {"Authorization": "Bearer T"})
        assert status == 204
        entries = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
        assert [e["first_line"] for e in entries] == [INSERT, "# ingest"]
        assert entries[0]["client"] == "127.0.0.1" and entries[0]["bytes"] == len(INSERT) and entries[0]["token"]
        assert entries[0]["time"].endswith("+00:00")
    finally:
        _stop(server)


def test_update_without_token_off_loopback_refuses_to_start(store_dir):
    with pytest.raises(ValueError, match="update_token"):
        make_server(None, ServeConfig(host="0.0.0.0", port=0, allow_update=True))
    result = CliRunner().invoke(main, ["--store", str(store_dir), "serve", "--host", "0.0.0.0", "--allow-update"],
                                env={"TOPICGRAPH_UPDATE_TOKEN": ""})
    assert result.exit_code != 0 and "--update-token" in result.output and "Traceback" not in result.output


def test_read_token(isolated):
    server = _serve(isolated, read_token="R", update_token="W", allow_update=True)
    try:
        url = _url(server)
        status, headers, _ = _request(url + "?query=ASK%7B%7D")
        assert status == 401 and headers["WWW-Authenticate"] == 'Bearer realm="topicgraph"'
        assert _plain_query_answers(url, {"Authorization": "Bearer R"})
        assert _plain_query_answers(url, {"Authorization": "Bearer W"})  # the update token reads too
        status, _, _ = _request(url, INSERT, "application/sparql-update", {"Authorization": "Bearer R"})
        assert status == 401  # the read token does not write
        status, _, _ = _request(url[: -len("sparql")])
        assert status == 200  # the query form itself holds no data
    finally:
        _stop(server)


def test_audit_log_lives_beside_an_on_disk_store(tmp_path):
    from topicgraph.serve.auth import audit_path

    assert audit_path(tmp_path / "s") == tmp_path / "s" / "audit.log"
    assert audit_path("memory") is None and audit_path("http://127.0.0.1:1/sparql") is None


def test_remote_store_sends_the_token_from_the_environment(isolated, monkeypatch):
    from topicgraph.store import RemoteSparqlStore, StoreError

    server = _serve(isolated, host="0.0.0.0", allow_update=True, update_token="secret-token")
    try:
        url = _url(server)
        monkeypatch.delenv("TOPICGRAPH_STORE_TOKEN", raising=False)
        with pytest.raises(StoreError, match="401"):
            RemoteSparqlStore(url).update(INSERT)
        monkeypatch.setenv("TOPICGRAPH_STORE_TOKEN", "secret-token")
        remote = RemoteSparqlStore(url)
        remote.update(INSERT)
        assert remote.query("ASK { <http://example.org/a> ?p 'c' }").boolean
        remote.update("DROP GRAPH <http://example.org/g>")
    finally:
        _stop(server)


def test_answers_through_the_worker_in_every_kind(isolated):
    """Through the worker the answer is serialized there: results, graphs, truncation, errors."""
    server = _serve(isolated, max_results=1)
    try:
        url = _url(server)
        status, headers, body = _request(url, "SELECT ?s ?o WHERE { ?s ?p ?o }", headers={"Accept": "text/csv"})
        assert status == 200 and headers["Content-Type"].startswith("text/csv") and body.splitlines()[0] == b"s,o"
        status, headers, body = _request(url, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                         headers={"Accept": "application/n-triples"})
        assert status == 200 and headers["Content-Type"].startswith("application/n-triples")
        assert b"<http://example.org/x> <http://example.org/y>" in body
        status, headers, body = _request(url, "INSERT DATA { <http://example.org/a> <http://example.org/b> 'c' }",
                                         "application/sparql-update")
        assert status == 403
        isolated.update("INSERT DATA { GRAPH <http://example.org/t> { <http://example.org/t1> <http://example.org/y> 2 } }")
        status, headers, body = _request(url, "SELECT ?s WHERE { ?s <http://example.org/y> ?o }")
        assert status == 200 and headers.get("X-Topicgraph-Truncated") == "true"
        assert len(json.loads(body)["results"]["bindings"]) == 1
        isolated.update("DROP GRAPH <http://example.org/t>")
        status, _, body = _request(url, "SELECT * WHERE { ?s ?p }")
        assert status == 400 and body.startswith(b"SPARQL error")
    finally:
        _stop(server)

"""The serve use: a SPARQL 1.1 Protocol endpoint over the store, read-only and on loopback by default.

Standard library only (``http.server.ThreadingHTTPServer``). Routes: ``/`` (an offline HTML page
with a query form), ``/sparql`` (queries, and updates when allowed; ``/query`` and ``/update`` are
aliases). Nothing else is served: every other path is 404, so no file of the machine is reachable.

Safety: updates are refused (403) unless ``allow_update``; queries with ``SERVICE`` are refused (400:
the server never calls other hosts for a client); every query has a deadline (503 when it passes;
Oxigraph cannot abort a running query, so it finishes in a bounded worker pool while the client
already has its answer) and at most ``max_results`` rows or triples are returned (the header
``X-Topicgraph-Truncated: true`` says when the answer was cut); CORS headers only with ``cors``.

Hostile requests (issue 21): texts over ``max_query_length`` or nested deeper than ``max_depth`` get
400 before any parser sees them (guard.py); bodies over ``max_body`` get 413; more than
``max_concurrent`` requests at once get 503 with ``Retry-After``; an engine crash in the worker
process of an on-disk store (serve/worker.py) costs the requests in flight, not the server. Updates
need a bearer token whenever one is set, and one must be set off loopback; queries need the read token
when one is set (auth.py). Every accepted update is written to the audit log.
"""

from __future__ import annotations

import html
import io
import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from rdflib import Graph, Variable
from rdflib.query import Result

from ..errors import ParameterError
from ..namespaces import PREFIXES
from ..query import list_named_queries
from .auth import AuditLog, bearer_token, check_startup, token_matches
from .worker import EngineCrashed
from .guard import GuardError, GuardLimits, check_text
from ..store import QueryResult, Store

QUERY_PATHS = {"/sparql", "/query"}
UPDATE_PATHS = {"/sparql", "/update"}
MAX_BODY = 10 * 1024 * 1024
#: A body over the limit is still read (and dropped) up to this size, so that the client sees the 413
#: instead of a reset connection; a larger one is cut off.
DRAIN_LIMIT = 128 * 1024 * 1024
DRAIN_SECONDS = 10.0

RESULT_TYPES = {  # SELECT / ASK
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {  # CONSTRUCT / DESCRIBE
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
}
FORMAT_ALIASES = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                  "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
                  "ttl": "text/turtle", "nt": "application/n-triples", "ntriples": "application/n-triples"}


@dataclass(frozen=True)
class ServeConfig:
    """How the endpoint behaves; the defaults are the safe ones."""

    host: str = "127.0.0.1"
    port: int = 7878
    allow_update: bool = False
    timeout: float = 10.0
    max_results: int = 10_000
    cors: str | None = None
    workers: int = 4
    max_body: int = MAX_BODY  # bytes of a request body (413 above)
    max_query_length: int = GuardLimits.max_query_length  # characters of a query (400 above)
    max_depth: int = GuardLimits.max_depth  # nesting of { ( [ in a query or update (400 above)
    max_concurrent: int = 16  # requests answered at once (503 with Retry-After above)
    update_token: str | None = None  # bearer token for updates (needed off loopback)
    read_token: str | None = None  # bearer token for queries (optional)
    audit_log: str | None = None  # file of accepted updates (None: the topicgraph.audit logger)
    socket_timeout: float = 30.0  # an idle or stalled connection is closed after this long

    @property
    def limits(self) -> GuardLimits:
        return GuardLimits(max_query_length=self.max_query_length, max_depth=self.max_depth)


class RequestError(Exception):
    """An HTTP error answer with a one-line message."""

    def __init__(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.headers = headers or {}


# --------------------------------------------------------------------------- query text checks

_STRIP = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
                    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*', re.S)


def _code_only(sparql: str) -> str:
    """The query text without string literals, IRIs and comments (so keywords inside them don't count)."""
    return _STRIP.sub(" ", sparql)


def uses_service(sparql: str) -> bool:
    """True if the query has a SERVICE clause (federated query)."""
    return re.search(r"\bSERVICE\b", _code_only(sparql), re.I) is not None


def is_update(sparql: str) -> bool:
    """True if the text is a SPARQL Update rather than a query."""
    code = _code_only(sparql)
    code = re.sub(r"\b(PREFIX\s+[\w.-]*:|BASE)\s*", " ", code, flags=re.I)
    first = re.search(r"[A-Za-z]+", code)
    return bool(first) and first.group(0).upper() in {
        "INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


# --------------------------------------------------------------------------- content negotiation

def choose_type(accept: str | None, offered: dict[str, str], default: str) -> str:
    """The offered media type the client prefers (by q value), else ``default``."""
    best, best_q = None, 0.0
    for position, item in enumerate((accept or "").split(",")):
        parts = [p.strip() for p in item.split(";")]
        media = parts[0].lower()
        q = 1.0
        for p in parts[1:]:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media in offered and q > best_q:
            best, best_q = media, q
    return best or default


def _tsv_term(term) -> str:
    if term is None:
        return ""
    return term.n3().replace("\t", "\\t").replace("\n", "\\n")


def serialize_result(result: QueryResult, media_type: str) -> bytes:
    """SPARQL results (JSON, XML, CSV, TSV) or a graph (Turtle, N-Triples) as bytes."""
    if result.graph is not None:
        return result.graph.serialize(format=GRAPH_TYPES.get(media_type, "turtle"), encoding="utf-8")
    fmt = RESULT_TYPES.get(media_type, "json")
    if fmt == "tsv":
        if result.boolean is not None:
            return b"?_askResult\n" + (b"true\n" if result.boolean else b"false\n")
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(t) for t in row) for row in result.rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if result.boolean is not None:
        rdflib_result = Result("ASK")
        rdflib_result.askAnswer = result.boolean
    else:
        rdflib_result = Result("SELECT")
        rdflib_result.vars = [Variable(v) for v in result.variables]
        rdflib_result.bindings = [
            {rdflib_result.vars[i]: t for i, t in enumerate(row) if t is not None} for row in result.rows]
    out = io.BytesIO()
    rdflib_result.serialize(out, format=fmt, encoding="utf-8")
    return out.getvalue()


# --------------------------------------------------------------------------- server

class SparqlServer(ThreadingHTTPServer):
    """A threading HTTP server bound to one store and one configuration."""

    daemon_threads = True

    def __init__(self, store: Store, config: ServeConfig) -> None:
        self.store = store
        self.config = config
        self.query_slots = threading.BoundedSemaphore(config.workers)
        self.request_slots = threading.BoundedSemaphore(config.max_concurrent)
        self.update_lock = threading.Lock()
        self.audit = AuditLog(None if config.audit_log is None else Path(config.audit_log))
        self.max_connections = 4 * config.max_concurrent
        self._connections = 0
        self._connections_lock = threading.Lock()
        self.page = _render_page(config)
        super().__init__((config.host, config.port), SparqlHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def process_request(self, request, client_address) -> None:
        """One thread per connection, at most ``max_connections`` (a 503 and close beyond)."""
        with self._connections_lock:
            full = self._connections >= self.max_connections
            if not full:
                self._connections += 1
        if not full:
            super().process_request(request, client_address)
            return
        body = b"too many connections: retry later\n"
        try:
            request.settimeout(2)
            request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n"
                            b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: "
                            + str(len(body)).encode() + b"\r\n\r\n" + body)
        except OSError:
            pass
        self.shutdown_request(request)

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_lock:
                self._connections -= 1


def _render_page(config: ServeConfig) -> bytes:
    template = (resources.files("topicgraph") / "templates" / "serve.html").read_text(encoding="utf-8")
    rows = []
    for q in list_named_queries():
        params = ", ".join(f"{p.name} ({p.kind})" for p in q.params) or "none"
        rows.append(f"<li><b>{html.escape(q.name)}</b>: {html.escape(q.description)} "
                    f"<span class=muted>parameters: {html.escape(params)}</span></li>")
    prefixes = "\n".join(f"PREFIX {p}: &lt;{html.escape(str(ns))}&gt;" for p, ns in PREFIXES.items())
    page = (template.replace("{{ named_queries }}", "\n".join(rows))
            .replace("{{ prefixes }}", prefixes)
            .replace("{{ mode }}", "read-write" if config.allow_update else "read-only")
            .replace("{{ timeout }}", f"{config.timeout:g}")
            .replace("{{ max_results }}", str(config.max_results)))
    return page.encode("utf-8")


class SparqlHandler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol: GET/POST queries (urlencoded or direct), POST updates."""

    server: SparqlServer
    server_version = "topicgraph"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - keep the console quiet
        pass

    def setup(self) -> None:
        self.timeout = self.server.config.socket_timeout  # idle or stalled connections are closed
        super().setup()

    def handle_expect_100(self) -> bool:
        """``Expect: 100-continue`` with a body over the limit: 413 before the client sends it."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        if length > self.server.config.max_body:
            self.close_connection = True
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, self._too_large(length))
            return False
        return super().handle_expect_100()

    # -- plumbing
    def _send(self, status: HTTPStatus, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors)
            self.send_header("Vary", "Origin")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus, message: str, headers: dict[str, str] | None = None) -> None:
        if self.close_connection:
            headers = {**(headers or {}), "Connection": "close"}
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8", headers)

    def _too_large(self, length: int) -> str:
        return f"request body of {length:,} bytes is over the limit of {self.server.config.max_body:,} (--max-body)"

    def _declared_length(self) -> int:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True
            raise RequestError(HTTPStatus.LENGTH_REQUIRED, "chunked bodies are not accepted: send Content-Length")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise RequestError(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
        return length

    def _body(self) -> bytes:
        length = self._declared_length()
        if length > self.server.config.max_body:
            self.close_connection = True
            self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, self._too_large(length))
            self._drain(length)
            raise _Answered
        self._body_read = True
        return self.rfile.read(length) if length else b""

    def _drain(self, length: int) -> None:
        """Read and drop a body (bounded in size and time) so that closing does not reset the connection."""
        if length > DRAIN_LIMIT:
            return
        deadline = time.monotonic() + DRAIN_SECONDS
        try:
            self.connection.settimeout(DRAIN_SECONDS)
            left = length
            while left > 0 and time.monotonic() < deadline:
                chunk = self.rfile.read(min(left, 1 << 20))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def _discard_unread_body(self) -> None:
        """Before an early error on a POST: drop its body (or close the connection if it is too big)."""
        if self.command != "POST" or getattr(self, "_body_read", False):
            return
        self._body_read = True
        self.close_connection = True
        try:
            length = self._declared_length()
        except RequestError:
            return
        if length <= self.server.config.max_body:
            self._drain(length)

    def _dispatch(self, method: str) -> None:
        self._body_read = False
        if not self.server.request_slots.acquire(blocking=False):
            self._discard_unread_body()
            self._error(HTTPStatus.SERVICE_UNAVAILABLE,
                        f"busy: {self.server.config.max_concurrent} requests in progress (--max-concurrent)",
                        {"Retry-After": "1"})
            return
        try:
            self._dispatch_request(method)
        finally:
            self.server.request_slots.release()

    def _dispatch_request(self, method: str) -> None:
        try:
            path = urlsplit(self.path).path
            if method in ("GET", "HEAD") and path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, self.server.page, "text/html; charset=utf-8",
                           {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"})
                return
            if path not in QUERY_PATHS | UPDATE_PATHS:
                raise RequestError(HTTPStatus.NOT_FOUND, "not found")
            query, update = self._read_operation(method, path)
            if update is not None:
                self._run_update(update)
            else:
                self._authorize_read()
                self._run_query(query)
        except _Answered:
            pass
        except RequestError as exc:
            self._discard_unread_body()
            self._error(exc.status, str(exc), exc.headers)
        except EngineCrashed as exc:
            if exc.alone:
                self._error(HTTPStatus.BAD_REQUEST, f"{exc}: this request is refused")
            else:
                self._error(HTTPStatus.SERVICE_UNAVAILABLE, f"{exc} while answering several requests: retry",
                            {"Retry-After": "1"})
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        except Exception as exc:  # never a traceback to the client
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, f"server error: {type(exc).__name__}")

    def _read_operation(self, method: str, path: str) -> tuple[str | None, str | None]:
        params = parse_qs(urlsplit(self.path).query, keep_blank_values=True)
        if method in ("GET", "HEAD"):
            if "update" in params:
                raise RequestError(HTTPStatus.METHOD_NOT_ALLOWED, "updates must be sent with POST")
            if "query" not in params or path == "/update":
                raise RequestError(HTTPStatus.BAD_REQUEST, "missing 'query' parameter (or open / for the query form)")
            return self._one(params, "query"), None
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        body = self._body()
        if ctype == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            if "update" in form:
                return None, self._one(form, "update")
            if "query" in form:
                return self._one(form, "query"), None
            raise RequestError(HTTPStatus.BAD_REQUEST, "missing 'query' or 'update' parameter")
        if ctype == "application/sparql-query":
            return body.decode("utf-8", "replace"), None
        if ctype == "application/sparql-update":
            return None, body.decode("utf-8", "replace")
        raise RequestError(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                           f"unsupported Content-Type {ctype!r} (use application/x-www-form-urlencoded, "
                           "application/sparql-query or application/sparql-update)")

    @staticmethod
    def _one(params: dict[str, list[str]], key: str) -> str:
        values = params[key]
        if len(values) != 1:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"exactly one '{key}' parameter expected")
        return values[0]

    # -- authentication
    def _unauthorized(self, what: str) -> RequestError:
        given = bearer_token(self.headers.get("Authorization")) is not None
        challenge = 'Bearer realm="topicgraph"' + (', error="invalid_token"' if given else "")
        return RequestError(HTTPStatus.UNAUTHORIZED,
                            f"{what} need a valid token: send 'Authorization: Bearer <token>'"
                            if not given else f"{what}: the bearer token is not valid",
                            {"WWW-Authenticate": challenge})

    def _authorize_read(self) -> None:
        config = self.server.config
        if config.read_token is None:
            return
        token = bearer_token(self.headers.get("Authorization"))
        if not (token_matches(token, config.read_token) or token_matches(token, config.update_token)):
            raise self._unauthorized("queries")

    def _authorize_update(self) -> bool:
        """True if the update carried the update token; 401 if a token is set and it did not."""
        config = self.server.config
        if config.update_token is None:
            return False  # loopback only (make_server refuses anything else)
        if not token_matches(bearer_token(self.headers.get("Authorization")), config.update_token):
            raise self._unauthorized("updates")
        return True

    # -- operations
    def _run_update(self, update: str) -> None:
        if not self.server.config.allow_update:
            raise RequestError(HTTPStatus.FORBIDDEN, "updates are disabled (start the server with --allow-update)")
        authenticated = self._authorize_update()
        _check_text(update, self.server.config, is_update=True)
        if uses_service(update):
            raise RequestError(HTTPStatus.BAD_REQUEST, "SERVICE is not allowed")
        try:
            with self.server.update_lock:
                self.server.store.update(update)
        except (SyntaxError, ValueError) as exc:
            raise RequestError(HTTPStatus.BAD_REQUEST, f"SPARQL error: {_first_line(exc)}") from None
        self.server.audit.record(self.client_address[0], update, authenticated)
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain")

    def _run_query(self, query: str) -> None:
        config = self.server.config
        _check_text(query, config, is_update=False)
        if is_update(query):
            raise RequestError(HTTPStatus.BAD_REQUEST, "this is an update: send it as 'update' with POST")
        if uses_service(query):
            raise RequestError(HTTPStatus.BAD_REQUEST,
                               "SERVICE is not allowed: this endpoint does not query other servers")
        params = parse_qs(urlsplit(self.path).query)
        accept = self.headers.get("Accept")
        if "format" in params and params["format"][0] in FORMAT_ALIASES:
            accept = FORMAT_ALIASES[params["format"][0]]
        graph_media = choose_type(accept, GRAPH_TYPES, "text/turtle")
        result_media = choose_type(accept, RESULT_TYPES, "application/sparql-results+json")
        try:
            body, media, truncated = run_with_deadline(
                answer_query, (self.server.store, query, config.max_results, graph_media, result_media),
                config.timeout, self.server.query_slots)
        except TimeoutError:
            raise RequestError(HTTPStatus.SERVICE_UNAVAILABLE,
                               f"query timed out after {config.timeout:g} s (server limit)") from None
        except (SyntaxError, ValueError) as exc:  # QueryError: what each store maps its engine's errors into
            raise RequestError(HTTPStatus.BAD_REQUEST, f"SPARQL error: {_first_line(exc)}") from None
        charset = "" if media.endswith("json") else "; charset=utf-8"
        extra = {"X-Topicgraph-Truncated": "true"} if truncated else {}
        self._send(HTTPStatus.OK, body, media + charset, extra)

    # -- HTTP verbs
    def do_GET(self) -> None:  # noqa: N802
        self._dispatch("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_OPTIONS(self) -> None:  # noqa: N802
        if not self.server.config.cors:
            self._error(HTTPStatus.METHOD_NOT_ALLOWED, "CORS is disabled")
            return
        self._send(HTTPStatus.NO_CONTENT, b"", "text/plain", {
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "600"})

    def do_PUT(self) -> None:  # noqa: N802
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "method not allowed")

    do_DELETE = do_PATCH = do_PUT


class _Answered(Exception):
    """The error answer was already sent (e.g. a 413 followed by draining the body)."""


def _check_text(sparql: str, config: ServeConfig, is_update: bool) -> None:
    try:
        check_text(sparql, config.limits, is_update=is_update)
    except GuardError as exc:
        raise RequestError(HTTPStatus.BAD_REQUEST, str(exc)) from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0][:300] if text else type(exc).__name__


def run_with_deadline(function, args: tuple, timeout: float, slots: threading.BoundedSemaphore):
    """Run ``function(*args)`` in a daemon thread, at most ``slots`` at once; TimeoutError after ``timeout``.

    Oxigraph cannot abort a query: a runaway one keeps its slot until it ends, but as a daemon
    thread it never keeps the process from exiting (Ctrl-C, tests).
    """
    if not slots.acquire(timeout=timeout):
        raise TimeoutError
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["value"] = function(*args)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc
        finally:
            slots.release()

    worker = threading.Thread(target=work, name="sparql-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise TimeoutError
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def answer_query(store: Store, query: str, max_results: int, graph_media: str,
                 result_media: str) -> tuple[bytes, str, bool]:
    """The serialized answer (body, media type, truncated?): in the engine worker if the store has one,
    so that only bytes cross the process boundary."""
    if hasattr(store, "answer"):
        return store.answer(query, max_results, graph_media, result_media)
    result, truncated = _evaluate(store, query, max_results)
    media = graph_media if result.graph is not None else result_media
    return serialize_result(result, media), media, truncated


def _evaluate(store: Store, query: str, max_results: int) -> tuple[QueryResult, bool]:
    """Run a query and cut the answer to ``max_results`` rows/triples."""
    result = store.query(query, max_rows=max_results + 1)
    truncated = False
    if result.rows and len(result.rows) > max_results:
        result.rows = result.rows[:max_results]
        truncated = True
    if result.graph is not None and len(result.graph) > max_results:
        cut = Graph()
        for i, triple in enumerate(result.graph):
            if i >= max_results:
                break
            cut.add(triple)
        result.graph, truncated = cut, True
    return result, truncated


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_config(config: ServeConfig) -> None:
    """ValueError if the server must not start so (bad limits; updates off loopback without a token)."""
    for name in ("timeout", "max_results", "max_body", "max_query_length", "max_depth", "max_concurrent", "workers"):
        if getattr(config, name) <= 0:
            raise ParameterError(name, "must be positive")
    check_startup(is_loopback(config.host), config.allow_update, config.update_token, config.read_token)


def make_server(store: Store, config: ServeConfig) -> SparqlServer:
    """A server bound to ``config.host:config.port`` (port 0: a free port), not yet serving."""
    check_config(config)
    try:
        return SparqlServer(store, config)
    except OSError as exc:
        raise OSError(f"cannot listen on {config.host}:{config.port} ({exc.strerror or exc})") from None


def serve_in_thread(store: Store, config: ServeConfig) -> tuple[SparqlServer, threading.Thread]:
    """Start a server in a background thread (tests, benchmarks); stop it with ``server.shutdown()``."""
    server = make_server(store, config)
    thread = threading.Thread(target=server.serve_forever, name="sparql-server", daemon=True)
    thread.start()
    return server, thread


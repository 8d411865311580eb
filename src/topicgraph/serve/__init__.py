"""The SPARQL 1.1 endpoint (``topicgraph serve``): the server (``server``), the scan that rejects what the engine
cannot take (``guard``), tokens and the audit log (``auth``), and the engine worker process (``worker``)."""

from .server import (
    ServeConfig, SparqlHandler, SparqlServer, answer_query, check_config, choose_type, is_loopback, is_update,
    make_server, run_with_deadline, serialize_result, serve_in_thread, uses_service,
)

__all__ = [
    "ServeConfig", "SparqlHandler", "SparqlServer", "answer_query", "check_config", "choose_type", "is_loopback",
    "is_update", "make_server", "run_with_deadline", "serialize_result", "serve_in_thread", "uses_service",
]

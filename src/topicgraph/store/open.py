"""Opening a store from its spec: a directory (embedded Oxigraph), ``memory`` (rdflib) or a server URL."""

from __future__ import annotations

from pathlib import Path

from .base import Store, StoreError
from .memory import RdflibStore
from .oxigraph import OxigraphStore
from .remote import RemoteSparqlStore

DEFAULT_STORE = Path(".topicgraph")
MEMORY = "memory"

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

"""The store stage: one named graph per article in embedded Oxigraph, rdflib in memory or any SPARQL 1.1
server, with the derived statistics (``derived``) and the writers' lock (``locking``)."""

from .base import (
    BatchWriting,
    BulkLoading,
    CountUpdate,
    Optimizing,
    QueryError,
    QueryResult,
    Store,
    StoreError,
    StoreLocked,
    Triple,
    ValueSelecting,
    first_line,
    select_values,
)
from ..oxterms import from_ox, ox_quad, to_ox
from .entities import load_kb_graph
from .memory import RdflibStore
from .open import DEFAULT_STORE, MEMORY, OXIGRAPH_DIR, open_store, store_directory
from .oxigraph import OxigraphStore
from .remote import RemoteSparqlStore

__all__ = [
    "BatchWriting", "BulkLoading", "CountUpdate", "DEFAULT_STORE", "MEMORY", "OXIGRAPH_DIR", "Optimizing",
    "OxigraphStore", "QueryError", "QueryResult", "RdflibStore", "RemoteSparqlStore", "Store", "StoreError",
    "StoreLocked", "Triple", "ValueSelecting", "first_line", "from_ox", "load_kb_graph", "open_store", "ox_quad",
    "select_values", "store_directory", "to_ox",
]

"""topicgraph: an editorial archive as a topic knowledge graph.

The library API (imported on first use, so ``import topicgraph`` stays light)::

    import topicgraph
    report = topicgraph.ingest(["articles/"], "my-store")      # under the store's write lock
    store = topicgraph.open_store("my-store")
    print(topicgraph.run_named_query(store, "co-mentioned", {"entity": "GM"}).rows)
    print(topicgraph.suggest_related(store, report.added[0], k=5))
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

#: Public name -> module that defines it.
_API = {
    "ingest": ("topicgraph.pipeline.run", "ingest_archive"),
    "apply_curation": ("topicgraph.pipeline.run", "apply_curation"),
    "open_store": ("topicgraph.store", "open_store"),
    "run_query": ("topicgraph.query", "run_query"),
    "run_named_query": ("topicgraph.query", "run_named_query"),
    "suggest_related": ("topicgraph.related", "suggest_related"),
    "write_explorer": ("topicgraph.explore", "write_explorer"),
    "export_store": ("topicgraph.export", "export_store"),
}

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name not in _API:
        raise AttributeError(f"module 'topicgraph' has no attribute {name!r}")
    module, attribute = _API[name]
    return getattr(import_module(module), attribute)

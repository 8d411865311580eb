"""The export use: the whole store as N-Quads, TriG, Turtle (all graphs merged) or JSON-LD."""

from __future__ import annotations

from rdflib import Dataset, Graph

from .errors import TopicgraphError
from .namespaces import PREFIXES
from .store import Store

FORMATS = {"nquads": "nquads", "trig": "trig", "turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}


class ExportError(TopicgraphError, ValueError):
    pass


def export_store(store: Store, fmt: str = "turtle") -> bytes:
    """Serialise the store; named graphs are kept except in Turtle and N-Triples, which merge them."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    nquads = store.dump_nquads()
    if fmt == "nquads":
        return nquads
    dataset = Dataset()
    dataset.parse(data=nquads, format="nquads")
    for prefix, ns in PREFIXES.items():
        dataset.bind(prefix, str(ns))
    if fmt in {"turtle", "ntriples"}:
        merged = Graph()
        for prefix, ns in PREFIXES.items():
            merged.bind(prefix, str(ns))
        for quad in dataset.quads((None, None, None, None)):
            merged.add(quad[:3])
        return merged.serialize(format=FORMATS[fmt], encoding="utf-8")
    return dataset.serialize(format=FORMATS[fmt], encoding="utf-8")

"""Which vocabularies a store uses: ``<store>/vocabularies.toml`` plus a copy of each in ``<store>/vocabularies/``.

The manifest sits beside ``curation.toml``: one ``[[vocabulary]]`` table per vocabulary (``name``, ``kind``,
``source``, ``hash``, ``added``, ``by``, ``concepts``, ``labels``, ``enabled``). A vocabulary added with
``topicgraph vocab add`` is normalised (vocab.read) and kept as N-Triples in ``vocabularies/<name>.nt``, so the
store does not depend on the original file. The vocabularies shipped with topicgraph (``energy``: the
organisations, people, places and technologies of ``ontology/``) are on unless the manifest turns them off;
a store without a manifest uses them alone. The knowledge base of a store is the ontology plus its enabled
vocabularies (:func:`store_kb`); each vocabulary goes to its own named graph in the store (vocab.storage).
"""

from __future__ import annotations

import datetime as dt
import getpass
import hashlib
import json
import os
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields, replace
from functools import lru_cache
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

from rdflib import Graph, Literal
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD
from rdflib.term import Node

from ...namespaces import TG, agent_iri, slugify, vocab_graph_iri
from ...oxterms import from_ox
from ..kb import ONTOLOGY_DIR, KnowledgeBase
from .read import VocabError, Vocabulary, read_vocabulary

MANIFEST_FILE = "vocabularies.toml"
COPIES_DIR = "vocabularies"
#: The core ontology (classes and properties), part of every knowledge base.
ONTOLOGY_FILE = "topicgraph.ttl"
#: Vocabularies shipped with topicgraph, on by default: name -> files in ``ontology/``.
SHIPPED: dict[str, tuple[str, ...]] = {"energy": ("entities.ttl", "technologies.ttl")}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_HEADER = (
    "# topicgraph vocabularies of this store (topicgraph vocab add|remove|list); copies in vocabularies/.\n"
)


@dataclass(frozen=True)
class VocabRecord:
    """One vocabulary of a store."""

    name: str
    kind: str  # "skos" | "entities" | "shipped"
    source: str
    hash: str
    added: str = ""
    by: str = ""
    concepts: int = 0
    labels: int = 0
    enabled: bool = True

    @property
    def shipped(self) -> bool:
        return self.name in SHIPPED and self.kind == "shipped"

    @property
    def graph_iri(self):
        return vocab_graph_iri(self.name)


def manifest_path(store_dir: Path) -> Path:
    return Path(store_dir) / MANIFEST_FILE


def copy_path(store_dir: Path, name: str) -> Path:
    return Path(store_dir) / COPIES_DIR / f"{name}.nt"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _who() -> str:
    try:
        return os.environ.get("USER") or getpass.getuser()
    except Exception:  # no user name in this environment
        return "unknown"


def _file_hash(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(Path(path).read_bytes())
    return h.hexdigest()


def _shipped_record(name: str, enabled: bool = True) -> VocabRecord:
    files = [ONTOLOGY_DIR / f for f in SHIPPED[name]]
    digest = _file_hash(*files)
    counted = Vocabulary(_shipped_graph(name, digest), "shipped")
    return VocabRecord(name, "shipped", ", ".join(f"ontology/{f}" for f in SHIPPED[name]), digest,
                       concepts=counted.concepts, labels=counted.labels, enabled=enabled)


def read_manifest(store_dir: Path | None) -> list[VocabRecord]:
    """The store's vocabularies, shipped ones included (on, unless the manifest turns them off)."""
    records: dict[str, VocabRecord] = {name: _shipped_record(name) for name in SHIPPED}
    path = manifest_path(store_dir) if store_dir is not None else None
    if path is None or not path.exists():
        return list(records.values())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise VocabError(f"{path}: not valid TOML ({exc})") from None
    known = {f.name for f in fields(VocabRecord)}
    for n, table in enumerate(data.get("vocabulary", []), 1):
        if not isinstance(table, dict) or "name" not in table or set(table) - known:
            raise VocabError(f"{path}: vocabulary {n}: needs a name and only the fields {', '.join(sorted(known))}")
        if table.get("kind") == "shipped" and table["name"] in SHIPPED:
            records[table["name"]] = _shipped_record(table["name"], bool(table.get("enabled", True)))
            continue
        try:
            records[table["name"]] = VocabRecord(**table)
        except TypeError as exc:
            raise VocabError(f"{path}: vocabulary {n}: {exc}") from None
    return list(records.values())


def write_manifest(store_dir: Path, records: list[VocabRecord]) -> None:
    """Write the manifest (a shipped vocabulary only when it is turned off)."""
    parts = [_HEADER]
    for record in records:
        if record.shipped and record.enabled:
            continue
        parts.append("\n[[vocabulary]]\n")
        for key, value in asdict(record).items():
            if record.shipped and key not in {"name", "kind", "enabled"}:
                continue
            parts.append(f"{key} = {json.dumps(value, ensure_ascii=False)}\n")
    path = manifest_path(store_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text("".join(parts), encoding="utf-8")
    tmp.replace(path)


def vocabulary_name(text: str) -> str:
    """A vocabulary name from ``--name`` or a file name: lower case, digits, ``-`` and ``_``."""
    name = slugify(text)
    if not _NAME.match(name):
        raise VocabError(f"{text!r}: not usable as a vocabulary name (letters, digits, - and _; at most 64)")
    return name


@dataclass
class AddResult:
    """What ``vocab add`` did: the record, whether anything changed, and the rows or columns skipped."""

    record: VocabRecord
    status: str  # "added" | "updated" | "unchanged" | "enabled"
    warnings: list[str]


def add_vocabulary(store_dir: Path, source: str | Path, name: str | None = None, by: str | None = None) -> AddResult:
    """Add (or update, when its file changed) a vocabulary to the store's manifest and keep a normalised copy.

    ``source`` is a SKOS file, a CSV entity list, or the name of a shipped vocabulary to turn back on."""
    store_dir = Path(store_dir)
    records = {r.name: r for r in read_manifest(store_dir)}
    if str(source) in SHIPPED and not Path(source).exists():
        record = replace(records[str(source)], enabled=True)
        status = "unchanged" if records[str(source)].enabled else "enabled"
        records[record.name] = record
        write_manifest(store_dir, list(records.values()))
        return AddResult(record, status, [])
    path = Path(source)
    vocab_name = vocabulary_name(name or path.stem)
    if vocab_name in SHIPPED:
        raise VocabError(f"{vocab_name}: the name of a shipped vocabulary; choose another with --name")
    digest = _file_hash(path) if path.is_file() else ""
    old = records.get(vocab_name)
    if old is not None and old.hash == digest and copy_path(store_dir, vocab_name).exists():
        return AddResult(old, "unchanged", [])
    vocab = read_vocabulary(path)
    record = VocabRecord(vocab_name, vocab.kind, str(path.resolve()), digest, _now(), by or _who(),
                         vocab.concepts, vocab.labels)
    target = copy_path(store_dir, vocab_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".nt.tmp")
    vocab.graph.serialize(tmp, format="nt", encoding="utf-8")
    tmp.replace(target)
    records[vocab_name] = record
    write_manifest(store_dir, list(records.values()))
    return AddResult(record, "updated" if old is not None else "added", vocab.warnings)


def remove_vocabulary(store_dir: Path, name: str) -> VocabRecord:
    """Take a vocabulary out of the store's knowledge base (a shipped one is turned off)."""
    store_dir = Path(store_dir)
    records = {r.name: r for r in read_manifest(store_dir)}
    if name not in records:
        known = ", ".join(sorted(records)) or "none"
        raise VocabError(f"{name}: no such vocabulary in {store_dir} (known: {known})")
    record = records.pop(name)
    if record.shipped:
        records[name] = replace(record, enabled=False)
    else:
        copy_path(store_dir, name).unlink(missing_ok=True)
    write_manifest(store_dir, list(records.values()))
    return record


def find_record(store_dir: Path | None, name: str) -> VocabRecord:
    """The record of one vocabulary (VocabError naming the known ones if there is none)."""
    records = {r.name: r for r in read_manifest(store_dir)}
    if name not in records:
        raise VocabError(f"{name}: no such vocabulary (known: {', '.join(sorted(records)) or 'none'})")
    return records[name]


def vocabulary_triples(store_dir: Path | None, record: VocabRecord) -> frozenset:
    """The triples of one vocabulary as the knowledge base uses them (parsed once per process and version)."""
    if record.shipped:
        return _shipped_triples(record.name, record.hash)
    path = copy_path(store_dir, record.name)
    if not path.exists():
        raise VocabError(f"{path}: the copy of vocabulary {record.name!r} is missing; add it again")
    return _copy_triples(str(path), record.hash)


def vocabulary_graph(store_dir: Path | None, record: VocabRecord) -> Graph:
    """One vocabulary as an rdflib Graph (for the checks)."""
    graph = Graph()
    for triple in vocabulary_triples(store_dir, record):
        graph.add(triple)
    return graph


@lru_cache(maxsize=4)
def _shipped_graph(name: str, _digest: str) -> Graph:
    graph = Graph()
    for file in SHIPPED[name]:
        graph.parse(ONTOLOGY_DIR / file, format="turtle")
    return graph


@lru_cache(maxsize=4)
def _shipped_triples(name: str, digest: str) -> frozenset:
    return frozenset(_shipped_graph(name, digest))


@lru_cache(maxsize=8)
def _copy_triples(path: str, _digest: str) -> frozenset:
    return frozenset(ntriples(Path(path)))


def ntriples(path: Path):
    """The triples of an N-Triples file as rdflib terms (parsed by Oxigraph, much faster than rdflib)."""
    import pyoxigraph as ox

    with open(path, "rb") as handle:
        for triple in ox.parse(handle, format=ox.RdfFormat.N_TRIPLES):
            yield from_ox(triple.subject), from_ox(triple.predicate), from_ox(triple.object)


@lru_cache(maxsize=1)
def _ontology_graph() -> Graph:
    graph = Graph()
    graph.parse(ONTOLOGY_DIR / ONTOLOGY_FILE, format="turtle")
    return graph


def build_kb(parts: list[tuple[VocabRecord, frozenset]]) -> KnowledgeBase:
    """The ontology plus the given vocabularies, each remembered (with its provenance) under its named graph."""
    graph = Graph()
    add = graph.add
    for triple in _ontology_graph():
        add(triple)
    vocabularies: dict[str, frozenset] = {}
    for record, part in parts:
        part = part | frozenset(provenance_triples(record))
        for triple in part:
            add(triple)
        vocabularies[str(record.graph_iri)] = part
    return KnowledgeBase.from_graph(graph, vocabularies=vocabularies)


def shipped_kb() -> KnowledgeBase:
    """The knowledge base of a store without a manifest: the ontology and the shipped vocabularies."""
    records = [r for r in read_manifest(None) if r.enabled]
    return build_kb([(r, vocabulary_triples(None, r)) for r in records])


def store_kb(store_dir: Path | None) -> KnowledgeBase:
    """The knowledge base of a store: the ontology plus its enabled vocabularies (before curation)."""
    from ..kb import default_kb

    if store_dir is None or not manifest_path(store_dir).exists():
        return default_kb()
    # the store's own vocabularies first: where labels are the same, the gazetteer and linker prefer the first
    records = tuple(sorted((r for r in read_manifest(store_dir) if r.enabled), key=lambda r: r.shipped))
    return _store_kb(str(Path(store_dir).resolve()), records)


@lru_cache(maxsize=2)
def _store_kb(store_dir: str, records: tuple[VocabRecord, ...]) -> KnowledgeBase:
    return build_kb([(r, vocabulary_triples(Path(store_dir), r)) for r in records])


def provenance_triples(record: VocabRecord) -> Iterator[tuple[Node, Node, Node]]:
    """Who added the vocabulary, when, from which file with which hash, and how big it is."""
    node = record.graph_iri
    yield node, RDF.type, TG.Vocabulary
    yield node, RDF.type, PROV.Entity
    yield node, TG.vocabularyName, Literal(record.name)
    yield node, TG.vocabularyKind, Literal(record.kind)
    yield node, DCTERMS.source, Literal(record.source)
    yield node, TG.contentHash, Literal(record.hash)
    if record.added:
        yield node, PROV.generatedAtTime, Literal(record.added, datatype=XSD.dateTime)
    if record.by:
        agent = agent_iri(record.by)
        yield node, PROV.wasAttributedTo, agent
        yield agent, RDF.type, PROV.Agent
        yield agent, RDFS.label, Literal(record.by)
    if record.concepts:
        yield node, TG.conceptCount, Literal(record.concepts, datatype=XSD.integer)
    if record.labels:
        yield node, TG.labelCount, Literal(record.labels, datatype=XSD.integer)

"""The writers' entry points: each takes the store's write lock, builds the curated knowledge base and
chooses how to write. The command line calls these; so can any Python program.

The rule every writer follows (:func:`writing`): an on-disk store is guarded by its lock file (flock), a
SPARQL server by a lease held in the store itself (store/lease.py), so that writers on several machines
take turns; an in-memory store lives in one process and needs neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..knowledge.curation import curated_kb
from ..knowledge.vocab.registry import AddResult, VocabRecord, add_vocabulary, remove_vocabulary
from ..nlp import Extractor
from ..related import refresh_related, store_suggestions
from ..sources import ReadOptions
from ..store import RemoteSparqlStore, Store, StoreError, open_store, store_directory
from ..store.lease import write_lease
from ..store.locking import store_write_lock, writer_directory
from ..store.vocabularies import sync_store
from .curate import ApplyReport, apply_to_store
from .ingest import IngestReport, ProgressCallback, bulk_ingest, ingest, is_new_store
from .load import bulk_load_files, load
from .resolve import ResolveReport, resolve_store
from .split import SplitReport, split
from .vocab import VocabApplyReport, apply_vocabularies


@contextmanager
def writing(store: Store | str | Path | None, *, wait: float = 0.0,
            command: str = "topicgraph") -> Iterator[tuple[Store, Path | None]]:
    """The store open for one writer, with its directory (None unless on disk), under the writers' rule:
    the lock file of an on-disk store, the lease of a SPARQL server (every write then checks it still
    holds it). Waits up to ``wait`` seconds for another writer, then raises StoreLocked naming it.
    ``store``: a spec (:func:`open_store`; opened and closed here) or a store already open (left open)."""
    given = not isinstance(store, (str, Path, type(None)))
    directory = writer_directory(store) if given else store_directory(store)
    if directory is not None:
        with store_write_lock(directory, wait=wait, command=command):
            opened = store if given else open_store(store)
            try:
                yield opened, directory
            finally:
                if not given:
                    opened.close()
        return
    opened = store if given else open_store(store)
    try:
        if isinstance(opened, RemoteSparqlStore):
            with write_lease(opened, wait=wait, command=command) as leased:
                yield leased, None
        else:
            yield opened, None
    finally:
        if not given:
            opened.close()


def ingest_archive(
    paths: Iterable[str | Path],
    store: Store | str | Path | None = None,
    *,
    model: str | None = None,
    bulk: bool | None = None,
    force: bool = False,
    wait: float = 0.0,
    batch_size: int = 16,
    n_process: int = 1,
    on_article: ProgressCallback | None = None,
    on_bulk: Callable[[Path], None] | None = None,
    options: ReadOptions | None = None,
    warn: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest files and folders into ``store`` under its write lock, with the curated knowledge base.

    ``store``: a store directory (default ``./.topicgraph``), ``"memory"``, a SPARQL server URL, or a store
    already open (it stays open; an on-disk one is locked through its directory).

    ``bulk``: build a new on-disk store in one pass (default: when the store does not exist yet);
    ``model``: the spaCy pipeline whose NER is merged (``"none"``: gazetteer only); ``wait``: seconds to
    wait for another writer before StoreLocked; ``n_process``: processes running the spaCy pipeline;
    ``on_article``: called with each article id done; ``on_bulk``: called with the directory when a bulk
    load starts (the lock held); ``options``: how exports are read (CSV columns, WXR pages and drafts,
    ``max_chars``); ``warn``: told once when a language's NER pipeline is missing (gazetteer only then).
    """
    paths = list(paths)
    given = not isinstance(store, (str, Path, type(None)))
    directory = None if given else store_directory(store)
    if given:  # a store already open is written article by article
        bulk = False
    if bulk is None:
        bulk = directory is not None and is_new_store(directory)
    if bulk and directory is None:
        raise StoreError("a bulk load builds an on-disk store: give a store directory (not memory or a URL)")
    if bulk:
        with store_write_lock(directory, wait=wait, command="topicgraph ingest"):
            extractor = Extractor(curated_kb(directory), model=model, n_process=n_process, warn=warn)
            if on_bulk:
                on_bulk(directory)
            return bulk_ingest(paths, directory, extractor=extractor, batch_size=batch_size, on_article=on_article,
                               options=options)
    with writing(store, wait=wait, command="topicgraph ingest") as (opened, directory):
        extractor = Extractor(curated_kb(directory), model=model, n_process=n_process, warn=warn)
        return ingest(paths, opened, extractor=extractor, force=force, batch_size=batch_size,
                      on_article=on_article, options=options)


def apply_curation(store: str | Path | None = None, *, model: str | None = None, wait: float = 0.0) -> ApplyReport:
    """Apply the store's curation file to everything stored (``topicgraph curate apply``), under its write lock."""
    with writing(store, wait=wait, command="topicgraph curate apply") as (opened, directory):
        return apply_to_store(opened, directory, model=model)


def load_extractions(
    files: Iterable[str | Path],
    store: Store | str | Path | None = None,
    *,
    bulk: bool | None = None,
    force: bool = False,
    wait: float = 0.0,
    on_article: ProgressCallback | None = None,
) -> IngestReport:
    """Apply extraction files (``topicgraph extract``) to ``store`` under the writers' rule (``topicgraph load``):
    in bulk into an on-disk store that does not exist yet (``bulk``: default), else article by article, each
    in one transaction, unchanged articles skipped unless ``force``. The files must have been extracted with
    the store's curated knowledge base."""
    files = [Path(f) for f in files]
    given = not isinstance(store, (str, Path, type(None)))
    directory = None if given else store_directory(store)
    if bulk is None:
        bulk = directory is not None and is_new_store(directory)
    if bulk and (directory is None or not is_new_store(directory)):
        raise StoreError("a bulk load builds a new on-disk store: give a store directory that does not exist yet")
    if bulk:
        with store_write_lock(directory, wait=wait, command="topicgraph load"):
            return bulk_load_files(files, directory, curated_kb(directory), on_article=on_article)
    with writing(store, wait=wait, command="topicgraph load") as (opened, directory):
        return load(files, opened, curated_kb(directory), force=force, on_article=on_article)


def store_related(store: Store | str | Path | None, suggestions: dict, method: str, wait: float = 0.0) -> None:
    """Store related-article suggestions (``related --store-results``) under the writers' rule."""
    with writing(store, wait=wait, command="topicgraph related --store-results") as (opened, _directory):
        store_suggestions(opened, suggestions, method)


def resolve_archive(store: Store | str | Path | None = None, *, dry_run: bool = False,
                    wait: float = 0.0) -> ResolveReport:
    """The archive-wide entity resolution (``topicgraph resolve``) under the writers' rule (a dry run writes
    nothing and takes no lock): merged nodes' articles rewritten one transaction each, their related
    suggestions refreshed."""
    if dry_run:
        opened = open_store(store) if isinstance(store, (str, Path, type(None))) else store
        try:
            return resolve_store(opened, curated_kb(store_directory(store) if opened is not store else
                                                    writer_directory(store)), dry_run=True)
        finally:
            if opened is not store:
                opened.close()
    with writing(store, wait=wait, command="topicgraph resolve") as (opened, directory):
        kb = curated_kb(directory)
        report = resolve_store(opened, kb)
        if report.rewritten:
            refresh_related(opened, report.rewritten, kb=kb)
        return report


def split_merge(store: str | Path | None, entity: str, by: str, why: str, *, wait: float = 0.0) -> SplitReport:
    """Undo a resolution merge (``topicgraph curate split``) under the writers' rule: recorded in the curation,
    the articles rewritten, their related suggestions refreshed."""
    with writing(store, wait=wait, command="topicgraph curate split") as (opened, directory):
        if directory is None:
            raise StoreError("curation needs an on-disk store (a store directory)")
        report = split(opened, directory, entity, by, why)
        if report.rewritten:
            refresh_related(opened, report.rewritten, kb=curated_kb(directory))
        return report


def _vocabulary_store(store: str | Path | None) -> Path:
    directory = store_directory(store)
    if directory is None:
        raise StoreError("vocabularies need an on-disk store (a store directory)")
    return directory


def add_vocabulary_to_store(store: str | Path | None, source: str | Path, *, name: str | None = None,
                            by: str | None = None, wait: float = 0.0) -> AddResult:
    """Add or update a vocabulary (``topicgraph vocab add``) under the writers' rule, its named graph written."""
    directory = _vocabulary_store(store)
    with writing(store, wait=wait, command="topicgraph vocab add") as (opened, _directory):
        result = add_vocabulary(directory, source, name=name, by=by)
        sync_store(opened, directory)
        return result


def remove_vocabulary_from_store(store: str | Path | None, name: str, *, wait: float = 0.0) -> VocabRecord:
    """Take a vocabulary out of the store's knowledge base (``topicgraph vocab remove``) under the writers' rule."""
    directory = _vocabulary_store(store)
    with writing(store, wait=wait, command="topicgraph vocab remove") as (opened, _directory):
        record = remove_vocabulary(directory, name)
        sync_store(opened, directory)
        return record


def apply_vocabularies_to_store(store: str | Path | None, *, model: str | None = None,
                                wait: float = 0.0) -> VocabApplyReport:
    """Re-link the stored articles with the current vocabularies (``topicgraph vocab apply``) under the
    writers' rule."""
    directory = _vocabulary_store(store)
    with writing(store, wait=wait, command="topicgraph vocab apply") as (opened, _directory):
        return apply_vocabularies(opened, directory, model=model)

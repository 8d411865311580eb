"""The writers' entry points: each takes the store's write lock, builds the curated knowledge base and
chooses how to write. The command line calls these; so can any Python program."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..knowledge.curation import curated_kb
from ..knowledge.vocab.registry import AddResult, VocabRecord, add_vocabulary, remove_vocabulary
from ..nlp import Extractor
from ..related import refresh_related
from ..sources import ReadOptions
from ..store import Store, StoreError, open_store, store_directory
from ..store.locking import store_write_lock, writer_directory
from ..store.vocabularies import sync_store
from .curate import ApplyReport, apply_to_store
from .ingest import IngestReport, ProgressCallback, bulk_ingest, ingest, is_new_store
from .resolve import ResolveReport, resolve_store
from .split import SplitReport, split
from .vocab import VocabApplyReport, apply_vocabularies


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
    if not isinstance(store, (str, Path, type(None))):
        with store_write_lock(writer_directory(store), wait=wait, command="topicgraph ingest"):
            extractor = Extractor(curated_kb(writer_directory(store)), model=model, n_process=n_process,
                                  warn=warn)
            return ingest(paths, store, extractor=extractor, force=force, batch_size=batch_size,
                          on_article=on_article, options=options)
    directory = store_directory(store)
    if bulk is None:
        bulk = directory is not None and is_new_store(directory)
    if bulk and directory is None:
        raise StoreError("a bulk load builds an on-disk store: give a store directory (not memory or a URL)")
    with store_write_lock(directory, wait=wait, command="topicgraph ingest"):
        extractor = Extractor(curated_kb(directory), model=model, n_process=n_process, warn=warn)
        if bulk:
            if on_bulk:
                on_bulk(directory)
            return bulk_ingest(paths, directory, extractor=extractor, batch_size=batch_size, on_article=on_article,
                               options=options)
        opened = open_store(store)
        try:
            return ingest(paths, opened, extractor=extractor, force=force, batch_size=batch_size,
                          on_article=on_article, options=options)
        finally:
            opened.close()


def apply_curation(store: str | Path | None = None, *, model: str | None = None, wait: float = 0.0) -> ApplyReport:
    """Apply the store's curation file to everything stored (``topicgraph curate apply``), under its write lock."""
    directory = store_directory(store)
    with store_write_lock(directory, wait=wait, command="topicgraph curate apply"):
        opened = open_store(store)
        try:
            return apply_to_store(opened, directory, model=model)
        finally:
            opened.close()


def resolve_archive(store: str | Path | None = None, *, dry_run: bool = False, wait: float = 0.0) -> ResolveReport:
    """The archive-wide entity resolution (``topicgraph resolve``): under the write lock unless ``dry_run``,
    merged nodes' articles rewritten one transaction each and their related suggestions refreshed."""
    directory = store_directory(store)
    with store_write_lock(None if dry_run else directory, wait=wait, command="topicgraph resolve"):
        kb = curated_kb(directory)
        opened = open_store(store)
        try:
            report = resolve_store(opened, kb, dry_run=dry_run)
            if report.rewritten:
                refresh_related(opened, report.rewritten, kb=kb)
            return report
        finally:
            opened.close()


def split_merge(store: str | Path | None, entity: str, by: str, why: str, *, wait: float = 0.0) -> SplitReport:
    """Undo a resolution merge (``topicgraph curate split``) under the write lock: recorded in the curation,
    the articles rewritten, their related suggestions refreshed."""
    directory = store_directory(store)
    if directory is None:
        raise StoreError("curation needs an on-disk store (a store directory)")
    with store_write_lock(directory, wait=wait, command="topicgraph curate split"):
        opened = open_store(store)
        try:
            report = split(opened, directory, entity, by, why)
            if report.rewritten:
                refresh_related(opened, report.rewritten, kb=curated_kb(directory))
            return report
        finally:
            opened.close()


def _vocabulary_store(store: str | Path | None) -> Path:
    directory = store_directory(store)
    if directory is None:
        raise StoreError("vocabularies need an on-disk store (a store directory)")
    return directory


def add_vocabulary_to_store(store: str | Path | None, source: str | Path, *, name: str | None = None,
                            by: str | None = None, wait: float = 0.0) -> AddResult:
    """Add or update a vocabulary (``topicgraph vocab add``) under the write lock, its named graph written."""
    directory = _vocabulary_store(store)
    with store_write_lock(directory, wait=wait, command="topicgraph vocab add"):
        result = add_vocabulary(directory, source, name=name, by=by)
        opened = open_store(store)
        try:
            sync_store(opened, directory)
        finally:
            opened.close()
        return result


def remove_vocabulary_from_store(store: str | Path | None, name: str, *, wait: float = 0.0) -> VocabRecord:
    """Take a vocabulary out of the store's knowledge base (``topicgraph vocab remove``) under the write lock."""
    directory = _vocabulary_store(store)
    with store_write_lock(directory, wait=wait, command="topicgraph vocab remove"):
        record = remove_vocabulary(directory, name)
        opened = open_store(store)
        try:
            sync_store(opened, directory)
        finally:
            opened.close()
        return record


def apply_vocabularies_to_store(store: str | Path | None, *, model: str | None = None,
                                wait: float = 0.0) -> VocabApplyReport:
    """Re-link the stored articles with the current vocabularies (``topicgraph vocab apply``) under the write lock."""
    directory = _vocabulary_store(store)
    with store_write_lock(directory, wait=wait, command="topicgraph vocab apply"):
        opened = open_store(store)
        try:
            return apply_vocabularies(opened, directory, model=model)
        finally:
            opened.close()

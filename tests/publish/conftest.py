"""The sample corpus ingested once into in-memory Oxigraph, and its publishing snapshot."""

from __future__ import annotations

import pytest

from ..conftest import SAMPLE


@pytest.fixture(scope="session")
def publish_store(extractor):
    from topicgraph.pipeline.ingest import ingest
    from topicgraph.store import OxigraphStore

    store = OxigraphStore(None)
    report = ingest([SAMPLE], store, extractor=extractor)
    assert not report.problems, report.problems
    yield store
    store.close()


@pytest.fixture(scope="session")
def archive(publish_store):
    from topicgraph.publish.data import load_archive

    return load_archive(publish_store)

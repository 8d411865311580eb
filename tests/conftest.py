"""Shared fixtures: the sample corpus, ../shared data (skipped when absent), ingested stores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample"
GOLD = REPO / "data" / "gold"


def shared_dir() -> Path:
    """``$TOPICGRAPH_SHARED`` or ``../shared`` beside the checkout."""
    return Path(os.environ.get("TOPICGRAPH_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "seeds").is_dir():
        pytest.skip(f"shared data not found at {path} (set TOPICGRAPH_SHARED); seed tests need ../shared/seeds")
    return path


@pytest.fixture(scope="session")
def seeds(shared: Path) -> Path:
    return shared / "seeds"


@pytest.fixture(scope="session")
def extractor():
    """Gazetteer-only extraction plus whatever NER is shipped (built once per session)."""
    from topicgraph.nlp import Extractor

    return Extractor()


@pytest.fixture(scope="session", params=["oxigraph", "memory"])
def sample_store(request, tmp_path_factory, extractor):
    """The sample corpus ingested into each backend."""
    from topicgraph.pipeline.ingest import ingest
    from topicgraph.store import open_store

    spec = str(tmp_path_factory.mktemp("store")) if request.param == "oxigraph" else "memory"
    store = open_store(spec)
    report = ingest([SAMPLE], store, extractor=extractor)
    assert not report.problems, report.problems
    yield store
    store.close()

"""The Dask recipe: extract on a local cluster of 2 worker processes, load as the single writer; the same graph
as a plain ingest."""

from __future__ import annotations

import pytest

from topicgraph.pipeline.distributed import extract_on_dask
from topicgraph.pipeline.run import ingest_archive, load_extractions

from tests.conftest import SAMPLE
from tests.pipeline.test_ingest import named_quads

distributed = pytest.importorskip("distributed")


@pytest.mark.slow
def test_extract_on_a_local_dask_cluster_then_load_equals_ingest(tmp_path):
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        files = extract_on_dask(client, [SAMPLE], tmp_path / "extractions")
    assert len(files) == 2 and all(f.is_file() for f in files)
    report = load_extractions(files, tmp_path / "loaded")
    assert len(report.added) == 18 and not report.problems
    ingest_archive([SAMPLE], tmp_path / "ingested")
    # the same graph, quad for quad: extraction does not depend on the worker process (its hash seed)
    assert named_quads(tmp_path / "loaded") == named_quads(tmp_path / "ingested")

"""``bench writers`` on a few sample articles: its rows come out, and the guarded writers leave a clean graph."""

from __future__ import annotations

import re

import pytest

from topicgraph.evaluation.bench_writers import bench_writers

from tests.conftest import SAMPLE


@pytest.mark.slow
@pytest.mark.server
def test_bench_writers_prints_every_row_and_the_lease_keeps_the_graph_clean(tmp_path, capsys):
    lines = bench_writers([SAMPLE], n_articles=4, model="none", writers=(2,), workdir=tmp_path, unguarded=False)
    assert lines[0].startswith("4 articles, --model none")
    assert [line.split(":")[0] for line in lines[1:]] == [
        "extract, 1 process(es)", "extract, 2 process(es)", "load into the embedded store, bulk (new store)",
        "load into the embedded store, article by article", "oxigraph serve, 2 concurrent writer(s) (load, lease)"]
    assert re.search(r"4/4 articles, check: 0 violation\(s\)$", lines[-1])
    assert capsys.readouterr().out.splitlines() == lines

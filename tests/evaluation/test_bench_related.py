"""A tiny smoke run of `topicgraph bench related` (the real benchmark runs 100,000 articles; issue 8)."""

from __future__ import annotations

from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.related import RelatedIndex
from topicgraph.evaluation.bench_related import bench_related
from topicgraph.evaluation.synthetic import generate_extractions


def test_bench_related_prints_its_figures():
    result = CliRunner().invoke(main, ["bench", "related", "-n", "300", "-k", "5"])
    assert result.exit_code == 0, result.output
    for label in ("index build", "bulk entities", "bulk graph", "bulk text", "bulk blend", "one  blend", "peak memory",
                  "load average"):
        assert label in result.output


def test_bench_report_covers_every_method_asked():
    report = bench_related(200, k=3, methods=("entities",), singles=5)
    assert set(report.bulk_seconds) == {"entities"} and report.single_ms["entities"][0] >= 0
    assert report.index_mb > 0


def test_threaded_bulk_equals_serial_on_the_synthetic_corpus():
    index = RelatedIndex.from_extractions(generate_extractions(600))
    threaded = dict(index.rank_all(k=5, method="blend", chunk=100, workers=2))
    serial = dict(index.rank_all(k=5, method="blend", chunk=600, workers=1))
    assert threaded == serial and len(threaded) == 600

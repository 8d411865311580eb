"""Smoke runs of the benchmarks on tiny corpora (figures are printed, not asserted: no timed tests)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from topicgraph.evaluation.bench import run_query_bench, run_soak
from topicgraph.cli import main
from topicgraph.query import list_named_queries


def test_query_bench_reports_every_named_query(tmp_path):
    lines: list[str] = []
    figures = run_query_bench(60, rdflib_articles=30, with_server=False, repeat=2, workdir=tmp_path, echo=lines.append)
    assert {q.name for q in list_named_queries()} <= set(figures["queries"])
    assert figures["embedded_load_tps"] > 0
    assert all(e["oxigraph_p50_ms"] > 0 and "rdflib_p50_ms" in e for e in figures["queries"].values())
    assert any(line.startswith("bulk load, embedded Oxigraph") for line in lines)


@pytest.mark.server
def test_soak_has_no_errors_and_no_inconsistent_answers():
    lines: list[str] = []
    stats = run_soak(80, clients=3, queries_per_client=10, seconds=30, echo=lines.append)
    assert stats["queries"] > 0 and stats["errors"] == 0 and stats["inconsistent"] == 0
    assert lines[0].startswith("soak on loopback: 3 clients")


def test_bench_command_runs():
    result = CliRunner().invoke(main, ["bench", "queries", "--articles", "40", "--rdflib-articles", "0",
                                       "--no-server", "--repeat", "1"])
    assert result.exit_code == 0, result.output
    assert "co-mentioned" in result.output and "slowest named query" in result.output


def test_synthetic_corpus_can_hold_articles_without_entities():
    from topicgraph.evaluation.synthetic import generate_extractions

    plain = list(generate_extractions(200, seed=4))
    sparse = list(generate_extractions(200, seed=4, without_entities_every=50))
    empty = [e.article.id for e in sparse if not e.mentions]
    assert empty == ["synth-000049", "synth-000099", "synth-000149", "synth-000199"]
    assert all(not e.entities and not e.about for e in sparse if not e.mentions)
    # the other articles are the same as without the option
    assert [(e.article, e.mentions) for e in sparse if e.mentions] == \
        [(e.article, e.mentions) for e in plain if e.article.id not in empty]

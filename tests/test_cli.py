"""End to end through the command line: files -> store -> SPARQL answers, explorer, export."""

from __future__ import annotations

import json
import re
import shutil

from click.testing import CliRunner

from topicgraph.cli import main

from .conftest import SAMPLE


def run(*args: str, store=None):
    prefix = ["--store", str(store)] if store else []
    return CliRunner().invoke(main, [*prefix, *args], catch_exceptions=False)


def test_seed_flow_from_files_to_answers(seeds, tmp_path):
    store = tmp_path / "store"
    result = run("ingest", str(seeds), store=store)
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    answer = run("query", "--name", "articles-mentioning", "--param", "entity=Redwood Materials", "--format", "csv", store=store)
    assert answer.exit_code == 0 and "004_4c5149e7d90d0099" in answer.output
    assert "000_9a3a17aab97ae3fe" not in answer.output
    related = run("related", "000_9a3a17aab97ae3fe", store=store)
    assert related.exit_code == 0
    assert "004_4c5149e7d90d0099" in related.output and "shared:" in related.output
    assert "KI-Rechenzentrum" in related.output


def test_sample_flow(tmp_path):
    store = tmp_path / "store"
    result = run("ingest", str(SAMPLE), store=store)
    assert result.exit_code == 0, result.output
    assert "18 added" in result.output
    assert "18 unchanged" in run("ingest", str(SAMPLE), store=store).output

    free = run("query", "SELECT (COUNT(?a) AS ?n) WHERE { ?a a tg:Article }", "--format", "json", store=store)
    assert json.loads(free.output)["results"]["bindings"][0]["n"]["value"] == "18"

    q = tmp_path / "q.rq"
    q.write_text("SELECT ?id WHERE { ?a tg:articleId ?id } ORDER BY ?id LIMIT 2", encoding="utf-8")
    assert "(2 rows)" in run("query", "--file", str(q), store=store).output

    listing = run("query", "--list").output
    assert "articles-mentioning" in listing and "--param entity=<entity>" in listing

    people = run("entities", "--type", "Person", store=store).output
    assert "JB Straubel" in people and "Norsk Hydro" not in people

    art = run("article", "gm-redwood-speicherpartnerschaft", store=store)
    assert art.exit_code == 0 and "General Motors" in art.output and "2025-" in art.output

    page = tmp_path / "graph.html"
    out = run("explore", "-o", str(page), store=store)
    assert out.exit_code == 0
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", html)
    assert "vis.Network" in html and "Kelty und Straubel" in html

    ttl = tmp_path / "all.ttl"
    assert run("export", "-f", "turtle", "-o", str(ttl), store=store).exit_code == 0
    assert "tg:Article" in ttl.read_text(encoding="utf-8")


def test_errors_are_one_line_and_exit_nonzero(tmp_path):
    store = tmp_path / "store"
    runner = CliRunner()
    missing = runner.invoke(main, ["--store", str(store), "ingest", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "no such file or directory" in missing.output
    bad_sparql = runner.invoke(main, ["--store", str(store), "query", "SELECT WHERE {"])
    assert bad_sparql.exit_code == 1 and bad_sparql.output.startswith("Error: SPARQL error")
    assert "Traceback" not in bad_sparql.output
    unknown = runner.invoke(main, ["--store", str(store), "related", "nope"])
    assert unknown.exit_code == 1 and "no article with id 'nope'" in unknown.output


def test_demo(tmp_path):
    page = tmp_path / "demo.html"
    result = run("demo", "-o", str(page), store=tmp_path / "store")
    assert result.exit_code == 0, result.output
    assert page.exists()
    assert "Articles mentioning Redwood Materials" in result.output
    assert "gm-redwood-speicherpartnerschaft" in result.output
    assert "shared:" in result.output


def test_bulk_ingest_builds_a_new_store_and_refuses_a_filled_one(tmp_path):
    store = tmp_path / "store"
    result = run("ingest", "--bulk", "--n-process", "2", str(SAMPLE), store=store)
    assert result.exit_code == 0, result.output
    assert "18 added" in result.output
    answer = run("query", "--name", "articles-mentioning", "--param", "entity=Redwood Materials", "--format", "csv",
                 store=store)
    assert "gm-redwood-speicherpartnerschaft" in answer.output
    again = CliRunner().invoke(main, ["--store", str(store), "ingest", "--bulk", str(SAMPLE)])
    assert again.exit_code == 1 and "already holds 18 articles" in again.output and "Traceback" not in again.output
    memory = CliRunner().invoke(main, ["--store", "memory", "ingest", "--bulk", str(SAMPLE)])
    assert memory.exit_code == 2 and "--bulk builds an on-disk store" in memory.output


def test_ingest_loads_a_new_store_in_bulk_and_adds_to_an_existing_one_article_by_article(tmp_path):
    corpus, more = tmp_path / "corpus", tmp_path / "more"
    corpus.mkdir(), more.mkdir()
    for name in ("northvolt-lehren.md", "tesla-nevada-loop.txt"):
        shutil.copy(SAMPLE / name, corpus)
    shutil.copy(SAMPLE / "gm-redwood-speicherpartnerschaft.md", more)
    store = tmp_path / "store"
    first = run("ingest", str(corpus), store=store)
    assert first.exit_code == 0, first.output
    assert "bulk load" in first.output and "2 added" in first.output
    second = run("ingest", str(more), store=store)  # the store exists now: one article at a time
    assert second.exit_code == 0, second.output
    assert "bulk load" not in second.output and "1 added" in second.output
    forced = run("ingest", "--no-bulk", str(SAMPLE / "northvolt-lehren.md"), store=tmp_path / "other")
    assert forced.exit_code == 0 and "bulk load" not in forced.output
    ids = run("query", "SELECT ?id WHERE { ?a tg:articleId ?id }", "--format", "csv", store=store)
    assert {"northvolt-lehren", "tesla-nevada-loop", "gm-redwood-speicherpartnerschaft"} <= set(ids.output.split())

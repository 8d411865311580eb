"""Integrity: `topicgraph check` validates the store against ontology/shapes.ttl (SHACL)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from topicgraph.cli import main
from topicgraph.integrity import SHAPES_FILE, check_store
from topicgraph.namespaces import ART, ENT, GRAPH, TG
from topicgraph.store import open_store

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"


def test_shapes_ship_with_the_ontology() -> None:
    assert SHAPES_FILE.is_file()


def test_check_after_ingesting_the_sample_corpus(tmp_path: Path) -> None:
    store_dir = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(main, ["--store", store_dir, "ingest", str(SAMPLE), "--model", "none"]).exit_code == 0
    result = runner.invoke(main, ["--store", store_dir, "check"])
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith("checked 18 articles,") and ": 0 violations," in first
    # undated plain-text articles are warnings, not violations
    assert all(line.startswith("warning: ") and "has no date" in line for line in result.stdout.splitlines()[1:])


def test_broken_graph_shows_violations(tmp_path: Path) -> None:
    store = open_store("memory")
    article, mention = ART["kaputt"], URIRef(f"{ART['kaputt']}#m5-2")
    stray = URIRef(f"{ART['kaputt']}#m0-3")
    store.replace_graph(GRAPH["article/kaputt"], [
        (article, RDF.type, TG.Article),                      # no articleId, no title, no hash
        (mention, RDF.type, TG.Mention), (mention, TG.inArticle, article),
        (mention, TG.startOffset, Literal(5, datatype=XSD.integer)),  # start after end
        (mention, TG.endOffset, Literal(2, datatype=XSD.integer)),
        (mention, TG.surfaceForm, Literal("x")), (mention, TG.refersTo, ENT["niemand"]),  # untyped, unlabelled entity
        (stray, RDF.type, TG.Mention),                        # no article, offsets, entity or surface form
    ])
    report = check_store(store)
    assert not report.ok
    text = "\n".join(str(f) for f in report.violations)
    for expected in ("art:kaputt (tg:articleId)", "art:kaputt (dcterms:title)", "below its tg:endOffset",
                     "ent:niemand: an entity that articles mention has a type",
                     "ent:niemand: an entity that articles mention has a label",
                     "#m0-3> (tg:inArticle)", "#m0-3> (tg:refersTo)", "#m0-3> (tg:startOffset)"):
        assert expected in text, text


def test_check_command_exits_1_and_prints_violations(tmp_path: Path, monkeypatch) -> None:
    store_dir = tmp_path / "store"
    store = open_store(store_dir)
    store.replace_graph(GRAPH["article/kaputt"], [(ART["kaputt"], RDF.type, TG.Article)])
    store.close()
    result = CliRunner().invoke(main, ["--store", str(store_dir), "check"])
    assert result.exit_code == 1
    assert "violation: art:kaputt (tg:articleId): an article has exactly one non-empty tg:articleId" in result.stdout


def _check_after(tmp_path: Path, ingest_options: list[str], tamper):
    """Ingest the sample corpus (with ``ingest_options``), let ``tamper(store)`` change the store, then run
    ``topicgraph check``: (its result, what ``tamper`` returned, the store folder)."""
    store_dir = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(main, ["--store", str(store_dir), "ingest", str(SAMPLE), *ingest_options]).exit_code == 0
    store = open_store(store_dir)
    try:
        tampered = tamper(store)
    finally:
        store.close()
    return runner.invoke(main, ["--store", str(store_dir), "check"]), tampered, store_dir


def test_check_recounts_the_derived_statistics(tmp_path: Path) -> None:
    def drift(store) -> int:  # a count drifts: Tesla's article count, and a second count on one co-mention node
        tesla = int(store.query("SELECT ?n WHERE { GRAPH tgg:derived { ent:tesla tg:articleCount ?n } }").rows[0][0])
        store.update(f"DELETE {{ GRAPH tgg:derived {{ ent:tesla tg:articleCount ?n }} }} "
                     f"INSERT {{ GRAPH tgg:derived {{ ent:tesla tg:articleCount {tesla + 1} }} }} "
                     f"WHERE {{ GRAPH tgg:derived {{ ent:tesla tg:articleCount ?n }} }}")
        store.update("INSERT { GRAPH tgg:derived { ?p tg:articleCount 99 } } WHERE { "
                     "{ SELECT ?p WHERE { GRAPH tgg:derived { ?p a tg:CoMention ; tg:entity ent:tesla } } LIMIT 1 } }")
        return tesla

    result, tesla, store_dir = _check_after(tmp_path, ["--model", "none"], drift)
    assert result.exit_code == 1
    found = [line for line in result.stdout.splitlines() if "derived count disagrees" in line]
    assert len(found) == 2, result.stdout
    assert any(line.startswith("violation: ent:tesla (tg:articleCount)") and
               f"stored {tesla + 1}, recounted {tesla}" in line for line in found)
    assert any(", 99, recounted" in line or "stored 99," in line for line in found)
    skipped = CliRunner().invoke(main, ["--store", str(store_dir), "check", "--no-counts"])
    assert skipped.exit_code == 0 and "derived count" not in skipped.stdout


def test_check_finds_a_derived_type_the_article_graphs_do_not_give(tmp_path: Path) -> None:
    def stale_type(store) -> None:  # a minted entity keeps an old type in the statistics (what a retype left)
        entity = store.query("SELECT ?e WHERE { GRAPH ?g { ?m tg:refersTo ?e . ?e a tg:Place } } "
                             "ORDER BY ?e LIMIT 1").rows[0][0]
        store.update(f"INSERT DATA {{ GRAPH tgg:derived {{ <{entity}> a tg:Person }} }}")

    # with the shipped NER: the names it finds are minted entities, described in their article graphs
    result, _, _ = _check_after(tmp_path, [], stale_type)
    assert result.exit_code == 1
    found = [line for line in result.stdout.splitlines() if "derived type disagrees" in line]
    assert len(found) == 1, result.stdout
    assert "stored tg:Person, tg:Place, article graphs tg:Place" in found[0]

"""Issue 3: candidate technologies/topics are discovered over the stored corpus, never added by themselves."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.knowledge.kb import default_kb
from topicgraph.model import Article
from topicgraph.namespaces import TECH
from topicgraph.terms import discover


def _articles() -> list[Article]:
    bodies = [
        "Der Quartierspeicher im Neubaugebiet puffert Solarstrom. Ein schwimmender Ponton trägt ihn.",
        "Ein weiterer Quartierspeicher entsteht, daneben ein schwimmender Ponton auf dem Baggersee.",
        "Quartierspeichern fehlt oft die Genehmigung. BMW plant nichts dergleichen.",
        "Ein Artikel über etwas völlig anderes, Gartenbau und Rosenzucht.",
    ]
    return [Article(id=f"a{i}", title="", body=b) for i, b in enumerate(bodies)]


def test_recurring_compounds_and_phrases_are_candidates():
    found = {c.term: c for c in discover(_articles(), default_kb(), top=20)}
    assert "Quartierspeicher" in found and found["Quartierspeicher"].articles == 3
    assert "Quartierspeichern" in found["Quartierspeicher"].forms  # inflected forms grouped
    assert "schwimmender Ponton" in found
    assert "Rosenzucht" not in found  # in one article only


def test_known_kb_names_are_not_candidates():
    found = {c.term for c in discover(_articles(), default_kb(), top=50, min_articles=1)}
    assert not any("BMW" in t for t in found)
    assert "Solarstrom" not in found  # a label of tech:solar-power


def test_cli_lists_candidates_and_does_not_add_them(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    for a in _articles():
        (corpus / f"{a.id}.txt").write_text(f"Titel {a.id}\n\n{a.body}\n", encoding="utf-8")
    store = tmp_path / "s"
    runner = CliRunner()
    assert runner.invoke(main, ["--store", str(store), "ingest", "--model", "none", str(corpus)]).exit_code == 0
    result = runner.invoke(main, ["--store", str(store), "terms", "--candidates", "--top", "5"])
    assert result.exit_code == 0, result.output
    assert "Quartierspeicher" in result.output
    result = runner.invoke(main, ["--store", str(store), "query",
                                  f"ASK {{ <{TECH['quartierspeicher']}> ?p ?o }}"])
    assert "false" in result.output.lower()

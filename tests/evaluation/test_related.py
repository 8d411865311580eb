"""eval-related: labelled corpora (CSV, folder) and precision@k per method (issue 8)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.evaluation.related import CorpusError, read_labelled_corpus

TOPICS = {
    "Sport": ["Fußball Tor Trainer Spiel Liga Meisterschaft Stürmer", "Tennis Turnier Satz Finale Spielerin Sieg"],
    "Wirtschaft": ["Bank Zinsen Inflation Börse Aktien Gewinn Quartal", "Konzern Umsatz Gewinn Aktien Börse Anleger"],
    "Web": ["Smartphone App Software Update Nutzer Google Android", "Internet Browser App Nutzer Daten Software"],
}


def _csv_corpus(path: Path, per_topic: int = 6) -> Path:
    lines = []
    for label, texts in TOPICS.items():
        for i in range(per_topic):
            words = texts[i % 2]
            lines.append(f"{label};Meldung {label} {i}. {words} {words.split()[i % 5]} Bericht Nummer {i}.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_reads_csv_with_labels_and_titles(tmp_path):
    articles = read_labelled_corpus(_csv_corpus(tmp_path / "c.csv"))
    assert len(articles) == 18 and articles[0].categories == ("Sport",)
    assert articles[0].title == "Meldung Sport 0."
    assert len({a.id for a in articles}) == 18


def test_reads_a_folder_with_front_matter_categories(tmp_path):
    for i, (label, texts) in enumerate(TOPICS.items()):
        (tmp_path / f"a{i}.md").write_text(f"---\ntitle: A {i}\ncategories: [{label}]\n---\n\n{texts[0]}\n", encoding="utf-8")
    (tmp_path / "unlabelled.md").write_text("---\ntitle: U\n---\n\nText ohne Kategorie.\n", encoding="utf-8")
    assert sorted(a.categories[0] for a in read_labelled_corpus(tmp_path)) == ["Sport", "Web", "Wirtschaft"]


def test_reads_the_csv_files_of_a_folder_like_10kgnad(tmp_path):
    folder = tmp_path / "10kgnad-like"
    folder.mkdir()
    _csv_corpus(folder / "articles.csv")
    (folder / "README.md").write_text("# About this corpus\n\nFormat: label;text.\n", encoding="utf-8")
    articles = read_labelled_corpus(folder)
    assert len(articles) == 18 and {a.categories[0] for a in articles} == set(TOPICS)


def test_bad_corpora_are_one_line_errors(tmp_path):
    with pytest.raises(CorpusError, match="no such file"):
        read_labelled_corpus(tmp_path / "missing.csv")
    (tmp_path / "bad.csv").write_text("nolabel\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.csv:1: expected 'label;text'"):
        read_labelled_corpus(tmp_path / "bad.csv")
    result = CliRunner().invoke(main, ["eval-related", str(tmp_path / "bad.csv")])
    assert result.exit_code != 0 and "expected 'label;text'" in result.output and "Traceback" not in result.output


def test_eval_related_prints_one_line_per_method(tmp_path):
    result = CliRunner().invoke(main, ["eval-related", str(_csv_corpus(tmp_path / "c.csv")), "--k", "3", "--model", "none"])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines() if line and not line.startswith("#")}
    assert set(lines) >= {"entities", "graph", "text", "blend", "baseline"}
    text_precision = float(lines["text"].split()[1])
    assert text_precision > 0.6  # the topics are separable by their words
    assert "weights" in lines["blend"]


def _shared() -> Path:
    return Path(os.environ.get("TOPICGRAPH_SHARED") or Path(__file__).resolve().parents[2].parent / "shared")


@pytest.mark.slow
@pytest.mark.shared
def test_10kgnad_text_beats_the_raw_baseline():
    corpus = _shared() / "data" / "10kgnad-dev" / "articles.csv"
    if not corpus.exists():
        pytest.skip(f"{corpus} absent (shared data not available)")
    from topicgraph.evaluation.related import evaluate_related

    report = evaluate_related(corpus, k=10, model="none")
    assert report.n_articles == 512
    assert report.precision["text"] > report.precision["baseline"] + 0.1
    assert report.precision["blend"] >= report.precision["text"] - 0.02

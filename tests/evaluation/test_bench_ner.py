"""A tiny run of `topicgraph bench ner` (the real benchmark runs a whole folder; issue 6): structure, not timing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.evaluation.bench_ner import BenchInputError, bench_ner

GERMAN = [
    "Neue Fabrik im Norden\n\nDie Firma Nordlicht Batterien GmbH baut in Husum eine Fabrik für Speicher. "
    "Geschäftsführerin Jana Petersen sagte, die Anlage solle im Herbst den Betrieb aufnehmen und sei für die Region "
    "ein wichtiger Schritt.\n",
    "Kooperation in der Forschung\n\nDie Universität Kassel und die Stadtwerke Fulda arbeiten an einem Netz für "
    "Wasserstoff. Projektleiter Tobias Brandner erwartet erste Ergebnisse im nächsten Jahr, auch wenn die Kosten "
    "noch nicht feststehen.\n",
    "Recycling wächst\n\nIn Sachsen eröffnet die Kreislauf AG eine Anlage für alte Akkus. Der Vorstand Martin Ehlers "
    "rechnet damit, dass sich die Menge der Altbatterien bis zum Ende des Jahrzehnts verdoppelt.\n",
]
ENGLISH = ("A new plant\n\nThe company Northern Light Batteries is building a factory in Scotland. It is the first of its "
           "kind in the region and it will open in the autumn.\n")


@pytest.fixture()
def articles_dir(tmp_path: Path) -> Path:
    for i, text in enumerate(GERMAN):
        (tmp_path / f"de-{i}.txt").write_text(text, encoding="utf-8")
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    return tmp_path


def test_report_counts_the_german_articles_and_times_every_row(articles_dir):
    report = bench_ner([articles_dir], n_process=2, batch_size=2)
    assert report.n_articles == 3 and report.skipped == 1 and report.ingested == report.bulk_ingested == 3
    bodies = [text.split("\n\n", 1)[1] for text in GERMAN]
    assert report.n_words == sum(len(b.split()) for b in bodies)
    assert list(report.seconds) == ["bare nlp.pipe", "bare nlp.pipe n_process=2", "extract", "ingest --no-bulk",
                                   "ingest --bulk", "ingest --bulk n_process=2"]
    for name in report.seconds:
        articles_per_s, words_per_s = report.rate(name)
        assert report.seconds[name] > 0 and articles_per_s > 0
        assert words_per_s == pytest.approx(articles_per_s * report.n_words / report.n_articles)
    assert report.ratio("bare nlp.pipe") == 1.0


def test_cli_prints_one_line_per_row(articles_dir):
    result = CliRunner().invoke(main, ["bench", "ner", str(articles_dir), "--n-process", "1", "--no-ingest"])
    assert result.exit_code == 0, result.output
    assert "articles 3 (German; 1 others skipped)" in result.output
    rows = [line.split()[0] for line in result.stdout.splitlines() if line.startswith(("bare", "extract", "ingest"))]
    assert rows == ["bare", "extract"]  # n_process=1 and --no-ingest leave those rows out


def test_input_without_german_articles_is_a_one_line_error(tmp_path):
    (tmp_path / "en.txt").write_text(ENGLISH, encoding="utf-8")
    with pytest.raises(BenchInputError):
        bench_ner([tmp_path], n_process=1, with_ingest=False)
    result = CliRunner().invoke(main, ["bench", "ner", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "no such file or directory" in result.output
    assert "Traceback" not in result.output

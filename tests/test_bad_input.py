"""A corpus of bad files, generated here: each gets one line naming the file and its problem, the good
files are all ingested, the exit code says some failed, and no traceback reaches the user."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.sources import markdown as markdown_reader
from topicgraph.cli import main
from topicgraph.model import Article, SourceProblem
from topicgraph.sources import read_articles, read_file
from topicgraph.store import open_store

SRC = Path(__file__).resolve().parents[1] / "src"
BODY = "Die Firma Redwood Materials recycelt Batterien in Nevada. Der Geschäftsführer sprach über die Größe.\n"

#: file name -> (content, expected problem text or None for a clean article, expected warning text or None)
ERRORS = {
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary file"),
    "empty.md": (b"", "empty file"),
    "only-front-matter.md": (b"---\ntitle: Nur ein Kopf\ndate: 2024-01-01\n---\n", "no body text"),
    "invalid-yaml.md": (b"---\ntitle: [nicht geschlossen\ndate: : :\n---\n" + BODY.encode(), "invalid YAML front matter"),
    "nested-deep.html": (b"<html><body>" + b"<div>" * 100_000 + b"<p>tief</p>" + b"</div>" * 100_000 + b"</body></html>",
                         "markup nested too deeply"),
    "duplicate-b.md": (b"---\nid: same-id\ntitle: Zweiter\n---\n" + BODY.encode(), "duplicate article id 'same-id'"),
}
KEPT_WITH_WARNING = {
    "latin1.txt": (("Latin-1 Titel\n\n" + BODY).encode("latin-1"), "not UTF-8", "Größe"),
    "cp1252.md": (("---\ntitle: „Größe“ – Test\n---\n" + BODY).encode("cp1252"), "not UTF-8", "Größe"),
    "mac-roman-mojibake.md": (("---\ntitle: Mojibake\n---\n" + BODY).encode("utf-8").decode("mac_roman").encode("utf-8"),
                              "mojibake", "Geschäftsführer"),
    "impossible-date.md": (b"---\ntitle: Datum\ndate: 2024-02-30\n---\n" + BODY.encode(), "impossible date '2024-02-30'",
                           "Redwood"),
}
KEPT = {
    "good-one.md": b"---\ntitle: Gut\ndate: 2024-03-01\n---\n" + BODY.encode(),
    "good-two.txt": ("Guter Text\n\n" + BODY).encode(),
    "duplicate-a.md": b"---\nid: same-id\ntitle: Erster\n---\n" + BODY.encode(),
    "broken.html": b"<html><body><article><p>" + BODY.encode() + b"<p>Zweiter <b>Absatz <i>ohne</article> Ende",
    "utf16-bom.md": codecs.BOM_UTF16_LE + ("---\ntitle: UTF-16\n---\n" + BODY).encode("utf-16-le"),
    "nested-deep.md": ("Einleitung über Tesla.\n\n" + ">" * 50_000 + " tief\n").encode(),
}
KEPT_IDS = {"good-one", "good-two", "same-id", "broken", "utf16-bom", "nested-deep", "latin1", "cp1252",
            "mac-roman-mojibake", "impossible-date"}


def make_bad_corpus(directory: Path) -> None:
    directory.mkdir()
    for name, (content, _problem) in ERRORS.items():
        (directory / name).write_bytes(content)
    for name, (content, _warning, _text) in KEPT_WITH_WARNING.items():
        (directory / name).write_bytes(content)
    for name, content in KEPT.items():
        (directory / name).write_bytes(content)
    with open(directory / "huge.txt", "wb") as f:  # 100 MB of real text, written in 1 MB chunks
        chunk = (b"Ein sehr langer Text. " * 50_000)[: 1 << 20]
        for _ in range(100):
            f.write(chunk)
    os.symlink("loop.md", directory / "loop.md")  # a symbolic link to itself
    os.mkfifo(directory / "fifo.md")  # reading it would block forever


EXTRA_ERRORS = {"huge.txt": "file too large", "loop.md": "broken or looping symbolic link",
                "fifo.md": "not a regular file (a named pipe (FIFO))"}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("bad")
    corpus, store_dir = base / "corpus", base / "store"
    make_bad_corpus(corpus)
    result = subprocess.run(
        [sys.executable, "-m", "topicgraph", "--store", str(store_dir), "ingest", str(corpus), "--model", "none"],
        env={**os.environ, "PYTHONPATH": str(SRC)}, capture_output=True, text=True, timeout=600)
    store = open_store(store_dir)
    ids = {str(r[0]) for r in store.query("SELECT ?id WHERE { ?a tg:articleId ?id }").rows}
    dated = {str(r[0]) for r in store.query("SELECT ?id WHERE { ?a tg:articleId ?id ; dcterms:date ?d }").rows}
    store.close()
    return result, ids, dated


def lines_naming(output: str, name: str) -> list[str]:
    return [line for line in output.splitlines() if f"/{name}:" in line]


def test_exit_code_says_some_failed_and_no_traceback(bad_run) -> None:
    result, _ids, _dated = bad_run
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout.startswith("articles: 10 added")
    assert f"{len(ERRORS) + len(EXTRA_ERRORS)} file(s) or article(s) skipped" in result.stderr


@pytest.mark.parametrize("name,problem", [(n, p) for n, (_c, p) in ERRORS.items()] + list(EXTRA_ERRORS.items()))
def test_each_bad_file_gets_one_line_naming_it_and_the_problem(bad_run, name: str, problem: str) -> None:
    result, _ids, _dated = bad_run
    lines = lines_naming(result.stderr, name)
    assert len(lines) == 1, result.stderr
    assert problem in lines[0]


@pytest.mark.parametrize("name", KEPT_WITH_WARNING)
def test_repairable_files_are_kept_with_a_warning(bad_run, name: str) -> None:
    result, ids, _dated = bad_run
    lines = lines_naming(result.stderr, name)
    assert len(lines) == 1 and lines[0].startswith("warning: ") and KEPT_WITH_WARNING[name][1] in lines[0]
    assert Path(name).stem in ids


def test_good_files_are_all_ingested(bad_run) -> None:
    result, ids, dated = bad_run
    assert ids == KEPT_IDS
    for name in KEPT:
        if name != "duplicate-a.md":
            assert not lines_naming(result.stderr, name), f"{name} should pass silently"
    assert "impossible-date" not in dated and "good-one" in dated


@pytest.mark.parametrize("name", list(KEPT_WITH_WARNING) + ["utf16-bom.md", "broken.html", "nested-deep.md"])
def test_text_is_repaired_and_kept(tmp_path: Path, name: str) -> None:
    make_bad_corpus(tmp_path / "c")
    (article,) = [a for a in read_file(tmp_path / "c" / name) if isinstance(a, Article)]
    expected = KEPT_WITH_WARNING[name][2] if name in KEPT_WITH_WARNING else {
        "utf16-bom.md": "Größe", "broken.html": "Zweiter Absatz ohne", "nested-deep.md": "Einleitung über Tesla."}[name]
    assert expected in article.body + article.title
    assert "Ã" not in article.body and "√" not in article.body


def test_duplicate_keeps_the_first(bad_run) -> None:
    result, _ids, _dated = bad_run
    (line,) = lines_naming(result.stderr, "duplicate-b.md")
    assert "first read from" in line and "duplicate-a.md" in line


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode; the FIFO and symlink loop "
                                               "cover unreadable files here")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("Text.", encoding="utf-8")
    path.chmod(0)
    (problem,) = list(read_file(path))
    assert isinstance(problem, SourceProblem) and "permission denied" in str(problem)


def test_utf16_with_broken_sequence_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + ("Titel\n\n" + BODY).encode("utf-16-le") + b"\x00\xd8")  # lone surrogate
    items = list(read_file(path))
    assert any(isinstance(i, Article) for i in items)
    assert any(isinstance(i, SourceProblem) and i.is_warning and "invalid UTF-16" in i.problem for i in items)


def test_jsonl_lone_surrogate_and_bad_date_cost_nothing_but_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"id": "x1", "title": "T\\ud800", "body": "Text \\udfff hier.", "date": "31.02.2024"}\n',
                    encoding="utf-8")
    items = list(read_articles([path]))
    (article,) = [i for i in items if isinstance(i, Article)]
    article.content_hash  # encodable: no lone surrogates left
    assert article.date is None
    (warning,) = [i for i in items if isinstance(i, SourceProblem)]
    assert warning.is_warning and warning.line == 1 and "impossible date" in warning.problem


def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(tmp_path: Path, monkeypatch, caplog) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\n---\n" + BODY, encoding="utf-8")
    (tmp_path / "b.txt").write_text("B\n\n" + BODY, encoding="utf-8")

    def exploding_parser(text, path, warnings=None):
        raise RuntimeError("parser bug")

    monkeypatch.setattr(markdown_reader, "parse_markdown", exploding_parser)
    runner = CliRunner()
    quiet = runner.invoke(main, ["--store", "memory", "ingest", str(tmp_path), "--model", "none"])
    assert quiet.exit_code == 1
    assert "a.md: unexpected error while reading (RuntimeError: parser bug)" in quiet.stderr
    assert "Traceback" not in quiet.output and "Traceback" not in caplog.text
    assert quiet.stdout.startswith("articles: 1 added")
    debug = runner.invoke(main, ["--debug", "--store", "memory", "ingest", str(tmp_path), "--model", "none"])
    assert debug.exit_code == 1
    # --debug logs the traceback to standard error (here captured by pytest's log handler)
    assert "Traceback" in caplog.text and "raise RuntimeError(\"parser bug\")" in caplog.text

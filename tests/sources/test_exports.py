"""Archive exports: CSV/TSV, WordPress WXR, RSS and Atom feeds, zip and tar archives, standard input."""

from __future__ import annotations

import datetime as dt
import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.model import Article, SourceProblem
from topicgraph.sources import CsvOptions, ReadOptions, read_articles

FILES = Path(__file__).parent / "files"


def _split(items) -> tuple[list[Article], list[SourceProblem]]:
    items = list(items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, SourceProblem)]


def test_csv_with_header_names_the_columns_and_the_bad_row() -> None:
    arts, problems = _split(read_articles([FILES / "with-header.csv"]))
    assert [a.id for a in arts] == ["speicher-1", "recycling-2"]
    first, second = arts
    assert first.title == "Speicher für das Netz" and first.date == dt.date(2025, 3, 4)
    assert first.tags == ("Batterie", "Netz") and first.language == "de"
    assert "JB Straubel" in first.body
    assert second.body.count("\n\n") == 1 and '"Zitat"' in second.body  # quoted newline and doubled quotes
    (problem,) = problems
    assert str(problem) == f"{FILES / 'with-header.csv'}: row 4: no body text"


def test_csv_explicit_header_names(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("kennung;ueberschrift;inhalt\na1;Titel eins;Text über Redwood Materials.\n", encoding="utf-8")
    options = ReadOptions(CsvOptions({"id": "kennung", "title": "Ueberschrift", "text": "inhalt"}))
    (art,), problems = _split(read_articles([path], options))
    assert (art.id, art.title, art.body) == ("a1", "Titel eins", "Text über Redwood Materials.") and not problems
    (problem,) = _split(read_articles([path], ReadOptions(CsvOptions({"text": "body_text"}))))[1]
    assert "no column 'body_text' in the header (columns: kennung, ueberschrift, inhalt)" in str(problem)


def test_csv_without_header_needs_columns_10kgnad_layout() -> None:
    path = FILES / "no-header.csv"
    (problem,) = _split(read_articles([path]))[1]
    assert "needs explicit column numbers" in problem.problem and "\n" not in problem.problem
    options = ReadOptions(CsvOptions({"categories": "1", "text": "2"}))
    arts, problems = _split(read_articles([path], options))
    assert not problems and [a.id for a in arts] == ["no-header-1", "no-header-2"]
    assert arts[0].categories == ("Energie",) and arts[1].categories == ("Mobilität",)
    assert arts[0].title == "Speicher für das Netz."  # no title column: the first sentence
    assert "JB Straubel nennt es 'Second Life'." in arts[0].body  # ' quoting with '' inside, ';' inside quotes


def test_tsv_and_a_short_row(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("title\ttext\tdate\nEins\tText eins über Tesla.\t2025-01-02\nZwei\n", encoding="utf-8")
    arts, problems = _split(read_articles([path]))
    assert [a.title for a in arts] == ["Eins"] and arts[0].date == dt.date(2025, 1, 2)
    assert [str(p) for p in problems] == [f"{path}: row 3: 1 column(s), the text is column 2"]


def test_wxr_posts_skip_draft_attachment_revision_and_page() -> None:
    arts, problems = _split(read_articles([FILES / "export.wxr.xml"]))
    assert not problems
    assert [a.id for a in arts] == ["speicher-aus-alten-batterien", "wp-12"]
    post = arts[0]
    assert post.title == "Speicher aus alten Batterien" and post.date == dt.date(2025, 3, 4)
    assert post.categories == ("Energie",) and post.tags == ("Batterie",) and post.language == "de"
    assert post.url == "https://blog.example.org/2025/03/speicher-aus-alten-batterien/"
    assert post.summary == "Speicher aus Altbatterien." and post.headings == ("Was JB Straubel plant",)
    assert "[caption" not in post.body and "Eine Halle in Nevada" in post.body
    assert "wp:paragraph" not in post.body
    assert arts[1].body == "Erster Absatz über General Motors.\n\nZweiter Absatz über Redwood Materials."


def test_wxr_pages_and_drafts_with_flags() -> None:
    arts, _ = _split(read_articles([FILES / "export.wxr.xml"], ReadOptions(wxr_pages=True, wxr_drafts=True)))
    assert [a.id for a in arts] == ["speicher-aus-alten-batterien", "wp-12", "wp-13", "impressum"]
    assert arts[2].date is None  # a draft's 0000-00-00


def test_wxr_entity_expansion_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]>'
                    '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&a;</title></item>'
                    '</channel></rss>', encoding="utf-8")
    (problem,) = _split(read_articles([path]))[1]
    assert "entity declarations are not read" in problem.problem


def test_rss_prefers_content_encoded_over_description() -> None:
    arts, problems = _split(read_articles([FILES / "feed.rss"]))
    assert not problems
    assert [a.id for a in arts] == ["recycling-plant-nevada", "only-summary"]
    first, second = arts
    assert first.body == "Redwood Materials opened a recycling plant in Nevada.\n\nGeneral Motors is the first customer."
    assert first.summary == "Short teaser only." and first.language == "en" and first.categories == ("Energy",)
    assert first.date == dt.date(2025, 4, 2) and first.url.endswith("recycling-plant-nevada.html")
    assert second.body == "Tesla builds batteries in Nevada."


def test_atom_entry() -> None:
    (art,), problems = _split(read_articles([FILES / "feed.atom"]))
    assert not problems
    assert art.id == "speicher-netz" and art.title == "Speicher für das Netz" and art.language == "de"
    assert art.date == dt.date(2025, 3, 4) and art.headings == ("Neue Speicher",) and art.summary == "Kurz: Speicher."
    assert "Redwood Materials baut Speicher" in art.body


def test_unknown_xml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text('<?xml version="1.0"?><urlset><url><loc>https://x.org/</loc></url></urlset>', encoding="utf-8")
    (problem,) = _split(read_articles([tmp_path]))[1]
    assert str(problem) == f"{path}: XML that is neither an RSS/Atom feed nor a WordPress export"


def _members() -> dict[str, bytes]:
    return {"posts/a.md": b"---\ntitle: A\nslug: a\n---\nRedwood Materials in Nevada.\n",
            "posts/b.csv": (FILES / "with-header.csv").read_bytes(),
            "feeds/feed.atom": (FILES / "feed.atom").read_bytes(),
            "posts/picture.jpg": b"\xff\xd8\xff",
            "__MACOSX/._a.md": b"junk",
            "inner.zip": b"PK\x05\x06" + b"\x00" * 18}


def test_zip_read_in_memory(tmp_path: Path) -> None:
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in _members().items():
            archive.writestr(name, data)
    before = sorted(p.name for p in tmp_path.iterdir())
    arts, problems = _split(read_articles([tmp_path]))
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing unpacked
    assert sorted(a.id for a in arts) == ["a", "recycling-2", "speicher-1", "speicher-netz"]
    assert {a.source_path for a in arts if a.id == "a"} == {str(path / "posts/a.md")}
    assert sorted(str(p) for p in problems) == [
        f"{path / 'posts/b.csv'}: row 4: no body text"]  # inner.zip has no article suffix: not read


def test_tar_gz_and_nested_archive(tmp_path: Path) -> None:
    path = tmp_path / "archive.tar.gz"
    members = _members() | {"nested.zip.md": b"PK\x05\x06" + b"\x00" * 18}
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    arts, problems = _split(read_articles([path]))
    assert sorted(a.id for a in arts) == ["a", "recycling-2", "speicher-1", "speicher-netz"]
    assert f"{path / 'nested.zip.md'}: archive inside an archive: not read (unpack it first)" in map(str, problems)


def test_broken_zip_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    (problem,) = _split(read_articles([path]))[1]
    assert problem.problem.startswith("unreadable zip archive") and "\n" not in problem.problem


def test_max_chars_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("Lang\n\n" + "Wort " * 100, encoding="utf-8")
    (tmp_path / "short.txt").write_text("Kurz\n\nEin kurzer Text.", encoding="utf-8")
    arts, problems = _split(read_articles([tmp_path], ReadOptions(max_chars=100)))
    assert [a.id for a in arts] == ["short"]
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'long.txt'}: article 'long' has 499 characters, more than the limit of 100 (--max-chars); skipped"]


def test_cli_ingest_stdin_csv_and_max_chars(tmp_path: Path) -> None:
    runner = CliRunner()
    lines = "\n".join(json.dumps({"id": f"s{n}", "title": f"T{n}", "body": "Redwood Materials in Nevada."})
                      for n in range(3))
    result = runner.invoke(main, ["--store", "memory", "ingest", "-", "--model", "none"], input=lines)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("articles: 3 added")
    result = runner.invoke(main, ["--store", "memory", "ingest", str(FILES / "no-header.csv"), "--model", "none",
                                  "--csv-categories", "1", "--csv-text", "2"])
    assert result.exit_code == 0 and result.stdout.startswith("articles: 2 added"), result.output
    result = runner.invoke(main, ["--store", "memory", "ingest", str(FILES / "no-header.csv"), "--model", "none",
                                  "--csv-text", "2", "--max-chars", "50"])
    assert result.exit_code == 1 and "more than the limit of 50 (--max-chars); skipped" in result.stderr
    assert "Traceback" not in result.output and "E088" not in result.output


def test_authors_from_csv_wxr_and_front_matter_reach_the_graph_and_the_json_ld(tmp_path: Path) -> None:
    from topicgraph.graph import article_graph
    from topicgraph.model import Extraction
    from topicgraph.namespaces import DCTERMS

    csv_file = tmp_path / "byline.csv"
    csv_file.write_text("id,title,text,byline\nb-1,Speicher,Ein Text über Speicher im Netz.,\"Anna Berger, Tom Lee\"\n",
                        encoding="utf-8")
    (csv_article,), _ = _split(read_articles([csv_file]))
    assert csv_article.authors == ("Anna Berger", "Tom Lee")
    wxr_articles, _ = _split(read_articles([FILES / "export.wxr.xml"]))
    assert {a.id: a.authors for a in wxr_articles}["speicher-aus-alten-batterien"] == ("redaktion",)  # dc:creator
    post = tmp_path / "post.md"
    post.write_text("---\ntitle: Netz\nauthor: Carla Ruiz\n---\nEin Text über das Netz.\n", encoding="utf-8")
    (md_article,), _ = _split(read_articles([post]))
    assert md_article.authors == ("Carla Ruiz",)
    _graph, triples = article_graph(Extraction(csv_article))
    assert {str(o) for _s, p, o in triples if p == DCTERMS.creator} == {"Anna Berger", "Tom Lee"}
    unsigned = Article("x", "T", "Ein Text.")
    assert unsigned.content_hash != Article("x", "T", "Ein Text.", authors=("A",)).content_hash


def test_cli_extract_reads_a_csv_with_the_options_of_ingest(tmp_path: Path) -> None:
    runner = CliRunner()
    output = tmp_path / "x.jsonl"
    result = runner.invoke(main, ["extract", str(FILES / "no-header.csv"), "-o", str(output), "--model", "none",
                                  "--csv-categories", "1", "--csv-text", "2"])
    assert result.exit_code == 0, result.output
    assert "2 articles extracted" in result.stdout
    loaded = runner.invoke(main, ["--store", str(tmp_path / "store"), "load", str(output)])
    assert loaded.exit_code == 0, loaded.output
    ingested = runner.invoke(main, ["--store", "memory", "ingest", str(FILES / "no-header.csv"), "--model", "none",
                                    "--csv-categories", "1", "--csv-text", "2"])
    assert ingested.stdout.startswith("articles: 2 added")
    result = runner.invoke(main, ["extract", str(FILES / "no-header.csv"), "-o", str(output), "--model", "none",
                                  "--csv-text", "2", "--max-chars", "50"])
    assert "more than the limit of 50 (--max-chars); skipped" in result.stderr and "Traceback" not in result.output

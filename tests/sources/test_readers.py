from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from topicgraph.model import Article, SourceProblem
from topicgraph.sources import detect_format, markdown_to_text, read_articles, repair_text, strip_shortcodes

from ..conftest import SAMPLE

HUGO = """---
title: "Speicher für das Netz"
date: 2025-03-04
slug: speicher-netz
lang: de
categories: ["Energie"]
tags: [Batterie, Netz]
summary: "Kurz gesagt."
url: https://example.org/speicher
---

{{< page-section >}}
# Erste Überschrift

Ein Absatz über Speicher.

- Punkt eins
- Punkt zwei
{{% note %}}Innerer Text bleibt.{{% /note %}}
{{< figure src="a.jpg" caption="Eine Bildunterschrift" >}}
{{< /page-section >}}
"""


def _one(path: Path) -> Article:
    items = list(read_articles([path]))
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


def test_markdown_front_matter_and_shortcodes(tmp_path):
    path = tmp_path / "post.md"
    path.write_text(HUGO, encoding="utf-8")
    art = _one(path)
    assert art.id == "speicher-netz"
    assert art.title == "Speicher für das Netz"
    assert art.date == dt.date(2025, 3, 4)
    assert art.categories == ("Energie",) and art.tags == ("Batterie", "Netz")
    assert art.url == "https://example.org/speicher" and art.summary == "Kurz gesagt."
    assert "{{" not in art.body and "page-section" not in art.body
    assert "Innerer Text bleibt." in art.body and "Eine Bildunterschrift" in art.body
    # headings and list items become sentences of their own
    assert "Erste Überschrift." in art.body and "Punkt eins." in art.body
    assert art.headings == ("Erste Überschrift",)


def test_format_detected_from_content_not_extension(tmp_path):
    path = tmp_path / "000_post.txt"
    path.write_text(HUGO, encoding="utf-8")
    assert detect_format(HUGO, path) == "markdown"
    assert _one(path).id == "speicher-netz"


def test_plain_text_first_line_is_title(tmp_path):
    path = tmp_path / "notiz.txt"
    path.write_text("Ein Titel\n\nZwischentitel ohne Punkt\nDer eigentliche Text steht hier.\n", encoding="utf-8")
    art = _one(path)
    assert art.id == "notiz" and art.title == "Ein Titel"
    assert art.body.startswith("Zwischentitel ohne Punkt.")
    assert art.headings == ("Zwischentitel ohne Punkt",)


def test_html_body_without_boilerplate(tmp_path):
    path = tmp_path / "seite.html"
    path.write_text(
        '<!DOCTYPE html><html lang="de"><head><title>HTML-Titel</title><meta name="date" content="2024-05-06">'
        '</head><body><nav>Menü</nav><article><h1>Kopf</h1><p>Erster <b>Absatz</b>.</p><ul><li>Eins</li></ul>'
        '<script>alert(1)</script></article><footer>Impressum</footer></body></html>', encoding="utf-8")
    art = _one(path)
    assert art.title == "HTML-Titel" and art.date == dt.date(2024, 5, 6) and art.language == "de"
    assert art.body == "Kopf.\n\nErster Absatz.\n\nEins."
    assert "Menü" not in art.body and "Impressum" not in art.body and "alert" not in art.body


def test_jsonl_one_article_per_line_and_bad_line_reported(tmp_path):
    path = tmp_path / "feed.jsonl"
    good = {"id": "a1", "title": "Eins", "body": "Text eins.", "date": "2024-01-02", "lang": "de"}
    path.write_text(json.dumps(good) + "\n{not json}\n" + json.dumps({**good, "id": "a2"}) + "\n", encoding="utf-8")
    items = list(read_articles([path]))
    assert [i.id for i in items if isinstance(i, Article)] == ["a1", "a2"]
    problems = [i for i in items if isinstance(i, SourceProblem)]
    assert len(problems) == 1 and problems[0].line == 2 and "invalid JSON" in problems[0].problem


def test_mac_roman_mojibake_repaired():
    broken = "Energieträger – für".encode("utf-8").decode("mac_roman")
    assert "√§" in broken
    assert repair_text(broken) == "Energieträger – für"
    # correct text is left alone, and decomposed umlauts are normalised to NFC
    assert repair_text("Energieträger – „gut“") == "Energieträger – „gut“"
    assert repair_text("a\u0308") == "ä"


def test_cp1252_mojibake_repaired():
    assert repair_text("Energietr\u00c3\u00a4ger") == "Energieträger"


def test_markdown_footnote_refs_dropped():
    text, _ = markdown_to_text("Recycling[1] und Kreislaufwirtschaft[2].")
    assert text == "Recycling und Kreislaufwirtschaft."


def test_strip_shortcodes_keeps_inner_text():
    assert strip_shortcodes("{{< a >}}innen{{< /a >}}").strip() == "innen"


def test_sample_corpus_reads_cleanly():
    items = list(read_articles([SAMPLE]))
    problems = [i for i in items if isinstance(i, SourceProblem)]
    articles = [i for i in items if isinstance(i, Article)]
    assert not problems
    assert 15 <= len(articles) <= 20
    assert len({a.id for a in articles}) == len(articles)
    assert {a.language for a in articles} == {"de", "en"}


def test_seed_with_mojibake(seeds):
    arts = {a.id: a for a in read_articles([seeds]) if isinstance(a, Article)}
    seed = arts["000_9a3a17aab97ae3fe"]
    assert "Energieträger" in seed.title and "–" in seed.title
    assert "√" not in seed.body and "‚Äì" not in seed.body
    assert seed.date == dt.date(2025, 10, 24)
    assert "004_4c5149e7d90d0099" in arts

"""Static topic pages: content, index pages, links that resolve, no JavaScript, everything escaped."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.publish.data import Archive, ArticleRecord, EntityInfo, RelationRecord
from topicgraph.publish.site import timeline, write_site

BASE = "https://topics.example.org"


@pytest.fixture(scope="module")
def site(archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    report = write_site(archive, out, BASE)
    assert report.entities == len(archive.entities) and report.pages > report.entities
    return out


def _ld(html: str) -> dict:
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(data)


def test_topic_page_has_what_the_issue_lists(site: Path) -> None:
    html = (site / "topics" / "redwood-materials" / "index.html").read_text(encoding="utf-8")
    assert "<h1>Redwood Materials</h1>" in html and ">Organization<" in html
    assert "Battery recycling and materials company" in html  # description from the knowledge base
    assert "Also: " in html and "Redwood Materials Inc." in html  # aliases
    assert "<svg" in html and "<title>2025-07: " in html  # month timeline
    assert "Kelty und Straubel: Zwei Batterieveteranen finden wieder zusammen" in html  # latest articles
    assert 'href="../../topics/battery/index.html"' in html  # co-mentioned entity
    assert 'href="../../explorer.html"' in html
    ld = _ld(html)
    assert ld["@type"] == "CollectionPage" and ld["mainEntity"]["@id"] == f"{BASE}/topics/redwood-materials/"
    assert f'<link rel="canonical" href="{BASE}/topics/redwood-materials/">' in html


def test_same_as_and_relations_with_evidence(site: Path, archive) -> None:
    gm = (site / "topics" / "general-motors" / "index.html").read_text(encoding="utf-8")
    assert 'href="http://www.wikidata.org/entity/Q81965"' in gm
    (relation,) = archive.relations[:1]
    subject = archive.entities[relation.subject]
    page = (site / "topics" / subject.slug / "index.html").read_text(encoding="utf-8")
    assert "<h2>Relations</h2>" in page and f"<em>{relation.predicate}</em>" in page
    assert relation.evidence.split()[0] in page


def test_index_pages_and_every_link_resolves(site: Path) -> None:
    index = (site / "index.html").read_text(encoding="utf-8")
    for kind in ("Organization", "Person", "Place", "Technology"):
        assert f'href="types/{kind.lower()}.html"' in index
    assert (site / "az" / "index.html").exists() and (site / "az" / "r.html").exists()
    pages = list(site.rglob("*.html"))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html and "<script " not in html.replace('<script type="application/ld+json">', "")
        for href in re.findall(r'href="([^"]+)"', html):
            if href.startswith(("http://", "https://")) or href == "../../explorer.html" or href.endswith("explorer.html"):
                continue
            assert (page.parent / href).resolve().exists(), f"{page}: broken link {href}"


XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_xss_shaped_entity_name_is_inert(tmp_path: Path) -> None:
    iri = "https://w3id.org/topicgraph/entity/evil"
    other = "https://w3id.org/topicgraph/entity/plain"
    evil = EntityInfo(iri, "evil", "Organization", labels={"": XSS}, aliases=(XSS + "2",),
                      descriptions={"": "</p><script>alert(2)</script>"},
                      same_as=("javascript:alert(3)", "https://www.wikidata.org/wiki/Q1"))
    plain = EntityInfo(other, "plain", "Person", labels={"": "Plain"})
    article = ArticleRecord("a1", XSS + " title", dt.date(2025, 1, 2), "javascript:alert(4)", "de", ("x",),
                            about=(iri,), mentions=(other,))
    archive = Archive({"a1": article}, {iri: evil, other: plain}, {iri: ["a1"], other: ["a1"]},
                      {iri: [(other, 1)], other: [(iri, 1)]},
                      [RelationRecord(iri, "partnerOf", other, "</blockquote><script>alert(5)</script>", "a1")])
    write_site(archive, tmp_path, BASE)
    for page in (tmp_path / "topics" / "evil" / "index.html", tmp_path / "topics" / "plain" / "index.html",
                 tmp_path / "index.html", tmp_path / "az" / "0.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>" not in html and "<img" not in html and "javascript:" not in html, page
        assert "&lt;script&gt;" in html, page
    html = (tmp_path / "topics" / "evil" / "index.html").read_text(encoding="utf-8")
    raw_ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "<" not in raw_ld and json.loads(raw_ld)["name"] == XSS  # escaped in the script, intact as data
    assert 'href="https://www.wikidata.org/wiki/Q1"' in html


def test_timeline_counts_every_month_including_empty_ones() -> None:
    svg = str(timeline([dt.date(2024, 11, 5), dt.date(2025, 1, 9), dt.date(2025, 1, 20)]))
    assert re.findall(r"<title>([^<]+)</title>", svg) == ["2024-11: 1", "2024-12: 0", "2025-01: 2"]
    assert timeline([]) is None


def test_cli_site(publish_store, tmp_path: Path, monkeypatch) -> None:
    from topicgraph import cli

    monkeypatch.setattr(cli, "_store", lambda ctx: publish_store)
    result = CliRunner().invoke(cli.main, ["site", "-o", str(tmp_path / "s"), "--base-url", BASE, "--language", "en"])
    assert result.exit_code == 0, result.output
    assert re.match(r"wrote \d+ pages \(\d+ topics, [\d.]+ MB\) to ", result.stdout)
    assert (tmp_path / "s" / "explorer.html").exists()
    battery = (tmp_path / "s" / "topics" / "battery" / "index.html").read_text(encoding="utf-8")
    assert "<h1>battery</h1>" in battery or "<h1>Battery</h1>" in battery  # English label with --language en

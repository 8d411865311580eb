"""Hugo data files for a tiny Hugo site made from the sample articles (and a real Hugo build where installed)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from topicgraph.publish.hugo import write_hugo_data

from ..conftest import REPO, SAMPLE

BASE = "https://topics.example.org"
PARTIAL = REPO / "examples" / "hugo" / "layouts" / "partials" / "topicgraph-related.html"


def make_site(root: Path) -> Path:
    """content/posts/ from the sample's Markdown (Hugo refuses absolute `url:`), a bundle, a page not in the store."""
    (root / "content" / "posts").mkdir(parents=True)
    for md in sorted(SAMPLE.glob("*.md")):
        text = re.sub(r"(?m)^url: .*\n", "", md.read_text(encoding="utf-8"))
        if md.stem == "northvolt-lehren":  # a page bundle: content/posts/<name>/index.md, no slug
            (root / "content" / "posts" / md.stem).mkdir()
            (root / "content" / "posts" / md.stem / "index.md").write_text(re.sub(r"(?m)^slug: .*\n", "", text),
                                                                           encoding="utf-8")
        else:
            (root / "content" / "posts" / md.name).write_text(text, encoding="utf-8")
    (root / "content" / "about.md").write_text("---\ntitle: Über uns\n---\nDie Redaktion.\n", encoding="utf-8")
    layouts = root / "layouts"
    (layouts / "partials").mkdir(parents=True)
    shutil.copy(PARTIAL, layouts / "partials" / PARTIAL.name)
    (layouts / "_default").mkdir()
    (layouts / "_default" / "single.html").write_text(
        '<html><body><h1>{{ .Title }}</h1>{{ partial "topicgraph-related.html" . }}</body></html>\n', encoding="utf-8")
    (layouts / "_default" / "list.html").write_text("<html><body>{{ range .Pages }}{{ .Title }} {{ end }}</body></html>\n",
                                                    encoding="utf-8")
    (layouts / "shortcodes").mkdir()
    for name in ("page-section", "note"):
        (layouts / "shortcodes" / f"{name}.html").write_text("{{ .Inner }}\n", encoding="utf-8")
    (root / "hugo.toml").write_text('baseURL = "https://blog.example.org/"\ntitle = "Blog"\n'
                                    'disableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n', encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def hugo_site(publish_store, tmp_path_factory) -> Path:
    site = make_site(tmp_path_factory.mktemp("hugo"))
    report = write_hugo_data(publish_store, site, base_url=BASE, k=3)
    assert report.unmatched == ["/about.md"]
    assert report.matched["northvolt-lehren"] == "northvolt-lehren"  # bundle: by its folder's name
    return site


def test_data_files_for_every_post(hugo_site: Path) -> None:
    data = hugo_site / "data" / "topicgraph"
    posts = {p.stem if p.name != "index.md" else p.parent.name
             for p in (hugo_site / "content" / "posts").rglob("*.md")}
    assert {p.stem for p in (data / "related").glob("*.json")} == posts
    assert {p.stem for p in (data / "entities").glob("*.json")} == posts


def test_related_file_explains_and_links(hugo_site: Path, publish_store) -> None:
    from topicgraph.related import suggest_related

    related = json.loads((hugo_site / "data/topicgraph/related/gm-redwood-speicherpartnerschaft.json").read_text())
    assert related["article"] == "gm-redwood-speicherpartnerschaft"
    expected = suggest_related(publish_store, "gm-redwood-speicherpartnerschaft", k=3)
    assert [r["id"] for r in related["related"]] == [s.article_id for s in expected]
    for item, suggestion in zip(related["related"], expected):
        assert item["title"] == suggestion.title and item["shared"]
        assert all(s["url"].startswith(f"{BASE}/topics/") for s in item["shared"])
        # a related article that is a page of this site is referred to by its content path
        in_site = (hugo_site / "content" / item["path"].lstrip("/")).exists() if item["path"] else False
        assert in_site or item["url"] or not item["path"]


def test_entities_file_about_and_mentions(hugo_site: Path, archive) -> None:
    entities = json.loads((hugo_site / "data/topicgraph/entities/gm-redwood-speicherpartnerschaft.json").read_text())
    article = archive.articles["gm-redwood-speicherpartnerschaft"]
    assert len(entities["about"]) == len(article.about) and len(entities["mentions"]) == len(article.mentions)
    names = {e["name"] for e in entities["about"] + entities["mentions"]}
    assert {"General Motors", "Redwood Energy"} <= names
    gm = next(e for e in entities["about"] + entities["mentions"] if e["name"] == "General Motors")
    assert gm == {"name": "General Motors", "type": "Organization", "url": f"{BASE}/topics/general-motors/",
                  "sameAs": ["http://www.wikidata.org/entity/Q81965"]}


def test_not_a_hugo_site(tmp_path: Path, publish_store) -> None:
    with pytest.raises(ValueError, match="not a Hugo site"):
        write_hugo_data(publish_store, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("hugo") is None, reason="hugo not installed (.ci/run installs Debian's hugo)")
def test_hugo_builds_the_site_with_the_related_links(hugo_site: Path) -> None:
    subprocess.run(["hugo", "--quiet", "-s", str(hugo_site), "-d", str(hugo_site / "public")], check=True,
                   capture_output=True, timeout=120)
    html = (hugo_site / "public" / "posts" / "gm-redwood-speicherpartnerschaft" / "index.html").read_text(encoding="utf-8")
    aside = html[html.index('<aside class="topicgraph-related">'):]
    related = json.loads((hugo_site / "data/topicgraph/related/gm-redwood-speicherpartnerschaft.json").read_text())
    for item in related["related"]:
        assert item["title"] in aside or item["path"]
        if item["path"]:  # a page of the site: linked by its Hugo permalink
            assert re.search(r'<a href="/posts/[^"]+/">', aside)
    assert f'href="{BASE}/topics/' in aside

"""Issue 7: the explorer page: no remote reference, escaping, selection (--focus/--types/--since/budget), CLI."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from topicgraph.cli import main
from topicgraph.explore import (
    ExploreOptions, build_graph, co_mention_counts, page_data, render_html, safe_url, select_graph, write_explorer,
)
from topicgraph.graph.article import article_graph
from topicgraph.model import Article, Entity, EntityType, Extraction, Mention, Method
from topicgraph.namespaces import entity_iri
from topicgraph.store import open_store

XSS_TITLE = "<img src=x onerror=alert(1)>"
XSS_ENTITY = "</script><script>alert(2)</script>"

ENTITIES = {
    "Redwood": (EntityType.ORGANIZATION, "Redwood Materials"),
    "GM": (EntityType.ORGANIZATION, "General Motors"),
    "Nevada": (EntityType.PLACE, "Nevada"),
    "Straubel": (EntityType.PERSON, "JB Straubel"),
    "Battery": (EntityType.TECHNOLOGY, "Batterierecycling"),
    "Evil": (EntityType.ORGANIZATION, XSS_ENTITY),
    "Umlaut": (EntityType.PLACE, "Köln"),
}

# (id, title, date, url, categories, entities mentioned)
ARTICLES = [
    ("a1", "Redwood und GM", "2020-03-01", "https://example.org/a1", ("Energie",), ["Redwood", "GM", "Battery"]),
    ("a2", "Recycling in Nevada", "2021-06-15", "https://example.org/a2", ("Recycling",), ["Redwood", "Nevada", "Battery", "Straubel"]),
    ("a3", XSS_TITLE, "2022-01-10", "javascript:alert(3)", ("<b>Kat</b>",), ["Redwood", "Evil", "Battery"]),
    ("a4", "Straubel über Batterien", "2023-09-09", "JaVaScRiPt:alert(4)", ("Energie",), ["Straubel", "Battery", "Redwood"]),
    ("a5", "Köln ohne Datum", None, "", (), ["Umlaut", "GM"]),
]


def _extraction(aid, title, date, url, cats, keys) -> Extraction:
    body_parts, mentions, entities = [], [], {}
    offset = 0
    for key in keys:
        etype, label = ENTITIES[key]
        iri = str(entity_iri(key))
        entities[iri] = Entity(iri, etype, label)
        filler = "Text über "
        body_parts.append(filler + label + ". ")
        mentions.append(Mention(label, offset + len(filler), offset + len(filler) + len(label), etype.ner_label, iri,
                                0.9, Method.GAZETTEER))
        offset += len(filler) + len(label) + 2
    article = Article(aid, title, "".join(body_parts), dt.date.fromisoformat(date) if date else None, "de",
                      categories=cats, url=url)
    return Extraction(article, mentions, entities)


def write_fixture_store(spec) -> None:
    """Write the fixture articles straight into a store (no NLP run)."""
    store = open_store(spec)
    try:
        for row in ARTICLES:
            store.replace_graph(*article_graph(_extraction(*row)))
    finally:
        store.close()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("explore-store")
    write_fixture_store(path)
    return path


@pytest.fixture(scope="module")
def graph(store_dir):
    store = open_store(store_dir)
    try:
        return build_graph(store)
    finally:
        store.close()


def page_data_of(html: str) -> dict:
    """The JSON the page's script reads (``const DATA = ...;``)."""
    match = re.search(r"const DATA = (.*?);\n", html)
    assert match, "no DATA in page"
    return json.loads(match.group(1))


def node(name: str) -> str:
    return str(entity_iri(name))


# --------------------------------------------------------------------------- graph and selection

def test_build_graph_reads_articles_entities_and_types(graph):
    assert graph.number_of_nodes() == 5 + 7
    assert graph.nodes["article:a1"]["label"] == "Redwood und GM"
    assert graph.nodes["article:a2"]["categories"] == ("Recycling",)
    assert graph.nodes["article:a5"]["date"] == ""
    assert graph.nodes[node("Straubel")]["type"] == "Person"
    assert graph.nodes[node("Umlaut")]["label"] == "Köln"
    assert graph.degree(node("Redwood")) == 4


def test_co_mention_counts_are_articles_in_common(graph):
    entities, counts = co_mention_counts(graph)
    i, j = entities.index(node("Redwood")), entities.index(node("Battery"))
    assert counts[i, j] == 4
    assert counts[i, entities.index(node("GM"))] == 1
    assert counts[i, i] == 0


def test_side_panel_data_lists_articles_and_strongest_co_mentions(graph):
    chosen = select_graph(graph, ExploreOptions())
    assert chosen.co_mentions[node("Redwood")][0] == (node("Battery"), 4)
    assert set(chosen.entity_articles[node("Redwood")]) == {"article:a1", "article:a2", "article:a3", "article:a4"}
    assert chosen.entity_articles[node("Redwood")][0] == "article:a4"  # most recent first


def test_node_budget_keeps_best_connected_and_says_so(graph):
    chosen = select_graph(graph, ExploreOptions(max_nodes=3))
    assert chosen.graph.number_of_nodes() == 3
    assert node("Redwood") in chosen.graph and node("Battery") in chosen.graph
    assert "Showing the 3 best-connected of 12 nodes" in chosen.note
    assert select_graph(graph, ExploreOptions()).note == ""


def test_focus_depth_types_since(graph):
    around_gm = select_graph(graph, ExploreOptions(focus="general motors"))
    assert set(around_gm.graph) == {node("GM"), "article:a1", "article:a5", node("Redwood"), node("Battery"), node("Umlaut")}
    assert "Neighbourhood of General Motors" in around_gm.note
    wider = select_graph(graph, ExploreOptions(focus="General Motors", depth=2))
    assert node("Straubel") in wider.graph and node("Nevada") in wider.graph
    orgs = select_graph(graph, ExploreOptions(types=("Organization", "Technology")))
    assert {t for _, t in orgs.graph.nodes(data="type")} == {"Organization", "Technology"}
    assert orgs.graph.number_of_edges() == 0 and orgs.co_mention_edges  # entity view: co-mention edges only
    recent = select_graph(graph, ExploreOptions(since=dt.date(2022, 1, 1)))
    assert {n for n, t in recent.graph.nodes(data="type") if t == "Article"} == {"article:a3", "article:a4"}
    assert node("Umlaut") not in recent.graph  # only mentioned by an undated article


def test_focus_keeps_the_focus_node_within_the_budget(graph):
    chosen = select_graph(graph, ExploreOptions(focus="Köln", max_nodes=1))
    assert list(chosen.graph) == [node("Umlaut")]


@pytest.mark.parametrize("options, message", [
    (dict(focus="Nobody"), "focus 'Nobody': no entity or article"),
    (dict(types=("Company",)), "types Company: unknown type"),
    (dict(depth=0), "depth 0"),
    (dict(max_nodes=0), "max_nodes 0"),
])
def test_bad_options_are_one_line_errors(graph, options, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        select_graph(graph, ExploreOptions(**options))


# --------------------------------------------------------------------------- the page

@pytest.fixture(scope="module")
def html(graph) -> str:
    return render_html(select_graph(graph, ExploreOptions()), title="Test <explorer>")


def test_page_references_nothing_remote(html):
    tree = HTMLParser(html)
    for tag in tree.css("script, link, img, iframe, object, embed, source, audio, video, base, form"):
        attrs = tag.attributes
        assert not any(k in attrs for k in ("src", "href", "data", "action")), tag.html[:80]
    assert tree.css("script") and all(not s.attributes.get("src") for s in tree.css("script"))
    styles = " ".join(s.text() for s in tree.css("style"))
    assert "@import" not in styles
    assert all(u.startswith(("data:", '"data:', "'data:")) for u in re.findall(r"url\(\s*([^)]*)\)", styles))
    assert "sourceMappingURL" not in html
    csp = tree.css_first('meta[http-equiv="Content-Security-Policy"]').attributes["content"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp


def test_every_label_title_and_url_is_escaped(html):
    assert XSS_TITLE not in html and XSS_ENTITY not in html and "<b>Kat</b>" not in html
    assert "Test &lt;explorer&gt;" in html
    data = page_data_of(html)
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id["article:a3"]["name"] == XSS_TITLE  # survives as text
    assert by_id[node("Evil")]["label"] == XSS_ENTITY
    assert data["articles"]["article:a3"]["url"] == "" and data["articles"]["article:a4"]["url"] == ""
    assert data["articles"]["article:a1"]["url"] == "https://example.org/a1"
    assert "<b>Kat</b>" in data["categories"]


@pytest.mark.parametrize("url, kept", [
    ("https://example.org/x?a=1&b=2", True), ("http://example.org", True), ("javascript:alert(1)", False),
    (" JAVASCRIPT:alert(1)", False), ("data:text/html,<script>", False), ("//evil.example", False),
    ('https://x.org/"onmouseover="alert(1)', False), ("", False),
])
def test_safe_url(url, kept):
    assert (safe_url(url) != "") is kept


def test_page_data_styles_types_and_sizes_by_degree(html):
    data = page_data_of(html)
    assert set(data["types"]) == {"Article", "Organization", "Person", "Place", "Technology"}
    by_id = {n["id"]: n for n in data["nodes"]}
    assert by_id[node("Redwood")]["shape"] != by_id[node("Nevada")]["shape"]
    assert by_id[node("Redwood")]["size"] > by_id[node("Nevada")]["size"]
    assert "4 articles" in by_id[node("Redwood")]["title"]
    co = [e for e in data["edges"] if e["kind"] == "co"]
    strongest = max(co, key=lambda e: e["value"])
    assert {strongest["from"], strongest["to"]} == {node("Redwood"), node("Battery")}
    assert strongest["width"] > min(e["width"] for e in co)
    assert data["dates"] == ["2020-03-01", "2023-09-09"]


def test_cli_explore_writes_utf8_page_with_note(store_dir, tmp_path):
    out = tmp_path / "graph.html"
    result = CliRunner().invoke(main, ["--store", str(store_dir), "explore", "-o", str(out), "--max-nodes", "4",
                                       "--types", "Article,Organization", "--types", "Technology", "--since", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "note: Showing the 4 best-connected" in result.output
    data = page_data_of(out.read_bytes().decode("utf-8"))
    assert len(data["nodes"]) == 4 and "best-connected" in data["note"]
    bad = CliRunner().invoke(main, ["--store", str(store_dir), "explore", "-o", str(out), "--focus", "Nobody"])
    assert bad.exit_code != 0 and "Error: --focus 'Nobody'" in bad.output and "Traceback" not in bad.output


def test_write_explorer_returns_what_it_shows(store_dir, tmp_path):
    store = open_store(store_dir)
    try:
        shown = write_explorer(store, tmp_path / "sub" / "g.html", options=ExploreOptions(focus="Köln"))
    finally:
        store.close()
    assert (tmp_path / "sub" / "g.html").read_text(encoding="utf-8").count("Köln") >= 1
    assert node("Umlaut") in shown.graph


def test_empty_selection_says_why(graph, tmp_path):
    assert "no articles dated 2030-01-01 or later" in select_graph(graph, ExploreOptions(since=dt.date(2030, 1, 1))).note
    empty = open_store(tmp_path / "empty")
    try:
        shown = write_explorer(empty, tmp_path / "empty.html")
    finally:
        empty.close()
    assert shown.graph.number_of_nodes() == 0 and "holds no articles yet" in shown.note
    assert page_data_of((tmp_path / "empty.html").read_text(encoding="utf-8"))["nodes"] == []


# --------------------------------------------------------------------------- issue 18: archive scale

@pytest.fixture(scope="module")
def big_graph():
    from topicgraph.evaluation.explore_synthetic import synthetic_explorer_graph

    return synthetic_explorer_graph(300, 600, seed=2)


def test_big_graphs_show_entities_and_co_mentions_first(big_graph):
    chosen = select_graph(big_graph, ExploreOptions())
    assert {t for _, t in chosen.graph.nodes(data="type")} <= {"Organization", "Person", "Place", "Technology"}
    assert chosen.graph.number_of_edges() == 0 and len(chosen.co_mention_edges) > chosen.graph.number_of_nodes()
    assert "the 300 articles are listed with each entity" in chosen.note
    entity = next(iter(chosen.entity_articles))
    assert chosen.entity_articles[entity]  # the side panel still lists its articles
    with_articles = select_graph(big_graph, ExploreOptions(articles=True))
    assert sum(1 for _, t in with_articles.graph.nodes(data="type") if t == "Article") == 300
    around = select_graph(big_graph, ExploreOptions(focus=chosen.graph.nodes[entity]["label"]))
    assert any(t == "Article" for _, t in around.graph.nodes(data="type"))  # --focus draws articles


def test_page_data_colours_communities_ranks_and_aliases(big_graph, graph):
    data = page_data(select_graph(big_graph, ExploreOptions()))
    nodes = data["nodes"]
    assert sorted(n["r"] for n in nodes) == list(range(len(nodes)))
    top = min(nodes, key=lambda n: n["r"])
    assert top["n"] == max(n["n"] for n in nodes)  # most important = most articles
    by_community: dict[int, set[str]] = {}
    for n in nodes:
        by_community.setdefault(n["c"], set()).add(n["color"])
    assert all(len(colours) == 1 for colours in by_community.values()) and len(by_community) > 1
    assert data["clusters"] and data["clusters"][0]["size"] >= data["clusters"][-1]["size"]
    assert data["maxWeight"] == max(e["value"] for e in data["edges"] if e["kind"] == "co")
    aliased = graph.copy()
    aliased.nodes[node("GM")]["names"] = ("GM", "General Motors")
    small = page_data(select_graph(aliased, ExploreOptions()))
    gm = next(n for n in small["nodes"] if n["id"] == node("GM"))
    assert gm["name"] == "General Motors" and gm["aka"] == ["GM"]  # search finds a node by any of its names
    assert all("title" not in e for e in small["edges"])  # the page draws edges itself, no per-edge tooltip


def test_cli_articles_flag(store_dir, tmp_path):
    out = tmp_path / "g.html"
    result = CliRunner().invoke(main, ["--store", str(store_dir), "explore", "-o", str(out), "--no-articles"])
    assert result.exit_code == 0, result.output
    data = page_data_of(out.read_text(encoding="utf-8"))
    assert data["nodes"] and all(n["group"] != "Article" for n in data["nodes"])


def test_edge_budget_lowers_edges_per_entity_but_keeps_one(big_graph, monkeypatch):
    import topicgraph.explore.page as explore

    full = select_graph(big_graph, ExploreOptions())
    monkeypatch.setattr(explore, "CO_MENTION_EDGE_BUDGET", 1)
    lean = select_graph(big_graph, ExploreOptions())
    assert len(lean.co_mention_edges) < len(full.co_mention_edges)
    touched = {n for u, v, _ in lean.co_mention_edges for n in (u, v)}
    with_co = {e for e, pairs in full.co_mentions.items() if pairs}
    assert with_co <= touched  # every entity keeps its strongest co-mention

"""Issue 18: the explorer at archive scale in a real browser (Debian's headless Chromium via Playwright).

A generated graph of 5,000 entity nodes and the bundled sample corpus: the first view is fitted and
has at least 20 labels, none overlapping; ``topicgraph.select`` keeps the node and its neighbours
in full colour and fades the rest; Escape goes back; search finds a node by an alias; the time to
ready is printed (``-s`` shows it; speed targets are in benchmarks/explore_browser.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from topicgraph.explore import ExploreOptions, build_graph, render_html, select_graph
from topicgraph.evaluation.explore_synthetic import synthetic_explorer_graph
from topicgraph.store import open_store

from .test_browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]
if not CHROMIUM.exists():
    pytestmark.append(pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install -y chromium (CI does)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")

ALIAS = "Zebrafink Holding"


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    """Two pages: 5,000 generated entities (one given an alias) and the sample corpus; with the id searched by alias."""
    base = tmp_path_factory.mktemp("explore-scale")
    big = synthetic_explorer_graph(3500, 11000, seed=1)
    chosen = select_graph(big, ExploreOptions(max_nodes=5000))
    assert chosen.graph.number_of_nodes() == 5000
    ranked = sorted((n for n in chosen.graph), key=lambda n: (-chosen.graph.nodes[n]["articles"], n))
    aliased = ranked[200]
    chosen.graph.nodes[aliased]["names"] = (chosen.graph.nodes[aliased]["label"], ALIAS)
    (base / "big.html").write_text(render_html(chosen, title="5,000 nodes"), encoding="utf-8")

    from topicgraph.demo import sample_corpus
    from topicgraph.pipeline.ingest import ingest

    store = open_store(base / "sample-store")
    try:
        ingest([sample_corpus()], store)
        sample = select_graph(build_graph(store), ExploreOptions())
    finally:
        store.close()
    (base / "sample.html").write_text(render_html(sample, title="sample"), encoding="utf-8")
    gm = next(n for n, names in sample.graph.nodes(data="names") if names and "GM" in names)
    return {"big": (base / "big.html", aliased), "sample": (base / "sample.html", gm)}


def overlapping(boxes: list[dict]) -> list[tuple[str, str]]:
    return [(a["text"], b["text"]) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]]


@pytest.mark.parametrize("which", ["big", "sample"])
def test_first_view_neighbourhood_back_and_alias_search(browser, pages, which):
    path, alias_target = pages[which]
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(path.as_uri())
        page.wait_for_function("window.topicgraph && window.topicgraph.ready", timeout=120_000)
        print(f"\n{which}: ready {page.evaluate('window.topicgraph.readyAt'):.0f} ms after navigation start")
        width, height = page.evaluate("[document.querySelector('#graph').clientWidth, document.querySelector('#graph').clientHeight]")

        # first view: fitted, >= 20 labels, none overlapping, all inside the canvas
        labels = page.evaluate("window.topicgraph.labels()")
        assert len(labels) >= 20, labels
        assert overlapping(labels) == []
        assert all(0 <= b["x"] and b["x"] + b["w"] <= width and 0 <= b["y"] and b["y"] + b["h"] <= height for b in labels)
        state = page.evaluate("window.topicgraph.state()")
        assert state["selected"] is None and state["faded"] == 0 and len(state["shown"]) == state["nodes"]
        nodes = page.evaluate("window.explorer.data.nodes.map(n => n.id)")
        xy = page.evaluate("ids => Object.values(window.explorer.network.getPositions(ids)).map(p => window.explorer.network.canvasToDOM(p))", nodes)
        assert all(-1 <= p["x"] <= width + 1 and -1 <= p["y"] <= height + 1 for p in xy)  # everything on screen

        # select the most important entity: it and its neighbours in full colour, the rest faded
        top = page.evaluate("window.explorer.data.nodes.reduce((a, b) => a.r < b.r ? a : b).id")
        assert page.evaluate("id => window.topicgraph.select(id)", top) == top
        page.wait_for_timeout(100)
        state = page.evaluate("window.topicgraph.state()")
        neighbours = set(page.evaluate("""id => window.explorer.data.edges.filter(e => e.from === id || e.to === id)
                                            .map(e => e.from === id ? e.to : e.from)""", top))
        assert state["selected"] == top and set(state["shown"]) == neighbours | {top}
        assert state["faded"] == state["nodes"] - len(state["shown"]) > 0
        faded_opacity = page.evaluate("ids => ids.map(id => window.explorer.network.body.nodes[id].options.opacity)",
                                      [n for n in nodes if n not in set(state["shown"])][:50])
        assert set(faded_opacity) == {0.1}
        assert page.evaluate("id => window.explorer.network.body.nodes[id].options.opacity", top) in (None, 1)
        labels = page.evaluate("window.topicgraph.labels()")
        assert labels and overlapping(labels) == [] and {b["id"] for b in labels} <= set(state["shown"])  # faded: no label
        assert labels[0]["id"] == top
        assert page.locator("#details").inner_text().count("\n") > 2  # side panel: its articles and co-mentions

        # Escape returns to the first view
        page.keyboard.press("Escape")
        state = page.evaluate("window.topicgraph.state()")
        assert state["selected"] is None and state["faded"] == 0

        # search by an alias
        page.fill("#search", ALIAS if which == "big" else "GM")
        page.press("#search", "Enter")
        assert page.evaluate("window.topicgraph.state().selected") == alias_target
        assert errors == []
    finally:
        page.close()

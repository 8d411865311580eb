"""Issue 7: the explorer page in a real browser (Debian's headless Chromium driven by Playwright).

CI installs it with ``apt-get install -y chromium``; without /usr/bin/chromium these tests skip.
A screenshot is saved to ``artifacts/explorer-test.png``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import pytest

from topicgraph.explore import ExploreOptions, build_graph, render_html, select_graph
from topicgraph.store import open_store

from .test_page import XSS_ENTITY, XSS_TITLE, node, write_fixture_store

CHROMIUM = Path(os.environ.get("TOPICGRAPH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"

pytestmark = [pytest.mark.browser, pytest.mark.slow]
if not CHROMIUM.exists():
    pytestmark.append(pytest.mark.skip(reason=f"{CHROMIUM} not found: apt-get install -y chromium (CI does)"))
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python) is not installed")


@pytest.fixture(scope="module")
def page_file(tmp_path_factory) -> tuple[Path, int]:
    base = tmp_path_factory.mktemp("explore-browser")
    write_fixture_store(base / "store")
    store = open_store(base / "store")
    try:
        chosen = select_graph(build_graph(store), ExploreOptions())
    finally:
        store.close()
    path = base / "graph.html"
    path.write_text(render_html(chosen, title="Browser test"), encoding="utf-8")
    return path, chosen.graph.number_of_nodes()


class Session:
    """One loaded page with what it requested, logged and opened as dialogs."""

    def __init__(self, browser, path: Path) -> None:
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 800})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.as_uri())
        self.page.wait_for_function("window.explorer && window.explorer.ready", timeout=30_000)

    def js(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def click_node(self, node_id: str) -> None:
        """A real mouse click on the node where the canvas draws it."""
        self.js("id => window.explorer.network.focus(id, {scale: 1.0, animation: false})", node_id)
        xy = self.js("id => window.explorer.network.canvasToDOM(window.explorer.network.getPositions([id])[id])", node_id)
        box = self.page.locator("#graph").bounding_box()
        self.page.mouse.click(box["x"] + xy["x"], box["y"] + xy["y"])

    def hidden(self) -> set[str]:
        return set(self.js("() => window.explorer.nodes.get({filter: n => n.hidden}).map(n => n.id)"))


@pytest.fixture
def session(browser, page_file):
    s = Session(browser, page_file[0])
    yield s
    s.page.close()


def test_loads_offline_with_every_node_and_no_error(session, page_file):
    hosts = {urlparse(u).scheme for u in session.requests}
    assert hosts <= {"file", "data", "about"}, session.requests
    assert session.js("() => window.explorer.nodes.length") == page_file[1]
    assert session.js("() => window.explorer.network.body.nodeIndices.length") == page_file[1]
    assert session.page.locator("#counts").inner_text().startswith(f"{page_file[1]} nodes")
    assert session.console_errors == [] and session.dialogs == []
    ARTIFACTS.mkdir(exist_ok=True)
    session.page.screenshot(path=str(ARTIFACTS / "explorer-test.png"))


def test_search_focuses_the_right_node(session):
    session.page.fill("#search", "jb straub")
    session.page.press("#search", "Enter")
    assert session.js("() => window.explorer.network.getSelectedNodes()") == [node("Straubel")]
    # the camera fits the neighbourhood: the node and every neighbour are on screen
    box = session.page.locator("#graph").bounding_box()
    state = session.js("() => window.topicgraph.state()")
    assert state["selected"] == node("Straubel") and len(state["shown"]) > 1
    for shown in state["shown"]:
        xy = session.js("id => window.explorer.network.canvasToDOM(window.explorer.network.getPositions([id])[id])", shown)
        assert 0 <= xy["x"] <= box["width"] and 0 <= xy["y"] <= box["height"], shown
    assert session.page.locator("#sel-title").inner_text() == "JB Straubel (Person)"
    session.page.fill("#search", "no such thing")
    session.page.press("#search", "Enter")
    assert session.page.locator("#search-status").inner_text() == "No node matches."


def test_type_date_and_category_filters_hide_nodes(session):
    assert session.hidden() == set()
    session.page.locator('#legend input[data-type="Person"]').uncheck()
    assert session.hidden() == {node("Straubel")}
    session.page.locator('#legend input[data-type="Person"]').check()
    session.page.fill("#date-from", "2022-01-01")
    hidden = session.hidden()
    assert {"article:a1", "article:a2", "article:a5", node("Umlaut"), node("GM"), node("Nevada")} <= hidden
    assert "article:a3" not in hidden and node("Redwood") not in hidden
    session.page.fill("#date-from", "")
    session.page.select_option("#category", "Recycling")
    assert set(session.js("() => window.explorer.nodes.get({filter: n => !n.hidden}).map(n => n.id)")) == {
        "article:a2", node("Redwood"), node("Nevada"), node("Battery"), node("Straubel")}


def test_clicking_a_node_lists_its_articles_and_co_mentions(session):
    session.click_node(node("Redwood"))
    assert session.page.locator("#sel-title").inner_text() == "Redwood Materials (Organization)"
    details = session.page.locator("#details")
    links = details.locator("a")
    assert links.evaluate_all("as => as.map(a => a.href)") == ["https://example.org/a2", "https://example.org/a1"]
    text = details.inner_text()
    for title in ("Redwood und GM", "Recycling in Nevada", XSS_TITLE, "Straubel über Batterien"):
        assert title in text
    assert "Most co-mentioned with" in text and "Batterierecycling (Technology) · 4 articles" in text


def test_xss_titles_and_urls_run_nothing(session):
    session.click_node("article:a3")
    assert session.page.locator("#sel-title").inner_text() == f"{XSS_TITLE} (Article)"
    session.page.mouse.move(5, 5)
    session.click_node(node("Evil"))
    assert session.page.locator("#sel-title").inner_text() == f"{XSS_ENTITY} (Organization)"
    xy = session.js("id => window.explorer.network.canvasToDOM(window.explorer.network.getPositions([id])[id])", "article:a3")
    box = session.page.locator("#graph").bounding_box()
    session.page.mouse.move(box["x"] + xy["x"], box["y"] + xy["y"])  # tooltip
    session.page.wait_for_selector(".vis-tooltip", state="visible")
    assert XSS_TITLE in session.page.locator(".vis-tooltip").inner_text()
    assert session.dialogs == []
    assert session.js("() => document.querySelectorAll('img, script[src], [onerror], b').length") == 0
    assert session.js("() => [...document.querySelectorAll('a')].filter(a => !/^https?:/.test(a.href)).length") == 0
    assert session.console_errors == []


def test_min_weight_control_hides_weak_co_mentions(session):
    assert session.js("id => window.topicgraph.select(id)", node("Redwood")) == node("Redwood")
    assert node("GM") in session.js("() => window.topicgraph.state().shown")  # co-mentioned in 1 article
    session.page.locator("#min-weight").fill("2")
    shown = set(session.js("() => window.topicgraph.state().shown"))
    assert node("GM") not in shown and node("Battery") in shown  # Battery: 4 articles in common
    assert session.page.locator("#min-weight-value").inner_text() == "2"
    assert session.js("() => window.topicgraph.back()") is True
    assert session.js("() => window.topicgraph.state().selected") is None

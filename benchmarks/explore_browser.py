"""Benchmark the explorer page in headless Chromium, and make the README screenshot.

    python benchmarks/explore_browser.py                      # 500, 2,000 and 5,000 nodes
    python benchmarks/explore_browser.py --nodes 500 --nodes 20000
    python benchmarks/explore_browser.py --screenshot data/explorer.png   # demo sample corpus

Graphs come from ``topicgraph.evaluation.synthetic`` (Zipf entity popularity) written to an in-memory
Oxigraph store, so the numbers include the real store -> graph -> page path. "ready" is the
browser's time from navigation start to the first drawn frame of the final layout (positions come
from Python, physics is off, so the first frame is the stable layout); "redraw" is the median
time of a full redraw (what a pan or zoom costs).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from topicgraph.explore import ExploreOptions, build_graph, render_html, select_graph
from topicgraph.graph.article import article_graph
from topicgraph.store import OxigraphStore
from topicgraph.evaluation.synthetic import generate_extractions

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
        "--no-first-run", "--disable-component-update"]


def synthetic_page(nodes: int, directory: Path) -> tuple[Path, dict]:
    """Write a page of exactly ``nodes`` nodes (best-connected of a larger synthetic corpus); timings in seconds."""
    store = OxigraphStore(None)
    started = time.perf_counter()
    for extraction in generate_extractions(nodes, seed=1):
        store.replace_graph(*article_graph(extraction))
    stored = time.perf_counter()
    graph = build_graph(store)
    built = time.perf_counter()
    chosen = select_graph(graph, ExploreOptions(max_nodes=nodes))
    selected = time.perf_counter()
    html = render_html(chosen, title=f"benchmark {nodes} nodes")
    rendered = time.perf_counter()
    path = directory / f"explorer-{nodes}.html"
    path.write_text(html, encoding="utf-8")
    edges = chosen.graph.number_of_edges() + len(chosen.co_mention_edges)
    return path, {"nodes": chosen.graph.number_of_nodes(), "edges": edges, "store_s": stored - started,
                  "graph_s": built - stored, "select_s": selected - built, "layout_render_s": rendered - selected,
                  "mb": path.stat().st_size / 1e6}


def measure(browser, path: Path, redraws: int = 5) -> dict:
    """Load ``path``; time to the first drawn frame and the median full redraw (ms)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    remote = []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    started = time.perf_counter()
    page.goto(path.as_uri())
    page.wait_for_function("window.explorer && window.explorer.ready", timeout=600_000)
    wall = time.perf_counter() - started
    ready_ms = page.evaluate("window.explorer.readyAt")
    times = page.evaluate("""async n => { const out = [];
      for (let i = 0; i < n; i++) { const t = performance.now();
        await new Promise(r => { window.explorer.network.once('afterDrawing', r); window.explorer.network.redraw(); });
        out.push(performance.now() - t); } return out; }""", redraws)
    page.close()
    return {"ready_ms": ready_ms, "wall_s": wall, "redraw_ms": statistics.median(times), "remote": remote}


def screenshot(output: Path) -> None:
    """The demo sample corpus in the explorer, one entity selected, as a small PNG."""
    from topicgraph.demo import sample_corpus
    from topicgraph.pipeline.ingest import ingest

    store = OxigraphStore(None)
    ingest([sample_corpus()], store)
    html = render_html(select_graph(build_graph(store), ExploreOptions()), title="topicgraph explorer: sample corpus")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_path = Path(tmp) / "demo.html"
        page_path.write_text(html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1024, "height": 640})
        page.goto(page_path.as_uri())
        page.wait_for_function("window.explorer && window.explorer.ready")
        page.fill("#search", "Redwood Materials")
        page.press("#search", "Enter")
        page.evaluate("() => window.explorer.network.fit({animation: false})")  # whole graph, node still selected
        page.wait_for_timeout(300)
        output.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(output))
        browser.close()
    print(f"wrote {output} ({output.stat().st_size / 1024:.0f} KB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, action="append", help="node counts (default 500, 2000, 5000)")
    parser.add_argument("--screenshot", type=Path, help="write the README screenshot here instead of benchmarking")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    if args.screenshot:
        screenshot(args.screenshot)
        return 0
    print(f"{'nodes':>6} {'edges':>7} {'page MB':>8} {'store s':>8} {'graph s':>8} {'select s':>9} {'layout+html s':>14}"
          f" {'browser ready ms':>17} {'load wall s':>12} {'redraw ms':>10}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for nodes in args.nodes or [500, 2000, 5000]:
            path, build = synthetic_page(nodes, Path(tmp))
            seen = measure(browser, path)
            if seen["remote"]:
                print(f"  requests to other hosts: {seen['remote']}", file=sys.stderr)
            print(f"{build['nodes']:>6} {build['edges']:>7} {build['mb']:>8.1f} {build['store_s']:>8.1f} {build['graph_s']:>8.1f}"
                  f" {build['select_s']:>9.2f} {build['layout_render_s']:>14.2f} {seen['ready_ms']:>17.0f}"
                  f" {seen['wall_s']:>12.2f} {seen['redraw_ms']:>10.0f}", flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the explorer page in headless Chromium, and make the README screenshots.

    python benchmarks/explore_browser.py                          # 5,000 and 20,000 entity nodes
    python benchmarks/explore_browser.py --nodes 5000 --nodes 20000 --nodes 500
    python benchmarks/explore_browser.py --screenshot data/explorer.png                 # the demo sample corpus
    python benchmarks/explore_browser.py --store /tmp/gnad --screenshot data/explorer.png \\
        --select-screenshot data/explorer-neighbourhood.png --select "Irmgard Griss"

Graphs come from ``topicgraph.evaluation.explore_synthetic`` (Zipf entity popularity; entities and their
co-mentions, as the page shows big graphs), made without a store. Printed per size: the Python
side (selection, layout + page), the page size, and in the browser at 1400x900: "ready" (from
navigation start to the first drawn frame of the fitted view), the labels of that first view (and
whether any two overlap), "zoom frame" (median and 95th percentile of 20 mouse-wheel zoom steps,
from the wheel event to the end of its frame; edges are left out while a big graph moves),
"full frame" (median redraw with every edge and label, what a settled view costs) and "select"
(``topicgraph.select`` of the most important entity until its neighbourhood is drawn).
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
from topicgraph.evaluation.explore_synthetic import synthetic_explorer_graph
from topicgraph.store import OxigraphStore, open_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
        "--no-first-run", "--disable-component-update"]
VIEWPORT = {"width": 1400, "height": 900}
#: Articles and entity pool of the synthetic corpus giving about N entity nodes (measured: 3,500/12,000 -> ~5,000).
CORPUS = {500: (400, 1000), 2000: (1400, 4000), 5000: (3500, 11000), 20000: (15000, 55000)}

OVERLAPS = """() => { const b = window.topicgraph.labels(); let n = 0;
  for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++)
    if (b[i].x < b[j].x + b[j].w && b[j].x < b[i].x + b[i].w && b[i].y < b[j].y + b[j].h && b[j].y < b[i].y + b[i].h) n++;
  return n; }"""
ZOOM_FRAMES = """async steps => { const net = window.explorer.network, canvas = document.querySelector('#graph canvas');
  const r = canvas.getBoundingClientRect(), out = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await new Promise(done => { net.once('afterDrawing', done);
      canvas.dispatchEvent(new WheelEvent('wheel', {deltaY: i % 10 < 5 ? -120 : 120, clientX: r.left + r.width / 2,
                                                     clientY: r.top + r.height / 2, bubbles: true, cancelable: true})); });
    out.push(performance.now() - t);
  }
  await new Promise(done => setTimeout(done, 300));
  return out; }"""
FULL_FRAMES = """async steps => { const out = [];
  for (let i = 0; i < steps; i++) { const t = performance.now();
    await new Promise(r => { window.explorer.network.once('afterDrawing', r); window.explorer.network.redraw(); });
    out.push(performance.now() - t); } return out; }"""
SELECT = """async () => { const t = performance.now(); const top = window.explorer.data.nodes.reduce((a, b) => a.r < b.r ? a : b);
  await new Promise(r => { window.explorer.network.once('afterDrawing', r); window.topicgraph.select(top.id); });
  const s = window.topicgraph.state(); return {ms: performance.now() - t, shown: s.shown.length, faded: s.faded}; }"""


def page_for(graph, max_nodes: int, directory: Path, name: str) -> tuple[Path, dict]:
    started = time.perf_counter()
    chosen = select_graph(graph, ExploreOptions(max_nodes=max_nodes))
    selected = time.perf_counter()
    html = render_html(chosen, title=f"benchmark {name}")
    rendered = time.perf_counter()
    path = directory / f"explorer-{name}.html"
    path.write_text(html, encoding="utf-8")
    return path, {"nodes": chosen.graph.number_of_nodes(), "edges": chosen.graph.number_of_edges() + len(chosen.co_mention_edges),
                  "select_s": selected - started, "render_s": rendered - selected, "mb": path.stat().st_size / 1e6}


def measure(browser, path: Path) -> dict:
    """Load ``path`` and time it (ms)."""
    page = browser.new_page(viewport=VIEWPORT)
    remote, errors = [], []
    page.on("request", lambda r: remote.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.topicgraph && window.topicgraph.ready", timeout=600_000)
    seen = {"ready_ms": page.evaluate("window.topicgraph.readyAt"), "labels": len(page.evaluate("window.topicgraph.labels()")),
            "overlaps": page.evaluate(OVERLAPS)}
    zoom = sorted(page.evaluate(ZOOM_FRAMES, 20))
    full = page.evaluate(FULL_FRAMES, 5)
    chosen = page.evaluate(SELECT)
    page.close()
    seen.update(zoom_ms=statistics.median(zoom), zoom_p95_ms=zoom[int(0.95 * (len(zoom) - 1))], full_ms=statistics.median(full),
                select_ms=chosen["ms"], remote=remote, errors=errors)
    return seen


def _shrink(png: Path) -> None:
    """Re-save a screenshot with a 256-colour palette (a third of the size, no visible loss on this page)."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is optional here
        return
    with Image.open(png) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(png, optimize=True)


def screenshots(html: str, first: Path, select: str | None = None, second: Path | None = None) -> None:
    """The page's first view (and, with ``select``, that entity's neighbourhood) as PNGs at 1400x900."""
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_path = Path(tmp) / "page.html"
        page_path.write_text(html, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(page_path.as_uri())
        page.wait_for_function("window.topicgraph && window.topicgraph.ready", timeout=120_000)
        page.wait_for_timeout(300)
        first.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(first))
        _shrink(first)
        print(f"wrote {first} ({first.stat().st_size / 1024:.0f} KB; {len(page.evaluate('window.topicgraph.labels()'))} labels)")
        if select and second:
            page.fill("#search", select)
            page.press("#search", "Enter")
            page.wait_for_timeout(300)
            state = page.evaluate("window.topicgraph.state()")
            page.screenshot(path=str(second))
            _shrink(second)
            print(f"wrote {second} ({second.stat().st_size / 1024:.0f} KB; {state['selected']}: {len(state['shown'])} shown, "
                  f"{state['faded']} faded)")
        browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, action="append", help=f"entity node counts (default 5000, 20000; one of {sorted(CORPUS)})")
    parser.add_argument("--screenshot", type=Path, help="write the first view here instead of benchmarking")
    parser.add_argument("--store", help="with --screenshot: the store to show (default: the demo sample corpus)")
    parser.add_argument("--max-nodes", type=int, default=5000, help="with --store: the node budget of the page")
    parser.add_argument("--title", help="with --store: the page title")
    parser.add_argument("--select", help="with --select-screenshot: the entity whose neighbourhood to show")
    parser.add_argument("--select-screenshot", type=Path, help="write the neighbourhood of --select here")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    if args.screenshot:
        if args.store:
            store = open_store(args.store)
            title = args.title or f"topicgraph explorer: {Path(args.store).name}"
        else:
            from topicgraph.demo import sample_corpus
            from topicgraph.pipeline.ingest import ingest
            store = OxigraphStore(None)  # in memory
            ingest([sample_corpus()], store)
            title = "topicgraph explorer: sample corpus"
        try:
            html = render_html(select_graph(build_graph(store), ExploreOptions(max_nodes=args.max_nodes)), title=title)
        finally:
            store.close()
        screenshots(html, args.screenshot, args.select, args.select_screenshot)
        return 0
    print(f"{'nodes':>6} {'edges':>7} {'page MB':>8} {'select s':>9} {'layout+html s':>14} {'ready ms':>9} {'labels':>7}"
          f" {'overlaps':>9} {'zoom frame ms (p95)':>20} {'full frame ms':>14} {'select ms':>10}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for nodes in args.nodes or [5000, 20000]:
            articles, pool = CORPUS.get(nodes, (int(nodes * 0.7), int(nodes * 2.2)))
            graph = synthetic_explorer_graph(articles, pool)
            path, build = page_for(graph, nodes, Path(tmp), str(nodes))
            seen = measure(browser, path)
            for problem in ("remote", "errors"):
                if seen[problem]:
                    print(f"  {problem}: {seen[problem][:3]}", file=sys.stderr)
            print(f"{build['nodes']:>6} {build['edges']:>7} {build['mb']:>8.1f} {build['select_s']:>9.1f} {build['render_s']:>14.1f}"
                  f" {seen['ready_ms']:>9.0f} {seen['labels']:>7} {seen['overlaps']:>9}"
                  f" {seen['zoom_ms']:>11.0f} ({seen['zoom_p95_ms']:>5.0f}) {seen['full_ms']:>14.0f} {seen['select_ms']:>10.0f}",
                  flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

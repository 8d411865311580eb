"""Compare the two candidate renderers of the explorer on the same graph in headless Chromium.

sigma.js is not shipped (vis-network won this comparison, see docs/explorer.md); build a bundle of it
outside the checkout first (npm registry, pinned versions):

    mkdir -p /tmp/sigma && cd /tmp/sigma && npm init -y && npm install sigma@3.0.3 graphology@0.26.0 esbuild@0.28.2
    printf 'import Graph from "graphology";\nimport Sigma from "sigma";\nwindow.graphology = {Graph};\nwindow.Sigma = Sigma;\n' > entry.js
    ./node_modules/.bin/esbuild entry.js --bundle --minify --format=iife --outfile=bundle.js
    python benchmarks/explore_renderers.py --sigma-bundle /tmp/sigma/bundle.js [--nodes 5000 --edges 20000]

Both pages draw the same seeded graph (communities as clusters, positions given, no physics) with
plain settings: vis-network 9.1.2 (from pyvis, canvas 2-D, its own labels and edges) and sigma.js +
graphology (WebGL; in headless Chromium without a GPU that is SwiftShader). Printed: time from
navigation to the first drawn frame ("ready"), and the median and 95th percentile of 30 camera
steps (zoom in and out, pan), each measured from the camera change to the end of the frame it causes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyvis
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
        "--no-first-run", "--disable-component-update", "--enable-unsafe-swiftshader"]
VIS = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"


def synthetic(nodes: int, edges: int, seed: int = 1) -> tuple[list[dict], list[tuple[int, int]]]:
    """``nodes`` nodes in sqrt(n)/2 clusters placed on a disc, ``edges`` edges (90 % inside a cluster)."""
    rng = random.Random(seed)
    clusters = max(1, int(math.sqrt(nodes) / 2))
    centres = [(rng.uniform(-1, 1) * 1000, rng.uniform(-1, 1) * 1000) for _ in range(clusters)]
    members: list[list[int]] = [[] for _ in range(clusters)]
    out = []
    for i in range(nodes):
        c = min(int(rng.paretovariate(1.2)) - 1, clusters - 1)
        members[c].append(i)
        cx, cy = centres[c]
        out.append({"id": i, "x": cx + rng.gauss(0, 80), "y": cy + rng.gauss(0, 80), "size": 3 + 12 * rng.random() ** 4,
                    "label": f"Entity {i}", "color": ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"][c % 4]})
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < edges:
        u = rng.randrange(nodes)
        group = members[next(c for c, m in enumerate(members) if u in m)] if rng.random() < 0.9 else range(nodes)
        v = rng.choice(group)
        if u != v:
            pairs.add((min(u, v), max(u, v)))
    return out, sorted(pairs)


CAMERA_STEPS = """async steps => {
  const out = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    await window.bench.step(i);
    out.push(performance.now() - t);
  }
  return out;
}"""


def vis_page(nodes: list[dict], edges: list[tuple[int, int]]) -> str:
    data = json.dumps({"nodes": nodes, "edges": [{"from": u, "to": v} for u, v in edges]})
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0}}#g{{width:100vw;height:100vh}}</style></head>
<body><div id="g"></div><script>{VIS.read_text(encoding="utf-8")}</script><script>
const D = {data};
const net = new vis.Network(document.getElementById("g"), {{nodes: new vis.DataSet(D.nodes), edges: new vis.DataSet(D.edges)}},
  {{physics: {{enabled: false}}, layout: {{improvedLayout: false}}, edges: {{smooth: false, color: "rgba(120,120,120,0.3)"}},
   nodes: {{shape: "dot", font: {{size: 12}}}}, interaction: {{hover: true}}}});
window.bench = {{ready: false}};
net.once("afterDrawing", () => {{ window.bench.ready = true; window.bench.readyAt = performance.now(); }});
net.once("afterDrawing", () => net.fit({{animation: false}}));
window.bench.step = i => new Promise(r => {{
  net.once("afterDrawing", r);
  const s = net.getScale(), p = net.getViewPosition();
  if (i % 3 === 2) net.moveTo({{position: {{x: p.x + 40 / s, y: p.y}}, scale: s, animation: false}});
  else net.moveTo({{scale: s * (i % 6 < 3 ? 1.15 : 1 / 1.15), animation: false}});
}});
</script></body></html>"""


def sigma_page(nodes: list[dict], edges: list[tuple[int, int]], bundle: Path) -> str:
    data = json.dumps({"nodes": nodes, "edges": edges})
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{{margin:0}}#g{{width:100vw;height:100vh}}</style></head>
<body><div id="g"></div><script>{bundle.read_text(encoding="utf-8")}</script><script>
const D = {data};
const g = new graphology.Graph();
for (const n of D.nodes) g.addNode(n.id, {{x: n.x, y: -n.y, size: n.size, label: n.label, color: n.color}});
for (const [u, v] of D.edges) g.addEdge(u, v, {{color: "rgba(120,120,120,0.3)", size: 0.5}});
window.bench = {{ready: false}};
const s = new Sigma(g, document.getElementById("g"));
s.once("afterRender", () => {{ window.bench.ready = true; window.bench.readyAt = performance.now(); }});
s.refresh();
window.bench.step = i => new Promise(r => {{
  s.once("afterRender", r);
  const cam = s.getCamera(), st = cam.getState();
  if (i % 3 === 2) cam.setState({{x: st.x + 0.02, y: st.y}});
  else cam.setState({{ratio: st.ratio * (i % 6 < 3 ? 1 / 1.15 : 1.15)}});
}});
</script></body></html>"""


def measure(browser, path: Path, steps: int = 30) -> dict:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.bench && window.bench.ready", timeout=600_000)
    ready = page.evaluate("window.bench.readyAt")
    frames = page.evaluate(CAMERA_STEPS, steps)
    page.close()
    frames.sort()
    return {"ready_ms": ready, "median_ms": statistics.median(frames), "p95_ms": frames[int(0.95 * (len(frames) - 1))],
            "errors": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, action="append", help="node counts (default 5000)")
    parser.add_argument("--edges", type=int, action="append", help="edge counts, one per --nodes (default 20000)")
    parser.add_argument("--sigma-bundle", type=Path, required=True, help="sigma.js + graphology IIFE bundle (see above)")
    args = parser.parse_args(argv)
    sizes = list(zip(args.nodes or [5000], args.edges or [20000]))
    print(f"{'renderer':>8} {'nodes':>6} {'edges':>7} {'page MB':>8} {'ready ms':>9} {'frame median ms':>16} {'frame p95 ms':>13}")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for n, e in sizes:
            nodes, edges = synthetic(n, e)
            for name, html in (("vis", vis_page(nodes, edges)), ("sigma", sigma_page(nodes, edges, args.sigma_bundle))):
                path = Path(tmp) / f"{name}-{n}.html"
                path.write_text(html, encoding="utf-8")
                started = time.perf_counter()
                seen = measure(browser, path)
                if seen["errors"]:
                    print(f"  {name}: {seen['errors'][:2]}", file=sys.stderr)
                print(f"{name:>8} {n:>6} {len(edges):>7} {path.stat().st_size / 1e6:>8.2f} {seen['ready_ms']:>9.0f}"
                      f" {seen['median_ms']:>16.1f} {seen['p95_ms']:>13.1f}   (wall {time.perf_counter() - started:.1f} s)",
                      flush=True)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

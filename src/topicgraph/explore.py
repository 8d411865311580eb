"""The explore use: an offline HTML graph explorer (vis-network from pyvis's package, everything inlined).

The page is built from our own template, not pyvis's: pyvis's template loads Bootstrap from a
CDN even with ``cdn_resources="in_line"``, and its ``Network.add_node``/``add_edge``/``from_nx``
are quadratic. Positions are computed here (igraph's grid Fruchterman-Reingold, seeded) and
physics stays off in the browser, which is what makes 5,000 nodes usable.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import numpy as np
import pyvis
from markupsafe import Markup
from scipy import sparse

from .store import Store

ARTICLE = "Article"
ENTITY_TYPES = ("Organization", "Person", "Place", "Technology", "Topic")
NODE_TYPES = (ARTICLE, *ENTITY_TYPES)
TYPE_STYLE = {
    "Article": {"color": "#9e9e9e", "shape": "square"},
    "Organization": {"color": "#1f77b4", "shape": "dot"},
    "Person": {"color": "#d62728", "shape": "star"},
    "Place": {"color": "#2ca02c", "shape": "triangle"},
    "Technology": {"color": "#ff7f0e", "shape": "diamond"},
    "Topic": {"color": "#17becf", "shape": "box"},
    "Entity": {"color": "#8c564b", "shape": "hexagon"},
}
MENTION_EDGE_COLOR = "rgba(150,150,150,0.45)"
CO_MENTION_EDGE_COLOR = "rgba(123,104,238,0.4)"
#: Article titles longer than this are shortened on the canvas (tooltip and side panel show them whole).
CANVAS_LABEL_CHARS = 40
DEFAULT_MAX_NODES = 2000
#: Strongest co-mentioned entities listed in an entity's side panel.
CO_MENTIONS_LISTED = 10
#: Co-mention edges drawn per entity (its strongest), so the page stays readable and fast.
CO_MENTION_EDGES_PER_ENTITY = 4
#: Articles listed (most recent first) in an entity's side panel and used by the date/category filter.
ARTICLES_LISTED = 100
LAYOUT_SCALE = 1000.0
_VIS_LIB = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"


@dataclass(frozen=True)
class ExploreOptions:
    """What part of the graph the page shows."""

    focus: str | None = None
    depth: int = 1
    types: tuple[str, ...] = ()
    max_nodes: int = DEFAULT_MAX_NODES
    since: dt.date | None = None
    seed: int = 42

    def __post_init__(self) -> None:
        unknown = [t for t in self.types if t not in NODE_TYPES]
        if unknown:
            raise ValueError(f"--types {','.join(unknown)}: unknown type (choose from {', '.join(NODE_TYPES)})")
        if self.depth < 1:
            raise ValueError(f"--depth {self.depth}: must be at least 1")
        if self.max_nodes < 1:
            raise ValueError(f"--max-nodes {self.max_nodes}: must be at least 1")


@dataclass
class ExplorerGraph:
    """The graph a page shows, with what the side panel and the filters need about the wider scope."""

    graph: nx.Graph
    co_mentions: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    co_mention_edges: list[tuple[str, str, int]] = field(default_factory=list)
    entity_articles: dict[str, list[str]] = field(default_factory=dict)
    articles: dict[str, dict] = field(default_factory=dict)
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)
    note: str = ""


# --------------------------------------------------------------------------- graph from the store

def _best_label(labels: dict[str, str]) -> str | None:
    for lang in ("de", "", "en"):
        if labels.get(lang):
            return labels[lang]
    return next(iter(sorted(labels.values())), None)


def build_graph(store: Store) -> nx.Graph:
    """Articles and entities as nodes, ``mentions`` as edges weighted by the number of mentions.

    Article nodes carry ``label`` (title), ``date`` (ISO or ""), ``url`` and ``categories``;
    entity nodes (keyed by IRI) carry ``label``, ``type`` and ``names`` (every label, for --focus).
    """
    graph = nx.Graph()
    rows = store.query(
        "SELECT ?id (SAMPLE(?t) AS ?title) (SAMPLE(?d) AS ?date) (SAMPLE(?u) AS ?url)"
        " (GROUP_CONCAT(DISTINCT ?c; separator='\\u001f') AS ?cats) WHERE { ?a tg:articleId ?id ."
        " OPTIONAL { ?a dcterms:title ?t } OPTIONAL { ?a dcterms:date ?d } OPTIONAL { ?a schema:url ?u }"
        " OPTIONAL { ?a tg:category ?c } } GROUP BY ?id"
    ).rows
    for aid, title, date, url, cats in rows:
        graph.add_node(f"article:{aid}", label=str(title) if title is not None else str(aid), type=ARTICLE,
                       date=str(date)[:10] if date is not None else "", url=str(url) if url is not None else "",
                       categories=tuple(sorted(c for c in str(cats or "").split("\u001f") if c)))
    for aid, entity, count in store.query(
        "SELECT ?id ?e (COUNT(?m) AS ?n) WHERE { ?a tg:articleId ?id ; tg:hasMention ?m . ?m tg:refersTo ?e }"
        " GROUP BY ?id ?e"
    ).rows:
        graph.add_edge(f"article:{aid}", str(entity), weight=int(count))
    names: dict[str, dict[str, str]] = {}
    alt_names: dict[str, set[str]] = {}
    types: dict[str, str] = {}
    # No join with the articles here: a discovered entity's labels are repeated in the named graph of
    # every article that mentions it, so joining would grow with the square of its popularity.
    entities = {n for n, t in graph.nodes(data="type") if t != ARTICLE}
    for entity, label, kind in store.query(
        "SELECT DISTINCT ?e ?l ?k WHERE { { ?e skos:prefLabel ?l BIND('pref' AS ?k) }"
        " UNION { ?e skos:altLabel ?l BIND('alt' AS ?k) } UNION { ?e rdfs:label ?l BIND('alt' AS ?k) } }"
    ).rows:
        key = str(entity)
        if key not in entities:
            continue
        alt_names.setdefault(key, set()).add(str(label))
        if str(kind) == "pref":
            names.setdefault(key, {})[getattr(label, "language", None) or ""] = str(label)
    for entity, etype in store.query(
        "SELECT DISTINCT ?e ?t WHERE { ?e a ?t FILTER(?t IN (tg:Organization, tg:Person, tg:Place, tg:Technology, tg:Topic)) }"
    ).rows:
        if str(entity) in entities:
            types.setdefault(str(entity), str(etype).rsplit("#", 1)[-1])
    for node, attrs in graph.nodes(data=True):
        if attrs.get("type") == ARTICLE:
            continue
        fallback = node.rstrip("/").rsplit("/", 1)[-1]
        attrs["label"] = _best_label(names.get(node, {})) or fallback
        attrs["type"] = types.get(node, "Entity")
        attrs["names"] = tuple(sorted(alt_names.get(node, set()) | {attrs["label"]}))
    return graph


# --------------------------------------------------------------------------- choosing what to show

def resolve_focus(graph: nx.Graph, focus: str) -> str:
    """The node meant by ``focus``: an IRI, ``article:ID``, an article id, or an entity name (any label, any case)."""
    if focus in graph:
        return focus
    if f"article:{focus}" in graph:
        return f"article:{focus}"
    wanted = focus.casefold().strip()
    exact = [n for n, a in graph.nodes(data=True) if a.get("type") != ARTICLE
             and any(name.casefold() == wanted for name in a.get("names", (a.get("label", ""),)))]
    partial = exact or [n for n, a in graph.nodes(data=True) if a.get("type") != ARTICLE
                        and wanted in a.get("label", "").casefold()]
    if not partial:
        raise ValueError(f"--focus {focus!r}: no entity or article of that name in the graph")
    return max(partial, key=lambda n: (graph.degree(n), n))


def co_mention_counts(graph: nx.Graph) -> tuple[list[str], sparse.csr_matrix]:
    """Entities and their co-mention matrix: entry (i, j) = number of articles mentioning both."""
    entities = sorted(n for n, t in graph.nodes(data="type") if t != ARTICLE)
    articles = sorted(n for n, t in graph.nodes(data="type") if t == ARTICLE)
    e_index = {e: i for i, e in enumerate(entities)}
    a_index = {a: i for i, a in enumerate(articles)}
    rows, cols = [], []
    for u, v in graph.edges():
        a, e = (u, v) if u in a_index else (v, u)
        if a in a_index and e in e_index:
            rows.append(a_index[a])
            cols.append(e_index[e])
    incidence = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)),
                                  shape=(len(articles), len(entities)))
    counts = (incidence.T @ incidence).tocsr()
    counts.setdiag(0)
    counts.eliminate_zeros()
    return entities, counts


def _strongest(entities: list[str], counts: sparse.csr_matrix, k: int) -> dict[str, list[tuple[str, int]]]:
    result: dict[str, list[tuple[str, int]]] = {}
    for i, entity in enumerate(entities):
        start, end = counts.indptr[i], counts.indptr[i + 1]
        pairs = sorted(zip(counts.data[start:end].tolist(), counts.indices[start:end].tolist()),
                       key=lambda p: (-p[0], entities[p[1]]))[:k]
        if pairs:
            result[entity] = [(entities[j], int(w)) for w, j in pairs]
    return result


def select_graph(graph: nx.Graph, options: ExploreOptions) -> ExplorerGraph:
    """Apply ``--since``, ``--focus/--depth``, ``--types`` and the node budget; compute co-mentions."""
    scope = graph
    if options.since:
        since = options.since.isoformat()
        old = [n for n, a in graph.nodes(data=True) if a.get("type") == ARTICLE and not (a.get("date") and a["date"] >= since)]
        scope = graph.copy()
        scope.remove_nodes_from(old)
        scope.remove_nodes_from([n for n, a in scope.nodes(data=True) if a.get("type") != ARTICLE and scope.degree(n) == 0])
    entities, counts = co_mention_counts(scope)
    co_mentions = _strongest(entities, counts, CO_MENTIONS_LISTED)
    shown = scope
    focus = None
    if options.focus:
        focus = resolve_focus(scope, options.focus)
        radius = 2 * options.depth - (1 if scope.nodes[focus].get("type") == ARTICLE else 0)
        shown = nx.ego_graph(scope, focus, radius=radius)
    if options.types:
        wanted = set(options.types)
        shown = shown.subgraph([n for n, t in shown.nodes(data="type") if t in wanted or n == focus])
    notes = []
    if shown.number_of_nodes() > options.max_nodes:
        degree = {n: scope.degree(n) for n in shown}
        ranked = sorted(shown.nodes, key=lambda n: (n != focus, -degree[n], n))
        notes.append(f"Showing the {options.max_nodes:,} best-connected of {shown.number_of_nodes():,} nodes. "
                     "Focus an entity (topicgraph explore --focus NAME) to see its whole neighbourhood, "
                     "or raise --max-nodes.")
        shown = shown.subgraph(ranked[:options.max_nodes])
    shown = nx.Graph(shown)
    for n in shown:
        shown.nodes[n]["articles"] = scope.degree(n) if shown.nodes[n].get("type") != ARTICLE else 1
    entity_set = {n for n, t in shown.nodes(data="type") if t != ARTICLE}
    drawn: dict[tuple[str, str], int] = {}
    for entity in entity_set:
        taken = 0
        for other, weight in co_mentions.get(entity, ()):
            if other in entity_set:
                drawn[tuple(sorted((entity, other)))] = weight
                taken += 1
                if taken == CO_MENTION_EDGES_PER_ENTITY:
                    break
    entity_articles = {}
    articles = {}
    for entity in entity_set:
        listed = sorted((a for a in scope.neighbors(entity)), key=lambda a: (scope.nodes[a].get("date", ""), a),
                        reverse=True)[:ARTICLES_LISTED]
        entity_articles[entity] = listed
        for a in listed:
            articles[a] = scope.nodes[a]
    for n, t in shown.nodes(data="type"):
        if t == ARTICLE:
            articles[n] = scope.nodes[n]
    labels = {n: (scope.nodes[n].get("label", n), scope.nodes[n].get("type", "Entity"))
              for pairs in co_mentions.values() for n, _ in pairs}
    if not shown.number_of_nodes():
        notes.append(f"Nothing to show: no articles dated {options.since} or later." if options.since
                     else "Nothing to show: the store holds no articles yet (topicgraph ingest PATH).")
    if focus:
        notes.insert(0, f"Neighbourhood of {scope.nodes[focus].get('label', focus)} (depth {options.depth}).")
    return ExplorerGraph(shown, {e: co_mentions.get(e, []) for e in entity_set},
                         [(u, v, w) for (u, v), w in sorted(drawn.items())], entity_articles,
                         {a: _article_record(attrs) for a, attrs in articles.items()}, labels, " ".join(notes))


def limit_graph(graph: nx.Graph, max_nodes: int) -> tuple[nx.Graph, str]:
    """Keep the ``max_nodes`` nodes of highest degree; the note says what was left out."""
    chosen = select_graph(graph, ExploreOptions(max_nodes=max_nodes))
    return chosen.graph, chosen.note


def _article_record(attrs: dict) -> dict:
    return {"label": attrs.get("label", ""), "date": attrs.get("date", ""), "url": safe_url(attrs.get("url", "")),
            "cats": list(attrs.get("categories", ()))}


# --------------------------------------------------------------------------- layout and page

_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x1f\"'<>\\]+$", re.IGNORECASE)


def safe_url(url: str) -> str:
    """``url`` if it is a plain http(s) URL, else "" (``javascript:``, ``data:`` etc. never become links)."""
    url = (url or "").strip()
    return url if _HTTP_URL.match(url) else ""


def layout(graph: nx.Graph, seed: int = 42, extra_edges: Iterable[tuple[str, str, int]] = ()) -> dict[str, tuple[float, float]]:
    """Seeded 2-D positions in [-1, 1]: igraph's grid Fruchterman-Reingold (about 1 s at 5,000 nodes).

    Falls back to networkx's spring layout (much slower above a few hundred nodes) without igraph.
    """
    nodes = sorted(graph.nodes)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    edges = {(index[u], index[v]) for u, v in graph.edges()} | {(index[u], index[v]) for u, v, _ in extra_edges}
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(len(nodes), 2)) * math.sqrt(len(nodes))
    try:
        import igraph
    except ImportError:  # pragma: no cover - exercised by a test that hides igraph
        positions = nx.spring_layout(nx.Graph(list(edges)) if edges else graph, seed=seed,
                                     pos={i: tuple(start[i]) for i in range(len(nodes))} if edges else None)
        coords = np.array([positions.get(i, positions.get(n, (0.0, 0.0))) for i, n in enumerate(nodes)])
    else:
        ig_graph = igraph.Graph(n=len(nodes), edges=sorted(edges))
        igraph.set_random_number_generator(random.Random(seed))
        try:
            coords = np.array(ig_graph.layout_fruchterman_reingold(seed=start.tolist(), niter=500, grid="auto").coords)
        finally:
            igraph.set_random_number_generator(random)  # igraph's default generator
    coords = coords - coords.mean(axis=0)
    span = np.abs(coords).max() or 1.0
    coords = coords / span
    return {n: (float(coords[i][0]), float(coords[i][1])) for i, n in enumerate(nodes)}


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element (no '</script>', no HTML comment openers)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _tooltip(attrs: dict, articles: int) -> str:
    label, ntype = attrs.get("label", ""), attrs.get("type", "Entity")
    if ntype == ARTICLE:
        lines = [label, "Article" + (f" · {attrs['date']}" if attrs.get("date") else "")]
        if attrs.get("categories"):
            lines.append(", ".join(attrs["categories"]))
        if attrs.get("url"):
            lines.append(attrs["url"])
        return "\n".join(lines)
    return f"{label}\n{ntype} · {articles} article{'s' if articles != 1 else ''}"


def page_data(chosen: ExplorerGraph, seed: int = 42) -> dict:
    """Everything the page's script reads: vis nodes/edges with positions, side-panel data, filters."""
    graph = chosen.graph
    positions = layout(graph, seed=seed, extra_edges=chosen.co_mention_edges)
    degree = dict(graph.degree())
    nodes = []
    for node_id in sorted(graph.nodes):
        attrs = graph.nodes[node_id]
        ntype = attrs.get("type", "Entity")
        style = TYPE_STYLE.get(ntype, TYPE_STYLE["Entity"])
        articles = int(attrs.get("articles", 1))
        x, y = positions[node_id]
        label = str(attrs.get("label", node_id))
        node = {"id": node_id, "label": label, "name": label, "title": _tooltip(attrs, articles),
                "group": ntype, "color": style["color"], "shape": style["shape"],
                "size": round(min(6 + 3 * math.sqrt(degree.get(node_id, 0)), 60), 1),
                "x": round(x * LAYOUT_SCALE * max(1.0, math.sqrt(len(graph)) / 10), 1),
                "y": round(y * LAYOUT_SCALE * max(1.0, math.sqrt(len(graph)) / 10), 1), "n": articles}
        if ntype == ARTICLE:
            if len(label) > CANVAS_LABEL_CHARS:
                node["label"] = label[:CANVAS_LABEL_CHARS - 1].rstrip() + "…"
            node.update(date=attrs.get("date", ""), url=safe_url(attrs.get("url", "")), cats=list(attrs.get("categories", ())))
        else:
            node.update(arts=chosen.entity_articles.get(node_id, []),
                        co=[[other, w] for other, w in chosen.co_mentions.get(node_id, [])])
        nodes.append(node)
    edges = []
    for u, v, attrs in sorted(graph.edges(data=True)):
        weight = int(attrs.get("weight", 1))
        edges.append({"from": u, "to": v, "kind": "mention", "value": weight,
                      "width": round(min(0.5 + 0.5 * math.log2(1 + weight), 3), 2), "color": MENTION_EDGE_COLOR,
                      "title": f"{weight} mention{'s' if weight != 1 else ''}"})
    for u, v, weight in chosen.co_mention_edges:
        edges.append({"from": u, "to": v, "kind": "co", "value": weight,
                      "width": round(min(0.5 + math.log2(weight + 1), 6), 2), "color": CO_MENTION_EDGE_COLOR,
                      "title": f"co-mentioned in {weight} article{'s' if weight != 1 else ''}"})
    present = {n["group"] for n in nodes}
    dates = sorted(a["date"] for a in chosen.articles.values() if a["date"])
    return {
        "nodes": nodes,
        "edges": edges,
        "articles": chosen.articles,
        "labels": {k: list(v) for k, v in chosen.labels.items()},
        "note": chosen.note,
        "types": {t: {**TYPE_STYLE[t], "count": sum(1 for n in nodes if n["group"] == t)}
                  for t in (*NODE_TYPES, "Entity") if t in present},
        "categories": sorted({c for a in chosen.articles.values() for c in a["cats"]}),
        "dates": [dates[0], dates[-1]] if dates else [],
        "options": {"physics": {"enabled": False}, "layout": {"improvedLayout": False},
                    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": len(nodes) > 1000,
                                    "hideEdgesOnZoom": len(nodes) > 1000},
                    "edges": {"smooth": False, "selectionWidth": 2},
                    "nodes": {"font": {"size": 12}, "borderWidth": 1}},
    }


def render_html(chosen: ExplorerGraph | nx.Graph, title: str = "topicgraph explorer", note: str = "", seed: int = 42) -> str:
    """A self-contained page: vis-network inlined, positions computed here, physics off, no remote reference."""
    if isinstance(chosen, nx.Graph):
        chosen = ExplorerGraph(chosen, note=note)
    data = page_data(chosen, seed=seed)
    template = jinja2.Template(
        (resources.files("topicgraph") / "templates" / "explorer.html").read_text(encoding="utf-8"), autoescape=True)
    vis_js = re.sub(r"//# sourceMappingURL=\S+", "", (_VIS_LIB / "vis-network.min.js").read_text(encoding="utf-8"))
    return template.render(
        title=title,
        vis_js=Markup(vis_js.replace("</script", "<\\/script")),
        vis_css=Markup((_VIS_LIB / "vis-network.css").read_text(encoding="utf-8").replace("</style", "<\\/style")),
        data_json=Markup(_script_json(data)),
    )


def write_explorer(store: Store, output: Path, max_nodes: int = DEFAULT_MAX_NODES, title: str = "topicgraph explorer",
                   options: ExploreOptions | None = None) -> ExplorerGraph:
    """Write the explorer page for the store (UTF-8); returns what it shows (graph and note)."""
    options = options or ExploreOptions(max_nodes=max_nodes)
    chosen = select_graph(build_graph(store), options)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(chosen, title=title, seed=options.seed), encoding="utf-8")
    return chosen

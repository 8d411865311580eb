"""The explore use: an offline HTML graph explorer (vis-network from pyvis's package, everything inlined).

The page is built from our own template, not pyvis's: pyvis's template loads Bootstrap from a
CDN even with ``cdn_resources="in_line"``, and its ``Network.add_node``/``add_edge``/``from_nx``
are quadratic. Positions are computed here (``layout``: Louvain communities, igraph's
Fruchterman-Reingold per component, components packed) and physics stays off in the browser;
the page draws its own labels (most important first, never overlapping), which is what makes
5,000 nodes usable. On big graphs the page shows entities and their co-mentions only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import numpy as np
import pyvis
from markupsafe import Markup
from scipy import sparse

from .layout import community_colour, communities, grouped_layout
from ..errors import ParameterError
from ..display_language import best_label, reader_language
from ..store import Store

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
#: Lighter on big graphs, where thousands of edges cross the centre.
CO_MENTION_EDGE_COLOR_BIG = "rgba(123,104,238,0.2)"
#: Article titles longer than this are shortened on the canvas (tooltip and side panel show them whole).
CANVAS_LABEL_CHARS = 40
DEFAULT_MAX_NODES = 5000
#: Strongest co-mentioned entities listed in an entity's side panel.
CO_MENTIONS_LISTED = 10
#: Co-mention edges drawn per entity (its strongest), so the page stays readable and fast.
CO_MENTION_EDGES_PER_ENTITY = 4
#: ... when the page shows entities only (the co-mentions are then the only edges).
CO_MENTION_EDGES_ENTITIES_ONLY = 6
#: Above this many entities x edges per entity, fewer edges per entity (at least one): each drawn edge costs every frame.
CO_MENTION_EDGE_BUDGET = 30_000
#: Above this many articles in scope, article nodes are left out unless asked for (--articles) or --focus is given.
ARTICLE_NODES_AUTO = 200
#: One layout unit (about the distance between neighbours) in canvas pixels.
LAYOUT_UNIT = 30.0
#: Labels the page draws at the fitted first view (more appear as one zooms in).
FIRST_VIEW_LABELS = 30
#: Clusters listed in the page's legend (largest first, with their most mentioned entities).
CLUSTERS_LISTED = 8
#: Articles listed (most recent first) in an entity's side panel and used by the date/category filter.
ARTICLES_LISTED = 100
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
    #: Draw article nodes: None decides by size (small graphs and --focus yes, big graphs entities only).
    articles: bool | None = None

    def __post_init__(self) -> None:
        unknown = [t for t in self.types if t not in NODE_TYPES]
        if unknown:
            raise ParameterError("types", f"{','.join(unknown)}: unknown type (choose from {', '.join(NODE_TYPES)})")
        if self.depth < 1:
            raise ParameterError("depth", f"{self.depth}: must be at least 1")
        if self.max_nodes < 1:
            raise ParameterError("max_nodes", f"{self.max_nodes}: must be at least 1")


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

def _best_label(labels: dict[str, str], lang: str | None = None) -> str | None:
    return best_label(labels, lang or "de")


def build_graph(store: Store, lang: str | None = None) -> nx.Graph:
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
        attrs["label"] = _best_label(names.get(node, {}), lang) or fallback
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
        raise ParameterError("focus", f"{focus!r}: no entity or article of that name in the graph")
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
    in_scope = sum(1 for _, t in shown.nodes(data="type") if t == ARTICLE)
    with_articles = options.articles if options.articles is not None else (
        focus is not None or in_scope <= ARTICLE_NODES_AUTO or ARTICLE in options.types)
    if not with_articles and in_scope:
        shown = shown.subgraph([n for n, t in shown.nodes(data="type") if t != ARTICLE or n == focus])
        notes.append(f"Entities and their co-mentions; the {in_scope:,} articles are listed with each entity "
                     "(topicgraph explore --articles draws them as nodes too).")
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
    per_entity = CO_MENTION_EDGES_PER_ENTITY if with_articles else CO_MENTION_EDGES_ENTITIES_ONLY
    per_entity = max(1, min(per_entity, CO_MENTION_EDGE_BUDGET // max(1, len(entity_set))))
    drawn: dict[tuple[str, str], int] = {}
    for entity in entity_set:
        taken = 0
        for other, weight in co_mentions.get(entity, ()):
            if other in entity_set:
                drawn[tuple(sorted((entity, other)))] = weight
                taken += 1
                if taken == per_entity:
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


def _article_record(attrs: dict) -> dict:
    return {"label": attrs.get("label", ""), "date": attrs.get("date", ""), "url": safe_url(attrs.get("url", "")),
            "cats": list(attrs.get("categories", ()))}


# --------------------------------------------------------------------------- layout and page

_HTTP_URL = re.compile(r"^https?://[^\s\x00-\x1f\"'<>\\]+$", re.IGNORECASE)


def safe_url(url: str) -> str:
    """``url`` if it is a plain http(s) URL, else "" (``javascript:``, ``data:`` etc. never become links)."""
    url = (url or "").strip()
    return url if _HTTP_URL.match(url) else ""


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


def _layout_graph(chosen: ExplorerGraph) -> nx.Graph:
    """The drawn graph with its co-mention edges, weighted (mentions by count, co-mentions by shared articles)."""
    combined = nx.Graph()
    combined.add_nodes_from(chosen.graph.nodes)
    for u, v, weight in chosen.graph.edges(data="weight", default=1):
        combined.add_edge(u, v, weight=int(weight))
    for u, v, weight in chosen.co_mention_edges:
        combined.add_edge(u, v, weight=int(weight) + (combined.edges[u, v]["weight"] if combined.has_edge(u, v) else 0))
    return combined


def page_data(chosen: ExplorerGraph, seed: int = 42) -> dict:
    """Everything the page's script reads: vis nodes/edges with positions, side-panel data, filters, clusters."""
    graph = chosen.graph
    combined = _layout_graph(chosen)
    community = communities(combined, seed=seed)
    positions = grouped_layout(combined, community, seed=seed)
    # importance: entities by the articles mentioning them, then articles; ties by connections, then id
    ranked = sorted(graph.nodes, key=lambda n: (graph.nodes[n].get("type") == ARTICLE, -int(graph.nodes[n].get("articles", 1)),
                                                -combined.degree(n), n))
    rank = {n: i for i, n in enumerate(ranked)}
    nodes = []
    for node_id in sorted(graph.nodes):
        attrs = graph.nodes[node_id]
        ntype = attrs.get("type", "Entity")
        style = TYPE_STYLE.get(ntype, TYPE_STYLE["Entity"])
        articles = int(attrs.get("articles", 1))
        x, y = positions[node_id]
        label = str(attrs.get("label", node_id))
        group = community.get(node_id, -1)
        node = {"id": node_id, "label": label, "name": label, "title": _tooltip(attrs, articles),
                "group": ntype, "color": style["color"] if ntype == ARTICLE else community_colour(group),
                "shape": style["shape"], "size": round(min(4 + 3 * math.sqrt(articles if ntype != ARTICLE else 1), 36), 1),
                "x": round(x * LAYOUT_UNIT, 1), "y": round(y * LAYOUT_UNIT, 1), "n": articles, "c": group,
                "r": rank[node_id]}
        if ntype == ARTICLE:
            if len(label) > CANVAS_LABEL_CHARS:
                node["label"] = label[:CANVAS_LABEL_CHARS - 1].rstrip() + "…"
            node.update(date=attrs.get("date", ""), url=safe_url(attrs.get("url", "")), cats=list(attrs.get("categories", ())))
        else:
            node.update(arts=chosen.entity_articles.get(node_id, []),
                        co=[[other, w] for other, w in chosen.co_mentions.get(node_id, [])])
            aka = [name for name in attrs.get("names", ()) if name != label]
            if aka:
                node["aka"] = aka
        nodes.append(node)
    edges = []
    for u, v, attrs in sorted(graph.edges(data=True)):
        weight = int(attrs.get("weight", 1))
        edges.append({"from": u, "to": v, "kind": "mention", "value": weight,
                      "width": round(min(0.5 + 0.5 * math.log2(1 + weight), 3), 1)})
    for u, v, weight in chosen.co_mention_edges:
        edges.append({"from": u, "to": v, "kind": "co", "value": weight, "width": round(min(0.5 + math.log2(weight + 1), 6), 1)})
    present = {n["group"] for n in nodes}
    dates = sorted(a["date"] for a in chosen.articles.values() if a["date"])
    members: dict[int, list[str]] = {}
    for node_id in ranked:
        if graph.nodes[node_id].get("type") != ARTICLE:
            members.setdefault(community.get(node_id, -1), []).append(node_id)
    clusters = [{"c": c, "color": community_colour(c), "size": len(ids), "top": [graph.nodes[i].get("label", i) for i in ids[:3]]}
                for c, ids in sorted(members.items()) if 0 <= c < CLUSTERS_LISTED and len(ids) > 1]
    big = len(nodes) > 1000 or len(edges) > 4000
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
        "clusters": clusters,
        "maxWeight": max((w for _, _, w in chosen.co_mention_edges), default=1),
        "firstLabels": FIRST_VIEW_LABELS,
        "edgeColors": {"mention": MENTION_EDGE_COLOR, "co": CO_MENTION_EDGE_COLOR_BIG if big else CO_MENTION_EDGE_COLOR},
        "options": {"physics": {"enabled": False}, "layout": {"improvedLayout": False},
                    "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big,
                                    "hideEdgesOnZoom": big},
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
                   options: ExploreOptions | None = None, lang: str | None = None) -> ExplorerGraph:
    """Write the explorer page for the store (UTF-8); returns what it shows (graph and note). Labels in
    ``lang`` (default: the store's majority language), the other where one is missing."""
    options = options or ExploreOptions(max_nodes=max_nodes)
    chosen = select_graph(build_graph(store, reader_language(store, lang)), options)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(chosen, title=title, seed=options.seed), encoding="utf-8")
    return chosen

"""The explore use: an offline HTML graph explorer (pyvis/vis-network, everything inlined)."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources
from pathlib import Path

import jinja2
import networkx as nx
import pyvis
from pyvis.network import Network

from .store import Store

TYPE_STYLE = {
    "Article": {"color": "#9e9e9e", "shape": "square"},
    "Organization": {"color": "#1f77b4", "shape": "dot"},
    "Person": {"color": "#d62728", "shape": "dot"},
    "Place": {"color": "#2ca02c", "shape": "triangle"},
    "Technology": {"color": "#ff7f0e", "shape": "diamond"},
    "Entity": {"color": "#8c564b", "shape": "dot"},
}
DEFAULT_MAX_NODES = 2000


def build_graph(store: Store) -> nx.Graph:
    """Articles and entities as nodes, ``mentions`` as weighted edges (mention counts)."""
    graph = nx.Graph()
    for aid, title, date, url in store.query(
        "SELECT ?id ?title (SAMPLE(?d) AS ?date) (SAMPLE(?u) AS ?url) WHERE { ?a tg:articleId ?id ; dcterms:title ?title ."
        " OPTIONAL { ?a dcterms:date ?d } OPTIONAL { ?a schema:url ?u } } GROUP BY ?id ?title"
    ).rows:
        graph.add_node(f"article:{aid}", label=str(title), type="Article",
                       date=str(date) if date else "", url=str(url) if url else "")
    rows = store.query(
        "SELECT ?id ?e (COUNT(?m) AS ?n) WHERE { ?a tg:articleId ?id ; tg:hasMention ?m . ?m tg:refersTo ?e }"
        " GROUP BY ?id ?e"
    ).rows
    for aid, entity, count in rows:
        graph.add_edge(f"article:{aid}", str(entity), weight=int(count))
    for entity, label, etype in store.query(
        "SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) WHERE { ?a tg:mentions ?e ."
        " OPTIONAL { ?e skos:prefLabel ?l FILTER(LANG(?l) = 'de' || LANG(?l) = '') }"
        " OPTIONAL { ?e a ?t FILTER(?t IN (tg:Organization, tg:Person, tg:Place, tg:Technology)) } } GROUP BY ?e"
    ).rows:
        node = graph.nodes[str(entity)]
        node["label"] = str(label) if label else str(entity).rsplit("/", 1)[-1]
        node["type"] = str(etype).rsplit("#", 1)[-1] if etype else "Entity"
    return graph


def limit_graph(graph: nx.Graph, max_nodes: int) -> tuple[nx.Graph, str]:
    """Keep the ``max_nodes`` nodes of highest degree; a note says what was left out."""
    if graph.number_of_nodes() <= max_nodes:
        return graph, ""
    keep = sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))[:max_nodes]
    note = (f"Showing the {max_nodes} best-connected of {graph.number_of_nodes()} nodes. "
            "Use --focus ENTITY to see one neighbourhood, or raise --max-nodes.")
    return graph.subgraph(keep).copy(), note


def _script_json(data: object) -> str:
    """JSON safe inside a <script> element (no '</script>', no HTML comment openers)."""
    text = json.dumps(data, ensure_ascii=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def render_html(graph: nx.Graph, title: str = "topicgraph explorer", note: str = "", seed: int = 42) -> str:
    """A self-contained page: vis-network inlined, positions computed here, physics off."""
    positions = nx.spring_layout(graph, seed=seed, k=1.5 / max(graph.number_of_nodes(), 1) ** 0.5) if graph else {}
    net = Network(height="100vh", width="100%", cdn_resources="in_line")
    degree = dict(graph.degree())
    for node_id, attrs in graph.nodes(data=True):
        ntype = attrs.get("type", "Entity")
        style = TYPE_STYLE.get(ntype, TYPE_STYLE["Entity"])
        x, y = positions.get(node_id, (0.0, 0.0))
        tooltip = f"{attrs.get('label', node_id)}\n{ntype}"
        if ntype == "Article":
            tooltip += f"\n{attrs.get('date', '')}"
        else:
            tooltip += f"\n{degree.get(node_id, 0)} article(s)"
        net.add_node(node_id, label=attrs.get("label", node_id), title=tooltip, group=ntype,
                     color=style["color"], shape=style["shape"], size=8 + 3 * degree.get(node_id, 0) ** 0.5,
                     x=float(x) * 1000, y=float(y) * 1000, physics=False,
                     date=attrs.get("date", ""), url=attrs.get("url", ""))
    for u, v, attrs in graph.edges(data=True):
        net.add_edge(u, v, value=attrs.get("weight", 1), width=1 + attrs.get("weight", 1) ** 0.5)
    counts = Counter(attrs.get("type", "Entity") for _, attrs in graph.nodes(data=True))
    data = {
        "nodes": net.nodes,
        "edges": net.edges,
        "note": note,
        "types": {t: {**s, "count": counts.get(t, 0)} for t, s in TYPE_STYLE.items() if counts.get(t)},
        "options": {"physics": {"enabled": False}, "interaction": {"hover": True, "tooltipDelay": 150},
                    "edges": {"smooth": False, "color": {"opacity": 0.4}}, "nodes": {"font": {"size": 12}}},
    }
    lib = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
    template = jinja2.Template(
        (resources.files("topicgraph") / "templates" / "explorer.html").read_text(encoding="utf-8"),
        autoescape=True,
    )
    return template.render(
        title=title,
        vis_js=jinja2.utils.markupsafe.Markup((lib / "vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=jinja2.utils.markupsafe.Markup((lib / "vis-network.css").read_text(encoding="utf-8")),
        data_json=jinja2.utils.markupsafe.Markup(_script_json(data)),
    )


def write_explorer(store: Store, output: Path, max_nodes: int = DEFAULT_MAX_NODES, title: str = "topicgraph explorer") -> nx.Graph:
    """Write the explorer page for the whole store (UTF-8); returns the graph shown."""
    graph, note = limit_graph(build_graph(store), max_nodes)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(render_html(graph, title=title, note=note), encoding="utf-8")
    return graph

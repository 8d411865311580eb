"""The explorer's layout at archive scale: Louvain communities, a layout grouped by them, components packed.

Each connected component is laid out on its own (igraph's Fruchterman-Reingold, seeded, with edges
inside a community pulling harder than edges between communities, so clusters form visible groups);
the components are then scaled to an area proportional to their size and packed in columns beside
the largest one, so single nodes and small islands no longer set the scale of the whole picture.
"""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np

#: Colours of the largest communities (ColorBrewer/Tableau-like, distinguishable on white); the rest share OTHER_COLOUR.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#393b79", "#637939", "#ad494a")
OTHER_COLOUR = "#8f9aa6"
#: Attraction of an edge inside a community, relative to an edge between two communities.
INTRA_COMMUNITY_PULL = 8.0
#: Space left between packed components, in layout units (one unit ~ one node's share of the area).
PACK_GAP = 2.0


def communities(graph: nx.Graph, seed: int = 42) -> dict[str, int]:
    """Louvain communities (networkx, edge attribute ``weight``), numbered by size: 0 is the largest."""
    if not graph.number_of_nodes():
        return {}
    parts = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    parts = sorted(parts, key=lambda part: (-len(part), min(part)))
    return {node: index for index, part in enumerate(parts) for node in part}


def community_colour(index: int) -> str:
    """The colour of community ``index`` (the largest get their own, the others a shared grey-blue)."""
    return PALETTE[index] if 0 <= index < len(PALETTE) else OTHER_COLOUR


def _component_layout(graph: nx.Graph, nodes: list[str], community: dict[str, int], seed: int) -> np.ndarray:
    """Positions of one connected component, centred, scaled so the area grows with the node count."""
    n = len(nodes)
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-0.6, 0.0], [0.6, 0.0]])
    index = {node: i for i, node in enumerate(nodes)}
    edges, weights = [], []
    for u, v, w in graph.edges(nodes, data="weight", default=1):
        edges.append((index[u], index[v]))
        pull = 1.0 + math.log1p(w)
        weights.append(pull * (INTRA_COMMUNITY_PULL if community.get(u) == community.get(v) else 1.0))
    import igraph

    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, size=(n, 2)) * math.sqrt(n)
    ig_graph = igraph.Graph(n=n, edges=edges)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = np.array(ig_graph.layout_fruchterman_reingold(
            weights=weights, seed=start.tolist(), niter=500, grid="auto" if n > 1000 else "nogrid").coords)
    finally:
        igraph.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    radius = float(np.sqrt((coords ** 2).sum(axis=1)).max()) or 1.0
    return coords * (math.sqrt(n) / radius)


def _pack(boxes: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Offsets (of each box's centre) packing boxes (width, height), the first at the origin, the others in
    columns to its right, each column as high as the first box (or as the square root of the total area)."""
    if not boxes:
        return []
    main_w, main_h = boxes[0]
    total = sum(w * h for w, h in boxes)
    column_h = max(main_h, math.sqrt(total) * 0.6)
    offsets = [(0.0, 0.0)]
    x = main_w / 2 + PACK_GAP * 2
    top = -column_h / 2
    y, column_w = top, 0.0
    for w, h in boxes[1:]:
        if y > top and y + h > top + column_h:
            x += column_w + PACK_GAP
            y, column_w = top, 0.0
        offsets.append((x + w / 2, y + h / 2))
        y += h + PACK_GAP
        column_w = max(column_w, w)
    return offsets


def grouped_layout(graph: nx.Graph, community: dict[str, int] | None = None, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Seeded positions (layout units, about one unit between neighbours): components laid out on their own and packed."""
    if not graph.number_of_nodes():
        return {}
    community = community if community is not None else communities(graph, seed=seed)
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    laid = [_component_layout(graph, nodes, community, seed) for nodes in components]
    boxes = []
    for coords in laid:
        low, high = coords.min(axis=0), coords.max(axis=0)
        boxes.append((float(high[0] - low[0]) + 1.0, float(high[1] - low[1]) + 1.0))
    positions: dict[str, tuple[float, float]] = {}
    for nodes, coords, (dx, dy) in zip(components, laid, _pack(boxes)):
        centre = (coords.min(axis=0) + coords.max(axis=0)) / 2
        for node, (x, y) in zip(nodes, coords - centre):
            positions[node] = (float(x + dx), float(y + dy))
    return positions

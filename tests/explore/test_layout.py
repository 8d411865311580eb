"""Issue 18: communities, a layout grouped by them, small components packed beside the main one."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from topicgraph.explore.layout import PALETTE, communities, community_colour, grouped_layout


def planted(groups: int = 4, size: int = 25, seed: int = 3) -> nx.Graph:
    """``groups`` dense groups joined by a few edges, plus two pairs and three single nodes."""
    graph = nx.planted_partition_graph(groups, size, 0.5, 0.01, seed=seed)
    graph = nx.relabel_nodes(graph, {n: f"n{n:03d}" for n in graph})
    graph.add_edge("pair-a1", "pair-a2", weight=2)
    graph.add_edge("pair-b1", "pair-b2")
    graph.add_nodes_from(["single-1", "single-2", "single-3"])
    return graph


def test_communities_are_found_and_numbered_by_size():
    graph = planted()
    found = communities(graph, seed=1)
    assert set(found) == set(graph)
    sizes = np.bincount(list(found.values()))
    assert list(sizes) == sorted(sizes, reverse=True)
    # each planted group is (almost) one community
    for g in range(4):
        members = [found[f"n{n:03d}"] for n in range(g * 25, (g + 1) * 25)]
        assert max(np.bincount(members)) >= 23
    assert community_colour(0) == PALETTE[0] and community_colour(len(PALETTE)) != PALETTE[0]
    assert communities(nx.Graph()) == {}


def test_layout_is_seeded_and_groups_communities():
    graph = planted()
    found = communities(graph, seed=1)
    pos = grouped_layout(graph, found, seed=5)
    assert pos == grouped_layout(graph, found, seed=5) and set(pos) == set(graph)
    main = [n for n in graph if n.startswith("n")]
    inside, across = [], []
    for i, u in enumerate(main):
        for v in main[i + 1:]:
            d = math.dist(pos[u], pos[v])
            (inside if found[u] == found[v] else across).append(d)
    assert np.mean(inside) < 0.6 * np.mean(across)


def test_small_components_are_packed_beside_the_main_one():
    graph = planted()
    pos = grouped_layout(graph, seed=5)
    main = np.array([pos[n] for n in graph if n.startswith("n")])
    small = np.array([pos[n] for n in graph if not n.startswith("n")])
    width = main[:, 0].max() - main[:, 0].min()
    height = main[:, 1].max() - main[:, 1].min()
    assert (small[:, 0] > main[:, 0].max()).all()  # to the right of the main component
    assert small[:, 0].max() - main[:, 0].max() < 0.5 * width  # close to it, not flung to the edge
    assert (small[:, 1] >= main[:, 1].min() - 1).all() and (small[:, 1] <= main[:, 1].max() + 1).all()
    # no two nodes on the same spot
    points = {(round(x, 3), round(y, 3)) for x, y in pos.values()}
    assert len(points) == len(pos)
    assert height > 0


def test_edge_cases():
    assert grouped_layout(nx.Graph()) == {}
    one = nx.Graph()
    one.add_node("a")
    assert grouped_layout(one) == {"a": (0.0, 0.0)}

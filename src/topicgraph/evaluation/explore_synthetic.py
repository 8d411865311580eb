"""Synthetic explorer graphs for tests and benchmarks: what ``explore.build_graph`` would read from a store
holding ``synthetic.generate_extractions`` (Zipf entity popularity), built without a store."""

from __future__ import annotations

from collections import Counter

import networkx as nx

from ..explore import ARTICLE
from .synthetic import generate_extractions


def synthetic_explorer_graph(n_articles: int, n_entities: int | None = None, seed: int = 1) -> nx.Graph:
    """Article and entity nodes with the attributes ``build_graph`` gives them, mention edges weighted by count."""
    graph = nx.Graph()
    for extraction in generate_extractions(n_articles, n_entities, seed=seed):
        article = extraction.article
        node = f"article:{article.id}"
        graph.add_node(node, label=article.title, type=ARTICLE, date=article.date.isoformat() if article.date else "",
                       url=article.url, categories=tuple(sorted(article.categories)))
        for iri, count in Counter(m.entity_iri for m in extraction.mentions).items():
            entity = extraction.entities[iri]
            if iri not in graph:
                graph.add_node(iri, label=entity.label, type=entity.type.value,
                               names=tuple(sorted({entity.label, *entity.alt_labels})))
            graph.add_edge(node, iri, weight=count)
    return graph

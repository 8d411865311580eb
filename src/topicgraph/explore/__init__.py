"""The HTML graph explorer (``topicgraph explore``): the graph read from the store and chosen for the page
(``page``), and the community layout that groups clusters and packs small components (``layout``)."""

from .page import (
    ARTICLE, ENTITY_TYPES, ExploreOptions, ExplorerGraph, build_graph, co_mention_counts, page_data,
    render_html, resolve_focus, safe_url, select_graph, write_explorer,
)

__all__ = [
    "ARTICLE", "ENTITY_TYPES", "ExploreOptions", "ExplorerGraph", "build_graph", "co_mention_counts",
    "page_data", "render_html", "resolve_focus", "safe_url", "select_graph", "write_explorer",
]

"""What the resolution merged, for ``topicgraph article ID`` and ``topicgraph entities --resolution``."""

from __future__ import annotations

from rdflib import Literal

from ..namespaces import RESOLUTION_GRAPH


def merges(store, article_id: str | None = None):
    """Rows (kept entity, merged entity, its old name, rule, evidence) of the live merges; with
    ``article_id``: those that moved a mention of that article."""
    article = ""
    if article_id is not None:
        article = (f"?m tg:inArticle ?a . ?a tg:articleId {Literal(article_id).n3()} . ")
    return store.query(
        f"SELECT DISTINCT ?into ?merged ?name ?rule ?evidence WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ "
        f"?r a tg:ResolutionMerge ; prov:used ?merged ; tg:mergedInto ?into ; tg:mergedLabel ?name ; "
        f"tg:resolutionRule ?rule ; tg:evidence ?evidence "
        + (". ?r tg:movedMention ?m " if article_id is not None else "")
        + f"FILTER NOT EXISTS {{ ?r tg:undoneBy ?c }} }} {article} }} ORDER BY ?into ?name")

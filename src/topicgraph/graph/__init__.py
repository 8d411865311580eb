"""The graph stage: an article's extraction as RDF triples in its own named graph."""

from .article import article_graph, article_triples, entity_triples, relation_triples

__all__ = ["article_graph", "article_triples", "entity_triples", "relation_triples"]

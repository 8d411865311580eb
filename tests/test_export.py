from __future__ import annotations

import json

import pytest
from rdflib import Dataset, Graph

from topicgraph.export import ExportError, export_store
from topicgraph.namespaces import TG


def test_nquads_keep_one_graph_per_article(sample_store):
    ds = Dataset()
    ds.parse(data=export_store(sample_store, "nquads"), format="nquads")
    article_graphs = {str(g.identifier) for g in ds.graphs() if "/graph/article/" in str(g.identifier)}
    assert len(article_graphs) == 18


def test_turtle_and_jsonld(sample_store):
    g = Graph().parse(data=export_store(sample_store, "turtle"), format="turtle")
    assert len(list(g.subjects(predicate=TG.articleId))) == 18
    assert isinstance(json.loads(export_store(sample_store, "jsonld")), (list, dict))


def test_unknown_format(sample_store):
    with pytest.raises(ExportError):
        export_store(sample_store, "xml")

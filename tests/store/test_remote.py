"""The same integration run (ingest the sample corpus -> named queries -> related -> export) on every
backend: embedded Oxigraph, rdflib in memory, and a real ``oxigraph serve`` (pip package) over HTTP."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset

from topicgraph.evaluation.bench import oxigraph_server
from topicgraph.store.derived import stored_derived
from topicgraph.export import export_store
from topicgraph.pipeline.ingest import ingest
from topicgraph.namespaces import DERIVED_GRAPH, article_graph_iri
from topicgraph.nlp import Extractor
from topicgraph.query import run_named_query
from topicgraph.related import suggest_related
from topicgraph.store import RemoteSparqlStore, StoreError, open_store

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


@pytest.fixture(scope="module")
def extractor():
    return Extractor(model="none")


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory):
    if shutil.which("oxigraph") is None:
        pytest.skip("the oxigraph server (pip package 'oxigraph') is not installed")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph-server")) as url:
        yield url


@pytest.fixture(params=["embedded", "memory", pytest.param("remote", marks=pytest.mark.server)])
def any_store(request, tmp_path):
    if request.param == "embedded":
        store = open_store(tmp_path / "store")
    elif request.param == "memory":
        store = open_store("memory")
    else:
        url = request.getfixturevalue("oxigraph_url")
        store = open_store(url)
        store.update("DROP SILENT ALL")
    yield store
    store.close()


def test_same_integration_on_every_backend(any_store, extractor):
    report = ingest([SAMPLE], any_store, extractor=extractor)
    assert report.ok and len(report.added) >= 15
    again = ingest([SAMPLE], any_store, extractor=extractor)
    assert not again.written and len(again.unchanged) == len(report.added)

    mentioning = run_named_query(any_store, "articles-mentioning", {"entity": "Redwood Materials"})
    ids = [str(r["id"]) for r in mentioning.dicts()]
    assert "gm-redwood-speicherpartnerschaft" in ids and len(ids) == len(set(ids))
    co = {str(r["other"]).rsplit("/", 1)[-1]: int(r["articles"])
          for r in run_named_query(any_store, "co-mentioned", {"entity": "Redwood Materials"}).dicts()}
    assert co.get("general-motors", 0) >= 1
    people = run_named_query(any_store, "entities-by-type", {"type": "Person"}).dicts()
    assert any(str(r["entityLabel"]) == "JB Straubel" for r in people)
    timeline = run_named_query(any_store, "entity-timeline", {"entity": "Redwood Materials"}).rows
    dated = [r for r in mentioning.dicts() if r["date"] is not None]
    assert sum(int(n) for _, n in timeline) == len(dated) > 0

    suggestions = suggest_related(any_store, "gm-redwood-speicherpartnerschaft", k=3)
    assert suggestions and suggestions[0].reasons

    dataset = Dataset()
    dataset.parse(data=export_store(any_store, "nquads"), format="nquads")
    graphs = {str(g.identifier) for g in dataset.graphs()}
    assert str(article_graph_iri("gm-redwood-speicherpartnerschaft")) in graphs
    assert str(DERIVED_GRAPH) in graphs
    assert stored_derived(any_store)


def test_replace_graph_is_one_request_and_replaces(any_store):
    from rdflib import Literal, URIRef

    g = URIRef("http://example.org/g")
    any_store.replace_graph(g, [(URIRef("http://example.org/a"), URIRef("http://example.org/p"), Literal("1"))])
    any_store.replace_graph(g, [(URIRef("http://example.org/a"), URIRef("http://example.org/p"), Literal("2"))])
    rows = any_store.query("SELECT ?o WHERE { GRAPH <http://example.org/g> { ?s ?p ?o } }").rows
    assert [str(o) for (o,) in rows] == ["2"]
    assert g in any_store.graphs()


def test_remote_url_layouts_and_errors():
    base = RemoteSparqlStore("http://127.0.0.1:7878/")
    assert (base.query_endpoint, base.update_endpoint, base.graph_store) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")
    fuseki = RemoteSparqlStore("http://127.0.0.1:3030/ds/query")
    assert fuseki.update_endpoint == "http://127.0.0.1:3030/ds/update" and fuseki.graph_store is None
    own = RemoteSparqlStore("http://127.0.0.1:7878/sparql")
    assert own.query_endpoint == own.update_endpoint == "http://127.0.0.1:7878/sparql"
    with pytest.raises(StoreError) as err:
        RemoteSparqlStore("http://127.0.0.1:9/", timeout=2).query("ASK {}")
    assert "cannot reach" in str(err.value)

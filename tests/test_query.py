from __future__ import annotations

import json

import pytest

from topicgraph.namespaces import ENT
from topicgraph.query import (QueryError, format_result, list_named_queries, run_named_query, run_query)


def test_named_queries_are_listed_with_parameters():
    queries = {q.name: q for q in list_named_queries()}
    assert {"articles-mentioning", "co-mentioned", "entity-timeline", "top-entities-per-category",
            "technologies-per-organization", "related-articles", "articles-without-entities",
            "entities-by-type"} <= set(queries)
    assert [p.name for p in queries["articles-mentioning"].params] == ["entity"]
    assert all(q.description for q in queries.values())


@pytest.mark.parametrize("entity", ["Redwood Materials", "redwood materials", "ent:redwood-materials",
                                    str(ENT["redwood-materials"]), "Redwood"])
def test_articles_mentioning_accepts_label_curie_or_iri(sample_store, entity):
    result = run_named_query(sample_store, "articles-mentioning", {"entity": entity})
    ids = [str(r["id"]) for r in result.dicts()]
    assert "gm-redwood-speicherpartnerschaft" in ids
    dates = [str(r["date"]) for r in result.dicts() if r["date"] is not None]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("evil", ['Energie" } UNION { ?s ?p ?o } #', "Energie' . ?x ?y ?z #", "}", "# comment"])
def test_parameters_cannot_inject_sparql(sample_store, evil):
    result = run_named_query(sample_store, "top-entities-per-category", {"category": evil})
    assert result.rows == []


def test_unknown_entity_and_missing_parameter_are_clear_errors(sample_store):
    with pytest.raises(QueryError, match="no entity named"):
        run_named_query(sample_store, "articles-mentioning", {"entity": "Niemand GmbH"})
    with pytest.raises(QueryError, match="missing parameter"):
        run_named_query(sample_store, "articles-mentioning", {})
    with pytest.raises(QueryError, match="no named query"):
        run_named_query(sample_store, "nope", {})


def test_syntax_error_is_query_error(sample_store):
    with pytest.raises(QueryError):
        run_query(sample_store, "SELECT WHERE {")


def test_output_formats(sample_store):
    result = run_named_query(sample_store, "entities-by-type", {"type": "Person"})
    people = {str(r["entity"]) for r in result.dicts()}
    assert str(ENT["jb-straubel"]) in people
    data = json.loads(format_result(result, "json"))
    assert data["head"]["vars"] == result.variables and len(data["results"]["bindings"]) == len(result.rows)
    csv_text = format_result(result, "csv")
    assert csv_text.splitlines()[0] == ",".join(result.variables)
    assert "ent:jb-straubel" in format_result(result, "table")

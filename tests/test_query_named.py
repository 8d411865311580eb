"""Named queries: parameters are RDF terms (no injection), answers come from the derived statistics."""

from __future__ import annotations

import dataclasses

import pytest
from rdflib import Literal

from topicgraph.store.derived import derived_quads, stored_derived
from topicgraph.pipeline.ingest import store_extraction
from topicgraph.query import QueryError, inline_bindings, list_named_queries, run_named_query
from topicgraph.store import OxigraphStore, RdflibStore
from topicgraph.evaluation.synthetic import CATEGORIES, generate_extractions

INJECTIONS = [
    '" } UNION { ?entity ?p ?o } #',
    "' } UNION { ?entity ?p ?o } #",
    '"^^<http://x> } UNION { ?a ?b ?c }',
    "x\" . ?entity ?p ?o . FILTER(true) #",
    "} } SELECT * WHERE { ?s ?p ?o }",
    "Energie\\\" } #",
    "# comment\n}",
    "UNION",
]


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def synthetic_store(request):
    store = OxigraphStore() if request.param == "oxigraph" else RdflibStore()
    for extraction in generate_extractions(25, seed=3):
        store_extraction(store, extraction)
    return store


def test_every_shipped_query_has_header_and_runs(synthetic_store):
    values = {"entity": "ent:synth-organization-0", "organization": "ent:synth-organization-0",
              "type": "Organization", "category": CATEGORIES[0], "article": "synth-000001",
              "topic": "ent:synth-technology-3"}
    names = set()
    for q in list_named_queries():
        names.add(q.name)
        assert q.description, q.name
        result = run_named_query(synthetic_store, q.name, {p.name: values[p.name] for p in q.params})
        assert result.variables, q.name
    assert {"articles-mentioning", "co-mentioned", "entity-timeline", "top-entities-per-category",
            "technologies-per-organization", "related-articles", "articles-without-entities",
            "entities-by-type"} <= names


@pytest.mark.parametrize("value", INJECTIONS)
def test_string_parameter_cannot_inject(synthetic_store, value):
    legit = run_named_query(synthetic_store, "top-entities-per-category", {"category": CATEGORIES[0]})
    assert legit.rows
    result = run_named_query(synthetic_store, "top-entities-per-category", {"category": value})
    assert result.rows == []


@pytest.mark.parametrize("value", INJECTIONS)
def test_entity_parameter_cannot_inject(synthetic_store, value):
    with pytest.raises(QueryError) as err:
        run_named_query(synthetic_store, "co-mentioned", {"entity": value})
    assert "no entity named" in str(err.value) or "not a valid IRI" in str(err.value)
    assert "Traceback" not in str(err.value)


@pytest.mark.parametrize("value", INJECTIONS)
def test_article_parameter_cannot_inject(synthetic_store, value):
    assert run_named_query(synthetic_store, "related-articles", {"article": value}).rows == []


@pytest.mark.parametrize("value", ["http://x/a> } UNION { ?s ?p ?o", 'ent:a"b', "Organization } UNION {"])
def test_iri_and_type_parameters_are_checked(synthetic_store, value):
    with pytest.raises(QueryError):
        run_named_query(synthetic_store, "entities-by-type", {"type": value})


def test_inlined_literal_stays_one_term():
    text = inline_bindings("SELECT ?x WHERE { ?x <http://p> ?v }", {"v": Literal('a" } UNION { ?x ?y ?z } #')})
    assert text.count("UNION") == 1 and '\\"' in text
    projected = inline_bindings("SELECT ?v WHERE { ?x <http://p> ?v }", {"v": Literal("a")})
    assert "VALUES (?v)" in projected


def test_co_mentioned_counts_articles_and_sentences():
    store = OxigraphStore()
    extractions = list(generate_extractions(40, seed=5))
    for extraction in extractions:
        store_extraction(store, extraction)
    entity = extractions[0].mentions[0].entity_iri
    other = extractions[0].mentions[1].entity_iri
    expected = sum(1 for e in extractions if {entity, other} <= {m.entity_iri for m in e.mentions})
    rows = run_named_query(store, "co-mentioned", {"entity": entity}).dicts()
    found = {str(r["other"]): r for r in rows}
    assert int(found[other]["articles"]) == expected
    assert int(found[other]["sentences"]) == 0  # synthetic articles: one entity per sentence
    assert str(found[other]["otherLabel"]).startswith("Synth ")


def test_derived_statistics_follow_replacements():
    """Incremental updates (add, replace with other content) equal a recount from scratch."""
    for store in (OxigraphStore(), RdflibStore()):
        final = {}
        for extraction in generate_extractions(25, seed=1):
            store_extraction(store, extraction)
            final[extraction.article.id] = extraction
        for extraction in generate_extractions(6, seed=2):  # same ids, other entities and dates
            store_extraction(store, extraction)
            final[extraction.article.id] = extraction
        assert stored_derived(store) == set(derived_quads(final.values()))


def test_rewriting_an_article_unchanged_keeps_counts():
    store = OxigraphStore()
    extraction = next(generate_extractions(1, seed=9))
    store_extraction(store, extraction)
    before = stored_derived(store)
    store_extraction(store, dataclasses.replace(extraction))
    assert stored_derived(store) == before

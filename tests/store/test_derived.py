"""Derived statistics: increments at ingest equal a recount, and the named queries that read them
(count levels, month links, markers) answer exactly what a computation over the articles gives."""

from __future__ import annotations

import dataclasses
from collections import Counter

import pytest

from topicgraph.store.derived import (
    articles_update, count_mismatches, derived_quads, level_of, removal_update, stored_derived,
)
from topicgraph.graph import article_graph
from topicgraph.pipeline.ingest import store_articles, store_extraction
from topicgraph.pipeline.resolve import ResolvedGraph
from topicgraph.namespaces import TG, article_graph_iri
from topicgraph.query import run_named_query
from topicgraph.store import OxigraphStore, RdflibStore
from topicgraph.evaluation.synthetic import CATEGORIES, generate_extractions


def store_extractions(store, extractions) -> None:
    """Several articles in one transaction, as ingest writes a batch."""
    store_articles(store, [(e, ResolvedGraph(*article_graph(e))) for e in extractions])


def _remove(store, article_id: str) -> None:
    store.remove_graph(article_graph_iri(article_id), also=removal_update(store, article_id))


def _variants(n: int, seed: int, n_entities: int):
    """Synthetic articles, some undated and some without any entity."""
    for i, extraction in enumerate(generate_extractions(n, n_entities=n_entities, seed=seed)):
        if i % 7 == 3:
            extraction = dataclasses.replace(extraction, article=dataclasses.replace(extraction.article, date=None))
        if i % 11 == 5:
            extraction = dataclasses.replace(extraction, mentions=[], entities={}, salience={}, about=())
        yield extraction


def _churn(store, n: int = 300, n_entities: int = 120) -> dict:
    """Add articles, change some (other entities, dates, categories), remove some; returns what is stored."""
    final = {}
    for extraction in _variants(n, seed=1, n_entities=n_entities):
        store_extraction(store, extraction)
        final[extraction.article.id] = extraction
    for extraction in _variants(n // 4, seed=2, n_entities=n_entities):  # same ids, other content
        store_extraction(store, extraction)
        final[extraction.article.id] = extraction
    for article_id in sorted(final)[::9]:
        _remove(store, article_id)
        del final[article_id]
    return final


@pytest.fixture(scope="module", params=["oxigraph", "rdflib"])
def churned(request):
    store = OxigraphStore() if request.param == "oxigraph" else RdflibStore()
    return store, _churn(store, n=300 if request.param == "oxigraph" else 120)


def test_level_of():
    assert [level_of(c) for c in (1, 2, 3, 4, 7, 8, 1000)] == [0, 4, 6, 8, 11, 12, 39]


def test_increments_equal_a_recount_after_add_change_remove(churned):
    store, final = churned
    assert stored_derived(store) == set(derived_quads(final.values()))


def test_removing_every_article_empties_the_derived_graph():
    store = OxigraphStore()
    extractions = list(_variants(30, seed=4, n_entities=20))
    for extraction in extractions:
        store_extraction(store, extraction)
    for extraction in extractions:
        _remove(store, extraction.article.id)
    assert stored_derived(store) == set()


# --------------------------------------------------------------------------- answers computed from the articles

def _entities(e) -> set[str]:
    return {m.entity_iri for m in e.mentions}


def _types(final) -> dict[str, str]:
    return {iri: entity.type.value for e in final.values() for iri, entity in e.entities.items()}


def _popular(final) -> str:
    return Counter(i for e in final.values() for i in _entities(e)).most_common(1)[0][0]


def test_articles_mentioning_newest_first(churned):
    store, final = churned
    entity = _popular(final)
    having = [e.article for e in final.values() if entity in _entities(e)]
    dated = sorted((a for a in having if a.date), key=lambda a: a.id)
    dated.sort(key=lambda a: a.date, reverse=True)
    expected = [a.id for a in dated + sorted((a for a in having if not a.date), key=lambda a: a.id)][:100]
    rows = run_named_query(store, "articles-mentioning", {"entity": entity}).dicts()
    assert [str(r["id"]) for r in rows] == expected
    assert len(expected) == 100 or len(expected) == len(having)


def test_articles_mentioning_reaches_undated_articles_of_a_rare_entity(churned):
    store, final = churned
    counts = Counter(i for e in final.values() for i in _entities(e))
    rare = next(i for e in final.values() if not e.article.date for i in sorted(_entities(e)) if counts[i] < 20)
    ids = {str(r["id"]) for r in run_named_query(store, "articles-mentioning", {"entity": rare}).dicts()}
    assert ids == {e.article.id for e in final.values() if rare in _entities(e)}


def _pair_counts(final, entity: str) -> Counter:
    return Counter(o for e in final.values() if entity in _entities(e) for o in _entities(e) - {entity})


def test_co_mentioned_is_the_exact_top_50(churned):
    store, final = churned
    entity = _popular(final)
    counts = _pair_counts(final, entity)
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:50]
    rows = run_named_query(store, "co-mentioned", {"entity": entity}).rows
    assert [(str(o), int(n)) for o, _label, n, _s in rows] == expected
    assert len(counts) > 50  # the cut matters


def test_technologies_per_organization_is_the_exact_top_100(churned):
    store, final = churned
    types = _types(final)
    counts = Counter(i for e in final.values() for i in _entities(e))
    organization = max((i for i in counts if types.get(i) == "Organization"), key=lambda i: (counts[i], i))
    pairs = {o: n for o, n in _pair_counts(final, organization).items() if types.get(o) == "Technology"}
    expected = sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
    rows = run_named_query(store, "technologies-per-organization", {"organization": organization}).rows
    assert [(str(t), int(n)) for t, _label, n, _s in rows] == expected


@pytest.mark.parametrize("category", CATEGORIES[:3])
def test_top_entities_per_category_is_the_exact_top_25(churned, category):
    store, final = churned
    counts = Counter(i for e in final.values() if category in e.article.categories for i in _entities(e))
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
    rows = run_named_query(store, "top-entities-per-category", {"category": category}).dicts()
    assert [(str(r["entity"]), int(r["articles"])) for r in rows] == expected


@pytest.mark.parametrize("type_name", ["Organization", "Technology"])
def test_entities_by_type_is_the_exact_top_100(churned, type_name):
    store, final = churned
    types = _types(final)
    counts = Counter(i for e in final.values() for i in _entities(e) if types[i] == type_name)
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:100]
    rows = run_named_query(store, "entities-by-type", {"type": type_name}).dicts()
    assert [(str(r["entity"]), int(r["articles"])) for r in rows] == expected


def test_entity_timeline_counts_dated_articles_per_month(churned):
    store, final = churned
    entity = _popular(final)
    expected = Counter(e.article.date.isoformat()[:7] for e in final.values()
                       if entity in _entities(e) and e.article.date)
    rows = run_named_query(store, "entity-timeline", {"entity": entity}).rows
    assert [(str(m), int(n)) for m, n in rows] == sorted(expected.items())


def test_articles_without_entities(churned):
    store, final = churned
    expected = sorted(e.article.id for e in final.values() if not e.mentions)
    rows = run_named_query(store, "articles-without-entities", {}).dicts()
    assert expected and [str(r["id"]) for r in rows] == expected


def test_a_new_date_in_the_same_month_moves_the_article_among_the_newest():
    store = OxigraphStore()
    extractions = {e.article.id: e for e in generate_extractions(150, n_entities=30, seed=6)}
    for extraction in extractions.values():
        store_extraction(store, extraction)
    entity = _popular(extractions)
    oldest = min((e for e in extractions.values() if entity in _entities(e)), key=lambda e: e.article.date)
    newest = max(e.article.date for e in extractions.values())
    moved = dataclasses.replace(oldest, article=dataclasses.replace(oldest.article, date=newest))
    store_extraction(store, moved)
    extractions[moved.article.id] = moved
    assert stored_derived(store) == set(derived_quads(extractions.values()))
    rows = run_named_query(store, "articles-mentioning", {"entity": entity}).dicts()
    assert moved.article.id in {str(r["id"]) for r in rows}


# --------------------------------------------------------------------------- several articles in one update

def _quads(store) -> list[bytes]:
    return sorted(store.dump_nquads().splitlines())


def _levels(triples) -> set[tuple]:
    return {t for t in triples if t[1] == TG.member}


@pytest.mark.parametrize("backend, n", [(OxigraphStore, 160), (RdflibStore, 60)])
def test_one_update_of_many_articles_equals_one_update_each(backend, n):
    """Batches of new and re-ingested articles (other entities, dates, categories), each written with one
    combined update, leave the same store, quad for quad, as the articles written one by one."""
    one_by_one, batched = backend(), backend()
    final = {}
    first = list(_variants(n, seed=1, n_entities=40))
    changed = list(_variants(n // 3, seed=2, n_entities=40)) + list(_variants(n + 40, seed=1, n_entities=40))[n:]
    for extraction in first:
        store_extraction(one_by_one, extraction)
        final[extraction.article.id] = extraction
    for start, end in ((0, 1), (1, 8), (8, 40), (40, n)):
        store_extractions(batched, first[start:end])
    assert _quads(one_by_one) == _quads(batched)
    levels_before = _levels(stored_derived(batched))
    for extraction in changed:
        store_extraction(one_by_one, extraction)
        final[extraction.article.id] = extraction
    for start in range(0, len(changed), 25):  # re-ingested and new articles in the same batches
        store_extractions(batched, changed[start:start + 25])
    assert _levels(stored_derived(batched)) - levels_before  # counts crossed into other levels
    assert _quads(one_by_one) == _quads(batched)
    assert stored_derived(batched) == set(derived_quads(final.values()))
    assert count_mismatches(batched) == []


def test_one_article_twice_in_one_update_is_refused():
    extraction = next(generate_extractions(1, seed=3))
    with pytest.raises(ValueError, match="changes twice"):
        articles_update(OxigraphStore(), [extraction, extraction])

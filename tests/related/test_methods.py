"""Related-article methods, filters, explanations, stored triples and the refresh at ingest (issue 8)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.pipeline.ingest import ingest
from topicgraph.model import Article, Entity, EntityType, Extraction, Mention, Method
from topicgraph.namespaces import RELATED_GRAPH, TECH
from topicgraph.cli import _parse_since as parse_since
from topicgraph.related import (ABOUTNESS_WEIGHTS, METHODS, RelatedIndex, UnknownArticle,
                                store_suggestions, suggest_related)
from topicgraph.store import OxigraphStore, RdflibStore

BATTERY_STORAGE = str(TECH["battery-storage"])
ENERGY_STORAGE = str(TECH["energy-storage"])


def _extraction(aid: str, entities: list[str], about: tuple[str, ...] = (), terms: str = "", title: str | None = None,
                date: dt.date | None = dt.date(2024, 1, 1), language: str = "de") -> Extraction:
    article = Article(id=aid, title=title or f"Titel {aid}", body=terms or "text", date=date, language=language)
    mentions = [Mention(e, 0, 1, "ORG", e, 0.9, Method.GAZETTEER) for e in entities]
    ents = {e: Entity(e, EntityType.ORGANIZATION, e.rsplit("/", 1)[-1]) for e in entities}
    return Extraction(article, mentions, ents, {e: 1.0 for e in entities}, about, terms=terms)


E = "https://example.org/e/"


@pytest.fixture
def index() -> RelatedIndex:
    return RelatedIndex.from_extractions([
        _extraction("src", [E + "acme", E + "solar", E + "berlin"], about=(E + "acme",),
                    terms="solarpark acme baut speicher berlin"),
        _extraction("about-acme", [E + "acme"], about=(E + "acme",), terms="acme quartal zahlen"),
        _extraction("mentions-acme", [E + "acme"], terms="acme nebenbei erwähnt"),
        _extraction("solar-berlin", [E + "solar", E + "berlin"], terms="solarpark berlin eröffnet",
                    date=dt.date(2020, 1, 1)),
        _extraction("english", [E + "acme", E + "solar"], terms="acme solar english words", language="en"),
        _extraction("unrelated", [E + "other"], terms="fussball tor spiel"),
        _extraction("textonly", [], terms="solarpark speicher baut neuen solarpark"),
    ])


def test_aboutness_weights_are_the_ldbc_ones():
    assert ABOUTNESS_WEIGHTS == {(True, True): 2.0, (True, False): 1.5, (False, True): 1.0, (False, False): 0.5}


def test_entities_method_prefers_an_article_about_the_shared_entity(index):
    ranked = [s.article_id for s in index.suggest("src", k=10, method="entities")]
    assert ranked.index("about-acme") < ranked.index("mentions-acme")
    assert "src" not in ranked and "unrelated" not in ranked and "textonly" not in ranked


def test_entity_score_equals_ldbc_weight_times_idf(index):
    [top] = [s for s in index.suggest("src", k=10, method="entities") if s.article_id == "about-acme"]
    acme = index.entity_iris.index(E + "acme")
    assert top.score == pytest.approx(2.0 * index.idf[acme], rel=1e-3)
    assert [r.iri for r in top.reasons if r.iri] == [E + "acme"]


def test_every_method_returns_explained_suggestions_and_never_the_article_itself(index):
    for method in METHODS:
        suggestions = index.suggest("src", k=3, method=method)
        assert suggestions, method
        assert all(s.article_id != "src" and s.reasons for s in suggestions), method
        assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_text_method_finds_an_article_without_entities(index):
    assert "textonly" in [s.article_id for s in index.suggest("src", k=3, method="text")]
    assert "textonly" not in [s.article_id for s in index.suggest("src", k=10, method="entities")]


def test_since_and_same_language_filters(index):
    assert "solar-berlin" not in [s.article_id for s in index.suggest("src", since=dt.date(2021, 1, 1))]
    assert "solar-berlin" in [s.article_id for s in index.suggest("src")]
    assert "english" not in [s.article_id for s in index.suggest("src", same_language=True)]
    assert "english" in [s.article_id for s in index.suggest("src")]


def test_near_duplicates_are_excluded():
    body = "identischer text über acme und solarpark in berlin"
    index = RelatedIndex.from_extractions([
        _extraction("a", [E + "acme"], terms=body),
        _extraction("a-copy", [E + "acme"], terms=body, title="Andere Überschrift"),
        _extraction("same-title", [E + "acme"], terms="ganz andere wörter", title="Titel a"),
        _extraction("b", [E + "acme"], terms="acme solarpark"),
    ])
    assert [s.article_id for s in index.suggest("a", method="entities")] == ["b"]


def test_bulk_equals_one_at_a_time(index):
    for method in METHODS:
        bulk = index.suggest_all(k=4, method=method)
        for aid in bulk:
            assert [s.article_id for s in bulk[aid]] == [s.article_id for s in index.suggest(aid, k=4, method=method)]


def test_technologies_count_through_skos_broader():
    index = RelatedIndex.from_extractions([
        _extraction("narrow", [BATTERY_STORAGE]), _extraction("broad", [ENERGY_STORAGE]),
        _extraction("none", [E + "x"])])
    [suggestion] = index.suggest("narrow", method="entities")
    assert suggestion.article_id == "broad"
    assert [r.iri for r in suggestion.reasons] == [ENERGY_STORAGE]


def test_unknown_article_and_bad_method(index):
    with pytest.raises(UnknownArticle):
        index.suggest("nope")
    with pytest.raises(ValueError):
        index.suggest("src", method="magic")
    with pytest.raises(ValueError, match="--since"):
        parse_since("yesterday")


def _write_corpus(folder, articles: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for aid, body in articles.items():
        (folder / f"{aid}.md").write_text(f"---\ntitle: {aid}\ndate: 2024-05-01\nlang: de\n---\n\n{body}\n",
                                          encoding="utf-8")


CORPUS = {
    "redwood-1": "Redwood Materials und General Motors bauen Batteriespeicher. Redwood Materials recycelt Batterien.",
    "redwood-2": "Redwood Materials liefert Batteriespeicher an Rechenzentren. Redwood Materials wächst.",
    "hydro": "Norsk Hydro produziert grünes Aluminium in Norwegen mit Wasserkraft.",
}


@pytest.mark.parametrize("make_store", [lambda: OxigraphStore(None), RdflibStore], ids=["oxigraph", "rdflib"])
def test_ingest_stores_suggestions_and_refreshes_them(tmp_path, make_store):
    store = make_store()
    _write_corpus(tmp_path / "c", CORPUS)
    report = ingest([tmp_path / "c"], store, related_k=5)
    assert report.related > 0
    rows = store.query(f"SELECT ?s ?t ?score WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?n a tg:RelatedArticle ; "
                       "tg:source ?s ; tg:target ?t ; tg:score ?score . ?s tg:relatedTo ?t } }").rows
    pairs = {(str(s).rsplit("/", 1)[-1], str(t).rsplit("/", 1)[-1]) for s, t, _ in rows}
    assert ("redwood-1", "redwood-2") in pairs and ("redwood-2", "redwood-1") in pairs
    assert all(s != t for s, t in pairs)
    reasons = store.query(f"SELECT ?e WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?n tg:source <{rows[0][0]}> ; tg:reason ?e }} }}")
    assert reasons.rows
    # a new article about Redwood: it is suggested for the old ones, which were refreshed
    _write_corpus(tmp_path / "d", {"redwood-3": "Redwood Materials und General Motors: Batteriespeicher aus alten Batterien."})
    ingest([tmp_path / "d"], store, related_k=5)
    targets = {str(r[0]).rsplit("/", 1)[-1] for r in store.query(
        f"SELECT ?t WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?s tg:relatedTo ?t }} ?s tg:articleId 'redwood-1' }}").rows}
    assert "redwood-3" in targets
    # storing again replaces, never duplicates
    count = len(store.query(f"SELECT ?n WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?n a tg:RelatedArticle }} }}").rows)
    store_suggestions(store, {"redwood-1": suggest_related(store, "redwood-1", k=5)})
    assert len(store.query(f"SELECT ?n WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?n a tg:RelatedArticle }} }}").rows) == count


def test_cli_related_methods_and_options(tmp_path):
    _write_corpus(tmp_path / "c", CORPUS)
    runner = CliRunner()
    store = str(tmp_path / "store")
    assert runner.invoke(main, ["--store", store, "ingest", "--model", "none", str(tmp_path / "c")]).exit_code == 0
    for method in METHODS:
        result = runner.invoke(main, ["--store", store, "related", "redwood-1", "-k", "2", "--method", method])
        assert result.exit_code == 0, result.output
        assert "redwood-2" in result.output.splitlines()[0]
    result = runner.invoke(main, ["--store", store, "related", "redwood-1", "--format", "json", "--since", "2025-01-01"])
    assert result.exit_code == 0 and json.loads(result.output) == []
    result = runner.invoke(main, ["--store", store, "related", "redwood-1", "--since", "bad"])
    assert result.exit_code != 0 and "--since 'bad'" in result.output and "Traceback" not in result.output
    result = runner.invoke(main, ["--store", store, "related", "nope"])
    assert result.exit_code != 0 and "no article with id 'nope'" in result.output
    result = runner.invoke(main, ["--store", store, "query", "--name", "related-articles", "--param", "article=redwood-1"])
    assert result.exit_code == 0 and "redwood-2" in result.output

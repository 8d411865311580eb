"""schema.org JSON-LD of articles: round trip through rdflib, vocabulary check, CLI."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

from topicgraph.namespaces import article_iri
from topicgraph.publish.jsonld import article_document, article_jsonld, to_graph, topic_page_jsonld

SDO = Namespace("https://schema.org/")
BASE = "https://topics.example.org"
GM_REDWOOD = "gm-redwood-speicherpartnerschaft"
TERMS = {line.strip() for line in (Path(__file__).parent / "schema_org_terms.txt").read_text().splitlines()
         if line.strip() and not line.startswith("#")}


def _stored(store, sparql: str) -> set[str]:
    return {str(row[0]) for row in store.query(sparql).rows}


def test_round_trip_gives_the_expected_triples(archive, publish_store) -> None:
    doc = article_document(archive, GM_REDWOOD, BASE)
    graph = to_graph(json.dumps(doc))
    a = article_iri(GM_REDWOOD)
    assert (a, RDF.type, SDO.NewsArticle) in graph
    assert (a, SDO.headline, Literal("GM und Redwood: Wie ein Autokonzern ins Speichergeschäft einsteigt")) in graph
    assert (a, SDO.datePublished, Literal("2025-07-17")) in graph
    assert (a, SDO.inLanguage, Literal("de")) in graph
    assert (a, SDO.url, URIRef("https://example.org/artikel/gm-redwood-speicherpartnerschaft")) in graph
    # about = the stored tg:about entities, mentions = every other linked entity; @id is the topic page URL
    about = _stored(publish_store, f"SELECT ?e WHERE {{ <{a}> tg:about ?e }}")
    mentioned = _stored(publish_store, f"SELECT ?e WHERE {{ <{a}> tg:mentions ?e }}")
    page = {iri: f"{BASE}/topics/{archive.entities[iri].slug}/" for iri in mentioned}
    assert {str(o) for o in graph.objects(a, SDO.about)} == {page[i] for i in about}
    assert {str(o) for o in graph.objects(a, SDO.mentions)} == {page[i] for i in mentioned - about}
    gm = URIRef(page["https://w3id.org/topicgraph/entity/general-motors"])
    assert (gm, RDF.type, SDO.Organization) in graph
    assert (gm, SDO.name, Literal("General Motors")) in graph
    assert (gm, SDO.sameAs, URIRef("http://www.wikidata.org/entity/Q81965")) in graph


def test_without_base_url_the_entity_iri_is_the_id(archive) -> None:
    graph = to_graph(article_document(archive, GM_REDWOOD))
    objects = {str(o) for o in graph.objects(article_iri(GM_REDWOOD), SDO.mentions)} | \
              {str(o) for o in graph.objects(article_iri(GM_REDWOOD), SDO.about)}
    assert "https://w3id.org/topicgraph/entity/general-motors" in objects


def _terms(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "@type":
                found.update([value] if isinstance(value, str) else value)
            elif not key.startswith("@"):
                found.add(key)
            _terms(value, found)
    elif isinstance(node, list):
        for item in node:
            _terms(item, found)
    return found


def test_every_type_and_property_exists_in_schema_org(archive) -> None:
    used: set[str] = set()
    for article in archive.articles.values():
        for kind in ("NewsArticle", "BlogPosting"):
            _terms(article_jsonld(archive, article, BASE, kind), used)
    for entity in archive.entities.values():
        _terms(topic_page_jsonld(archive, entity, BASE), used)
    assert used - TERMS == set()
    assert {"about", "mentions", "sameAs", "headline", "NewsArticle", "BlogPosting"} <= used


def test_cli_one_and_all(publish_store, tmp_path, monkeypatch) -> None:
    from topicgraph import cli

    monkeypatch.setattr(cli, "_store", lambda ctx: publish_store)
    runner = CliRunner()
    one = runner.invoke(cli.main, ["jsonld", GM_REDWOOD, "--base-url", BASE, "--type", "BlogPosting"])
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout)["@type"] == "BlogPosting"
    every = runner.invoke(cli.main, ["jsonld", "--all", "-o", str(tmp_path / "ld")])
    assert every.exit_code == 0, every.output
    files = sorted(p.name for p in (tmp_path / "ld").iterdir())
    assert len(files) == 18 and f"{GM_REDWOOD}.jsonld" in files
    missing = runner.invoke(cli.main, ["jsonld", "no-such-article"])
    assert missing.exit_code == 1 and missing.stderr.strip() == "Error: no article with id 'no-such-article' in the store"


def test_the_article_author_is_a_schema_org_person(tmp_path, extractor) -> None:
    from topicgraph.pipeline.ingest import ingest
    from topicgraph.publish.data import load_archive
    from topicgraph.publish.jsonld import article_jsonld
    from topicgraph.store import OxigraphStore

    post = tmp_path / "speicher.md"
    post.write_text("---\ntitle: Speicher im Netz\nauthor: [Anna Berger, Tom Lee]\n---\n"
                    "Redwood Materials baut Speicher aus alten Batterien.\n", encoding="utf-8")
    store = OxigraphStore(None)
    try:
        ingest([post], store, extractor=extractor)
        archive = load_archive(store)
        doc = article_jsonld(archive, archive.articles["speicher"])
    finally:
        store.close()
    assert doc["author"] == [{"@type": "Person", "name": "Anna Berger"}, {"@type": "Person", "name": "Tom Lee"}]
    assert "author" in TERMS and "Person" in TERMS

"""schema.org JSON-LD for articles (NewsArticle or BlogPosting) and for topic pages: ``about`` holds the
article's salient entities, ``mentions`` the rest, each with a stable ``@id`` (its topic page's URL
under ``base_url``, else its graph IRI), name, type and ``sameAs``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from rdflib import Graph

from ..explore import safe_url
from ..namespaces import article_iri
from .data import Archive, ArticleRecord, EntityInfo

#: schema.org type of each entity type of the ontology.
SCHEMA_TYPES = {"Organization": "Organization", "Person": "Person", "Place": "Place", "Technology": "Thing",
                "Entity": "Thing"}
#: schema.org types an article can be published as.
ARTICLE_TYPES = ("NewsArticle", "BlogPosting")
CONTEXT = "https://schema.org"
#: What ``"@context": "https://schema.org"`` means for the terms used here; for reading the JSON-LD
#: offline (rdflib would otherwise fetch the context from schema.org).
OFFLINE_CONTEXT = {"@vocab": "https://schema.org/"}


def topic_path(entity: EntityInfo) -> str:
    """Path of an entity's topic page inside the site (``topics/<slug>/``)."""
    return f"topics/{quote(entity.slug)}/"


def topic_url(entity: EntityInfo, base_url: str | None) -> str:
    """The topic page's URL under ``base_url``; without one the entity's graph IRI (also stable)."""
    return f"{base_url.rstrip('/')}/{topic_path(entity)}" if base_url else entity.iri


def entity_node(entity: EntityInfo, base_url: str | None, language: str = "de") -> dict[str, Any]:
    """An entity as a schema.org node: @id, @type, name, url (topic page), sameAs, alternateName, description."""
    node: dict[str, Any] = {"@id": topic_url(entity, base_url), "@type": SCHEMA_TYPES.get(entity.type, "Thing"),
                            "name": entity.label(language)}
    if base_url:
        node["url"] = {"@id": topic_url(entity, base_url)}
    same = [s for s in entity.same_as if safe_url(s)]
    if same:
        node["sameAs"] = [{"@id": s} for s in same]
    return node


def article_jsonld(archive: Archive, article: ArticleRecord, base_url: str | None = None,
                   article_type: str = "NewsArticle") -> dict[str, Any]:
    """The schema.org description of one article."""
    if article_type not in ARTICLE_TYPES:
        raise ValueError(f"article type {article_type!r}: expected one of {', '.join(ARTICLE_TYPES)}")
    lang = article.language or "de"
    doc: dict[str, Any] = {"@context": CONTEXT, "@type": article_type, "@id": str(article_iri(article.id)),
                           "identifier": article.id, "headline": article.title, "inLanguage": lang}
    if safe_url(article.url):
        doc["url"] = {"@id": article.url}
        doc["mainEntityOfPage"] = {"@id": article.url}
    if article.date:
        doc["datePublished"] = article.date.isoformat()
    if article.summary:
        doc["description"] = article.summary
    if article.categories:
        doc["articleSection"] = list(article.categories)
    if article.authors:
        doc["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    about = [entity_node(archive.entities[i], base_url, lang) for i in article.about if i in archive.entities]
    mentions = [entity_node(archive.entities[i], base_url, lang) for i in article.mentions if i in archive.entities]
    if about:
        doc["about"] = about
    if mentions:
        doc["mentions"] = mentions
    return doc


def topic_page_jsonld(archive: Archive, entity: EntityInfo, base_url: str | None = None,
                      language: str = "de") -> dict[str, Any]:
    """The schema.org description of a topic page: a CollectionPage whose mainEntity is the entity."""
    node = entity_node(entity, base_url, language)
    if entity.aliases:
        node["alternateName"] = list(entity.aliases)
    if entity.description(language):
        node["description"] = entity.description(language)
    doc: dict[str, Any] = {"@context": CONTEXT, "@type": "CollectionPage", "name": entity.label(language),
                           "inLanguage": language, "mainEntity": node, "about": {"@id": node["@id"]}}
    if base_url:
        doc["@id"] = f"{topic_url(entity, base_url)}#page"
    return doc


def script_json(data: object) -> str:
    """JSON safe inside an HTML <script> element (no '</script>', no comment openers)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def to_graph(doc: dict[str, Any] | str) -> Graph:
    """The RDF of a JSON-LD document produced here, read offline (the schema.org context given locally)."""
    data = json.loads(doc) if isinstance(doc, str) else dict(doc)
    if data.get("@context") == CONTEXT:
        data["@context"] = OFFLINE_CONTEXT
    return Graph().parse(data=json.dumps(data), format="json-ld")



def article_document(archive: Archive, article_id: str, base_url: str | None = None,
                     article_type: str = "NewsArticle") -> dict[str, Any]:
    """JSON-LD of the article ``article_id`` (ValueError naming it if it is not in the store)."""
    article = archive.articles.get(article_id)
    if article is None:
        raise ValueError(f"no article with id {article_id!r} in the store")
    return article_jsonld(archive, article, base_url, article_type)


def write_all_jsonld(archive: Archive, directory: Path, base_url: str | None = None,
                     article_type: str = "NewsArticle") -> int:
    """One ``<id>.jsonld`` file per article in ``directory`` (ids made file-name safe); returns the count."""
    directory.mkdir(parents=True, exist_ok=True)
    for article in archive.articles.values():
        name = quote(article.id, safe="-_.~") or "_"
        (directory / f"{name}.jsonld").write_text(
            json.dumps(article_jsonld(archive, article, base_url, article_type), ensure_ascii=False, indent=2),
            encoding="utf-8")
    return len(archive.articles)

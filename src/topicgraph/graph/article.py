"""The graph stage: an Extraction becomes RDF triples in the article's own named graph."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD

from ..model import Entity, Extraction
from ..namespaces import TG, article_graph_iri, article_iri, candidate_iri, mention_iri, relation_iri

Triple = tuple[URIRef, URIRef, URIRef | Literal]


def _decimal(value: float) -> Literal:
    return Literal(f"{value:.4f}", datatype=XSD.decimal)


def entity_triples(entity: Entity) -> Iterator[Triple]:
    """Type and labels of an entity that is not in the knowledge base."""
    iri = URIRef(entity.iri)
    yield iri, RDF.type, TG[entity.type.value]
    yield iri, SKOS.prefLabel, Literal(entity.label)
    yield iri, RDFS.label, Literal(entity.label)
    for alt in entity.alt_labels:
        yield iri, SKOS.altLabel, Literal(alt)
    for same in entity.same_as:
        yield iri, OWL.sameAs, URIRef(same)


def article_triples(extraction: Extraction) -> Iterator[Triple]:
    """Every triple describing one article, its mentions and its new entities."""
    article = extraction.article
    a = article_iri(article.id)
    yield a, RDF.type, TG.Article
    yield a, TG.articleId, Literal(article.id)
    yield a, DCTERMS.title, Literal(article.title, lang=article.language or None)
    if article.date:
        yield a, DCTERMS.date, Literal(article.date.isoformat(), datatype=XSD.date)
    yield a, DCTERMS.language, Literal(article.language)
    for author in article.authors:
        yield a, DCTERMS.creator, Literal(author)
    for category in article.categories:
        yield a, TG.category, Literal(category)
    for tag in article.tags:
        yield a, TG.tag, Literal(tag)
    if article.summary:
        yield a, DCTERMS.abstract, Literal(article.summary, lang=article.language or None)
    if article.url:
        yield a, SDO.url, Literal(article.url, datatype=XSD.anyURI)
    yield a, TG.contentHash, Literal(article.content_hash)
    yield a, TG.sourcePath, Literal(article.source_path)
    yield a, TG.wordCount, Literal(article.word_count, datatype=XSD.integer)
    if extraction.terms:
        yield a, TG.terms, Literal(extraction.terms)

    linked = {m.entity_iri for m in extraction.mentions}
    for iri in sorted(linked):
        yield a, TG.mentions, URIRef(iri)
    for iri in extraction.about:
        yield a, TG.about, URIRef(iri)
    for iri in extraction.topics:
        yield a, TG.topic, URIRef(iri)
    for m in extraction.mentions:
        node = mention_iri(article.id, m.start, m.end)
        yield a, TG.hasMention, node
        yield node, RDF.type, TG.Mention
        yield node, TG.inArticle, a
        yield node, TG.refersTo, URIRef(m.entity_iri)
        yield node, TG.surfaceForm, Literal(m.text)
        yield node, TG.startOffset, Literal(m.start, datatype=XSD.integer)
        yield node, TG.endOffset, Literal(m.end, datatype=XSD.integer)
        yield node, TG.nerLabel, Literal(m.label)
        yield node, TG.confidence, _decimal(m.confidence)
        yield node, TG.method, Literal(m.method.value)
        yield node, TG.sentenceIndex, Literal(m.sentence, datatype=XSD.integer)
    for c in extraction.candidates:
        node = candidate_iri(article.id, c.start, c.end)
        yield a, TG.hasCandidate, node
        yield node, RDF.type, TG.NameCandidate
        yield node, RDFS.label, Literal(c.text)
        yield node, TG.nerLabel, Literal(c.label)
        yield node, TG.doubt, Literal(c.reason)
        yield node, TG.startOffset, Literal(c.start, datatype=XSD.integer)
        yield node, TG.endOffset, Literal(c.end, datatype=XSD.integer)
        yield node, TG.sentenceIndex, Literal(c.sentence, datatype=XSD.integer)
    for iri in sorted(linked):
        entity = extraction.entities.get(iri)
        if entity is not None and not entity.in_kb:
            yield from entity_triples(entity)
            yield URIRef(iri), TG.discoveredBy, Literal("model")


def relation_triples(extraction: Extraction) -> Iterator[Triple]:
    """Typed relations stated in the article: the triple itself and a reified statement with the
    sentence as evidence (plain RDF reification, no RDF-star)."""
    article = extraction.article
    a = article_iri(article.id)
    for r in extraction.relations:
        s, p, o = URIRef(r.subject), TG[r.predicate], URIRef(r.object)
        yield s, p, o
        node = relation_iri(article.id, r.predicate, r.subject, r.object, r.sentence)
        yield a, TG.relation, node
        yield node, RDF.type, TG.RelationStatement
        yield node, RDF.subject, s
        yield node, RDF.predicate, p
        yield node, RDF.object, o
        yield node, TG.evidence, Literal(r.evidence, lang=article.language or None)
        yield node, TG.pattern, Literal(r.pattern)
        yield node, TG.sentenceIndex, Literal(r.sentence, datatype=XSD.integer)
        yield node, PROV.wasDerivedFrom, a


def article_graph(extraction: Extraction) -> tuple[URIRef, list[Triple]]:
    """The named graph IRI of the article and its triples."""
    return article_graph_iri(extraction.article.id), [*article_triples(extraction), *relation_triples(extraction)]

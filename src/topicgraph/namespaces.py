"""RDF namespaces of topicgraph and the only place where IRIs are minted."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/topicgraph/"


class TG(DefinedNamespace):
    """The topicgraph ontology (``ontology/topicgraph.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    Article: URIRef
    Entity: URIRef
    Organization: URIRef
    Person: URIRef
    Place: URIRef
    Technology: URIRef
    Mention: URIRef
    RelatedArticle: URIRef
    CandidateTerm: URIRef
    # article metadata
    articleId: URIRef
    category: URIRef
    tag: URIRef
    contentHash: URIRef
    sourcePath: URIRef
    wordCount: URIRef
    terms: URIRef
    # article -> entity
    mentions: URIRef
    about: URIRef
    # mentions
    hasMention: URIRef
    inArticle: URIRef
    refersTo: URIRef
    surfaceForm: URIRef
    startOffset: URIRef
    endOffset: URIRef
    nerLabel: URIRef
    confidence: URIRef
    method: URIRef
    sentenceIndex: URIRef
    # entity-level
    coMentionedWith: URIRef
    relatedTo: URIRef
    score: URIRef
    source: URIRef
    target: URIRef
    reason: URIRef
    discoveredBy: URIRef
    # typed relations between entities
    partnerOf: URIRef
    ledBy: URIRef
    subsidiaryOf: URIRef
    supplies: URIRef


ENT = Namespace(BASE + "entity/")
TECH = Namespace(BASE + "concept/")
ART = Namespace(BASE + "article/")
GRAPH = Namespace(BASE + "graph/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Named graph that holds the ontology and the seed knowledge base.
KB_GRAPH = GRAPH["kb"]
#: Derived named graph that holds the stored related-article suggestions.
RELATED_GRAPH = GRAPH["related"]

PREFIXES: dict[str, Namespace | str] = {
    "tg": TG._NS,
    "ent": ENT,
    "tech": TECH,
    "art": ART,
    "tgg": GRAPH,
    "wd": WD,
    "schema": SDO,
    "skos": SKOS,
    "dcterms": DCTERMS,
    "prov": PROV,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}


def sparql_prefixes() -> str:
    """PREFIX declarations for every namespace above, for query text."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def slugify(name: str) -> str:
    """Lower-case ASCII slug of a name: ``"Norsk Hydro ASA"`` -> ``"norsk-hydro-asa"``."""
    text = name.replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "x"


def _segment(value: str) -> str:
    return quote(value, safe="-_.~")


def article_iri(article_id: str) -> URIRef:
    """IRI of an article."""
    return ART[_segment(article_id)]


def article_graph_iri(article_id: str) -> URIRef:
    """IRI of the named graph that holds one article's triples."""
    return GRAPH["article/" + _segment(article_id)]


def mention_iri(article_id: str, start: int, end: int) -> URIRef:
    """IRI of one mention: its article plus its character offsets."""
    return URIRef(f"{article_iri(article_id)}#m{start}-{end}")


def entity_iri(name: str) -> URIRef:
    """IRI minted for an entity that is not in the knowledge base."""
    return ENT[slugify(name)]


def concept_iri(name: str) -> URIRef:
    """IRI minted for a technology concept."""
    return TECH[slugify(name)]


def article_id_from_iri(iri: str) -> str:
    """Inverse of :func:`article_iri`."""
    from urllib.parse import unquote

    return unquote(str(iri)[len(str(ART)):])


def related_iri(source_id: str, target_id: str) -> URIRef:
    """IRI of the stored suggestion ``source_id`` -> ``target_id`` (a tg:RelatedArticle node)."""
    return URIRef(f"{article_iri(source_id)}#related-{_segment(target_id)}")

"""RDF namespaces of topicgraph and the only place where IRIs are minted."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

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
    Topic: URIRef
    Vocabulary: URIRef
    Mention: URIRef
    RelatedArticle: URIRef
    CandidateTerm: URIRef
    NameCandidate: URIRef
    CurationChange: URIRef
    RelationStatement: URIRef
    CoMention: URIRef
    EntityMonth: URIRef
    EntityCategory: URIRef
    CountLevel: URIRef
    ArticleWithoutEntities: URIRef
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
    topic: URIRef
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
    hasCandidate: URIRef
    doubt: URIRef
    # entity-level
    coMentionedWith: URIRef
    relatedTo: URIRef
    score: URIRef
    source: URIRef
    target: URIRef
    reason: URIRef
    discoveredBy: URIRef
    # derived statistics (derived.py)
    entity: URIRef
    month: URIRef
    articleCount: URIRef
    sentenceCount: URIRef
    monthOf: URIRef
    articleKey: URIRef
    latestOf: URIRef
    topOf: URIRef
    topOfType: URIRef
    level: URIRef
    member: URIRef
    memberCount: URIRef
    levelEntity: URIRef
    coType: URIRef
    levelType: URIRef
    levelCategory: URIRef
    # typed relations between entities
    partnerOf: URIRef
    ledBy: URIRef
    subsidiaryOf: URIRef
    supplies: URIRef
    # editorial curation (PROV activities) and relation evidence
    curationAction: URIRef
    rationale: URIRef
    evidence: URIRef
    relation: URIRef
    pattern: URIRef
    # entity resolution (resolve/): merges with their rule and evidence
    ResolutionMerge: URIRef
    resolutionRule: URIRef
    mergedInto: URIRef
    mergedLabel: URIRef
    mergedType: URIRef
    movedMention: URIRef
    undoneBy: URIRef
    # vocabularies (vocab/)
    vocabularyName: URIRef
    vocabularyKind: URIRef
    conceptCount: URIRef
    labelCount: URIRef
    # writer lease of a shared store (store/lease.py)
    WriterClaim: URIRef
    claimHolder: URIRef
    claimExpires: URIRef


ENT = Namespace(BASE + "entity/")
TECH = Namespace(BASE + "concept/")
ART = Namespace(BASE + "article/")
GRAPH = Namespace(BASE + "graph/")
WD = Namespace("http://www.wikidata.org/entity/")

#: Named graph that holds the ontology and the seed knowledge base.
KB_GRAPH = GRAPH["kb"]
#: Named graph that holds the PROV record of editorial curation.
CURATION_GRAPH = GRAPH["curation"]
CURATION = Namespace(BASE + "curation/")
#: Named graph of statistics derived from the article graphs (derived.py), kept up to date by ingest.
DERIVED_GRAPH = GRAPH["derived"]
STAT = Namespace(BASE + "stat/")
#: Named graph that holds the record of entity-resolution merges (resolve/) and the merged IRIs' owl:sameAs.
RESOLUTION_GRAPH = GRAPH["resolution"]
RESOLUTION = Namespace(BASE + "resolution/")
#: Named graphs of the vocabularies (``vocab_graph_iri``): one per vocabulary, with its provenance.
VOCAB_GRAPHS = Namespace(BASE + "graph/vocab/")
#: Derived named graph that holds the stored related-article suggestions.
RELATED_GRAPH = GRAPH["related"]
#: Named graph of the writers' claims on a shared store (store/lease.py); empty when nobody writes.
LEASE_GRAPH = GRAPH["lease"]
LEASE = Namespace(BASE + "lease/")

PREFIXES: dict[str, Namespace | str] = {
    "tg": TG._NS,
    "ent": ENT,
    "tech": TECH,
    "art": ART,
    "tgg": GRAPH,
    "stat": STAT,
    "wd": WD,
    "tgc": CURATION,
    "tgr": RESOLUTION,
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


def candidate_iri(article_id: str, start: int, end: int) -> URIRef:
    """IRI of one name candidate: its article plus its character offsets."""
    return URIRef(f"{article_iri(article_id)}#c{start}-{end}")


def entity_iri(name: str) -> URIRef:
    """IRI minted for an entity that is not in the knowledge base."""
    return ENT[slugify(name)]


def vocab_graph_iri(name: str) -> URIRef:
    """IRI of the named graph that holds one vocabulary (and describes it: file, hash, time, who)."""
    return VOCAB_GRAPHS[_segment(name)]


def concept_iri(name: str) -> URIRef:
    """IRI minted for a technology concept."""
    return TECH[slugify(name)]


def _key_digest(*parts: str) -> str:
    import hashlib

    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def comention_iri(entity: str, other: str) -> URIRef:
    """Node counting the articles/sentences in which ``entity`` and ``other`` are both mentioned (derived.py
    makes one per unordered pair: ``entity`` < ``other``)."""
    return STAT["co/" + _key_digest(str(entity), str(other))]


def entity_month_iri(entity: str, month: str) -> URIRef:
    """Node counting the articles of one month (``YYYY-MM``) that mention ``entity``."""
    return STAT["month/" + _key_digest(str(entity), month)]


def entity_category_iri(entity: str, category: str) -> URIRef:
    """Node counting the articles of one category that mention ``entity``."""
    return STAT["category/" + _key_digest(str(entity), category)]


def count_level_iri(*parts: str) -> URIRef:
    """Node grouping the count nodes whose count lies in one power-of-two range (``parts``: kind, keys, level)."""
    return STAT["level/" + _key_digest(*(str(p) for p in parts))]


def curation_change_iri(number: int, when: str) -> URIRef:
    """IRI of one editorial change (its position in the curation file and its time)."""
    return CURATION[f"change/{number}-{_segment(slugify(when))}"]


def agent_iri(name: str) -> URIRef:
    """IRI of an editor (a prov:Agent) by name."""
    return CURATION[f"agent/{slugify(name)}"]


def relation_iri(article_id: str, predicate: str, subject: str, obj: str, sentence: int) -> URIRef:
    """IRI of one stated relation (its evidence node) in an article."""
    local = "-".join(slugify(str(x).rsplit("/", 1)[-1].rsplit("#", 1)[-1]) for x in (predicate, subject, obj))
    return URIRef(f"{article_iri(article_id)}#r{sentence}-{local}")


def related_iri(source_id: str, target_id: str) -> URIRef:
    """IRI of the stored suggestion ``source_id`` -> ``target_id`` (a tg:RelatedArticle node)."""
    return URIRef(f"{article_iri(source_id)}#related-{_segment(target_id)}")


def resolution_merge_iri(merged: str, into: str) -> URIRef:
    """IRI of the record of one resolution merge (the merged entity into the one kept)."""
    return RESOLUTION["merge/" + _key_digest(str(merged), str(into))]


def curie_iri(value: str) -> URIRef | None:
    """``ent:tesla`` -> full IRI; an http(s) IRI as it is; anything else None (ValueError for a broken IRI)."""
    if value.startswith(("http://", "https://", "urn:")):
        if re.search(r"[\s<>\"{}|\\^`]", value):
            raise ValueError(f"not a valid IRI: {value!r}")
        return URIRef(value)
    prefix, sep, local = value.partition(":")
    if sep and prefix in PREFIXES and re.fullmatch(r"[\w\-.~%]*", local):
        return URIRef(str(PREFIXES[prefix]) + local)
    return None


def article_id_from_iri(iri: str) -> str:
    """Inverse of :func:`article_iri`."""
    return unquote(str(iri)[len(str(ART)):])


def lease_claim_iri(token: str) -> URIRef:
    """The node of one writer's claim on a shared store (store/lease.py)."""
    return LEASE[_segment(token)]

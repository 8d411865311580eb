from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF

from topicgraph.graph.article import article_graph
from topicgraph.model import Article
from topicgraph.namespaces import ENT, TG, article_graph_iri, article_iri


def test_article_graph_holds_metadata_mentions_and_aboutness(extractor):
    article = Article(id="x 1", title="Tesla in Nevada", body="Tesla baut in Nevada. Tesla wächst.", language="de",
                      categories=("Energie",))
    graph_iri, triples = article_graph(extractor.extract(article))
    assert graph_iri == article_graph_iri("x 1")
    a = article_iri("x 1")
    assert (a, RDF.type, TG.Article) in triples
    assert (a, DCTERMS.title, Literal("Tesla in Nevada", lang="de")) in triples
    assert (a, TG.category, Literal("Energie")) in triples
    assert (a, TG.mentions, ENT["tesla"]) in triples and (a, TG.mentions, ENT["nevada"]) in triples
    assert (a, TG.about, ENT["tesla"]) in triples
    mentions = [s for s, p, o in triples if p == RDF.type and o == TG.Mention]
    assert len(mentions) == 3
    offsets = {(s, p): o for s, p, o in triples if p in (TG.startOffset, TG.endOffset)}
    for m in mentions:
        start, end = int(offsets[(m, TG.startOffset)]), int(offsets[(m, TG.endOffset)])
        surface = next(o for s, p, o in triples if s == m and p == TG.surfaceForm)
        assert article.body[start:end] == str(surface)
    assert all(isinstance(s, URIRef) for s, _, _ in triples)


def test_name_candidates_are_typed_nodes_with_offsets_and_doubt():
    from rdflib.namespace import RDFS

    from topicgraph.model import Extraction, NameCandidate
    from topicgraph.namespaces import candidate_iri

    article = Article(id="c", title="Werk", body="Das Werk in Hoboken recycelt Zellen.", language="de")
    candidate = NameCandidate("Hoboken", 12, 19, "LOC", "unknown one-word name, mentioned once")
    _, triples = article_graph(Extraction(article, candidates=[candidate]))
    node = candidate_iri("c", 12, 19)
    assert (article_iri("c"), TG.hasCandidate, node) in triples
    assert (node, RDF.type, TG.NameCandidate) in triples
    assert (node, RDFS.label, Literal("Hoboken")) in triples
    assert (node, TG.doubt, Literal(candidate.reason)) in triples
    assert not any(p == TG.mentions for _, p, _ in triples)

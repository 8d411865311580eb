"""Issue 3: editorial curation file, applied at ingest and to the whole store, with PROV."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.knowledge.curation import Change, CurationError, add_change, curated_kb, read_changes
from topicgraph.namespaces import ENT, TECH
from topicgraph.store import open_store

ARTICLE_1 = """---
title: Speicher in der Wüste
date: 2025-03-01
---
Die Firma Wüstenstrom betreibt einen Speicher. Auch Northvolt liefert Zellen dafür.
Ein Quartierspeicher im Netz puffert Wind.
"""
ARTICLE_2 = """---
title: Quartiere
date: 2025-03-02
---
Ein Quartierspeicher versorgt Häuser. Tesla baut auch Quartierspeicher.
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.md").write_text(ARTICLE_1, encoding="utf-8")
    (folder / "two.md").write_text(ARTICLE_2, encoding="utf-8")
    return folder


def run(store: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def mentioned(store_path: Path, article: str) -> set[str]:
    store = open_store(store_path)
    try:
        rows = store.query(f"SELECT ?e WHERE {{ art:{article} tg:mentions ?e }}").rows
        return {str(r[0]) for r in rows}
    finally:
        store.close()


def test_alias_accept_merge_reject_via_cli_and_apply(tmp_path, corpus):
    store = tmp_path / "store"
    run(store, "ingest", "--model", "none", str(corpus))
    assert str(ENT.northvolt) in mentioned(store, "one")

    # alias: "Wüstenstrom" becomes a name of Redwood Energy (an editor's decision for the test)
    run(store, "curate", "alias", "ent:redwood-energy", "Wüstenstrom", "--by", "Ada", "--why", "old brand name")
    # accept a candidate technology under battery storage
    run(store, "curate", "accept", "Quartierspeicher", "--broader", "tech:battery-storage", "--en", "community storage",
        "--by", "Ada", "--why", "recurring topic")
    # reject: Tesla is a false hit in these articles
    run(store, "curate", "reject", "ent:tesla", "--by", "Ben", "--why", "test rejection")
    # merge Northvolt into Stegra
    run(store, "curate", "merge", "ent:northvolt", "ent:stegra", "--by", "Ben", "--why", "test merge")

    changes = read_changes(store / "curation.toml")
    assert [c.action for c in changes] == ["alias", "accept", "reject", "merge"]
    assert all(c.by and c.why and c.when.endswith("Z") for c in changes)
    tomllib.loads((store / "curation.toml").read_text(encoding="utf-8"))  # valid TOML

    out = run(store, "curate", "apply", "--model", "none")
    assert "4 change(s) applied; 2 article(s) re-extracted" in out
    one, two = mentioned(store, "one"), mentioned(store, "two")
    quartier = str(TECH["quartierspeicher"])
    assert str(ENT["redwood-energy"]) in one
    assert quartier in one and quartier in two
    assert str(ENT.tesla) not in two
    assert str(ENT.northvolt) not in one and str(ENT.stegra) in one

    store_ = open_store(store)
    try:
        prov = store_.query(
            "SELECT ?action ?who ?why WHERE { GRAPH tgg:curation { ?c a tg:CurationChange ; tg:curationAction ?action ;"
            " prov:wasAssociatedWith/rdfs:label ?who ; tg:rationale ?why ; prov:endedAtTime ?t } }").rows
        broader = store_.query(f"ASK {{ <{quartier}> skos:broader tech:battery-storage }}").boolean
    finally:
        store_.close()
    assert {(str(a), str(w)) for a, w, _ in prov} == {("alias", "Ada"), ("accept", "Ada"), ("reject", "Ben"), ("merge", "Ben")}
    assert broader

    # applied at every ingest too: a new article sees the curated KB
    (corpus / "three.md").write_text("---\ntitle: Drei\n---\nWüstenstrom und Northvolt bauen.\n", encoding="utf-8")
    run(store, "ingest", "--model", "none", str(corpus))
    assert {str(ENT["redwood-energy"]), str(ENT.stegra)} <= mentioned(store, "three")


def test_rename_and_pin_type_change_the_kb():
    from topicgraph.knowledge.kb import default_kb

    graph_kb = default_kb()
    changes = [
        Change("rename", str(ENT.iea), "Ada", "full name", "2025-01-01T00:00:00Z", label="Internationale Energieagentur"),
        Change("pin-type", str(ENT.fraunhofer), "Ada", "test", "2025-01-01T00:00:00Z", type="Place"),
    ]
    from topicgraph.knowledge.curation import apply_changes
    from topicgraph.knowledge.kb import KnowledgeBase

    graph, redirects, rejected, prov = apply_changes(graph_kb.graph, changes)
    kb = KnowledgeBase.from_graph(graph, redirects, rejected, prov)
    assert kb.get(str(ENT.iea)).label == "Internationale Energieagentur"
    assert kb.get(str(ENT.fraunhofer)).type.value == "Place"
    assert len(prov) > 0


def test_curation_file_errors_are_one_line(tmp_path):
    path = tmp_path / "curation.toml"
    path.write_text('[[change]]\naction = "explode"\nentity = "https://x/y"\nby = "a"\nwhy = "b"\nwhen = "t"\n')
    with pytest.raises(CurationError, match="unknown curation action 'explode'"):
        read_changes(path)
    path.write_text("[[change]\n")
    with pytest.raises(CurationError, match="not valid TOML"):
        read_changes(path)
    with pytest.raises(CurationError, match="'by' and 'why' are required"):
        add_change(tmp_path / "c2.toml", Change("reject", str(ENT.tesla), "", "", "2025-01-01T00:00:00Z"))


def test_no_curation_file_means_the_shipped_kb(tmp_path):
    from topicgraph.knowledge.kb import default_kb

    assert curated_kb(tmp_path) is default_kb()


def test_cli_curate_without_by_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "curate", "reject", "ent:tesla", "--why", "x"])
    assert result.exit_code != 0 and "--by" in result.output


def test_name_candidate_is_shown_and_accepted_as_an_entity(tmp_path):
    """A one-word name the NER finds once stays a candidate; an editor accepts it as a Place. (An invented
    place: a city GeoNames knows, such as Hoboken, is trusted as a name, see nlp/places.py.)"""
    import spacy

    model = tmp_path / "ruler-model"
    nlp = spacy.blank("de")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "LOC", "pattern": "Brakelund"}])
    nlp.to_disk(model)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "werk.md").write_text("---\ntitle: Werk\ndate: 2025-04-01\n---\nDas Werk in Brakelund recycelt Zellen.\n",
                                    encoding="utf-8")
    store = tmp_path / "store"
    run(store, "ingest", "--model", str(model), str(folder))
    shown = run(store, "article", "werk")
    assert "name candidates" in shown and "Brakelund" in shown and "unknown one-word name" in shown
    assert str(ENT.brakelund) not in mentioned(store, "werk")

    run(store, "curate", "accept", "Brakelund", "--type", "Place", "--by", "Ada", "--why", "a new site")
    (change,) = read_changes(store / "curation.toml")
    assert (change.entity, change.type) == (str(ENT.brakelund), "Place")
    run(store, "curate", "apply", "--model", str(model))
    assert str(ENT.brakelund) in mentioned(store, "werk")
    assert "name candidates" not in run(store, "article", "werk")


def test_apply_rewrites_articles_whose_sources_are_gone_with_exact_statistics(tmp_path, corpus):
    """Articles that cannot be extracted again are rewritten in the store: their graphs and the derived
    statistics end as a fresh ingest with the same curation would leave them."""
    import shutil

    from topicgraph.store.derived import stored_derived

    rewritten_store, fresh_store = tmp_path / "rewritten", tmp_path / "fresh"
    (corpus / "three.md").write_text("---\ntitle: Drei\ndate: 2025-03-03\n---\nNorthvolt und Stegra bauen mit Tesla "
                                     "in Schweden Batterien. Northvolt liefert Zellen.\n", encoding="utf-8")
    run(rewritten_store, "ingest", "--model", "none", str(corpus))
    assert str(ENT.tesla) in mentioned(rewritten_store, "two")
    run(rewritten_store, "curate", "merge", "ent:northvolt", "ent:stegra", "--by", "Ben", "--why", "test merge")
    run(rewritten_store, "curate", "reject", "ent:tesla", "--by", "Ben", "--why", "test rejection")
    gone = tmp_path / "gone"
    shutil.move(corpus, gone)
    out = run(rewritten_store, "curate", "apply", "--model", "none")
    assert "0 article(s) re-extracted, 3 rewritten in place" in out
    shutil.move(gone, corpus)

    one, two, three = (mentioned(rewritten_store, a) for a in ("one", "two", "three"))
    assert str(ENT.northvolt) not in one | three and str(ENT.stegra) in one & three
    assert str(ENT.tesla) not in two | three

    fresh_store.mkdir()
    shutil.copy(rewritten_store / "curation.toml", fresh_store / "curation.toml")
    run(fresh_store, "ingest", "--model", "none", str(corpus))
    stores = [open_store(rewritten_store), open_store(fresh_store)]
    try:
        derived = [stored_derived(s) for s in stores]
        co_mentioned = stores[0].query(
            "SELECT ?pair WHERE { GRAPH tgg:derived { ?pair a tg:CoMention ; tg:entity ent:stegra } }").rows
    finally:
        for s in stores:
            s.close()
    assert derived[0] == derived[1]
    assert len(co_mentioned) == len({r[0] for r in co_mentioned}) >= 1


def test_curated_triples_merge_follows_relations_and_reject_drops_mentions():
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDF, SKOS

    from topicgraph.knowledge.curation import curated_triples
    from topicgraph.namespaces import TG

    old, kept, rejected, other = ENT.northvolt, ENT.stegra, ENT.tesla, ENT["redwood-energy"]
    article, m1, m2 = URIRef("urn:a"), URIRef("urn:a#m1"), URIRef("urn:a#m2")
    triples = [
        (old, RDF.type, TG.Organization), (old, SKOS.prefLabel, Literal("Northvolt")),  # its description goes
        (old, TG.partnerOf, other), (other, TG.partnerOf, old),  # its relations follow it
        (article, TG.mentions, old), (article, TG.hasMention, m1), (m1, TG.refersTo, old),
        (article, TG.mentions, rejected), (article, TG.hasMention, m2), (m2, TG.refersTo, rejected),
        (m2, TG.surfaceForm, Literal("Tesla")), (rejected, TG.partnerOf, other),
    ]
    assert set(curated_triples(triples, {old: kept}, {rejected})) == {
        (kept, TG.partnerOf, other), (other, TG.partnerOf, kept),
        (article, TG.mentions, kept), (article, TG.hasMention, m1), (m1, TG.refersTo, kept),
    }

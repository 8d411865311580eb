"""Issue 17, across the archive: keys, type voting, short names, acronyms, provenance, curation, split."""

from __future__ import annotations

import dataclasses
from collections import Counter
from pathlib import Path

import pytest

from topicgraph.knowledge.curation import Change, add_change, curated_kb, curation_path, now
from topicgraph.store.derived import count_mismatches
from topicgraph.pipeline.ingest import store_extraction
from topicgraph.knowledge.kb import default_kb
from topicgraph.model import Article, Entity, EntityType, Extraction, Mention, Method, NameCandidate
from topicgraph.namespaces import RESOLUTION_GRAPH, entity_iri
from topicgraph.pipeline.resolve import Node, plan, resolve_store
from topicgraph.nlp.resolve.keys import genitive_key, resolution_key
from topicgraph.pipeline.split import split
from topicgraph.store import OxigraphStore, load_kb_graph


def iri(name: str, suffix: str = "") -> str:
    return str(entity_iri(f"{name} {suffix}" if suffix else name))


def extraction(article_id: str, names: list[tuple[str, EntityType, str]], alt: dict[str, tuple[str, ...]] | None = None,
               candidates: list[tuple[str, str]] = ()) -> Extraction:
    """An article mentioning each (surface, type, entity IRI) once; ``candidates``: (name, NER label)."""
    body, mentions, entities = "", [], {}
    for surface, etype, node in names:
        body += "Heute: "
        mentions.append(Mention(surface, len(body), len(body) + len(surface), etype.ner_label, node, 0.7, Method.MODEL))
        label = surface.rstrip("s") if surface.endswith("s") and len(surface) > 5 else surface
        entities.setdefault(node, Entity(node, etype, label, alt_labels=(alt or {}).get(node, ())))
        body += surface + ". "
    cands = []
    for name, label in candidates:
        body += "Dann: "
        cands.append(NameCandidate(name, len(body), len(body) + len(name), label, "unknown one-word name"))
        body += name + ". "
    article = Article(id=article_id, title=article_id, body=body.strip())
    return Extraction(article, mentions, entities, {m.entity_iri: 1.0 for m in mentions}, candidates=cands)


@pytest.fixture()
def store():
    s = OxigraphStore(None)
    load_kb_graph(s, default_kb().graph)
    yield s
    s.close()


def nodes_of(store, article_id: str) -> set[str]:
    rows = store.query(f'SELECT DISTINCT ?e WHERE {{ ?a tg:articleId "{article_id}" ; tg:mentions ?e }}').rows
    return {str(e) for (e,) in rows}


def test_keys_fold_legal_forms_punctuation_possessives_and_inflection():
    keys = {resolution_key(n) for n in ("Acme Chemical Corp", "Acme Chemical Co.", "Acme Chemical Corporation",
                                        "Acme Chemical Co's", "ACME Chemical Inc.")}
    assert len(keys) == 1
    assert resolution_key("Internationalen Gezeitenagentur") == resolution_key("Internationale Gezeitenagentur")
    assert resolution_key("Nordwerk AG") == resolution_key("Nordwerk SE") == resolution_key("Nordwerk GmbH")
    assert genitive_key("Nordwerks") == resolution_key("Nordwerk")
    assert resolution_key("Acme Chemical") != resolution_key("Acme Plastics")


def test_one_name_with_two_ner_types_becomes_one_node_of_the_majority_type(store):
    org, per = iri("Valdera Motors"), iri("Valdera Motors", "Person")
    store_extraction(store, extraction("a1", [("Valdera Motors", EntityType.ORGANIZATION, org)]))
    store_extraction(store, extraction("a2", [("Valdera Motors", EntityType.ORGANIZATION, org)]))
    store_extraction(store, extraction("a3", [("Valdera Motors", EntityType.PERSON, per)]))
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(per, org, "type-vote")]
    assert nodes_of(store, "a3") == {org}
    types = store.query(f"SELECT DISTINCT ?t WHERE {{ <{org}> a ?t }}").rows
    assert [str(t).rsplit("#", 1)[-1] for (t,) in types] == ["Organization"]
    assert count_mismatches(store) == []
    assert stored_derived(store) == recomputed_derived(store)


def test_company_variants_and_genitive_become_one_node(store):
    a, b, c = iri("Acme Chemical Corp"), iri("Acme Chemical Co."), iri("Nordwerks")
    n = iri("Nordwerk")
    store_extraction(store, extraction("a1", [("Acme Chemical Corp", EntityType.ORGANIZATION, a),
                                              ("Nordwerk", EntityType.ORGANIZATION, n)]))
    store_extraction(store, extraction("a2", [("Acme Chemical Co.", EntityType.ORGANIZATION, b),
                                              ("Nordwerks", EntityType.ORGANIZATION, c)]))
    resolve_store(store, default_kb())
    assert len(nodes_of(store, "a2")) == 2 and nodes_of(store, "a2") == nodes_of(store, "a1")


def test_surname_first_full_name_later_is_one_node_with_provenance_and_same_as(store):
    lone, full = iri("Ramirez"), iri("Carla Ramirez")
    store_extraction(store, extraction("a1", [("Ramirez", EntityType.PERSON, lone)]))
    store_extraction(store, extraction("a2", [("Carla Ramirez", EntityType.PERSON, full)]))
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(lone, full, "short-name")]
    assert report.rewritten == ["a1"]
    assert nodes_of(store, "a1") == {full}
    rows = store.query(f"SELECT ?rule ?why ?m WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ ?r tg:resolutionRule ?rule ; "
                       f"tg:evidence ?why ; tg:movedMention ?m ; prov:used <{lone}> }} }}").rows
    assert [str(r[0]) for r in rows] == ["short-name"] and "Carla Ramirez" in str(rows[0][1])
    same = store.query(f"SELECT ?x WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ <{lone}> owl:sameAs ?x }} }}").rows
    assert [str(x) for (x,) in same] == [full]
    assert count_mismatches(store) == []
    assert stored_derived(store) == recomputed_derived(store)
    # a second pass finds nothing more to do
    assert resolve_store(store, default_kb()).merges == []


def test_two_competing_full_names_keep_the_lone_surname_apart(store):
    lone = iri("Marsh")
    store_extraction(store, extraction("a1", [("Marsh", EntityType.PERSON, lone)]))
    store_extraction(store, extraction("a2", [("Helena Marsh", EntityType.PERSON, iri("Helena Marsh")),
                                              ("Peter Marsh", EntityType.PERSON, iri("Peter Marsh"))]))
    assert resolve_store(store, default_kb()).merges == []
    assert nodes_of(store, "a1") == {lone}


def test_a_place_is_not_absorbed_by_an_organisation_that_starts_with_its_name():
    nodes = {i: n for i, n in (
        (iri("Washington"), Node(iri("Washington"), Counter({"Washington": 1}), Counter({EntityType.PLACE: 3}))),
        (iri("Washington Post"), Node(iri("Washington Post"), Counter({"Washington Post": 1}),
                                      Counter({EntityType.ORGANIZATION: 2}))))}
    assert plan(nodes).merges == []


def test_a_person_name_cut_short_by_the_ner_joins_the_one_longer_name_it_begins(store):
    cut, full, other = iri("Renata Olga"), iri("Renata Olga Vasquez"), iri("Renata Kowalski")
    store_extraction(store, extraction("a1", [("Renata Olga", EntityType.PERSON, cut)]))
    store_extraction(store, extraction("a2", [("Renata Olga Vasquez", EntityType.PERSON, full),
                                              ("Renata Kowalski", EntityType.PERSON, other)]))
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(cut, full, "truncated")]
    assert nodes_of(store, "a1") == {full}
    # two longer names that begin alike: the short one stays apart
    a, b, c = iri("Tomas Ruiz"), iri("Tomas Ruiz Ortega"), iri("Tomas Ruiz Blanco")
    for n, node in enumerate((a, b, c)):
        label = node.rsplit("/", 1)[-1].replace("-", " ").title()
        store_extraction(store, extraction(f"t{n}", [(label, EntityType.PERSON, node)]))
    assert not [m for m in resolve_store(store, default_kb()).merges if m.merged == a]


def test_a_lone_genitive_tagged_as_an_organisation_joins_the_one_person_with_that_surname(store):
    putins, full = iri("Wolodin"), iri("Pavel Wolodin")
    genitive = iri("Wolodins")
    store_extraction(store, extraction("a1", [("Pavel Wolodin", EntityType.PERSON, full)]))
    store_extraction(store, extraction("a2", [("Pavel Wolodin", EntityType.PERSON, full)]))
    lone = extraction("a3", [("Wolodins", EntityType.ORGANIZATION, genitive)])
    lone.entities[genitive] = dataclasses.replace(lone.entities[genitive], label="Wolodins")  # as the NER read it
    store_extraction(store, lone)
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(genitive, full, "short-name")]
    assert nodes_of(store, "a3") == {full} and putins not in nodes_of(store, "a3")


def test_acronym_first_long_form_later_is_one_node(store):
    acr, long_form = iri("NGA"), iri("Nordische Gezeitenagentur")
    store_extraction(store, extraction("a1", [("NGA", EntityType.ORGANIZATION, acr)]))
    store_extraction(store, extraction("a2", [("Nordische Gezeitenagentur", EntityType.ORGANIZATION, long_form)],
                                       alt={long_form: ("NGA",)}))
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(acr, long_form, "acronym")]
    assert nodes_of(store, "a1") == {long_form}


def test_a_name_candidate_that_abbreviates_one_node_becomes_its_mention(store):
    full = iri("Carla Ramirez")
    store_extraction(store, extraction("a1", [("Houston", EntityType.PLACE, iri("Houston"))],
                                       candidates=[("Ramirez", "PER")]))
    store_extraction(store, extraction("a2", [("Carla Ramirez", EntityType.PERSON, full)]))
    report = resolve_store(store, default_kb())
    assert report.promoted == 1 and report.rewritten == ["a1"]
    assert nodes_of(store, "a1") == {iri("Houston"), full}
    assert count_mismatches(store) == []
    assert stored_derived(store) == recomputed_derived(store)


def test_dry_run_changes_nothing(store):
    store_extraction(store, extraction("a1", [("Ramirez", EntityType.PERSON, iri("Ramirez"))]))
    store_extraction(store, extraction("a2", [("Carla Ramirez", EntityType.PERSON, iri("Carla Ramirez"))]))
    report = resolve_store(store, default_kb(), dry_run=True)
    assert len(report.merges) == 1 and report.rewritten == []
    assert nodes_of(store, "a1") == {iri("Ramirez")}


def _curated(tmp_path: Path, *changes: Change):
    for change in changes:
        add_change(curation_path(tmp_path), change)
    return curated_kb(tmp_path)


def test_curation_beats_resolution(store, tmp_path):
    lone, full = iri("Ramirez"), iri("Carla Ramirez")
    store_extraction(store, extraction("a1", [("Ramirez", EntityType.PERSON, lone)]))
    store_extraction(store, extraction("a2", [("Carla Ramirez", EntityType.PERSON, full)]))
    # an editor pinned the lone name as a place of its own: it is the knowledge base's now, never merged away
    kb = _curated(tmp_path, Change("pin-type", lone, "ed", "a town", now(), type="Place", label="Ramirez"))
    assert resolve_store(store, kb).merges == []
    # an editor rejected the full name: nothing is merged into a rejected node
    kb = _curated(tmp_path / "b", Change("reject", full, "ed", "not a name", now()))
    assert all(m.into != full for m in resolve_store(store, kb, dry_run=True).merges)


def test_curate_split_restores_two_nodes_and_resolution_keeps_them_apart(store, tmp_path):
    lone, full = iri("Ramirez"), iri("Carla Ramirez")
    store_extraction(store, extraction("a1", [("Ramirez", EntityType.PERSON, lone)]))
    store_extraction(store, extraction("a2", [("Carla Ramirez", EntityType.PERSON, full)]))
    resolve_store(store, default_kb())
    assert nodes_of(store, "a1") == {full}
    report = split(store, tmp_path, "Ramirez", by="ed", why="another Ramirez")
    assert report.rewritten == ["a1"] and (report.merged, report.into) == (lone, full)
    assert nodes_of(store, "a1") == {lone} and nodes_of(store, "a2") == {full}
    assert not store.query(f"SELECT ?x WHERE {{ GRAPH <{RESOLUTION_GRAPH}> {{ <{lone}> owl:sameAs ?x }} }}").rows
    assert count_mismatches(store) == []
    assert stored_derived(store) == recomputed_derived(store)
    kb = curated_kb(tmp_path)
    assert resolve_store(store, kb).merges == []
    assert nodes_of(store, "a1") == {lone}


def test_a_promoted_candidate_on_a_span_that_is_a_mention_already_adds_no_second_entity():
    from topicgraph.graph import article_graph
    from topicgraph.namespaces import TG
    from topicgraph.pipeline.resolve import promoted_triples

    lone, full = iri("Ramirez"), iri("Carla Ramirez")
    ex = extraction("a1", [("Ramirez", EntityType.PERSON, lone)], candidates=[("Ramirez", "PER")])
    # the candidate lies on the mention's own span (as after an in-article rule found the name there)
    mention = ex.mentions[0]
    ex.candidates[0] = ex.candidates[0].__class__(mention.text, mention.start, mention.end, "PER", "unknown one-word name")
    _graph, triples = article_graph(ex)
    candidate = next(s for s, p, o in triples if p == TG.hasCandidate for s in [o])
    out = promoted_triples(triples, {str(candidate): ("g", full, "short-name", "test")})
    refers = [o for s, p, o in out if p == TG.refersTo]
    assert [str(o) for o in refers] == [lone] and not any(p == TG.hasCandidate for _s, p, _o in out)


def test_a_lone_acronym_is_not_the_short_name_of_a_longer_name_that_begins_with_it(store):
    acronym, sub = iri("NRF"), iri("NRF Mediaservice GmbH")
    store_extraction(store, extraction("a1", [("NRF", EntityType.ORGANIZATION, acronym)]))
    store_extraction(store, extraction("a2", [("NRF Mediaservice GmbH", EntityType.ORGANIZATION, sub)]))
    store_extraction(store, extraction("a3", [("NRF Mediaservice GmbH", EntityType.ORGANIZATION, sub)]))
    assert resolve_store(store, default_kb()).merges == []
    assert nodes_of(store, "a1") == {acronym}


def test_a_short_form_first_the_organisation_it_stands_for_later_is_one_node(store):
    short, full = iri("Harbour Guard"), iri("U.S. Harbour Guard")
    store_extraction(store, extraction("a1", [("Harbour Guard", EntityType.ORGANIZATION, short)]))
    store_extraction(store, extraction("a2", [("U.S. Harbour Guard", EntityType.ORGANIZATION, full)],
                                       alt={full: ("Harbour Guard",)}))
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(short, full, "short-name")]
    assert "short form" in report.merges[0].evidence
    assert nodes_of(store, "a1") == {full}


def test_a_lone_surname_the_ner_typed_as_a_place_joins_the_one_person_but_a_place_name_stays(store):
    lone, person = iri("Marold"), iri("Egon Marold")
    store_extraction(store, extraction("a1", [("Marold", EntityType.PLACE, lone)]))
    store_extraction(store, extraction("a2", [("Egon Marold", EntityType.PERSON, person)]))
    # "Linz" is a city's name, even where one person is called "Lea Linz"
    store_extraction(store, extraction("a4", [("Linz", EntityType.PLACE, iri("Linz"))]))
    store_extraction(store, extraction("a5", [("Lea Linz", EntityType.PERSON, iri("Lea Linz"))]))
    report = resolve_store(store, default_kb())
    assert [(m.merged, m.into, m.rule) for m in report.merges] == [(lone, person, "short-name")]
    assert "surname" in report.merges[0].evidence
    assert nodes_of(store, "a1") == {person} and nodes_of(store, "a4") == {iri("Linz")}
    # one article each: the tie keeps the person's type
    types = store.query(f"SELECT DISTINCT ?t WHERE {{ <{person}> a ?t }}").rows
    assert [str(t).rsplit("#", 1)[-1] for (t,) in types] == ["Person"]
    assert count_mismatches(store) == []
    assert stored_derived(store) == recomputed_derived(store)


def recomputed_derived(store) -> set[tuple]:
    """The derived graph computed afresh from the stored article graphs (their entities as they describe them)."""
    from rdflib.namespace import RDF, SKOS

    from topicgraph.namespaces import TG
    from topicgraph.store.derived import DerivedTotals

    kb, totals = default_kb(), DerivedTotals()
    for (g,) in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?a a tg:Article } }").rows:
        triples = [tuple(r) for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").rows]
        types = {str(s): str(o).rsplit("#", 1)[-1] for s, p, o in triples if p == RDF.type}
        labels = {str(s): str(o) for s, p, o in triples if p == SKOS.prefLabel}
        referred = {str(o) for _s, p, o in triples if p == TG.refersTo}
        totals.add_graph(triples, [kb.get(e) or Entity(e, EntityType(types[e]), labels[e]) for e in sorted(referred)])
    return set(totals.triples())


def stored_derived(store) -> set[tuple]:
    from topicgraph.namespaces import DERIVED_GRAPH

    return {tuple(r) for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{DERIVED_GRAPH}> {{ ?s ?p ?o }} }}").rows}


def test_a_tied_type_vote_makes_a_known_places_name_a_place_and_the_statistics_follow(store):
    # minted first as a person, the plain IRI is the person's and it is kept; the vote is a tie
    person, place, other = iri("Jemen"), iri("Jemen", "Place"), iri("Aden")
    store_extraction(store, extraction("a1", [("Jemen", EntityType.PERSON, person), ("Aden", EntityType.PLACE, other)]))
    store_extraction(store, extraction("a2", [("Jemen", EntityType.PLACE, place), ("Aden", EntityType.PLACE, other)]))
    resolve_store(store, default_kb())
    assert nodes_of(store, "a1") == nodes_of(store, "a2") == {person, other}
    types = store.query(f"SELECT DISTINCT ?t WHERE {{ <{person}> a ?t }}").rows  # article graphs and statistics
    assert [str(t).rsplit("#", 1)[-1] for (t,) in types] == ["Place"]
    # the derived statistics equal those computed afresh: the entity's type level and the co-mention levels
    # that follow its type moved with it
    assert stored_derived(store) == recomputed_derived(store)

"""Issue 22: SKOS thesauri and entity lists as vocabularies of the store (vocab add/list/remove/check/apply)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from topicgraph.cli import main
from topicgraph.namespaces import TG, entity_iri, vocab_graph_iri
from topicgraph.store import open_store
from topicgraph.knowledge.vocab.read import VocabError, read_vocabulary

FIXTURES = Path(__file__).parent / "fixtures"
EX = "https://example.org/thesaurus/"


def run(store: Path, *args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["--store", str(store), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def rows(store: Path, sparql: str) -> set[tuple[str, ...]]:
    handle = open_store(store)
    try:
        return {tuple(str(v) for v in row) for row in handle.query(sparql).rows}
    finally:
        handle.close()


def topics(store: Path) -> set[tuple[str, str]]:
    return rows(store, "SELECT ?id ?t WHERE { ?a tg:articleId ?id ; tg:topic ?t }")


def mentions(store: Path) -> set[tuple[str, str, str]]:
    return rows(store, "SELECT ?id ?e ?s WHERE { ?a tg:articleId ?id ; tg:hasMention ?m . ?m tg:refersTo ?e ; "
                       "tg:surfaceForm ?s }")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "articles"
    shutil.copytree(FIXTURES / "articles", target)
    return target


@pytest.fixture()
def store(tmp_path: Path, corpus: Path) -> Path:
    """A store with the test thesaurus and entity list, the three test articles ingested (gazetteer only)."""
    path = tmp_path / "store"
    run(path, "vocab", "add", str(FIXTURES / "stadt.ttl"), "--by", "Test Editor")
    result = run(path, "vocab", "add", str(FIXTURES / "personen.csv"), "--name", "people", "--by", "Test Editor")
    assert "personen.csv:5: no label; row skipped" in result.output
    assert "personen.csv:6: unknown type 'Alien'" in result.output
    run(path, "ingest", str(corpus), "--model", "none")
    return path


def test_a_thesaurus_tags_articles_with_its_concepts_through_inflected_compounds(store: Path) -> None:
    found = topics(store)
    assert ("wohnbau-lindenau", EX + "wohnungsbau") in found
    assert ("football-budget", EX + "fussball") in found  # English label
    assert ("mietrecht-urteil", EX + "mietrecht") in found
    surface = {s for aid, e, s in mentions(store) if aid == "wohnbau-lindenau" and e == EX + "wohnungsbau"}
    assert "Wohnungsbauprogrammen" in surface  # altLabel "Wohnungsbauprogramme", dative plural in the text
    assert ("wohnbau-lindenau", str(TG.Topic)) in rows(
        store, "SELECT ?id ?t WHERE { ?a tg:articleId ?id ; tg:mentions ?e . ?e a ?t FILTER(?t = tg:Topic) }")


def test_articles_about_a_topic_follow_the_broader_chain(store: Path) -> None:
    top = run(store, "query", "--name", "articles-about-topic", "--param", "topic=Kommunalpolitik", "--format", "csv")
    ids = {line.split(",")[1] for line in top.output.strip().splitlines()[1:]}
    assert ids == {"wohnbau-lindenau", "football-budget", "mietrecht-urteil"}
    middle = run(store, "query", "--name", "articles-about-topic", "--param", "topic=urban development",
                 "--format", "csv")
    assert {line.split(",")[1] for line in middle.output.strip().splitlines()[1:]} == {"wohnbau-lindenau",
                                                                                      "football-budget"}
    timeline = run(store, "query", "--name", "topic-timeline", "--param", "topic=Kommunalpolitik", "--format", "csv")
    assert timeline.output.strip().splitlines()[1:] == ["2024-03,1", "2024-04,1", "2024-05,1"]
    related = run(store, "query", "--name", "related-by-topic", "--param", "article=wohnbau-lindenau",
                  "--format", "csv")
    lines = related.output.strip().splitlines()[1:]
    assert lines[0].split(",")[1] == "football-budget"  # shares Wohnungsbau and its broader concepts
    assert any(line.split(",")[1] == "mietrecht-urteil" for line in lines)  # only Kommunalpolitik in common


def test_an_entity_list_adds_a_person_found_under_a_variant_name(store: Path) -> None:
    person = str(entity_iri("Maria Oberhuber"))
    surface = {s for aid, e, s in mentions(store) if aid == "wohnbau-lindenau" and e == person}
    assert "Mitzi Oberhuber" in surface and "Oberhuber" in surface
    assert rows(store, f"SELECT ?t WHERE {{ <{person}> a ?t FILTER(?t = tg:Person) }}") == {(str(TG.Person),)}
    assert rows(store, f"SELECT ?s WHERE {{ <{person}> owl:sameAs ?s }}") == {
        ("https://www.wikidata.org/entity/Q000000001",)}


def test_each_vocabulary_has_its_named_graph_with_provenance(store: Path) -> None:
    graph = vocab_graph_iri("stadt")
    facts = rows(store, f"SELECT ?kind ?hash ?who ?source WHERE {{ GRAPH <{graph}> {{ <{graph}> a tg:Vocabulary ; "
                        "tg:vocabularyKind ?kind ; tg:contentHash ?hash ; prov:generatedAtTime ?when ; "
                        "dcterms:source ?source ; prov:wasAttributedTo ?agent . ?agent rdfs:label ?who } }")
    (kind, digest, who, source), = facts
    assert (kind, who, Path(source).name, len(digest)) == ("skos", "Test Editor", "stadt.ttl", 64)
    assert rows(store, f"SELECT ?b WHERE {{ GRAPH <{graph}> {{ <{EX}wohnungsbau> skos:broader ?b }} }}") == {
        (EX + "stadtentwicklung",)}
    # narrower was completed from broader
    assert (EX + "wohnungsbau",) in rows(store, f"SELECT ?n WHERE {{ <{EX}stadtentwicklung> skos:narrower ?n }}")
    graphs = {g for g, in rows(store, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a tg:Vocabulary } }")}
    assert graphs == {str(vocab_graph_iri(n)) for n in ("energy", "stadt", "people")}


def test_list_shows_every_vocabulary_and_re_adding_updates_only_when_changed(store: Path, tmp_path: Path) -> None:
    listing = run(store, "vocab", "list").output
    assert [line.split()[:3] for line in listing.strip().splitlines()] == [
        ["on", "energy", "shipped"], ["on", "stadt", "skos"], ["on", "people", "entities"]]
    assert run(store, "vocab", "add", str(FIXTURES / "stadt.ttl")).output.startswith("unchanged: stadt")
    changed = tmp_path / "stadt.ttl"
    changed.write_text((FIXTURES / "stadt.ttl").read_text(encoding="utf-8")
                       + '\nex:wohnungsbau skos:altLabel "Sozialbau"@de .\n', encoding="utf-8")
    assert run(store, "vocab", "add", str(changed)).output.startswith("updated: stadt")
    graph = vocab_graph_iri("stadt")
    assert rows(store, f"SELECT ?l WHERE {{ GRAPH <{graph}> {{ <{EX}wohnungsbau> skos:altLabel ?l "
                       "FILTER(STR(?l) = 'Sozialbau') } }") == {("Sozialbau",)}


def test_vocab_remove_and_apply_remove_its_tags_from_stored_articles(store: Path, corpus: Path) -> None:
    assert any(t.startswith(EX) for _, t in topics(store))
    (corpus / "football-budget.md").unlink()  # its source is gone: rewritten in place, not re-extracted
    result = run(store, "vocab", "remove", "stadt")
    assert "vocab apply" in result.output
    assert rows(store, f"SELECT ?s WHERE {{ GRAPH <{vocab_graph_iri('stadt')}> {{ ?s ?p ?o }} }} LIMIT 1") == set()
    applied = run(store, "vocab", "apply", "--model", "none").output
    assert "2 article(s) re-extracted, 1 rewritten" in applied
    assert not [t for _, t in topics(store) if t.startswith(EX)]
    assert not [e for _, e, _ in mentions(store) if e.startswith(EX)]
    assert rows(store, f"SELECT ?a WHERE {{ ?a ?p ?e FILTER(STRSTARTS(STR(?e), '{EX}')) }}") == set()
    # the person list stays
    assert any(e == str(entity_iri("Maria Oberhuber")) for _, e, _ in mentions(store))
    check = run(store, "check", "--no-counts", ok=False)
    assert "0 violations" in check.output, check.output


def test_the_shipped_energy_vocabulary_can_be_turned_off_and_on(tmp_path: Path) -> None:
    from topicgraph.knowledge.curation import curated_kb

    path = tmp_path / "store"
    assert curated_kb(path).get("https://w3id.org/topicgraph/concept/battery") is not None
    run(path, "vocab", "remove", "energy")
    assert run(path, "vocab", "list").output.startswith("off energy")
    assert curated_kb(path).get("https://w3id.org/topicgraph/concept/battery") is None
    assert curated_kb(path).get(str(TG.Article)) is None  # the ontology is still there, but has no entries
    assert run(path, "vocab", "add", "energy").output.startswith("enabled: energy")
    assert curated_kb(path).get("https://w3id.org/topicgraph/concept/battery") is not None


def test_vocab_check_reports_cycles_duplicates_missing_labels_collisions_and_common_words(tmp_path: Path) -> None:
    path = tmp_path / "store"
    run(path, "vocab", "add", str(FIXTURES / "stadt.ttl"))
    run(path, "vocab", "add", str(FIXTURES / "cycle.ttl"), "--name", "broken")
    result = run(path, "vocab", "check", "broken", ok=False)
    assert result.exit_code == 1
    found = {tuple(line.strip().split(": ")[:2]) for line in result.output.strip().splitlines()[1:]}
    assert found == {("error", "no-preflabel"), ("error", "duplicate-preflabel"), ("error", "broader-cycle"),
                     ("warning", "collision"), ("warning", "common-word")}
    out = result.output
    assert "https://example.org/broken/e> has no skos:prefLabel" in out
    assert "prefLabel 'verkehr'@de is shared by <https://example.org/broken/a>, <https://example.org/broken/d>" in out
    assert "'Infrastruktur'" in out and "'Mobilität'" in out  # the cycle a -> b -> c -> a
    assert f"is also a label of <{EX}wohnungsbau> in vocabulary 'stadt'" in out
    assert "label 'zeit'" in out and "frequent common word" in out
    clean = run(path, "vocab", "check", "stadt")  # warnings only ("football"; Wohnungsbau in broken): exit 0
    assert clean.output.startswith("stadt: 0 error(s), 2 warning(s)") and "'football'" in clean.output


def test_other_rdf_syntaxes_give_the_same_vocabulary(tmp_path: Path) -> None:
    turtle = read_vocabulary(FIXTURES / "stadt.ttl")
    source = Graph().parse(FIXTURES / "stadt.ttl")
    for fmt, suffix in (("xml", ".rdf"), ("json-ld", ".jsonld"), ("nt", ".nt"), ("xml", ".data")):
        path = tmp_path / f"stadt{suffix}"
        source.serialize(path, format=fmt)
        other = read_vocabulary(path)
        assert (other.concepts, other.labels) == (turtle.concepts, turtle.labels) == (5, 19), fmt
        assert set(other.graph.objects(URIRef(EX + "wohnungsbau"), SKOS.broader)) == {URIRef(EX + "stadtentwicklung")}


@pytest.mark.parametrize("name, text, problem", [
    ("broken.ttl", "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel \"x ;", "not valid turtle"),
    ("empty.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\n", "no skos:Concept in it"),
    ("nolabel.csv", "name,type\nX,Person\n", "no 'label' column"),
    ("bad.csv", "label,type\n,Person\nY,Alien\n", "no usable row"),
])
def test_bad_vocabulary_files_give_one_line_naming_the_file(tmp_path: Path, name: str, text: str, problem: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(VocabError, match=problem):
        read_vocabulary(path)
    result = run(tmp_path / "store", "vocab", "add", str(path), ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1 and str(path) in error[0] and problem in error[0]
    assert not (tmp_path / "store" / "vocabularies" / f"{path.stem}.nt").exists()


def test_curation_works_on_vocabulary_entries(store: Path, corpus: Path) -> None:
    run(store, "curate", "alias", f"{EX}mietrecht", "Mieterschutz", "--by", "ed", "--why", "newsroom usage")
    (corpus / "mieterschutz.md").write_text("---\ntitle: Mieterschutz im Fokus\ndate: 2024-06-01\n---\n"
                                            "Der Mieterschutz wird gestärkt. Beim Mieterschutz geht es um Fristen.\n",
                                            encoding="utf-8")
    run(store, "ingest", str(corpus), "--model", "none")
    assert ("mieterschutz", EX + "mietrecht") in topics(store)
    run(store, "curate", "reject", "Fußball", "--by", "ed", "--why", "not a topic we index")
    run(store, "curate", "apply", "--model", "none")
    assert not [t for _, t in topics(store) if t == EX + "fussball"]


def test_an_xss_shaped_label_is_escaped_in_the_explorer(store: Path, tmp_path: Path) -> None:
    from tests.explore.test_page import page_data_of

    run(store, "vocab", "add", str(FIXTURES / "xss.ttl"))
    run(store, "vocab", "apply", "--model", "none")
    page = tmp_path / "page.html"
    run(store, "explore", "-o", str(page))
    html = page.read_text(encoding="utf-8")
    label = "</script><script>alert('vocab')</script>"
    assert label not in html and "<script>alert(" not in html
    nodes = {n["id"]: n for n in page_data_of(html)["nodes"]}
    assert nodes["https://example.org/xss/fernwaerme"]["label"] == label  # survives as text
    assert nodes["https://example.org/xss/fernwaerme"]["group"] == "Topic"


def test_linking_prefers_the_stores_own_vocabulary_over_the_shipped_one(tmp_path: Path) -> None:
    path, corpus = tmp_path / "store", tmp_path / "corpus"
    corpus.mkdir()
    (tmp_path / "labs.csv").write_text("label,type,aliases\nRedwood Labs,Organization,Redwood\n", encoding="utf-8")
    (corpus / "redwood.md").write_text("---\ntitle: Neues aus dem Labor\n---\nRedwood eröffnet ein Labor in Graz.\n",
                                       encoding="utf-8")
    run(path, "ingest", str(corpus), "--model", "none")
    assert {e for _, e, s in mentions(path) if s == "Redwood"} == {"https://w3id.org/topicgraph/entity/redwood-materials"}
    run(path, "vocab", "add", str(tmp_path / "labs.csv"))
    run(path, "vocab", "apply", "--model", "none")
    assert {e for _, e, s in mentions(path) if s == "Redwood"} == {str(entity_iri("Redwood Labs"))}


def test_related_articles_count_topics_through_their_broader_concepts(store: Path) -> None:
    import json

    result = run(store, "related", "mietrecht-urteil", "--method", "entities", "--format", "json")
    suggestions = json.loads(result.output)
    shared = {s["article"]: {r["entity"] for r in s["shared"]} for s in suggestions}
    # Mietrecht and Wohnungsbau meet only in their common broader concept
    assert EX + "kommunalpolitik" in shared["wohnbau-lindenau"]


def test_a_bulk_load_writes_the_vocabulary_graphs_and_the_same_topics(tmp_path: Path, corpus: Path, store: Path) -> None:
    path = tmp_path / "bulk"
    run(path, "vocab", "add", str(FIXTURES / "stadt.ttl"), "--by", "Test Editor")
    run(path, "vocab", "add", str(FIXTURES / "personen.csv"), "--name", "people", "--by", "Test Editor")
    run(path, "ingest", "--bulk", str(corpus), "--model", "none")
    assert topics(path) == topics(store)
    graph = vocab_graph_iri("stadt")
    assert rows(path, f"SELECT ?h WHERE {{ GRAPH <{graph}> {{ <{graph}> tg:contentHash ?h }} }}") == rows(
        store, f"SELECT ?h WHERE {{ GRAPH <{graph}> {{ <{graph}> tg:contentHash ?h }} }}")

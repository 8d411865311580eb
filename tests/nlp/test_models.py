"""Which pipeline reads which language: --model specs, the English default, a missing English pipeline."""

from __future__ import annotations

import logging

import pytest

from topicgraph.model import Article, EntityType
from topicgraph.nlp import Extractor, models
from topicgraph.ner_labels import is_candidate_label, name_label
from topicgraph.nlp.models import NO_MODEL, ModelSpecError, parse_model_spec, resolve_model


def test_one_name_is_every_language():
    assert parse_model_spec("de_core_news_sm") == {"de": "de_core_news_sm", "en": "de_core_news_sm"}
    assert parse_model_spec(None) == {"de": None, "en": None}


def test_per_language_spec_keeps_the_other_default():
    assert parse_model_spec("en=en_core_web_md") == {"de": None, "en": "en_core_web_md"}
    assert parse_model_spec("en=en_core_web_md, de=none") == {"de": "none", "en": "en_core_web_md"}


@pytest.mark.parametrize("spec", ["fr=x", "en=", "en=x,oops"])
def test_malformed_spec_is_refused(spec):
    with pytest.raises(ModelSpecError):
        parse_model_spec(spec)


def test_ontonotes_labels_map_in_one_place():
    assert [name_label(x) for x in ("PERSON", "ORG", "GPE", "LOC", "FAC", "PER")] == ["PER", "ORG", "LOC", "LOC", "LOC", "PER"]
    assert name_label("NORP") is None and name_label("DATE") is None
    assert all(is_candidate_label(x) for x in ("PRODUCT", "EVENT", "LAW", "WORK_OF_ART", "MISC", "OTH"))
    assert not is_candidate_label("NORP")
    assert EntityType.from_ner_label("GPE") == EntityType.PLACE
    assert EntityType.from_ner_label("PERSON") == EntityType.PERSON


def test_missing_english_pipeline_warns_once_and_uses_the_gazetteer(monkeypatch, caplog):
    monkeypatch.setattr(models, "installed_english_model", lambda: None)
    assert resolve_model(None, "en", warn=lambda message: None) == NO_MODEL
    extractor = Extractor()
    body = "Redwood Materials recycles batteries in Nevada. Acme Widget Holdings opened an office in Reno."
    articles = [Article(id=f"en-{i}", title="Recycling", body=body, language="en") for i in range(3)]
    with caplog.at_level(logging.WARNING, logger="topicgraph"):
        extractions = list(extractor.extract_all(articles))
    warnings = [r for r in caplog.records if "no English spaCy pipeline" in r.getMessage()]
    assert len(warnings) == 1
    assert "requirements/english-model.txt" in warnings[0].getMessage()
    linked = {m.entity_iri.rsplit("/", 1)[-1] for m in extractions[0].mentions}
    assert {"redwood-materials", "nevada", "reno"} <= linked
    assert not any(m.method.value == "model" for x in extractions for m in x.mentions)

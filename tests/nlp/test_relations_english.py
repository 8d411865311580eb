"""English relation triggers (CEO of, founded by, acquired, partnered with, supplies), on
knowledge-base names so that the gazetteer alone finds both sides."""

from __future__ import annotations

import pytest

from topicgraph.model import Article
from topicgraph.nlp import Extractor


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(model="none")


def relations(extractor, text):
    extraction = extractor.extract(Article(id="r", title="", body=text, language="en"))
    return {(r.predicate, r.subject.rsplit("/", 1)[-1], r.object.rsplit("/", 1)[-1]) for r in extraction.relations}


@pytest.mark.parametrize("text", [
    "Mary Barra, the chief executive of General Motors, spoke in Detroit.",
    "General Motors' chief executive, Mary Barra, spoke in Detroit.",
    "General Motors CEO Mary Barra spoke in Detroit.",
])
def test_chief_executive(extractor, text):
    assert relations(extractor, text) == {("ledBy", "general-motors", "mary-barra")}


def test_founded_by(extractor):
    assert relations(extractor, "Redwood Materials was founded by JB Straubel in 2017.") == {
        ("ledBy", "redwood-materials", "jb-straubel")}


@pytest.mark.parametrize("text", [
    "Volkswagen acquired Northvolt last year.",
    "Volkswagen agreed to buy Northvolt for an undisclosed sum.",
])
def test_acquisition_makes_a_subsidiary(extractor, text):
    assert relations(extractor, text) == {("subsidiaryOf", "northvolt", "volkswagen")}


def test_partnered_with(extractor):
    assert relations(extractor, "BMW has partnered with Siemens on charging.") == {("partnerOf", "bmw", "siemens")}


@pytest.mark.parametrize("text", ["Panasonic supplies Tesla with cells.", "Panasonic will supply Tesla with cells."])
def test_supplies(extractor, text):
    assert relations(extractor, text) == {("supplies", "panasonic", "tesla")}


def test_no_trigger_no_relation(extractor):
    assert relations(extractor, "BMW and Siemens both exhibited in Leipzig.") == set()

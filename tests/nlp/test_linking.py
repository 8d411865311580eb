"""Issue 3: aliases, inflection, genitive, compounds and in-article coreference resolve to one entity."""

from __future__ import annotations

import pytest
from spacy.tokens import Span

from topicgraph.model import Article, EntityType
from topicgraph.namespaces import ENT, TECH
from topicgraph.nlp import Extractor
from topicgraph.nlp.linking import REASON_FUNCTION_WORD, REASON_LABEL, REASON_ONE_WORD, EntityLinker


@pytest.fixture(scope="module")
def extractor() -> Extractor:
    return Extractor(model="none")


def linked(extractor: Extractor, text: str) -> dict[str, set[str]]:
    """Surface forms per linked IRI for one German sentence."""
    extraction = extractor.extract(Article(id="t", title="", body=text))
    found: dict[str, set[str]] = {}
    for m in extraction.mentions:
        found.setdefault(m.entity_iri, set()).add(m.text)
    return found


def test_gm_and_general_motors_are_one_entity(extractor):
    found = linked(extractor, "General Motors baut in Michigan. Später sagte GM, man plane mehr.")
    assert found[str(ENT["general-motors"])] == {"General Motors", "GM"}


def test_genitive_gms_teslas_norsk_hydros(extractor):
    found = linked(extractor, "GMs Vorstand, Teslas Werk und Norsk Hydros Hütte wurden besucht.")
    assert {"GMs", "Teslas", "Norsk Hydros"} <= {t for forms in found.values() for t in forms}
    assert str(ENT["general-motors"]) in found
    assert str(ENT.tesla) in found
    assert str(ENT["norsk-hydro"]) in found


def test_lower_case_gm_inside_a_word_is_not_general_motors(extractor):
    assert str(ENT["general-motors"]) not in linked(extractor, "Das Ergebnis war gmäßig und ohne Folgen.")


def test_redwood_is_redwood_materials_and_redwood_energy_stays_separate(extractor):
    found = linked(extractor, "Redwood Energy ist eine Tochter des Recyclers. Redwood selbst wächst weiter.")
    assert found[str(ENT["redwood-energy"])] == {"Redwood Energy"}
    assert found[str(ENT["redwood-materials"])] == {"Redwood"}


def test_straubel_later_in_the_article_is_jb_straubel(extractor):
    found = linked(extractor, "JB Straubel gründete das Unternehmen. Jahre später sagte Straubel, es gehe erst los.")
    assert found[str(ENT["jb-straubel"])] == {"JB Straubel", "Straubel"}


def test_hyphenated_compound_batterie_recyclingpionier(extractor):
    found = linked(extractor, "Der Batterie-Recyclingpionier aus Nevada sammelt alte Zellen.")
    assert str(TECH["battery-recycling"]) in found or str(TECH.recycling) in found
    assert str(ENT.nevada) in found


def test_ki_rechenzentren(extractor):
    found = linked(extractor, "Neue KI-Rechenzentren brauchen viel Strom.")
    assert str(TECH["ai-data-centre"]) in found


def test_energiespeicher_inflected(extractor):
    for text in ("Der Energiespeicher steht im Keller.", "Mit großen Energiespeichern lässt sich Strom puffern."):
        assert str(TECH["energy-storage"]) in linked(extractor, text), text


def test_paraphrased_used_ev_batteries_are_second_life(extractor):
    found = linked(extractor, "Das Lager nutzt ausrangierte Batterien von Elektrofahrzeugen als Puffer.")
    assert str(TECH["second-life-battery"]) in found


def test_second_life_battery_project_compound(extractor):
    found = linked(extractor, "Das Second-Life-Batterieprojekt in der Wüste läuft seit Sommer.")
    assert str(TECH["second-life-battery"]) in found


# ---------------------------------------------------------------- new (non-KB) entities from NER spans

def _doc_with_ents(extractor: Extractor, text: str, ents: list[tuple[str, str]]):
    nlp, linker = extractor.pipeline("de")
    doc = nlp(text)
    spans = []
    for surface, label in ents:
        start = 0
        while (start := text.find(surface, start)) != -1:
            span = doc.char_span(start, start + len(surface), label=label)
            if span is not None and not any(s.start < span.end and span.start < s.end for s in spans):
                spans.append(span)
            start += len(surface)
    doc.ents = sorted(spans, key=lambda s: s.start)
    return doc, linker


def test_new_entity_gets_a_stable_iri_across_articles(extractor):
    linker = EntityLinker(extractor.kb, extractor.pipeline("de")[1].gazetteer)
    nlp = extractor.pipeline("de")[0]
    iris = []
    for text in ("Die Firma Voltara Systems baut Speicher.", "Auch Voltara Systems meldet Gewinne."):
        doc = nlp(text)
        start = text.index("Voltara")
        doc.ents = [doc.char_span(start, start + len("Voltara Systems"), label="ORG")]
        mentions, entities = linker.link(doc)
        iris.append(mentions[0].entity_iri)
        assert entities[mentions[0].entity_iri].type == EntityType.ORGANIZATION
    assert iris[0] == iris[1] == str(ENT["voltara-systems"])


def test_genitive_of_a_new_entity_is_the_same_node(extractor):
    doc, linker = _doc_with_ents(extractor, "Quellfeld Energie meldet Zahlen. Quellfeld Energies Chef ist zufrieden.",
                                 [("Quellfeld Energies", "ORG"), ("Quellfeld Energie", "ORG")])
    mentions, _ = linker.link(doc)
    assert len({m.entity_iri for m in mentions}) == 1


def test_genitive_before_base_form_is_the_same_node(extractor):
    doc, linker = _doc_with_ents(extractor, "Brennwerks Aktie stieg. Später meldete Brennwerk neue Aufträge.",
                                 [("Brennwerks", "ORG"), ("Brennwerk", "ORG")])
    mentions, _ = linker.link(doc)
    assert {m.entity_iri for m in mentions} == {str(ENT.brennwerk)}


def test_near_duplicate_new_entity_merges_across_articles(extractor):
    nlp, base = extractor.pipeline("de")
    linker = EntityLinker(extractor.kb, base.gazetteer)
    first = nlp("Kraftwerk Ostwind GmbH plant einen Park.")
    first.ents = [first.char_span(0, len("Kraftwerk Ostwind GmbH"), label="ORG")]
    second = nlp("Die Kraftwerk-Ostwind plant mehr.")
    start = second.text.index("Kraftwerk")
    second.ents = [second.char_span(start, start + len("Kraftwerk-Ostwind"), label="ORG")]
    (m1,), _ = linker.link(first)
    (m2,), _ = linker.link(second)
    assert m1.entity_iri == m2.entity_iri


def test_distinct_new_entities_stay_apart(extractor):
    nlp, base = extractor.pipeline("de")
    linker = EntityLinker(extractor.kb, base.gazetteer)
    iris = set()
    for name in ("Solaris Grid", "Solaris Gas"):
        doc = nlp(f"{name} wächst.")
        doc.ents = [doc.char_span(0, len(name), label="ORG")]
        (m,), _ = linker.link(doc)
        iris.add(m.entity_iri)
    assert len(iris) == 2


def test_ner_surname_of_known_person_links_to_kb(extractor):
    doc, linker = _doc_with_ents(extractor, "Kurt Kelty kam von Panasonic. Danach lobte Kelty das Team.", [("Kelty", "PER")])
    mentions, _ = linker.link(doc)
    assert {m.entity_iri for m in mentions if "Kelty" in m.text} == {str(ENT["kurt-kelty"])}


# ---------------------------------------------------------------- uncertain NER spans stay candidates

def _link_with_candidates(extractor: Extractor, text: str, ents: list[tuple[str, str]]):
    doc, _ = _doc_with_ents(extractor, text, ents)
    linker = EntityLinker(extractor.kb, extractor.pipeline("de")[1].gazetteer)
    return linker.link_with_candidates(doc)


def test_unknown_one_word_name_mentioned_once_is_a_candidate(extractor):
    linked_ = _link_with_candidates(extractor, "Im Lager liegt viel Kobaltschrott aus alten Zellen.",
                                    [("Kobaltschrott", "LOC")])
    assert linked_.mentions == [] and linked_.entities == {}
    (candidate,) = linked_.candidates
    assert (candidate.text, candidate.label, candidate.reason) == ("Kobaltschrott", "LOC", REASON_ONE_WORD)
    assert candidate.start == len("Im Lager liegt viel ")


def test_one_word_name_mentioned_twice_becomes_an_entity(extractor):
    linked_ = _link_with_candidates(extractor, "Quorvex baut Speicher. Quorvex liefert ab Mai.", [("Quorvex", "ORG")])
    assert linked_.candidates == []
    assert {m.entity_iri for m in linked_.mentions} == {str(ENT.quorvex)}


def test_multi_word_acronym_and_lexicon_names_become_entities(extractor):
    from topicgraph.nlp.ner.names import load_name_lexicon

    assert "Berlin" in load_name_lexicon()
    text = "Quorvex Energy, ZVRK und das Werk in Berlin melden Zahlen."
    linked_ = _link_with_candidates(extractor, text, [("Quorvex Energy", "ORG"), ("ZVRK", "ORG"), ("Berlin", "LOC")])
    assert linked_.candidates == []
    assert {m.text for m in linked_.mentions} == {"Quorvex Energy", "ZVRK", "Berlin"}


def test_function_words_and_other_labels(extractor):
    text = "Jeder Prototyp zählt. Statt dessen kam die Zellmesse Expo."
    linked_ = _link_with_candidates(extractor, text, [("Jeder Prototyp", "PER"), ("Statt", "ORG"),
                                                      ("Zellmesse Expo", "MISC")])
    assert linked_.mentions == []
    assert [(c.text, c.reason) for c in linked_.candidates] == [
        ("Jeder Prototyp", REASON_FUNCTION_WORD), ("Zellmesse Expo", REASON_LABEL)]  # "Statt" is no name at all

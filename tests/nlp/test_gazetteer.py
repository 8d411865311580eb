"""The gazetteer picks the same match whatever order its lookup tables come in."""

from __future__ import annotations

import os
import subprocess
import sys

import spacy

from topicgraph.knowledge.kb import default_kb
from topicgraph.nlp.gazetteer import CONFIDENCE_EXACT, CONFIDENCE_INFLECTED, Gazetteer
from topicgraph.nlp.normalize import split_pieces


def pieces_of(nlp, text: str) -> list:
    return [p for tok in nlp(text) for p in split_pieces(tok.text, tok.idx, tok.i)]


def test_exact_spelling_wins_over_an_inflected_label_in_any_table_order() -> None:
    nlp = spacy.blank("de")
    gazetteer = Gazetteer(default_kb(), nlp.tokenizer)
    pieces = pieces_of(nlp, "Elektroautos")
    # "Elektroautos" is spelled exactly as one label and is an inflection of another ("Elektroauto");
    # the word's lookup keys (a set) lead to both, in an order that changes with Python's hash seed
    patterns = [p for ps in gazetteer.by_first.values() for p in ps if p.raw in {("Elektroautos",), ("Elektroauto",)}]
    assert len({p.raw for p in patterns}) == 2
    keys_of = gazetteer._piece_keys
    found = []
    for reverse in (False, True):
        gazetteer._piece_keys = lambda piece: dict.fromkeys(sorted(keys_of(piece), reverse=reverse))
        matches = gazetteer.match_pieces(pieces)
        assert len(matches) == 1
        found.append((matches[0].iri, matches[0].confidence))
    assert found[0] == found[1]
    assert found[0][1] == CONFIDENCE_EXACT > CONFIDENCE_INFLECTED


def test_every_spelling_of_a_label_is_a_pattern_so_the_exact_one_can_win() -> None:
    nlp = spacy.blank("en")
    gazetteer = Gazetteer(default_kb(), nlp.tokenizer, language="en")
    raws = {p.raw for ps in gazetteer.by_first.values() for p in ps}
    # "data center" and "data centers" share their lookup keys; both are kept, not the one seen first
    assert {("data", "center"), ("data", "centers")} <= raws
    for text in ("data center", "data centers"):
        (match,) = gazetteer.match_pieces(pieces_of(nlp, text))
        assert match.confidence == CONFIDENCE_EXACT


def test_knowledge_base_and_gazetteer_do_not_depend_on_the_hash_seed() -> None:
    # extraction on another process (a Dask worker, --n-process) must give the same mentions and confidences
    script = ("import spacy; from topicgraph.knowledge.kb import default_kb; from topicgraph.nlp.gazetteer import Gazetteer; "
              "kb = default_kb(); g = Gazetteer(kb, spacy.blank('de').tokenizer); "
              "print([(l.text, l.iri) for l in kb.labels]); print(sorted(k for k in g.by_first)[:50]); "
              "print([[p.raw for p in g.by_first[k]] for k in sorted(g.by_first)])")
    outputs = {subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONHASHSEED": seed},
                              capture_output=True, text=True, check=True).stdout for seed in ("1", "2", "3")}
    assert len(outputs) == 1

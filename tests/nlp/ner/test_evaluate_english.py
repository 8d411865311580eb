"""eval-ner scores an English (OntoNotes) pipeline through the one label mapping (ner_labels.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.nlp.ner.evaluate import evaluate_ner
from topicgraph.nlp.models import installed_english_model

IOB = Path(__file__).resolve().parents[3] / "tests" / "data" / "english-ner.iob"  # sentences written for this test

pytestmark = pytest.mark.skipif(installed_english_model() is None, reason="no English spaCy pipeline installed")


def test_ontonotes_labels_are_scored_as_per_org_loc():
    report = evaluate_ner(IOB, installed_english_model())
    # without the mapping PERSON/GPE never equal PER/LOC and every label scores 0
    assert report["labels"]["PER"]["tp"] >= 5
    assert report["labels"]["LOC"]["tp"] >= 8
    assert report["overall"]["recall"] >= 0.7


def test_eval_ner_accepts_explosions_name_for_the_pinned_package():
    result = CliRunner().invoke(main, ["eval-ner", "--model", "en_core_web_sm", str(IOB)])
    assert result.exit_code == 0, result.output
    assert "overall" in result.output and "en_core_web_sm" in result.output

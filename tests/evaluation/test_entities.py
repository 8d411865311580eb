"""Issue 3: eval-entities (P/R/F1 per type) and the measured name-merge threshold."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main
from topicgraph.evaluation.entities import GoldError, Counts, read_gold, read_name_pairs, score, sweep_name_threshold
from topicgraph.knowledge.kb import default_kb
from topicgraph.namespaces import ENT, TECH
from topicgraph.nlp.linking import FUZZY_THRESHOLD

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("TOPICGRAPH_SHARED", REPO.parent / "shared"))


def test_scoring_counts_per_type_and_keeps_new_entities_apart():
    gold = {"a": {str(ENT.tesla), str(TECH.battery), str(ENT.nevada)}}
    predicted = {"a": {str(ENT.tesla), str(TECH.battery), str(ENT.bmw), str(ENT["brand-new-co"])}}
    report = score(gold, predicted, default_kb())
    overall = report.kb["overall"]
    assert (overall.tp, overall.fp, overall.fn) == (2, 1, 1)
    assert (report.kb["Place"].fn, report.kb["Organization"].fp) == (1, 1)
    assert report.strict["overall"].fp == 2  # the minted entity counts only in the strict figure
    assert report.new_entities == {"a": {str(ENT["brand-new-co"])}}


def test_counts_f1():
    assert Counts(tp=9, fp=1, fn=1).f1 == pytest.approx(0.9)


def test_gold_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "g.tsv"
    bad.write_text("article_id\tiri\nx\tnope:thing\n")
    with pytest.raises(GoldError, match=r"g.tsv:2: 'nope:thing'"):
        read_gold(bad)


def test_threshold_in_use_has_no_false_merge_on_the_labelled_pairs():
    pairs = read_name_pairs(REPO / "data" / "gold" / "name-pairs.tsv")
    (row,) = sweep_name_threshold(pairs, [FUZZY_THRESHOLD])
    assert row.counts.fp == 0 and row.counts.recall >= 0.9
    (lower,) = sweep_name_threshold(pairs, [FUZZY_THRESHOLD - 1])
    assert lower.counts.fp > 0  # the threshold is the lowest one without a false merge


@pytest.mark.slow
def test_sample_corpus_reaches_target_f1_gazetteer_only():
    result = CliRunner().invoke(main, ["eval-entities", str(REPO / "data/gold/sample-entities.tsv"), "--model", "none"])
    assert result.exit_code == 0, result.output
    overall = next(line for line in result.output.splitlines() if line.startswith("overall"))
    assert float(overall.split()[3]) >= 0.90


@pytest.mark.shared
@pytest.mark.slow
def test_seed_articles_reach_target_f1():
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"shared seeds not found at {seeds} (set TOPICGRAPH_SHARED)")
    result = CliRunner().invoke(main, ["eval-entities", str(REPO / "data/gold/seeds-entities.tsv"),
                                       "--corpus", str(seeds), "--model", "none"])
    assert result.exit_code == 0, result.output
    overall = next(line for line in result.output.splitlines() if line.startswith("overall"))
    assert float(overall.split()[3]) >= 0.90

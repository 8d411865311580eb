"""evaluate_ner: exact outer-level span match, hand-computed P/R/F1 on a tiny file."""

import pytest
import spacy
from spacy.language import Language

from topicgraph.nlp.ner.evaluate import evaluate_ner, f1_interval, format_report, read_iob_file

# Fake "model": a component that tags fixed token spans, so the scores are known.
PRED = {
    # sentence 1 gold: PER "Anna Schmidt", ORG "Siemens", LOC "München"
    ("Anna", "Schmidt", "arbeitet", "bei", "Siemens", "in", "München", "."):
        [(0, 2, "PER"), (4, 5, "ORG"), (6, 7, "PER")],   # PER ok, ORG ok, München wrong label
    # sentence 2 gold: ORG "Deutsche Bank" (outer), OTH and LOCderiv are O
    ("Die", "Deutsche", "Bank", "sponsert", "den", "DFB-Pokal", "der", "deutschen", "Liga", "."):
        [(1, 2, "ORG"), (5, 6, "ORG")],                  # partial span (wrong), spurious ORG
}


@Language.component("fixed_ents_for_test")
def fixed_ents(doc):
    spans = PRED.get(tuple(t.text for t in doc), [])
    doc.ents = [doc.char_span(doc[a].idx, doc[b - 1].idx + len(doc[b - 1]), label=lab) for a, b, lab in spans]
    return doc


GERMEVAL_FILE = (
    "#\thttp://example.org/1\t[2024-01-01]\n"
    "1\tAnna\tB-PER\tO\n2\tSchmidt\tI-PER\tO\n3\tarbeitet\tO\tO\n4\tbei\tO\tO\n"
    "5\tSiemens\tB-ORG\tO\n6\tin\tO\tO\n7\tMünchen\tB-LOC\tO\n8\t.\tO\tO\n\n"
    "#\thttp://example.org/2\t[2024-01-01]\n"
    "1\tDie\tO\tO\n2\tDeutsche\tB-ORG\tB-LOCderiv\n3\tBank\tI-ORG\tO\n4\tsponsert\tO\tO\n5\tden\tO\tO\n"
    "6\tDFB-Pokal\tB-OTH\tB-ORGpart\n7\tder\tO\tO\n8\tdeutschen\tB-LOCderiv\tO\n9\tLiga\tO\tO\n10\t.\tO\tO\n\n"
)


def _nlp():
    nlp = spacy.blank("de")
    nlp.add_pipe("fixed_ents_for_test")
    return nlp


def _check(rep):
    L = rep["labels"]
    # PER: tp 1 (Anna Schmidt), fp 1 (München as PER) -> P .5 R 1 F .6667
    assert (L["PER"]["tp"], L["PER"]["fp"], L["PER"]["fn"]) == (1, 1, 0)
    assert L["PER"]["precision"] == pytest.approx(0.5) and L["PER"]["recall"] == 1.0
    assert L["PER"]["f1"] == pytest.approx(2 / 3)
    # ORG: tp 1 (Siemens), fp 2 (Deutsche, DFB-Pokal), fn 1 (Deutsche Bank) -> P 1/3 R 1/2 F .4
    assert (L["ORG"]["tp"], L["ORG"]["fp"], L["ORG"]["fn"]) == (1, 2, 1)
    assert L["ORG"]["f1"] == pytest.approx(0.4)
    # LOC: fn 1 (München) -> all 0
    assert (L["LOC"]["tp"], L["LOC"]["fp"], L["LOC"]["fn"]) == (0, 0, 1)
    assert L["LOC"]["f1"] == 0.0
    # overall: tp 2, fp 3, fn 2 -> P .4 R .5 F 4/9
    o = rep["overall"]
    assert (o["tp"], o["fp"], o["fn"]) == (2, 3, 2)
    assert o["precision"] == pytest.approx(0.4) and o["recall"] == pytest.approx(0.5)
    assert o["f1"] == pytest.approx(4 / 9)
    assert rep["sentences"] == 2 and rep["words"] == 18 and rep["words_per_second"] > 0


def test_germeval_format(tmp_path):
    p = tmp_path / "gold.tsv"
    p.write_text(GERMEVAL_FILE, encoding="utf-8")
    rep = evaluate_ner(p, _nlp())
    _check(rep)
    text = format_report(rep)
    assert "overall" in text and "0.4444" in text and "words/s" in text
    low, high = rep["overall"]["f1_interval"]
    assert 0.0 <= low <= 4 / 9 <= high <= 1.0 and low < high  # two sentences of different quality
    assert f"overall F1 95% interval {low:.4f} .. {high:.4f}" in text


def test_f1_interval_resamples_sentences():
    right, wrong = [(0, 1, "PER")], [(1, 2, "PER")]
    # every sentence alike: every resample has the same F1
    assert f1_interval([right] * 50, [right] * 50) == (1.0, 1.0)
    # half the sentences right, half wrong: F1 0.5, and resampling moves it both ways
    gold, pred = [right] * 100, [right] * 50 + [wrong] * 50
    low, high = f1_interval(gold, pred)
    assert 0.35 < low < 0.5 < high < 0.65
    assert f1_interval(gold, pred) == (low, high)  # fixed seed
    # labels outside PER/ORG/LOC are not scored
    assert f1_interval([[(0, 1, "OTH")]] * 3, [[]] * 3) == (0.0, 0.0)


def test_two_column_format_same_scores(tmp_path):
    rows = []
    for line in GERMEVAL_FILE.splitlines():
        if line.startswith("#"):
            continue
        if not line:
            rows.append("")
            continue
        _, tok, outer, _ = line.split("\t")
        rows.append(f"{tok}\t{outer}")
    p = tmp_path / "gold.iob"
    p.write_text("\n".join(rows) + "\n", encoding="utf-8")
    _check(evaluate_ner(p, _nlp()))


def test_hash_token_in_two_column_file(tmp_path):
    p = tmp_path / "hash.iob"
    p.write_text("#\tO\nBerlin\tB-LOC\n\n", encoding="utf-8")
    assert read_iob_file(p) == [(["#", "Berlin"], ["O", "B-LOC"])]


def test_eval_ner_cli_scores_a_named_corpus_of_the_shared_folder(tmp_path):
    """``eval-ner --corpus smartdata-v3 --shared DIR`` reads SmartData v3 dev+test from DIR/data/smartdata."""
    import gzip
    import json

    from click.testing import CliRunner

    from topicgraph.cli import main

    text = "Bosch baut in Reutlingen ."
    words = [(0, 5, "B-ORGANIZATION_COMPANY"), (6, 10, "O"), (11, 13, "O"), (14, 24, "B-LOCATION_CITY"), (25, 26, "O")]
    doc = {"id": "d", "text": {"string": text}, "sentences": {"array": [{"tokens": {"array": [
        {"span": {"start": a, "end": b}, "ner": {"string": t}} for a, b, t in words]}}]}}
    folder = tmp_path / "data" / "smartdata"
    folder.mkdir(parents=True)
    for split in ("dev", "test"):
        with gzip.open(folder / f"v3_20200302_{split}.json.gz", "wt", encoding="utf-8") as f:
            f.write(json.dumps(doc))
    runner = CliRunner()
    result = runner.invoke(main, ["eval-ner", "--corpus", "smartdata-v3", "--shared", str(tmp_path)])
    assert result.exit_code == 0, result.output
    gold = {line.split()[0]: int(line.split()[4]) for line in result.output.splitlines()
            if len(line.split()) == 6 and line.split()[0] in ("PER", "ORG", "LOC", "overall")}
    assert gold == {"PER": 0, "ORG": 2, "LOC": 2, "overall": 4}  # one sentence in each split
    assert "2 sentences" in result.output

    unknown = runner.invoke(main, ["eval-ner", "--corpus", "nope", "--shared", str(tmp_path)])
    assert unknown.exit_code == 2 and "unknown evaluation corpus 'nope'" in unknown.output
    missing = runner.invoke(main, ["eval-ner", "--corpus", "heldout", "--shared", str(tmp_path)])
    assert missing.exit_code == 1 and "heldout: shared data not found" in missing.output
    assert "Traceback" not in missing.output

"""Issue 17 end to end: ingest resolves later articles' names in earlier ones; `topicgraph resolve`
resolves a store built without resolution (no re-extraction); `curate split`; `eval-resolution`."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from topicgraph.cli import main

SURNAME_FIRST = """---
title: Turnier in Texas
id: t1
date: 2024-03-01
---
Ramirez gewann am Sonntag das Turnier in Houston. Ramirez spielte stark, sagte ihr Trainer.
"""
FULL_NAME_LATER = """---
title: Die Siegerin
id: t2
date: 2024-03-02
---
Die Golferin Carla Ramirez aus Florida ist die neue Nummer eins der Welt.
"""
ACRONYM_FIRST = """---
title: Warnung vor Engpässen
id: t3
date: 2024-03-03
---
Die NGA warnt vor knappen Reserven. Die NGA will im Herbst neue Zahlen vorlegen.
"""
LONG_FORM_LATER = """---
title: Neue Studie
id: t4
date: 2024-03-04
---
Die Nordische Gezeitenagentur (NGA) hat in Oslo eine Studie vorgestellt.
"""


def run(store: Path, *args: str, ok: bool = True) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result.output


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def entities_of(store: Path, article: str) -> set[str]:
    out = run(store, "query", f'SELECT ?e WHERE {{ ?a tg:articleId "{article}" ; tg:mentions ?e }}', "--format", "csv")
    return set(out.split()[1:])


@pytest.mark.slow
def test_later_articles_resolve_earlier_ones_at_ingest(tmp_path):
    store, src = tmp_path / "store", tmp_path / "src"
    run(store, "ingest", "--no-bulk", str(write(src, "t1.md", SURNAME_FIRST)), str(write(src, "t3.md", ACRONYM_FIRST)))
    assert "https://w3id.org/topicgraph/entity/ramirez" in entities_of(store, "t1")
    run(store, "ingest", "--no-bulk", str(write(src, "t2.md", FULL_NAME_LATER)), str(write(src, "t4.md", LONG_FORM_LATER)))
    assert entities_of(store, "t1") >= {"https://w3id.org/topicgraph/entity/carla-ramirez"}
    assert "https://w3id.org/topicgraph/entity/ramirez" not in entities_of(store, "t1")
    assert entities_of(store, "t3") == {"https://w3id.org/topicgraph/entity/nordische-gezeitenagentur"}
    shown = run(store, "article", "t1")
    assert "short-name" in shown and "Carla Ramirez" in shown
    assert "acronym" in run(store, "entities", "--resolution")
    assert "0 violations" in run(store, "check")  # shapes hold and the derived counts match a recount
    # an editor undoes the surname merge: two nodes again, and a re-run of resolve keeps them apart
    out = run(store, "curate", "split", "Ramirez", "--by", "ed", "--why", "another player")
    assert "1 article(s) rewritten" in out
    assert "https://w3id.org/topicgraph/entity/ramirez" in entities_of(store, "t1")
    assert "0 merge(s)" in run(store, "resolve")
    assert "https://w3id.org/topicgraph/entity/ramirez" in entities_of(store, "t1")


@pytest.mark.slow
def test_a_store_built_before_resolution_is_resolved_without_re_extraction(tmp_path):
    from topicgraph.pipeline.ingest import ingest
    from topicgraph.nlp import Extractor
    from topicgraph.nlp.linking import EntityLinker
    from topicgraph.store import open_store

    store, src = tmp_path / "store", tmp_path / "src"
    files = [write(src, "t1.md", SURNAME_FIRST), write(src, "t2.md", FULL_NAME_LATER)]
    EntityLinker.resolution = False  # as before issue 17: no resolution stage at all
    try:
        db = open_store(str(store))
        ingest(files, db, extractor=Extractor(), resolve=False)
        db.close()
    finally:
        EntityLinker.resolution = True
    for path in files:
        path.unlink()  # nothing can be extracted again
    assert "https://w3id.org/topicgraph/entity/ramirez" in entities_of(store, "t1")
    dry = run(store, "resolve", "--dry-run")
    assert "short-name" in dry and "dry run" in dry
    assert "https://w3id.org/topicgraph/entity/ramirez" in entities_of(store, "t1")
    out = run(store, "resolve")
    assert "1 merge(s)" in out
    assert entities_of(store, "t1") >= {"https://w3id.org/topicgraph/entity/carla-ramirez"}
    assert "https://w3id.org/topicgraph/entity/ramirez" not in entities_of(store, "t1")
    assert "0 violations" in run(store, "check")


def test_eval_resolution_scores_a_small_gold(tmp_path):
    corpus = tmp_path / "corpus"
    write(corpus, "t1.md", SURNAME_FIRST)
    write(corpus, "t2.md", FULL_NAME_LATER)
    body1 = SURNAME_FIRST.split("---\n", 2)[2].strip()
    body2 = FULL_NAME_LATER.split("---\n", 2)[2].strip()
    rows = ["article_id\tstart\tend\tcluster"]
    for article, body, name in (("t1", body1, "Ramirez"), ("t2", body2, "Carla Ramirez")):
        start = -1
        while (start := body.find(name, start + 1)) >= 0:
            rows.append(f"{article}\t{start}\t{start + len(name)}\tramirez")
    start = body1.find("Houston")
    rows.append(f"t1\t{start}\t{start + 7}\thouston")
    gold = write(tmp_path, "gold.tsv", "\n".join(rows) + "\n")
    out = run(tmp_path / "unused", "eval-resolution", str(gold), "--corpus", str(corpus))
    assert "B-cubed P 1.000  R 1.000  F1 1.000" in out
    assert "split  0/2" in out


def test_eval_resolution_bad_gold_is_one_line(tmp_path):
    gold = write(tmp_path, "gold.tsv", "t1\tx\t5\tramirez\n")
    out = run(tmp_path, "eval-resolution", str(gold), "--corpus", str(tmp_path), ok=False)
    assert out.strip().splitlines() == [f"Error: {gold}:1: start and end must be whole numbers"]
    gold = write(tmp_path, "gold2.tsv", "nope\t1\t5\tramirez\n")
    out = run(tmp_path, "eval-resolution", str(gold), "--corpus", str(tmp_path), ok=False)
    assert "gold articles not in the corpus: nope" in out and "Traceback" not in out


def test_score_clustering_counts_split_and_merged():
    from topicgraph.evaluation.resolution import GoldMention, score_clustering

    gold = [GoldMention("a", 0, 5, "x"), GoldMention("b", 0, 5, "x"), GoldMention("a", 10, 15, "y")]
    system = {"a": [(0, 5, "n1"), (10, 15, "n1")], "b": [(0, 5, "n2")]}
    scores, _ = score_clustering(gold, system)
    assert (scores.split, scores.split_of, scores.merged, scores.merged_of) == (1, 2, 1, 2)
    # B-cubed by hand: P = (1/2 + 1 + 1/2) / 3, R = (1/2 + 1/2 + 1) / 3
    assert scores.precision == pytest.approx(2 / 3) and scores.recall == pytest.approx(2 / 3)

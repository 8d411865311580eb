"""``extract`` (no store) + ``load`` builds the same graph as ``ingest``; extraction files round-trip exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from topicgraph.pipeline.extract import extract_to_file
from topicgraph.pipeline.extractions import (
    ExtractionFileError, extraction_from_json, extraction_to_json, read_extractions,
)
from topicgraph.pipeline.run import ingest_archive, load_extractions
from topicgraph.sources import read_articles

from tests.conftest import SAMPLE
from tests.pipeline.test_ingest import named_quads


@pytest.fixture(scope="module")
def ingested(tmp_path_factory) -> set[str]:
    """The sample ingested article by article (shipped NER) into an embedded store."""
    store = tmp_path_factory.mktemp("ingested") / "store"
    ingest_archive([SAMPLE], store, bulk=False)
    return named_quads(store)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("extracted") / "sample.jsonl"
    report = extract_to_file([SAMPLE], path)
    assert len(report.added) == 18 and not report.problems
    return path


def test_an_extraction_survives_the_json_round_trip(extractor):
    articles = [a for a in read_articles([SAMPLE]) if hasattr(a, "id")]
    extractions = list(extractor.extract_all(articles))
    assert any(e.candidates for e in extractions) and any(e.relations for e in extractions)
    for extraction in extractions:
        assert extraction_from_json(json.loads(json.dumps(extraction_to_json(extraction)))) == extraction


def test_extract_then_load_equals_ingest(tmp_path, ingested, extracted):
    one_by_one, bulk = tmp_path / "one-by-one", tmp_path / "bulk"
    (one_by_one / "oxigraph").mkdir(parents=True)  # exists: article by article
    report = load_extractions([extracted], one_by_one)
    assert len(report.added) == 18 and report.related > 0
    assert named_quads(one_by_one) == ingested
    load_extractions([extracted], bulk)  # new store: bulk loader
    assert named_quads(bulk) == ingested
    again = load_extractions([extracted], one_by_one)
    assert not again.written and len(again.unchanged) == 18


def test_extraction_is_deterministic_and_shards_partition_the_articles(tmp_path, extracted):
    again = tmp_path / "again.jsonl"
    extract_to_file([SAMPLE], again)
    assert again.read_bytes() == extracted.read_bytes()
    shards = [tmp_path / f"part-{k}.jsonl" for k in (1, 2, 3)]
    for k, path in enumerate(shards, start=1):
        extract_to_file([SAMPLE], path, model="none", shard=(k, 3))
    ids = [[e.article.id for e in read_extractions(p)] for p in shards]
    everything = [e.article.id for e in read_extractions(extracted)]
    assert sorted(sum(ids, [])) == sorted(everything) and all(len(part) == 6 for part in ids)


def test_load_refuses_a_broken_file_or_another_knowledge_base(tmp_path, extracted):
    broken = tmp_path / "broken.jsonl"
    lines = extracted.read_text(encoding="utf-8").splitlines()
    broken.write_text("\n".join([lines[0], lines[1], '{"article": {}}']) + "\n", encoding="utf-8")
    report = load_extractions([broken], "memory")  # the broken line is reported, the good one loaded
    assert len(report.added) == 1 and [str(p) for p in report.problems] == [
        f"{broken}:3: not a valid extraction (missing field 'entities'); skipped"]
    other = tmp_path / "other.jsonl"
    header = json.loads(lines[0]) | {"kb": "0000000000000000"}
    other.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(ExtractionFileError, match=r"other\.jsonl: extracted with knowledge base 0000000000000000"):
        load_extractions([other], "memory")
    with pytest.raises(ExtractionFileError, match="not an extraction file"):
        load_extractions([SAMPLE / "articles.jsonl"], "memory")


def test_authors_and_topics_survive_the_json_round_trip():
    import datetime as dt

    from topicgraph.model import Article, Extraction
    from topicgraph.pipeline.extractions import extraction_from_json, extraction_to_json

    original = Extraction(Article("a-1", "Titel", "Text.", date=dt.date(2024, 1, 2), authors=("Anna Berger",)),
                          topics=("https://w3id.org/topicgraph/concept/wohnbau",))
    assert extraction_from_json(extraction_to_json(original)) == original

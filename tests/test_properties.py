"""Property-based tests: sources and extraction never raise on arbitrary input, and every mention's
offsets slice exactly its surface text from the article body."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from topicgraph.graph.article import article_graph
from topicgraph.model import Article, SourceProblem
from topicgraph.nlp import Extractor
from topicgraph.sources import decode_bytes, read_file, repair_text, SourceError
from topicgraph.store import OxigraphStore

SUFFIXES = [".md", ".txt", ".html", ".jsonl", ".text"]
#: Names the gazetteer knows, mixed into generated text so that mentions are actually found.
KNOWN = ["Redwood Materials", "General Motors", "Norsk Hydro", "Nevada", "Batterie", "Wasserstoff", "GM", "KI"]

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.one_of(st.sampled_from(KNOWN), st.text(min_size=1, max_size=12))
prose = st.lists(st.tuples(words, st.sampled_from([" ", ". ", ", ", "\n", "\n\n", "-", "", "'s "])),
                 min_size=1, max_size=40).map(lambda parts: "".join(w + sep for w, sep in parts))
markup = st.sampled_from(["---\ntitle: x\ndate: 2024-02-30\n---\n", "---\n: [\n---\n", "<html><body><p>", "</p>",
                          "{\"id\": 1, \"body\": \"", "\"}\n", "# ", "> ", "- ", "{{< figure caption=\"a\" >}}",
                          "\x00", "\ufeff", "Ã¼", "√§", "<div>" * 30])
documents = st.lists(st.one_of(prose, markup), min_size=0, max_size=8).map("".join)

_EXTRACTORS: dict[str | None, Extractor] = {}


def extractor(model: str | None) -> Extractor:
    if model not in _EXTRACTORS:
        _EXTRACTORS[model] = Extractor(model=model)
    return _EXTRACTORS[model]


@FAST
@given(raw=st.binary(max_size=2000), suffix=st.sampled_from(SUFFIXES))
def test_read_file_never_raises_on_arbitrary_bytes(raw: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"x{suffix}"
        path.write_bytes(raw)
        for item in read_file(path):
            assert isinstance(item, (Article, SourceProblem))
            if isinstance(item, SourceProblem):
                assert str(path) in str(item)


@FAST
@given(text=documents, suffix=st.sampled_from(SUFFIXES), encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_read_file_never_raises_on_arbitrary_documents(text: str, suffix: str, encoding: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / f"x{suffix}"
        path.write_bytes(text.encode(encoding, errors="replace"))
        for item in read_file(path):
            assert isinstance(item, (Article, SourceProblem))
            if isinstance(item, Article):
                assert item.body.strip() and item.id
                item.content_hash  # every field encodes as UTF-8


@FAST
@given(raw=st.binary(max_size=500))
def test_decode_bytes_returns_text_or_a_source_error(raw: bytes) -> None:
    try:
        text = decode_bytes(raw, [])
    except SourceError:
        return
    assert isinstance(repair_text(text, []), str)


def _check_extraction(body: str, model: str | None) -> None:
    article = Article(id="p", title=body[:40] or "t", body=body, language="de")
    extraction = extractor(model).extract(article)
    for mention in extraction.mentions:
        assert 0 <= mention.start < mention.end <= len(body)
        assert body[mention.start:mention.end] == mention.text
        assert mention.entity_iri in extraction.entities or mention.entity_iri.startswith("https://w3id.org/")
    OxigraphStore(None).replace_graph(*article_graph(extraction))  # and the store accepts what it produced


@FAST
@given(body=prose.filter(lambda b: b.strip()))
def test_gazetteer_extraction_never_raises_and_offsets_slice_the_surface_text(body: str) -> None:
    _check_extraction(body, "none")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=prose.filter(lambda b: b.strip()))
def test_default_extraction_never_raises_and_offsets_slice_the_surface_text(body: str) -> None:
    _check_extraction(body, None)


@FAST
@given(text=documents)
def test_extraction_of_whatever_sources_make_keeps_offsets(text: str) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "x.md"
        path.write_text(text, encoding="utf-8", errors="replace")
        for item in read_file(path):
            if isinstance(item, Article):
                _check_extraction(item.body, "none")

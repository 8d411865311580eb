"""Long texts go through the pipeline in chunks and every offset still points at its words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topicgraph.model import Article
from topicgraph.nlp.chunking import split_text

PARAGRAPH = ("Redwood Materials baut in Nevada eine Anlage für das Batterie-Recycling. General Motors liefert "
             "Zellen aus Ohio, und JB Straubel spricht von Second-Life-Speichern für das Netz.")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .\n\t!"), max_size=400), st.integers(min_value=1, max_value=60))
def test_split_text_joins_back_and_respects_the_limit(text: str, limit: int) -> None:
    pieces = split_text(text, limit)
    assert "".join(pieces) == text
    assert all(len(p) <= limit for p in pieces)
    assert all(pieces[:-1])  # no empty piece before the last


def test_split_prefers_paragraphs_then_sentences() -> None:
    text = "Eins zwei drei.\n\nVier fünf. Sechs sieben acht neun zehn."
    assert split_text(text, 20) == ["Eins zwei drei.\n\n", "Vier fünf. ", "Sechs sieben acht ", "neun zehn."]


@pytest.mark.slow
def test_two_million_character_article_keeps_every_offset() -> None:
    from topicgraph.nlp import Extractor

    paragraphs = [f"Absatz {n}. {PARAGRAPH}" for n in range(2_000_000 // (len(PARAGRAPH) + 12) + 1)]
    body = "\n\n".join(paragraphs)
    assert len(body) >= 2_000_000
    extraction = Extractor(model="none").extract(Article(id="lang", title="Ein langer Text", body=body))
    mentions = extraction.mentions
    assert mentions, "nothing found"
    for m in mentions:
        assert body[m.start:m.end] == m.text
    # found all the way through (the last chunk too), once per paragraph for each name
    assert max(m.start for m in mentions) > len(body) - len(PARAGRAPH) - 20
    redwood = [m for m in mentions if m.text == "Redwood Materials"]
    assert len(redwood) == len(paragraphs)

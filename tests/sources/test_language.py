"""Language per article: the declared ``lang`` first, else detection (texts written for these tests)."""

from __future__ import annotations

import pytest

from topicgraph.sources.language import article_language, detect_language
from topicgraph.sources import read_articles

GERMAN = [
    "Die Stadtwerke bauen einen neuen Batteriespeicher am Hafen.",
    "Nach der Insolvenz sucht der Verwalter einen Käufer für das Werk.",
    "Wie viel Strom brauchen Rechenzentren im Winter?",
    "Der Vorstand will die Fabrik im nächsten Jahr erweitern.",
]
ENGLISH = [
    "The utility is building a new battery storage system at the port.",
    "After the bankruptcy, the trustee is looking for a buyer for the plant.",
    "How much power do data centers need in winter?",
    "The board wants to expand the factory next year.",
]


@pytest.mark.parametrize("text", GERMAN)
def test_short_german_is_german(text):
    assert detect_language(text) == "de"


@pytest.mark.parametrize("text", ENGLISH)
def test_short_english_is_english(text):
    assert detect_language(text) == "en"


def test_declared_language_comes_first():
    assert article_language("de", ENGLISH[0]) == "de"
    assert article_language("en-GB", GERMAN[0]) == "en"
    assert article_language("English", GERMAN[0]) == "en"


def test_undeclared_or_unsupported_language_is_detected():
    assert article_language(None, ENGLISH[1]) == "en"
    assert article_language("", GERMAN[1]) == "de"
    assert article_language("fr", ENGLISH[2]) == "en"  # no French pipeline: read with the detected one


def test_text_without_letters_falls_back_to_german():
    assert detect_language("2025 – 42 % / 17") == "de"
    assert detect_language("") == "de"


def test_article_without_lang_is_detected(tmp_path):
    (tmp_path / "no-lang.md").write_text(
        "---\ntitle: A plant for the port\n---\n\n" + " ".join(ENGLISH) + "\n", encoding="utf-8")
    (tmp_path / "declared.md").write_text(
        "---\ntitle: Ein Speicher\nlang: de\n---\n\n" + " ".join(GERMAN) + "\n", encoding="utf-8")
    (tmp_path / "plain.txt").write_text("Ein Speicher für den Hafen\n\n" + " ".join(GERMAN) + "\n", encoding="utf-8")
    languages = {a.id: a.language for a in read_articles([tmp_path]) if hasattr(a, "language")}
    assert languages == {"no-lang": "en", "declared": "de", "plain": "de"}

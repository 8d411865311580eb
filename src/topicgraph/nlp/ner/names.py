"""A lexicon of capitalised German word forms that the NER training corpora tag as names.

The statistical NER tags many capitalised German common nouns as names ("Kobalt",
"Machtwechsel", "Bestandsanlagen"). When such a span is an unknown one-word name mentioned once,
the linker needs other evidence before it makes it an entity (:mod:`topicgraph.nlp.linking`); one
piece of evidence is this lexicon: word forms that the hand-labelled and silver corpora use as
(part of) a PER/ORG/LOC name at least ``MIN_AS_NAME`` times and at least twice as often as outside
a name ("Spanien", "Detroit", "Bundesnetzagentur"). It holds word forms only (facts, no text).

A second list, ``given_names.txt``, holds the word forms that those corpora's person names use before
their last word at least ``MIN_AS_NAME`` times and at least twice as often as last or alone ("Erwin",
"Hans", "Tayyip"; not "Pröll", "Sobotka"): span clean-up uses it to tell a first name from the surname of a
second person where the NER ran two names together ("Erwin Pröll Mitterlehner").

Rebuild it (needs ``../shared/data``): ``python -m topicgraph.nlp.ner.names``.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

NAME_LEXICON_PATH = Path(__file__).parent / "known_names.txt"
GIVEN_NAMES_PATH = Path(__file__).parent / "given_names.txt"
#: Labelled corpora whose counts make the word lists (the shippable ones; of GermEval only its
#: training part, never the heldout/select parts). Also used by the NER's common-word filter.
LEXICON_CORPORA = ("germeval", "wikiann", "wikiann-dev", "ler", "smartdata", "mobie")
MIN_AS_NAME = 2
HEADER = ("# topicgraph name lexicon: capitalised word forms used as (part of) a PER/ORG/LOC name at least "
          "{min} times and at least twice as often as outside one, counted in: {corpora}.\n"
          "# Derived from GermEval 2014 (CC BY 4.0), DFKI SmartData (CC BY 4.0), MobIE (CC BY 4.0), German LER "
          "(CC BY 4.0) and WikiANN (CC BY-SA 3.0); this list: CC BY-SA 4.0. Rebuild: python -m topicgraph.nlp.ner.names\n")


def count_name_forms(sentences: Iterable[tuple[list[str], list[str]]]) -> tuple[Counter, Counter]:
    """Per capitalised word form: how often it is inside a name, and how often outside one."""
    inside, outside = Counter(), Counter()
    for tokens, tags in sentences:
        for token, tag in zip(tokens, tags):
            if token[:1].isupper():
                (outside if tag == "O" else inside)[token] += 1
    return inside, outside


def select_names(inside: Counter, outside: Counter, min_as_name: int = MIN_AS_NAME) -> list[str]:
    """Word forms mostly used as names (sorted)."""
    return sorted(w for w, n in inside.items() if n >= min_as_name and n >= 2 * outside[w])


def count_given_forms(sentences: Iterable[tuple[list[str], list[str]]]) -> tuple[Counter, Counter]:
    """Per capitalised word form of a person's name: how often it comes before the name's last word, and
    how often it is the last word or the whole name."""
    from .corpora import bio_spans

    before_last, last = Counter(), Counter()
    for tokens, tags in sentences:
        for start, end, label in bio_spans(tags):
            if label != "PER":
                continue
            words = [t for t in tokens[start:end] if t[:1].isupper() and t.replace("-", "").isalpha()]
            for word in words[:-1]:
                before_last[word] += 1
            if words:
                last[words[-1]] += 1
    return before_last, last


def lexicon_sentences(shared_dir=None, corpora: Iterable[str] = LEXICON_CORPORA) -> list:
    """The labelled corpora the word lists are counted in (all but GermEval harmonised, as for training)."""
    from .corpora import harmonize, load_corpus

    sentences: list = []
    for name in corpora:
        sents = load_corpus(name, shared_dir)
        sentences.extend(sents if name == "germeval" else harmonize(sents))
    return sentences


def build_name_lexicon(path: Path = NAME_LEXICON_PATH, shared_dir=None,
                       corpora: Iterable[str] = LEXICON_CORPORA) -> int:
    """Count the corpora and write the lexicon; returns its number of word forms."""
    corpora = tuple(corpora)
    words = select_names(*count_name_forms(lexicon_sentences(shared_dir, corpora)))
    path.write_text(HEADER.format(min=MIN_AS_NAME, corpora=", ".join(corpora)) + "\n".join(words) + "\n",
                    encoding="utf-8")
    return len(words)


def build_given_names(path: Path = GIVEN_NAMES_PATH, shared_dir=None,
                      corpora: Iterable[str] = LEXICON_CORPORA) -> int:
    """Count the corpora and write the given-name list; returns its number of word forms."""
    corpora = tuple(corpora)
    words = select_names(*count_given_forms(lexicon_sentences(shared_dir, corpora)))
    header = HEADER.replace("used as (part of) a PER/ORG/LOC name", "used before the last word of a PER name").replace(
        "as outside one", "as its last word or alone")
    path.write_text(header.format(min=MIN_AS_NAME, corpora=", ".join(corpora)) + "\n".join(words) + "\n",
                    encoding="utf-8")
    return len(words)


@lru_cache(maxsize=4)
def load_name_lexicon(path: Path = NAME_LEXICON_PATH) -> frozenset[str]:
    """The shipped lexicon (empty if the file is missing)."""
    if not path.is_file():
        return frozenset()
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines()
                     if line.strip() and not line.startswith("#"))


def load_given_names(path: Path = GIVEN_NAMES_PATH) -> frozenset[str]:
    """The shipped given-name list (empty if the file is missing)."""
    return load_name_lexicon(path)


def main(argv: list[str] | None = None) -> int:
    """Rebuild the shipped lists from ``$TOPICGRAPH_SHARED/data`` or ``../shared/data``."""
    n = build_name_lexicon()
    print(f"{n} word forms -> {NAME_LEXICON_PATH}")
    n = build_given_names()
    print(f"{n} word forms -> {GIVEN_NAMES_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

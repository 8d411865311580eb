"""Post-filter of the NER: drop one-token entities that are common German nouns.

German capitalises every noun, so the model's most frequent false positives are single
capitalised common nouns (*Rathaus*, *Batterie*) and hyphenated compounds whose head is
one (*EU-Haushalt*, *Bahn-Streik*: GermEval calls these ``*part``, i.e. not a name). The
filter holds a list of *common words*: capitalised tokens seen at least ``min_count`` times
in the NER training corpora and inside an entity at most ``max_share`` of the time. A
predicted one-token entity is dropped if the token, or the part after its last hyphen, is
such a word. Multi-token entities are never touched.

The component ``topicgraph_ner_filter`` runs after ``ner``; the word list is saved with the
pipeline (``topicgraph_ner_filter/common_words.txt``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from .corpora import Sentence

FILTER_NAME = "topicgraph_ner_filter"
_WORDS_FILE = "common_words.txt"


def common_words(sentences: Iterable[Sentence], min_count: int = 2, max_share: float = 0.1) -> set[str]:
    """Capitalised tokens seen ``>= min_count`` times, inside an entity at most ``max_share`` of the time."""
    from .names import count_name_forms  # imported here: `python -m topicgraph.nlp.ner.names` runs that module

    inside, outside = count_name_forms(sentences)
    words = set()
    for word in outside.keys() | inside.keys():
        total = outside[word] + inside[word]
        if total >= min_count and inside[word] <= max_share * total:
            words.add(word)
    return words


def corpus_common_words(shared_dir=None, min_count: int = 2, max_share: float = 0.1,
                        corpora: Iterable[str] | None = None) -> set[str]:
    """:func:`common_words` of the labelled corpora (:func:`~topicgraph.nlp.ner.names.lexicon_sentences`;
    default: ``LEXICON_CORPORA``)."""
    from .names import LEXICON_CORPORA, lexicon_sentences

    return common_words(lexicon_sentences(shared_dir, corpora or LEXICON_CORPORA), min_count, max_share)


class NerFilter:
    """spaCy component: removes one-token entities that are common words (see module doc)."""

    def __init__(self, name: str = FILTER_NAME, words: Iterable[str] = ()) -> None:
        self.name = name
        self.words: set[str] = set(words)

    def is_common(self, span: Span) -> bool:
        if len(span) != 1:
            return False
        text = span.text
        if text in self.words:
            return True
        if "-" in text.strip("-"):
            return text.rsplit("-", 1)[1] in self.words
        return False

    def __call__(self, doc: Doc) -> Doc:
        if self.words and doc.ents:
            doc.ents = [e for e in doc.ents if not self.is_common(e)]
        return doc

    def to_disk(self, path, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / _WORDS_FILE).write_text("\n".join(sorted(self.words)) + "\n", encoding="utf-8")

    def from_disk(self, path, exclude=()) -> NerFilter:
        words_file = Path(path) / _WORDS_FILE
        if words_file.exists():
            self.words = {w for w in words_file.read_text(encoding="utf-8").splitlines() if w}
        return self


@Language.factory(FILTER_NAME, default_config={})
def make_ner_filter(nlp: Language, name: str) -> NerFilter:
    """Factory registered with spaCy: ``nlp.add_pipe("topicgraph_ner_filter", after="ner")``."""
    return NerFilter(name)


def add_filter(model_dir: str | Path, words: Iterable[str]) -> None:
    """Add (or replace) the filter with ``words`` in the saved pipeline ``model_dir``, in place."""
    import spacy

    nlp = spacy.load(model_dir)
    if FILTER_NAME in nlp.pipe_names:
        nlp.remove_pipe(FILTER_NAME)
    component = nlp.add_pipe(FILTER_NAME, after="ner")
    component.words = set(words)
    nlp.to_disk(model_dir)

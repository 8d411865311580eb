"""Long texts through a spaCy pipeline: cut into chunks (paragraphs, then sentences, then words) and joined
back into one Doc whose text is the original, so every character offset stays right."""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

#: Texts longer than this are processed in chunks of at most this many characters (spaCy's NER needs
#: about 1 GB of memory per 100,000 characters of one Doc; its own hard limit is ``nlp.max_length``).
CHUNK_CHARS = 100_000

_PARAGRAPH_END = re.compile(r"\n[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"[.!?…][\"'”“»«)\]]*\s+")
_WHITESPACE = re.compile(r"\s+")


def chunk_limit(nlp: Language, chunk_chars: int = CHUNK_CHARS) -> int:
    """Longest text processed in one piece by ``nlp``."""
    return max(1, min(nlp.max_length, chunk_chars))


def _cuts(text: str, start: int, end: int, pattern: re.Pattern[str]) -> list[int]:
    return [m.end() for m in pattern.finditer(text, start, end) if m.end() < end]


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``limit`` characters whose concatenation is ``text``:
    cut after paragraph breaks where possible, else after sentence ends, else after any whitespace,
    else (a word longer than ``limit``) anywhere."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        cut = 0
        for pattern in (_PARAGRAPH_END, _SENTENCE_END, _WHITESPACE):
            found = _cuts(text, start, end + 1, pattern)
            if found and found[-1] > start:
                cut = found[-1]
                break
        cut = cut if start < cut <= end else end
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces


def long_doc(nlp: Language, text: str, limit: int, batch_size: int = 4, late: tuple[str, ...] = ()) -> Doc:
    """One Doc for a text of any length: the chunks go through the pipeline without the components
    named in ``late`` (those that read the whole document), are joined, and ``late`` runs on the join."""
    chunks = split_text(text, limit)
    disabled = [name for name in late if nlp.has_pipe(name)]
    docs = list(nlp.pipe(chunks, batch_size=batch_size, disable=disabled))
    doc = Doc.from_docs(docs, ensure_whitespace=False)
    if doc.text != text:  # cannot happen: the chunks concatenate to the text; guards the offsets
        raise ValueError("chunked text does not join back to the original")
    for name in disabled:
        doc = nlp.get_pipe(name)(doc)
    return doc


def pipe_texts(nlp: Language, texts: list[str], batch_size: int, late: tuple[str, ...] = (),
               chunk_chars: int = CHUNK_CHARS, **pipe_kwargs) -> Iterator[Doc]:
    """Docs of ``texts`` in order: texts within the limit through ``nlp.pipe`` (with ``pipe_kwargs``),
    longer ones through :func:`long_doc`."""
    limit = chunk_limit(nlp, chunk_chars)
    run: list[str] = []
    for text in texts:
        if len(text) <= limit:
            run.append(text)
            continue
        if run:
            yield from nlp.pipe(run, batch_size=batch_size, **pipe_kwargs)
            run = []
        yield long_doc(nlp, text, limit, late=late)
    if run:
        yield from nlp.pipe(run, batch_size=batch_size, **pipe_kwargs)

"""Plain text: the first line is the title."""

from __future__ import annotations

from pathlib import Path

from ..model import Article
from .common import _SENTENCE_END, SourceError, Warnings, _article_from_fields, _as_sentence


def parse_plain_text(text: str, path: Path, warnings: Warnings | None = None) -> Article:
    """Plain text: the first non-empty line is the title; short unpunctuated lines are headings."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if not lines:
        raise SourceError("empty file")
    blocks: list[str] = []
    headings: list[str] = []
    for line in lines[1:]:
        if not line:
            continue
        if len(line) < 90 and not _SENTENCE_END.search(line):
            headings.append(line)
            blocks.append(_as_sentence(line))
        else:
            blocks.append(line)
    return _article_from_fields({}, "\n\n".join(blocks), tuple(headings), path, path.stem, default_title=lines[0],
                                warnings=warnings)

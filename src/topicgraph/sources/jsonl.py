"""JSON lines: one article per line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Article, Severity, SourceProblem
from .common import SourceError, Warnings, _article_from_fields
from .markdown import markdown_to_text
from .repair import repair_text


def write_jsonl(articles: Iterable[Article], path: Path) -> None:
    """Write articles as JSON lines that :func:`parse_jsonl` reads back (id, title, body, lang, categories)."""
    with Path(path).open("w", encoding="utf-8") as out:
        for a in articles:
            out.write(json.dumps({"id": a.id, "title": a.title, "body": a.body, "lang": a.language,
                                  "categories": list(a.categories)}, ensure_ascii=False) + "\n")


def parse_jsonl(text: str, path: Path) -> Iterator[Article | SourceProblem]:
    """One article per line: id, title, body|text|content, date, lang, categories, tags, summary, url."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise SourceError("line is not a JSON object")
            warnings: Warnings = []
            raw_body = record.get("body") or record.get("text") or record.get("content") or ""
            body, headings = markdown_to_text(repair_text(str(raw_body), warnings))
            yield _article_from_fields(record, body, headings, path, f"{path.stem}-{lineno}", warnings=warnings)
            for warning in warnings:
                yield SourceProblem(path, warning, lineno, Severity.WARNING)
        except json.JSONDecodeError as exc:
            yield SourceProblem(path, f"invalid JSON ({exc.msg} at column {exc.colno})", lineno)
        except SourceError as exc:
            yield SourceProblem(path, str(exc), lineno)

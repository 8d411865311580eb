"""What every reader shares: the error type, metadata helpers and the Article built from fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..model import Article, Severity, SourceProblem
from .errors import SourceError, Warnings
from .language import article_language
from .repair import repair_text

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SENTENCE_END = re.compile(r"[.!?:;…]['\"”“»«)]*$")


def _as_sentence(text: str) -> str:
    text = " ".join(text.split())
    if text and not _SENTENCE_END.search(text):
        text += "."
    return text


def parse_date(value: Any) -> dt.date | None:
    """A date from front matter or metadata; raises SourceError for an impossible one."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    match = re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if not match:
        match_de = re.match(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
        if not match_de:
            raise SourceError(f"unreadable date {text!r}")
        day, month, year = (int(x) for x in match_de.groups())
    else:
        year, month, day = (int(x) for x in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise SourceError(f"impossible date {text!r} ({exc})") from None


def _str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


def _clean(value: Any) -> str:
    """A metadata value as text without lone surrogates (which no store can encode)."""
    return _LONE_SURROGATE.sub("\ufffd", str(value))


def _article_from_fields(meta: dict[str, Any], body: str, headings: tuple[str, ...],
                         path: Path, default_id: str, default_title: str = "",
                         warnings: Warnings | None = None) -> Article:
    if not isinstance(meta, dict):
        raise SourceError("front matter is not a mapping")
    article_id = _clean(meta.get("slug") or meta.get("id") or "").strip() or default_id
    title = repair_text(_clean(meta.get("title") or default_title or (headings[0] if headings else article_id)))
    body = _clean(body).strip()
    if not body:
        raise SourceError("no body text")
    language = article_language(_clean(meta.get("lang") or meta.get("language") or ""), body)
    raw_date = meta.get("date") or meta.get("published") or meta.get("datePublished")
    try:
        date = parse_date(raw_date)
    except SourceError as exc:  # the article is still worth having; only its date is lost
        date = None
        if warnings is not None:
            warnings.append(f"{exc}; date dropped")
    return Article(
        id=article_id,
        title=" ".join(title.split()) or article_id,
        body=body,
        date=date,
        language=language,
        categories=tuple(_clean(c) for c in _str_list(meta.get("categories") or meta.get("category"))),
        tags=tuple(_clean(t) for t in _str_list(meta.get("tags") or meta.get("keywords"))),
        summary=repair_text(" ".join(_clean(meta.get("summary") or meta.get("description") or "").split())),
        url=_clean(meta.get("url") or meta.get("permalink") or ""),
        source_path=str(path),
        headings=headings,
        authors=tuple(a for a in (" ".join(_clean(x).split()) for x in _str_list(
            meta.get("authors") or meta.get("author") or meta.get("creator"))) if a),
    )


def article_or_problem(path: Path, where: str, build: Callable[[Warnings], Article]) -> Iterator[Article | SourceProblem]:
    """One record of an export (a feed entry, a WordPress item, a CSV row): the article ``build`` makes and
    the warnings it noted, or the one problem that stopped it, each line naming ``where`` in ``path``."""
    warnings: Warnings = []
    try:
        article = build(warnings)
    except SourceError as exc:
        yield SourceProblem(path, f"{where}: {exc}")
        return
    yield article
    for warning in warnings:
        yield SourceProblem(path, f"{where}: {warning}", severity=Severity.WARNING)

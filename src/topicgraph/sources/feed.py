"""RSS 2.0 and Atom feeds (feedparser): one article per entry, content:encoded preferred over the summary."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import feedparser

from ..model import Article, SourceProblem
from ..namespaces import slugify
from .common import _article_from_fields, article_or_problem
from .errors import SourceError, Warnings
from .html import html_fragment_to_text
from .repair import repair_text

_FEED_ROOT = re.compile(r"<(rss|feed|rdf:rdf|html)\b")


def is_feed(head_lower: str) -> bool:
    """True if the first element of an XML text is <rss>, <feed> or <rdf:RDF> (not <html>)."""
    match = _FEED_ROOT.search(head_lower)
    return bool(match) and match.group(1) != "html"


def _entry_id(entry: Any, n: int, path: Path) -> str:
    link = str(entry.get("link") or "")
    if link:
        segments = [s for s in urlparse(link).path.split("/") if s]
        if segments:
            last = re.sub(r"\.(html?|php|aspx?)$", "", segments[-1])
            if last and not last.isdigit():
                return slugify(last)
    if entry.get("id"):
        return slugify(str(entry["id"]))
    return f"{path.stem}-{n}"


def _entry_body(entry: Any) -> tuple[str, tuple[str, ...]]:
    """The entry's fullest text: content (content:encoded, Atom content) before summary."""
    candidates = [c for c in entry.get("content") or [] if c.get("value")]
    candidates.sort(key=lambda c: -len(c["value"]))
    if not candidates and entry.get("summary"):
        candidates = [{"value": entry["summary"], "type": entry.get("summary_detail", {}).get("type", "text/html")}]
    if not candidates:
        return "", ()
    value, kind = candidates[0]["value"], str(candidates[0].get("type") or "text/html")
    if "html" in kind:
        return html_fragment_to_text(value)
    return value.strip(), ()


def _entry_date(entry: Any) -> dt.date | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return dt.date(*parsed[:3]) if parsed else None


def parse_feed(raw: bytes, path: Path) -> Iterator[Article | SourceProblem]:
    """Articles of an RSS 2.0, RSS 1.0 or Atom feed file."""
    parsed = feedparser.parse(raw)
    if not parsed.entries:
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception") or "malformed").splitlines()[0]
            raise SourceError(f"not a readable feed ({reason})")
        raise SourceError("feed without entries")
    feed_lang = str(parsed.feed.get("language") or "")
    for n, entry in enumerate(parsed.entries, start=1):
        yield from article_or_problem(path, f"entry {n}", lambda warnings: _entry_article(entry, n, path, feed_lang,
                                                                                           warnings))


def _entry_article(entry: Any, n: int, path: Path, feed_lang: str, warnings: Warnings) -> Article:
    body, headings = _entry_body(entry)
    body = repair_text(body, warnings)
    summary = ""
    if entry.get("content") and entry.get("summary"):
        summary = html_fragment_to_text(entry["summary"])[0]
    content_lang = next((c.get("language") for c in entry.get("content") or [] if c.get("language")), None)
    meta = {
        "id": _entry_id(entry, n, path),
        "title": entry.get("title", ""),
        "date": _entry_date(entry),
        "lang": content_lang or entry.get("language") or feed_lang,
        "categories": [t.get("term") for t in entry.get("tags") or [] if t.get("term")],
        "summary": summary,
        "url": entry.get("link", ""),
        "authors": [a.get("name") for a in entry.get("authors") or [] if a.get("name")] or entry.get("author", ""),
    }
    return _article_from_fields(meta, body, headings, path, f"{path.stem}-{n}", warnings=warnings)

"""WordPress export (WXR): posts, and pages with a flag; drafts, revisions and attachments skipped."""

from __future__ import annotations

import email.utils
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..model import Article, SourceProblem
from .common import _article_from_fields, article_or_problem
from .errors import SourceError, Warnings
from .html import html_fragment_to_text
from .repair import repair_text

_CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
_DC_NS = "http://purl.org/dc/elements/1.1/"
_WP_SHORTCODE = re.compile(r"\[/?(?:caption|gallery|embed|audio|video|playlist|wp_caption)\b[^\]]*\]")
#: Statuses read by default; with drafts also these.
_PUBLISHED = {"publish"}
_DRAFTS = {"draft", "pending", "future", "private"}


def is_wxr(head: str) -> bool:
    """True if the start of an XML file declares the WordPress export namespace."""
    return "wordpress.org/export/" in head


def _key(tag: str) -> str:
    """``wp:post_type``, ``content:encoded``, ``excerpt:encoded``, ``dc:creator`` or the plain local name."""
    if not tag.startswith("{"):
        return tag
    ns, local = tag[1:].split("}", 1)
    if ns.startswith("http://wordpress.org/export/"):
        return f"excerpt:{local}" if ns.rstrip("/").endswith("excerpt") else f"wp:{local}"
    if ns == _CONTENT_NS:
        return f"content:{local}"
    if ns == _DC_NS:
        return f"dc:{local}"
    return local


def _fields(item: ET.Element) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    fields: dict[str, str] = {}
    terms: list[tuple[str, str, str]] = []
    for child in item:
        key = _key(child.tag)
        if key == "category":
            terms.append((child.get("domain") or "category", child.get("nicename") or "", (child.text or "").strip()))
        elif key not in fields:
            fields[key] = child.text or ""
    return fields, terms


def _item_date(fields: dict[str, str]) -> str | None:
    for key in ("wp:post_date", "wp:post_date_gmt"):
        value = fields.get(key, "").strip()
        if value and not value.startswith("0000"):
            return value
    if fields.get("pubDate"):
        try:
            return email.utils.parsedate_to_datetime(fields["pubDate"]).date().isoformat()
        except (TypeError, ValueError):
            return None
    return None


def parse_wxr(raw: bytes, path: Path, pages: bool = False, drafts: bool = False) -> Iterator[Article | SourceProblem]:
    """Posts of a WordPress export (``pages``: pages too; ``drafts``: drafts, pending and scheduled too)."""
    try:
        root = SafeET.fromstring(raw)
    except DefusedXmlException as exc:
        raise SourceError(f"WordPress export refused ({type(exc).__name__}: entity declarations are not read)") from None
    except ET.ParseError as exc:
        raise SourceError(f"invalid XML in the WordPress export ({exc})") from None
    channel = root.find("channel")
    if channel is None:
        raise SourceError("WordPress export without a <channel>")
    site_lang = (channel.findtext("language") or "").strip()
    types = {"post", "page"} if pages else {"post"}
    statuses = _PUBLISHED | _DRAFTS if drafts else _PUBLISHED
    for n, item in enumerate(channel.iter("item"), start=1):
        fields, terms = _fields(item)
        if fields.get("wp:post_type", "post") not in types or fields.get("wp:status", "publish") not in statuses:
            continue  # attachments, revisions, menu items; drafts and trash
        yield from _item_article(fields, terms, site_lang, path, n)


def _item_article(fields: dict[str, str], terms: list[tuple[str, str, str]], site_lang: str, path: Path,
                  n: int) -> Iterator[Article | SourceProblem]:
    post_id = fields.get("wp:post_id", "").strip()
    where = f"item {n}" + (f" (post {post_id})" if post_id else "")

    def build(warnings: Warnings) -> Article:
        html = _WP_SHORTCODE.sub("", repair_text(fields.get("content:encoded", ""), warnings))
        body, headings = html_fragment_to_text(html)
        excerpt, _ = html_fragment_to_text(fields.get("excerpt:encoded", "")) if fields.get("excerpt:encoded", "").strip() else ("", ())
        languages = [nice or text for domain, nice, text in terms if domain == "language"]
        meta: dict[str, Any] = {
            "id": fields.get("wp:post_name", "").strip() or (f"wp-{post_id}" if post_id else ""),
            "title": fields.get("title", ""),
            "date": _item_date(fields),
            "lang": languages[0] if languages else site_lang,
            "categories": [text for domain, _, text in terms if domain == "category" and text],
            "tags": [text for domain, _, text in terms if domain == "post_tag" and text],
            "summary": excerpt,
            "url": fields.get("link", "").strip(),
            "author": fields.get("dc:creator", "").strip(),
        }
        return _article_from_fields(meta, body, headings, path, f"{path.stem}-{n}", warnings=warnings)

    yield from article_or_problem(path, where, build)

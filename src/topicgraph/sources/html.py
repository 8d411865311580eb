"""HTML pages (and HTML fragments such as WordPress or feed content) as article text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from ..model import Article
from .common import SourceError, Warnings, _article_from_fields, _as_sentence


_HTML_DROP = "script, style, nav, footer, header, aside, form, noscript, template, iframe, svg"
_HTML_BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "blockquote", "figcaption", "pre", "td", "th", "dt", "dd"}


def _outermost_blocks(root: Any) -> Iterator[Any]:
    """Block elements under ``root`` in document order, not descending into a block (linear, no recursion)."""
    stack = [root.child] if root.child is not None else []
    while stack:
        node = stack.pop()
        if node.next is not None:
            stack.append(node.next)
        if node.tag in _HTML_BLOCKS:
            yield node
        elif node.child is not None:
            stack.append(node.child)


#: Deepest element nesting parsed; HTML parsing time grows with the square of the depth.
MAX_HTML_DEPTH = 1000

_HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*?(/?)>")
#: Elements that never nest (void) or whose end tag may be left out: not counted as depth.
_HTML_FLAT = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
              "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
              "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body"}


def html_nesting_depth(text: str, limit: int = MAX_HTML_DEPTH) -> int:
    """Approximate deepest element nesting of HTML (stops counting once past ``limit``)."""
    depth = deepest = 0
    for match in _HTML_TAG.finditer(text):
        closing, tag, self_closing = match.groups()
        if tag.lower() in _HTML_FLAT or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                break
    return deepest


def parse_html(text: str, path: Path, warnings: Warnings | None = None) -> Article:
    """An HTML page: metadata from head, text from <article>/<main>/<body> minus boilerplate."""
    if html_nesting_depth(text) > MAX_HTML_DEPTH:
        raise SourceError(f"markup nested too deeply (more than {MAX_HTML_DEPTH} levels)")
    tree = LexborHTMLParser(text)

    def meta(*names: str) -> str:
        for name in names:
            node = tree.css_first(f'meta[name="{name}"], meta[property="{name}"]')
            if node is not None and node.attributes.get("content"):
                return str(node.attributes["content"])
        return ""

    title = meta("og:title")
    if not title and (node := tree.css_first("title")) is not None:
        title = node.text(strip=True)
    date = meta("date", "article:published_time", "dc.date", "DC.date", "pubdate")
    if not date and (node := tree.css_first("time[datetime]")) is not None:
        date = node.attributes.get("datetime") or ""
    html = tree.css_first("html")
    lang = (html.attributes.get("lang") or "") if html is not None else ""
    root = tree.css_first("article") or tree.css_first("main") or tree.css_first('[role="main"]') or tree.body
    if root is None:
        raise SourceError("HTML without a body")
    blocks, headings = _root_blocks(root)
    if not title and headings:
        title = headings[0]
    fields = {"title": title, "date": date, "lang": lang,
              "summary": meta("description", "og:description"), "url": meta("og:url"),
              "keywords": meta("keywords") or None}
    return _article_from_fields(fields, "\n\n".join(blocks), tuple(headings), path, path.stem, warnings=warnings)


def _add_block(node: Any, blocks: list[str], headings: list[str]) -> None:
    content = " ".join(node.text(separator="").split())
    if not content:
        return
    if node.tag.startswith("h") and node.tag[1:].isdigit():
        headings.append(content)
        blocks.append(_as_sentence(content))
    elif node.tag in {"li", "dt", "dd", "td", "th"}:
        blocks.append(_as_sentence(content))
    else:
        blocks.append(content)


def _root_blocks(root: Any) -> tuple[list[str], list[str]]:
    """Text blocks (one per paragraph, heading or list item) and headings under ``root``, boilerplate dropped."""
    for node in root.css(_HTML_DROP):
        node.decompose()
    blocks: list[str] = []
    headings: list[str] = []
    for node in _outermost_blocks(root):
        _add_block(node, blocks, headings)
    if not blocks:
        blocks = [" ".join(root.text(separator=" ").split())]
    return blocks, headings


_BLOCK_SELECTOR = ", ".join(sorted(_HTML_BLOCKS))


def _fragment_blocks(body: Any) -> tuple[list[str], list[str]]:
    """Like :func:`_root_blocks`, but text and inline elements between the blocks form paragraphs too
    (WordPress content mixes them)."""
    for node in body.css(_HTML_DROP):
        node.decompose()
    blocks: list[str] = []
    headings: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        text = " ".join(" ".join(pending).split())
        if text:
            blocks.append(text)
        pending.clear()

    node = body.child
    while node is not None:
        if node.tag == "-text":
            pending.append(node.text(deep=False))
        elif node.tag in _HTML_BLOCKS:
            flush()
            _add_block(node, blocks, headings)
        elif node.tag != "-comment" and node.css_first(_BLOCK_SELECTOR) is not None:
            flush()
            for block in _outermost_blocks(node):
                _add_block(block, blocks, headings)
        elif node.tag != "-comment":
            pending.append(node.text(separator=""))
        node = node.next
    flush()
    return blocks, headings


_BLANK_LINES = re.compile(r"\n\s*\n")


def html_fragment_to_text(fragment: str) -> tuple[str, tuple[str, ...]]:
    """Plain text and headings of an HTML fragment (WordPress or feed content).

    Blank lines separate paragraphs as WordPress's ``wpautop`` would (classic posts have no <p>).
    """
    if html_nesting_depth(fragment) > MAX_HTML_DEPTH:
        raise SourceError(f"markup nested too deeply (more than {MAX_HTML_DEPTH} levels)")
    if "<p" not in fragment.lower():
        fragment = "".join(f"<p>{part}</p>" for part in _BLANK_LINES.split(fragment) if part.strip())
    tree = LexborHTMLParser(f"<html><body>{fragment}</body></html>")
    if tree.body is None:
        return "", ()
    blocks, headings = _fragment_blocks(tree.body)
    return "\n\n".join(blocks), tuple(headings)

"""Markdown with YAML (---) or TOML (+++) front matter; Hugo shortcodes removed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from ..model import Article
from .common import SourceError, Warnings, _article_from_fields, _as_sentence

_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*([^\s>%}]*)(.*?)\s*[>%]\}\}", re.S)
_SHORTCODE_TEXT_ATTRS = re.compile(r'\b(?:caption|title|alt)\s*=\s*"([^"]*)"')
_FOOTNOTE_REF = re.compile(r"(?<=[\w.,;:!?)])\[\d{1,3}\]")


def strip_shortcodes(text: str) -> str:
    """Remove Hugo shortcode tags; keep the text between them and caption/title/alt values."""

    def replace(match: re.Match[str]) -> str:
        attrs = " ".join(_SHORTCODE_TEXT_ATTRS.findall(match.group(2)))
        return f"\n\n{attrs}\n\n" if attrs.strip() else "\n"

    return _SHORTCODE.sub(replace, text)


_MD = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def _inline_text(token: Any) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content or "")
    return "".join(parts)


def markdown_to_text(markdown: str) -> tuple[str, tuple[str, ...]]:
    """Plain text of Markdown: one block per paragraph, heading or list item; and the headings."""
    blocks: list[str] = []
    headings: list[str] = []
    tokens = _MD.parse(strip_shortcodes(markdown))
    in_heading = False
    in_item = 0
    for tok in tokens:
        if tok.type == "heading_open":
            in_heading = True
        elif tok.type == "heading_close":
            in_heading = False
        elif tok.type == "list_item_open":
            in_item += 1
        elif tok.type == "list_item_close":
            in_item -= 1
        elif tok.type == "inline":
            text = " ".join(_FOOTNOTE_REF.sub("", _inline_text(tok)).split())
            if not text:
                continue
            if in_heading:
                headings.append(text)
                blocks.append(_as_sentence(text))
            elif in_item:
                blocks.append(_as_sentence(text))
            else:
                blocks.append(text)
        elif tok.type in {"fence", "code_block"}:
            continue
    return "\n\n".join(blocks), tuple(headings)


class _DatesAsTextLoader(yaml.SafeLoader):
    """YAML without timestamp construction: dates stay text, so an impossible date costs only the date."""


_DatesAsTextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _YAMLDatesAsText(frontmatter.YAMLHandler):
    def load(self, fm: str, **kwargs: object) -> Any:
        return yaml.load(fm, Loader=_DatesAsTextLoader)  # noqa: S506 (a SafeLoader subclass)


def parse_markdown(text: str, path: Path, warnings: Warnings | None = None) -> Article:
    """Markdown with optional YAML (---) or TOML (+++) front matter."""
    try:
        handler = frontmatter.detect_format(text, frontmatter.handlers)
        if isinstance(handler, frontmatter.YAMLHandler):
            handler = _YAMLDatesAsText()
        metadata, content = frontmatter.parse(text, handler=handler)
    except yaml.YAMLError as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SourceError(f"invalid YAML front matter ({first})") from None
    except Exception as exc:  # TOML errors and the like
        raise SourceError(f"invalid front matter ({type(exc).__name__}: {exc})") from None
    if not isinstance(metadata, dict):
        raise SourceError("front matter is not a mapping")
    body, headings = markdown_to_text(content)
    return _article_from_fields(dict(metadata), body, headings, path, path.stem, warnings=warnings)

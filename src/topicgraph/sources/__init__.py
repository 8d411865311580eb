"""Readers: article files and exports (Markdown + front matter, Hugo, HTML, text, JSONL, CSV/TSV, WordPress
WXR, RSS/Atom, archives, standard input) into Articles. One module per format; ``reader`` dispatches."""

from __future__ import annotations

from .common import parse_date
from .csv import parse_csv
from .errors import SourceError, Warnings
from .feed import parse_feed
from .html import MAX_HTML_DEPTH, html_fragment_to_text, html_nesting_depth, parse_html
from .jsonl import parse_jsonl, write_jsonl
from .markdown import markdown_to_text, parse_markdown, strip_shortcodes
from .options import CSV_FIELDS, CsvOptions, ReadOptions
from .reader import (ARTICLE_SUFFIXES, MAX_FILE_BYTES, STDIN, detect_format, discover_files, read_articles,
                     read_bytes, read_file, read_stdin)
from .repair import decode_bytes, repair_text
from .text import parse_plain_text
from .wxr import parse_wxr

__all__ = [
    "ARTICLE_SUFFIXES", "CSV_FIELDS", "MAX_FILE_BYTES", "MAX_HTML_DEPTH", "STDIN", "CsvOptions", "ReadOptions",
    "SourceError", "Warnings", "decode_bytes", "detect_format", "discover_files",
    "html_fragment_to_text", "html_nesting_depth", "markdown_to_text", "parse_csv", "parse_date", "parse_feed",
    "parse_html", "parse_jsonl", "parse_markdown", "parse_plain_text", "parse_wxr", "read_articles", "read_bytes",
    "read_file", "read_stdin", "repair_text", "strip_shortcodes", "write_jsonl",
]

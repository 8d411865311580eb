"""Find article files (folders, archives, standard input), detect each one's format and read it."""

from __future__ import annotations

import json
import logging
import os
import re
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..model import Article, Severity, SourceProblem
from . import csv as csv_reader
from . import feed as feed_reader
from . import html as html_reader
from . import jsonl as jsonl_reader
from . import markdown as markdown_reader
from . import text as text_reader
from . import wxr as wxr_reader
from .archive import archive_kind, read_archive
from .errors import SourceError, Warnings
from .options import ReadOptions
from .repair import decode_bytes, repair_text

log = logging.getLogger(__name__)

#: File extensions picked up when a directory or archive is walked (an explicitly named file is always read).
ARTICLE_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson",
                    ".csv", ".tsv", ".xml", ".rss", ".atom"}
#: Largest file (or archive member) read; bigger ones are reported and skipped.
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest archive read (its members are read one at a time, each up to MAX_FILE_BYTES).
MAX_ARCHIVE_BYTES = 4 * 1024 * 1024 * 1024

#: The path that means standard input (JSON lines).
STDIN = Path("-")


def detect_format(text: str, path: Path) -> str:
    """'markdown', 'html', 'jsonl', 'csv', 'wxr', 'feed', 'xml' (unsupported) or 'text', from the content
    first and the suffix second (CSV and TSV by suffix only)."""
    if path.suffix.lower() in {".csv", ".tsv", ".tab"}:
        return "csv"
    head = text.lstrip()[:2000]
    lower = head.lower()
    if head.startswith(("---\n", "---\r\n", "+++\n", "+++\r\n")):
        return "markdown"
    if lower.startswith(("<?xml", "<rss", "<feed", "<rdf")) and feed_reader.is_feed(text.lstrip()[:10000].lower()):
        return "wxr" if wxr_reader.is_wxr(text[:20000]) else "feed"
    if lower.startswith(("<!doctype html", "<html")) or re.search(r"<(body|article|head)\b", lower[:2000]):
        return "html"
    if lower.startswith("<?xml"):
        return "xml"
    first_line = head.split("\n", 1)[0].strip()
    if first_line.startswith("{") and first_line.endswith("}"):
        try:
            json.loads(first_line)
            return "jsonl"
        except json.JSONDecodeError:
            pass
    if path.suffix.lower() in {".md", ".markdown"}:
        return "markdown"
    if path.suffix.lower() in {".jsonl", ".ndjson"}:
        return "jsonl"
    if path.suffix.lower() in {".html", ".htm"}:
        return "html"
    return "text"


_FILE_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFSOCK: "a socket",
               stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device"}


def _parse(raw: bytes, path: Path, options: ReadOptions, fmt: str | None = None) -> Iterator[Article | SourceProblem]:
    warnings: Warnings = []
    text = repair_text(decode_bytes(raw, warnings), warnings)
    if not text.strip():
        yield SourceProblem(path, "empty file (only whitespace)")
        return
    fmt = fmt or detect_format(text, path)
    if fmt == "jsonl":
        yield from jsonl_reader.parse_jsonl(text, path)
    elif fmt == "csv":
        yield from csv_reader.parse_csv(text, path, options.csv)
    elif fmt == "wxr":
        yield from wxr_reader.parse_wxr(raw, path, pages=options.wxr_pages, drafts=options.wxr_drafts)
    elif fmt == "feed":
        yield from feed_reader.parse_feed(raw, path)
    elif fmt == "xml":
        raise SourceError("XML that is neither an RSS/Atom feed nor a WordPress export")
    elif fmt == "markdown":
        yield markdown_reader.parse_markdown(text, path, warnings)
    elif fmt == "html":
        yield html_reader.parse_html(text, path, warnings)
    else:
        yield text_reader.parse_plain_text(text, path, warnings)
    for warning in warnings:
        yield SourceProblem(path, warning, severity=Severity.WARNING)


def read_bytes(raw: bytes, path: Path, options: ReadOptions | None = None,
               fmt: str | None = None) -> Iterator[Article | SourceProblem]:
    """Articles in the bytes of one file named ``path``, then its warnings; problems are yielded, never raised."""
    try:
        yield from _parse(raw, path, options or ReadOptions(), fmt)
    except SourceError as exc:
        yield SourceProblem(path, str(exc))
    except RecursionError:
        yield SourceProblem(path, "markup nested too deeply")
    except Exception as exc:  # a parser bug must cost one file, not the run; --debug logs the traceback
        log.debug("reading %s failed", path, exc_info=True)
        yield SourceProblem(path, f"unexpected error while reading ({type(exc).__name__}: {exc})")


def read_stdin(options: ReadOptions | None = None) -> Iterator[Article | SourceProblem]:
    """JSON lines from standard input (``topicgraph ingest -``)."""
    raw = sys.stdin.buffer.read()
    if not raw.strip():
        yield SourceProblem(Path("<stdin>"), "no input on standard input")
        return
    yield from read_bytes(raw, Path("<stdin>"), options, fmt="jsonl")


def read_file(path: Path, options: ReadOptions | None = None) -> Iterator[Article | SourceProblem]:
    """Articles in one file (or archive), then its warnings; problems are yielded, never raised."""
    options = options or ReadOptions()
    if path == STDIN:
        yield from read_stdin(options)
        return
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            yield SourceProblem(path, f"not a regular file ({_FILE_KINDS.get(stat.S_IFMT(info.st_mode), 'special file')})")
            return
        size = info.st_size
        if size == 0:
            yield SourceProblem(path, "empty file")
            return
        with path.open("rb") as handle:
            head = handle.read(512)
        kind = archive_kind(head, path)
        if kind is not None:
            if size > MAX_ARCHIVE_BYTES:
                yield SourceProblem(path, f"archive too large ({size / 1e9:.1f} GB > {MAX_ARCHIVE_BYTES / 1e9:.0f} GB limit)")
                return
            yield from read_archive(path, kind, lambda data, where: read_bytes(data, where, options),
                                    ARTICLE_SUFFIXES, MAX_FILE_BYTES)
            return
        if size > MAX_FILE_BYTES:
            yield SourceProblem(path, f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB limit)")
            return
        raw = path.read_bytes()
    except PermissionError:
        yield SourceProblem(path, "permission denied")
        return
    except OSError as exc:
        yield SourceProblem(path, f"cannot read ({exc.strerror or exc})")
        return
    yield from read_bytes(raw, path, options)


def _walked(name: str) -> bool:
    lower = name.lower()
    return Path(lower).suffix in ARTICLE_SUFFIXES or lower.endswith((".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2",
                                                                       ".tbz2", ".tar.xz", ".txz"))


def discover_files(paths: Iterable[str | Path]) -> Iterator[Path | SourceProblem]:
    """Files named, and article files and archives under directories named (sorted, hidden ones skipped);
    ``-`` is standard input."""
    for given in paths:
        path = Path(given)
        if path == STDIN:
            yield path
        elif path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    child = Path(dirpath) / name
                    if name.startswith(".") or not _walked(name):
                        continue
                    if child.is_symlink() and not child.exists():
                        yield SourceProblem(child, "broken or looping symbolic link")
                        continue
                    yield child
        elif path.exists():
            yield path
        elif path.is_symlink():
            yield SourceProblem(path, "broken or looping symbolic link")
        else:
            yield SourceProblem(path, "no such file or directory")


def _within_limit(item: Article | SourceProblem, max_chars: int | None) -> Article | SourceProblem:
    if max_chars is None or not isinstance(item, Article) or len(item.body) <= max_chars:
        return item
    return SourceProblem(Path(item.source_path), f"article {item.id!r} has {len(item.body):,} characters, more than "
                                                 f"the limit of {max_chars:,} (--max-chars); skipped")


def read_articles(paths: Iterable[str | Path], options: ReadOptions | None = None) -> Iterator[Article | SourceProblem]:
    """Every article under the given paths, with a SourceProblem for each unreadable file (or row, item, entry)."""
    options = options or ReadOptions()
    for item in discover_files(paths):
        if isinstance(item, SourceProblem):
            yield item
        else:
            for found in read_file(item, options):
                yield _within_limit(found, options.max_chars)

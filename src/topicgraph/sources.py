"""Read article files (Markdown + front matter, Hugo, HTML, text, JSONL) into Articles."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import logging
import os
import re
import stat
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import frontmatter
import ftfy
import yaml
from markdown_it import MarkdownIt
from selectolax.lexbor import LexborHTMLParser

from .model import Article, Severity, SourceProblem
from .nlp.language import article_language

log = logging.getLogger(__name__)

#: Collects the warnings of one article while it is parsed (messages without the file name).
Warnings = list[str]

#: File extensions picked up when a directory is walked (an explicitly named file is always read).
ARTICLE_SUFFIXES = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".jsonl", ".ndjson"}

#: Largest file read; bigger ones are reported and skipped.
MAX_FILE_BYTES = 20 * 1024 * 1024

#: Share of control or replacement characters above which decoded text counts as binary.
MAX_GARBAGE_SHARE = 0.05

_MAC_ROMAN_MARKERS = re.compile(r"√[§ºüÑ∂∏ñ©†°•]|‚Ä[ìîúùòôú¶¢]|‚Ç¨")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+(?:[\x00-\x7f]?[^\x00-\x7f]+)*")
_SHORTCODE = re.compile(r"\{\{[<%]\s*/?\s*([^\s>%}]*)(.*?)\s*[>%]\}\}", re.S)
_SHORTCODE_TEXT_ATTRS = re.compile(r'\b(?:caption|title|alt)\s*=\s*"([^"]*)"')
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_GARBAGE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_FOOTNOTE_REF = re.compile(r"(?<=[\w.,;:!?)])\[\d{1,3}\]")
_SENTENCE_END = re.compile(r"[.!?:;…]['\"”“»«)]*$")
_DE_WORDS = {"der", "die", "das", "und", "ist", "nicht", "mit", "von", "für", "auf", "den", "ein", "eine", "sich", "auch", "wird"}
_EN_WORDS = {"the", "and", "is", "of", "to", "in", "with", "for", "on", "that", "it", "are", "by", "from", "this", "be"}


class SourceError(ValueError):
    """A file that cannot be turned into an article; the message names the problem."""


# --------------------------------------------------------------------------- text repair

def _fix_mac_roman_run(match: re.Match[str]) -> str:
    run = match.group()
    try:
        return run.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run


_ENCODING_STEPS = {"encode", "decode", "transcode"}


def repair_text(text: str, warnings: Warnings | None = None) -> str:
    """Undo mojibake (UTF-8 read as Mac Roman, cp1252 or latin-1) and normalise to NFC.

    Lone surrogates (from JSON escapes) become U+FFFD; a repair is noted in ``warnings``.
    """
    text = _LONE_SURROGATE.sub("\ufffd", text)
    repaired = False
    if _MAC_ROMAN_MARKERS.search(text):
        fixed = _NON_ASCII_RUN.sub(_fix_mac_roman_run, text)
        repaired, text = fixed != text, fixed
    explained = ftfy.fix_and_explain(text, uncurl_quotes=False, normalization="NFC")
    if any(step[0] in _ENCODING_STEPS for step in explained.explanation or ()):
        repaired = True
    if repaired and warnings is not None:
        warnings.append("mis-encoded text (mojibake) repaired")
    return unicodedata.normalize("NFC", explained.text)


def _decode(raw: bytes, encoding: str, warnings: Warnings | None, name: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if warnings is not None:
            warnings.append(f"invalid {name} at byte {exc.start}; unreadable characters replaced")
        return raw.decode(encoding, errors="replace")


def decode_bytes(raw: bytes, warnings: Warnings | None = None) -> str:
    """Decode file bytes: BOMs honoured, UTF-8 preferred, cp1252 as the fallback (noted in ``warnings``).

    Raises SourceError for binary data (NUL bytes, or mostly control characters).
    """
    text: str | None = None
    for bom, encoding, name in (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    ):
        if raw.startswith(bom):
            text = _decode(raw, encoding, warnings, name)
            break
    if text is None:
        if b"\x00" in raw[:4096]:
            raise SourceError("binary file (contains NUL bytes)")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            if warnings is not None:
                warnings.append("not UTF-8: read as Windows-1252 (Latin-1)")
            text = raw.decode("cp1252", errors="replace")
    sample = text[:65536]
    if sample and len(_GARBAGE.findall(sample)) > MAX_GARBAGE_SHARE * len(sample):
        raise SourceError("binary file (mostly control characters)")
    return text


# --------------------------------------------------------------------------- small helpers

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


def guess_language(text: str) -> str:
    """'de' or 'en' by counting common function words."""
    words = re.findall(r"[a-zäöüß]+", text[:5000].lower())
    de = sum(w in _DE_WORDS for w in words)
    en = sum(w in _EN_WORDS for w in words)
    return "en" if en > de else "de"


def _str_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return (str(value),)


# --------------------------------------------------------------------------- markdown

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


# --------------------------------------------------------------------------- formats

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
    )


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
    for node in root.css(_HTML_DROP):
        node.decompose()
    blocks: list[str] = []
    headings: list[str] = []
    for node in _outermost_blocks(root):
        content = " ".join(node.text(separator="").split())
        if not content:
            continue
        if node.tag.startswith("h") and node.tag[1:].isdigit():
            headings.append(content)
            blocks.append(_as_sentence(content))
        elif node.tag in {"li", "dt", "dd", "td", "th"}:
            blocks.append(_as_sentence(content))
        else:
            blocks.append(content)
    if not blocks:
        blocks = [" ".join(root.text(separator=" ").split())]
    if not title and headings:
        title = headings[0]
    fields = {"title": title, "date": date, "lang": lang,
              "summary": meta("description", "og:description"), "url": meta("og:url"),
              "keywords": meta("keywords") or None}
    return _article_from_fields(fields, "\n\n".join(blocks), tuple(headings), path, path.stem, warnings=warnings)


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


def detect_format(text: str, path: Path) -> str:
    """'markdown', 'html', 'jsonl' or 'text', from the content first and the suffix second."""
    head = text.lstrip()[:2000]
    lower = head.lower()
    if head.startswith(("---\n", "---\r\n", "+++\n", "+++\r\n")):
        return "markdown"
    if lower.startswith(("<!doctype html", "<html")) or re.search(r"<(body|article|head)\b", lower[:2000]):
        return "html"
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


def read_file(path: Path) -> Iterator[Article | SourceProblem]:
    """Articles in one file, then its warnings; problems are yielded, never raised."""
    warnings: Warnings = []
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            yield SourceProblem(path, f"not a regular file ({_FILE_KINDS.get(stat.S_IFMT(info.st_mode), 'special file')})")
            return
        size = info.st_size
        if size > MAX_FILE_BYTES:
            yield SourceProblem(path, f"file too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB limit)")
            return
        if size == 0:
            yield SourceProblem(path, "empty file")
            return
        text = repair_text(decode_bytes(path.read_bytes(), warnings), warnings)
        if not text.strip():
            yield SourceProblem(path, "empty file (only whitespace)")
            return
        fmt = detect_format(text, path)
        if fmt == "jsonl":
            yield from parse_jsonl(text, path)
        elif fmt == "markdown":
            yield parse_markdown(text, path, warnings)
        elif fmt == "html":
            yield parse_html(text, path, warnings)
        else:
            yield parse_plain_text(text, path, warnings)
        for warning in warnings:
            yield SourceProblem(path, warning, severity=Severity.WARNING)
    except SourceError as exc:
        yield SourceProblem(path, str(exc))
    except PermissionError:
        yield SourceProblem(path, "permission denied")
    except OSError as exc:
        yield SourceProblem(path, f"cannot read ({exc.strerror or exc})")
    except RecursionError:
        yield SourceProblem(path, "markup nested too deeply")
    except Exception as exc:  # a parser bug must cost one file, not the run; --debug logs the traceback
        log.debug("reading %s failed", path, exc_info=True)
        yield SourceProblem(path, f"unexpected error while reading ({type(exc).__name__}: {exc})")


def discover_files(paths: Iterable[str | Path]) -> Iterator[Path | SourceProblem]:
    """Files named, and article files under directories named (sorted, hidden ones skipped)."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    child = Path(dirpath) / name
                    if name.startswith(".") or child.suffix.lower() not in ARTICLE_SUFFIXES:
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


def read_articles(paths: Iterable[str | Path]) -> Iterator[Article | SourceProblem]:
    """Every article under the given paths, with a SourceProblem for each unreadable file."""
    for item in discover_files(paths):
        if isinstance(item, SourceProblem):
            yield item
        else:
            yield from read_file(item)

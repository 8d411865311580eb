"""CSV and TSV exports: one article per row, columns by header name or by number."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from ..model import Article, SourceProblem
from .common import _article_from_fields, article_or_problem
from .errors import SourceError, Warnings
from .markdown import markdown_to_text
from .options import CSV_FIELDS, CsvOptions

#: Header names recognised for each article field (lower case, compared without spaces, '_' and '-').
HEADER_NAMES: dict[str, tuple[str, ...]] = {
    "id": ("id", "slug", "articleid", "guid", "postid"),
    "title": ("title", "headline", "heading", "posttitle"),
    "text": ("text", "body", "content", "articlebody", "article", "postcontent"),
    "date": ("date", "published", "pubdate", "datepublished", "publishedat", "created", "postdate"),
    "lang": ("lang", "language", "inlanguage", "locale"),
    "categories": ("categories", "category", "section", "label", "ressort"),
    "tags": ("tags", "tag", "keywords"),
    "url": ("url", "link", "permalink"),
    "summary": ("summary", "description", "excerpt", "teaser", "abstract"),
    "author": ("author", "authors", "byline", "creator", "writer"),
}
_DELIMITERS = ",;\t|"
_FIRST_SENTENCE = re.compile(r"^(.{10,200}?[.!?])\s")


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name.strip().lstrip("\ufeff").lower())


def sniff_dialect(sample: str, path: Path, options: CsvOptions) -> type[csv.Dialect] | csv.Dialect:
    """The CSV dialect: given delimiter/quote char first, then the sniffer, then the commonest delimiter."""
    delimiter = options.delimiter or ("\t" if path.suffix.lower() in {".tsv", ".tab"} else None)
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=delimiter or _DELIMITERS)
    except csv.Error:
        first = sample.split("\n", 1)[0]
        sniffed = csv.excel
        if delimiter is None:
            delimiter = max(_DELIMITERS, key=first.count)

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter or sniffed.delimiter
    Dialect.quotechar = options.quotechar or sniffed.quotechar or '"'
    Dialect.doublequote = True
    Dialect.skipinitialspace = bool(getattr(sniffed, "skipinitialspace", False))
    return Dialect


def _show(header: list[str]) -> str:
    """The header for a message: each name cut to 20 characters, at most 8 names."""
    names = [h if len(h) <= 20 else h[:19] + "…" for h in header[:8]]
    return ", ".join(names) + (", …" if len(header) > 8 else "")


def _column_index(field_name: str, given: str, header: list[str] | None) -> int:
    if given.isdigit():
        if int(given) < 1:
            raise SourceError(f"--csv-{field_name} {given}: columns are numbered from 1")
        return int(given) - 1
    if header is None:
        raise SourceError(f"--csv-{field_name} {given!r}: a file without a header row needs column numbers")
    names = [_norm(h) for h in header]
    if _norm(given) not in names:
        raise SourceError(f"no column {given!r} in the header (columns: {_show(header)})")
    return names.index(_norm(given))


def resolve_columns(header: list[str] | None, options: CsvOptions) -> dict[str, int]:
    """Column index of each article field found (explicit options first, then known header names)."""
    columns = {name: _column_index(name, given, header) for name, given in options.columns.items()}
    if header is not None:
        names = [_norm(h) for h in header]
        for name in CSV_FIELDS:
            if name not in columns:
                found = next((names.index(alias) for alias in HEADER_NAMES[name] if alias in names), None)
                if found is not None:
                    columns[name] = found
    if "text" not in columns:
        if header is None:
            raise SourceError("a CSV file without a header row needs explicit columns (at least --csv-text N)")
        raise SourceError(f"no text column in the first row ({_show(header)}): name one of "
                          f"{', '.join(HEADER_NAMES['text'])} or give --csv-text NAME|N (a file without a header "
                          "row needs explicit column numbers, e.g. --csv-text 2)")
    return columns


def _has_header(options: CsvOptions) -> bool:
    if options.header is not None:
        return options.header
    return not options.columns or not all(v.isdigit() for v in options.columns.values())


def _default_title(text: str) -> str:
    head = " ".join(text[:400].split())
    match = _FIRST_SENTENCE.match(head + " ")
    return match.group(1) if match else (head[:80].rsplit(" ", 1)[0] + " …" if len(head) > 80 else head)


def parse_csv(text: str, path: Path, options: CsvOptions | None = None) -> Iterator[Article | SourceProblem]:
    """One article per row; a bad row is one problem naming the row, the others go on."""
    options = options or CsvOptions()
    csv.field_size_limit(max(csv.field_size_limit(), 64 * 1024 * 1024))
    dialect = sniff_dialect(text[:65536], path, options)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    try:
        if _has_header(options):
            header = next(reader, None)
            if header is None:
                raise SourceError("empty CSV file")
        columns = resolve_columns(header, options)
    except csv.Error as exc:
        raise SourceError(f"unreadable CSV header ({exc})") from None
    row_no = 1 if header is not None else 0
    while True:
        row_no += 1  # records counted as a spreadsheet does: the header is row 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield SourceProblem(path, f"row {row_no}: unreadable CSV ({exc}); the rest of the file is skipped")
            return
        if not any(cell.strip() for cell in row):
            continue
        yield from _row_article(row, row_no, columns, path)


def _row_article(row: list[str], row_no: int, columns: dict[str, int], path: Path) -> Iterator[Article | SourceProblem]:
    needed = max(columns.values()) + 1
    if len(row) <= columns["text"]:
        yield SourceProblem(path, f"row {row_no}: {len(row)} column(s), the text is column {columns['text'] + 1}")
        return
    fields = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}

    def build(warnings: Warnings) -> Article:
        if len(row) < needed:
            warnings.append(f"{len(row)} column(s), expected {needed}; missing fields left empty")
        body, headings = markdown_to_text(fields.pop("text"))
        if not fields.get("title"):
            fields["title"] = _default_title(body)
        meta = {k: v for k, v in fields.items() if v}
        return _article_from_fields(meta, body, headings, path, f"{path.stem}-{row_no}", warnings=warnings)

    yield from article_or_problem(path, f"row {row_no}", build)

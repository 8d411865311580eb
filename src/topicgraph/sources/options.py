"""Options of the readers that a file's content cannot tell (CSV columns, WordPress pages, size limit)."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Article fields a CSV column can fill.
CSV_FIELDS = ("id", "title", "text", "date", "lang", "categories", "tags", "url", "summary", "author")


@dataclass(frozen=True)
class CsvOptions:
    """How to read CSV/TSV: ``columns`` maps an article field to a header name or a 1-based column number;
    delimiter and quote character are sniffed unless given; ``header`` None: a header row unless every
    given column is a number."""

    columns: dict[str, str] = field(default_factory=dict)
    delimiter: str | None = None
    quotechar: str | None = None
    header: bool | None = None

    def __post_init__(self) -> None:
        unknown = set(self.columns) - set(CSV_FIELDS)
        if unknown:
            raise ValueError(f"unknown CSV field(s) {', '.join(sorted(unknown))} (known: {', '.join(CSV_FIELDS)})")

    def __hash__(self) -> int:
        return hash((tuple(sorted(self.columns.items())), self.delimiter, self.quotechar, self.header))


@dataclass(frozen=True)
class ReadOptions:
    """Everything the readers take besides the files: CSV layout, WordPress pages and drafts, size limit."""

    csv: CsvOptions = field(default_factory=CsvOptions)
    #: WordPress exports: also read pages (post type ``page``), and drafts/pending/future posts.
    wxr_pages: bool = False
    wxr_drafts: bool = False
    #: Articles with a longer body are skipped with a one-line error (None: no limit; long texts are chunked).
    max_chars: int | None = None

"""The error a reader raises for a file it cannot turn into an article, and the warnings list."""

from __future__ import annotations

#: Collects the warnings of one article while it is parsed (messages without the file name).
Warnings = list[str]


class SourceError(ValueError):
    """A file that cannot be turned into an article; the message names the problem."""

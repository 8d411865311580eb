"""A fast scan of a SPARQL text before any parser sees it: length and nesting depth.

Oxigraph's SPARQL parser recurses once per nesting level; a few thousand nested ``{``, ``(`` or
``[`` overflow the stack and kill the whole process (see ``docs/pyoxigraph-deep-nesting.md``), and
nested blank-node brackets ``[ … ]`` already take seconds at depth 100. The scan counts the depth
of braces, parentheses and brackets outside string literals, IRIs and comments in linear time
(one regular expression pass and a numpy prefix sum), so it is safe on any input up to the body limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

#: Strings (long and short, an unterminated one runs to the end of its line or text), IRIs and
#: comments. Every alternative always matches in one forward pass, so there is no backtracking.
_SKIP = re.compile(
    r'"""(?:[^"\\]|\\.?|"(?!""))*(?:"""|\Z)'
    r"|'''(?:[^'\\]|\\.?|'(?!''))*(?:'''|\Z)"
    r'|"(?:[^"\\\n]|\\.?)*(?:"|(?=\n)|\Z)'
    r"|'(?:[^'\\\n]|\\.?)*(?:'|(?=\n)|\Z)"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*",
    re.S,
)
_NOT_BRACKET = re.compile(r"[^{}()\[\]]+")
_STEP = np.zeros(256, dtype=np.int32)
for _open, _close in ("{}", "()", "[]"):
    _STEP[ord(_open)], _STEP[ord(_close)] = 1, -1


@dataclass(frozen=True)
class GuardLimits:
    """What a request text may be; the defaults leave every named query far inside them."""

    max_query_length: int = 100_000  # characters of a query (updates are bounded by the body size)
    max_depth: int = 32  # nesting of { ( [ together


class GuardError(ValueError):
    """A text over a limit; ``limit`` names the option that sets it."""

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit


def nesting_depth(sparql: str) -> int:
    """Deepest nesting of ``{ ( [`` outside strings, IRIs and comments (an unmatched closer counts as 0)."""
    brackets = _NOT_BRACKET.sub("", _SKIP.sub(" ", sparql))
    if not brackets:
        return 0
    steps = _STEP[np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)]
    depth = np.cumsum(steps, dtype=np.int32)
    floor = np.minimum.accumulate(np.minimum(depth, 0))
    return int((depth - floor).max())


def check_text(sparql: str, limits: GuardLimits, is_update: bool = False) -> None:
    """Raise :class:`GuardError` naming the limit if ``sparql`` is too long (queries) or too deeply nested."""
    if not is_update and len(sparql) > limits.max_query_length:
        raise GuardError("--max-query-length", f"query of {len(sparql):,} characters is over the limit of "
                         f"{limits.max_query_length:,} (--max-query-length)")
    depth = nesting_depth(sparql)
    if depth > limits.max_depth:
        what = "update" if is_update else "query"
        raise GuardError("--max-depth", f"{what} nests {{ ( [ {depth} deep, over the limit of "
                         f"{limits.max_depth} (--max-depth)")

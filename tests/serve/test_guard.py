"""The pre-parse scan: nesting depth outside strings, IRIs and comments, and the limits it enforces."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from topicgraph.query import list_named_queries
from topicgraph.serve.guard import GuardError, GuardLimits, check_text, nesting_depth


def _reference_depth(text: str) -> int:
    """Depth by a character loop, for texts without strings, IRIs or comments."""
    depth = best = 0
    for char in text:
        if char in "{([":
            depth += 1
            best = max(best, depth)
        elif char in "})]":
            depth = max(depth - 1, 0)
    return best


def test_depth_ignores_strings_iris_and_comments():
    assert nesting_depth("SELECT * WHERE { ?s ?p ?o }") == 1
    assert nesting_depth("SELECT * { ?s ?p '{{{{' . ?s ?p \"((\" # {{{{\n FILTER(?x < 3 && (?y > 1)) }") == 3
    assert nesting_depth('SELECT * { ?s ?p """ {{ " (( """ . ?s <http://x/(> ?o }') == 1
    assert nesting_depth("SELECT * { ?s ?p [ ?q [ ?r ?o ] ] }") == 3
    assert nesting_depth(")))((") == 2 and nesting_depth("") == 0
    assert nesting_depth("{ 'unterminated {{{{\n }") == 1  # a string ends at its line


def test_named_queries_are_far_inside_the_default_limits():
    limits = GuardLimits()
    for named in list_named_queries():
        check_text(named.text, limits)
        assert nesting_depth(named.text) <= 4


@pytest.mark.parametrize("text", [
    "SELECT * WHERE " + "{ " * 5000 + "?s ?p ?o " + "} " * 5000,
    "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 20000 + "?o" + ")" * 20000 + ") }",
    "SELECT * WHERE { ?s ?p " + "[ ?p " * 300 + "?o" + " ]" * 300 + " }",
])
def test_the_crashing_shapes_are_rejected_naming_the_limit(text):
    with pytest.raises(GuardError) as err:
        check_text(text, GuardLimits())
    assert err.value.limit == "--max-depth" and "--max-depth" in str(err.value)


def test_length_limit_applies_to_queries_not_updates():
    long_query = "SELECT * WHERE { ?s ?p '" + "x" * 200 + "' }"
    with pytest.raises(GuardError) as err:
        check_text(long_query, GuardLimits(max_query_length=100))
    assert err.value.limit == "--max-query-length"
    check_text("INSERT DATA { <http://x/a> <http://x/b> '" + "x" * 200 + "' }", GuardLimits(max_query_length=100),
               is_update=True)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="{}()[] ?x.", max_size=300))
def test_depth_matches_a_character_loop(text):
    assert nesting_depth(text) == _reference_depth(text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_scans_without_error(text):
    depth = nesting_depth(text)
    assert 0 <= depth <= sum(text.count(c) for c in "{([")

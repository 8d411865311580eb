"""The German resolution gold's builder: variant hits, and the corrections checked by eye."""

from __future__ import annotations

import pytest

from topicgraph.evaluation.resolution_gold_de import apply_overrides, find_mentions, read_overrides

BODY = "Die Universität Lindau forscht. In Lindau regnet es. Helga Brandl lobt Lindau, Brandl auch."
CLUSTERS = [("lindau", ["Lindau"]), ("brandl", ["Helga Brandl", "Brandl"])]


def test_a_corrected_hit_is_dropped_or_moved_to_its_own_cluster(tmp_path):
    hits = find_mentions(BODY, CLUSTERS)
    inside = BODY.index("Lindau")  # inside "Universität Lindau"
    other = BODY.index("Brandl auch")
    path = tmp_path / "overrides.tsv"
    path.write_text("# comment\n"
                    f"a1\t{inside}\t{inside + 6}\tLindau\t-\tinside the name of an organisation\n"
                    f"a1\t{other}\t{other + 6}\tBrandl\tbrandl-2\tanother Brandl\n", encoding="utf-8")
    out = apply_overrides("a1", BODY, hits, read_overrides(path))
    assert (inside, inside + 6, "lindau") in hits and all(s != inside for s, _, _ in out)
    assert (other, other + 6, "brandl-2") in out
    assert len(out) == len(hits) - 1
    assert apply_overrides("a2", BODY, hits, read_overrides(path)) == hits  # another article: untouched


def test_a_correction_that_no_longer_fits_the_text_fails_loudly(tmp_path):
    path = tmp_path / "overrides.tsv"
    start = BODY.index("Lindau")
    path.write_text(f"a1\t{start}\t{start + 6}\tBrandl\t-\twrong spelling\n", encoding="utf-8")
    with pytest.raises(ValueError, match="expects 'Brandl'"):
        apply_overrides("a1", BODY, find_mentions(BODY, CLUSTERS), read_overrides(path))

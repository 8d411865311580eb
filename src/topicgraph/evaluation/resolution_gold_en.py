"""Build the English resolution corpus and its gold from ``data/gold/resolution-en-annotated.txt``.

``python -m topicgraph.evaluation.resolution_gold_en [REPO]`` writes ``data/resolution-en/en-NN.md`` (the markup
removed) and ``data/gold/resolution-en.tsv``, and checks that every article reads back with the same body.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..model import SourceProblem
from ..sources import read_articles
from .resolution import strip_markup


def build(repo: Path) -> tuple[int, int]:
    """Write the articles and the gold; returns (articles, gold mentions)."""
    folder = repo / "data" / "resolution-en"
    source = (repo / "data" / "gold" / "resolution-en-annotated.txt").read_text(encoding="utf-8")
    rows = ["article_id\tstart\tend\tcluster"]
    articles = 0
    for block in source.split("=== ")[1:]:
        header, _, body = block.partition("\n")
        article_id, date, title = (part.strip() for part in header.split("|", 2))
        text, spans = strip_markup(body.strip())
        path = folder / f"{article_id}.md"
        path.write_text(f"---\ntitle: \"{title}\"\nid: {article_id}\ndate: {date}\nlang: en\n---\n{text}\n",
                        encoding="utf-8")
        read = [a for a in read_articles([path]) if not isinstance(a, SourceProblem)]
        if not read or read[0].body != text:
            raise ValueError(f"{path}: the body does not read back unchanged; gold offsets would be wrong")
        rows += [f"{article_id}\t{s}\t{e}\t{c}" for s, e, c in spans]
        articles += 1
    (repo / "data" / "gold" / "resolution-en.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return articles, len(rows) - 1


if __name__ == "__main__":
    n, m = build(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
    print(f"{n} articles, {m} gold mentions")

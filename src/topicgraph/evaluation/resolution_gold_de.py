"""Build German resolution gold over 10kGNAD-dev from hand-written variant lists (names only).

``python -m topicgraph.evaluation.resolution_gold_de CSV [--contexts CLUSTER]`` reads
``data/gold/resolution-de-clusters.tsv`` (cluster key, its spellings), finds every spelling in the
articles (case-sensitive whole words, not inside a hyphenated compound such as "EU-Kommission"),
keeps the articles with at least ``MIN_MENTIONS`` hits of two or more clusters, applies the corrections of
``data/gold/resolution-de-overrides.tsv`` (hits checked by eye: a spelling inside the name of another entity,
"Universität Wien", "ORF III", is no mention of the cluster's entity; a homonym, the economist "Hofer" or the
newspaper "Österreich", goes to a cluster of its own) and writes ``data/gold/resolution-de.tsv`` (article id,
offsets into the body as ingest reads it, cluster key: no article text).
``--contexts`` prints the hits of one cluster with their context to check them by eye (not stored).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .related import read_csv_corpus

MIN_MENTIONS = 4
#: Hits checked by eye and left out: sentence-initial adverbs/adjectives spelled like a surname.
_NOT_A_NAME = re.compile(r"^(?:Kurz|Fischer|Hofer)\s+(?:vor|nach|darauf|danach|zuvor|gesagt|und|gefasst|zusammengefasst|entschlossen|gesagt)\b")


def read_clusters(path: Path) -> list[tuple[str, list[str]]]:
    """(cluster key, spellings) per line of the variant list."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, variants = line.split("\t", 1)
            out.append((key.strip(), [v.strip() for v in variants.split("|") if v.strip()]))
    return out


def find_mentions(body: str, clusters: list[tuple[str, list[str]]]) -> list[tuple[int, int, str]]:
    """Non-overlapping hits of the spellings in a body, longest spelling first."""
    spellings = sorted(((v, key) for key, vs in clusters for v in vs), key=lambda x: -len(x[0]))
    taken: list[tuple[int, int, str]] = []
    for spelling, key in spellings:
        for m in re.finditer(r"(?<![\w-])" + re.escape(spelling) + r"(?![\w-])", body):
            if any(s < m.end() and m.start() < e for s, e, _ in taken):
                continue
            if _NOT_A_NAME.match(body[m.start():m.start() + 40]):
                continue
            taken.append((m.start(), m.end(), key))
    return sorted(taken)


def read_overrides(path: Path) -> dict[tuple[str, int, int], tuple[str, str | None]]:
    """(article id, start, end) -> (spelling, cluster or None for "no gold mention") per corrected hit."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            article, start, end, spelling, cluster = line.split("\t")[:5]
            out[article, int(start), int(end)] = (spelling, None if cluster == "-" else cluster)
    return out


def apply_overrides(article_id: str, body: str, hits: list[tuple[int, int, str]],
                    overrides: dict[tuple[str, int, int], tuple[str, str | None]]) -> list[tuple[int, int, str]]:
    """The hits of one article with the corrections applied (ValueError if a correction no longer fits the text)."""
    out = []
    for s, e, key in hits:
        spelling, cluster = overrides.get((article_id, s, e), (None, key))
        if spelling is not None and body[s:e] != spelling:
            raise ValueError(f"{article_id}:{s}-{e}: the correction expects {spelling!r}")
        if cluster is not None:
            out.append((s, e, cluster))
    return out


def build(csv_path: Path, repo: Path) -> tuple[int, int]:
    """Write the gold; returns (articles, mentions)."""
    clusters = read_clusters(repo / "data" / "gold" / "resolution-de-clusters.tsv")
    overrides = read_overrides(repo / "data" / "gold" / "resolution-de-overrides.tsv")
    rows = ["article_id\tstart\tend\tcluster"]
    n_articles = 0
    from .resolution import as_ingested

    for article in as_ingested(read_csv_corpus(csv_path)):
        hits = find_mentions(article.body, clusters)
        if len(hits) >= MIN_MENTIONS and len({k for *_, k in hits}) >= 2:  # chosen before the corrections
            n_articles += 1
            hits = apply_overrides(article.id, article.body, hits, overrides)
            rows += [f"{article.id}\t{s}\t{e}\t{k}" for s, e, k in hits]
    (repo / "data" / "gold" / "resolution-de.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return n_articles, len(rows) - 1


if __name__ == "__main__":
    csv_file = Path(sys.argv[1])
    if "--contexts" in sys.argv:
        wanted = sys.argv[sys.argv.index("--contexts") + 1]
        clusters = read_clusters(Path("data/gold/resolution-de-clusters.tsv"))
        for a in read_csv_corpus(csv_file):
            for s, e, k in find_mentions(a.body, clusters):
                if k == wanted:
                    print(a.id, repr(a.body[max(0, s - 30):e + 30]))
    else:
        print("%d articles, %d gold mentions" % build(csv_file, Path(".")))

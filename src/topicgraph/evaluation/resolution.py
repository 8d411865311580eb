"""``topicgraph eval-resolution``: B-cubed scores of mention clustering across documents against a gold file.

Gold format (``data/gold/README.md``): tab-separated ``article_id  start  end  cluster``, character
offsets into the article body, one row per gold mention; rows with the same cluster key are one thing.
The articles are read from the corpus (a 10kGNAD CSV or a folder of articles), ingested into a
temporary in-memory store with the normal ingest (so the archive-wide resolution runs), and every gold
mention is matched to the system mention that overlaps it most (same article). A gold mention without
a system mention is a cluster of its own (it costs recall).

Figures: B-cubed precision, recall, F1 over the gold mentions; mentions found and found with exactly
the gold offsets; split = gold clusters whose found mentions land on two or more nodes (of the gold
clusters with a found mention); merged = nodes holding found mentions of two or more gold clusters
(of the nodes holding one).
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..knowledge.kb import default_kb
from ..model import Article, SourceProblem
from ..nlp import Extractor
from ..pipeline.ingest import ingest
from ..sources import read_articles, write_jsonl
from ..store import OxigraphStore


class ResolutionGoldError(ValueError):
    """A gold file or corpus that cannot be used; the message names the file (and line) and the problem."""


class GoldMention(NamedTuple):
    article: str
    start: int
    end: int
    cluster: str


def read_resolution_gold(path: Path) -> list[GoldMention]:
    """The gold mentions of a file (``article_id<TAB>start<TAB>end<TAB>cluster``, ``#`` comments)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ResolutionGoldError(f"{path}: cannot read gold file ({exc.strerror})") from None
    gold: list[GoldMention] = []
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if cells[:4] == ["article_id", "start", "end", "cluster"]:
            continue
        if len(cells) < 4 or not cells[0].strip() or not cells[3].strip():
            raise ResolutionGoldError(f"{path}:{number}: expected 'article_id<TAB>start<TAB>end<TAB>cluster'")
        try:
            start, end = int(cells[1]), int(cells[2])
        except ValueError:
            raise ResolutionGoldError(f"{path}:{number}: start and end must be whole numbers") from None
        if not 0 <= start < end:
            raise ResolutionGoldError(f"{path}:{number}: start {start} must be below end {end}")
        gold.append(GoldMention(cells[0].strip(), start, end, cells[3].strip()))
    if not gold:
        raise ResolutionGoldError(f"{path}: no gold rows")
    return gold


@dataclass
class ResolutionScores:
    """B-cubed and split/merged figures of one evaluation."""

    articles: int
    mentions: int
    clusters: int
    found: int
    exact: int
    precision: float
    recall: float
    split: int
    split_of: int
    merged: int
    merged_of: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def lines(self) -> list[str]:
        return [
            f"articles {self.articles}, gold mentions {self.mentions} in {self.clusters} clusters",
            f"mentions found {self.found}/{self.mentions} ({self.found / self.mentions:.3f}), "
            f"exact spans {self.exact}/{self.mentions} ({self.exact / self.mentions:.3f})",
            f"B-cubed P {self.precision:.3f}  R {self.recall:.3f}  F1 {self.f1:.3f}",
            f"split  {self.split}/{self.split_of} gold clusters on two or more nodes "
            f"({self.split / max(self.split_of, 1):.3f})",
            f"merged {self.merged}/{self.merged_of} nodes holding two or more gold clusters "
            f"({self.merged / max(self.merged_of, 1):.3f})",
        ]


def score_clustering(gold: list[GoldMention], system: dict[str, list[tuple[int, int, str]]]) -> tuple[ResolutionScores, dict]:
    """Scores of the system mentions (per article: start, end, node) against the gold mentions, and the
    node each gold mention was assigned (None: not found)."""
    assigned: dict[GoldMention, str | None] = {}
    exact = 0
    for g in gold:
        best, overlap = None, 0
        for start, end, node in system.get(g.article, ()):
            o = min(end, g.end) - max(start, g.start)
            if o > overlap:
                best, overlap = (start, end, node), o
        assigned[g] = best[2] if best else None
        exact += bool(best and best[0] == g.start and best[1] == g.end)
    by_gold: dict[str, set[GoldMention]] = defaultdict(set)
    by_node: dict[str, set[GoldMention]] = defaultdict(set)
    for g, node in assigned.items():
        by_gold[g.cluster].add(g)
        by_node[node if node is not None else f"missed:{g.article}:{g.start}"].add(g)
    node_of = {g: (node if node is not None else f"missed:{g.article}:{g.start}") for g, node in assigned.items()}
    precision = recall = 0.0
    for g in gold:
        cluster, predicted = by_gold[g.cluster], by_node[node_of[g]]
        both = len(cluster & predicted)
        precision += both / len(predicted)
        recall += both / len(cluster)
    found_nodes: dict[str, set[str]] = defaultdict(set)
    clusters_of_node: dict[str, set[str]] = defaultdict(set)
    for g, node in assigned.items():
        if node is not None:
            found_nodes[g.cluster].add(node)
            clusters_of_node[node].add(g.cluster)
    n = len(gold)
    scores = ResolutionScores(
        articles=len({g.article for g in gold}), mentions=n, clusters=len(by_gold),
        found=sum(node is not None for node in assigned.values()), exact=exact,
        precision=precision / n, recall=recall / n,
        split=sum(len(v) > 1 for v in found_nodes.values()), split_of=len(found_nodes),
        merged=sum(len(v) > 1 for v in clusters_of_node.values()), merged_of=len(clusters_of_node))
    return scores, assigned


def as_ingested(articles: list[Article]) -> list[Article]:
    """The articles as ingest reads them (through JSON lines: whitespace runs collapsed, text repaired);
    gold offsets refer to these bodies."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        write_jsonl(articles, path)
        return [a for a in read_articles([path]) if not isinstance(a, SourceProblem)]


def gold_articles(gold: list[GoldMention], corpus: list[Path]) -> list[Article]:
    """The corpus articles the gold names, as ingest reads them (error naming the first one missing)."""
    from .related import read_corpus

    wanted = {g.article for g in gold}
    articles = {}
    for path in corpus:
        if not path.exists():
            raise ResolutionGoldError(f"{path}: no such file or directory")
        for article in read_corpus(path):
            if article.id in wanted:
                articles[article.id] = article
    articles = {a.id: a for a in as_ingested(list(articles.values()))}
    missing = sorted(wanted - set(articles))
    if missing:
        raise ResolutionGoldError(f"gold articles not in the corpus: {', '.join(missing[:5])}"
                                  + (f" and {len(missing) - 5} more" if len(missing) > 5 else ""))
    for g in gold:
        if g.end > len(articles[g.article].body):
            raise ResolutionGoldError(f"{g.article}: gold offsets {g.start}-{g.end} lie beyond the article body")
    return [articles[i] for i in sorted(articles)]


def system_mentions(articles: list[Article], model: str | None = None, resolve: bool = True
                    ) -> dict[str, list[tuple[int, int, str]]]:
    """Ingest the articles into a temporary in-memory store; per article: (start, end, node) of each mention.
    ``resolve=False``: without the resolution stage (in the article and across the archive), for before/after."""
    kb = default_kb()
    store = OxigraphStore(None)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "articles.jsonl"
        write_jsonl(articles, path)
        report = ingest([path], store, extractor=Extractor(kb, model=model, resolution=resolve), kb=kb,
                        related_k=None, resolve=resolve)
    if report.problems:
        raise ResolutionGoldError(f"{len(report.problems)} article(s) failed: {report.problems[0].problem}")
    rows = store.query("SELECT ?id ?s ?e ?ref WHERE { ?m tg:inArticle ?a ; tg:startOffset ?s ; tg:endOffset ?e ; "
                       "tg:refersTo ?ref . ?a tg:articleId ?id }").rows
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    for aid, s, e, ref in rows:
        out[str(aid)].append((int(s), int(e), str(ref)))
    return dict(out)


def evaluate_resolution(gold_path: Path, corpus: list[Path], model: str | None = None,
                        resolve: bool = True) -> tuple[ResolutionScores, dict, list[Article]]:
    """Read the gold and its articles, run the pipeline, score (see module doc)."""
    gold = read_resolution_gold(gold_path)
    articles = gold_articles(gold, corpus)
    scores, assigned = score_clustering(gold, system_mentions(articles, model=model, resolve=resolve))
    return scores, assigned, articles


def error_lines(assigned: dict, articles: list[Article]) -> list[str]:
    """Each gold cluster's nodes and the other clusters sharing a node (for --errors)."""
    text = {a.id: a.body for a in articles}
    nodes_of: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for g, node in assigned.items():
        nodes_of[g.cluster][node or "(not found)"].append(f"{g.article}:{text[g.article][g.start:g.end]}")
    out = []
    for cluster, nodes in sorted(nodes_of.items()):
        if len(nodes) > 1:
            out.append(f"split {cluster}: " + "; ".join(f"{n.rsplit('/', 1)[-1]} <- {', '.join(v[:3])}"
                                                        for n, v in nodes.items()))
    clusters_of: dict[str, set[str]] = defaultdict(set)
    for g, node in assigned.items():
        if node:
            clusters_of[node].add(g.cluster)
    for node, clusters in sorted(clusters_of.items()):
        if len(clusters) > 1:
            out.append(f"merged {node.rsplit('/', 1)[-1]}: {', '.join(sorted(clusters))}")
    return out


# --------------------------------------------------------------------------- writing English gold

_MARK = re.compile(r"\[\[([^\]|]+)\|([^\]]+)\]\]")


def strip_markup(text: str) -> tuple[str, list[tuple[int, int, str]]]:
    """``"[[Carla Ramirez|ramirez]] won"`` -> plain text and the (start, end, cluster) of each marked name."""
    out, spans, pos = [], [], 0
    length = 0
    for m in _MARK.finditer(text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        spans.append((length, length + len(m.group(1)), m.group(2).strip()))
        out.append(m.group(1))
        length += len(m.group(1))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans

"""Evaluate related-article suggestions on a corpus with category labels: precision@k per method.

The corpus is a CSV in the 10kGNAD format (``label;text``, delimiter ``;``, quote ``'``, no header,
text = title + body) or a folder of articles whose front matter has categories. It is ingested into
a temporary in-memory store with the normal ingest machinery; precision@k is the share of an
article's k suggestions in its category. Articles are split in two halves (fixed seed): the blend
weights are chosen on the tuning half, and every method is reported on the other (test) half.
"""

from __future__ import annotations

import csv
import itertools
import math
import random
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import TopicgraphError
from ..model import Article, SourceProblem
from ..nlp import Extractor
from ..pipeline.ingest import ingest
from ..related import METHODS, RelatedIndex, Suggestion, combine_parts
from ..sources import read_articles, write_jsonl
from ..store import OxigraphStore

#: Blend weight grid step.
GRID_STEP = 0.05


class CorpusError(TopicgraphError, ValueError):
    """A labelled corpus that cannot be read; the message names the file and the problem."""


@dataclass
class EvalReport:
    """Precision@k per method on the test half (and on all articles), and the chosen blend weights."""

    k: int
    n_articles: int
    n_test: int
    precision: dict[str, float] = field(default_factory=dict)
    precision_all: dict[str, float] = field(default_factory=dict)
    blend_weights: dict[str, float] = field(default_factory=dict)
    entity_articles: int = 0
    text_cosine: float = 0.0
    blend_minus_text: tuple[float, float, float] = (0.0, 0.0, 0.0)  # mean, 95% bootstrap interval

    def lines(self) -> list[str]:
        """One line per method: name, precision@k on the test half, then on all articles."""
        out = []
        for name in (*METHODS, "baseline"):
            extra = ""
            if name == "blend":
                extra = "  weights " + " ".join(f"{m}={w:g}" for m, w in self.blend_weights.items()) + " (tuned on the other half)"
            if name == "baseline":
                extra = "  plain TF-IDF over raw words"
            out.append(f"{name:9} {self.precision[name]:.3f}   (all {self.n_articles}: {self.precision_all[name]:.3f}){extra}")
        text_only = max(self.precision["text"], self.precision["baseline"])
        diff, low, high = self.blend_minus_text
        out.append(f"# blend - text per test article: {diff:+.3f} (paired bootstrap 95% interval {low:+.3f} .. {high:+.3f})")
        out.append(f"# text without the neighbour diffusion (lemma TF-IDF cosine only): {self.text_cosine:.3f}")
        out.append(f"# precision@{self.k} on the test half ({self.n_test} articles); blend - best text-only = "
                   f"{self.precision['blend'] - text_only:+.3f}; articles with entities: {self.entity_articles}/{self.n_articles}")
        return out


def read_csv_corpus(path: Path) -> list[Article]:
    """10kGNAD-style CSV: ``label;text`` rows; the first sentence of the text is the title."""
    articles = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.reader(handle, delimiter=";", quotechar="'"), start=1):
            if not row or not "".join(row).strip():
                continue
            if len(row) < 2 or not row[0].strip() or not row[1].strip():
                raise CorpusError(f"{path}:{line}: expected 'label;text'")
            text = ";".join(row[1:]).strip()
            cut = text.find(". ")
            title, body = (text[:cut + 1], text[cut + 2:]) if 0 < cut < 300 else (text[:80], text)
            articles.append(Article(id=f"{path.stem}-{line:05d}", title=title, body=body or text, language="de",
                                    categories=(row[0].strip(),)))
    return articles


def read_corpus(path: Path) -> list[Article]:
    """The articles of a 10kGNAD-style CSV file, or of a folder: its article files and its CSV files
    (e.g. ``../shared/data/10kgnad-dev``); unreadable article files are left out."""
    if path.is_file() and path.suffix.lower() in {".csv", ".tsv"}:
        return read_csv_corpus(path)
    articles = [a for a in read_articles([path]) if not isinstance(a, SourceProblem)]
    if path.is_dir():
        for table in sorted(path.rglob("*.csv")):
            articles.extend(read_csv_corpus(table))
    return articles


def read_labelled_corpus(path: Path) -> list[Article]:
    """Articles with at least one category, from a CSV file or a folder (article and CSV files)."""
    if not path.exists():
        raise CorpusError(f"{path}: no such file or directory")
    articles = [a for a in read_corpus(path) if a.categories]
    if len({a.categories[0] for a in articles}) < 2:
        raise CorpusError(f"{path}: need articles with at least two different categories, found {len(articles)} labelled articles")
    return articles


def _precision_dense(scores: np.ndarray, labels: np.ndarray, rows: np.ndarray, k: int) -> float:
    hits = []
    for r in rows:
        row = scores[r].copy()
        row[r] = -np.inf
        top = np.argpartition(-row, k)[:k]
        top = [t for t in top if row[t] > 0]
        hits.append(sum(labels[t] == labels[r] for t in top) / k)
    return float(np.mean(hits))


def _precision_ranked(index: RelatedIndex, scores, labels: np.ndarray, rows: np.ndarray, k: int) -> float:
    """Precision@k of the suggestions ranked from a score matrix (one row per article, all articles)."""
    ranked = index._rank_block(np.arange(len(index)), scores, k, None, False)
    return float(np.mean([sum(labels[t] == labels[r] for t, _ in ranked[r]) / k for r in rows]))


def choose_blend_weights(index: RelatedIndex, labels: np.ndarray, tune_rows: np.ndarray, k: int) -> dict[str, float]:
    """Grid search (step ``GRID_STEP``) over weights summing to 1, maximising precision@k on ``tune_rows``,
    through the same candidates, normalisation and ranking as the blend itself."""
    rows = np.arange(len(index))
    shape = (len(index), len(index))
    parts_by_pickers: dict[tuple[bool, bool], dict] = {}
    steps = int(round(1 / GRID_STEP))
    best, best_weights = -1.0, {}
    for a, b in itertools.product(range(steps + 1), repeat=2):
        if a + b > steps:
            continue
        weights = {"entities": a / steps, "graph": b / steps, "text": (steps - a - b) / steps}
        pickers = (weights["text"] > 0, weights["entities"] > 0)  # which methods pick the candidates
        if pickers not in parts_by_pickers:
            parts_by_pickers[pickers] = index.blend_parts(rows, {"text": float(pickers[0]), "graph": 1.0,
                                                                 "entities": float(pickers[1])})
        score = _precision_ranked(index, combine_parts(parts_by_pickers[pickers], weights, shape), labels, tune_rows, k)
        if score > best + 1e-9:
            best, best_weights = score, weights
    return best_weights


def paired_interval(differences: np.ndarray, seed: int = 0, resamples: int = 2000) -> tuple[float, float, float]:
    """Mean of per-article differences and its 95% bootstrap interval (articles resampled, fixed seed)."""
    if not len(differences):
        return 0.0, 0.0, 0.0
    rng = np.random.default_rng(seed)
    means = differences[rng.integers(0, len(differences), (resamples, len(differences)))].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(differences.mean()), float(low), float(high)


def baseline_scores(articles: list[Article]) -> np.ndarray:
    """Plain TF-IDF (scikit-learn defaults) over the raw words of title and body: cosine matrix."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    matrix = TfidfVectorizer().fit_transform(f"{a.title} {a.body}" for a in articles)
    scores = (matrix @ matrix.T).toarray()
    np.fill_diagonal(scores, 0.0)
    return scores


def evaluate_related(path: Path, k: int = 10, model: str | None = None, seed: int = 0,
                     echo: Callable[[str], None] | None = None, resolve: bool = True) -> EvalReport:
    """Ingest the labelled corpus into a temporary store and measure precision@k of every method
    (``resolve=False``: without the entity resolution stage, for before/after)."""

    say = echo or (lambda _m: None)
    articles = read_labelled_corpus(Path(path))
    say(f"# {len(articles)} labelled articles from {path}; ingesting (model: {model or 'default'})")
    store = OxigraphStore(None)
    with tempfile.TemporaryDirectory(prefix="topicgraph-eval-") as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_jsonl(articles, corpus)
        report = ingest([corpus], store, extractor=Extractor(model=model, resolution=resolve), related_k=None,
                        resolve=resolve)
    if report.problems:
        say(f"# {len(report.problems)} article(s) skipped at ingest, first: {report.problems[0]}")
    index = RelatedIndex.from_store(store)
    by_id = {a.id: a for a in articles}
    kept = [by_id[a.id] for a in index.articles]
    labels = np.array([a.categories[0] for a in kept])
    category = {a.id: a.categories[0] for a in kept}
    order = list(range(len(kept)))
    random.Random(seed).shuffle(order)
    tune_rows, test_rows = np.array(sorted(order[: len(order) // 2])), np.array(sorted(order[len(order) // 2:]))
    test_ids = [kept[r].id for r in test_rows]

    result = EvalReport(k=k, n_articles=len(kept), n_test=len(test_rows),
                        entity_articles=int((index.mentions.getnnz(axis=1) > 0).sum()))
    result.blend_weights = choose_blend_weights(index, labels, tune_rows, k)
    hits: dict[str, np.ndarray] = {}
    for method in METHODS:
        suggestions = index.suggest_all(k=k, method=method, weights=result.blend_weights, explain=False)
        result.precision[method] = precision_at_k({i: suggestions[i] for i in test_ids}, category, k)
        hits[method] = np.array([sum(category[s.article_id] == category[i] for s in suggestions[i][:k]) / k
                                 for i in test_ids])
        result.precision_all[method] = precision_at_k(suggestions, category, k)
    result.blend_minus_text = paired_interval(hits["blend"] - hits["text"], seed)
    text = index.text_matrix()
    cosine = (text @ text.T).toarray()
    np.fill_diagonal(cosine, 0.0)
    result.text_cosine = _precision_dense(cosine, labels, test_rows, k)
    base = baseline_scores(kept)
    result.precision["baseline"] = _precision_dense(base, labels, test_rows, k)
    result.precision_all["baseline"] = _precision_dense(base, labels, np.arange(len(kept)), k)
    return result


def precision_at_k(suggestions: dict[str, list[Suggestion]], category: dict[str, str], k: int) -> float:
    """Mean share of the (up to) ``k`` suggestions in the source's category (missing ones count as misses)."""
    shares = [sum(category.get(s.article_id) == category.get(src) for s in items[:k]) / k
              for src, items in suggestions.items() if src in category]
    return float(np.mean(shares)) if shares else math.nan

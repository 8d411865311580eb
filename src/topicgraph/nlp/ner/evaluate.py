"""Evaluate a spaCy NER pipeline on a tokenised IOB file (exact span match, PER/ORG/LOC).

Accepted formats (detected per line):

* GermEval 2014: ``index<TAB>token<TAB>outer<TAB>inner`` with ``#`` comment lines;
  the *outer* column is scored; ``*deriv``/``*part``/``OTH`` count as ``O``.
* two columns: ``token<TAB>IOB-label`` (whitespace also accepted); types other
  than PER/ORG/LOC (e.g. ``MISC``) count as ``O``.

Sentences are separated by blank lines. The gold tokenisation is kept: each
sentence becomes a ``Doc`` built from its tokens, then run through the pipeline.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from ...ner_labels import name_label  # the one label mapping: OntoNotes PERSON/GPE/FAC … -> PER/ORG/LOC
from .corpora import LABELS, Sentence, bio_spans, map_tag, repair_bio


def _is_tag(s: str) -> bool:
    s = s.strip()
    return s == "O" or s[:2] in ("B-", "I-", "E-", "S-", "L-", "U-")


def _is_token_line(line: str) -> bool:
    """A line starting with '#' that is a token ('#<TAB>O' or 'n<TAB>#<TAB>O<TAB>O')."""
    cols = line.split("\t")
    return len(cols) == 2 and _is_tag(cols[1])


def read_iob_file(path: str | os.PathLike) -> list[Sentence]:
    sents: list[Sentence] = []
    toks: list[str] = []
    tags: list[str] = []

    def flush():
        nonlocal toks, tags
        if toks:
            sents.append((toks, repair_bio(tags)))
        toks, tags = [], []

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                flush()
                continue
            if line.startswith("#") and not _is_token_line(line):
                continue  # GermEval comment line: "#<TAB>source-URL<TAB>[date]"
            cols = line.split("\t")
            if len(cols) < 2:
                cols = line.split()
            if len(cols) >= 3 and cols[0].strip().isdigit():
                tok, tag = cols[1], cols[2]  # GermEval: outer column
            elif len(cols) >= 2:
                tok, tag = cols[0], cols[-1]
            else:
                raise ValueError(f"{path}: cannot read line {line!r}")
            toks.append(tok)
            tags.append(map_tag(tag))
    flush()
    return sents


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "fp": fp, "fn": fn, "support": tp + fn}


def _scored_spans(gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]]):
    """Per sentence, the sets of gold and predicted spans whose label is scored (PER/ORG/LOC)."""
    for g, p in zip(gold, pred):
        yield {s for s in g if s[2] in LABELS}, {s for s in p if s[2] in LABELS}


def score_spans(gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]]) -> dict:
    """Per-label and overall (micro) P/R/F1 from per-sentence span lists."""
    counts = {lab: [0, 0, 0] for lab in LABELS}
    for gs, ps in _scored_spans(gold, pred):
        for s in gs & ps:
            counts[s[2]][0] += 1
        for s in ps - gs:
            counts[s[2]][1] += 1
        for s in gs - ps:
            counts[s[2]][2] += 1
    labels = {lab: _prf(*c) for lab, c in counts.items()}
    tot = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {"labels": labels, "overall": _prf(*tot)}


def f1_interval(gold: list[list[tuple[int, int, str]]], pred: list[list[tuple[int, int, str]]],
                resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95 % bootstrap interval of the overall F1: sentences resampled with replacement (fixed seed)."""
    import numpy as np

    counts = np.array([(len(gs & ps), len(ps - gs), len(gs - ps)) for gs, ps in _scored_spans(gold, pred)],
                      dtype=float).reshape(-1, 3)
    if not len(counts):
        return 0.0, 0.0
    rng = np.random.default_rng(seed)
    tp, fp, fn = counts[rng.integers(0, len(counts), (resamples, len(counts)))].sum(axis=1).T
    f1 = np.divide(2 * tp, 2 * tp + fp + fn, out=np.zeros(resamples), where=(2 * tp + fp + fn) > 0)
    low, high = np.percentile(f1, [2.5, 97.5])
    return float(low), float(high)


def evaluate_ner(path: str | os.PathLike, nlp=None, batch_size: int = 256) -> dict:
    """Score ``nlp`` (a ``Language``, a model name/path, or ``None`` = shipped model) on ``path``.

    Returns ``{"labels": {PER|ORG|LOC: {precision, recall, f1, tp, fp, fn, support}},
    "overall": {..., "f1_interval": (low, high)}, "sentences", "words", "seconds", "words_per_second",
    "file", "model"}``; the interval is :func:`f1_interval`'s.
    """
    import spacy
    from spacy.tokens import Doc

    if nlp is None:
        from . import load_shipped_model

        nlp = load_shipped_model()
        if nlp is None:
            raise FileNotFoundError("no shipped NER model; pass a model name or path")
    elif isinstance(nlp, (str, Path)):
        from ..models import installed_name

        nlp = spacy.load(installed_name(nlp))
    sents = read_iob_file(path)
    docs = [Doc(nlp.vocab, words=toks) for toks, _ in sents]
    n_words = sum(len(d) for d in docs)
    t0 = time.perf_counter()
    out = list(nlp.pipe(docs, batch_size=batch_size))
    secs = time.perf_counter() - t0
    gold = [bio_spans(tags) for _, tags in sents]
    pred = [[(e.start, e.end, label) for e in d.ents if (label := name_label(e.label_))] for d in out]
    rep = score_spans(gold, pred)
    rep["overall"]["f1_interval"] = f1_interval(gold, pred)
    rep.update({
        "file": str(path),
        "model": f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')}-{nlp.meta.get('version', '')}",
        "sentences": len(sents),
        "words": n_words,
        "seconds": secs,
        "words_per_second": n_words / secs if secs > 0 else float("inf"),
    })
    return rep


def format_report(report: dict) -> str:
    lines = [f"{'label':<8} {'P':>7} {'R':>7} {'F1':>7} {'gold':>6} {'pred':>6}"]
    rows = list(report["labels"].items()) + [("overall", report["overall"])]
    for lab, m in rows:
        lines.append(f"{lab:<8} {m['precision']:7.4f} {m['recall']:7.4f} {m['f1']:7.4f} "
                     f"{m['tp'] + m['fn']:6d} {m['tp'] + m['fp']:6d}")
    if "f1_interval" in report["overall"]:
        low, high = report["overall"]["f1_interval"]
        lines.append(f"overall F1 95% interval {low:.4f} .. {high:.4f} (bootstrap over sentences)")
    if "words" in report:
        lines.append(f"{report['sentences']} sentences, {report['words']} words, "
                     f"{report['words_per_second']:,.0f} words/s ({report.get('model', '')})")
    return "\n".join(lines)

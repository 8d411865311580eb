"""Evaluation of entity linking against a gold file (``article_id<TAB>iri`` with CURIEs).

Scoring: the set of entity IRIs an article gets (``tg:mentions``) is compared with the gold set,
micro-averaged over articles, per entity type and overall.

The gold files list knowledge-base entities only. An entity minted by the statistical NER (not in
the knowledge base) therefore cannot be a true positive; two figures are reported:

* ``kb``: minted entities are left out of the score (counted and listed separately). This is the
  headline figure: it measures linking to the knowledge base.
* ``strict``: every minted entity counts as a false positive (a lower bound).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import TopicgraphError
from ..knowledge.kb import KnowledgeBase
from ..model import Article, EntityType, SourceProblem
from ..namespaces import PREFIXES, entity_iri
from ..nlp import Extractor
from ..nlp.normalize import comparable_name, name_similarity
from ..sources import read_articles


class GoldError(TopicgraphError, ValueError):
    """A gold file that cannot be read; the message names the file, line and problem."""


def expand(curie: str) -> str:
    """``ent:tesla`` -> full IRI; full IRIs pass through."""
    prefix, sep, local = curie.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    if curie.startswith(("http://", "https://")):
        return curie
    raise GoldError(f"{curie!r}: not a known CURIE or IRI")


def read_gold(path: Path) -> dict[str, set[str]]:
    """Gold entity IRIs per article id."""
    gold: dict[str, set[str]] = defaultdict(set)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read gold file ({exc.strerror})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = next(csv.reader([line], delimiter="\t"))
        if number == 1 and cells[:2] == ["article_id", "iri"]:
            continue
        if len(cells) < 2 or not cells[0].strip() or not cells[1].strip():
            raise GoldError(f"{path}:{number}: expected 'article_id<TAB>iri'")
        try:
            gold[cells[0].strip()].add(expand(cells[1].strip()))
        except GoldError as exc:
            raise GoldError(f"{path}:{number}: {exc}") from None
    if not gold:
        raise GoldError(f"{path}: no gold rows")
    return dict(gold)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class EvalReport:
    """Scores per type and overall, for the KB-only and the strict reading."""

    articles: int = 0
    kb: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    strict: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    new_entities: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (article, "fp"/"fn", iri)
    missing_articles: list[str] = field(default_factory=list)

    def format(self, show_errors: bool = False) -> str:
        lines = [f"articles: {self.articles}" + (f" (gold articles not in corpus: {', '.join(self.missing_articles)})"
                                                 if self.missing_articles else "")]
        lines.append(f"{'type':14} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
        for name in [*(t.value for t in EntityType if t.value in self.kb), "overall"]:
            c = self.kb.get(name)
            if c is None:
                continue
            lines.append(f"{name:14} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:5d} {c.fp:5d} {c.fn:5d}")
        s = self.strict["overall"]
        n_new = sum(len(v) for v in self.new_entities.values())
        lines.append(f"new (non-KB) entities, not scored above: {n_new} in {len(self.new_entities)} article(s)")
        lines.append(f"strict (new entities count as false positives): P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
        if show_errors:
            for article, kind, iri in sorted(self.errors):
                lines.append(f"  {kind} {article} {iri}")
            for article, iris in sorted(self.new_entities.items()):
                for iri in sorted(iris):
                    lines.append(f"  new {article} {iri}")
        return "\n".join(lines)


def _type_name(iri: str, kb: KnowledgeBase, types: dict[str, EntityType]) -> str:
    entity = kb.get(iri)
    return (entity.type if entity else types.get(iri, EntityType.OTHER)).value


def score(gold: dict[str, set[str]], predicted: dict[str, set[str]], kb: KnowledgeBase,
          types: dict[str, EntityType] | None = None) -> EvalReport:
    """Compare predicted with gold entity sets for the articles in both."""
    types = types or {}
    report = EvalReport()
    report.missing_articles = sorted(set(gold) - set(predicted))
    for article_id in sorted(set(gold) & set(predicted)):
        report.articles += 1
        want, got = gold[article_id], predicted[article_id]
        new = {iri for iri in got if kb.get(iri) is None and iri not in want}  # a gold file may list new entities
        report.new_entities[article_id] |= new
        if not report.new_entities[article_id]:
            del report.new_entities[article_id]
        for iri in want | got:
            kind = _type_name(iri, kb, types)
            in_gold, in_pred = iri in want, iri in got
            for table, counted in ((report.kb, iri not in new), (report.strict, True)):
                if not counted:
                    continue
                for key in (kind, "overall"):
                    c = table[key]
                    if in_gold and in_pred:
                        c.tp += 1
                    elif in_pred:
                        c.fp += 1
                    else:
                        c.fn += 1
            if in_gold != in_pred and iri not in new:
                report.errors.append((article_id, "fp" if in_pred else "fn", iri))
    return report


def predict(articles: Iterable[Article], extractor: Extractor,
            gold: dict[str, set[str]] | None = None) -> tuple[dict[str, set[str]], dict[str, EntityType]]:
    """Linked entity IRIs per article, and the types of the entities found.

    With ``gold``: an entity the run minted (not in the knowledge base) counts as the gold entity
    ``ent:<slug of its comparable name>`` when the article's gold lists that IRI, so that a gold file can
    name new entities by their name without depending on which spelling the run met first
    ("Acme Chemical Corp" -> ``ent:acme-chemical``)."""
    predicted: dict[str, set[str]] = {}
    types: dict[str, EntityType] = {}
    for extraction in extractor.extract_all(articles):
        want = (gold or {}).get(extraction.article.id, set())
        found = set()
        for m in extraction.mentions:
            iri = m.entity_iri
            entity = extraction.entities.get(iri)
            if want and iri not in want and entity is not None and not entity.in_kb:
                canonical = str(entity_iri(comparable_name(entity.label)))
                iri = canonical if canonical in want else iri
            found.add(iri)
            if entity is not None:
                types[iri] = entity.type
        predicted[extraction.article.id] = found
    return predicted, types


def evaluate_entities(gold_path: Path, corpus: Iterable[str | Path], extractor: Extractor) -> EvalReport:
    """Extract the corpus and score it against the gold file."""
    gold = read_gold(gold_path)
    articles = []
    for item in read_articles(corpus):
        if isinstance(item, SourceProblem):
            if item.is_warning:
                continue
            raise GoldError(f"corpus: {item}")
        if item.id in gold:
            articles.append(item)
    predicted, types = predict(articles, extractor, gold)
    return score(gold, predicted, extractor.kb, types)


# --------------------------------------------------------------------------- near-duplicate names

@dataclass(frozen=True)
class NamePair:
    a: str
    b: str
    same: bool


@dataclass(frozen=True)
class SweepRow:
    threshold: float
    counts: Counts
    false_merges: tuple[str, ...]


def read_name_pairs(path: Path) -> list[NamePair]:
    """Labelled pairs ``name_a<TAB>name_b<TAB>same`` (1 = one entity, 0 = two)."""
    pairs: list[NamePair] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"{path}: cannot read name pairs ({exc.strerror})") from None
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#") or line.startswith("name_a\t"):
            continue
        cells = line.split("\t")
        if len(cells) != 3 or cells[2].strip() not in {"0", "1"}:
            raise GoldError(f"{path}:{number}: expected 'name_a<TAB>name_b<TAB>0|1'")
        pairs.append(NamePair(cells[0].strip(), cells[1].strip(), cells[2].strip() == "1"))
    if not pairs:
        raise GoldError(f"{path}: no name pairs")
    return pairs


def sweep_name_threshold(pairs: list[NamePair], thresholds: Iterable[float]) -> list[SweepRow]:
    """Precision/recall of "same entity" decisions (similarity >= threshold) for each threshold."""

    scored = [(p, name_similarity(p.a, p.b)) for p in pairs]
    rows = []
    for threshold in thresholds:
        c = Counts()
        wrong = []
        for pair, similarity in scored:
            merged = similarity >= threshold
            if merged and pair.same:
                c.tp += 1
            elif merged:
                c.fp += 1
                wrong.append(f"{pair.a} ~ {pair.b} ({similarity:.1f})")
            elif pair.same:
                c.fn += 1
        rows.append(SweepRow(threshold, c, tuple(wrong)))
    return rows


def format_sweep(rows: list[SweepRow]) -> str:
    lines = [f"{'threshold':>9} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}  false merges"]
    for row in rows:
        c = row.counts
        lines.append(f"{row.threshold:9.0f} {c.precision:6.3f} {c.recall:6.3f} {c.f1:6.3f} {c.tp:4d} {c.fp:4d} {c.fn:4d}  "
                     + "; ".join(row.false_merges))
    return "\n".join(lines)

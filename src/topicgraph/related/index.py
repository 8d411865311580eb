"""Related-article suggestions: shared entities, a random walk, text similarity and their blend, explained.

Four methods score a source article against every other article:

- ``entities``: shared entities weighted by IDF and by aboutness (LDBC SPB related-works weights:
  about/about 2, about/mentions 1.5, mentions/about 1, mentions/mentions 0.5); a technology also
  counts through its SKOS broader concepts (at ``BROADER_WEIGHT``), so an article on a narrower
  technology meets one on the broader concept.
- ``graph``: a random walk with restart (personalised PageRank) over the article–entity graph,
  truncated after two article hops: article -> entity -> article, plus article -> entity -> article
  -> entity -> article through each entity's strongest co-mentioned entities. Sparse matrices (scipy).
- ``text``: cosine of TF-IDF vectors over the articles' lemmas (``tg:terms``, written at ingest;
  sublinear tf, 1–2-grams), blended with one diffusion step over the text-neighbour graph (articles
  whose nearest neighbours by text are the same): the fallback for articles with few entities.
- ``blend``: per source, the best ``BLEND_CANDIDATES`` targets by text and by entities are the
  candidates; each method scores them (the walk only at these pairs), divided by its best score
  among them, then weighted (``DEFAULT_BLEND_WEIGHTS``, chosen on the tuning half of 10kGNAD-dev by
  ``topicgraph eval-related``, through this same code).

Bulk ranking works on row blocks with sparse products and vectorised top-n selection (rows padded
into dense blocks and cut with ``np.partition``), no per-row Python loops.

Every suggestion carries its reasons: the shared entities (with their contribution) and, for text,
the shared terms. Near-duplicates (text cosine >= ``NEAR_DUPLICATE`` or the same title) and the
article itself are never suggested. Suggestions can be stored as triples in the derived named graph
``tgg:related`` (``tg:RelatedArticle`` nodes with ``tg:source/target/score/method/reason`` plus
``tg:relatedTo``) and are refreshed for the affected articles after an ingest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from ..errors import TopicgraphError
from ..knowledge.kb import KnowledgeBase, default_kb
from ..model import Extraction
from ..store import Store, select_values
from .scorers import DEFAULT_BLEND_WEIGHTS, SCORERS, get_scorer
from .sparse import (
    COMMON_FROM,
    COMMON_SHARE,
    compress,
    drop_common,
    eligible,
    eligible_mask,
    row_max_scaled,
    row_normalise,
    sources_of,
    top_per_row,
    without_self,
)

DEFAULT_METHOD = "blend"
#: The registered methods (scorers.py).
METHODS = tuple(SCORERS)

#: LDBC SPB related-works weights: (source about?, target about?) -> weight of a shared entity.
#: They are additive: 0.5 + 1.0 * source_about + 0.5 * target_about, which the matrices use.
ABOUTNESS_WEIGHTS = {(True, True): 2.0, (True, False): 1.5, (False, True): 1.0, (False, False): 0.5}
#: Weight of a broader SKOS concept reached from a mentioned technology (a direct mention counts 1).
BROADER_WEIGHT = 0.5
#: Text cosine at or above which two articles are near-duplicates (never suggested).
NEAR_DUPLICATE = 0.9
#: Restart probability of the random walk.
RESTART = 0.15
#: Strongest co-mentioned entities kept per entity for the walk's second step.
CO_MENTION_NEIGHBOURS = 16
#: Entities kept per article after the walk's second step (its own ones weigh most).
WALK_ENTITIES = 20
#: Each article's nearest articles by cosine that the text method's diffusion step goes through.
TEXT_NEIGHBOURS = 10
#: The blend scores, per source, the best BLEND_CANDIDATES targets by text and by entities (the
#: graph walk only re-scores these pairs): it keeps the bulk blend about as cheap as text + entities.
BLEND_CANDIDATES = 50


class UnknownArticle(TopicgraphError, KeyError):
    """No article with this id in the store."""

    def __str__(self) -> str:
        return f"no article with id {self.args[0]!r} in the store"


@dataclass(frozen=True)
class Reason:
    """What two articles share and what it contributed: an entity (``iri``) or a term (``iri`` empty)."""

    iri: str
    label: str
    weight: float


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class ArticleInfo:
    """What the index keeps of an article besides its features."""

    id: str
    title: str
    date: dt.date | None = None
    language: str = ""
    categories: tuple[str, ...] = ()


@dataclass
class RelatedIndex:
    """Articles' entities (with aboutness) and terms as sparse matrices, built once, queried often."""

    articles: list[ArticleInfo]
    entity_iris: list[str]
    entity_labels: list[str]
    mentions: sp.csr_matrix  # article x entity: 1 mentioned, BROADER_WEIGHT through a broader concept
    about: sp.csr_matrix  # article x entity: 1 if the article is about the entity
    terms: list[str]
    position: dict[str, int] = field(default_factory=dict)
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.position = {a.id: i for i, a in enumerate(self.articles)}

    # ---------------------------------------------------------------- construction

    @classmethod
    def build(cls, articles: Sequence[ArticleInfo], features: Sequence[dict[str, bool]], terms: Sequence[str],
              labels: dict[str, str] | None = None, kb: KnowledgeBase | None = None) -> "RelatedIndex":
        """From per-article ``{entity iri: about?}``; technologies are expanded to their SKOS ancestors."""
        kb = kb if kb is not None else default_kb()
        labels = dict(labels or {})
        column: dict[str, int] = {}
        rows, cols, weights, about_rows, about_cols = [], [], [], [], []
        ancestors_of: dict[str, set[str]] = {}
        for i, entities in enumerate(features):
            weight_of: dict[str, float] = {}
            for iri, is_about in entities.items():
                weight_of[iri] = 1.0
                if is_about:
                    about_rows.append(i)
                    about_cols.append(column.setdefault(iri, len(column)))
            for iri in entities:
                if iri not in ancestors_of:
                    ancestors_of[iri] = kb.ancestors(iri)
                for broader in ancestors_of[iri]:
                    weight_of.setdefault(broader, BROADER_WEIGHT)
                    if broader not in labels:
                        labels[broader] = kb.label(broader)
            for iri, weight in weight_of.items():
                rows.append(i)
                cols.append(column.setdefault(iri, len(column)))
                weights.append(weight)
        shape = (len(articles), len(column))
        mentions = sp.csr_matrix((np.array(weights, dtype=np.float32), (rows, cols)), shape=shape)
        about = sp.csr_matrix((np.ones(len(about_rows), dtype=np.float32), (about_rows, about_cols)), shape=shape)
        iris = sorted(column, key=column.__getitem__)
        return cls(list(articles), iris, [labels.get(i) or i.rsplit("/", 1)[-1] for i in iris],
                   mentions, about, list(terms))

    @classmethod
    def from_extractions(cls, extractions: Iterable[Extraction], kb: KnowledgeBase | None = None) -> "RelatedIndex":
        """From Extractions (no store): for benchmarks and tests."""
        infos, features, terms, labels = [], [], [], {}
        for ex in extractions:
            a = ex.article
            infos.append(ArticleInfo(a.id, a.title, a.date, a.language, a.categories))
            about = set(ex.about)
            features.append({m.entity_iri: m.entity_iri in about for m in ex.mentions})
            terms.append(ex.terms or f"{a.title} {a.body}".lower())
            labels.update({iri: e.label for iri, e in ex.entities.items()})
        return cls.build(infos, features, terms, labels, kb)

    @classmethod
    def from_store(cls, store: Store, kb: KnowledgeBase | None = None) -> "RelatedIndex":
        """Read every article's metadata, entities, aboutness and terms from the store."""
        infos: dict[str, ArticleInfo] = {}
        rows = select_values(
            store, "SELECT ?id ?title ?date ?lang (GROUP_CONCAT(?cat; separator='\\u001f') AS ?cats) WHERE {"
            " ?a a tg:Article ; tg:articleId ?id . OPTIONAL { ?a dcterms:title ?title }"
            " OPTIONAL { ?a dcterms:date ?date } OPTIONAL { ?a dcterms:language ?lang }"
            " OPTIONAL { ?a tg:category ?cat } } GROUP BY ?id ?title ?date ?lang")
        for aid, title, date, lang, cats in rows:
            day = None
            if date is not None:
                try:
                    day = dt.date.fromisoformat(str(date)[:10])
                except ValueError:
                    day = None
            infos[str(aid)] = ArticleInfo(str(aid), str(title or aid), day, str(lang or ""),
                                          tuple(c for c in str(cats or "").split("\x1f") if c))
        ids = sorted(infos)
        features: dict[str, dict[str, bool]] = {i: {} for i in ids}
        for aid, entity in select_values(store, "SELECT ?id ?e WHERE { ?a tg:articleId ?id ; tg:mentions ?e }"):
            features.setdefault(str(aid), {})[str(entity)] = False
        for aid, entity in select_values(store, "SELECT ?id ?e WHERE { ?a tg:articleId ?id ; tg:about ?e }"):
            features.setdefault(str(aid), {})[str(entity)] = True
        terms = {str(aid): str(t) for aid, t in select_values(
            store, "SELECT ?id ?t WHERE { ?a tg:articleId ?id ; tg:terms ?t }")}
        labels: dict[str, str] = {}
        for entity, label, lang in select_values(
                store, "SELECT ?e ?l (LANG(?l) AS ?lang) WHERE { ?a tg:mentions ?e . ?e skos:prefLabel ?l }"):
            if str(entity) not in labels or str(lang) == "de":
                labels[str(entity)] = str(label)
        return cls.build([infos[i] for i in ids], [features.get(i, {}) for i in ids],
                         [terms.get(i, "") for i in ids], labels, kb)

    # ---------------------------------------------------------------- derived matrices (lazy)

    def __len__(self) -> int:
        return len(self.articles)

    def cached(self, key: str, make: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def idf(self) -> np.ndarray:
        def make() -> np.ndarray:
            df = np.bincount(self.mentions.indices, minlength=self.mentions.shape[1])
            n = max(len(self), 1)
            return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        return self.cached("idf", make)

    def entity_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Source features [idf*(0.5 M + A) | 0.5 idf M] and target features [M | A], so that
        source @ target.T is the LDBC-weighted, IDF-weighted shared-entity score."""
        def make():
            idf = sp.diags(self.idf)
            m = drop_common(self.mentions, len(self))
            a = self.about.multiply(m > 0).tocsr()
            source = sp.hstack([(0.5 * m + a) @ idf, 0.5 * m @ idf], format="csr")
            target_t = sp.hstack([m, a], format="csr").T.tocsr()
            return source, target_t
        return self.cached("entities", make)

    def walk_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Each article's walk distribution over entities after one and two entity steps, and the
        entity -> article transition matrix."""
        def make():
            w = drop_common(self.mentions, len(self))
            w = sp.csr_matrix(w + self.about.multiply(w > 0))  # about edges count twice
            to_entity = row_normalise(w)  # article -> entity
            to_article = row_normalise(w.T.tocsr())  # entity -> article
            co = sp.csr_matrix(to_article @ to_entity)  # entity -> article -> entity
            co.setdiag(0)
            co.eliminate_zeros()
            # keep each entity's most telling co-mentioned entities (transition x IDF), renormalised
            informative = top_per_row(sp.csr_matrix(co @ sp.diags(self.idf)), CO_MENTION_NEIGHBOURS)
            co = row_normalise(sp.csr_matrix(co.multiply(informative > 0)))
            decay = (1.0 - RESTART) ** 2
            walk = top_per_row(sp.csr_matrix(to_entity + decay * (to_entity @ co)), WALK_ENTITIES)
            return walk, to_article
        return self.cached("graph", make)

    def text_matrix(self) -> sp.csr_matrix:
        """L2-normalised TF-IDF (sublinear tf, 1-2-grams) over the terms; empty without terms."""
        def make():
            from sklearn.feature_extraction.text import TfidfVectorizer

            n_with_terms = sum(1 for t in self.terms if t.strip())
            vectorizer = TfidfVectorizer(token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                         ngram_range=(1, 2), min_df=2 if n_with_terms >= 20 else 1,
                                         max_df=COMMON_SHARE if len(self) >= COMMON_FROM else 1.0,
                                         dtype=np.float32)
            try:
                matrix = vectorizer.fit_transform(self.terms).tocsr()
                self._cache["vocabulary"] = vectorizer.get_feature_names_out()
            except ValueError:  # no terms at all
                matrix = sp.csr_matrix((len(self), 0), dtype=np.float32)
                self._cache["vocabulary"] = np.array([], dtype=object)
            return matrix
        return self.cached("text", make)

    def text_neighbours(self, chunk: int = 2000) -> sp.csr_matrix:
        """Article x article: each article's ``TEXT_NEIGHBOURS`` nearest articles by text cosine."""
        def make():
            text, text_t = self.text_matrix(), self.text_transposed()
            blocks = []
            for start in range(0, len(self), chunk):
                block = sp.csr_matrix(text[start:start + chunk] @ text_t)
                block.setdiag(0, k=start)
                block.eliminate_zeros()
                blocks.append(top_per_row(block, TEXT_NEIGHBOURS))
            return sp.csr_matrix(sp.vstack(blocks)) if blocks else sp.csr_matrix((0, 0))
        return self.cached("neighbours", make)

    def text_transposed(self) -> sp.csr_matrix:
        return self.cached("text_t", lambda: self.text_matrix().T.tocsr())

    # ---------------------------------------------------------------- scores

    def scores(self, rows: np.ndarray, method: str, weights: dict[str, float] | None = None) -> sp.csr_matrix:
        """Scores of the source articles ``rows`` against every article (one row each), sparse, by the
        method registered as ``method`` (scorers.py)."""
        return get_scorer(method).scores(self, rows, weights)

    def blend_parts(self, rows: np.ndarray, weights: dict[str, float] | None = None) -> dict[str, sp.csr_matrix]:
        """Each blended method's unweighted share of the blend for the source ``rows``.

        The candidates of a source are its best ``BLEND_CANDIDATES`` targets by each candidate method
        (``text`` and ``entities``, those with a positive weight; ``graph`` only if neither has one),
        never the source itself. Every method with a positive weight scores those candidates (the
        graph walk only at these pairs, so the bulk blend never computes whole graph rows), divided by
        its best score among them."""
        weights = weights or DEFAULT_BLEND_WEIGHTS
        used = [name for name, weight in weights.items() if weight > 0]
        if not used:
            return {}
        pickers = [name for name in ("text", "entities") if name in used] or used
        full: dict[str, sp.csr_matrix] = {}
        candidates = None
        for name in pickers:
            full[name] = without_self(self.scores(rows, name), rows)
            top = top_per_row(full[name], BLEND_CANDIDATES)
            top = sp.csr_matrix((np.ones(top.nnz, dtype=np.float32), top.indices, top.indptr), shape=top.shape)
            candidates = top if candidates is None else candidates.maximum(top)
        candidates = candidates.tocsr()
        parts = {}
        for name in used:
            if name in full:
                part = sp.csr_matrix(full[name].multiply(candidates))
            else:
                part = self._pair_scores(rows, candidates, name)
            parts[name] = row_max_scaled(part, 1.0)
        return parts

    def _pair_scores(self, rows: np.ndarray, candidates: sp.csr_matrix, method: str) -> sp.csr_matrix:
        """``method``'s scores at the (source, candidate) pairs only: a sparse matrix shaped like ``candidates``."""
        owner = sources_of(candidates, rows)
        operands = get_scorer(method).pair_operands(self)
        if operands is None:  # no cheaper form than the method's own rows
            return sp.csr_matrix(self.scores(rows, method).multiply(candidates))
        left, right = operands
        values = np.asarray(left[owner].multiply(right[candidates.indices]).sum(axis=1), dtype=np.float32).ravel()
        return sp.csr_matrix((values, candidates.indices, candidates.indptr), shape=candidates.shape)

    def _allowed(self, since: dt.date | None, same_language: bool):
        """Per-target filter (date window) and per-source language filter, as arrays."""
        dates = self.cached("dates", lambda: np.array([a.date.toordinal() if a.date else 0 for a in self.articles]))
        languages = self.cached("languages", lambda: np.unique([a.language for a in self.articles],
                                                                   return_inverse=True)[1])
        allowed = dates >= since.toordinal() if since is not None else None
        return allowed, (languages if same_language else None)

    def _title_keys(self) -> np.ndarray:
        return self.cached("titles", lambda: np.unique([a.title.strip().lower() for a in self.articles],
                                                        return_inverse=True)[1])

    def _near_duplicates(self, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """For pairs (source, target): same title or text cosine >= NEAR_DUPLICATE."""
        titles = self._title_keys()
        duplicate = titles[sources] == titles[targets]
        text = self.text_matrix()
        if text.shape[1] and len(sources):
            cosine = np.asarray(text[sources].multiply(text[targets]).sum(axis=1)).ravel()
            duplicate |= cosine >= NEAR_DUPLICATE
        return duplicate

    def _rank_block(self, block: np.ndarray, scores: sp.csr_matrix, k: int, since: dt.date | None,
                    same_language: bool) -> list[list[tuple[int, float]]]:
        """Top ``k`` (target, score) per source row of a score block: self, filtered and near-duplicate
        targets excluded; ties broken by article order. Vectorised over the block's rows."""
        allowed, languages = self._allowed(since, same_language)
        extra = 5
        block = np.asarray(block)
        scores = scores.tocsr()
        if allowed is None and languages is None:  # cut first: only the source itself is to be left out
            eligible = without_self(top_per_row(scores, k + extra + 1), block)
        else:
            keep = eligible_mask(scores.indices, scores.data, sources_of(scores, block), allowed, languages)
            eligible = compress(scores, keep)
        top = top_per_row(eligible, k + extra)
        truncated = np.diff(scores.indptr) > k + extra
        owner = np.repeat(np.arange(len(block)), np.diff(top.indptr))
        order = np.lexsort((top.indices, -top.data, owner))  # per row: best first, then article order
        owner, targets, values = owner[order], top.indices[order], top.data[order]
        duplicate = self._near_duplicates(np.asarray(block)[owner], targets)
        had_duplicates = np.bincount(owner[duplicate], minlength=len(block)) > 0
        owner, targets, values = owner[~duplicate], targets[~duplicate], values[~duplicate]
        first = np.searchsorted(owner, np.arange(len(block)))
        picked = np.arange(len(owner)) - first[owner] < k
        owner, targets, values = owner[picked], targets[picked], values[picked]
        bounds = np.searchsorted(owner, np.arange(len(block) + 1))
        pairs = list(zip(targets.tolist(), values.astype(np.float64).tolist()))
        ranked = [pairs[bounds[i]:bounds[i + 1]] for i in range(len(block))]
        short = np.diff(bounds) < k
        for i in np.flatnonzero(short & had_duplicates & truncated):  # many duplicates: widen this row
            ranked[i] = self._rank_wide(int(block[i]), scores.getrow(i), k, allowed, languages)
        return ranked

    def _rank_wide(self, source: int, row: sp.csr_matrix, k: int, allowed, languages) -> list[tuple[int, float]]:
        idx, val = eligible(source, row.indices, row.data, allowed, languages)
        order = np.lexsort((idx, -val))
        idx, val = idx[order], val[order]
        dup = self._near_duplicates(np.full(len(idx), source), idx)
        return [(int(t), float(v)) for t, v in zip(idx[~dup], val[~dup])][:k]

    def reasons(self, source: int, target: int, method: str, n: int = 8) -> tuple[Reason, ...]:
        """Shared entities (with their LDBC/IDF contribution) and, if none or for text, shared terms."""
        m, a, idf = self.mentions, self.about, self.idf
        s_cols = m.indices[m.indptr[source]:m.indptr[source + 1]]
        s_vals = m.data[m.indptr[source]:m.indptr[source + 1]]
        t_row = dict(zip(m.indices[m.indptr[target]:m.indptr[target + 1]], m.data[m.indptr[target]:m.indptr[target + 1]]))
        s_about = set(a.indices[a.indptr[source]:a.indptr[source + 1]])
        t_about = set(a.indices[a.indptr[target]:a.indptr[target + 1]])
        found = []
        for col, s_weight in zip(s_cols, s_vals):
            if col in t_row:
                weight = idf[col] * s_weight * t_row[col] * ABOUTNESS_WEIGHTS[(col in s_about, col in t_about)]
                found.append(Reason(self.entity_iris[col], self.entity_labels[col], round(float(weight), 4)))
        found.sort(key=lambda r: (-r.weight, r.label))
        found = found[:n]
        if get_scorer(method).explains_with_terms or not found:
            found += list(self._shared_terms(source, target, max(n - len(found), 3)))
        return tuple(found)

    def _shared_terms(self, source: int, target: int, n: int) -> list[Reason]:
        text = self.text_matrix()
        if not text.shape[1]:
            return []
        s, t = slice(text.indptr[source], text.indptr[source + 1]), slice(text.indptr[target], text.indptr[target + 1])
        columns, in_s, in_t = np.intersect1d(text.indices[s], text.indices[t], assume_unique=True,
                                             return_indices=True)
        product = text.data[s][in_s] * text.data[t][in_t]
        order = np.argsort(-product, kind="stable")[:n]  # ties: lower column first
        vocabulary = self._cache["vocabulary"]
        return [Reason("", str(vocabulary[columns[j]]), round(float(product[j]), 4)) for j in order]

    # ---------------------------------------------------------------- public queries

    def suggest(self, article_id: str, k: int = 10, method: str = DEFAULT_METHOD, since: dt.date | None = None,
                same_language: bool = False, weights: dict[str, float] | None = None) -> list[Suggestion]:
        """The ``k`` best suggestions for one article, explained."""
        if article_id not in self.position:
            raise UnknownArticle(article_id)
        block = np.array([self.position[article_id]])
        ranked = self._rank_block(block, self.scores(block, method, weights), k, since, same_language)[0]
        return [self._suggestion(int(block[0]), t, s, method) for t, s in ranked]

    def rank_all(self, k: int = 10, method: str = DEFAULT_METHOD, since: dt.date | None = None,
                 same_language: bool = False, rows: np.ndarray | None = None,
                 weights: dict[str, float] | None = None, chunk: int = 2000, workers: int = 2):
        """Bulk ranking without explanations: ``(source row, [(target row, score), ...])`` per article,
        row blocks spread over ``workers`` threads (scipy's sparse products release the GIL)."""
        from concurrent.futures import ThreadPoolExecutor

        rows = np.arange(len(self)) if rows is None else np.asarray(rows, dtype=np.int64)
        self.scores(rows[:1], method, weights)  # build the lazy matrices once, before the threads

        def run(start: int):
            block = rows[start:start + chunk]
            return block, self._rank_block(block, self.scores(block, method, weights), k, since, same_language)

        starts = range(0, len(rows), chunk)
        if workers > 1 and len(starts) > 1:
            with ThreadPoolExecutor(workers) as pool:
                results = list(pool.map(run, starts))
        else:
            results = [run(s) for s in starts]
        for block, ranked in results:
            yield from zip(block.tolist(), ranked)

    def suggest_all(self, k: int = 10, method: str = DEFAULT_METHOD, since: dt.date | None = None,
                    same_language: bool = False, article_ids: Iterable[str] | None = None,
                    weights: dict[str, float] | None = None, explain: bool = True) -> dict[str, list[Suggestion]]:
        """Suggestions for every article (or those in ``article_ids``); ``explain=False`` skips the reasons."""
        rows = None if article_ids is None else np.array(
            [self.position[i] for i in article_ids if i in self.position], dtype=np.int64)
        result: dict[str, list[Suggestion]] = {}
        for source, ranked in self.rank_all(k, method, since, same_language, rows, weights):
            result[self.articles[source].id] = [
                self._suggestion(source, t, s, method) if explain else
                Suggestion(self.articles[t].id, self.articles[t].title, round(s, 4), ()) for t, s in ranked]
        return result

    def _suggestion(self, source: int, target: int, score: float, method: str) -> Suggestion:
        info = self.articles[target]
        return Suggestion(info.id, info.title, round(score, 4), self.reasons(source, target, method))

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
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from .kb import KnowledgeBase, default_kb
from .model import Extraction
from .namespaces import RELATED_GRAPH, TG, article_iri, related_iri
from .store import OxigraphStore, Store, ox_quad, select_values

METHODS = ("entities", "graph", "text", "blend")
DEFAULT_METHOD = "blend"

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
#: Text similarity = (1 - TEXT_DIFFUSION) x cosine + TEXT_DIFFUSION x shared text neighbours (one
#: diffusion step over the graph linking each article to its TEXT_NEIGHBOURS nearest by cosine),
#: each scaled by its row maximum; chosen on the tuning half of 10kGNAD-dev (0.35: 0.596 there, 0.5: 0.586).
TEXT_DIFFUSION = 0.35
TEXT_NEIGHBOURS = 10
#: Blend weights, chosen on the tuning half of 10kGNAD-dev (``topicgraph eval-related``).
DEFAULT_BLEND_WEIGHTS = {"entities": 0.1, "graph": 0.1, "text": 0.8}
#: The blend scores, per source, the best BLEND_CANDIDATES targets by text and by entities (the
#: graph walk only re-scores these pairs): it keeps the bulk blend about as cheap as text + entities.
BLEND_CANDIDATES = 50
#: From this many articles on, features (entities, terms) in more than ``COMMON_SHARE`` of the
#: articles are left out: they weigh almost nothing (low IDF) and dominate the cost at scale.
COMMON_FROM = 20_000
COMMON_SHARE = 0.02


class UnknownArticle(KeyError):
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


# --------------------------------------------------------------------------- matrices

def _row_normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    sums[sums == 0] = 1.0
    return _scale_rows(matrix, 1.0 / sums)


def _scale_rows(matrix: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    """Row ``i`` times ``factors[i]``, without re-sorting the indices (a new data array, shared structure)."""
    matrix = matrix.tocsr()
    data = matrix.data * np.repeat(np.asarray(factors, dtype=matrix.dtype), np.diff(matrix.indptr))
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)


def _row_max(matrix: sp.csr_matrix) -> np.ndarray:
    """Largest stored value of each row (0 for an empty row); indices need not be sorted."""
    best = np.zeros(matrix.shape[0], dtype=matrix.dtype)
    filled = np.diff(matrix.indptr) > 0
    if filled.any():
        best[filled] = np.maximum.reduceat(matrix.data, matrix.indptr[:-1][filled])
    return best


def _row_max_scaled(matrix: sp.csr_matrix, weight: float) -> sp.csr_matrix:
    """Each row divided by its largest value, times ``weight``."""
    best = _row_max(matrix)
    best[best <= 0] = 1.0
    return _scale_rows(matrix, weight / best)


#: Largest padded block (cells, rows) that :func:`_top_mask` partitions at once.
PAD_CELLS = 4_000_000
PAD_ROWS = 256


def _top_mask(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n: int) -> np.ndarray:
    """Mask of the ``n`` largest entries of each CSR row; ties go to the smaller column index.

    Each row longer than ``n`` is cut at its n-th largest value: such rows are padded into dense
    blocks of similar lengths and cut with one ``np.partition`` per block; ties at the cut are settled
    by one lexsort over the tied entries only. No index arrays as long as ``data``: the cost is a
    few passes over it."""
    if n <= 0:
        return np.zeros(len(data), dtype=bool)
    counts = np.diff(indptr)
    long_rows = np.flatnonzero(counts > n)
    if not len(long_rows):
        return np.ones(len(data), dtype=bool)
    dtype = np.float64 if data.dtype == np.float64 else np.float32
    keep = np.ones(len(data), dtype=bool)
    tied_at, tied_rows, tied_need = [], [], []
    long_rows = long_rows[np.argsort(counts[long_rows], kind="stable")]  # similar lengths pad together
    start = 0
    while start < len(long_rows):
        group = max(1, min(PAD_ROWS, PAD_CELLS // int(counts[long_rows[min(start + PAD_ROWS, len(long_rows)) - 1]])))
        rows = long_rows[start:start + group]
        start += group
        width = int(counts[rows[-1]])
        padded = np.full((len(rows), width), -np.inf, dtype=dtype)
        bounds = [(int(indptr[r]), int(indptr[r + 1])) for r in rows.tolist()]
        for j, (lo, hi) in enumerate(bounds):
            padded[j, :hi - lo] = data[lo:hi]
        cut = np.partition(padded, width - n, axis=1)[:, width - n:width - n + 1]  # n-th largest per row
        above = padded > cut
        for j, (lo, hi) in enumerate(bounds):
            keep[lo:hi] = above[j, :hi - lo]
        j, col = np.nonzero(padded == cut)
        tied_at.append(indptr[rows][j] + col)
        tied_rows.append(rows[j])
        tied_need.append((n - above.sum(axis=1))[j])
    tied_at, tied_rows, tied_need = (np.concatenate(x) for x in (tied_at, tied_rows, tied_need))
    order = np.lexsort((indices[tied_at], tied_rows))  # ties at the cut: the smaller column first
    tied_at, tied_rows, tied_need = tied_at[order], tied_rows[order], tied_need[order]
    rank = np.arange(len(tied_at)) - np.searchsorted(tied_rows, tied_rows)
    keep[tied_at[rank < tied_need]] = True
    return keep


def _row_counts(mask: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Number of true entries of ``mask`` in each CSR row."""
    out = np.zeros(len(indptr) - 1, dtype=np.int64)
    filled = np.diff(indptr) > 0
    if filled.any():
        out[filled] = np.add.reduceat(mask, indptr[:-1][filled], dtype=np.int64)
    return out


def _compress(matrix: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """The CSR matrix with only the entries where ``keep`` is true."""
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(_row_counts(keep, matrix.indptr), out=indptr[1:])
    return sp.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def combine_parts(parts: dict[str, sp.csr_matrix], weights: dict[str, float], shape: tuple[int, int]) -> sp.csr_matrix:
    """The blend: the weighted sum of the methods' parts (see :meth:`RelatedIndex.blend_parts`)."""
    total = sp.csr_matrix(shape, dtype=np.float32)
    for name, part in parts.items():
        if weights.get(name, 0) > 0:
            total = total + _scale_rows(part, np.full(shape[0], weights[name]))
    return sp.csr_matrix(total)


def _eligible_mask(targets: np.ndarray, scores: np.ndarray, sources, allowed=None, languages=None) -> np.ndarray:
    """Which (source, target) entries may be suggested: a positive score, not the source itself, and
    within the date (``allowed``) and language filters. ``sources``: one source, or one per entry."""
    keep = (targets != sources) & (scores > 0)
    if allowed is not None:
        keep &= allowed[targets]
    if languages is not None:
        keep &= languages[targets] == languages[sources]
    return keep


def _sources_of(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The source article of each stored entry of a score block whose row i belongs to ``rows[i]``."""
    return np.repeat(np.asarray(rows).astype(matrix.indices.dtype), np.diff(matrix.indptr))


def _without_self(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """Score rows of the sources ``rows`` without each source's own column and non-positive scores."""
    matrix = matrix.tocsr()
    keep = _eligible_mask(matrix.indices, matrix.data, _sources_of(matrix, rows))
    return matrix if keep.all() else _compress(matrix, keep)


def _top_per_row(matrix: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """Keep the ``n`` largest entries of each row (ties: the smaller column index)."""
    matrix = matrix.tocsr()
    counts = np.diff(matrix.indptr)
    if matrix.nnz == 0 or counts.max() <= n:
        return matrix
    keep = _top_mask(matrix.indptr, matrix.indices, matrix.data, n)
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.minimum(counts, max(n, 0)), out=indptr[1:])
    return sp.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def _drop_common(matrix: sp.csr_matrix, n_articles: int) -> sp.csr_matrix:
    """Zero the columns (features) present in more than ``COMMON_SHARE`` of the rows, at scale."""
    if n_articles < COMMON_FROM:
        return matrix
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = (df <= COMMON_SHARE * n_articles).astype(matrix.dtype)
    return sp.csr_matrix(matrix @ sp.diags(keep))


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

    def _cached(self, key: str, make: Callable[[], object]):
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    @property
    def idf(self) -> np.ndarray:
        def make() -> np.ndarray:
            df = np.bincount(self.mentions.indices, minlength=self.mentions.shape[1])
            n = max(len(self), 1)
            return (np.log((1 + n) / (1 + df)) + 1.0).astype(np.float32)
        return self._cached("idf", make)

    def _entity_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Source features [idf*(0.5 M + A) | 0.5 idf M] and target features [M | A], so that
        source @ target.T is the LDBC-weighted, IDF-weighted shared-entity score."""
        def make():
            idf = sp.diags(self.idf)
            m = _drop_common(self.mentions, len(self))
            a = self.about.multiply(m > 0).tocsr()
            source = sp.hstack([(0.5 * m + a) @ idf, 0.5 * m @ idf], format="csr")
            target_t = sp.hstack([m, a], format="csr").T.tocsr()
            return source, target_t
        return self._cached("entities", make)

    def _walk_matrices(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """Each article's walk distribution over entities after one and two entity steps, and the
        entity -> article transition matrix."""
        def make():
            w = _drop_common(self.mentions, len(self))
            w = sp.csr_matrix(w + self.about.multiply(w > 0))  # about edges count twice
            to_entity = _row_normalise(w)  # article -> entity
            to_article = _row_normalise(w.T.tocsr())  # entity -> article
            co = sp.csr_matrix(to_article @ to_entity)  # entity -> article -> entity
            co.setdiag(0)
            co.eliminate_zeros()
            # keep each entity's most telling co-mentioned entities (transition x IDF), renormalised
            informative = _top_per_row(sp.csr_matrix(co @ sp.diags(self.idf)), CO_MENTION_NEIGHBOURS)
            co = _row_normalise(sp.csr_matrix(co.multiply(informative > 0)))
            decay = (1.0 - RESTART) ** 2
            walk = _top_per_row(sp.csr_matrix(to_entity + decay * (to_entity @ co)), WALK_ENTITIES)
            return walk, to_article
        return self._cached("graph", make)

    def _text_matrix(self) -> sp.csr_matrix:
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
        return self._cached("text", make)

    def _text_neighbours(self, chunk: int = 2000) -> sp.csr_matrix:
        """Article x article: each article's ``TEXT_NEIGHBOURS`` nearest articles by text cosine."""
        def make():
            text, text_t = self._text_matrix(), self._text_transposed()
            blocks = []
            for start in range(0, len(self), chunk):
                block = sp.csr_matrix(text[start:start + chunk] @ text_t)
                block.setdiag(0, k=start)
                block.eliminate_zeros()
                blocks.append(_top_per_row(block, TEXT_NEIGHBOURS))
            return sp.csr_matrix(sp.vstack(blocks)) if blocks else sp.csr_matrix((0, 0))
        return self._cached("neighbours", make)

    def _text_transposed(self) -> sp.csr_matrix:
        return self._cached("text_t", lambda: self._text_matrix().T.tocsr())

    # ---------------------------------------------------------------- scores

    def scores(self, rows: np.ndarray, method: str, weights: dict[str, float] | None = None) -> sp.csr_matrix:
        """Scores of the source articles ``rows`` against every article (one row each), sparse."""
        if method == "entities":
            source, target_t = self._entity_matrices()
            return sp.csr_matrix(source[rows] @ target_t)
        if method == "graph":
            walk, to_article = self._walk_matrices()
            return sp.csr_matrix(walk[rows] @ to_article)
        if method == "text":
            cosine = sp.csr_matrix(self._text_matrix()[rows] @ self._text_transposed())
            if TEXT_DIFFUSION <= 0:
                return cosine
            neighbours = self._text_neighbours()
            shared = sp.csr_matrix(neighbours[rows] @ self._cached("neighbours_t", lambda: neighbours.T.tocsr()))
            return sp.csr_matrix(_row_max_scaled(cosine, 1.0 - TEXT_DIFFUSION) + _row_max_scaled(shared, TEXT_DIFFUSION))
        if method == "blend":
            return combine_parts(self.blend_parts(rows, weights), weights or DEFAULT_BLEND_WEIGHTS, (len(rows), len(self)))
        raise ValueError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")

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
            full[name] = _without_self(self.scores(rows, name), rows)
            top = _top_per_row(full[name], BLEND_CANDIDATES)
            top = sp.csr_matrix((np.ones(top.nnz, dtype=np.float32), top.indices, top.indptr), shape=top.shape)
            candidates = top if candidates is None else candidates.maximum(top)
        candidates = candidates.tocsr()
        parts = {}
        for name in used:
            if name in full:
                part = sp.csr_matrix(full[name].multiply(candidates))
            else:
                part = self._pair_scores(rows, candidates, name)
            parts[name] = _row_max_scaled(part, 1.0)
        return parts

    def _pair_scores(self, rows: np.ndarray, candidates: sp.csr_matrix, method: str) -> sp.csr_matrix:
        """``method``'s scores at the (source, candidate) pairs only: a sparse matrix shaped like ``candidates``."""
        owner = _sources_of(candidates, rows)
        if method == "graph":
            walk, to_article = self._walk_matrices()
            left, right = walk, self._cached("graph_t", lambda: to_article.T.tocsr())
        elif method == "entities":
            left, right = self._entity_matrices()[0], self._cached("entities_t", lambda: self._entity_matrices()[1].T.tocsr())
        else:
            left = right = self._text_matrix()
            if TEXT_DIFFUSION > 0:  # the text method proper, rows only: rare (text is normally a picker)
                return sp.csr_matrix(self.scores(rows, "text").multiply(candidates))
        values = np.asarray(left[owner].multiply(right[candidates.indices]).sum(axis=1), dtype=np.float32).ravel()
        return sp.csr_matrix((values, candidates.indices, candidates.indptr), shape=candidates.shape)

    def _allowed(self, source_rows: np.ndarray, since: dt.date | None, same_language: bool):
        """Per-target filter (date window) and per-source language filter, as arrays."""
        dates = self._cached("dates", lambda: np.array([a.date.toordinal() if a.date else 0 for a in self.articles]))
        languages = self._cached("languages", lambda: np.unique([a.language for a in self.articles],
                                                                   return_inverse=True)[1])
        allowed = dates >= since.toordinal() if since is not None else None
        return allowed, (languages if same_language else None)

    def _title_keys(self) -> np.ndarray:
        return self._cached("titles", lambda: np.unique([a.title.strip().lower() for a in self.articles],
                                                        return_inverse=True)[1])

    def _near_duplicates(self, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """For pairs (source, target): same title or text cosine >= NEAR_DUPLICATE."""
        titles = self._title_keys()
        duplicate = titles[sources] == titles[targets]
        text = self._text_matrix()
        if text.shape[1] and len(sources):
            cosine = np.asarray(text[sources].multiply(text[targets]).sum(axis=1)).ravel()
            duplicate |= cosine >= NEAR_DUPLICATE
        return duplicate

    def _rank_block(self, block: np.ndarray, scores: sp.csr_matrix, k: int, since: dt.date | None,
                    same_language: bool) -> list[list[tuple[int, float]]]:
        """Top ``k`` (target, score) per source row of a score block: self, filtered and near-duplicate
        targets excluded; ties broken by article order. Vectorised over the block's rows."""
        allowed, languages = self._allowed(block, since, same_language)
        extra = 5
        block = np.asarray(block)
        scores = scores.tocsr()
        if allowed is None and languages is None:  # cut first: only the source itself is to be left out
            eligible = _without_self(_top_per_row(scores, k + extra + 1), block)
        else:
            keep = _eligible_mask(scores.indices, scores.data, _sources_of(scores, block), allowed, languages)
            eligible = _compress(scores, keep)
        top = _top_per_row(eligible, k + extra)
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
        idx, val = _eligible(source, row.indices, row.data, allowed, languages)
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
        if method in {"text", "blend"} or not found:
            found += list(self._shared_terms(source, target, max(n - len(found), 3)))
        return tuple(found)

    def _shared_terms(self, source: int, target: int, n: int) -> list[Reason]:
        text = self._text_matrix()
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


# --------------------------------------------------------------------------- store API

def suggest_related(store: Store, article_id: str, k: int = 10, method: str = DEFAULT_METHOD,
                    since: dt.date | None = None, same_language: bool = False,
                    index: RelatedIndex | None = None) -> list[Suggestion]:
    """The ``k`` articles most related to ``article_id``, each with its reasons."""
    index = index or RelatedIndex.from_store(store)
    return index.suggest(article_id, k=k, method=method, since=since, same_language=same_language)


def suggest_all_related(store: Store, k: int = 10, method: str = DEFAULT_METHOD,
                        index: RelatedIndex | None = None) -> dict[str, list[Suggestion]]:
    """Suggestions for every article in the store (bulk)."""
    index = index or RelatedIndex.from_store(store)
    return index.suggest_all(k=k, method=method)


def suggestion_triples(source_id: str, suggestions: Iterable[Suggestion], method: str):
    """The triples of one article's stored suggestions (tg:RelatedArticle nodes and tg:relatedTo)."""
    source = article_iri(source_id)
    for s in suggestions:
        node, target = related_iri(source_id, s.article_id), article_iri(s.article_id)
        yield node, RDF.type, TG.RelatedArticle
        yield node, TG.source, source
        yield node, TG.target, target
        yield node, TG.score, Literal(f"{s.score:.4f}", datatype=XSD.decimal)
        yield node, TG.method, Literal(method)
        for reason in s.reasons:
            if reason.iri:
                yield node, TG.reason, URIRef(reason.iri)
        yield source, TG.relatedTo, target


def store_suggestions(store: Store, suggestions: dict[str, list[Suggestion]], method: str = DEFAULT_METHOD,
                      replace_all: bool = False) -> int:
    """Write suggestions into the derived graph, replacing those of the same source articles
    (``replace_all``: the whole graph). Returns the number of suggestions written."""
    triples = list(_all_suggestion_triples(suggestions, method))
    if replace_all:
        store.replace_graph(RELATED_GRAPH, triples)
    else:
        graph = f"<{RELATED_GRAPH}>"
        for ids in _batches(sorted(suggestions), 200):
            values = " ".join(article_iri(i).n3() for i in ids)
            store.update(
                f"DELETE {{ GRAPH {graph} {{ ?n ?p ?o }} }} WHERE {{ VALUES ?a {{ {values} }} "
                f"GRAPH {graph} {{ ?n tg:source ?a ; ?p ?o }} }} ;\n"
                f"DELETE {{ GRAPH {graph} {{ ?a tg:relatedTo ?t }} }} WHERE {{ VALUES ?a {{ {values} }} "
                f"GRAPH {graph} {{ ?a tg:relatedTo ?t }} }}")
        for part in _batches(triples, 5000):
            body = "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in part)
            store.update(f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")
    return sum(len(v) for v in suggestions.values())


def load_all_related(store: OxigraphStore, k: int = 10, method: str = DEFAULT_METHOD,
                     kb: KnowledgeBase | None = None) -> int:
    """Suggestions for every article, written with Oxigraph's bulk loader (no transaction): for a store
    being built by a bulk load, whose related graph is still empty. Returns suggestions written."""
    suggestions = RelatedIndex.from_store(store, kb).suggest_all(k=k, method=method)
    store.bulk_load_ox(ox_quad(s, p, o, RELATED_GRAPH) for s, p, o in _all_suggestion_triples(suggestions, method))
    return sum(len(v) for v in suggestions.values())


def _all_suggestion_triples(suggestions: dict[str, list[Suggestion]], method: str):
    for source, items in suggestions.items():
        yield from suggestion_triples(source, items, method)


def _batches(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def refresh_related(store: Store, changed: Iterable[str], k: int = 10, method: str = DEFAULT_METHOD,
                    kb: KnowledgeBase | None = None) -> int:
    """Recompute the stored suggestions of the changed articles and of the articles they may affect
    (those sharing an entity with them or already pointing at them). Returns suggestions written."""
    changed = set(changed)
    if not changed:
        return 0
    index = RelatedIndex.from_store(store, kb)
    rows = [index.position[i] for i in changed if i in index.position]
    affected = set(changed)
    if rows:
        m = index.mentions.tocsc()
        shared_cols = np.unique(index.mentions[rows].indices)
        for col in shared_cols:
            affected.update(index.articles[r].id for r in m.indices[m.indptr[col]:m.indptr[col + 1]])
    pointing = store.query(f"SELECT DISTINCT ?id WHERE {{ GRAPH <{RELATED_GRAPH}> {{ ?s tg:relatedTo ?t }} "
                           f"?s tg:articleId ?id . ?t tg:articleId ?tid . "
                           f"VALUES ?tid {{ {' '.join(Literal(i).n3() for i in sorted(changed))} }} }}").rows
    affected.update(str(r[0]) for r in pointing)
    if len(affected) * 2 >= len(index):
        return store_suggestions(store, index.suggest_all(k=k, method=method), method, replace_all=True)
    return store_suggestions(store, index.suggest_all(k=k, method=method, article_ids=sorted(affected)), method)


def parse_since(value: str | None) -> dt.date | None:
    """``YYYY-MM-DD`` -> date; a clear ValueError otherwise."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"--since {value!r}: expected a date YYYY-MM-DD") from None


def precision_at_k(suggestions: dict[str, list[Suggestion]], category: dict[str, str], k: int) -> float:
    """Mean share of the (up to) ``k`` suggestions in the source's category (missing ones count as misses)."""
    shares = [sum(category.get(s.article_id) == category.get(src) for s in items[:k]) / k
              for src, items in suggestions.items() if src in category]
    return float(np.mean(shares)) if shares else math.nan


def _eligible(source: int, idx: np.ndarray, val: np.ndarray, allowed, languages) -> tuple[np.ndarray, np.ndarray]:
    """Targets of one source row with a positive score: not itself, within the date and language filters."""
    keep = _eligible_mask(idx, val, source, allowed, languages)
    return idx[keep], val[keep]

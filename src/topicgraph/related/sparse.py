"""Sparse-matrix helpers of the related index: row scaling, vectorised top-n per row (rows padded into
dense blocks and cut with ``np.partition``), candidate filters. No per-row Python loops."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

#: From this many articles on, features (entities, terms) in more than ``COMMON_SHARE`` of the
#: articles are left out: they weigh almost nothing (low IDF) and dominate the cost at scale.
COMMON_FROM = 20_000
COMMON_SHARE = 0.02

def row_normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    sums[sums == 0] = 1.0
    return scale_rows(matrix, 1.0 / sums)


def scale_rows(matrix: sp.csr_matrix, factors: np.ndarray) -> sp.csr_matrix:
    """Row ``i`` times ``factors[i]``, without re-sorting the indices (a new data array, shared structure)."""
    matrix = matrix.tocsr()
    data = matrix.data * np.repeat(np.asarray(factors, dtype=matrix.dtype), np.diff(matrix.indptr))
    return sp.csr_matrix((data, matrix.indices, matrix.indptr), shape=matrix.shape)


def row_max(matrix: sp.csr_matrix) -> np.ndarray:
    """Largest stored value of each row (0 for an empty row); indices need not be sorted."""
    best = np.zeros(matrix.shape[0], dtype=matrix.dtype)
    filled = np.diff(matrix.indptr) > 0
    if filled.any():
        best[filled] = np.maximum.reduceat(matrix.data, matrix.indptr[:-1][filled])
    return best


def row_max_scaled(matrix: sp.csr_matrix, weight: float) -> sp.csr_matrix:
    """Each row divided by its largest value, times ``weight``."""
    best = row_max(matrix)
    best[best <= 0] = 1.0
    return scale_rows(matrix, weight / best)


#: Largest padded block (cells, rows) that :func:`top_mask` partitions at once.
PAD_CELLS = 4_000_000
PAD_ROWS = 256


def top_mask(indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, n: int) -> np.ndarray:
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


def row_counts(mask: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """Number of true entries of ``mask`` in each CSR row."""
    out = np.zeros(len(indptr) - 1, dtype=np.int64)
    filled = np.diff(indptr) > 0
    if filled.any():
        out[filled] = np.add.reduceat(mask, indptr[:-1][filled], dtype=np.int64)
    return out


def compress(matrix: sp.csr_matrix, keep: np.ndarray) -> sp.csr_matrix:
    """The CSR matrix with only the entries where ``keep`` is true."""
    indptr = np.zeros(matrix.shape[0] + 1, dtype=np.int64)
    np.cumsum(row_counts(keep, matrix.indptr), out=indptr[1:])
    return sp.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def combine_parts(parts: dict[str, sp.csr_matrix], weights: dict[str, float], shape: tuple[int, int]) -> sp.csr_matrix:
    """The blend: the weighted sum of the methods' parts (see :meth:`RelatedIndex.blend_parts`)."""
    total = sp.csr_matrix(shape, dtype=np.float32)
    for name, part in parts.items():
        if weights.get(name, 0) > 0:
            total = total + scale_rows(part, np.full(shape[0], weights[name]))
    return sp.csr_matrix(total)


def eligible_mask(targets: np.ndarray, scores: np.ndarray, sources, allowed=None, languages=None) -> np.ndarray:
    """Which (source, target) entries may be suggested: a positive score, not the source itself, and
    within the date (``allowed``) and language filters. ``sources``: one source, or one per entry."""
    keep = (targets != sources) & (scores > 0)
    if allowed is not None:
        keep &= allowed[targets]
    if languages is not None:
        keep &= languages[targets] == languages[sources]
    return keep


def sources_of(matrix: sp.csr_matrix, rows: np.ndarray) -> np.ndarray:
    """The source article of each stored entry of a score block whose row i belongs to ``rows[i]``."""
    return np.repeat(np.asarray(rows).astype(matrix.indices.dtype), np.diff(matrix.indptr))


def without_self(matrix: sp.csr_matrix, rows: np.ndarray) -> sp.csr_matrix:
    """Score rows of the sources ``rows`` without each source's own column and non-positive scores."""
    matrix = matrix.tocsr()
    keep = eligible_mask(matrix.indices, matrix.data, sources_of(matrix, rows))
    return matrix if keep.all() else compress(matrix, keep)


def top_per_row(matrix: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """Keep the ``n`` largest entries of each row (ties: the smaller column index)."""
    matrix = matrix.tocsr()
    counts = np.diff(matrix.indptr)
    if matrix.nnz == 0 or counts.max() <= n:
        return matrix
    keep = top_mask(matrix.indptr, matrix.indices, matrix.data, n)
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.minimum(counts, max(n, 0)), out=indptr[1:])
    return sp.csr_matrix((matrix.data[keep], matrix.indices[keep], indptr), shape=matrix.shape)


def drop_common(matrix: sp.csr_matrix, n_articles: int) -> sp.csr_matrix:
    """Zero the columns (features) present in more than ``COMMON_SHARE`` of the rows, at scale."""
    if n_articles < COMMON_FROM:
        return matrix
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    keep = (df <= COMMON_SHARE * n_articles).astype(matrix.dtype)
    return sp.csr_matrix(matrix @ sp.diags(keep))


def eligible(source: int, idx: np.ndarray, val: np.ndarray, allowed, languages) -> tuple[np.ndarray, np.ndarray]:
    """Targets of one source row with a positive score: not itself, within the date and language filters."""
    keep = eligible_mask(idx, val, source, allowed, languages)
    return idx[keep], val[keep]

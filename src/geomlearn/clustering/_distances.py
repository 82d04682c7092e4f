"""Pairwise dissimilarities for the medoid-based estimators.

The common metrics are computed here, pair by pair, in numba (parallel over
rows): the value for a pair depends on that pair only, never on which other
rows are in the batch. That makes ``predict(X_train)`` reproduce ``labels_``
exactly even on data with exact ties (integer features), and keeps float32
input in float32. scikit-learn's ``euclidean_distances`` uses the faster
``|x|^2 + |y|^2 - 2 x.y`` expansion, whose rounding depends on the batch
shape and loses precision for close points. Every other metric (scipy's,
scikit-learn's, a callable) goes through
:func:`sklearn.metrics.pairwise_distances`.
"""

import numpy as np
from numba import njit, prange
from sklearn.metrics import pairwise_distances

__all__ = ["NATIVE_METRICS", "feature_source", "nearest_points", "pairwise"]

# name -> kernel code
NATIVE_METRICS = {
    "euclidean": 0,
    "l2": 0,
    "sqeuclidean": 1,
    "manhattan": 2,
    "cityblock": 2,
    "l1": 2,
    "chebyshev": 3,
    "cosine": 4,
}


@njit(cache=True, nogil=True, inline="always")
def _pair(x, y, code, norm_x, norm_y):
    total = 0.0
    if code == 0 or code == 1:
        for t in range(x.shape[0]):
            diff = np.float64(x[t]) - np.float64(y[t])
            total += diff * diff
        return np.sqrt(total) if code == 0 else total
    if code == 2:
        for t in range(x.shape[0]):
            total += abs(np.float64(x[t]) - np.float64(y[t]))
        return total
    if code == 3:
        for t in range(x.shape[0]):
            total = max(total, abs(np.float64(x[t]) - np.float64(y[t])))
        return total
    # cosine: zero vectors have similarity 0 (as in scikit-learn)
    if norm_x == 0.0 or norm_y == 0.0:
        return 1.0
    for t in range(x.shape[0]):
        total += np.float64(x[t]) * np.float64(y[t])
    return min(max(1.0 - total / (norm_x * norm_y), 0.0), 2.0)


@njit(cache=True, nogil=True)
def _norms(X):
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        total = 0.0
        for t in range(X.shape[1]):
            total += np.float64(X[i, t]) ** 2
        out[i] = np.sqrt(total)
    return out


@njit(cache=True, nogil=True, parallel=True)
def _pairwise_native(X, Y, code, out):
    norm_x = _norms(X)
    norm_y = _norms(Y)
    for i in prange(X.shape[0]):
        for j in range(Y.shape[0]):
            out[i, j] = _pair(X[i], Y[j], code, norm_x[i], norm_y[j])


@njit(cache=True, nogil=True, parallel=True)
def _pairwise_native_square(X, code, out):
    """Distances within X: the upper triangle, mirrored; an exact zero diagonal."""
    norm = _norms(X)
    n = X.shape[0]
    for i in prange(n):
        out[i, i] = 0.0
        for j in range(i + 1, n):
            out[i, j] = _pair(X[i], X[j], code, norm[i], norm[j])
    for i in prange(n):
        for j in range(i):
            out[i, j] = out[j, i]


def is_native(metric, metric_params=None):
    """Whether geomlearn computes this metric itself (pair by pair, in numba)."""
    return isinstance(metric, str) and metric in NATIVE_METRICS and not metric_params


def feature_source(X, metric):
    """Return the on-the-fly source ``(X, code, norms)`` of the k-medoids kernels."""
    X = np.ascontiguousarray(X)
    return X, NATIVE_METRICS[metric], _norms(X)


@njit(cache=True, nogil=True, parallel=True)
def _nearest_native(X, C, code, labels, dists):
    norm_x = _norms(X)
    norm_c = _norms(C)
    for i in prange(X.shape[0]):
        best = np.inf
        label = 0
        for m in range(C.shape[0]):
            d = _pair(X[i], C[m], code, norm_x[i], norm_c[m])
            if d < best:
                best = d
                label = m
        labels[i] = label
        dists[i] = best


def nearest_points(X, C, *, metric="euclidean", metric_params=None):
    """Nearest row of C for every row of X, in O(n) memory.

    Returns (labels, dissimilarities), the first nearest on ties, with the
    same per-pair values as :func:`pairwise`.
    """
    if is_native(metric, metric_params):
        X = np.ascontiguousarray(X)
        C = np.ascontiguousarray(C, dtype=X.dtype)
        labels = np.empty(X.shape[0], dtype=np.int64)
        dists = np.empty(X.shape[0])
        _nearest_native(X, C, NATIVE_METRICS[metric], labels, dists)
        return labels, dists
    labels = np.empty(X.shape[0], dtype=np.int64)
    dists = np.empty(X.shape[0])
    step = max(1, (1 << 24) // max(C.shape[0], 1))
    for start in range(0, X.shape[0], step):
        block = pairwise(
            X[start : start + step], C, metric=metric, metric_params=metric_params
        )
        labels[start : start + step] = np.argmin(block, axis=1)
        dists[start : start + step] = block.min(axis=1)
    return labels, dists


def pairwise(X, Y=None, *, metric="euclidean", metric_params=None):
    """Dissimilarities between the rows of X and Y (or within X).

    Parameters
    ----------
    X : ndarray of shape (n_x, n_features)
        Validated float32 or float64 data.
    Y : ndarray of shape (n_y, n_features), default=None
        Second set; ``None`` computes the square matrix within ``X``, exactly
        symmetric with a zero diagonal.
    metric : str or callable, default="euclidean"
        A metric of :data:`NATIVE_METRICS` (computed here), any other metric
        :func:`sklearn.metrics.pairwise_distances` accepts, or a callable.
    metric_params : dict, default=None
        Keyword arguments of the metric (not for the native ones).

    Returns
    -------
    D : ndarray of shape (n_x, n_y)
        In X's dtype for native metrics.
    """
    params = metric_params or {}
    if is_native(metric, params):
        code = NATIVE_METRICS[metric]
        X = np.ascontiguousarray(X)
        if Y is None:
            out = np.empty((X.shape[0], X.shape[0]), dtype=X.dtype)
            _pairwise_native_square(X, code, out)
        else:
            Y = np.ascontiguousarray(Y, dtype=X.dtype)
            out = np.empty((X.shape[0], Y.shape[0]), dtype=X.dtype)
            _pairwise_native(X, Y, code, out)
        return out
    D = pairwise_distances(X, Y, metric=metric, **params)
    if Y is None:
        np.fill_diagonal(D, 0.0)
    return D

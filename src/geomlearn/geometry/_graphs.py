"""Neighbourhood graphs of point clouds: k nearest neighbours and radius graphs.

Both builders query a :class:`scipy.spatial.cKDTree` and return a sparse
``(n_samples, n_samples)`` CSR array in canonical form (sorted column indices,
no duplicate entries, no self-loops). The *stored entries* are the edges: with
``mode="distance"`` an entry holds the Euclidean edge length, which is 0 for
two copies of the same point and is then stored explicitly, as scikit-learn's
neighbour graphs do. The private helpers here validate points and graphs for
the rest of the manifold toolkit.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.spatial import cKDTree
from sklearn.utils import check_array

__all__ = ["knn_graph", "radius_graph"]

_MODES = ("distance", "connectivity")


# --------------------------------------------------------------------------- checks


def _check_points(X, *, min_samples=1, input_name="X"):
    """Return X as a finite float64 (n_samples, n_features) array."""
    if sp.issparse(X):
        raise TypeError(
            f"{input_name} is a sparse matrix; points are expected as a dense "
            f"(n_samples, n_features) array."
        )
    if np.iscomplexobj(X):
        raise TypeError(f"{input_name} is complex; geomlearn expects real numbers.")
    if np.ndim(X) != 2:
        raise ValueError(
            f"{input_name} must be a 2-D array of points (n_samples, n_features); "
            f"got {np.ndim(X)}-D with shape {np.shape(X)}."
        )
    return check_array(
        X,
        dtype=np.float64,
        ensure_all_finite=True,
        ensure_min_samples=min_samples,
        input_name=input_name,
    )


def _check_int(value, name, *, low, high=None, high_reason=""):
    """Refuse anything but an int in [low, high]."""
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int; got {value!r}.")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}{high_reason}; got {value}.")
    return int(value)


def _check_mode(mode):
    if mode not in _MODES:
        raise ValueError(f"mode must be 'distance' or 'connectivity'; got {mode!r}.")


def _workers(n_jobs):
    """Translate scikit-learn's ``n_jobs`` to cKDTree's ``workers`` (None is 1)."""
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, Integral) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be None or a non-zero int; got {n_jobs!r}.")
    return -1 if n_jobs < 0 else int(n_jobs)


def _check_graph(graph, n_samples=None, *, input_name="graph"):
    """Return a graph as a canonical float64 csr_array, keeping stored zeros.

    Dense arrays are read the usual way (a zero is no edge); in a sparse
    matrix every stored entry is an edge. Duplicate entries are refused,
    since whether to add or to keep one of them depends on what they mean.
    """
    if sp.issparse(graph):
        G = sp.csr_array(graph, dtype=np.float64, copy=True)
    else:
        if np.iscomplexobj(graph):
            raise TypeError(f"{input_name} is complex; expected real edge values.")
        try:
            dense = np.asarray(graph, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{input_name} must be a sparse (n_samples, n_samples) matrix, e.g. "
                f"from knn_graph; got {type(graph).__name__}."
            ) from exc
        if dense.ndim != 2:
            raise ValueError(
                f"{input_name} must be a 2-D (n_samples, n_samples) matrix; got "
                f"{dense.ndim}-D with shape {dense.shape}."
            )
        G = sp.csr_array(dense)
    if G.shape[0] != G.shape[1]:
        raise ValueError(f"{input_name} must be square; got shape {G.shape}.")
    if n_samples is not None and G.shape[0] != n_samples:
        raise ValueError(
            f"{input_name} has {G.shape[0]} nodes but there are {n_samples} points."
        )
    if G.shape[0] == 0:
        raise ValueError(f"{input_name} is empty (0 nodes).")
    if not G.has_sorted_indices:
        G.sort_indices()
    row_start = np.zeros(G.nnz, dtype=bool)
    row_start[G.indptr[:-1][G.indptr[:-1] < G.nnz]] = True
    same = np.flatnonzero((G.indices[1:] == G.indices[:-1]) & ~row_start[1:])
    if same.size:
        i = int(np.searchsorted(G.indptr, same[0] + 1, side="right") - 1)
        raise ValueError(
            f"{input_name} stores the entry ({i}, {G.indices[same[0]]}) more than "
            f"once; call {input_name}.sum_duplicates() or build it without "
            f"duplicates."
        )
    if not np.isfinite(G.data).all():
        raise ValueError(f"{input_name} holds NaN or infinite edge values.")
    if (G.data < 0).any():
        raise ValueError(
            f"{input_name} holds negative edge values (min {G.data.min():g}); "
            f"edge lengths and weights must be non-negative."
        )
    G.has_canonical_format = True
    return G


def _graph_rows(G):
    """Row index of every stored entry of a CSR graph, in storage order."""
    return np.repeat(np.arange(G.shape[0]), np.diff(G.indptr))


def _knn_indices(X, n_neighbors, workers):
    """Find the ``n_neighbors`` nearest other points of each point, nearest first.

    The point itself is dropped from its own list even when duplicates of it
    tie at distance 0 (then the farthest returned index is dropped instead).
    """
    n = X.shape[0]
    _, idx = cKDTree(X).query(X, k=n_neighbors + 1, workers=workers)
    idx = idx.reshape(n, n_neighbors + 1)
    own = idx == np.arange(n)[:, None]
    own[~own.any(axis=1), -1] = True
    return idx[~own].reshape(n, n_neighbors)


def _edges_to_csr(rows, cols, X, mode):
    """Canonical CSR graph on the edges (rows[e], cols[e]), valued by mode."""
    n = X.shape[0]
    keys = np.unique(rows.astype(np.int64) * n + cols)
    rows, cols = np.divmod(keys, n)
    if mode == "distance":
        diff = X[rows] - X[cols]
        data = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    else:
        data = np.ones(keys.size)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    G = sp.csr_array((data, cols, indptr), shape=(n, n))
    G.has_canonical_format = True
    return G


# --------------------------------------------------------------------------- public


def knn_graph(X, n_neighbors, *, mode="distance", symmetric=True, n_jobs=None):
    """Build the k-nearest-neighbour graph of a point cloud.

    Each point is joined to its ``n_neighbors`` nearest other points in the
    Euclidean metric, found with a :class:`scipy.spatial.cKDTree` in
    ``O(n log n)`` for low-dimensional data.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    n_neighbors : int
        Number of neighbours of each point, not counting the point itself;
        between 1 and ``n_samples - 1``.
    mode : {"distance", "connectivity"}, default="distance"
        What an edge stores: its Euclidean length, or 1.
    symmetric : bool, default=True
        Join ``i`` and ``j`` when either is among the other's nearest
        neighbours (the union rule), so that the graph is undirected and a
        point may have more than ``n_neighbors`` edges. With ``False``, row
        ``i`` holds exactly the ``n_neighbors`` nearest neighbours of ``i``.
    n_jobs : int, default=None
        Number of threads of the tree queries; ``-1`` uses all processors,
        ``None`` one.

    Returns
    -------
    graph : scipy.sparse.csr_array of shape (n_samples, n_samples)
        The graph in canonical form (sorted indices, no duplicates, no
        self-loops), ``float64``. Every stored entry is an edge: two copies
        of a point are joined by a stored 0 in ``"distance"`` mode. Among
        neighbours at exactly the same distance the tree picks arbitrarily.

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array, or ``n_neighbors`` is not
        between 1 and ``n_samples - 1``.

    See Also
    --------
    radius_graph : Join the points closer than a radius.
    sklearn.neighbors.kneighbors_graph : The directed graph, for any metric.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import knn_graph
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    >>> G = knn_graph(X, 1)
    >>> G.toarray()
    array([[0., 1., 0.],
           [1., 0., 2.],
           [0., 2., 0.]])
    >>> knn_graph(X, 1, symmetric=False, mode="connectivity").toarray()
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 1., 0.]])
    """
    X = _check_points(X, min_samples=2)
    n = X.shape[0]
    k = _check_int(
        n_neighbors,
        "n_neighbors",
        low=1,
        high=n - 1,
        high_reason=f" (there are {n} points)",
    )
    _check_mode(mode)
    if not isinstance(symmetric, (bool, np.bool_)):
        raise TypeError(f"symmetric must be True or False; got {symmetric!r}.")
    idx = _knn_indices(X, k, _workers(n_jobs))
    rows = np.repeat(np.arange(n), k)
    cols = idx.ravel()
    if symmetric:
        rows, cols = np.concatenate([rows, cols]), np.concatenate([cols, rows])
    return _edges_to_csr(rows, cols, X, mode)


def radius_graph(X, radius, *, mode="distance"):
    """Build the graph joining the points closer than a radius.

    Points ``i != j`` are joined when ``|x_i - x_j| <= radius``, found with
    :meth:`scipy.spatial.cKDTree.query_pairs`. The graph is undirected; a
    point with no other point within ``radius`` is isolated (an empty row).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    radius : float
        Largest Euclidean length of an edge; positive.
    mode : {"distance", "connectivity"}, default="distance"
        What an edge stores: its Euclidean length, or 1.

    Returns
    -------
    graph : scipy.sparse.csr_array of shape (n_samples, n_samples)
        The symmetric graph in canonical form (sorted indices, no
        duplicates, no self-loops), ``float64``. Every stored entry is an
        edge: two copies of a point are joined by a stored 0 in
        ``"distance"`` mode.

    Raises
    ------
    ValueError
        If ``X`` is not a finite 2-D array, or ``radius`` is not a positive
        finite number.

    See Also
    --------
    knn_graph : Join each point to its nearest neighbours.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import radius_graph
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0]])
    >>> radius_graph(X, 1.5).toarray()
    array([[0., 1., 0.],
           [1., 0., 0.],
           [0., 0., 0.]])
    """
    X = _check_points(X, min_samples=1)
    if (
        not isinstance(radius, Real)
        or isinstance(radius, bool)
        or not np.isfinite(radius)
        or radius <= 0
    ):
        raise ValueError(f"radius must be a positive finite number; got {radius!r}.")
    _check_mode(mode)
    pairs = cKDTree(X).query_pairs(float(radius), output_type="ndarray")
    pairs = pairs.reshape(-1, 2).astype(np.int64)
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return _edges_to_csr(rows, cols, X, mode)

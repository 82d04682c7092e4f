"""Tangent spaces of sampled manifolds: local PCA frames and discrete transport.

``tangent_frames`` estimates an orthonormal basis of the tangent space at
every point by principal component analysis of its neighbourhood, with an
estimate of the intrinsic dimension; ``parallel_transport`` aligns the frames
of neighbouring points by the closest orthogonal matrix, the discrete
connection of vector diffusion maps (Singer and Wu, 2012).
"""

from numbers import Integral, Real

import numpy as np

from geomlearn.geometry._graphs import (
    _check_graph,
    _check_int,
    _check_points,
    _graph_rows,
    _knn_indices,
    _workers,
)

__all__ = ["parallel_transport", "tangent_frames"]

# Points are processed in blocks of at most this many (point, neighbour,
# coordinate) values, so that memory stays bounded for large clouds.
_BLOCK_VALUES = 1 << 22
# Largest deviation from orthonormality accepted for given frames/transports.
_ORTHO_TOL = 1e-5


def _neighbourhoods(X, neighbors, n_jobs):
    """Return the indices (n, m) of each point and its neighbours, padded with -1."""
    n = X.shape[0]
    if isinstance(neighbors, Integral) and not isinstance(neighbors, bool):
        k = _check_int(
            neighbors,
            "neighbors",
            low=1,
            high=n - 1,
            high_reason=f" (there are {n} points)",
        )
        idx = _knn_indices(X, k, _workers(n_jobs))
        return np.concatenate([np.arange(n)[:, None], idx], axis=1)
    if isinstance(neighbors, (bool, Real)):
        raise TypeError(
            f"neighbors must be an int (number of nearest neighbours) or a sparse "
            f"graph; got {neighbors!r}."
        )
    G = _check_graph(neighbors, n, input_name="neighbors")
    rows, cols = _graph_rows(G), G.indices
    keep = rows != cols
    rows, cols = rows[keep], cols[keep]
    counts = np.bincount(rows, minlength=n)
    first = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.arange(rows.size) - first[rows]
    idx = np.full((n, 1 + counts.max(initial=0)), -1, dtype=np.int64)
    idx[:, 0] = np.arange(n)
    idx[rows, 1 + rank] = cols
    return idx


def _local_pca(X, idx, full):
    """Singular values and right singular vectors of centred neighbourhoods."""
    n, m = idx.shape
    D = X.shape[1]
    r = D if full else min(m, D)
    sing = np.empty((n, min(m, D)))
    basis = np.empty((n, r, D))
    block = max(1, _BLOCK_VALUES // (m * D))
    for start in range(0, n, block):
        sl = slice(start, min(start + block, n))
        nbr = idx[sl]
        valid = nbr >= 0
        P = X[np.where(valid, nbr, nbr[:, :1])]
        count = valid.sum(axis=1)
        mean = np.einsum("bm,bmd->bd", valid, P) / count[:, None]
        P -= mean[:, None, :]
        P *= valid[:, :, None]
        _, s, Vt = np.linalg.svd(P, full_matrices=full)
        sing[sl] = s
        basis[sl] = Vt[:, :r]
    return sing, basis


def tangent_frames(
    X,
    neighbors,
    *,
    dim=None,
    variance_threshold=0.9,
    return_normals=False,
    return_explained_variance=False,
    n_jobs=None,
):
    """Estimate the tangent space at every point of a sampled manifold.

    Local principal component analysis: the neighbourhood of point ``i``
    (the point and its neighbours) is centred at its mean, and the leading
    ``dim`` right singular vectors of the centred coordinates form an
    orthonormal basis ``F_i`` of the estimated tangent space, a *frame*.
    Frames are defined up to a rotation or reflection within the tangent
    space; :func:`parallel_transport` relates neighbouring frames.

    When ``dim`` is not given, the intrinsic dimension is estimated as in
    vector diffusion maps (Singer and Wu, 2012): at each point, ``d_i`` is
    the smallest number of principal components whose share of the
    neighbourhood's variance reaches ``variance_threshold``, and the
    estimate is the median of the ``d_i`` (rounded up). The estimate is
    ``frames.shape[2]``; ``return_explained_variance=True`` gives the
    per-point variance profiles behind it. It assumes neighbourhoods small
    against the curvature radius and noise well below the neighbourhood
    radius; with more noise, take more neighbours.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Points sampled on or near a manifold of dimension ``d``.
    neighbors : int or sparse matrix of shape (n_samples, n_samples)
        The neighbourhoods: an int ``k`` takes the ``k`` nearest other
        points of each point; a graph (e.g. from :func:`knn_graph`) takes
        the stored entries of row ``i`` (the diagonal is ignored). About
        ``3 d`` to ``10 d`` neighbours suit moderately dense samples.
    dim : int, default=None
        Dimension of the tangent spaces, between 1 and ``n_features``;
        estimated when None.
    variance_threshold : float, default=0.9
        Share of the local variance, strictly between 0 and 1, that the
        estimated dimension must explain. Only used when ``dim`` is None.
    return_normals : bool, default=False
        Also return an orthonormal basis of the normal space, the
        orthogonal complement of each frame in ``R^n_features``.
    return_explained_variance : bool, default=False
        Also return, per point, the share of the neighbourhood's variance
        along each principal direction.
    n_jobs : int, default=None
        Threads for the nearest-neighbour queries when ``neighbors`` is an
        int; ``-1`` uses all processors, ``None`` one.

    Returns
    -------
    frames : ndarray of shape (n_samples, n_features, dim)
        ``frames[i]`` has orthonormal columns spanning the estimated tangent
        space at ``X[i]``; ``float64``.
    normals : ndarray of shape (n_samples, n_features, n_features - dim)
        Only with ``return_normals=True``: orthonormal columns spanning the
        normal space, so that ``[frames[i], normals[i]]`` is orthogonal.
    explained_variance_ratio : ndarray of shape (n_samples, n_components)
        Only with ``return_explained_variance=True``: the decreasing shares
        of local variance along the principal directions, where
        ``n_components`` is ``n_features`` or the largest neighbourhood
        size if smaller. Each row sums to 1.

    Raises
    ------
    ValueError
        If a neighbourhood has fewer than ``dim`` neighbours or all its
        points coincide, ``dim`` is out of range, ``variance_threshold`` is
        not in (0, 1), or the graph does not match ``X``.

    See Also
    --------
    knn_graph : The neighbourhoods as a graph.
    parallel_transport : Align the frames of neighbouring points.

    Notes
    -----
    The cost is one singular value decomposition of an ``(m, n_features)``
    matrix per point, ``m`` the neighbourhood size, done in batches with
    bounded memory. Neighbourhoods are not weighted by distance, and they
    should be small enough for the manifold to look flat in them: the
    error of the frames grows with the neighbourhood radius times the
    curvature, plus the noise over the radius.

    References
    ----------
    .. [1] A. Singer, H.-T. Wu, "Vector diffusion maps and the connection
       Laplacian", Communications on Pure and Applied Mathematics 65(8),
       2012.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import tangent_frames
    >>> t = np.linspace(0, 2 * np.pi, 100, endpoint=False)
    >>> X = np.c_[np.cos(t), np.sin(t), np.zeros(100)]  # a circle in R^3
    >>> frames = tangent_frames(X, 6)
    >>> frames.shape  # the dimension was estimated: 1
    (100, 3, 1)
    >>> tangent = np.c_[-np.sin(t), np.cos(t), np.zeros(100)]
    >>> bool(np.allclose(np.abs(np.einsum("nd,nd->n", frames[:, :, 0], tangent)), 1))
    True
    """
    X = _check_points(X, min_samples=2)
    D = X.shape[1]
    if dim is not None:
        dim = _check_int(
            dim, "dim", low=1, high=D, high_reason=f" (X has {D} features)"
        )
    elif (
        not isinstance(variance_threshold, Real)
        or isinstance(variance_threshold, bool)
        or not 0 < variance_threshold < 1
    ):
        raise ValueError(
            f"variance_threshold must be a number strictly between 0 and 1; got "
            f"{variance_threshold!r}."
        )
    idx = _neighbourhoods(X, neighbors, n_jobs)
    n_nbrs = (idx >= 0).sum(axis=1) - 1
    alone = np.flatnonzero(n_nbrs == 0)
    if alone.size:
        raise ValueError(
            f"point {alone[0]} has no neighbours in the graph ({alone.size} such "
            f"point(s)); every point needs at least dim neighbours."
        )
    sing, basis = _local_pca(X, idx, full=bool(return_normals))

    variance = sing**2
    total = variance.sum(axis=1)
    flat = np.flatnonzero(total <= 1e-24 * max(1.0, np.abs(X).max() ** 2))
    if flat.size:
        raise ValueError(
            f"the neighbourhood of point {flat[0]} has no extent (all its points "
            f"coincide); {flat.size} point(s) are like this. Remove duplicate "
            f"points or use more neighbours."
        )
    ratio = variance / total[:, None]
    if dim is None:
        needed = 1 + (np.cumsum(ratio, axis=1) < variance_threshold).sum(axis=1)
        needed = np.minimum(needed, ratio.shape[1])
        dim = int(np.ceil(np.median(needed)))

    short = np.flatnonzero(n_nbrs < dim)
    if short.size:
        raise ValueError(
            f"point {short[0]} has {n_nbrs[short[0]]} neighbour(s) but a "
            f"{dim}-dimensional tangent space needs at least {dim}; "
            f"{short.size} point(s) are like this. Use more neighbours."
        )

    # Deterministic signs: the largest coordinate of every basis vector is
    # positive (LAPACK builds may differ in the signs they return).
    pick = np.abs(basis).argmax(axis=2)[..., None]
    basis *= np.sign(np.take_along_axis(basis, pick, axis=2))

    frames = np.ascontiguousarray(basis[:, :dim].transpose(0, 2, 1))
    out = [frames]
    if return_normals:
        out.append(np.ascontiguousarray(basis[:, dim:].transpose(0, 2, 1)))
    if return_explained_variance:
        out.append(ratio)
    return out[0] if len(out) == 1 else tuple(out)


def _check_frames(frames, n_samples=None):
    """Return frames as float64 (n, D, d) with orthonormal columns."""
    if np.iscomplexobj(frames):
        raise TypeError("frames are complex; expected real orthonormal frames.")
    try:
        F = np.asarray(frames, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"frames must be a numeric array; ({exc}).") from exc
    if F.ndim != 3 or F.shape[0] == 0 or F.shape[2] == 0 or F.shape[1] < F.shape[2]:
        raise ValueError(
            f"frames must have shape (n_samples, n_features, dim) with 1 <= dim "
            f"<= n_features, as returned by tangent_frames; got shape {F.shape}."
        )
    if n_samples is not None and F.shape[0] != n_samples:
        raise ValueError(
            f"frames has {F.shape[0]} frames but the graph has {n_samples} nodes."
        )
    if not np.isfinite(F).all():
        raise ValueError("frames contain NaN or infinite values.")
    gram = np.einsum("nDa,nDb->nab", F, F)
    gram[:, np.arange(F.shape[2]), np.arange(F.shape[2])] -= 1
    err = np.abs(gram).max(axis=(1, 2))
    bad = np.flatnonzero(err > _ORTHO_TOL)
    if bad.size:
        raise ValueError(
            f"frames[{bad[0]}] does not have orthonormal columns (max "
            f"|F^T F - I| = {err[bad[0]]:.2g}); frames must be orthonormal bases."
        )
    return F


def _polar(M):
    """Return the orthogonal factor U V^T of every matrix U S V^T in a batch."""
    U, _, Vt = np.linalg.svd(M)
    return U @ Vt


def _reverse_edges(G):
    """Position of the entry (j, i) for each stored entry (i, j), or -1."""
    n = G.shape[0]
    rows, cols = _graph_rows(G), G.indices.astype(np.int64)
    keys = rows * n + cols  # sorted: the graph is canonical
    rev = cols * n + rows
    pos = np.searchsorted(keys, rev)
    pos = np.minimum(pos, max(keys.size - 1, 0))
    found = keys[pos] == rev if keys.size else np.zeros(0, dtype=bool)
    return np.where(found, pos, -1)


def parallel_transport(frames, graph):
    """Align the frames of neighbouring points: the discrete connection.

    For every edge ``(i, j)`` of the graph, ``O_ij`` is the ``dim x dim``
    orthogonal matrix closest (in Frobenius norm) to ``F_i^T F_j``: the
    orthogonal factor ``U V^T`` of its singular value decomposition
    ``U S V^T``. It maps coordinates in frame ``j`` to coordinates in frame
    ``i``: a tangent vector ``F_j v`` at ``x_j`` is carried to ``F_i O_ij v``
    at ``x_i``. For nearby points on a manifold this approximates the
    Levi-Civita parallel transport along the geodesic from ``x_j`` to
    ``x_i`` (Singer and Wu, 2012); between exact tangent planes of a
    surface it is the rotation that takes one plane to the other about
    their intersection, which on a sphere is exactly the transport along
    the great circle.

    Parameters
    ----------
    frames : array-like of shape (n_samples, n_features, dim)
        Orthonormal frames of the tangent spaces, e.g. from
        :func:`tangent_frames`.
    graph : sparse matrix of shape (n_samples, n_samples)
        The edges, e.g. from :func:`knn_graph`; every stored entry is an
        edge, whatever its value.

    Returns
    -------
    transports : ndarray of shape (n_edges, dim, dim)
        ``transports[e]`` is ``O_ij`` for the ``e``-th stored entry of the
        graph in canonical CSR order (rows ascending, then columns): the
        order of ``scipy.sparse.csr_array(graph).tocoo()`` once indices are
        sorted, as they are in graphs built by :func:`knn_graph` and
        :func:`radius_graph`. When both ``(i, j)`` and ``(j, i)`` are edges,
        ``O_ji`` is exactly ``O_ij^T``. ``float64``.

    Raises
    ------
    ValueError
        If the frames are not orthonormal or do not match the graph.

    See Also
    --------
    tangent_frames : The frames.
    connection_laplacian : The operator built from the transports.

    Notes
    -----
    ``O_ij`` is orthogonal, not necessarily a rotation: it has determinant
    -1 where the two frames have opposite orientations. Changing frame
    ``i`` to ``F_i R_i`` changes ``O_ij`` to ``R_i^T O_ij R_j``, so nothing
    built from the transports depends on the choice of frames. The product
    of the transports around a loop (the holonomy) is close to the
    identity on flat manifolds and rotates by the enclosed curvature on
    curved ones. The cost is one ``dim x dim`` singular value decomposition
    per edge.

    References
    ----------
    .. [1] A. Singer, H.-T. Wu, "Vector diffusion maps and the connection
       Laplacian", Communications on Pure and Applied Mathematics 65(8),
       2012.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import knn_graph, parallel_transport, tangent_frames
    >>> rng = np.random.default_rng(0)
    >>> X = np.c_[rng.uniform(size=(200, 2)), np.zeros(200)]  # a flat square
    >>> G = knn_graph(X, 8)
    >>> frames = tangent_frames(X, G, dim=2)
    >>> O = parallel_transport(frames, G)
    >>> O.shape[1:]
    (2, 2)
    >>> coo = G.tocoo()  # O[e] takes frame coo.col[e] to frame coo.row[e]
    >>> bool(np.allclose(frames[coo.row] @ O, frames[coo.col]))  # flat: exact
    True
    """
    G = _check_graph(graph)
    F = _check_frames(frames, G.shape[0])
    rows, cols = _graph_rows(G), G.indices
    O = np.empty((G.nnz, F.shape[2], F.shape[2]))
    block = max(1, _BLOCK_VALUES // (F.shape[1] * F.shape[2]))
    for start in range(0, G.nnz, block):
        sl = slice(start, start + block)
        O[sl] = _polar(np.einsum("eDa,eDb->eab", F[rows[sl]], F[cols[sl]]))
    # Make O_ji exactly O_ij^T: the lower entry copies its upper partner.
    rev = _reverse_edges(G)
    lower = np.flatnonzero((rev >= 0) & (rows > cols))
    O[lower] = O[rev[lower]].transpose(0, 2, 1)
    return O

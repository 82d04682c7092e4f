"""Graph and connection Laplacians of sampled manifolds, and their low spectrum.

The connection Laplacian of vector diffusion maps (Singer and Wu, 2012) acts
on vector fields given in the tangent frames of the points: it is the graph
Laplacian with each edge weight replaced by the weight times the orthogonal
transport between the two frames. Its eigenvectors of small eigenvalue are
the smooth vector fields of the manifold, as the graph Laplacian's are the
smooth functions; they are the features of the vector-field Gaussian process
(RVGP).
"""

from numbers import Real

import numpy as np
import scipy.linalg
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigsh, splu
from sklearn.utils import check_random_state

from geomlearn.geometry._graphs import _check_graph, _check_int, _graph_rows
from geomlearn.geometry._tangent import _ORTHO_TOL, _reverse_edges

__all__ = ["connection_laplacian", "graph_laplacian", "laplacian_eigenpairs"]

_WEIGHTS = ("gaussian", "connectivity", "precomputed")
# Relative tolerance on the symmetry of edge weights and of Laplacians.
_SYM_RTOL = 1e-10


def _edge_weights(values, off, weights, epsilon):
    """Weights of the stored entries from their values (see connection_laplacian)."""
    if weights not in _WEIGHTS:
        raise ValueError(f"weights must be one of {list(_WEIGHTS)}; got {weights!r}.")
    if epsilon is not None:
        if weights != "gaussian":
            raise ValueError(
                f"epsilon is the bandwidth of weights='gaussian'; it has no "
                f"meaning with weights={weights!r}."
            )
        if (
            not isinstance(epsilon, Real)
            or isinstance(epsilon, bool)
            or not np.isfinite(epsilon)
            or epsilon <= 0
        ):
            raise ValueError(
                f"epsilon must be a positive finite number; got {epsilon!r}."
            )
    if weights == "connectivity":
        return np.ones_like(values)
    if weights == "precomputed":
        return values.copy()
    squared = values**2
    if epsilon is None:
        epsilon = float(np.median(squared[off])) if off.any() else 1.0
        if epsilon == 0:
            raise ValueError(
                "the median squared edge length is 0 (a connectivity graph, or "
                "many duplicate points), so the default Gaussian bandwidth is "
                "undefined; pass a graph of edge lengths (mode='distance'), "
                "epsilon, or weights='connectivity'."
            )
    return np.exp(-squared / epsilon)


def _check_transports(transports, n_edges):
    if np.iscomplexobj(transports):
        raise TypeError("transports are complex; expected real orthogonal matrices.")
    try:
        O = np.asarray(transports, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"transports must be a numeric array ({exc}).") from exc
    if O.ndim != 3 or O.shape[1] != O.shape[2] or O.shape[1] == 0:
        raise ValueError(
            f"transports must have shape (n_edges, dim, dim), as returned by "
            f"parallel_transport; got shape {O.shape}."
        )
    if O.shape[0] != n_edges:
        raise ValueError(
            f"transports holds {O.shape[0]} matrices but the graph has {n_edges} "
            f"stored entries; compute them with parallel_transport(frames, graph) "
            f"on the same graph."
        )
    if not np.isfinite(O).all():
        raise ValueError("transports contain NaN or infinite values.")
    err = np.abs(np.einsum("eca,ecb->eab", O, O) - np.eye(O.shape[1])).max(
        axis=(1, 2), initial=0.0
    )
    bad = np.flatnonzero(err > _ORTHO_TOL)
    if bad.size:
        raise ValueError(
            f"transports[{bad[0]}] is not orthogonal (max |O^T O - I| = "
            f"{err[bad[0]]:.2g})."
        )
    return O


def connection_laplacian(
    graph,
    transports,
    *,
    weights="gaussian",
    epsilon=None,
    alpha=0.0,
    normalized=False,
):
    r"""Build the sparse connection Laplacian of a graph with frame transports.

    With edge weights ``w_ij`` and transports ``O_ij`` (from
    :func:`parallel_transport`), the connection Laplacian is the
    ``(n d) x (n d)`` block matrix ``L = D - W``: block ``(i, j)`` of ``W``
    is ``w_ij O_ij`` and ``D`` is block diagonal with ``deg_i I_d``,
    ``deg_i = sum_j w_ij``. It acts on a vector field given by its
    coordinates ``v_i`` in the frames, flattened point by point (entry
    ``i * d + a`` is coordinate ``a`` at point ``i``), and

    .. math::

        v^T L v = \frac{1}{2} \sum_{i, j} w_{ij} \| v_i - O_{ij} v_j \|^2,

    so ``L`` is symmetric positive semidefinite, and ``L v = 0`` exactly
    for the fields that are invariant under transport along every edge
    (the parallel fields): ``d`` independent ones on a connected flat
    manifold, none on a sphere. With ``d = 1`` and all ``O_ij = 1`` it is
    the graph Laplacian.

    Parameters
    ----------
    graph : sparse matrix of shape (n_samples, n_samples)
        The symmetric graph, e.g. from :func:`knn_graph` (``mode="distance"``
        for Gaussian weights). Every stored entry is an edge; diagonal
        entries are ignored (a self-loop adds the same weight to ``D`` and
        ``W``).
    transports : array-like of shape (n_edges, dim, dim)
        The orthogonal transports of the stored entries, in the order of
        :func:`parallel_transport`, with ``O_ji = O_ij^T``.
    weights : {"gaussian", "connectivity", "precomputed"}, default="gaussian"
        The edge weights ``w_ij``: ``exp(-|x_i - x_j|^2 / epsilon)`` from
        the stored edge lengths, 1 for every edge (the choice of RVGP's
        reference implementation), or the stored values themselves.
    epsilon : float, default=None
        Bandwidth of the Gaussian weights, in squared length units; the
        median squared edge length by default. Only with
        ``weights="gaussian"``.
    alpha : float, default=0.0
        Density normalisation of Coifman and Lafon: the weights become
        ``w_ij / (q_i q_j)^alpha`` with ``q_i = sum_j w_ij``, before the
        degrees are taken. ``alpha=1`` with ``normalized=True`` removes the
        sampling density from the limit operator (see Notes).
    normalized : bool, default=False
        Return the symmetric normalisation ``D^{-1/2} L D^{-1/2} = I -
        D^{-1/2} W D^{-1/2}`` (still symmetric positive semidefinite, with
        eigenvalues in [0, 2]); isolated points get a zero block. Its
        eigenvectors ``phi`` give those of the random-walk Laplacian ``I -
        D^{-1} W`` as ``D^{-1/2} phi``, with the same eigenvalues.

    Returns
    -------
    L : scipy.sparse.csr_array of shape (n_samples * dim, n_samples * dim)
        The connection Laplacian, canonical CSR, ``float64``, exactly
        symmetric.

    Raises
    ------
    ValueError
        If the graph is not symmetric (in its edges or their weights), or
        the transports are not orthogonal, do not match the graph or break
        ``O_ji = O_ij^T``.

    See Also
    --------
    graph_laplacian : The scalar analogue.
    laplacian_eigenpairs : Its eigenvectors of smallest eigenvalue.

    Notes
    -----
    Building ``L`` costs ``O(n_edges d^2)`` time and memory. On a manifold
    sampled densely enough, ``L`` with Gaussian weights converges (after
    scaling) to the connection Laplacian ``\nabla^* \nabla`` of the
    Levi-Civita connection acting on vector fields, with the same scaling
    as the graph Laplacian's convergence to the Laplace-Beltrami operator
    (Singer and Wu, 2012). The ``k``-nearest-neighbour graphs have a
    density-dependent limit unless ``alpha=1``: then the random-walk
    Laplacian ``I - D^{-1} W`` converges to the connection Laplacian whatever
    the sampling density (Coifman and Lafon, 2006; Singer and Wu, 2012). On
    randomly sampled surfaces this also makes the low eigenvectors markedly
    more accurate.

    References
    ----------
    .. [1] A. Singer, H.-T. Wu, "Vector diffusion maps and the connection
       Laplacian", Communications on Pure and Applied Mathematics 65(8),
       2012.
    .. [2] R. R. Coifman, S. Lafon, "Diffusion maps", Applied and
       Computational Harmonic Analysis 21(1), 2006.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import (connection_laplacian, knn_graph,
    ...     laplacian_eigenpairs, parallel_transport, tangent_frames)
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> X /= np.linalg.norm(X, axis=1, keepdims=True)  # the unit sphere
    >>> G = knn_graph(X, 10)
    >>> frames = tangent_frames(X, G)
    >>> L = connection_laplacian(G, parallel_transport(frames, G))
    >>> L.shape, abs(L - L.T).max()
    ((600, 600), np.float64(0.0))
    >>> values, vectors = laplacian_eigenpairs(L, 6, random_state=0)
    >>> bool(values[0] > 0)  # no parallel vector field on a sphere
    True
    """
    G = _check_graph(graph)
    n = G.shape[0]
    O = _check_transports(transports, G.nnz)
    d = O.shape[1]
    if not isinstance(normalized, (bool, np.bool_)):
        raise TypeError(f"normalized must be True or False; got {normalized!r}.")
    if (
        not isinstance(alpha, Real)
        or isinstance(alpha, bool)
        or not np.isfinite(alpha)
        or alpha < 0
    ):
        raise ValueError(f"alpha must be a finite number >= 0; got {alpha!r}.")

    rows, cols = _graph_rows(G), G.indices.astype(np.int64)
    off = rows != cols
    w = _edge_weights(G.data, off, weights, epsilon)

    # The graph must be undirected: every edge stored both ways, with equal
    # weights and mutually transposed transports.
    rev = _reverse_edges(G)
    one_way = np.flatnonzero(off & (rev < 0))
    if one_way.size:
        e = one_way[0]
        raise ValueError(
            f"graph is not symmetric: it has the edge ({rows[e]}, {cols[e]}) but "
            f"not ({cols[e]}, {rows[e]}) ({one_way.size} such edges). Build it "
            f"with knn_graph(..., symmetric=True) or symmetrise it."
        )
    scale = max(np.abs(w).max(initial=0.0), np.finfo(float).tiny)
    asym = np.abs(w[off] - w[rev[off]]).max(initial=0.0)
    if asym > _SYM_RTOL * scale:
        raise ValueError(
            f"graph is not symmetric: edge weights differ between (i, j) and "
            f"(j, i) by up to {asym:.3g}."
        )
    gap = np.abs(O[off] - O[rev[off]].transpose(0, 2, 1)).max(initial=0.0)
    if gap > _ORTHO_TOL:
        raise ValueError(
            f"transports must satisfy O_ji = O_ij^T; they differ by up to "
            f"{gap:.3g}. Use the output of parallel_transport."
        )

    # Keep the upper triangle and mirror it: L is then exactly symmetric.
    upper = np.flatnonzero(rows < cols)
    ru, cu, wu, Ou = rows[upper], cols[upper], w[upper], O[upper]
    if alpha > 0:
        q = np.bincount(ru, wu, minlength=n) + np.bincount(cu, wu, minlength=n)
        with np.errstate(divide="ignore"):
            q_pow = np.where(q > 0, q ** (-float(alpha)), 0.0)
        wu = wu * q_pow[ru] * q_pow[cu]
    deg = np.bincount(ru, wu, minlength=n) + np.bincount(cu, wu, minlength=n)
    if normalized:
        with np.errstate(divide="ignore"):
            inv_sqrt = np.where(deg > 0, 1 / np.sqrt(deg), 0.0)
        coef = wu * inv_sqrt[ru] * inv_sqrt[cu]
        diag = (deg > 0).astype(np.float64)
    else:
        coef, diag = wu, deg

    blocks_upper = -coef[:, None, None] * Ou
    block_rows = np.concatenate([ru, cu, np.arange(n)])
    block_cols = np.concatenate([cu, ru, np.arange(n)])
    blocks = np.concatenate(
        [
            blocks_upper,
            blocks_upper.transpose(0, 2, 1),
            diag[:, None, None] * np.eye(d),
        ]
    )
    order = np.lexsort((block_cols, block_rows))
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(block_rows, minlength=n), out=indptr[1:])
    L = sp.bsr_array(
        (blocks[order], block_cols[order], indptr),
        shape=(n * d, n * d),
        blocksize=(d, d),
    ).tocsr()
    L.sort_indices()
    return L


def graph_laplacian(
    graph, *, weights="gaussian", epsilon=None, alpha=0.0, normalized=False
):
    """Build the sparse graph Laplacian with the connection Laplacian's weights.

    ``L = D - W`` with ``W`` the edge weights and ``D`` their row sums, or
    ``I - D^{-1/2} W D^{-1/2}`` when normalised: the connection Laplacian
    of :func:`connection_laplacian` with ``d = 1`` and trivial transports,
    so that the scalar and the vector operator of one graph share their
    weights. It acts on functions sampled at the points.

    Parameters
    ----------
    graph : sparse matrix of shape (n_samples, n_samples)
        The symmetric graph, e.g. from :func:`knn_graph`. Every stored entry
        is an edge; diagonal entries are ignored.
    weights : {"gaussian", "connectivity", "precomputed"}, default="gaussian"
        The edge weights, as in :func:`connection_laplacian`.
    epsilon : float, default=None
        Bandwidth of the Gaussian weights; the median squared edge length by
        default.
    alpha : float, default=0.0
        Density normalisation, as in :func:`connection_laplacian`.
    normalized : bool, default=False
        Return the symmetric normalisation (zero rows for isolated points).

    Returns
    -------
    L : scipy.sparse.csr_array of shape (n_samples, n_samples)
        The Laplacian, canonical CSR, ``float64``, exactly symmetric.

    Raises
    ------
    ValueError
        If the graph is not symmetric, has negative values, or the weights
        are ill defined.

    See Also
    --------
    scipy.sparse.csgraph.laplacian : The Laplacian of a weight matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import graph_laplacian, knn_graph
    >>> X = np.array([[0.0], [1.0], [2.0], [4.0]])
    >>> L = graph_laplacian(knn_graph(X, 1), weights="connectivity")
    >>> L.toarray()
    array([[ 1., -1.,  0.,  0.],
           [-1.,  2., -1.,  0.],
           [ 0., -1.,  2., -1.],
           [ 0.,  0., -1.,  1.]])
    """
    G = _check_graph(graph)
    return connection_laplacian(
        G,
        np.ones((G.nnz, 1, 1)),
        weights=weights,
        epsilon=epsilon,
        alpha=alpha,
        normalized=normalized,
    )


def _check_laplacian(L):
    if sp.issparse(L):
        L = sp.csr_array(L, dtype=np.float64)
    else:
        if np.iscomplexobj(L):
            raise TypeError("L is complex; expected a real symmetric matrix.")
        L = np.asarray(L, dtype=np.float64)
        if L.ndim != 2:
            raise ValueError(f"L must be a 2-D matrix; got shape {L.shape}.")
        L = sp.csr_array(L)
    if L.shape[0] != L.shape[1] or L.shape[0] == 0:
        raise ValueError(f"L must be a non-empty square matrix; got shape {L.shape}.")
    if not np.isfinite(L.data).all():
        raise ValueError("L contains NaN or infinite values.")
    scale = np.abs(L.data).max(initial=0.0)
    asym = abs(L - L.T).max() if L.nnz else 0.0
    if asym > _SYM_RTOL * scale:
        raise ValueError(
            f"L is not symmetric (max |L - L^T| = {asym:.3g}); expected a "
            f"Laplacian from connection_laplacian or graph_laplacian."
        )
    return L, scale


def _fix_signs(vectors):
    """Make the largest-magnitude entry of every column positive."""
    pick = np.abs(vectors).argmax(axis=0)
    signs = np.sign(vectors[pick, np.arange(vectors.shape[1])])
    signs[signs == 0] = 1
    return vectors * signs


def laplacian_eigenpairs(
    L, n_eigenpairs, *, sigma=None, solver="auto", tol=0.0, random_state=None
):
    """Compute the eigenpairs of smallest eigenvalue of a sparse Laplacian.

    For symmetric positive semidefinite matrices such as those of
    :func:`connection_laplacian` and :func:`graph_laplacian`. The sparse
    solver is ARPACK's Lanczos method in shift-invert mode
    (:func:`scipy.sparse.linalg.eigsh` with ``sigma``): it factorises
    ``L - sigma I`` once with a sparse LU decomposition and iterates with
    the inverse, whose largest eigenvalues ``1 / (lambda - sigma)`` are the
    wanted ones, well separated. The shift is slightly negative by default,
    so that ``L - sigma I`` is positive definite even when ``L`` is
    singular, as a Laplacian is.

    Parameters
    ----------
    L : sparse matrix of shape (N, N)
        The symmetric positive semidefinite matrix.
    n_eigenpairs : int
        Number of eigenpairs, between 1 and ``N``.
    sigma : float, default=None
        The shift, below the smallest wanted eigenvalue; ``-1e-8`` times
        the largest absolute entry of ``L`` by default.
    solver : {"auto", "arpack", "dense"}, default="auto"
        ``"arpack"`` as above; ``"dense"`` uses :func:`scipy.linalg.eigh`
        on the dense matrix (``O(N^3)`` time, ``O(N^2)`` memory); ``"auto"``
        takes the dense solver when ``N <= 500`` or ``n_eigenpairs >= N /
        2``, ARPACK otherwise.
    tol : float, default=0.0
        Relative accuracy of ARPACK's eigenvalues; 0 means machine
        precision.
    random_state : int, RandomState instance or None, default=None
        Seed of ARPACK's starting vector, which makes the result
        deterministic. Unused by the dense solver.

    Returns
    -------
    eigenvalues : ndarray of shape (n_eigenpairs,)
        Ascending.
    eigenvectors : ndarray of shape (N, n_eigenpairs)
        Orthonormal columns, each with its largest-magnitude entry positive.
        For a connection Laplacian, ``eigenvectors.reshape(n_samples, dim,
        n_eigenpairs)[i]`` holds the fields' coordinates in frame ``i``.

    Raises
    ------
    ValueError
        If ``L`` is not square, symmetric and finite, or ``n_eigenpairs`` is
        out of range.

    See Also
    --------
    scipy.sparse.linalg.eigsh : The ARPACK interface.

    Notes
    -----
    Cost of the ARPACK path: the LU factorisation of ``L - sigma I`` (with a
    minimum-degree ordering of ``L + L^T``), whose fill-in decides time and
    memory; for the graph of a surface it grows roughly like ``N^1.5`` in
    time and ``N log N`` in memory. Then each Lanczos step is one pair of
    triangular solves, with a few times ``n_eigenpairs`` steps and
    ``O(N n_eigenpairs)`` memory for the Lanczos basis. Measured on one
    core for the connection Laplacian of a 10-nearest-neighbour graph of
    ``n`` points on the sphere (``d = 2``, ``N = 2 n``) and 100 eigenpairs:
    about 0.25 s at ``n = 1000``, 5 s at ``n = 10 000`` and 40 s at
    ``n = 50 000``; building the graph, frames, transports and ``L`` takes
    another 2 s at ``n = 50 000``.

    Eigenvectors of a repeated eigenvalue are an arbitrary orthonormal
    basis of their eigenspace; only the eigenspace is well defined.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry import graph_laplacian, knn_graph, laplacian_eigenpairs
    >>> t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    >>> X = np.c_[np.cos(t), np.sin(t)]  # a cycle graph of 40 nodes
    >>> L = graph_laplacian(knn_graph(X, 2), weights="connectivity")
    >>> values, vectors = laplacian_eigenpairs(L, 3, solver="arpack", random_state=0)
    >>> np.round(values, 6)  # 0 and the double eigenvalue 2 - 2 cos(2 pi / 40)
    array([0.      , 0.024623, 0.024623])
    """
    L, scale = _check_laplacian(L)
    N = L.shape[0]
    k = _check_int(
        n_eigenpairs,
        "n_eigenpairs",
        low=1,
        high=N,
        high_reason=f" (L has {N} rows)",
    )
    if solver not in ("auto", "arpack", "dense"):
        raise ValueError(f"solver must be 'auto', 'arpack' or 'dense'; got {solver!r}.")
    if solver == "auto":
        solver = "dense" if N <= 500 or 2 * k >= N else "arpack"
    if solver == "arpack" and k >= N:
        raise ValueError(
            f"the arpack solver computes fewer than N = {N} eigenpairs; got "
            f"n_eigenpairs={k}. Use solver='dense'."
        )
    if not isinstance(tol, Real) or isinstance(tol, bool) or not tol >= 0:
        raise ValueError(f"tol must be a non-negative number; got {tol!r}.")
    if sigma is None:
        sigma = -1e-8 * (scale if scale > 0 else 1.0)
    elif (
        not isinstance(sigma, Real) or isinstance(sigma, bool) or not np.isfinite(sigma)
    ):
        raise ValueError(f"sigma must be a finite number; got {sigma!r}.")

    if solver == "dense":
        values, vectors = scipy.linalg.eigh(L.toarray(), subset_by_index=(0, k - 1))
        return values, _fix_signs(vectors)

    rng = check_random_state(random_state)
    v0 = rng.uniform(-1.0, 1.0, N)
    shifted = (L - sigma * sp.eye_array(N, format="csr")).tocsc()
    # SuperLU in symmetric mode: a minimum-degree ordering of L + L^T and a
    # preference for diagonal pivots (several times faster than the default
    # for these matrices, with less fill).
    lu = splu(shifted, permc_spec="MMD_AT_PLUS_A", options={"SymmetricMode": True})
    op_inv = LinearOperator((N, N), matvec=lu.solve, dtype=np.float64)
    values, vectors = eigsh(
        L, k=k, sigma=sigma, which="LM", OPinv=op_inv, v0=v0, tol=float(tol)
    )
    order = np.argsort(values)
    return values[order], _fix_signs(vectors[:, order])

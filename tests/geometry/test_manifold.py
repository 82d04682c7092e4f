"""Manifold toolkit: neighbourhood graphs, tangent frames, transport, Laplacians.

Oracles: neighbour sets from the full distance matrix and scikit-learn;
analytic tangent spaces of planes, circles, spheres and tori; Gauss-Bonnet
(the holonomy of a loop on the unit sphere is the enclosed area); the
analytic spectra of the Laplace-Beltrami operator and of the Bochner
Laplacian of the round sphere; scipy's csgraph Laplacian; and invariances
(rotations of the data, changes of frames).
"""

import numpy as np
import pytest
import scipy.linalg
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from scipy.sparse.csgraph import laplacian as csgraph_laplacian
from scipy.spatial.distance import cdist
from sklearn.neighbors import kneighbors_graph, radius_neighbors_graph

from geomlearn.geometry import (
    connection_laplacian,
    graph_laplacian,
    knn_graph,
    laplacian_eigenpairs,
    parallel_transport,
    radius_graph,
    tangent_frames,
)

# --------------------------------------------------------------------------- data


def random_rotation(rng, D):
    Q, R = np.linalg.qr(rng.normal(size=(D, D)))
    return Q * np.sign(np.diag(R))


def fibonacci_sphere(n):
    i = np.arange(n) + 0.5
    polar = np.arccos(1 - 2 * i / n)
    azimuth = np.pi * (1 + 5**0.5) * i
    return np.c_[
        np.cos(azimuth) * np.sin(polar), np.sin(azimuth) * np.sin(polar), np.cos(polar)
    ]


def random_sphere(rng, n):
    X = rng.normal(size=(n, 3))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def clifford_torus(a, b):
    """The flat torus in R^4: (a, b) -> (cos a, sin a, cos b, sin b) / sqrt 2."""
    X = np.c_[np.cos(a), np.sin(a), np.cos(b), np.sin(b)] / np.sqrt(2)
    z = np.zeros_like(a)
    # unit tangent vectors along a and b: an orthonormal, parallel frame
    e_a = np.c_[-np.sin(a), np.cos(a), z, z]
    e_b = np.c_[z, z, -np.sin(b), np.cos(b)]
    return X, e_a, e_b


def projectors(F):
    return F @ F.transpose(0, 2, 1)


def edge_list(G):
    coo = sp.csr_array(G).tocoo()
    return coo.row, coo.col


# --------------------------------------------------------------------------- graphs


def brute_force_knn(X, k):
    D = cdist(X, X)
    np.fill_diagonal(D, np.inf)
    return D, np.argsort(D, axis=1)[:, :k]


@pytest.mark.parametrize("mode", ["distance", "connectivity"])
def test_knn_graph_matches_brute_force(global_random_seed, mode):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(150, 4))
    k = 6
    D, nbrs = brute_force_knn(X, k)
    expected = np.zeros_like(D, dtype=bool)
    expected[np.repeat(np.arange(150), k), nbrs.ravel()] = True
    value = D if mode == "distance" else np.ones_like(D)

    directed = knn_graph(X, k, mode=mode, symmetric=False)
    assert_array_equal(directed.toarray() != 0, expected)
    assert_allclose(directed.toarray(), np.where(expected, value, 0), rtol=1e-12)
    sk = kneighbors_graph(X, k, mode=mode)
    assert_allclose(directed.toarray(), sk.toarray(), rtol=1e-12)

    union = expected | expected.T
    G = knn_graph(X, k, mode=mode)
    assert_array_equal(G.toarray() != 0, union)
    assert_allclose(G.toarray(), np.where(union, value, 0), rtol=1e-12)
    assert_array_equal(G.toarray(), G.toarray().T)  # exactly symmetric


@pytest.mark.parametrize("mode", ["distance", "connectivity"])
def test_radius_graph_matches_brute_force(global_random_seed, mode):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(200, 3))
    D = cdist(X, X)
    radius = 0.6
    expected = (radius >= D) & ~np.eye(200, dtype=bool)
    G = radius_graph(X, radius, mode=mode)
    assert_array_equal(G.toarray() != 0, expected)
    value = D if mode == "distance" else np.ones_like(D)
    assert_allclose(G.toarray(), np.where(expected, value, 0), rtol=1e-12)
    sk = radius_neighbors_graph(X, radius, mode=mode)
    assert_allclose(G.toarray(), sk.toarray(), rtol=1e-12)


@pytest.mark.parametrize(
    "build", [lambda X: knn_graph(X, 5), lambda X: radius_graph(X, 0.5)]
)
def test_graphs_are_canonical_csr_arrays(build):
    X = np.random.default_rng(0).normal(size=(60, 3))
    G = build(X)
    assert isinstance(G, sp.csr_array)
    assert G.dtype == np.float64
    assert G.has_canonical_format
    rows, cols = edge_list(G)
    assert not (rows == cols).any()


def test_knn_graph_keeps_duplicate_points_as_zero_length_edges():
    X = np.array([[0.0, 0.0]] * 3 + [[1.0, 0.0], [0.0, 2.0]])
    G = knn_graph(X, 2, symmetric=False)
    rows, cols = edge_list(G)
    assert G.nnz == 10  # two stored entries per row, zeros included
    assert not (rows == cols).any()
    assert_array_equal(np.diff(G.indptr), 2)
    # each copy of the origin has the other two copies as neighbours
    for i in range(3):
        assert set(cols[rows == i]) == set(range(3)) - {i}
        assert_array_equal(G.data[rows == i], 0.0)


def test_float32_points_give_the_float64_graph():
    X = np.random.default_rng(0).normal(size=(50, 3)).astype(np.float32)
    G32 = knn_graph(X, 4)
    G64 = knn_graph(X.astype(np.float64), 4)
    assert G32.dtype == np.float64
    assert_array_equal(G32.toarray(), G64.toarray())


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda X: knn_graph(X, 10), ValueError, "between 1 and 9"),
        (lambda X: knn_graph(X, 0), ValueError, "between 1 and 9"),
        (lambda X: knn_graph(X, 2.0), TypeError, "n_neighbors must be an int"),
        (lambda X: knn_graph(X, True), TypeError, "n_neighbors must be an int"),
        (lambda X: knn_graph(X, 2, mode="dist"), ValueError, "mode must be"),
        (lambda X: knn_graph(X, 2, symmetric="yes"), TypeError, "symmetric"),
        (lambda X: knn_graph(X, 2, n_jobs=0), ValueError, "n_jobs"),
        (lambda X: knn_graph(X[:, 0], 2), ValueError, "2-D array"),
        (lambda X: knn_graph(np.r_[X[:-1], [[np.nan] * 3]], 2), ValueError, "NaN"),
        (lambda X: knn_graph(X[:1], 1), ValueError, "minimum of 2"),
        (lambda X: knn_graph(sp.csr_array(X), 2), TypeError, "sparse"),
        (lambda X: radius_graph(X, 0.0), ValueError, "radius must be a positive"),
        (lambda X: radius_graph(X, np.inf), ValueError, "radius must be a positive"),
        (lambda X: radius_graph(X, 1.0, mode="x"), ValueError, "mode must be"),
    ],
)
def test_graph_errors(call, error, match):
    X = np.random.default_rng(0).normal(size=(10, 3))
    with pytest.raises(error, match=match):
        call(X)


# --------------------------------------------------------------------------- frames


def test_frames_are_orthonormal_and_normals_complete_them(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(80, 5))
    F, N, ratio = tangent_frames(
        X, 12, dim=3, return_normals=True, return_explained_variance=True
    )
    assert F.shape == (80, 5, 3)
    assert N.shape == (80, 5, 2)
    B = np.concatenate([F, N], axis=2)
    eye = np.broadcast_to(np.eye(5), B.shape)
    assert_allclose(B.transpose(0, 2, 1) @ B, eye, atol=1e-12)
    assert_allclose(ratio.sum(axis=1), 1.0)
    assert (np.diff(ratio, axis=1) <= 1e-15).all()


def test_frames_of_a_plane_are_exact(global_random_seed):
    # a 2-D affine plane in R^5: every local PCA recovers it to round-off
    rng = np.random.default_rng(global_random_seed)
    Q = random_rotation(rng, 5)
    X = np.c_[rng.uniform(-1, 1, (300, 2)), np.zeros((300, 3))] @ Q.T + 3.0
    F, ratio = tangent_frames(X, 8, return_explained_variance=True)
    assert F.shape == (300, 5, 2)  # dimension estimated
    P = Q[:, :2] @ Q[:, :2].T
    assert_allclose(projectors(F), np.broadcast_to(P, (300, 5, 5)), atol=1e-10)
    assert_allclose(ratio[:, 2:], 0.0, atol=1e-20)


def test_frames_of_a_sphere_are_close_to_the_tangent_planes(global_random_seed):
    # Unit sphere, curvature 1: the tilt of a local PCA plane is bounded by
    # the neighbourhood radius r_i (the normal offsets are r^2 / 2 over a
    # tangent extent r). The normal at x is x itself.
    rng = np.random.default_rng(global_random_seed)
    for X in (fibonacci_sphere(1000), random_sphere(rng, 1000)):
        k = 15
        F = tangent_frames(X, k)
        assert F.shape == (1000, 3, 2)
        sin_tilt = np.linalg.norm(np.einsum("nD,nDd->nd", X, F), axis=1)
        radius = np.sort(cdist(X, X), axis=1)[:, k]
        assert (sin_tilt <= radius).all()
        assert np.median(sin_tilt) < 0.25 * np.median(radius)


def test_frames_of_a_circle_follow_its_tangent(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    t = rng.uniform(0, 2 * np.pi, 300)
    Q = random_rotation(rng, 3)
    X = np.c_[np.cos(t), np.sin(t), np.zeros(300)] @ Q.T
    tangent = np.c_[-np.sin(t), np.cos(t), np.zeros(300)] @ Q.T
    k = 8
    F = tangent_frames(X, k)
    assert F.shape == (300, 3, 1)
    cos_angle = np.abs(np.einsum("nD,nD->n", F[:, :, 0], tangent))
    radius = np.sort(cdist(X, X), axis=1)[:, k]
    assert (np.sqrt(1 - np.minimum(cos_angle, 1) ** 2) <= radius).all()


@pytest.mark.parametrize(("shape", "expected"), [("sphere", 2), ("circle", 1)])
@pytest.mark.parametrize("noise", [0.0, 0.3])
def test_dimension_estimate(global_random_seed, shape, expected, noise):
    # noise in units of the sampling spacing (median nearest-neighbour
    # distance): the estimator assumes noise well below the neighbourhood
    # radius, a few spacings
    rng = np.random.default_rng(global_random_seed)
    if shape == "sphere":
        X = random_sphere(rng, 1500)
    else:
        t = rng.uniform(0, 2 * np.pi, 400)
        X = np.c_[np.cos(t), np.sin(t), np.zeros(400)] @ random_rotation(rng, 3).T
    spacing = np.median(np.sort(cdist(X, X), axis=1)[:, 1])
    X = X + noise * spacing * rng.normal(size=X.shape)
    assert tangent_frames(X, 10).shape[2] == expected
    assert tangent_frames(X, knn_graph(X, 10)).shape[2] == expected


def test_frames_move_with_the_data(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = random_sphere(rng, 400) * [1.0, 2.0, 0.5]  # an ellipsoid
    Q = random_rotation(rng, 3)
    P = projectors(tangent_frames(X, 10))
    P_moved = projectors(tangent_frames(X @ Q.T - 5.0, 10))
    assert_allclose(P_moved, Q @ P @ Q.T, atol=1e-9)


def test_frames_from_a_graph_use_its_rows(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = random_sphere(rng, 300)
    directed = knn_graph(X, 9, symmetric=False)
    assert_allclose(
        projectors(tangent_frames(X, directed)),
        projectors(tangent_frames(X, 9)),
        atol=1e-12,
    )
    # scikit-learn's graphs (csr_matrix) are read the same way
    assert_allclose(
        projectors(tangent_frames(X, kneighbors_graph(X, 9))),
        projectors(tangent_frames(X, 9)),
        atol=1e-12,
    )
    # self-loops are ignored, other stored values do not matter
    looped = directed + sp.eye_array(300, format="csr")
    assert_allclose(
        projectors(tangent_frames(X, looped, dim=2)),
        projectors(tangent_frames(X, directed, dim=2)),
        atol=1e-12,
    )


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"neighbors": 5, "dim": 4}, ValueError, "between 1 and 3"),
        ({"neighbors": 5, "dim": 0}, ValueError, "between 1 and 3"),
        ({"neighbors": 2, "dim": 3}, ValueError, "needs at least 3"),
        ({"neighbors": 5, "variance_threshold": 1.0}, ValueError, "strictly"),
        ({"neighbors": 5, "variance_threshold": 0}, ValueError, "strictly"),
        ({"neighbors": 5.0}, TypeError, "neighbors must be an int"),
        ({"neighbors": 30}, ValueError, "between 1 and 29"),
        ({"neighbors": sp.eye_array(7, format="csr")}, ValueError, "7 nodes"),
        ({"neighbors": sp.csr_array((30, 30)), "dim": 1}, ValueError, "no neighbours"),
    ],
)
def test_frame_errors(kwargs, error, match):
    X = np.random.default_rng(0).normal(size=(30, 3))
    with pytest.raises(error, match=match):
        tangent_frames(X, **kwargs)


def test_frames_refuse_neighbourhoods_without_extent():
    X = np.r_[np.zeros((4, 2)), np.random.default_rng(0).normal(size=(10, 2))]
    with pytest.raises(ValueError, match="neighbourhood of point 0 has no extent"):
        tangent_frames(X, 3)


# --------------------------------------------------------------------------- transport


def random_frames(rng, n, D, d):
    return np.stack([random_rotation(rng, D)[:, :d] for _ in range(n)])


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    D=st.integers(1, 5),
    d_minus=st.integers(0, 4),
)
def test_transports_are_the_closest_orthogonal_matrices(seed, D, d_minus):
    rng = np.random.default_rng(seed)
    d = max(1, D - d_minus)
    F = random_frames(rng, 12, D, d)
    X = rng.normal(size=(12, 2))
    G = knn_graph(X, 3)
    O = parallel_transport(F, G)
    rows, cols = edge_list(G)
    assert O.shape == (G.nnz, d, d)
    eye = np.broadcast_to(np.eye(d), O.shape)
    assert_allclose(O.transpose(0, 2, 1) @ O, eye, atol=1e-12)
    # O_ji is exactly O_ij^T
    position = {(i, j): e for e, (i, j) in enumerate(zip(rows, cols, strict=True))}
    for e, (i, j) in enumerate(zip(rows, cols, strict=True)):
        assert_array_equal(O[position[j, i]], O[e].T)
    # closest: no orthogonal matrix is nearer to F_i^T F_j
    M = F[rows].transpose(0, 2, 1) @ F[cols]
    best = np.linalg.norm(M - O, axis=(1, 2))
    for _ in range(5):
        R = np.stack([random_rotation(rng, d) for _ in range(G.nnz)])
        assert (best <= np.linalg.norm(M - R, axis=(1, 2)) + 1e-12).all()


def test_transports_change_with_the_frames(global_random_seed):
    # F_i -> F_i R_i gives O_ij -> R_i^T O_ij R_j
    rng = np.random.default_rng(global_random_seed)
    X = random_sphere(rng, 200)
    G = knn_graph(X, 8)
    F = tangent_frames(X, G, dim=2)
    R = np.stack([random_rotation(rng, 2) for _ in range(200)])
    rows, cols = edge_list(G)
    O = parallel_transport(F, G)
    O_new = parallel_transport(F @ R, G)
    assert_allclose(O_new, R[rows].transpose(0, 2, 1) @ O @ R[cols], atol=1e-12)


def test_transports_on_a_plane_are_trivial(global_random_seed):
    # flat: the transport carries frame j onto frame i exactly, and the
    # holonomy of every triangle of the graph is the identity
    rng = np.random.default_rng(global_random_seed)
    Q = random_rotation(rng, 3)
    X = np.c_[rng.uniform(-1, 1, (250, 2)), np.zeros(250)] @ Q.T
    G = knn_graph(X, 6)
    F = tangent_frames(X, G)
    O = parallel_transport(F, G)
    rows, cols = edge_list(G)
    assert_allclose(F[rows] @ O, F[cols], atol=1e-12)
    position = {(i, j): e for e, (i, j) in enumerate(zip(rows, cols, strict=True))}
    n_triangles = 0
    for (i, j), e_ij in position.items():
        for k in set(cols[rows == j]) & set(cols[rows == i]):
            loop = O[e_ij] @ O[position[j, k]] @ O[position[k, i]]
            assert_allclose(loop, np.eye(2), atol=1e-12)
            n_triangles += 1
    assert n_triangles > 100


def test_holonomy_on_the_sphere_is_the_enclosed_area(global_random_seed):
    # Gauss-Bonnet: carrying a vector around a geodesic polygon on the unit
    # sphere rotates it by the polygon's area. Between exact tangent planes
    # of the sphere the closest orthogonal map is the transport along the
    # great circle, so the identity holds to round-off. Frames are the
    # (theta, phi) frames turned by random angles.
    rng = np.random.default_rng(global_random_seed)
    m, theta = 60, 1.0
    phi = 2 * np.pi * np.arange(m) / m
    X = np.c_[
        np.sin(theta) * np.cos(phi),
        np.sin(theta) * np.sin(phi),
        np.full(m, np.cos(theta)),
    ]
    e_theta = np.c_[
        np.cos(theta) * np.cos(phi),
        np.cos(theta) * np.sin(phi),
        np.full(m, -np.sin(theta)),
    ]
    e_phi = np.c_[-np.sin(phi), np.cos(phi), np.zeros(m)]
    turn = rng.uniform(0, 2 * np.pi, m)
    R = np.stack([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    F = np.stack([e_theta, e_phi], axis=2) @ R.transpose(2, 0, 1)
    i = np.arange(m)
    j = (i + 1) % m
    G = sp.csr_array((np.ones(2 * m), (np.r_[i, j], np.r_[j, i])), shape=(m, m))
    O = parallel_transport(F, G)
    rows, cols = edge_list(G)
    position = {(a, b): e for e, (a, b) in enumerate(zip(rows, cols, strict=True))}
    H = np.eye(2)
    for s in range(m):  # from vertex s to s + 1
        H = O[position[(s + 1) % m, s]] @ H
    # polygon area: fan of triangles from the pole (Van Oosterom-Strackee)
    pole = np.array([0.0, 0.0, 1.0])
    area = sum(
        2
        * np.arctan2(
            abs(pole @ np.cross(X[s], X[t])),
            1 + pole @ X[s] + X[s] @ X[t] + X[t] @ pole,
        )
        for s, t in zip(i, j, strict=True)
    )
    assert np.linalg.det(H) == pytest.approx(1.0, abs=1e-12)
    assert abs(np.arctan2(H[1, 0], H[0, 0])) == pytest.approx(area, abs=1e-10)


def test_transport_errors():
    X = np.random.default_rng(0).normal(size=(20, 3))
    G = knn_graph(X, 4)
    F = tangent_frames(X, G, dim=2)
    with pytest.raises(ValueError, match="orthonormal"):
        parallel_transport(2 * F, G)
    with pytest.raises(ValueError, match="19 frames but the graph has 20"):
        parallel_transport(F[:-1], G)
    with pytest.raises(ValueError, match=r"shape \(n_samples, n_features, dim\)"):
        parallel_transport(F[:, :, 0], G)
    duplicated = sp.csr_array(
        (np.ones(2), np.array([1, 1]), np.array([0, 2] + [2] * 19)), shape=(20, 20)
    )
    with pytest.raises(ValueError, match=r"entry \(0, 1\) more than once"):
        parallel_transport(F, duplicated)


# --------------------------------------------------------------------------- Laplacians


ROTATION = np.array([[np.cos(0.3), -np.sin(0.3)], [np.sin(0.3), np.cos(0.3)]])


def sphere_setup(n=400, k=10, seed=0):
    X = random_sphere(np.random.default_rng(seed), n)
    G = knn_graph(X, k)
    F = tangent_frames(X, G)
    return X, G, F, parallel_transport(F, G)


@pytest.mark.parametrize("normalized", [False, True])
def test_connection_laplacian_quadratic_form(global_random_seed, normalized):
    # v^T L v = 1/2 sum_ij w_ij |v_i / s_i - O_ij v_j / s_j|^2, s = sqrt(deg)
    # (s = 1 without normalisation), with brute-force Gaussian weights.
    X, G, _, O = sphere_setup(300, 8, global_random_seed)
    L = connection_laplacian(G, O, normalized=normalized)
    rows, cols = edge_list(G)
    length = np.linalg.norm(X[rows] - X[cols], axis=1)
    w = np.exp(-(length**2) / np.median(length**2))
    deg = np.bincount(rows, w, minlength=300)
    s = np.sqrt(deg) if normalized else np.ones(300)
    v = np.random.default_rng(global_random_seed).normal(size=(300, 2))
    u = v / s[:, None]
    diff = u[rows] - np.einsum("eab,eb->ea", O, u[cols])
    expected = 0.5 * np.sum(w * np.sum(diff**2, axis=1))
    assert v.ravel() @ (L @ v.ravel()) == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("normalized", [False, True])
def test_connection_laplacian_is_symmetric_psd(normalized):
    _, G, _, O = sphere_setup()
    L = connection_laplacian(G, O, normalized=normalized)
    assert isinstance(L, sp.csr_array)
    assert L.shape == (800, 800)
    assert L.has_canonical_format
    assert abs(L - L.T).max() == 0
    values = scipy.linalg.eigvalsh(L.toarray())
    assert values[0] >= -1e-12 * values[-1]
    if normalized:
        assert values[-1] <= 2 + 1e-12


def test_connection_laplacian_changes_with_the_frames(global_random_seed):
    # new frames F_i R_i: L -> R^T L R with R block diagonal
    rng = np.random.default_rng(global_random_seed)
    _, G, F, O = sphere_setup(200, 8, global_random_seed)
    R = np.stack([random_rotation(rng, 2) for _ in range(200)])
    L = connection_laplacian(G, O)
    L_new = connection_laplacian(G, parallel_transport(F @ R, G))
    B = sp.block_diag(list(R), format="csr")
    assert_allclose(L_new.toarray(), (B.T @ L @ B).toarray(), atol=1e-12)


@pytest.mark.parametrize("weights", ["gaussian", "connectivity", "precomputed"])
@pytest.mark.parametrize("normalized", [False, True])
def test_scalar_case_is_the_graph_laplacian(weights, normalized):
    # d = 1, trivial transports: the graph Laplacian of csgraph on the
    # brute-force weight matrix
    X = np.random.default_rng(0).normal(size=(120, 3))
    G = knn_graph(X, 6)
    D = cdist(X, X)
    edges = G.toarray() > 0
    eps = 0.7
    W = {
        "gaussian": np.exp(-(D**2) / eps),
        "connectivity": np.ones_like(D),
        "precomputed": D,
    }[weights] * edges
    expected = csgraph_laplacian(W, normed=normalized)
    kwargs = {"epsilon": eps} if weights == "gaussian" else {}
    ones = np.ones((G.nnz, 1, 1))
    L_conn = connection_laplacian(
        G, ones, weights=weights, normalized=normalized, **kwargs
    )
    L_graph = graph_laplacian(G, weights=weights, normalized=normalized, **kwargs)
    assert_allclose(L_conn.toarray(), expected, atol=1e-12)
    assert_array_equal(L_graph.toarray(), L_conn.toarray())


@pytest.mark.parametrize("alpha", [0.5, 1.0])
@pytest.mark.parametrize("normalized", [False, True])
def test_density_normalisation_is_coifman_lafon(alpha, normalized):
    # brute force: W_a = W / (q q^T)^alpha with q the row sums of W, then the
    # (normalised) graph Laplacian of W_a
    X = np.random.default_rng(1).normal(size=(90, 3))
    G = knn_graph(X, 6)
    D = cdist(X, X)
    W = np.exp(-(D**2) / 0.7) * (G.toarray() > 0)
    q = W.sum(axis=1)
    W_a = W / np.outer(q, q) ** alpha
    expected = csgraph_laplacian(W_a, normed=normalized)
    L = graph_laplacian(G, epsilon=0.7, alpha=alpha, normalized=normalized)
    assert_allclose(L.toarray(), expected, atol=1e-12)
    ones = np.ones((G.nnz, 1, 1))
    L_conn = connection_laplacian(
        G, ones, epsilon=0.7, alpha=alpha, normalized=normalized
    )
    assert_allclose(L_conn.toarray(), expected, atol=1e-12)


def test_density_normalisation_removes_the_sampling_density():
    # A circle sampled with density 1 + 0.8 cos(theta), a fixed-bandwidth
    # Gaussian kernel (the setting of Coifman and Lafon's theorem). The
    # random-walk Laplacian with alpha = 1 converges to d^2/ds^2 whatever the
    # density, so its first nontrivial eigenvectors span cos and sin of the
    # angle; without the normalisation the limit operator has a drift term
    # and the eigenvectors are distorted.
    rng = np.random.default_rng(0)
    theta = []
    while len(theta) < 1500:
        t = rng.uniform(0, 2 * np.pi, 3000)
        theta.extend(t[rng.uniform(0, 1.8, 3000) < 1 + 0.8 * np.cos(t)])
    theta = np.array(theta[:1500])
    X = np.c_[np.cos(theta), np.sin(theta)]
    G = radius_graph(X, 0.25)
    eps = 0.005
    W = np.exp(-(G.toarray() ** 2) / eps) * (G.toarray() > 0)
    target = np.c_[np.cos(theta), np.sin(theta)]

    def residual(alpha):
        L = graph_laplacian(G, epsilon=eps, alpha=alpha, normalized=True)
        _, phi = laplacian_eigenpairs(L, 3, random_state=0)
        q = W.sum(1)
        d = (W / np.outer(q, q) ** alpha).sum(1)
        psi = phi[:, 1:3] / np.sqrt(d)[:, None]  # random-walk eigenvectors
        coef, *_ = np.linalg.lstsq(psi, target, rcond=None)
        return np.linalg.norm(psi @ coef - target) / np.linalg.norm(target)

    assert residual(1.0) < 0.05
    assert residual(0.0) > 0.3


def test_laplacians_ignore_self_loops():
    _, G, F, _ = sphere_setup(100, 6)
    looped = G + sp.diags_array(np.full(100, 0.5), format="csr")
    L = connection_laplacian(G, parallel_transport(F, G))
    L_looped = connection_laplacian(looped, parallel_transport(F, looped))
    assert_allclose(L_looped.toarray(), L.toarray(), atol=1e-15)


def test_flat_torus_grid_null_space_is_the_constant_fields():
    # The Clifford torus is flat. On a grid, the 8 nearest neighbours form
    # symmetric stencils, local PCA gives the exact tangent planes, and the
    # parallel fields (constant coefficients on e_a, e_b) are exactly null.
    m = 16
    a, b = (g.ravel() for g in np.meshgrid(*[2 * np.pi * np.arange(m) / m] * 2))
    X, e_a, e_b = clifford_torus(a, b)
    G = knn_graph(X, 8)
    F = tangent_frames(X, G)
    assert F.shape == (m * m, 4, 2)
    L = connection_laplacian(G, parallel_transport(F, G))
    values, vectors = laplacian_eigenpairs(L, 4, solver="arpack", random_state=0)
    assert_allclose(values[:2], 0.0, atol=1e-12)
    assert values[2] > 1e-3 * abs(L).max()
    fields = np.einsum("nDd,ndk->nDk", F, vectors[:, :2].reshape(m * m, 2, 2))
    coef = np.stack(
        [np.einsum("nD,nDk->nk", e_a, fields), np.einsum("nD,nDk->nk", e_b, fields)],
        axis=1,
    )  # (n, 2, 2): coefficients on (e_a, e_b) of the two null fields
    assert_allclose(coef, np.broadcast_to(coef[0], coef.shape), atol=1e-12)
    assert abs(np.linalg.det(coef[0])) > 0.1 / (m * m)  # two independent fields


def test_flat_torus_sample_has_a_two_dimensional_near_null_space(global_random_seed):
    # random samples: frames are estimated, so parallel fields are null up
    # to the discretisation, and the two lowest fields are nearly constant
    rng = np.random.default_rng(global_random_seed)
    n = 1500
    a, b = rng.uniform(0, 2 * np.pi, (2, n))
    X, e_a, e_b = clifford_torus(a, b)
    G = knn_graph(X, 10)
    F = tangent_frames(X, G)
    L = connection_laplacian(G, parallel_transport(F, G))
    values, vectors = laplacian_eigenpairs(L, 3, random_state=global_random_seed)
    assert values[1] < 0.02 * values[2]
    fields = np.einsum("nDd,ndk->nDk", F, vectors[:, :2].reshape(n, 2, 2))
    for k in range(2):
        coef = np.c_[
            np.einsum("nD,nD->n", e_a, fields[:, :, k]),
            np.einsum("nD,nD->n", e_b, fields[:, :, k]),
        ]
        variation = np.linalg.norm(coef - coef.mean(axis=0), axis=1)
        assert variation.max() < 0.05 * np.linalg.norm(coef.mean(axis=0))


def test_sphere_spectrum_matches_the_round_sphere():
    # Hairy ball: no parallel field on S^2, so the lowest eigenvalue is
    # positive. Analytically, on the unit sphere the Laplace-Beltrami
    # eigenvalues are 0, 2 (x3), 6 (x5) and the Bochner Laplacian's on
    # vector fields 1 (x6), 5 (x10) (Hodge l(l+1) minus Ricci = 1). The
    # graph and connection Laplacians of one graph converge to them with
    # one common scale factor.
    X = fibonacci_sphere(1500)
    G = knn_graph(X, 10)
    F = tangent_frames(X, G)
    scalar, _ = laplacian_eigenpairs(graph_laplacian(G), 9, random_state=0)
    vector, _ = laplacian_eigenpairs(
        connection_laplacian(G, parallel_transport(F, G)), 17, random_state=0
    )
    unit = scalar[1:4].mean() / 2  # the scale factor
    assert_allclose(scalar[1:4] / unit, 2, rtol=0.05)
    assert_allclose(scalar[4:9] / unit, 6, rtol=0.05)
    assert vector[0] > 0.5 * unit
    assert_allclose(vector[:6] / unit, 1, rtol=0.05)
    assert_allclose(vector[6:16] / unit, 5, rtol=0.05)
    assert vector[16] / unit > 8  # next: l = 3, 12 - 1 = 11


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (
            lambda X, G, O: graph_laplacian(knn_graph(X, 4, symmetric=False)),
            ValueError,
            "not symmetric",
        ),
        (lambda X, G, O: connection_laplacian(G, O[1:]), ValueError, "stored entries"),
        (lambda X, G, O: connection_laplacian(G, 2 * O), ValueError, "not orthogonal"),
        (
            lambda X, G, O: connection_laplacian(G, np.tile(ROTATION, (len(O), 1, 1))),
            ValueError,
            "O_ji = O_ij",
        ),
        (
            lambda X, G, O: connection_laplacian(G, O, weights="heat"),
            ValueError,
            "weights must be one of",
        ),
        (
            lambda X, G, O: connection_laplacian(
                G, O, weights="connectivity", epsilon=1
            ),
            ValueError,
            "epsilon is the bandwidth",
        ),
        (
            lambda X, G, O: connection_laplacian(G, O, epsilon=-1.0),
            ValueError,
            "epsilon must be a positive",
        ),
        (
            lambda X, G, O: graph_laplacian(knn_graph(X, 4, mode="connectivity") * 0),
            ValueError,
            "median squared edge length is 0",
        ),
        (
            lambda X, G, O: graph_laplacian(G.multiply(np.arange(20.0)[:, None])),
            ValueError,
            "weights differ",
        ),
        (lambda X, G, O: graph_laplacian(-G), ValueError, "negative"),
        (lambda X, G, O: connection_laplacian(G, O, normalized=1), TypeError, "True"),
        (lambda X, G, O: connection_laplacian(G, O, alpha=-1), ValueError, "alpha"),
        (lambda X, G, O: graph_laplacian(G, alpha=np.nan), ValueError, "alpha"),
    ],
)
def test_laplacian_errors(call, error, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    G = knn_graph(X, 4)
    O = parallel_transport(tangent_frames(X, G, dim=2), G)
    with pytest.raises(error, match=match):
        call(X, G, O)


# --------------------------------------------------------------------------- eigenpairs


def test_arpack_eigenpairs_match_dense(global_random_seed):
    _, G, _, O = sphere_setup(400, 10, global_random_seed)
    L = connection_laplacian(G, O)
    values, vectors = laplacian_eigenpairs(
        L, 6, solver="arpack", random_state=global_random_seed
    )
    dense_values, dense_vectors = scipy.linalg.eigh(L.toarray())
    scale = dense_values[-1]
    assert_allclose(values, dense_values[:6], atol=1e-10 * scale)
    assert_allclose(vectors.T @ vectors, np.eye(6), atol=1e-10)
    assert_allclose(L @ vectors, vectors * values, atol=1e-9 * scale)
    # the lowest six eigenvalues form a cluster (the l = 1 fields) with a
    # wide gap above: the spans agree
    assert dense_values[6] > 2 * dense_values[5]
    P = dense_vectors[:, :6] @ dense_vectors[:, :6].T
    assert_allclose(vectors @ vectors.T, P, atol=1e-8)


def test_eigenpairs_are_deterministic():
    _, G, _, O = sphere_setup(400, 8)
    L = connection_laplacian(G, O)
    first = laplacian_eigenpairs(L, 10, solver="arpack", random_state=3)
    second = laplacian_eigenpairs(L, 10, solver="arpack", random_state=3)
    assert_array_equal(first[0], second[0])
    assert_array_equal(first[1], second[1])
    signs = first[1][np.abs(first[1]).argmax(axis=0), np.arange(10)]
    assert (signs > 0).all()


def test_dense_solver_and_auto():
    L = graph_laplacian(knn_graph(fibonacci_sphere(100), 6))
    values, vectors = laplacian_eigenpairs(L, 100)  # auto: dense, all of them
    assert_allclose(values, scipy.linalg.eigvalsh(L.toarray()), atol=1e-12)
    assert_allclose(vectors.T @ vectors, np.eye(100), atol=1e-12)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda L: laplacian_eigenpairs(L, 0), ValueError, "between 1 and 40"),
        (lambda L: laplacian_eigenpairs(L, 41), ValueError, "between 1 and 40"),
        (lambda L: laplacian_eigenpairs(L, 40, solver="arpack"), ValueError, "dense"),
        (lambda L: laplacian_eigenpairs(L, 2, solver="lobpcg"), ValueError, "solver"),
        (lambda L: laplacian_eigenpairs(L, 2, sigma=np.nan), ValueError, "sigma"),
        (lambda L: laplacian_eigenpairs(L, 2, tol=-1), ValueError, "tol"),
        (lambda L: laplacian_eigenpairs(sp.triu(L), 2), ValueError, "not symmetric"),
        (lambda L: laplacian_eigenpairs(L[:, :39], 2), ValueError, "square"),
    ],
)
def test_eigenpair_errors(call, error, match):
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    L = graph_laplacian(knn_graph(np.c_[np.cos(t), np.sin(t)], 2))
    with pytest.raises(error, match=match):
        call(L)

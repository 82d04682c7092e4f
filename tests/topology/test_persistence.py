"""Persistence transformers against ripser, gudhi, brute force and known shapes."""

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial.distance import pdist, squareform
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from geomlearn.datasets import make_shapes
from geomlearn.topology import (
    AlphaPersistence,
    CubicalPersistence,
    GraphPersistence,
    PersistenceImage,
    RipsPersistence,
    TimeDelayEmbedding,
    greedy_landmarks,
)

gudhi = pytest.importorskip("gudhi")
ripser = pytest.importorskip("ripser")

# gudhi's Ripser fork computes in float32: values agree to float32 rounding
FLOAT32_TOL = 1e-6


def _bottleneck(a, b):
    return gudhi.bottleneck_distance(np.asarray(a), np.asarray(b), 0.0)


def _lengths(dgm):
    return np.sort(dgm[:, 1] - dgm[:, 0])[::-1]


def _torus(nu=20, nv=10, R=1.0, r=0.5):
    u, v = np.meshgrid(
        np.linspace(0, 2 * np.pi, nu, endpoint=False),
        np.linspace(0, 2 * np.pi, nv, endpoint=False),
    )
    u, v = u.ravel(), v.ravel()
    ring = R + r * np.cos(v)
    return np.c_[ring * np.cos(u), ring * np.sin(u), r * np.sin(v)]


def _sphere(n=150):
    i = np.arange(n) + 0.5
    phi, theta = np.arccos(1 - 2 * i / n), np.pi * (1 + 5**0.5) * i
    return np.c_[np.cos(theta) * np.sin(phi), np.sin(theta) * np.sin(phi), np.cos(phi)]


# ---------------------------------------------------------------- Rips


@pytest.mark.parametrize("backend", ["gudhi", "ripser"])
@pytest.mark.parametrize("n_points", [1, 2, 3, 30, 60])
def test_rips_matches_ripser_and_gudhi(backend, n_points, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    clouds = [rng.normal(size=(n_points, 3)) for _ in range(3)]
    ours = RipsPersistence((0, 1, 2), backend=backend).fit_transform(clouds)
    for cloud, dgms in zip(clouds, ours, strict=True):
        ref = ripser.ripser(squareform(pdist(cloud)), maxdim=2, distance_matrix=True)
        ref = ref["dgms"]
        st = gudhi.RipsComplex(points=cloud).create_simplex_tree(max_dimension=3)
        st.compute_persistence(homology_coeff_field=2, persistence_dim_max=True)
        for d in range(3):
            assert dgms[d].dtype == np.float64
            assert dgms[d].shape[1] == 2
            assert _bottleneck(dgms[d], ref[d]) <= FLOAT32_TOL
            assert _bottleneck(dgms[d], st.persistence_intervals_in_dimension(d)) <= (
                FLOAT32_TOL
            )
        assert np.isinf(dgms[0][:, 1]).sum() == 1  # one component, never dies


@pytest.mark.parametrize("backend", ["gudhi", "ripser"])
def test_rips_precomputed_and_metrics(backend):
    rng = np.random.default_rng(0)
    clouds = [rng.normal(size=(25, 4)) for _ in range(2)]
    for metric in ["cityblock", "chebyshev"]:
        from_points = RipsPersistence(metric=metric, backend=backend).fit_transform(
            clouds
        )
        matrices = [squareform(pdist(c, metric=metric)) for c in clouds]
        from_matrices = RipsPersistence(
            metric="precomputed", backend=backend
        ).fit_transform(matrices)
        for a, b in zip(from_points, from_matrices, strict=True):
            for x, y in zip(a, b, strict=True):
                assert _bottleneck(x, y) <= FLOAT32_TOL
        ref = ripser.ripser(matrices[0], distance_matrix=True)["dgms"]
        assert _bottleneck(from_points[0][1], ref[1]) <= FLOAT32_TOL


@pytest.mark.parametrize("backend", ["gudhi", "ripser"])
def test_rips_max_edge_length_makes_late_bars_infinite(backend):
    rng = np.random.default_rng(1)
    cloud = rng.normal(size=(60, 2))
    full = RipsPersistence(backend=backend).fit_transform([cloud])[0]
    cut = 0.4
    ours = RipsPersistence(max_edge_length=cut, backend=backend).fit_transform([cloud])[
        0
    ]
    for d in range(2):
        # the truncated diagram: bars born after cut vanish, deaths after cut are inf
        expected = full[d][full[d][:, 0] <= cut].copy()
        expected[expected[:, 1] > cut, 1] = np.inf
        assert _bottleneck(ours[d], expected) <= FLOAT32_TOL
        assert np.isinf(ours[d][:, 1]).sum() == np.isinf(expected[:, 1]).sum()


def _klein_bottle(nu=24, nv=12, R=1.0, r=0.5):
    u, v = np.meshgrid(
        np.linspace(0, 2 * np.pi, nu, endpoint=False),
        np.linspace(0, 2 * np.pi, nv, endpoint=False),
    )
    u, v = u.ravel(), v.ravel()
    ring = R + r * np.cos(v)
    return np.c_[
        ring * np.cos(u),
        ring * np.sin(u),
        r * np.sin(v) * np.cos(u / 2),
        r * np.sin(v) * np.sin(u / 2),
    ]


@pytest.mark.parametrize("backend", ["gudhi", "ripser"])
def test_rips_coefficient_field_sees_torsion(backend):
    # the Klein bottle: H1 = Z + Z/2, H2 = 0 over Z. Mod 2 it has two loops and
    # a void; mod 3 one loop and no void.
    cloud = _klein_bottle()
    for coeff, n_loops, n_voids in ((2, 2, 1), (3, 1, 0)):
        h1, h2 = RipsPersistence(
            (1, 2), coeff=coeff, max_edge_length=1.0, backend=backend
        ).fit_transform([cloud])[0]
        assert (_lengths(h1) > 0.4).sum() == n_loops
        assert (_lengths(h2) > 0.3).sum() == n_voids
    with pytest.raises(ValueError, match="prime"):
        RipsPersistence(coeff=4).fit([cloud])


def test_circle_has_one_long_h1_bar():
    theta = np.random.default_rng(0).uniform(0, 2 * np.pi, 80)
    circle = np.c_[np.cos(theta), np.sin(theta)]
    _h0, h1 = RipsPersistence().fit_transform([circle])[0]
    lengths = _lengths(h1)
    assert lengths[0] > 1.0
    assert lengths.size == 1 or lengths[1] < 0.2
    # it dies where an inscribed triangle closes the loop: sqrt(3) for a dense circle
    assert abs(h1[np.argmax(h1[:, 1] - h1[:, 0]), 1] - np.sqrt(3)) < 0.1


def test_torus_has_two_h1_bars_and_one_h2_bar():
    h1, h2 = RipsPersistence((1, 2), max_edge_length=1.2).fit_transform([_torus()])[0]
    l1, l2 = _lengths(h1), _lengths(h2)
    assert l1[1] > 2 * l1[2]  # two long loops, then noise
    assert l2[0] > 0.3
    assert l2.size == 1 or l2[1] < 0.05


def test_sphere_has_one_h2_bar():
    h1, h2 = RipsPersistence((1, 2)).fit_transform([_sphere()])[0]
    assert _lengths(h2)[0] > 1.0
    assert h2.shape[0] == 1 or _lengths(h2)[1] < 0.1
    assert _lengths(h1)[0] < 0.2


def test_landmarks_keep_the_bottleneck_guarantee(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(200, 3))
    exact = RipsPersistence((0, 1)).fit_transform([cloud])[0]
    for n_landmarks in (20, 60, 150):
        idx, radius = greedy_landmarks(cloud, n_landmarks)
        assert len(set(idx.tolist())) == n_landmarks
        # covering radius: brute force
        dist = squareform(pdist(cloud))[:, idx].min(axis=1).max()
        assert radius == pytest.approx(dist)
        approx = RipsPersistence((0, 1), n_landmarks=n_landmarks).fit_transform(
            [cloud]
        )[0]
        for a, b in zip(exact, approx, strict=True):
            assert _bottleneck(a, b) <= 2 * radius + FLOAT32_TOL


def test_landmarks_from_a_distance_matrix_leave_it_alone():
    cloud = np.random.default_rng(0).normal(size=(60, 3))
    D = squareform(pdist(cloud))
    before = D.copy()
    from_matrix = RipsPersistence(metric="precomputed", n_landmarks=15).fit_transform(
        [D]
    )[0]
    np.testing.assert_array_equal(D, before)
    from_points = RipsPersistence(n_landmarks=15).fit_transform([cloud])[0]
    for a, b in zip(from_matrix, from_points, strict=True):
        assert _bottleneck(a, b) <= FLOAT32_TOL
    idx, _ = greedy_landmarks(D, 15, metric="precomputed")
    np.testing.assert_array_equal(idx, greedy_landmarks(cloud, 15)[0])
    np.testing.assert_array_equal(D, before)


@pytest.mark.parametrize(
    ("X", "n", "error"),
    [
        (np.zeros((5, 2)), 0, ValueError),
        (np.zeros((5, 2)), 2.5, TypeError),
        (np.array([[0.0, np.nan], [1.0, 1.0]]), 1, ValueError),
        ([[0.0, 1.0], [1.0]], 1, ValueError),
    ],
)
def test_greedy_landmarks_bad_input(X, n, error):
    with pytest.raises(error):
        greedy_landmarks(X, n)


def test_n_jobs_and_backends_agree():
    X, _ = make_shapes(6, n_points=80, random_state=0)
    one = RipsPersistence(backend="gudhi").fit_transform(X)
    two = RipsPersistence(backend="gudhi", n_jobs=2).fit_transform(X)
    other = RipsPersistence(backend="ripser", n_jobs=2).fit_transform(X)
    for a, b, c in zip(one, two, other, strict=True):
        for x, y, z in zip(a, b, c, strict=True):
            np.testing.assert_array_equal(x, y)
            assert _bottleneck(x, z) <= FLOAT32_TOL
    assert RipsPersistence().fit(X).backend_ == "gudhi"


def test_pipeline_and_grid_search_classify_shapes():
    X, y = make_shapes(
        30, n_points=60, shapes=["circle", "sphere", "clusters"], random_state=0
    )
    model = make_pipeline(RipsPersistence(), PersistenceImage(resolution=(8, 8)), SVC())
    search = GridSearchCV(model, {"svc__C": [1.0, 100.0]}, cv=3)
    search.fit(X, y)
    assert search.best_score_ > 0.8
    assert search.predict(X[:5]).shape == (5,)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        ([np.zeros((4, 3)), np.zeros((4, 2))], ValueError, "features"),
        ([[[0.0, 1.0], [2.0]]], ValueError, "ragged"),
        ([np.array([[0.0, np.nan], [1.0, 1.0]])], ValueError, "NaN"),
        (np.array([1.0, 2.0, 3.0]), ValueError, "3-D"),
        (np.zeros((5, 3)), ValueError, "collection"),
        ([np.zeros((0, 3))], ValueError, "0 sample"),
        ([], ValueError, "empty"),
        ("clouds", TypeError, "list"),
    ],
)
def test_rips_bad_point_clouds(X, error, match):
    with pytest.raises(error, match=match):
        RipsPersistence().fit(X)


@pytest.mark.parametrize(
    ("D", "match"),
    [
        (np.zeros((3, 4)), "square"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), "symmetric"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), "NaN"),
        (np.array([[0.0, -1.0], [-1.0, 0.0]]), "negative"),
    ],
)
def test_rips_bad_distance_matrices(D, match):
    with pytest.raises(ValueError, match=match):
        RipsPersistence(metric="precomputed").fit([D])


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"homology_dimensions": ()}, "non-empty"),
        ({"homology_dimensions": (0, 0)}, "repeated"),
        ({"homology_dimensions": (-1,)}, "non-negative"),
        ({"max_edge_length": 0.0}, "max_edge_length"),
        ({"metric": "no-such-metric"}, "metric"),
        ({"backend": "giotto"}, "backend"),
        ({"n_landmarks": 0}, "n_landmarks"),
    ],
)
def test_rips_bad_parameters(params, match):
    with pytest.raises(ValueError, match=match):
        RipsPersistence(**params).fit([np.zeros((3, 2))])


def test_transform_checks_the_dimension_seen_in_fit():
    est = CubicalPersistence().fit(np.zeros((2, 4, 4)))
    with pytest.raises(ValueError, match="seen in fit"):
        est.transform(np.zeros((2, 4)))


# ---------------------------------------------------------------- alpha


def test_alpha_h0_is_half_the_rips_h0(global_random_seed):
    # minimum spanning tree edges are Gabriel edges: their alpha radius is half
    # their length, so alpha H0 deaths are exactly half the Rips ones
    cloud = np.random.default_rng(global_random_seed).normal(size=(80, 2))
    alpha = AlphaPersistence(0).fit_transform([cloud])[0][0]
    rips = RipsPersistence(0).fit_transform([cloud])[0][0]
    np.testing.assert_allclose(
        np.sort(alpha[:, 1]), np.sort(rips[:, 1]) / 2, rtol=1e-6, atol=1e-7
    )


def test_alpha_squared_matches_gudhi():
    cloud = np.random.default_rng(3).normal(size=(50, 3))
    ours = AlphaPersistence((0, 1, 2), squared=True).fit_transform([cloud])[0]
    radii = AlphaPersistence((0, 1, 2)).fit_transform([cloud])[0]
    st = gudhi.AlphaComplex(points=cloud).create_simplex_tree()
    st.compute_persistence(homology_coeff_field=2)
    for d in range(3):
        ref = st.persistence_intervals_in_dimension(d)
        assert _bottleneck(ours[d], ref) <= 1e-12
        np.testing.assert_allclose(np.sort(radii[d], 0), np.sort(np.sqrt(ours[d]), 0))


# ---------------------------------------------------------------- cubical


def _sublevel_h0_1d(signal):
    """Brute force: H0 of the sublevel sets of a 1-D signal by the elder rule."""
    order = np.argsort(signal, kind="stable")
    parent = -np.ones(len(signal), dtype=int)

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    bars = []
    for i in order:
        parent[i] = i
        for j in (i - 1, i + 1):
            if 0 <= j < len(signal) and parent[j] >= 0:
                a, b = root(i), root(j)
                if a == b:
                    continue
                young, old = (a, b) if signal[a] > signal[b] else (b, a)
                if signal[young] < signal[i]:
                    bars.append((signal[young], signal[i]))
                parent[young] = old
    bars.append((signal.min(), np.inf))
    return np.array(bars)


def test_cubical_1d_matches_the_elder_rule(global_random_seed):
    signals = np.random.default_rng(global_random_seed).normal(size=(4, 50))
    ours = CubicalPersistence(0).fit_transform(signals)
    for signal, (h0,) in zip(signals, ours, strict=True):
        assert _bottleneck(h0, _sublevel_h0_1d(signal)) == 0.0


@pytest.mark.parametrize("cells", ["top", "vertices"])
def test_cubical_matches_gudhi_and_superlevel_is_the_negated_sublevel(cells):
    images = np.random.default_rng(4).random((3, 9, 7))
    sub = CubicalPersistence(cells=cells).fit_transform(images)
    sup = CubicalPersistence(filtration="superlevel", cells=cells).fit_transform(images)
    for image, a, b in zip(images, sub, sup, strict=True):
        key = "top_dimensional_cells" if cells == "top" else "vertices"
        cc = gudhi.CubicalComplex(**{key: image})
        cc.compute_persistence(homology_coeff_field=2)
        cn = gudhi.CubicalComplex(**{key: -image})
        cn.compute_persistence(homology_coeff_field=2)
        for d in range(2):
            assert _bottleneck(a[d], cc.persistence_intervals_in_dimension(d)) == 0.0
            assert _bottleneck(-b[d], cn.persistence_intervals_in_dimension(d)) == 0.0
            assert (b[d][:, 0] > b[d][:, 1]).all()  # births above deaths
    assert np.isneginf(sup[0][0][:, 1]).sum() == 1


def test_cubical_volumes_and_ragged_images():
    volume = np.ones((7, 7, 7))
    volume[1:6, 1:6, 1:6] = 0.0
    volume[3, 3, 3] = 1.0  # a hollow shell around a void: one H2 bar
    ((_h0, h1, h2),) = CubicalPersistence((0, 1, 2)).fit_transform([volume])
    assert h2.tolist() == [[0.0, 1.0]]
    assert h1.shape == (0, 2)
    out = CubicalPersistence().fit_transform([np.zeros((3, 4)), np.ones((5, 2))])
    assert len(out) == 2


def test_cubical_bad_input():
    with pytest.raises(ValueError, match="NaN"):
        CubicalPersistence().fit([np.array([[0.0, np.nan]])])
    with pytest.raises(ValueError, match="grid axes"):
        CubicalPersistence().fit([np.zeros((3, 3)), np.zeros(3)])
    with pytest.raises(ValueError, match="collection"):
        CubicalPersistence().fit(np.zeros(5))
    with pytest.raises(ValueError, match="filtration"):
        CubicalPersistence(filtration="upper").fit(np.zeros((2, 3)))


# ---------------------------------------------------------------- graphs


def test_graph_weighted_h0_is_the_minimum_spanning_tree(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n = 30
    A = sparse.random(n, n, density=0.3, random_state=rng, data_rvs=rng.random)
    A = sparse.triu(A + A.T, k=1)
    h0, h1 = GraphPersistence().fit_transform([A])[0]
    mst = minimum_spanning_tree(A)
    n_components = sparse.csgraph.connected_components(A + A.T)[0]
    np.testing.assert_allclose(np.sort(h0[np.isfinite(h0[:, 1]), 1]), np.sort(mst.data))
    assert np.isinf(h0[:, 1]).sum() == n_components
    # every edge outside the spanning forest closes a cycle that never dies
    assert h1.shape[0] == A.nnz - (n - n_components)
    assert np.isinf(h1[:, 1]).all()


def test_graph_flag_complex_equals_rips():
    cloud = np.random.default_rng(5).normal(size=(25, 2))
    D = squareform(pdist(cloud))
    A = sparse.coo_matrix(np.triu(D, k=1))
    ours = GraphPersistence(max_dimension=2).fit_transform([A])[0]
    rips = RipsPersistence().fit_transform([cloud])[0]
    for a, b in zip(ours, rips, strict=True):
        assert _bottleneck(a, b) <= FLOAT32_TOL


def test_graph_lower_star_matches_the_1d_cubical_complex(global_random_seed):
    # a path graph with node values is a 1-D signal with values on vertices
    signal = np.random.default_rng(global_random_seed).normal(size=40)
    path = np.c_[np.arange(39), np.arange(1, 40)]
    h0, h1 = GraphPersistence().fit_transform([(path, signal)])[0]
    assert _bottleneck(h0, _sublevel_h0_1d(signal)) == 0.0
    assert h1.shape == (0, 2)
    up = GraphPersistence(filtration="superlevel").fit_transform([(path, signal)])[0][0]
    assert _bottleneck(-up, _sublevel_h0_1d(-signal)) == 0.0


def test_graph_vertex_values_are_never_lowered():
    # vertex 0 enters at 5 (diagonal); its edges of weight 1 must wait for it
    A = sparse.coo_matrix(
        ([5.0, 1.0, 1.0, 2.0], ([0, 0, 0, 1], [0, 1, 2, 2])), shape=(3, 3)
    )
    h0, h1 = GraphPersistence().fit_transform([A])[0]
    assert sorted(h0.tolist()) == [[0.0, 2.0], [0.0, np.inf]]
    assert h1.tolist() == [[5.0, np.inf]]
    # superlevel: the same rule for -f. Vertex 0 enters first (at 5); the
    # edges, weights 1 and 2 below their endpoints' 0, all wait until 0
    h0, h1 = GraphPersistence(filtration="superlevel").fit_transform([A])[0]
    assert h0.tolist() == [[5.0, -np.inf]]
    assert h1.tolist() == [[0.0, -np.inf]]


def test_graph_superlevel_weights_match_negated_weights(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A = sparse.triu(sparse.random(12, 12, density=0.4, random_state=rng), k=1)
    A.data = rng.uniform(-3.0, -1.0, A.nnz)  # below the vertices' 0
    negated = A.copy()
    negated.data = -negated.data
    up = GraphPersistence(filtration="superlevel").fit_transform([A])[0]
    down = GraphPersistence().fit_transform([negated])[0]
    for a, b in zip(up, down, strict=True):
        assert _bottleneck(-a, b) == 0.0


def test_graph_collection_as_a_tuple():
    path = np.array([[0, 1], [1, 2]])
    graphs = ((path, np.arange(3.0)), (path, -np.arange(3.0)))
    assert len(GraphPersistence().fit_transform(graphs)) == 2
    with pytest.raises(ValueError, match="single graph"):
        GraphPersistence().fit((path, np.arange(3.0)))


def test_graph_bad_input():
    with pytest.raises(ValueError, match="square"):
        GraphPersistence().fit([sparse.random(3, 4, density=0.5)])
    with pytest.raises(ValueError, match="outside"):
        GraphPersistence().fit([(np.array([[0, 5]]), np.zeros(3))])
    with pytest.raises(TypeError, match="sparse"):
        GraphPersistence().fit([np.eye(3)])
    with pytest.raises(ValueError, match="single graph"):
        GraphPersistence().fit(sparse.eye(3))


# ---------------------------------------------------------------- time series


def test_time_delay_embedding_by_hand():
    s = np.arange(10.0)
    out = TimeDelayEmbedding(dimension=3, delay=2, stride=3).fit_transform(s[None])
    np.testing.assert_array_equal(out[0], [[0, 2, 4], [3, 5, 7]])
    two = np.c_[s, -s]  # two channels
    out = TimeDelayEmbedding(dimension=2, delay=1).fit_transform([two])
    np.testing.assert_array_equal(out[0][0], [0, 1, -0, -1])


def test_periodic_signal_embeds_as_a_loop():
    t = np.linspace(0, 8 * np.pi, 400)
    model = make_pipeline(
        TimeDelayEmbedding(dimension=3, delay=12, stride=2), RipsPersistence(1)
    )
    ((h1,),) = model.fit_transform([np.sin(t)])
    lengths = _lengths(h1)
    assert lengths[0] > 0.5
    assert lengths.size == 1 or lengths[1] < 0.2 * lengths[0]


def test_time_delay_bad_input():
    with pytest.raises(ValueError, match="needs at least"):
        TimeDelayEmbedding(dimension=5, delay=3).fit([np.zeros(10)])
    with pytest.raises(ValueError, match="channels"):
        TimeDelayEmbedding().fit([np.zeros((10, 2)), np.zeros((10, 3))])
    with pytest.raises(ValueError, match="delay"):
        TimeDelayEmbedding(delay=0).fit([np.zeros(10)])


def test_a_joblib_backend_context_takes_over():
    # users scale out with joblib contexts (dask, ray): n_jobs=None must defer
    import joblib
    from joblib._parallel_backends import ThreadingBackend

    class CountingBackend(ThreadingBackend):
        used = 0

        def configure(self, *args, **kwargs):
            CountingBackend.used += 1
            return super().configure(*args, **kwargs)

    joblib.register_parallel_backend("geomlearn-counting", CountingBackend)
    X, _ = make_shapes(4, n_points=30, random_state=0)
    expected = RipsPersistence().fit_transform(X)
    with joblib.parallel_config(backend="geomlearn-counting", n_jobs=2):
        got = RipsPersistence().fit_transform(X)
    assert CountingBackend.used >= 1
    for a, b in zip(expected, got, strict=True):
        for x, z in zip(a, b, strict=True):
            np.testing.assert_array_equal(x, z)

"""Signed measures of bifiltrations against brute-force homology and 1-parameter bars."""

import itertools

import numpy as np
import pytest

from geomlearn.topology import (
    FilteredComplex,
    GraphLowerStar,
    RipsCodensity,
    RipsLowerStar,
    RipsPersistence,
    SignedMeasure,
    SignedMeasureConvolution,
    SlicedWassersteinSignedMeasureKernel,
    integrate_measure,
    mobius_inversion,
    signed_measure_distance,
)

pytest.importorskip("gudhi")


def _rank_mod2(matrix):
    """Rank over Z/2 by Gaussian elimination."""
    m = matrix.copy().astype(bool)
    rank = 0
    rows, cols = m.shape
    for col in range(cols):
        pivot = np.flatnonzero(m[rank:, col])
        if pivot.size == 0:
            continue
        p = rank + pivot[0]
        m[[rank, p]] = m[[p, rank]]
        below = np.flatnonzero(m[:, col])
        below = below[below != rank]
        m[below] ^= m[rank]
        rank += 1
        if rank == rows:
            break
    return rank


def _betti_brute_force(complex_, x, degree):
    """dim H_degree(K_x; Z/2) from boundary matrices of the sublevel complex."""
    alive = [np.all(g <= x, axis=1) for g in complex_.grades]
    simplices = [s[a] for s, a in zip(complex_.simplices, alive, strict=True)]

    def boundary(k):  # C_k -> C_{k-1}
        if k == 0 or k >= len(simplices) or len(simplices[k]) == 0:
            return np.zeros((0 if k == 0 else len(simplices[k - 1]), 0))
        index = {tuple(f): i for i, f in enumerate(simplices[k - 1].tolist())}
        out = np.zeros((len(simplices[k - 1]), len(simplices[k])), dtype=bool)
        for j, s in enumerate(simplices[k].tolist()):
            for face in itertools.combinations(s, k):
                out[index[face], j] = True
        return out

    n = len(simplices[degree]) if degree < len(simplices) else 0
    r_d = _rank_mod2(boundary(degree)) if degree > 0 and n else 0
    r_up = _rank_mod2(boundary(degree + 1)) if degree + 1 < len(simplices) else 0
    return n - r_d - r_up


def _dense(measure, grid):
    points, weights = measure
    out = np.zeros(tuple(len(g) for g in grid), dtype=np.int64)
    idx = tuple(np.searchsorted(g, points[:, a]) for a, g in enumerate(grid))
    np.add.at(out, idx, weights)
    return out


def _bifiltered(seed, n=12):
    # a noisy circle, so that loops (H1) live in part of the parameter plane
    rng = np.random.default_rng(seed)
    theta = 2 * np.pi * np.arange(n) / n + rng.uniform(-0.1, 0.1, n)
    cloud = np.c_[np.cos(theta), np.sin(theta)] + rng.normal(scale=0.05, size=(n, 2))
    values = rng.uniform(0, 1, n)
    return RipsLowerStar().fit_transform([(cloud, values)])[0]


def test_mobius_inversion_and_integration_are_inverse(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for shape in [(7,), (5, 6), (3, 4, 5)]:
        f = rng.integers(-5, 6, size=shape)
        np.testing.assert_array_equal(integrate_measure(mobius_inversion(f)), f)
        np.testing.assert_array_equal(mobius_inversion(integrate_measure(f)), f)


@pytest.mark.parametrize("strategy", ["regular", "quantile", "exact"])
def test_hilbert_measure_integrates_to_brute_force_homology(
    strategy, global_random_seed
):
    complex_ = _bifiltered(global_random_seed)
    sm = SignedMeasure(
        homology_dimensions=(0, 1),
        grid_strategy=strategy,
        resolution=9,
        zero_mass=False,
    ).fit([complex_])
    measures = sm.transform([complex_])[0]
    grid = sm.grid_
    for degree, measure in zip((0, 1), measures, strict=True):
        hilbert = integrate_measure(_dense(measure, grid))
        expected = np.array(
            [
                [
                    _betti_brute_force(complex_, np.array([a, b]), degree)
                    for b in grid[1]
                ]
                for a in grid[0]
            ]
        )
        np.testing.assert_array_equal(hilbert, expected)
        assert expected.max() >= 1  # the oracle sees components and a loop


def test_one_parameter_hilbert_measure_is_births_minus_deaths(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(15, 2))
    complex_ = RipsLowerStar().fit_transform([(cloud, np.zeros(15))])[0]
    sm = SignedMeasure(grid_strategy="exact", zero_mass=False).fit([complex_])
    assert len(sm.grid_[1]) == 1  # the second parameter is constant
    measures = sm.transform([complex_])[0]
    bars = RipsPersistence((0, 1)).fit_transform([cloud])[0]
    grid = sm.grid_[0]
    for measure, dgm in zip(measures, bars, strict=True):
        expected = np.zeros(len(grid), dtype=np.int64)
        for birth, death in dgm:
            expected[np.argmin(np.abs(grid - birth))] += 1
            if np.isfinite(death):
                expected[np.argmin(np.abs(grid - death))] -= 1
        np.testing.assert_array_equal(_dense(measure, sm.grid_)[:, 0], expected)


def test_euler_measure_is_the_alternating_sum_of_hilbert_measures(global_random_seed):
    # a 2-dimensional complex: chi = b0 - b1 + b2 at every grid point
    complex_ = _bifiltered(global_random_seed, n=9)
    hilbert = SignedMeasure(
        homology_dimensions=(0, 1, 2), resolution=8, zero_mass=False
    )
    euler = SignedMeasure("euler", resolution=8, zero_mass=False)
    h = hilbert.fit([complex_]).transform([complex_])[0]
    (e,) = euler.fit([complex_]).transform([complex_])[0]
    alternating = sum((-1) ** d * _dense(m, hilbert.grid_) for d, m in enumerate(h))
    np.testing.assert_array_equal(_dense(e, euler.grid_), alternating)


def test_zero_mass_keeps_the_measure_on_the_grid():
    complexes = [_bifiltered(s) for s in range(3)]
    plain = SignedMeasure(resolution=7, zero_mass=False).fit(complexes)
    zero = SignedMeasure(resolution=7).fit(complexes)
    for a, b in zip(plain.transform(complexes), zero.transform(complexes), strict=True):
        for (pa, wa), (pb, wb) in zip(a, b, strict=True):
            assert wb.sum() == 0
            on_grid = np.all(pb < zero.mass_corner_, axis=1)
            np.testing.assert_array_equal(
                _dense((pa, wa), plain.grid_),
                _dense((pb[on_grid], wb[on_grid]), plain.grid_),
            )


def test_filtered_complex_validation_and_equality():
    with pytest.raises(ValueError, match="shape"):
        FilteredComplex([np.array([[0], [1]])], [np.zeros((3, 2))])
    with pytest.raises(ValueError, match="NaN"):
        FilteredComplex([np.array([[0]])], [np.array([[np.nan, 0.0]])])
    a = _bifiltered(0)
    assert a == _bifiltered(0)
    assert a != _bifiltered(1)


def test_bad_input():
    with pytest.raises(TypeError, match="FilteredComplex"):
        SignedMeasure().fit([np.zeros((3, 2))])
    with pytest.raises(TypeError, match="tuple"):
        RipsLowerStar().fit([np.zeros((3, 2))])
    with pytest.raises(ValueError, match="one finite value per point"):
        RipsLowerStar().fit([(np.zeros((3, 2)), np.zeros(2))])


def _random_measures(seed, n_samples=6, n_atoms=6):
    """Zero-mass integer measures in the plane."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_samples):
        points = rng.uniform(0, 3, (n_atoms, 2))
        weights = rng.integers(-2, 3, n_atoms)
        weights[-1] = -weights[:-1].sum()
        keep = weights != 0
        out.append([(points[keep], weights[keep])])
    return out


def test_convolution_equals_the_direct_sum(global_random_seed):
    measures = _random_measures(global_random_seed)
    conv = SignedMeasureConvolution(bandwidth=0.3, resolution=6, normalize=False)
    features = conv.fit_transform(measures)
    gx, gy = conv.grids_[0]
    nodes = np.array([[x, y] for x in gx for y in gy])
    for row, ((points, weights),) in zip(features, measures, strict=True):
        d2 = ((nodes[:, None, :] - points[None]) ** 2).sum(axis=2)
        expected = (weights * np.exp(-d2 / (2 * 0.3**2))).sum(axis=1) / (
            2 * np.pi * 0.3**2
        )
        np.testing.assert_allclose(row, expected, atol=1e-12)


def test_convolution_is_lipschitz_in_the_atoms(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    ((points, weights),) = _random_measures(global_random_seed, 1)[0]
    s = 0.2
    lipschitz = np.exp(-0.5) / (2 * np.pi * s**3)
    conv = SignedMeasureConvolution(bandwidth=s, resolution=15, normalize=False)
    conv.fit([[(points, weights)]])
    moved = points + rng.uniform(-0.05, 0.05, points.shape)
    kr_bound = (np.abs(weights) * np.linalg.norm(moved - points, axis=1)).sum()
    a, b = conv.transform([[(points, weights)], [(moved, weights)]])
    assert np.abs(a - b).max() <= lipschitz * kr_bound * (1 + 1e-9)


def _kr_1d(positions, weights):
    """1-D Kantorovich-Rubinstein norm of a zero-mass measure: int |F(t)| dt."""
    order = np.argsort(positions)
    x, cumulative = positions[order], np.cumsum(weights[order])
    return float((np.abs(cumulative[:-1]) * np.diff(x)).sum())


def test_sliced_wasserstein_matches_the_1d_kr_oracle(global_random_seed):
    measures = _random_measures(global_random_seed)
    kernel = SlicedWassersteinSignedMeasureKernel(
        n_directions=7, bandwidth=0.8, random_state=global_random_seed
    )
    K = kernel.fit_transform(measures)
    lines = kernel.directions_
    for i, ((pa, wa),) in enumerate(measures):
        for j, ((pb, wb),) in enumerate(measures):
            points, weights = np.r_[pa, pb], np.r_[wa, -wb]
            sw = np.mean(
                [_kr_1d(points @ lines[:, d], weights) for d in range(lines.shape[1])]
            )
            assert K[i, j] == pytest.approx(np.exp(-sw / (2 * 0.8**2)), rel=1e-10)
    assert np.linalg.eigvalsh(K).min() > -1e-10  # positive semidefinite
    d01 = signed_measure_distance(
        measures[0][0], measures[1][0], n_directions=7, random_state=global_random_seed
    )
    assert K[0, 1] == pytest.approx(np.exp(-d01 / (2 * 0.8**2)), rel=1e-10)


def test_sliced_wasserstein_needs_equal_mass():
    a = [(np.array([[0.0, 0.0]]), np.array([1]))]
    b = [(np.array([[0.0, 0.0]]), np.array([2]))]
    with pytest.raises(ValueError, match="equal"):
        SlicedWassersteinSignedMeasureKernel().fit_transform([a, b])


def test_multiparameter_pipeline_in_grid_search():
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import SVC

    rng = np.random.default_rng(0)
    samples, labels = [], []
    for i in range(16):
        n = 30
        if i % 2:  # a circle with uniform outliers
            t = rng.uniform(0, 2 * np.pi, n)
            cloud = np.c_[np.cos(t), np.sin(t)] + rng.normal(scale=0.05, size=(n, 2))
        else:  # a blob with the same outliers
            cloud = rng.normal(scale=0.5, size=(n, 2))
        cloud = np.r_[cloud, rng.uniform(-1.5, 1.5, (6, 2))]
        dist = np.linalg.norm(cloud[:, None] - cloud[None], axis=2)
        codensity = -np.exp(-(dist**2) / 0.1).sum(axis=1)
        samples.append((cloud, codensity))
        labels.append(i % 2)
    complexes = RipsLowerStar(max_edge_length=1.5).fit_transform(samples)
    model = make_pipeline(
        SignedMeasure(homology_dimensions=(1,), resolution=10),
        SignedMeasureConvolution(resolution=8),
        SVC(),
    )
    search = GridSearchCV(
        model, {"signedmeasureconvolution__bandwidth": [0.1, 0.3]}, cv=4
    )
    search.fit(complexes, labels)
    assert search.best_score_ >= 0.75


def test_rips_codensity_is_rips_lower_star_of_the_kde(global_random_seed):
    # oracle: the Gaussian KDE written out, -log of the mean normalised kernel
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(25, 3))
    h = 0.7
    d2 = ((cloud[:, None] - cloud[None]) ** 2).sum(axis=2)
    density = np.exp(-d2 / (2 * h * h)).mean(axis=1) / (2 * np.pi * h * h) ** 1.5
    expected = RipsLowerStar(max_edge_length=2.0).fit_transform(
        [(cloud, -np.log(density))]
    )[0]
    (ours,) = RipsCodensity(bandwidth=h, max_edge_length=2.0).fit_transform([cloud])
    for a, b in zip(ours.simplices, expected.simplices, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(ours.grades, expected.grades, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10)


def _random_graph(seed, n=12, density=0.3):
    from scipy import sparse

    rng = np.random.default_rng(seed)
    upper = sparse.triu(sparse.random(n, n, density=density, random_state=rng), k=1)
    return upper.tocsr()


def test_graph_node_functions_match_networkx_and_the_heat_kernel(global_random_seed):
    nx = pytest.importorskip("networkx")
    from scipy.linalg import expm
    from scipy.sparse import csgraph

    A = _random_graph(global_random_seed)
    (c,) = GraphLowerStar(
        functions=("degree", "closeness", "hks"), hks_time=0.7
    ).fit_transform([A])
    graph = nx.from_scipy_sparse_array(((A + A.T) > 0).astype(int))
    values = c.grades[0]
    degree = [graph.degree(v) for v in range(A.shape[0])]
    closeness = nx.closeness_centrality(graph, wf_improved=True)
    dense = ((A + A.T) > 0).toarray().astype(float)
    heat = np.diag(expm(-0.7 * csgraph.laplacian(dense, normed=True)))
    np.testing.assert_allclose(values[:, 0], degree)
    np.testing.assert_allclose(values[:, 1], [closeness[v] for v in range(len(degree))])
    np.testing.assert_allclose(values[:, 2], heat, rtol=1e-10, atol=1e-12)
    # an edge enters with the later of its endpoints, coordinatewise
    u, v = c.simplices[1].T
    np.testing.assert_array_equal(c.grades[1], np.maximum(values[u], values[v]))


@pytest.mark.parametrize("max_dimension", [1, 2])
def test_graph_signed_measures_match_brute_force(max_dimension, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A = _random_graph(global_random_seed, n=10, density=0.4)
    values = rng.integers(0, 4, size=(10, 2)).astype(float)
    (c,) = GraphLowerStar(max_dimension=max_dimension).fit_transform([(A, values)])
    hilbert = SignedMeasure(grid_strategy="exact", zero_mass=False).fit([c])
    euler = SignedMeasure("euler", grid_strategy="exact", zero_mass=False).fit([c])
    measures = hilbert.transform([c])[0]
    (e,) = euler.transform([c])[0]
    grid = hilbert.grid_
    chi = integrate_measure(_dense(e, grid))
    for degree, measure in zip((0, 1), measures, strict=True):
        got = integrate_measure(_dense(measure, grid))
        for i, a in enumerate(grid[0]):
            for j, b in enumerate(grid[1]):
                x = np.array([a, b])
                assert got[i, j] == _betti_brute_force(c, x, degree)
    for i, a in enumerate(grid[0]):
        for j, b in enumerate(grid[1]):
            x = np.array([a, b])
            counts = [int(np.all(g <= x, axis=1).sum()) for g in c.grades]
            assert chi[i, j] == sum((-1) ** k * n for k, n in enumerate(counts))

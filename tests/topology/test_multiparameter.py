"""Signed measures of bifiltrations against brute-force homology and 1-parameter bars."""

import itertools

import numpy as np
import pytest

from geomlearn.topology import (
    CubicalBifiltration,
    CubicalPersistence,
    FilteredComplex,
    FilteredCubicalComplex,
    GraphLowerStar,
    RipsCodensity,
    RipsLowerStar,
    RipsPersistence,
    SignedMeasure,
    SignedMeasureConvolution,
    SlicedWassersteinSignedMeasureKernel,
    integrate_measure,
    mobius_inversion,
    pairwise_signed_measure_distances,
    signed_measure_distance,
)

pytest.importorskip("gudhi")


def _nullspace_mod2(matrix):
    """Basis (columns) of the kernel over Z/2, from the reduced row echelon form."""
    m = matrix.copy().astype(bool)
    rows, cols = m.shape
    pivots = []
    for col in range(cols):
        r = len(pivots)
        if r == rows:
            break
        pivot = np.flatnonzero(m[r:, col])
        if pivot.size == 0:
            continue
        p = r + pivot[0]
        m[[r, p]] = m[[p, r]]
        others = np.flatnonzero(m[:, col])
        m[others[others != r]] ^= m[r]
        pivots.append(col)
    free = [c for c in range(cols) if c not in pivots]
    basis = np.zeros((cols, len(free)), dtype=bool)
    for k, f in enumerate(free):
        basis[f, k] = True
        for row, col in enumerate(pivots):
            basis[col, k] = m[row, f]
    return basis


def _rank_mod2(matrix):
    """Rank over Z/2: columns minus the kernel's dimension."""
    return matrix.shape[1] - _nullspace_mod2(matrix).shape[1]


def _cells(complex_):
    """Grades and boundaries (face indices) of every cell, per dimension."""
    if isinstance(complex_, FilteredComplex):
        faces = [[()] * len(complex_.simplices[0])]
        for k in range(1, len(complex_.simplices)):
            index = {
                tuple(f): i for i, f in enumerate(complex_.simplices[k - 1].tolist())
            }
            faces.append(
                [
                    tuple(index[f] for f in itertools.combinations(s, k))
                    for s in complex_.simplices[k].tolist()
                ]
            )
        return complex_.grades, faces
    # a 2-D cubical grid, cells written out one by one
    g = complex_.vertex_grades
    rows, cols, _ = g.shape
    vertex = {(i, j): i * cols + j for i in range(rows) for j in range(cols)}
    edges, edge_grades, edge_index = [], [], {}
    for (i, j), v in vertex.items():
        for di, dj in ((0, 1), (1, 0)):
            if (i + di, j + dj) in vertex:
                edge_index[(i, j, di, dj)] = len(edges)
                edges.append((v, vertex[(i + di, j + dj)]))
                edge_grades.append(np.maximum(g[i, j], g[i + di, j + dj]))
    squares, square_grades = [], []
    for i in range(rows - 1):
        for j in range(cols - 1):
            squares.append(
                (
                    edge_index[(i, j, 0, 1)],
                    edge_index[(i + 1, j, 0, 1)],
                    edge_index[(i, j, 1, 0)],
                    edge_index[(i, j + 1, 1, 0)],
                )
            )
            square_grades.append(g[i : i + 2, j : j + 2].reshape(-1, g.shape[2]).max(0))
    grades = [g.reshape(-1, g.shape[2]), np.array(edge_grades), np.array(square_grades)]
    faces = [[()] * rows * cols, edges, squares]
    return [gr.reshape(len(f), -1) for gr, f in zip(grades, faces, strict=True)], faces


def _boundary(faces, k, alive_rows, alive_cols):
    """Mod-2 boundary C_k -> C_(k-1) on all (k-1)-cells, alive k-cells only."""
    out = np.zeros((len(faces[k - 1]), int(alive_cols.sum())), dtype=bool)
    for j, cell in enumerate(np.flatnonzero(alive_cols)):
        out[list(faces[k][cell]), j] = True
    return out[alive_rows] if alive_rows is not None else out


def _betti_brute_force(complex_, x, degree, cells=None):
    """dim H_degree(K_x; Z/2) from boundary matrices of the sublevel complex."""
    grades, faces = cells or _cells(complex_)
    alive = [np.all(g <= x, axis=1) for g in grades]
    n = int(alive[degree].sum()) if degree < len(grades) else 0
    r_d = (
        _rank_mod2(_boundary(faces, degree, alive[degree - 1], alive[degree]))
        if degree > 0 and n
        else 0
    )
    r_up = (
        _rank_mod2(_boundary(faces, degree + 1, alive[degree], alive[degree + 1]))
        if degree + 1 < len(grades)
        else 0
    )
    return n - r_d - r_up


def _rank_brute_force(cells, x, y, degree):
    """rank(H_degree(K_x) -> H_degree(K_y)) over Z/2: dim (Z_x + B_y) - dim B_y."""
    grades, faces = cells
    at_x = [np.all(g <= x, axis=1) for g in grades]
    at_y = [np.all(g <= y, axis=1) for g in grades]
    n_cells = len(grades[degree]) if degree < len(grades) else 0
    if n_cells == 0:
        return 0
    if degree == 0:
        cycles = np.eye(n_cells, dtype=bool)[:, at_x[0]]
    else:
        d = _boundary(faces, degree, None, at_x[degree])
        basis = _nullspace_mod2(d)
        cycles = np.zeros((n_cells, basis.shape[1]), dtype=bool)
        cycles[at_x[degree]] = basis
    if degree + 1 < len(grades):
        bounds = _boundary(faces, degree + 1, None, at_y[degree + 1])
    else:
        bounds = np.zeros((n_cells, 0), dtype=bool)
    return _rank_mod2(np.c_[cycles, bounds]) - _rank_mod2(bounds)


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


@pytest.mark.parametrize("quantiles", [(0.0, 1.0), (0.1, 0.9)])
@pytest.mark.parametrize("strategy", ["regular", "quantile", "exact"])
def test_hilbert_measure_integrates_to_brute_force_homology(
    strategy, quantiles, global_random_seed
):
    # with clipping quantiles, grades below the grid count from its first
    # value and grades above it never enter: the oracle at the grid points
    # sees exactly that
    complex_ = _bifiltered(global_random_seed)
    sm = SignedMeasure(
        homology_dimensions=(0, 1),
        grid_strategy=strategy,
        resolution=9,
        grid_quantiles=quantiles,
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
    # the symmetric route of fit_transform and the general one of transform
    np.testing.assert_allclose(kernel.transform(measures), K, rtol=1e-12)
    D = pairwise_signed_measure_distances(
        measures, n_directions=7, random_state=global_random_seed
    )
    np.testing.assert_allclose(np.exp(-D / (2 * 0.8**2)), K, rtol=1e-12)
    np.testing.assert_allclose(
        pairwise_signed_measure_distances(
            measures[:2], measures, n_directions=7, random_state=global_random_seed
        ),
        D[:2],
        rtol=1e-12,
    )
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


def _integrate_rank(measure, grid):
    """Rank table from rectangle atoms: sum over x' <= x and y' >= y."""
    n = len(grid)
    points, weights = measure
    idx = [np.searchsorted(g, points[:, a]) for a, g in enumerate(grid)]
    idx += [np.searchsorted(g, points[:, n + a]) for a, g in enumerate(grid)]
    shape = tuple(len(g) for g in grid)
    dense = np.zeros(shape + shape, dtype=np.int64)
    np.add.at(dense, tuple(idx), weights)
    flip = tuple(range(n, 2 * n))
    return np.flip(integrate_measure(np.flip(dense, axis=flip)), axis=flip)


def _check_rank(complex_, sm, measures):
    cells = _cells(complex_)
    grid = sm.grid_
    points = list(itertools.product(*grid))
    for degree, measure in zip(sm.homology_dimensions_, measures, strict=True):
        table = _integrate_rank(measure, grid)
        seen = 0
        for x in points:
            for y in points:
                if not np.all(np.array(x) <= np.array(y)):
                    continue
                expected = _rank_brute_force(cells, np.array(x), np.array(y), degree)
                ix = tuple(np.searchsorted(g, v) for g, v in zip(grid, x, strict=True))
                iy = tuple(np.searchsorted(g, v) for g, v in zip(grid, y, strict=True))
                assert table[ix + iy] == expected, (degree, x, y)
                seen += expected
        assert seen > 0  # the oracle sees non-trivial maps


def test_rank_measure_integrates_to_brute_force_ranks(global_random_seed):
    complex_ = _bifiltered(global_random_seed, n=8)
    sm = SignedMeasure(
        "rank", homology_dimensions=(0, 1), resolution=5, zero_mass=False
    )
    measures = sm.fit_transform([complex_])[0]
    for points, _ in measures:
        assert points.shape[1] == 4
        # rectangles: lower corner below upper corner
        assert np.all(points[:, :2] <= points[:, 2:])
    _check_rank(complex_, sm, measures)


def test_rank_measure_of_a_graph_with_exact_grid(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A = _random_graph(global_random_seed, n=8, density=0.5)
    values = rng.integers(0, 3, size=(8, 2)).astype(float)
    (c,) = GraphLowerStar().fit_transform([(A, values)])
    sm = SignedMeasure("rank", grid_strategy="exact", zero_mass=False)
    _check_rank(c, sm, sm.fit_transform([c])[0])


def test_rank_of_collapsed_rips_equals_the_full_complex(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(14, 2))
    values = rng.uniform(size=14)
    (fast,) = RipsLowerStar(max_edge_length=1.5).fit_transform([(cloud, values)])
    listed = FilteredComplex(fast.simplices, fast.grades)
    sm = SignedMeasure("rank", resolution=7).fit([fast])
    assert len(fast._collapsed(sm.grid_).simplices[1]) < len(listed.simplices[1])
    for (pa, wa), (pb, wb) in zip(
        sm.transform([fast])[0], sm.transform([listed])[0], strict=True
    ):
        np.testing.assert_array_equal(pa, pb)
        np.testing.assert_array_equal(wa, wb)


def test_one_parameter_rank_measure_is_the_barcode(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(12, 2))
    rips = RipsLowerStar().fit_transform([(cloud, np.zeros(12))])[0]
    one = FilteredComplex(rips.simplices, [g[:, :1] for g in rips.grades])
    sm = SignedMeasure("rank", grid_strategy="exact", zero_mass=False).fit([one])
    grid = sm.grid_[0]
    bars = RipsPersistence((0, 1)).fit_transform([cloud])[0]
    for (points, weights), dgm in zip(sm.transform([one])[0], bars, strict=True):
        # a bar [b, d) is the rectangle from b to the last grid value before d
        expected = {}
        for birth, death in dgm:
            lo = grid[np.argmin(np.abs(grid - birth))]
            hi = (
                grid[-1]
                if np.isinf(death)
                else grid[np.argmin(np.abs(grid - death)) - 1]
            )
            expected[(lo, hi)] = expected.get((lo, hi), 0) + 1
        got = {tuple(p): int(w) for p, w in zip(points, weights, strict=True)}
        assert got == expected


@pytest.mark.parametrize("invariant", ["hilbert", "rank"])
def test_zero_mass_rank_and_hilbert(invariant):
    complexes = [_bifiltered(s, n=8) for s in range(3)]
    kwargs = {"invariant": invariant, "resolution": 5}
    plain = SignedMeasure(**kwargs, zero_mass=False).fit(complexes)
    zero = SignedMeasure(**kwargs).fit(complexes)
    for a, b in zip(plain.transform(complexes), zero.transform(complexes), strict=True):
        for (pa, wa), (pb, wb) in zip(a, b, strict=True):
            assert wb.sum() == 0
            n = plain.n_parameters_
            lo = np.array([g[0] for g in plain.grid_])
            hi = np.array([g[-1] for g in plain.grid_])
            inside = np.all(pb[:, :n] <= hi, axis=1)
            if invariant == "rank":
                inside &= np.all(pb[:, n:] >= lo, axis=1)
            kept = sorted(zip(map(tuple, pb[inside]), wb[inside], strict=True))
            assert kept == sorted(zip(map(tuple, pa), wa, strict=True))


@pytest.mark.parametrize("collapse_edges", [True, False])
def test_rips_slices_match_the_listed_simplices(collapse_edges, global_random_seed):
    # the fast route (Rips persistence of point subsets) against slicing the
    # listed simplices, also for H2 on a 3-dimensional complex
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(20, 3))
    values = rng.uniform(size=20)
    for max_dimension, degrees in [(2, (0, 1)), (3, (0, 1, 2))]:
        (fast,) = RipsLowerStar(
            max_edge_length=2.0,
            max_dimension=max_dimension,
            collapse_edges=collapse_edges,
        ).fit_transform([(cloud, values)])
        listed = FilteredComplex(fast.simplices, fast.grades)
        for strategy in ("regular", "exact"):
            sm = SignedMeasure(
                homology_dimensions=degrees, grid_strategy=strategy, resolution=12
            )
            a = sm.fit([fast]).transform([fast])[0]
            kept = fast._reduced_graph(sm.grid_)[2].sum() // 2
            edges = len(fast.simplices[1])
            assert kept < edges if collapse_edges else kept == edges
            b = sm.fit([listed]).transform([listed])[0]
            for (pa, wa), (pb, wb) in zip(a, b, strict=True):
                np.testing.assert_array_equal(pa, pb)
                np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("max_dimension", [1, 2])
def test_three_parameters_match_brute_force(max_dimension, global_random_seed):
    # max_dimension=1: the union-find route of graphs; 2: persistence per line
    rng = np.random.default_rng(global_random_seed)
    A = _random_graph(global_random_seed, n=9, density=0.5)
    values = rng.integers(0, 3, size=(9, 3)).astype(float)
    (c,) = GraphLowerStar(max_dimension=max_dimension).fit_transform([(A, values)])
    hilbert = SignedMeasure(grid_strategy="exact", zero_mass=False).fit([c])
    euler = SignedMeasure("euler", grid_strategy="exact", zero_mass=False).fit([c])
    grid = hilbert.grid_
    assert len(grid) == 3
    cells = _cells(c)
    functions = [integrate_measure(_dense(m, grid)) for m in hilbert.transform([c])[0]]
    chi = integrate_measure(_dense(euler.transform([c])[0][0], grid))
    for index in itertools.product(*(range(len(g)) for g in grid)):
        x = np.array([g[i] for g, i in zip(grid, index, strict=True)])
        for degree, f in enumerate(functions):
            assert f[index] == _betti_brute_force(c, x, degree, cells)
        counts = [int(np.all(g <= x, axis=1).sum()) for g in c.grades]
        assert chi[index] == sum((-1) ** k * n for k, n in enumerate(counts))


def _two_channel_image(seed, shape=(5, 6)):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 4, size=(*shape, 2)).astype(float)


def test_cubical_measures_match_brute_force(global_random_seed):
    image = _two_channel_image(global_random_seed)
    (c,) = CubicalBifiltration().fit_transform([image])
    cells = _cells(c)
    hilbert = SignedMeasure(
        homology_dimensions=(0, 1, 2), grid_strategy="exact", zero_mass=False
    ).fit([c])
    euler = SignedMeasure("euler", grid_strategy="exact", zero_mass=False).fit([c])
    grid = hilbert.grid_
    functions = [integrate_measure(_dense(m, grid)) for m in hilbert.transform([c])[0]]
    chi = integrate_measure(_dense(euler.transform([c])[0][0], grid))
    for i, a in enumerate(grid[0]):
        for j, b in enumerate(grid[1]):
            x = np.array([a, b])
            for degree, f in enumerate(functions):
                assert f[i, j] == _betti_brute_force(c, x, degree, cells)
            counts = [int(np.all(g <= x, axis=1).sum()) for g in cells[0]]
            assert chi[i, j] == sum((-1) ** k * n for k, n in enumerate(counts))
    assert functions[1].max() >= 1  # a hole appears somewhere
    rank = SignedMeasure("rank", grid_strategy="exact", zero_mass=False).fit([c])
    _check_rank(c, rank, rank.transform([c])[0])


def test_cubical_with_a_constant_channel_is_one_parameter_persistence(
    global_random_seed,
):
    rng = np.random.default_rng(global_random_seed)
    image = rng.random((9, 8))
    stacked = np.stack([image, np.zeros_like(image)], axis=-1)
    (c,) = CubicalBifiltration().fit_transform([stacked])
    sm = SignedMeasure(grid_strategy="exact", zero_mass=False).fit([c])
    bars = CubicalPersistence((0, 1), cells="vertices").fit_transform([image])[0]
    grid = sm.grid_[0]
    for measure, dgm in zip(sm.transform([c])[0], bars, strict=True):
        expected = np.zeros(len(grid), dtype=np.int64)
        for birth, death in dgm:
            expected[np.argmin(np.abs(grid - birth))] += 1
            if np.isfinite(death):
                expected[np.argmin(np.abs(grid - death))] -= 1
        np.testing.assert_array_equal(_dense(measure, sm.grid_)[:, 0], expected)


def test_cubical_bifiltration_channels():
    from scipy import ndimage

    rng = np.random.default_rng(0)
    image = rng.random((7, 9))
    (c,) = CubicalBifiltration(gradient=True, gradient_sigma=1.5).fit_transform([image])
    np.testing.assert_array_equal(c.vertex_grades[..., 0], image)
    np.testing.assert_allclose(
        c.vertex_grades[..., 1], ndimage.gaussian_gradient_magnitude(image, 1.5)
    )
    both = np.stack([image, image**2], axis=-1)
    (c,) = CubicalBifiltration(superlevel=(True, False)).fit_transform([both])
    np.testing.assert_array_equal(c.vertex_grades, np.stack([-image, image**2], -1))
    # a 3-D volume with three channels: any number of grid axes and parameters
    volume = rng.random((4, 5, 3, 3))
    (c,) = CubicalBifiltration().fit_transform([volume])
    assert (c.n_parameters, c.dimension) == (3, 3)
    points, weights = c.euler_measure()
    assert weights.sum() == 1  # a box is contractible
    assert len(points) == (4 * 5 * 3) + (3 * 5 * 3 + 4 * 4 * 3 + 4 * 5 * 2) + (
        3 * 4 * 3 + 3 * 5 * 2 + 4 * 4 * 2
    ) + (3 * 4 * 2)


def _kr_l1(points, weights):
    """Exact KR norm (l1 ground metric) of a zero-mass integer measure."""
    from scipy.optimize import linear_sum_assignment
    from scipy.spatial.distance import cdist

    reps = np.abs(weights)
    pos = np.repeat(points[weights > 0], reps[weights > 0], axis=0)
    neg = np.repeat(points[weights < 0], reps[weights < 0], axis=0)
    if len(pos) == 0:
        return 0.0
    cost = cdist(pos, neg, metric="cityblock")
    rows, cols = linear_sum_assignment(cost)
    return float(cost[rows, cols].sum())


def test_euler_measure_is_stable(global_random_seed):
    # moving each simplex's grade by e_sigma moves the measure by at most
    # sum ||e_sigma||_1 in KR distance (exact grid: no squeezing error)
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(10, 2))
    values = rng.uniform(size=10)
    for scale in (1e-3, 1e-2, 1e-1):
        moved = (cloud + rng.normal(scale=scale, size=cloud.shape), values + scale)
        f, g = RipsLowerStar(max_edge_length=1.5, max_dimension=3).fit_transform(
            [(cloud, values), moved]
        )
        f = FilteredComplex(f.simplices, f.grades)
        # the same complex, perturbed grades: keep the simplices of f
        g_grades = [
            np.c_[
                np.linalg.norm(
                    moved[0][s[:, :, None]] - moved[0][s[:, None, :]], axis=-1
                )
                .reshape(len(s), -1)
                .max(axis=1),
                moved[1][s].max(axis=1),
            ]
            for s in f.simplices
        ]
        g = FilteredComplex(f.simplices, g_grades)
        sm = SignedMeasure("euler", grid_strategy="exact", zero_mass=False).fit([f, g])
        (mf,), (mg,) = sm.transform([f, g])
        points = np.r_[mf[0], mg[0]]
        weights = np.r_[mf[1], -mg[1]]
        bound = sum(
            np.abs(a - b).sum() for a, b in zip(f.grades, g_grades, strict=True)
        )
        assert _kr_l1(points, weights) <= bound + 1e-9


@pytest.mark.parametrize("invariant", ["hilbert", "rank", "euler"])
def test_parallel_lines_give_the_same_measure(invariant):
    complexes = [_bifiltered(0, n=10), _bifiltered(1, n=10)]
    kwargs = {"invariant": invariant, "resolution": 6}
    one = SignedMeasure(**kwargs, n_jobs=1).fit(complexes)
    for n_jobs, X in [(2, complexes[:1]), (2, complexes), (4, complexes)]:
        many = SignedMeasure(**kwargs, n_jobs=n_jobs).fit(complexes)
        for a, b in zip(one.transform(X), many.transform(X), strict=True):
            for (pa, wa), (pb, wb) in zip(a, b, strict=True):
                np.testing.assert_array_equal(pa, pb)
                np.testing.assert_array_equal(wa, wb)


def test_signed_measure_input_errors():
    two = _bifiltered(0, n=6)
    volume = CubicalBifiltration().fit_transform([np.zeros((3, 3, 3))])
    with pytest.raises(ValueError, match="one or two parameters"):
        SignedMeasure("rank").fit(volume)
    sm = SignedMeasure(resolution=4).fit([two])
    with pytest.raises(ValueError, match="3 parameters but 2"):
        sm.transform(volume)
    with pytest.raises(ValueError, match="2 parameters but 3"):
        SignedMeasure().fit([volume[0], two])
    with pytest.raises(ValueError, match="channel"):
        CubicalBifiltration().fit([np.zeros(5)])
    with pytest.raises(ValueError, match="superlevel"):
        CubicalBifiltration(superlevel=(True,)).fit([np.zeros((3, 3, 2))])
    with pytest.raises(ValueError, match="NaN"):
        FilteredCubicalComplex(np.full((2, 2, 2), np.nan))
    for bad in [(0.5, 0.2), (0.0,), (-0.1, 1.0), ("a", 1)]:
        with pytest.raises(ValueError, match="grid_quantiles"):
            SignedMeasure(grid_quantiles=bad).fit([two])


def test_rips_complexes_pickle_and_compare(global_random_seed):
    import pickle

    complex_ = _bifiltered(global_random_seed, n=9)
    listed = [len(s) for s in complex_.simplices]  # lists them
    again = pickle.loads(pickle.dumps(complex_))
    assert again == complex_
    assert [len(s) for s in again.simplices] == listed
    assert "Rips x function of 9 points" in repr(again)


@pytest.mark.parametrize("max_dimension", [1, 2, 3])
def test_rips_euler_counts_match_the_listed_simplices(
    max_dimension, global_random_seed
):
    rng = np.random.default_rng(global_random_seed)
    cloud = rng.normal(size=(25, 2))
    values = rng.integers(0, 5, 25).astype(float)
    (fast,) = RipsLowerStar(
        max_edge_length=1.2, max_dimension=max_dimension
    ).fit_transform([(cloud, values)])
    listed = FilteredComplex(fast.simplices, fast.grades)
    for strategy in ("regular", "exact", "quantile"):
        # one grid for both (quantiles of a Rips complex's grades are taken
        # over its vertices and edges only)
        sm = SignedMeasure("euler", grid_strategy=strategy, resolution=9).fit([fast])
        a = sm.transform([fast])[0][0]
        b = sm.transform([listed])[0][0]
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_h0_alone_by_union_find_matches_brute_force(global_random_seed):
    # a 2-dimensional complex asked for H0 only takes the union-find route
    fast = _bifiltered(global_random_seed)
    listed = FilteredComplex(fast.simplices, fast.grades)
    sm = SignedMeasure(homology_dimensions=0, resolution=8, zero_mass=False)
    (measure,) = sm.fit([listed]).transform([listed])[0]
    hilbert = integrate_measure(_dense(measure, sm.grid_))
    cells = _cells(listed)
    for i, a in enumerate(sm.grid_[0]):
        for j, b in enumerate(sm.grid_[1]):
            assert hilbert[i, j] == _betti_brute_force(
                listed, np.array([a, b]), 0, cells
            )

"""Signed measures of bifiltrations against brute-force homology and 1-parameter bars."""

import itertools

import numpy as np
import pytest

from geomlearn.topology import (
    FilteredComplex,
    RipsLowerStar,
    RipsPersistence,
    SignedMeasure,
    integrate_measure,
    mobius_inversion,
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

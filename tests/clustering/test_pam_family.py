"""The k-medoids functions against their oracles.

Oracles: the worked example of the Rust reference's unit tests; the
``kmedoids`` package (Rust) run from the same initial medoids; the textbook
PAM SWAP (every swap evaluated on its own) for FastPAM1; brute-force
recomputation of losses, caches and BUILD's greedy choice.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import pairwise_distances

from geomlearn.clustering import _pam_kernels as kernels
from geomlearn.clustering import (
    alternating,
    build,
    fasterpam,
    fastpam1,
    fastpam2,
    lab,
    pam,
)

TINY = np.array(
    [
        [0, 1, 2, 4, 7],
        [1, 0, 3, 5, 8],
        [2, 3, 0, 6, 9],
        [4, 5, 6, 0, 1],
        [7, 8, 9, 1, 0],
    ]
)
SWAP_METHODS = [fasterpam, fastpam1, fastpam2, pam]


def _loss(D, medoids):
    return np.asarray(D, dtype=np.float64)[:, medoids].min(axis=1).sum()


def _blobs(n, k, seed, dtype=np.float64):
    X, _ = make_blobs(n, centers=k, random_state=seed)
    return pairwise_distances(X).astype(dtype)


# --------------------------------------------------------------------------- tiny oracle
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
def test_tiny_example_of_the_reference(dtype):
    D = TINY.astype(dtype)
    r = fasterpam(D, np.array([0, 1]))
    assert (r.loss, r.medoids.tolist(), r.labels.tolist()) == (
        4,
        [0, 3],
        [0, 0, 0, 1, 1],
    )
    assert (r.n_iter, r.n_swap) == (2, 2)
    r = pam(D, 2)
    assert (r.loss, r.medoids.tolist(), r.n_swap) == (4, [0, 3], 0)
    r = fasterpam(D, np.array([1]))
    assert (r.loss, r.medoids.tolist(), r.n_swap) == (14, [0], 1)
    r = alternating(D, np.array([0, 1]))
    assert (r.loss, r.medoids.tolist()) == (4, [3, 0])


# --------------------------------------------------------------------------- peer
@pytest.mark.peer
@pytest.mark.parametrize(
    ("n", "k", "dtype"),
    [
        (300, 5, np.float64),
        (1000, 20, np.float64),
        (600, 30, np.float32),
        (400, 7, np.int64),
    ],
)
def test_same_results_as_the_kmedoids_package(n, k, dtype, global_random_seed):
    kmedoids = pytest.importorskip("kmedoids")
    D = _blobs(n, k, global_random_seed)
    D = np.round(D * 10).astype(dtype) if dtype == np.int64 else D.astype(dtype)
    init = np.random.RandomState(global_random_seed).choice(n, k, replace=False)
    pairs = [
        (fasterpam, lambda D, m: kmedoids.fasterpam(D, m, max_iter=100, n_cpu=1)),
        (fastpam1, lambda D, m: kmedoids.fastpam1(D, m, max_iter=1000)),
        (pam, lambda D, m: kmedoids.pam(D, m, max_iter=1000)),
        (alternating, lambda D, m: kmedoids.alternating(D, m, max_iter=100)),
    ]
    for ours, theirs in pairs:
        a = ours(D, init.copy(), max_iter=1000 if ours in (fastpam1, pam) else 100)
        b = theirs(D, init.astype(np.uintp))
        name = ours.__name__
        assert_array_equal(a.medoids, b.medoids, err_msg=name)
        assert_array_equal(a.labels, b.labels, err_msg=name)
        assert a.n_iter == b.n_iter, name
        if ours is not alternating:
            assert a.n_swap == b.n_swap, name
        assert_allclose(a.loss, b.loss, rtol=1e-12, err_msg=name)


@pytest.mark.peer
def test_same_results_as_the_kmedoids_package_on_digits():
    kmedoids = pytest.importorskip("kmedoids")
    X, _ = load_digits(return_X_y=True)
    D = pairwise_distances(X)
    init = np.random.RandomState(0).choice(len(X), 10, replace=False)
    a = fasterpam(D, init.copy())
    b = kmedoids.fasterpam(D, init.astype(np.uintp), n_cpu=1)
    assert_array_equal(a.medoids, b.medoids)
    assert (a.n_iter, a.n_swap) == (b.n_iter, b.n_swap)
    assert_allclose(a.loss, b.loss, rtol=1e-12)
    assert_array_equal(build(D, 10).medoids, kmedoids.pam_build(D, 10).medoids)


# --------------------------------------------------------------------------- PAM == FastPAM1
@st.composite
def integer_dissimilarities(draw, max_n=14):
    n = draw(st.integers(2, max_n))
    k = draw(st.integers(1, n))
    upper = draw(
        st.lists(
            st.integers(0, 20), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2
        )
    )
    D = np.zeros((n, n), dtype=np.int64)
    D[np.triu_indices(n, 1)] = upper
    D = D + D.T
    seed = draw(st.integers(0, 2**31 - 1))
    init = np.random.RandomState(seed).choice(n, k, replace=False)
    return D, init


@settings(max_examples=150, deadline=None)
@given(integer_dissimilarities())
def test_fastpam1_takes_the_same_swaps_as_pam(case):
    # Integer dissimilarities make every change exact, so ties are real ties
    # and both must break them the same way.
    D, init = case
    a = fastpam1(D, init.copy(), max_iter=500, check_caches=True)
    b = pam(D, init.copy(), max_iter=500, check_caches=True)
    assert_array_equal(a.medoids, b.medoids)
    assert (a.n_iter, a.n_swap, a.loss) == (b.n_iter, b.n_swap, b.loss)


def test_fastpam1_equals_pam_on_digits():
    X, _ = load_digits(return_X_y=True)
    D = pairwise_distances(X)
    a = fastpam1(D, 10, init="build", max_iter=500)
    b = pam(D, 10, max_iter=500)
    assert_array_equal(a.medoids, b.medoids)
    assert (a.n_iter, a.n_swap) == (b.n_iter, b.n_swap)
    assert_allclose(a.loss, b.loss, rtol=1e-12)


# --------------------------------------------------------------------------- invariants
@settings(max_examples=150, deadline=None)
@given(integer_dissimilarities(max_n=20), st.sampled_from([*SWAP_METHODS, alternating]))
def test_caches_loss_and_monotonicity(case, method):
    # check_caches re-derives nearest, second nearest and removal loss by
    # brute force after every swap and raises on any disagreement.
    D, init = case
    kwargs = {} if method is alternating else {"check_caches": True}
    result = method(D, init.copy(), max_iter=500, **kwargs)
    assert result.loss == _loss(D, result.medoids)
    assert result.loss <= _loss(D, init)
    assert_array_equal(np.unique(result.medoids), np.sort(result.medoids))
    # labels point at a nearest medoid
    own = np.asarray(D, dtype=np.float64)[
        np.arange(len(D)), result.medoids[result.labels]
    ]
    assert_array_equal(own, np.asarray(D)[:, result.medoids].min(axis=1))


@pytest.mark.parametrize("method", SWAP_METHODS)
def test_caches_on_float_data(method, global_random_seed):
    D = _blobs(250, 12, global_random_seed)
    init = np.random.RandomState(global_random_seed).choice(250, 12, replace=False)
    result = method(D, init.copy(), max_iter=500, check_caches=True)
    assert_allclose(result.loss, _loss(D, result.medoids), rtol=1e-12)
    assert result.loss <= _loss(D, init)


def test_swap_methods_reach_the_same_quality(global_random_seed):
    D = _blobs(500, 10, global_random_seed)
    losses = {
        m.__name__: m(D, 10, init="build", max_iter=500).loss for m in SWAP_METHODS
    }
    alt = alternating(D, 10, init="build").loss
    best = min(losses.values())
    for name, loss in losses.items():
        assert loss <= best * 1.02, (name, losses)
    assert alt >= best * (1 - 1e-12)


def test_fastpam2_fasttol_zero_still_converges(global_random_seed):
    D = _blobs(300, 8, global_random_seed)
    r = fastpam2(D, 8, random_state=global_random_seed, fasttol=0.0, check_caches=True)
    assert r.converged
    assert r.loss <= _loss(
        D, fastpam2(D, 8, random_state=global_random_seed, max_iter=1).medoids
    )


# --------------------------------------------------------------------------- initialisations
def _greedy_build(D, k):
    D = np.asarray(D, dtype=np.float64)
    medoids = [int(np.argmin(D.sum(axis=1)))]
    for _ in range(1, k):
        current = D[:, medoids].min(axis=1)
        totals = np.minimum(D, current[None, :]).sum(axis=1)
        totals[medoids] = np.inf
        medoids.append(int(np.argmin(totals)))
    return np.array(medoids)


def test_build_is_the_greedy_choice(global_random_seed):
    D = _blobs(200, 6, global_random_seed)
    assert_array_equal(build(D, 6).medoids, _greedy_build(D, 6))


def test_lab_and_kmedoidspp_are_reproducible_and_distinct(global_random_seed):
    D = _blobs(400, 10, global_random_seed)
    for init in ("lab", "k-medoids++", "random"):
        a = fasterpam(D, 10, init=init, random_state=global_random_seed, max_iter=1)
        b = fasterpam(D, 10, init=init, random_state=global_random_seed, max_iter=1)
        assert_array_equal(a.medoids, b.medoids)
    m = lab(D, 10, random_state=global_random_seed).medoids
    assert len(set(m.tolist())) == 10


def test_lab_beats_random_initialisation_on_blobs():
    D = _blobs(2000, 20, 0)
    random_losses = [
        _loss(D, np.random.RandomState(s).choice(2000, 20, replace=False))
        for s in range(10)
    ]
    lab_losses = [lab(D, 20, random_state=s).loss for s in range(10)]
    assert np.median(lab_losses) < np.median(random_losses)


def test_kmedoidspp_samples_proportionally_to_distance():
    # Points on a line at 0, 1, 3, 7: after a first pick at 0, the second is
    # drawn with probabilities 1/11, 3/11, 7/11.
    x = np.array([0.0, 1.0, 3.0, 7.0])
    D = np.abs(x[:, None] - x[None, :])
    rng = np.random.RandomState(0)
    draws = 6000
    counts = np.zeros(4)
    for _ in range(draws):
        u = np.array([0.1, rng.random_sample()])  # u[0] * 4 < 1: first pick is 0
        counts[kernels.kmedoids_plusplus(D, 2, u)[1]] += 1
    expected = draws * np.array([0, 1, 3, 7]) / 11
    assert counts[0] == 0
    sigma = np.sqrt(expected[1:] * (1 - expected[1:] / draws))
    assert np.all(np.abs(counts[1:] - expected[1:]) < 4 * sigma)


def test_duplicates_and_fewer_distinct_points_than_k():
    D = np.zeros((6, 6))
    D[:3, 3:] = D[3:, :3] = 5.0  # two distinct points, three copies each
    r = fasterpam(D, 2, init="first")
    assert r.loss == 0
    with pytest.warns(ConvergenceWarning, match="fewer distinct points"):
        r = build(D, 3)
    assert len(set(r.medoids.tolist())) == 3
    r = fasterpam(D, 3, random_state=0, check_caches=True)
    assert r.loss == 0


def test_k_equals_n_and_k_one():
    D = _blobs(30, 3, 0)
    r = fasterpam(D, 30, random_state=0)
    assert r.loss == 0
    assert_array_equal(np.sort(r.medoids), np.arange(30))
    r = fasterpam(D, 1, random_state=0)
    assert r.medoids[0] == np.argmin(D.sum(axis=1))


def test_fortran_and_float32_input_are_not_copied():
    D = np.asfortranarray(_blobs(100, 4, 0, np.float32))
    from geomlearn.clustering._kmedoids import _check_diss

    checked = _check_diss(D)
    assert checked.dtype == np.float32
    assert checked.flags.c_contiguous
    assert np.shares_memory(checked, D)
    init = np.arange(4)
    assert_array_equal(
        fasterpam(D, init).medoids, fasterpam(np.ascontiguousarray(D), init).medoids
    )


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("diss", "medoids", "error", "match"),
    [
        (np.zeros((3, 4)), 2, ValueError, "square"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), 1, ValueError, "not symmetric"),
        (np.array([[0.0, -1.0], [-1.0, 0.0]]), 1, ValueError, "negative"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), 1, ValueError, "NaN"),
        (np.zeros((0, 0)), 1, ValueError, "0 sample"),
        (np.zeros((3, 3)), 4, ValueError, r"exceeds the number of samples \(3\)"),
        (np.zeros((3, 3)), 0, ValueError, "at least 1"),
        (np.zeros((3, 3)), np.array([0, 0]), ValueError, "distinct"),
        (np.zeros((3, 3)), np.array([0, 3]), ValueError, r"lie in \[0, 2\]"),
        (np.zeros((3, 3)), np.array([0.0, 1.0]), TypeError, "integer indices"),
        (np.zeros((3, 3)), 2.5, TypeError, "integer indices"),
    ],
)
def test_bad_input(diss, medoids, error, match):
    with pytest.raises(error, match=match):
        fasterpam(diss, medoids)


def test_n_cpu_is_accepted_for_compatibility():
    # kmedoids.fasterpam(..., n_cpu=1) is the sequential algorithm we implement
    a = fasterpam(TINY, np.array([0, 1]), n_cpu=1)
    b = fasterpam(TINY, np.array([0, 1]))
    assert_array_equal(a.medoids, b.medoids)
    with pytest.raises(ValueError, match="n_cpu"):
        fasterpam(TINY, 2, n_cpu=0)


def test_bad_parameters():
    with pytest.raises(ValueError, match="init must be one of"):
        fasterpam(TINY, 2, init="kmeans")
    with pytest.raises(ValueError, match="max_iter must be a positive int"):
        fasterpam(TINY, 2, max_iter=0)
    with pytest.raises(ValueError, match="fasttol"):
        fastpam2(TINY, 2, fasttol=1.5)

"""Vectorizers, kernels and distances against gudhi, brute force and stability bounds."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from geomlearn.topology import (
    BettiCurve,
    PersistenceEntropy,
    PersistenceImage,
    PersistenceLandscape,
    PersistenceScaleSpaceKernel,
    PersistenceSilhouette,
    SlicedWassersteinKernel,
    bottleneck_distance,
    pairwise_diagram_distances,
    sliced_wasserstein_distance,
    wasserstein_distance,
)

gudhi = pytest.importorskip("gudhi")
representations = pytest.importorskip("gudhi.representations")


def _random_diagram(rng, n, scale=1.0):
    birth = rng.uniform(0, scale, n)
    return np.c_[birth, birth + rng.exponential(0.3 * scale, n)]


def _collection(seed, n_samples=12):
    rng = np.random.default_rng(seed)
    return [_random_diagram(rng, int(rng.integers(1, 25))) for _ in range(n_samples)]


def _perturb(rng, dgm, eps):
    """Move each point by at most eps, drop a short bar, add near-diagonal ones."""
    moved = dgm + rng.uniform(-eps, eps, dgm.shape)
    moved[:, 1] = np.maximum(moved[:, 1], moved[:, 0] + 1e-9)
    if len(moved) > 2:
        moved = np.delete(moved, np.argmin(moved[:, 1] - moved[:, 0]), axis=0)
    birth = rng.uniform(0, 1, 3)
    return np.r_[moved, np.c_[birth, birth + rng.uniform(0, eps, 3)]]


def _wasserstein_oracle(a, b, internal_p=np.inf, order=1.0):
    """Exact q-Wasserstein distance by an assignment on the augmented diagrams."""
    n, m = len(a), len(b)
    if internal_p == np.inf:
        to_diag = lambda d: (d[:, 1] - d[:, 0]) / 2
    else:
        to_diag = lambda d: np.abs(d[:, 1] - d[:, 0]) * 2 ** (1 / internal_p - 1)
    cost = np.zeros((n + m, n + m))
    cost[:n, :m] = np.linalg.norm(a[:, None] - b[None], ord=internal_p, axis=2) ** order
    cost[:n, m:] = np.inf
    cost[n:, :m] = np.inf
    cost[np.arange(n), m + np.arange(n)] = to_diag(a) ** order
    cost[n + np.arange(m), np.arange(m)] = to_diag(b) ** order
    big = cost.copy()
    big[np.isinf(big)] = 1e12
    rows, cols = linear_sum_assignment(big)
    return float(cost[rows, cols].sum() ** (1 / order))


def _sw_oracle(a, b, n_directions):
    theta = np.linspace(-np.pi / 2, np.pi / 2, n_directions, endpoint=False)
    total = 0.0
    for t in theta:
        u = np.array([np.cos(t), np.sin(t)])
        # projection of the diagonal point ((b + d) / 2, (b + d) / 2) onto u
        A = np.sort(np.r_[a @ u, b.sum(axis=1) / 2 * u.sum()])
        B = np.sort(np.r_[b @ u, a.sum(axis=1) / 2 * u.sum()])
        total += np.abs(A - B).sum()
    return total / n_directions


# ------------------------------------------------------------- agreement with gudhi


def test_landscape_silhouette_betti_entropy_match_gudhi(global_random_seed):
    dgms = _collection(global_random_seed)
    rng_ = (0.0, 3.0)
    ours = PersistenceLandscape(3, resolution=40, sample_range=rng_).fit_transform(dgms)
    ref = representations.Landscape(3, resolution=40, sample_range=list(rng_))
    np.testing.assert_allclose(ours, ref.fit_transform(dgms) / np.sqrt(2), atol=1e-12)

    ours = PersistenceSilhouette(2.0, resolution=40, sample_range=rng_).fit_transform(
        dgms
    )
    ref = representations.Silhouette(
        weight=lambda p: (p[1] - p[0]) ** 2, resolution=40, sample_range=list(rng_)
    )
    np.testing.assert_allclose(ours, ref.fit_transform(dgms) / np.sqrt(2), atol=1e-12)

    ours = BettiCurve(resolution=40, sample_range=rng_).fit_transform(dgms)
    ref = representations.BettiCurve(resolution=40, sample_range=list(rng_))
    np.testing.assert_array_equal(ours, ref.fit_transform(dgms))

    ours = PersistenceEntropy().fit_transform(dgms)
    np.testing.assert_allclose(ours, representations.Entropy().fit_transform(dgms))


def test_persistence_image_matches_gudhi(global_random_seed):
    dgms = _collection(global_random_seed)
    ours = PersistenceImage(
        0.1, resolution=(10, 12), weight="constant", im_range=(0, 1, 0, 2)
    ).fit_transform(dgms)
    ref = representations.PersistenceImage(
        bandwidth=0.1, resolution=[10, 12], im_range=[0, 1, 0, 2]
    ).fit_transform(dgms)
    np.testing.assert_allclose(ours, ref, rtol=1e-10, atol=1e-10)
    linear = PersistenceImage(0.1, resolution=(10, 12), im_range=(0, 1, 0, 2)).fit(dgms)
    p_max = linear.max_persistence_[0]
    ref = representations.PersistenceImage(
        bandwidth=0.1,
        resolution=[10, 12],
        im_range=[0, 1, 0, 2],
        weight=lambda p: min(p[1] / p_max, 1.0),
    ).fit_transform(dgms)
    np.testing.assert_allclose(linear.transform(dgms), ref, rtol=1e-10, atol=1e-10)


def test_pssk_matches_gudhi_up_to_its_parametrisation(global_random_seed):
    dgms = _collection(global_random_seed)
    s = 0.05
    ours = PersistenceScaleSpaceKernel(s).fit(dgms[:6]).transform(dgms)
    ref = representations.PersistenceScaleSpaceKernel(bandwidth=2 * np.sqrt(s))
    ref = ref.fit(dgms[:6]).transform(dgms)
    # gudhi: 1/(sqrt(2 pi) h) with h = 2 sqrt(s); Reininghaus: 1/(8 pi s)
    factor = np.sqrt(2 * np.pi) * 2 * np.sqrt(s) / (8 * np.pi * s)
    np.testing.assert_allclose(ours, ref * factor, rtol=1e-10)


@pytest.mark.parametrize("n_directions", [1, 4, 10])
def test_sliced_wasserstein_matches_brute_force(n_directions, global_random_seed):
    dgms = [*_collection(global_random_seed, 6), np.empty((0, 2))]
    ours = pairwise_diagram_distances(
        dgms, metric="sliced_wasserstein", n_directions=n_directions
    )
    expected = np.array([[_sw_oracle(a, b, n_directions) for b in dgms] for a in dgms])
    np.testing.assert_allclose(ours, expected, atol=1e-12)
    kernel = SlicedWassersteinKernel(n_directions, bandwidth=0.7).fit(dgms[:3])
    np.testing.assert_allclose(
        kernel.transform(dgms), np.exp(-expected[:, :3] / (2 * 0.7**2)), atol=1e-12
    )
    np.testing.assert_allclose(kernel.distances(dgms), expected[:, :3], atol=1e-12)


# ------------------------------------------------------------- stability bounds


@pytest.mark.parametrize("eps", [1e-3, 0.05, 0.3])
def test_stability_bounds_hold_on_perturbed_diagrams(eps, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for _ in range(5):
        a = _random_diagram(rng, int(rng.integers(3, 30)))
        b = _perturb(rng, a, eps)
        d_b = gudhi.bottleneck_distance(a, b, 0.0)
        w1_sup = _wasserstein_oracle(a, b, np.inf)
        w1_euclid = _wasserstein_oracle(a, b, 2)

        # landscapes: each layer moves by at most the bottleneck distance
        land = PersistenceLandscape(6, resolution=300).fit([a, b])
        la, lb = land.transform([a, b])
        assert np.abs(la - lb).max() <= d_b + 1e-12

        # persistence image with linear weight: the documented constant
        image = PersistenceImage(resolution=(15, 15)).fit([a, b])
        s, p_max = image.bandwidths_[0], image.max_persistence_[0]
        c = np.sqrt(5) / (2 * np.pi * s**2) * (1 / p_max + np.exp(-0.5) / s)
        ia, ib = image.transform([a, b])
        assert np.abs(ia - ib).max() <= c * w1_sup * (1 + 1e-9)

        # sliced Wasserstein: at most twice W1 with Euclidean ground metric
        for n_directions in (1, 7, 50):
            assert sliced_wasserstein_distance(
                a, b, n_directions=n_directions
            ) <= 2 * w1_euclid * (1 + 1e-9)

        # scale-space kernel: feature-space distance <= W1 / (s sqrt(8 pi))
        for scale in (0.01, 0.3):
            K = PersistenceScaleSpaceKernel(scale).fit_transform([a, b])
            feature_distance = np.sqrt(max(K[0, 0] + K[1, 1] - 2 * K[0, 1], 0.0))
            assert feature_distance <= w1_euclid / (scale * np.sqrt(8 * np.pi)) * (
                1 + 1e-9
            )


@st.composite
def diagram_pairs(draw):
    """A random diagram and a perturbation: moved, deleted and added points."""
    n = draw(st.integers(0, 12))
    coords = st.floats(0, 5, allow_nan=False, allow_infinity=False)
    points = draw(st.lists(st.tuples(coords, coords), min_size=n, max_size=n))
    a = np.array([(min(p), max(p)) for p in points]).reshape(-1, 2)
    eps = draw(st.floats(0, 0.5))
    shifts = draw(
        st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), min_size=n, max_size=n)
    )
    b = a + eps * np.array(shifts).reshape(-1, 2)
    b = np.c_[b[:, 0], np.maximum(b[:, 1], b[:, 0])]
    keep = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    b = b[np.array(keep, dtype=bool)] if n else b
    extra = draw(st.lists(st.tuples(coords, st.floats(0, 0.3)), max_size=4))
    if extra:
        e = np.array(extra)
        b = np.r_[b, np.c_[e[:, 0], e[:, 0] + e[:, 1]]]
    return a, b


@settings(max_examples=120, deadline=None)
@given(diagram_pairs())
@example((np.array([[0.0, 5e-324]]), np.empty((0, 2))))  # subnormal persistence
def test_stability_bounds_property(pair):
    a, b = pair
    if len(a) + len(b) == 0:
        return
    d_b = gudhi.bottleneck_distance(a, b, 0.0)
    w1_sup = _wasserstein_oracle(a, b, np.inf)
    w1_euclid = _wasserstein_oracle(a, b, 2)
    la, lb = PersistenceLandscape(
        4, resolution=200, sample_range=(-1, 7)
    ).fit_transform([a, b])
    assert np.abs(la - lb).max() <= d_b + 1e-9
    image = PersistenceImage(resolution=(9, 9), im_range=(-1, 6, 0, 6)).fit([a, b])
    s, p_max = image.bandwidths_[0], image.max_persistence_[0]
    with np.errstate(over="ignore"):  # a subnormal p_max makes the bound vacuous
        c = np.sqrt(5) / (2 * np.pi * s**2) * (1 / p_max + np.exp(-0.5) / s)
    ia, ib = image.transform([a, b])
    with np.errstate(invalid="ignore"):  # inf * 0 when the diagrams are equal
        bound = c * w1_sup * (1 + 1e-9) + 1e-12
    assert np.abs(ia - ib).max() <= (bound if np.isfinite(bound) else np.inf)
    assert (
        sliced_wasserstein_distance(a, b, n_directions=5)
        <= 2 * w1_euclid * (1 + 1e-9) + 1e-12
    )
    K = PersistenceScaleSpaceKernel(0.2).fit_transform([a, b])
    feature_distance = np.sqrt(max(K[0, 0] + K[1, 1] - 2 * K[0, 1], 0.0))
    assert (
        feature_distance <= w1_euclid / (0.2 * np.sqrt(8 * np.pi)) * (1 + 1e-7) + 1e-9
    )


def test_betti_curve_is_not_stable():
    # documented: many tiny bars change Betti curves by their count
    a = np.array([[0.0, 1.0]])
    b = np.r_[a, [[0.5, 0.5001]] * 20]
    curve = BettiCurve(resolution=2001, sample_range=(0, 1)).fit([a, b])
    ca, cb = curve.transform([a, b])
    assert np.abs(ca - cb).max() == 20
    assert gudhi.bottleneck_distance(a, b, 0.0) < 1e-4


# ------------------------------------------------------------- infinite bars


def test_clip_and_drop_infinite_bars():
    finite = np.array([[0.0, 1.0], [0.5, 3.0]])
    with_inf = np.r_[finite, [[0.2, np.inf]]]
    clip = PersistenceLandscape(2, resolution=31).fit([with_inf])
    np.testing.assert_array_equal(clip.value_range_, [[0.0, 3.0]])
    np.testing.assert_allclose(clip.infinity_values_, [[-0.3, 3.3]])
    clipped = np.r_[finite, [[0.2, 3.3]]]
    np.testing.assert_allclose(
        clip.transform([with_inf]),
        PersistenceLandscape(2, resolution=31, sample_range=(0, 3)).fit_transform(
            [clipped]
        ),
    )
    drop = PersistenceLandscape(2, resolution=31, infinite="drop").fit([with_inf])
    np.testing.assert_allclose(
        drop.transform([with_inf]),
        PersistenceLandscape(2, resolution=31, sample_range=(0, 3)).fit_transform(
            [finite]
        ),
    )
    betti = BettiCurve(resolution=4, sample_range=(0, 3)).fit([with_inf])
    np.testing.assert_array_equal(betti.transform([with_inf]), [[1, 2, 2, 1]])
    betti = BettiCurve(resolution=4, sample_range=(0, 3), infinite="drop").fit(
        [with_inf]
    )
    np.testing.assert_array_equal(betti.transform([with_inf]), [[1, 1, 1, 0]])
    for est in (
        PersistenceImage(),
        PersistenceSilhouette(),
        PersistenceEntropy(),
        SlicedWassersteinKernel(),
        PersistenceScaleSpaceKernel(),
    ):
        out = est.fit_transform([with_inf, finite])
        assert np.isfinite(out).all(), type(est).__name__


def test_superlevel_diagrams_read_as_intervals():
    # a superlevel bar (birth 3, death 1) spans the same interval as [1, 3]
    sub = np.array([[1.0, 3.0]])
    sup = np.array([[3.0, 1.0]])
    for est in (
        PersistenceLandscape(resolution=9, sample_range=(0, 4)),
        PersistenceSilhouette(resolution=9, sample_range=(0, 4)),
        PersistenceEntropy(),
    ):
        np.testing.assert_allclose(est.fit_transform([sub]), est.fit_transform([sup]))


@pytest.mark.parametrize("filtration", ["sublevel", "superlevel"])
def test_betti_curves_count_components_of_level_sets(filtration, global_random_seed):
    # brute force: connected components (8-connectivity, as pixels that share
    # a corner touch in the cubical complex) of {f <= t} or {f >= t}
    from scipy import ndimage

    from geomlearn.topology import CubicalPersistence

    rng = np.random.default_rng(global_random_seed)
    images = rng.integers(0, 5, size=(4, 9, 9)).astype(float)
    diagrams = CubicalPersistence(0, filtration=filtration).fit_transform(images)
    curves = BettiCurve(resolution=5, sample_range=(0, 4)).fit_transform(diagrams)
    for image, curve in zip(images, curves, strict=True):
        expected = []
        for t in range(5):
            mask = image <= t if filtration == "sublevel" else image >= t
            expected.append(ndimage.label(mask, structure=np.ones((3, 3)))[1])
        np.testing.assert_array_equal(curve, expected)


def test_a_degree_of_infinite_bars_keeps_all_of_them():
    # graph cycles never die; the last-born one must not vanish when clipped
    dgms = [np.array([[1.0, np.inf], [3.0, np.inf]]), np.array([[2.0, np.inf]])]
    entropy = PersistenceEntropy().fit_transform(dgms)
    assert entropy[0, 0] > 0.1
    betti = BettiCurve(resolution=4, sample_range=(0, 3)).fit_transform(dgms)
    np.testing.assert_array_equal(betti, [[0, 1, 1, 2], [0, 0, 1, 1]])


def test_several_degrees_are_side_by_side():
    dgms = _collection(0, 8)
    pairs = [[dgms[i], dgms[(i + 3) % 8]] for i in range(8)]
    for est in (
        PersistenceLandscape(2, resolution=10),
        PersistenceImage(resolution=(4, 5)),
        BettiCurve(resolution=7),
        PersistenceEntropy(),
    ):
        both = est.fit_transform(pairs)
        first = type(est)(**est.get_params()).fit_transform([p[0] for p in pairs])
        second = type(est)(**est.get_params()).fit_transform([p[1] for p in pairs])
        np.testing.assert_allclose(both, np.hstack([first, second]))
        assert len(est.get_feature_names_out()) == both.shape[1]
    k = SlicedWassersteinKernel().fit(pairs)
    d0 = (
        SlicedWassersteinKernel()
        .fit([p[0] for p in pairs])
        .distances([p[0] for p in pairs])
    )
    d1 = (
        SlicedWassersteinKernel()
        .fit([p[1] for p in pairs])
        .distances([p[1] for p in pairs])
    )
    np.testing.assert_allclose(k.distances(pairs), d0 + d1)


def test_kernels_in_grid_search():
    rng = np.random.default_rng(0)
    small = [_random_diagram(rng, 6, 0.3) for _ in range(15)]
    large = [_random_diagram(rng, 6, 2.0) for _ in range(15)]
    X, y = small + large, [0] * 15 + [1] * 15
    for kernel, grid in (
        (SlicedWassersteinKernel(), {"slicedwassersteinkernel__bandwidth": [0.3, 3.0]}),
        (
            PersistenceScaleSpaceKernel(),
            {"persistencescalespacekernel__bandwidth": [0.1, 1]},
        ),
    ):
        model = make_pipeline(kernel, SVC(kernel="precomputed"))
        search = GridSearchCV(model, grid, cv=3).fit(X, y)
        assert search.best_score_ > 0.9


def test_pixel_centers_need_fit():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        PersistenceImage().pixel_centers()


def test_transform_is_pure():
    train = _collection(1, 6)
    est = PersistenceImage(resolution=(5, 5)).fit(train)
    test = _collection(2, 5)
    alone = np.vstack([est.transform([d]) for d in test])
    np.testing.assert_array_equal(est.transform(test), alone)


# ------------------------------------------------------------- distances


def test_wasserstein_matches_the_assignment_oracle(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for _ in range(5):
        a = _random_diagram(rng, int(rng.integers(0, 15)))
        b = _random_diagram(rng, int(rng.integers(0, 15)))
        for internal_p, order in ((np.inf, 1.0), (2.0, 1.0), (2.0, 2.0)):
            exact = _wasserstein_oracle(a, b, internal_p, order)
            ours = wasserstein_distance(
                a, b, order=order, internal_p=internal_p, delta=1e-4
            )
            assert exact - 1e-9 <= ours <= exact * (1 + 1e-4) + 1e-9
        assert bottleneck_distance(a, b) <= _wasserstein_oracle(a, b) + 1e-12


def _bottleneck_oracle(a, b):
    """Exact bottleneck distance: the smallest candidate eps with a perfect
    matching of the augmented diagrams (points or their diagonal copies)."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching

    n, m = len(a), len(b)
    if n + m == 0:
        return 0.0
    cost = np.full((n + m, n + m), np.inf)
    cost[:n, :m] = np.abs(a[:, None] - b[None]).max(axis=2)
    cost[np.arange(n), m + np.arange(n)] = (a[:, 1] - a[:, 0]) / 2
    cost[n + np.arange(m), np.arange(m)] = (b[:, 1] - b[:, 0]) / 2
    cost[n:, m:] = 0.0
    for eps in np.unique(cost[np.isfinite(cost)]):
        graph = csr_matrix((cost <= eps).astype(np.int8))
        if (maximum_bipartite_matching(graph, perm_type="column") >= 0).all():
            return float(eps)
    raise AssertionError("no perfect matching")


def test_bottleneck_matches_the_matching_oracle(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for _ in range(5):
        a = _random_diagram(rng, int(rng.integers(0, 12)))
        b = _random_diagram(rng, int(rng.integers(0, 12)))
        expected = _bottleneck_oracle(a, b)
        assert bottleneck_distance(a, b) == pytest.approx(expected, abs=1e-12)
        # superlevel diagrams (births above deaths) are at the same distance
        assert bottleneck_distance(a[:, ::-1], b[:, ::-1]) == pytest.approx(
            expected, abs=1e-12
        )
        assert wasserstein_distance(a[:, ::-1], b[:, ::-1], delta=1e-6) == (
            pytest.approx(_wasserstein_oracle(a, b), rel=1e-5, abs=1e-12)
        )
    assert bottleneck_distance([[1.0, -np.inf]], [[3.0, -np.inf]]) == 2.0
    with pytest.raises(ValueError, match="sublevel"):
        bottleneck_distance([[0.0, 1.0]], [[1.0, 0.0]])
    with pytest.raises(ValueError, match="mixes"):
        bottleneck_distance([[0.0, 1.0], [1.0, 0.0]], [[0.0, 1.0]])


def test_distances_with_degrees_and_infinite_bars():
    a = [np.array([[0.0, 1.0], [0.0, np.inf]]), np.array([[0.2, 0.6]])]
    b = [np.array([[0.0, 1.5], [0.1, np.inf]]), np.empty((0, 2))]
    assert bottleneck_distance(a, b) == pytest.approx(max(0.5, 0.2))
    w = wasserstein_distance(a, b, order=2.0, delta=1e-6)
    assert w == pytest.approx(np.sqrt(0.5**2 + 0.1**2 + 0.2**2), rel=1e-5)
    c = [np.array([[0.0, 1.0]]), np.empty((0, 2))]
    assert bottleneck_distance(a, c) == np.inf
    D = pairwise_diagram_distances([a, b, c], metric="bottleneck", n_jobs=2)
    np.testing.assert_allclose(D, D.T)
    assert D[0, 1] == bottleneck_distance(a, b)
    E = pairwise_diagram_distances([a, b], [c], metric="wasserstein")
    assert E.shape == (2, 1)


# ------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        ([np.array([[0.0, np.nan]])], ValueError, "NaN"),
        ([np.array([[np.inf, 1.0]])], ValueError, "infinite birth"),
        ([np.zeros((3, 3))], ValueError, r"\(n_bars, 2\)"),
        (np.array([[0.0, 1.0]]), ValueError, "collection"),
        (
            [[np.zeros((1, 2))], [np.zeros((1, 2)), np.zeros((1, 2))]],
            ValueError,
            "degree",
        ),
        ([np.array([[1j, 2.0]])], TypeError, "complex"),
        ([], ValueError, "empty"),
    ],
)
def test_bad_diagrams(X, error, match):
    for est in (PersistenceImage(), SlicedWassersteinKernel(), BettiCurve()):
        with pytest.raises(error, match=match):
            est.fit(X)


def test_degree_count_must_match_fit():
    est = PersistenceLandscape().fit([[np.zeros((1, 2)), np.zeros((1, 2))]])
    with pytest.raises(ValueError, match="seen in fit"):
        est.transform([np.zeros((1, 2))])


@pytest.mark.parametrize(
    ("est", "match"),
    [
        (PersistenceImage(bandwidth=-1.0), "bandwidth"),
        (PersistenceImage(resolution=(3,)), "resolution"),
        (PersistenceImage(weight="quadratic"), "weight"),
        (PersistenceImage(im_range=(1, 0, 0, 1)), "im_range"),
        (PersistenceLandscape(n_layers=0), "n_layers"),
        (PersistenceLandscape(sample_range=(2, 1)), "sample_range"),
        (BettiCurve(infinite="keep"), "infinite"),
        (SlicedWassersteinKernel(n_directions=0), "n_directions"),
        (PersistenceScaleSpaceKernel(bandwidth=0.0), "bandwidth"),
        (PersistenceSilhouette(power=-1.0), "power"),
    ],
)
def test_bad_parameters(est, match):
    with pytest.raises(ValueError, match=match):
        est.fit([np.array([[0.0, 1.0]])])

"""PPP: the validation statistics against scikit-learn and scipy, and its goals."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import multivariate_normal
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture

from geomlearn.clustering import PPP
from geomlearn.clustering._ppp import (
    _fit_gaussian,
    _gaussian_logpdf,
    _map_side,
    _mixture_from_split,
    _separable,
    _split_statistics,
)
from geomlearn.utils.estimator_checks import (
    check_no_global_random_state,
    check_pickle_roundtrip,
    check_predict_matches_labels,
    check_random_state_reproducible,
)


def _two_groups(seed):
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(120, 3))
    B = rng.normal(size=(80, 3)) @ np.diag([1.0, 2.0, 0.5]) + [4.0, 0.0, 1.0]
    return np.r_[A, B], np.r_[np.zeros(120, int), np.ones(80, int)]


def test_gaussian_logpdf_matches_scipy(global_random_seed):
    X, _ = _two_groups(global_random_seed)
    mean, cov = _fit_gaussian(X, 1e-6)
    assert_allclose(
        _gaussian_logpdf(X, mean, cov), multivariate_normal(mean, cov).logpdf(X)
    )


def _sklearn_mixture(mixture):
    log_weights, means, covs = mixture
    gm = GaussianMixture(2, covariance_type="full")
    gm.weights_ = np.exp(log_weights)
    gm.means_ = means
    gm.covariances_ = covs
    gm.precisions_cholesky_ = np.array(
        [np.linalg.cholesky(np.linalg.inv(c)) for c in covs]
    )
    return gm


def test_split_statistics_match_sklearn_mixtures(global_random_seed):
    # Oracle: scikit-learn's GaussianMixture holding the same parameters (for
    # MAP and BIC of the two-component model), and a one-component mixture
    # fitted by EM, whose optimum is the sample mean and covariance.
    X, side = _two_groups(global_random_seed)
    mixture = _mixture_from_split(X, side, 1e-6)
    agreement, bic_gain = _split_statistics(X, side, mixture, 1e-6)
    two = _sklearn_mixture(mixture)
    one = GaussianMixture(1, covariance_type="full", reg_covar=1e-6).fit(X)
    assert_allclose(bic_gain, one.bic(X) - two.bic(X), rtol=1e-8)
    assert agreement == np.mean(two.predict(X) == side)
    map_side, posterior = _map_side(X, mixture)
    assert_array_equal(map_side, two.predict(X))
    assert_allclose(posterior, two.predict_proba(X)[np.arange(len(X)), map_side])


def test_separable_set_matches_sklearn_posteriors(global_random_seed):
    X, labels = _two_groups(global_random_seed)
    mask = _separable(X, labels, 2, 1e-6, 0.9, None, np.random.RandomState(0))
    gm = _sklearn_mixture(_mixture_from_split(X, labels, 1e-6))
    own = gm.predict_proba(X)[np.arange(len(X)), labels]
    assert_array_equal(mask, own >= 0.9)
    assert 0 < mask.sum() < len(X)


@pytest.mark.parametrize("k", [2, 5, 9])
def test_recovers_well_separated_blobs(k, global_random_seed):
    X, y = make_blobs(
        150 * k,
        centers=k,
        n_features=4,
        cluster_std=0.5,
        center_box=(-20, 20),
        random_state=global_random_seed,
    )
    model = PPP(random_state=0).fit(X)
    assert model.n_clusters_ == k
    assert adjusted_rand_score(y, model.labels_) > 0.99
    assert model.separable_mask_.mean() > 0.95


def test_one_gaussian_is_one_cluster(global_random_seed):
    X = np.random.RandomState(global_random_seed).multivariate_normal(
        [0, 0, 0], [[2, 0.5, 0], [0.5, 1, 0], [0, 0, 0.3]], size=2000
    )
    model = PPP(random_state=0).fit(X)
    assert model.n_clusters_ == 1
    assert model.tree_[0].reason in ("BIC", "mixture disagrees")
    assert_allclose(model.cluster_centers_[0], X.mean(axis=0))


def test_repeatable_across_random_states():
    X, _ = make_blobs(2000, centers=6, n_features=5, cluster_std=0.8, random_state=3)
    labels = [PPP(random_state=seed).fit(X).labels_ for seed in range(5)]
    for other in labels[1:]:
        assert adjusted_rand_score(labels[0], other) == 1.0


def test_contract_kits():
    X, _ = make_blobs(400, centers=3, random_state=0)
    model = PPP(random_state=0)
    check_predict_matches_labels(model, X)
    check_pickle_roundtrip(model, X)
    check_no_global_random_state(model, X)
    check_random_state_reproducible(model, X)


def test_n_jobs_does_not_change_the_result():
    X, _ = make_blobs(1500, centers=7, n_features=3, random_state=4)
    a = PPP(random_state=0).fit(X)
    b = PPP(random_state=0, n_jobs=2).fit(X)
    assert_array_equal(a.labels_, b.labels_)
    assert_array_equal(a.separable_mask_, b.separable_mask_)


def test_large_data_options_find_the_clusters():
    X, y = make_blobs(
        30000,
        centers=5,
        n_features=6,
        cluster_std=0.7,
        center_box=(-15, 15),
        random_state=2,
    )
    model = PPP(batch_size=2048, max_gaussian_samples=3000, random_state=0).fit(X)
    assert model.n_clusters_ == 5
    assert adjusted_rand_score(y, model.labels_) > 0.99
    assert_array_equal(model.predict(X), model.labels_)


def test_tree_is_consistent():
    X, _ = make_blobs(1200, centers=4, n_features=2, cluster_std=0.6, random_state=7)
    model = PPP(random_state=0).fit(X)
    leaves = [node for node in model.tree_ if not node.children]
    assert sorted(node.cluster for node in leaves) == list(range(model.n_clusters_))
    for node in model.tree_:
        if node.children:
            a, b = (model.tree_[c] for c in node.children)
            assert a.n_samples + b.n_samples == node.n_samples
            assert a.parent == b.parent == node.node_id
            assert node.agreement >= 0.95
            assert node.bic_gain > 0
    sizes = np.zeros(model.n_clusters_, dtype=int)
    for node in leaves:
        sizes[node.cluster] += node.n_samples
    assert_array_equal(np.bincount(model.labels_), sizes)


def test_a_cluster_cut_by_the_first_split_is_mended():
    # The middle blob lies across the root's 2-means boundary; its pieces end
    # in different subtrees and only the merge step puts them back together.
    centers = [[-6, -4], [-5, 4], [0, 0], [4, 5], [6, -3], [1, -7]]
    X, y = make_blobs(
        1800,
        centers=centers,
        cluster_std=[0.7, 1.0, 1.2, 0.8, 1.0, 0.6],
        random_state=0,
    )
    merged = PPP(random_state=0).fit(X)
    unmerged = PPP(random_state=0, merge=False).fit(X)
    assert merged.n_clusters_ == 6
    assert unmerged.n_clusters_ > 6
    assert adjusted_rand_score(y, merged.labels_) > adjusted_rand_score(
        y, unmerged.labels_
    )
    assert_array_equal(merged.predict(X), merged.labels_)


def test_depth_and_size_limits():
    X, _ = make_blobs(1000, centers=8, random_state=0)
    assert PPP(max_depth=0).fit(X).n_clusters_ == 1
    assert PPP(max_depth=1, random_state=0).fit(X).n_clusters_ <= 2
    assert PPP(min_cluster_size=600).fit(X).n_clusters_ == 1


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"agreement": 1.5}, "agreement"),
        ({"min_cluster_size": 0}, "min_cluster_size"),
        ({"max_gaussian_samples": 1}, "max_gaussian_samples"),
    ],
)
def test_bad_parameters(params, match):
    X, _ = make_blobs(100, random_state=0)
    with pytest.raises(ValueError, match=match):
        PPP(**params).fit(X)

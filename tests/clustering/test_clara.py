"""CLARA and CLARANS against brute force and against KMedoids."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.datasets import make_blobs

from geomlearn.clustering import CLARA, CLARANS, KMedoids
from geomlearn.clustering import _pam_kernels as kernels
from geomlearn.clustering._distances import feature_source
from geomlearn.utils.estimator_checks import (
    check_no_global_random_state,
    check_pickle_roundtrip,
    check_predict_matches_labels,
    check_random_state_reproducible,
)


@pytest.fixture(scope="module")
def blobs():
    return make_blobs(1500, n_features=4, centers=8, random_state=5)


def _deviation(X, medoids):
    return cdist(X, X[medoids]).min(axis=1).sum()


@pytest.mark.parametrize("Estimator", [CLARA, CLARANS])
def test_contract_kits(Estimator, blobs):
    X, _ = blobs
    model = Estimator(8, random_state=0)
    check_predict_matches_labels(model, X)
    check_pickle_roundtrip(model, X)
    check_no_global_random_state(model, X)
    check_random_state_reproducible(model, X)


@pytest.mark.parametrize("Estimator", [CLARA, CLARANS])
def test_reported_loss_is_the_deviation_on_all_data(
    Estimator, blobs, global_random_seed
):
    X, _ = blobs
    model = Estimator(8, random_state=global_random_seed).fit(X)
    assert_allclose(model.inertia_, _deviation(X, model.medoid_indices_), rtol=1e-10)
    assert_array_equal(model.labels_, cdist(X, model.cluster_centers_).argmin(axis=1))


def test_clara_on_the_whole_data_is_pam(blobs):
    # A sample as large as the data is the data (in another order); PAM's
    # best-improvement swaps do not depend on the order, so the medoids are
    # those of KMedoids(method="pam").
    X, _ = blobs
    X = X[:400]
    clara = CLARA(5, method="pam", sample_size=400, random_state=0).fit(X)
    full = KMedoids(5, method="pam", init="build").fit(X)
    assert set(clara.medoid_indices_.tolist()) == set(full.medoid_indices_.tolist())
    assert_allclose(clara.inertia_, full.inertia_, rtol=1e-12)
    assert clara.sample_losses_.shape == (1,)


def test_clara_keeps_the_best_sample(blobs):
    X, _ = blobs
    for keep in (True, False):
        model = CLARA(8, n_sampling=6, keep_medoids=keep, random_state=1).fit(X)
        assert model.sample_losses_.shape == (6,)
        assert model.inertia_ == model.sample_losses_.min()


def test_clara_quality_close_to_fasterpam(blobs):
    X, _ = blobs
    full = KMedoids(8, init="build").fit(X).inertia_
    clara = CLARA(8, random_state=0).fit(X).inertia_
    clarans = CLARANS(8, random_state=0).fit(X).inertia_
    assert full <= clara * (1 + 1e-12)
    # both approximate PAM's optimum on well-separated blobs within a few %
    assert clara < 1.05 * full
    assert clarans < 1.05 * full


@pytest.mark.parametrize("Estimator", [CLARA, CLARANS])
def test_precomputed_matches_features(Estimator, blobs, tmp_path):
    X, _ = blobs
    X = X[:600]
    D = cdist(X, X)
    on_features = Estimator(6, random_state=3).fit(X)
    on_matrix = Estimator(6, metric="precomputed", random_state=3).fit(D)
    assert_array_equal(on_features.medoid_indices_, on_matrix.medoid_indices_)
    assert_allclose(on_features.inertia_, on_matrix.inertia_, rtol=1e-10)
    assert_array_equal(on_matrix.predict(D), on_matrix.labels_)
    if Estimator is CLARA:  # reads only what it needs: a memory map works
        path = tmp_path / "D.npy"
        np.save(path, D)
        mapped = np.load(path, mmap_mode="r")
        again = CLARA(6, metric="precomputed", random_state=3).fit(mapped)
        assert_array_equal(again.medoid_indices_, on_matrix.medoid_indices_)


def test_clarans_caches_stay_exact(blobs):
    X, _ = blobs
    X = X[:300]
    for src in (feature_source(X, "euclidean"), cdist(X, X)):
        medoids = np.arange(0, 300, 50, dtype=np.int64)
        loss, _, _, swaps = kernels.fastclarans(src, medoids, 200, 7, True)
        assert swaps > 0
        assert_allclose(loss, _deviation(X, medoids), rtol=1e-10)


def test_max_neighbor_as_count_and_rate(blobs):
    X, _ = blobs
    few = CLARANS(8, max_neighbor=5, random_state=0).fit(X)
    many = CLARANS(8, max_neighbor=0.2, random_state=0).fit(X)
    assert few.n_iter_ < many.n_iter_


def test_k_one(blobs):
    X, _ = blobs
    X = X[:200]
    best = cdist(X, X).sum(axis=1).argmin()
    assert CLARANS(1, random_state=0).fit(X).medoid_indices_[0] == best
    assert CLARA(1, sample_size=200, random_state=0).fit(X).medoid_indices_[0] == best


@pytest.mark.parametrize(
    ("Estimator", "params", "match"),
    [
        (CLARA, {"sample_size": 3}, "smaller than n_clusters"),
        (CLARA, {"n_clusters": 2000}, "exceeds the number of samples"),
        (CLARANS, {"metric": "correlation"}, "metric"),
        (CLARANS, {"max_neighbor": 0.0}, "max_neighbor"),
        (CLARA, {"metric": "precomputed"}, "square"),
    ],
)
def test_bad_parameters(Estimator, params, match, blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match=match):
        Estimator(**{"n_clusters": 8, **params}).fit(X)

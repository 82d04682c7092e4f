"""KMedoids without the dissimilarity matrix: rows computed on the fly.

Oracle: the same estimator with the full matrix. The on-the-fly rows use the
per-pair function that fills the matrix, so every result must be identical.
"""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_blobs

from geomlearn.clustering import KMedoids
from geomlearn.clustering import _kmedoids as module
from geomlearn.clustering import _pam_kernels as kernels
from geomlearn.clustering._distances import feature_source

METHODS = ["fasterpam", "fastpam1", "fastpam2", "pam", "alternate"]
INITS = ["random", "build", "lab", "k-medoids++"]


@pytest.fixture(scope="module")
def X():
    return make_blobs(240, n_features=3, centers=6, random_state=2)[0]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "metric", ["euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine"]
)
def test_on_the_fly_equals_the_matrix(method, metric, X):
    params = {"n_clusters": 6, "method": method, "metric": metric, "init": "build"}
    full = KMedoids(**params).fit(X)
    lean = KMedoids(**params, max_memory=1000).fit(X)
    assert_array_equal(lean.medoid_indices_, full.medoid_indices_)
    assert_array_equal(lean.labels_, full.labels_)
    assert lean.inertia_ == full.inertia_
    assert (lean.n_iter_, lean.n_swaps_) == (full.n_iter_, full.n_swaps_)
    assert_array_equal(lean.predict(X), lean.labels_)


@pytest.mark.parametrize("init", INITS)
def test_initialisations_on_the_fly(init, X):
    a = KMedoids(6, init=init, random_state=3).fit(X)
    b = KMedoids(6, init=init, random_state=3, max_memory=1000).fit(X)
    assert_array_equal(a.medoid_indices_, b.medoid_indices_)


def test_float32_on_the_fly_keeps_the_data(X):
    X32 = X.astype(np.float32)
    a = KMedoids(6, random_state=0).fit(X32)
    b = KMedoids(6, random_state=0, max_memory=1000).fit(X32)
    assert_array_equal(a.medoid_indices_, b.medoid_indices_)


def test_caches_stay_exact_on_the_fly(X):
    src = feature_source(X, "euclidean")
    for run in (kernels.fasterpam, kernels.fastpam1, kernels.pam_swap):
        medoids = np.arange(0, 240, 40, dtype=np.int64)
        if run is kernels.fasterpam:
            run(src, medoids, 100, np.arange(240), True)
        else:
            run(src, medoids, 1000, True)
    kernels.fastpam2(src, np.arange(0, 240, 40, dtype=np.int64), 100, 1.0, True)


def test_no_matrix_is_built(X, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("the n x n matrix was computed")

    monkeypatch.setattr(module, "pairwise", forbidden)
    model = KMedoids(6, random_state=0, max_memory=1000).fit(X)
    assert model.labels_.shape == (240,)


def test_too_large_for_the_budget(X):
    with pytest.raises(ValueError, match=r"cannot be computed on the fly.*CLARA"):
        KMedoids(6, metric="correlation", max_memory=1000).fit(X)
    D = np.zeros((100, 100))
    with pytest.raises(ValueError, match=r"takes 0\.0 GiB.*Use CLARA"):
        KMedoids(2, metric="precomputed", max_memory=1000).fit(D)
    KMedoids(2, metric="precomputed", max_memory=None).fit(D)

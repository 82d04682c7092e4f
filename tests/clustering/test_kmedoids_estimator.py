"""KMedoids, the estimator: consistency with the functions, the contract, inputs."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.base import clone
from sklearn.datasets import load_digits, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import adjusted_rand_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from geomlearn.clustering import KMedoids, fasterpam
from geomlearn.utils.estimator_checks import (
    check_no_global_random_state,
    check_pickle_roundtrip,
    check_predict_matches_labels,
    check_random_state_reproducible,
)

METHODS = ["fasterpam", "fastpam1", "fastpam2", "pam", "alternate"]
INITS = ["random", "build", "lab", "k-medoids++", "first"]


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(300, centers=5, random_state=1)
    return X, y


@pytest.mark.parametrize("method", METHODS)
def test_contract_kits(method, blobs):
    X, _ = blobs
    model = KMedoids(5, method=method, random_state=0)
    check_predict_matches_labels(model, X)
    check_pickle_roundtrip(model, X)
    check_no_global_random_state(model, X)
    check_random_state_reproducible(model, X)


def test_predict_matches_labels_on_integer_features_with_ties(digits):
    # Integer features give many exactly tied distances: labels_ and predict
    # must still agree (the kmedoids package returns medoid indices instead).
    X, _ = digits
    for init in INITS:
        check_predict_matches_labels(KMedoids(10, init=init, random_state=0), X)


@pytest.mark.parametrize(
    "metric",
    [
        "euclidean",
        "cityblock",
        "sqeuclidean",
        "chebyshev",
        "cosine",
        "correlation",
        "minkowski",
    ],
)
def test_features_and_precomputed_agree(metric, blobs):
    X, _ = blobs
    # oracle: scipy's pairwise distances
    D = cdist(X, X, metric=metric)
    np.fill_diagonal(D, 0)
    D = (D + D.T) / 2
    init = np.array([3, 50, 120, 200, 250])
    on_features = KMedoids(5, metric=metric, init=init).fit(X)
    on_matrix = KMedoids(5, metric="precomputed", init=init).fit(D)
    assert_array_equal(on_features.medoid_indices_, on_matrix.medoid_indices_)
    assert_array_equal(on_features.labels_, on_matrix.labels_)
    assert_allclose(on_features.inertia_, on_matrix.inertia_, rtol=1e-10)
    assert_allclose(
        on_features.transform(X), D[:, on_features.medoid_indices_], atol=1e-10
    )
    assert_array_equal(on_matrix.predict(D), on_matrix.labels_)
    assert on_matrix.cluster_centers_ is None
    assert_array_equal(on_features.cluster_centers_, X[on_features.medoid_indices_])


def test_matches_the_function_and_reports_its_counts(digits):
    X, _ = digits
    D = cdist(X, X)
    model = KMedoids(10, random_state=0).fit(X)
    init = np.random.RandomState(0).choice(len(X), 10, replace=False)
    result = fasterpam(D, init)
    assert_array_equal(model.medoid_indices_, result.medoids)
    assert (model.n_iter_, model.n_swaps_) == (result.n_iter, result.n_swap)
    assert_allclose(model.inertia_, D[:, result.medoids].min(axis=1).sum(), rtol=1e-12)


def test_callable_metric(blobs):
    X, _ = blobs

    def l1(a, b):
        return np.abs(a - b).sum()

    a = KMedoids(5, metric=l1, init="build").fit(X)
    b = KMedoids(5, metric="manhattan", init="build").fit(X)
    assert_array_equal(a.medoid_indices_, b.medoid_indices_)


def test_float32_stays_float32(blobs):
    X, _ = blobs
    X32 = X.astype(np.float32)
    model = KMedoids(5, random_state=0).fit(X32)
    assert model.cluster_centers_.dtype == np.float32
    assert model.transform(X32).dtype == np.float32
    D32 = cdist(X, X).astype(np.float32)
    model = KMedoids(5, metric="precomputed", random_state=0).fit(D32)
    assert model.transform(D32).dtype == np.float32


def test_integer_precomputed_matrix():
    D = np.array(
        [
            [0, 1, 2, 4, 7],
            [1, 0, 3, 5, 8],
            [2, 3, 0, 6, 9],
            [4, 5, 6, 0, 1],
            [7, 8, 9, 1, 0],
        ]
    )
    model = KMedoids(2, metric="precomputed", init=np.array([0, 1])).fit(D)
    assert_array_equal(model.medoid_indices_, [0, 3])
    assert model.inertia_ == 4
    assert_array_equal(model.labels_, [0, 0, 0, 1, 1])


def test_quality_on_digits_beats_alternate_and_is_reproducible(digits):
    X, y = digits
    fast = KMedoids(10, init="build").fit(X)
    alt = KMedoids(10, method="alternate", init="build").fit(X)
    assert fast.inertia_ <= alt.inertia_
    assert adjusted_rand_score(y, fast.labels_) > 0.5
    again = KMedoids(10, init="build").fit(X)
    assert_array_equal(fast.medoid_indices_, again.medoid_indices_)


def test_pipeline_and_grid_search(blobs):
    X, y = blobs
    pipe = make_pipeline(StandardScaler(), KMedoids(random_state=0))
    search = GridSearchCV(pipe, {"kmedoids__n_clusters": [2, 5]}, cv=3).fit(X)
    # score is minus the total deviation on held-out data: more medoids, higher
    assert search.best_params_["kmedoids__n_clusters"] == 5
    labels = clone(pipe).set_params(kmedoids__n_clusters=5).fit_predict(X)
    assert adjusted_rand_score(y, labels) > 0.9


def test_max_iter_warns():
    X, _ = make_blobs(400, centers=20, random_state=0)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        KMedoids(20, method="fastpam1", max_iter=1, random_state=0).fit(X)


def test_duplicates_warn_and_do_not_crash():
    X = np.repeat([[0.0, 0.0], [1.0, 1.0]], 5, axis=0)
    with pytest.warns(ConvergenceWarning, match="fewer distinct points"):
        model = KMedoids(3, random_state=0).fit(X)
    assert model.inertia_ == 0
    assert len(set(model.medoid_indices_.tolist())) == 3


def test_k_one_and_k_n(blobs):
    X, _ = blobs
    one = KMedoids(1).fit(X)
    D = cdist(X, X)
    assert one.medoid_indices_[0] == np.argmin(D.sum(axis=1))
    assert_array_equal(one.labels_, 0)
    everyone = KMedoids(len(X), random_state=0).fit(X)
    assert everyone.inertia_ == 0


@pytest.mark.parametrize(
    ("params", "X", "error", "match"),
    [
        ({"n_clusters": 0}, None, ValueError, "n_clusters"),
        (
            {"n_clusters": 400},
            None,
            ValueError,
            r"exceeds the number of samples \(300\)",
        ),
        ({"method": "banditpam"}, None, ValueError, "method"),
        ({"init": "kmeans++"}, None, ValueError, "init"),
        (
            {"init": [0, 1]},
            None,
            ValueError,
            "init holds 2 medoid indices but n_clusters=5",
        ),
        ({"init": [0, 0, 1, 2, 3]}, None, ValueError, "distinct"),
        ({"metric": "precomputed"}, None, ValueError, "square"),
        ({"metric": "no-such-metric"}, None, ValueError, "no-such-metric"),
        ({"fasttol": 2.0}, None, ValueError, "fasttol"),
        ({}, np.array([[0.0, np.nan]] * 10), ValueError, "NaN"),
        ({}, np.zeros((0, 2)), ValueError, "0 sample"),
        ({}, [["a", "b"]] * 10, ValueError, "could not convert|dtype"),
    ],
)
def test_bad_input(params, X, error, match, blobs):
    X = blobs[0] if X is None else X
    with pytest.raises(error, match=match):
        KMedoids(**{"n_clusters": 5, **params}).fit(X)


def test_precomputed_bad_matrices():
    with pytest.raises(ValueError, match="not symmetric"):
        KMedoids(1, metric="precomputed").fit(np.array([[0.0, 1.0], [3.0, 0.0]]))
    with pytest.raises(ValueError, match="negative"):
        KMedoids(1, metric="precomputed").fit(np.array([[0.0, -1.0], [-1.0, 0.0]]))
    model = KMedoids(1, metric="precomputed").fit(np.array([[0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="features"):
        model.predict(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="non-negative"):
        model.predict(-np.ones((3, 2)))


def test_score_is_minus_the_deviation(blobs):
    X, _ = blobs
    model = KMedoids(5, random_state=0).fit(X)
    assert_allclose(model.score(X), -model.inertia_, rtol=1e-12)
    assert_allclose(
        model.score(X[:10]), -cdist(X[:10], model.cluster_centers_).min(1).sum()
    )


def test_unfitted_and_pickle(blobs):
    X, _ = blobs
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        KMedoids().predict(X)
    model = KMedoids(5, random_state=0).fit(X)
    again = pickle.loads(pickle.dumps(model))
    assert_array_equal(again.predict(X), model.labels_)

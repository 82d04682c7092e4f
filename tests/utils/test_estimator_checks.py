"""Each kit check passes on a sound estimator and catches the fault it targets."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler

from geomlearn.utils.estimator_checks import (
    check_no_global_random_state,
    check_pickle_roundtrip,
    check_predict_matches_labels,
    check_random_state_reproducible,
)

X = np.random.RandomState(0).normal(size=(40, 3))


class MedoidIndexPredictor(ClusterMixin, BaseEstimator):
    """Returns medoid *indices* from predict, as kmedoids 0.5.5 does."""

    def fit(self, X, y=None):
        self.medoid_indices_ = np.array([3, 17])
        d = np.linalg.norm(X[:, None] - X[self.medoid_indices_][None], axis=-1)
        self.labels_ = d.argmin(1)
        return self

    def predict(self, X):
        return self.medoid_indices_[self.labels_]


class GlobalSeeder(TransformerMixin, BaseEstimator):
    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y=None):
        np.random.seed(self.random_state)
        self.shift_ = np.random.normal(size=X.shape[1])
        return self

    def transform(self, X):
        return X + self.shift_


class IgnoresRandomState(TransformerMixin, BaseEstimator):
    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y=None):
        self.shift_ = np.random.default_rng().normal(size=X.shape[1])
        return self

    def transform(self, X):
        return X + self.shift_


class ForgetsOnPickle(TransformerMixin, BaseEstimator):
    def fit(self, X, y=None):
        self.scale_ = X.std(0)
        return self

    def transform(self, X):
        return X / self.scale_

    def __getstate__(self):
        return {}

    def __setstate__(self, state):
        self.scale_ = 1.0


def test_sound_estimators_pass():
    km = KMeans(2, n_init=1)
    check_predict_matches_labels(km, X)
    check_no_global_random_state(km, X)
    check_random_state_reproducible(km, X)
    check_pickle_roundtrip(StandardScaler(), X)
    check_pickle_roundtrip(StandardScaler(), [list(row) for row in X])


def test_predict_matches_labels_catches_medoid_indices():
    with pytest.raises(AssertionError, match="disagrees with labels_"):
        check_predict_matches_labels(MedoidIndexPredictor(), X)


def test_no_global_random_state_catches_global_seeding():
    with pytest.raises(AssertionError, match="numpy's global random state"):
        check_no_global_random_state(GlobalSeeder(), X)


def test_no_global_random_state_watches_torch_when_loaded():
    torch = pytest.importorskip("torch")

    class TorchSeeder(GlobalSeeder):
        def fit(self, X, y=None):
            torch.manual_seed(0)
            self.shift_ = np.zeros(X.shape[1])
            return self

    with pytest.raises(AssertionError, match="torch's global random state"):
        check_no_global_random_state(TorchSeeder(), X)


def test_reproducible_catches_ignored_random_state():
    with pytest.raises(AssertionError, match="differs between two fits"):
        check_random_state_reproducible(IgnoresRandomState(), X)
    with pytest.raises(AssertionError, match="no random_state parameter"):
        check_random_state_reproducible(StandardScaler(), X)


def test_pickle_roundtrip_catches_lost_state():
    with pytest.raises(AssertionError, match="changed after a pickle round trip"):
        check_pickle_roundtrip(ForgetsOnPickle(), X)

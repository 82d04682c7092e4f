import pytest
from sklearn.base import BaseEstimator, ClusterMixin

from geomlearn.utils import all_estimators


def test_all_estimators_are_estimator_classes():
    for name, cls in all_estimators():
        assert cls.__name__ == name
        assert issubclass(cls, BaseEstimator)


def test_type_filter():
    for _, cls in all_estimators("cluster"):
        assert issubclass(cls, ClusterMixin)
    with pytest.raises(ValueError, match="type_filter"):
        all_estimators("clusterer")


def test_unavailable_estimators_are_reported_on_request():
    available = dict(all_estimators())
    everything = dict(all_estimators(include_unavailable=True))
    assert set(available) <= set(everything)
    for name in set(everything) - set(available):
        assert isinstance(everything[name], ImportError)

"""Checks of the geomlearn contract that scikit-learn's own checks do not cover.

scikit-learn's :func:`~sklearn.utils.estimator_checks.parametrize_with_checks`
tests estimators on 2-D feature matrices. Many geomlearn estimators take other
inputs (collections of point clouds, persistence diagrams, fields on grids),
and some promises of ours go beyond scikit-learn's. The checks here take the
estimator *and the data to test it on*, so each area's tests stay a few lines
long::

    from geomlearn.utils.estimator_checks import check_pickle_roundtrip

    def test_pickle(point_clouds):
        check_pickle_roundtrip(RipsPersistence(), point_clouds)

Every check raises :class:`AssertionError` with an explanation on failure.
Area-specific kits (equivariance, diagram transformers, vector-field kernels)
are added here as the areas land.
"""

import pickle
import sys

import numpy as np
from sklearn.base import clone

__all__ = [
    "check_no_global_random_state",
    "check_pickle_roundtrip",
    "check_predict_matches_labels",
    "check_random_state_reproducible",
]

_OUTPUT_METHODS = ("predict", "transform", "predict_proba", "decision_function")


def _fit(estimator, X, y):
    return estimator.fit(X) if y is None else estimator.fit(X, y)


def _outputs(estimator, X):
    """Return {method: output} for every output method the estimator has."""
    return {
        method: getattr(estimator, method)(X)
        for method in _OUTPUT_METHODS
        if hasattr(estimator, method)
    }


def _assert_same(a, b, what):
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)), f"{what}: a sequence became {type(b)}"
        assert len(a) == len(b), f"{what}: lengths differ ({len(a)} vs {len(b)})"
        for i, (ai, bi) in enumerate(zip(a, b, strict=True)):
            _assert_same(ai, bi, f"{what}[{i}]")
        return
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=what)


def check_predict_matches_labels(estimator, X):
    """Check that ``predict`` on the training data gives back ``labels_``.

    The scikit-learn clustering contract; the ``kmedoids`` package breaks it
    (its ``predict`` returns medoid indices, not cluster labels).

    Parameters
    ----------
    estimator : estimator instance
        A clusterer with ``fit``, ``predict`` and ``labels_``.
    X : object
        Training data in the form the estimator takes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import KMeans
    >>> from geomlearn.utils.estimator_checks import check_predict_matches_labels
    >>> X = np.random.RandomState(0).normal(size=(30, 2))
    >>> check_predict_matches_labels(KMeans(3, n_init=1, random_state=0), X)
    """
    fitted = clone(estimator).fit(X)
    labels = np.asarray(fitted.labels_)
    predicted = np.asarray(fitted.predict(X))
    mismatches = int(np.sum(labels != predicted))
    assert mismatches == 0, (
        f"{type(estimator).__name__}.predict(X_train) disagrees with labels_ on "
        f"{mismatches} of {len(labels)} samples."
    )


def check_pickle_roundtrip(estimator, X, y=None):
    """Check that a fitted estimator pickles, reloads and gives the same outputs.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check.
    X : object
        Data in the form the estimator takes (also passed to the outputs).
    y : array-like, default=None
        Targets, for supervised estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.decomposition import PCA
    >>> from geomlearn.utils.estimator_checks import check_pickle_roundtrip
    >>> check_pickle_roundtrip(PCA(2), np.random.RandomState(0).normal(size=(20, 4)))
    """
    fitted = _fit(clone(estimator), X, y)
    before = _outputs(fitted, X)
    reloaded = pickle.loads(pickle.dumps(fitted))
    after = _outputs(reloaded, X)
    assert before.keys() == after.keys()
    for method in before:
        _assert_same(
            before[method],
            after[method],
            f"{type(estimator).__name__}.{method} changed after a pickle round trip",
        )


def _global_states():
    """Snapshot numpy's and (when imported) torch's global random states."""
    states = {"numpy": np.random.get_state()}
    torch = sys.modules.get("torch")
    if torch is not None:
        states["torch"] = torch.random.get_rng_state().clone()
    return states


def _same_state(a, b):
    if isinstance(a, tuple):
        return all(_same_state(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "equal"):
        return bool(a.equal(b))
    return bool(np.array_equal(a, b))


def check_no_global_random_state(estimator, X, y=None):
    """Check that fitting and predicting with a set random_state leaves global RNGs alone.

    geomlearn estimators draw from generators made from ``random_state``;
    they never seed or draw from numpy's or torch's global generators, so a
    user's own random stream is not disturbed.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to check; its ``random_state`` is set to 0 if it has one.
    X : object
        Data in the form the estimator takes.
    y : array-like, default=None
        Targets, for supervised estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import KMeans
    >>> from geomlearn.utils.estimator_checks import check_no_global_random_state
    >>> X = np.random.RandomState(0).normal(size=(30, 2))
    >>> check_no_global_random_state(KMeans(3, n_init=2), X)
    """
    estimator = clone(estimator)
    if "random_state" in estimator.get_params():
        estimator.set_params(random_state=0)
    before = _global_states()
    _outputs(_fit(estimator, X, y), X)
    after = _global_states()
    for library, state in before.items():
        assert _same_state(state, after[library]), (
            f"{type(estimator).__name__} changed {library}'s global random state; "
            f"use a generator made from random_state instead."
        )


def check_random_state_reproducible(estimator, X, y=None):
    """Check that two fits with the same integer random_state agree exactly.

    Parameters
    ----------
    estimator : estimator instance
        A stochastic estimator with a ``random_state`` parameter.
    X : object
        Data in the form the estimator takes.
    y : array-like, default=None
        Targets, for supervised estimators.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.cluster import KMeans
    >>> from geomlearn.utils.estimator_checks import check_random_state_reproducible
    >>> X = np.random.RandomState(0).normal(size=(30, 2))
    >>> check_random_state_reproducible(KMeans(3, n_init=1), X)
    """
    assert "random_state" in estimator.get_params(), (
        f"{type(estimator).__name__} has no random_state parameter."
    )
    first = _fit(clone(estimator).set_params(random_state=7), X, y)
    second = _fit(clone(estimator).set_params(random_state=7), X, y)
    out1, out2 = _outputs(first, X), _outputs(second, X)
    for method in out1:
        _assert_same(
            out1[method],
            out2[method],
            f"{type(estimator).__name__}.{method} differs between two fits with "
            f"random_state=7",
        )

"""scikit-learn's estimator checks over every public geomlearn estimator.

Every estimator found by :func:`geomlearn.utils.all_estimators` is built with
the parameters below (small, fast, deterministic) and run through
:func:`sklearn.utils.estimator_checks.parametrize_with_checks`. A check that
an estimator is expected to fail is listed in ``EXPECTED_FAILED_CHECKS`` with
the reason; nothing else may fail.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from geomlearn.utils import all_estimators

# Constructor parameters for the checks: fast and deterministic.
TEST_PARAMS = {
    "TELL": {
        "n_clusters": 3,
        "max_epochs": 6,
        "pretrain_epochs": 2,
        "hidden_layer_sizes": (16,),
        "latent_dim": 4,
        "batch_size": 32,
        "device": "cpu",
        "random_state": 0,
    },
}

# {estimator name: {check name: reason}}. Every entry needs a reason a reviewer
# would accept.
EXPECTED_FAILED_CHECKS = {}


def _instances():
    for name, cls in all_estimators():
        yield cls(**TEST_PARAMS.get(name, {}))


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


ESTIMATORS = list(_instances())


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_every_expected_failure_names_a_known_estimator():
    # estimators whose extra is missing count as known
    names = {name for name, _ in all_estimators(include_unavailable=True)}
    assert set(EXPECTED_FAILED_CHECKS) <= names
    assert set(TEST_PARAMS) <= names


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
def test_init_only_stores_parameters(estimator):
    # The contract: __init__ stores its keyword arguments under the same names
    # and nothing else, so that clone() and set_params() work.
    params = estimator.get_params(deep=False)
    assert set(vars(estimator)) == set(params), (
        f"{type(estimator).__name__}.__init__ sets attributes that are not "
        f"parameters: {sorted(set(vars(estimator)) - set(params))}"
    )

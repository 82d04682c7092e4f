"""scikit-learn's estimator checks over every public geomlearn estimator.

Every estimator found by :func:`geomlearn.utils.all_estimators` is built with
the parameters below (small, fast, deterministic). Estimators of 2-D feature
matrices run through
:func:`sklearn.utils.estimator_checks.parametrize_with_checks`; a check that
an estimator is expected to fail is listed in ``EXPECTED_FAILED_CHECKS`` with
the reason, and nothing else may fail.

Transformers of collections (point clouds, images, graphs, diagrams) declare
``input_tags.two_d_array = False``, for which scikit-learn runs no check at
all. They run instead scikit-learn's data-free checks plus geomlearn's
collection kit (:func:`geomlearn.utils.estimator_checks.check_collection_transformer`)
on a collection from ``COLLECTION_DATA``.

Supervised estimators of collections (fields on grids: ``fit(X, y)`` with
``two_d_array = False`` and a required target) run the data-free checks plus
geomlearn's supervised checks (pickle round trip, reproducibility under
``random_state``, global random states left alone) on ``(X, y)`` from
``SUPERVISED_COLLECTION_DATA``.

Problem solvers (the PINNs and INSR of :mod:`geomlearn.pde`) take no data at all:
``fit(problem)`` with a problem of :mod:`geomlearn.pde.problems` and
``predict(x, t)`` on points. They declare it with the class attribute
``_fit_input = "problem"`` (scikit-learn's tags have no field for it) and run
the data-free checks plus the same three contract checks as the supervised
estimators, written here for that signature, on a problem from
``PROBLEM_DATA``.
"""

import pickle

import numpy as np
import pytest
from scipy import sparse
from sklearn.base import clone
from sklearn.utils import estimator_checks as sk_checks
from sklearn.utils import get_tags
from sklearn.utils.estimator_checks import parametrize_with_checks

from geomlearn.utils import all_estimators
from geomlearn.utils.estimator_checks import (
    COLLECTION_CHECKS,
    _global_states,
    _same_state,
    check_no_global_random_state,
    check_pickle_roundtrip,
    check_random_state_reproducible,
)

# Constructor parameters for the checks: fast and deterministic.
TEST_PARAMS = {
    "SlicedWassersteinSignedMeasureKernel": {"n_directions": 5, "random_state": 0},
    "ScalarFieldGP": {"n_neighbors": 5, "n_eigenpairs": 30, "random_state": 0},
    "VectorFieldGP": {"n_neighbors": 5, "n_eigenpairs": 10, "random_state": 0},
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
    "EquivariantRegressor": {
        "hidden": 8,
        "n_layers": 1,
        "max_epochs": 2,
        "device": "cpu",
        "random_state": 0,
    },
    "LatentSpectralOperator": {
        "width": 8,
        "n_heads": 4,
        "n_levels": 2,
        "max_epochs": 2,
        "device": "cpu",
        "random_state": 0,
    },
    "PINN": {
        "hidden_layer_sizes": (8,),
        "n_collocation": 50,
        "n_initial": 16,
        "adam_epochs": 5,
        "lbfgs_iterations": 3,
        "device": "cpu",
        "random_state": 0,
    },
    "LagrangianPINN": {
        "hidden_layer_sizes": (8,),
        "n_collocation": 50,
        "n_initial": 16,
        "adam_epochs": 5,
        "lbfgs_iterations": 3,
        "n_interpolation": 32,
        "device": "cpu",
        "random_state": 0,
    },
    "INSRSolver": {
        "hidden_layer_sizes": (8,),
        "n_samples": 64,
        "max_iter": 5,
        "init_max_iter": 10,
        "time_step": 0.05,
        "device": "cpu",
        "random_state": 0,
    },
}

# {estimator name: {check name: reason}}. Every entry needs a reason a reviewer
# would accept.
EXPECTED_FAILED_CHECKS = {}

# VectorFieldGP.fit(X, V) takes one tangent vector per point, V of the shape
# of X; scikit-learn's regressor checks pass a 1-D or (n_samples, 1) target
# and the fit refuses it with a ValueError. The same contract (pickling,
# idempotence, n_features_in_, sample-order and subset invariance, NaN and
# object refusal, array-likes, float32, F-contiguous and read-only memmap
# inputs, parameters and state left alone) is replayed with vector targets in
# tests/geometry/test_field_gp.py (test_vector_gp_contract*).
_VECTOR_TARGET = (
    "needs vector targets V of shape (n_samples, n_features); the check "
    "passes a scalar target (contract checked in tests/geometry/test_field_gp.py)"
)
EXPECTED_FAILED_CHECKS["VectorFieldGP"] = dict.fromkeys(
    [
        "check_dict_unchanged",
        "check_dont_overwrite_parameters",
        "check_dtype_object",
        "check_estimators_dtypes",
        "check_estimators_fit_returns_self",
        "check_estimators_nan_inf",
        "check_estimators_overwrite_params",
        "check_estimators_pickle",
        "check_estimators_pickle(readonly_memmap=True)",
        "check_f_contiguous_array_estimator",
        "check_fit2d_predict1d",
        "check_fit_check_is_fitted",
        "check_fit_idempotent",
        "check_fit_score_takes_y",
        "check_methods_sample_order_invariance",
        "check_methods_subset_invariance",
        "check_n_features_in",
        "check_n_features_in_after_fitting",
        "check_non_transformer_estimators_n_iter",
        "check_pipeline_consistency",
        "check_positive_only_tag_during_fit",
        "check_readonly_memmap_input",
        "check_regressor_data_not_an_array",
        "check_regressor_multioutput",
        "check_regressors_int",
        "check_regressors_no_decision_function",
        "check_regressors_train",
        "check_regressors_train(readonly_memmap=True)",
        "check_regressors_train(readonly_memmap=True,X_dtype=float32)",
        "check_requires_y_none",
    ],
    _VECTOR_TARGET,
)


def _clouds():
    rng = np.random.default_rng(0)
    return [rng.normal(size=(n, 3)) for n in (12, 9, 15, 10, 11, 8)]


def _diagrams():
    rng = np.random.default_rng(1)

    def one(n):
        b = rng.uniform(0, 1, n)
        return np.c_[b, b + rng.exponential(0.5, n)]

    return [[np.r_[one(n), [[0.0, np.inf]]], one(n // 2)] for n in (6, 3, 8, 5, 7, 4)]


def _graphs():
    rng = np.random.default_rng(2)
    out = []
    for n in (6, 7, 5, 8, 6, 9):
        A = sparse.random(n, n, density=0.5, random_state=rng)
        out.append(A if n % 2 else (A, rng.normal(size=n)))
    return out


def _bifiltered_clouds():
    rng = np.random.default_rng(4)
    return [(rng.normal(size=(n, 2)), rng.uniform(size=n)) for n in (8, 6, 9, 7)]


def _bifiltered_complexes():
    from geomlearn.topology import RipsLowerStar

    return RipsLowerStar().fit_transform(_bifiltered_clouds())


def _signed_measures():
    from geomlearn.topology import SignedMeasure

    return SignedMeasure(resolution=6).fit_transform(_bifiltered_complexes())


# A collection each collection transformer takes (at least four samples).
COLLECTION_DATA = {
    "RipsPersistence": _clouds,
    "AlphaPersistence": _clouds,
    "CubicalPersistence": lambda: np.random.default_rng(3).random((6, 7, 8)),
    "GraphPersistence": _graphs,
    "TimeDelayEmbedding": lambda: [
        np.sin(np.arange(n) / 3.0) for n in (20, 25, 20, 30)
    ],
    "PersistenceImage": _diagrams,
    "PersistenceLandscape": _diagrams,
    "BettiCurve": _diagrams,
    "PersistenceSilhouette": _diagrams,
    "PersistenceEntropy": _diagrams,
    "SlicedWassersteinKernel": _diagrams,
    "PersistenceScaleSpaceKernel": _diagrams,
    "RipsLowerStar": _bifiltered_clouds,
    "RipsCodensity": lambda: [cloud for cloud, _ in _bifiltered_clouds()],
    "GraphLowerStar": _graphs,
    "CubicalBifiltration": lambda: np.random.default_rng(5).random((5, 6, 7, 2)),
    "SignedMeasure": _bifiltered_complexes,
    "SignedMeasureConvolution": lambda: _signed_measures(),
    "SlicedWassersteinSignedMeasureKernel": lambda: _signed_measures(),
}

# (X, y) each supervised collection estimator takes (at least four samples).
SUPERVISED_COLLECTION_DATA = {
    "EquivariantRegressor": lambda: (
        [{"pos": p} for p in np.random.default_rng(8).normal(size=(6, 5, 3))],
        np.random.default_rng(9).normal(size=6),
    ),
    "LatentSpectralOperator": lambda: (
        np.random.default_rng(6).normal(size=(6, 8, 8, 1)),
        np.random.default_rng(7).normal(size=(6, 8, 8, 2)),
    ),
}
SUPERVISED_COLLECTION_CHECKS = (
    check_pickle_roundtrip,
    check_random_state_reproducible,
    check_no_global_random_state,
)


def _convection():
    from geomlearn.pde.problems import Convection

    return Convection(beta=3.0, nu=0.01)


# The problem each problem solver is fitted on.
def _short_taylor_green():
    from geomlearn.pde.problems import TaylorGreen

    return TaylorGreen(t_final=0.1)


PROBLEM_DATA = {
    "PINN": _convection,
    "LagrangianPINN": _convection,
    "INSRSolver": _short_taylor_green,
}

# scikit-learn's checks that need no data
DATA_FREE_CHECKS = (
    sk_checks.check_parameters_default_constructible,
    sk_checks.check_no_attributes_set_in_init,
    sk_checks.check_get_params_invariance,
    sk_checks.check_set_params,
    sk_checks.check_estimator_repr,
    sk_checks.check_estimator_cloneable,
    sk_checks.check_estimator_tags_renamed,
    sk_checks.check_valid_tag_types,
    sk_checks.check_mixin_order,
    sk_checks.check_do_not_raise_errors_in_init_or_set_params,
)


def _instances():
    for name, cls in all_estimators():
        yield cls(**TEST_PARAMS.get(name, {}))


def _expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})


ESTIMATORS = list(_instances())
MATRIX_ESTIMATORS = [e for e in ESTIMATORS if get_tags(e).input_tags.two_d_array]
NON_MATRIX_ESTIMATORS = [
    e for e in ESTIMATORS if not get_tags(e).input_tags.two_d_array
]
PROBLEM_SOLVERS = [
    e for e in NON_MATRIX_ESTIMATORS if getattr(e, "_fit_input", None) == "problem"
]
COLLECTION_ESTIMATORS = [
    e
    for e in NON_MATRIX_ESTIMATORS
    if not get_tags(e).target_tags.required and e not in PROBLEM_SOLVERS
]
SUPERVISED_COLLECTION_ESTIMATORS = [
    e for e in NON_MATRIX_ESTIMATORS if get_tags(e).target_tags.required
]


@parametrize_with_checks(
    MATRIX_ESTIMATORS, expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def _name(obj):
    return getattr(obj, "__name__", type(obj).__name__).lstrip("_")


@pytest.mark.parametrize("check", DATA_FREE_CHECKS, ids=_name)
@pytest.mark.parametrize("estimator", NON_MATRIX_ESTIMATORS, ids=_name)
def test_collection_estimator_data_free_checks(estimator, check):
    check(type(estimator).__name__, clone(estimator))


@pytest.mark.parametrize("check", COLLECTION_CHECKS, ids=_name)
@pytest.mark.parametrize("estimator", COLLECTION_ESTIMATORS, ids=_name)
def test_collection_estimator(estimator, check):
    check(clone(estimator), COLLECTION_DATA[type(estimator).__name__]())


@pytest.mark.parametrize("check", SUPERVISED_COLLECTION_CHECKS, ids=_name)
@pytest.mark.parametrize("estimator", SUPERVISED_COLLECTION_ESTIMATORS, ids=_name)
def test_supervised_collection_estimator(estimator, check):
    X, y = SUPERVISED_COLLECTION_DATA[type(estimator).__name__]()
    check(clone(estimator), X, y)


def _problem_points(problem):
    (x_min, x_max), (t0, t1) = problem.x_range, problem.t_range
    x, t = np.meshgrid(np.linspace(x_min, x_max, 7), np.linspace(t0, t1, 3))
    if problem.n_spatial_dims == 2:  # positions of shape (..., 2)
        x = np.stack([x, x[:, ::-1]], axis=-1)
    return x, t


def check_problem_pickle_roundtrip(estimator, problem):
    fitted = clone(estimator).fit(problem)
    x, t = _problem_points(problem)
    reloaded = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(reloaded.predict(x, t), fitted.predict(x, t))


def check_problem_random_state_reproducible(estimator, problem):
    x, t = _problem_points(problem)
    first = clone(estimator).set_params(random_state=7).fit(problem)
    second = clone(estimator).set_params(random_state=7).fit(problem)
    np.testing.assert_array_equal(first.predict(x, t), second.predict(x, t))


def check_problem_no_global_random_state(estimator, problem):
    x, t = _problem_points(problem)
    before = _global_states()
    clone(estimator).set_params(random_state=0).fit(problem).predict(x, t)
    after = _global_states()
    for library, state in before.items():
        assert _same_state(state, after[library]), f"{library}'s global RNG changed"


PROBLEM_SOLVER_CHECKS = (
    check_problem_pickle_roundtrip,
    check_problem_random_state_reproducible,
    check_problem_no_global_random_state,
)


@pytest.mark.parametrize("check", PROBLEM_SOLVER_CHECKS, ids=_name)
@pytest.mark.parametrize("estimator", PROBLEM_SOLVERS, ids=_name)
def test_problem_solver(estimator, check):
    check(clone(estimator), PROBLEM_DATA[type(estimator).__name__]())


def test_every_estimator_is_checked():
    # an estimator is either a 2-D-matrix estimator (scikit-learn's checks), a
    # collection transformer with data for the kit, a supervised collection
    # estimator with (X, y) for the supervised checks, or a problem solver with
    # a problem for the problem-solver checks
    for estimator in COLLECTION_ESTIMATORS:
        assert type(estimator).__name__ in COLLECTION_DATA
    for estimator in SUPERVISED_COLLECTION_ESTIMATORS:
        assert type(estimator).__name__ in SUPERVISED_COLLECTION_DATA
    for estimator in PROBLEM_SOLVERS:
        assert type(estimator).__name__ in PROBLEM_DATA
    known = {name for name, _ in all_estimators(include_unavailable=True)}
    assert set(COLLECTION_DATA) <= known
    assert set(SUPERVISED_COLLECTION_DATA) <= known
    assert set(PROBLEM_DATA) <= known


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

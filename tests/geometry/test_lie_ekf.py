"""LieEKF against oracles: a hand-written linear Kalman filter (R^n), the
information form of the update, Monte Carlo propagation of the error, and
consistency (NEES within chi-square bounds) on simulated robots."""

import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib
from numpy.testing import assert_allclose
from scipy.stats import chi2

from geomlearn.geometry.lie import SE2, SE3, SE23, SO2, SO3, LieEKF, Rn

GROUPS = [SO2, SE2, SO3, SE3, SE23, Rn(3)]


def _ids(group):
    return repr(group)


def _gaussian(rng, cov, size):
    """Samples of N(0, cov), shape (size, len(cov))."""
    return rng.multivariate_normal(np.zeros(len(cov)), cov, size)


def _chi2_bounds(dof, n_runs, level):
    """Two-sided bounds on the average of n_runs chi-square(dof) variables."""
    tail = (1 - level) / 2
    return chi2.ppf([tail, 1 - tail], dof * n_runs) / n_runs


# ------------------------------------------------- R^n: the classical Kalman filter
def _hand_kalman(x, P, A, B, Q, C, R, controls, measurements):
    """The textbook linear Kalman filter, written out with explicit inverses."""
    xs, Ps = [], []
    for u, y in zip(controls, measurements, strict=True):
        x = A @ x + B @ u
        P = A @ P @ A.T + B @ Q @ B.T
        S = C @ P @ C.T + R
        K = P @ C.T @ np.linalg.inv(S)
        x = x + K @ (y - C @ x)
        P = (np.eye(len(x)) - K @ C) @ P
        xs.append(x)
        Ps.append(P)
    return np.array(xs), np.array(Ps)


def test_rn_reduces_to_the_classical_kalman_filter(global_random_seed):
    # Constant-velocity target in the plane, state (px, py, vx, vy), driven by
    # an acceleration control, position measured.
    rng = np.random.default_rng(global_random_seed)
    dt = 0.1
    A = np.block([[np.eye(2), dt * np.eye(2)], [np.zeros((2, 2)), np.eye(2)]])
    B = np.vstack([0.5 * dt**2 * np.eye(2), dt * np.eye(2)])
    C = np.hstack([np.eye(2), np.zeros((2, 2))])
    Q = np.diag([0.3, 0.5]) ** 2
    R = np.array([[0.04, 0.01], [0.01, 0.09]])
    x0, P0 = np.array([0.0, 0.0, 1.0, 0.5]), np.diag([1.0, 1.0, 0.5, 0.5])
    controls = rng.standard_normal((60, 2))
    measurements = rng.standard_normal((60, 2)) + np.cumsum(controls, axis=0) * dt

    def motion(x, u, dt):
        return A @ x + B @ u, A, B

    def position(x):
        return C @ x, C

    ekf = LieEKF(Rn(4), x0, P0)
    for u, y in zip(controls, measurements, strict=True):
        ekf.predict(u, Q, motion=motion, dt=dt)
        ekf.update(y, R, measurement=position)
        x_hand, P_hand = _hand_kalman(x0, P0, A, B, Q, C, R, [u], [y])
        x0, P0 = x_hand[0], P_hand[0]
        assert_allclose(ekf.X, x0, rtol=1e-12, atol=1e-12)
        assert_allclose(ekf.P, P0, rtol=1e-11, atol=1e-13)


def test_rn_default_motion_is_a_random_walk_with_drift(global_random_seed):
    # X <- X + u dt, P <- P + dt^2 Q, then a direct measurement (H = I).
    rng = np.random.default_rng(global_random_seed)
    dt, Q, R = 0.5, np.diag([0.2, 0.1, 0.3]), np.diag([0.5, 0.4, 0.2])
    x, P = rng.standard_normal(3), np.eye(3)
    ekf = LieEKF(Rn(3), x, P)
    for _ in range(20):
        u, y = rng.standard_normal(3), rng.standard_normal(3)
        ekf.predict(u, Q, dt=dt)
        ekf.update(y, R)
        x_hand, P_hand = _hand_kalman(
            x, P, np.eye(3), dt * np.eye(3), Q, np.eye(3), R, [u], [y]
        )
        x, P = x_hand[0], P_hand[0]
        assert_allclose(ekf.X, x, rtol=1e-12, atol=1e-12)
        assert_allclose(ekf.P, P, rtol=1e-11, atol=1e-13)


# --------------------------------------------------------------- single steps
@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_update_is_the_information_form(group, global_random_seed):
    """Without the reset, P_new^{-1} = P^{-1} + H^T R^{-1} H and the correction
    is P_new H^T R^{-1} z: the Joseph form must give the same numbers."""
    rng = np.random.default_rng(global_random_seed)
    X = group.random(random_state=global_random_seed)
    M = rng.standard_normal((group.dof, group.dof))
    P = M @ M.T + 0.1 * np.eye(group.dof)
    p = 4
    H = rng.standard_normal((p, group.dof))
    N = rng.standard_normal((p, p))
    R = N @ N.T + 0.5 * np.eye(p)
    offset, y = rng.standard_normal(p), rng.standard_normal(p)

    for reset in (False, True):
        ekf = LieEKF(group, X, P, reset=reset)
        ekf.update(y, R, measurement=lambda X: (offset, H))
        P_info = np.linalg.inv(np.linalg.inv(P) + H.T @ np.linalg.solve(R, H))
        delta = P_info @ H.T @ np.linalg.solve(R, y - offset)
        assert_allclose(group.rminus(ekf.X, X), delta, rtol=1e-9, atol=1e-12)
        if reset:
            J = group.rjac(delta)
            P_info = J @ P_info @ J.T
        assert_allclose(ekf.P, P_info, rtol=1e-9, atol=1e-12)
        assert_allclose(ekf.P, ekf.P.T, rtol=0, atol=0)
        assert_allclose(ekf.innovation, y - offset)
        assert_allclose(ekf.innovation_covariance, H @ P @ H.T + R, rtol=1e-12)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_predict_propagates_the_error_like_monte_carlo(group, global_random_seed):
    """Sample the error and the control noise, push the samples through the
    exact motion X ⊕ δ ⊕ (u + w) dt, and compare their covariance about the
    predicted mean with the predicted P (first order: small noise)."""
    rng = np.random.default_rng(global_random_seed)
    dof, n, dt = group.dof, 40_000, 0.5
    X = group.random(random_state=global_random_seed)
    u = rng.standard_normal(dof)
    A, B = rng.standard_normal((2, dof, dof))
    P = 1e-4 * (A @ A.T + 0.1 * np.eye(dof))
    Q = 1e-4 * (B @ B.T + 0.1 * np.eye(dof))
    ekf = LieEKF(group, X, P)
    ekf.predict(u, Q, dt=dt)
    assert_allclose(ekf.X, group.rplus(X, u * dt))

    start = group.rplus(X, _gaussian(rng, P, n))
    moved = group.rplus(start, (u + _gaussian(rng, Q, n)) * dt)
    errors = group.rminus(moved, ekf.X)
    covariance = errors.T @ errors / n
    scale = np.sqrt(np.outer(np.diag(ekf.P), np.diag(ekf.P)))
    # Sampling error of a covariance from 40000 samples: about 1/sqrt(n/2).
    assert_allclose(covariance / scale, ekf.P / scale, atol=0.03)


def test_user_motion_and_measurement_in_float32_keep_P_symmetric_positive():
    # Many precise updates in float32: the Joseph form keeps P a covariance.
    X = SE2.identity(dtype=np.float32)
    ekf = LieEKF(SE2, X, np.eye(3, dtype=np.float32))
    assert ekf.X.dtype == ekf.P.dtype == np.float32
    for k in range(200):
        ekf.predict(np.array([1.0, 0.0, 0.1]), 1e-4 * np.eye(3), dt=0.1)
        ekf.update(SE2.exp(np.array([0.1 * k, 0.0, 0.01 * k])), 1e-8 * np.eye(3))
    assert ekf.X.dtype == ekf.P.dtype == np.float32
    assert_allclose(ekf.P, ekf.P.T, rtol=0, atol=0)
    assert np.linalg.eigvalsh(ekf.P.astype(np.float64)).min() > 0


def test_nees_is_the_mahalanobis_norm_of_the_local_error(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X, X_true = SE3.random(2, random_state=global_random_seed)
    A = rng.standard_normal((6, 6))
    P = A @ A.T + np.eye(6)
    ekf = LieEKF(SE3, X, P)
    delta = SE3.rminus(X_true, X)
    assert_allclose(ekf.nees(X_true), delta @ np.linalg.inv(P) @ delta, rtol=1e-10)


# ------------------------------------------------------------- batching, torch
def _drive(ekf, controls, measurements, landmarks):
    observe = _range_bearing(landmarks)
    Q = np.diag([0.1, 0.05, 0.05]) ** 2
    R = np.kron(np.eye(len(landmarks)), np.diag([0.1, 0.03]) ** 2)
    for u, y in zip(controls, measurements, strict=True):
        ekf.predict(u, Q, dt=0.1)
        ekf.update(y, R, measurement=observe, residual=_wrap_bearings)
    return ekf


def test_a_batch_of_filters_is_independent_filters(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    landmarks = np.array([[3.0, 1.0], [-1.0, 4.0]])
    n, steps = 3, 15
    X0 = SE2.exp(0.1 * rng.standard_normal((n, 3)))
    controls = np.array([1.0, 0.0, 0.3]) + 0.1 * rng.standard_normal((steps, n, 3))
    measurements = np.abs(rng.standard_normal((steps, n, 4))) + 1.0
    batch = _drive(LieEKF(SE2, X0, 0.01 * np.eye(3)), controls, measurements, landmarks)
    for i in range(n):
        single = _drive(
            LieEKF(SE2, X0[i], 0.01 * np.eye(3)),
            controls[:, i],
            measurements[:, i],
            landmarks,
        )
        assert_allclose(batch.X[i], single.X, rtol=1e-12, atol=1e-14)
        assert_allclose(batch.P[i], single.P, rtol=1e-12, atol=1e-14)


def test_torch_gives_the_numpy_numbers_and_gradients(global_random_seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(global_random_seed)
    landmarks = np.array([[3.0, 1.0], [-1.0, 4.0]])
    controls = np.array([1.0, 0.0, 0.3]) + 0.1 * rng.standard_normal((6, 3))
    measurements = np.abs(rng.standard_normal((6, 4))) + 1.0

    def final_x(measurements, lib):
        asarray = torch.as_tensor if lib == "torch" else np.asarray
        ekf = LieEKF(SE2, asarray(SE2.identity()), asarray(0.01 * np.eye(3)))
        _drive(ekf, asarray(controls), measurements, asarray(landmarks))
        return ekf

    ekf_np = final_x(measurements, "numpy")
    y = torch.tensor(measurements, requires_grad=True)
    ekf_t = final_x(y, "torch")
    assert isinstance(ekf_t.X, torch.Tensor)
    assert ekf_t.X.dtype == torch.float64
    assert_allclose(ekf_t.X.detach().numpy(), ekf_np.X, rtol=1e-12, atol=1e-14)
    assert_allclose(ekf_t.P.detach().numpy(), ekf_np.P, rtol=1e-12, atol=1e-14)
    # d x_final / d measurements by autograd against central differences.
    ekf_t.X[0].backward()
    numeric = np.zeros_like(measurements)
    h = 1e-6
    for index in np.ndindex(measurements.shape):
        plus, minus = measurements.copy(), measurements.copy()
        plus[index] += h
        minus[index] -= h
        numeric[index] = (
            final_x(plus, "numpy").X[0] - final_x(minus, "numpy").X[0]
        ) / (2 * h)
    assert_allclose(y.grad.numpy(), numeric, rtol=1e-5, atol=1e-8)


# ---------------------------------------------------- consistency on simulations
def _lib(x):
    """numpy, or torch for a tensor (the tests run in both)."""
    return np if isinstance(x, np.ndarray) else sys.modules["torch"]


def _wrap_bearings(y, y_pred):
    """Innovation of stacked (range, bearing) pairs, bearings wrapped."""
    z = y - y_pred
    lib = _lib(z)
    odd = lib.arange(z.shape[-1]) % 2 == 1
    return lib.where(odd, lib.arctan2(lib.sin(z), lib.cos(z)), z)


def _range_bearing(landmarks):
    """Measurement model: range and bearing of each landmark, seen from X.

    The landmark in the robot frame is ``p = X^{-1} . l``; its Jacobian with
    respect to X comes from the group by the chain rule, then the polar
    coordinates are differentiated by hand.
    """

    def observe(X):
        lib = _lib(X)
        X_inv, J_inv = SE2.inverse(X, jacobians=True)
        p, J_p, _ = SE2.act(X_inv[..., None, :], landmarks, jacobians=True)
        J = J_p @ J_inv[..., None, :, :]  # (..., L, 2, 3)
        x, y = p[..., 0], p[..., 1]
        r2 = x * x + y * y
        r = lib.sqrt(r2)
        d_range = lib.stack([x / r, y / r], -1)[..., None, :] @ J
        d_bearing = lib.stack([-y / r2, x / r2], -1)[..., None, :] @ J
        prediction = lib.stack([r, lib.arctan2(y, x)], -1)
        H = lib.concatenate([d_range, d_bearing], -2)
        n = prediction.shape[-2] * 2
        return (
            prediction.reshape(*prediction.shape[:-2], n),
            H.reshape(*H.shape[:-3], n, 3),
        )

    return observe


def _se2_monte_carlo(seed, n_runs=200, n_steps=320):
    """A robot drives a loop of radius 5 m (1 m/s, 0.2 rad/s, dt = 0.1 s) with
    noisy odometry, and every second sees six known landmarks (range, bearing).

    Returns the NEES of every run at every step, and the position errors of
    the filter and of dead reckoning (odometry alone).
    """
    rng = np.random.default_rng(seed)
    dt, u = 0.1, np.array([1.0, 0.0, 0.2])
    Q = np.diag([0.2, 0.1, 0.1]) ** 2  # odometry noise, per step
    R1 = np.diag([0.1, np.deg2rad(2.0)]) ** 2
    landmarks = np.array(
        [[0.0, 5.0], [6.5, 1.0], [6.5, 9.0], [-6.5, 1.0], [-6.5, 9.0], [0.0, 12.0]]
    )
    R = np.kron(np.eye(len(landmarks)), R1)
    observe = _range_bearing(landmarks)
    P0 = np.diag([0.05, 0.05, 0.02]) ** 2
    X0 = SE2.identity((n_runs,))
    X_true = SE2.rplus(X0, _gaussian(rng, P0, n_runs))
    ekf = LieEKF(SE2, X0, P0)
    dead_reckoning = X0
    nees, error, drift = [], [], []
    for k in range(n_steps):
        X_true = SE2.rplus(X_true, (u + _gaussian(rng, Q, n_runs)) * dt)
        ekf.predict(u, Q, dt=dt)
        dead_reckoning = SE2.rplus(dead_reckoning, u * dt)
        if k % 10 == 9:
            y, _ = observe(X_true)
            y = y + _gaussian(rng, R, n_runs)
            ekf.update(y, R, measurement=observe, residual=_wrap_bearings)
        nees.append(ekf.nees(X_true))
        error.append(np.linalg.norm(ekf.X[:, :2] - X_true[:, :2], axis=-1))
        drift.append(np.linalg.norm(dead_reckoning[:, :2] - X_true[:, :2], axis=-1))
    return np.array(nees), np.array(error), np.array(drift)


def test_se2_landmark_localisation_is_accurate_and_consistent(global_random_seed):
    n_runs = 200
    nees, error, drift = _se2_monte_carlo(global_random_seed, n_runs=n_runs)
    # Localised: the error stays far below the drift of dead reckoning.
    rms = np.sqrt(np.mean(error**2))
    assert rms < 0.15 * np.sqrt(np.mean(drift**2))
    assert rms < 0.15  # metres, on a loop of 31 m
    # Consistent: the NEES averaged over the runs follows chi2(3 n) / n.
    average = nees.mean(axis=1)
    low95, high95 = _chi2_bounds(3, n_runs, 0.95)
    low99, high99 = _chi2_bounds(3, n_runs, 0.99)
    inside = np.mean((average > low95) & (average < high95))
    assert inside > 0.85, inside  # 0.95 expected; steps are correlated
    assert low99 < average.mean() < high99


def _vector_observations(group):
    """Measure where the state moves two fixed vectors (a compass and gravity)."""
    targets = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0]])[:, : group.act_size]

    def observe(X):
        w, J_X, _ = group.act(X[..., None, :], targets, jacobians=True)
        n = 2 * group.act_size
        return w.reshape(*w.shape[:-2], n), J_X.reshape(*J_X.shape[:-3], n, group.dof)

    return observe


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
@pytest.mark.parametrize("measured", ["state", "vectors"])
def test_random_walks_on_every_group_are_tracked_consistently(
    group, measured, global_random_seed
):
    """X_k+1 = X_k ⊕ (u + w) dt, measured directly (y = X ⊕ v) or through the
    vectors it moves; the filter's average NEES must fit chi-square."""
    rng = np.random.default_rng(global_random_seed)
    n_runs, n_steps, dof, dt = 200, 60, group.dof, 0.1
    u = rng.standard_normal(dof)
    Q = np.diag(rng.uniform(0.05, 0.2, dof)) ** 2 / dt
    P0 = np.diag(rng.uniform(0.02, 0.1, dof)) ** 2
    X0 = group.random(random_state=global_random_seed)
    X_true = group.rplus(X0, _gaussian(rng, P0, n_runs))
    ekf = LieEKF(group, X0, P0)
    if measured == "state":
        R = np.diag(rng.uniform(0.02, 0.1, dof)) ** 2
        observe = None
    else:
        observe = _vector_observations(group)
        R = 0.05**2 * np.eye(2 * group.act_size)
    nees = []
    for _ in range(n_steps):
        X_true = group.rplus(X_true, (u + _gaussian(rng, Q, n_runs)) * dt)
        ekf.predict(u, Q, dt=dt)
        if observe is None:
            y = group.rplus(X_true, _gaussian(rng, R, n_runs))
        else:
            y = observe(X_true)[0] + _gaussian(rng, R, n_runs)
        ekf.update(y, R, measurement=observe)
        nees.append(ekf.nees(X_true).mean())
    low, high = _chi2_bounds(dof, n_runs, 0.99)
    assert low < np.mean(nees) < high
    assert np.mean((np.array(nees) > low) & (np.array(nees) < high)) > 0.85


# ------------------------------------------------------------------- bad input
def test_bad_input_is_reported():
    P = np.eye(3)
    with pytest.raises(TypeError, match="Lie group"):
        LieEKF(np.eye(3), SE2.identity(), P)
    with pytest.raises(ValueError, match=r"\(\.\.\., 4\)"):
        LieEKF(SE2, np.zeros(3), P)
    with pytest.raises(ValueError, match=r"P must have shape \(\.\.\., 3, 3\)"):
        LieEKF(SE2, SE2.identity(), np.eye(2))
    with pytest.raises(ValueError, match="symmetric"):
        LieEKF(SE2, SE2.identity(), np.triu(np.ones((3, 3))))
    with pytest.raises(ValueError, match="positive semi-definite"):
        LieEKF(SE2, SE2.identity(), -np.eye(3))
    with pytest.raises(ValueError, match="NaN"):
        LieEKF(SE2, SE2.identity(), np.full((3, 3), np.nan))

    ekf = LieEKF(SE2, SE2.identity(), P)
    with pytest.raises(ValueError, match="needs a control"):
        ekf.predict(None, P)
    with pytest.raises(ValueError, match=r"tangent vectors .* \(\.\.\., 3\)"):
        ekf.predict(np.zeros(2), P)
    with pytest.raises(ValueError, match=r"Q must have shape \(\.\.\., 3, 3\)"):
        ekf.predict(np.zeros(3), np.eye(2))
    with pytest.raises(TypeError, match=r"motion must return a tuple \(X_new"):
        ekf.predict(None, P, motion=lambda X, u, dt: X)
    with pytest.raises(ValueError, match="F_X"):
        ekf.predict(None, P, motion=lambda X, u, dt: (X, np.eye(2), np.eye(3)))
    with pytest.raises(ValueError, match="Q must have shape"):
        ekf.predict(None, P, motion=lambda X, u, dt: (X, np.eye(3), np.ones((3, 2))))
    with pytest.raises(TypeError, match="measurement must return a tuple"):
        ekf.update(np.zeros(2), np.eye(2), measurement=lambda X: X)
    with pytest.raises(ValueError, match=r"H \(returned by measurement\)"):
        ekf.update(np.zeros(2), np.eye(2), measurement=lambda X: (X[:2], np.eye(2)))
    with pytest.raises(ValueError, match="predicted measurement has shape"):
        ekf.update(np.zeros(3), np.eye(2), measurement=lambda X: (X[:2], P[:2]))
    with pytest.raises(ValueError, match=r"R must have shape \(\.\.\., 2, 2\)"):
        ekf.update(np.zeros(2), np.eye(3), measurement=lambda X: (X[:2], P[:2]))
    with pytest.raises(ValueError, match="innovation has shape"):
        ekf.update(
            np.zeros(2),
            np.eye(2),
            measurement=lambda X: (X[:2], P[:2]),
            residual=lambda y, y_pred: np.zeros(3),
        )
    with pytest.raises(ValueError, match=r"\(\.\.\., 4\)"):
        ekf.update(np.zeros(3), P)  # the default measurement takes an element
    # Nothing above changed the filter.
    assert_allclose(ekf.X, SE2.identity())
    assert_allclose(ekf.P, P)
    assert ekf.innovation is None
    assert repr(ekf) == "LieEKF(SE2, batch_shape=())"


@pytest.mark.parametrize("method", ["predict", "update", "nees"])
def test_methods_have_valid_docstrings_with_examples(method):
    # tests/test_docstrings.py checks the class (and predict); this adds the rest.
    validate = pytest.importorskip("numpydoc.validate")
    from numpydoc.docscrape import NumpyDocString

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text())["tool"]["numpydoc_validation"]
    ignored = set(config["checks"][1:])
    result = validate.validate(f"geomlearn.geometry.lie._ekf.LieEKF.{method}")
    errors = [(c, m) for c, m in result["errors"] if c not in ignored]
    assert not errors, errors
    assert NumpyDocString(getattr(LieEKF, method).__doc__)["Examples"]

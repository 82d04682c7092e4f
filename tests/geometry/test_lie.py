"""Lie groups against oracles: finite differences on the manifold, autograd,
scipy's Rotation and matrix exponential, series of the adjoint, mpmath, and the
group axioms. No expected number here comes from our own output.
"""

import functools
import importlib
import inspect
import pickle
from pathlib import Path

import numpy as np
import pytest
import tomllib
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy.linalg import expm
from scipy.spatial.transform import Rotation, Slerp
from sklearn.exceptions import ConvergenceWarning

from geomlearn.geometry.lie import (
    SE2,
    SE3,
    SE23,
    SO2,
    SO3,
    LieGroup,
    Rn,
    frechet_mean,
)
from geomlearn.geometry.lie import _math as lie_math

GROUPS = [SO2, SE2, SO3, SE3, SE23, Rn(3)]
ROTATING = [SO2, SE2, SO3, SE3, SE23]
# Where the rotation vector (or angle) sits in a tangent vector.
ROTATION_PART = {SO2: slice(0, 1), SE2: slice(2, 3), SO3: slice(0, 3)}
ROTATION_PART.update({SE3: slice(3, 6), SE23: slice(6, 9)})
REGIMES = ["generic", "small", "zero", "threshold", "pi"]


def _ids(group):
    return repr(group)


# --------------------------------------------------------------------- samples
def _angles(rng, regime, n):
    if regime == "generic":
        return rng.uniform(0.2, 3.0, n)
    if regime == "small":  # |theta| from 1e-9 to 1e-4
        return 10.0 ** rng.uniform(-9, -4, n)
    if regime == "zero":
        return np.zeros(n)
    if regime == "threshold":  # straddles the switch from series to closed forms
        return rng.uniform(0.5, 1.5, n)
    if regime == "pi":  # pi - 1e-2 ... pi - 1e-4
        return np.pi - 10.0 ** rng.uniform(-4, -2, n)
    raise ValueError(regime)


def _tangent(group, rng, n, regime="generic"):
    """Random tangent vectors whose rotation angle follows ``regime``.

    ``regime="mixed"`` cycles through all regimes along the batch, so one call
    also checks that rows in different branches do not disturb each other.
    """
    tau = rng.standard_normal((n, group.dof))
    part = ROTATION_PART.get(group)
    if part is None:
        return tau
    axis = tau[:, part]
    axis = axis / np.linalg.norm(axis, axis=1, keepdims=True)
    if regime == "mixed":
        angles = np.array([_angles(rng, REGIMES[i % 5], 1)[0] for i in range(n)])
    else:
        angles = _angles(rng, regime, n)
    tau[:, part] = axis * angles[:, None]
    return tau


def _same_element(group, X, Y, **kwargs):
    """Compare elements through their matrices (q and -q are one rotation)."""
    assert_allclose(group.to_matrix(X), group.to_matrix(Y), **kwargs)


# One row per operation: how to build its inputs from random elements X, Y, a
# tangent vector tau (of a regime), E = Exp(tau), a vector v and a scalar t;
# the kind of each input ("G" element, "V" vector, "S" scalar); the kind of
# the output.
def _inputs(group, name, X, Y, tau, v, t):
    E = group.exp(tau)
    return {
        "exp": ((tau,), "V", "G"),
        "log": ((E,), "G", "V"),
        "inverse": ((E,), "G", "G"),
        "compose": ((X, E), "GG", "G"),
        "between": ((X, group.rplus(X, tau)), "GG", "G"),
        "rplus": ((X, tau), "GV", "G"),
        "lplus": ((X, tau), "GV", "G"),
        "rminus": ((group.rplus(X, tau), X), "GG", "V"),
        "lminus": ((group.lplus(X, tau), X), "GG", "V"),
        "act": ((E, v), "GV", "V"),
        "interpolate": ((X, group.rplus(X, tau), t), "GGS", "G"),
    }[name]


OPERATIONS = [
    "exp",
    "log",
    "inverse",
    "compose",
    "between",
    "rplus",
    "lplus",
    "rminus",
    "lminus",
    "act",
    "interpolate",
]


def _sample(group, name, seed, regime="mixed", n=10):
    rng = np.random.default_rng(seed)
    X, Y = group.random((2, n), random_state=seed)
    tau = _tangent(group, rng, n, regime)
    v = rng.standard_normal((n, group.act_size))
    t = rng.uniform(-0.5, 1.5, n)
    return _inputs(group, name, X, Y, tau, v, t)


def _numeric_jacobians(group, fn, inputs, kinds, out_kind, h):
    """Central differences on the manifold: perturb with rplus, compare with rminus."""
    base = fn(*inputs)

    def diff(a, b):
        return (
            group.rminus(a, base) - group.rminus(b, base) if out_kind == "G" else a - b
        )

    jacobians = []
    for i, kind in enumerate(kinds):
        x = inputs[i]
        size = 1 if kind == "S" else (group.dof if kind == "G" else x.shape[-1])
        columns = []
        for j in range(size):
            step = np.zeros(size)
            step[j] = h
            if kind == "G":
                plus, minus = group.rplus(x, step), group.rplus(x, -step)
            elif kind == "S":
                plus, minus = x + h, x - h
            else:
                plus, minus = x + step, x - step
            args_p = list(inputs)
            args_m = list(inputs)
            args_p[i], args_m[i] = plus, minus
            columns.append(diff(fn(*args_p), fn(*args_m)) / (2 * h))
        jacobians.append(np.stack(columns, axis=-1))
    return jacobians


def _regimes(group):
    return REGIMES if group in ROTATION_PART else ["generic"]


# ---------------------------------------------------- Jacobians: finite differences
# Each batch holds two rows of every regime: generic angles, |theta| from 1e-9
# to 1e-4, exactly 0, angles around the series switch, and pi - 1e-4 ... 1e-2.
@pytest.mark.parametrize("name", OPERATIONS)
@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_jacobians_match_finite_differences(group, name, global_random_seed):
    inputs, kinds, out_kind = _sample(group, name, global_random_seed)
    fn = getattr(group, name)
    result, *analytic = fn(*inputs, jacobians=True)
    assert_allclose(result, fn(*inputs), rtol=0, atol=0)
    assert len(analytic) == len(kinds)
    numeric = _numeric_jacobians(group, fn, inputs, kinds, out_kind, h=1e-6)
    for a, n in zip(analytic, numeric, strict=True):
        assert a.shape == n.shape
        assert_allclose(a, n, rtol=1e-6, atol=2e-7)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_float32_jacobians_match_float64_finite_differences(group, global_random_seed):
    for name in OPERATIONS:
        inputs, kinds, out_kind = _sample(group, name, global_random_seed)
        inputs32 = [x.astype(np.float32) for x in inputs]
        fn = getattr(group, name)
        result, *analytic = fn(*inputs32, jacobians=True)
        assert result.dtype == np.float32
        assert all(a.dtype == np.float32 for a in analytic)
        inputs64 = [x.astype(np.float64) for x in inputs32]
        numeric = _numeric_jacobians(group, fn, inputs64, kinds, out_kind, h=1e-6)
        for a, n in zip(analytic, numeric, strict=True):
            # float32 round-off (1.2e-7) amplified by at most ~100 (pi regime).
            assert_allclose(a, n, rtol=1e-4, atol=2e-5, err_msg=name)


def _series_rjac(group, tau, terms=40):
    """J_r(tau) = sum_k (-ad_tau)^k / (k+1)!, ad_tau s = vee([hat tau, hat s])."""
    H = group.hat(tau)
    basis = np.eye(group.dof)
    ad = np.stack(
        [group.vee(H @ group.hat(e) - group.hat(e) @ H) for e in basis], axis=-1
    )
    term, total = np.eye(group.dof), np.eye(group.dof)
    for k in range(1, terms):
        term = -term @ ad / (k + 1)
        total = total + term
    return total


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_right_jacobian_is_the_series_of_the_adjoint(group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for regime in _regimes(group):
        for tau in _tangent(group, rng, 3, regime):
            expected = _series_rjac(group, tau)
            assert_allclose(group.rjac(tau), expected, atol=1e-12)
            assert_allclose(group.ljac(tau), _series_rjac(group, -tau), atol=1e-12)
            # J_r is singular at 2 pi only; up to pi it is well conditioned.
            inv = np.linalg.inv(expected)
            assert_allclose(group.rjacinv(tau), inv, atol=1e-11)
            assert_allclose(
                group.ljacinv(tau), np.linalg.inv(group.ljac(tau)), atol=1e-11
            )


# ------------------------------------------------------------- Jacobians: autograd
@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def _local_change(group, fn, inputs, i, kind, base, out_kind, e):
    """f(..., x_i ⊕ e, ...) ⊖ f(...), for a batch of perturbations e."""
    args = list(inputs)
    if kind == "G":
        args[i] = group.rplus(args[i], e)
    elif kind == "S":
        args[i] = args[i] + e[:, 0]
    else:
        args[i] = args[i] + e
    out = fn(*args)
    return group.rminus(out, base) if out_kind == "G" else out - base


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_jacobians_match_autograd_through_exp_and_log(torch, group, global_random_seed):
    """Differentiate eps -> f(X ⊕ eps) ⊖ f(X) at eps = 0 with torch.autograd.

    At eps = 0 this runs through Exp(0) and Log(identity): their gradients
    must be finite and right for the comparison to hold.
    """
    for name in OPERATIONS:
        inputs, kinds, out_kind = _sample(group, name, global_random_seed)
        inputs = [torch.as_tensor(x) for x in inputs]
        fn = getattr(group, name)
        result, *analytic = fn(*inputs, jacobians=True)
        base = result.detach()
        for i, kind in enumerate(kinds):
            size = (
                1
                if kind == "S"
                else (group.dof if kind == "G" else inputs[i].shape[-1])
            )
            eps = torch.zeros(len(base), size, dtype=torch.float64)

            local = functools.partial(
                _local_change, group, fn, inputs, i, kind, base, out_kind
            )
            full = torch.autograd.functional.jacobian(local, eps, vectorize=True)
            autograd = torch.einsum("bibj->bij", full)
            assert torch.isfinite(autograd).all(), (name, i)
            assert_allclose(
                analytic[i].numpy(),
                autograd.numpy(),
                rtol=1e-9,
                atol=1e-9,
                err_msg=name,
            )


@pytest.mark.parametrize("group", ROTATING, ids=_ids)
def test_gradients_are_finite_and_right_at_exactly_zero_rotation(torch, group):
    # The gradient of sum(Exp(tau) . v) at tau = 0 is J_X^T 1 of act at the
    # identity (exp has J_r(0) = I), which act's own Jacobian gives.
    tau = torch.zeros(group.dof, dtype=torch.float64, requires_grad=True)
    v = torch.arange(1.0, group.act_size + 1, dtype=torch.float64)
    group.act(group.exp(tau), v).sum().backward()
    _, J_X, _ = group.act(group.identity(), v.numpy(), jacobians=True)
    assert_allclose(tau.grad.numpy(), J_X.sum(axis=0), atol=1e-15)
    # Log at the identity: its gradient (through rminus) must be finite, and
    # d Log(Exp(eps)) / d eps = I.
    eps = torch.zeros(group.dof, dtype=torch.float64)
    jac = torch.autograd.functional.jacobian(lambda e: group.log(group.exp(e)), eps)
    assert_allclose(jac.numpy(), np.eye(group.dof), atol=1e-15)
    for fn in (group.rjac, group.rjacinv):
        tau = torch.zeros(group.dof, dtype=torch.float64, requires_grad=True)
        out = fn(tau)
        if out.requires_grad:  # SO2's Jacobians are constant
            out.sum().backward()
            assert torch.isfinite(tau.grad).all()


# --------------------------------------------------------------- exp, log, axioms
@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_exp_log_round_trips(group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    tau = np.concatenate([_tangent(group, rng, 20, r) for r in _regimes(group)])
    assert_allclose(group.log(group.exp(tau)), tau, rtol=1e-12, atol=1e-12)
    X = group.random(20, random_state=global_random_seed)
    _same_element(group, group.exp(group.log(X)), X, atol=1e-12)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_exp_is_the_matrix_exponential_of_hat(group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for regime in _regimes(group):
        tau = _tangent(group, rng, 4, regime)
        expected = np.stack([expm(h) for h in group.hat(tau)])
        assert_allclose(group.to_matrix(group.exp(tau)), expected, atol=1e-12)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_group_axioms(group, global_random_seed):
    X, Y, Z = group.random((3, 10), random_state=global_random_seed)
    I = group.identity(10)
    same = lambda a, b: _same_element(group, a, b, atol=1e-12)
    same(group.compose(group.compose(X, Y), Z), group.compose(X, group.compose(Y, Z)))
    same(group.compose(X, I), X)
    same(group.compose(I, X), X)
    same(group.compose(X, group.inverse(X)), I)
    same(group.compose(group.inverse(X), X), I)
    same(group.between(X, Y), group.compose(group.inverse(X), Y))
    # plus and minus undo each other, on both sides
    tau = group.rminus(Y, X)
    same(group.rplus(X, tau), Y)
    same(group.lplus(X, group.lminus(Y, X)), Y)
    assert group.plus is group.rplus or group.plus == group.rplus
    assert_allclose(group.minus(Y, X), tau)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_to_matrix_is_a_homomorphism(group, global_random_seed):
    X, Y = group.random((2, 10), random_state=global_random_seed)
    MX, MY = group.to_matrix(X), group.to_matrix(Y)
    assert_allclose(group.to_matrix(group.compose(X, Y)), MX @ MY, atol=1e-12)
    assert_allclose(group.to_matrix(group.inverse(X)), np.linalg.inv(MX), atol=1e-12)
    assert_allclose(group.to_matrix(group.identity()), np.eye(group.matrix_size))
    _same_element(group, group.from_matrix(MX), X, atol=1e-12)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_act_is_the_matrix_action(group, global_random_seed):
    X = group.random(10, random_state=global_random_seed)
    v = np.random.default_rng(global_random_seed).standard_normal((10, group.act_size))
    M = group.to_matrix(X)
    n = group.act_size
    if group.matrix_size == n:  # rotations act linearly
        expected = (M @ v[..., None])[..., 0]
    else:  # homogeneous coordinates (x, 1, 0...)
        pad = np.zeros((10, group.matrix_size - n))
        pad[:, 0] = 1
        expected = (M @ np.concatenate([v, pad], axis=1)[..., None])[..., :n, 0]
    assert_allclose(group.act(X, v), expected, atol=1e-12)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_adjoint_moves_tangent_vectors_across_an_element(group, global_random_seed):
    X = group.random(10, random_state=global_random_seed)
    tau = _tangent(group, np.random.default_rng(global_random_seed), 10)
    Ad = group.adjoint(X)
    left = group.compose(X, group.exp(tau))
    right = group.compose(group.exp((Ad @ tau[..., None])[..., 0]), X)
    _same_element(group, left, right, atol=1e-12)
    # and Ad(X) hat(tau) ... in matrix form: M hat(tau) M^-1 = hat(Ad tau)
    M = group.to_matrix(X)
    assert_allclose(
        M @ group.hat(tau) @ np.linalg.inv(M),
        group.hat((Ad @ tau[..., None])[..., 0]),
        atol=1e-12,
    )


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_hat_and_vee_are_inverse(group, global_random_seed):
    tau = _tangent(group, np.random.default_rng(global_random_seed), 10)
    H = group.hat(tau)
    assert H.shape == (10, group.matrix_size, group.matrix_size)
    assert_allclose(group.vee(H), tau)
    assert_allclose(group.hat(group.vee(H)), H)


# --------------------------------------------------------------------- numerics
def test_coefficients_match_mpmath_on_both_sides_of_the_series_switch():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 200  # q3 cancels 5 * 15 digits at theta = 1e-15
    closed = {
        "sinc": lambda t: mpmath.sin(t) / t,
        "b": lambda t: (1 - mpmath.cos(t)) / t**2,
        "c": lambda t: (t - mpmath.sin(t)) / t**3,
        "d": lambda t: (1 - t / 2 * mpmath.cot(t / 2)) / t**2,
        "half_sinc": lambda t: mpmath.sin(t / 2) / t,
        "half_cos": lambda t: mpmath.cos(t / 2),
        "q2": lambda t: (t**2 + 2 * mpmath.cos(t) - 2) / (2 * t**4),
        "q3": lambda t: (2 * t - 3 * mpmath.sin(t) + t * mpmath.cos(t)) / (2 * t**5),
    }
    # Units in the last place (of the value at 0) allowed: the closed forms of
    # q2 and q3 cancel t**2 / 2 against 1 - cos t and 2t + t cos t against
    # 3 sin t, which costs some 3 and 6 bits just above the series switch.
    ulps = {"d": 8, "q2": 16, "q3": 100}
    theta2 = np.concatenate([[0.0, 1e-30, 1e-18], np.geomspace(1e-12, 9.0, 200)])
    for dtype in (np.float64, np.float32):
        xp = _namespace(dtype)
        z = theta2.astype(dtype)
        for name, f in closed.items():
            ours = lie_math.coefficient(xp, name, z)
            assert ours.dtype == dtype
            # theta = 1e-30 stands for 0: the error is far below round-off
            exact = [float(f(mpmath.sqrt(mpmath.mpf(max(float(v), 1e-60))))) for v in z]
            tol = ulps.get(name, 4) * np.finfo(dtype).eps * abs(exact[0])
            assert_allclose(ours, exact, rtol=0, atol=tol, err_msg=f"{name} {dtype}")
    mpmath.mp.dps = 15


def _namespace(dtype):
    from geomlearn.geometry.lie._backend import get_namespace

    return get_namespace(np.zeros(1, dtype))


@settings(max_examples=60, deadline=None)
@given(
    st.floats(0.0, np.pi - 1e-9) | st.sampled_from([0.0, 1e-300, 1e-12, np.pi - 1e-7]),
    st.floats(-1.0, 1.0),
    st.floats(-np.pi, np.pi),
)
def test_so3_log_agrees_with_scipy_from_identity_to_pi(angle, z, lon):
    axis = np.array(
        [np.sqrt(1 - z * z) * np.cos(lon), np.sqrt(1 - z * z) * np.sin(lon), z]
    )
    rotvec = angle * axis
    q = Rotation.from_rotvec(rotvec).as_quat()
    assert_allclose(SO3.log(q), rotvec, rtol=1e-12, atol=1e-15)
    assert_allclose(SO3.log(-q), rotvec, rtol=1e-12, atol=1e-15)
    assert_allclose(SO3.exp(rotvec), q * np.sign(q[3] if q[3] != 0 else 1), atol=1e-15)


def test_so3_log_past_pi_returns_the_short_way_round():
    axis = np.array([0.0, 0.6, 0.8])
    for angle in [np.pi, np.pi + 1e-6, np.pi + 0.5, 2 * np.pi - 1e-3]:
        tau = SO3.log(SO3.exp(angle * axis))
        expected = Rotation.from_rotvec(angle * axis).as_rotvec()
        if angle == np.pi:  # either sign of the axis is the same rotation
            assert_allclose(np.abs(tau), np.abs(expected), atol=1e-12)
        else:
            assert_allclose(tau, expected, atol=1e-12)
            assert_allclose(tau, -(2 * np.pi - angle) * axis, atol=1e-12)


@pytest.mark.parametrize("group", ROTATING, ids=_ids)
def test_float32_near_identity_keeps_relative_accuracy(group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    tau = _tangent(group, rng, 20, "small")
    tau32 = tau.astype(np.float32)
    back = group.log(group.exp(tau32))
    assert back.dtype == np.float32
    part = ROTATION_PART[group]
    assert_allclose(back[:, part], tau32[:, part], rtol=1e-6)
    assert_allclose(back, tau32, rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------- SO3 vs scipy
def test_so3_agrees_with_scipy_rotation(global_random_seed):
    p = Rotation.random(50, random_state=global_random_seed)
    r = Rotation.random(50, random_state=global_random_seed + 1)
    P, R = SO3.from_scipy(p), SO3.from_scipy(r)
    v = np.random.default_rng(global_random_seed).standard_normal((50, 3))
    _same_element(SO3, SO3.compose(P, R), (p * r).as_quat(), atol=1e-14)
    _same_element(SO3, SO3.inverse(P), p.inv().as_quat(), atol=1e-14)
    assert_allclose(SO3.act(P, v), p.apply(v), atol=1e-14)
    assert_allclose(SO3.to_matrix(P), p.as_matrix(), atol=1e-14)
    assert_allclose(SO3.log(P), p.as_rotvec(), atol=1e-13)
    rotvec = p.as_rotvec()
    _same_element(
        SO3, SO3.exp(rotvec), Rotation.from_rotvec(rotvec).as_quat(), atol=1e-14
    )
    M = p.as_matrix()
    _same_element(
        SO3, SO3.from_matrix(M), Rotation.from_matrix(M).as_quat(), atol=1e-14
    )
    assert_allclose(SO3.adjoint(P), M, atol=1e-14)
    # conversions
    axis, angle = SO3.to_axis_angle(P)
    assert_allclose(angle, p.magnitude(), atol=1e-14)
    assert_allclose(axis * angle[:, None], p.as_rotvec(), atol=1e-13)
    _same_element(SO3, SO3.from_axis_angle(3 * axis, angle), P, atol=1e-14)
    q_wxyz = p.as_quat(scalar_first=True)
    _same_element(
        SO3, SO3.from_quaternion(5 * q_wxyz, scalar_first=True), P, atol=1e-14
    )
    assert_allclose(
        SO3.to_quaternion(P, scalar_first=True),
        p.as_quat(canonical=True, scalar_first=True),
    )
    back = SO3.to_scipy(P)
    assert_allclose(back.as_matrix(), M, atol=1e-14)


def test_so3_interpolation_is_slerp(global_random_seed):
    rotations = Rotation.random(2, random_state=global_random_seed)
    t = np.linspace(0, 1, 7)
    expected = Slerp([0, 1], rotations)(t).as_matrix()
    X, Y = SO3.from_scipy(rotations)
    assert_allclose(SO3.to_matrix(SO3.interpolate(X, Y, t)), expected, atol=1e-12)


def test_so3_from_matrix_handles_every_branch():
    # 180-degree turns about each axis and a near-identity rotation select the
    # four candidates of Shepperd's method.
    rotations = Rotation.from_rotvec(
        [[np.pi, 0, 0], [0, np.pi, 0], [0, 0, np.pi], [1e-9, 0, 0], [2.0, -1.0, 0.5]]
    )
    M = rotations.as_matrix()
    _same_element(SO3, SO3.from_matrix(M), rotations.as_quat(), atol=1e-14)
    assert (SO3.from_matrix(M)[:, 3] >= 0).all()
    # a slightly non-orthogonal matrix still maps to a unit quaternion
    q = SO3.from_matrix(M[4] + 1e-6)
    assert_allclose(np.linalg.norm(q), 1.0, atol=1e-15)


def test_so2_and_se2_agree_with_planar_geometry(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    a, b = rng.uniform(-np.pi, np.pi, (2, 20))
    wrapped = np.angle(np.exp(1j * (a + b)))
    assert_allclose(
        SO2.to_angle(SO2.compose(SO2.from_angle(a), SO2.from_angle(b))), wrapped
    )
    t = rng.standard_normal((20, 2))
    X = SE2.from_parts(t, SO2.from_angle(a))
    v = rng.standard_normal((20, 2))
    c, s = np.cos(a), np.sin(a)
    expected = t + np.stack([c * v[:, 0] - s * v[:, 1], s * v[:, 0] + c * v[:, 1]], 1)
    assert_allclose(SE2.act(X, v), expected, atol=1e-14)
    tt, rr = SE2.to_parts(X)
    assert_allclose(tt, t)
    assert_allclose(SO2.to_angle(rr), a)


def test_se3_and_se23_parts():
    q = SO3.exp([0.1, 0.2, 0.3])
    X = SE3.from_parts(np.ones((5, 3)), q)
    assert X.shape == (5, 7)
    t, r = SE3.to_parts(X)
    assert_allclose(t, 1.0)
    assert_allclose(r, np.broadcast_to(q, (5, 4)))
    p, v = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    Y = SE23.from_parts(p, q, v)
    pp, qq, vv = SE23.to_parts(Y)
    assert_allclose(pp, p)
    assert_allclose(qq, q)
    assert_allclose(vv, v)
    # SE23 restricted to (rotation, position) is SE3
    Z = SE23.random(4, random_state=0)
    W = SE23.random(4, random_state=1)
    ZW = SE23.compose(Z, W)
    as_se3 = lambda X: SE3.from_parts(*SE23.to_parts(X)[:2])
    _same_element(SE3, as_se3(ZW), SE3.compose(as_se3(Z), as_se3(W)), atol=1e-12)


# ------------------------------------------------------------------ Rn, trivially
def test_rn_is_vector_addition(global_random_seed):
    R4 = Rn(4)
    assert Rn(4) is R4
    assert repr(R4) == "Rn(4)"
    assert R4.dof == R4.rep_size == R4.act_size == 4
    rng = np.random.default_rng(global_random_seed)
    x, y = rng.standard_normal((2, 5, 4))
    assert_allclose(R4.compose(x, y), x + y)
    assert_allclose(R4.inverse(x), -x)
    assert_allclose(R4.exp(x), x)
    assert_allclose(R4.log(x), x)
    assert_allclose(R4.rminus(y, x), y - x)
    assert_allclose(R4.interpolate(x, y, 0.25), x + 0.25 * (y - x))
    assert_allclose(R4.identity(), np.zeros(4))
    for name in ["compose", "between", "rplus", "lplus", "rminus", "act"]:
        _, *jacobians = getattr(R4, name)(x, y, jacobians=True)
        for J in jacobians:
            assert_allclose(np.abs(J), np.broadcast_to(np.eye(4), (5, 4, 4)))
    assert_allclose(R4.rjac(x), np.broadcast_to(np.eye(4), (5, 4, 4)))


def test_rn_rejects_bad_dimensions():
    with pytest.raises(ValueError, match="at least 1"):
        Rn(0)
    with pytest.raises(TypeError, match="must be an int"):
        Rn(2.5)


# -------------------------------------------------------------------- batching
@pytest.mark.parametrize("group", GROUPS, ids=_ids)
@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
def test_batch_shapes_and_per_element_results(group, shape, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X, Y = group.random((2, *shape), random_state=global_random_seed)
    n = int(np.prod(shape))
    tau = _tangent(group, rng, n).reshape(*shape, group.dof)
    v = rng.standard_normal((*shape, group.act_size))
    t = rng.uniform(0, 1, shape)
    calls = {
        "exp": (tau,),
        "log": (X,),
        "inverse": (X,),
        "compose": (X, Y),
        "between": (X, Y),
        "rplus": (X, tau),
        "lplus": (X, tau),
        "rminus": (Y, X),
        "lminus": (Y, X),
        "act": (X, v),
        "interpolate": (X, Y, t),
    }
    for name, args in calls.items():
        fn = getattr(group, name)
        result, *jacobians = fn(*args, jacobians=True)
        assert result.shape[:-1] == shape, name
        for J in jacobians:
            assert J.shape[:-2] == shape, name
        # every batch element is computed as if alone
        for index in np.ndindex(*shape):
            single, *single_jacobians = fn(*(a[index] for a in args), jacobians=True)
            assert_allclose(result[index], single, rtol=1e-13, atol=1e-14)
            for J, Js in zip(jacobians, single_jacobians, strict=True):
                assert_allclose(J[index], Js, rtol=1e-13, atol=1e-14)
    for name in ["adjoint", "to_matrix"]:
        assert getattr(group, name)(X).shape[:-2] == shape
    for name in ["rjac", "ljac", "rjacinv", "ljacinv", "hat"]:
        assert getattr(group, name)(tau).shape[:-2] == shape
    assert group.identity(shape).shape == (*shape, group.rep_size)


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_batch_axes_broadcast(group, global_random_seed):
    X = group.random(5, random_state=global_random_seed)
    Y = group.random(random_state=global_random_seed + 1)
    v = np.random.default_rng(global_random_seed).standard_normal(
        (7, 1, group.act_size)
    )
    Z, J_X, J_Y = group.compose(X, Y, jacobians=True)
    assert Z.shape == (5, group.rep_size)
    assert J_X.shape == J_Y.shape == (5, group.dof, group.dof)
    assert_allclose(Z, group.compose(X, np.broadcast_to(Y, X.shape)))
    w, J_X, J_v = group.act(X, v, jacobians=True)
    assert w.shape == (7, 5, group.act_size)
    assert J_X.shape == (7, 5, group.act_size, group.dof)
    assert J_v.shape == (7, 5, group.act_size, group.act_size)
    # writable outputs, not read-only broadcast views
    J_X[...] = 0


# ----------------------------------------------------------- numpy, torch, dtypes
@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_numpy_and_torch_give_the_same_numbers(torch, group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    for name in OPERATIONS:
        inputs, _, _ = _sample(group, name, global_random_seed)
        fn = getattr(group, name)
        for dtype in (np.float64, np.float32):
            arrays = [x.astype(dtype) for x in inputs]
            out_np = fn(*arrays, jacobians=True)
            out_t = fn(*(torch.as_tensor(x) for x in arrays), jacobians=True)
            tol = 1e-12 if dtype == np.float64 else 1e-5
            for a, b in zip(out_np, out_t, strict=True):
                assert isinstance(b, torch.Tensor)
                assert b.numpy().dtype == a.dtype == dtype
                assert_allclose(b.numpy(), a, rtol=tol, atol=tol, err_msg=name)
    tau = torch.as_tensor(_tangent(group, rng, 4))
    X = torch.as_tensor(group.random(4, random_state=0))
    for name, arg in [("rjac", tau), ("rjacinv", tau), ("hat", tau), ("adjoint", X)]:
        assert_allclose(
            getattr(group, name)(arg).numpy(), getattr(group, name)(arg.numpy())
        )
    assert_allclose(group.to_matrix(X).numpy(), group.to_matrix(X.numpy()))
    M = group.to_matrix(X)
    _same_element(group, group.from_matrix(M).numpy(), X.numpy(), atol=1e-12)


def test_torch_constructors_follow_like(torch):
    like = torch.zeros(2, dtype=torch.float32)
    I = SE3.identity((2, 3), like=like)
    assert isinstance(I, torch.Tensor)
    assert I.dtype == torch.float32
    assert I.shape == (2, 3, 7)
    R = SO3.random(4, random_state=0, like=like)
    assert R.dtype == torch.float32
    assert_allclose(R.numpy(), SO3.random(4, random_state=0), rtol=1e-6)
    assert SO3.identity(dtype=np.float32).dtype == np.float32
    # a numpy argument next to a tensor is taken into torch
    w = SO3.act(torch.as_tensor(SO3.random(random_state=1)), np.ones(3))
    assert isinstance(w, torch.Tensor)
    assert SO3.to_scipy(torch.as_tensor(SO3.random(3, random_state=1))).shape == (3,)
    assert isinstance(SO3.from_scipy(Rotation.identity(), like=like), torch.Tensor)


def test_dtypes_follow_the_inputs():
    X32 = SO3.random(3, random_state=0).astype(np.float32)
    assert SO3.log(X32).dtype == np.float32
    assert SO3.interpolate(X32, X32, 0.5).dtype == np.float32  # Python float is weak
    assert SO3.exp([0, 0, 1]).dtype == np.float64  # ints become float64
    assert SO3.compose(X32, SO3.identity()).dtype == np.float64  # promotion
    with pytest.raises(TypeError, match="real"):
        SO3.exp(np.zeros(3, dtype=complex))


# ------------------------------------------------------------- API and messages
def test_bad_shapes_are_reported():
    with pytest.raises(
        ValueError, match=r"SO3 elements are arrays of shape \(\.\.\., 4\)"
    ):
        SO3.log(np.zeros(3))
    with pytest.raises(ValueError, match=r"SE3 tangent vectors .* \(\.\.\., 6\)"):
        SE3.exp(np.zeros(7))
    with pytest.raises(ValueError, match=r"acts on vectors of shape \(\.\.\., 2\)"):
        SE2.act(SE2.identity(), np.zeros(3))
    with pytest.raises(ValueError, match="matrices of SO3"):
        SO3.from_matrix(np.eye(4))
    with pytest.raises(ValueError, match="Lie algebra matrices of SE3"):
        SE3.vee(np.zeros((3, 3)))


def test_groups_are_namespaces_not_classes_to_instantiate():
    with pytest.raises(TypeError, match="namespace of functions"):
        SO3()
    assert repr(SE23) == "SE23"
    for group in GROUPS:
        assert issubclass(group, LieGroup)
        assert pickle.loads(pickle.dumps(group)) is group
    assert SE3.rotation is SO3
    assert SE2.rotation is SO2


def test_normalize_projects_back_onto_the_group():
    X = SE3.random(5, random_state=0)
    drifted = X.copy()
    drifted[:, 3:] *= 1.01
    assert_allclose(SE3.normalize(drifted), X)
    assert_allclose(SO2.normalize([0.0, 3.0]), [0.0, 1.0])
    assert_allclose(Rn(2).normalize([1.0, 2.0]), [1.0, 2.0])


def _ignored_numpydoc_checks():
    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    checks = tomllib.loads(pyproject.read_text())["tool"]["numpydoc_validation"][
        "checks"
    ]
    return set(checks[1:])


def _public_methods():
    for group in [LieGroup, SO2, SE2, SO3, SE3, SE23]:
        for name, attr in vars(group).items():
            if name.startswith("_") or not isinstance(attr, classmethod):
                continue
            if name in ("plus", "minus"):  # aliases of rplus and rminus
                continue
            yield f"{group.__module__}.{group.__qualname__}.{name}"


@pytest.mark.parametrize("qualname", sorted(_public_methods()))
def test_every_public_method_has_a_valid_docstring_with_examples(qualname):
    validate = pytest.importorskip("numpydoc.validate")
    from numpydoc.docscrape import NumpyDocString

    ignored = _ignored_numpydoc_checks()
    result = validate.validate(qualname)
    errors = [(c, m) for c, m in result["errors"] if c not in ignored]
    assert not errors, errors
    module_name, class_name, method = qualname.rsplit(".", 2)
    obj = getattr(getattr(importlib.import_module(module_name), class_name), method)
    assert NumpyDocString(inspect.getdoc(obj))["Examples"]


# ------------------------------------------------------------------ frechet_mean
def _symmetric_cloud(group, center, rng, n_pairs=6, spread=0.4):
    """center ⊕ (±tau_i): the residuals about center sum to zero, so center is
    the mean by symmetry (the defining equation holds there)."""
    tau = spread * _tangent(group, rng, n_pairs)
    return group.rplus(center, np.concatenate([tau, -tau]))


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_frechet_mean_of_a_symmetric_cloud_is_its_center(group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    centers = group.random(3, random_state=global_random_seed)
    X = np.stack([_symmetric_cloud(group, c, rng) for c in centers])  # (3, 12, rep)
    M, n_iter = frechet_mean(group, X, return_n_iter=True)
    assert M.shape == centers.shape
    _same_element(group, M, centers, atol=1e-12)
    assert n_iter <= 8  # quadratic convergence


@pytest.mark.parametrize("group", GROUPS, ids=_ids)
def test_frechet_mean_is_equivariant_on_both_sides(group, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = _symmetric_cloud(group, group.random(random_state=global_random_seed), rng)
    X = group.rplus(X, 0.2 * _tangent(group, rng, len(X)))  # no longer symmetric
    weights = rng.uniform(0.1, 1.0, len(X))
    G, H = group.random(2, random_state=global_random_seed + 1)
    M = frechet_mean(group, X, weights)
    moved = group.compose(group.compose(G, X), H)
    expected = group.compose(group.compose(G, M), H)
    _same_element(group, frechet_mean(group, moved, weights), expected, atol=1e-10)
    # the defining equation holds at the result
    r = group.rminus(X, M)
    assert_allclose(weights @ r, np.zeros(group.dof), atol=1e-12)


def test_frechet_mean_special_cases(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    x = rng.standard_normal((7, 3))
    w = rng.uniform(0, 1, 7)
    assert_allclose(frechet_mean(Rn(3), x, w), w @ x / w.sum())
    # SO2: the mean angle, away from the wrap-around
    angles = 3.0 + 0.3 * rng.standard_normal(9)
    mean = SO2.to_angle(frechet_mean(SO2, SO2.from_angle(angles)))
    assert_allclose(np.mod(mean, 2 * np.pi), np.mean(angles))
    # SE3 with one rotation: the translations' mean; its rotation part is
    # always the SO3 mean of the rotation parts
    X = SE3.from_parts(x, SO3.exp([0.3, -0.2, 0.1]))
    t, q = SE3.to_parts(frechet_mean(SE3, X, w))
    assert_allclose(t, w @ x / w.sum(), atol=1e-12)
    X = SE3.random(8, random_state=global_random_seed)
    X[:, 3:] = SO3.rplus(SO3.exp([1.0, 0, 0]), 0.5 * rng.standard_normal((8, 3)))
    _, q = SE3.to_parts(frechet_mean(SE3, X))
    _same_element(SO3, q, frechet_mean(SO3, X[:, 3:]), atol=1e-12)


def test_frechet_mean_in_torch_matches_numpy_and_has_gradients(torch):
    rng = np.random.default_rng(0)
    X = _symmetric_cloud(SE3, SE3.random(random_state=0), rng)
    X = SE3.rplus(X, 0.1 * _tangent(SE3, rng, len(X)))
    Xt = torch.tensor(X, requires_grad=True)
    M = frechet_mean(SE3, Xt)
    assert_allclose(M.detach().numpy(), frechet_mean(SE3, X), atol=1e-12)
    M.sum().backward()
    assert torch.isfinite(Xt.grad).all()
    M32 = frechet_mean(SE3, torch.as_tensor(X, dtype=torch.float32))
    assert M32.dtype == torch.float32


def test_frechet_mean_rejects_bad_input():
    X = SO3.random(4, random_state=0)
    with pytest.raises(TypeError, match="Lie group"):
        frechet_mean("SO3", X)
    with pytest.raises(ValueError, match="n_samples"):
        frechet_mean(SO3, X[0])
    with pytest.raises(ValueError, match="nonnegative"):
        frechet_mean(SO3, X, [1.0, -1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match="do not match"):
        frechet_mean(SO3, X, [1.0, 1.0])
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        frechet_mean(SO3, X, max_iter=1, tol=0.0)

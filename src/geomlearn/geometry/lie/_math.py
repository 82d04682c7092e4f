"""Shared closed forms: stable trigonometric coefficients, skew matrices, quaternions.

Every coefficient is a function of ``theta2`` (the squared rotation angle).
Below theta = 1 (for float32 and float64 alike) it is evaluated as a Taylor
series in ``theta2`` with ten terms, whose truncation error is below float64
round-off there; the series is a polynomial in the tangent coordinates, so its
gradient is exact even at ``theta = 0``. Above the switch the closed form is
used; the worst of them (q3) loses under a hundred units in the last place to
cancellation just above it, on a coefficient that multiplies terms of order
theta**3 (tests/geometry/test_lie.py measures all of them against mpmath).
Both branches are evaluated on *guarded* inputs (the series on 0, the closed
form on 1 where the other branch is selected), so neither produces an inf or
a NaN that ``where`` would pass on to a gradient, and numpy never warns.
"""

import math

import numpy as np


def _taylor(term, n=10):
    return tuple(term(k) for k in range(n))


# Bernoulli numbers B_2, B_4, ..., B_20, for the series of x cot(x).
_BERNOULLI = (
    1 / 6,
    -1 / 30,
    1 / 42,
    -1 / 30,
    5 / 66,
    -691 / 2730,
    7 / 6,
    -3617 / 510,
    43867 / 798,
    -174611 / 330,
)

_f = math.factorial

# Coefficients of the Taylor series in z = theta**2, lowest degree first. Ten
# terms keep the truncation error below float64 round-off up to z = 1.
_SERIES = {
    # sin(t) / t
    "sinc": _taylor(lambda k: (-1) ** k / _f(2 * k + 1)),
    # (1 - cos(t)) / t**2
    "b": _taylor(lambda k: (-1) ** k / _f(2 * k + 2)),
    # (t - sin(t)) / t**3
    "c": _taylor(lambda k: (-1) ** k / _f(2 * k + 3)),
    # (1 - (t / 2) cot(t / 2)) / t**2, from x cot x = sum (-1)^n B_2n (2x)^2n / (2n)!
    "d": _taylor(lambda k: (-1) ** k * _BERNOULLI[k] / _f(2 * k + 2)),
    # sin(t / 2) / t
    "half_sinc": _taylor(lambda k: (-1) ** k / (2 * 4**k * _f(2 * k + 1))),
    # cos(t / 2)
    "half_cos": _taylor(lambda k: (-1) ** k / (4**k * _f(2 * k))),
    # (t**2 + 2 cos(t) - 2) / (2 t**4)
    "q2": _taylor(lambda k: (-1) ** k / _f(2 * k + 4)),
    # (2 t - 3 sin(t) + t cos(t)) / (2 t**5)
    "q3": _taylor(lambda k: (-1) ** k * (k + 1) / _f(2 * k + 5)),
}

# Below this squared angle the series are used. Above it, the worst
# cancellation of a closed form (q3, about 300 eps / t**4) is about 1e-13 in
# float64 at the switch, on a term that is multiplied by t**3.
_SWITCH = 1.0


def _closed_form(xp, name, z):
    t = xp.sqrt(z)
    if name == "sinc":
        return xp.sin(t) / t
    if name == "b":
        s = xp.sin(t / 2) / t
        return 2 * s * s
    if name == "c":
        return (t - xp.sin(t)) / (z * t)
    if name == "d":
        half = t / 2
        return (1 - half * xp.cos(half) / xp.sin(half)) / z
    if name == "half_sinc":
        return xp.sin(t / 2) / t
    if name == "half_cos":
        return xp.cos(t / 2)
    if name == "q2":
        return (z + 2 * xp.cos(t) - 2) / (2 * z * z)
    if name == "q3":
        return (2 * t - 3 * xp.sin(t) + t * xp.cos(t)) / (2 * z * z * t)
    raise KeyError(name)


def _horner(coefs, z):
    out = coefs[-1]
    for c in coefs[-2::-1]:
        out = out * z + c
    return out


def coefficient(xp, name, theta2):
    """Evaluate the coefficient ``name`` at squared angle ``theta2``, stably."""
    small = theta2 < _SWITCH
    if not xp.is_torch:
        # numpy: each branch only where it is used (no gradients to guard)
        theta2 = xp.asarray(theta2)
        out = xp.asarray(xp.zeros(theta2.shape))
        if small.any():
            out[small] = _horner(_SERIES[name], theta2[small])
        if not small.all():
            large = ~small
            out[large] = _closed_form(xp, name, theta2[large])
        return out
    z_series = xp.where(small, theta2, 0.0)
    z_exact = xp.where(small, 1.0, theta2)
    coefs = _SERIES[name]
    series = coefs[-1]
    for c in coefs[-2::-1]:
        series = series * z_series + c
    return xp.where(small, series, _closed_form(xp, name, z_exact))


def atan_ratio(xp, n2, w):
    """``2 atan2(n, w) / n`` for ``w >= 0``, with ``n = sqrt(n2)``, stably.

    This is the factor that maps the vector part of a unit quaternion to the
    rotation vector. The closed form is accurate down to small ``n``, but its
    gradient cancels (relative error eps w**2 / n**2); below ``(n / w)**2 <
    0.05`` a series in ``(n / w)**2`` is used, with 16 terms (truncation error
    0.05**16 / 33, below float64 round-off).
    """
    w2 = w * w
    small = n2 < 0.05 * w2
    w_series = xp.where(small, w, 1.0)
    r2 = xp.where(small, n2, 0.0) / (w_series * w_series)
    # atan(r) / r = sum (-1)**k r**(2k) / (2k + 1)
    series = 0.0
    for k in range(15, -1, -1):
        series = series * r2 + (-1) ** k / (2 * k + 1)
    series = 2 * series / w_series
    n = xp.sqrt(xp.where(small, 1.0, n2))
    return xp.where(small, series, 2 * xp.atan2(n, w) / n)


# --------------------------------------------------------------------------- vectors


def sqnorm(xp, v):
    if not xp.is_torch:  # a contraction, not a strided reduction
        return np.einsum("...i,...i->...", v, v)
    return xp.sum(v * v, axis=-1)


def cross(xp, a, b):
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return xp.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])


def skew(xp, v):
    """Return ``[v]x``, the matrix with ``[v]x u = v x u``; shape (..., 3, 3)."""
    z = xp.zeros(v.shape[:-1])
    x, y, w = v[..., 0], v[..., 1], v[..., 2]
    rows = [xp.stack([z, -w, y]), xp.stack([w, z, -x]), xp.stack([-y, x, z])]
    return xp.stack(rows, axis=-2)


def unskew(xp, m):
    """Inverse of :func:`skew` (antisymmetric part of ``m``)."""
    return xp.stack(
        [
            (m[..., 2, 1] - m[..., 1, 2]) / 2,
            (m[..., 0, 2] - m[..., 2, 0]) / 2,
            (m[..., 1, 0] - m[..., 0, 1]) / 2,
        ]
    )


def matvec(m, v):
    return (m @ v[..., None])[..., 0]


# --------------------------------------------------------------------------- SO(3)


def quat_mul(xp, p, q):
    """Hamilton product of quaternions stored as (x, y, z, w)."""
    px, py, pz, pw = p[..., 0], p[..., 1], p[..., 2], p[..., 3]
    qx, qy, qz, qw = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    return xp.stack(
        [
            pw * qx + px * qw + py * qz - pz * qy,
            pw * qy - px * qz + py * qw + pz * qx,
            pw * qz + px * qy - py * qx + pz * qw,
            pw * qw - px * qx - py * qy - pz * qz,
        ]
    )


def quat_conj(xp, q):
    return xp.concat([-q[..., :3], q[..., 3:]])


def quat_rotate(xp, q, v):
    """Rotate ``v`` by the unit quaternion ``q``: v + 2w (u x v) + 2 u x (u x v)."""
    if not xp.is_torch:
        # numpy: one loop over the broadcast rows, no temporaries
        from geomlearn.geometry.lie._kernels import quat_rotate_rows

        shape = np.broadcast_shapes(q.shape[:-1], v.shape[:-1])
        dtype = np.result_type(q, v)
        rows_q = np.ascontiguousarray(np.broadcast_to(q, (*shape, 4)), dtype=dtype)
        rows_v = np.ascontiguousarray(np.broadcast_to(v, (*shape, 3)), dtype=dtype)
        out = np.empty((*shape, 3), dtype=dtype)
        quat_rotate_rows(
            rows_q.reshape(-1, 4), rows_v.reshape(-1, 3), out.reshape(-1, 3)
        )
        return out
    u, w = q[..., :3], q[..., 3:]
    uv = cross(xp, u, v)
    return v + 2 * (w * uv + cross(xp, u, uv))


def quat_to_matrix(xp, q):
    """Rotation matrix of a (not necessarily unit) quaternion."""
    x, y, z, w = q[..., 0], q[..., 1], q[..., 2], q[..., 3]
    s = 2 / (x * x + y * y + z * z + w * w)
    xx, yy, zz = s * x * x, s * y * y, s * z * z
    xy, xz, yz = s * x * y, s * x * z, s * y * z
    wx, wy, wz = s * w * x, s * w * y, s * w * z
    rows = [
        xp.stack([1 - yy - zz, xy - wz, xz + wy]),
        xp.stack([xy + wz, 1 - xx - zz, yz - wx]),
        xp.stack([xz - wy, yz + wx, 1 - xx - yy]),
    ]
    return xp.stack(rows, axis=-2)


def matrix_to_quat(xp, m):
    """Return the unit quaternion (x, y, z, w), w >= 0, of a rotation matrix.

    Shepperd's method as refined by Markley: four unnormalised candidates,
    the one built on the largest of (trace, m00, m11, m22) is taken, then
    normalised. For a matrix that is not exactly orthogonal this gives a
    close rotation.
    """
    m00, m01, m02 = m[..., 0, 0], m[..., 0, 1], m[..., 0, 2]
    m10, m11, m12 = m[..., 1, 0], m[..., 1, 1], m[..., 1, 2]
    m20, m21, m22 = m[..., 2, 0], m[..., 2, 1], m[..., 2, 2]
    tr = m00 + m11 + m22
    candidates = [
        xp.stack([1 + 2 * m00 - tr, m01 + m10, m02 + m20, m21 - m12]),
        xp.stack([m01 + m10, 1 + 2 * m11 - tr, m12 + m21, m02 - m20]),
        xp.stack([m02 + m20, m12 + m21, 1 + 2 * m22 - tr, m10 - m01]),
        xp.stack([m21 - m12, m02 - m20, m10 - m01, 1 + tr]),
    ]
    choice = xp.argmax(xp.stack([m00, m11, m22, tr]), axis=-1)[..., None]
    q = candidates[3]
    for i in range(3):
        q = xp.where(choice == i, candidates[i], q)
    q = q / xp.sqrt(sqnorm(xp, q))[..., None]
    return xp.where(q[..., 3:] < 0, -q, q)


def so3_exp(xp, theta):
    """Return the unit quaternion of the rotation vector ``theta``."""
    if not xp.is_torch:
        # numpy: one loop, one square root and one sine/cosine pair each
        from geomlearn.geometry.lie._kernels import so3_exp_rows

        rows = np.ascontiguousarray(theta.reshape(-1, 3))
        out = np.empty((rows.shape[0], 4), dtype=rows.dtype)
        so3_exp_rows(
            rows,
            np.asarray(_SERIES["half_sinc"], dtype=rows.dtype),
            np.asarray(_SERIES["half_cos"], dtype=rows.dtype),
            _SWITCH,
            out,
        )
        return out.reshape(*theta.shape[:-1], 4)
    t2 = sqnorm(xp, theta)
    s = coefficient(xp, "half_sinc", t2)
    c = coefficient(xp, "half_cos", t2)
    return xp.concat([s[..., None] * theta, c[..., None]])


def so3_log(xp, q):
    """Rotation vector (angle in [0, pi]) of a quaternion; the sign of q is free."""
    sign = xp.where(q[..., 3:] < 0, -1.0, 1.0)
    u, w = sign * q[..., :3], sign[..., 0] * q[..., 3]
    return atan_ratio(xp, sqnorm(xp, u), w)[..., None] * u


def so3_rjac(xp, theta):
    """Right Jacobian of SO(3): I - b W + c W^2, with W = [theta]x."""
    t2 = sqnorm(xp, theta)
    w = skew(xp, theta)
    b = coefficient(xp, "b", t2)[..., None, None]
    c = coefficient(xp, "c", t2)[..., None, None]
    return xp.eye(3, theta.shape[:-1]) - b * w + c * (w @ w)


def so3_rjacinv(xp, theta):
    """Inverse right Jacobian of SO(3): I + W / 2 + d W^2."""
    t2 = sqnorm(xp, theta)
    w = skew(xp, theta)
    d = coefficient(xp, "d", t2)[..., None, None]
    return xp.eye(3, theta.shape[:-1]) + w / 2 + d * (w @ w)


def so3_vmat(xp, theta, v):
    """``J_l(theta) v`` without forming the matrix (the SE(3) exp translation)."""
    t2 = sqnorm(xp, theta)
    b = coefficient(xp, "b", t2)[..., None]
    c = coefficient(xp, "c", t2)[..., None]
    tv = cross(xp, theta, v)
    return v + b * tv + c * cross(xp, theta, tv)


def so3_vinv(xp, theta, v):
    """``J_l(theta)^{-1} v`` without forming the matrix."""
    t2 = sqnorm(xp, theta)
    d = coefficient(xp, "d", t2)[..., None]
    tv = cross(xp, theta, v)
    return v - tv / 2 + d * cross(xp, theta, tv)


def se3_q(xp, rho, theta):
    """Barfoot's Q(rho, theta), the off-diagonal block of the SE(3) left Jacobian.

    Q = V/2 + c (WV + VW + WVW) + q2 (WWV + VWW - 3 WVW) + q3 (WVWW + WWVW),
    with V = [rho]x, W = [theta]x, c = (t - sin t)/t^3,
    q2 = (t^2 + 2 cos t - 2)/(2 t^4), q3 = (2t - 3 sin t + t cos t)/(2 t^5).
    """
    t2 = sqnorm(xp, theta)
    c1 = coefficient(xp, "c", t2)[..., None, None]
    c2 = coefficient(xp, "q2", t2)[..., None, None]
    c3 = coefficient(xp, "q3", t2)[..., None, None]
    v = skew(xp, rho)
    w = skew(xp, theta)
    wv, vw = w @ v, v @ w
    wvw = wv @ w
    wwv = w @ wv
    vww = vw @ w
    return (
        v / 2
        + c1 * (wv + vw + wvw)
        + c2 * (wwv + vww - 3 * wvw)
        + c3 * (wvw @ w + w @ wvw)
    )

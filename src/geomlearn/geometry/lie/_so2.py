"""SO(2): planar rotations stored as unit complex numbers (cos, sin)."""

import numpy as np

from geomlearn.geometry.lie import _math as m
from geomlearn.geometry.lie._backend import get_namespace
from geomlearn.geometry.lie._base import LieGroup


def _rot(xp, X):
    """2x2 rotation matrices of (cos, sin) pairs."""
    c, s = X[..., 0], X[..., 1]
    return xp.stack([xp.stack([c, -s]), xp.stack([s, c])], axis=-2)


def _perp(xp, v):
    """``[1]x v``: v turned by +90 degrees."""
    return xp.stack([-v[..., 1], v[..., 0]])


class SO2(LieGroup):
    """The group of planar rotations, SO(2).

    Elements are unit complex numbers ``(cos(phi), sin(phi))``, arrays of shape
    ``(..., 2)``: composition is a complex product, and no angle wrap-around
    ever happens inside the group. Tangent vectors are angles in radians with
    a trailing axis of size one, shape ``(..., 1)``; ``log`` returns them in
    ``(-pi, pi]``. The matrix representation is the 2x2 rotation matrix; the
    group acts on 2-vectors by rotation.

    The group is commutative: ``Ad = J_r = J_l = 1``; ``act`` has
    ``J_X = R [1]x v`` (shape ``(..., 2, 1)``) and ``J_v = R``, where
    ``[1]x = [[0, -1], [1, 0]]``. See :class:`LieGroup` for the operations
    and the Jacobian convention.

    See Also
    --------
    SE2 : Planar rigid motions.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SO2
    >>> X = SO2.from_angle(np.pi / 2)
    >>> SO2.act(X, [1.0, 0.0]).round(12) + 0.0
    array([0., 1.])
    >>> SO2.log(SO2.compose(X, X))
    array([3.14159265])
    """

    dof = 1
    rep_size = 2
    matrix_size = 2
    act_size = 2

    @classmethod
    def _identity(cls, xp, batch_shape):
        return xp.concat([xp.ones((*batch_shape, 1)), xp.zeros((*batch_shape, 1))])

    @classmethod
    def _random(cls, rng, batch_shape):
        phi = rng.uniform(-np.pi, np.pi, batch_shape)
        return np.stack([np.cos(phi), np.sin(phi)], axis=-1)

    @classmethod
    def _exp(cls, xp, tau):
        return xp.concat([xp.cos(tau), xp.sin(tau)])

    @classmethod
    def _log(cls, xp, X):
        return xp.atan2(X[..., 1:], X[..., :1])

    @classmethod
    def _compose(cls, xp, X, Y):
        a, b = X[..., 0], X[..., 1]
        c, d = Y[..., 0], Y[..., 1]
        return xp.stack([a * c - b * d, a * d + b * c])

    @classmethod
    def _inverse(cls, xp, X):
        return xp.concat([X[..., :1], -X[..., 1:]])

    @classmethod
    def _act(cls, xp, X, v, jacobians):
        R = _rot(xp, X)
        w = m.matvec(R, v)
        if not jacobians:
            return w
        return w, _perp(xp, w)[..., None], R

    @classmethod
    def _adjoint(cls, xp, X):
        return xp.ones((*X.shape[:-1], 1, 1))

    @classmethod
    def _hat(cls, xp, tau):
        z = xp.zeros(tau.shape[:-1])
        t = tau[..., 0]
        return xp.stack([xp.stack([z, -t]), xp.stack([t, z])], axis=-2)

    @classmethod
    def _vee(cls, xp, M):
        return ((M[..., 1, 0] - M[..., 0, 1]) / 2)[..., None]

    @classmethod
    def _rjac(cls, xp, tau):
        return xp.ones((*tau.shape[:-1], 1, 1))

    _rjacinv = _rjac

    @classmethod
    def _to_matrix(cls, xp, X):
        return _rot(xp, X)

    @classmethod
    def _from_matrix(cls, xp, M):
        # Closest rotation (in Frobenius norm) to a 2x2 matrix.
        return cls._normalize(
            xp, xp.stack([M[..., 0, 0] + M[..., 1, 1], M[..., 1, 0] - M[..., 0, 1]])
        )

    @classmethod
    def _normalize(cls, xp, X):
        return X / xp.sqrt(m.sqnorm(xp, X))[..., None]

    @classmethod
    def from_angle(cls, angle):
        """Build rotations from angles.

        Parameters
        ----------
        angle : float or array-like of shape (...)
            Angles in radians, counter-clockwise.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 2)
            ``(cos(angle), sin(angle))``.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO2
        >>> SO2.from_angle([0.0, 0.5]).shape
        (2, 2)
        """
        xp = get_namespace(angle)
        angle = xp.asarray(angle)
        return xp.stack([xp.cos(angle), xp.sin(angle)])

    @classmethod
    def to_angle(cls, X):
        """Return the angles of rotations, in ``(-pi, pi]``.

        Parameters
        ----------
        X : array-like of shape (..., 2)
            Rotations.

        Returns
        -------
        angle : ndarray or torch.Tensor of shape (...)
            Angles in radians.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO2
        >>> SO2.to_angle([0.0, -1.0])
        array(-1.57079633)
        """
        xp = get_namespace(X)
        return cls._log(xp, cls._element(xp, X))[..., 0]

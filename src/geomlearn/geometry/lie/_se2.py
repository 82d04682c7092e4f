"""SE(2): planar rigid motions stored as (x, y, cos, sin)."""

import numpy as np

from geomlearn.geometry.lie import _math as m
from geomlearn.geometry.lie._backend import get_namespace
from geomlearn.geometry.lie._base import LieGroup
from geomlearn.geometry.lie._so2 import SO2, _perp, _rot


def _coefficients(xp, theta):
    t2 = theta * theta
    return (
        m.coefficient(xp, "sinc", t2),
        m.coefficient(xp, "b", t2),
        m.coefficient(xp, "c", t2),
        m.coefficient(xp, "d", t2),
    )


def _block(xp, top_left, column):
    """Assemble [[top_left, column], [0, 1]] from a (..., 2, 2) and a (..., 2)."""
    batch = column.shape[:-1]
    top = xp.concat([top_left, column[..., None]])
    bottom = xp.concat([xp.zeros((*batch, 1, 2)), xp.ones((*batch, 1, 1))])
    return xp.concat([top, bottom], axis=-2)


class SE2(LieGroup):
    """The group of planar rigid motions, SE(2).

    Elements are ``(x, y, cos(phi), sin(phi))``, arrays of shape ``(..., 4)``:
    the translation, then the rotation as an :class:`SO2` element. Tangent
    vectors are ``(rho_x, rho_y, theta)``, shape ``(..., 3)``: the linear part
    first, then the angle. The matrix representation is the homogeneous 3x3
    matrix ``[[R, t], [0, 1]]``, ``hat(rho, theta) = [[theta [1]x, rho],
    [0, 0]]``, and the group acts on 2D points by ``t + R v``.

    Closed forms, with ``A = sin(theta)/theta``, ``B = (1 - cos theta)/theta^2``,
    ``C = (theta - sin theta)/theta^3`` and ``[1]x = [[0, -1], [1, 0]]``:

    - ``Exp(rho, theta) = (V rho, theta)`` with ``V = [[A, -theta B],
      [theta B, A]]``;
    - ``Ad(X) = [[R, -[1]x t], [0, 1]]``;
    - ``J_r = [[A, theta B, theta C rho_x - B rho_y], [-theta B, A,
      B rho_x + theta C rho_y], [0, 0, 1]]``, ``J_l(tau) = J_r(-tau)``;
      the inverses are computed in closed form;
    - ``act``: ``J_X = [R, R [1]x v]``, ``J_v = R``.

    See :class:`LieGroup` for the operations and the Jacobian convention.

    Attributes
    ----------
    rotation : type
        The rotation group, :class:`SO2`.

    See Also
    --------
    SO2 : Planar rotations.
    SE3 : Rigid motions in 3D.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SE2
    >>> X = SE2.exp([1.0, 0.0, np.pi / 2])
    >>> X.round(8)
    array([0.63661977, 0.63661977, 0.        , 1.        ])
    >>> SE2.log(X)
    array([1.        , 0.        , 1.57079633])
    """

    dof = 3
    rep_size = 4
    matrix_size = 3
    act_size = 2
    rotation = SO2

    @classmethod
    def _identity(cls, xp, batch_shape):
        zeros = xp.zeros((*batch_shape, 2))
        return xp.concat([zeros, SO2._identity(xp, batch_shape)])

    @classmethod
    def _random(cls, rng, batch_shape):
        t = rng.standard_normal((*batch_shape, 2))
        return np.concatenate([t, SO2._random(rng, batch_shape)], axis=-1)

    @classmethod
    def _exp(cls, xp, tau):
        rho, theta = tau[..., :2], tau[..., 2]
        A, B, _, _ = _coefficients(xp, theta)
        t = A[..., None] * rho + (theta * B)[..., None] * _perp(xp, rho)
        return xp.concat([t, SO2._exp(xp, tau[..., 2:])])

    @classmethod
    def _log(cls, xp, X):
        t = X[..., :2]
        theta = SO2._log(xp, X[..., 2:])
        _, _, _, D = _coefficients(xp, theta[..., 0])
        a = 1 - theta * theta * D[..., None]
        rho = a * t - theta / 2 * _perp(xp, t)
        return xp.concat([rho, theta])

    @classmethod
    def _compose(cls, xp, X, Y):
        t = X[..., :2] + m.matvec(_rot(xp, X[..., 2:]), Y[..., :2])
        return xp.concat(
            [t, SO2._compose(xp, X[..., 2:], Y[..., 2:])],
        )

    @classmethod
    def _inverse(cls, xp, X):
        r_inv = SO2._inverse(xp, X[..., 2:])
        t = -m.matvec(_rot(xp, r_inv), X[..., :2])
        return xp.concat([t, r_inv])

    @classmethod
    def _act(cls, xp, X, v, jacobians):
        R = _rot(xp, X[..., 2:])
        rv = m.matvec(R, v)
        w = X[..., :2] + rv
        if not jacobians:
            return w
        R = xp.broadcast_to(R, (*w.shape[:-1], 2, 2))
        return w, xp.concat([R, _perp(xp, rv)[..., None]]), R

    @classmethod
    def _adjoint(cls, xp, X):
        t = X[..., :2]
        column = xp.stack([t[..., 1], -t[..., 0]])
        return _block(xp, _rot(xp, X[..., 2:]), column)

    @classmethod
    def _hat(cls, xp, tau):
        top = xp.concat([SO2._hat(xp, tau[..., 2:]), tau[..., :2, None]])
        return xp.concat([top, xp.zeros((*tau.shape[:-1], 1, 3))], axis=-2)

    @classmethod
    def _vee(cls, xp, M):
        return xp.concat([M[..., :2, 2], SO2._vee(xp, M[..., :2, :2])])

    @classmethod
    def _rjac(cls, xp, tau):
        r1, r2, theta = tau[..., 0], tau[..., 1], tau[..., 2]
        A, B, C, _ = _coefficients(xp, theta)
        tB, tC = theta * B, theta * C
        top_left = xp.stack([xp.stack([A, tB]), xp.stack([-tB, A])], axis=-2)
        column = xp.stack([tC * r1 - B * r2, B * r1 + tC * r2])
        return _block(xp, top_left, column)

    @classmethod
    def _rjacinv(cls, xp, tau):
        r1, r2, theta = tau[..., 0], tau[..., 1], tau[..., 2]
        _, B, C, D = _coefficients(xp, theta)
        tC = theta * C
        a, h = 1 - theta * theta * D, theta / 2
        inv = xp.stack([xp.stack([a, -h]), xp.stack([h, a])], axis=-2)
        column = xp.stack([tC * r1 - B * r2, B * r1 + tC * r2])
        return _block(xp, inv, -m.matvec(inv, column))

    @classmethod
    def _to_matrix(cls, xp, X):
        return _block(xp, _rot(xp, X[..., 2:]), X[..., :2])

    @classmethod
    def _from_matrix(cls, xp, M):
        return xp.concat([M[..., :2, 2], SO2._from_matrix(xp, M[..., :2, :2])])

    @classmethod
    def _normalize(cls, xp, X):
        return xp.concat([X[..., :2], SO2._normalize(xp, X[..., 2:])])

    @classmethod
    def from_parts(cls, translation, rotation):
        """Build rigid motions from translations and rotations.

        Parameters
        ----------
        translation : array-like of shape (..., 2)
            Translations.
        rotation : array-like of shape (..., 2)
            Rotations, :class:`SO2` elements ``(cos, sin)``.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 4)
            The motions ``v -> rotation . v + translation``.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE2, SO2
        >>> SE2.from_parts([1.0, 2.0], SO2.identity())
        array([1., 2., 1., 0.])
        """
        xp = get_namespace(translation, rotation)
        t = xp.asarray(translation)
        r = SO2._element(xp, rotation, "rotation")
        if t.ndim < 1 or t.shape[-1] != 2:
            raise ValueError(
                f"translation must have shape (..., 2); got {tuple(t.shape)}."
            )
        batch = xp.broadcast_shapes(t.shape[:-1], r.shape[:-1])
        return xp.concat(
            [xp.broadcast_to(t, (*batch, 2)), xp.broadcast_to(r, (*batch, 2))]
        )

    @classmethod
    def to_parts(cls, X):
        """Split rigid motions into translations and rotations.

        Parameters
        ----------
        X : array-like of shape (..., 4)
            Rigid motions.

        Returns
        -------
        translation : ndarray or torch.Tensor of shape (..., 2)
            Translations.
        rotation : ndarray or torch.Tensor of shape (..., 2)
            Rotations, :class:`SO2` elements.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE2
        >>> t, r = SE2.to_parts(SE2.identity())
        >>> t, r
        (array([0., 0.]), array([1., 0.]))
        """
        xp = get_namespace(X)
        X = cls._element(xp, X)
        return X[..., :2], X[..., 2:]

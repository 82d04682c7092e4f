"""SE(3) and SE_2(3): a rotation and one or two 3-vectors (translation, velocity).

Both are semidirect products of SO(3) with k copies of R^3, so they share one
implementation, parametrised by k. The quaternion sits at positions 3:7 of
the representation; the first vector before it, the second (SE_2(3) only)
after it. Tangent vectors list the k linear parts first and the rotation
vector last.
"""

import numpy as np

from geomlearn.geometry.lie import _math as m
from geomlearn.geometry.lie._backend import get_namespace
from geomlearn.geometry.lie._base import LieGroup
from geomlearn.geometry.lie._so3 import SO3


def _assemble(xp, rows, batch):
    """Block matrix from rows of (..., 3, 3) blocks, ``None`` meaning zero."""
    zero = xp.zeros((*batch, 3, 3))
    return xp.concat(
        [
            xp.concat(
                [zero if b is None else xp.broadcast_to(b, zero.shape) for b in r]
            )
            for r in rows
        ],
        axis=-2,
    )


class _ExtendedPose(LieGroup):
    """SO(3) x (R^3)^k as a semidirect product; k is ``_k``."""

    _k = 1
    rotation = SO3

    @classmethod
    def _split(cls, X):
        q = X[..., 3:7]
        vectors = [X[..., :3]] + [
            X[..., 7 + 3 * i : 10 + 3 * i] for i in range(cls._k - 1)
        ]
        return q, vectors

    @classmethod
    def _join(cls, xp, q, vectors):
        return xp.concat([vectors[0], q, *vectors[1:]])

    @classmethod
    def _tangent_split(cls, tau):
        return [tau[..., 3 * i : 3 * i + 3] for i in range(cls._k)], tau[..., -3:]

    @classmethod
    def _identity(cls, xp, batch_shape):
        zero = xp.zeros((*batch_shape, 3))
        return cls._join(xp, SO3._identity(xp, batch_shape), [zero] * cls._k)

    @classmethod
    def _random(cls, rng, batch_shape):
        q = SO3._random(rng, batch_shape)
        vectors = [rng.standard_normal((*batch_shape, 3)) for _ in range(cls._k)]
        return np.concatenate([vectors[0], q, *vectors[1:]], axis=-1)

    @classmethod
    def _exp(cls, xp, tau):
        rhos, theta = cls._tangent_split(tau)
        q = m.so3_exp(xp, theta)
        return cls._join(xp, q, [m.so3_vmat(xp, theta, rho) for rho in rhos])

    @classmethod
    def _log(cls, xp, X):
        q, vectors = cls._split(X)
        theta = m.so3_log(xp, q)
        return xp.concat([*(m.so3_vinv(xp, theta, v) for v in vectors), theta])

    @classmethod
    def _compose(cls, xp, X, Y):
        qx, vx = cls._split(X)
        qy, vy = cls._split(Y)
        vectors = [a + m.quat_rotate(xp, qx, b) for a, b in zip(vx, vy, strict=True)]
        return cls._join(xp, m.quat_mul(xp, qx, qy), vectors)

    @classmethod
    def _inverse(cls, xp, X):
        q, vectors = cls._split(X)
        q_inv = m.quat_conj(xp, q)
        return cls._join(xp, q_inv, [-m.quat_rotate(xp, q_inv, v) for v in vectors])

    @classmethod
    def _act(cls, xp, X, v, jacobians):
        q, vectors = cls._split(X)
        w = vectors[0] + m.quat_rotate(xp, q, v)
        if not jacobians:
            return w
        R = m.quat_to_matrix(xp, q)
        batch = xp.broadcast_shapes(R.shape[:-2], v.shape[:-1])
        zero = xp.zeros((*batch, 3, 3))
        blocks = [R] + [zero] * (cls._k - 1) + [-R @ m.skew(xp, v)]
        blocks = [xp.broadcast_to(b, zero.shape) for b in blocks]
        return w, xp.concat(blocks), R

    @classmethod
    def _adjoint(cls, xp, X):
        q, vectors = cls._split(X)
        R = m.quat_to_matrix(xp, q)
        k = cls._k
        rows = [
            [R if j == i else None for j in range(k)] + [m.skew(xp, v) @ R]
            for i, v in enumerate(vectors)
        ]
        rows.append([None] * k + [R])
        return _assemble(xp, rows, R.shape[:-2])

    @classmethod
    def _hat(cls, xp, tau):
        rhos, theta = cls._tangent_split(tau)
        top = xp.concat([m.skew(xp, theta), *(rho[..., None] for rho in rhos)])
        n = 3 + cls._k
        return xp.concat([top, xp.zeros((*tau.shape[:-1], cls._k, n))], axis=-2)

    @classmethod
    def _vee(cls, xp, M):
        parts = [M[..., :3, 3 + i] for i in range(cls._k)]
        return xp.concat([*parts, m.unskew(xp, M[..., :3, :3])])

    @classmethod
    def _rjac(cls, xp, tau):
        # J_r(tau) = J_l(-tau); J_l = [[J_l(theta), Q(rho, theta)], [0, J_l(theta)]].
        rhos, theta = cls._tangent_split(tau)
        jr = m.so3_rjac(xp, theta)
        k = cls._k
        rows = [
            [jr if j == i else None for j in range(k)] + [m.se3_q(xp, -rho, -theta)]
            for i, rho in enumerate(rhos)
        ]
        rows.append([None] * k + [jr])
        return _assemble(xp, rows, tau.shape[:-1])

    @classmethod
    def _rjacinv(cls, xp, tau):
        rhos, theta = cls._tangent_split(tau)
        jr_inv = m.so3_rjacinv(xp, theta)
        k = cls._k
        rows = [
            [jr_inv if j == i else None for j in range(k)]
            + [-jr_inv @ m.se3_q(xp, -rho, -theta) @ jr_inv]
            for i, rho in enumerate(rhos)
        ]
        rows.append([None] * k + [jr_inv])
        return _assemble(xp, rows, tau.shape[:-1])

    @classmethod
    def _to_matrix(cls, xp, X):
        q, vectors = cls._split(X)
        batch = X.shape[:-1]
        k = cls._k
        top = xp.concat([m.quat_to_matrix(xp, q), *(v[..., None] for v in vectors)])
        bottom = xp.concat([xp.zeros((*batch, k, 3)), xp.eye(k, batch)])
        return xp.concat([top, bottom], axis=-2)

    @classmethod
    def _from_matrix(cls, xp, M):
        q = m.matrix_to_quat(xp, M[..., :3, :3])
        return cls._join(xp, q, [M[..., :3, 3 + i] for i in range(cls._k)])

    @classmethod
    def _normalize(cls, xp, X):
        q, vectors = cls._split(X)
        return cls._join(xp, SO3._normalize(xp, q), vectors)

    @classmethod
    def _from_parts(cls, xp, q, vectors):
        q = SO3._element(xp, q, "rotation")
        vectors = [xp.asarray(v) for v in vectors]
        for v in vectors:
            if v.ndim < 1 or v.shape[-1] != 3:
                raise ValueError(
                    f"vectors must have shape (..., 3); got {tuple(v.shape)}."
                )
        batch = xp.broadcast_shapes(q.shape[:-1], *(v.shape[:-1] for v in vectors))
        q = xp.broadcast_to(q, (*batch, 4))
        return cls._join(xp, q, [xp.broadcast_to(v, (*batch, 3)) for v in vectors])


class SE3(_ExtendedPose):
    """The group of rigid motions in 3D, SE(3).

    Elements are ``(t, q)``: a translation ``t`` and an :class:`SO3` unit
    quaternion ``q = (x, y, z, w)``, arrays of shape ``(..., 7)``. Tangent
    vectors are ``(rho, theta)``, shape ``(..., 6)``: the linear part first,
    then the rotation vector (the order of manif and of Barfoot's book). The
    matrix representation is the homogeneous 4x4 matrix ``[[R, t], [0, 1]]``,
    ``hat(rho, theta) = [[[theta]x, rho], [0, 0]]``, and the group acts on
    points by ``t + R v``.

    Closed forms, with ``W = [theta]x``:

    - ``Exp(rho, theta) = (J_l(theta) rho, Exp(theta))`` (SO3 left Jacobian);
    - ``Ad(X) = [[R, [t]x R], [0, R]]``;
    - ``J_l(rho, theta) = [[J_l(theta), Q(rho, theta)], [0, J_l(theta)]]``
      with Barfoot's ``Q`` (see ``Notes``), ``J_r(tau) = J_l(-tau)``, and the
      inverses ``[[J^{-1}, -J^{-1} Q J^{-1}], [0, J^{-1}]]``;
    - ``act``: ``J_X = [R, -R [v]x]``, ``J_v = R``.

    See :class:`LieGroup` for the operations and the Jacobian convention.

    Attributes
    ----------
    rotation : type
        The rotation group, :class:`SO3`.

    See Also
    --------
    SO3 : The rotations.
    SE23 : Poses with a velocity.

    Notes
    -----
    ``Q(rho, theta) = V/2 + c1 (WV + VW + WVW) + c2 (WWV + VWW - 3WVW) +
    c3 (WVWW + WWVW)`` with ``V = [rho]x``, ``c1 = (t - sin t)/t^3``,
    ``c2 = (t^2 + 2 cos t - 2)/(2 t^4)``, ``c3 = (2t - 3 sin t + t cos t)/
    (2 t^5)`` and ``t = |theta|`` (Barfoot and Furgale, 2014, eq. 102);
    the coefficients switch to Taylor series near ``t = 0``.

    References
    ----------
    .. [1] T. D. Barfoot, P. T. Furgale, "Associating uncertainty with
       three-dimensional poses for use in estimation problems", IEEE
       Transactions on Robotics 30(3), 2014.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SE3, SO3
    >>> X = SE3.from_parts([1.0, 0.0, 0.0], SO3.exp([0.0, 0.0, np.pi / 2]))
    >>> SE3.act(X, [1.0, 0.0, 0.0]).round(12) + 0.0
    array([1., 1., 0.])
    >>> SE3.to_matrix(X).shape
    (4, 4)
    """

    _k = 1
    dof = 6
    rep_size = 7
    matrix_size = 4
    act_size = 3

    @classmethod
    def from_parts(cls, translation, rotation):
        """Build rigid motions from translations and rotations.

        Parameters
        ----------
        translation : array-like of shape (..., 3)
            Translations.
        rotation : array-like of shape (..., 4)
            Rotations, :class:`SO3` unit quaternions ``(x, y, z, w)``.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 7)
            The motions ``v -> rotation . v + translation``.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE3, SO3
        >>> SE3.from_parts([1.0, 2.0, 3.0], SO3.identity())
        array([1., 2., 3., 0., 0., 0., 1.])
        """
        xp = get_namespace(translation, rotation)
        return cls._from_parts(xp, rotation, [translation])

    @classmethod
    def to_parts(cls, X):
        """Split rigid motions into translations and rotations.

        Parameters
        ----------
        X : array-like of shape (..., 7)
            Rigid motions.

        Returns
        -------
        translation : ndarray or torch.Tensor of shape (..., 3)
            Translations.
        rotation : ndarray or torch.Tensor of shape (..., 4)
            Rotations, :class:`SO3` unit quaternions.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE3
        >>> t, q = SE3.to_parts(SE3.identity())
        >>> t, q
        (array([0., 0., 0.]), array([0., 0., 0., 1.]))
        """
        xp = get_namespace(X)
        q, (t,) = cls._split(cls._element(xp, X))
        return t, q


class SE23(_ExtendedPose):
    """The group of extended poses SE_2(3): rotation, position and velocity.

    Used for inertial navigation (the state of an IMU-driven body). Elements
    are ``(p, q, v)``: a position ``p``, an :class:`SO3` unit quaternion ``q =
    (x, y, z, w)`` and a velocity ``v``, arrays of shape ``(..., 10)``.
    Tangent vectors are ``(rho, nu, theta)``, shape ``(..., 9)``: the
    position part, the velocity part, then the rotation vector. The matrix
    representation is the 5x5 matrix ``[[R, p, v], [0, 1, 0], [0, 0, 1]]``,
    ``hat(rho, nu, theta) = [[[theta]x, rho, nu], [0, 0, 0], [0, 0, 0]]``,
    composition is ``(R1 R2, p1 + R1 p2, v1 + R1 v2)``, and the group acts on
    points by ``p + R x`` (the velocity plays no part in the action).

    Closed forms, with ``W = [theta]x`` and ``Q`` as in :class:`SE3`:

    - ``Exp(rho, nu, theta) = (J_l(theta) rho, Exp(theta), J_l(theta) nu)``;
    - ``Ad(X) = [[R, 0, [p]x R], [0, R, [v]x R], [0, 0, R]]``;
    - ``J_l = [[J_l(theta), 0, Q(rho, theta)], [0, J_l(theta), Q(nu, theta)],
      [0, 0, J_l(theta)]]``, ``J_r(tau) = J_l(-tau)``;
    - ``act``: ``J_X = [R, 0, -R [x]x]``, ``J_x = R``.

    See :class:`LieGroup` for the operations and the Jacobian convention.

    Attributes
    ----------
    rotation : type
        The rotation group, :class:`SO3`.

    See Also
    --------
    SE3 : Rigid motions without velocity.

    References
    ----------
    .. [1] A. Barrau, S. Bonnabel, "The invariant extended Kalman filter as a
       stable observer", IEEE Transactions on Automatic Control 62(4), 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SE23, SO3
    >>> X = SE23.from_parts([0.0, 0.0, 1.0], SO3.identity(), [1.0, 0.0, 0.0])
    >>> X.shape
    (10,)
    >>> position, rotation, velocity = SE23.to_parts(SE23.compose(X, X))
    >>> position, velocity
    (array([0., 0., 2.]), array([2., 0., 0.]))
    """

    _k = 2
    dof = 9
    rep_size = 10
    matrix_size = 5
    act_size = 3

    @classmethod
    def from_parts(cls, position, rotation, velocity):
        """Build extended poses from positions, rotations and velocities.

        Parameters
        ----------
        position : array-like of shape (..., 3)
            Positions.
        rotation : array-like of shape (..., 4)
            Rotations, :class:`SO3` unit quaternions ``(x, y, z, w)``.
        velocity : array-like of shape (..., 3)
            Velocities.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 10)
            Extended poses ``(position, rotation, velocity)``.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE23, SO3
        >>> SE23.from_parts([1.0, 2.0, 3.0], SO3.identity(), [4.0, 5.0, 6.0])
        array([1., 2., 3., 0., 0., 0., 1., 4., 5., 6.])
        """
        xp = get_namespace(position, rotation, velocity)
        return cls._from_parts(xp, rotation, [position, velocity])

    @classmethod
    def to_parts(cls, X):
        """Split extended poses into positions, rotations and velocities.

        Parameters
        ----------
        X : array-like of shape (..., 10)
            Extended poses.

        Returns
        -------
        position : ndarray or torch.Tensor of shape (..., 3)
            Positions.
        rotation : ndarray or torch.Tensor of shape (..., 4)
            Rotations, :class:`SO3` unit quaternions.
        velocity : ndarray or torch.Tensor of shape (..., 3)
            Velocities.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE23
        >>> p, q, v = SE23.to_parts(SE23.identity())
        >>> q
        array([0., 0., 0., 1.])
        """
        xp = get_namespace(X)
        q, (p, v) = cls._split(cls._element(xp, X))
        return p, q, v

"""SO(3): 3D rotations stored as unit quaternions (x, y, z, w)."""

import numpy as np

from geomlearn.geometry.lie import _math as m
from geomlearn.geometry.lie._backend import get_namespace, is_torch_tensor
from geomlearn.geometry.lie._base import LieGroup


class SO3(LieGroup):
    r"""The group of 3D rotations, SO(3).

    Elements are unit quaternions in scipy's scalar-last order ``(x, y, z,
    w)``, arrays of shape ``(..., 4)``; ``q`` and ``-q`` are the same rotation
    (every operation accepts both, ``log`` and the conversions return the one
    with ``w >= 0``, ``exp`` returns ``w = cos(theta / 2)``). Tangent vectors
    are rotation vectors ``theta = angle * axis``, shape ``(..., 3)``, and
    ``exp``/``log`` are scipy's ``from_rotvec``/``as_rotvec``. The matrix
    representation is the 3x3 rotation matrix, ``hat`` is the skew matrix
    ``[theta]x``, the group acts on 3-vectors by rotation, and
    ``Ad(R) = R``.

    Closed forms, with ``t = |theta|`` and ``W = [theta]x``:

    - ``J_r(theta) = I - (1 - cos t)/t^2 W + (t - sin t)/t^3 W^2``,
      ``J_l(theta) = J_r(-theta) = J_r(theta)^T``;
    - ``J_r(theta)^{-1} = I + W/2 + (1/t^2 - cot(t/2)/(2t)) W^2``;
    - ``act``: ``J_X = -R [v]x``, ``J_v = R``.

    All coefficients switch to Taylor series near ``t = 0`` (gradients stay
    finite at exactly zero), and ``log`` computes the angle as
    ``2 atan2(|u|, |w|)`` from the quaternion, which stays accurate up to and
    at ``t = pi``. See :class:`LieGroup` for the operations and the Jacobian
    convention.

    See Also
    --------
    SE3 : Rigid motions, which carry an SO3 rotation.
    scipy.spatial.transform.Rotation : Rotations as objects; see
        :meth:`from_scipy` and :meth:`to_scipy`.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SO3
    >>> X = SO3.exp([0.0, 0.0, np.pi / 2])
    >>> X
    array([0.        , 0.        , 0.70710678, 0.70710678])
    >>> SO3.act(X, [1.0, 0.0, 0.0]).round(12) + 0.0
    array([0., 1., 0.])
    >>> w, J_X, J_v = SO3.act(X, [1.0, 0.0, 0.0], jacobians=True)
    >>> J_X.shape, J_v.shape
    ((3, 3), (3, 3))
    """

    dof = 3
    rep_size = 4
    matrix_size = 3
    act_size = 3

    # ------------------------------------------------------------- primitives
    @classmethod
    def _identity(cls, xp, batch_shape):
        return xp.concat([xp.zeros((*batch_shape, 3)), xp.ones((*batch_shape, 1))])

    @classmethod
    def _random(cls, rng, batch_shape):
        q = rng.standard_normal((*batch_shape, 4))
        return q / np.linalg.norm(q, axis=-1, keepdims=True)

    @classmethod
    def _exp(cls, xp, tau):
        return m.so3_exp(xp, tau)

    @classmethod
    def _log(cls, xp, X):
        return m.so3_log(xp, X)

    @classmethod
    def _compose(cls, xp, X, Y):
        return m.quat_mul(xp, X, Y)

    @classmethod
    def _inverse(cls, xp, X):
        return m.quat_conj(xp, X)

    @classmethod
    def _act(cls, xp, X, v, jacobians):
        w = m.quat_rotate(xp, X, v)
        if not jacobians:
            return w
        R = m.quat_to_matrix(xp, X)
        return w, -R @ m.skew(xp, v), R

    @classmethod
    def _adjoint(cls, xp, X):
        return m.quat_to_matrix(xp, X)

    @classmethod
    def _hat(cls, xp, tau):
        return m.skew(xp, tau)

    @classmethod
    def _vee(cls, xp, M):
        return m.unskew(xp, M)

    @classmethod
    def _rjac(cls, xp, tau):
        return m.so3_rjac(xp, tau)

    @classmethod
    def _rjacinv(cls, xp, tau):
        return m.so3_rjacinv(xp, tau)

    @classmethod
    def _to_matrix(cls, xp, X):
        return m.quat_to_matrix(xp, X)

    @classmethod
    def _from_matrix(cls, xp, M):
        return m.matrix_to_quat(xp, M)

    @classmethod
    def _normalize(cls, xp, X):
        return X / xp.sqrt(m.sqnorm(xp, X))[..., None]

    # ------------------------------------------------------------ conversions
    @classmethod
    def from_quaternion(cls, q, *, scalar_first=False):
        """Build rotations from quaternions (normalised on the way).

        Parameters
        ----------
        q : array-like of shape (..., 4)
            Quaternions, nonzero, not necessarily of unit norm.
        scalar_first : bool, default=False
            Whether ``q`` is ``(w, x, y, z)`` rather than ``(x, y, z, w)``.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 4)
            Unit quaternions ``(x, y, z, w)``.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.from_quaternion([2.0, 0.0, 0.0, 0.0], scalar_first=True)
        array([0., 0., 0., 1.])
        """
        xp = get_namespace(q)
        q = cls._element(xp, q, "q")
        if scalar_first:
            q = xp.concat([q[..., 1:], q[..., :1]])
        return cls._normalize(xp, q)

    @classmethod
    def to_quaternion(cls, X, *, scalar_first=False, canonical=True):
        """Return the unit quaternions of rotations.

        Parameters
        ----------
        X : array-like of shape (..., 4)
            Rotations.
        scalar_first : bool, default=False
            Return ``(w, x, y, z)`` rather than ``(x, y, z, w)``.
        canonical : bool, default=True
            Pick, of ``q`` and ``-q``, the one with ``w >= 0``.

        Returns
        -------
        q : ndarray or torch.Tensor of shape (..., 4)
            Quaternions.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.to_quaternion([0.0, 0.0, 0.6, -0.8], scalar_first=True)
        array([ 0.8,  0. ,  0. , -0.6])
        """
        xp = get_namespace(X)
        q = cls._element(xp, X)
        if canonical:
            q = xp.where(q[..., 3:] < 0, -q, q)
        if scalar_first:
            q = xp.concat([q[..., 3:], q[..., :3]])
        return q

    @classmethod
    def from_axis_angle(cls, axis, angle):
        """Build rotations from rotation axes and angles.

        Parameters
        ----------
        axis : array-like of shape (..., 3)
            Rotation axes, nonzero; they are normalised.
        angle : float or array-like of shape (...)
            Angles in radians (right-hand rule).

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 4)
            Unit quaternions.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> X = SO3.from_axis_angle([0.0, 0.0, 2.0], np.pi)
        >>> SO3.to_matrix(X).round(12) + 0.0
        array([[-1.,  0.,  0.],
               [ 0., -1.,  0.],
               [ 0.,  0.,  1.]])
        """
        xp = get_namespace(axis, angle)
        axis = cls._vector(xp, axis, "axis")
        angle = xp.asarray(angle)
        axis = axis / xp.sqrt(m.sqnorm(xp, axis))[..., None]
        half = angle[..., None] / 2
        return xp.concat([xp.sin(half) * axis, xp.cos(half + 0 * axis[..., :1])])

    @classmethod
    def to_axis_angle(cls, X):
        """Return the rotation axes and angles, angles in ``[0, pi]``.

        Parameters
        ----------
        X : array-like of shape (..., 4)
            Rotations.

        Returns
        -------
        axis : ndarray or torch.Tensor of shape (..., 3)
            Unit rotation axes; ``(1, 0, 0)`` for the identity.
        angle : ndarray or torch.Tensor of shape (...)
            Rotation angles.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> axis, angle = SO3.to_axis_angle(SO3.exp([0.0, -0.5, 0.0]))
        >>> axis + 0.0, angle
        (array([ 0., -1.,  0.]), array(0.5))
        """
        xp = get_namespace(X)
        theta = cls._log(xp, cls._element(xp, X))
        angle2 = m.sqnorm(xp, theta)
        zero = angle2 == 0
        angle = xp.sqrt(xp.where(zero, 1.0, angle2))
        fallback = xp.asarray([1.0, 0.0, 0.0])
        axis = xp.where(zero[..., None], fallback, theta / angle[..., None])
        return axis, xp.where(zero, 0.0, angle)

    @classmethod
    def from_scipy(cls, rotation, *, like=None):
        """Convert a :class:`scipy.spatial.transform.Rotation` to quaternions.

        Parameters
        ----------
        rotation : scipy.spatial.transform.Rotation
            One rotation or a batch of them.
        like : ndarray or torch.Tensor, default=None
            Return an array of this library, dtype and device; float64 numpy
            by default.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., 4)
            Unit quaternions ``(x, y, z, w)``.

        Examples
        --------
        >>> from scipy.spatial.transform import Rotation
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.from_scipy(Rotation.from_euler("z", 180, degrees=True)).round(12)
        array([0., 0., 1., 0.])
        """
        xp = get_namespace(like=like)
        return xp.asarray(rotation.as_quat())

    @classmethod
    def to_scipy(cls, X):
        """Convert rotations to a :class:`scipy.spatial.transform.Rotation`.

        Parameters
        ----------
        X : array-like of shape (4,) or (..., 4)
            Rotations; a torch tensor is detached and copied to the CPU.
            Batches with more than one batch axis need scipy >= 1.16.

        Returns
        -------
        rotation : scipy.spatial.transform.Rotation
            The same rotations.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> r = SO3.to_scipy(SO3.exp([0.0, 0.0, 0.5]))
        >>> r.as_rotvec()
        array([0. , 0. , 0.5])
        """
        from scipy.spatial.transform import Rotation

        q = X.detach().cpu().numpy() if is_torch_tensor(X) else np.asarray(X)
        xp = get_namespace(q)
        q = cls._element(xp, q)
        return Rotation.from_quat(q)

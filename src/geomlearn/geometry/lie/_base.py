"""The generic part of every group: operations written once from a few primitives.

A group class (``SO3``, ``SE3``, ...) supplies the primitives ``_exp``,
``_log``, ``_compose``, ``_inverse``, ``_act``, ``_adjoint``, ``_hat``,
``_vee``, ``_rjac``, ``_rjacinv``, ``_identity``, ``_random``,
``_to_matrix``, ``_from_matrix`` and ``_normalize``, each taking the backend
namespace ``xp`` first. Everything else (plus, minus, between,
interpolation, left Jacobians, the Jacobians of every operation) is derived
here from them, with the rules of Solà, Deray and Atchuthan (2018).
"""

import copyreg

import numpy as np
from sklearn.utils import check_random_state

from geomlearn.geometry.lie._backend import get_namespace


class _GroupMeta(type):
    """Metaclass that gives group namespaces a short repr (``SO3``, ``Rn(3)``)."""

    def __repr__(cls):
        return cls._name()


def _reduce_group(cls):
    # Groups pickle by reference; Rn(n) pickles as the call that rebuilds it.
    return cls._reduce()


copyreg.pickle(_GroupMeta, _reduce_group)


def _batch(x, core_ndim):
    return tuple(x.shape[: x.ndim - core_ndim])


class LieGroup(metaclass=_GroupMeta):
    r"""Base of the Lie group namespaces: the operations shared by every group.

    A group is a namespace of functions, never instantiated: its elements and
    tangent vectors are plain numpy arrays or torch tensors whose last axis
    holds the coordinates (the representation of each group is described in
    its own docstring) and whose leading axes are batch axes that broadcast
    against each other. One implementation serves numpy and torch: the
    backend, the dtype (float32 or float64) and the device of the result are
    those of the inputs, and torch results carry autograd.

    Every operation that maps elements and tangent vectors to elements,
    tangent vectors or points takes ``jacobians=False``. With
    ``jacobians=True`` it returns a tuple: the result, then one Jacobian per
    input in the order of the inputs. All Jacobians are *right* (local)
    Jacobians:

    .. math::

        J^{f(X)}_X = \lim_{\delta \to 0}
        \frac{f(X \oplus \delta) \ominus f(X)}{\delta},
        \qquad X \oplus \delta = X \, \mathrm{Exp}(\delta),
        \qquad Y \ominus X = \mathrm{Log}(X^{-1} Y),

    so that ``f(X ⊕ δ) ≈ f(X) ⊕ J δ``. For an input or output in a vector
    space (a tangent vector, a point) ⊕ and ⊖ are ordinary + and -. A
    Jacobian of an output with ``m`` coordinates with respect to an input with
    ``n`` has shape ``(*batch, m, n)``, where ``batch`` is the broadcast batch
    shape of the call.

    Attributes
    ----------
    dof : int
        Number of degrees of freedom, the size of a tangent vector.
    rep_size : int
        Size of the last axis of an element.
    matrix_size : int
        Size of the square matrix representation (``to_matrix``).
    act_size : int
        Size of the vectors the group acts on (``act``).

    See Also
    --------
    SO2, SE2, SO3, SE3, SE23, Rn : The groups.

    References
    ----------
    .. [1] J. Solà, J. Deray, D. Atchuthan, "A micro Lie theory for state
       estimation in robotics", arXiv:1812.01537, 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import LieGroup, SO3
    >>> issubclass(SO3, LieGroup), SO3.dof, SO3.rep_size
    (True, 3, 4)
    >>> X = SO3.exp(np.array([0.0, 0.0, np.pi / 2]))
    >>> SO3.act(X, np.array([1.0, 0.0, 0.0]))
    array([0., 1., 0.])
    """

    dof = None
    rep_size = None
    matrix_size = None
    act_size = None

    def __new__(cls):
        raise TypeError(
            f"{cls!r} is a namespace of functions and is not instantiated; its "
            f"elements are arrays, e.g. {cls!r}.identity() or {cls!r}.exp(tau)."
        )

    # ----------------------------------------------------------------- plumbing
    @classmethod
    def _name(cls):
        return cls.__name__

    @classmethod
    def _reduce(cls):
        return cls.__qualname__

    @classmethod
    def _last_axis(cls, xp, x, size, what, name):
        x = xp.asarray(x)
        if x.ndim < 1 or x.shape[-1] != size:
            raise ValueError(
                f"{cls!r} {what} of shape (..., {size}); {name} has shape "
                f"{tuple(x.shape)}."
            )
        return x

    @classmethod
    def _element(cls, xp, X, name="X"):
        return cls._last_axis(xp, X, cls.rep_size, "elements are arrays", name)

    @classmethod
    def _tangent(cls, xp, tau, name="tau"):
        return cls._last_axis(xp, tau, cls.dof, "tangent vectors are arrays", name)

    @classmethod
    def _vector(cls, xp, v, name="v"):
        return cls._last_axis(xp, v, cls.act_size, "acts on vectors", name)

    @classmethod
    def _square(cls, xp, M, size, what, name="M"):
        M = xp.asarray(M)
        if M.ndim < 2 or tuple(M.shape[-2:]) != (size, size):
            raise ValueError(
                f"{what} of {cls!r} are arrays of shape (..., {size}, {size}); "
                f"{name} has shape {tuple(M.shape)}."
            )
        return M

    @staticmethod
    def _fit(xp, J, batch_shape):
        """Broadcast a Jacobian (or any ``(..., m, n)`` block) to ``batch_shape``."""
        return xp.broadcast_to(J, (*batch_shape, *J.shape[-2:]))

    # ------------------------------------------------------------ constructors
    @classmethod
    def identity(cls, batch_shape=(), *, like=None, dtype=None):
        """Return the identity element.

        Parameters
        ----------
        batch_shape : int or tuple of int, default=()
            Leading shape of the result.
        like : ndarray or torch.Tensor, default=None
            Take the array library, dtype and device from this array.
        dtype : dtype, default=None
            Dtype of the result (of the library of ``like``); float64 when
            neither ``like`` nor ``dtype`` is given.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., rep_size)
            The identity, repeated.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO3, SE3
        >>> SO3.identity()
        array([0., 0., 0., 1.])
        >>> SE3.identity(2).shape
        (2, 7)
        """
        xp = get_namespace(like=like, dtype=dtype)
        batch_shape = (batch_shape,) if np.ndim(batch_shape) == 0 else batch_shape
        return cls._identity(xp, tuple(int(b) for b in batch_shape))

    @classmethod
    def random(cls, batch_shape=(), *, random_state=None, like=None, dtype=None):
        """Draw random elements.

        Rotations are drawn from the uniform (Haar) distribution; translations
        and velocities, and the elements of ``Rn``, from a standard normal.

        Parameters
        ----------
        batch_shape : int or tuple of int, default=()
            Leading shape of the result.
        random_state : int, RandomState instance or None, default=None
            Seeds numpy's generator; the draw is the same for numpy and torch
            outputs.
        like : ndarray or torch.Tensor, default=None
            Take the array library, dtype and device from this array.
        dtype : dtype, default=None
            Dtype of the result; float64 when neither ``like`` nor ``dtype``
            is given.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., rep_size)
            Random elements.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SE3
        >>> X = SE3.random((5, 2), random_state=0)
        >>> X.shape
        (5, 2, 7)
        """
        rng = check_random_state(random_state)
        batch_shape = (batch_shape,) if np.ndim(batch_shape) == 0 else batch_shape
        X = cls._random(rng, tuple(int(b) for b in batch_shape))
        xp = get_namespace(like=like, dtype=dtype)
        return xp.asarray(X)

    @classmethod
    def from_matrix(cls, M):
        """Build elements from their matrix representation.

        Parameters
        ----------
        M : array-like of shape (..., matrix_size, matrix_size)
            Matrices of the group (rotation blocks need only be close to
            orthogonal: they are projected onto the rotations).

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., rep_size)
            The elements.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE2
        >>> SE2.from_matrix(np.eye(3))
        array([0., 0., 1., 0.])
        """
        xp = get_namespace(M)
        M = cls._square(xp, M, cls.matrix_size, "matrices")
        return cls._from_matrix(xp, M)

    @classmethod
    def to_matrix(cls, X):
        """Return the matrix representation of elements.

        ``to_matrix`` is a group homomorphism:
        ``to_matrix(compose(X, Y)) == to_matrix(X) @ to_matrix(Y)``.

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.

        Returns
        -------
        M : ndarray or torch.Tensor of shape (..., matrix_size, matrix_size)
            The matrices.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2
        >>> SO2.to_matrix(SO2.from_angle(np.pi / 2)).round(12) + 0.0
        array([[ 0., -1.],
               [ 1.,  0.]])
        """
        xp = get_namespace(X)
        return cls._to_matrix(xp, cls._element(xp, X))

    @classmethod
    def normalize(cls, X):
        """Project arrays that drifted off the group back onto it.

        Unit quaternions and (cos, sin) pairs are rescaled to unit norm; other
        coordinates are left as they are. Long chains of ``compose`` in
        float32 are the usual reason to call it.

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Nearly valid elements.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., rep_size)
            Valid elements.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.normalize([0.0, 0.0, 0.0, 2.0])
        array([0., 0., 0., 1.])
        """
        xp = get_namespace(X)
        return cls._normalize(xp, cls._element(xp, X))

    # -------------------------------------------------------------- tangent space
    @classmethod
    def hat(cls, tau):
        """Map tangent vectors to the Lie algebra (matrices).

        Parameters
        ----------
        tau : array-like of shape (..., dof)
            Tangent vectors.

        Returns
        -------
        M : ndarray or torch.Tensor of shape (..., matrix_size, matrix_size)
            Lie algebra elements, such that the matrix exponential of ``M`` is
            ``to_matrix(exp(tau))``.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.hat([1.0, 2.0, 3.0])
        array([[ 0., -3.,  2.],
               [ 3.,  0., -1.],
               [-2.,  1.,  0.]])
        """
        xp = get_namespace(tau)
        return cls._hat(xp, cls._tangent(xp, tau))

    @classmethod
    def vee(cls, M):
        """Map Lie algebra matrices to tangent vectors (inverse of ``hat``).

        Parameters
        ----------
        M : array-like of shape (..., matrix_size, matrix_size)
            Lie algebra elements.

        Returns
        -------
        tau : ndarray or torch.Tensor of shape (..., dof)
            Tangent vectors.

        Examples
        --------
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.vee(SO3.hat([1.0, 2.0, 3.0]))
        array([1., 2., 3.])
        """
        xp = get_namespace(M)
        M = cls._square(xp, M, cls.matrix_size, "Lie algebra matrices")
        return cls._vee(xp, M)

    @classmethod
    def adjoint(cls, X):
        """Return the adjoint matrix ``Ad(X)``.

        ``Ad(X)`` maps a tangent vector at the identity through conjugation:
        ``X Exp(tau) X^{-1} = Exp(Ad(X) tau)``. It converts right (local)
        Jacobians into left (global) ones and is the Jacobian of
        ``inverse`` (with a minus sign).

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.

        Returns
        -------
        Ad : ndarray or torch.Tensor of shape (..., dof, dof)
            Adjoint matrices.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> X = SO3.random(random_state=0)
        >>> np.allclose(SO3.adjoint(X), SO3.to_matrix(X))
        True
        """
        xp = get_namespace(X)
        return cls._adjoint(xp, cls._element(xp, X))

    @classmethod
    def rjac(cls, tau):
        """Return the right Jacobian ``J_r(tau)`` of the exponential map.

        ``Exp(tau + d) ≈ Exp(tau) Exp(J_r(tau) d)`` for small ``d``.

        Parameters
        ----------
        tau : array-like of shape (..., dof)
            Tangent vectors.

        Returns
        -------
        J : ndarray or torch.Tensor of shape (..., dof, dof)
            Right Jacobians.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.rjac(np.zeros(3))
        array([[1., 0., 0.],
               [0., 1., 0.],
               [0., 0., 1.]])
        """
        xp = get_namespace(tau)
        return cls._rjac(xp, cls._tangent(xp, tau))

    @classmethod
    def ljac(cls, tau):
        """Return the left Jacobian ``J_l(tau) = J_r(-tau)`` of the exponential map.

        ``Exp(tau + d) ≈ Exp(J_l(tau) d) Exp(tau)`` for small ``d``.

        Parameters
        ----------
        tau : array-like of shape (..., dof)
            Tangent vectors.

        Returns
        -------
        J : ndarray or torch.Tensor of shape (..., dof, dof)
            Left Jacobians.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> tau = np.array([0.1, -0.2, 0.3])
        >>> np.allclose(SO3.ljac(tau), SO3.rjac(tau).T)
        True
        """
        xp = get_namespace(tau)
        return cls._rjac(xp, -cls._tangent(xp, tau))

    @classmethod
    def rjacinv(cls, tau):
        """Return the inverse of the right Jacobian, ``J_r(tau)^{-1}``.

        It is the Jacobian of ``log`` at ``Exp(tau)``; it is computed in
        closed form, not by inverting a matrix.

        Parameters
        ----------
        tau : array-like of shape (..., dof)
            Tangent vectors.

        Returns
        -------
        J : ndarray or torch.Tensor of shape (..., dof, dof)
            Inverse right Jacobians.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE3
        >>> tau = np.array([1.0, 2.0, 3.0, 0.1, -0.2, 0.3])
        >>> np.allclose(SE3.rjacinv(tau) @ SE3.rjac(tau), np.eye(6))
        True
        """
        xp = get_namespace(tau)
        return cls._rjacinv(xp, cls._tangent(xp, tau))

    @classmethod
    def ljacinv(cls, tau):
        """Return the inverse of the left Jacobian, ``J_l(tau)^{-1} = J_r(-tau)^{-1}``.

        Parameters
        ----------
        tau : array-like of shape (..., dof)
            Tangent vectors.

        Returns
        -------
        J : ndarray or torch.Tensor of shape (..., dof, dof)
            Inverse left Jacobians.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE3
        >>> tau = np.array([1.0, 2.0, 3.0, 0.1, -0.2, 0.3])
        >>> np.allclose(SE3.ljacinv(tau) @ SE3.ljac(tau), np.eye(6))
        True
        """
        xp = get_namespace(tau)
        return cls._rjacinv(xp, -cls._tangent(xp, tau))

    # ------------------------------------------------------------ the operations
    @classmethod
    def exp(cls, tau, *, jacobians=False):
        """Exponential map: tangent vectors to group elements, ``Exp(tau)``.

        Parameters
        ----------
        tau : array-like of shape (..., dof)
            Tangent vectors (Cartesian coordinates of the Lie algebra).
        jacobians : bool, default=False
            Also return the Jacobian ``J_r(tau)``.

        Returns
        -------
        X : ndarray or torch.Tensor of shape (..., rep_size)
            ``Exp(tau)``.
        J_tau : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``: the right Jacobian ``J_r(tau)``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2
        >>> SO2.exp([np.pi / 3])
        array([0.5      , 0.8660254])
        """
        xp = get_namespace(tau)
        tau = cls._tangent(xp, tau)
        X = cls._exp(xp, tau)
        if not jacobians:
            return X
        return X, cls._rjac(xp, tau)

    @classmethod
    def log(cls, X, *, jacobians=False):
        """Logarithmic map: group elements to tangent vectors, ``Log(X)``.

        Rotation angles are returned in ``[0, pi]`` (for SO2 and SE2 in
        ``(-pi, pi]``); near angle pi the result is computed from the
        quaternion (or the (cos, sin) pair) with ``atan2``, so it stays
        accurate.

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.
        jacobians : bool, default=False
            Also return the Jacobian ``J_r(Log(X))^{-1}``.

        Returns
        -------
        tau : ndarray or torch.Tensor of shape (..., dof)
            ``Log(X)``.
        J_X : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``: ``J_r(tau)^{-1}``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO3
        >>> SO3.log(SO3.exp([0.1, 0.2, 0.3]))
        array([0.1, 0.2, 0.3])
        """
        xp = get_namespace(X)
        X = cls._element(xp, X)
        tau = cls._log(xp, X)
        if not jacobians:
            return tau
        return tau, cls._rjacinv(xp, tau)

    @classmethod
    def compose(cls, X, Y, *, jacobians=False):
        """Group product ``X Y``.

        Parameters
        ----------
        X, Y : array-like of shape (..., rep_size)
            Group elements; their batch shapes broadcast.
        jacobians : bool, default=False
            Also return the Jacobians ``J_X = Ad(Y)^{-1}`` and ``J_Y = I``.

        Returns
        -------
        Z : ndarray or torch.Tensor of shape (..., rep_size)
            ``X Y``.
        J_X, J_Y : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2
        >>> a, b = SO2.from_angle(0.25), SO2.from_angle(0.5)
        >>> SO2.to_angle(SO2.compose(a, b))
        array(0.75)
        """
        xp = get_namespace(X, Y)
        X, Y = cls._element(xp, X), cls._element(xp, Y, "Y")
        Z = cls._compose(xp, X, Y)
        if not jacobians:
            return Z
        batch = _batch(Z, 1)
        J_X = cls._fit(xp, cls._adjoint(xp, cls._inverse(xp, Y)), batch)
        return Z, J_X, xp.eye(cls.dof, batch)

    @classmethod
    def inverse(cls, X, *, jacobians=False):
        """Group inverse ``X^{-1}``.

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.
        jacobians : bool, default=False
            Also return the Jacobian ``J_X = -Ad(X)``.

        Returns
        -------
        X_inv : ndarray or torch.Tensor of shape (..., rep_size)
            ``X^{-1}``.
        J_X : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE3
        >>> X = SE3.random(random_state=0)
        >>> np.allclose(SE3.compose(X, SE3.inverse(X)), SE3.identity())
        True
        """
        xp = get_namespace(X)
        X = cls._element(xp, X)
        X_inv = cls._inverse(xp, X)
        if not jacobians:
            return X_inv
        return X_inv, -cls._adjoint(xp, X)

    @classmethod
    def act(cls, X, v, *, jacobians=False):
        """Apply group elements to vectors (rotate; rotate and translate).

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.
        v : array-like of shape (..., act_size)
            Vectors (points); the batch shapes of ``X`` and ``v`` broadcast,
            so one pose can move a whole point cloud.
        jacobians : bool, default=False
            Also return ``J_X`` (shape ``(..., act_size, dof)``) and ``J_v``
            (shape ``(..., act_size, act_size)``).

        Returns
        -------
        w : ndarray or torch.Tensor of shape (..., act_size)
            ``X . v``.
        J_X, J_v : ndarray or torch.Tensor
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE2
        >>> X = SE2.from_parts([1.0, 2.0], SE2.rotation.from_angle(np.pi / 2))
        >>> SE2.act(X, [1.0, 0.0]).round(12) + 0.0
        array([1., 3.])
        """
        xp = get_namespace(X, v)
        X, v = cls._element(xp, X), cls._vector(xp, v)
        if not jacobians:
            return cls._act(xp, X, v, False)
        w, J_X, J_v = cls._act(xp, X, v, True)
        batch = _batch(w, 1)
        return w, cls._fit(xp, J_X, batch), cls._fit(xp, J_v, batch)

    @classmethod
    def between(cls, X, Y, *, jacobians=False):
        """Relative element ``X^{-1} Y`` (``Y`` seen from ``X``).

        Parameters
        ----------
        X, Y : array-like of shape (..., rep_size)
            Group elements.
        jacobians : bool, default=False
            Also return ``J_X = -Ad(Y^{-1} X)`` and ``J_Y = I``.

        Returns
        -------
        Z : ndarray or torch.Tensor of shape (..., rep_size)
            ``X^{-1} Y``.
        J_X, J_Y : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE3
        >>> X, Y = SE3.random(2, random_state=0)
        >>> np.allclose(SE3.compose(X, SE3.between(X, Y)), Y)
        True
        """
        xp = get_namespace(X, Y)
        X, Y = cls._element(xp, X), cls._element(xp, Y, "Y")
        Z = cls._compose(xp, cls._inverse(xp, X), Y)
        if not jacobians:
            return Z
        batch = _batch(Z, 1)
        J_X = -cls._adjoint(xp, cls._inverse(xp, Z))
        return Z, J_X, xp.eye(cls.dof, batch)

    @classmethod
    def rplus(cls, X, tau, *, jacobians=False):
        """Right plus: ``X ⊕ tau = X Exp(tau)`` (tau in the local frame of X).

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.
        tau : array-like of shape (..., dof)
            Tangent vectors at ``X``.
        jacobians : bool, default=False
            Also return ``J_X = Ad(Exp(tau))^{-1}`` and ``J_tau = J_r(tau)``.

        Returns
        -------
        Y : ndarray or torch.Tensor of shape (..., rep_size)
            ``X Exp(tau)``.
        J_X, J_tau : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2
        >>> SO2.to_angle(SO2.rplus(SO2.from_angle(1.0), [0.5]))
        array(1.5)
        """
        xp = get_namespace(X, tau)
        X, tau = cls._element(xp, X), cls._tangent(xp, tau)
        Y = cls._compose(xp, X, cls._exp(xp, tau))
        if not jacobians:
            return Y
        batch = _batch(Y, 1)
        J_X = cls._fit(xp, cls._adjoint(xp, cls._exp(xp, -tau)), batch)
        return Y, J_X, cls._fit(xp, cls._rjac(xp, tau), batch)

    plus = rplus

    @classmethod
    def rminus(cls, Y, X, *, jacobians=False):
        """Right minus: ``Y ⊖ X = Log(X^{-1} Y)`` (in the local frame of X).

        Parameters
        ----------
        Y, X : array-like of shape (..., rep_size)
            Group elements; note the order, as in ``Y - X``.
        jacobians : bool, default=False
            Also return ``J_Y = J_r(tau)^{-1}`` and ``J_X = -J_l(tau)^{-1}``,
            where ``tau`` is the result.

        Returns
        -------
        tau : ndarray or torch.Tensor of shape (..., dof)
            ``Log(X^{-1} Y)``, so that ``X ⊕ tau == Y``.
        J_Y, J_X : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2
        >>> SO2.rminus(SO2.from_angle(1.5), SO2.from_angle(1.0))
        array([0.5])
        """
        xp = get_namespace(Y, X)
        Y, X = cls._element(xp, Y, "Y"), cls._element(xp, X)
        tau = cls._log(xp, cls._compose(xp, cls._inverse(xp, X), Y))
        if not jacobians:
            return tau
        return tau, cls._rjacinv(xp, tau), -cls._rjacinv(xp, -tau)

    minus = rminus

    @classmethod
    def lplus(cls, X, tau, *, jacobians=False):
        """Left plus: ``tau ⊕ X = Exp(tau) X`` (tau in the global frame).

        Parameters
        ----------
        X : array-like of shape (..., rep_size)
            Group elements.
        tau : array-like of shape (..., dof)
            Tangent vectors at the identity.
        jacobians : bool, default=False
            Also return ``J_X = I`` and ``J_tau = Ad(X)^{-1} J_r(tau)``.

        Returns
        -------
        Y : ndarray or torch.Tensor of shape (..., rep_size)
            ``Exp(tau) X``.
        J_X, J_tau : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE3
        >>> X = SE3.random(random_state=0)
        >>> tau = np.array([0.1, 0.2, 0.3, 0.0, 0.0, 0.5])
        >>> np.allclose(SE3.lplus(X, tau), SE3.compose(SE3.exp(tau), X))
        True
        """
        xp = get_namespace(X, tau)
        X, tau = cls._element(xp, X), cls._tangent(xp, tau)
        Y = cls._compose(xp, cls._exp(xp, tau), X)
        if not jacobians:
            return Y
        batch = _batch(Y, 1)
        J_tau = cls._adjoint(xp, cls._inverse(xp, X)) @ cls._rjac(xp, tau)
        return Y, xp.eye(cls.dof, batch), cls._fit(xp, J_tau, batch)

    @classmethod
    def lminus(cls, Y, X, *, jacobians=False):
        """Left minus: ``Y ⊖ X = Log(Y X^{-1})`` (in the global frame).

        Parameters
        ----------
        Y, X : array-like of shape (..., rep_size)
            Group elements; note the order, as in ``Y - X``.
        jacobians : bool, default=False
            Also return ``J_Y = J_r(tau)^{-1} Ad(X)`` and
            ``J_X = -J_r(tau)^{-1} Ad(X)``, where ``tau`` is the result.

        Returns
        -------
        tau : ndarray or torch.Tensor of shape (..., dof)
            ``Log(Y X^{-1})``, so that ``lplus(X, tau) == Y``.
        J_Y, J_X : ndarray or torch.Tensor of shape (..., dof, dof)
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SE3
        >>> X, Y = SE3.random(2, random_state=0)
        >>> np.allclose(SE3.lplus(X, SE3.lminus(Y, X)), Y)
        True
        """
        xp = get_namespace(Y, X)
        Y, X = cls._element(xp, Y, "Y"), cls._element(xp, X)
        tau = cls._log(xp, cls._compose(xp, Y, cls._inverse(xp, X)))
        if not jacobians:
            return tau
        J_Y = cls._rjacinv(xp, tau) @ cls._adjoint(xp, X)
        return tau, J_Y, -J_Y

    @classmethod
    def interpolate(cls, X, Y, t, *, jacobians=False):
        """Geodesic interpolation ``X Exp(t Log(X^{-1} Y))``.

        ``t = 0`` gives ``X``, ``t = 1`` gives ``Y``; other values move along
        the one-parameter subgroup through both (constant velocity in the
        local frame; for SO3 this is quaternion slerp along the short arc).

        Parameters
        ----------
        X, Y : array-like of shape (..., rep_size)
            Group elements.
        t : float or array-like of shape (...)
            Interpolation parameters; broadcasts against the batch shapes.
        jacobians : bool, default=False
            Also return ``J_X``, ``J_Y`` (shape ``(..., dof, dof)``) and
            ``J_t`` (shape ``(..., dof, 1)``).

        Returns
        -------
        Z : ndarray or torch.Tensor of shape (..., rep_size)
            Interpolated elements.
        J_X, J_Y, J_t : ndarray or torch.Tensor
            Only with ``jacobians=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2
        >>> a, b = SO2.from_angle(0.0), SO2.from_angle(1.0)
        >>> SO2.to_angle(SO2.interpolate(a, b, [0.0, 0.25, 1.0]))
        array([0.  , 0.25, 1.  ])
        """
        xp = get_namespace(X, Y, t)
        X, Y, t = cls._element(xp, X), cls._element(xp, Y, "Y"), xp.asarray(t)
        tau = cls._log(xp, cls._compose(xp, cls._inverse(xp, X), Y))
        step = t[..., None] * tau
        Z = cls._compose(xp, X, cls._exp(xp, step))
        if not jacobians:
            return Z
        batch = _batch(Z, 1)
        jr_step = cls._rjac(xp, step)
        tt = t[..., None, None]
        J_X = cls._adjoint(xp, cls._exp(xp, -step)) - tt * jr_step @ cls._rjacinv(
            xp, -tau
        )
        J_Y = tt * jr_step @ cls._rjacinv(xp, tau)
        J_t = jr_step @ tau[..., None]
        return (
            Z,
            cls._fit(xp, J_X, batch),
            cls._fit(xp, J_Y, batch),
            cls._fit(xp, J_t, batch),
        )

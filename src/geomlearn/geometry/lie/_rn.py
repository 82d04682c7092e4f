"""R^n under addition: the trivial Lie group, for states that mix groups."""

import functools
import operator

from geomlearn.geometry.lie._base import LieGroup


class _Rn(LieGroup):
    """R^n as a Lie group; concrete classes are made by :func:`Rn`."""

    @classmethod
    def _name(cls):
        return f"Rn({cls.dof})"

    @classmethod
    def _reduce(cls):
        return Rn, (cls.dof,)

    @classmethod
    def _identity(cls, xp, batch_shape):
        return xp.zeros((*batch_shape, cls.dof))

    @classmethod
    def _random(cls, rng, batch_shape):
        return rng.standard_normal((*batch_shape, cls.dof))

    @classmethod
    def _exp(cls, xp, tau):
        return tau + 0.0

    @classmethod
    def _log(cls, xp, X):
        return X + 0.0

    @classmethod
    def _compose(cls, xp, X, Y):
        return X + Y

    @classmethod
    def _inverse(cls, xp, X):
        return -X

    @classmethod
    def _act(cls, xp, X, v, jacobians):
        w = X + v
        if not jacobians:
            return w
        eye = xp.eye(cls.dof, w.shape[:-1])
        return w, eye, eye + 0.0

    @classmethod
    def _adjoint(cls, xp, X):
        return xp.eye(cls.dof, X.shape[:-1])

    @classmethod
    def _hat(cls, xp, tau):
        n = cls.dof
        batch = tau.shape[:-1]
        top = xp.concat([xp.zeros((*batch, n, n)), tau[..., None]])
        return xp.concat([top, xp.zeros((*batch, 1, n + 1))], axis=-2)

    @classmethod
    def _vee(cls, xp, M):
        return M[..., : cls.dof, cls.dof]

    @classmethod
    def _rjac(cls, xp, tau):
        return xp.eye(cls.dof, tau.shape[:-1])

    _rjacinv = _rjac

    @classmethod
    def _to_matrix(cls, xp, X):
        n = cls.dof
        batch = X.shape[:-1]
        top = xp.concat([xp.eye(n, batch), X[..., None]])
        bottom = xp.concat([xp.zeros((*batch, 1, n)), xp.ones((*batch, 1, 1))])
        return xp.concat([top, bottom], axis=-2)

    @classmethod
    def _from_matrix(cls, xp, M):
        return M[..., : cls.dof, cls.dof]

    @classmethod
    def _normalize(cls, xp, X):
        return X + 0.0


@functools.cache
def _make(n):
    attrs = {
        "__doc__": f"The Lie group R^{n} under addition; see :func:`Rn`.",
        "__module__": __name__,
        "dof": n,
        "rep_size": n,
        "matrix_size": n + 1,
        "act_size": n,
    }
    return type(_Rn)(f"R{n}", (_Rn,), attrs)


def Rn(n):
    """Return the Lie group R^n of n-vectors under addition.

    Elements and tangent vectors are both arrays of shape ``(..., n)``:
    ``compose`` adds, ``inverse`` negates, ``exp`` and ``log`` are the
    identity map, every Jacobian and adjoint is the identity matrix, and the
    group acts on n-vectors by translation. The matrix representation is the
    ``(n + 1) x (n + 1)`` homogeneous translation ``[[I, x], [0, 1]]``. It is
    the trivial case of the :class:`LieGroup` interface, handy for the
    Euclidean parts of a state (biases, landmarks) next to rotations and
    poses.

    Parameters
    ----------
    n : int
        The dimension, at least 1.

    Returns
    -------
    group : type
        The group, a :class:`LieGroup` namespace; ``Rn(n) is Rn(n)``.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import Rn
    >>> R3 = Rn(3)
    >>> R3
    Rn(3)
    >>> R3.compose([1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
    array([2., 3., 4.])
    >>> Z, J_X, J_Y = R3.compose(np.zeros(3), np.ones(3), jacobians=True)
    >>> J_X
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    try:
        n = operator.index(n)
    except TypeError:
        raise TypeError(f"n must be an int, got {type(n).__name__}.") from None
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    return _make(n)

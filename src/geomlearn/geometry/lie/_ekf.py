"""An error-state extended Kalman filter whose state lives on a Lie group."""

import numpy as np

from geomlearn.geometry.lie._backend import get_namespace
from geomlearn.geometry.lie._base import LieGroup


def _matmul_solve(xp, A, B):
    """``A^{-1} B`` for stacks of square ``A`` and matrices ``B``."""
    if xp.is_torch:
        return xp.torch.linalg.solve(A, B)
    return np.linalg.solve(A, B)


def _symmetric(xp, M):
    return (M + xp.swap(M)) / 2


def _returned(out, n, what, names):
    if not isinstance(out, (tuple, list)) or len(out) != n:
        raise TypeError(
            f"{what} must return a tuple ({', '.join(names)}); got "
            f"{type(out).__name__}"
            + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else "")
            + "."
        )
    return out


def _matrix(xp, M, rows, cols, name):
    """Check the trailing shape of a stack of matrices (``None``: any size)."""
    M = xp.asarray(M)
    shape = tuple(M.shape)
    if (
        M.ndim < 2
        or (rows is not None and shape[-2] != rows)
        or (cols is not None and shape[-1] != cols)
    ):
        expected = f"(..., {'m' if rows is None else rows}, "
        expected += f"{'m' if cols is None else cols})"
        raise ValueError(f"{name} must have shape {expected}; got {shape}.")
    return M


def _diagonal(xp, M):
    if xp.is_torch:
        return xp.torch.diagonal(M, dim1=-2, dim2=-1)
    return np.diagonal(M, axis1=-2, axis2=-1)


def _check_finite(xp, M, name):
    finite = xp.torch.isfinite(M) if xp.is_torch else np.isfinite(M)
    if not bool(finite.all()):
        raise ValueError(f"{name} contains NaN or infinite values.")


class LieEKF:
    r"""Error-state extended Kalman filter on a Lie group.

    The state is a group element ``X`` (an array of any of the groups of
    :mod:`geomlearn.geometry.lie`) and the uncertainty is a Gaussian on its
    *local* (right) error: the true state is ``X ⊕ δ = X Exp(δ)`` with
    ``δ ~ N(0, P)``, ``P`` a ``dof x dof`` covariance in the tangent space at
    ``X``. This is the error-state filter in the framework of Solà, Deray and
    Atchuthan [1]_: the mean moves on the group, the covariance is propagated
    and corrected with the right Jacobians that every group operation returns
    with ``jacobians=True``.

    *Prediction* with a motion model ``X' = f(X, u + w)``, ``w ~ N(0, Q)``::

        X <- f(X, u)
        P <- F_X P F_X^T + F_u Q F_u^T

    where ``F_X`` and ``F_u`` are the right Jacobians of ``f``
    (``f(X ⊕ δ, u + w) ≈ f(X, u) ⊕ (F_X δ + F_u w)``). The default model is a
    constant velocity in the local frame, ``X <- X ⊕ (u dt)`` with ``u`` a
    tangent vector, whose exact Jacobians are ``F_X = Ad(Exp(u dt))^{-1}`` and
    ``F_u = J_r(u dt) dt``.

    *Update* with a measurement ``y = h(X ⊕ δ) + v``, ``v ~ N(0, R)``::

        z = y - h(X)                       (the innovation; see ``residual``)
        S = H P H^T + R,   K = P H^T S^{-1}
        X <- X ⊕ (K z)
        P <- (I - K H) P (I - K H)^T + K R K^T     (Joseph form)
        P <- J_r(K z) P J_r(K z)^T                 (reset, see ``reset``)

    with ``H`` the right Jacobian of ``h`` (``h(X ⊕ δ) ≈ h(X) + H δ``). The
    Joseph form keeps ``P`` symmetric positive semi-definite under round-off.
    The last line re-expresses the error, which was defined at the old mean,
    at the new one: ``(X ⊕ δ) ⊖ (X ⊕ K z) ≈ J_r(K z) (δ - K z)``.

    In ``Rn(n)`` (``⊕`` is ``+`` and every Jacobian of the group is the
    identity) this is exactly the classical Kalman filter. The local error
    ``δ = Log(X^{-1} X_true)`` is what Barrau and Bonnabel call the
    left-invariant error; for the default motion its propagation Jacobian
    ``Ad(Exp(u dt))^{-1}`` does not depend on the estimate, as in their
    invariant EKF. The update linearises the user's measurement model as
    given.

    The filter is batched: ``X`` may have leading batch axes (independent
    filters, e.g. Monte Carlo runs or several targets), which broadcast with
    those of ``P``, the controls, the measurements and the noise covariances.
    It works on numpy arrays and on torch tensors (the library, dtype and
    device of ``X``; torch results are differentiable end to end, so noise
    covariances or model parameters can be learned by backpropagation through
    the filter). It is a filter object, not a scikit-learn estimator.

    Parameters
    ----------
    group : LieGroup
        The group of the state, e.g. ``SE2`` or ``Rn(4)``.
    X : array-like of shape (..., rep_size)
        The initial state estimate.
    P : array-like of shape (..., dof, dof)
        The covariance of its local error, symmetric positive semi-definite.
    reset : bool, default=True
        Transport the covariance to the corrected mean after each update
        (the last line above). ``False`` gives the filter as written in [1]_;
        the difference is of second order in the correction.

    Attributes
    ----------
    group : LieGroup
        The group of the state.
    X : ndarray or torch.Tensor of shape (..., rep_size)
        The current state estimate (a group element).
    P : ndarray or torch.Tensor of shape (..., dof, dof)
        The covariance of the local error ``δ`` of ``X``.
    innovation : ndarray or torch.Tensor of shape (..., p) or None
        The innovation ``z`` of the last update.
    innovation_covariance : ndarray or torch.Tensor of shape (..., p, p) or None
        Its predicted covariance ``S``; ``z^T S^{-1} z`` (the normalised
        innovation squared) is chi-square with ``p`` degrees of freedom when
        the filter is consistent, the usual test for outliers.

    See Also
    --------
    LieGroup : The operations and their Jacobians, to write models with.
    frechet_mean : Batch estimation (averaging) on a group.

    References
    ----------
    .. [1] J. Solà, J. Deray, D. Atchuthan, "A micro Lie theory for state
       estimation in robotics", arXiv:1812.01537, 2018.
    .. [2] Y. Bar-Shalom, X. R. Li, T. Kirubarajan, "Estimation with
       Applications to Tracking and Navigation", Wiley, 2001 (consistency
       tests, Joseph form).

    Examples
    --------
    A planar robot drives forward while turning, then sees a landmark at a
    known position, measured in its own frame. The measurement model and its
    Jacobian come from the group operations by the chain rule.

    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SE2, LieEKF
    >>> ekf = LieEKF(SE2, SE2.identity(), np.diag([0.01, 0.01, 0.001]))
    >>> ekf.predict([1.0, 0.0, 0.2], np.diag([0.01, 0.01, 0.01]), dt=1.0)
    >>> ekf.X.round(3)  # (x, y, cos, sin) after 1 m at a 0.2 rad heading change
    array([0.993, 0.1  , 0.98 , 0.199])
    >>> landmark = np.array([3.0, 1.0])
    >>> def observe(X):
    ...     X_inv, J_inv = SE2.inverse(X, jacobians=True)
    ...     p, J_p, _ = SE2.act(X_inv, landmark, jacobians=True)
    ...     return p, J_p @ J_inv
    >>> before = np.trace(ekf.P)
    >>> ekf.update([2.1, 0.5], np.diag([0.01, 0.01]), measurement=observe)
    >>> ekf.X.round(3)
    array([1.022, 0.102, 0.981, 0.192])
    >>> bool(np.trace(ekf.P) < before)
    True
    """

    def __init__(self, group, X, P, *, reset=True):
        if not (isinstance(group, type) and issubclass(group, LieGroup)):
            raise TypeError(f"group must be a Lie group such as SE2; got {group!r}.")
        xp = get_namespace(X, P)
        X = group._element(xp, X)
        P = _matrix(xp, P, group.dof, group.dof, "P")
        _check_finite(xp, X, "X")
        _check_finite(xp, P, "P")
        if xp.max_abs(P - xp.swap(P)) > 1e3 * xp.eps * max(xp.max_abs(P), 1.0):
            raise ValueError("P must be a symmetric matrix (a covariance).")
        if bool((_diagonal(xp, P) < 0).any()):
            raise ValueError("P must be positive semi-definite (a covariance).")
        batch = xp.broadcast_shapes(tuple(X.shape[:-1]), tuple(P.shape[:-2]))
        self.group = group
        self.X = xp.broadcast_to(X, (*batch, group.rep_size))
        self.P = xp.broadcast_to(_symmetric(xp, P), (*batch, group.dof, group.dof))
        self.reset = bool(reset)
        self.innovation = None
        self.innovation_covariance = None

    def __repr__(self):
        return f"LieEKF({self.group!r}, batch_shape={tuple(self.X.shape[:-1])})"

    def _namespace(self):
        return get_namespace(self.X, self.P)

    def _store(self, xp, X, P):
        group = self.group
        X = group._element(xp, X, "the new state")
        batch = xp.broadcast_shapes(tuple(X.shape[:-1]), tuple(P.shape[:-2]))
        self.X = xp.broadcast_to(X, (*batch, group.rep_size))
        self.P = xp.broadcast_to(_symmetric(xp, P), (*batch, group.dof, group.dof))

    def predict(self, u, Q, *, motion=None, dt=1.0):
        """Propagate the state and its covariance through a motion model.

        Parameters
        ----------
        u : array-like or None
            The control. For the default motion model, a tangent vector of
            shape ``(..., dof)``, the velocity in the local frame (for SE2,
            ``(v_x, v_y, omega)``); otherwise whatever ``motion`` takes.
        Q : array-like of shape (..., m, m)
            Covariance of the noise ``w`` on the control (the control applied
            is ``u + w``, ``w`` constant during the step); ``m`` is the
            number of columns of ``F_u``, ``dof`` for the default model. A
            continuous-time white noise of density ``q`` on the velocity
            gives ``Q = q / dt``.
        motion : callable, default=None
            ``motion(X, u, dt) -> (X_new, F_X, F_u)``: the new state, of
            shape ``(..., rep_size)``, and the right Jacobians of the motion
            with respect to the state (``(..., dof, dof)``) and to the
            control noise (``(..., dof, m)``). To model noise added in the
            local frame after the move, ``X_new ⊕ w``, return the identity
            as ``F_u``. ``None`` uses ``X_new = X ⊕ (u dt)``.
        dt : float or array-like of shape (...), default=1.0
            The time step, passed on to ``motion``.

        Raises
        ------
        ValueError
            If ``u``, ``Q`` or what ``motion`` returns has the wrong shape.
        TypeError
            If ``motion`` does not return a triple.

        See Also
        --------
        update : The correction step.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import SO2, LieEKF
        >>> ekf = LieEKF(SO2, SO2.identity(), np.zeros((1, 1)))
        >>> ekf.predict([0.5], [[0.04]], dt=2.0)  # turn at 0.5 rad/s for 2 s
        >>> SO2.to_angle(ekf.X), ekf.P
        (array(1.), array([[0.16]]))
        """
        group = self.group
        xp = self._namespace()
        if motion is None:
            if u is None:
                raise ValueError(
                    "the default motion model X <- X ⊕ (u dt) needs a control u, "
                    f"a tangent vector of shape (..., {group.dof})."
                )
            u = group._tangent(xp, u, "u")
            step = xp.asarray(dt)
            tau = u * step[..., None]
            X_new, F_X, J_tau = group.rplus(self.X, tau, jacobians=True)
            F_u = J_tau * step[..., None, None]
        else:
            if not callable(motion):
                raise TypeError(f"motion must be callable; got {motion!r}.")
            X_new, F_X, F_u = _returned(
                motion(self.X, u, dt), 3, "motion", ("X_new", "F_X", "F_u")
            )
            X_new = group._element(xp, X_new, "the state returned by motion")
            F_X = _matrix(xp, F_X, group.dof, group.dof, "F_X (returned by motion)")
            F_u = _matrix(xp, F_u, group.dof, None, "F_u (returned by motion)")
        m = F_u.shape[-1]
        Q = _matrix(xp, Q, m, m, "Q")
        P = F_X @ self.P @ xp.swap(F_X) + F_u @ Q @ xp.swap(F_u)
        self._store(xp, X_new, P)

    def update(self, y, R, *, measurement=None, residual=None):
        """Correct the state with a measurement.

        Parameters
        ----------
        y : array-like
            The measurement: a vector of shape ``(..., p)`` for a user
            ``measurement``, a group element for the default one.
        R : array-like of shape (..., p, p)
            Covariance of the measurement noise.
        measurement : callable, default=None
            ``measurement(X) -> (y_pred, H)``: the predicted measurement and
            its right Jacobian with respect to the state, of shape
            ``(..., p, dof)`` (``h(X ⊕ δ) ≈ h(X) + H δ``). ``None`` measures
            the state itself: ``y`` is a group element, ``y = X ⊕ v``, and
            ``H`` is the identity.
        residual : callable, default=None
            ``residual(y, y_pred) -> z``, the innovation, of shape
            ``(..., p)``. By default ``y - y_pred``, or ``y ⊖ X`` (the group's
            ``rminus``) for the default measurement. Angles need their
            difference wrapped to ``(-pi, pi]``; a measurement that is itself
            a group element uses that group's ``rminus`` (e.g. ``SO3.rminus``
            for an attitude measured as a quaternion).

        Raises
        ------
        ValueError
            If ``y``, ``R`` or what the models return has the wrong shape.
        TypeError
            If ``measurement`` does not return a pair.

        See Also
        --------
        predict : The prediction step.

        Examples
        --------
        Measure a 1D position twice as precisely as it is known:

        >>> import numpy as np
        >>> from geomlearn.geometry.lie import Rn, LieEKF
        >>> ekf = LieEKF(Rn(1), [0.0], [[1.0]])
        >>> ekf.update([3.0], [[0.5]])
        >>> ekf.X, ekf.P
        (array([2.]), array([[0.33333333]]))
        """
        group = self.group
        xp = self._namespace()
        batch = tuple(self.X.shape[:-1])
        if measurement is None:
            y = group._element(xp, y, "y (a group element, as measurement is None)")
            y_pred = self.X
            H = xp.eye(group.dof, batch)
            z = (residual or group.rminus)(y, y_pred)
        else:
            if not callable(measurement):
                raise TypeError(f"measurement must be callable; got {measurement!r}.")
            y_pred, H = _returned(
                measurement(self.X), 2, "measurement", ("y_pred", "H")
            )
            H = _matrix(xp, H, None, group.dof, "H (returned by measurement)")
            if residual is None:
                y, y_pred = xp.asarray(y), xp.asarray(y_pred)
                if y.ndim < 1 or y.shape[-1] != y_pred.shape[-1]:
                    raise ValueError(
                        f"y has shape {tuple(y.shape)} but the predicted "
                        f"measurement has shape {tuple(y_pred.shape)}."
                    )
                z = y - y_pred
            else:
                z = residual(y, y_pred)
        z = xp.asarray(z)
        p = H.shape[-2]
        if z.ndim < 1 or z.shape[-1] != p:
            raise ValueError(
                f"the innovation has shape {tuple(z.shape)}; the measurement "
                f"Jacobian H has {p} rows, so it must have shape (..., {p})."
            )
        R = _matrix(xp, R, p, p, "R")
        P = self.P
        PHt = P @ xp.swap(H)
        S = _symmetric(xp, H @ PHt + R)
        K = xp.swap(_matmul_solve(xp, S, xp.swap(PHt)))  # P H^T S^{-1}
        delta = (K @ z[..., None])[..., 0]
        IKH = xp.eye(group.dof) - K @ H
        P = IKH @ P @ xp.swap(IKH) + K @ R @ xp.swap(K)
        X, _, J_delta = group.rplus(self.X, delta, jacobians=True)
        if self.reset:
            P = J_delta @ P @ xp.swap(J_delta)
        self._store(xp, X, P)
        self.innovation = z
        self.innovation_covariance = S

    def nees(self, X_true):
        """Normalised estimation error squared of the estimate.

        ``δ^T P^{-1} δ`` with ``δ = X_true ⊖ X`` the local error. For a
        consistent filter it is chi-square distributed with ``dof`` degrees
        of freedom, so its average over Monte Carlo runs tests whether ``P``
        reflects the actual errors [2]_.

        Parameters
        ----------
        X_true : array-like of shape (..., rep_size)
            The true states.

        Returns
        -------
        nees : ndarray or torch.Tensor of shape (...)
            The NEES of each filter of the batch.

        References
        ----------
        .. [2] Y. Bar-Shalom, X. R. Li, T. Kirubarajan, "Estimation with
           Applications to Tracking and Navigation", Wiley, 2001, section 5.4.

        Examples
        --------
        >>> import numpy as np
        >>> from geomlearn.geometry.lie import Rn, LieEKF
        >>> ekf = LieEKF(Rn(2), [0.0, 0.0], np.diag([1.0, 4.0]))
        >>> ekf.nees([1.0, 2.0])
        array(2.)
        """
        xp = get_namespace(self.X, self.P, X_true)
        delta = self.group.rminus(X_true, self.X)
        batch = xp.broadcast_shapes(tuple(delta.shape[:-1]), tuple(self.P.shape[:-2]))
        P = xp.broadcast_to(self.P, (*batch, *self.P.shape[-2:]))
        delta = xp.broadcast_to(delta, (*batch, delta.shape[-1]))
        solved = _matmul_solve(xp, P, delta[..., None])[..., 0]
        return xp.asarray(xp.sum(delta * solved, axis=-1))

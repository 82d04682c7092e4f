"""Averaging of group elements: the bi-invariant mean by Gauss-Newton."""

import warnings

from sklearn.exceptions import ConvergenceWarning

from geomlearn.geometry.lie._backend import get_namespace
from geomlearn.geometry.lie._base import LieGroup


def frechet_mean(
    group, X, weights=None, *, init=None, max_iter=50, tol=None, return_n_iter=False
):
    r"""Average group elements: the mean ``M`` with ``sum_i w_i Log(M^{-1} X_i) = 0``.

    Gauss-Newton on the manifold with exact Jacobians: at each step the
    residuals ``r_i = X_i ⊖ M`` are linearised as ``r_i(M ⊕ d) ≈ r_i -
    J_l(r_i)^{-1} d`` and ``M`` moves by the ``d`` that zeroes their weighted
    sum. Convergence is quadratic near the mean, a handful of steps for data
    that are not spread over half the group.

    For SO(2), SO(3) and R^n this is the Fréchet (Karcher) mean of the
    geodesic distance, the minimiser of ``sum_i w_i |Log(M^{-1} X_i)|^2``
    (unique when the data lie in a geodesic ball of radius pi/2). The poses
    SE(2), SE(3) and SE_2(3) have no bi-invariant metric; for them the same
    equation defines the group (exponential) barycenter of Pennec and
    Arsigny, whose rotation part is the Fréchet mean of the rotations. In
    every group the mean is equivariant on both sides: the mean of
    ``G X_i H`` is ``G M H``.

    Parameters
    ----------
    group : LieGroup
        The group, e.g. ``SO3`` or ``Rn(3)``.
    X : array-like of shape (..., n_samples, rep_size)
        The elements to average, along the second-to-last axis; leading
        axes are independent problems.
    weights : array-like of shape (..., n_samples), default=None
        Nonnegative weights, not all zero; uniform by default.
    init : array-like of shape (..., rep_size), default=None
        Starting point; the first sample by default.
    max_iter : int, default=50
        Maximum number of Gauss-Newton steps.
    tol : float, default=None
        Stop when every step is smaller than this (max-norm in the tangent
        space); by default the square root of the dtype's machine epsilon,
        after which, convergence being quadratic, the error is at round-off.
    return_n_iter : bool, default=False
        Also return the number of steps taken.

    Returns
    -------
    M : ndarray or torch.Tensor of shape (..., rep_size)
        The means (differentiable in torch).
    n_iter : int
        Only with ``return_n_iter=True``: the number of steps.

    Warns
    -----
    sklearn.exceptions.ConvergenceWarning
        If ``max_iter`` steps were not enough.

    References
    ----------
    .. [1] X. Pennec, V. Arsigny, "Exponential barycenters of the canonical
       Cartan connection and invariant means on Lie groups", in Matrix
       Information Geometry, Springer, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.geometry.lie import SO3, frechet_mean
    >>> center = SO3.exp([0.1, 0.2, 0.3])
    >>> tau = np.array([[0.2, 0.0, 0.0], [0.0, 0.3, 0.1]])
    >>> X = SO3.rplus(center, np.concatenate([tau, -tau]))  # symmetric about center
    >>> M = frechet_mean(SO3, X)
    >>> np.allclose(SO3.to_matrix(M), SO3.to_matrix(center))
    True
    """
    if not (isinstance(group, type) and issubclass(group, LieGroup)):
        raise TypeError(f"group must be a Lie group such as SO3; got {group!r}.")
    xp = get_namespace(X, weights, init)
    X = group._element(xp, X)
    if X.ndim < 2 or X.shape[-2] == 0:
        raise ValueError(
            f"X must have shape (..., n_samples, {group.rep_size}) with at least "
            f"one sample; got {tuple(X.shape)}."
        )
    if weights is None:
        weights = xp.ones(X.shape[:-1])
    else:
        weights = xp.asarray(weights)
        try:
            weights = xp.broadcast_to(weights, X.shape[:-1])
        except (ValueError, RuntimeError):
            raise ValueError(
                f"weights of shape {tuple(weights.shape)} do not match the "
                f"{tuple(X.shape[:-1])} samples of X."
            ) from None
    total = xp.sum(weights, axis=-1, keepdims=True)
    if bool((weights < 0).any()) or not bool((total > 0).all()):
        raise ValueError("weights must be nonnegative and not all zero.")
    if int(max_iter) < 1:
        raise ValueError(f"max_iter must be at least 1; got {max_iter}.")
    w = (weights / total)[..., None]
    M = X[..., 0, :] if init is None else group._element(xp, init, "init")
    M = group._normalize(xp, M)
    tol = xp.eps**0.5 if tol is None else float(tol)
    for n_iter in range(1, int(max_iter) + 1):  # noqa: B007 (reported below)
        inv = group._inverse(xp, M)[..., None, :]
        r = group._log(xp, group._compose(xp, inv, X))
        F = xp.sum(w * r, axis=-2)
        A = xp.sum(w[..., None] * group._rjacinv(xp, -r), axis=-3)
        step = xp.solve(A, F)
        M = group._compose(xp, M, group._exp(xp, step))
        if xp.max_abs(step) <= tol:
            break
    else:
        warnings.warn(
            f"frechet_mean did not converge in {max_iter} steps (last step "
            f"{xp.max_abs(step):.3g} > tol {tol:.3g}); the data may be spread "
            "too widely for the mean to be unique.",
            ConvergenceWarning,
            stacklevel=2,
        )
    M = group._normalize(xp, M)
    return (M, n_iter) if return_n_iter else M

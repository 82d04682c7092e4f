"""What the solvers of :mod:`geomlearn.pde.problems` share (numpy only)."""

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from geomlearn.pde.problems import Advection, Burgers, Convection, Heat

__all__ = ["ProblemSolverBase", "check_problem", "hidden_sizes", "transport"]


class ProblemSolverBase(BaseEstimator):
    """Base of the estimators that ``fit(problem)`` and ``predict(x, t)``."""

    # The fit input of these estimators is a problem (geomlearn.pde.problems),
    # not data: tests/test_common.py routes estimators by this attribute.
    _fit_input = "problem"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False  # fit(problem), predict(x, t)
        tags.non_deterministic = False
        return tags

    def score(self, problem):
        r"""Minus the relative L2 error against the problem's reference.

        The error :math:`\|u - u_{ref}\|_2 / \|u_{ref}\|_2` is taken on a
        uniform grid of ``problem.x_range`` (256 positions in 1-D, 32 x 32
        for flows) at equispaced times covering ``problem.t_range`` (101 in
        1-D, 21 for flows); the sign is flipped so that higher is better (0
        is perfect).

        Parameters
        ----------
        problem : problem instance
            The problem whose ``reference`` is the ground truth (normally the
            one the solver was fitted on).

        Returns
        -------
        score : float
            Minus the relative L2 error.
        """
        check_is_fitted(self)
        (lo, hi), (t0, t1) = problem.x_range, problem.t_range
        if problem.n_spatial_dims == 2:
            g = lo + (hi - lo) * np.arange(32) / 32
            X, Y, T = np.meshgrid(g, g, np.linspace(t0, t1, 21), indexing="ij")
            x, t = np.stack([X, Y], axis=-1), T
        else:
            g = lo + (hi - lo) * np.arange(256) / 256
            x, t = np.meshgrid(g, np.linspace(t0, t1, 101))
        ref = problem.reference(x, t)
        err = np.linalg.norm(self.predict(x, t) - ref)
        return -float(err / max(np.linalg.norm(ref), 1e-300))


def check_problem(problem, allowed):
    """Raise a TypeError naming the accepted problem types."""
    if not isinstance(problem, allowed):
        names = ", ".join(cls.__name__ for cls in allowed)
        raise TypeError(
            f"problem must be one of geomlearn.pde.problems' {names}; got "
            f"{type(problem).__name__}."
        )


def hidden_sizes(value):
    """``hidden_layer_sizes`` as a tuple of positive ints."""
    hidden = tuple(int(h) for h in np.atleast_1d(value))
    if not hidden or min(hidden) < 1:
        raise ValueError(
            f"hidden_layer_sizes must hold at least one positive width; got {value!r}."
        )
    return hidden


def transport(problem):
    """(nonlinear, velocity, diffusivity) of u_t + a u_x = D u_xx, a = c or u."""
    if isinstance(problem, Burgers):
        return True, None, problem.nu
    if isinstance(problem, Convection):
        return False, problem.beta, problem.nu
    if isinstance(problem, Advection):
        return False, problem.velocity, 0.0
    if isinstance(problem, Heat):
        return False, 0.0, problem.kappa
    raise TypeError(f"no 1-D transport form for {type(problem).__name__}.")

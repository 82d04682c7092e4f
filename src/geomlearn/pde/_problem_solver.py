"""What the solvers of :mod:`geomlearn.pde.problems` share (numpy only)."""

import numpy as np
from sklearn.base import BaseEstimator

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

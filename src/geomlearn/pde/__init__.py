"""PDE: reference solvers, neural operators, neural fields and PINNs.

Reference solvers (numpy/scipy, batched over samples): :func:`solve_darcy`,
:func:`solve_burgers`, :func:`solve_navier_stokes`, :func:`solve_heat` and
:func:`solve_advection`.

Neural operators (torch): :class:`LatentSpectralOperator`, the estimator, and
its modules in :mod:`geomlearn.pde.nn`.

Physics-informed networks (torch): :class:`PINN` and :class:`LagrangianPINN`
solve the problems of :mod:`geomlearn.pde.problems` (numpy only: domain,
initial condition, coefficients and the ground truth ``reference(x, t)``).
:class:`INSRSolver` (torch) integrates the same problems in time by evolving
the weights of a SIREN (:class:`geomlearn.pde.nn.SIREN`).

Names backed by torch are loaded on first access only.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["nn", "problems"],
    submod_attrs={
        "_solvers": [
            "solve_darcy",
            "solve_burgers",
            "solve_navier_stokes",
            "solve_heat",
            "solve_advection",
        ],
        "_operator": ["LatentSpectralOperator"],
        "_pinn": ["PINN", "LagrangianPINN"],
        "_insr": ["INSRSolver"],
    },
)

"""The grid baselines of the INSR benchmark converge at their orders.

Oracles: the translated profile of linear advection and the exact decaying
Taylor-Green vortex; orders measured by halving the spacing (and, for the
finite differences and stable fluids, the step with it).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from geomlearn.pde.problems import Advection, TaylorGreen

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
_spec = importlib.util.spec_from_file_location(
    "geomlearn_bench_grid_solvers", BENCH_DIR / "_grid_solvers.py"
)
grid = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = grid
_spec.loader.exec_module(grid)


def _advection_errors(scheme, sizes, dt_of_n):
    problem = Advection(velocity=0.25, t_final=2.0)
    errors = []
    for n in sizes:
        x = -2.0 + 4.0 * np.arange(n) / n
        dt = dt_of_n(n)
        u, seconds = grid.advect_1d(
            problem.initial_condition(x), 0.25, 4.0, [2.0], dt, scheme
        )
        assert seconds > 0
        exact = problem.reference(x, 2.0)
        errors.append(np.linalg.norm(u[0] - exact) / np.linalg.norm(exact))
    return np.array(errors)


@pytest.mark.parametrize(
    ("scheme", "order"),
    [
        ("upwind", 1),
        ("lax-wendroff", 2),
        # interpolation error O(dx^(p+1)) per step, O(1/dt) steps
        ("semi-lagrangian-linear", 1),
        ("semi-lagrangian-cubic", 3),
    ],
)
def test_advection_schemes_converge_at_their_order(scheme, order):
    # Courant number 0.7 at every resolution (one sub-step for the finite
    # differences), so that the error constants do not change with n
    def dt_of_n(n):
        return 2.0 / round(2.0 / (0.7 * (4.0 / n) / 0.25))

    errors = _advection_errors(scheme, (400, 800, 1600), dt_of_n)
    rates = -np.diff(np.log2(errors))
    assert np.all(errors[1:] < errors[:-1])
    assert rates[-1] > 0.8 * order


def test_advection_by_whole_cells_is_exact():
    n = 64
    u0 = np.random.default_rng(0).normal(size=n)
    # speed one cell per step: the semi-Lagrangian schemes shift the array
    u, _ = grid.advect_1d(u0, 1.0, float(n), [3.0], 1.0, "semi-lagrangian-linear")
    np.testing.assert_allclose(u[0], np.roll(u0, 3), atol=1e-12)
    with pytest.raises(ValueError, match="scheme"):
        grid.advect_1d(u0, 1.0, 1.0, [1.0], 1.0, "spectral")
    with pytest.raises(ValueError, match="whole number"):
        grid.advect_1d(u0, 1.0, 1.0, [0.5], 0.3, "upwind")


@pytest.mark.parametrize("order", [1, 3])
def test_stable_fluids_converges_to_taylor_green(order):
    problem = TaylorGreen(nu=0.05)
    errors = []
    for n in (16, 32, 64):
        g = 2 * np.pi * np.arange(n) / n
        X = np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1)
        dt = 0.5 / round(0.5 / (0.8 / n))
        u, _ = grid.stable_fluids(
            problem.initial_condition(X), 2 * np.pi, 0.05, [0.5], dt, order
        )
        exact = problem.reference(X, 0.5)
        errors.append(np.linalg.norm(u[0] - exact) / np.linalg.norm(exact))
        # the projection is exact: the discrete divergence vanishes
        k = np.fft.fftfreq(n, d=1 / n)
        div = np.fft.ifft2(
            1j * k[:, None] * np.fft.fft2(u[0, ..., 0])
            + 1j * k[None, :] * np.fft.fft2(u[0, ..., 1])
        ).real
        assert np.abs(div).max() < 1e-10
    errors = np.array(errors)
    # first order in time (splitting), with dt proportional to dx
    assert np.all(errors[1:] < errors[:-1])
    assert -np.log2(errors[-1] / errors[-2]) > 0.8

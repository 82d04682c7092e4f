"""The problem descriptions: their references solve their PDEs.

Oracles: finite-difference residuals of each PDE evaluated on the reference
(central differences, step h: truncation O(h^2)), the initial condition at
t = 0, periodicity, Taylor-Green's divergence and momentum balance with its
exact pressure, and grid refinement of the pseudo-spectral Burgers reference.
"""

import itertools
import pickle

import numpy as np
import pytest

from geomlearn.pde.problems import Advection, Burgers, Convection, Heat, TaylorGreen

H = 1e-3


def _derivatives(f, x, t, h=H):
    u = f(x, t)
    u_t = (f(x, t + h) - f(x, t - h)) / (2 * h)
    u_x = (f(x + h, t) - f(x - h, t)) / (2 * h)
    u_xx = (f(x + h, t) - 2 * u + f(x - h, t)) / h**2
    return u, u_t, u_x, u_xx


def _space_time(problem, n_x=40, n_t=7):
    x_min, x_max = problem.x_range
    x = np.linspace(x_min, x_max, n_x)
    t = np.linspace(0.1, problem.t_range[1], n_t)
    return np.meshgrid(x, t)


@pytest.mark.parametrize(
    ("problem", "velocity", "diffusivity"),
    [
        (Convection(beta=30.0), 30.0, 0.0),
        (Convection(beta=2.0, nu=0.1, u0=lambda x: np.exp(np.sin(x))), 2.0, 0.1),
        (Heat(kappa=0.3, u0=lambda x: np.cos(2 * x) + np.sin(x) ** 3), 0.0, 0.3),
        (Heat(kappa=0.05, length=1.0), 0.0, 0.05),
    ],
    ids=["convection", "convection-diffusion", "heat", "heat-unit"],
)
def test_linear_references_solve_their_pde(problem, velocity, diffusivity):
    x, t = _space_time(problem)
    _u, u_t, u_x, u_xx = _derivatives(problem.reference, x, t)
    residual = u_t + velocity * u_x - diffusivity * u_xx
    scale = np.abs(u_t).max() + np.abs(velocity * u_x).max() + 1.0
    assert np.abs(residual).max() < 1e-4 * scale


def test_advection_reference_is_the_translated_profile():
    problem = Advection(velocity=0.25)
    x, t = _space_time(problem, n_x=401)
    _u, u_t, u_x, _ = _derivatives(problem.reference, x, t, h=1e-4)
    assert np.abs(u_t + 0.25 * u_x).max() < 1e-4 * np.abs(u_t).max()
    # the bump (peak 1 at -1.5) arrives at -1.5 + 0.25 t, wrapping around
    t_peak = np.array([0.0, 2.0, 12.0])
    peaks = -1.5 + 0.25 * t_peak
    np.testing.assert_allclose(problem.reference(peaks, t_peak), 1.0)
    np.testing.assert_allclose(problem.reference(2.5 - 4.0, 16.0), 1.0)


def test_burgers_reference_solves_burgers():
    problem = Burgers(nu=0.1, offset=0.5, n_grid=256)
    x, t = _space_time(problem)
    u, u_t, u_x, u_xx = _derivatives(problem.reference, x, t)
    residual = u_t + u * u_x - 0.1 * u_xx
    assert np.abs(residual).max() < 1e-4 * (np.abs(u_t).max() + 1.0)


def test_burgers_reference_converges_under_refinement():
    # the paper's setting: nu = 0.01, u0 = sin x + C; a front forms by t = 1
    X, T = np.meshgrid(np.linspace(0, 2 * np.pi, 300), [0.5, 1.0])
    fine = Burgers(nu=0.01, offset=1.0, n_grid=2048).reference(X, T)
    errors = [
        np.abs(Burgers(nu=0.01, offset=1.0, n_grid=n).reference(X, T) - fine).max()
        for n in (128, 256, 512, 1024)
    ]
    assert all(b < a for a, b in itertools.pairwise(errors)), errors
    assert errors[-1] < 1e-6, errors  # the default grid is resolved
    assert np.abs(fine).max() > 1.5  # and the problem is not trivial


def test_taylor_green_solves_navier_stokes():
    nu, h = 0.05, 1e-4
    problem = TaylorGreen(nu=nu, amplitude=0.7, length=2.0)
    rng = np.random.default_rng(0)
    xy = rng.uniform(0, 2.0, size=(50, 2))
    t = rng.uniform(0.1, 1.0, size=50)
    ex, ey = np.array([h, 0.0]), np.array([0.0, h])

    def d(f, e):
        return (f(xy + e, t) - f(xy - e, t)) / (2 * h)

    def lap(f):
        return sum(
            (f(xy + e, t) - 2 * f(xy, t) + f(xy - e, t)) / h**2 for e in (ex, ey)
        )

    vel = problem.reference(xy, t)
    vel_t = (problem.reference(xy, t + h) - problem.reference(xy, t - h)) / (2 * h)
    vel_x, vel_y = d(problem.reference, ex), d(problem.reference, ey)
    grad_p = np.stack([d(problem.pressure, ex), d(problem.pressure, ey)], axis=-1)
    momentum = (
        vel_t
        + vel[:, :1] * vel_x
        + vel[:, 1:] * vel_y
        + grad_p
        - nu * lap(problem.reference)
    )
    assert np.abs(momentum).max() < 1e-5
    assert np.abs(vel_x[:, 0] + vel_y[:, 1]).max() < 1e-8  # divergence-free


PROBLEMS = [
    Convection(beta=5.0, nu=0.01),
    Heat(kappa=0.1),
    Advection(velocity=-0.5),
    Burgers(nu=0.05, offset=2.0, n_grid=128),
]


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: type(p).__name__)
def test_initial_condition_and_periodicity(problem):
    x_min, x_max = problem.x_range
    x = np.linspace(x_min, x_max, 33)
    np.testing.assert_allclose(
        problem.reference(x, np.zeros_like(x)),
        problem.initial_condition(x),
        atol=1e-12,
    )
    t = np.full_like(x, 0.4)
    np.testing.assert_allclose(
        problem.reference(x + (x_max - x_min), t),
        problem.reference(x, t),
        atol=1e-10,
    )
    assert problem.boundary == "periodic"
    assert problem.n_spatial_dims == 1


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: type(p).__name__)
def test_reference_broadcasts_and_refuses_bad_points(problem):
    x = np.linspace(*problem.x_range, 5)
    t = np.linspace(0, 1, 3)
    u = problem.reference(x[None, :], t[:, None])
    assert u.shape == (3, 5)
    np.testing.assert_allclose(u[1], problem.reference(x, np.full(5, t[1])))
    assert problem.reference(x[0], t[0]).shape == ()
    with pytest.raises(ValueError, match="same shape"):
        problem.reference(np.zeros(3), np.zeros(4))
    with pytest.raises(ValueError, match="non-negative"):
        problem.reference(np.zeros(3), -np.ones(3))
    with pytest.raises(ValueError, match="finite"):
        problem.reference(np.array([np.nan]), np.zeros(1))


def test_taylor_green_shapes():
    problem = TaylorGreen()
    assert problem.reference(np.zeros((4, 3, 2)), np.zeros((4, 3))).shape == (4, 3, 2)
    assert problem.pressure(np.zeros((4, 2)), 0.0).shape == (4,)
    np.testing.assert_allclose(
        problem.initial_condition(np.array([[np.pi / 2, 0.0]])), [[1.0, 0.0]]
    )
    with pytest.raises(ValueError, match="2-D positions"):
        problem.reference(np.zeros((4, 3)), np.zeros(4))


def test_bad_parameters():
    with pytest.raises(ValueError, match="nu must be non-negative"):
        Convection(1.0, nu=-1.0)
    with pytest.raises(ValueError, match="nu must be positive"):
        Burgers(nu=0.0)
    with pytest.raises(TypeError, match="u0 must be None or a callable"):
        Convection(1.0, u0=np.sin(np.arange(3)))
    with pytest.raises(ValueError, match="finite"):
        Heat(kappa=np.inf)
    with pytest.raises(TypeError, match="n_grid"):
        Burgers(nu=0.1, n_grid=100.0)


def test_problems_pickle_and_repr():
    for problem in [*PROBLEMS, TaylorGreen(nu=0.1)]:
        x = np.linspace(0.0, 1.0, 4)
        t = np.full(4, 0.3)
        if problem.n_spatial_dims == 2:
            x = np.stack([x, x[::-1]], axis=-1)
        before = problem.reference(x, t)
        again = pickle.loads(pickle.dumps(problem))
        np.testing.assert_array_equal(again.reference(x, t), before)
        assert repr(problem).startswith(type(problem).__name__ + "(")

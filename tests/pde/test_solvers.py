"""Reference PDE solvers against analytic solutions.

Oracles: a manufactured solution and a discrete eigenfunction (Darcy), the
Cole-Hopf solution (Burgers, as a Bessel series cross-checked by quadrature
of the Cole-Hopf integral), the Taylor-Green vortex, Kolmogorov flow and a
hand-computed advection term (Navier-Stokes), closed forms (heat,
advection), and invariances (batching, translations, transposition,
conservation of the mean). Convergence orders are measured, never copied
from our own output.
"""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.integrate import quad
from scipy.special import ive

from geomlearn.pde import (
    solve_advection,
    solve_burgers,
    solve_darcy,
    solve_heat,
    solve_navier_stokes,
)

PI = np.pi


def _orders(errors, ratio=2.0):
    errors = np.asarray(errors)
    return np.log(errors[:-1] / errors[1:]) / np.log(ratio)


def _periodic_grid(n, length=2 * PI, dims=2):
    x = np.arange(n) * length / n
    return np.meshgrid(*([x] * dims), indexing="ij") if dims > 1 else x


# ----------------------------------------------------------------------- Darcy
def _manufactured_darcy(H, W):
    """u = sin(pi x) sin(2 pi y), a = 2 + sin(2 pi x) cos(pi y), f = -div(a grad u)."""
    X, Y = np.meshgrid(np.linspace(0, 1, H), np.linspace(0, 1, W), indexing="ij")
    a = 2 + np.sin(2 * PI * X) * np.cos(PI * Y)
    a_x = 2 * PI * np.cos(2 * PI * X) * np.cos(PI * Y)
    a_y = -PI * np.sin(2 * PI * X) * np.sin(PI * Y)
    u = np.sin(PI * X) * np.sin(2 * PI * Y)
    u_x = PI * np.cos(PI * X) * np.sin(2 * PI * Y)
    u_y = 2 * PI * np.sin(PI * X) * np.cos(2 * PI * Y)
    laplacian_u = -5 * PI**2 * u
    f = -(a_x * u_x + a_y * u_y + a * laplacian_u)
    return a, f, u


@pytest.mark.parametrize("face_average", ["arithmetic", "harmonic"])
@pytest.mark.parametrize("aspect", [1.0, 1.5])
def test_darcy_is_second_order_on_a_manufactured_solution(face_average, aspect):
    errors = []
    for n in (16, 32, 64):
        a, f, u = _manufactured_darcy(n + 1, int(aspect * n) + 1)
        u_h = solve_darcy(a[None], f, face_average=face_average)[0]
        errors.append(np.abs(u_h - u).max())
    orders = _orders(errors)
    assert np.all((orders >= 1.8) & (orders <= 2.2)), (errors, orders)
    assert errors[-1] < 1e-3


def test_darcy_discrete_eigenfunction_is_exact():
    # constant a: sin(pi x) sin(pi y) is an eigenvector of the 5-point Laplacian
    H, W, a = 21, 13, 3.0
    X, Y = np.meshgrid(np.linspace(0, 1, H), np.linspace(0, 1, W), indexing="ij")
    phi = np.sin(PI * X) * np.sin(PI * Y)
    lam = sum(4 * (m - 1) ** 2 * np.sin(PI / (2 * (m - 1))) ** 2 for m in (H, W))
    for face_average in ("arithmetic", "harmonic"):
        u = solve_darcy(np.full((1, H, W), a), phi, face_average=face_average)
        assert_allclose(u[0], phi / (a * lam), atol=1e-14)


def test_darcy_batch_forcing_and_transposition(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    a = np.exp(rng.normal(size=(3, 12, 9)))
    f = rng.normal(size=(3, 12, 9))
    u = solve_darcy(a, f)
    for s in range(3):
        assert_allclose(solve_darcy(a[s : s + 1], f[s])[0], u[s], rtol=1e-12)
    # the scheme treats both axes alike: transposing the data transposes u
    u_t = solve_darcy(a.transpose(0, 2, 1), f.transpose(0, 2, 1))
    assert_allclose(u_t.transpose(0, 2, 1), u, rtol=1e-10, atol=1e-14)
    # boundary values of f are unused; a scalar forcing is a constant field
    f_boundary = f.copy()
    f_boundary[:, 0] = 1e3
    assert_allclose(solve_darcy(a, f_boundary), u, rtol=1e-12)
    assert_allclose(solve_darcy(a, 2.0), solve_darcy(a, np.full((12, 9), 2.0)))
    assert np.all(u[:, [0, -1], :] == 0)
    assert np.all(u[:, :, [0, -1]] == 0)
    # the discrete maximum principle: a positive source gives a positive u
    assert np.all(solve_darcy(a, 1.0)[:, 1:-1, 1:-1] > 0)
    assert_array_equal(solve_darcy(a, f), u)  # deterministic


def test_darcy_face_averages_differ_only_at_jumps():
    a = np.ones((1, 17, 17))
    a[0, :, 9:] = 10.0
    arithmetic = solve_darcy(a, face_average="arithmetic")
    harmonic = solve_darcy(a, face_average="harmonic")
    assert not np.allclose(arithmetic, harmonic)
    smooth = 1 + _manufactured_darcy(17, 17)[0][None]
    assert_allclose(
        solve_darcy(smooth, face_average="arithmetic"),
        solve_darcy(smooth, face_average="harmonic"),
        rtol=0.05,
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"coefficients": np.zeros((1, 5, 5))}, "positive"),
        ({"coefficients": np.ones((5, 5))}, "shape"),
        ({"coefficients": np.ones((1, 2, 5))}, "at least 3"),
        ({"coefficients": np.ones((1, 5, 5)), "forcing": np.ones((4, 4))}, "forcing"),
        ({"coefficients": np.ones((1, 5, 5)), "face_average": "geometric"}, "face"),
    ],
)
def test_darcy_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        solve_darcy(**kwargs)


# --------------------------------------------------------------------- Burgers
def _cole_hopf_sine(x, t, nu, n_terms=200):
    """Burgers from u0 = sin x on [0, 2 pi): Cole-Hopf as a Fourier series.

    phi0 = exp(cos(x) / (2 nu)) = I_0(z) + 2 sum_k I_k(z) cos(k x), z = 1/(2 nu);
    every mode of the heat equation decays by exp(-nu k^2 t), u = -2 nu phi_x/phi.
    Bessel functions are scaled (ive): the ratio does not depend on the scale.
    """
    k = np.arange(1, n_terms)
    coef = ive(k, 1 / (2 * nu)) * np.exp(-nu * k**2 * t)
    numerator = 4 * nu * (k * coef * np.sin(np.outer(x, k))).sum(axis=1)
    denominator = ive(0, 1 / (2 * nu)) + 2 * (coef * np.cos(np.outer(x, k))).sum(1)
    return numerator / denominator


def _cole_hopf_quadrature(x, t, nu):
    """The Cole-Hopf integral on the real line, u0 = sin, by adaptive quadrature."""

    def exponent(eta):  # -(1 - cos eta) / (2 nu) - (x - eta)^2 / (4 nu t), shifted
        return -(1 - np.cos(eta)) / (2 * nu) - (x - eta) ** 2 / (4 * nu * t)

    width = 12 * np.sqrt(4 * nu * t)
    peak = max(exponent(e) for e in np.linspace(x - width, x + width, 2001))
    weight = lambda eta: np.exp(exponent(eta) - peak)
    lo, hi = x - width, x + width
    num = quad(lambda eta: (x - eta) / t * weight(eta), lo, hi, epsabs=0, limit=200)
    den = quad(weight, lo, hi, epsabs=0, limit=200)
    return num[0] / den[0]


def test_burgers_cole_hopf_oracles_agree():
    x = np.array([0.3, 2.0, 3.0, 3.1, 4.5])
    series = _cole_hopf_sine(x, 1.0, 0.1)
    quadrature = [_cole_hopf_quadrature(xi, 1.0, 0.1) for xi in x]
    assert_allclose(series, quadrature, rtol=1e-9, atol=1e-12)
    assert_allclose(_cole_hopf_sine(x, 0.0, 0.1), np.sin(x), atol=1e-12)


def test_burgers_converges_spectrally_to_cole_hopf():
    nu, times = 0.1, np.array([0.5, 1.0])
    errors = []
    for n in (32, 64, 128):
        x = _periodic_grid(n, dims=1)
        u = solve_burgers(
            np.sin(x)[None], nu, 1.0, t_eval=times, length=2 * PI, dt=1e-3
        )
        exact = np.stack([_cole_hopf_sine(x, t, nu) for t in times])
        errors.append(np.abs(u[0] - exact).max())
    # exponential convergence: each doubling gains far more than any fixed order
    assert errors[1] < errors[0] / 50, errors
    assert errors[2] < errors[1] / 1000, errors
    assert errors[2] < 1e-7, errors


def test_burgers_time_stepping_is_fourth_order():
    nu, n = 0.1, 128
    x = _periodic_grid(n, dims=1)
    exact = _cole_hopf_sine(x, 1.0, nu)
    errors = [
        np.abs(
            solve_burgers(np.sin(x)[None], nu, 1.0, length=2 * PI, dt=dt)[0] - exact
        ).max()
        for dt in (0.1, 0.05, 0.025)
    ]
    orders = _orders(errors)
    assert np.all((orders >= 3.5) & (orders <= 4.5)), (errors, orders)
    # the default (CFL-limited) steps are accurate too
    adaptive = solve_burgers(np.sin(x)[None], nu, 1.0, length=2 * PI)[0]
    assert np.abs(adaptive - exact).max() < 1e-5


def test_burgers_conserves_the_mean_and_batches(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n = 64
    x = _periodic_grid(n, length=1.0, dims=1)
    modes = np.arange(1, 5)
    u0 = rng.normal(size=(3, 1)) + np.einsum(
        "sk,kx->sx",
        rng.normal(size=(3, 4)) * np.array([2.0, 0.5, 1.0]).reshape(3, 1),
        np.sin(2 * PI * np.outer(modes, x) + 1.0),
    )
    u = solve_burgers(u0, 0.02, 0.5, t_eval=[0.0, 0.25, 0.5])
    assert u.shape == (3, 3, n)
    assert_allclose(u[:, 0], u0, atol=1e-14)
    assert_allclose(
        u.mean(axis=-1), u0.mean(axis=-1)[:, None] + 0 * u[..., 0], atol=1e-13
    )
    assert not np.allclose(u[:, 2], u0)
    # each sample takes its own steps: a batch gives the per-sample results
    for s in range(3):
        single = solve_burgers(u0[s : s + 1], 0.02, 0.5, t_eval=[0.0, 0.25, 0.5])
        assert_allclose(single[0], u[s], rtol=1e-12, atol=1e-14)
    assert_array_equal(solve_burgers(u0, 0.02, 0.5, t_eval=[0.0, 0.25, 0.5]), u)
    # the maximum principle of viscous Burgers
    assert np.all(np.abs(u[:, -1]).max(axis=-1) <= np.abs(u0).max(axis=-1) + 1e-12)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"nu": 0.0}, "nu"),
        ({"t_final": -1.0}, "t_final"),
        ({"t_eval": [0.5, 0.2]}, "t_eval"),
        ({"t_eval": [2.0]}, "t_eval"),
        ({"dt": 0.0}, "dt"),
        ({"u0": np.zeros(8)}, "shape"),
    ],
)
def test_burgers_rejects_bad_input(kwargs, match):
    args = {"u0": np.zeros((1, 8)), "nu": 0.1, "t_final": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        solve_burgers(**args)


# --------------------------------------------------------------- Navier-Stokes
def _taylor_green(n):
    """Vorticity on the shell |k|^2 = 25 of [0, 2 pi)^2: advection vanishes."""
    X, Y = _periodic_grid(n)
    w0 = (
        np.sin(3 * X) * np.cos(4 * Y)
        + 0.7 * np.cos(5 * X + 0.3)
        + 0.4 * np.sin(4 * X + 1) * np.sin(3 * Y)
        + 0.5 * np.cos(5 * Y)
    )
    return w0, 25.0


@pytest.mark.parametrize("scheme", ["heun", "euler"])
def test_navier_stokes_taylor_green_decay_and_crank_nicolson_order(scheme):
    w0, k2 = _taylor_green(32)
    nu, t = 0.05, 1.0
    exact = w0 * np.exp(-nu * k2 * t)  # exp(-2 nu k^2 t) for k = (k, k)
    errors = [
        np.abs(
            solve_navier_stokes(w0[None], nu, t, length=2 * PI, dt=dt, scheme=scheme)
            - exact
        ).max()
        for dt in (0.1, 0.05, 0.025)
    ]
    orders = _orders(errors)
    assert np.all((orders >= 1.9) & (orders <= 2.1)), (errors, orders)
    assert errors[-1] < 1e-4


def _smooth_random_vorticity(rng, n, n_samples, k_max=4):
    k = np.fft.fftfreq(n, 1 / n)
    band = (np.abs(k)[:, None] <= k_max) & (np.abs(k)[None] <= k_max)
    coef = rng.normal(size=(n_samples, n, n)) + 1j * rng.normal(size=(n_samples, n, n))
    w0 = np.fft.ifft2(coef * band).real
    return w0 / np.abs(w0).max(axis=(1, 2), keepdims=True)


@pytest.mark.parametrize(("scheme", "order"), [("heun", 2.0), ("euler", 1.0)])
def test_navier_stokes_time_order_with_advection(scheme, order, global_random_seed):
    # no closed form here: successive differences under step halving shrink by
    # 2**order (Richardson), which measures the order without a reference
    w0 = _smooth_random_vorticity(np.random.default_rng(global_random_seed), 32, 1)
    runs = [
        solve_navier_stokes(w0, 0.01, 1.0, length=2 * PI, dt=dt, scheme=scheme)
        for dt in (0.04, 0.02, 0.01, 0.005)
    ]
    differences = [np.abs(a - b).max() for a, b in itertools.pairwise(runs)]
    orders = _orders(differences)
    assert np.all(np.abs(orders - order) <= 0.2), (differences, orders)


def test_navier_stokes_advection_term_has_the_right_sign():
    # psi = sin x + cos 2y: w = -lap psi = sin x + 4 cos 2y, u = (psi_y, -psi_x)
    # u.grad w = (-2 sin 2y)(cos x) + (-cos x)(-8 sin 2y) = 6 cos x sin 2y
    X, Y = _periodic_grid(32)
    w0 = np.sin(X) + 4 * np.cos(2 * Y)
    nu, t = 1e-3, 1e-4
    w = solve_navier_stokes(w0[None], nu, t, length=2 * PI, dt=t / 10)[0]
    rate = -6 * np.cos(X) * np.sin(2 * Y) + nu * (-np.sin(X) - 16 * np.cos(2 * Y))
    assert_allclose((w - w0) / t, rate, atol=1e-3 * np.abs(rate).max())


def test_navier_stokes_kolmogorov_flow_with_forcing():
    # w = W(t) sin(m y) is advected by a shear along x: only forcing and viscosity act
    n, m, nu, F, A = 32, 3, 0.05, 0.4, 1.0
    _, Y = _periodic_grid(n)
    forcing = F * np.sin(m * Y)
    steady = F / (nu * m**2)
    times = np.array([0.0, 0.5, 1.0, 2.0])
    w = solve_navier_stokes(
        A * np.sin(m * Y)[None], nu, 2.0, forcing, t_eval=times, length=2 * PI, dt=0.01
    )
    amplitude = steady + (A - steady) * np.exp(-nu * m**2 * times)
    exact = amplitude[:, None, None] * np.sin(m * Y)
    assert_allclose(w[0], exact, atol=1e-5)
    # per-sample forcing gives the same as a shared one
    w_batch = solve_navier_stokes(
        np.sin(m * Y)[None].repeat(2, 0),
        nu,
        1.0,
        forcing[None].repeat(2, 0),
        length=2 * PI,
    )
    assert_allclose(w_batch[0], w_batch[1])


def test_navier_stokes_translation_batching_and_mean(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    w0 = _smooth_random_vorticity(rng, 32, 3) * np.array([0.5, 1.0, 2.0])[:, None, None]
    w0 += np.array([0.0, 0.3, -0.2])[:, None, None]  # nonzero means
    nu, t = 2e-3, 0.5
    w = solve_navier_stokes(w0, nu, t, t_eval=[0.25, 0.5])
    assert w.shape == (3, 2, 32, 32)
    assert_allclose(
        w.mean(axis=(2, 3)), w0.mean(axis=(1, 2))[:, None].repeat(2, 1), atol=1e-13
    )
    for s in range(3):  # adaptive steps are per sample
        single = solve_navier_stokes(w0[s : s + 1], nu, t, t_eval=[0.25, 0.5])
        assert_allclose(single[0], w[s], rtol=1e-12, atol=1e-13)
    # fixed steps: the adaptive ones may differ in the last bit after a shift
    fixed = solve_navier_stokes(w0, nu, t, dt=0.01)
    shifted = solve_navier_stokes(np.roll(w0, (5, -3), axis=(1, 2)), nu, t, dt=0.01)
    assert_allclose(shifted, np.roll(fixed, (5, -3), axis=(1, 2)), atol=1e-12)
    assert_array_equal(solve_navier_stokes(w0, nu, t, t_eval=[0.25, 0.5]), w)
    assert_allclose(solve_navier_stokes(w0, nu, t, t_eval=[0.0])[:, 0], w0, atol=1e-14)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scheme": "rk4"}, "scheme"),
        ({"forcing": np.zeros((3, 3))}, "forcing"),
        ({"w0": np.zeros((1, 8))}, "shape"),
        ({"nu": -1.0}, "nu"),
    ],
)
def test_navier_stokes_rejects_bad_input(kwargs, match):
    args = {"w0": np.zeros((1, 8, 8)), "nu": 0.1, "t_final": 1.0} | kwargs
    with pytest.raises(ValueError, match=match):
        solve_navier_stokes(**args)


# ----------------------------------------------------------- heat, advection
def test_heat_matches_closed_forms_in_1d_and_2d():
    x = _periodic_grid(16, length=3.0, dims=1)
    u0 = 1.5 + np.sin(2 * PI * x / 3) - 0.5 * np.cos(6 * PI * x / 3 + 0.2)
    times = np.array([0.0, 0.3, 1.0])
    u = solve_heat(np.stack([u0, 2 * u0]), 0.2, times, length=3.0)
    k1, k3 = 2 * PI / 3, 6 * PI / 3
    exact = (
        1.5
        + np.exp(-0.2 * k1**2 * times)[:, None] * np.sin(k1 * x)
        - 0.5 * np.exp(-0.2 * k3**2 * times)[:, None] * np.cos(k3 * x + 0.2)
    )
    assert_allclose(u[0], exact, atol=1e-14)
    assert_allclose(u[1], 2 * exact, atol=1e-14)
    # 2-D with a different period per axis
    xs, ys = np.arange(8) * 1.0 / 8, np.arange(12) * 2.0 / 12
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    v0 = np.sin(2 * PI * X) * np.cos(PI * Y)  # k^2 = 4 pi^2 + pi^2
    v = solve_heat(v0[None], 0.1, 0.7, length=(1.0, 2.0))
    assert_allclose(v[0], np.exp(-0.1 * 5 * PI**2 * 0.7) * v0, atol=1e-14)
    assert_allclose(
        solve_heat(v0[None], 0.0, 3.0, length=(1.0, 2.0))[0], v0, atol=1e-14
    )


def test_advection_matches_closed_forms_and_grid_shifts():
    x = _periodic_grid(48, length=1.0, dims=1)
    bump = lambda s: np.exp(np.sin(2 * PI * s))
    u = solve_advection(bump(x)[None], -0.37, [0.0, 0.5, 2.0])
    for i, t in enumerate((0.0, 0.5, 2.0)):
        assert_allclose(u[0, i], bump(x + 0.37 * t), atol=1e-12)
    # 2-D, a velocity per axis; a whole-cell translation is an array shift
    rng = np.random.default_rng(0)
    f = rng.normal(size=(2, 10, 6))  # even sizes: the Nyquist modes too
    shifted = solve_advection(f, [3 / 10, -2 / 6], 1.0)
    assert_allclose(shifted, np.roll(f, (3, -2), axis=(1, 2)), atol=1e-13)
    X, Y = np.meshgrid(x, x, indexing="ij")
    g = solve_advection((bump(X) * np.cos(2 * PI * Y))[None], (0.1, 0.2), 0.5)
    assert_allclose(g[0], bump(X - 0.05) * np.cos(2 * PI * (Y - 0.1)), atol=1e-12)
    assert solve_advection(np.zeros((1, 4, 4, 4)), 1.0, 1.0).shape == (1, 4, 4, 4)


@pytest.mark.parametrize(
    ("func", "kwargs", "match"),
    [
        (solve_advection, {"velocity": [1.0, 2.0]}, "velocity"),
        (solve_heat, {"kappa": -1.0}, "kappa"),
        (solve_heat, {"t": -1.0}, "t must"),
        (solve_heat, {"length": 0.0}, "length"),
    ],
)
def test_heat_and_advection_reject_bad_input(func, kwargs, match):
    args = {"u0": np.zeros((1, 8)), "t": 1.0}
    args |= {"velocity": 1.0} if func is solve_advection else {"kappa": 1.0}
    with pytest.raises(ValueError, match=match):
        func(**(args | kwargs))

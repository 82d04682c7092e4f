"""Gaussian random fields: spectrum and covariance against the analytic ones."""

import numpy as np
import pytest

from geomlearn.datasets import make_gaussian_random_field


def _periodic_eigenvalue_variance(k, alpha, tau, sigma):
    """sigma^2 (4 pi^2 |k|^2 + tau^2)^-alpha: variance of the mode k."""
    return sigma**2 * (4 * np.pi**2 * k + tau**2) ** (-alpha)


def test_periodic_spectrum_matches_the_published_one():
    # Navier-Stokes initial vorticity: N(0, 7^(3/2) (-Delta + 49 I)^(-2.5))
    alpha, tau, sigma, n = 2.5, 7.0, 7.0**1.5, 16
    g = make_gaussian_random_field(
        4000, (n, n), alpha=alpha, tau=tau, sigma=sigma, random_state=0
    )
    # Fourier coefficients of g in the modes exp(2 pi i k.x)
    coef = np.fft.rfft2(g, norm="forward")
    power = (np.abs(coef) ** 2).mean(axis=0)
    kx = np.fft.fftfreq(n, 1 / n)[:, None]
    ky = np.fft.rfftfreq(n, 1 / n)[None, :]
    expected = _periodic_eigenvalue_variance(kx**2 + ky**2, alpha, tau, sigma)
    assert power[0, 0] < 1e-20  # no constant mode
    ratio = (power / expected).ravel()[1:]
    # each ratio is a mean of 4000 Exp(1) or chi2_1 variables: sd <= 0.023
    assert np.abs(ratio - 1).max() < 0.12, np.abs(ratio - 1).max()


def test_periodic_covariance_is_the_kl_sum():
    # Burgers initial condition: N(0, 625 (-Delta + 25 I)^-2) on 32 nodes
    alpha, tau, sigma, n = 2.0, 5.0, 25.0, 32
    g = make_gaussian_random_field(
        40000, n, alpha=alpha, tau=tau, sigma=sigma, random_state=1
    )
    x = np.arange(n) / n
    lag = x[:, None] - x[None, :]
    expected = np.zeros((n, n))
    for k in range(-n // 2, n // 2):  # the modes the grid resolves, by brute force
        if k != 0:
            var = _periodic_eigenvalue_variance(k**2, alpha, tau, sigma)
            expected += var * np.cos(2 * np.pi * k * lag)
    empirical = g.T @ g / len(g)  # the mean is known to be zero
    scale = np.sqrt(np.outer(np.diag(expected), np.diag(expected)))
    assert np.abs(empirical - expected).max() / scale.max() < 0.04
    # mode-k standard deviation 25 ((2 pi k)^2 + 25)^-1, as in the FNO recipe
    np.testing.assert_allclose(
        expected[0, 0],
        sum(
            (25 / ((2 * np.pi * k) ** 2 + 25)) ** 2
            for k in range(-n // 2, n // 2)
            if k != 0
        ),
    )


def test_neumann_covariance_is_the_kl_sum():
    # Darcy coefficient field: N(0, (-Delta + 9 I)^-2), zero-Neumann, node grid
    alpha, tau, n = 2.0, 3.0, 9
    g = make_gaussian_random_field(
        40000, (n, n), alpha=alpha, tau=tau, boundary="neumann", random_state=2
    )
    x = np.arange(n) / (n - 1)
    # orthonormal eigenfunctions c_k cos(pi k x) per axis, evaluated by brute force
    phi = np.array(
        [np.cos(np.pi * k * x) * (1.0 if k == 0 else np.sqrt(2.0)) for k in range(n)]
    )
    expected = np.zeros((n * n, n * n))
    for k1 in range(n):
        for k2 in range(n):
            if k1 == k2 == 0:
                continue
            mode = np.outer(phi[k1], phi[k2]).ravel()
            var = (np.pi**2 * (k1**2 + k2**2) + tau**2) ** (-alpha)
            expected += var * np.outer(mode, mode)
    flat = g.reshape(len(g), -1)
    empirical = flat.T @ flat / len(flat)
    sd = np.sqrt(np.outer(np.diag(expected), np.diag(expected)))
    # correlations agree to a few Monte Carlo standard errors (about 0.005)
    assert np.abs(empirical - expected).max() / sd.max() < 0.04
    assert np.abs((empirical - expected) / sd).max() < 0.06


@pytest.mark.parametrize("boundary", ["periodic", "neumann"])
def test_deterministic_and_independent_of_n_samples(boundary):
    kwargs = {"shape": (12, 10), "boundary": boundary}
    a = make_gaussian_random_field(6, random_state=0, **kwargs)
    b = make_gaussian_random_field(6, random_state=0, **kwargs)
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(
        make_gaussian_random_field(3, random_state=0, **kwargs), a[:3]
    )
    assert not np.allclose(a, make_gaussian_random_field(6, random_state=1, **kwargs))
    # sigma is a pure amplitude
    np.testing.assert_allclose(
        make_gaussian_random_field(6, sigma=3.0, random_state=0, **kwargs), 3 * a
    )
    # the legacy global RNG is read on purpose: the sampler must not touch it
    state = np.random.get_state()[1].copy()  # noqa: NPY002
    make_gaussian_random_field(2, random_state=0, **kwargs)
    np.testing.assert_array_equal(state, np.random.get_state()[1])  # noqa: NPY002


def test_three_dimensional_fields():
    g = make_gaussian_random_field(2, (6, 5, 4), boundary="neumann", random_state=0)
    assert g.shape == (2, 6, 5, 4)
    assert np.all(np.isfinite(g))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"n_samples": 0},
        {"shape": (1, 4)},
        {"shape": ()},
        {"shape": (4.0, 4)},
        {"alpha": 0.0},
        {"tau": -1.0},
        {"sigma": np.nan},
        {"boundary": "dirichlet"},
    ],
)
def test_bad_parameters(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        make_gaussian_random_field(**kwargs)

r"""Gaussian random fields with the Matérn-like spectrum of the FNO recipes.

A field :math:`g \sim \mathcal N(0, \sigma^2(-\Delta + \tau^2 I)^{-\alpha})`
on the unit interval, square or cube is sampled through its Karhunen-Loève
expansion in the eigenfunctions of the Laplacian:

- ``"periodic"``: Fourier modes :math:`e^{2\pi i k\cdot x}`, eigenvalues
  :math:`4\pi^2|k|^2`, on the nodes ``j / N`` of each axis (the right end
  point is not stored). Synthesised with real FFTs.
- ``"neumann"``: cosine modes :math:`\prod_d c_{k_d}\cos(\pi k_d x_d)` with
  :math:`c_0 = 1`, :math:`c_k = \sqrt 2` (orthonormal in :math:`L^2`),
  eigenvalues :math:`\pi^2|k|^2`, on the nodes ``i / (N - 1)`` of each axis,
  boundary included. Synthesised by one small matrix product per axis.

The modes are those a grid of ``N`` nodes can tell apart (``|k_d| <= N/2``
periodic, ``0 <= k_d < N`` Neumann), and the constant mode is left out (the
fields have mean zero), as in the FNO data generators.

Every sample is drawn from its own :class:`numpy.random.Generator`, seeded by
a child of one :class:`numpy.random.SeedSequence`: sample ``i`` depends only
on the seed and on ``i``, never on how many samples are drawn or on how the
work is split between processes.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

from geomlearn.datasets._checks import _check_positive

__all__ = ["make_gaussian_random_field"]

_BOUNDARIES = ("periodic", "neumann")


def _sample_seeds(random_state, n_samples):
    """One independent :class:`~numpy.random.SeedSequence` per sample."""
    entropy = check_random_state(random_state).randint(np.iinfo(np.int32).max)
    return np.random.SeedSequence(entropy).spawn(n_samples)


def _mode_std(shape, alpha, tau, sigma, boundary):
    """Return the standard deviation of every KL coefficient (synthesis grid).

    Periodic: returned on the rfftn grid; Neumann: on the (k_1, ..., k_d)
    grid of cosine modes. The constant mode gets zero.
    """
    d = len(shape)
    k2 = np.zeros(())
    for axis, n in enumerate(shape):
        if boundary == "periodic":
            k = (
                np.fft.rfftfreq(n, 1.0 / n)
                if axis == d - 1
                else np.fft.fftfreq(n, 1.0 / n)
            )
            lam = (2 * np.pi * k) ** 2
        else:
            lam = (np.pi * np.arange(n)) ** 2
        view = [1] * d
        view[axis] = lam.size
        k2 = k2 + lam.reshape(view)
    std = sigma * (k2 + tau**2) ** (-alpha / 2)
    std[(0,) * d] = 0.0
    return std


def _synthesise(noise, std, boundary):
    """Turn i.i.d. standard normal ``noise`` (n, *shape) into fields."""
    shape = noise.shape[1:]
    axes = tuple(range(1, noise.ndim))
    if boundary == "periodic":
        # z white with unit variance: rfftn(z) has E|Z_k|^2 = N, so the
        # multiplier sqrt(N) * std gives the covariance sum_k std_k^2 e_k(x - x')
        n_nodes = np.prod(shape)
        spectrum = np.fft.rfftn(noise, axes=axes) * (np.sqrt(n_nodes) * std)
        return np.fft.irfftn(spectrum, s=shape, axes=axes)
    fields = noise * std
    for axis, n in enumerate(shape):
        x = np.arange(n) / (n - 1)
        k = np.arange(n)
        basis = np.cos(np.pi * np.outer(x, k)) * np.where(k > 0, np.sqrt(2.0), 1.0)
        fields = np.moveaxis(
            np.tensordot(fields, basis, axes=([axis + 1], [1])), -1, axis + 1
        )
    return fields


def _grf(seeds, shape, *, alpha, tau, sigma, boundary):
    """Sample one field per seed (already validated parameters)."""
    noise = np.stack([np.random.default_rng(s).standard_normal(shape) for s in seeds])
    return _synthesise(noise, _mode_std(shape, alpha, tau, sigma, boundary), boundary)


def make_gaussian_random_field(
    n_samples=1,
    shape=(64, 64),
    *,
    alpha=2.0,
    tau=3.0,
    sigma=1.0,
    boundary="periodic",
    random_state=None,
):
    r"""Sample Gaussian random fields with the spectrum of the FNO data recipes.

    Draws :math:`g \sim \mathcal N(0, \sigma^2(-\Delta + \tau^2 I)^{-\alpha})`
    on the unit interval, square or cube, through the Karhunen-Loève expansion
    in the eigenfunctions :math:`\phi_k` of the Laplacian with the chosen
    boundary conditions:

    .. math::

        g(x) = \sum_{k \ne 0} \sigma\,(\lambda_k + \tau^2)^{-\alpha/2}\,
        \xi_k\,\phi_k(x), \qquad \xi_k \sim \mathcal N(0, 1)\ \text{i.i.d.},

    truncated to the modes the grid resolves and without the constant mode
    (mean zero), as in the FNO generators. The covariance between two nodes is
    therefore :math:`\sum_{k \ne 0} \sigma^2 (\lambda_k + \tau^2)^{-\alpha}
    \phi_k(x)\phi_k(x')`, which the tests compare with the sample covariance.

    The FNO benchmarks use: Darcy coefficients, ``alpha=2, tau=3``, Neumann
    (only the sign is used); Burgers initial conditions, ``alpha=2, tau=5,
    sigma=25``, periodic 1-D; Navier-Stokes initial vorticity, ``alpha=2.5,
    tau=7, sigma=7**1.5``, periodic 2-D.

    Parameters
    ----------
    n_samples : int, default=1
        Number of fields.
    shape : int or tuple of int, default=(64, 64)
        Number of nodes along each axis (1-D, 2-D, 3-D, ...), at least 2 per
        axis. Periodic grids have nodes ``j / N``; Neumann grids have nodes
        ``i / (N - 1)``, boundary included.
    alpha : float, default=2.0
        Exponent :math:`\alpha` of the covariance operator (smoothness).
    tau : float, default=3.0
        Inverse length scale :math:`\tau`.
    sigma : float, default=1.0
        Amplitude :math:`\sigma`.
    boundary : {"periodic", "neumann"}, default="periodic"
        Boundary conditions of the Laplacian: periodic (Fourier modes) or
        zero normal derivative (cosine modes).
    random_state : int, RandomState instance or None, default=None
        Seed. Sample ``i`` depends only on the seed and on ``i``: the first
        ``m`` of ``n`` fields are the ``m`` fields drawn with the same seed.

    Returns
    -------
    fields : ndarray of shape (n_samples, ...)
        The sampled fields (``float64``).

    See Also
    --------
    make_darcy, make_burgers, make_navier_stokes : The generators that use it.

    Examples
    --------
    >>> from geomlearn.datasets import make_gaussian_random_field
    >>> g = make_gaussian_random_field(3, (32, 32), alpha=2.5, tau=7.0, random_state=0)
    >>> g.shape
    (3, 32, 32)
    >>> bool(abs(g.mean()) < 1e-12)  # no constant mode
    True
    """
    if (
        not isinstance(n_samples, Integral)
        or isinstance(n_samples, bool)
        or n_samples < 1
    ):
        raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
    shape = (shape,) if isinstance(shape, Integral) else tuple(shape)
    if not shape or not all(
        isinstance(n, Integral) and not isinstance(n, bool) and n >= 2 for n in shape
    ):
        raise ValueError(
            f"shape must be an int or a non-empty tuple of ints >= 2; got {shape!r}."
        )
    shape = tuple(int(n) for n in shape)
    alpha = _check_positive(alpha, "alpha")
    tau = _check_positive(tau, "tau")
    sigma = _check_positive(sigma, "sigma")
    if boundary not in _BOUNDARIES:
        raise ValueError(f"boundary must be one of {_BOUNDARIES}; got {boundary!r}.")
    seeds = _sample_seeds(random_state, n_samples)
    return _grf(seeds, shape, alpha=alpha, tau=tau, sigma=sigma, boundary=boundary)

"""Classical grid solvers, the baselines of the INSR benchmark.

Low-order schemes of the kind INSR is compared with in its paper, on periodic
grids: first-order upwind and Lax-Wendroff finite differences and a
semi-Lagrangian scheme (linear or cubic-spline interpolation) for 1-D
advection, and a stable-fluids solver (semi-Lagrangian advection, implicit
viscosity and an exact FFT projection) for 2-D incompressible flow. Their
convergence orders are tested in ``tests/benchmarks/test_grid_solvers.py``.
"""

import time

import numpy as np
from scipy import ndimage

__all__ = ["advect_1d", "stable_fluids"]

_CFL = 0.9  # sub-steps of the finite-difference schemes keep |c| dt / dx below


def _snapshot_steps(t_eval, dt):
    t_eval = np.asarray(t_eval, dtype=float)
    steps = np.rint(t_eval / dt).astype(int)
    if not np.allclose(steps * dt, t_eval, rtol=0, atol=1e-9 * max(1, t_eval.max())):
        raise ValueError("every output time must be a whole number of steps.")
    return steps


def _march(advance, u, steps):
    """Snapshots after the given numbers of steps, and the seconds per step."""
    out = np.empty((len(steps), *u.shape))
    done, start = 0, time.perf_counter()
    for i, target in enumerate(steps):
        while done < target:
            u = advance(u)
            done += 1
        out[i] = u
    return out, (time.perf_counter() - start) / max(done, 1)


def advect_1d(u0, velocity, length, t_eval, dt, scheme):
    """Advect ``u0`` (on ``N`` periodic nodes) at constant speed.

    Parameters
    ----------
    u0 : ndarray of shape (N,)
        Initial values at the nodes ``x_min + j * length / N``.
    velocity : float
        The speed.
    length : float
        The period.
    t_eval : array-like of shape (n_times,)
        Output times, whole multiples of ``dt``.
    dt : float
        The time step (the semi-Lagrangian schemes take it as it is; the
        finite differences split it into sub-steps of CFL number at most 0.9).
    scheme : {"upwind", "lax-wendroff", "semi-lagrangian-linear", "semi-lagrangian-cubic"}
        The method.

    Returns
    -------
    u : ndarray of shape (n_times, N)
        The solution at ``t_eval``.
    seconds_per_step : float
        Mean wall time of one step ``dt``.
    """
    u = np.array(u0, dtype=float)
    n = u.size
    dx = length / n
    steps = _snapshot_steps(t_eval, dt)
    if scheme in ("upwind", "lax-wendroff"):
        n_sub = max(1, int(np.ceil(abs(velocity) * dt / (_CFL * dx))))
        sigma = velocity * dt / n_sub / dx

        def advance(v):
            for _ in range(n_sub):
                left, right = np.roll(v, 1), np.roll(v, -1)
                if scheme == "upwind":
                    v = (
                        v - sigma * (v - left)
                        if sigma >= 0
                        else v - sigma * (right - v)
                    )
                else:
                    v = (
                        v
                        - 0.5 * sigma * (right - left)
                        + 0.5 * sigma**2 * (right - 2 * v + left)
                    )
            return v

    elif scheme.startswith("semi-lagrangian"):
        order = {"semi-lagrangian-linear": 1, "semi-lagrangian-cubic": 3}[scheme]
        departure = np.arange(n) - velocity * dt / dx  # in node units

        def advance(v):
            return ndimage.map_coordinates(
                v, departure[None], order=order, mode="grid-wrap"
            )

    else:
        raise ValueError(f"unknown scheme {scheme!r}.")
    return _march(advance, u, steps)


def _interp2(field, coords, order):
    return ndimage.map_coordinates(field, coords, order=order, mode="grid-wrap")


def stable_fluids(u0, length, nu, t_eval, dt, order=1):
    """Stable fluids (Stam, 1999) on a periodic N x N grid.

    Each step: semi-Lagrangian advection of both components with a midpoint
    back-trace (``order`` 1: bilinear, 3: cubic-spline interpolation), then
    implicit viscosity and the exact Leray projection in Fourier space.

    Parameters
    ----------
    u0 : ndarray of shape (N, N, 2)
        Initial velocity at the nodes ``(i, j) * length / N`` (axis 0 is x).
    length : float
        The period of both axes.
    nu : float
        Kinematic viscosity.
    t_eval : array-like of shape (n_times,)
        Output times, whole multiples of ``dt``.
    dt : float
        The time step.
    order : {1, 3}, default=1
        Interpolation order of the advection.

    Returns
    -------
    u : ndarray of shape (n_times, N, N, 2)
        The velocity at ``t_eval``.
    seconds_per_step : float
        Mean wall time of one step.
    """
    u = np.array(u0, dtype=float)
    n = u.shape[0]
    dx = length / n
    k = 2 * np.pi * np.fft.fftfreq(n, d=dx)
    if n % 2 == 0:
        k[n // 2] = 0.0  # the Nyquist mode has no well-defined derivative
    kx, ky = np.meshgrid(k, k, indexing="ij")
    k2 = kx**2 + ky**2
    k2_safe = np.where(k2 == 0, 1.0, k2)
    grid = np.stack(np.meshgrid(np.arange(n), np.arange(n), indexing="ij"))
    steps = _snapshot_steps(t_eval, dt)

    def advance(v):
        vel = np.moveaxis(v, -1, 0) / dx  # node units per time
        mid = grid - 0.5 * dt * vel
        vel_mid = np.stack([_interp2(vel[c], mid, order) for c in range(2)])
        departure = grid - dt * vel_mid
        adv = np.stack([_interp2(v[..., c], departure, order) for c in range(2)])
        hat = np.fft.fft2(adv, axes=(1, 2)) / (1 + dt * nu * k2)
        div = kx * hat[0] + ky * hat[1]
        hat = hat - np.stack([kx, ky]) * div / k2_safe
        return np.moveaxis(np.fft.ifft2(hat, axes=(1, 2)).real, 0, -1)

    return _march(advance, u, steps)

"""The charged-particle N-body simulation of the EGNN and PONITA benchmarks."""

import numpy as np
from sklearn.utils import Bunch

from geomlearn.datasets._checks import _check_int, _check_positive
from geomlearn.datasets._grf import _sample_seeds

__all__ = ["make_nbody"]


def _forces(x, q_outer, max_force, clip):
    """Coulomb forces ``sum_j q_i q_j (x_i - x_j) / |x_i - x_j|^3``, clipped."""
    diff = x[:, :, None, :] - x[:, None, :, :]  # (n, P, P, 3): x_i - x_j
    r2 = np.einsum("nijk,nijk->nij", diff, diff)
    n_particles = x.shape[1]
    r2[:, np.arange(n_particles), np.arange(n_particles)] = np.inf  # no self force
    F = np.einsum("nij,nijk->nik", q_outer / (r2 * np.sqrt(r2)), diff)
    if clip == "component":
        np.clip(F, -max_force, max_force, out=F)
    else:
        norm = np.linalg.norm(F, axis=-1, keepdims=True)
        F *= np.minimum(1.0, max_force / np.maximum(norm, 1e-300))
    return F


def make_nbody(
    n_samples=100,
    *,
    n_particles=5,
    frame_in=30,
    frame_out=40,
    steps_per_frame=100,
    dt=1e-3,
    velocity_norm=0.5,
    position_std=1.0,
    force_clip="component",
    return_trajectory=False,
    random_state=None,
):
    r"""Generate the charged-particle N-body benchmark of EGNN and PONITA.

    Each sample is ``n_particles`` unit-mass particles in 3-D with charges
    ``+1`` or ``-1`` (probability 1/2 each), interacting by Coulomb forces
    ``F_i = sum_j q_i q_j (x_i - x_j) / |x_i - x_j|^3`` (like charges repel),
    clipped at ``0.1 / dt = 100`` per component as in the reference
    simulation. Initial positions are Gaussian with standard deviation
    ``position_std * (n_particles / 5)^(1/3)`` per coordinate, initial
    velocities Gaussian directions of norm ``velocity_norm``. The system is
    integrated by the reference's leapfrog scheme (a half kick, then drift
    and kick with step ``dt``), and frame ``k`` is the state after ``(k + 1)
    * steps_per_frame`` steps (the reference's ``sample_freq``; the initial
    state is not a frame). The task: from the positions, velocities and
    charges at ``frame_in`` predict the positions at ``frame_out``. The
    defaults are the published setting (frames 30 and 40 of 100-step
    frames, i.e. steps 3100 and 4100; 3000 / 2000 / 2000 simulations for
    training, validation and test in EGNN and PONITA). There is no box: the
    reference's walls are disabled during the run.

    The recorded velocity is the one of the last drift (leapfrog's
    velocity half a step before the recorded positions), as in the
    reference data.

    Parameters
    ----------
    n_samples : int, default=100
        Number of simulations.
    n_particles : int, default=5
        Particles per simulation, at least 2.
    frame_in, frame_out : int, default=30, 40
        The input and the target frame, ``0 <= frame_in < frame_out``.
    steps_per_frame : int, default=100
        Integration steps between frames.
    dt : float, default=1e-3
        Time step; the force clip is ``0.1 / dt``.
    velocity_norm : float, default=0.5
        Norm of every initial velocity.
    position_std : float, default=1.0
        Standard deviation of the initial coordinates for 5 particles
        (scaled by ``(n_particles / 5)^(1/3)``, constant density).
    force_clip : {"component", "norm"}, default="component"
        Clip each coordinate of the force (the reference; it breaks rotation
        equivariance during close encounters, where a component exceeds the
        clip) or its norm (exactly rotation-equivariant data).
    return_trajectory : bool, default=False
        Also return the positions of every frame up to ``frame_out``.
    random_state : int, RandomState instance or None, default=None
        Seed. Simulation ``i`` depends only on the seed and ``i``.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``positions``, ``velocities`` (both ``(n_samples, n_particles, 3)``)
        and ``charges`` (``(n_samples, n_particles)``) at ``frame_in``;
        ``target``, the positions at ``frame_out``; with
        ``return_trajectory=True`` also ``trajectory`` of shape
        ``(n_samples, frame_out + 1, n_particles, 3)``.

    References
    ----------
    .. [1] V. G. Satorras, E. Hoogeboom, M. Welling, "E(n) equivariant graph
       neural networks", ICML 2021, section 5.1.
    .. [2] E. J. Bekkers et al., "Fast, expressive SE(n) equivariant networks
       through weight-sharing in position-orientation space", ICLR 2024.
    .. [3] T. Kipf et al., "Neural relational inference for interacting
       systems", ICML 2018 (the simulator).

    Examples
    --------
    >>> from geomlearn.datasets import make_nbody
    >>> data = make_nbody(8, random_state=0)
    >>> data.positions.shape, data.charges.shape, data.target.shape
    ((8, 5, 3), (8, 5), (8, 5, 3))
    >>> sorted(set(data.charges.ravel().tolist()))
    [-1.0, 1.0]
    """
    n_samples = _check_int(n_samples, "n_samples", 1)
    n_particles = _check_int(n_particles, "n_particles", 2)
    frame_in = _check_int(frame_in, "frame_in", 0)
    frame_out = _check_int(frame_out, "frame_out", 1)
    if frame_out <= frame_in:
        raise ValueError(
            f"frame_out must come after frame_in; got frame_in={frame_in}, "
            f"frame_out={frame_out}."
        )
    steps_per_frame = _check_int(steps_per_frame, "steps_per_frame", 1)
    dt = _check_positive(dt, "dt")
    velocity_norm = _check_positive(velocity_norm, "velocity_norm")
    position_std = _check_positive(position_std, "position_std")
    if force_clip not in ("component", "norm"):
        raise ValueError(
            f"force_clip must be 'component' or 'norm'; got {force_clip!r}."
        )
    if not isinstance(return_trajectory, (bool, np.bool_)):
        raise TypeError(
            f"return_trajectory must be True or False; got {return_trajectory!r}."
        )

    std = position_std * (n_particles / 5) ** (1 / 3)
    x = np.empty((n_samples, n_particles, 3))
    v = np.empty((n_samples, n_particles, 3))
    q = np.empty((n_samples, n_particles))
    for i, seed in enumerate(_sample_seeds(random_state, n_samples)):
        rng = np.random.default_rng(seed)
        q[i] = rng.choice([-1.0, 1.0], size=n_particles)
        x[i] = std * rng.standard_normal((n_particles, 3))
        direction = rng.standard_normal((n_particles, 3))
        v[i] = velocity_norm * direction / np.linalg.norm(direction, axis=1)[:, None]
    out = _simulate(
        x,
        v,
        q,
        dt=dt,
        steps_per_frame=steps_per_frame,
        frame_in=frame_in,
        frame_out=frame_out,
        force_clip=force_clip,
        return_trajectory=return_trajectory,
    )
    data = Bunch(
        positions=out["positions"],
        velocities=out["velocities"],
        charges=q,
        target=out["target"],
    )
    if return_trajectory:
        data.trajectory = out["trajectory"]
    return data


def _simulate(
    x, v, q, *, dt, steps_per_frame, frame_in, frame_out, force_clip, return_trajectory
):
    """Integrate from positions ``x``, velocities ``v`` (copied) and charges."""
    x, v = x.copy(), v.copy()
    q_outer = q[:, :, None] * q[:, None, :]
    max_force = 0.1 / dt
    n_samples, n_particles, _ = x.shape
    frames = frame_out + 1 if return_trajectory else 0
    out = {"trajectory": np.empty((n_samples, frames, n_particles, 3))}
    v += dt * _forces(x, q_outer, max_force, force_clip)  # the half kick
    for step in range(1, (frame_out + 1) * steps_per_frame + 1):
        x += dt * v
        if step % steps_per_frame == 0:
            frame = step // steps_per_frame - 1
            if return_trajectory:
                out["trajectory"][:, frame] = x
            if frame == frame_in:
                out["positions"], out["velocities"] = x.copy(), v.copy()
            if frame == frame_out:
                out["target"] = x.copy()
                break
        v += dt * _forces(x, q_outer, max_force, force_clip)
    return out

"""Oracles for the charged-particle N-body generator: physics, symmetry, seeds."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from geomlearn.datasets import make_nbody
from geomlearn.datasets._nbody import _simulate

SIM = {
    "dt": 1e-3,
    "steps_per_frame": 100,
    "frame_in": 2,
    "frame_out": 9,
    "return_trajectory": True,
}


def test_samples_depend_only_on_the_seed_and_their_index():
    a = make_nbody(3, frame_in=2, frame_out=4, random_state=0)
    b = make_nbody(5, frame_in=2, frame_out=4, random_state=0)
    for key in ("positions", "velocities", "charges", "target"):
        np.testing.assert_array_equal(a[key], b[key][:3])
    c = make_nbody(3, frame_in=2, frame_out=4, random_state=1)
    assert not np.allclose(a.positions, c.positions)


def test_the_published_initial_distribution():
    data = make_nbody(400, frame_in=0, frame_out=1, steps_per_frame=1, random_state=0)
    assert set(np.unique(data.charges)) == {-1.0, 1.0}
    assert abs(data.charges.mean()) < 0.05
    # after one step the speeds are still close to the initial norm 0.5 and
    # the coordinates have unit spread
    speed = np.linalg.norm(data.velocities, axis=-1)
    assert np.median(np.abs(speed - 0.5)) < 0.01
    assert data.positions.std() == pytest.approx(1.0, abs=0.05)


def test_two_like_charges_repel_as_energy_conservation_says():
    # two unit charges released at rest at distance 1 fly apart along the
    # line; each has speed u with u^2 = 1 - 1/r (kinetic energy u^2, the
    # potential 1/r). Leapfrog's recorded velocity lags half a step.
    x = np.array([[[-0.5, 0.0, 0.0], [0.5, 0.0, 0.0]]])
    out = _simulate(x, np.zeros_like(x), np.ones((1, 2)), force_clip="norm", **SIM)
    for pos, vel in ((out["positions"], out["velocities"]), (out["target"], None)):
        r = np.linalg.norm(pos[0, 0] - pos[0, 1])
        assert r > 1.0
        np.testing.assert_allclose(pos[0, :, 1:], 0.0, atol=1e-14)
        if vel is not None:
            u = np.linalg.norm(vel[0, 0])
            assert u == pytest.approx(np.sqrt(1 - 1 / r), rel=2e-3)


def test_momentum_and_energy_are_conserved():
    rng = np.random.default_rng(0)
    x = 1.5 * rng.standard_normal((20, 5, 3))
    v = 0.5 * rng.standard_normal((20, 5, 3))
    q = rng.choice([-1.0, 1.0], size=(20, 5))
    every_step = dict(SIM, steps_per_frame=1, frame_in=200, frame_out=999)
    out = _simulate(x, v, q, force_clip="norm", **every_step)
    traj = out["trajectory"]
    # the centre of mass moves on a straight line at constant speed
    com = traj.mean(axis=2)
    second = com[:, 2:] - 2 * com[:, 1:-1] + com[:, :-2]
    close = np.array(
        [
            np.linalg.norm(traj[i, :, :, None] - traj[i, :, None], axis=-1)[
                :, ~np.eye(5, dtype=bool)
            ].min()
            for i in range(20)
        ]
    )
    safe = close > 0.15  # no clipped force (|F| = 100 needs r <= 0.1)
    assert safe.sum() >= 10
    np.testing.assert_allclose(second[safe], 0.0, atol=1e-11)
    # total energy from the last recorded state vs the initial one
    # (symplectic integrator: bounded error of order dt)

    def energy(pos, vel):
        diff = pos[:, :, None] - pos[:, None]
        r = np.linalg.norm(diff, axis=-1)
        np.einsum("nii->ni", r)[:] = np.inf
        potential = 0.5 * np.sum(q[:, :, None] * q[:, None] / r, axis=(1, 2))
        return 0.5 * np.sum(vel**2, axis=(1, 2)) + potential

    e0 = energy(x, v)
    e1 = energy(out["positions"], out["velocities"])
    assert np.max(np.abs(e1 - e0)[safe] / np.abs(e0[safe])) < 2e-2


def test_norm_clipped_data_are_rotation_equivariant():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((6, 5, 3))
    v = 0.5 * rng.standard_normal((6, 5, 3))
    q = rng.choice([-1.0, 1.0], size=(6, 5))
    R = Rotation.random(random_state=2).as_matrix()
    out = _simulate(x, v, q, force_clip="norm", **SIM)
    rot = _simulate(x @ R.T, v @ R.T, q, force_clip="norm", **SIM)
    np.testing.assert_allclose(rot["target"], out["target"] @ R.T, atol=1e-8)
    np.testing.assert_allclose(rot["velocities"], out["velocities"] @ R.T, atol=1e-8)
    # translations and permutations too
    perm = rng.permutation(5)
    moved = _simulate(
        x[:, perm] + 3.0, v[:, perm], q[:, perm], force_clip="norm", **SIM
    )
    np.testing.assert_allclose(moved["target"], out["target"][:, perm] + 3.0, atol=1e-8)


def test_frames_count_steps_after_the_initial_state():
    # frame k is the state after (k + 1) * steps_per_frame steps: a free
    # particle pair far apart moves in straight lines (forces ~ 1e-6)
    x = np.array([[[0.0, 0.0, 0.0], [1e3, 0.0, 0.0]]])
    v = np.array([[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]])
    out = _simulate(
        x,
        v,
        np.ones((1, 2)),
        dt=0.01,
        steps_per_frame=10,
        frame_in=0,
        frame_out=3,
        force_clip="component",
        return_trajectory=True,
    )
    times = 0.01 * 10 * np.arange(1, 5)
    np.testing.assert_allclose(out["trajectory"][0, :, 0, 0], times, atol=1e-6)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_samples": 0}, "n_samples"),
        ({"n_particles": 1}, "n_particles"),
        ({"frame_in": 5, "frame_out": 5}, "after frame_in"),
        ({"dt": 0.0}, "dt"),
        ({"force_clip": "none"}, "force_clip"),
    ],
)
def test_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_nbody(**kwargs)

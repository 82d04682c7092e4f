"""PDE benchmark generators: recipes, determinism, n_jobs, and the disk cache."""

import numpy as np
import pytest

from geomlearn.datasets import (
    _pde,
    make_burgers,
    make_darcy,
    make_gaussian_random_field,
    make_navier_stokes,
)
from geomlearn.pde import solve_darcy, solve_navier_stokes

SMALL = {
    "darcy": (make_darcy, {"resolution": 9}),
    "burgers": (make_burgers, {"resolution": 32}),
    "navier_stokes": (
        make_navier_stokes,
        {"resolution": 8, "n_input_steps": 2, "n_output_steps": 2, "interval": 0.05},
    ),
}


def test_darcy_follows_the_recipe():
    X, y = make_darcy(5, 17, random_state=0, cache=False)
    assert X.shape == y.shape == (5, 17, 17, 1)
    # the coefficient is the published field thresholded to 12 / 3
    g = make_gaussian_random_field(
        5, (17, 17), alpha=2.0, tau=3.0, boundary="neumann", random_state=0
    )
    np.testing.assert_array_equal(X[..., 0], np.where(g >= 0, 12.0, 3.0))
    # the solution solves -div(a grad u) = 1 with u = 0 on the boundary
    np.testing.assert_allclose(y[..., 0], solve_darcy(X[..., 0], 1.0), atol=1e-14)
    u = y[..., 0]
    assert np.all(u[:, [0, -1], :] == 0)
    assert np.all(u[:, :, [0, -1]] == 0)
    assert np.all(u[:, 1:-1, 1:-1] > 0)  # maximum principle, positive forcing
    # bounded by the torsion functions of the constant media a = 3 and a = 12
    assert np.all(u <= solve_darcy(np.full((1, 17, 17), 3.0)) + 1e-15)


def test_darcy_refinement_strides_a_finer_solve():
    X, y = make_darcy(2, 9, refinement=2, random_state=3, cache=False)
    g = make_gaussian_random_field(
        2, (17, 17), alpha=2.0, tau=3.0, boundary="neumann", random_state=3
    )
    a = np.where(g >= 0, 12.0, 3.0)
    np.testing.assert_array_equal(X[..., 0], a[:, ::2, ::2])
    np.testing.assert_allclose(y[..., 0], solve_darcy(a)[:, ::2, ::2], atol=1e-14)


def test_burgers_follows_the_recipe():
    X, y = make_burgers(4, 64, random_state=0, cache=False)
    assert X.shape == y.shape == (4, 64, 1)
    u0 = make_gaussian_random_field(
        4, 64, alpha=2.0, tau=5.0, sigma=25.0, random_state=0
    )
    np.testing.assert_array_equal(X[..., 0], u0)
    # conservation of the mean and decay of the energy of viscous Burgers
    np.testing.assert_allclose(y.mean(axis=1), X.mean(axis=1), atol=1e-12)
    assert np.all((y**2).sum(axis=1) < (X**2).sum(axis=1))
    # refinement: the initial condition is drawn on the finer grid, then strided
    X_fine, _ = make_burgers(
        2, 32, t_final=0.1, refinement=2, random_state=0, cache=False
    )
    u0_fine = make_gaussian_random_field(
        2, 64, alpha=2.0, tau=5.0, sigma=25.0, random_state=0
    )
    np.testing.assert_array_equal(X_fine[..., 0], u0_fine[:, ::2])


def test_navier_stokes_snapshots_continue_each_other():
    kwargs = {"n_input_steps": 2, "n_output_steps": 2, "interval": 0.5}
    X, y = make_navier_stokes(3, 16, random_state=0, cache=False, **kwargs)
    assert X.shape == (3, 16, 16, 2)
    assert y.shape == (3, 16, 16, 2)
    # the forcing and the initial field have mean zero, so every snapshot has too
    np.testing.assert_allclose(X.mean(axis=(1, 2)), 0, atol=1e-12)
    np.testing.assert_allclose(y.mean(axis=(1, 2)), 0, atol=1e-12)
    # restarting from the last input snapshot reaches the first target one
    x = np.arange(16) / 16
    s = x[:, None] + x[None, :]
    forcing = 0.1 * (np.sin(2 * np.pi * s) + np.cos(2 * np.pi * s))
    w = solve_navier_stokes(X[..., -1], 1e-3, 0.5, forcing)
    rel = np.linalg.norm(w - y[..., 0]) / np.linalg.norm(y[..., 0])
    assert rel < 1e-5
    # the initial vorticity is the published field
    w0 = make_gaussian_random_field(
        3, (16, 16), alpha=2.5, tau=7.0, sigma=7**1.5, random_state=0
    )
    w1 = solve_navier_stokes(w0, 1e-3, 0.5, forcing)
    rel = np.linalg.norm(w1 - X[..., 0]) / np.linalg.norm(X[..., 0])
    assert rel < 1e-12


@pytest.mark.parametrize("name", sorted(SMALL))
def test_deterministic_and_independent_of_n_jobs_and_n_samples(name):
    make, kwargs = SMALL[name]
    X1, y1 = make(20, random_state=0, n_jobs=1, cache=False, **kwargs)  # 2 chunks
    X2, y2 = make(20, random_state=0, n_jobs=2, cache=False, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, y3 = make(20, random_state=np.random.RandomState(0), cache=False, **kwargs)
    np.testing.assert_array_equal(X1, X3)
    np.testing.assert_array_equal(y1, y3)
    X4, y4 = make(5, random_state=0, cache=False, **kwargs)  # sample i: seed and i
    np.testing.assert_array_equal(X4, X1[:5])
    np.testing.assert_allclose(y4, y1[:5], rtol=1e-12, atol=1e-14)
    X5, _ = make(5, random_state=1, cache=False, **kwargs)
    assert not np.allclose(X4, X5)


def _forbid_solving(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the data set was generated instead of read back")

    for chunk in ("_darcy_chunk", "_burgers_chunk", "_navier_stokes_chunk"):
        monkeypatch.setattr(_pde, chunk, fail)


@pytest.mark.parametrize("name", sorted(SMALL))
def test_second_call_reads_the_cache(name, tmp_path, monkeypatch):
    make, kwargs = SMALL[name]
    X1, y1 = make(3, random_state=0, data_home=tmp_path, **kwargs)
    files = list(tmp_path.rglob("*.npz"))
    assert len(files) == 1
    _forbid_solving(monkeypatch)
    X2, y2 = make(3, random_state=0, data_home=tmp_path, n_jobs=2, **kwargs)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    # every parameter is part of the key: a different one is generated again
    for changed in ({"n_samples": 4}, {"random_state": 1}, {"refinement": 2}):
        call = {"n_samples": 3, "random_state": 0, **kwargs, **changed}
        with pytest.raises(AssertionError, match="generated instead"):
            make(data_home=tmp_path, **call)
    assert len(list(tmp_path.rglob("*.npz"))) == 1


def test_cache_location_and_when_nothing_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("GEOMLEARN_DATA", str(tmp_path / "env"))
    make_darcy(2, 5, tau=4.0, random_state=0)
    assert len(list((tmp_path / "env").rglob("*.npz"))) == 1
    make_darcy(2, 5, tau=3.0, random_state=0)  # parameter in the key
    assert len(list((tmp_path / "env").rglob("*.npz"))) == 2
    make_darcy(2, 5, random_state=0, cache=False, data_home=tmp_path / "off")
    make_darcy(2, 5, random_state=None, data_home=tmp_path / "none")
    assert not list(tmp_path.glob("off/**/*.npz"))
    assert not list(tmp_path.glob("none/**/*.npz"))
    # a corrupt file is regenerated, not trusted
    X, _ = make_darcy(2, 5, tau=3.0, random_state=0, cache=False)
    for stale in (tmp_path / "env").rglob("*.npz"):
        stale.write_bytes(b"not an npz file")
    X2, _ = make_darcy(2, 5, tau=3.0, random_state=0)
    np.testing.assert_array_equal(X, X2)


@pytest.mark.parametrize(
    ("make", "kwargs", "error"),
    [
        (make_darcy, {"n_samples": 0}, ValueError),
        (make_darcy, {"resolution": 2}, ValueError),
        (make_darcy, {"refinement": 0}, ValueError),
        (make_darcy, {"coefficient_values": (12.0,)}, ValueError),
        (make_darcy, {"coefficient_values": (12.0, -3.0)}, ValueError),
        (make_darcy, {"cache": "yes"}, TypeError),
        (make_burgers, {"nu": 0.0}, ValueError),
        (make_burgers, {"resolution": 3.5}, ValueError),
        (make_burgers, {"t_final": -1.0}, ValueError),
        (make_navier_stokes, {"n_input_steps": 0}, ValueError),
        (make_navier_stokes, {"interval": 0.0}, ValueError),
        (make_navier_stokes, {"nu": "1e-3"}, ValueError),
    ],
)
def test_bad_parameters(make, kwargs, error):
    with pytest.raises(error):
        make(**{"n_samples": 1, "random_state": 0, "cache": False, **kwargs})

# requires: torch, torch_geometric
"""PONITA / PNITA torch modules, the torch graph builders and check_equivariance.

Oracles: invariance/equivariance under random E(3) / SE(2) elements and
permutations (an exact symmetry must hold to float rounding), brute-force
neighbour lists from scipy's cKDTree, central finite differences of the
energy, and the outputs of each graph computed on its own.
"""

import warnings

import numpy as np
import pytest
from scipy.spatial import cKDTree

torch = pytest.importorskip("torch")
with warnings.catch_warnings():
    # torch_geometric's import calls the deprecated torch.jit.script (torch >= 2.10)
    warnings.simplefilter("ignore", DeprecationWarning)
    from torch_geometric.data import Batch, Data

from geomlearn.geometry.nn._graph import knn_graph, radius_graph
from geomlearn.geometry.nn._ponita import (
    PNITA,
    PONITA,
    energy_and_forces,
    invariants_r2s1,
    invariants_r3s2,
    orientation_grid,
    polynomial_envelope,
)
from geomlearn.utils.estimator_checks import check_equivariance

pytestmark = pytest.mark.torch


def _as_fn(model):
    """The check_equivariance signature around a module."""

    def fn(pos, vec=None, x=None):
        return model(Data(pos=pos, vec=vec, x=x))

    return fn


def _inputs(n=6, dim=3, n_vec=2, n_x=2, seed=0, dtype=torch.float64):
    rng = np.random.default_rng(seed)
    return {
        "pos": torch.tensor(rng.normal(size=(n, dim)), dtype=dtype),
        "vec": torch.tensor(rng.normal(size=(n, n_vec, dim)), dtype=dtype),
        "x": torch.tensor(rng.normal(size=(n, n_x)), dtype=dtype),
    }


def _model(kind, dtype=torch.float64, seed=0, **kw):
    torch.manual_seed(seed)
    kw = {"in_vectors": 2, **kw}
    if kind == "pnita":
        model = PNITA(2, 16, 2, 2, 2, **kw)
    elif kind == "edges":
        model = PONITA(2, 16, 2, 2, 2, n_orientations=None, **kw)
    elif kind == "vectors":
        model = PONITA(
            2, 16, 2, 2, 2, n_orientations=None, orientations="vectors", **kw
        )
    else:
        model = PONITA(2, 16, 2, 2, 2, n_orientations=int(kind), **kw)
    return model.to(dtype)


# --------------------------------------------------------------------------- graphs
def _brute_radius(pos, batch, r, loop):
    edges = set()
    for g in np.unique(batch):
        idx = np.flatnonzero(batch == g)
        tree = cKDTree(pos[idx])
        for a, neigh in enumerate(tree.query_ball_point(pos[idx], r)):
            edges.update((int(idx[b]), int(idx[a])) for b in neigh if loop or a != b)
    return edges


@pytest.mark.parametrize("loop", [False, True])
@pytest.mark.parametrize("sorted_batch", [True, False])
def test_radius_graph_matches_kdtree(loop, sorted_batch):
    rng = np.random.default_rng(1)
    sizes = [7, 1, 15, 4]
    batch = np.repeat(np.arange(len(sizes)), sizes)
    if not sorted_batch:
        batch = rng.permutation(batch)
    pos = rng.uniform(size=(len(batch), 3))
    edge_index = radius_graph(torch.tensor(pos), 0.5, torch.tensor(batch), loop=loop)
    got = set(map(tuple, edge_index.T.tolist()))
    assert got == _brute_radius(pos, batch, 0.5, loop)
    assert len(got) == edge_index.shape[1]  # no duplicates
    # sorted by target, then source
    key = edge_index[1] * len(batch) + edge_index[0]
    assert bool((key[1:] > key[:-1]).all())
    # fully connected within each graph
    full = radius_graph(torch.tensor(pos), None, torch.tensor(batch), loop=loop)
    assert full.shape[1] == sum(s * (s - 1 + loop) for s in sizes)


def test_radius_graph_max_num_neighbors_keeps_nearest():
    rng = np.random.default_rng(2)
    pos = rng.uniform(size=(30, 3))
    edge_index = radius_graph(torch.tensor(pos), 0.6, max_num_neighbors=3)
    tree = cKDTree(pos)
    for i in range(30):
        src = edge_index[0, edge_index[1] == i].numpy()
        dist, idx = tree.query(pos[i], k=31)
        inside = [j for d, j in zip(dist, idx, strict=True) if d <= 0.6 and j != i]
        assert set(src) == set(inside[:3])


@pytest.mark.parametrize("k", [1, 3, 20])
def test_knn_graph_matches_kdtree(k):
    rng = np.random.default_rng(3)
    sizes = [9, 2, 12]
    batch = np.repeat(np.arange(3), sizes)
    pos = rng.normal(size=(len(batch), 2))
    edge_index = knn_graph(torch.tensor(pos), k, torch.tensor(batch))
    expected = set()
    for g in range(3):
        idx = np.flatnonzero(batch == g)
        kk = min(k, len(idx) - 1)
        _, nn = cKDTree(pos[idx]).query(pos[idx], k=kk + 1)
        for a in range(len(idx)):
            expected.update((int(idx[b]), int(idx[a])) for b in nn[a][1:])
    assert set(map(tuple, edge_index.T.tolist())) == expected
    assert edge_index.shape[1] == len(expected)


def test_graph_builders_reject_bad_input():
    with pytest.raises(ValueError, match="pos"):
        radius_graph(torch.zeros(3), 1.0)
    with pytest.raises(ValueError, match="batch"):
        radius_graph(torch.zeros(3, 2), 1.0, batch=torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="k must"):
        knn_graph(torch.zeros(3, 2), 0)
    assert radius_graph(torch.zeros(0, 3), 1.0).shape == (2, 0)


# --------------------------------------------------------------------------- invariants, grid
def test_invariants_are_invariant_and_identify_pairs():
    rng = np.random.default_rng(4)
    rel = torch.tensor(rng.normal(size=(10, 3)))
    o_i = torch.nn.functional.normalize(torch.tensor(rng.normal(size=(10, 3))), dim=-1)
    o_j = torch.nn.functional.normalize(torch.tensor(rng.normal(size=(10, 3))), dim=-1)
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))  # any orthogonal matrix
    q = torch.tensor(q)
    a = invariants_r3s2(rel, o_i, o_j)
    torch.testing.assert_close(invariants_r3s2(rel @ q.T, o_i @ q.T, o_j @ q.T), a)
    # (a1, a2) recover |r|: a1^2 + a2^2 = |r|^2
    torch.testing.assert_close(a[:, 0] ** 2 + a[:, 1] ** 2, (rel**2).sum(-1))
    # R^2 x S^1: invariant under rotations, a2 and sin flip under a reflection
    rel2, o = rel[:, :2], torch.nn.functional.normalize(o_i[:, :2], dim=-1)
    o2 = torch.nn.functional.normalize(o_j[:, :2], dim=-1)
    t = 0.7
    rot = torch.tensor([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    b = invariants_r2s1(rel2, o, o2)
    torch.testing.assert_close(invariants_r2s1(rel2 @ rot.T, o @ rot.T, o2 @ rot.T), b)
    flip = torch.diag(torch.tensor([1.0, -1.0], dtype=torch.float64))
    torch.testing.assert_close(
        invariants_r2s1(rel2 @ flip, o @ flip, o2 @ flip),
        b * torch.tensor([1, -1, 1, -1]),
    )


def test_orientation_grid_is_unit_deterministic_and_balanced():
    for n in (8, 20, 64):
        g = orientation_grid(n, dtype=torch.float64)
        torch.testing.assert_close(g.norm(dim=1), torch.ones(n, dtype=torch.float64))
        torch.testing.assert_close(g, orientation_grid(n, dtype=torch.float64))
        # near-uniform: the frame operator sum o o^T is close to (n/3) I
        frame = g.T @ g / n
        assert float((frame - torch.eye(3, dtype=torch.float64) / 3).abs().max()) < 0.05
    c = orientation_grid(6, dim=2, dtype=torch.float64)
    torch.testing.assert_close(c.T @ c / 6, torch.eye(2, dtype=torch.float64) / 2)


def test_envelope_is_smooth_at_the_cutoff():
    d = torch.tensor([1 - 1e-4, 1.0], dtype=torch.float64, requires_grad=True)
    u = polynomial_envelope(d)
    (grad,) = torch.autograd.grad(u.sum(), d)
    assert float(u[0].detach()) < 1e-9
    assert float(u[1].detach()) == 0
    assert float(grad.abs().max()) < 1e-5


# --------------------------------------------------------------------------- exact equivariance
@pytest.mark.parametrize("kind", ["pnita", "edges", "vectors"])
def test_exact_modes_are_e3_equivariant_float64(kind):
    errors = check_equivariance(
        _as_fn(_model(kind)), _inputs(), group="E3", atol=1e-10, rtol=0, random_state=0
    )
    assert errors["scalars"] < 1e-10
    assert errors["vectors"] < 1e-10


@pytest.mark.parametrize("kind", ["pnita", "edges"])
def test_exact_modes_are_e3_equivariant_float32(kind):
    check_equivariance(
        _as_fn(_model(kind, dtype=torch.float32)),
        _inputs(dtype=torch.float32),
        group="E3",
        atol=1e-5,
        rtol=1e-4,
        random_state=1,
    )


def test_exact_modes_with_radius_graph_and_node_level_scalars():
    # a generous cutoff: the graph is the same after the motion, up to boundary
    # cases that the smooth envelope makes harmless
    for kind in ("pnita", "edges"):
        model = _model(kind, radius=2.0, scalar_pool=None)
        check_equivariance(
            _as_fn(model), _inputs(n=8), group="E3", atol=1e-10, rtol=0, random_state=2
        )


def test_point_cloud_ponita_2d_is_se2_equivariant_not_e2():
    torch.manual_seed(0)
    model = PONITA(0, 16, 1, 1, 2, n_orientations=None, dim=2).double()
    inputs = {"pos": _inputs(dim=2)["pos"]}
    check_equivariance(
        _as_fn(model), inputs, group="SE2", atol=1e-10, rtol=0, random_state=0
    )
    errors = check_equivariance(
        _as_fn(model), inputs, group="E2", atol=np.inf, n_trials=1, random_state=0
    )
    assert (
        errors["scalars_relative"] > 1e-6
    )  # signed invariants: not reflection-invariant


def test_fibre_bundle_s1_is_exact_for_grid_rotations():
    """With O equispaced angles, rotating by 2*pi/O permutes the grid exactly."""
    torch.manual_seed(0)
    model = PONITA(0, 16, 1, 1, 2, n_orientations=6, dim=2).double()
    pos = _inputs(dim=2)["pos"]
    t = 2 * np.pi / 6
    rot = torch.tensor([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
    s0, v0 = _as_fn(model)(pos)
    s1, v1 = _as_fn(model)(pos @ rot.T + 0.3)
    torch.testing.assert_close(s1, s0, atol=1e-10, rtol=0)
    torch.testing.assert_close(v1, v0 @ rot.T, atol=1e-10, rtol=0)


def test_fibre_bundle_error_decreases_with_orientations():
    """Equivariance error of fibre-bundle PONITA against the grid size.

    Same weights (same seed; no parameter depends on the grid size), float64,
    6 points, 3 random SE(3) elements with permutations. Relative errors
    (max deviation / max output) measured when the test was written:

    ======  ==========  ==========
    O       scalars     vectors
    ======  ==========  ==========
    8       1.9e-1      2.7e-1
    16      5.3e-2      1.0e-1
    32      3.5e-2      2.8e-2
    64      7.2e-3      1.2e-2
    ======  ==========  ==========

    (with 5 trials, 128 orientations gave 3.2e-3 / 5.6e-3),
    roughly O^-1. Asserted: every doubling from 16 on lowers the error, 64
    orientations are at least 5x better than 8, and the documented bound
    ``relative error <= 2 / O`` holds for O >= 16.
    """
    inputs = _inputs()
    rel = {}
    for n_ori in (8, 16, 32, 64):
        errors = check_equivariance(
            _as_fn(_model(n_ori)),
            inputs,
            group="SE3",
            n_trials=3,
            atol=np.inf,
            random_state=0,
        )
        rel[n_ori] = max(errors["scalars_relative"], errors["vectors_relative"])
    assert rel[16] > rel[32] > rel[64]
    assert rel[64] < rel[8] / 5
    for n_ori in (16, 32, 64):
        assert rel[n_ori] <= 2 / n_ori, rel


# --------------------------------------------------------------------------- forces
@pytest.mark.parametrize("kind", ["pnita", "edges", "12"])
def test_forces_are_negative_gradient(kind):
    model = _model(kind, radius=3.0).eval()
    inputs = _inputs(n=5)
    data = Data(**inputs)
    energy, forces = energy_and_forces(model, data)
    assert energy.shape == (1,)
    assert forces.shape == (5, 3)
    assert data.pos.grad is None
    assert not data.pos.requires_grad
    # central differences along random directions: dE/dt = -<forces, u>
    h = 1e-5
    rng = np.random.default_rng(7)

    def energy_at(p):
        with torch.no_grad():
            return model(Data(pos=p, vec=inputs["vec"], x=inputs["x"]))[0][0, 0]

    for _ in range(3):
        u = torch.tensor(rng.normal(size=(5, 3)))
        fd = (energy_at(inputs["pos"] + h * u) - energy_at(inputs["pos"] - h * u)) / (
            2 * h
        )
        torch.testing.assert_close(-(forces * u).sum(), fd, atol=1e-7, rtol=1e-6)


@pytest.mark.parametrize("kind", ["pnita", "edges"])
def test_forces_are_equivariant(kind):
    model = _model(kind).eval()

    def fn(pos, vec=None, x=None):
        energy, forces = energy_and_forces(model, Data(pos=pos, vec=vec, x=x))
        return energy.detach(), forces

    check_equivariance(fn, _inputs(), group="E3", atol=1e-10, rtol=0, random_state=3)


def test_forces_can_be_trained():
    model = _model("pnita", dtype=torch.float32).train()
    energy, forces = energy_and_forces(model, Data(**_inputs(dtype=torch.float32)))
    assert forces.requires_grad  # create_graph follows model.training
    (forces.pow(2).sum() + energy.sum()).backward()
    assert all(p.grad is not None for p in model.basis.parameters())


# --------------------------------------------------------------------------- shapes, batching, gradients
@pytest.mark.parametrize("kind", ["pnita", "edges", "vectors", "12"])
def test_batch_equals_separate_graphs(kind):
    model = _model(kind, radius=2.5)
    a, b = _inputs(n=5, seed=5), _inputs(n=7, seed=6)
    batch = Batch.from_data_list([Data(**a), Data(**b)])
    scalars, vectors = model(batch)
    assert scalars.shape == (2, 2)
    assert vectors.shape == (12, 2, 3)
    sa, va = model(Data(**a))
    sb, vb = model(Data(**b))
    torch.testing.assert_close(scalars, torch.cat([sa, sb]), atol=1e-12, rtol=1e-10)
    torch.testing.assert_close(vectors, torch.cat([va, vb]), atol=1e-12, rtol=1e-10)


@pytest.mark.parametrize("model_cls", [PNITA, PONITA])
def test_shapes_pooling_and_gradients(model_cls):
    torch.manual_seed(0)
    kw = {} if model_cls is PNITA else {"n_orientations": 8}
    model = model_cls(
        3, 8, 4, 2, 2, radius=1.5, scalar_pool="mean", vector_pool="sum", **kw
    )
    data = Batch.from_data_list(
        [Data(pos=torch.randn(n, 3), x=torch.randn(n, 3)) for n in (4, 6, 3)]
    )
    scalars, vectors = model(data)
    assert scalars.shape == (3, 4)
    assert vectors.shape == (3, 2, 3)
    (scalars.sum() + vectors.pow(2).sum()).backward()
    for name, p in model.named_parameters():
        if "gamma" in name:
            continue
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
    model = model_cls(0, 8, 0, 1, 1, scalar_pool=None, **kw)
    scalars, vectors = model(Data(pos=torch.randn(5, 3)))
    assert scalars is None
    assert vectors.shape == (5, 1, 3)


def test_coinciding_points_have_finite_gradients():
    pos = torch.zeros(3, 3, dtype=torch.float64)
    pos[2, 0] = 1.0  # points 0 and 1 coincide
    for kind in ("pnita", "edges", "12"):
        model = _model(kind, in_vectors=0).eval()
        _, forces = energy_and_forces(model, Data(pos=pos, x=torch.ones(3, 2).double()))
        assert torch.isfinite(forces).all(), kind


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="n_orientations"):
        PONITA(n_orientations=0)
    with pytest.raises(ValueError, match="in_vectors"):
        PONITA(n_orientations=None, orientations="vectors")
    with pytest.raises(ValueError, match="scalar_pool"):
        PNITA(scalar_pool="max")
    with pytest.raises(ValueError, match=r"data.pos"):
        PNITA()(Data(pos=torch.randn(4, 2)))
    with pytest.raises(ValueError, match=r"data.vec"):
        PNITA(in_vectors=1)(Data(pos=torch.randn(4, 3)))


# --------------------------------------------------------------------------- the kit itself
def test_check_equivariance_catches_broken_models():
    pos = np.random.default_rng(0).normal(size=(5, 3))

    def chiral(pos):  # a pseudo-scalar: SE(3)-invariant, flips under reflections
        c = pos - pos.mean(0)
        return np.array([np.linalg.det(c[:3])]), None

    kw = {"permute": False, "random_state": 0}
    check_equivariance(chiral, {"pos": pos}, group="SE3", **kw)
    with pytest.raises(AssertionError, match="reflection"):
        check_equivariance(chiral, {"pos": pos}, group="E3", n_trials=1, **kw)
    with pytest.raises(AssertionError, match="vectors not equivariant"):
        check_equivariance(lambda pos: (None, pos[:, ::-1]), {"pos": pos}, group="SO3")
    with pytest.raises(AssertionError, match="scalars not invariant"):
        check_equivariance(lambda pos: (pos[:, 0], None), {"pos": pos}, group="SO3")
    with pytest.raises(AssertionError, match="permutation"):  # order-dependent output
        check_equivariance(
            lambda pos: (np.cumsum(np.linalg.norm(pos - pos.mean(0), axis=1)), None),
            {"pos": pos},
            group="SO3",
        )
    with pytest.raises(ValueError, match="group"):
        check_equivariance(chiral, {"pos": pos}, group="SU2")
    with pytest.raises(ValueError, match="shape"):
        check_equivariance(chiral, {"pos": pos}, group="SE2")

"""Charged-particle N-body: PONITA / PNITA against an e3nn tensor-product network.

The EGNN / PONITA benchmark (:func:`geomlearn.datasets.make_nbody`: 5
particles with charges +-1 under Coulomb forces; from the positions,
velocities and charges at frame 30 predict the positions at frame 40, i.e.
1000 leapfrog steps ahead). The metric is the mean squared error of the
predicted positions over all test particles and coordinates (lower is
better), as in EGNN and PONITA.

Contenders, all trained on the same simulations, for the same number of
epochs, batch size, learning rate and cosine schedule (Adam family, MSE of the
displacement divided by its root-mean-square component), all seeded:

- ours, :class:`geomlearn.geometry.EquivariantRegressor` with ``model="ponita"``
  in fibre-bundle mode (``n_orientations`` below, approximately equivariant)
  in the ``nbody`` benchmark; PNITA and PONITA's exact point-cloud mode in
  ``nbody_variants``. The inputs are those of the PONITA reference: the
  charge as a scalar, the velocity and the position minus the centroid as
  two vectors; the output is the displacement (one vector per particle).
- the peer, a small e3nn network written in this file
  (:class:`E3nnNBody`): spherical harmonics (l <= 2) of the relative
  positions as edge attributes, a radial MLP of the distance that gives the
  weights of an :class:`e3nn.o3.FullyConnectedTensorProduct` message, sum
  aggregation, a gated self-interaction, and a linear readout to one ``1o``
  vector; fully connected graphs, as ours. It is a plain tensor-field /
  NequIP-style baseline, not SEGNN.
- the trivial baseline, constant velocity ``x + v * 1.0`` (10 frames of 100
  steps of 1e-3), reported as a detail of every row.

**Budgets.** By default a fixed small CPU budget (constants below:
``N_TRAIN`` simulations, ``EPOCHS`` epochs, one thread): far from the
published training of 10000 epochs on 3000 simulations, so the errors say
which model learns faster on a CPU, not which is best converged. Set
``GEOMLEARN_BENCH_FULL=1`` for the paper's 3000 / 2000 / 2000 simulations
and long training (hours; meant for a GPU). Each row is one training run
(``repeats=1``), and its time is the whole fit + predict.

**Published figures** (the papers' data files, full training; *not*
measured here and never put in the table): PONITA 0.0043, SEGNN 0.0043,
EGNN 0.0070; the EGNN paper's linear (constant-velocity-like) baseline
0.0819.
"""

import math
import os
import time

import numpy as np

from harness import Benchmark, Case

FULL = os.environ.get("GEOMLEARN_BENCH_FULL") == "1"
SEED = 0
N_TRAIN, N_TEST = (3000, 2000) if FULL else (800, 500)
EPOCHS = 1000 if FULL else 100
BATCH = 100 if FULL else 50
LEARNING_RATE = 1e-3 if FULL else 3e-3
DEVICE = "auto" if FULL else "cpu"
THREADS = None if FULL else 1
OURS = {"hidden": 128 if FULL else 48, "n_layers": 5 if FULL else 3}
N_ORIENTATIONS = 16 if FULL else 8
# the peer's width: about as many parameters as ours
E3NN_HIDDEN = "32x0e+16x1o+8x2e" if FULL else "16x0e+8x1o+4x2e"
E3NN_LAYERS = OURS["n_layers"]
DT = 1.0  # (frame_out - frame_in) * steps_per_frame * dt

QUICK = {"n_train": 24, "n_test": 8, "epochs": 2, "batch": 8, "quick": True}
MAIN = {"n_train": N_TRAIN, "n_test": N_TEST, "epochs": EPOCHS, "batch": BATCH}


def _limit_threads():
    if THREADS is not None:
        import torch

        torch.set_num_threads(THREADS)


# ----------------------------------------------------------------------- data
def _nbody(n_train, n_test, epochs, batch, quick=False, variant="ponita"):
    from geomlearn.datasets import make_nbody

    # one seed: the simulations do not overlap (simulation i depends on i)
    data = make_nbody(n_train + n_test, random_state=SEED)
    return {
        "positions": data.positions,
        "velocities": data.velocities,
        "charges": data.charges,
        "target": data.target,
        "n_train": n_train,
        "epochs": epochs,
        "batch": batch,
        "variant": variant,
        "quick": quick,
    }


def _clouds(data, rows):
    return [
        {
            "pos": data["positions"][i],
            "vec": np.stack(
                [
                    data["velocities"][i],
                    data["positions"][i] - data["positions"][i].mean(0),
                ],
                axis=1,
            ),
            "x": data["charges"][i][:, None],
        }
        for i in rows
    ]


def _test_rows(data):
    return range(data["n_train"], len(data["positions"]))


def _hidden(data):
    return {"hidden": 8, "n_layers": 1} if data["quick"] else OURS


# ----------------------------------------------------------------- contenders
def ours(data):
    """Fit EquivariantRegressor (PONITA / PNITA) on displacements; predict."""
    from geomlearn.geometry import EquivariantRegressor

    _limit_threads()
    variant = data["variant"]
    params = {
        "ponita": {"model": "ponita", "n_orientations": N_ORIENTATIONS},
        "ponita_point_cloud": {"model": "ponita", "n_orientations": None},
        "pnita": {"model": "pnita"},
    }[variant]
    n_train = data["n_train"]
    X_train = _clouds(data, range(n_train))
    y_train = list(data["target"][:n_train] - data["positions"][:n_train])
    model = EquivariantRegressor(
        **params,
        **_hidden(data),
        max_epochs=data["epochs"],
        batch_size=data["batch"],
        learning_rate=LEARNING_RATE,
        lr_schedule="cosine",
        device=DEVICE,
        random_state=SEED,
    )
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    rows = _test_rows(data)
    pred = np.stack(model.predict(_clouds(data, rows))) + data["positions"][rows]
    return {
        "pred": pred,
        "params": sum(p.numel() for p in model.module_.parameters()),
        "train s": seconds,
    }


def _e3nn_module(hidden_irreps, n_layers):
    import torch
    from e3nn import nn as e3nn_nn
    from e3nn import o3

    class E3nnNBody(torch.nn.Module):
        """Tensor-product message passing: SH edges, radial weights, gates."""

        def __init__(self):
            super().__init__()
            self.sh_irreps = o3.Irreps.spherical_harmonics(2)
            self.n_radial = 8
            hidden = o3.Irreps(hidden_irreps)
            scalars = o3.Irreps([(m, ir) for m, ir in hidden if ir.l == 0])
            gated = o3.Irreps([(m, ir) for m, ir in hidden if ir.l > 0])
            gates = o3.Irreps(f"{gated.num_irreps}x0e")
            irreps_in = o3.Irreps("1x0e+2x1o")  # charge; velocity, pos - centroid
            self.tps, self.radials, self.selfs, self.gates = (
                torch.nn.ModuleList(),
                torch.nn.ModuleList(),
                torch.nn.ModuleList(),
                torch.nn.ModuleList(),
            )
            for _ in range(n_layers):
                gate = e3nn_nn.Gate(
                    scalars,
                    [torch.nn.functional.silu],
                    gates,
                    [torch.sigmoid],
                    gated,
                )
                tp = o3.FullyConnectedTensorProduct(
                    irreps_in,
                    self.sh_irreps,
                    gate.irreps_in,
                    shared_weights=False,
                    internal_weights=False,
                )
                self.tps.append(tp)
                self.radials.append(
                    torch.nn.Sequential(
                        torch.nn.Linear(self.n_radial + 2, 32),
                        torch.nn.SiLU(),
                        torch.nn.Linear(32, tp.weight_numel),
                    )
                )
                self.selfs.append(o3.Linear(irreps_in, gate.irreps_in))
                self.gates.append(gate)
                irreps_in = gate.irreps_out
            self.readout = o3.Linear(irreps_in, o3.Irreps("1x1o"))

        def forward(self, node, pos, charge, src, dst):
            rel = pos[src] - pos[dst]
            dist = rel.norm(dim=-1)
            sh = o3.spherical_harmonics(
                self.sh_irreps, rel, normalize=True, normalization="component"
            )
            centers = torch.linspace(0.0, 4.0, self.n_radial, device=pos.device)
            radial = torch.exp(-((dist[:, None] - centers) ** 2) / 0.5)
            edge_in = torch.cat([radial, charge[src], charge[dst]], dim=-1)
            h = node
            for tp, radial_mlp, self_int, gate in zip(
                self.tps, self.radials, self.selfs, self.gates, strict=True
            ):
                msg = tp(h[src], sh, radial_mlp(edge_in))
                agg = torch.zeros(
                    (h.shape[0], msg.shape[1]), dtype=msg.dtype, device=msg.device
                ).index_add_(0, dst, msg)
                h = gate(self_int(h) + agg / math.sqrt(4.0))
            return self.readout(h)

    return E3nnNBody()


def e3nn_peer(data):
    """Train the e3nn baseline with ours' budget, loss and schedule; predict."""
    import torch

    from geomlearn.utils._torch import resolve_device

    _limit_threads()
    device = resolve_device(DEVICE)
    n_train, n_particles = data["n_train"], data["positions"].shape[1]
    pos = torch.as_tensor(data["positions"], dtype=torch.float32)
    vel = torch.as_tensor(data["velocities"], dtype=torch.float32)
    charge = torch.as_tensor(data["charges"], dtype=torch.float32)[..., None]
    disp = torch.as_tensor(data["target"] - data["positions"], dtype=torch.float32)
    # the same input scaling as ours: one length, one scale per vector channel
    centred = pos - pos.mean(1, keepdim=True)
    length = centred[:n_train].pow(2).sum(-1).mean().sqrt()
    v_scale = vel[:n_train].pow(2).sum(-1).mean().sqrt()
    y_scale = disp[:n_train].pow(2).mean().sqrt()
    # irreps 1x0e + 2x1o: vectors written in e3nn's basis of 1o (that of its
    # l = 1 spherical harmonics, a permutation of x, y, z), so that the inputs,
    # the edge harmonics and the output rotate alike
    from e3nn import o3

    to_e3nn = o3.spherical_harmonics(1, torch.eye(3), False, normalization="norm")
    from_e3nn = torch.linalg.inv(to_e3nn)
    node = torch.cat(
        [charge, (vel / v_scale) @ to_e3nn, (centred / length) @ to_e3nn], dim=-1
    )
    pair = torch.tensor(
        [(j, i) for i in range(n_particles) for j in range(n_particles) if i != j]
    ).T

    def edges(n_graphs):
        offset = (torch.arange(n_graphs) * n_particles).repeat_interleave(pair.shape[1])
        return (pair.repeat(1, n_graphs) + offset).to(device)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(SEED)
        hidden = "8x0e+4x1o+2x2e" if data["quick"] else E3NN_HIDDEN
        module = _e3nn_module(hidden, 1 if data["quick"] else E3NN_LAYERS).to(device)
        generator = torch.Generator().manual_seed(SEED)

    def forward(rows):
        n = len(rows)
        src, dst = edges(n)
        return module(
            node[rows].reshape(n * n_particles, -1).to(device),
            (pos[rows] / length).reshape(n * n_particles, 3).to(device),
            charge[rows].reshape(n * n_particles, 1).to(device),
            src,
            dst,
        ).reshape(n, n_particles, 3) @ from_e3nn.to(device)

    optimizer = torch.optim.AdamW(module.parameters(), lr=LEARNING_RATE, weight_decay=0)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, data["epochs"])
    start = time.perf_counter()
    module.train()
    for _ in range(data["epochs"]):
        order = torch.randperm(n_train, generator=generator)
        for rows in torch.split(order, data["batch"]):
            loss = (forward(rows) - disp[rows].to(device) / y_scale).pow(2).mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        scheduler.step()
    seconds = time.perf_counter() - start
    module.eval()
    rows = torch.arange(n_train, len(pos))
    with torch.no_grad():
        out = [forward(r).cpu() * y_scale for r in torch.split(rows, 500)]
    pred = torch.cat(out).numpy() + data["positions"][n_train:]
    return {
        "pred": pred,
        "params": sum(p.numel() for p in module.parameters()),
        "train s": seconds,
    }


# ----------------------------------------------------------------- scoring
def quality(data, answer):
    """Test MSE of the predicted positions (all particles and coordinates)."""
    return float(np.mean((answer["pred"] - data["target"][data["n_train"] :]) ** 2))


def details(data, answer):
    """Parameter count, training time and the constant-velocity baseline."""
    n = data["n_train"]
    constant_velocity = data["positions"][n:] + DT * data["velocities"][n:]
    return {
        "params": int(answer["params"]),
        "train s": float(answer["train s"]),
        "MSE constant velocity": float(
            np.mean((constant_velocity - data["target"][n:]) ** 2)
        ),
    }


def _case_name(p):
    if p.get("quick"):
        return f"quick: {p['n_train']} train / {p['n_test']} test, {p['epochs']} epochs"
    return (
        f"{p['n_train']} train / {p['n_test']} test, {p['epochs']} epochs, "
        f"batch {p['batch']}"
    )


_SETTINGS = (
    f"lr {LEARNING_RATE} cosine, ours hidden {OURS['hidden']} x {OURS['n_layers']} "
    f"layers, e3nn {E3NN_HIDDEN} x {E3NN_LAYERS} layers (SH l<=2), "
    f"{'GPU if any' if FULL else 'CPU, 1 thread'}"
)
_PUBLISHED = (
    "Published (full training on the papers' data, not measured here): "
    "PONITA 0.0043, SEGNN 0.0043, EGNN 0.0070."
)

BENCHMARKS = [
    Benchmark(
        name="nbody",
        description=(
            "Charged N-body (make_nbody), positions at frame 40 from frame 30. "
            f"EquivariantRegressor PONITA (fibre mode, {N_ORIENTATIONS} "
            "orientations) vs a small e3nn tensor-product network on the same "
            f"data and budget; one fit each (seed 0); time = fit + predict; {_SETTINGS}. "
            + _PUBLISHED
        ),
        ours=ours,
        peer=e3nn_peer,
        quality=quality,
        quality_name="test MSE of the positions (lower is better)",
        cases=[
            Case(_case_name(QUICK), lambda: _nbody(**QUICK), quick=True),
            Case(_case_name(MAIN), lambda: _nbody(**MAIN)),
        ],
        ours_label="PONITA (fibre)",
        peer_label="e3nn TP net",
        peer_module="e3nn",
        repeats=1,
        warmup=False,
        details=details,
    ),
    Benchmark(
        name="nbody_variants",
        description=(
            "The same N-body task and budget as `nbody`: PNITA and PONITA's exact "
            "point-cloud mode (orientations = directions to the neighbours). "
            + _PUBLISHED
        ),
        ours=ours,
        peer=None,
        quality=quality,
        quality_name="test MSE of the positions (lower is better)",
        cases=[
            Case(
                "PNITA, " + _case_name(QUICK),
                lambda: _nbody(**QUICK, variant="pnita"),
                quick=True,
            ),
            Case("PNITA, " + _case_name(MAIN), lambda: _nbody(**MAIN, variant="pnita")),
            Case(
                "PONITA point cloud, " + _case_name(MAIN),
                lambda: _nbody(**MAIN, variant="ponita_point_cloud"),
            ),
        ],
        ours_label="EquivariantRegressor",
        repeats=1,
        warmup=False,
        details=details,
    ),
]

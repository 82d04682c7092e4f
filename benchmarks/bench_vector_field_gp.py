"""Vector-field GP on a tightly rolled Swiss roll: geomlearn against a Euclidean GP.

The task (issue #8, notes/geometry.md section 6): a Swiss roll of three turns,
``(a t cos t, h, a t sin t)`` with ``t`` in ``[2 pi, 8 pi]``, ``a = 0.1`` and
``h`` in ``[0, 1]``, so adjacent layers are ``2 pi a ~ 0.63`` apart in
ambient space but ``~ 2 pi a t >= 4`` apart along the sheet. Points are
uniform in area. The field is the unit tangent along the roll's length,
``e_t``, with sign ``+1`` on even turns and ``-1`` on odd turns: on the sheet
it is constant except on the two lines where a turn ends, while in ambient
space it flips between every pair of adjacent layers. Training vectors carry
Gaussian noise (standard deviation 0.05 per coordinate); 70 % of the ``N``
points are used to fit, the other 30 % are held out and predicted.

Contenders, fitted on the same data, timed fit + predict:

- ``geomlearn VectorFieldGP`` (connection-Laplacian RVGP): ``n_neighbors=8``,
  ``n_eigenpairs=100``, Matérn nu = 1.5, hyperparameters by marginal
  likelihood.
- scikit-learn ``GaussianProcessRegressor`` with ``ConstantKernel * Matern(nu
  = 1.5) + WhiteKernel``, hyperparameters by marginal likelihood, the ``(n,
  3)`` target fitted at once (one kernel shared by the three coordinates).

Quality: mean cosine alignment of the prediction with the true field at the
held-out points (higher is better); extra columns: relative L2 error
``|P - V|_F / |V|_F`` and normal leak, the mean of ``|<P, n>| / |P|`` with
``n`` the true surface normal (lower is better for both).
"""

import numpy as np

from harness import Benchmark, Case

A = 0.1  # roll tightness: radius a t, layer gap 2 pi a
WIDTH = 1.0
TURNS = 3
NOISE = 0.05
TRAIN_FRACTION = 0.7


def make_roll(n, seed=0):
    """Points, noisy training vectors, held-out points, true field and normals."""
    rng = np.random.default_rng(seed)
    t0, t1 = 2 * np.pi, 2 * np.pi * (1 + TURNS)
    t = np.sqrt(rng.uniform(t0**2, t1**2, n))  # uniform in arc length a t^2 / 2
    h = rng.uniform(0.0, WIDTH, n)
    X = np.column_stack([A * t * np.cos(t), h, A * t * np.sin(t)])
    e_t = np.column_stack(
        [np.cos(t) - t * np.sin(t), np.zeros(n), np.sin(t) + t * np.cos(t)]
    )
    e_t /= np.linalg.norm(e_t, axis=1, keepdims=True)
    normal = np.cross(e_t, [0.0, 1.0, 0.0])
    layer = np.floor((t - t0) / (2 * np.pi))
    V = np.where(layer % 2 == 0, 1.0, -1.0)[:, None] * e_t
    order = rng.permutation(n)
    n_train = int(TRAIN_FRACTION * n)
    train, test = order[:n_train], order[n_train:]
    return {
        "X": X[train],
        "V": V[train] + NOISE * rng.standard_normal((n_train, 3)),
        "X_test": X[test],
        "V_test": V[test],
        "normal_test": normal[test],
    }


def ours(data):
    from geomlearn.geometry import VectorFieldGP

    gp = VectorFieldGP(n_neighbors=8, n_eigenpairs=100, random_state=0)
    return gp.fit(data["X"], data["V"]).predict(data["X_test"])


def euclidean_gp(data):
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    kernel = ConstantKernel() * Matern(nu=1.5) + WhiteKernel()
    gp = GaussianProcessRegressor(kernel, random_state=0)
    return gp.fit(data["X"], data["V"]).predict(data["X_test"])


def _norms(P):
    return np.maximum(np.linalg.norm(P, axis=1), 1e-300)


def cosine_alignment(data, P):
    V = data["V_test"]
    return float(np.mean(np.sum(P * V, axis=1) / (_norms(P) * _norms(V))))


def details(data, P):
    V = data["V_test"]
    leak = np.abs(np.sum(P * data["normal_test"], axis=1)) / _norms(P)
    return {
        "rel L2": float(np.linalg.norm(P - V) / np.linalg.norm(V)),
        "normal leak": float(np.mean(leak)),
    }


def _case(n, quick=False):
    n_train = int(TRAIN_FRACTION * n)
    label = f"{'quick: ' if quick else ''}N={n} ({n_train} train, {n - n_train} test)"
    return Case(label, lambda: make_roll(n), quick=quick)


BENCHMARK = Benchmark(
    name="vector_field_gp",
    description=(
        "Tangent field on a tight Swiss roll (3 turns, layer gap 0.63, width 1), "
        "unit length direction with sign flipping between adjacent layers, noise "
        "0.05, 70 % train / 30 % held out: geomlearn VectorFieldGP (n_neighbors=8, "
        "n_eigenpairs=100, Matern 1.5) vs scikit-learn GaussianProcessRegressor "
        "(Constant * Matern(nu=1.5) + White, (n, 3) target at once), both by "
        "marginal likelihood; times are fit + predict."
    ),
    ours=ours,
    peer=euclidean_gp,
    quality=cosine_alignment,
    quality_name="mean cosine alignment with the true field (higher is better)",
    cases=[_case(150, quick=True), _case(1000), _case(3000)],
    ours_label="geomlearn VectorFieldGP",
    peer_label="sklearn GPR Matern+White",
    peer_module="sklearn",
    repeats=2,
    details=details,
)

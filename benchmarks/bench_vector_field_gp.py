"""Vector-field GPs on sampled manifolds: geomlearn against a Euclidean GP.

Five benchmarks (issue #8; notes/geometry.md sections 3 and 6 explain why
smooth fields that extend smoothly into the ambient space favour a Euclidean
GP, so most tasks here are built where the geometry should matter). The
peer is scikit-learn's ``GaussianProcessRegressor`` with ``ConstantKernel *
Matern(nu=1.5) + WhiteKernel`` on the ``(n, 3)`` target at once (one kernel
shared by the coordinates), hyperparameters by marginal likelihood, like
ours. Times are fit + predict.

- ``vector_field_gp``: a tightly rolled Swiss roll of three turns, ``(a t
  cos t, h, a t sin t)`` with ``t`` in ``[2 pi, 8 pi]``, ``a = 0.1``, ``h``
  in ``[0, 1]``: adjacent layers are ``2 pi a ~ 0.63`` apart in ambient
  space but ``>= 4`` apart along the sheet. The field is the unit tangent
  along the roll's length with sign ``+1`` on even turns and ``-1`` on odd
  ones; training vectors carry Gaussian noise (0.05 per coordinate); 70 %
  of the points fit, 30 % are held out.
- ``vector_field_gp_inpaint_sphere``: a spiral source ``s x p + (s - (s.p)
  p) / 2`` on the unit sphere (index +1 at ``s``), sampled at random,
  vectors removed in the geodesic disc of radius 0.6 around ``s``. RVGP's
  inpainting setting: the whole point cloud is known, the disc's points
  enter ours with NaN vectors (they shape the graph); the peer fits the
  points that carry vectors. Both predict on a polar grid in the disc.
- ``vector_field_gp_inpaint_torus``: the gradient of the height ``x`` on a
  torus (``R = 1``, ``r = 0.7``, inner hole of radius 0.3, so the two inner
  walls are 0.6 apart), sampled uniformly in area, vectors removed in a
  disc of radius 0.35 around the saddle on the inner equator (index -1).
- ``vector_field_gp_noisy``: the spiral on the sphere with the points
  jittered off the surface (0.03 radially) and isotropic vector noise 0.15
  (with a normal part); predictions at held-out points on the sphere.
- ``vector_field_gp_scaling``: the Swiss roll at N = 1000, 10000, 50000
  (70 % fit, 1000 held-out points predicted). An exact GP on all points is
  out of reach of scikit-learn at 10^4 (a dense N x N kernel per likelihood
  evaluation), so the peer is the usual workaround, the same GP on a random
  subset of 2000 training points.

Quality: mean cosine alignment with the true field (higher is better).
Extra columns: relative L2 error ``|P - V|_F / |V|_F`` and normal leak, the
mean of ``|<P, n>| / |P|`` with ``n`` the true normal (lower is better for
both); for inpainting also the index of the predicted field (its winding
number on the circle of half the disc's radius; true: +1 on the sphere, -1
on the torus) and the location error, the distance from the true zero to
the grid point where the predicted tangent field is smallest.
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


def _swiss_roll_case(n, quick=False):
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
    cases=[
        _swiss_roll_case(150, quick=True),
        _swiss_roll_case(1000),
        _swiss_roll_case(3000),
    ],
    ours_label="geomlearn VectorFieldGP",
    peer_label="sklearn GPR Matern+White",
    peer_module="sklearn",
    repeats=2,
    details=details,
)


# ---------------------------------------------------------------- inpainting

SPHERE_SINGULARITY = np.array([0.3, -0.2, 0.9]) / np.linalg.norm([0.3, -0.2, 0.9])
TORUS_R, TORUS_r = 1.0, 0.7
GRID_RADII, GRID_ANGLES = 24, 72


def spiral_field(P):
    """Spiral source at ``s`` (and sink-free at ``-s``): tangent to the sphere."""
    s = SPHERE_SINGULARITY
    return np.cross(s, P) + 0.5 * (s - (P @ s)[:, None] * P)


def _sphere_points(n, rng):
    X = rng.standard_normal((n, 3))
    return X / np.linalg.norm(X, axis=1, keepdims=True)


def _tangent_basis(normals, e1):
    """Return a frame (E1, E2) at each point, continuous near the singularity."""
    E1 = e1 - (normals @ e1)[:, None] * normals
    E1 /= np.linalg.norm(E1, axis=1, keepdims=True)
    return E1, np.cross(normals, E1)


def make_sphere_inpainting(n, radius=0.6, noise=0.02, seed=0):
    """Sphere, spiral field, vectors removed in a geodesic disc around ``s``."""
    rng = np.random.default_rng(seed)
    s = SPHERE_SINGULARITY
    X = _sphere_points(n, rng)
    hole = np.arccos(np.clip(X @ s, -1.0, 1.0)) <= radius
    V = spiral_field(X) + noise * rng.standard_normal((n, 3))
    e1 = np.cross(s, [0.0, 0.0, 1.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(s, e1)
    rho = np.linspace(0.0, radius, GRID_RADII + 1)[1:]
    ang = np.linspace(0.0, 2 * np.pi, GRID_ANGLES, endpoint=False)
    r_, a_ = np.meshgrid(rho, ang, indexing="ij")
    radial = np.cos(a_)[..., None] * e1 + np.sin(a_)[..., None] * e2
    grid = np.cos(r_)[..., None] * s + np.sin(r_)[..., None] * radial
    grid = np.vstack([s, grid.reshape(-1, 3)])
    return _inpainting_data(X, V, hole, grid, spiral_field(grid), grid, s, e1)


def _torus(theta, phi):
    c = TORUS_R + TORUS_r * np.cos(phi)
    X = np.stack([c * np.cos(theta), c * np.sin(theta), TORUS_r * np.sin(phi)], -1)
    normal = np.stack(
        [np.cos(phi) * np.cos(theta), np.cos(phi) * np.sin(theta), np.sin(phi)], -1
    )
    return X, normal


def height_gradient(normals):
    """Gradient of the height ``x`` on a surface: ``e_x`` minus its normal part."""
    e_x = np.array([1.0, 0.0, 0.0])
    return e_x - (normals @ e_x)[:, None] * normals


def make_torus_inpainting(n, radius=0.35, noise=0.02, seed=0):
    """Torus, gradient of the height, vectors removed around the inner saddle."""
    rng = np.random.default_rng(seed)
    theta, phi = [], []
    while len(theta) < n:  # uniform in area: accept phi with weight R + r cos phi
        t = rng.uniform(0, 2 * np.pi, 2 * n)
        p = rng.uniform(0, 2 * np.pi, 2 * n)
        keep = rng.uniform(0, TORUS_R + TORUS_r, 2 * n) < TORUS_R + TORUS_r * np.cos(p)
        theta.extend(t[keep])
        phi.extend(p[keep])
    theta, phi = np.array(theta[:n]), np.array(phi[:n])
    X, normals = _torus(theta, phi)
    # intrinsic distance to the saddle (theta, phi) = (pi, pi), in the flat
    # metric of its tangent plane: ((R - r) dtheta)^2 + (r dphi)^2
    dt = np.angle(np.exp(1j * (theta - np.pi)))
    dp = np.angle(np.exp(1j * (phi - np.pi)))
    hole = np.hypot((TORUS_R - TORUS_r) * dt, TORUS_r * dp) <= radius
    V = height_gradient(normals) + noise * rng.standard_normal((n, 3))
    rho = np.linspace(0.0, radius, GRID_RADII + 1)[1:]
    ang = np.linspace(0.0, 2 * np.pi, GRID_ANGLES, endpoint=False)
    r_, a_ = np.meshgrid(rho, ang, indexing="ij")
    g_theta = np.pi + (r_ * np.cos(a_) / (TORUS_R - TORUS_r)).ravel()
    g_phi = np.pi + (r_ * np.sin(a_) / TORUS_r).ravel()
    grid, g_normals = _torus(np.r_[np.pi, g_theta], np.r_[np.pi, g_phi])
    zero = grid[0]
    return _inpainting_data(
        X,
        V,
        hole,
        grid,
        height_gradient(g_normals),
        g_normals,
        zero,
        np.array([0.0, 1.0, 0.0]),
    )


def _inpainting_data(X, V, hole, grid, grid_field, grid_normals, zero, e1):
    V_nan = V.copy()
    V_nan[hole] = np.nan
    E1, E2 = _tangent_basis(grid_normals, e1)
    return {
        "X_all": X,
        "V_nan": V_nan,  # ours: every point, NaN vectors in the disc
        "X": X[~hole],  # the peer: the points that carry vectors
        "V": V[~hole],
        "X_test": grid,
        "V_test": grid_field,
        "normal_test": grid_normals,
        "E1": E1,
        "E2": E2,
        "zero": zero,
    }


def ours_inpaint(data):
    from geomlearn.geometry import VectorFieldGP

    gp = VectorFieldGP(n_neighbors=10, n_eigenpairs=100, random_state=0)
    return gp.fit(data["X_all"], data["V_nan"]).predict(data["X_test"])


def winding_index(data, P, ring=GRID_RADII // 2 - 1):
    """Winding number of the predicted field on one ring of the polar grid."""
    angle = np.arctan2(np.sum(P * data["E2"], 1), np.sum(P * data["E1"], 1))
    circle = angle[1:].reshape(GRID_RADII, GRID_ANGLES)[ring]
    steps = np.diff(np.r_[circle, circle[0]])
    steps = (steps + np.pi) % (2 * np.pi) - np.pi
    return float(np.round(steps.sum() / (2 * np.pi), 2))


def inpainting_details(data, P):
    out = details(data, P)
    normals = data["normal_test"]
    tangent = P - np.sum(P * normals, 1)[:, None] * normals
    where = int(np.argmin(np.linalg.norm(tangent, axis=1)))
    out["index"] = winding_index(data, P)
    out["location error"] = float(np.linalg.norm(data["X_test"][where] - data["zero"]))
    return out


def nonzero_cosine_alignment(data, P):
    V = data["V_test"]
    keep = np.linalg.norm(V, axis=1) > 1e-12  # the singular point itself
    return float(
        np.mean(np.sum(P[keep] * V[keep], 1) / (_norms(P[keep]) * _norms(V[keep])))
    )


def _inpaint_benchmark(name, make, sizes, description):
    cases = [
        Case(f"{'quick: ' if i == 0 else ''}N={n}", lambda n=n: make(n), quick=i == 0)
        for i, n in enumerate(sizes)
    ]
    return Benchmark(
        name=name,
        description=description,
        ours=ours_inpaint,
        peer=euclidean_gp,
        quality=nonzero_cosine_alignment,
        quality_name="mean cosine alignment in the disc (higher is better)",
        cases=cases,
        ours_label="geomlearn VectorFieldGP",
        peer_label="sklearn GPR Matern+White",
        peer_module="sklearn",
        repeats=2,
        details=inpainting_details,
    )


SPHERE_INPAINT = _inpaint_benchmark(
    "vector_field_gp_inpaint_sphere",
    make_sphere_inpainting,
    [200, 1500],
    "Spiral source (index +1) on the unit sphere, N random points, noise 0.02, "
    "vectors removed in the geodesic disc of radius 0.6 around the source; ours "
    "gets every point (NaN vectors in the disc, n_neighbors=10, n_eigenpairs=100), "
    "the peer the points with vectors; both predict a 24 x 72 polar grid in the "
    "disc. index: winding number on the circle of radius 0.3 (true +1).",
)

TORUS_INPAINT = _inpaint_benchmark(
    "vector_field_gp_inpaint_torus",
    make_torus_inpainting,
    [300, 2000],
    "Gradient of the height x on a torus (R=1, r=0.7: inner walls 0.6 apart), N "
    "points uniform in area, noise 0.02, vectors removed in the disc of radius "
    "0.35 around the inner-equator saddle; ours gets every point (NaN vectors in "
    "the disc), the peer the points with vectors; both predict a polar grid in "
    "the disc. index: winding number on the circle of radius 0.175 (true -1).",
)


# -------------------------------------------------------------------- noise


def make_noisy_sphere(n, point_noise=0.03, vector_noise=0.15, seed=0):
    """Spiral on the sphere; points jittered radially, vectors isotropically."""
    rng = np.random.default_rng(seed)
    X = _sphere_points(n, rng)
    n_train = int(TRAIN_FRACTION * n)
    train, test = X[:n_train], X[n_train:]
    jitter = 1.0 + point_noise * rng.standard_normal((n_train, 1))
    return {
        "X": train * jitter,
        "V": spiral_field(train) + vector_noise * rng.standard_normal((n_train, 3)),
        "X_test": test,
        "V_test": spiral_field(test),
        "normal_test": test,
    }


def ours_default(data):
    from geomlearn.geometry import VectorFieldGP

    gp = VectorFieldGP(n_neighbors=10, n_eigenpairs=100, random_state=0)
    return gp.fit(data["X"], data["V"]).predict(data["X_test"])


NOISY = Benchmark(
    name="vector_field_gp_noisy",
    description=(
        "Spiral field on the unit sphere from noisy data: points jittered radially "
        "(sd 0.03), vectors with isotropic noise (sd 0.15, a third of it normal to "
        "the sphere), 70 % fit, held-out points on the sphere predicted; ours "
        "n_neighbors=10, n_eigenpairs=100. The normal leak column is the tangency "
        "error of the prediction."
    ),
    ours=ours_default,
    peer=euclidean_gp,
    quality=cosine_alignment,
    quality_name="mean cosine alignment with the true field (higher is better)",
    cases=[
        Case("quick: N=200", lambda: make_noisy_sphere(200), quick=True),
        Case("N=1500", lambda: make_noisy_sphere(1500)),
    ],
    ours_label="geomlearn VectorFieldGP",
    peer_label="sklearn GPR Matern+White",
    peer_module="sklearn",
    repeats=2,
    details=details,
)


# ------------------------------------------------------------------ scaling

SUBSET = 2000


def make_roll_scaling(n, n_test=1000, seed=0):
    """Make the Swiss roll with N points: 70 % fitted, ``n_test`` held out."""
    data = make_roll(n, seed=seed)
    for key in ("X_test", "V_test", "normal_test"):
        data[key] = data[key][:n_test]
    return data


def euclidean_gp_subset(data):
    rng = np.random.default_rng(0)
    n = data["X"].shape[0]
    pick = rng.choice(n, min(SUBSET, n), replace=False)
    return euclidean_gp(
        {
            "X": data["X"][pick],
            "V": data["V"][pick],
            **{k: v for k, v in data.items() if k not in ("X", "V")},
        }
    )


SCALING = Benchmark(
    name="vector_field_gp_scaling",
    description=(
        "Fit + predict time at scale on the tight Swiss roll of `vector_field_gp` "
        "(N points generated, 70 % fit, 1000 held-out points predicted): ours on "
        "every training point (n_neighbors=8, n_eigenpairs=100) against the exact "
        f"scikit-learn GP on a random subset of {SUBSET} training points (all points "
        "are out of its reach from N ~ 10^4)."
    ),
    ours=ours,
    peer=euclidean_gp_subset,
    quality=cosine_alignment,
    quality_name="mean cosine alignment with the true field (higher is better)",
    cases=[
        Case("quick: N=300", lambda: make_roll_scaling(300, n_test=100), quick=True),
        Case("N=1000", lambda: make_roll_scaling(1000)),
        Case("N=10000", lambda: make_roll_scaling(10000)),
        Case("N=50000", lambda: make_roll_scaling(50000)),
    ],
    ours_label="geomlearn VectorFieldGP",
    peer_label=f"sklearn GPR on {SUBSET} points",
    peer_module="sklearn",
    repeats=3,
    warmup=False,
    details=details,
)

BENCHMARKS = [BENCHMARK, SPHERE_INPAINT, TORUS_INPAINT, NOISY, SCALING]

"""Batched Lie group operations: geomlearn against scipy and a per-element loop.

Each side takes arrays in its natural form and returns arrays; building the
inputs and converting answers for comparison is not timed. The quality column
is the largest absolute difference between the two answers on the same data
(computed untimed if the other side has not run yet), so it is the same
number for both sides, and round-off means the same answer. Quaternions are
compared up to sign (``q`` and ``-q`` are one rotation). A throughput table
(elements per second) is appended to each markdown result.

SO(3) (``lie_so3``), 10^6 random rotations (Haar) and rotation vectors with
angles up to 3 rad, float64: geomlearn ``SO3.exp``/``log``/``compose``/``act``
on quaternion arrays (scipy's scalar-last order) against
``scipy.spatial.transform.Rotation``, arrays in, arrays out:
``Rotation.from_rotvec(tau).as_quat()``, ``Rotation.from_quat(q).as_rotvec()``,
``(Rotation.from_quat(p) * Rotation.from_quat(q)).as_quat()`` and
``Rotation.from_quat(q).apply(v)``. (``from_quat`` normalises its input;
``lie_se3`` builds the ``Rotation`` objects untimed, and scipy's product of
10^6 rotations costs about as much there.)

SE(3) (``lie_se3``), 10^6 random poses, (t, q) arrays: ``SE3.compose``,
``SE3.inverse`` and ``SE3.act`` against the same operations written with
scipy's ``Rotation`` for the rotation and numpy for the translation,
vectorised (``t1 + R1.apply(t2)`` etc.). scipy has no SE(3) exponential or
logarithm, hence the next benchmark.

SE(3) against a loop (``lie_se3_loop``): ``SE3.exp``/``log``/``compose``/
``act`` batched against a per-element Python loop over 4x4 homogeneous
matrices, the textbook way: ``scipy.linalg.expm`` of the hat matrix,
``scipy.linalg.logm`` (real part) and its vee, ``M1 @ M2``, ``R v + t``. Both
sides get the same elements, fewer of them (logm costs about 2 ms each), so
the ratio is the ratio of per-element costs; the loop is also an independent
check of our closed forms. The largest difference in ``log`` (about 6e-11)
is at an angle within 1e-5 of pi, where ``logm`` loses accuracy: there
``expm`` of its answer misses the pose by 4e-11, of ours by 5e-16.
"""

import numpy as np

from harness import Benchmark, Case

N_LARGE = 10**6
N_QUICK = 1000

# case name -> number of elements, for the throughput table
SIZES = {}


def _lie():
    from geomlearn.geometry import lie

    return lie


def _rotation():
    from scipy.spatial.transform import Rotation

    return Rotation


def _case(op, n, maker, quick=False):
    label = f"{'quick: ' if quick else ''}{op}, n={n:,}"
    SIZES[label] = n

    def make():
        data = maker(op, n)
        data["op"] = op
        data["answers"] = {}
        return data

    return Case(label, make, quick=quick)


def _side_by_side(run_ours, run_peer, distance):
    """Harness callables that remember their answers and compare them."""
    runners = {"ours": run_ours, "peer": run_peer}

    def contender(side):
        def run(data):
            answer = runners[side](data)
            data["answers"][side] = answer
            return side, answer

        return run

    def quality(data, tagged):
        side, answer = tagged
        other = "peer" if side == "ours" else "ours"
        if other not in data["answers"]:
            data["answers"][other] = runners[other](data)
        answers = {side: answer, other: data["answers"][other]}
        return distance(data, answers["ours"], answers["peer"])

    return contender("ours"), contender("peer"), quality


def _max_abs(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


def _quat_distance(a, b):
    """Largest difference of unit quaternions, up to sign."""
    a, b = np.asarray(a), np.asarray(b)
    same = np.max(np.abs(a - b), axis=-1)
    flipped = np.max(np.abs(a + b), axis=-1)
    return float(np.max(np.minimum(same, flipped)))


def throughput(results, out_dir):
    """Append elements per second of both sides to the markdown result."""
    lines = [
        "",
        "Throughput (million elements per second, from the median times):",
        "",
        f"| case | {results['ours']} | {results['peer']} |",
        "|---|---:|---:|",
    ]
    for row in results["cases"]:
        n = SIZES.get(row["case"])
        cells = []
        for who in ("ours", "peer"):
            entry = row[who]
            if entry is None or n is None or entry["median_seconds"] <= 0:
                cells.append("n/a")
            else:
                cells.append(f"{n / entry['median_seconds'] / 1e6:.4g}")
        lines.append(f"| {row['case']} | {cells[0]} | {cells[1]} |")
    path = out_dir / f"{results['benchmark']}.md"
    path.write_text(path.read_text() + "\n".join(lines) + "\n")


# ------------------------------------------------------------------- SO(3)


def _so3_data(op, n, seed=0):
    lie = _lie()
    rng = np.random.default_rng(seed)
    axis = rng.standard_normal((n, 3))
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    data = {"tau": axis * rng.uniform(0.0, 3.0, (n, 1))}
    data["p"] = lie.SO3.random(n, random_state=seed + 1)
    data["q"] = lie.SO3.random(n, random_state=seed + 2)
    data["v"] = rng.standard_normal((n, 3))
    _rotation()  # imported here, so that no timed call pays for it
    return data


def ours_so3(data):
    SO3 = _lie().SO3
    op = data["op"]
    if op == "exp":
        return SO3.exp(data["tau"])
    if op == "log":
        return SO3.log(data["p"])
    if op == "compose":
        return SO3.compose(data["p"], data["q"])
    return SO3.act(data["p"], data["v"])


def scipy_so3(data):
    Rotation = _rotation()
    op = data["op"]
    if op == "exp":
        return Rotation.from_rotvec(data["tau"]).as_quat()
    if op == "log":
        return Rotation.from_quat(data["p"]).as_rotvec()
    if op == "compose":
        return (Rotation.from_quat(data["p"]) * Rotation.from_quat(data["q"])).as_quat()
    return Rotation.from_quat(data["p"]).apply(data["v"])


def _so3_distance(data, ours, peer):
    if data["op"] in ("exp", "compose"):
        return _quat_distance(ours, peer)
    return _max_abs(ours, peer)


_so3_ours, _so3_peer, _so3_quality = _side_by_side(ours_so3, scipy_so3, _so3_distance)

SO3_OPS = ("exp", "log", "compose", "act")

SO3_BENCHMARK = Benchmark(
    name="lie_so3",
    description=(
        "Batched SO(3), 10^6 elements, float64: geomlearn SO3.exp / log / compose "
        "/ act on quaternion arrays vs scipy.spatial.transform.Rotation "
        "(from_rotvec(tau).as_quat(), from_quat(q).as_rotvec(), (from_quat(p) * "
        "from_quat(q)).as_quat(), from_quat(q).apply(v)), arrays in and out."
    ),
    ours=_so3_ours,
    peer=_so3_peer,
    quality=_so3_quality,
    quality_name=(
        "largest absolute difference from the other side's answer (quaternions "
        "up to sign)"
    ),
    cases=[_case("exp", N_QUICK, _so3_data, quick=True)]
    + [_case(op, N_LARGE, _so3_data) for op in SO3_OPS],
    ours_label="geomlearn SO3",
    peer_label="scipy Rotation",
    peer_module="scipy",
    repeats=5,
    report=throughput,
)

# ------------------------------------------------------------------- SE(3)


def _se3_data(op, n, seed=0):
    lie = _lie()
    rng = np.random.default_rng(seed)
    X = lie.SE3.random(n, random_state=seed + 1)
    Y = lie.SE3.random(n, random_state=seed + 2)
    v = rng.standard_normal((n, 3))
    Rotation = _rotation()
    # The peer's natural inputs: translations and scipy rotations.
    return {
        "X": X,
        "Y": Y,
        "v": v,
        "tX": X[:, :3],
        "rX": Rotation.from_quat(X[:, 3:]),
        "tY": Y[:, :3],
        "rY": Rotation.from_quat(Y[:, 3:]),
    }


def ours_se3(data):
    SE3 = _lie().SE3
    op = data["op"]
    if op == "compose":
        return SE3.compose(data["X"], data["Y"])
    if op == "inverse":
        return SE3.inverse(data["X"])
    return SE3.act(data["X"], data["v"])


def scipy_numpy_se3(data):
    op = data["op"]
    if op == "compose":
        t = data["tX"] + data["rX"].apply(data["tY"])
        return np.concatenate([t, (data["rX"] * data["rY"]).as_quat()], axis=1)
    if op == "inverse":
        r_inv = data["rX"].inv()
        return np.concatenate([-r_inv.apply(data["tX"]), r_inv.as_quat()], axis=1)
    return data["rX"].apply(data["v"]) + data["tX"]


def _se3_distance(data, ours, peer):
    if data["op"] == "act":
        return _max_abs(ours, peer)
    return max(
        _max_abs(ours[:, :3], peer[:, :3]), _quat_distance(ours[:, 3:], peer[:, 3:])
    )


_se3_ours, _se3_peer, _se3_quality = _side_by_side(
    ours_se3, scipy_numpy_se3, _se3_distance
)

SE3_BENCHMARK = Benchmark(
    name="lie_se3",
    description=(
        "Batched SE(3), 10^6 poses (t, q), float64: geomlearn SE3.compose / "
        "inverse / act vs the same operations vectorised with scipy Rotation "
        "(rotation part, objects built untimed) and numpy (translation part)."
    ),
    ours=_se3_ours,
    peer=_se3_peer,
    quality=_se3_quality,
    quality_name=(
        "largest absolute difference from the other side's answer (quaternions "
        "up to sign)"
    ),
    cases=[_case("compose", N_QUICK, _se3_data, quick=True)]
    + [_case(op, N_LARGE, _se3_data) for op in ("compose", "inverse", "act")],
    ours_label="geomlearn SE3",
    peer_label="scipy Rotation + numpy",
    peer_module="scipy",
    repeats=5,
    report=throughput,
)

# ------------------------------------------------------- SE(3): per-element loop


def _hat(xi):
    """4x4 hat matrix of one SE(3) tangent vector (rho, theta)."""
    rho, (a, b, c) = xi[:3], xi[3:]
    M = np.zeros((4, 4))
    M[:3, :3] = [[0.0, -c, b], [c, 0.0, -a], [-b, a, 0.0]]
    M[:3, 3] = rho
    return M


def _vee(M):
    return np.array([M[0, 3], M[1, 3], M[2, 3], M[2, 1], M[0, 2], M[1, 0]])


def _loop_data(op, n, seed=0):
    lie = _lie()
    rng = np.random.default_rng(seed)
    axis = rng.standard_normal((n, 3))
    axis /= np.linalg.norm(axis, axis=1, keepdims=True)
    xi = np.concatenate(
        [rng.standard_normal((n, 3)), axis * rng.uniform(0.0, 3.0, (n, 1))], axis=1
    )
    X = lie.SE3.random(n, random_state=seed + 1)
    Y = lie.SE3.random(n, random_state=seed + 2)
    return {
        "xi": xi,
        "X": X,
        "Y": Y,
        "v": rng.standard_normal((n, 3)),
        "MX": list(lie.SE3.to_matrix(X)),
        "MY": list(lie.SE3.to_matrix(Y)),
    }


def ours_batched(data):
    SE3 = _lie().SE3
    op = data["op"]
    if op == "exp":
        return SE3.to_matrix(SE3.exp(data["xi"]))
    if op == "log":
        return SE3.log(data["X"])
    if op == "compose":
        return SE3.to_matrix(SE3.compose(data["X"], data["Y"]))
    return SE3.act(data["X"], data["v"])


def per_element_loop(data):
    from scipy.linalg import expm, logm

    op = data["op"]
    if op == "exp":
        return np.array([expm(_hat(xi)) for xi in data["xi"]])
    if op == "log":
        return np.array([_vee(np.real(logm(M))) for M in data["MX"]])
    if op == "compose":
        return np.array([A @ B for A, B in zip(data["MX"], data["MY"], strict=True)])
    return np.array(
        [M[:3, :3] @ v + M[:3, 3] for M, v in zip(data["MX"], data["v"], strict=True)]
    )


def _loop_distance(data, ours, peer):
    # exp and compose are compared as 4x4 matrices (ours are converted inside
    # the timed call: to_matrix costs little next to the operation).
    return _max_abs(ours, peer)


_loop_ours, _loop_peer, _loop_quality = _side_by_side(
    ours_batched, per_element_loop, _loop_distance
)

LOOP_SIZES = {"exp": 20_000, "log": 1000, "compose": 20_000, "act": 20_000}

LOOP_BENCHMARK = Benchmark(
    name="lie_se3_loop",
    description=(
        "SE(3) exp / log / compose / act: geomlearn, batched (exp and compose "
        "returned as 4x4 matrices), vs a per-element Python loop over 4x4 "
        "homogeneous matrices with scipy.linalg.expm, scipy.linalg.logm, M1 @ M2 "
        "and R v + t. Same elements on both sides (fewer than 10^6: logm takes "
        "about 2 ms each); the ratio is the ratio of per-element costs."
    ),
    ours=_loop_ours,
    peer=_loop_peer,
    quality=_loop_quality,
    quality_name="largest absolute difference from the other side's answer",
    cases=[_case("exp", 20, _loop_data, quick=True)]
    + [_case(op, n, _loop_data) for op, n in LOOP_SIZES.items()],
    ours_label="geomlearn SE3 (batched)",
    peer_label="per-element loop (expm/logm)",
    peer_module="scipy",
    repeats=3,
    report=throughput,
)

BENCHMARKS = [SO3_BENCHMARK, SE3_BENCHMARK, LOOP_BENCHMARK]

"""FasterPAM: geomlearn (numba) against the kmedoids package (Rust), same start.

Both get the same precomputed Euclidean matrix of Gaussian blobs and the same
random initial medoids; the kmedoids package runs single-threaded
(``n_cpu=1``), which is its deterministic sequential FasterPAM, so both must
reach identical medoids. Computing the matrix is not timed.
"""

import numpy as np
from sklearn.datasets import make_blobs

from geomlearn.clustering import fasterpam
from geomlearn.clustering._distances import pairwise
from harness import Benchmark, Case


def _data(n, k, seed=0):
    def make():
        X, _ = make_blobs(n, n_features=2, centers=k, random_state=seed)
        D = pairwise(X)
        init = np.random.RandomState(seed).choice(n, k, replace=False)
        return D, init

    return make


def scaling_plot(results, out_dir):
    """Draw seconds against n (log-log) for both libraries, one line per k."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = []
    for row in results["cases"]:
        n, k = (int(part.split("=")[1]) for part in row["case"].split())
        rows.append((n, k, row))
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for k, style in ((10, "-"), (100, "--")):
        points = sorted((n, r) for n, kk, r in rows if kk == k)
        if not points:
            continue
        ns = [n for n, _ in points]
        for who, label, color in (
            ("ours", results["ours"], "tab:blue"),
            ("peer", results["peer"], "tab:orange"),
        ):
            times = [r[who]["median_seconds"] if r[who] else np.nan for _, r in points]
            ax.loglog(
                ns, times, style, marker="o", color=color, label=f"{label}, k={k}"
            )
    ax.set(
        xlabel="n (objects)",
        ylabel="median seconds (FasterPAM, matrix given)",
        title="FasterPAM scaling",
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(out_dir / "kmedoids_scaling.png", dpi=120)
    plt.close(fig)


def ours(data):
    D, init = data
    return fasterpam(D, init.copy(), max_iter=100).loss


def peer(data):
    import kmedoids

    D, init = data
    return kmedoids.fasterpam(D, init.astype(np.uintp), max_iter=100, n_cpu=1).loss


BENCHMARK = Benchmark(
    name="kmedoids",
    description=(
        "FasterPAM on a precomputed Euclidean matrix of 2-D blobs, same random "
        "initial medoids, single thread; geomlearn.clustering.fasterpam vs "
        "kmedoids.fasterpam(n_cpu=1)."
    ),
    ours=ours,
    peer=peer,
    quality=lambda data, loss: loss,
    quality_name="loss (total deviation, lower is better)",
    cases=[
        Case("n=300 k=10", _data(300, 10), quick=True),
        *[
            Case(f"n={n} k={k}", _data(n, k))
            for n in (1000, 2000, 5000, 10000)
            for k in (10, 100)
        ],
    ],
    ours_label="geomlearn",
    peer_label="kmedoids",
    peer_module="kmedoids",
    repeats=5,
    report=scaling_plot,
)

"""CLARANS (on-the-fly rows) against FasterPAM on a 20000-point subsample.

CLARANS searches on all n points without a matrix (2 restarts, max_neighbor
2.5 % of n - k); the peer is FasterPAM (LAB init) on a 20000-point subsample.
Both are scored by the total deviation of all n points.
"""

from bench_clara import _data, deviation, subsample_fasterpam
from geomlearn.clustering import CLARANS
from harness import Benchmark, Case


def ours(data):
    X, k = data
    return CLARANS(k, random_state=0).fit(X).medoid_indices_


BENCHMARK = Benchmark(
    name="clarans",
    description=(
        "CLARANS (2 restarts, max_neighbor=0.025) vs FasterPAM (LAB init) on a "
        "20000-point subsample; blobs in 10-D; both scored on all n points."
    ),
    ours=ours,
    peer=subsample_fasterpam,
    quality=deviation,
    quality_name="total deviation on all points (lower is better)",
    cases=[
        Case("n=3000 k=5", _data(3000, 5), quick=True),
        Case("n=100000 k=100", _data(100_000, 100)),
    ],
    ours_label="CLARANS",
    peer_label="FasterPAM on 20000",
    repeats=1,
    warmup=False,
)

"""CLARA on a million points against FasterPAM on a 20000-point subsample.

Both answers are scored by the total deviation of all n points from the
medoids found. FasterPAM on a subsample is what a user without CLARA would do
(its 20000 x 20000 matrix takes 3.2 GB); CLARA draws 5 samples of 80 + 4k
points, clusters each with FasterPAM and keeps the medoids best on all data.
"""

import numpy as np
from sklearn.datasets import make_blobs

from geomlearn.clustering import CLARA, KMedoids
from geomlearn.clustering._distances import nearest_points
from harness import Benchmark, Case


def _data(n, k, d=10, seed=0):
    def make():
        X, _ = make_blobs(
            n, n_features=d, centers=k, cluster_std=2.0, random_state=seed
        )
        return X.astype(np.float64), k

    return make


def ours(data):
    X, k = data
    return CLARA(k, random_state=0).fit(X).medoid_indices_


def subsample_fasterpam(data, size=20000):
    X, k = data
    rng = np.random.RandomState(0)
    sample = rng.choice(X.shape[0], min(size, X.shape[0]), replace=False)
    model = KMedoids(k, init="lab", random_state=0).fit(X[sample])
    return sample[model.medoid_indices_]


def deviation(data, medoids):
    X, _ = data
    return float(nearest_points(X, X[medoids])[1].sum())


BENCHMARK = Benchmark(
    name="clara",
    description=(
        "CLARA (5 samples of 80+4k, FasterPAM) vs FasterPAM (LAB init) on a "
        "20000-point subsample; blobs in 10-D; both scored on all n points."
    ),
    ours=ours,
    peer=subsample_fasterpam,
    quality=deviation,
    quality_name="total deviation on all points (lower is better)",
    cases=[
        Case("n=3000 k=5", _data(3000, 5), quick=True),
        Case("n=1000000 k=100", _data(1_000_000, 100)),
    ],
    ours_label="CLARA",
    peer_label="FasterPAM on 20000",
    repeats=3,
)

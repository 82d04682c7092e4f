"""Peak memory of KMedoids when the n x n matrix does not fit (rows on the fly).

At n=100000 the float64 matrix would take 80 GB; above ``max_memory`` (4 GiB)
KMedoids computes rows from the features instead. Each run is a fresh process
(one FasterPAM sweep, ``max_iter=1``: memory does not grow with sweeps) that
reports its peak resident set size. There is no peer: the kmedoids package
needs the full matrix.
"""

import json
import subprocess
import sys

from harness import Benchmark, Case

SCRIPT = """
import json, resource, sys, warnings
import numpy as np
from sklearn.datasets import make_blobs
from geomlearn.clustering import KMedoids
n, k = int(sys.argv[1]), int(sys.argv[2])
X, _ = make_blobs(n, n_features=10, centers=k, random_state=0)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # max_iter=1 stops before convergence
    model = KMedoids(k, max_iter=1, random_state=0).fit(X)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"peak_mib": peak, "data_mib": X.nbytes / 2**20}))
"""


def _case(n, k):
    return lambda: (n, k)


def ours(data):
    n, k = data
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(n), str(k)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


BENCHMARK = Benchmark(
    name="kmedoids_memory",
    description=(
        "Peak RSS of a fresh process running KMedoids (FasterPAM, one sweep, rows "
        "on the fly above max_memory=4 GiB) on 10-D blobs; the data themselves "
        "take n * 80 bytes."
    ),
    ours=ours,
    peer=None,
    quality=lambda data, answer: answer["peak_mib"],
    quality_name="peak RSS in MiB (python, numpy, numba and sklearn included)",
    cases=[
        Case("n=2000 k=10", _case(2000, 10), quick=True),
        Case("n=100000 k=100", _case(100_000, 100)),
    ],
    ours_label="geomlearn KMedoids",
    peer_label="none",
    repeats=1,
    warmup=False,
)

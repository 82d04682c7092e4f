"""FastPAM1 against the textbook PAM SWAP (both geomlearn), same BUILD start.

FastPAM1 performs exactly PAM's swaps but evaluates each candidate against all
k medoids at once; the ratio is the speed-up of the O(k) trick (the paper
reports 458x at k=100 on real data). Both answers must have the same loss.
"""

from sklearn.datasets import make_blobs

from geomlearn.clustering import build, fastpam1, pam
from geomlearn.clustering._distances import pairwise
from harness import Benchmark, Case


def _data(n, k, seed=0):
    def make():
        X, _ = make_blobs(n, n_features=2, centers=k, random_state=seed)
        D = pairwise(X)
        return D, build(D, k).medoids

    return make


BENCHMARK = Benchmark(
    name="pam_swap",
    description=(
        "SWAP phase from the same BUILD medoids on 2-D blobs: geomlearn FastPAM1 "
        "vs geomlearn PAM SWAP (the textbook O(k n^2)-per-swap search)."
    ),
    ours=lambda data: fastpam1(data[0], data[1].copy(), max_iter=10_000).loss,
    peer=lambda data: pam(data[0], data[1].copy(), max_iter=10_000).loss,
    quality=lambda data, loss: loss,
    quality_name="loss (total deviation, lower is better)",
    cases=[
        Case("n=200 k=10", _data(200, 10), quick=True),
        Case("n=2000 k=10", _data(2000, 10)),
        Case("n=2000 k=100", _data(2000, 100)),
    ],
    ours_label="FastPAM1",
    peer_label="PAM SWAP",
    repeats=3,
)

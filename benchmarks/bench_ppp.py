"""PPP against the usual ways of clustering without knowing k, and its repeatability.

Goal 2 (no k): 12 random blob mixtures (k from 2 to 30, 2 to 10 dimensions,
1000 to 5000 points, spreads 0.3 to 1.0; the same recipe as the design
prototype), each clustered by PPP and by a peer that also chooses k itself:
GaussianMixture with the BIC-best k, HDBSCAN (scikit-learn), and KMeans with
the silhouette-best k. Quality: ARI against the truth; the k found is shown.

Goal 1 (repeatability): mean pairwise ARI of the labelings from 10 values of
random_state, PPP against KMeans and GaussianMixture given the true k.

Goal 3 (large data): 10^6 points in 10 dimensions; PPP with mini-batch splits
against KMeans given the true k.
"""

import itertools

import numpy as np
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture

from geomlearn.clustering import PPP
from harness import Benchmark, Case

K_MAX = 32


def _mixture(seed):
    def make():
        rng = np.random.RandomState(seed)
        k = rng.randint(2, 31)
        d = rng.randint(2, 11)
        n = rng.randint(1000, 5001)
        std = rng.uniform(0.3, 1.0)
        X, y = make_blobs(
            n, n_features=d, centers=k, cluster_std=std, random_state=seed
        )
        return X, y

    return make


def _quick():
    X, y = make_blobs(300, centers=3, cluster_std=0.5, random_state=0)
    return X, y


def _cases():
    cases = [Case("quick k=3", _quick, quick=True)]
    for seed in range(12):
        X, y = _mixture(seed)()
        cases.append(
            Case(
                f"seed {seed}: k={len(set(y))} d={X.shape[1]} n={len(X)}",
                _mixture(seed),
            )
        )
    return cases


def ppp(data):
    return PPP(random_state=0).fit(data[0]).labels_


def gmm_bic(data):
    X, _ = data
    best = None
    for k in range(1, K_MAX + 1):
        model = GaussianMixture(k, covariance_type="full", random_state=0).fit(X)
        bic = model.bic(X)
        if best is None or bic < best[0]:
            best = (bic, model)
    return best[1].predict(X)


def hdbscan(data):
    return HDBSCAN(copy=True).fit(data[0]).labels_


def kmeans_silhouette(data):
    X, _ = data
    best = None
    sample = min(len(X), 2000)
    for k in range(2, K_MAX + 1):
        labels = KMeans(k, n_init=3, random_state=0).fit_predict(X)
        score = silhouette_score(X, labels, sample_size=sample, random_state=0)
        if best is None or score > best[0]:
            best = (score, labels)
    return best[1]


def ari(data, labels):
    return adjusted_rand_score(data[1], labels)


def found_k(data, labels):
    return {"k": len(set(np.asarray(labels).tolist()) - {-1})}


def summary(results, out_dir):
    """Append how often each found the true k, and the mean ARI."""
    rows = [r for r in results["cases"] if not r["case"].startswith("quick")]
    lines = ["", "| | found the true k | mean ARI |", "|---|---:|---:|"]
    for who, label in (("ours", results["ours"]), ("peer", results["peer"])):
        if rows[0][who] is None:
            continue
        hits = sum(
            r[who]["details"]["k"] == int(r["case"].split("k=")[1].split()[0])
            for r in rows
        )
        mean = np.mean([r[who]["quality"] for r in rows])
        lines.append(f"| {label} | {hits} of {len(rows)} | {mean:.3f} |")
    path = out_dir / f"{results['benchmark']}.md"
    path.write_text(path.read_text() + "\n".join(lines) + "\n")


def _no_k(name, peer, label):
    return Benchmark(
        name=name,
        description=f"Clustering without k: PPP vs {label}, on random blob mixtures.",
        ours=ppp,
        peer=peer,
        quality=ari,
        quality_name="ARI against the true labels (higher is better)",
        cases=_cases(),
        ours_label="PPP",
        peer_label=label,
        repeats=1,
        details=found_k,
        report=summary,
    )


def _repeat_case(name, std, seed):
    def make():
        X, y = make_blobs(
            3000, n_features=5, centers=8, cluster_std=std, random_state=seed
        )
        return X, y

    return Case(name, make, quick=name.startswith("quick"))


def _pairwise_agreement(fit):
    def run(data):
        labels = [fit(data, seed) for seed in range(10)]
        return float(
            np.mean(
                [
                    adjusted_rand_score(a, b)
                    for a, b in itertools.combinations(labels, 2)
                ]
            )
        )

    return run


def _k(data):
    return len(set(data[1].tolist()))


REPEAT_CASES = [
    _repeat_case("quick separated", 0.5, 0),
    _repeat_case("separated (std 0.5)", 0.5, 1),
    _repeat_case("overlapping (std 2.0)", 2.0, 1),
]

BENCHMARKS = [
    _no_k("ppp_vs_gmm_bic", gmm_bic, f"GaussianMixture, BIC-best k <= {K_MAX}"),
    _no_k("ppp_vs_hdbscan", hdbscan, "HDBSCAN"),
    _no_k(
        "ppp_vs_kmeans_silhouette",
        kmeans_silhouette,
        f"KMeans, silhouette-best k <= {K_MAX}",
    ),
    Benchmark(
        name="ppp_repeatability_vs_kmeans",
        description="Mean pairwise ARI of 10 labelings (random_state 0..9), 8 blobs "
        "in 5-D: PPP vs KMeans given the true k (n_init=1).",
        ours=_pairwise_agreement(lambda d, s: PPP(random_state=s).fit(d[0]).labels_),
        peer=_pairwise_agreement(
            lambda d, s: KMeans(_k(d), n_init=1, random_state=s).fit_predict(d[0])
        ),
        quality=lambda data, value: value,
        quality_name="mean pairwise ARI across seeds (1 = perfectly repeatable)",
        cases=REPEAT_CASES,
        ours_label="PPP",
        peer_label="KMeans(true k)",
        repeats=1,
    ),
    Benchmark(
        name="ppp_repeatability_vs_gmm",
        description="Mean pairwise ARI of 10 labelings (random_state 0..9), 8 blobs "
        "in 5-D: PPP vs GaussianMixture given the true k.",
        ours=_pairwise_agreement(lambda d, s: PPP(random_state=s).fit(d[0]).labels_),
        peer=_pairwise_agreement(
            lambda d, s: GaussianMixture(_k(d), random_state=s).fit(d[0]).predict(d[0])
        ),
        quality=lambda data, value: value,
        quality_name="mean pairwise ARI across seeds (1 = perfectly repeatable)",
        cases=REPEAT_CASES,
        ours_label="PPP",
        peer_label="GaussianMixture(true k)",
        repeats=1,
    ),
    Benchmark(
        name="ppp_large",
        description="10^6 points, 10-D, 20 blobs: PPP (batch_size=4096, Gaussians on "
        "20000-point subsamples) vs KMeans given the true k (n_init=1).",
        ours=lambda d: PPP(batch_size=4096, random_state=0).fit(d[0]).labels_,
        peer=lambda d: KMeans(_k(d), n_init=1, random_state=0).fit_predict(d[0]),
        quality=ari,
        quality_name="ARI against the true labels",
        cases=[
            Case(
                "quick n=5000",
                lambda: make_blobs(5000, n_features=10, centers=5, random_state=0),
                quick=True,
            ),
            Case(
                "n=1000000 d=10 k=20",
                lambda: make_blobs(
                    1_000_000,
                    n_features=10,
                    centers=20,
                    center_box=(-20, 20),
                    random_state=0,
                ),
            ),
        ],
        ours_label="PPP",
        peer_label="KMeans(true k)",
        repeats=1,
        warmup=False,
        details=found_k,
    ),
]

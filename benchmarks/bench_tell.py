"""TELL against k-means on the raw data and on TELL's own embedding.

Each answer is 5 runs (random_state 0..4); the table shows the mean ARI and,
as details, the mean and spread of ACC (best one-to-one matching of clusters
to classes, Hungarian), NMI and ARI. Data: scikit-learn's digits (min-max
scaled), and a harder generated set: 10 anisotropic Gaussian clusters in 20
dimensions plus 30 dimensions of noise.
"""

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.preprocessing import MinMaxScaler

from harness import Benchmark, Case

SEEDS = range(5)
TELL_PARAMS = {"max_epochs": 40, "pretrain_epochs": 15, "device": "cpu"}


def digits():
    X, y = load_digits(return_X_y=True)
    return MinMaxScaler().fit_transform(X), y


def anisotropic():
    rng = np.random.RandomState(0)
    parts, labels = [], []
    for c in range(10):
        mean = rng.uniform(-4, 4, size=20)
        basis = rng.normal(size=(20, 20)) * rng.uniform(0.2, 1.2, size=20)
        parts.append(mean + rng.normal(size=(300, 20)) @ basis.T * 0.35)
        labels.append(np.full(300, c))
    X = np.hstack([np.vstack(parts), rng.normal(size=(3000, 30))])
    return MinMaxScaler().fit_transform(X), np.concatenate(labels)


def quick():
    X, y = digits()
    return X[:300], y[:300]


def accuracy(y, labels):
    table = np.zeros((labels.max() + 1, y.max() + 1))
    np.add.at(table, (labels, y), 1)
    rows, cols = linear_sum_assignment(-table)
    return table[rows, cols].sum() / len(y)


def _scores(y, runs):
    return {
        "ACC": [accuracy(y, labels) for labels in runs],
        "NMI": [normalized_mutual_info_score(y, labels) for labels in runs],
        "ARI": [adjusted_rand_score(y, labels) for labels in runs],
    }


def _tell(X, seed, epochs=None):
    from geomlearn.clustering import TELL

    params = dict(TELL_PARAMS)
    if epochs is not None:
        params.update(max_epochs=epochs, pretrain_epochs=epochs // 2)
    return TELL(10, random_state=seed, **params).fit(X)


def tell(data):
    X, y = data
    epochs = 6 if len(X) <= 300 else None
    return _scores(y, [_tell(X, seed, epochs).labels_ for seed in SEEDS])


def kmeans_raw(data):
    X, y = data
    return _scores(
        y, [KMeans(10, n_init=1, random_state=s).fit_predict(X) for s in SEEDS]
    )


def kmeans_on_embedding(data):
    X, y = data
    epochs = 6 if len(X) <= 300 else None
    runs = []
    for seed in SEEDS:
        z = _tell(X, seed, epochs).transform(X)
        runs.append(KMeans(10, n_init=1, random_state=seed).fit_predict(z))
    return _scores(y, runs)


def details(data, scores):
    return {
        f"{k} mean±sd": f"{np.mean(v):.3f}±{np.std(v):.3f}" for k, v in scores.items()
    }


CASES = [
    Case("quick (300 digits)", quick, quick=True),
    Case("digits (1797 x 64)", digits),
    Case("anisotropic + noise (3000 x 50)", anisotropic),
]


def _benchmark(name, peer, label):
    return Benchmark(
        name=name,
        description=f"TELL (40 epochs, 15 pre-training, CPU) vs {label}; 5 seeds each.",
        ours=tell,
        peer=peer,
        quality=lambda data, scores: float(np.mean(scores["ARI"])),
        quality_name="mean ARI over 5 seeds (higher is better)",
        cases=CASES,
        ours_label="TELL",
        peer_label=label,
        peer_module=None,
        repeats=1,
        warmup=False,
        details=details,
    )


BENCHMARKS = [
    _benchmark("tell_vs_kmeans", kmeans_raw, "KMeans on the data"),
    _benchmark(
        "tell_vs_kmeans_embedding", kmeans_on_embedding, "KMeans on TELL's embedding"
    ),
]

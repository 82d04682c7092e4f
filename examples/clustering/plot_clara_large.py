"""
=======================================================
k-medoids on 50 000 points: CLARA, CLARANS and sampling
=======================================================

The PAM family needs every dissimilarity between the n samples: at n = 50 000
that is 20 GB in float64. Two classic algorithms avoid the matrix, both in
their fast forms by Schubert and Rousseeuw:

- :class:`~geomlearn.clustering.CLARA` clusters small random samples
  (80 + 4k points) with FasterPAM and keeps the medoids that are best on *all*
  the data;
- :class:`~geomlearn.clustering.CLARANS` runs a randomised swap search on all
  the data, computing dissimilarities on the fly.

We compare them with the obvious shortcut, FasterPAM on one random subsample,
on time and on the total deviation of all 50 000 points.
"""

# %%
# Data: 20 Gaussian blobs
# -----------------------
import time

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs

from geomlearn.clustering import CLARA, CLARANS, KMedoids

X, _ = make_blobs(50_000, centers=20, cluster_std=0.8, random_state=0)
k = 20


def deviation(medoids):
    """Total deviation of all points from the given medoids (in chunks)."""
    total = 0.0
    for start in range(0, len(X), 10_000):
        chunk = X[start : start + 10_000]
        d = np.linalg.norm(chunk[:, None, :] - X[medoids][None], axis=-1)
        total += d.min(axis=1).sum()
    return total


# %%
# Three ways to find 20 medoids
# -----------------------------
rng = np.random.RandomState(0)
sample = rng.choice(len(X), 4000, replace=False)

results = {}
start = time.perf_counter()
sub = KMedoids(k, init="lab", random_state=0).fit(X[sample])
results["FasterPAM on 4000"] = (
    time.perf_counter() - start,
    sample[sub.medoid_indices_],
)

start = time.perf_counter()
clara = CLARA(k, random_state=0).fit(X)
results["CLARA"] = (time.perf_counter() - start, clara.medoid_indices_)

start = time.perf_counter()
clarans = CLARANS(k, random_state=0).fit(X)
results["CLARANS"] = (time.perf_counter() - start, clarans.medoid_indices_)

for name, (seconds, medoids) in results.items():
    print(f"{name:18s} {seconds:6.2f} s   total deviation {deviation(medoids):,.0f}")

# %%
# The medoids on the data, and the trade-off
# ------------------------------------------
# (First calls include numba's compilation, cached on disk afterwards.)
fig, (ax_map, ax_bar) = plt.subplots(1, 2, figsize=(11, 4.2))
shown = rng.choice(len(X), 10_000, replace=False)
ax_map.scatter(X[shown, 0], X[shown, 1], s=1, c="0.75")
styles = zip("os^", ["tab:blue", "tab:orange", "tab:green"], strict=True)
for (name, (_, medoids)), (marker, color) in zip(results.items(), styles, strict=True):
    ax_map.scatter(
        *X[medoids].T,
        marker=marker,
        s=70,
        facecolors="none",
        edgecolors=color,
        linewidths=1.5,
        label=name,
    )
ax_map.legend(loc="best", fontsize=8)
ax_map.set_title("medoids (a fifth of the points shown)")
names = list(results)
losses = [deviation(results[n][1]) for n in names]
relative = np.array(losses) / min(losses)
ax_bar.barh(names, relative - 1, left=1, color=["tab:blue", "tab:orange", "tab:green"])
ax_bar.set_xlim(0.995, relative.max() + 0.03)
ax_bar.set_xlabel("total deviation relative to the best (bars), and seconds")
for y, name in enumerate(names):
    ax_bar.text(relative[y] + 0.002, y, f"{results[name][0]:.2f} s", va="center")
fig.tight_layout()
plt.show()

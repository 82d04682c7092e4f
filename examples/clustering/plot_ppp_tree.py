"""
====================================================
PPP: clusters without choosing k, and the split tree
====================================================

:class:`~geomlearn.clustering.PPP` splits the data top-down with 2-means and
keeps a split only when a two-Gaussian mixture fitted to its two sides agrees
with it (and beats one Gaussian by BIC). The clusters are the leaves (after
merging leaves that one Gaussian explains better); no k is given. We draw the partition PPP induces over the plane,
the accepted splits (each segment joins the two 2-means centres of a split,
thicker near the root), and the points that are *not* in the separable set:
those that lie where the fitted clusters overlap (posterior of their own
cluster below 0.9 in the mixture of one Gaussian per cluster).
"""

# %%
# Fit on blobs of different spreads
# ---------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from geomlearn.clustering import PPP

centers = [[-6, -4], [-5, 4], [0, 0], [4, 5], [6, -3], [1, -7]]
X, y = make_blobs(
    1800, centers=centers, cluster_std=[0.7, 1.0, 1.2, 0.8, 1.0, 0.6], random_state=0
)
model = PPP(random_state=0).fit(X)
print(f"clusters found: {model.n_clusters_} (true: 6)")
print(f"ARI against the truth: {adjusted_rand_score(y, model.labels_):.3f}")
print(f"separable set: {model.separable_mask_.mean():.1%} of the points")

# %%
# The accepted splits
# -------------------
for node in model.tree_:
    if node.children:
        print(
            f"node {node.node_id:2d} (depth {node.depth}, {node.n_samples:4d} points): "
            f"agreement {node.agreement:.3f}, BIC gain {node.bic_gain:8.1f}"
        )

# %%
# The partition, the splits and the separable set
# -----------------------------------------------
xx, yy = np.meshgrid(np.linspace(-10, 10, 300), np.linspace(-11, 9, 300))
regions = model.predict(np.c_[xx.ravel(), yy.ravel()]).reshape(xx.shape)

fig, ax = plt.subplots(figsize=(7, 6.5))
ax.contourf(
    xx,
    yy,
    regions,
    levels=np.arange(model.n_clusters_ + 1) - 0.5,
    cmap="tab10",
    alpha=0.15,
)
ax.scatter(
    *X[model.separable_mask_].T,
    c=model.labels_[model.separable_mask_],
    cmap="tab10",
    vmin=0,
    vmax=9,
    s=6,
)
ax.scatter(*X[~model.separable_mask_].T, c="k", marker="x", s=18, label="not separable")
for node in model.tree_:
    if node.children:
        (x0, y0), (x1, y1) = node.split_centers
        ax.plot([x0, x1], [y0, y1], "k-o", lw=4 / (1 + node.depth), ms=3)
ax.set(
    xlim=(-10, 10),
    ylim=(-11, 9),
    aspect="equal",
    title=f"PPP: {model.n_clusters_} clusters, splits joined by their 2-means centres",
)
ax.legend(loc="upper right")
plt.show()

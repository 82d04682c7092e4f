"""PPP finds the number of clusters by itself."""

import numpy as np
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from geomlearn.clustering import PPP
from geomlearn.demo._registry import ShowcaseResult, showcase


@showcase(
    area="clustering", method="PPP (no k given)", data="12 Gaussian blobs, 3000 x 2"
)
def ppp_blobs(plot):
    """Cluster blobs of different spreads without giving k; score against the truth."""
    X, y = make_blobs(
        3000,
        centers=12,
        cluster_std=np.linspace(0.4, 0.9, 12),
        center_box=(-15, 15),
        random_state=3,
    )
    model = PPP(random_state=0).fit(X)
    ari = adjusted_rand_score(y, model.labels_)
    figures = []
    if plot:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(5.5, 5))
        ax.scatter(*X.T, c=model.labels_, cmap="tab20", s=4)
        ax.scatter(
            *X[~model.separable_mask_].T, c="k", marker="x", s=12, label="not separable"
        )
        ax.set(
            aspect="equal",
            title=f"PPP: {model.n_clusters_} clusters found (12 true), ARI {ari:.3f}",
        )
        ax.legend(loc="lower right", fontsize=8)
        figures.append(fig)
    return ShowcaseResult(
        quality_name="ARI vs truth",
        quality=float(ari),
        figures=figures,
        details=(
            f"PPP found {model.n_clusters_} clusters (the data hold 12) from "
            f"{sum(1 for node in model.tree_ if node.children)} validated splits; "
            f"{model.separable_mask_.mean():.1%} of the points are in the separable set."
        ),
    )

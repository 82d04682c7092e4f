"""Baseline: scikit-learn's k-means on the digits, the yardstick for k-medoids."""

import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score

from geomlearn.demo._registry import ShowcaseResult, showcase


@showcase(
    area="clustering",
    method="k-means baseline (scikit-learn)",
    data="digits, 1797 x 64",
)
def kmeans_digits_baseline(plot):
    """Cluster the 8x8 digits into 10 groups; score against the true digits."""
    digits = load_digits()
    X, y = digits.data, digits.target
    model = KMeans(n_clusters=10, n_init=4, random_state=0).fit(X)
    ari = adjusted_rand_score(y, model.labels_)
    figures = []
    if plot:
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 10, figsize=(10, 1.4))
        order = np.argsort(
            [np.bincount(y[model.labels_ == c]).argmax() for c in range(10)]
        )
        for ax, c in zip(axes, order, strict=True):
            ax.imshow(model.cluster_centers_[c].reshape(8, 8), cmap="gray_r")
            majority = np.bincount(y[model.labels_ == c]).argmax()
            ax.set_title(f"'{majority}'", fontsize=9)
            ax.axis("off")
        fig.suptitle(
            f"k-means centres on digits (ARI {ari:.3f}), titled by majority digit"
        )
        figures.append(fig)
    return ShowcaseResult(
        quality_name="ARI vs true digits",
        quality=float(ari),
        figures=figures,
        details=(
            "scikit-learn KMeans (k=10, 4 inits) on the 1797 digit images; the "
            "adjusted Rand index compares its clusters with the true digits. This is "
            "the baseline the k-medoids showcases are measured against."
        ),
    )

"""
===================================================
A k-means baseline on the digits, checked for sound
===================================================

Before comparing the k-medoids family with k-means, we fix the yardstick: a
scikit-learn k-means on the 8x8 digit images, scored against the true digits
with the adjusted Rand index (ARI). We also run two of geomlearn's contract
checks on it; every geomlearn clusterer must pass them too:

- :func:`~geomlearn.utils.estimator_checks.check_predict_matches_labels`:
  ``predict`` on the training data must return ``labels_`` (a popular
  k-medoids package returns medoid indices instead);
- :func:`~geomlearn.utils.estimator_checks.check_no_global_random_state`:
  fitting must not seed or draw from numpy's global generator.
"""

# %%
# Cluster the digits
# ------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score, confusion_matrix

from geomlearn.utils.estimator_checks import (
    check_no_global_random_state,
    check_predict_matches_labels,
)

X, y = load_digits(return_X_y=True)
kmeans = KMeans(n_clusters=10, n_init=4, random_state=0).fit(X)
print(f"ARI against the true digits: {adjusted_rand_score(y, kmeans.labels_):.3f}")

# %%
# Check the contract
# ------------------
# Each check raises an ``AssertionError`` that explains the fault, or passes
# silently.
check_predict_matches_labels(KMeans(n_clusters=10, n_init=4, random_state=0), X)
check_no_global_random_state(KMeans(n_clusters=10, n_init=4), X)
print("both checks passed")

# %%
# Which digits end up together?
# -----------------------------
# Rows are true digits, columns are clusters ordered by their majority digit.
# Off-diagonal mass shows the confusions a better method should reduce.
counts = confusion_matrix(y, kmeans.labels_)[:10, :10]
order = np.argsort(counts.argmax(axis=0))
fig, (ax_matrix, ax_centres) = plt.subplots(
    1, 2, figsize=(10, 4.2), gridspec_kw={"width_ratios": [1, 1.3]}
)
ax_matrix.imshow(counts[:, order], cmap="Blues")
ax_matrix.set(
    xlabel="cluster (by majority digit)",
    ylabel="true digit",
    xticks=range(10),
    yticks=range(10),
    xticklabels=counts.argmax(axis=0)[order],
    title="digits per cluster",
)
centres = kmeans.cluster_centers_[order].reshape(10, 8, 8)
ax_centres.imshow(np.hstack(list(centres)), cmap="gray_r")
ax_centres.set(title="cluster centres (means, not data points)")
ax_centres.axis("off")
fig.tight_layout()
plt.show()

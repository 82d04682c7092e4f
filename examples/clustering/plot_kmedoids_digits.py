"""
============================================
k-medoids on the digits: centres you can see
============================================

k-medoids picks actual samples as cluster centres. On the 8x8 digit images
that means every centre is a real handwritten digit, where k-means' centres
are blurred averages. We cluster the 1797 digits with
:class:`~geomlearn.clustering.KMedoids` (FasterPAM), compare it with k-means
on the adjusted Rand index (ARI) against the true digits, and compare the
members of the PAM family on loss and time.
"""

# %%
# Medoids against means
# ---------------------
import time

import matplotlib.pyplot as plt
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score

from geomlearn.clustering import KMedoids
from geomlearn.utils.estimator_checks import check_predict_matches_labels

X, y = load_digits(return_X_y=True)
kmedoids = KMedoids(n_clusters=10, init="lab", random_state=0).fit(X)
kmeans = KMeans(n_clusters=10, n_init=4, random_state=0).fit(X)
print(f"ARI k-medoids: {adjusted_rand_score(y, kmedoids.labels_):.3f}")
print(f"ARI k-means:   {adjusted_rand_score(y, kmeans.labels_):.3f}")

fig, axes = plt.subplots(2, 10, figsize=(10, 2.6))
for c in range(10):
    axes[0, c].imshow(X[kmedoids.medoid_indices_[c]].reshape(8, 8), cmap="gray_r")
    axes[1, c].imshow(kmeans.cluster_centers_[c].reshape(8, 8), cmap="gray_r")
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("medoids")
axes[1, 0].set_ylabel("means")
fig.suptitle("k-medoids centres are real digits; k-means centres are averages")
plt.show()

# %%
# ``predict`` returns cluster labels
# ----------------------------------
# ``predict`` on the training data gives back ``labels_`` (labels 0..9, not
# medoid indices), which geomlearn checks for every clusterer.
check_predict_matches_labels(KMedoids(n_clusters=10, random_state=0), X)
print(kmedoids.predict(X[:12]), kmedoids.labels_[:12])

# %%
# The PAM family: same quality, very different cost
# --------------------------------------------------
# From the same BUILD initialisation, PAM, FastPAM1, FastPAM2 and FasterPAM
# reach (nearly) the same total deviation; the alternating (k-means style)
# method is fast but stops in a worse optimum.
methods = ["pam", "fastpam1", "fastpam2", "fasterpam", "alternate"]
losses, seconds = [], []
for method in methods:
    start = time.perf_counter()
    model = KMedoids(n_clusters=10, method=method, init="build").fit(X)
    seconds.append(time.perf_counter() - start)
    losses.append(model.inertia_)
    print(
        f"{method:10s} loss {model.inertia_:10.1f}  {seconds[-1]:.2f} s "
        f"({model.n_swaps_} swaps)"
    )

fig, (ax_loss, ax_time) = plt.subplots(1, 2, figsize=(9, 3.2))
ax_loss.barh(methods, losses, color="tab:blue")
ax_loss.set_xlim(min(losses) * 0.98, max(losses) * 1.01)
ax_loss.set_xlabel("total deviation (lower is better)")
ax_time.barh(methods, seconds, color="tab:orange")
ax_time.set_xlabel("seconds, BUILD included (first calls compile)")
fig.tight_layout()
plt.show()

"""
======================================================
k-medoids with a non-Euclidean metric: points on Earth
======================================================

k-medoids needs only dissimilarities, so it clusters with whatever distance
the data call for. Here the samples are positions on the globe (latitude,
longitude). Treated as flat coordinates, a group that straddles the
antimeridian (longitude +-180) looks like two groups 360 degrees apart;
measured on the sphere (the haversine great-circle distance) it is one tight
group. :class:`~geomlearn.clustering.KMedoids` takes ``metric="haversine"``
(any metric scikit-learn knows, or a callable) and returns medoids that are
actual observation sites.
"""

# %%
# Four groups of sites, two across the antimeridian
# --------------------------------------------------
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score

from geomlearn.clustering import KMedoids

rng = np.random.RandomState(0)
centres = np.array([[55.0, 179.0], [-15.0, -178.0], [10.0, 20.0], [40.0, -100.0]])
per_group = 150
lat = np.concatenate([c[0] + 4 * rng.randn(per_group) for c in centres])
lon = np.concatenate([c[1] + 6 * rng.randn(per_group) for c in centres])
lon = (lon + 180) % 360 - 180  # wrap into [-180, 180)
truth = np.repeat(np.arange(4), per_group)
sites = np.column_stack([lat, lon])

# %%
# Flat coordinates against great-circle distances
# -----------------------------------------------
# scikit-learn's haversine metric takes (latitude, longitude) in radians.
flat = KMeans(n_clusters=4, n_init=10, random_state=0).fit(sites)
sphere = KMedoids(n_clusters=4, metric="haversine", init="build").fit(np.radians(sites))
print(f"ARI k-means on flat lat/lon:  {adjusted_rand_score(truth, flat.labels_):.2f}")
print(f"ARI k-medoids on the sphere:  {adjusted_rand_score(truth, sphere.labels_):.2f}")

fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
panels = [
    ("k-means, flat lat/lon", flat.labels_, flat.cluster_centers_),
    ("k-medoids, haversine", sphere.labels_, sites[sphere.medoid_indices_]),
]
for ax, (title, labels, centre) in zip(axes, panels, strict=True):
    ari = adjusted_rand_score(truth, labels)
    ax.scatter(lon, lat, c=labels, s=6, cmap="tab10", vmax=9)
    ax.scatter(centre[:, 1], centre[:, 0], c="k", marker="*", s=200)
    ax.set(
        xlim=(-180, 180),
        ylim=(-90, 90),
        xlabel="longitude",
        title=f"{title} (ARI {ari:.2f})",
    )
axes[0].set_ylabel("latitude")
fig.tight_layout()
plt.show()

# %%
# The medoids are real sites: the centre of the group across the
# antimeridian is one of its members, not the meaningless mean longitude 0
# that averaging +179 and -179 would give.
print(np.round(sites[sphere.medoid_indices_], 1))

"""
==============================================
TELL on the digits: centres you can decode
==============================================

:class:`~geomlearn.clustering.TELL` makes k-means a layer of a neural network:
an encoder maps each image to a point on a sphere, a bias-free linear layer
whose weights *are* the cluster centres scores it against every centre, and a
decoder reconstructs the image. Because the centres live in the embedding
that the decoder reads, each centre can be decoded into an image: what the
network thinks a cluster looks like. We train it on the 8x8 digits (a short
run on the CPU) and compare with k-means on the pixels and on TELL's own
embedding. On 1797 tiny images a short run does not beat k-means on the
pixels (see ``benchmarks/results/tell.md`` for five seeds); what TELL adds
is a clustering that is a trainable, inspectable layer.
"""

# %%
# Train
# -----
import matplotlib.pyplot as plt
import numpy as np
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import MinMaxScaler

from geomlearn.clustering import TELL

X, y = load_digits(return_X_y=True)
X = MinMaxScaler().fit_transform(X)
model = TELL(
    n_clusters=10, max_epochs=40, pretrain_epochs=15, device="cpu", random_state=0
).fit(X)
pixels = KMeans(10, n_init=4, random_state=0).fit(X)
embedded = KMeans(10, n_init=4, random_state=0).fit(model.transform(X))
print(f"ARI TELL:                 {adjusted_rand_score(y, model.labels_):.3f}")
print(f"ARI k-means on pixels:    {adjusted_rand_score(y, pixels.labels_):.3f}")
print(f"ARI k-means on embedding: {adjusted_rand_score(y, embedded.labels_):.3f}")

# %%
# The decoded centres, and a few members of each cluster
# ------------------------------------------------------
decoded = model.decode_centers()
fig, axes = plt.subplots(4, 10, figsize=(10, 4.4))
rng = np.random.RandomState(0)
for c in range(10):
    axes[0, c].imshow(decoded[c].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    members = np.flatnonzero(model.labels_ == c)
    for row, index in enumerate(rng.choice(members, 3, replace=len(members) < 3), 1):
        axes[row, c].imshow(X[index].reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    majority = np.bincount(y[members], minlength=10).argmax() if len(members) else -1
    axes[0, c].set_title(f"'{majority}' ({len(members)})", fontsize=8)
for ax in axes.ravel():
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("decoded\ncentre", fontsize=8)
axes[1, 0].set_ylabel("members", fontsize=8)
fig.suptitle(
    "TELL: each cluster's centre decoded into an image (title: majority digit)"
)
plt.show()

# %%
# Training curves
# ---------------
curve = np.array(model.loss_curve_)
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(curve[:, 0], label="reconstruction (MSE)")
ax.plot(curve[:, 1], label="k-means on the sphere")
ax.axvline(model.pretrain_epochs, color="k", ls=":", label="centres initialised")
ax.set(xlabel="epoch", yscale="log")
ax.legend()
fig.tight_layout()
plt.show()

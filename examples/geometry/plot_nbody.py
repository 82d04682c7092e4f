"""
=================================================
N-body trajectories with an equivariant network
=================================================

Five charged particles attract and repel each other by Coulomb forces. From
their positions, velocities and charges at one instant, predict where they
are 1000 integration steps later: the N-body benchmark of EGNN and PONITA
(:func:`~geomlearn.datasets.make_nbody`).

The physics does not care how the system is oriented: rotate the initial
state and the future rotates with it. :class:`~geomlearn.geometry.EquivariantRegressor`
builds that symmetry into the network (PONITA: message passing whose
kernels depend on invariants of pairs of points and orientations), so it
does not have to learn it from data. We train it for a few seconds on a
small set, draw predicted and true displacements, and check the symmetry by
rotating an input.
"""

# %%
# Data: positions at frame 30, targets at frame 40
# ------------------------------------------------
# Each system is a point cloud: positions ``pos``, the charge as a scalar
# feature ``x``, and two vectors per particle in ``vec``: the velocity and the
# position relative to the centroid (the PONITA reference's inputs). The
# target is the displacement, one vector per particle.
import time

import matplotlib.pyplot as plt
import numpy as np
from scipy.spatial.transform import Rotation

from geomlearn.datasets import make_nbody
from geomlearn.geometry import EquivariantRegressor

data = make_nbody(300, return_trajectory=True, random_state=0)


def clouds(positions, velocities, charges):
    return [
        {"pos": p, "vec": np.stack([v, p - p.mean(0)], axis=1), "x": q[:, None]}
        for p, v, q in zip(positions, velocities, charges, strict=True)
    ]


X = clouds(data.positions, data.velocities, data.charges)
y = list(data.target - data.positions)
n_train = 200
X_train, y_train, X_test, y_test = X[:n_train], y[:n_train], X[n_train:], y[n_train:]

# %%
# Training
# --------
# PONITA in fibre-bundle mode (16 orientations on the sphere per particle),
# a small width, 40 epochs with a cosine learning-rate schedule.
model = EquivariantRegressor(
    model="ponita",
    n_orientations=16,
    hidden=32,
    n_layers=2,
    max_epochs=40,
    batch_size=25,
    learning_rate=3e-3,
    device="cpu",
    random_state=0,
)
start = time.perf_counter()
model.fit(X_train, y_train)
print(f"trained in {time.perf_counter() - start:.1f} s")

mse = -model.score(X_test, y_test)
constant_velocity = np.mean(
    [np.mean((c["vec"][:, 0] - t) ** 2) for c, t in zip(X_test, y_test, strict=True)]
)
print(
    f"test MSE of the positions: {mse:.4f} (constant velocity: {constant_velocity:.4f})"
)

# %%
# Predicted and true trajectory steps
# -----------------------------------
# For three test systems: the path of every particle from frame 30 to 40
# (grey), the true position at frame 40 (filled) and the predicted one
# (open circle). Red particles are positive, blue negative; the projection is
# on the x-y plane.
pred = model.predict(X_test)
fig, axes = plt.subplots(1, 3, figsize=(12, 4))
for k, ax in enumerate(axes):
    i = n_train + k
    path = data.trajectory[i, 30:41]
    colors = np.where(data.charges[i] > 0, "C3", "C0")
    for j in range(path.shape[1]):
        ax.plot(path[:, j, 0], path[:, j, 1], color="0.7", lw=1)
    ax.scatter(*data.positions[i][:, :2].T, c=colors, marker="x", label="frame 30")
    ax.scatter(*data.target[i][:, :2].T, c=colors, label="true frame 40")
    guess = data.positions[i] + pred[k]
    ax.scatter(
        *guess[:, :2].T, facecolors="none", edgecolors=colors, s=90, label="predicted"
    )
    ax.set(aspect="equal", title=f"test system {k}", xlabel="x", ylabel="y")
axes[0].legend(fontsize=8)
fig.tight_layout()

# %%
# Equivariance: rotate the input, the prediction rotates
# ------------------------------------------------------
# Rotate (and translate) a test system; the predicted displacement of the
# rotated system should be the rotated displacement. In fibre-bundle mode
# the orientation grid does not rotate with the input, so the equality is
# approximate; the point-cloud mode (``n_orientations=None``) is exact to
# float precision.
R = Rotation.random(random_state=1).as_matrix()
shift = np.array([3.0, -1.0, 2.0])


def rotated(cloud):
    return {
        "pos": cloud["pos"] @ R.T + shift,
        "vec": cloud["vec"] @ R.T,
        "x": cloud["x"],
    }


before = model.predict(X_test[:5])
after = model.predict([rotated(c) for c in X_test[:5]])
error = max(np.abs(a - b @ R.T).max() for a, b in zip(after, before, strict=True))
scale = max(np.abs(b).max() for b in before)
print(
    f"fibre mode (16 orientations): max error {error:.2e} (outputs up to {scale:.2f})"
)

exact = EquivariantRegressor(
    model="ponita",
    n_orientations=None,
    hidden=16,
    n_layers=1,
    max_epochs=3,
    device="cpu",
    random_state=0,
).fit(X_train[:50], y_train[:50])
before = exact.predict(X_test[:5])
after = exact.predict([rotated(c) for c in X_test[:5]])
error = max(np.abs(a - b @ R.T).max() for a, b in zip(after, before, strict=True))
print(f"point-cloud mode: max error {error:.2e}")

# %%
# The displacements of one system before and after the rotation, drawn
# in 3-D: the arrows of the rotated prediction (orange) coincide with the
# rotated arrows of the original prediction (black).
cloud, disp = X_test[0], model.predict(X_test[:1])[0]
moved = rotated(cloud)
disp_rot = model.predict([moved])[0]
fig = plt.figure(figsize=(5, 5))
ax = fig.add_subplot(projection="3d")
ax.quiver(*moved["pos"].T, *(disp @ R.T).T, color="k", lw=2, label="rotate(predict(x))")
ax.quiver(*moved["pos"].T, *disp_rot.T, color="C1", lw=1, label="predict(rotate(x))")
ax.legend(fontsize=8)
ax.set_title("prediction of a rotated system")
plt.show()

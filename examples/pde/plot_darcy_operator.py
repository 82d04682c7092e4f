"""
=========================================
Learning the Darcy flow solution operator
=========================================

A *neural operator* learns a map between functions from examples: here the
map from the permeability ``a`` of a porous medium to the pressure ``u`` that
solves the Darcy equation :math:`-\\nabla\\cdot(a\\nabla u) = 1` with
:math:`u = 0` on the boundary. Once trained, one forward pass replaces a
solve.

:class:`~geomlearn.pde.LatentSpectralOperator` is the Latent Spectral Model
of Wu et al. (2023): a U-Net whose skip connections pass through a few latent
tokens transformed by a learned trigonometric series. The data are
regenerated offline with :func:`~geomlearn.datasets.make_darcy` (the FNO
paper's recipe), on a coarse grid and with a tiny training budget so that
this page builds in under a minute on a laptop CPU. The benchmarks
(``benchmarks/bench_pde_operators.py``) compare the estimator with the FNO of
the ``neuraloperator`` package on Darcy, Burgers and Navier-Stokes data.
"""

# %%
# Data
# ----
# Fields come channels last: ``X`` has shape ``(n_samples, 29, 29, 1)`` (the
# coefficient, 12 or 3), ``y`` the same shape (the pressure). The grid has
# 29 nodes per axis, boundary included.
import time

import matplotlib.pyplot as plt
import numpy as np

from geomlearn.datasets import make_darcy
from geomlearn.pde import LatentSpectralOperator

X, y = make_darcy(64, 29, random_state=0)
X_train, y_train, X_test, y_test = X[:48], y[:48], X[48:], y[48:]
print(X_train.shape, y_train.shape)

# %%
# Training
# --------
# A tiny model, so that this page builds in seconds: width 8, two halvings of
# the U-Net (29 nodes are padded to 32 and cut into patches of 8), 48 training
# samples, 6 epochs. Inputs and outputs are standardised per
# channel on the training set; the loss is the per-sample relative L2 error,
# the paper's metric. ``score`` returns minus its mean on the test set.
model = LatentSpectralOperator(
    width=8,
    n_heads=4,
    n_levels=2,
    max_epochs=6,
    batch_size=8,
    learning_rate=2e-3,
    lr_step_size=3,
    device="cpu",
    random_state=0,
)
start = time.perf_counter()
model.fit(X_train, y_train)
print(f"trained {model.n_iter_} epochs in {time.perf_counter() - start:.1f} s")
print(f"Darcy test relative L2: {-model.score(X_test, y_test):.4f}")

# %%
# Coefficient, truth, prediction and error for one test sample, and the
# training loss (mean relative L2 per epoch).
y_pred = model.predict(X_test)
i = 0
fig, axes = plt.subplots(1, 5, figsize=(16, 3.2))
panels = [
    (X_test[i, ..., 0], "coefficient a", "viridis"),
    (y_test[i, ..., 0], "true pressure u", "magma"),
    (y_pred[i, ..., 0], "predicted u", "magma"),
    (y_pred[i, ..., 0] - y_test[i, ..., 0], "error", "RdBu_r"),
]
vmax = y_test[i].max()
for ax, (field, title, cmap) in zip(axes, panels, strict=False):
    kwargs = {"vmin": 0, "vmax": vmax} if "u" in title else {}
    if title == "error":
        lim = np.abs(field).max()
        kwargs = {"vmin": -lim, "vmax": lim}
    im = ax.imshow(field, origin="lower", cmap=cmap, **kwargs)
    ax.set(title=title, xticks=[], yticks=[])
    fig.colorbar(im, ax=ax, shrink=0.8)
axes[4].plot(np.arange(1, model.n_iter_ + 1), model.loss_curve_, "o-")
axes[4].set(xlabel="epoch", ylabel="train relative L2", yscale="log", title="loss")
fig.tight_layout()

# %%
# With this budget the prediction only gets the overall shape right; the error
# concentrates along the jumps of the coefficient, where the pressure has
# kinks. The paper's budget (1000 samples at 85 x 85, width 64, 500 epochs)
# brings it to about 1 %.
plt.show()

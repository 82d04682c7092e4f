"""
PINN against Lagrangian PINN on fast convection
===============================================

The convection equation

.. math:: u_t + \\beta u_x = 0, \\qquad u(x, 0) = \\sin x,

periodic on :math:`[0, 2\\pi)`, has the exact solution
:math:`\\sin(x - \\beta t)`. At :math:`\\beta = 30` the wave crosses the
domain almost five times by :math:`t = 1`, and a physics-informed network
trained on the residual in :math:`(x, t)` fails: it settles on a nearly
constant field that satisfies the equation but forgets the initial
condition (Krishnapriyan et al., 2021). :class:`~geomlearn.pde.LagrangianPINN`
solves along the characteristics :math:`x(x_0, t)` instead, where the state
only has to stay constant and the characteristic map is a straight line
(Mojgani et al., 2023). Both solvers get the same networks and the same
optimiser budget here.
"""

# %%
import matplotlib.pyplot as plt
import numpy as np

from geomlearn.pde import PINN, LagrangianPINN
from geomlearn.pde.problems import Convection

problem = Convection(beta=30.0)
budget = {
    "hidden_layer_sizes": (32, 32),
    "n_collocation": 1000,
    "adam_epochs": 300,
    "lbfgs_iterations": 200,
    "random_state": 0,
}
pinn = PINN(**budget).fit(problem)
lpinn = LagrangianPINN(**budget).fit(problem)
print(f"relative L2 error: PINN {-pinn.score(problem):.3f}, ", end="")
print(f"LagrangianPINN {-lpinn.score(problem):.4f}")

# %%
# Solution maps and errors
# ------------------------
# Rows: the exact solution, then each solver's prediction and its error on a
# 256 x 101 grid of the space-time domain.
x = np.linspace(0, 2 * np.pi, 256)
t = np.linspace(0, 1, 101)
X, T = np.meshgrid(x, t)
exact = problem.reference(X, T)
fig, axes = plt.subplots(2, 3, figsize=(12, 6))
panels = [
    (exact, "exact sin(x - 30 t)"),
    (pinn.predict(X, T), "PINN"),
    (lpinn.predict(X, T), "LagrangianPINN"),
]
for ax, (u, title) in zip(axes[0], panels, strict=True):
    image = ax.pcolormesh(X, T, u, cmap="RdBu_r", vmin=-1, vmax=1, shading="auto")
    ax.set_title(title)
fig.colorbar(image, ax=axes[0].tolist(), shrink=0.8, label="u")
ax = axes[1, 0]  # the profiles at the final time
ax.plot(x, exact[-1], "k", lw=2.5, alpha=0.4, label="exact")
ax.plot(x, pinn.predict(x, 1.0), "C0", label="PINN")
ax.plot(x, lpinn.predict(x, 1.0), "C1--", label="Lagrangian")
ax.set(title="u(x, 1)", xlabel="x")
ax.legend(loc="lower left", fontsize=8)
for ax, (u, title) in zip(axes[1, 1:], panels[1:], strict=True):
    image = ax.pcolormesh(X, T, u - exact, cmap="PuOr", vmin=-1, vmax=1, shading="auto")
    ax.set_title(f"{title}: error")
    ax.set_xlabel("x")
for ax in (axes[0, 0], axes[1, 1]):
    ax.set_ylabel("t")
fig.colorbar(image, ax=axes[1, 1:].tolist(), shrink=0.8, label="error")

# %%
# The characteristics and the losses
# ----------------------------------
# The Lagrangian network learns where each label :math:`x_0` is carried:
# the displacement :math:`x(x_0, t) - x_0` of every characteristic should be
# the straight line :math:`\beta t`. Drawn: its deviation from that line,
# for 8 labels, against a total displacement of 30. The
# Eulerian PINN's loss stalls at a level where the residual is small but the
# initial condition is lost.
fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(12, 4))
times = np.linspace(0, 1, 41)
labels = 2 * np.pi * np.arange(lpinn.n_interpolation) / lpinn.n_interpolation
paths = np.array([lpinn.characteristics(s)[0] for s in times]) - labels
deviation = paths - 30 * times[:, None]
ax.plot(times, deviation[:, :: lpinn.n_interpolation // 8], lw=1)
ax.axhline(0, color="k", ls=":")
ax.set(xlabel="t", ylabel="x(x0, t) - x0 - 30 t", title="learned characteristics")
ax_loss.semilogy(pinn.loss_curve_, label="PINN")
ax_loss.semilogy(lpinn.loss_curve_, label="LagrangianPINN")
ax_loss.axvline(budget["adam_epochs"], color="0.6", ls=":", label="Adam -> L-BFGS")
ax_loss.set(xlabel="loss evaluation", ylabel="loss", title="training")
ax_loss.legend()
fig.tight_layout()
plt.show()

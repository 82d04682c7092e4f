"""A Gaussian process of vector fields inpaints a saddle on a torus (RVGP)."""

import numpy as np

from geomlearn.demo._registry import ShowcaseResult, showcase

_R, _r = 1.0, 0.6


def _torus(theta, phi):
    c = _R + _r * np.cos(phi)
    X = np.c_[c * np.cos(theta), c * np.sin(theta), _r * np.sin(phi)]
    N = np.c_[np.cos(phi) * np.cos(theta), np.cos(phi) * np.sin(theta), np.sin(phi)]
    return X, N


@showcase(
    area="geometry",
    method="VectorFieldGP (connection-Laplacian GP): inpainting",
    data="gradient of the height on a torus, 1800 points, a disc around a saddle "
    "without vectors",
)
def vector_field_inpainting(plot):
    """Fill in the vectors around a saddle; check its index and the alignment."""
    from geomlearn.geometry import VectorFieldGP

    rng = np.random.default_rng(0)
    theta = rng.uniform(0, 2 * np.pi, 6000)
    phi = rng.uniform(0, 2 * np.pi, 6000)
    keep = rng.uniform(0, _R + _r, 6000) < _R + _r * np.cos(phi)  # area element
    theta, phi = theta[keep][:1800], phi[keep][:1800]
    X, N = _torus(theta, phi)
    truth = np.array([1.0, 0.0, 0.0]) - N[:, :1] * N  # gradient of the height x
    V = truth + 0.02 * rng.standard_normal(truth.shape)
    d_theta = np.angle(np.exp(1j * (theta - np.pi))) * (_R - _r)
    d_phi = np.angle(np.exp(1j * (phi - np.pi))) * _r
    hole = np.hypot(d_theta, d_phi) < 0.45  # around the saddle (pi, pi)
    V[hole] = np.nan  # known points, unknown vectors
    gp = VectorFieldGP(n_neighbors=10, n_eigenpairs=100, random_state=0).fit(X, V)
    P, std = gp.predict(X[hole], return_std=True)
    cos = np.sum(P * truth[hole], 1) / (
        np.linalg.norm(P, axis=1) * np.linalg.norm(truth[hole], axis=1)
    )
    # index of the inpainted zero: turns of the field on a circle around it
    a = np.linspace(0, 2 * np.pi, 200, endpoint=False)
    ring, ring_N = _torus(
        np.pi + 0.2 * np.cos(a) / (_R - _r), np.pi + 0.2 * np.sin(a) / _r
    )
    ring_P = gp.predict(ring)
    E1 = np.array([0.0, 1.0, 0.0]) - ring_N[:, 1:2] * ring_N
    angle = np.arctan2(np.sum(ring_P * np.cross(ring_N, E1), 1), np.sum(ring_P * E1, 1))
    steps = (np.diff(np.r_[angle, angle[0]]) + np.pi) % (2 * np.pi) - np.pi
    index = float(steps.sum() / (2 * np.pi))
    figures = []
    if plot:
        import matplotlib.pyplot as plt

        e_theta = np.c_[-np.sin(theta), np.cos(theta), np.zeros_like(theta)][hole]
        e_phi = np.c_[
            -np.sin(phi) * np.cos(theta), -np.sin(phi) * np.sin(theta), np.cos(phi)
        ][hole]
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
        for ax, vec, title in [
            (axes[0], P, "inpainted (colour: posterior std)"),
            (axes[1], truth[hole], "truth"),
        ]:
            args = (d_theta[hole], d_phi[hole])
            args += (np.sum(vec * e_theta, 1), np.sum(vec * e_phi, 1))
            if vec is P:
                q = ax.quiver(*args, np.linalg.norm(std, axis=1), angles="xy", scale=6)
                fig.colorbar(q, ax=ax, shrink=0.8)
            else:
                ax.quiver(*args, color="k", angles="xy", scale=6)
            ax.plot(0, 0, "r+", markersize=12)
            ax.set(aspect="equal", title=title, xlabel="arc length (inner equator)")
        axes[0].set_ylabel("arc length (around the tube)")
        fig.tight_layout()
        figures.append(fig)
    return ShowcaseResult(
        quality_name="mean cosine alignment in the disc",
        quality=float(cos.mean()),
        figures=figures,
        details=(
            f"{hole.sum()} of 1800 points had no vector; the prediction there is "
            f"tangent to the estimated surface and winds {index:+.2f} times around "
            f"the saddle (its index is -1)."
        ),
    )

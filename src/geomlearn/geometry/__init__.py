"""Geometry: Lie groups, connection Laplacians, GP vector fields, equivariant nets.

- :mod:`geomlearn.geometry.lie`: the Lie groups SO(2), SE(2), SO(3), SE(3),
  SE_2(3) and R^n on numpy arrays and torch tensors, with exact Jacobians;
  averaging (``frechet_mean``) and Kalman filtering (``LieEKF``) on them.
- Manifold toolkit (numpy/scipy): neighbourhood graphs (``knn_graph``,
  ``radius_graph``), tangent frames by local PCA (``tangent_frames``),
  discrete parallel transport (``parallel_transport``), graph and connection
  Laplacians and their low spectrum (``graph_laplacian``,
  ``connection_laplacian``, ``laplacian_eigenpairs``).
- Gaussian processes of fields on sampled manifolds (torch, ``gp`` extra):
  ``VectorFieldGP`` (tangent vector fields, RVGP) and ``ScalarFieldGP``,
  exact in ``O(N k^2)`` and predicting at new points.
- :mod:`geomlearn.geometry.nn` (torch): ``GauntTensorProduct``, the PONITA
  and PNITA equivariant networks, and torch neighbourhood graphs.
- ``EquivariantRegressor`` (torch, torch-geometric): PONITA / PNITA as an
  estimator of invariant graph targets or equivariant per-point vectors.

Names backed by torch, gpytorch, torch-geometric or e3nn are loaded on first
access only.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["lie", "nn"],
    submod_attrs={
        "lie": [
            "LieGroup",
            "SO2",
            "SE2",
            "SO3",
            "SE3",
            "SE23",
            "Rn",
            "frechet_mean",
            "LieEKF",
        ],
        "_graphs": ["knn_graph", "radius_graph"],
        "_tangent": ["tangent_frames", "parallel_transport"],
        "_connection_laplacian": [
            "connection_laplacian",
            "graph_laplacian",
            "laplacian_eigenpairs",
        ],
        "_field_gp": ["VectorFieldGP", "ScalarFieldGP"],
        "_equivariant": ["EquivariantRegressor"],
    },
)

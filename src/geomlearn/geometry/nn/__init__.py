"""torch modules of the geometry area, usable in your own training loops.

- ``GauntTensorProduct``: the Gaunt tensor product of spherical-harmonic
  (e3nn ``Irreps``-shaped) features, i.e. e3nn's Clebsch--Gordan product on
  the parity-even paths with a fixed scale per path
  (``gaunt_path_scale``), computed on a sphere grid or by 2D FFTs.
- ``PONITA`` and ``PNITA``: SE(n)-equivariant message passing by weight
  sharing over position-orientation space (fibre-bundle mode on an
  orientation grid, or exactly equivariant point-cloud mode) and its cheap
  positions-only variant; ``energy_and_forces``, the invariant attributes
  (``invariants_rn``, ``invariants_r3s2``, ``invariants_r2s1``),
  ``orientation_grid`` and ``polynomial_envelope``.
- ``radius_graph`` and ``knn_graph`` on torch tensors with a ``batch``
  vector (torch-cluster's signatures, written in plain torch).

Needs the ``torch`` extra (``e3nn`` to read irreps strings, torch-geometric
for ``Data``/``Batch`` inputs); nothing here is imported by
``geomlearn.geometry`` until asked for.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submod_attrs={
        "_gaunt": ["GauntTensorProduct", "gaunt_coefficients", "gaunt_path_scale"],
        "_ponita": [
            "PONITA",
            "PNITA",
            "energy_and_forces",
            "orientation_grid",
            "invariants_rn",
            "invariants_r3s2",
            "invariants_r2s1",
            "polynomial_envelope",
        ],
        "_graph": ["radius_graph", "knn_graph"],
    },
)

"""Datasets: deterministic generators and loaders of data shipped with packages.

Nothing is downloaded: every data set is generated from a documented recipe
with a ``random_state``, or loaded from a file that an installed package ships.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submod_attrs={
        "_shapes": ["make_shapes"],
        "_grf": ["make_gaussian_random_field"],
        "_pde": ["make_darcy", "make_burgers", "make_navier_stokes"],
        "_nbody": ["make_nbody"],
        "_molecules": ["make_molecular_forces"],
    },
)

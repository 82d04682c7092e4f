"""torch modules of the PDE estimators, usable in your own training loops.

Needs the ``torch`` extra; nothing here is imported by ``geomlearn.pde``
until asked for.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submod_attrs={
        "_lsm": ["LatentSpectralModel", "NeuralSpectralBlock"],
        "_siren": ["SIREN"],
    },
)
classes = __all__

"""PDE: reference solvers, neural operators, neural fields and PINNs.

Names backed by torch are loaded on first access only.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, submod_attrs={})

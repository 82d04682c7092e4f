"""Geometry: Lie groups, connection Laplacians, GP vector fields, equivariant nets.

Names backed by torch, gpytorch, torch-geometric or e3nn are loaded on first
access only.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, submod_attrs={})

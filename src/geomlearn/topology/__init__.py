"""Topology: persistent homology, one- and multi-parameter, and vectorizations.

Importing this package never imports torch.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(__name__, submod_attrs={})

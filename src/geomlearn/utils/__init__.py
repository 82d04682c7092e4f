"""Utilities shared by every area: validation, optional imports, discovery.

The torch helpers (:func:`resolve_device`, :func:`torch_generator`,
:func:`to_tensor`, :func:`to_numpy`) need the ``torch`` extra and are loaded
on first access only.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["estimator_checks", "validation"],
    submod_attrs={
        "_optional": ["MissingExtraError", "import_optional"],
        "validation": [
            "check_diagrams",
            "check_point_clouds",
            "check_distance_matrix",
            "check_grid_fields",
        ],
        "discovery": ["all_estimators"],
        "_torch": ["resolve_device", "torch_generator", "to_tensor", "to_numpy"],
    },
)

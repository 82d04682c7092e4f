"""torch modules of the clustering estimators, usable in your own training loops.

Needs the ``torch`` extra; nothing here is imported by ``geomlearn.clustering``
until asked for.
"""

from geomlearn._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__, submod_attrs={"_cluster_layer": ["ClusterLayer"]}
)
classes = __all__

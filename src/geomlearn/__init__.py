"""geomlearn: scientific and geometric machine learning, the scikit-learn way.

Every method is an estimator with ``fit``/``predict``/``transform`` that
composes with :class:`sklearn.pipeline.Pipeline` and
:class:`sklearn.model_selection.GridSearchCV`. The areas are subpackages that
are imported on first use, so ``import geomlearn`` is cheap and never pulls in
torch or another optional extra:

- :mod:`geomlearn.clustering`: the k-medoids family, PPP and TELL;
- :mod:`geomlearn.topology`: persistent homology and its vectorizations;
- :mod:`geomlearn.geometry`: Lie groups, connection Laplacians, GP vector
  fields, equivariant networks;
- :mod:`geomlearn.pde`: reference solvers, neural operators, neural fields;
- :mod:`geomlearn.datasets`: data generators;
- :mod:`geomlearn.utils`: validation, optional imports, estimator discovery.
"""

from geomlearn._lazy import attach

__version__ = "0.1.0.dev0"

__all__ = ["clustering", "topology", "geometry", "pde", "datasets", "utils"]
__getattr__, __dir__, _ = attach(__name__, submodules=__all__)
__all__ += ["__version__"]

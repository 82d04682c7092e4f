"""Discovery of geomlearn's public estimators."""

import importlib
import inspect

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    RegressorMixin,
    TransformerMixin,
)

from geomlearn.utils._optional import MissingExtraError

__all__ = ["all_estimators"]

_AREAS = ("clustering", "topology", "geometry", "pde", "datasets")
_TYPE_MIXINS = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "transformer": TransformerMixin,
    "cluster": ClusterMixin,
}


def all_estimators(type_filter=None, *, include_unavailable=False):
    """List the public estimators of geomlearn.

    Walks the ``__all__`` of every area subpackage. Estimators whose optional
    extra is not installed are left out (or listed, see
    ``include_unavailable``); any other import error propagates, so a broken
    module is never silently skipped.

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "cluster", "transformer"} or \
list of such str, default=None
        Keep only estimators of these types. ``None`` keeps all.
    include_unavailable : bool, default=False
        Also list estimators whose extra is missing, as
        ``(name, MissingExtraError)`` pairs instead of classes.

    Returns
    -------
    estimators : list of tuple of (str, type)
        ``(name, class)`` pairs sorted by name.

    Examples
    --------
    >>> from geomlearn.utils import all_estimators
    >>> estimators = all_estimators()
    >>> all(isinstance(name, str) for name, _ in estimators)
    True
    """
    if type_filter is None:
        wanted = []
    else:
        wanted = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = sorted(set(wanted) - set(_TYPE_MIXINS))
        if unknown:
            raise ValueError(
                f"type_filter must be None or among {sorted(_TYPE_MIXINS)}; got "
                f"{unknown}."
            )

    found = {}
    for area in _AREAS:
        package = importlib.import_module(f"geomlearn.{area}")
        for name in package.__all__:
            try:
                obj = getattr(package, name)
            except MissingExtraError as exc:
                if include_unavailable:
                    found[name] = exc
                continue
            if not (inspect.isclass(obj) and issubclass(obj, BaseEstimator)):
                continue
            if inspect.isabstract(obj):
                continue
            if wanted and not any(issubclass(obj, _TYPE_MIXINS[t]) for t in wanted):
                continue
            found[name] = obj
    return sorted(found.items())

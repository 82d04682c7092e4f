"""Lazy attribute loading for packages (PEP 562).

A subpackage declares which public names live in which private module; the
module is imported the first time one of its names is looked up. This keeps
``import geomlearn.clustering`` cheap and, above all, free of heavy optional
dependencies such as torch: a torch-backed estimator is only imported when a
user asks for it.
"""

import importlib


def attach(package_name, submodules=(), submod_attrs=None):
    """Build ``__getattr__``, ``__dir__`` and ``__all__`` for a lazy package.

    Parameters
    ----------
    package_name : str
        The ``__name__`` of the package that calls this function.
    submodules : sequence of str, default=()
        Public submodules, importable as attributes of the package.
    submod_attrs : dict of str to list of str, default=None
        Maps a (private) submodule name to the public names it defines.

    Returns
    -------
    __getattr__ : callable
        Module-level attribute hook that imports on first access.
    __dir__ : callable
        Lists the public names, for tab completion.
    __all__ : list of str
        The public names: submodules first, then attributes, each group
        in declaration order.

    Examples
    --------
    >>> from geomlearn._lazy import attach
    >>> getattr_, dir_, all_ = attach("json", submod_attrs={"decoder": ["JSONDecoder"]})
    >>> all_
    ['JSONDecoder']
    >>> getattr_("JSONDecoder").__name__
    'JSONDecoder'
    """
    submodules = tuple(submodules)
    submod_attrs = dict(submod_attrs or {})
    attr_to_module = {
        attr: module for module, attrs in submod_attrs.items() for attr in attrs
    }
    duplicates = set(submodules) & set(attr_to_module)
    if duplicates:
        raise ValueError(f"names both submodule and attribute: {sorted(duplicates)}")
    public = [*submodules, *attr_to_module]

    def __getattr__(name):
        if name in submodules:
            return importlib.import_module(f"{package_name}.{name}")
        if name in attr_to_module:
            module = importlib.import_module(f"{package_name}.{attr_to_module[name]}")
            return getattr(module, name)
        raise AttributeError(f"module {package_name!r} has no attribute {name!r}")

    def __dir__():
        return list(public)

    return __getattr__, __dir__, list(public)

"""Import optional dependencies with an error message that says how to fix it."""

import importlib

__all__ = ["MissingExtraError", "import_optional"]


class MissingExtraError(ImportError):
    """An optional dependency of geomlearn is not installed.

    Raised by :func:`import_optional`. It is an :class:`ImportError`, so code
    that guards an optional import with ``except ImportError`` keeps working;
    tools that must tell a missing extra from a broken install (estimator
    discovery, the test collector) catch this subclass only.

    Parameters
    ----------
    message : str
        The error message, naming the ``pip install`` command that fixes it.
    extra : str
        Name of the geomlearn extra that provides the missing package.
    name : str
        Name of the module that could not be imported.

    Examples
    --------
    >>> from geomlearn.utils import MissingExtraError
    >>> issubclass(MissingExtraError, ImportError)
    True
    """

    def __init__(self, message, *, extra, name):
        super().__init__(message, name=name)
        self.extra = extra


def import_optional(name, extra, *, caller=None):
    """Import an optional dependency, or explain which extra installs it.

    Parameters
    ----------
    name : str
        Module to import, e.g. ``"torch"`` or ``"gudhi.representations"``.
    extra : str
        The geomlearn extra that installs it, e.g. ``"torch"`` or ``"tda"``.
    caller : str, default=None
        What needs the module (a class or function name), for the message.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    MissingExtraError
        If the module cannot be imported. The message names the
        ``pip install "geomlearn[extra]"`` command that installs it.

    Examples
    --------
    >>> from geomlearn.utils import import_optional
    >>> import_optional("json", extra="core").__name__
    'json'
    >>> import_optional("no_such_module_xyz", extra="tda", caller="RipsPersistence")
    Traceback (most recent call last):
    ...
    geomlearn.utils._optional.MissingExtraError: RipsPersistence requires ...
    """
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        who = caller if caller is not None else "This feature of geomlearn"
        message = (
            f"{who} requires the optional dependency {name!r}, which could not be "
            f'imported ({exc}). Install it with: pip install "geomlearn[{extra}]"'
        )
        raise MissingExtraError(message, extra=extra, name=name) from exc

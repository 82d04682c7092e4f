"""Registry of showcases for the geomlearn tour."""

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable

__all__ = ["Showcase", "ShowcaseResult", "registered_showcases", "showcase"]

_REGISTRY = {}


@dataclasses.dataclass
class ShowcaseResult:
    """What a showcase reports.

    Parameters
    ----------
    quality_name : str
        Name of the quality figure, e.g. ``"ARI vs true labels"``.
    quality : float
        Its value, computed against an oracle (true labels, an analytic
        solution, a peer library), never against our own output.
    figures : list of matplotlib.figure.Figure, default=[]
        Figures for the HTML report (empty when plotting is off).
    details : str, default=""
        One or two sentences for the report: what was run and what it shows.

    Examples
    --------
    >>> from geomlearn.demo import ShowcaseResult
    >>> ShowcaseResult(quality_name="ARI vs true labels", quality=0.9).quality
    0.9
    """

    quality_name: str
    quality: float
    figures: list = dataclasses.field(default_factory=list)
    details: str = ""


@dataclasses.dataclass(frozen=True)
class Showcase:
    """A registered showcase.

    Parameters
    ----------
    name : str
        Unique name (the function's name).
    area : str
        Area of geomlearn it shows, e.g. ``"clustering"``.
    method : str
        The method shown.
    data : str
        The data it runs on.
    func : callable
        ``func(plot: bool) -> ShowcaseResult``.

    Examples
    --------
    >>> from geomlearn.demo import registered_showcases
    >>> first = registered_showcases()[0]
    >>> sorted(vars(first))
    ['area', 'data', 'func', 'method', 'name']
    """

    name: str
    area: str
    method: str
    data: str
    func: Callable


def showcase(*, area, method, data):
    """Register a function as a showcase of the geomlearn tour.

    Parameters
    ----------
    area : str
        Area of geomlearn it shows: ``"clustering"``, ``"topology"``,
        ``"geometry"`` or ``"pde"``.
    method : str
        The method shown, as the table should print it.
    data : str
        The built-in data it runs on.

    Returns
    -------
    decorator : callable
        Registers the function under its name and returns it unchanged. The
        function takes ``plot`` (bool) and returns a :class:`ShowcaseResult`.

    Examples
    --------
    >>> from geomlearn.demo import ShowcaseResult, showcase
    >>> @showcase(area="clustering", method="constant", data="none")
    ... def doc_constant(plot):
    ...     return ShowcaseResult(quality_name="score", quality=1.0)
    >>> doc_constant(plot=False).quality
    1.0
    """

    def decorator(func):
        name = func.__name__
        existing = _REGISTRY.get(name)
        if existing is not None and existing.func.__module__ != func.__module__:
            raise ValueError(
                f"showcase {name!r} is registered twice ({existing.func.__module__} "
                f"and {func.__module__}); showcase names must be unique."
            )
        _REGISTRY[name] = Showcase(name, area, method, data, func)
        return func

    return decorator


def registered_showcases():
    """Import every module of :mod:`geomlearn.demo.showcases` and list showcases.

    Returns
    -------
    showcases : list of Showcase
        Sorted by area, then name.

    Examples
    --------
    >>> from geomlearn.demo import registered_showcases
    >>> any(s.area == "clustering" for s in registered_showcases())
    True
    """
    package = importlib.import_module("geomlearn.demo.showcases")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return sorted(
        (
            s
            for s in _REGISTRY.values()
            if s.func.__module__.startswith(package.__name__)
        ),
        key=lambda s: (s.area, s.name),
    )

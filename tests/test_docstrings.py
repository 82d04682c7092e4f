"""numpydoc validation of the public API, with the checks of pyproject.toml.

On top of numpydoc's checks, every public class and function must have an
Examples section (they run as doctests).
"""

import importlib.util
import inspect
from pathlib import Path

import pytest
import tomllib

numpydoc_validate = pytest.importorskip("numpydoc.validate")
from numpydoc.docscrape import NumpyDocString

import geomlearn
from geomlearn.utils import MissingExtraError

PUBLIC_PACKAGES = ["clustering", "topology", "geometry", "pde", "datasets", "utils"]
EXTRA_PUBLIC_MODULES = [
    "geomlearn.demo",
    "geomlearn.utils.estimator_checks",
    "geomlearn.pde.problems",
]
if importlib.util.find_spec("torch") is not None:
    EXTRA_PUBLIC_MODULES += [
        "geomlearn.clustering.nn",
        "geomlearn.pde.nn",
        "geomlearn.geometry.nn",
    ]
OWN_METHODS = (
    "fit",
    "predict",
    "transform",
    "fit_transform",
    "fit_predict",
    "inverse_transform",
    "score",
    "predict_proba",
    "decision_function",
    "partial_fit",
)


def _ignored_checks():
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    config = tomllib.loads(pyproject.read_text())["tool"]["numpydoc_validation"]
    checks = config["checks"]
    assert checks[0] == "all"
    return set(checks[1:])


def _public_objects():
    import importlib

    modules = [getattr(geomlearn, p) for p in PUBLIC_PACKAGES]
    modules += [importlib.import_module(m) for m in EXTRA_PUBLIC_MODULES]
    seen = set()
    for module in modules:
        for name in module.__all__:
            try:
                obj = getattr(module, name)
            except MissingExtraError:
                continue
            if inspect.ismodule(obj) or id(obj) in seen:
                continue
            seen.add(id(obj))
            qualname = f"{obj.__module__}.{obj.__qualname__}"
            yield qualname, obj
            if inspect.isclass(obj):
                for method in OWN_METHODS:
                    if method in vars(obj):
                        yield f"{qualname}.{method}", getattr(obj, method)


OBJECTS = dict(_public_objects())
IGNORED = _ignored_checks()


@pytest.mark.parametrize("qualname", sorted(OBJECTS))
def test_numpydoc(qualname):
    obj = OBJECTS[qualname]
    result = numpydoc_validate.validate(qualname)
    errors = [(code, msg) for code, msg in result["errors"] if code not in IGNORED]
    is_method = qualname.rsplit(".", 2)[-1] in OWN_METHODS
    if not is_method and not NumpyDocString(obj.__doc__ or "")["Examples"]:
        errors.append(("EX01", "public classes and functions need an Examples section"))
    assert not errors, "\n".join(f"{qualname}: {c} {m}" for c, m in errors)
    assert obj.__doc__

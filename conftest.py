"""Test configuration shared by tests/ and the doctests of src/geomlearn.

- A module that starts with a ``# requires: torch, gpytorch`` line is not
  collected (neither its doctests nor its tests) when one of those modules is
  missing, so the suite runs cleanly without an optional extra.
- ``global_random_seed``: an int fixture, 42 by default. Set
  ``GEOMLEARN_TESTS_GLOBAL_RANDOM_SEED`` to an int, ``"a-b"`` (a range) or
  ``"all"`` (0-99) to run seeded tests under many seeds.
- matplotlib always draws off-screen.
"""

import functools
import importlib.util
import os
import re

os.environ.setdefault("MPLBACKEND", "Agg")

_REQUIRES = re.compile(r"^#\s*requires:\s*(.+)$")


@functools.cache
def _available(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _missing_requirements(path):
    with open(path, encoding="utf-8") as handle:
        for _, line in zip(range(3), handle, strict=False):
            match = _REQUIRES.match(line.strip())
            if match:
                modules = [m.strip() for m in match.group(1).split(",") if m.strip()]
                return [m for m in modules if not _available(m)]
    return []


def pytest_ignore_collect(collection_path, config):
    """Skip collecting modules whose ``# requires:`` dependencies are missing."""
    if collection_path.suffix == ".py" and collection_path.is_file():
        if collection_path.name == "__main__.py":
            return True
        if _missing_requirements(collection_path):
            return True
    return None


def _seeds():
    value = os.environ.get("GEOMLEARN_TESTS_GLOBAL_RANDOM_SEED", "42").strip()
    if value == "all":
        return list(range(100))
    if "-" in value:
        low, high = (int(v) for v in value.split("-"))
        return list(range(low, high + 1))
    return [int(value)]


def pytest_generate_tests(metafunc):
    """Parametrize ``global_random_seed`` over the seeds asked for."""
    if "global_random_seed" in metafunc.fixturenames:
        metafunc.parametrize("global_random_seed", _seeds())

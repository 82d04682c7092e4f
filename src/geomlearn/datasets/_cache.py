"""On-disk cache of generated data sets, keyed by every generator parameter."""

import hashlib
import json
import os
import tempfile
import zipfile
from numbers import Integral
from pathlib import Path

import numpy as np

# Bump when a recipe changes what a given set of parameters produces, so that
# stale files are not read back.
RECIPE_VERSION = 1


def get_data_home(data_home=None):
    """Return the folder of cached data sets, created if needed.

    ``data_home`` if given; otherwise ``$GEOMLEARN_DATA`` if set; otherwise
    ``geomlearn`` under ``$XDG_CACHE_HOME`` (default ``~/.cache``).
    """
    if data_home is None:
        data_home = os.environ.get("GEOMLEARN_DATA")
    if data_home is None:
        base = os.environ.get("XDG_CACHE_HOME") or Path("~", ".cache")
        data_home = Path(base, "geomlearn")
    path = Path(data_home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def cached_call(name, params, compute, *, cache, data_home):
    """Return ``compute()``, read from / written to the cache when possible.

    ``params`` (JSON-serialisable, including an int ``random_state``) names
    the data set; with ``random_state`` not an int (None or a RandomState)
    nothing is reproducible, so nothing is cached.
    """
    if not isinstance(cache, bool):
        raise TypeError(f"cache must be True or False; got {cache!r}.")
    random_state = params.get("random_state")
    if (
        not cache
        or not isinstance(random_state, Integral)
        or isinstance(random_state, bool)
    ):
        return compute()
    key = dict(params, random_state=int(random_state), recipe=RECIPE_VERSION)
    text = json.dumps({"generator": name, **key}, sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    folder = get_data_home(data_home) / "pde"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}_{digest}.npz"
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                if str(stored["params"]) == text:
                    return stored["X"], stored["y"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            pass  # unreadable or foreign file: regenerate and overwrite
    X, y = compute()
    # write to a temporary file then rename: readers never see a partial file
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".npz", delete=False) as f:
        np.savez(f, X=X, y=y, params=np.array(text))
    os.replace(f.name, path)
    return X, y

"""The lazy-import promise: light imports stay light, heavy names load on use."""

import importlib.util
import subprocess
import sys

import pytest

import geomlearn
from geomlearn.utils import MissingExtraError

HEAVY = ("torch", "torch_geometric", "e3nn", "gpytorch")
AREAS = ("clustering", "topology", "geometry", "pde", "datasets", "utils")


def _modules_after(statement):
    code = f"{statement}\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import geomlearn",
        "import geomlearn.clustering",
        "import geomlearn.topology",
        "import geomlearn.geometry",
        "import geomlearn.geometry.lie",
        "import geomlearn.pde",
        "import geomlearn.datasets",
        "import geomlearn.utils",
    ],
)
def test_light_imports_do_not_import_heavy_extras(statement):
    loaded = _modules_after(statement)
    assert not loaded & set(HEAVY), f"{statement!r} imported {loaded & set(HEAVY)}"


# Public names that need the torch extra, by design.
TORCH_BACKED = {"clustering": {"TELL", "nn"}, "topology": set()}


def test_clustering_and_topology_estimators_do_not_need_torch():
    names = []
    for area in ("clustering", "topology"):
        public = set(getattr(geomlearn, area).__all__)
        assert TORCH_BACKED[area] <= public
        names += [f"geomlearn.{area}.{n}" for n in sorted(public - TORCH_BACKED[area])]
    statement = "import geomlearn\n" + "\n".join(
        f"geomlearn.{name.split('.', 1)[1]}" for name in names
    )
    loaded = _modules_after(statement)
    assert not loaded & set(HEAVY)


def test_lie_groups_on_numpy_do_not_import_torch():
    # The groups dispatch on the input type; numpy inputs never reach torch.
    statement = (
        "import numpy as np\n"
        "from geomlearn.geometry import SO2, SE2, SO3, SE3, SE23, Rn\n"
        "for G in (SO2, SE2, SO3, SE3, SE23, Rn(3)):\n"
        "    X = G.random(4, random_state=0)\n"
        "    G.rplus(X, G.log(X), jacobians=True)\n"
        "    G.act(X, np.ones(G.act_size), jacobians=True)\n"
        "    G.to_matrix(X)\n"
        "SO3.to_scipy(SO3.random(2, random_state=0))"
    )
    loaded = _modules_after(statement)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_manifold_toolkit_does_not_import_torch():
    statement = (
        "import numpy as np\n"
        "from geomlearn.geometry import (knn_graph, radius_graph, tangent_frames,\n"
        "    parallel_transport, connection_laplacian, graph_laplacian,\n"
        "    laplacian_eigenpairs)\n"
        "X = np.random.default_rng(0).normal(size=(30, 3))\n"
        "G = knn_graph(X, 5)\n"
        "radius_graph(X, 1.0)\n"
        "F = tangent_frames(X, G, dim=2)\n"
        "L = connection_laplacian(G, parallel_transport(F, G))\n"
        "laplacian_eigenpairs(L, 3, solver='arpack', random_state=0)\n"
        "laplacian_eigenpairs(graph_laplacian(G), 3)"
    )
    loaded = _modules_after(statement)
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_discovery_lists_torch_estimators_only_when_torch_is_there():
    # all_estimators imports every estimator (that is its job), so it loads
    # torch when torch is installed and skips TELL cleanly when it is not.
    from geomlearn.utils import all_estimators

    names = {name for name, _ in all_estimators("cluster")}
    assert {"KMedoids", "CLARA", "CLARANS", "PPP"} <= names
    assert ("TELL" in names) == (importlib.util.find_spec("torch") is not None)


def test_import_geomlearn_does_not_import_areas():
    loaded = _modules_after("import geomlearn")
    assert not {f"geomlearn.{a}" for a in AREAS} & loaded
    assert "numba" not in loaded


@pytest.mark.parametrize("area", AREAS)
def test_every_public_name_resolves(area):
    module = getattr(geomlearn, area)
    assert sorted(module.__all__) == dir(module)
    for name in module.__all__:
        try:
            getattr(module, name)
        except MissingExtraError:
            continue  # an extra that is not installed: allowed, with a clear message


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = geomlearn.clustering.nope

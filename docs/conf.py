"""Sphinx configuration of the geomlearn site.

The API reference (``api.rst``) is generated at build time from the ``__all__``
of each subpackage, so a name appears in the docs as soon as it is exported.
Intersphinx first tries the projects' online inventories; where the build has
no network (CI), it falls back to inventories written here from the installed
packages, so cross-references to numpy, scipy, scikit-learn and torch resolve
offline too.
"""

import importlib
import inspect
import os
import warnings
import zlib
from datetime import date
from pathlib import Path

import geomlearn
from geomlearn.utils import MissingExtraError

HERE = Path(__file__).resolve().parent
os.environ.setdefault("MPLBACKEND", "Agg")

project = "geomlearn"
author = "the geomlearn developers"
copyright = f"{date.today().year}, {author}"
release = geomlearn.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "sphinx_design",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "sg_execution_times.rst"]
default_role = "literal"
autosummary_generate = True
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = {"GL01", "GL02", "GL03", "PR01", "PR02", "RT01", "SS01"}

html_theme = "pydata_sphinx_theme"
html_title = f"geomlearn {release}"
html_static_path = ["_static"]
html_css_files = ["custom.css"]
html_theme_options = {
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_sidebars = {"index": [], "install": []}

# --------------------------------------------------------------------------- gallery
EXAMPLE_AREAS = ["clustering", "topology", "geometry", "pde"]
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "subsection_order": [f"../examples/{area}" for area in EXAMPLE_AREAS],
    "within_subsection_order": "FileNameSortKey",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "doc_module": ("geomlearn",),
    "backreferences_dir": "generated/backreferences",
    "image_scrapers": ("matplotlib",),
    "remove_config_comments": True,
    "show_memory": False,
    "min_reported_time": 1,
}

# --------------------------------------------------------------------------- intersphinx
INVENTORY_DIR = HERE / "_build" / "inventories"

# name -> (online docs root, builder of (object name, role, relative uri) rows)
_ONLINE = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "scipy": "https://docs.scipy.org/doc/scipy/",
    "sklearn": "https://scikit-learn.org/stable/",
    "torch": "https://docs.pytorch.org/docs/stable/",
}


def _role(obj):
    if inspect.isclass(obj):
        return "py:exception" if issubclass(obj, BaseException) else "py:class"
    if callable(obj):
        return "py:function"
    if inspect.ismodule(obj):
        return "py:module"
    return "py:data"


def _public(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in dir(module) if not n.startswith("_")]
    for name in names:
        try:
            yield name, getattr(module, name)
        except (ImportError, AttributeError, RuntimeError):
            continue  # a lazily failing attribute (missing optional backend)


def _rows_for(project_name):
    """(full name, role, uri) rows for the objects of an installed project."""
    rows = []
    if project_name == "python":
        import builtins

        for name, obj in vars(builtins).items():
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                rows.append((name, "py:exception", f"library/exceptions.html#{name}"))
        return rows
    pattern = {
        "numpy": (
            "numpy",
            ["", "random", "linalg", "fft"],
            "reference/generated/{}.html#{}",
        ),
        "scipy": (
            "scipy",
            [
                "sparse",
                "sparse.linalg",
                "spatial",
                "linalg",
                "optimize",
                "stats",
                "special",
                "ndimage",
                "fft",
                "integrate",
                "interpolate",
                "sparse.csgraph",
            ],
            "reference/generated/{}.html#{}",
        ),
        "sklearn": (
            "sklearn",
            [
                "base",
                "cluster",
                "pipeline",
                "model_selection",
                "metrics",
                "utils",
                "utils.validation",
                "utils.estimator_checks",
                "preprocessing",
                "decomposition",
                "neighbors",
                "svm",
                "mixture",
                "datasets",
                "kernel_ridge",
                "gaussian_process",
                "linear_model",
                "manifold",
                "exceptions",
            ],
            "modules/generated/{}.html#{}",
        ),
        "torch": ("torch", ["", "nn", "optim", "autograd"], "generated/{}.html#{}"),
    }[project_name]
    root, submodules, uri = pattern
    for sub in submodules:
        module_name = f"{root}.{sub}" if sub else root
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                module = importlib.import_module(module_name)
        except ImportError:
            continue
        for name, obj in _public(module):
            if inspect.ismodule(obj):
                continue
            full = f"{module_name}.{name}"
            rows.append((full, _role(obj), uri.format(full, full)))
    return rows


def _write_inventory(project_name, path):
    lines = [
        f"{name} {role} 1 {uri} -"
        for name, role, uri in sorted(set(_rows_for(project_name)))
    ]
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project_name}\n# Version: \n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    path.write_bytes(header.encode() + zlib.compress("\n".join(lines).encode() + b"\n"))


def _intersphinx_mapping():
    INVENTORY_DIR.mkdir(parents=True, exist_ok=True)
    mapping = {}
    for name, url in _ONLINE.items():
        local = INVENTORY_DIR / f"{name}.inv"
        if not local.exists():
            _write_inventory(name, local)
        mapping[name] = (url, (None, str(local)))
    return mapping


intersphinx_mapping = _intersphinx_mapping()
intersphinx_timeout = 5

# --------------------------------------------------------------------------- API page
API_SECTIONS = [
    ("clustering", "Clustering", "k-medoids family, PPP, TELL."),
    ("clustering.nn", "Clustering layers", "torch modules for your own loops."),
    ("topology", "Topology", "Persistent homology and its vectorizations."),
    ("geometry", "Geometry", "Lie groups, manifolds, vector fields, equivariant nets."),
    ("pde", "PDE", "Reference solvers, neural operators, neural fields, PINNs."),
    ("geometry.nn", "Geometry layers", "Equivariant torch modules."),
    ("pde.nn", "PDE layers", "torch modules of the neural operators."),
    ("datasets", "Datasets", "Deterministic data generators."),
    ("utils", "Utilities", "Validation, optional imports, discovery, torch helpers."),
    (
        "utils.estimator_checks",
        "Estimator checks",
        "Test kits for the geomlearn contract.",
    ),
    ("demo", "Tour", "The showcase registry behind ``make demo``."),
]


def _write_api_page():
    out = [
        ".. This file is generated by docs/conf.py from each subpackage's __all__.",
        "",
        ".. _api:",
        "",
        "API reference",
        "=============",
        "",
    ]
    for module_name, title, blurb in API_SECTIONS:
        module = importlib.import_module(f"geomlearn.{module_name}")
        names = []
        for name in module.__all__:
            try:
                obj = getattr(module, name)
            except MissingExtraError:
                names.append(name)  # documented all the same: autodoc needs the extra
                continue
            if not inspect.ismodule(obj):
                names.append(name)
        out += [f":mod:`geomlearn.{module_name}`: {title}", "-" * 80, "", blurb, ""]
        out += [
            f".. automodule:: geomlearn.{module_name}",
            "   :no-members:",
            "   :no-index:",
            "",
            f".. currentmodule:: geomlearn.{module_name}",
            "",
        ]
        if not names:
            out += [
                "Nothing is exported here yet; see the :doc:`roadmap <roadmap>`.",
                "",
            ]
            continue
        classes = [n for n in names if inspect.isclass(getattr(module, n, None))]
        functions = [n for n in names if n not in classes]
        for label, group, template in (
            ("Classes", classes, "class.rst"),
            ("Functions", functions, "function.rst"),
        ):
            if not group:
                continue
            out += [
                f".. rubric:: {label}",
                "",
                ".. autosummary::",
                "   :toctree: generated/",
                f"   :template: {template}",
                "",
            ]
            out += [f"   {name}" for name in group] + [""]
    text = "\n".join(out)
    path = HERE / "api.rst"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)


_write_api_page()

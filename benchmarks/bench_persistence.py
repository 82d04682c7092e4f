"""Persistence diagrams and their vectorizations: geomlearn against gudhi.

Every contender gets the same data in the same process. Answers are compared
with the other side's answer on the same data (computed untimed if that side
has not run yet), after converting gudhi's output to geomlearn's scale where
the two libraries use different conventions; so the quality column is the
same number for both sides, and 0 (up to rounding) means the same answer.

Rips overhead (``persistence_rips``): ``RipsPersistence(homology_dimensions=
(0, 1))`` (default backend gudhi, coefficients Z/2) on 50 seeded Gaussian
clouds of 1000 points in R^3, against the direct call it wraps per sample:
``gudhi.sklearn.RipsPersistence(homology_dimensions=[0, 1],
homology_coeff_field=2, n_jobs=1)`` fitted and applied to the whole
collection. The ratio is our overhead (target: at most 1.05). Quality: the
largest bottleneck distance between the two answers' diagrams (H0 and H1)
over the collection; the total number of H1 bars is shown as a checksum.
Runs take about half a minute each, so there is no warm-up (there is nothing
to compile; the data maker imports gudhi so that no timed call pays for it).

Rips against ripser.py (``persistence_rips_vs_ripser``): the same call of
ours (gudhi backend) against ``ripser.ripser(cloud, maxdim=1)`` in a loop on
10 of the clouds: the measurement behind the choice of the default backend.

Cubical overhead (``persistence_cubical``): ``CubicalPersistence()`` on the
1797 8x8 digits of scikit-learn against the gudhi call it wraps, on the whole
collection: many tiny samples, where a fixed cost per call would show.

Rips threads (``persistence_rips_n_jobs``): our ``RipsPersistence(n_jobs=2)``
against our ``RipsPersistence(n_jobs=1)`` on the same clouds; here the ratio
is the inverse of the speed-up of joblib threads over the samples (gudhi
releases the GIL). The answers must be identical.

Vectorizers (``persistence_landscape``, ``_image``, ``_betti_curve``,
``_silhouette``, ``_entropy``): ``fit_transform`` on 1000 seeded random
diagrams (30 to 70 finite bars each, births uniform in [0, 1], lengths
exponential), and on 1000 diagrams of 300 to 700 bars to separate the cost
per diagram from the cost per bar, with the same explicit sample ranges on
both sides:

- ``PersistenceLandscape(n_layers=5, resolution=100)`` vs gudhi's
  ``Landscape(num_landscapes=5, resolution=100)``; gudhi multiplies the
  tents by sqrt(2) (a tent's peak is then the Euclidean distance of its point
  to the diagonal), so its output is divided by sqrt(2).
- ``PersistenceImage(weight="constant", resolution=(20, 20))`` vs gudhi's
  ``PersistenceImage`` (constant weight by default): the same image.
- ``BettiCurve(resolution=100)`` vs gudhi's ``BettiCurve``: the same counts.
- ``PersistenceSilhouette(power=1)`` vs gudhi's ``Silhouette(weight=lambda
  p: p[1] - p[0])``; gudhi's output is divided by sqrt(2) as for landscapes.
- ``PersistenceEntropy()`` vs gudhi's ``Entropy()`` (scalar mode): the same.

Kernels, Gram matrix of ``fit_transform`` on the first diagrams of the set
above:

- ``persistence_sliced_wasserstein_kernel``: 300 diagrams,
  ``SlicedWassersteinKernel(n_directions=10, bandwidth=s)`` vs gudhi's
  ``SlicedWassersteinKernel(num_directions=11, bandwidth=2 s^2)``; both are
  ``exp(-SW / (2 s^2))`` with ``SW`` the mean over 10 lines of the 1-D
  Wasserstein distance of the projections. The difference is not 0 because
  the lines differ: ours are at the angles ``-pi/2 + k pi/10``, k = 0..9,
  evenly covering the half-turn; gudhi takes
  ``linspace(-pi/2, pi/2, 11, endpoint=False)`` and drops the last angle, so
  its 10 lines are ``-pi/2 + k pi/11`` and leave the sector
  ``[-pi/2 + 10 pi/11, pi/2)`` unsampled. Both are quadratures of the same
  integral over directions with different nodes; the quality column is the
  size of that discretisation difference, not an error of either side.
- ``persistence_scale_space_kernel``: 150 diagrams,
  ``PersistenceScaleSpaceKernel(bandwidth=s)`` vs gudhi's
  ``PersistenceScaleSpaceKernel(bandwidth=2 sqrt(s))``, whose values times
  ``sqrt(2 pi) 2 sqrt(s) / (8 pi s)`` are ours (gudhi normalises its
  Gaussians in one dimension and sums over points and mirror images).

numba kernels compile during the untimed warm-up. gudhi's vector methods and
kernels run single-threaded here (its kernels' ``n_jobs=None``), ours too.
"""

import numpy as np

from geomlearn.topology import (
    BettiCurve,
    CubicalPersistence,
    PersistenceEntropy,
    PersistenceImage,
    PersistenceLandscape,
    PersistenceScaleSpaceKernel,
    PersistenceSilhouette,
    RipsPersistence,
    SlicedWassersteinKernel,
)
from geomlearn.utils import import_optional
from harness import Benchmark, Case

SQRT2 = np.sqrt(2.0)
SW_BANDWIDTH = 1.0  # kernel values spread over about [0.05, 0.35] on these diagrams
PSSK_BANDWIDTH = 0.01  # heat-kernel scale sqrt(8 s) ~ 0.28, about one bar length
IMAGE_BANDWIDTH = 0.1


def _gudhi(module="gudhi"):
    return import_optional(module, extra="tda", caller="benchmarks/bench_persistence")


def _side_by_side(run_ours, run_peer, distance, *, peer_to_ours=None):
    """Callables for the harness that can compare their answers.

    Each callable returns ``(side, answer)`` and remembers its answer in
    ``data["answers"]``. The quality compares an answer with the other
    side's latest one on the same data (running that side untimed if it has
    not run yet), after ``peer_to_ours`` converts the peer's answer to our
    conventions.
    """
    runners = {"ours": run_ours, "peer": run_peer}
    convert = {"ours": lambda a: a, "peer": peer_to_ours or (lambda a: a)}

    def contender(side):
        def run(data):
            answer = runners[side](data)
            data["answers"][side] = answer
            return side, answer

        return run

    def quality(data, tagged):
        side, answer = tagged
        other = "peer" if side == "ours" else "ours"
        if other not in data["answers"]:
            data["answers"][other] = runners[other](data)
        return distance(convert[side](answer), convert[other](data["answers"][other]))

    return contender("ours"), contender("peer"), quality


def _max_abs_difference(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


# ----------------------------------------------------------------- Rips


def _clouds(n_clouds, n_points, seed=0):
    def make():
        _gudhi("gudhi.sklearn")  # imported here, so that no timed call pays for it
        rng = np.random.default_rng(seed)
        return {
            "clouds": [rng.normal(size=(n_points, 3)) for _ in range(n_clouds)],
            "answers": {},
        }

    return make


def _rips_cases():
    return [
        Case("quick: 4 clouds x 100 points", _clouds(4, 100), quick=True),
        Case("50 clouds x 1000 points in R^3", _clouds(50, 1000)),
    ]


def ours_rips(data, n_jobs=None):
    return RipsPersistence(homology_dimensions=(0, 1), n_jobs=n_jobs).fit_transform(
        data["clouds"]
    )


def gudhi_rips(data):
    rips = _gudhi("gudhi.sklearn").RipsPersistence(
        homology_dimensions=[0, 1], homology_coeff_field=2, n_jobs=1
    )
    return rips.fit(data["clouds"]).transform(data["clouds"])


def _same_bars(da, db):
    """Whether two diagrams hold the same bars, in any order."""
    if da.shape != db.shape:
        return False
    return np.array_equal(
        da[np.lexsort(da.T[::-1])], db[np.lexsort(db.T[::-1])], equal_nan=True
    )


def max_bottleneck(a, b):
    """Largest bottleneck distance between matching diagrams of two answers.

    Identical bars are at distance 0 without calling gudhi's exact bottleneck
    distance, which takes about 0.3 s on an H0 diagram of 1000 bars.
    """
    gudhi = _gudhi()
    return max(
        0.0 if _same_bars(da, db) else gudhi.bottleneck_distance(da, db, 0.0)
        for sample_a, sample_b in zip(a, b, strict=True)
        for da, db in zip(sample_a, sample_b, strict=True)
    )


def h1_bars(data, tagged):
    _, answer = tagged
    return {"H1 bars": sum(len(sample[1]) for sample in answer)}


_rips_ours, _rips_peer, _rips_quality = _side_by_side(
    ours_rips, gudhi_rips, max_bottleneck
)
_jobs_ours, _jobs_peer, _jobs_quality = _side_by_side(
    lambda data: ours_rips(data, n_jobs=2),
    lambda data: ours_rips(data, n_jobs=1),
    max_bottleneck,
)

RIPS_QUALITY = (
    "largest bottleneck distance (H0, H1) to the other side's diagrams over "
    "the collection (0 = same answer)"
)


def ripser_rips(data):
    ripser = import_optional("ripser", extra="tda", caller="benchmarks")
    return [ripser.ripser(cloud, maxdim=1)["dgms"] for cloud in data["clouds"]]


def _ripser_cases():
    return [
        Case("quick: 4 clouds x 100 points", _clouds(4, 100), quick=True),
        Case("10 clouds x 1000 points in R^3", _clouds(10, 1000)),
    ]


_vs_ripser_ours, _vs_ripser_peer, _vs_ripser_quality = _side_by_side(
    ours_rips, ripser_rips, max_bottleneck
)


def _digits():
    from sklearn.datasets import load_digits

    _gudhi("gudhi.sklearn")
    return {"images": load_digits().images, "answers": {}}


def _digits_quick():
    data = _digits()
    data["images"] = data["images"][:50]
    return data


def ours_cubical(data):
    return CubicalPersistence().fit_transform(data["images"])


def gudhi_cubical(data):
    cubical = _gudhi("gudhi.sklearn").CubicalPersistence(
        homology_dimensions=[0, 1], homology_coeff_field=2, n_jobs=1
    )
    return cubical.fit(data["images"]).transform(data["images"])


_cub_ours, _cub_peer, _cub_quality = _side_by_side(
    ours_cubical, gudhi_cubical, max_bottleneck
)


RIPS = [
    Benchmark(
        name="persistence_rips_vs_ripser",
        description=(
            "Why gudhi is RipsPersistence's default backend: geomlearn "
            "RipsPersistence(homology_dimensions=(0, 1)) (gudhi's Ripser fork "
            "with edge collapse) vs ripser.py's ripser(cloud, maxdim=1) in a loop, "
            "the usual way to get diagrams of a collection with ripser.py. Same "
            "Gaussian clouds, Z/2."
        ),
        ours=_vs_ripser_ours,
        peer=_vs_ripser_peer,
        quality=_vs_ripser_quality,
        quality_name=RIPS_QUALITY,
        cases=_ripser_cases(),
        ours_label="geomlearn RipsPersistence",
        peer_label="ripser.py loop",
        peer_module="ripser",
        repeats=3,
        warmup=False,
        details=h1_bars,
    ),
    Benchmark(
        name="persistence_cubical",
        description=(
            "Sublevel cubical persistence (H0, H1, Z/2) of the 1797 8x8 images of "
            "scikit-learn's digits: geomlearn CubicalPersistence() vs the direct "
            "call it wraps, gudhi.sklearn.CubicalPersistence(homology_dimensions="
            "[0, 1], homology_coeff_field=2, n_jobs=1) on the whole collection; "
            "the ratio is our overhead on many tiny samples."
        ),
        ours=_cub_ours,
        peer=_cub_peer,
        quality=_cub_quality,
        quality_name=RIPS_QUALITY.replace("collection", "images"),
        cases=[
            Case("quick: 50 digits", _digits_quick, quick=True),
            Case("1797 digits, 8 x 8", _digits),
        ],
        ours_label="geomlearn CubicalPersistence",
        peer_label="gudhi.sklearn CubicalPersistence",
        peer_module="gudhi",
        repeats=5,
        warmup=True,
    ),
    Benchmark(
        name="persistence_rips",
        description=(
            "Vietoris-Rips H0 and H1 of each cloud of a collection (Z/2, no "
            "threshold): geomlearn RipsPersistence(homology_dimensions=(0, 1)), "
            "gudhi backend, vs the direct call it wraps, gudhi.sklearn."
            "RipsPersistence(homology_dimensions=[0, 1], homology_coeff_field=2, "
            "n_jobs=1).fit(clouds).transform(clouds); the ratio is our overhead."
        ),
        ours=_rips_ours,
        peer=_rips_peer,
        quality=_rips_quality,
        quality_name=RIPS_QUALITY,
        cases=_rips_cases(),
        ours_label="geomlearn RipsPersistence",
        peer_label="gudhi.sklearn RipsPersistence",
        peer_module="gudhi",
        repeats=3,
        warmup=False,
        details=h1_bars,
    ),
    Benchmark(
        name="persistence_rips_n_jobs",
        description=(
            "Threads over the samples: geomlearn RipsPersistence(homology_"
            "dimensions=(0, 1), n_jobs=2) vs the same with n_jobs=1, same "
            "clouds; the ratio is 1 / speed-up."
        ),
        ours=_jobs_ours,
        peer=_jobs_peer,
        quality=_jobs_quality,
        quality_name=RIPS_QUALITY,
        cases=_rips_cases(),
        ours_label="RipsPersistence(n_jobs=2)",
        peer_label="RipsPersistence(n_jobs=1)",
        peer_module="gudhi",  # what both sides need
        repeats=3,
        warmup=False,
        details=h1_bars,
    ),
]

# ---------------------------------------------------------- vectorizers


def _diagrams(n_diagrams, min_bars, max_bars, seed=0):
    """Random finite diagrams; ranges that contain every one of them."""

    def make():
        rng = np.random.default_rng(seed)
        diagrams = []
        for _ in range(n_diagrams):
            n = rng.integers(min_bars, max_bars + 1)
            births = rng.uniform(0.0, 1.0, n)
            lengths = rng.exponential(0.3, n) + 1e-3
            diagrams.append(np.c_[births, births + lengths])
        return {
            "diagrams": diagrams,
            "range": (0.0, max(float(d[:, 1].max()) for d in diagrams)),
            "max_persistence": max(float(np.ptp(d, axis=1).max()) for d in diagrams),
            "answers": {},
        }

    return make


VECTOR_CASES = [
    Case("quick: 20 diagrams, 5-15 bars", _diagrams(20, 5, 15), quick=True),
    Case("1000 diagrams, 30-70 bars", _diagrams(1000, 30, 70)),
    Case("1000 diagrams, 300-700 bars", _diagrams(1000, 300, 700, seed=1)),
]


def _sample_range(data):
    return data["range"]


def _im_range(data):
    return (0.0, 1.0, 0.0, data["max_persistence"])


def _vectorizer(name, labels, ours, peer, description, *, peer_to_ours=None):
    run_ours, run_peer, quality = _side_by_side(
        lambda data: ours(data).fit_transform(data["diagrams"]),
        lambda data: peer(data).fit_transform(data["diagrams"]),
        _max_abs_difference,
        peer_to_ours=peer_to_ours,
    )
    return Benchmark(
        name=f"persistence_{name}",
        description=description,
        ours=run_ours,
        peer=run_peer,
        quality=quality,
        quality_name=(
            "largest absolute difference from the other side's features"
            + (" (gudhi's divided by sqrt(2))" if peer_to_ours else "")
        ),
        cases=VECTOR_CASES,
        ours_label=f"geomlearn {labels[0]}",
        peer_label=f"gudhi {labels[1]}",
        peer_module="gudhi",
        repeats=5,
    )


def _representations():
    return _gudhi("gudhi.representations")


VECTORIZERS = [
    _vectorizer(
        "landscape",
        ("PersistenceLandscape", "Landscape"),
        lambda d: PersistenceLandscape(
            n_layers=5, resolution=100, sample_range=_sample_range(d)
        ),
        lambda d: _representations().Landscape(
            num_landscapes=5, resolution=100, sample_range=list(_sample_range(d))
        ),
        "Persistence landscapes, 5 layers x 100 samples, fit_transform: geomlearn "
        "PersistenceLandscape vs gudhi.representations.Landscape (same range).",
        peer_to_ours=lambda a: a / SQRT2,
    ),
    _vectorizer(
        "image",
        ("PersistenceImage", "PersistenceImage"),
        lambda d: PersistenceImage(
            bandwidth=IMAGE_BANDWIDTH,
            resolution=(20, 20),
            weight="constant",
            im_range=_im_range(d),
        ),
        lambda d: _representations().PersistenceImage(
            bandwidth=IMAGE_BANDWIDTH, resolution=[20, 20], im_range=list(_im_range(d))
        ),
        f"Persistence images 20 x 20, bandwidth {IMAGE_BANDWIDTH}, constant weight, "
        "fit_transform: geomlearn PersistenceImage vs "
        "gudhi.representations.PersistenceImage (same range).",
    ),
    _vectorizer(
        "betti_curve",
        ("BettiCurve", "BettiCurve"),
        lambda d: BettiCurve(resolution=100, sample_range=_sample_range(d)),
        lambda d: _representations().BettiCurve(
            resolution=100, sample_range=list(_sample_range(d))
        ),
        "Betti curves, 100 samples, fit_transform: geomlearn BettiCurve vs "
        "gudhi.representations.BettiCurve (same range).",
    ),
    _vectorizer(
        "silhouette",
        ("PersistenceSilhouette", "Silhouette"),
        lambda d: PersistenceSilhouette(
            power=1, resolution=100, sample_range=_sample_range(d)
        ),
        lambda d: _representations().Silhouette(
            weight=lambda p: p[1] - p[0],
            resolution=100,
            sample_range=list(_sample_range(d)),
        ),
        "Silhouettes weighted by bar length, 100 samples, fit_transform: geomlearn "
        "PersistenceSilhouette(power=1) vs gudhi.representations.Silhouette("
        "weight=lambda p: p[1] - p[0]) (same range).",
        peer_to_ours=lambda a: a / SQRT2,
    ),
    _vectorizer(
        "entropy",
        ("PersistenceEntropy", "Entropy"),
        lambda d: PersistenceEntropy(),
        lambda d: _representations().Entropy(),
        "Persistence entropy (one number per diagram), fit_transform: geomlearn "
        "PersistenceEntropy vs gudhi.representations.Entropy (scalar mode).",
    ),
]

# -------------------------------------------------------------- kernels


def _first(n_diagrams, n_quick):
    full = _diagrams(1000, 30, 70)
    quick = _diagrams(20, 5, 15)

    def make(source, n):
        def cut():
            data = source()
            data["diagrams"] = data["diagrams"][:n]
            return data

        return cut

    return [
        Case(f"quick: {n_quick} diagrams, 5-15 bars", make(quick, n_quick), quick=True),
        Case(f"{n_diagrams} diagrams, 30-70 bars", make(full, n_diagrams)),
    ]


def _pssk_to_ours(gram):
    s = PSSK_BANDWIDTH
    return gram * np.sqrt(2 * np.pi) * 2 * np.sqrt(s) / (8 * np.pi * s)


_sw_ours, _sw_peer, _sw_quality = _side_by_side(
    lambda data: SlicedWassersteinKernel(
        n_directions=10, bandwidth=SW_BANDWIDTH
    ).fit_transform(data["diagrams"]),
    lambda data: (
        _representations()
        .SlicedWassersteinKernel(num_directions=11, bandwidth=2 * SW_BANDWIDTH**2)
        .fit_transform(data["diagrams"])
    ),
    _max_abs_difference,
)
_pssk_ours, _pssk_peer, _pssk_quality = _side_by_side(
    lambda data: PersistenceScaleSpaceKernel(bandwidth=PSSK_BANDWIDTH).fit_transform(
        data["diagrams"]
    ),
    lambda data: (
        _representations()
        .PersistenceScaleSpaceKernel(bandwidth=2 * np.sqrt(PSSK_BANDWIDTH))
        .fit_transform(data["diagrams"])
    ),
    _max_abs_difference,
    peer_to_ours=_pssk_to_ours,
)

KERNELS = [
    Benchmark(
        name="persistence_sliced_wasserstein_kernel",
        description=(
            f"Sliced Wasserstein Gram matrix, 10 lines, exp(-SW / (2 s^2)) with "
            f"s = {SW_BANDWIDTH}, fit_transform: geomlearn SlicedWassersteinKernel("
            f"n_directions=10, bandwidth=s) vs gudhi.representations."
            f"SlicedWassersteinKernel(num_directions=11, bandwidth=2 s^2). The "
            f"10 lines are at different angles (see the module docstring), so "
            f"the Gram matrices differ by the discretisation, not by 0."
        ),
        ours=_sw_ours,
        peer=_sw_peer,
        quality=_sw_quality,
        quality_name="largest absolute difference from the other side's Gram matrix",
        cases=_first(300, 20),
        ours_label="geomlearn SlicedWassersteinKernel",
        peer_label="gudhi SlicedWassersteinKernel",
        peer_module="gudhi",
        repeats=3,
    ),
    Benchmark(
        name="persistence_scale_space_kernel",
        description=(
            f"Persistence scale-space Gram matrix, s = {PSSK_BANDWIDTH}, "
            f"fit_transform: geomlearn PersistenceScaleSpaceKernel(bandwidth=s) vs "
            f"gudhi.representations.PersistenceScaleSpaceKernel(bandwidth="
            f"2 sqrt(s)), whose values times sqrt(2 pi) 2 sqrt(s) / (8 pi s) are "
            f"ours (values here up to about 2500)."
        ),
        ours=_pssk_ours,
        peer=_pssk_peer,
        quality=_pssk_quality,
        quality_name=(
            "largest absolute difference from the other side's Gram matrix "
            "(gudhi's rescaled)"
        ),
        cases=_first(150, 20),
        ours_label="geomlearn PersistenceScaleSpaceKernel",
        peer_label="gudhi PersistenceScaleSpaceKernel",
        peer_module="gudhi",
        repeats=3,
    ),
]

BENCHMARKS = [*RIPS, *VECTORIZERS, *KERNELS]

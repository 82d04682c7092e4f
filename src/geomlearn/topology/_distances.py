"""Distances between persistence diagrams.

Single pairs go to gudhi's exact bottleneck algorithm and to Hera's
Wasserstein solver (bundled with gudhi); collections go through
:func:`pairwise_diagram_distances`, whose matrix feeds
``KMedoids(metric="precomputed")`` or a kernel.

Bars that never die are matched among themselves, as the distances are
defined: two diagrams with different numbers of such bars (per degree and
per sign of infinity) are at distance ``inf``. Superlevel diagrams (births
above deaths) are compared like sublevel ones; comparing a sublevel diagram
with a superlevel one is an error.
"""

from numbers import Real

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs

from geomlearn.topology import _diagram_kernels as dk
from geomlearn.topology._base import gudhi_module
from geomlearn.topology._diagram_base import check_positive_int
from geomlearn.utils._optional import import_optional
from geomlearn.utils.validation import check_diagrams

__all__ = [
    "bottleneck_distance",
    "pairwise_diagram_distances",
    "sliced_wasserstein_distance",
    "wasserstein_distance",
]


def _orientation(dgm, name):
    """+1 for a sublevel diagram (births below deaths), -1 for superlevel, 0 empty."""
    up = (dgm[:, 1] > dgm[:, 0]).any()
    down = (dgm[:, 1] < dgm[:, 0]).any()
    if up and down:
        raise ValueError(
            f"{name} mixes bars with births below and above their deaths; a "
            f"diagram comes from a sublevel or a superlevel filtration, not both."
        )
    return 1 if up else (-1 if down else 0)


def _pair(diagram1, diagram2):
    """Validate two samples (one diagram each or one list per degree each).

    Superlevel diagrams (births above deaths) are negated, which maps them to
    sublevel ones at the same distances, as the distance algorithms expect.
    """
    (a,) = check_diagrams([diagram1], input_name="diagram1")
    (b,) = check_diagrams([diagram2], input_name="diagram2")
    if len(a) != len(b):
        raise ValueError(
            f"diagram1 holds {len(a)} diagram(s) (degrees) and diagram2 {len(b)}; "
            f"they must hold the same degrees."
        )
    for k, (x, y) in enumerate(zip(a, b, strict=True)):
        ox = _orientation(x, f"diagram1 (degree position {k})")
        oy = _orientation(y, f"diagram2 (degree position {k})")
        if ox * oy < 0:
            raise ValueError(
                f"degree position {k}: one diagram is sublevel (births below "
                f"deaths) and the other superlevel; they cannot be compared."
            )
        if min(ox, oy) < 0:
            a[k], b[k] = -x, -y
    return a, b


def _check_nonnegative(value, name):
    if not isinstance(value, Real) or isinstance(value, bool) or not value >= 0:
        raise ValueError(f"{name} must be a non-negative number; got {value!r}.")
    return float(value)


def _bottleneck(a, b, delta):
    gudhi = gudhi_module("bottleneck_distance")
    return float(gudhi.bottleneck_distance(a, b, delta if delta > 0 else 0.0))


def bottleneck_distance(diagram1, diagram2, *, delta=0.0):
    """Bottleneck distance between two persistence diagrams.

    The smallest ``eps`` such that some matching of the points of the two
    diagrams, where points may also be matched to the diagonal, moves no
    point by more than ``eps`` in the sup-norm.

    Parameters
    ----------
    diagram1, diagram2 : array-like of shape (n_bars, 2), or list of them
        Two diagrams, or two lists with one diagram per homology degree (then
        the distance is the largest over degrees, since points of different
        degrees are never matched).
    delta : float, default=0.0
        Allowed additive error; 0 runs gudhi's exact algorithm, a positive
        value its faster approximation (within about ``delta`` of the exact
        distance).

    Returns
    -------
    distance : float
        The distance (``inf`` when the numbers of infinite bars differ).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import bottleneck_distance
    >>> bottleneck_distance(np.array([[0.0, 1.0]]), np.array([[0.0, 1.2]]))
    0.2
    """
    delta = _check_nonnegative(delta, "delta")
    a, b = _pair(diagram1, diagram2)
    return max(_bottleneck(x, y, delta) for x, y in zip(a, b, strict=True))


def _wasserstein(a, b, order, internal_p, delta):
    hera = import_optional("gudhi.hera", extra="tda", caller="wasserstein_distance")
    if a.shape[0] == 0 and b.shape[0] == 0:
        return 0.0
    return float(
        hera.wasserstein_distance(a, b, order=order, internal_p=internal_p, delta=delta)
    )


def wasserstein_distance(
    diagram1, diagram2, *, order=1.0, internal_p=np.inf, delta=0.01
):
    """Wasserstein distance of order q between two persistence diagrams.

    ``(min over matchings of sum ||p - m(p)||^q)^(1/q)``, where unmatched
    points go to their nearest point on the diagonal and ``||.||`` is the
    ``internal_p`` norm. Computed by Hera's auction algorithm (bundled with
    gudhi).

    Parameters
    ----------
    diagram1, diagram2 : array-like of shape (n_bars, 2), or list of them
        Two diagrams, or two lists with one diagram per homology degree (then
        the distance is ``(sum_k W_k^q)^(1/q)``, the distance between the
        degree-labelled diagrams, where points of different degrees are never
        matched).
    order : float, default=1.0
        The exponent ``q >= 1``.
    internal_p : float, default=inf
        The ground norm between points: ``inf`` (sup-norm, the usual choice
        in stability theorems), 2 (Euclidean) or any ``p >= 1``.
    delta : float, default=0.01
        Relative error of the auction algorithm: the result lies within a
        factor ``1 + delta`` of the exact distance.

    Returns
    -------
    distance : float
        The distance (``inf`` when the numbers of infinite bars differ).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import wasserstein_distance
    >>> a = np.array([[0.0, 1.0], [0.0, 2.0]])
    >>> b = np.array([[0.0, 2.0]])
    >>> round(wasserstein_distance(a, b), 6)  # [0, 1] goes to the diagonal
    0.5
    """
    if not isinstance(order, Real) or isinstance(order, bool) or not order >= 1:
        raise ValueError(f"order must be a number >= 1; got {order!r}.")
    if (
        not isinstance(internal_p, Real)
        or isinstance(internal_p, bool)
        or not (internal_p >= 1)
    ):
        raise ValueError(f"internal_p must be >= 1 (or inf); got {internal_p!r}.")
    if not isinstance(delta, Real) or isinstance(delta, bool) or not delta > 0:
        raise ValueError(f"delta must be a positive number; got {delta!r}.")
    a, b = _pair(diagram1, diagram2)
    parts = [
        _wasserstein(x, y, float(order), float(internal_p), float(delta))
        for x, y in zip(a, b, strict=True)
    ]
    if len(parts) == 1:
        return parts[0]
    return float(sum(p**order for p in parts) ** (1.0 / order))


def sliced_wasserstein_distance(diagram1, diagram2, *, n_directions=10):
    """Sliced Wasserstein distance between two persistence diagrams.

    The mean over ``n_directions`` lines of the 1-D Wasserstein-1 distance
    between the projections of each diagram augmented with the diagonal
    projections of the other (Carriere et al., 2017). It is at most twice the
    1-Wasserstein distance with Euclidean ground metric. Infinite bars must
    be removed or clipped first (the kernel classes do it).

    Parameters
    ----------
    diagram1, diagram2 : array-like of shape (n_bars, 2), or list of them
        Two diagrams with finite deaths, or two lists with one per degree
        (then the distances add up).
    n_directions : int, default=10
        Number of lines, at angles evenly spaced in [-pi/2, pi/2).

    Returns
    -------
    distance : float
        The distance.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import sliced_wasserstein_distance
    >>> a = np.array([[0.0, 1.0]])
    >>> sliced_wasserstein_distance(a, a)
    0.0
    """
    check_positive_int(n_directions, "n_directions")
    a, b = _pair(diagram1, diagram2)
    return float(
        sum(
            _sw_matrix([x], [y], n_directions, None)[0, 0]
            for x, y in zip(a, b, strict=True)
        )
    )


def _sw_matrix(diagrams1, diagrams2, n_directions, n_jobs, symmetric=False):
    from geomlearn.topology._kernels import gram_blocks

    for d in (*diagrams1, *diagrams2):
        if not np.isfinite(d).all():
            raise ValueError(
                "the sliced Wasserstein distance needs finite diagrams; drop or "
                "clip the bars that never die first."
            )
    lines = dk.directions(n_directions)
    x1, off1 = dk.flatten(diagrams1)
    x2, off2 = dk.flatten(diagrams2)
    p1, q1 = dk.sorted_projections(x1, off1, lines)
    p2, q2 = dk.sorted_projections(x2, off2, lines)
    return gram_blocks(
        dk.sw_block,
        (p1, q1, off1, p2, q2, off2),
        len(diagrams1),
        len(diagrams2),
        n_jobs,
        symmetric,
    )


_METRICS = ("bottleneck", "wasserstein", "sliced_wasserstein")


def pairwise_diagram_distances(
    X, Y=None, *, metric="bottleneck", n_jobs=None, **params
):
    """Distance matrix between two collections of persistence diagrams.

    Parameters
    ----------
    X : list of array-like of shape (n_bars, 2), or list of list of them
        Diagrams, one entry per sample (one diagram or one per degree).
    Y : list, default=None
        Second collection, with the same degrees; ``None`` means ``X`` (and
        only half of the symmetric matrix is computed).
    metric : {"bottleneck", "wasserstein", "sliced_wasserstein"}, default="bottleneck"
        The distance; degrees combine as in :func:`bottleneck_distance`,
        :func:`wasserstein_distance` and :func:`sliced_wasserstein_distance`.
    n_jobs : int, default=None
        Threads over rows (gudhi and the numba kernels release the GIL).
    **params : dict
        Keyword arguments of the distance function (``delta``, ``order``,
        ``internal_p``, ``n_directions``).

    Returns
    -------
    D : ndarray of shape (n_samples_X, n_samples_Y)
        The distances.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import pairwise_diagram_distances
    >>> dgms = [np.array([[0.0, 1.0]]), np.array([[0.0, 1.5]]), np.empty((0, 2))]
    >>> pairwise_diagram_distances(dgms)
    array([[0.  , 0.5 , 0.5 ],
           [0.5 , 0.  , 0.75],
           [0.5 , 0.75, 0.  ]])
    """
    if metric not in _METRICS:
        raise ValueError(f"metric must be one of {list(_METRICS)}; got {metric!r}.")
    A = check_diagrams(X)
    B = A if Y is None else check_diagrams(Y, n_degrees=len(A[0]), input_name="Y")
    if Y is not None and len(B[0]) != len(A[0]):
        raise ValueError("X and Y must hold the same number of degrees.")
    if metric == "sliced_wasserstein":
        n_directions = check_positive_int(
            params.pop("n_directions", 10), "n_directions"
        )
        if params:
            raise TypeError(f"unexpected parameters for {metric}: {sorted(params)}.")
        return sum(
            _sw_matrix(
                [s[k] for s in A],
                [s[k] for s in B],
                n_directions,
                n_jobs,
                symmetric=Y is None,
            )
            for k in range(len(A[0]))
        )
    function = bottleneck_distance if metric == "bottleneck" else wasserstein_distance
    function(A[0], B[0], **params)  # validates the parameters once
    symmetric = Y is None

    def row(i):
        start = i + 1 if symmetric else 0
        return i, [function(A[i], B[j], **params) for j in range(start, len(B))]

    D = np.zeros((len(A), len(B)))
    workers = 1 if n_jobs == 1 else effective_n_jobs(n_jobs)
    results = (
        [row(i) for i in range(len(A))]
        if workers == 1
        else Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(row)(i) for i in range(len(A))
        )
    )
    for i, values in results:
        if symmetric:
            D[i, i + 1 :] = values
            D[i + 1 :, i] = values
        else:
            D[i] = values
    return D

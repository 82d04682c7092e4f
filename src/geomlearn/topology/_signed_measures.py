"""Signed measures of multiparameter filtrations, and their vectorizations.

The Hilbert function of degree ``d`` counts the ``d``-dimensional holes of
each sublevel complex ``{sigma : f(sigma) <= x}``; its Mobius inversion on a
grid is a signed point measure with integer weights (Loiseaux et al., signed
barcodes as measures), as are the Euler characteristic's and the rank
invariant's. All three are computed along monotone paths through the grid,
each one a one-parameter filtration handed to gudhi.
"""

import itertools
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from geomlearn.topology._base import (
    CollectionTransformerMixin,
    check_homology_dimensions,
)
from geomlearn.topology._multiparameter import (
    FilteredComplex,
    FilteredCubicalComplex,
    _alive,
    _FunctionRipsComplex,
    mobius_inversion,
)
from geomlearn.utils._param_validation import Interval, Real, StrOptions, _fit_context
from geomlearn.utils.validation import as_collection

__all__ = [
    "SignedMeasure",
    "SignedMeasureConvolution",
    "SlicedWassersteinSignedMeasureKernel",
    "pairwise_signed_measure_distances",
    "signed_measure_distance",
]


def _squeeze(grades, grid):
    """Index of the first grid value at or above each grade, per axis.

    A grade beyond an axis' last value gets ``len(grid[axis])``: it never
    enters on the grid.
    """
    return np.column_stack(
        [np.searchsorted(g, grades[:, a], side="left") for a, g in enumerate(grid)]
    ).reshape(-1, len(grid))


def _run(fn, tasks, n_jobs):
    """``[fn(t) for t in tasks]``, in joblib threads when ``n_jobs`` allows."""
    if n_jobs == 1 or len(tasks) < 2 or effective_n_jobs(n_jobs) == 1:
        return [fn(t) for t in tasks]
    return Parallel(n_jobs=n_jobs, prefer="threads")(delayed(fn)(t) for t in tasks)


def _hilbert(complex_, grid, degrees, n_jobs=1):
    """Hilbert functions on a grid: one-parameter persistence per grid line.

    The lines run along the first axis, one per grid point of the other axes
    (``r^(n-1)`` lines for ``n`` parameters): on the line through ``c``, a cell
    whose squeezed grade is ``(a, b)`` with ``b <= c`` enters at time ``a``,
    and the Betti numbers at time ``i`` are those of the sublevel complex at
    ``(i, c)``.
    """
    shape = tuple(len(g) for g in grid)
    squeezed = [_squeeze(g, grid) for g in complex_._cell_grades()]
    lines = list(itertools.product(*(range(r) for r in shape[1:])))
    if isinstance(complex_, FilteredComplex) and (
        complex_.dimension <= 1 or max(degrees) == 0
    ):
        return _graph_hilbert(complex_, squeezed, shape, lines, degrees)

    def line(c):
        c = np.asarray(c, dtype=np.int64)
        times = [
            np.where(np.all(s[:, 1:] <= c, axis=1), s[:, 0], np.inf) for s in squeezed
        ]
        return [_alive(b, shape[0]) for b in complex_._bars(times, degrees)]

    out = np.zeros((len(degrees), *shape), dtype=np.int64)
    for c, counts in zip(lines, _run(line, lines, n_jobs), strict=True):
        for a, count in enumerate(counts):
            out[(a, slice(None), *c)] = count
    return out


def _graph_hilbert(complex_, squeezed, shape, lines, degrees):
    """Hilbert functions of H0 (and of H1 for graphs) by union-find per line.

    H0 needs only the vertices and edges; on a graph the cycle rank gives
    H1 (edges minus merging edges), and higher degrees vanish.
    """
    from geomlearn.topology._multiparameter_kernels import graph_betti_lines

    r1 = shape[0]
    others = np.array(lines, dtype=np.int64).reshape(len(lines), len(shape) - 1)
    times = []
    for s in squeezed[:2]:
        alive = np.all(s[None, :, 1:] <= others[:, None, :], axis=2)
        times.append(np.where(alive, s[None, :, 0], r1).astype(np.int64))
    if len(squeezed) > 1:
        edges = complex_.simplices[1]
        edge_time = times[1]
        order = np.argsort(squeezed[1][:, 0], kind="stable")
    else:
        edges = np.zeros((0, 2), dtype=np.int64)
        edge_time = np.zeros((len(lines), 0), dtype=np.int64)
        order = np.zeros(0, dtype=np.int64)
    b0 = np.zeros((len(lines), r1), dtype=np.int64)
    b1 = np.zeros_like(b0)
    graph_betti_lines(times[0], edge_time, edges, order, r1, b0, b1)
    out = np.zeros((len(degrees), *shape), dtype=np.int64)
    for a, d in enumerate(degrees):
        if d > 1:
            continue
        counts = b0 if d == 0 else b1
        # lines run over the other axes in itertools.product order
        out[a] = np.moveaxis(counts.reshape(*shape[1:], r1), -1, 0)
    return out


def _rank(complex_, grid, degrees, n_jobs=1):
    """Rank invariant ``rank(H(K_x) -> H(K_y))`` for all grid pairs ``x <= y``.

    One parameter: the bars on the grid, ``rank = #{birth <= x, death > y}``.
    Two parameters: for every ``(i, j)``, the path up the column ``x_1 = i``
    to row ``j``, then right along row ``j``, passes every ``x = (i, x_2)``
    with ``x_2 <= j`` before every ``y = (y_1, j)`` with ``y_1 >= i``; the
    bars of the filtration along it give all those ranks at once, so
    ``r^2`` persistence computations fill the ``r^4`` table.
    Returns an int array of shape ``(n_degrees, *shape, *shape)``, zero where
    ``x`` is not below ``y``.
    """
    shape = tuple(len(g) for g in grid)
    squeezed = [_squeeze(g, grid) for g in complex_._cell_grades()]
    out = np.zeros((len(degrees), *shape, *shape), dtype=np.int64)
    if len(shape) == 1:
        (r,) = shape
        bars = complex_._bars([s[:, 0].astype(np.float64) for s in squeezed], degrees)
        t = np.arange(r)
        for a, b in enumerate(bars):
            born = b[:, 0][None, :] <= t[:, None]
            alive_after = b[:, 1][None, :] > t[:, None]
            out[a] = born.astype(np.int64) @ alive_after.T.astype(np.int64)
            out[a] *= t[:, None] <= t[None, :]
        return out
    r1, r2 = shape
    tasks = list(itertools.product(range(r1), range(r2)))

    def path(task):
        i, j = task
        times = []
        for s in squeezed:
            a, b = s[:, 0], s[:, 1]
            t = np.where(a <= i, b, j + a - i).astype(np.float64)
            times.append(np.where(b > j, np.inf, t))
        result = []
        x2 = np.arange(j + 1)  # time of (i, x2) on the path
        y1 = j + np.arange(r1 - i)  # time of (i + k, j)
        for b in complex_._bars(times, degrees):
            born = (b[:, 0][:, None] <= x2[None, :]).astype(np.int64)
            alive = (b[:, 1][:, None] > y1[None, :]).astype(np.int64)
            result.append(born.T @ alive)  # (x2, y1)
        return result

    for (i, j), ranks in zip(tasks, _run(path, tasks, n_jobs), strict=True):
        for a, rank in enumerate(ranks):
            out[a, i, : j + 1, i:, j] = rank
    return out


def _rank_measure(rank, n):
    """Mobius inversion of a rank table on pairs ``x <= y`` (deaths reversed).

    The pairs ``x <= y`` form a down-set of ``grid x grid^op``, so inverting
    the zero-extended table there and keeping the pairs ``x <= y`` gives the
    unique signed decomposition into rectangle modules ``[x, y]``.
    """
    flip = tuple(range(n, 2 * n))
    measure = np.flip(mobius_inversion(np.flip(rank, axis=flip)), axis=flip)
    shape = rank.shape[:n]
    below = np.ones(rank.shape, dtype=bool)
    for a, r in enumerate(shape):
        idx = np.arange(r)
        view = [1] * (2 * n)
        view[a] = r
        lo = idx.reshape(view)
        view = [1] * (2 * n)
        view[n + a] = r
        hi = idx.reshape(view)
        below &= lo <= hi
    return np.where(below, measure, 0)


class SignedMeasure(CollectionTransformerMixin, BaseEstimator):
    """Hilbert, Euler or rank signed measures of multiparameter filtrations.

    ``fit`` learns a product grid from the training complexes' grades (and the
    corner used to give every measure zero total mass); ``transform``
    computes, per complex, the invariant on that grid and its Mobius
    inversion: a signed point measure with integer weights whose sums over
    down-sets ``{y <= x}`` give back the invariant at every grid point ``x``.

    Parameters
    ----------
    invariant : {"hilbert", "euler", "rank"}, default="hilbert"
        ``"hilbert"``: the Hilbert function of each homology degree
        (dimension of homology of each sublevel complex, mod 2), computed by
        one-parameter persistence along the ``r^(n-1)`` grid lines of the
        first axis. ``"euler"``: the Euler characteristic of the sublevel
        complexes, from cell counts alone (one measure; meaningful when the
        complex is complete up to its top dimension); any number of
        parameters. ``"rank"``: the rank invariant of each degree, decomposed
        into rectangle modules; each atom is a rectangle ``(x, y)``, its
        points have ``2 n`` coordinates (lower corner, then upper corner). It
        needs ``r^2`` persistence computations and an ``r^4`` table for two
        parameters: the expensive one (one or two parameters only).
    homology_dimensions : int or tuple of int, default=(0, 1)
        Degrees of the Hilbert or rank measures (ignored for ``"euler"``).
    grid_strategy : {"regular", "quantile", "exact"}, default="regular"
        Grid values per axis: ``resolution`` evenly spaced values over the
        range of the training grades, their quantiles, or every distinct
        training value. (For Rips complexes the grades of vertices and edges
        are used: they carry every value, and higher simplices are never
        listed.)
    resolution : int, default=50
        Grid values per axis (ignored for ``"exact"``).
    grid_quantiles : tuple of float, default=(0.0, 1.0)
        The grid spans the quantiles ``(a, b)`` of the training grades on each
        axis; grades below its first value count from that value (clipped),
        grades above its last value never enter the grid. The paper's
        experiments drop 1% at each end, ``(0.01, 0.99)``, which keeps a few
        outlying values from stretching the grid (and, for Rips complexes,
        skips the longest edges altogether).
    zero_mass : bool, default=True
        Replace each atom ``w delta_p`` by the signed corners of the box from
        ``p`` to a fixed corner beyond the grid, so that every measure has
        total mass 0 and measures compare under optimal transport; the box is
        the same for all samples. For rank measures the box is taken in the
        order of rectangles (lower corners up, upper corners down).
    n_jobs : int, default=None
        Parallel jobs (threads): over samples, or over grid lines when there
        are fewer samples than jobs.

    Attributes
    ----------
    grid_ : list of ndarray
        Grid values per axis.
    homology_dimensions_ : tuple of int
        The degrees of the Hilbert or rank measures (empty for ``"euler"``).
    n_parameters_ : int
        Number of filtration parameters.
    mass_corner_ : ndarray of shape (n_parameters,)
        Top corner of the zero-mass box: a tenth of each axis' range beyond
        its last grid value (for rank measures, the upper corners' box ends
        a tenth of the range below the first grid value).

    Notes
    -----
    A grade between two grid values counts from the next grid value up
    (grid squeezing): the measure is exact on the grid, and moves each atom by
    at most one grid step. Complexes from :class:`RipsLowerStar` and
    :class:`RipsCodensity` get their Hilbert measures from Rips persistence of
    nested point subsets, without listing simplices.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import RipsLowerStar, SignedMeasure
    >>> rng = np.random.default_rng(0)
    >>> cloud = rng.normal(size=(30, 2))
    >>> (bifiltered,) = RipsLowerStar().fit_transform([(cloud, np.linalg.norm(cloud, axis=1))])
    >>> (measures,) = SignedMeasure(resolution=10).fit_transform([bifiltered])
    >>> points, weights = measures[0]  # degree 0
    >>> int(weights.sum())  # zero total mass
    0
    >>> rank = SignedMeasure("rank", homology_dimensions=1, resolution=6)
    >>> (rectangles,) = rank.fit_transform([bifiltered])[0]
    >>> rectangles[0].shape[1]  # (x1, x2, y1, y2)
    4
    """

    _parameter_constraints = {
        "invariant": [StrOptions({"hilbert", "euler", "rank"})],
        "homology_dimensions": [
            Interval(Integral, 0, None, closed="left"),
            "array-like",
        ],
        "grid_strategy": [StrOptions({"regular", "quantile", "exact"})],
        "resolution": [Interval(Integral, 2, None, closed="left")],
        "grid_quantiles": [tuple, list],
        "zero_mass": ["boolean"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        invariant="hilbert",
        homology_dimensions=(0, 1),
        *,
        grid_strategy="regular",
        resolution=50,
        grid_quantiles=(0.0, 1.0),
        zero_mass=True,
        n_jobs=None,
    ):
        self.invariant = invariant
        self.homology_dimensions = homology_dimensions
        self.grid_strategy = grid_strategy
        self.resolution = resolution
        self.grid_quantiles = grid_quantiles
        self.zero_mass = zero_mass
        self.n_jobs = n_jobs

    def _validate_collection(self, X, fitting):
        X = as_collection(X, samples="filtered complexes")
        n_params = None if fitting else self.n_parameters_
        for i, c in enumerate(X):
            if not isinstance(c, (FilteredComplex, FilteredCubicalComplex)):
                raise TypeError(
                    f"X[{i}] must be a FilteredComplex or FilteredCubicalComplex "
                    f"(e.g. from RipsCodensity or CubicalBifiltration); got "
                    f"{type(c).__name__}."
                )
            if n_params is None:
                n_params = c.n_parameters
            elif c.n_parameters != n_params:
                raise ValueError(
                    f"X[{i}] has {c.n_parameters} parameters but {n_params} were "
                    + ("seen in fit." if not fitting else "seen in X[0].")
                )
        if (
            fitting
            and self.invariant == "rank"
            and n_params is not None
            and n_params > 2
        ):
            raise ValueError(
                f"invariant='rank' handles one or two parameters; got {n_params} "
                f"(use 'hilbert' or 'euler')."
            )
        return X

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the grid from the grades of the training complexes.

        Parameters
        ----------
        X : list of FilteredComplex or FilteredCubicalComplex
            Filtered complexes with the same number of parameters.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = self._validate_collection(X, fitting=True)
        self.n_parameters_ = X[0].n_parameters
        self.homology_dimensions_ = (
            ()
            if self.invariant == "euler"
            else check_homology_dimensions(self.homology_dimensions)
        )
        q = self.grid_quantiles
        if not (
            len(q) == 2
            and all(isinstance(v, Real) and not isinstance(v, bool) for v in q)
            and 0 <= q[0] < q[1] <= 1
        ):
            raise ValueError(
                f"grid_quantiles must be two numbers 0 <= a < b <= 1; got {q!r}."
            )
        grades = np.concatenate([c._grid_grades() for c in X])
        self.grid_ = []
        for axis in range(self.n_parameters_):
            values = grades[:, axis]
            lo, hi = np.quantile(values, q, method="inverted_cdf")
            if self.grid_strategy == "exact":
                grid = np.unique(values[(values >= lo) & (values <= hi)])
            elif self.grid_strategy == "quantile":
                grid = np.unique(
                    np.quantile(
                        values,
                        np.linspace(q[0], q[1], self.resolution),
                        method="inverted_cdf",
                    )
                )
            else:
                grid = np.unique(np.linspace(lo, hi, self.resolution))
            self.grid_.append(grid)
        # zero-mass box: a tenth of the range beyond the grid's ends
        spans = [(g[-1] - g[0]) if g[-1] > g[0] else 10.0 for g in self.grid_]
        self.mass_corner_ = np.array(
            [g[-1] + 0.1 * s for g, s in zip(self.grid_, spans, strict=True)]
        )
        self._mass_floor = np.array(
            [g[0] - 0.1 * s for g, s in zip(self.grid_, spans, strict=True)]
        )
        return self

    def _transform_one(self, complex_, n_jobs=1):
        shape = tuple(len(g) for g in self.grid_)
        degrees = self.homology_dimensions_
        if self.invariant == "euler":
            dense = None
            if isinstance(complex_, _FunctionRipsComplex) and len(shape) == 2:
                dense = complex_._euler_on_grid(self.grid_)
            if dense is not None:
                return [self._sparse(dense, self.grid_)]
            points, weights = complex_.euler_measure()
            idx = _squeeze(points, self.grid_).T
            dense = np.zeros(shape, dtype=np.int64)
            inside = np.all(idx < np.array(shape)[:, None], axis=0)
            np.add.at(dense, tuple(i[inside] for i in idx), weights[inside])
            return [self._sparse(dense, self.grid_)]
        fast = (
            isinstance(complex_, _FunctionRipsComplex)
            and len(shape) == 2
            and max(degrees) < complex_.max_dimension
        )
        if self.invariant == "rank":
            n = len(shape)
            if fast and complex_.collapse_edges:
                complex_ = complex_._collapsed(self.grid_)
            ranks = _rank(complex_, self.grid_, degrees, n_jobs)
            # in the order of rectangles: lower corners up, upper corners down
            grid = list(self.grid_) + [g[::-1] for g in self.grid_]
            corner = np.r_[self.mass_corner_, self._mass_floor]
            return [
                self._sparse(
                    np.flip(_rank_measure(r, n), axis=tuple(range(n, 2 * n))),
                    grid,
                    corner,
                )
                for r in ranks
            ]
        if fast:
            hilbert = complex_._hilbert(self.grid_, degrees, n_jobs)
        else:
            hilbert = _hilbert(complex_, self.grid_, degrees, n_jobs)
        return [self._sparse(mobius_inversion(h), self.grid_) for h in hilbert]

    def _sparse(self, dense, grid, corner=None):
        """Non-zero atoms of a measure on the grid (moved to zero mass)."""
        if self.zero_mass:
            corner = self.mass_corner_ if corner is None else corner
            dense = _zero_out(dense)
            grid = [np.r_[g, m] for g, m in zip(grid, corner, strict=True)]
        idx = np.nonzero(dense)
        points = np.column_stack([g[i] for g, i in zip(grid, idx, strict=True)])
        return points.reshape(-1, len(grid)), dense[idx].astype(np.int64)

    def transform(self, X):
        """Compute the signed measure(s) of every complex.

        Parameters
        ----------
        X : list of FilteredComplex or FilteredCubicalComplex
            Filtered complexes with as many parameters as in ``fit``.

        Returns
        -------
        measures : list of list of tuple (ndarray of shape (n_atoms, n_coords), \
ndarray of shape (n_atoms,))
            Per sample, one ``(points, weights)`` pair per homology degree
            (one pair for ``"euler"``); weights are non-zero integers and
            ``n_coords`` is the number of parameters (twice that for
            ``"rank"``).
        """
        check_is_fitted(self)
        X = self._validate_collection(X, fitting=False)
        workers = 1 if self.n_jobs == 1 else effective_n_jobs(self.n_jobs)
        if workers > 1 and len(X) < workers:
            # few large complexes: parallel over grid lines instead
            return [self._transform_one(c, n_jobs=self.n_jobs) for c in X]
        return self._map(X)


def _zero_out(dense):
    """Move each atom to the signed corners of its box up to the top corner.

    The top corner is one step beyond the grid's last values, so the added
    atoms are not on the grid's last line but the measures of all samples
    share the same box. Implemented on the grid extended by one index per
    axis and cropped: an atom at ``i`` adds ``-w`` at ``(i_1, top)``, etc.
    """
    n = dense.ndim
    out = np.zeros(tuple(s + 1 for s in dense.shape), dtype=dense.dtype)
    for corner in itertools.product((0, 1), repeat=n):
        sign = (-1) ** sum(corner)
        index = tuple(slice(None, -1) if c == 0 else -1 for c in corner)
        part = dense
        for axis in reversed(range(n)):
            if corner[axis]:
                part = part.sum(axis=axis)
        out[index] += sign * part
    return out


def _check_measures(X, n_degrees=None, input_name="X"):
    """Validate signed measures: per sample, per degree, (points, integer weights)."""
    X = as_collection(X, samples="signed measures", input_name=input_name)
    out = []
    for i, sample in enumerate(X):
        if not isinstance(sample, (list, tuple)) or not sample:
            raise TypeError(
                f"{input_name}[{i}] must be a list of (points, weights) pairs, one "
                f"per homology degree (the output of SignedMeasure)."
            )
        degrees = []
        for k, pair in enumerate(sample):
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise TypeError(
                    f"{input_name}[{i}][{k}] must be a (points, weights) pair."
                )
            points = np.asarray(pair[0], dtype=np.float64)
            weights = np.asarray(pair[1])
            if points.ndim != 2 or weights.shape != (points.shape[0],):
                raise ValueError(
                    f"{input_name}[{i}][{k}]: points must be (n_atoms, n_parameters) "
                    f"and weights (n_atoms,); got {points.shape} and {weights.shape}."
                )
            if weights.dtype.kind not in "iu" or not np.isfinite(points).all():
                raise ValueError(
                    f"{input_name}[{i}][{k}] needs finite points and integer weights."
                )
            degrees.append((points, weights.astype(np.int64)))
        expected = (
            n_degrees if n_degrees is not None else (len(out[0]) if out else None)
        )
        if expected is not None and len(degrees) != expected:
            raise ValueError(
                f"{input_name}[{i}] holds {len(degrees)} measure(s) but {expected} "
                f"were expected; one per homology degree."
            )
        out.append(degrees)
    return out


class SignedMeasureConvolution(CollectionTransformerMixin, BaseEstimator):
    """Signed measures convolved with a Gaussian, sampled on a fitted grid.

    For a measure ``mu = sum_k w_k delta_{p_k}`` the features are
    ``v(y) = sum_k w_k K(y - p_k)`` at the nodes ``y`` of a regular grid,
    ``K`` the Gaussian of standard deviation ``bandwidth`` normalised to
    integrate to 1. With ``normalize`` every coordinate is first divided by
    that axis' range over the training atoms (per degree), so one bandwidth
    fits all axes. One image per degree, flattened, side by side.

    Parameters
    ----------
    bandwidth : float, default=0.1
        Standard deviation of the Gaussian (in normalised units when
        ``normalize``).
    resolution : int, default=20
        Grid nodes per axis.
    normalize : bool, default=True
        Divide coordinates by the per-axis range learned in ``fit``.

    Attributes
    ----------
    n_degrees_ : int
        Number of measures per sample.
    scales_ : ndarray of shape (n_degrees, n_parameters)
        Per-axis divisors (ranges, or 1 without ``normalize``).
    grids_ : list of list of ndarray
        Grid nodes per degree and axis, in normalised units.

    Notes
    -----
    Stability: ``x -> K(y - x)`` is Lipschitz with constant
    ``L = exp(-1/2) / (2 pi bandwidth^3)`` in two parameters, so by
    Kantorovich-Rubinstein duality the largest feature difference of two
    measures of equal mass is at most ``L`` times their KR distance
    (in normalised coordinates).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import SignedMeasureConvolution
    >>> mu = [(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1, -1]))]
    >>> SignedMeasureConvolution(resolution=5).fit_transform([mu]).shape
    (1, 25)
    """

    _parameter_constraints = {
        "bandwidth": [Interval(Real, 0, None, closed="neither")],
        "resolution": [Interval(Integral, 1, None, closed="left")],
        "normalize": ["boolean"],
    }

    def __init__(self, bandwidth=0.1, resolution=20, normalize=True):
        self.bandwidth = bandwidth
        self.resolution = resolution
        self.normalize = normalize

    def _validate_collection(self, X, fitting):
        return _check_measures(X, None if fitting else self.n_degrees_)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn per-degree axis ranges and the output grid.

        Parameters
        ----------
        X : list of list of tuple (ndarray, ndarray)
            Signed measures (the output of :class:`SignedMeasure`).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = self._validate_collection(X, fitting=True)
        self.n_degrees_ = len(X[0])
        n_params = X[0][0][0].shape[1]
        self.scales_ = np.ones((self.n_degrees_, n_params))
        self.grids_ = []
        for k in range(self.n_degrees_):
            points = np.concatenate([s[k][0] for s in X]).reshape(-1, n_params)
            if points.shape[0] == 0:
                lo, hi = np.zeros(n_params), np.ones(n_params)
            else:
                lo, hi = points.min(axis=0), points.max(axis=0)
            width = np.where(hi > lo, hi - lo, 1.0)
            if self.normalize:
                self.scales_[k] = width
            lo, hi = lo / self.scales_[k], hi / self.scales_[k]
            self.grids_.append(
                [
                    np.linspace(a, b, self.resolution)
                    for a, b in zip(lo, hi, strict=True)
                ]
            )
        return self

    def _transform_one(self, sample):
        parts = []
        s = self.bandwidth
        for k, (points, weights) in enumerate(sample):
            grids = self.grids_[k]
            scaled = points / self.scales_[k]
            n = len(grids)
            # separable Gaussian: product of 1-D factors per axis
            factors = [
                np.exp(-((g[None, :] - scaled[:, a : a + 1]) ** 2) / (2 * s * s))
                for a, g in enumerate(grids)
            ]
            # sum over atoms of w * f_1 (x) f_2 (x) ..., one axis at a time
            terms = weights[:, None] * factors[0]
            for factor in factors[1:]:
                terms = np.einsum("i...,ij->i...j", terms, factor)
            image = terms.sum(axis=0)
            parts.append(image.ravel() / (s * np.sqrt(2 * np.pi)) ** n)
        return np.concatenate(parts)

    def transform(self, X):
        """Compute the convolution features of every measure.

        Parameters
        ----------
        X : list of list of tuple (ndarray, ndarray)
            Signed measures with as many degrees as in ``fit``.

        Returns
        -------
        Xt : ndarray of shape (n_samples, n_degrees * resolution ** n_parameters)
            The features.
        """
        check_is_fitted(self)
        return np.vstack(self._map(self._validate_collection(X, fitting=False)))


def _project(collection, lines):
    """Projected atoms of one degree of a collection, sorted per direction.

    Returns ``positions`` and ``weights`` of shape ``(n_directions, n_atoms)``
    (measure ``i`` at ``offsets[i]:offsets[i + 1]``, sorted along each
    direction), ``offsets`` and the total mass of each measure.
    """
    sizes = np.array([len(w) for _, w in collection], dtype=np.int64)
    offsets = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    n_dirs = lines.shape[1]
    if offsets[-1] == 0:
        empty = np.zeros((n_dirs, 0))
        return empty, empty, offsets, np.zeros(len(sizes), dtype=np.int64)
    points = np.concatenate([p for p, _ in collection])
    weights = np.concatenate([w for _, w in collection]).astype(np.float64)
    projected = (points @ lines).T  # (n_directions, n_atoms)
    # sort within each measure: a stable key (measure index, position)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    order = np.lexsort((projected, np.broadcast_to(owner, projected.shape)), axis=1)
    positions = np.take_along_axis(projected, order, axis=1)
    sorted_weights = weights[order]
    masses = np.array([int(w.sum()) for _, w in collection], dtype=np.int64)
    return positions, sorted_weights, offsets, masses


def _sliced_matrix(a, b, lines, n_jobs=None):
    """Sliced KR distances, summed over degrees, between two collections.

    ``b=None``: the symmetric matrix of ``a`` against itself.
    """
    from geomlearn.topology._multiparameter_kernels import sliced_kr_distances

    symmetric = b is None
    b = a if symmetric else b
    out = np.zeros((len(a), len(b)))
    for k in range(len(a[0])):
        pa, wa, oa, ma = _project([s[k] for s in a], lines)
        pb, wb, ob, mb = (
            (pa, wa, oa, ma) if symmetric else _project([s[k] for s in b], lines)
        )
        masses = np.r_[ma, mb]
        if masses.size and (masses != masses[0]).any():
            raise ValueError(
                "the sliced Wasserstein distance compares signed measures of equal "
                f"total mass; degree {k} has masses {sorted(set(masses.tolist()))}. "
                "Use SignedMeasure(zero_mass=True)."
            )
        part = np.zeros_like(out)
        # rows in interleaved chunks: the symmetric triangle stays balanced
        workers = max(1, effective_n_jobs(n_jobs))
        chunks = [np.arange(c, len(a), workers) for c in range(workers)]
        _run(
            lambda rows, pa=pa, wa=wa, oa=oa, pb=pb, wb=wb, ob=ob, part=part: (
                sliced_kr_distances(pa, wa, oa, pb, wb, ob, rows, symmetric, part)
            ),
            [c for c in chunks if len(c)],
            n_jobs,
        )
        out += part
    return out


def signed_measure_distance(measure1, measure2, *, n_directions=50, random_state=None):
    """Sliced Wasserstein distance between two signed measures of equal mass.

    The mean over ``n_directions`` random unit directions of the 1-D
    Kantorovich-Rubinstein distance between the projected measures, computed
    as the 1-D Wasserstein-1 distance between ``mu+ + nu-`` and
    ``nu+ + mu-`` (atoms repeated by their weights). It is at most the KR
    distance (projections are 1-Lipschitz). For lists with one measure per
    degree the distances add up.

    Parameters
    ----------
    measure1, measure2 : tuple (ndarray of shape (n_atoms, n_parameters), \
ndarray of shape (n_atoms,)) or list of them
        The measures (``(points, integer weights)``), or one per degree.
    n_directions : int, default=50
        Number of random directions.
    random_state : int, RandomState instance or None, default=None
        Seed of the directions.

    Returns
    -------
    distance : float
        The distance.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import signed_measure_distance
    >>> mu = (np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1, -1]))
    >>> nu = (np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([1, -1]))
    >>> round(signed_measure_distance(mu, nu, n_directions=1000, random_state=0), 1)
    0.6
    """
    one = isinstance(measure1, tuple)
    (a,) = _check_measures(
        [[measure1] if one else list(measure1)], input_name="measure1"
    )
    (b,) = _check_measures(
        [[measure2] if isinstance(measure2, tuple) else list(measure2)],
        n_degrees=len(a),
        input_name="measure2",
    )
    if not isinstance(n_directions, Integral) or n_directions < 1:
        raise ValueError(f"n_directions must be a positive int; got {n_directions!r}.")
    n_params = a[0][0].shape[1]
    if any(m[0].shape[1] != n_params for m in a + b):
        raise ValueError(
            "measure1 and measure2 must have points of the same dimension."
        )
    lines = _directions(check_random_state(random_state), n_directions, n_params)
    return float(_sliced_matrix([a], [b], lines)[0, 0])


def pairwise_signed_measure_distances(
    X, Y=None, *, n_directions=50, random_state=None, n_jobs=None
):
    """Sliced Wasserstein distances between all pairs of two collections.

    The distance of :func:`signed_measure_distance` (summed over degrees) on
    one set of random directions, for every pair: a matrix to choose a
    kernel bandwidth from (e.g. its median), or for
    :class:`~sklearn.neighbors.KNeighborsClassifier` with
    ``metric="precomputed"``.

    Parameters
    ----------
    X : list of list of tuple (ndarray, ndarray)
        Signed measures (per sample, one ``(points, weights)`` per degree).
    Y : list of list of tuple (ndarray, ndarray), default=None
        A second collection; ``None``: ``X`` against itself (each pair once).
    n_directions : int, default=50
        Number of random directions.
    random_state : int, RandomState instance or None, default=None
        Seed of the directions.
    n_jobs : int, default=None
        Threads over the rows.

    Returns
    -------
    distances : ndarray of shape (len(X), len(Y))
        The distances.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import pairwise_signed_measure_distances
    >>> mu = [(np.array([[0.0, 0.0], [1.0, 0.0]]), np.array([1, -1]))]
    >>> nu = [(np.array([[0.0, 0.0], [2.0, 0.0]]), np.array([1, -1]))]
    >>> D = pairwise_signed_measure_distances([mu, nu], random_state=0)
    >>> D.shape, float(D[0, 0])
    ((2, 2), 0.0)
    """
    X = _check_measures(X)
    Y = None if Y is None else _check_measures(Y, len(X[0]), input_name="Y")
    if not isinstance(n_directions, Integral) or n_directions < 1:
        raise ValueError(f"n_directions must be a positive int; got {n_directions!r}.")
    n_params = X[0][0][0].shape[1]
    if any(p.shape[1] != n_params for s in X + (Y or []) for p, _ in s):
        raise ValueError("all measures must have points of the same dimension.")
    lines = _directions(check_random_state(random_state), n_directions, n_params)
    return _sliced_matrix(X, Y, lines, n_jobs)


def _directions(rng, n_directions, n_params):
    lines = rng.normal(size=(n_params, n_directions))
    return lines / np.linalg.norm(lines, axis=0, keepdims=True)


class SlicedWassersteinSignedMeasureKernel(CollectionTransformerMixin, BaseEstimator):
    """Sliced Wasserstein kernel between signed measures (Gram matrices).

    ``k(mu, nu) = exp(-SW(mu, nu) / (2 bandwidth^2))``, ``SW`` from
    :func:`signed_measure_distance` summed over degrees, on directions drawn
    once in ``fit`` from ``random_state``. ``fit`` stores the training
    measures; ``transform(X)`` returns the ``(len(X), n_train)`` Gram matrix
    for ``SVC(kernel="precomputed")``. The 1-D KR distance is a
    conditionally negative definite L1 distance between distribution
    functions, so the kernel is positive definite. Measures must have equal
    mass (``SignedMeasure(zero_mass=True)``).

    Parameters
    ----------
    n_directions : int, default=50
        Number of random directions.
    bandwidth : float, default=1.0
        ``sigma`` of the kernel.
    random_state : int, RandomState instance or None, default=None
        Seed of the directions.
    n_jobs : int, default=None
        Threads over the rows of the Gram matrix.

    Attributes
    ----------
    directions_ : ndarray of shape (n_parameters, n_directions)
        The unit directions.
    n_degrees_ : int
        Number of measures per sample.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import SlicedWassersteinSignedMeasureKernel
    >>> mu = [(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([1, -1]))]
    >>> nu = [(np.array([[0.0, 0.0], [2.0, 2.0]]), np.array([1, -1]))]
    >>> K = SlicedWassersteinSignedMeasureKernel(random_state=0).fit_transform([mu, nu])
    >>> K.shape, float(K[0, 0])
    ((2, 2), 1.0)
    """

    _parameter_constraints = {
        "n_directions": [Interval(Integral, 1, None, closed="left")],
        "bandwidth": [Interval(Real, 0, None, closed="neither")],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(self, n_directions=50, bandwidth=1.0, random_state=None, n_jobs=None):
        self.n_directions = n_directions
        self.bandwidth = bandwidth
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _validate_collection(self, X, fitting):
        return _check_measures(X, None if fitting else self.n_degrees_)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Store the training measures and draw the directions.

        Parameters
        ----------
        X : list of list of tuple (ndarray, ndarray)
            Signed measures of equal mass.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = self._validate_collection(X, fitting=True)
        self.n_degrees_ = len(X[0])
        n_params = X[0][0][0].shape[1]
        self.directions_ = _directions(
            check_random_state(self.random_state), self.n_directions, n_params
        )
        self._check_dimension(X, n_params)
        self.train_measures_ = X
        return self

    def fit_transform(self, X, y=None):
        """Fit, then the symmetric Gram matrix of the training measures.

        Parameters
        ----------
        X : list of list of tuple (ndarray, ndarray)
            Signed measures of equal mass.
        y : None
            Ignored.

        Returns
        -------
        K : ndarray of shape (n_samples, n_samples)
            Kernel values (each pair computed once).
        """
        self.fit(X)
        distances = _sliced_matrix(
            self.train_measures_, None, self.directions_, self.n_jobs
        )
        return np.exp(-distances / (2 * self.bandwidth**2))

    def _check_dimension(self, X, n_params):
        for i, sample in enumerate(X):
            for k, (points, _) in enumerate(sample):
                if points.shape[1] != n_params:
                    raise ValueError(
                        f"X[{i}][{k}] has points in dimension {points.shape[1]} but "
                        f"{n_params} was expected."
                    )

    def transform(self, X):
        """Gram matrix against the training measures.

        Parameters
        ----------
        X : list of list of tuple (ndarray, ndarray)
            Signed measures with as many degrees as in ``fit``.

        Returns
        -------
        K : ndarray of shape (n_samples, n_train)
            Kernel values.
        """
        check_is_fitted(self)
        X = self._validate_collection(X, fitting=False)
        self._check_dimension(X, self.directions_.shape[0])
        distances = _sliced_matrix(
            X, self.train_measures_, self.directions_, self.n_jobs
        )
        return np.exp(-distances / (2 * self.bandwidth**2))

"""Multiparameter persistence: bifiltered complexes and their signed measures.

A 1-critical filtration with ``n`` parameters gives every simplex one grade
in ``R^n``, at least the grades of its faces. The Hilbert function of
degree ``d`` counts the ``d``-dimensional holes of each sublevel complex
``{sigma : f(sigma) <= x}``; its Mobius inversion on a grid is a signed point
measure with integer weights (Loiseaux et al., signed barcodes as measures),
as is the Euler characteristic's. This module holds the container, the
Rips x function bifiltration and the measures; vectorizations come next.
"""

import itertools
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from geomlearn.topology._base import (
    CollectionTransformerMixin,
    check_homology_dimensions,
    gudhi_module,
)
from geomlearn.utils._param_validation import Interval, Real, StrOptions, _fit_context
from geomlearn.utils.validation import as_collection, check_point_clouds

__all__ = [
    "FilteredComplex",
    "RipsLowerStar",
    "SignedMeasure",
    "integrate_measure",
    "mobius_inversion",
]


class FilteredComplex:
    """A simplicial complex with a 1-critical multiparameter filtration.

    Parameters
    ----------
    simplices : list of array-like of shape (n_simplices_k, k + 1)
        ``simplices[k]`` lists the ``k``-simplices by their vertices. Every
        face of a simplex must be listed.
    grades : list of array-like of shape (n_simplices_k, n_parameters)
        ``grades[k][i]`` is the grade of ``simplices[k][i]``: the simplex is
        in the sublevel complex at ``x`` when ``grades[k][i] <= x`` in every
        coordinate. Grades must not decrease from a face to its cofaces.

    Attributes
    ----------
    n_parameters : int
        Number of filtration parameters.
    dimension : int
        Largest simplex dimension.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import FilteredComplex
    >>> edge = FilteredComplex(
    ...     [np.array([[0], [1]]), np.array([[0, 1]])],
    ...     [np.array([[0.0, 0.0], [0.0, 1.0]]), np.array([[2.0, 1.0]])],
    ... )
    >>> edge.n_parameters, edge.dimension
    (2, 1)
    """

    def __init__(self, simplices, grades):
        if len(simplices) != len(grades) or len(simplices) == 0:
            raise ValueError(
                "simplices and grades must be non-empty lists of the same length "
                "(one entry per dimension)."
            )
        self.simplices = [
            np.asarray(s, dtype=np.int64).reshape(len(s), k + 1)
            for k, s in enumerate(simplices)
        ]
        self.grades = [np.asarray(g, dtype=np.float64) for g in grades]
        n_params = self.grades[0].shape[1] if self.grades[0].ndim == 2 else None
        for k, (s, g) in enumerate(zip(self.simplices, self.grades, strict=True)):
            if g.ndim != 2 or g.shape != (s.shape[0], n_params):
                raise ValueError(
                    f"grades[{k}] must have shape ({s.shape[0]}, {n_params}); got "
                    f"{g.shape}."
                )
            if not np.isfinite(g).all():
                raise ValueError(f"grades[{k}] contains NaN or infinity.")
        self.n_parameters = int(n_params)
        self.dimension = len(self.simplices) - 1

    def __eq__(self, other):
        if not isinstance(other, FilteredComplex):
            return NotImplemented
        return (
            len(self.simplices) == len(other.simplices)
            and all(
                np.array_equal(a, b)
                for a, b in zip(self.simplices, other.simplices, strict=True)
            )
            and all(
                np.array_equal(a, b)
                for a, b in zip(self.grades, other.grades, strict=True)
            )
        )

    __hash__ = None

    def __repr__(self):
        counts = ", ".join(str(len(s)) for s in self.simplices)
        return (
            f"FilteredComplex(n_parameters={self.n_parameters}, simplices per "
            f"dimension=[{counts}])"
        )

    def euler_measure(self):
        """Return the Euler signed measure: ``sum_sigma (-1)^dim delta_grade``.

        Returns
        -------
        points : ndarray of shape (n_simplices, n_parameters)
            The grades.
        weights : ndarray of shape (n_simplices,)
            ``(-1)^dim`` of each simplex.
        """
        points = np.concatenate(self.grades)
        weights = np.concatenate(
            [
                np.full(len(s), (-1) ** k, dtype=np.int64)
                for k, s in enumerate(self.simplices)
            ]
        )
        return points, weights


def mobius_inversion(function):
    """Mobius inversion of a function on a grid (iterated backward differences).

    The signed measure ``mu`` with ``function(i) = sum_{j <= i} mu(j)``,
    ``<=`` coordinatewise: ``mu(i) = sum_{e in {0,1}^n} (-1)^|e| F(i - e)``,
    ``F`` taken as 0 outside the grid.

    Parameters
    ----------
    function : array-like of shape (r_1, ..., r_n)
        Values on the grid.

    Returns
    -------
    measure : ndarray of shape (r_1, ..., r_n)
        Weight of each grid point.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import mobius_inversion
    >>> mobius_inversion(np.array([[1, 1], [1, 2]]))
    array([[1, 0],
           [0, 1]])
    """
    out = np.array(function, copy=True)
    for axis in range(out.ndim):
        out = np.diff(out, axis=axis, prepend=0)
    return out


def integrate_measure(measure):
    """Inverse of :func:`mobius_inversion`: sums of the measure over down-sets.

    Parameters
    ----------
    measure : array-like of shape (r_1, ..., r_n)
        Weight of each grid point.

    Returns
    -------
    function : ndarray of shape (r_1, ..., r_n)
        ``function(i) = sum_{j <= i} measure(j)``.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import integrate_measure
    >>> integrate_measure(np.array([[1, 0], [0, 1]]))
    array([[1, 1],
           [1, 2]])
    """
    out = np.array(measure, copy=True)
    for axis in range(out.ndim):
        out = np.cumsum(out, axis=axis)
    return out


class RipsLowerStar(CollectionTransformerMixin, BaseEstimator):
    """Rips x function bifiltration of point clouds (function-Rips).

    Parameter 1 is the Vietoris-Rips scale (edge length), parameter 2 the
    sublevel sets of a function on the points, extended to a simplex by the
    maximum over its vertices (lower-star). A simplex enters at
    ``(longest edge, largest vertex value)``.

    Parameters
    ----------
    max_edge_length : float, default=inf
        Largest edge length in the complex.
    max_dimension : int, default=2
        Largest simplex dimension (2 for H0 and H1).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import RipsLowerStar
    >>> cloud = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> (bifiltered,) = RipsLowerStar().fit_transform([(cloud, np.array([0.0, 2.0, 1.0]))])
    >>> bifiltered
    FilteredComplex(n_parameters=2, simplices per dimension=[3, 3, 1])
    """

    _parameter_constraints = {
        "max_edge_length": [Interval(Real, 0, None, closed="right")],
        "max_dimension": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, max_edge_length=np.inf, max_dimension=2):
        self.max_edge_length = max_edge_length
        self.max_dimension = max_dimension

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the samples; nothing is learned.

        Parameters
        ----------
        X : list of tuple (ndarray of shape (n_points, n_features), ndarray of \
shape (n_points,))
            Each sample: a point cloud and the function's value at each point.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        gudhi_module("RipsLowerStar")
        self._validate_collection(X, fitting=True)
        self.max_dimension_ = int(self.max_dimension)
        return self

    def _validate_collection(self, X, fitting):
        X = as_collection(X, samples="(point cloud, values) pairs")
        out = []
        for i, sample in enumerate(X):
            if not (isinstance(sample, tuple) and len(sample) == 2):
                raise TypeError(
                    f"X[{i}] must be a tuple (points, values); got "
                    f"{type(sample).__name__}."
                )
            (points,) = check_point_clouds([sample[0]], input_name=f"X[{i}][0]")
            values = np.asarray(sample[1], dtype=np.float64)
            if values.shape != (points.shape[0],) or not np.isfinite(values).all():
                raise ValueError(
                    f"X[{i}][1] must hold one finite value per point "
                    f"({points.shape[0]},); got shape {values.shape}."
                )
            out.append((points, values))
        return out

    def _transform_one(self, sample):
        gudhi = gudhi_module("RipsLowerStar")
        points, values = sample
        st = gudhi.RipsComplex(
            points=points, max_edge_length=self.max_edge_length
        ).create_simplex_tree(max_dimension=int(self.max_dimension))
        by_dim = [[] for _ in range(st.dimension() + 1)]
        for simplex, length in st.get_simplices():
            by_dim[len(simplex) - 1].append((simplex, length))
        simplices, grades = [], []
        for k, entries in enumerate(by_dim):
            verts = np.array([s for s, _ in entries], dtype=np.int64).reshape(-1, k + 1)
            lengths = np.array([f for _, f in entries])
            simplices.append(verts)
            grades.append(np.c_[lengths, values[verts].max(axis=1)])
        return FilteredComplex(simplices, grades)


def _slice_hilbert(complex_, grid, degrees):
    """Hilbert functions of a 2-parameter complex on a grid, by slicing.

    For each value ``c`` of the second axis, the sublevel complex in the
    second parameter is filtered by the first; the bars of its one-parameter
    persistence, read at the first axis's grid values, give the Betti numbers
    of every sublevel complex on that grid line.
    """
    gudhi = gudhi_module("SignedMeasure")
    g1, g2 = grid
    out = np.zeros((len(degrees), len(g1), len(g2)), dtype=np.int64)
    for j, c in enumerate(g2):
        st = gudhi.SimplexTree()
        for s, g in zip(complex_.simplices, complex_.grades, strict=True):
            keep = g[:, 1] <= c
            if keep.any():
                st.insert_batch(np.ascontiguousarray(s[keep].T), g[keep, 0])
        if st.num_vertices() == 0:
            continue
        st.compute_persistence(homology_coeff_field=2, persistence_dim_max=True)
        for a, d in enumerate(degrees):
            bars = st.persistence_intervals_in_dimension(d).reshape(-1, 2)
            alive = (bars[:, 0][None, :] <= g1[:, None]) & (
                g1[:, None] < bars[:, 1][None, :]
            )
            out[a, :, j] = alive.sum(axis=1)
    return out


class SignedMeasure(CollectionTransformerMixin, BaseEstimator):
    """Hilbert or Euler signed measures of 2-parameter filtered complexes.

    ``fit`` learns a product grid from the training complexes' grades (and the
    top corner used to give every measure zero total mass); ``transform``
    computes, per complex, the invariant on that grid and its Mobius
    inversion: a signed point measure with integer weights whose sums over
    down-sets ``{y <= x}`` give back the invariant at every grid point ``x``.

    Parameters
    ----------
    invariant : {"hilbert", "euler"}, default="hilbert"
        ``"hilbert"``: the Hilbert function of each homology degree
        (dimension of homology of each sublevel complex, mod 2), computed by
        one-parameter persistence along the grid lines. ``"euler"``: the Euler
        characteristic of the sublevel complexes, from simplex counts alone
        (one measure; meaningful when the complex is complete up to its top
        dimension).
    homology_dimensions : int or tuple of int, default=(0, 1)
        Degrees of the Hilbert measures (ignored for ``"euler"``).
    grid_strategy : {"regular", "quantile", "exact"}, default="regular"
        Grid values per axis: ``resolution`` evenly spaced values over the
        range of the training grades, their quantiles, or every distinct
        training value.
    resolution : int, default=50
        Grid values per axis (ignored for ``"exact"``).
    zero_mass : bool, default=True
        Replace each atom ``w delta_p`` by the signed corners of the box from
        ``p`` to the grid's top corner, so that every measure has total mass
        0 and measures compare under optimal transport; the box is the same
        for all samples.

    Attributes
    ----------
    grid_ : list of ndarray
        Grid values per axis.
    homology_dimensions_ : tuple of int
        The degrees of the Hilbert measures (empty for ``"euler"``).
    mass_corner_ : ndarray of shape (2,)
        Top corner of the zero-mass box: a tenth of each axis' range beyond
        its last grid value.

    Notes
    -----
    A grade between two grid values counts from the next grid value up
    (grid squeezing): the measure is exact on the grid, and moves each atom by
    at most one grid step.

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
    """

    _parameter_constraints = {
        "invariant": [StrOptions({"hilbert", "euler"})],
        "homology_dimensions": [
            Interval(Integral, 0, None, closed="left"),
            "array-like",
        ],
        "grid_strategy": [StrOptions({"regular", "quantile", "exact"})],
        "resolution": [Interval(Integral, 2, None, closed="left")],
        "zero_mass": ["boolean"],
    }

    def __init__(
        self,
        invariant="hilbert",
        homology_dimensions=(0, 1),
        *,
        grid_strategy="regular",
        resolution=50,
        zero_mass=True,
    ):
        self.invariant = invariant
        self.homology_dimensions = homology_dimensions
        self.grid_strategy = grid_strategy
        self.resolution = resolution
        self.zero_mass = zero_mass

    def _validate_collection(self, X, fitting):
        X = as_collection(X, samples="FilteredComplex objects")
        for i, c in enumerate(X):
            if not isinstance(c, FilteredComplex):
                raise TypeError(
                    f"X[{i}] must be a FilteredComplex (e.g. from RipsLowerStar); "
                    f"got {type(c).__name__}."
                )
            if c.n_parameters != 2:
                raise ValueError(
                    f"X[{i}] has {c.n_parameters} parameters; SignedMeasure handles "
                    f"2-parameter filtrations."
                )
        return X

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the grid from the grades of the training complexes.

        Parameters
        ----------
        X : list of FilteredComplex
            Two-parameter filtered complexes.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = self._validate_collection(X, fitting=True)
        self.homology_dimensions_ = (
            ()
            if self.invariant == "euler"
            else check_homology_dimensions(self.homology_dimensions)
        )
        grades = np.concatenate([g for c in X for g in c.grades])
        self.grid_ = []
        for axis in range(2):
            values = grades[:, axis]
            if self.grid_strategy == "exact":
                grid = np.unique(values)
            elif self.grid_strategy == "quantile":
                grid = np.unique(
                    np.quantile(values, np.linspace(0, 1, self.resolution))
                )
            else:
                grid = np.unique(
                    np.linspace(values.min(), values.max(), self.resolution)
                )
            self.grid_.append(grid)
        # zero-mass box: a tenth of the range beyond the grid's last values
        self.mass_corner_ = np.array(
            [
                g[-1] + (0.1 * (g[-1] - g[0]) if g[-1] > g[0] else 1.0)
                for g in self.grid_
            ]
        )
        return self

    def _transform_one(self, complex_):
        shape = tuple(len(g) for g in self.grid_)
        if self.invariant == "euler":
            points, weights = complex_.euler_measure()
            idx = [
                np.searchsorted(g, points[:, a], side="left")
                for a, g in enumerate(self.grid_)
            ]
            dense = np.zeros(shape, dtype=np.int64)
            inside = np.all([i < n for i, n in zip(idx, shape, strict=True)], axis=0)
            np.add.at(dense, tuple(i[inside] for i in idx), weights[inside])
            return [self._sparse(dense)]
        hilbert = _slice_hilbert(complex_, self.grid_, self.homology_dimensions_)
        return [self._sparse(mobius_inversion(h)) for h in hilbert]

    def _sparse(self, dense):
        grid = self.grid_
        if self.zero_mass:
            dense = _zero_out(dense)
            grid = [np.r_[g, m] for g, m in zip(grid, self.mass_corner_, strict=True)]
        idx = np.nonzero(dense)
        points = np.column_stack([g[i] for g, i in zip(grid, idx, strict=True)])
        return points.reshape(-1, 2), dense[idx].astype(np.int64)

    def transform(self, X):
        """Compute the signed measure(s) of every complex.

        Parameters
        ----------
        X : list of FilteredComplex
            Two-parameter filtered complexes.

        Returns
        -------
        measures : list of list of tuple (ndarray of shape (n_atoms, 2), \
ndarray of shape (n_atoms,))
            Per sample, one ``(points, weights)`` pair per homology degree
            (one pair for ``"euler"``); weights are non-zero integers.
        """
        check_is_fitted(self)
        return self._map(self._validate_collection(X, fitting=False))


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

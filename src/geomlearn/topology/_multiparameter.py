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
from sklearn.utils import check_random_state
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
    "GraphLowerStar",
    "RipsCodensity",
    "RipsLowerStar",
    "SignedMeasure",
    "SignedMeasureConvolution",
    "SlicedWassersteinSignedMeasureKernel",
    "integrate_measure",
    "mobius_inversion",
    "signed_measure_distance",
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


class RipsCodensity(RipsLowerStar):
    """Rips x codensity bifiltration of point clouds.

    :class:`RipsLowerStar` with the function ``-log`` of a Gaussian kernel
    density estimate at each point (scikit-learn's
    :class:`~sklearn.neighbors.KernelDensity`): dense points enter first,
    outliers last, so features carried by outliers live only at high
    codensity. Each sample is a point cloud.

    Parameters
    ----------
    bandwidth : float, default=0.1
        Bandwidth of the Gaussian kernel, in the units of the points.
    max_edge_length : float, default=inf
        Largest edge length in the complex.
    max_dimension : int, default=2
        Largest simplex dimension (2 for H0 and H1).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import RipsCodensity
    >>> cloud = np.random.default_rng(0).normal(size=(20, 2))
    >>> (bifiltered,) = RipsCodensity(bandwidth=0.5).fit_transform([cloud])
    >>> bifiltered.n_parameters
    2
    """

    _parameter_constraints = {
        **RipsLowerStar._parameter_constraints,
        "bandwidth": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, bandwidth=0.1, max_edge_length=np.inf, max_dimension=2):
        self.bandwidth = bandwidth
        self.max_edge_length = max_edge_length
        self.max_dimension = max_dimension

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the clouds; nothing is learned.

        Parameters
        ----------
        X : list of ndarray of shape (n_points, n_features)
            The point clouds.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        gudhi_module("RipsCodensity")
        self._validate_collection(X, fitting=True)
        self.max_dimension_ = int(self.max_dimension)
        return self

    def _validate_collection(self, X, fitting):
        return check_point_clouds(X, min_points=1)

    def _transform_one(self, points):
        from sklearn.neighbors import KernelDensity

        kde = KernelDensity(bandwidth=self.bandwidth).fit(points)
        return super()._transform_one((points, -kde.score_samples(points)))


_NODE_FUNCTIONS = ("degree", "closeness", "hks")


def _node_function(name, adjacency, hks_time):
    """One node function of a graph (structure only; weights ignored)."""
    from scipy.sparse import csgraph

    n = adjacency.shape[0]
    if name == "degree":
        return np.asarray(adjacency.sum(axis=1)).ravel().astype(np.float64)
    if name == "closeness":
        # (reachable - 1) / sum of distances, scaled by the reachable share
        # (Wasserman-Faust), so that disconnected graphs are handled
        dist = csgraph.shortest_path(adjacency, unweighted=True, directed=False)
        finite = np.isfinite(dist)
        reach = finite.sum(axis=1) - 1
        total = np.where(finite, dist, 0.0).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(total > 0, reach / total, 0.0)
        return out * (reach / max(n - 1, 1))
    laplacian = csgraph.laplacian(adjacency.astype(np.float64), normed=True)
    laplacian = laplacian.toarray() if hasattr(laplacian, "toarray") else laplacian
    eigenvalues, eigenvectors = np.linalg.eigh(laplacian)
    return (np.exp(-hks_time * eigenvalues) * eigenvectors**2).sum(axis=1)


class GraphLowerStar(CollectionTransformerMixin, BaseEstimator):
    """Multiparameter lower-star filtrations of graphs from node functions.

    Each sample is a graph, a scipy sparse adjacency matrix (its stored
    off-diagonal entries are the edges; weights are ignored), or a tuple
    ``(adjacency, node_values)`` with ``node_values`` of shape
    ``(n_nodes, n_functions)`` for functions of your own. A vertex enters at
    its function values, an edge at the coordinatewise maximum of its
    endpoints' (and with ``max_dimension=2`` a triangle at its edges').

    Parameters
    ----------
    functions : tuple of {"degree", "closeness", "hks"}, default=("degree", "hks")
        Built-in node functions, one filtration parameter each: the degree,
        the closeness centrality (Wasserman-Faust, so disconnected graphs
        work), and the heat-kernel signature ``exp(-t L)[v, v]`` of the
        normalised Laplacian. Ignored for samples that bring node values.
    hks_time : float, default=1.0
        Diffusion time ``t`` of the heat-kernel signature.
    max_dimension : int, default=1
        1: the graph; 2: triangles of the graph are filled.

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import sparse
    >>> from geomlearn.topology import GraphLowerStar
    >>> path = sparse.coo_matrix((np.ones(2), ([0, 1], [1, 2])), shape=(3, 3))
    >>> (complex_,) = GraphLowerStar(functions=("degree", "closeness")).fit_transform([path])
    >>> complex_.grades[0][:, 0].tolist()  # degrees
    [1.0, 2.0, 1.0]
    """

    _parameter_constraints = {
        "functions": ["array-like"],
        "hks_time": [Interval(Real, 0, None, closed="neither")],
        "max_dimension": [Interval(Integral, 1, 2, closed="both")],
    }

    def __init__(self, functions=("degree", "hks"), hks_time=1.0, max_dimension=1):
        self.functions = functions
        self.hks_time = hks_time
        self.max_dimension = max_dimension

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the graphs; nothing is learned.

        Parameters
        ----------
        X : list of sparse matrix or tuple (sparse matrix, ndarray)
            The graphs, optionally with node values.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        functions = tuple(self.functions)
        bad = [f for f in functions if f not in _NODE_FUNCTIONS]
        if not functions or bad:
            raise ValueError(
                f"functions must be a non-empty sequence among {list(_NODE_FUNCTIONS)}; "
                f"unknown: {bad}."
            )
        self.functions_ = functions
        self._validate_collection(X, fitting=True)
        return self

    def _validate_collection(self, X, fitting):
        from scipy import sparse

        X = as_collection(X, samples="graphs (sparse adjacency matrices)")
        out = []
        for i, sample in enumerate(X):
            values = None
            if isinstance(sample, tuple):
                sample, values = sample
            if not sparse.issparse(sample) or sample.shape[0] != sample.shape[1]:
                raise TypeError(
                    f"X[{i}] must be a square scipy sparse adjacency matrix, or a "
                    f"tuple (adjacency, node_values)."
                )
            coo = sparse.coo_matrix(sample)
            off = coo.row != coo.col
            n = coo.shape[0]
            adjacency = sparse.coo_matrix(
                (np.ones(off.sum()), (coo.row[off], coo.col[off])), shape=(n, n)
            ).tocsr()
            adjacency = ((adjacency + adjacency.T) > 0).astype(np.float64)
            if values is not None:
                values = np.asarray(values, dtype=np.float64)
                if values.ndim == 1:
                    values = values[:, None]
                if values.shape[0] != n or not np.isfinite(values).all():
                    raise ValueError(
                        f"X[{i}] node values must be finite, one row per node ({n}); "
                        f"got shape {values.shape}."
                    )
            out.append((adjacency, values))
        return out

    def _transform_one(self, sample):
        from scipy import sparse

        adjacency, values = sample
        if values is None:
            values = np.column_stack(
                [_node_function(f, adjacency, self.hks_time) for f in self.functions_]
            )
        upper = sparse.triu(adjacency, k=1).tocoo()
        edges = np.c_[upper.row, upper.col].astype(np.int64)
        n = adjacency.shape[0]
        simplices = [np.arange(n, dtype=np.int64)[:, None], edges]
        grades = [values, np.maximum(values[edges[:, 0]], values[edges[:, 1]])]
        if self.max_dimension == 2:
            dense = adjacency.toarray() > 0
            triangles = np.array(
                [
                    (a, b, c)
                    for a, b in edges
                    for c in np.flatnonzero(dense[a] & dense[b])
                    if c > b
                ],
                dtype=np.int64,
            ).reshape(-1, 3)
            simplices.append(triangles)
            grades.append(values[triangles].max(axis=1))
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


def _expand(points, weights):
    """Atoms repeated by |weight|, split into positive and negative parts."""
    reps = np.abs(weights)
    pos = np.repeat(points[weights > 0], reps[weights > 0], axis=0)
    neg = np.repeat(points[weights < 0], reps[weights < 0], axis=0)
    return pos, neg


def _sliced_distance(a, b, lines):
    """Mean over lines of the 1-D KR distance between two signed measures."""
    (pa, na), (pb, nb) = a, b
    left = np.concatenate([pa, nb])
    right = np.concatenate([pb, na])
    if left.shape[0] != right.shape[0]:
        raise ValueError(
            "the sliced Wasserstein distance compares signed measures of equal "
            "total mass; use SignedMeasure(zero_mass=True)."
        )
    if left.shape[0] == 0:
        return 0.0
    proj_l = np.sort(left @ lines, axis=0)
    proj_r = np.sort(right @ lines, axis=0)
    return float(np.abs(proj_l - proj_r).sum(axis=0).mean())


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
    lines = _directions(check_random_state(random_state), n_directions, n_params)
    return sum(
        _sliced_distance(_expand(*x), _expand(*y), lines)
        for x, y in zip(a, b, strict=True)
    )


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
    }

    def __init__(self, n_directions=50, bandwidth=1.0, random_state=None):
        self.n_directions = n_directions
        self.bandwidth = bandwidth
        self.random_state = random_state

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
        self.train_measures_ = [[_expand(*m) for m in sample] for sample in X]
        return self

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
        rows = self._map([[_expand(*m) for m in sample] for sample in X])
        return np.exp(-np.array(rows).reshape(len(X), -1) / (2 * self.bandwidth**2))

    def _transform_one(self, sample):
        return [
            sum(
                _sliced_distance(a, b, self.directions_)
                for a, b in zip(sample, train, strict=True)
            )
            for train in self.train_measures_
        ]

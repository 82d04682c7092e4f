"""Multiparameter filtrations: the complexes and the transformers that build them.

A 1-critical filtration with ``n`` parameters gives every cell one grade in
``R^n``, at least the grades of its faces. This module holds the containers
(simplicial and cubical), Mobius inversion on grids, and the bifiltrations of
point clouds, graphs and images; ``_signed_measures`` turns them into signed
measures and features.
"""

import itertools
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator

from geomlearn.topology._base import (
    CollectionTransformerMixin,
    gudhi_module,
)
from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import Interval, Real, _fit_context
from geomlearn.utils.validation import as_collection, check_point_clouds

__all__ = [
    "CubicalBifiltration",
    "FilteredComplex",
    "FilteredCubicalComplex",
    "GraphLowerStar",
    "RipsCodensity",
    "RipsLowerStar",
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

    def _grid_grades(self):
        """Grades from which a grid is learned: every grade of the complex."""
        return np.concatenate(self.grades)

    def _cell_grades(self):
        """Grade arrays aligned with the time arrays ``_bars`` takes."""
        return self.grades

    def _bars(self, times, degrees):
        """Bars of the one-parameter filtration with entry times ``times``.

        ``times[k]`` gives each ``k``-simplex its entry time (``inf``: never);
        times must not decrease from faces to cofaces. Returns one
        ``(n_bars, 2)`` array per degree, mod-2 coefficients.
        """
        gudhi = gudhi_module("SignedMeasure")
        st = gudhi.SimplexTree()
        for s, t in zip(self.simplices, times, strict=True):
            keep = np.isfinite(t)
            if keep.any():
                st.insert_batch(np.ascontiguousarray(s[keep].T), t[keep])
        if st.num_vertices() == 0:
            return [np.empty((0, 2)) for _ in degrees]
        st.compute_persistence(homology_coeff_field=2, persistence_dim_max=True)
        return [
            st.persistence_intervals_in_dimension(d).reshape(-1, 2) for d in degrees
        ]


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


class _FunctionRipsComplex(FilteredComplex):
    """The Rips x vertex-function bifiltration, kept as points and values.

    Its slice ``{f <= c}`` is the Rips filtration of the points with value at
    most ``c``, so Hilbert functions come from one-parameter Rips persistence
    of point subsets and no simplex is listed. The simplices are listed on
    first use of ``simplices`` or ``grades`` (Euler and rank measures).
    """

    def __init__(self, points, values, max_edge_length, max_dimension, collapse_edges):
        self.points = points
        self.values = values
        self.max_edge_length = float(max_edge_length)
        self.max_dimension = int(max_dimension)
        self.collapse_edges = bool(collapse_edges)
        self.n_parameters = 2
        self._listed = None
        self._distance_matrix = None

    def __getstate__(self):
        state = self.__dict__.copy()
        # listed and measured again on demand: pickles stay small
        state["_listed"] = None
        state["_distance_matrix"] = None
        return state

    def __eq__(self, other):
        if isinstance(other, _FunctionRipsComplex):
            return (
                np.array_equal(self.points, other.points)
                and np.array_equal(self.values, other.values)
                and self.max_edge_length == other.max_edge_length
                and self.max_dimension == other.max_dimension
            )
        return super().__eq__(other)

    __hash__ = None

    def __repr__(self):
        return (
            f"FilteredComplex(n_parameters=2, Rips x function of "
            f"{len(self.points)} points, max_dimension={self.max_dimension})"
        )

    def _list(self):
        if self._listed is None:
            gudhi = gudhi_module("RipsLowerStar")
            st = gudhi.RipsComplex(
                points=self.points, max_edge_length=self.max_edge_length
            ).create_simplex_tree(max_dimension=self.max_dimension)
            by_dim = [[] for _ in range(st.dimension() + 1)]
            for simplex, length in st.get_simplices():
                by_dim[len(simplex) - 1].append((simplex, length))
            simplices, grades = [], []
            for k, entries in enumerate(by_dim):
                verts = np.array([s for s, _ in entries], dtype=np.int64)
                verts = verts.reshape(-1, k + 1)
                lengths = np.array([f for _, f in entries])
                simplices.append(verts)
                grades.append(np.c_[lengths, self.values[verts].max(axis=1)])
            self._listed = (simplices, grades)
        return self._listed

    @property
    def simplices(self):
        return self._list()[0]

    @property
    def grades(self):
        return self._list()[1]

    @property
    def dimension(self):
        return len(self.simplices) - 1

    def _distances(self):
        """Pairwise distances, computed once (grid, collapse and Euler use them)."""
        if self._distance_matrix is None:
            from scipy.spatial.distance import pdist, squareform

            self._distance_matrix = squareform(pdist(self.points))
        return self._distance_matrix

    def _grid_grades(self):
        # triangles and higher enter at the maxima of their edges' grades:
        # the vertices and edges carry every value a grid can need
        n = len(self.points)
        upper = np.triu_indices(n, k=1)
        lengths = self._distances()[upper]
        keep = lengths <= self.max_edge_length
        edges = np.c_[
            lengths[keep],
            np.maximum(self.values[upper[0][keep]], self.values[upper[1][keep]]),
        ]
        return np.r_[np.c_[np.zeros(n), self.values], edges]

    def _euler_on_grid(self, grid):
        """Euler measure squeezed on a 2-D grid, or None to list the simplices.

        Counted by a numba kernel for complexes up to triangles, so dense
        clouds need no simplex tree.
        """
        if self.max_dimension > 2:
            return None
        from geomlearn.topology._multiparameter_kernels import rips_euler_histogram

        g1, g2 = grid
        distances = self._distances()
        inside = distances <= self.max_edge_length
        return rips_euler_histogram(
            np.searchsorted(g1, distances, side="left"),
            np.searchsorted(g2, self.values, side="left"),
            int(np.searchsorted(g1, 0.0, side="left")),
            inside,
            len(g1),
            len(g2),
            self.max_dimension == 2,
        )

    def _reduced_graph(self, grid):
        """Squeeze the graph onto the grid and remove its dominated edges.

        Grades are replaced by the index of the first grid value at or above
        them (the grid's length: never on the grid), which changes no
        sublevel complex at a grid point and lets more edges collapse.
        """
        g1, g2 = grid
        r1, r2 = len(g1), len(g2)
        distances = self._distances()
        vertex = np.searchsorted(g2, self.values, side="left")
        grade1 = np.searchsorted(g1, distances, side="left")
        grade1[distances > self.max_edge_length] = r1
        grade2 = np.maximum(vertex[:, None], vertex[None, :])
        adjacency = (grade1 < r1) & (grade2 < r2)
        np.fill_diagonal(adjacency, False)
        if self.collapse_edges:
            from geomlearn.topology._multiparameter_kernels import (
                collapse_dominated_edges,
            )

            us, vs = np.nonzero(np.triu(adjacency, k=1))
            latest = np.lexsort((-grade2[us, vs], -grade1[us, vs]))
            collapse_dominated_edges(
                grade1, grade2, adjacency, us[latest], vs[latest], 10
            )
        return vertex, grade1, adjacency

    def _collapsed(self, grid):
        """Build the flag complex of the collapsed graph, grades on the grid.

        Same sublevel homology at every grid point, in degrees below
        ``max_dimension`` (the rank route for Rips complexes).
        """
        gudhi = gudhi_module("SignedMeasure")
        g1, g2 = grid
        vertex, grade1, adjacency = self._reduced_graph(grid)
        keep = np.flatnonzero(vertex < len(g2))
        st = gudhi.SimplexTree()
        st.insert_batch(keep[None, :], np.zeros(len(keep)))
        us, vs = np.nonzero(np.triu(adjacency, k=1))
        st.insert_batch(np.vstack([us, vs]), np.zeros(len(us)))
        st.expansion(self.max_dimension)
        by_dim = [[] for _ in range(st.dimension() + 1)]
        for simplex, _ in st.get_simplices():
            by_dim[len(simplex) - 1].append(simplex)
        simplices, grades = [], []
        for k, listed in enumerate(by_dim):
            verts = np.array(listed, dtype=np.int64).reshape(-1, k + 1)
            first = np.zeros(len(verts), dtype=np.int64)
            for a, b in itertools.combinations(range(k + 1), 2):
                first = np.maximum(first, grade1[verts[:, a], verts[:, b]])
            second = vertex[verts].max(axis=1)
            simplices.append(verts)
            grades.append(np.c_[g1[first], g2[second]])
        return FilteredComplex(simplices, grades)

    def _hilbert(self, grid, degrees, n_jobs):
        """Betti numbers on the grid from the slices ``{f <= c}``.

        Each slice is the flag complex of the (collapsed) graph on the points
        with value at most ``c``, filtered by the squeezed edge lengths:
        gudhi's Ripser on a sparse graph, one call per distinct subset.
        """
        from scipy.sparse import coo_matrix

        rips_module = import_optional(
            "gudhi.sklearn.rips_persistence", extra="tda", caller="SignedMeasure"
        )
        g1, g2 = grid
        r1 = len(g1)
        vertex, grade1, adjacency = self._reduced_graph(grid)
        order = np.argsort(vertex, kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        # points in slice j: the first counts[j] of ``order``
        counts = np.searchsorted(vertex[order], np.arange(len(g2)), side="right")
        us, vs = np.nonzero(np.triu(adjacency, k=1))
        pu, pv = position[us], position[vs]
        last = np.maximum(pu, pv)
        lengths = grade1[us, vs].astype(np.float64)
        sizes = np.unique(counts[counts > 1])
        bars = {}
        if sizes.size:
            rips = rips_module.RipsPersistence(
                homology_dimensions=list(degrees),
                input_type="distance coo_matrix",
                homology_coeff_field=2,
                n_jobs=n_jobs,
            )
            graphs = []
            for k in sizes:
                inside = last < k
                graphs.append(
                    coo_matrix(
                        (lengths[inside], (pu[inside], pv[inside])), shape=(k, k)
                    )
                )
            for k, dgms in zip(sizes, rips.fit_transform(graphs), strict=True):
                bars[k] = dgms
        lone = [
            np.array([[0.0, np.inf]]) if d == 0 else np.empty((0, 2)) for d in degrees
        ]
        out = np.zeros((len(degrees), r1, len(g2)), dtype=np.int64)
        for j, k in enumerate(counts):
            if k == 0:
                continue
            for a, b in enumerate(bars[k] if k > 1 else lone):
                out[a, :, j] = _alive(
                    np.asarray(b, dtype=np.float64).reshape(-1, 2), r1
                )
        return out


def _alive(bars, n_times):
    """Count the bars ``[birth, death)`` alive at the times ``0 .. n_times-1``."""
    births = np.clip(np.ceil(bars[:, 0]), 0, n_times).astype(np.int64)
    deaths = np.clip(np.ceil(bars[:, 1]), 0, n_times).astype(np.int64)
    change = np.bincount(births, minlength=n_times + 1)
    change -= np.bincount(deaths, minlength=n_times + 1)
    return np.cumsum(change[:n_times])


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
    collapse_edges : bool, default=True
        Before Hilbert and rank measures, remove the edges that are
        filtration-dominated in the bifiltered graph (Alonso, Kerber and
        Pritam): an edge goes when, at every grade where it exists, its link
        in the flag complex is a cone. Every sublevel complex keeps its
        homotopy type, so the measures do not change (tested); only the time
        does: on 500 points with edges up to 0.5, about 1000 of 17670 edges
        remain and the Hilbert measure takes a tenth of the time. The
        collapse runs on grades squeezed to the grid, which lets more edges
        go. Euler measures never use it (they count simplices).

    Notes
    -----
    The slice ``{f <= c}`` of this bifiltration is the Rips filtration of the
    points with value at most ``c``. :class:`SignedMeasure` therefore gets
    Hilbert functions from one-parameter Rips persistence (gudhi's Ripser on
    the sparse collapsed graph) of nested subsets of the points, one per grid
    value of the second axis, without listing a simplex, when the degrees
    asked for are below ``max_dimension``; Euler measures are counted
    straight into the grid. The returned complexes keep the cloud and the
    function values as the attributes ``points`` and ``values``; their
    simplices are listed by gudhi's Rips complex on first access of
    ``simplices`` or ``grades``, which for dense clouds is the costly step.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import RipsLowerStar
    >>> cloud = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    >>> (bifiltered,) = RipsLowerStar().fit_transform([(cloud, np.array([0.0, 2.0, 1.0]))])
    >>> bifiltered
    FilteredComplex(n_parameters=2, Rips x function of 3 points, max_dimension=2)
    >>> [len(s) for s in bifiltered.simplices]
    [3, 3, 1]
    """

    _parameter_constraints = {
        "max_edge_length": [Interval(Real, 0, None, closed="right")],
        "max_dimension": [Interval(Integral, 1, None, closed="left")],
        "collapse_edges": ["boolean"],
    }

    def __init__(self, max_edge_length=np.inf, max_dimension=2, collapse_edges=True):
        self.max_edge_length = max_edge_length
        self.max_dimension = max_dimension
        self.collapse_edges = collapse_edges

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
        gudhi_module(type(self).__name__)
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
        points, values = sample
        return _FunctionRipsComplex(
            points,
            values,
            self.max_edge_length,
            self.max_dimension,
            self.collapse_edges,
        )


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
    collapse_edges : bool, default=True
        Remove filtration-dominated edges before Hilbert and rank measures
        (exact; see :class:`RipsLowerStar`).

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

    def __init__(
        self,
        bandwidth=0.1,
        max_edge_length=np.inf,
        max_dimension=2,
        collapse_edges=True,
    ):
        self.bandwidth = bandwidth
        self.max_edge_length = max_edge_length
        self.max_dimension = max_dimension
        self.collapse_edges = collapse_edges

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
        return super().fit(X)

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


class FilteredCubicalComplex:
    """A cubical grid with a multiparameter filtration given at its vertices.

    Pixels (voxels) are the vertices of the grid; every edge, square, cube
    of the grid enters at the coordinatewise maximum of its vertices' grades
    (the lower-star, or "V-construction", of each channel). It is the
    cubical counterpart of :class:`FilteredComplex` for
    :class:`SignedMeasure`.

    Parameters
    ----------
    vertex_grades : array-like of shape (..., n_parameters)
        Grade of each vertex; the last axis holds the parameters.

    Attributes
    ----------
    n_parameters : int
        Number of filtration parameters.
    dimension : int
        Number of grid axes (the top cell dimension).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import FilteredCubicalComplex
    >>> image = np.zeros((3, 4, 2))  # a 3 x 4 image with two channels
    >>> complex_ = FilteredCubicalComplex(image)
    >>> points, weights = complex_.euler_measure()
    >>> int(weights.sum())  # the Euler characteristic of a rectangle
    1
    """

    def __init__(self, vertex_grades):
        grades = np.asarray(vertex_grades, dtype=np.float64)
        if grades.ndim < 2 or 0 in grades.shape:
            raise ValueError(
                "vertex_grades must have shape (*grid_shape, n_parameters) with at "
                f"least one grid axis; got {grades.shape}."
            )
        if not np.isfinite(grades).all():
            raise ValueError("vertex_grades contains NaN or infinity.")
        self.vertex_grades = grades
        self.n_parameters = grades.shape[-1]
        self.dimension = grades.ndim - 1

    def __eq__(self, other):
        if not isinstance(other, FilteredCubicalComplex):
            return NotImplemented
        return np.array_equal(self.vertex_grades, other.vertex_grades)

    __hash__ = None

    def __repr__(self):
        shape = " x ".join(str(s) for s in self.vertex_grades.shape[:-1])
        return f"FilteredCubicalComplex(n_parameters={self.n_parameters}, grid {shape})"

    def euler_measure(self):
        """Return the Euler signed measure: ``sum_cell (-1)^dim delta_grade``.

        Returns
        -------
        points : ndarray of shape (n_cells, n_parameters)
            The grade of every cell of the grid.
        weights : ndarray of shape (n_cells,)
            ``(-1)^dim`` of each cell.
        """
        n = self.n_parameters
        points, weights = [], []
        for k in range(self.dimension + 1):
            for axes in itertools.combinations(range(self.dimension), k):
                # the cells spanning these axes: maxima over unit steps
                g = self.vertex_grades
                for axis in axes:
                    head = [slice(None)] * g.ndim
                    tail = [slice(None)] * g.ndim
                    head[axis], tail[axis] = slice(None, -1), slice(1, None)
                    g = np.maximum(g[tuple(head)], g[tuple(tail)])
                cells = g.reshape(-1, n)
                points.append(cells)
                weights.append(np.full(len(cells), (-1) ** k, dtype=np.int64))
        return np.concatenate(points), np.concatenate(weights)

    def _grid_grades(self):
        # every cell's grade is a coordinatewise maximum of vertex grades
        return self.vertex_grades.reshape(-1, self.n_parameters)

    def _cell_grades(self):
        return [self._grid_grades()]

    def _bars(self, times, degrees):
        gudhi = gudhi_module("SignedMeasure")
        (t,) = times
        if not np.isfinite(t).any():
            return [np.empty((0, 2)) for _ in degrees]
        # a cell enters at the latest time of its vertices: gudhi's vertex mode;
        # vertices never entering (inf) keep their cells out
        cc = gudhi.CubicalComplex(vertices=t.reshape(self.vertex_grades.shape[:-1]))
        cc.compute_persistence(homology_coeff_field=2)
        out = []
        for d in degrees:
            bars = np.asarray(cc.persistence_intervals_in_dimension(d)).reshape(-1, 2)
            out.append(bars[np.isfinite(bars[:, 0])])
        return out


class CubicalBifiltration(CollectionTransformerMixin, BaseEstimator):
    """Multiparameter sublevel filtrations of images with several channels.

    Each sample is an image (any number of grid axes) whose last axis holds
    one channel per filtration parameter, e.g. intensity and a second
    measurement; or, with ``gradient=True``, a single-channel image that gets
    the pair (intensity, gradient norm). Pixels are the vertices of a cubical
    grid and a cell enters when all its pixels are below the threshold in
    every channel (:class:`FilteredCubicalComplex`).

    Parameters
    ----------
    gradient : bool, default=False
        ``False``: samples are arrays of shape ``(..., n_channels)`` (the grid
        axes, then the channels) and the channels are the parameters.
        ``True``: samples are arrays over the grid axes only and the parameters are the values and the norm
        of their Gaussian-smoothed gradient
        (:func:`scipy.ndimage.gaussian_gradient_magnitude`), so that flat
        regions enter before edges.
    gradient_sigma : float, default=1.0
        Standard deviation, in pixels, of the Gaussian smoothing of the
        gradient.
    superlevel : bool or tuple of bool, default=False
        Use superlevel sets (bright first) for all parameters, or per
        parameter; those coordinates are negated, so measures of
        superlevel parameters live at minus the channel values.

    Attributes
    ----------
    n_parameters_ : int
        Number of filtration parameters.
    n_grid_dims_ : int
        Number of grid axes of the images.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import CubicalBifiltration, SignedMeasure
    >>> image = np.random.default_rng(0).random((16, 16))
    >>> complexes = CubicalBifiltration(gradient=True).fit_transform([image])
    >>> complexes[0]
    FilteredCubicalComplex(n_parameters=2, grid 16 x 16)
    >>> (measures,) = SignedMeasure(resolution=10).fit_transform(complexes)
    >>> len(measures)  # H0 and H1
    2
    """

    _parameter_constraints = {
        "gradient": ["boolean"],
        "gradient_sigma": [Interval(Real, 0, None, closed="neither")],
        "superlevel": ["boolean", tuple, list],
    }

    def __init__(self, gradient=False, gradient_sigma=1.0, superlevel=False):
        self.gradient = gradient
        self.gradient_sigma = gradient_sigma
        self.superlevel = superlevel

    def _validate_collection(self, X, fitting):
        from geomlearn.topology._persistence import _check_real_array

        X = as_collection(
            X,
            samples="images (arrays with a channel axis last)",
            ndims=range(1, 33),
        )
        out = []
        expected = None if fitting else self.n_grid_dims_
        for i, sample in enumerate(X):
            a = _check_real_array(sample, f"X[{i}]")
            if self.gradient:
                grid_dims = a.ndim
            else:
                grid_dims = a.ndim - 1
                if grid_dims < 1 or a.shape[-1] < 1:
                    raise ValueError(
                        f"X[{i}] has shape {a.shape}; without gradient=True each "
                        f"image needs a last axis of channels, one per parameter."
                    )
            if a.size == 0 or grid_dims < 1:
                raise ValueError(f"X[{i}] is empty or has no grid axis.")
            if expected is None:
                expected = grid_dims
            elif grid_dims != expected:
                raise ValueError(
                    f"X[{i}] has {grid_dims} grid axes but {expected} were expected."
                )
            n_params = 2 if self.gradient else a.shape[-1]
            if not fitting and n_params != self.n_parameters_:
                raise ValueError(
                    f"X[{i}] has {n_params} channels but {self.n_parameters_} were "
                    f"seen in fit."
                )
            out.append(a)
        if fitting:
            self.n_grid_dims_ = expected
        return out

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the images and the parameters; nothing is learned.

        Parameters
        ----------
        X : list of ndarray
            The images (see the class description for their shape).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        X = self._validate_collection(X, fitting=True)
        n_params = {2 if self.gradient else a.shape[-1] for a in X}
        if len(n_params) != 1:
            raise ValueError(
                f"all images must have the same number of channels; got {n_params}."
            )
        (self.n_parameters_,) = n_params
        signs = self.superlevel
        if isinstance(signs, bool):
            signs = (signs,) * self.n_parameters_
        signs = tuple(signs)
        if len(signs) != self.n_parameters_ or not all(
            isinstance(s, (bool, np.bool_)) for s in signs
        ):
            raise ValueError(
                f"superlevel must be a bool or {self.n_parameters_} bools (one per "
                f"parameter); got {self.superlevel!r}."
            )
        self._signs = np.where(signs, -1.0, 1.0)
        return self

    def _transform_one(self, image):
        if self.gradient:
            from scipy import ndimage

            norm = ndimage.gaussian_gradient_magnitude(image, self.gradient_sigma)
            image = np.stack([image, norm], axis=-1)
        return FilteredCubicalComplex(image * self._signs)

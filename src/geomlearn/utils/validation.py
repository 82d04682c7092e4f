"""Input validation shared by every area of geomlearn.

scikit-learn's :func:`~sklearn.utils.check_array` covers 2-D feature
matrices; the helpers here cover the other inputs geomlearn works with:
collections of point clouds (topology, equivariant networks), dissimilarity
matrices (k-medoids, persistence from distances) and fields sampled on
regular grids (PDE data, images). They never silently coerce a bad input into
a wrong answer: each problem raises a :class:`ValueError` or
:class:`TypeError` that names the input and says what was expected.

Floating inputs keep their precision (``float32`` stays ``float32``), since
upcasting a large matrix would double its memory; other numeric inputs become
``float64``.
"""

import numbers

import numpy as np
from sklearn.utils import check_array

__all__ = [
    "check_diagrams",
    "check_distance_matrix",
    "check_grid_fields",
    "check_point_clouds",
]

_FLOAT_DTYPES = (np.float64, np.float32)


def _as_float_array(X, *, input_name, ensure_2d, allow_nd):
    """Validate with sklearn's check_array, keeping float32/float64 as given."""
    if np.iscomplexobj(X):
        raise TypeError(f"{input_name} is complex; geomlearn expects real numbers.")
    return check_array(
        X,
        dtype=_FLOAT_DTYPES,
        ensure_2d=ensure_2d,
        allow_nd=allow_nd,
        ensure_all_finite=True,
        ensure_min_samples=1,
        ensure_min_features=1,
        input_name=input_name,
    )


def as_collection(X, *, samples, ndims=(), one_sample=None, input_name="X"):
    """Return a collection as a list of samples, or raise a clear error.

    Parameters
    ----------
    X : object
        The collection: a sequence of samples, or an array whose first axis
        runs over samples.
    samples : str
        Plural name of the samples in messages, e.g. ``"point clouds"``.
    ndims : tuple of int, default=()
        Numbers of axes an array may have to be read as a collection; an
        empty tuple refuses arrays.
    one_sample : dict, default=None
        ``{ndim: layout}`` for arrays that look like a single sample: the
        error says so and how to wrap it.
    input_name : str, default="X"
        Name of the input in error messages.

    Returns
    -------
    samples : list
        The samples, in order.
    """
    if isinstance(X, np.ndarray):
        if one_sample and X.ndim in one_sample:
            raise ValueError(
                f"{input_name} must be a collection of {samples}; got a single "
                f"{one_sample[X.ndim]} of shape {X.shape}. To pass one sample, "
                f"wrap it in a list: [{input_name}]."
            )
        if X.ndim not in ndims:
            expected = " or ".join(f"{d}-D" for d in ndims) or "a list"
            raise ValueError(
                f"{input_name} as an array must be {expected} (samples along the "
                f"first axis); got {X.ndim}-D with shape {X.shape}."
            )
    elif isinstance(X, (str, bytes, dict)) or not hasattr(X, "__len__"):
        raise TypeError(
            f"{input_name} must be a list of {samples}; got {type(X).__name__}."
        )
    if len(X) == 0:
        raise ValueError(f"{input_name} is an empty collection; need at least one.")
    return list(X)


def check_point_clouds(X, *, min_points=1, n_features=None, input_name="X"):
    """Validate a collection of point clouds.

    Parameters
    ----------
    X : list of array-like of shape (n_points_i, n_features) or ndarray of \
shape (n_samples, n_points, n_features)
        The point clouds. Each may have its own number of points; all must
        share the dimension of the ambient space.
    min_points : int, default=1
        Smallest number of points a cloud may have.
    n_features : int, default=None
        Required dimension of the ambient space, e.g. the one seen in ``fit``.
        ``None`` accepts any dimension common to all clouds.
    input_name : str, default="X"
        Name of the input in error messages.

    Returns
    -------
    clouds : list of ndarray of shape (n_points_i, n_features)
        The validated clouds, ``float32`` or ``float64``, finite.

    Raises
    ------
    ValueError
        If the collection is empty, is a single 2-D array (one cloud, not a
        collection), or a cloud is not 2-D, has too few points, holds NaN or
        infinity, or has another dimension than the others.
    TypeError
        If ``X`` is not a sequence of arrays, or holds complex numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.utils import check_point_clouds
    >>> clouds = check_point_clouds([np.zeros((5, 3)), np.ones((7, 3))])
    >>> [c.shape for c in clouds]
    [(5, 3), (7, 3)]
    >>> check_point_clouds(np.zeros((5, 3)))
    Traceback (most recent call last):
    ...
    ValueError: X must be a collection of point clouds; got a single ...
    """
    if (
        isinstance(X, np.ndarray)
        and X.ndim == 3
        and X.dtype in _FLOAT_DTYPES
        and X.shape[0] > 0
        and X.shape[1] >= min_points
        and X.shape[2] >= 1
        and (n_features is None or X.shape[2] == n_features)
        and np.isfinite(X).all()
    ):
        return list(X)  # the common case, checked in one pass: views, no copies
    X = as_collection(
        X,
        samples="point clouds",
        ndims=(3,),
        one_sample={2: "2-D array (one point cloud)"},
        input_name=input_name,
    )

    clouds = []
    for i, cloud in enumerate(X):
        name = f"{input_name}[{i}]"
        try:
            ndim = np.ndim(cloud)
        except ValueError:
            raise ValueError(
                f"{name} is ragged: its points have different numbers of coordinates."
            ) from None
        if ndim != 2:
            raise ValueError(
                f"{name} must be a 2-D array (n_points, n_features); got "
                f"{np.ndim(cloud)}-D with shape {np.shape(cloud)}."
            )
        cloud = _as_float_array(cloud, input_name=name, ensure_2d=True, allow_nd=False)
        if cloud.shape[0] < min_points:
            raise ValueError(
                f"{name} has {cloud.shape[0]} points; at least {min_points} needed."
            )
        expected = n_features
        if expected is None and clouds:
            expected = clouds[0].shape[1]
        if expected is not None and cloud.shape[1] != expected:
            raise ValueError(
                f"{name} has {cloud.shape[1]} features (coordinates) but "
                f"{expected} were expected"
                + (" (as seen in fit)." if n_features is not None else ".")
            )
        clouds.append(cloud)
    return clouds


def check_distance_matrix(
    D, *, check_symmetric=True, tol=None, allow_integer=False, input_name="D"
):
    """Validate a square dissimilarity matrix.

    Parameters
    ----------
    D : array-like of shape (n_samples, n_samples)
        Pairwise dissimilarities. ``float32`` and ``float64`` are kept as
        given (no copy when already contiguous); other real dtypes are
        converted to ``float64``.
    check_symmetric : bool, default=True
        Require ``D[i, j] == D[j, i]`` up to ``tol``. The check reads the
        matrix in row blocks and needs no second n x n matrix.
    tol : float, default=None
        Absolute tolerance for the symmetry and zero-diagonal checks. The
        default is ``100 * eps * max(abs(D))`` for the matrix's dtype (0 for
        integer matrices).
    allow_integer : bool, default=False
        Keep an integer matrix as it is (for algorithms that only compare and
        add dissimilarities) instead of converting it to ``float64``.
    input_name : str, default="D"
        Name of the input in error messages.

    Returns
    -------
    D : ndarray of shape (n_samples, n_samples)
        The validated matrix.

    Raises
    ------
    ValueError
        If ``D`` is not 2-D and square, is empty, holds NaN, infinity or
        negative values, has a non-zero diagonal, or is not symmetric.
    TypeError
        If ``D`` is sparse, complex or not numeric.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.utils import check_distance_matrix
    >>> D = check_distance_matrix(np.array([[0.0, 1.0], [1.0, 0.0]], dtype=np.float32))
    >>> D.dtype
    dtype('float32')
    >>> check_distance_matrix(np.array([[0.0, 1.0], [2.0, 0.0]]))
    Traceback (most recent call last):
    ...
    ValueError: D is not symmetric: ...
    """
    if hasattr(D, "toarray") or hasattr(D, "tocsr"):
        raise TypeError(
            f"{input_name} is a sparse matrix; a dense (n_samples, n_samples) "
            f"dissimilarity matrix is expected."
        )
    if np.ndim(D) != 2:
        raise ValueError(
            f"{input_name} must be a 2-D square dissimilarity matrix; got "
            f"{np.ndim(D)}-D with shape {np.shape(D)}."
        )
    D = np.asarray(D)
    if D.ndim != 2 or D.shape[0] != D.shape[1]:
        raise ValueError(
            f"{input_name} must be a square dissimilarity matrix; got shape {D.shape}."
        )
    if D.size == 0:
        raise ValueError(f"{input_name} is empty (0 samples); need at least 1 sample.")
    integer = D.dtype.kind in "iu" and D.dtype != np.uint64
    if not (allow_integer and integer) and D.dtype not in _FLOAT_DTYPES:
        if np.iscomplexobj(D):
            raise TypeError(f"{input_name} is complex; geomlearn expects real numbers.")
        try:
            D = D.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise TypeError(
                f"{input_name} must hold numbers; got dtype {D.dtype}."
            ) from exc
    if tol is not None and (not isinstance(tol, numbers.Real) or tol < 0):
        raise ValueError(f"tol must be a non-negative number; got {tol!r}.")

    from geomlearn.utils._validation_kernels import dissimilarity_summary

    lowest, scale, diagonal, asym, nonfinite = dissimilarity_summary(D)
    if nonfinite:
        raise ValueError(
            f"{input_name} contains {nonfinite} NaN or infinite entries; "
            f"dissimilarities must be finite."
        )
    if tol is None:
        eps = np.finfo(D.dtype).eps if D.dtype.kind == "f" else 0.0
        tol = 100 * eps * max(scale, 1.0)
    if lowest < 0:
        raise ValueError(
            f"{input_name} has negative entries (min {lowest:g}); dissimilarities "
            f"must be non-negative."
        )
    if diagonal > tol:
        raise ValueError(
            f"{input_name} has a non-zero diagonal (max {diagonal:g}); the "
            f"dissimilarity of a point to itself must be 0."
        )
    if check_symmetric and asym > tol:
        raise ValueError(
            f"{input_name} is not symmetric: max |D[i, j] - D[j, i]| = {asym:g} "
            f"exceeds the tolerance {tol:g}. Symmetrise it, e.g. (D + D.T) / 2, "
            f"if the asymmetry is numerical noise."
        )
    return D


def check_grid_fields(X, *, n_spatial_dims, channels="optional", input_name="X"):
    """Validate a batch of fields sampled on a regular grid.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_1, ..., n_d) or \
(n_samples, n_1, ..., n_d, n_channels)
        The fields on a grid of ``d = n_spatial_dims`` axes, e.g.
        ``(n_samples, H, W)`` images or ``(n_samples, H, W, 2)`` velocity
        fields.
    n_spatial_dims : int
        Number of grid axes (1 for time series, 2 for images, 3 for volumes).
    channels : {"optional", "required", "forbidden"}, default="optional"
        Whether a trailing channel axis must, may or must not be present.
        When optional and the array has ``n_spatial_dims + 1`` axes, it is
        read as having no channel axis.
    input_name : str, default="X"
        Name of the input in error messages.

    Returns
    -------
    X : ndarray of shape (n_samples, n_1, ..., n_d, n_channels)
        The validated fields, always with a channel axis (of size 1 when the
        input had none), ``float32`` or ``float64``.
    had_channels : bool
        Whether the input had a channel axis, so that outputs can be shaped
        like inputs.

    Raises
    ------
    ValueError
        If the number of axes does not match, a grid axis has fewer than two
        nodes, the batch is empty, or a value is NaN or infinite.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.utils import check_grid_fields
    >>> X, had_channels = check_grid_fields(np.zeros((4, 16, 16)), n_spatial_dims=2)
    >>> X.shape, had_channels
    ((4, 16, 16, 1), False)
    """
    if channels not in ("optional", "required", "forbidden"):
        raise ValueError(
            f"channels must be 'optional', 'required' or 'forbidden'; got {channels!r}."
        )
    if not isinstance(n_spatial_dims, numbers.Integral) or n_spatial_dims < 1:
        raise ValueError(
            f"n_spatial_dims must be a positive int; got {n_spatial_dims!r}."
        )
    ndim = np.ndim(X)
    allowed = {
        "optional": (n_spatial_dims + 1, n_spatial_dims + 2),
        "required": (n_spatial_dims + 2,),
        "forbidden": (n_spatial_dims + 1,),
    }[channels]
    if ndim not in allowed:
        layouts = {
            n_spatial_dims + 1: "(n_samples, *grid)",
            n_spatial_dims + 2: "(n_samples, *grid, n_channels)",
        }
        expected = " or ".join(layouts[a] for a in allowed)
        raise ValueError(
            f"{input_name} must have shape {expected} with {n_spatial_dims} grid "
            f"axes; got {ndim}-D with shape {np.shape(X)}."
        )
    X = _as_float_array(X, input_name=input_name, ensure_2d=False, allow_nd=True)
    had_channels = ndim == n_spatial_dims + 2
    grid = X.shape[1 : 1 + n_spatial_dims]
    if min(grid) < 2:
        raise ValueError(
            f"{input_name} has grid shape {grid}; every grid axis needs at least "
            f"2 nodes."
        )
    if not had_channels:
        X = X[..., np.newaxis]
    return X, had_channels


def _one_diagram(D, name):
    """Read one persistence diagram as a real (n_bars, 2) float64 array.

    NaN and infinite births are checked afterwards, on the whole collection
    at once (:func:`_check_diagram_values`).
    """
    if (
        isinstance(D, np.ndarray)
        and D.dtype == np.float64
        and D.ndim == 2
        and D.shape[1] == 2
    ):
        return D
    if np.iscomplexobj(D):
        raise TypeError(f"{name} is complex; diagrams hold real filtration values.")
    try:
        D = np.asarray(D, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be an (n_bars, 2) array of (birth, death) pairs; it "
            f"could not be read as numbers ({exc})."
        ) from exc
    if D.size == 0:
        return np.empty((0, 2))
    if D.ndim != 2 or D.shape[1] != 2:
        raise ValueError(
            f"{name} must be an (n_bars, 2) array of (birth, death) pairs; got "
            f"shape {D.shape}."
        )
    return D


def _check_diagram_values(diagrams, input_name):
    """Refuse NaN anywhere and infinite births, in one pass over all points."""
    flat = [d for sample in diagrams for d in sample]
    points = np.concatenate(flat) if flat else np.empty((0, 2))
    if not (np.isnan(points).any() or not np.isfinite(points[:, 0]).all()):
        return
    for i, sample in enumerate(diagrams):
        for k, d in enumerate(sample):
            name = (
                f"{input_name}[{i}][{k}]" if len(sample) > 1 else f"{input_name}[{i}]"
            )
            if np.isnan(d).any():
                raise ValueError(
                    f"{name} contains NaN; births and deaths must be numbers."
                )
            if not np.isfinite(d[:, 0]).all():
                raise ValueError(
                    f"{name} has an infinite birth; only deaths may be infinite "
                    f"(bars that never die)."
                )


def _is_diagram_list(sample):
    """Whether a sample is a sequence of diagrams (one per homology degree)."""
    if isinstance(sample, np.ndarray) or not isinstance(sample, (list, tuple)):
        return False
    return (
        len(sample) > 0
        and all(
            (isinstance(d, np.ndarray) and d.ndim == 2)
            or (isinstance(d, (list, tuple)) and np.ndim(d) == 2)
            or (isinstance(d, (list, tuple)) and len(d) == 0)
            for d in sample
        )
        and not all(np.ndim(d) == 1 and len(d) == 2 for d in sample)
    )


def check_diagrams(X, *, n_degrees=None, input_name="X"):
    """Validate a collection of persistence diagrams.

    Parameters
    ----------
    X : list of array-like of shape (n_bars, 2), or list of list of such arrays
        One entry per sample. An entry is either one diagram, an array of
        ``(birth, death)`` pairs, or a list of diagrams, one per homology
        degree, as returned by the persistence transformers of
        :mod:`geomlearn.topology`. Deaths may be infinite (bars that never
        die), births may not.
    n_degrees : int, default=None
        Required number of diagrams per sample, e.g. the one seen in ``fit``.
        ``None`` accepts any number common to all samples.
    input_name : str, default="X"
        Name of the input in error messages.

    Returns
    -------
    diagrams : list of list of ndarray of shape (n_bars, 2)
        ``diagrams[i][k]`` is the ``float64`` diagram of degree position ``k``
        of sample ``i``; a sample given as one diagram becomes a list of one.

    Raises
    ------
    ValueError
        If the collection is empty or is one diagram rather than a collection,
        a diagram is not of shape (n_bars, 2), holds NaN or an infinite birth,
        or samples hold different numbers of diagrams.
    TypeError
        If ``X`` is not a sequence, or a diagram does not hold real numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.utils import check_diagrams
    >>> dgms = check_diagrams([[np.array([[0.0, np.inf]]), np.empty((0, 2))]])
    >>> len(dgms), len(dgms[0]), dgms[0][0].shape
    (1, 2, (1, 2))
    >>> check_diagrams(np.array([[0.0, 1.0], [0.5, 2.0]]))
    Traceback (most recent call last):
    ...
    ValueError: X must be a collection of persistence diagrams; got a single ...
    """
    X = as_collection(
        X,
        samples="persistence diagrams",
        ndims=(3,),
        one_sample={2: "2-D array (one diagram)"},
        input_name=input_name,
    )

    out = []
    for i, sample in enumerate(X):
        if _is_diagram_list(sample):
            dgms = [
                _one_diagram(d, f"{input_name}[{i}][{k}]") for k, d in enumerate(sample)
            ]
        else:
            dgms = [_one_diagram(sample, f"{input_name}[{i}]")]
        expected = (
            n_degrees if n_degrees is not None else (len(out[0]) if out else None)
        )
        if expected is not None and len(dgms) != expected:
            raise ValueError(
                f"{input_name}[{i}] holds {len(dgms)} diagram(s) but {expected} "
                f"were expected"
                + (" (as seen in fit)" if n_degrees is not None else "")
                + "; every sample needs one diagram per homology degree."
            )
        out.append(dgms)
    _check_diagram_values(out, input_name)
    return out

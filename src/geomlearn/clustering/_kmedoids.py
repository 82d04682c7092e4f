"""k-medoids clustering: PAM, FastPAM1, FastPAM2, FasterPAM and alternating.

The low-level functions (:func:`fasterpam`, :func:`fastpam1`, ...) take a
dissimilarity matrix and mirror the signatures of the ``kmedoids`` package, so
that switching is a change of import; :class:`KMedoids` is the scikit-learn
estimator on features or a precomputed matrix.
"""

import dataclasses
import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from geomlearn.clustering import _pam_kernels as kernels
from geomlearn.clustering._distances import (
    NATIVE_METRICS,
    feature_source,
    is_native,
    pairwise,
)
from geomlearn.utils._param_validation import (
    Interval,
    Real,
    StrOptions,
    _fit_context,
)
from geomlearn.utils.validation import check_distance_matrix

__all__ = [
    "KMedoids",
    "KMedoidsResult",
    "alternating",
    "build",
    "fasterpam",
    "fastpam1",
    "fastpam2",
    "lab",
    "pam",
]

_INITS = ("random", "first", "build", "lab", "k-medoids++")
_METHODS = ("fasterpam", "fastpam1", "fastpam2", "pam", "alternate")


@dataclasses.dataclass(frozen=True)
class KMedoidsResult:
    """The result of a k-medoids run on a dissimilarity matrix.

    Field names follow the ``kmedoids`` package's result object.

    Parameters
    ----------
    loss : float
        Total deviation: the sum over all objects of the dissimilarity to
        their nearest medoid.
    labels : ndarray of shape (n_samples,)
        Cluster of each object, ``0..k-1`` (the slot of its medoid).
    medoids : ndarray of shape (k,)
        Index of the medoid of each cluster.
    n_iter : int
        Iterations: sweeps over the data for FasterPAM, FastPAM2 and the
        alternating method; single swaps for PAM and FastPAM1.
    n_swap : int
        Swaps performed.
    converged : bool, default=True
        False if ``max_iter`` stopped the run before convergence.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import fasterpam
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> result = fasterpam(D, np.array([0, 1]))
    >>> result.loss, result.medoids.tolist(), result.labels.tolist()
    (4.0, [0, 3], [0, 0, 0, 1, 1])
    """

    loss: float
    labels: np.ndarray
    medoids: np.ndarray
    n_iter: int
    n_swap: int
    converged: bool = True


# --------------------------------------------------------------------------- helpers


def _check_diss(diss):
    """Validate a dissimilarity matrix; return it in row-major order, uncopied."""
    D = check_distance_matrix(diss, allow_integer=True, input_name="diss")
    if not D.flags.c_contiguous:
        # a symmetric Fortran-ordered matrix is its own transpose, in C order
        D = D.T if D.flags.f_contiguous else np.ascontiguousarray(D)
    return D


def _check_medoids(medoids, n):
    """Return (k, initial medoids or None) from an int k or an index array."""
    if isinstance(medoids, Integral) and not isinstance(medoids, bool):
        k = int(medoids)
        initial = None
    else:
        initial = np.asarray(medoids)
        if initial.ndim != 1 or initial.dtype.kind not in "iu":
            raise TypeError(
                "medoids must be the number of clusters k or a 1-D array of integer "
                f"indices; got {type(medoids).__name__} with dtype "
                f"{getattr(initial, 'dtype', None)} and shape {initial.shape}."
            )
        k = initial.shape[0]
    if k < 1:
        raise ValueError(f"the number of clusters must be at least 1; got {k}.")
    if k > n:
        raise ValueError(
            f"the number of clusters ({k}) exceeds the number of samples ({n})."
        )
    if initial is not None:
        if initial.min() < 0 or initial.max() >= n:
            raise ValueError(f"initial medoid indices must lie in [0, {n - 1}].")
        if np.unique(initial).shape[0] != k:
            raise ValueError("initial medoid indices must be distinct.")
        initial = initial.astype(np.int64)
    return k, initial


def _fill_distinct(medoids, found, n):
    """Complete a medoid set of which only the first ``found`` are meaningful."""
    chosen = set(medoids[:found].tolist())
    free = (i for i in range(n) if i not in chosen)
    for m in range(found, medoids.shape[0]):
        medoids[m] = next(free)
    return medoids


def _n(D):
    """Return the number of objects of a matrix or an on-the-fly source (a tuple)."""
    return D[0].shape[0] if isinstance(D, tuple) else D.shape[0]


def _initial_medoids(D, k, init, rng):
    n = _n(D)
    if init == "random":
        return rng.choice(n, k, replace=False).astype(np.int64)
    if init == "first":
        return np.arange(k, dtype=np.int64)
    if init == "build":
        medoids, found = kernels.build(D, k)
        return _fill_distinct(medoids, found, n)
    if init == "lab":
        size = min(n, 10 + int(np.ceil(np.sqrt(n))))
        return kernels.lab(D, k, rng.random_sample(k * size))
    if init == "k-medoids++":
        return kernels.kmedoids_plusplus(D, k, rng.random_sample(k))
    raise ValueError(
        f"init must be one of {_INITS} or an array of indices; got {init!r}."
    )


def _warn_if_coinciding(D, medoids):
    block = kernels.medoid_block(D, medoids)
    k = medoids.shape[0]
    if k > 1 and np.any(block[~np.eye(k, dtype=bool)] == 0):
        distinct = k - int(np.sum(np.triu(block == 0, 1).any(axis=0)))
        warnings.warn(
            f"Some medoids coincide (dissimilarity 0): the data seem to hold fewer "
            f"distinct points (about {distinct}) than the {k} clusters asked for, so "
            f"some clusters duplicate others.",
            ConvergenceWarning,
            stacklevel=3,
        )


def _run(D, k, initial, init, method, max_iter, rng, fasttol=1.0, check=False):
    """Run one method from given or generated initial medoids."""
    if isinstance(max_iter, bool) or not isinstance(max_iter, Integral) or max_iter < 1:
        raise ValueError(f"max_iter must be a positive int; got {max_iter!r}.")
    medoids = (
        initial.copy() if initial is not None else _initial_medoids(D, k, init, rng)
    )
    max_iter = int(max_iter)
    if method == "fasterpam":
        order = np.arange(_n(D), dtype=np.int64)
        loss, labels, n_iter, n_swap = kernels.fasterpam(
            D, medoids, max_iter, order, check
        )
        converged = n_iter < max_iter or k == 1
    elif method == "fastpam1":
        loss, labels, n_iter, n_swap, converged = kernels.fastpam1(
            D, medoids, max_iter, check
        )
    elif method == "fastpam2":
        loss, labels, n_iter, n_swap, converged = kernels.fastpam2(
            D, medoids, max_iter, float(fasttol), check
        )
    elif method == "pam":
        loss, labels, n_iter, n_swap, converged = kernels.pam_swap(
            D, medoids, max_iter, check
        )
    elif method == "alternate":
        loss, labels, n_iter, converged = kernels.alternating(D, medoids, max_iter)
        n_swap = 0
    else:
        raise ValueError(f"method must be one of {_METHODS}; got {method!r}.")
    return KMedoidsResult(
        float(loss), labels, medoids, int(n_iter), int(n_swap), bool(converged)
    )


def _max_iter(max_iter, method, k):
    """Return max_iter, or its default: 100 sweeps, or for PAM/FastPAM1 max(100, 10k) swaps."""
    if max_iter is not None:
        return max_iter
    return max(100, 10 * k) if method in ("pam", "fastpam1") else 100


def _on_matrix(diss, medoids, init, method, max_iter, random_state, **kwargs):
    """Validate the inputs of a low-level function and run the method."""
    D = _check_diss(diss)
    k, initial = _check_medoids(medoids, D.shape[0])
    rng = check_random_state(random_state)
    return _run(D, k, initial, init, method, max_iter, rng, **kwargs)


# --------------------------------------------------------------------------- functions


def fasterpam(
    diss,
    medoids,
    max_iter=100,
    init="random",
    random_state=None,
    n_cpu=1,
    *,
    check_caches=False,
):
    """FasterPAM k-medoids clustering of a dissimilarity matrix.

    The eager variant of Schubert & Rousseeuw (2021): it visits the objects
    in order and performs the first swap that lowers the loss, evaluating all
    k medoids for a candidate in O(n + k). It stops after a full cycle
    without an improving swap. The fastest SWAP variant, with the quality of
    PAM.

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer; float32 is not
        upcast. It is read row by row, so C order is fastest (a symmetric
        Fortran-ordered matrix is read through its transpose, without a copy).
    medoids : int or array-like of shape (k,)
        The number of clusters, or the indices of the initial medoids.
    max_iter : int, default=100
        Maximum number of sweeps over the data.
    init : {"random", "first", "build", "lab", "k-medoids++"}, default="random"
        Initialisation when ``medoids`` is an int.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initialisations.
    n_cpu : int, default=1
        Accepted for compatibility with ``kmedoids.fasterpam``: geomlearn's
        FasterPAM runs sequentially, in object order, which is what the
        ``kmedoids`` package does with ``n_cpu=1`` (its parallel variant
        visits objects in a shuffled order and gives other results).
        A positive int or -1.
    check_caches : bool, default=False
        For testing: verify the caches by brute force after every swap
        (slow); an inconsistency raises ``AssertionError``.

    Returns
    -------
    result : KMedoidsResult
        Loss, labels, medoids, iterations and swaps.

    See Also
    --------
    KMedoids : The estimator, on features or a precomputed matrix.

    References
    ----------
    .. [1] E. Schubert and P. J. Rousseeuw, "Fast and eager k-medoids
       clustering: O(k) runtime improvement of the PAM, CLARA, and CLARANS
       algorithms", Information Systems 101, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import fasterpam
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> result = fasterpam(D, 2, init="build")
    >>> result.medoids.tolist(), result.loss
    ([0, 3], 4.0)
    """
    if not isinstance(n_cpu, Integral) or not (n_cpu >= 1 or n_cpu == -1):
        raise ValueError(f"n_cpu must be a positive int or -1; got {n_cpu!r}.")
    return _on_matrix(
        diss, medoids, init, "fasterpam", max_iter, random_state, check=check_caches
    )


def fastpam1(
    diss, medoids, max_iter=100, init="random", random_state=None, *, check_caches=False
):
    """FastPAM1 k-medoids clustering: PAM's swaps, O(k) times faster.

    Each iteration performs the single best swap, as PAM SWAP does, but
    evaluates every candidate against all k medoids at once in O(n + k), so
    an iteration costs O(n^2) instead of O(k n^2). It takes the same swaps
    as :func:`pam` from the same initial medoids.

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer.
    medoids : int or array-like of shape (k,)
        The number of clusters, or the indices of the initial medoids.
    max_iter : int, default=100
        Maximum number of swaps (one per iteration).
    init : {"random", "first", "build", "lab", "k-medoids++"}, default="random"
        Initialisation when ``medoids`` is an int.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initialisations.
    check_caches : bool, default=False
        For testing: verify the caches by brute force after every swap.

    Returns
    -------
    result : KMedoidsResult
        Loss, labels, medoids, iterations and swaps.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import fastpam1
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> fastpam1(D, np.array([0, 1])).medoids.tolist()
    [0, 3]
    """
    return _on_matrix(
        diss, medoids, init, "fastpam1", max_iter, random_state, check=check_caches
    )


def fastpam2(
    diss,
    medoids,
    max_iter=100,
    init="random",
    random_state=None,
    *,
    fasttol=1.0,
    check_caches=False,
):
    """FastPAM2 k-medoids clustering: up to k swaps per iteration.

    Each iteration finds the best candidate for every medoid in one O(n^2)
    pass, performs the best swap, then tries the other medoids' candidates in
    order of their promised gain, re-evaluated against the current medoids.

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer.
    medoids : int or array-like of shape (k,)
        The number of clusters, or the indices of the initial medoids.
    max_iter : int, default=100
        Maximum number of iterations.
    init : {"random", "first", "build", "lab", "k-medoids++"}, default="random"
        Initialisation when ``medoids`` is an int.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initialisations.
    fasttol : float, default=1.0
        In [0, 1]. A further swap in an iteration is taken when its exact
        change is negative and at most ``(1 - fasttol)`` times the change
        stored for it: 1 takes any improvement, 0 only those at least as good
        as promised.
    check_caches : bool, default=False
        For testing: verify the caches by brute force after every swap.

    Returns
    -------
    result : KMedoidsResult
        Loss, labels, medoids, iterations and swaps.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import fastpam2
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> fastpam2(D, np.array([0, 1])).loss
    4.0
    """
    if not isinstance(fasttol, Real) or not 0.0 <= fasttol <= 1.0:
        raise ValueError(f"fasttol must be a number in [0, 1]; got {fasttol!r}.")
    return _on_matrix(
        diss,
        medoids,
        init,
        "fastpam2",
        max_iter,
        random_state,
        fasttol=fasttol,
        check=check_caches,
    )


def pam(
    diss, medoids, max_iter=100, init="build", random_state=None, *, check_caches=False
):
    """PAM: BUILD then SWAP, the textbook k-medoids (Kaufman & Rousseeuw).

    Every (medoid, non-medoid) swap is evaluated on its own, O(k n^2) per
    iteration; the best one is performed. This is the reference the fast
    variants are checked and timed against; use :func:`fasterpam` in
    practice.

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer.
    medoids : int or array-like of shape (k,)
        The number of clusters, or the indices of the initial medoids.
    max_iter : int, default=100
        Maximum number of swaps (one per iteration).
    init : {"build", "random", "first", "lab", "k-medoids++"}, default="build"
        Initialisation when ``medoids`` is an int.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initialisations.
    check_caches : bool, default=False
        For testing: verify the caches by brute force after every swap.

    Returns
    -------
    result : KMedoidsResult
        Loss, labels, medoids, iterations and swaps.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import pam
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> result = pam(D, 2)
    >>> result.medoids.tolist(), result.loss, result.n_swap
    ([0, 3], 4.0, 0)
    """
    return _on_matrix(
        diss, medoids, init, "pam", max_iter, random_state, check=check_caches
    )


def alternating(diss, medoids, max_iter=100, init="random", random_state=None):
    """Alternating (k-means style) k-medoids: assign, then re-centre.

    Assigns every object to its nearest medoid, then moves each medoid to the
    member of its cluster with the least distance sum, until no medoid moves.
    Fast, but it stops in clearly worse local optima than the SWAP methods.

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer.
    medoids : int or array-like of shape (k,)
        The number of clusters, or the indices of the initial medoids.
    max_iter : int, default=100
        Maximum number of iterations.
    init : {"random", "first", "build", "lab", "k-medoids++"}, default="random"
        Initialisation when ``medoids`` is an int.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initialisations.

    Returns
    -------
    result : KMedoidsResult
        Loss, labels, medoids, iterations (``n_swap`` is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import alternating
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> result = alternating(D, np.array([0, 1]))
    >>> result.medoids.tolist(), result.loss
    ([3, 0], 4.0)
    """
    return _on_matrix(diss, medoids, init, "alternate", max_iter, random_state)


def _initial_result(D, medoids):
    labels, _, loss = kernels.nearest_medoid(D, medoids, True)
    return KMedoidsResult(float(loss), labels, medoids, 0, 0, True)


def build(diss, k):
    """PAM BUILD: greedy k-medoids initialisation, O(k n^2).

    The first medoid has the least distance sum; each next one lowers the
    loss most. A good start for the SWAP methods, but slow for large n (see
    :func:`lab`).

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer.
    k : int
        Number of medoids.

    Returns
    -------
    result : KMedoidsResult
        The BUILD medoids, their labels and loss (``n_iter = n_swap = 0``).
        If the data hold fewer than k distinct objects, the last medoids
        duplicate earlier ones and a ``ConvergenceWarning`` says so.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import build
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> build(D, 2).medoids.tolist()
    [0, 3]
    """
    D = _check_diss(diss)
    k, _ = _check_medoids(k, D.shape[0])
    medoids = _initial_medoids(D, k, "build", None)
    _warn_if_coinciding(D, medoids)
    return _initial_result(D, medoids)


def lab(diss, k, random_state=None):
    """LAB, the linear approximative BUILD: fast k-medoids initialisation.

    Chooses each medoid as BUILD would, but among a fresh random subsample
    of 10 + sqrt(n) objects and judged on that subsample only: O(n k)
    dissimilarities instead of O(k n^2) (Schubert & Rousseeuw, 2019).

    Parameters
    ----------
    diss : array-like of shape (n_samples, n_samples)
        Symmetric dissimilarity matrix, float or integer.
    k : int
        Number of medoids.
    random_state : int, RandomState instance or None, default=None
        Seed of the subsamples.

    Returns
    -------
    result : KMedoidsResult
        The medoids, their labels and loss (``n_iter = n_swap = 0``).

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import lab
    >>> D = np.array([[0, 1, 2, 4, 7], [1, 0, 3, 5, 8], [2, 3, 0, 6, 9],
    ...               [4, 5, 6, 0, 1], [7, 8, 9, 1, 0]])
    >>> result = lab(D, 2, random_state=0)
    >>> len(set(result.medoids.tolist())), result.labels.shape
    (2, (5,))
    """
    D = _check_diss(diss)
    k, _ = _check_medoids(k, D.shape[0])
    medoids = _initial_medoids(D, k, "lab", check_random_state(random_state))
    return _initial_result(D, medoids)


# --------------------------------------------------------------------------- estimator


class _NearestMedoidMixin:
    """predict, transform and score of the medoid-based estimators."""

    def _precomputed(self):
        return isinstance(self.metric, str) and self.metric == "precomputed"

    def _store_fit(self, D, X, medoids, n_iter, n_swaps):
        """Set the fitted attributes from a source and its medoids."""
        # Labels by the rule predict uses (first nearest medoid), from the same
        # dissimilarities, so that predict(X_train) reproduces them.
        labels, dists, _ = kernels.nearest_medoid(D, medoids, False)
        self.medoid_indices_ = medoids
        self.labels_ = labels
        self.inertia_ = float(np.sum(dists))
        self.n_iter_ = int(n_iter)
        self.n_swaps_ = int(n_swaps)
        self.cluster_centers_ = None if self._precomputed() else X[medoids]

    def transform(self, X):
        """Dissimilarities from samples to each medoid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or \
(n_samples, n_train_samples)
            New data, or with ``metric="precomputed"`` their
            dissimilarities to all training samples.

        Returns
        -------
        distances : ndarray of shape (n_samples, n_clusters)
            Dissimilarity of each sample to each medoid.
        """
        check_is_fitted(self)
        if self._precomputed():
            X = validate_data(self, X, dtype=None, reset=False)
            if X.dtype.kind not in "fiu":
                raise TypeError(f"dissimilarities must be numeric; got {X.dtype}.")
            columns = X[:, self.medoid_indices_]
            if not np.all(np.isfinite(columns)) or np.any(columns < 0):
                raise ValueError("dissimilarities must be finite and non-negative.")
            return np.ascontiguousarray(columns)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        return pairwise(
            X,
            self.cluster_centers_,
            metric=self.metric,
            metric_params=getattr(self, "metric_params", None),
        )

    def predict(self, X):
        """Label samples with their nearest medoid.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or \
(n_samples, n_train_samples)
            New data, or with ``metric="precomputed"`` their
            dissimilarities to all training samples.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster of each sample, ``0..n_clusters-1`` (the first nearest
            medoid on ties), consistent with ``labels_``.
        """
        return np.argmin(self.transform(X), axis=1)

    def score(self, X, y=None):
        """Opposite of the total deviation of X from its nearest medoids.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or \
(n_samples, n_train_samples)
            Data, or with ``metric="precomputed"`` their dissimilarities to
            all training samples.
        y : None
            Ignored.

        Returns
        -------
        score : float
            Minus the sum of dissimilarities from each sample to its nearest
            medoid (higher is better, as for :meth:`sklearn.cluster.KMeans.score`).
        """
        return -float(np.sum(self.transform(X).min(axis=1), dtype=np.float64))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.pairwise = self._precomputed()
        return tags


def _gib(n_bytes):
    return f"{n_bytes / 2**30:.1f} GiB"


class KMedoids(_NearestMedoidMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """K-medoids clustering with FasterPAM and the rest of the PAM family.

    Chooses ``n_clusters`` data points (the medoids) that minimise the sum of
    dissimilarities from every sample to its nearest medoid. Unlike k-means,
    any dissimilarity works (a metric, a callable or a precomputed matrix),
    and every cluster centre is an actual sample.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (medoids).
    metric : str or callable, default="euclidean"
        ``"precomputed"`` for a square dissimilarity matrix; otherwise any
        metric :func:`sklearn.metrics.pairwise_distances` accepts, or a
        callable on two rows. ``"euclidean"``, ``"sqeuclidean"``,
        ``"manhattan"``, ``"chebyshev"`` and ``"cosine"`` are computed pair
        by pair by geomlearn (exactly symmetric, float32 kept).
    metric_params : dict, default=None
        Keyword arguments of the metric.
    method : {"fasterpam", "fastpam1", "fastpam2", "pam", "alternate"}, \
default="fasterpam"
        ``"fasterpam"``: eager swaps, the fastest at PAM quality.
        ``"fastpam1"``: PAM's swaps, O(k) times faster. ``"fastpam2"``:
        several swaps per iteration (see ``fasttol``). ``"pam"``: the textbook
        BUILD+SWAP, slow, a reference. ``"alternate"``: k-means style, fast
        but worse optima.
    init : {"random", "build", "lab", "k-medoids++", "first"} or array-like \
of shape (n_clusters,), default="random"
        Initial medoids: random samples; PAM's BUILD (good, O(k n^2)); LAB
        (BUILD on subsamples, O(n k)); k-medoids++ (sampling proportional to
        the dissimilarity to the nearest medoid); the first samples; or
        explicit sample indices.
    max_iter : int, default=None
        Sweeps over the data for "fasterpam", "fastpam2" and "alternate"
        (default 100); swaps for "pam" and "fastpam1", which perform one per
        iteration (default ``max(100, 10 * n_clusters)``). A
        ``ConvergenceWarning`` is raised when it stops the run.
    fasttol : float, default=1.0
        Tolerance of "fastpam2", in [0, 1] (see :func:`fastpam2`).
    max_memory : int or None, default=4294967296
        Bytes the n x n dissimilarity matrix may take (4 GiB by default).
        Above it, feature input with a metric geomlearn computes itself
        ("euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine") is
        clustered without the matrix: dissimilarities are computed on the fly
        and memory stays O(n k), at the price of recomputing each row when it
        is needed. Other metrics, and a precomputed matrix that large, raise
        an error that says how much memory is needed; :class:`CLARA` clusters
        such data from samples. ``None`` removes the limit.
    random_state : int, RandomState instance or None, default=None
        Seed of the random initialisations.

    Attributes
    ----------
    medoid_indices_ : ndarray of shape (n_clusters,)
        Indices of the medoids in the training data.
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The medoids themselves (feature input only; ``None`` when
        ``metric="precomputed"``).
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample, ``0..n_clusters-1``: its nearest
        medoid, the first in medoid order on ties.
    inertia_ : float
        Sum of dissimilarities of the samples to their nearest medoid (the
        total deviation).
    n_iter_ : int
        Iterations run (see ``max_iter``).
    n_swaps_ : int
        Swaps performed.
    n_features_in_ : int
        Number of features seen in ``fit`` (number of samples when
        precomputed).

    See Also
    --------
    fasterpam : The same algorithm as a function on a dissimilarity matrix.
    sklearn.cluster.KMeans : Centres are means, for squared Euclidean loss.

    Notes
    -----
    Feature input is turned into the full n x n dissimilarity matrix (n^2
    values in the data's float dtype) when it fits in ``max_memory``: the
    SWAP methods read every row of it in each sweep. Beyond that, rows are
    recomputed from the features when needed, which costs O(n d) per row
    instead of a memory read; for very large n, :class:`CLARA` is faster.

    ``predict`` assigns new samples to the nearest medoid and agrees with
    ``labels_`` on the training data. With ``metric="precomputed"`` it takes
    the dissimilarities from the new samples to *all* training samples,
    shape (n_new, n_train), and reads the medoids' columns.

    References
    ----------
    .. [1] E. Schubert and P. J. Rousseeuw, "Fast and eager k-medoids
       clustering: O(k) runtime improvement of the PAM, CLARA, and CLARANS
       algorithms", Information Systems 101, 2021.
    .. [2] L. Kaufman and P. J. Rousseeuw, "Clustering by means of medoids",
       in Statistical Data Analysis Based on the L1 Norm, 1987.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import KMedoids
    >>> X = np.array([[1.0, 2.0], [1.0, 4.0], [1.0, 0.0],
    ...               [4.0, 2.0], [4.0, 4.0], [4.0, 0.0]])
    >>> model = KMedoids(n_clusters=2, init="build").fit(X)
    >>> model.labels_
    array([0, 0, 0, 1, 1, 1])
    >>> model.cluster_centers_
    array([[1., 2.],
           [4., 2.]])
    >>> model.predict([[0.0, 0.0], [5.0, 3.0]])
    array([0, 1])
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "metric": [str, callable],
        "metric_params": [dict, None],
        "method": [StrOptions(set(_METHODS))],
        "init": [StrOptions(set(_INITS)), "array-like"],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "fasttol": [Interval(Real, 0, 1, closed="both")],
        "max_memory": [Interval(Integral, 1, None, closed="left"), None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        metric="euclidean",
        metric_params=None,
        method="fasterpam",
        init="random",
        max_iter=None,
        fasttol=1.0,
        max_memory=4 * 2**30,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.metric = metric
        self.metric_params = metric_params
        self.method = method
        self.init = init
        self.max_iter = max_iter
        self.fasttol = fasttol
        self.max_memory = max_memory
        self.random_state = random_state

    def _source(self, X):
        """Return the dissimilarity matrix of X, or an on-the-fly source if too large."""
        n = X.shape[0]
        if self._precomputed():
            needed = n * n * X.dtype.itemsize
            if self.max_memory is not None and needed > self.max_memory:
                raise ValueError(
                    f"the precomputed {n} x {n} matrix takes {_gib(needed)}, more "
                    f"than max_memory={_gib(self.max_memory)}. Use CLARA, which "
                    f"reads only samples of it, or raise max_memory (None: no limit)."
                )
            return _check_diss(X)
        needed = n * n * X.dtype.itemsize
        if self.max_memory is None or needed <= self.max_memory:
            return pairwise(X, metric=self.metric, metric_params=self.metric_params)
        if is_native(self.metric, self.metric_params):
            return feature_source(X, self.metric)
        raise ValueError(
            f"the {n} x {n} dissimilarity matrix would take {_gib(needed)}, more than "
            f"max_memory={_gib(self.max_memory)}, and metric={self.metric!r} cannot be "
            f"computed on the fly (only {sorted(set(NATIVE_METRICS))} can). Use CLARA, "
            f"one of those metrics, or raise max_memory (None: no limit)."
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Find the medoids.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or \
(n_samples, n_samples)
            Training data, or a symmetric dissimilarity matrix when
            ``metric="precomputed"``.
        y : None
            Ignored.

        Returns
        -------
        self : KMedoids
            The fitted estimator.
        """
        if self._precomputed():
            # finiteness, sign, diagonal and symmetry: one pass in _check_diss
            X = validate_data(self, X, dtype=None, ensure_all_finite=False)
        else:
            X = validate_data(self, X, dtype=[np.float64, np.float32])
        n = X.shape[0]
        k, _ = _check_medoids(self.n_clusters, n)
        initial = None
        if not isinstance(self.init, str):
            k_init, initial = _check_medoids(np.asarray(self.init), n)
            if k_init != k:
                raise ValueError(
                    f"init holds {k_init} medoid indices but n_clusters={k}."
                )
        D = self._source(X)
        rng = check_random_state(self.random_state)
        max_iter = _max_iter(self.max_iter, self.method, k)
        result = _run(
            D,
            k,
            initial,
            self.init if initial is None else None,
            self.method,
            max_iter,
            rng,
            fasttol=self.fasttol,
        )
        if not result.converged:
            warnings.warn(
                f"KMedoids(method={self.method!r}) stopped at max_iter={max_iter} "
                f"before converging; increase max_iter.",
                ConvergenceWarning,
                stacklevel=2,
            )
        _warn_if_coinciding(D, result.medoids)
        self._store_fit(D, X, result.medoids, result.n_iter, result.n_swap)
        return self

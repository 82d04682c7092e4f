"""k-medoids for large data: CLARA (FasterCLARA) and CLARANS (FastCLARANS).

Neither builds the n x n dissimilarity matrix. CLARA clusters random samples
with the PAM family and scores each candidate set of medoids on all the data;
CLARANS runs a randomised swap search on all the data with dissimilarities
computed on the fly.
"""

import warnings
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, ClusterMixin, TransformerMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from geomlearn.clustering import _pam_kernels as kernels
from geomlearn.clustering._distances import (
    NATIVE_METRICS,
    feature_source,
    nearest_points,
    pairwise,
)
from geomlearn.clustering._kmedoids import (
    _INITS,
    _METHODS,
    _check_diss,
    _check_medoids,
    _max_iter,
    _NearestMedoidMixin,
    _run,
    _warn_if_coinciding,
)
from geomlearn.utils._param_validation import (
    Interval,
    Real,
    StrOptions,
    _fit_context,
)
from geomlearn.utils.validation import check_distance_matrix

__all__ = ["CLARA", "CLARANS"]


def _validate(estimator, X):
    """Validate features, or the shape of a precomputed matrix (not its n^2 values)."""
    if estimator._precomputed():
        X = validate_data(estimator, X, dtype=None, ensure_all_finite=False)
        if X.shape[0] != X.shape[1]:
            raise ValueError(
                f"metric='precomputed' needs a square dissimilarity matrix; got "
                f"shape {X.shape}."
            )
        if X.dtype.kind not in "fiu":
            raise TypeError(f"dissimilarities must be numeric; got dtype {X.dtype}.")
        return X
    return validate_data(estimator, X, dtype=[np.float64, np.float32])


class CLARA(_NearestMedoidMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """CLARA k-medoids: cluster samples, keep the medoids best on all the data.

    FasterCLARA (Schubert & Rousseeuw, 2021): each of ``n_sampling`` rounds
    draws a sample of ``sample_size`` objects, clusters it with a method of
    the PAM family (FasterPAM by default) on the sample's dissimilarity
    matrix, then assigns *all* objects to the medoids found and scores them
    by the total deviation over the whole data. The best medoids are kept,
    and (with ``keep_medoids``) carried into the next sample as its start.
    Memory is O(sample_size^2 + n); time O(n_sampling (sample_size^2 + n k)).

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (medoids).
    metric : str or callable, default="euclidean"
        As in :class:`KMedoids`; ``"precomputed"`` reads only the sampled
        blocks and the medoids' columns of a square matrix (which may be a
        memory map).
    metric_params : dict, default=None
        Keyword arguments of the metric.
    method : {"fasterpam", "fastpam1", "fastpam2", "pam", "alternate"}, \
default="fasterpam"
        The k-medoids method run on each sample.
    init : {"build", "lab", "random", "k-medoids++", "first"}, default="build"
        Initialisation on each sample (and on the first one only when
        ``keep_medoids``). BUILD is affordable on samples.
    n_sampling : int, default=5
        Number of samples.
    sample_size : int, default=None
        Objects per sample; ``None`` means ``80 + 4 * n_clusters`` (the size
        Schubert and Rousseeuw use for FastCLARA), capped at n.
    max_iter : int, default=None
        As in :class:`KMedoids`, per sample.
    keep_medoids : bool, default=True
        Put the best medoids so far into every next sample and start from
        them; otherwise samples are independent.
    random_state : int, RandomState instance or None, default=None
        Seed of the samples and the initialisations.

    Attributes
    ----------
    medoid_indices_ : ndarray of shape (n_clusters,)
        Indices of the medoids in the training data.
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The medoids (``None`` when ``metric="precomputed"``).
    labels_ : ndarray of shape (n_samples,)
        Nearest medoid of every training sample.
    inertia_ : float
        Total deviation of all the training data from the medoids.
    sample_losses_ : ndarray of shape (n_sampling,)
        Total deviation on all the data of the medoids of each sample.
    n_iter_ : int
        Iterations of the run on the best sample.
    n_swaps_ : int
        Swaps of the run on the best sample.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    KMedoids : The k-medoids estimator on the full dissimilarity matrix.
    CLARANS : Randomised swap search on all the data.

    References
    ----------
    .. [1] L. Kaufman and P. J. Rousseeuw, "Clustering large data sets",
       Pattern Recognition in Practice II, 1986.
    .. [2] E. Schubert and P. J. Rousseeuw, "Fast and eager k-medoids
       clustering: O(k) runtime improvement of the PAM, CLARA, and CLARANS
       algorithms", Information Systems 101, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import make_blobs
    >>> from geomlearn.clustering import CLARA
    >>> X, y = make_blobs(5000, centers=4, random_state=0)
    >>> model = CLARA(n_clusters=4, random_state=0).fit(X)
    >>> model.medoid_indices_.shape, model.labels_.shape
    ((4,), (5000,))
    >>> bool(np.all(model.predict(X) == model.labels_))
    True
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "metric": [str, callable],
        "metric_params": [dict, None],
        "method": [StrOptions(set(_METHODS))],
        "init": [StrOptions(set(_INITS))],
        "n_sampling": [Interval(Integral, 1, None, closed="left")],
        "sample_size": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "keep_medoids": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        metric="euclidean",
        metric_params=None,
        method="fasterpam",
        init="build",
        n_sampling=5,
        sample_size=None,
        max_iter=None,
        keep_medoids=True,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.metric = metric
        self.metric_params = metric_params
        self.method = method
        self.init = init
        self.n_sampling = n_sampling
        self.sample_size = sample_size
        self.max_iter = max_iter
        self.keep_medoids = keep_medoids
        self.random_state = random_state

    def _sample_matrix(self, X, sample):
        if self._precomputed():
            block = np.ascontiguousarray(X[np.ix_(sample, sample)])
            return check_distance_matrix(block, allow_integer=True, input_name="X")
        return pairwise(X[sample], metric=self.metric, metric_params=self.metric_params)

    def _assign_all(self, X, medoids):
        """Labels and dissimilarities of all objects to the medoids."""
        if self._precomputed():
            columns = np.asarray(X[:, medoids], dtype=np.float64)
            if not np.all(np.isfinite(columns)) or np.any(columns < 0):
                raise ValueError("X holds NaN, infinite or negative dissimilarities.")
            labels = np.argmin(columns, axis=1)
            return labels, columns[np.arange(columns.shape[0]), labels]
        return nearest_points(
            X, X[medoids], metric=self.metric, metric_params=self.metric_params
        )

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Find the medoids from samples, scored on all the data.

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
        self : CLARA
            The fitted estimator.
        """
        X = _validate(self, X)
        n = X.shape[0]
        k, _ = _check_medoids(self.n_clusters, n)
        size = 80 + 4 * k if self.sample_size is None else self.sample_size
        size = min(size, n)
        if size < k:
            raise ValueError(
                f"sample_size={size} is smaller than n_clusters={k}; each sample "
                f"must hold at least n_clusters objects."
            )
        rng = check_random_state(self.random_state)
        max_iter = _max_iter(self.max_iter, self.method, k)
        best = None
        losses = []
        rounds = 1 if size == n else self.n_sampling
        for _ in range(rounds):
            if best is not None and self.keep_medoids:
                rest = np.setdiff1d(np.arange(n), best[0], assume_unique=True)
                extra = rest[rng.choice(rest.shape[0], size - k, replace=False)]
                sample = np.concatenate([best[0], extra])
                initial, init = np.arange(k, dtype=np.int64), None
            else:
                sample = rng.choice(n, size, replace=False)
                initial, init = None, self.init
            D = self._sample_matrix(X, sample)
            result = _run(D, k, initial, init, self.method, max_iter, rng)
            medoids = sample[result.medoids]
            labels, dists = self._assign_all(X, medoids)
            loss = float(np.sum(dists))
            losses.append(loss)
            if best is None or loss < best[1]:
                best = (medoids, loss, labels, result)
        medoids, loss, labels, result = best
        if not result.converged:
            warnings.warn(
                f"CLARA: the run on the best sample stopped at max_iter={max_iter} "
                f"before converging; increase max_iter.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.medoid_indices_ = medoids
        self.labels_ = labels
        self.inertia_ = loss
        self.sample_losses_ = np.array(losses)
        self.n_iter_ = result.n_iter
        self.n_swaps_ = result.n_swap
        self.cluster_centers_ = None if self._precomputed() else X[medoids]
        return self


class CLARANS(_NearestMedoidMixin, ClusterMixin, TransformerMixin, BaseEstimator):
    """CLARANS k-medoids: a randomised swap search on all the data.

    FastCLARANS (Schubert & Rousseeuw, 2021): from random medoids, draw
    random non-medoids one at a time, evaluate each against all k medoids at
    once (the O(k) trick of FastPAM1) and take the best swap if it lowers the
    loss; stop after ``max_neighbor`` draws in a row without a swap. Repeat
    from ``n_local`` random starts and keep the best. Dissimilarities are
    computed on the fly from the features: memory is O(n k), and no n x n
    matrix is built.

    Parameters
    ----------
    n_clusters : int, default=8
        Number of clusters (medoids).
    metric : {"euclidean", "sqeuclidean", "manhattan", "cityblock", "l1", \
"l2", "chebyshev", "cosine", "precomputed"}, default="euclidean"
        Metrics geomlearn computes on the fly, or a precomputed square
        matrix.
    n_local : int, default=2
        Number of random restarts.
    max_neighbor : float or int, default=0.025
        Draws without improvement before a restart stops: a float below 1 is
        a rate of ``n - n_clusters`` (2.5 % as in FastCLARANS, where each draw
        covers k neighbours of the swap graph), an int is a count.
    random_state : int, RandomState instance or None, default=None
        Seed of the starts and draws.

    Attributes
    ----------
    medoid_indices_ : ndarray of shape (n_clusters,)
        Indices of the medoids in the training data.
    cluster_centers_ : ndarray of shape (n_clusters, n_features)
        The medoids (``None`` when ``metric="precomputed"``).
    labels_ : ndarray of shape (n_samples,)
        Nearest medoid of every training sample.
    inertia_ : float
        Total deviation of the training data from the medoids.
    local_losses_ : ndarray of shape (n_local,)
        Loss reached from each start.
    n_iter_ : int
        Candidates evaluated from the best start.
    n_swaps_ : int
        Swaps performed from the best start.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    KMedoids : The k-medoids estimator on the full dissimilarity matrix.
    CLARA : The k-medoids estimator on samples.

    References
    ----------
    .. [1] R. T. Ng and J. Han, "CLARANS: a method for clustering objects for
       spatial data mining", IEEE TKDE 14(5), 2002.
    .. [2] E. Schubert and P. J. Rousseeuw, "Fast and eager k-medoids
       clustering: O(k) runtime improvement of the PAM, CLARA, and CLARANS
       algorithms", Information Systems 101, 2021.

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from geomlearn.clustering import CLARANS
    >>> X, y = make_blobs(2000, centers=3, random_state=0)
    >>> model = CLARANS(n_clusters=3, random_state=0).fit(X)
    >>> model.medoid_indices_.shape, model.local_losses_.shape
    ((3,), (2,))
    """

    _parameter_constraints = {
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "metric": [StrOptions(set(NATIVE_METRICS) | {"precomputed"})],
        "n_local": [Interval(Integral, 1, None, closed="left")],
        "max_neighbor": [
            Interval(Real, 0, 1, closed="neither"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_clusters=8,
        *,
        metric="euclidean",
        n_local=2,
        max_neighbor=0.025,
        random_state=None,
    ):
        self.n_clusters = n_clusters
        self.metric = metric
        self.n_local = n_local
        self.max_neighbor = max_neighbor
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Search the medoids from several random starts.

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
        self : CLARANS
            The fitted estimator.
        """
        X = _validate(self, X)
        n = X.shape[0]
        k, _ = _check_medoids(self.n_clusters, n)
        # the parameter constraints admit only "precomputed" and native metrics
        D = _check_diss(X) if self._precomputed() else feature_source(X, self.metric)
        if isinstance(self.max_neighbor, Integral):
            max_neighbor = int(self.max_neighbor)
        else:
            max_neighbor = max(1, int(np.ceil(self.max_neighbor * (n - k))))
        rng = check_random_state(self.random_state)
        best = None
        losses = []
        for _ in range(self.n_local):
            medoids = rng.choice(n, k, replace=False).astype(np.int64)
            seed = int(rng.randint(np.iinfo(np.int32).max))
            loss, _, draws, swaps = kernels.fastclarans(
                D, medoids, max_neighbor, seed, False
            )
            losses.append(float(loss))
            if best is None or loss < best[1]:
                best = (medoids, loss, draws, swaps)
        medoids, _, draws, swaps = best
        _warn_if_coinciding(D, medoids)
        self._store_fit(D, X, medoids, draws, swaps)
        self.local_losses_ = np.array(losses)
        return self

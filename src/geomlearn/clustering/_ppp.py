"""PPP: divisive k-means partitions validated by Gaussian mixtures (no k to choose).

A documented reconstruction: the paper ("Probabilistic Partitive Partitioning
(PPP)", M. Sultan, 2020) is available only as an abstract, which states three
goals (clusters repeatable across initial conditions, no number of clusters to
give, large data) and the means (k-means partitions, validated by Gaussian
mixtures). The algorithm below is ours, designed to meet those goals.
"""

import dataclasses
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from geomlearn.utils._param_validation import Interval, _fit_context

__all__ = ["PPP", "PPPNode"]


@dataclasses.dataclass
class PPPNode:
    """A node of the PPP split tree.

    Parameters
    ----------
    node_id : int
        Index of the node in ``PPP.tree_``.
    parent : int
        Index of the parent node (-1 for the root).
    depth : int
        Depth in the tree (0 for the root).
    n_samples : int
        Training samples in the node.
    mean : ndarray of shape (n_features,)
        Mean of those samples.
    children : tuple of int
        The two children if the split was accepted, else ``()``.
    split_centers : ndarray of shape (2, n_features) or None
        The 2-means centres of the tried split (None if no split was tried).
    mixture : tuple or None
        For an accepted split, the two-Gaussian mixture that decides it:
        ``(log_weights (2,), means (2, n_features), covariances (2,
        n_features, n_features))``.
    agreement : float
        Fraction of the node's points on which the two-Gaussian mixture's
        MAP assignment agrees with the k-means split (nan if not tried).
    bic_gain : float
        BIC of one Gaussian minus BIC of the two-Gaussian mixture (positive:
        the split explains the node better; nan if not tried).
    cluster : int
        Cluster label of a leaf (several leaves may share one after
        merging), -1 for an inner node.
    reason : str
        Why the node is a leaf, or ``"split"``.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.clustering import PPP
    >>> X = np.r_[np.zeros((50, 2)), np.full((50, 2), 10.0)]
    >>> X += np.random.RandomState(0).normal(size=X.shape)
    >>> root = PPP(random_state=0).fit(X).tree_[0]
    >>> root.children, root.reason
    ((1, 2), 'split')
    """

    node_id: int
    parent: int
    depth: int
    n_samples: int
    mean: np.ndarray
    children: tuple = ()
    split_centers: np.ndarray = None
    mixture: tuple = None
    agreement: float = float("nan")
    bic_gain: float = float("nan")
    cluster: int = -1
    reason: str = ""


def _gaussian_logpdf(X, mean, cov):
    """Log-density of N(mean, cov) at every row of X (cov positive definite)."""
    factor = cho_factor(cov, lower=True)
    diff = X - mean
    maha = np.einsum("ij,ij->i", diff, cho_solve(factor, diff.T).T)
    log_det = 2.0 * np.sum(np.log(np.diag(factor[0])))
    return -0.5 * (maha + log_det + X.shape[1] * np.log(2.0 * np.pi))


def _fit_gaussian(X, reg_covar):
    mean = X.mean(axis=0)
    diff = X - mean
    cov = diff.T @ diff / X.shape[0]
    cov.flat[:: X.shape[1] + 1] += reg_covar
    return mean, cov


def _mixture_from_split(X, side, reg_covar):
    """Two Gaussians fitted to the two sides of a split, weighted by their shares.

    No EM iterations. Returns (log_weights (2,), means (2, d), covs (2, d, d)).
    """
    n = X.shape[0]
    log_weights, means, covs = np.empty(2), [], []
    for s in (0, 1):
        members = X[side == s]
        log_weights[s] = np.log(members.shape[0] / n)
        mean, cov = _fit_gaussian(members, reg_covar)
        means.append(mean)
        covs.append(cov)
    return log_weights, np.array(means), np.array(covs)


def _log_joint(X, mixture):
    """log(weight_s) + log N_s(x) for both components, shape (n, 2)."""
    log_weights, means, covs = mixture
    return np.column_stack(
        [log_weights[s] + _gaussian_logpdf(X, means[s], covs[s]) for s in (0, 1)]
    )


def _split_statistics(X, side, mixture, reg_covar):
    """Agreement of the mixture's MAP with the split, and the BIC gain over one Gaussian.

    Returns (agreement, BIC(one Gaussian) - BIC(mixture)).
    """
    n, d = X.shape
    log_joint = _log_joint(X, mixture)
    agreement = float(np.mean(np.argmax(log_joint, axis=1) == side))
    log_mix = np.logaddexp(log_joint[:, 0], log_joint[:, 1])
    mean, cov = _fit_gaussian(X, reg_covar)
    log_single = _gaussian_logpdf(X, mean, cov)
    n_gauss = d + d * (d + 1) / 2
    bic_mix = -2.0 * log_mix.sum() + (2 * n_gauss + 1) * np.log(n)
    bic_single = -2.0 * log_single.sum() + n_gauss * np.log(n)
    return agreement, float(bic_single - bic_mix)


def _map_side(X, mixture):
    """MAP component of each row and its posterior probability."""
    log_joint = _log_joint(X, mixture)
    side = np.argmax(log_joint, axis=1)
    log_mix = np.logaddexp(log_joint[:, 0], log_joint[:, 1])
    return side, np.exp(log_joint[np.arange(X.shape[0]), side] - log_mix)


def _nearest_of_two(X, centers):
    """0 or 1: the nearer of two centres (0 on ties), row by row."""
    d0 = np.einsum("ij,ij->i", X - centers[0], X - centers[0])
    d1 = np.einsum("ij,ij->i", X - centers[1], X - centers[1])
    return (d1 < d0).astype(np.int64)


def _try_split(X, seed, params):
    """Bisect X with 2-means, validate with the two-Gaussian mixture, decide."""
    n, d = X.shape
    if params["batch_size"] is None:
        model = KMeans(2, n_init=params["n_init"], random_state=seed)
    else:
        model = MiniBatchKMeans(
            2,
            n_init=params["n_init"],
            batch_size=params["batch_size"],
            random_state=seed,
        )
    centers = model.fit(X).cluster_centers_
    # canonical order of the two sides, so that labels do not depend on the seed
    centers = centers[np.lexsort(centers.T[::-1])]
    side = _nearest_of_two(X, centers)
    if np.bincount(side, minlength=2).min() < max(params["min_cluster_size"], d + 1):
        return {"centers": centers, "reason": "too small to split"}
    rows = slice(None)
    limit = params["max_gaussian_samples"]
    if limit is not None and n > limit:
        rows = np.random.RandomState(seed).choice(n, limit, replace=False)
    try:
        mixture = _mixture_from_split(X[rows], side[rows], params["reg_covar"])
        agreement, bic_gain = _split_statistics(
            X[rows], side[rows], mixture, params["reg_covar"]
        )
    except LinAlgError:
        return {"centers": centers, "reason": "degenerate covariance"}
    outcome = {"centers": centers, "agreement": agreement, "bic_gain": bic_gain}
    if agreement < params["agreement"]:
        return {**outcome, "reason": "mixture disagrees"}
    if bic_gain <= 0:
        return {**outcome, "reason": "BIC"}
    # k-means proposed the split and the mixture validated it; the mixture's
    # MAP decides the few points near the boundary (predict does the same)
    side, _ = _map_side(X, mixture)
    if np.bincount(side, minlength=2).min() == 0:
        return {**outcome, "reason": "mixture disagrees"}
    return {
        **outcome,
        "reason": "split",
        "accepted": True,
        "mixture": mixture,
        "side": side,
    }


def _bic_single(X, reg_covar):
    n, d = X.shape
    mean, cov = _fit_gaussian(X, reg_covar)
    return -2.0 * _gaussian_logpdf(X, mean, cov).sum() + (d + d * (d + 1) / 2) * np.log(
        n
    )


def _merge_gain(A, B, reg_covar):
    """BIC(two Gaussians, one per group) - BIC(one Gaussian on both): > 0 merges."""
    X = np.r_[A, B]
    side = np.r_[
        np.zeros(A.shape[0], dtype=np.int64), np.ones(B.shape[0], dtype=np.int64)
    ]
    mixture = _mixture_from_split(X, side, reg_covar)
    _, bic_gain = _split_statistics(X, side, mixture, reg_covar)
    return -bic_gain


def _separable(X, labels, n_clusters, reg_covar, threshold, limit, rng):
    """Points whose own cluster has posterior >= threshold in the clusters' mixture.

    The mixture has one full-covariance Gaussian per cluster, weighted by the
    cluster's share (fitted on at most ``limit`` points each).
    """
    n = X.shape[0]
    log_joint = np.empty((n, n_clusters))
    for c in range(n_clusters):
        idx = np.flatnonzero(labels == c)
        if limit is not None and idx.shape[0] > limit:
            idx = np.sort(rng.choice(idx, limit, replace=False))
        mean, cov = _fit_gaussian(X[idx], reg_covar)
        log_joint[:, c] = np.log(np.mean(labels == c)) + _gaussian_logpdf(X, mean, cov)
    log_total = np.logaddexp.reduce(log_joint, axis=1)
    return np.exp(log_joint[np.arange(n), labels] - log_total) >= threshold


def _merge_leaves(X, groups, reg_covar, limit, rng):
    """Greedily merge the two groups that one Gaussian explains best, while BIC says so.

    ``groups`` maps a key to the row indices of a leaf. Returns a list of
    lists of keys, one per merged cluster.
    """

    def rows(idx):
        if limit is not None and idx.shape[0] > limit:
            return X[np.sort(rng.choice(idx, limit, replace=False))]
        return X[idx]

    groups = {key: idx for key, idx in groups.items()}
    owners = {key: [key] for key in groups}
    gains = {}

    def gain(a, b):
        try:
            return _merge_gain(rows(groups[a]), rows(groups[b]), reg_covar)
        except LinAlgError:
            return -np.inf

    keys = sorted(groups)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            gains[a, b] = gain(a, b)
    while gains:
        (a, b), best = max(gains.items(), key=lambda item: item[1])
        if best <= 0:
            break
        groups[a] = np.concatenate([groups[a], groups.pop(b)])
        owners[a] += owners.pop(b)
        gains = {
            pair: g for pair, g in gains.items() if b not in pair and a not in pair
        }
        for c in groups:
            if c != a:
                gains[min(a, c), max(a, c)] = gain(min(a, c), max(a, c))
    return [owners[key] for key in sorted(owners)]


class PPP(ClusterMixin, BaseEstimator):
    """Probabilistic partitive partitioning: k-means splits validated by Gaussians.

    A divisive (top-down) clustering that needs no number of clusters. Each
    node of a binary tree, starting from all the data, is bisected by 2-means
    (k-means++ seeding, ``n_init`` restarts). The split is then validated
    probabilistically: one full-covariance Gaussian (regularised by
    ``reg_covar``) is fitted to each side, weighted by the side's share,
    which makes a two-component Gaussian mixture for the node *without*
    further EM iterations. The split is kept only if (a) the mixture's MAP
    assignment agrees with the k-means split on at least a fraction
    ``agreement`` of the node's points and (b) the mixture beats a single
    Gaussian by BIC. The mixture then assigns the node's points to the
    children (it moves only the few points near the boundary, where k-means
    may cut through a cluster), and the children are split in turn; a node
    that fails is a leaf. Last, a cluster that an early split cut in two
    (one lying across the first 2-means boundary) is mended: leaves are
    merged greedily while one Gaussian explains a pair better than two, by
    BIC (``merge=True``). ``predict`` descends the tree with the same
    mixtures and maps the leaf to its cluster.

    This is a reconstruction. The source paper is available only as its
    abstract, which names the goals (clusters repeatable whatever the
    initial conditions, no k to choose, large data) and the means (k-means
    partitions validated by Gaussian mixtures); the algorithm above is
    geomlearn's, designed to meet those goals. Running EM from the split
    instead lets the mixture drift away from the k-means partition on nodes
    that hold many clusters, and rejects good splits.

    Parameters
    ----------
    agreement : float, default=0.95
        Fraction of a node's points on which the mixture's MAP assignment
        must agree with the k-means split for the split to be kept.
    min_cluster_size : int, default=10
        A split whose smaller side has fewer points (or not more than the
        number of features) is not tried.
    max_depth : int, default=20
        Nodes at this depth are not split.
    n_init : int, default=3
        Number of k-means restarts per split.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance.
    separable_threshold : float, default=0.9
        A point is *separable* when the posterior of its own cluster, in the
        mixture of one Gaussian per cluster, is at least this; see
        ``separable_mask_``.
    batch_size : int, default=None
        If set, splits use :class:`~sklearn.cluster.MiniBatchKMeans` with
        this batch size (for large data).
    max_gaussian_samples : int, default=20000
        The Gaussians and the statistics of a node are computed on a random
        subsample of at most this many points (``None``: all).
    merge : bool, default=True
        Merge leaves that one Gaussian explains better than two (BIC).
    n_jobs : int, default=None
        Nodes of the same depth are split in parallel through joblib (so
        ``joblib.parallel_config`` can send them to a Dask or Ray cluster).
        The result does not depend on ``n_jobs``.
    random_state : int, RandomState instance or None, default=None
        Seeds of the k-means restarts and subsamples.

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        Cluster of each training sample (leaf of the tree).
    n_clusters_ : int
        Number of clusters found.
    cluster_centers_ : ndarray of shape (n_found, n_features)
        Mean of each cluster, ``n_found`` being ``n_clusters_``.
    tree_ : list of PPPNode
        The tree, root first; inner nodes hold the accepted splits.
    separable_mask_ : ndarray of shape (n_samples,)
        Points whose own cluster has posterior at least
        ``separable_threshold`` in the mixture of one full-covariance
        Gaussian per cluster (weighted by its share): the data's most
        separable set. The others lie where clusters overlap.
    n_features_in_ : int
        Number of features seen in ``fit``.

    See Also
    --------
    sklearn.cluster.BisectingKMeans : Divisive k-means for a given k.
    sklearn.mixture.GaussianMixture : Mixtures, with k chosen e.g. by BIC.

    References
    ----------
    .. [1] M. Sultan, "Probabilistic Partitive Partitioning (PPP)",
       arXiv:2003.04372, 2020 (abstract only; see above).

    Examples
    --------
    >>> from sklearn.datasets import make_blobs
    >>> from geomlearn.clustering import PPP
    >>> X, y = make_blobs(600, centers=4, cluster_std=0.5, random_state=1)
    >>> model = PPP(random_state=0).fit(X)
    >>> model.n_clusters_
    4
    >>> bool((model.predict(X) == model.labels_).all())
    True
    """

    _parameter_constraints = {
        "agreement": [Interval(Real, 0, 1, closed="both")],
        "min_cluster_size": [Interval(Integral, 1, None, closed="left")],
        "max_depth": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "reg_covar": [Interval(Real, 0, None, closed="left")],
        "separable_threshold": [Interval(Real, 0, 1, closed="both")],
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "max_gaussian_samples": [Interval(Integral, 2, None, closed="left"), None],
        "merge": ["boolean"],
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        agreement=0.95,
        min_cluster_size=10,
        max_depth=20,
        n_init=3,
        reg_covar=1e-6,
        separable_threshold=0.9,
        batch_size=None,
        max_gaussian_samples=20000,
        merge=True,
        n_jobs=None,
        random_state=None,
    ):
        self.agreement = agreement
        self.min_cluster_size = min_cluster_size
        self.max_depth = max_depth
        self.n_init = n_init
        self.reg_covar = reg_covar
        self.separable_threshold = separable_threshold
        self.batch_size = batch_size
        self.max_gaussian_samples = max_gaussian_samples
        self.merge = merge
        self.n_jobs = n_jobs
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Grow the split tree and label the leaves.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : PPP
            The fitted estimator.
        """
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        n = X.shape[0]
        rng = check_random_state(self.random_state)
        params = {
            "agreement": self.agreement,
            "min_cluster_size": self.min_cluster_size,
            "n_init": self.n_init,
            "reg_covar": self.reg_covar,
            "separable_threshold": self.separable_threshold,
            "batch_size": self.batch_size,
            "max_gaussian_samples": self.max_gaussian_samples,
        }
        tree = [PPPNode(0, -1, 0, n, X.mean(axis=0))]
        members = {0: np.arange(n)}
        frontier = [0]
        parallel = Parallel(n_jobs=self.n_jobs, prefer="threads")
        while frontier:
            # one seed per node, drawn in node order: independent of n_jobs
            seeds = rng.randint(np.iinfo(np.int32).max, size=len(frontier))
            todo = []
            for node_id, seed in zip(frontier, seeds, strict=True):
                node = tree[node_id]
                if node.depth >= self.max_depth:
                    node.reason = "max_depth"
                elif node.n_samples < 2 * max(self.min_cluster_size, X.shape[1] + 1):
                    node.reason = "too small to split"
                else:
                    todo.append((node_id, int(seed)))
            outcomes = parallel(
                delayed(_try_split)(X[members[node_id]], seed, params)
                for node_id, seed in todo
            )
            frontier = []
            for (node_id, _), outcome in zip(todo, outcomes, strict=True):
                node = tree[node_id]
                node.split_centers = outcome["centers"]
                node.mixture = outcome.get("mixture")
                node.reason = outcome["reason"]
                node.agreement = outcome.get("agreement", float("nan"))
                node.bic_gain = outcome.get("bic_gain", float("nan"))
                if not outcome.get("accepted", False):
                    continue
                rows = members.pop(node_id)
                children = []
                for s in (0, 1):
                    child_rows = rows[outcome["side"] == s]
                    child = PPPNode(
                        len(tree),
                        node_id,
                        node.depth + 1,
                        child_rows.shape[0],
                        X[child_rows].mean(axis=0),
                    )
                    tree.append(child)
                    members[child.node_id] = child_rows
                    children.append(child.node_id)
                    frontier.append(child.node_id)
                node.children = tuple(children)
        leaves = [node.node_id for node in tree if not node.children]
        if self.merge and len(leaves) > 1:
            clusters = _merge_leaves(
                X,
                {leaf: members[leaf] for leaf in leaves},
                self.reg_covar,
                self.max_gaussian_samples,
                rng,
            )
        else:
            clusters = [[leaf] for leaf in leaves]
        labels = np.empty(n, dtype=np.int64)
        centers = []
        for label, cluster in enumerate(clusters):
            for leaf in cluster:
                tree[leaf].cluster = label
                labels[members[leaf]] = label
            centers.append(X[labels == label].mean(axis=0))
        self.tree_ = tree
        self.labels_ = labels
        self.n_clusters_ = len(centers)
        self.cluster_centers_ = np.array(centers)
        self.separable_mask_ = _separable(
            X,
            labels,
            len(centers),
            self.reg_covar,
            self.separable_threshold,
            self.max_gaussian_samples,
            rng,
        )
        return self

    def predict(self, X):
        """Descend the split tree: at each split, the more probable Gaussian.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            New data.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Cluster of each sample; on the training data, ``labels_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        labels = np.empty(X.shape[0], dtype=np.int64)
        stack = [(0, np.arange(X.shape[0]))]
        while stack:
            node_id, rows = stack.pop()
            node = self.tree_[node_id]
            if not node.children:
                labels[rows] = node.cluster
                continue
            side, _ = _map_side(X[rows], node.mixture)
            for s in (0, 1):
                stack.append((node.children[s], rows[side == s]))
        return labels

"""Shared machinery of the transformers that take persistence diagrams.

Vectorizers and kernels read a collection of diagrams (one list of per-degree
diagrams per sample, as the persistence transformers return). ``fit`` learns
only ranges from the training diagrams, per degree; ``transform`` is a pure
function of its input and those ranges.

A bar is the interval between its two values, so superlevel diagrams (births
above deaths) are read like sublevel ones. Bars that never die are treated as
the ``infinite`` parameter says: ``"clip"`` ends them at the fitted range's
end (the largest finite value seen in ``fit`` for death ``inf``, the smallest
for ``-inf``), ``"drop"`` removes them.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from geomlearn.topology._base import CollectionTransformerMixin
from geomlearn.utils._param_validation import StrOptions, _fit_context
from geomlearn.utils.validation import check_diagrams

INFINITE_OPTIONS = ("clip", "drop")
INFINITE_CONSTRAINT = [StrOptions(set(INFINITE_OPTIONS))]


def check_positive_int(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name} must be a positive int; got {value!r}.")
    return int(value)


def check_range(value, name):
    """None, or an increasing pair of finite numbers."""
    if value is None:
        return None
    try:
        lo, hi = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be None or a pair (low, high); got {value!r}."
        ) from None
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(
            f"{name} must hold two finite numbers with low < high; got {value!r}."
        )
    return lo, hi


def finite_range(diagrams):
    """Smallest and largest finite value over a list of diagrams, or None."""
    values = [d[np.isfinite(d)] for d in diagrams if d.size]
    values = [v for v in values if v.size]
    if not values:
        return None
    values = np.concatenate(values)
    return float(values.min()), float(values.max())


def widen(lo, hi, scale=1.0):
    """Widen a degenerate range [v, v] to [v - scale/2, v + scale/2]."""
    if hi > lo:
        return lo, hi
    return lo - scale / 2, hi + scale / 2


class DiagramTransformer(CollectionTransformerMixin, BaseEstimator):
    """Base of the vectorizers and kernels on collections of diagrams.

    Subclasses implement ``_fit_degree(k, diagrams)`` (learn what is needed
    for degree position ``k`` from its finite-ized training diagrams) and
    ``_transform_diagrams(diagrams_by_sample)``.
    """

    def _check_params(self):
        """Validate what the constraints cannot express (default: nothing)."""

    def _validate_collection(self, X, fitting):
        return check_diagrams(X, n_degrees=None if fitting else self.n_degrees_)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the ranges of the training diagrams, per homology degree.

        Parameters
        ----------
        X : list of array-like of shape (n_bars, 2), or list of list of them
            The diagrams, one entry per sample; an entry is one diagram or a
            list with one diagram per homology degree (the output of the
            persistence transformers).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._check_params()
        diagrams = self._validate_collection(X, fitting=True)
        self.n_degrees_ = len(diagrams[0])
        ranges = []
        for k in range(self.n_degrees_):
            r = finite_range([sample[k] for sample in diagrams])
            ranges.append(widen(*r) if r is not None else (0.0, 1.0))
        self.value_range_ = np.array(ranges)
        for k in range(self.n_degrees_):
            self._fit_degree(k, [self._finite(sample[k], k) for sample in diagrams])
        return self

    def _fit_degree(self, k, diagrams):
        """Learn what degree position ``k`` needs (default: nothing)."""

    def _finite(self, dgm, k):
        """Return the diagram with its infinite bars clipped or dropped."""
        infinite = ~np.isfinite(dgm[:, 1])
        if not infinite.any():
            return dgm
        if self.infinite == "drop":
            return dgm[~infinite]
        lo, hi = self.value_range_[k]
        out = dgm.copy()
        up = infinite & (dgm[:, 1] > 0)
        down = infinite & (dgm[:, 1] < 0)
        out[up, 1] = np.maximum(hi, dgm[up, 0])
        out[down, 1] = np.minimum(lo, dgm[down, 0])
        return out

    def transform(self, X):
        """Compute the features of every sample.

        Parameters
        ----------
        X : list of array-like of shape (n_bars, 2), or list of list of them
            The diagrams, with as many degrees per sample as in ``fit``.

        Returns
        -------
        Xt : ndarray of shape (n_samples, n_features_out)
            One row per sample; the features of each degree side by side.
        """
        check_is_fitted(self)
        diagrams = self._validate_collection(X, fitting=False)
        return self._transform_diagrams(diagrams)

    def fit_transform(self, X, y=None):
        """Fit to ``X`` and return its features.

        Parameters
        ----------
        X : list of array-like of shape (n_bars, 2), or list of list of them
            The diagrams.
        y : None
            Ignored.

        Returns
        -------
        Xt : ndarray of shape (n_samples, n_features_out)
            One row per sample.
        """
        return self.fit(X, y).transform(X)


class DiagramVectorizer(DiagramTransformer):
    """A diagram-to-vector map applied per sample and degree."""

    def _transform_diagrams(self, diagrams):
        rows = []
        for sample in diagrams:
            parts = [
                self._vectorize(k, self._finite(dgm, k)) for k, dgm in enumerate(sample)
            ]
            rows.append(np.concatenate(parts))
        return np.vstack(rows)

    def _n_features_degree(self, k):
        raise NotImplementedError

    def get_feature_names_out(self, input_features=None):
        """Names of the output features.

        Parameters
        ----------
        input_features : None
            Ignored; diagrams have no feature names.

        Returns
        -------
        names : ndarray of str
            ``"<class>_dgm<k>_<j>"`` for feature ``j`` of degree position ``k``.
        """
        check_is_fitted(self)
        prefix = type(self).__name__.lower()
        return np.array(
            [
                f"{prefix}_dgm{k}_{j}"
                for k in range(self.n_degrees_)
                for j in range(self._n_features_degree(k))
            ],
            dtype=object,
        )

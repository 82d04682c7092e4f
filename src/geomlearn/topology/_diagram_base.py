"""Shared machinery of the transformers that take persistence diagrams.

Vectorizers and kernels read a collection of diagrams (one list of per-degree
diagrams per sample, as the persistence transformers return). ``fit`` learns
only ranges from the training diagrams, per degree; ``transform`` is a pure
function of its input and those ranges.

A bar is the interval between its two values, so superlevel diagrams (births
above deaths) are read like sublevel ones. Bars that never die are treated as
the ``infinite`` parameter says: ``"clip"`` ends them a tenth of the fitted
range beyond its end (the largest finite value seen in ``fit`` for death
``inf``, the smallest for ``-inf``; the margin keeps a bar born at that very
value, e.g. the last cycle of a graph, from vanishing), ``"drop"`` removes
them.
"""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from geomlearn.topology._base import CollectionTransformerMixin
from geomlearn.topology._diagram_kernels import flatten
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


def finite_range(values):
    """Smallest and largest finite value of an array, or None if there is none."""
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    return float(values.min()), float(values.max())


def widen(lo, hi, scale=1.0):
    """Widen a degenerate range [v, v] to [v - scale/2, v + scale/2]."""
    if hi > lo:
        return lo, hi
    return lo - scale / 2, hi + scale / 2


class DiagramTransformer(CollectionTransformerMixin, BaseEstimator):
    """Base of the vectorizers and kernels on collections of diagrams.

    Each degree position of a collection is handled flat: the points of all
    its diagrams in one ``(n_points, 2)`` array and ``offsets`` delimiting
    the diagrams. Subclasses implement ``_fit_degree(k, points, offsets)``
    (learn what degree position ``k`` needs from its training diagrams, their
    infinite bars treated) and ``_transform_flat(per_degree)``.
    """

    def _check_params(self):
        """Validate what the constraints cannot express (default: nothing)."""

    def _validate_collection(self, X, fitting):
        return check_diagrams(X, n_degrees=None if fitting else self.n_degrees_)

    @staticmethod
    def _flat(diagrams, k):
        return flatten([sample[k] for sample in diagrams])

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
        self._fit_diagrams(self._validate_collection(X, fitting=True))
        return self

    def _fit_diagrams(self, diagrams):
        """Fit on validated diagrams; return their flat, finite-ized degrees."""
        self.n_degrees_ = len(diagrams[0])
        flat = [self._flat(diagrams, k) for k in range(self.n_degrees_)]
        ranges = []
        for points, _ in flat:
            r = finite_range(points)
            ranges.append(widen(*r) if r is not None else (0.0, 1.0))
        self.value_range_ = np.array(ranges)
        width = self.value_range_[:, 1] - self.value_range_[:, 0]
        self.infinity_values_ = self.value_range_ + np.c_[-width, width] / 10
        finite = [
            self._finite_flat(points, offsets, k)
            for k, (points, offsets) in enumerate(flat)
        ]
        for k, (points, offsets) in enumerate(finite):
            self._fit_degree(k, points, offsets)
        return finite

    def _fit_degree(self, k, points, offsets):
        """Learn what degree position ``k`` needs (default: nothing)."""

    def _finite_flat(self, points, offsets, k):
        """Return the points and offsets with the infinite bars clipped or dropped."""
        infinite = ~np.isfinite(points[:, 1])
        if not infinite.any():
            return points, offsets
        if self.infinite == "drop":
            kept = np.zeros(points.shape[0] + 1, dtype=np.int64)
            np.cumsum(~infinite, out=kept[1:])
            return points[~infinite], kept[offsets]
        lo, hi = self.infinity_values_[k]
        out = points.copy()
        up = infinite & (points[:, 1] > 0)
        down = infinite & (points[:, 1] < 0)
        out[up, 1] = np.maximum(hi, points[up, 0])
        out[down, 1] = np.minimum(lo, points[down, 0])
        return out, offsets

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
        per_degree = [
            self._finite_flat(*self._flat(diagrams, k), k)
            for k in range(self.n_degrees_)
        ]
        return self._transform_flat(per_degree, training=False)

    @_fit_context(prefer_skip_nested_validation=True)
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
        self._check_params()
        per_degree = self._fit_diagrams(self._validate_collection(X, fitting=True))
        return self._transform_flat(per_degree, training=True)


class DiagramVectorizer(DiagramTransformer):
    """A diagram-to-vector map applied per sample and degree."""

    def _transform_flat(self, per_degree, training):
        return np.hstack(
            [
                self._vectorize_flat(k, points, offsets)
                for k, (points, offsets) in enumerate(per_degree)
            ]
        )

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

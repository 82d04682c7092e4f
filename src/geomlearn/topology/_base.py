"""What every persistence transformer shares: degrees, parallel map, tags."""

import itertools
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import Integral as _Integral
from geomlearn.utils._param_validation import Interval, _fit_context

#: constraints every persistence transformer shares
COMMON_CONSTRAINTS = {
    "homology_dimensions": [Interval(_Integral, 0, None, closed="left"), "array-like"],
    "coeff": [Interval(_Integral, 2, None, closed="left")],
    "n_jobs": [_Integral, None],
}


def check_homology_dimensions(homology_dimensions, *, name="homology_dimensions"):
    """Return the requested homology degrees as a sorted tuple of distinct ints."""
    dims = homology_dimensions
    if isinstance(dims, Integral) and not isinstance(dims, bool):
        dims = (dims,)
    try:
        dims = tuple(dims)
    except TypeError:
        raise TypeError(
            f"{name} must be an int or a sequence of ints; got {homology_dimensions!r}."
        ) from None
    if (
        len(dims) == 0
        or not all(isinstance(d, Integral) and not isinstance(d, bool) for d in dims)
        or min(dims) < 0
    ):
        raise ValueError(
            f"{name} must be a non-empty sequence of non-negative ints; got "
            f"{homology_dimensions!r}."
        )
    if len(set(dims)) != len(dims):
        raise ValueError(f"{name} has repeated degrees: {homology_dimensions!r}.")
    return tuple(sorted(int(d) for d in dims))


def check_coeff(coeff):
    """Check that the coefficient field Z/pZ has a prime p; return p."""
    if (
        not isinstance(coeff, Integral)
        or isinstance(coeff, bool)
        or coeff < 2
        or any(coeff % q == 0 for q in range(2, int(coeff**0.5) + 1))
    ):
        raise ValueError(f"coeff must be a prime number; got {coeff!r}.")
    return int(coeff)


def empty_diagram():
    return np.empty((0, 2), dtype=np.float64)


def as_diagram(bars):
    """Bars from a backend as a C-contiguous float64 (n_bars, 2) array."""
    bars = np.asarray(bars, dtype=np.float64).reshape(-1, 2)
    return np.ascontiguousarray(bars[bars[:, 0] != bars[:, 1]])


class CollectionTransformerMixin(TransformerMixin):
    """A transformer over collections of samples (not a 2-D feature matrix).

    Subclasses implement ``_validate_collection(X, fitting)`` returning a list of
    validated samples and ``_transform_one(sample)``. ``transform`` maps the
    samples through joblib with ``n_jobs``; the backends we call release the GIL,
    so threads are preferred, and a ``joblib.parallel_backend`` context (dask,
    ray) takes over when the user sets one.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # The input is a collection (list of clouds, images, graphs or
        # diagrams), not an (n_samples, n_features) matrix; scikit-learn's
        # generic checks do not apply and geomlearn's collection kit runs
        # instead (tests/test_common.py).
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        tags.target_tags.required = False
        return tags

    def _transform_batch(self, samples):
        """Compute the outputs of a batch of samples (default: one at a time)."""
        return [self._transform_one(sample) for sample in samples]

    def _map(self, samples):
        """Compute the outputs of all samples: batches in joblib workers, or one.

        ``n_jobs=None`` still asks joblib how many workers there are, so that a
        ``parallel_config`` / ``parallel_backend`` context set by the user
        (dask, ray) takes over. Each worker gets a few contiguous batches, so
        that backends with a fixed cost per call pay it per batch.
        """
        n_jobs = getattr(self, "n_jobs", None)
        workers = 1 if n_jobs == 1 else effective_n_jobs(n_jobs)
        if workers == 1 or len(samples) < 2:
            return self._transform_batch(samples)
        n_batches = min(len(samples), 4 * workers)
        bounds = np.linspace(0, len(samples), n_batches + 1).astype(int)
        batches = Parallel(n_jobs=n_jobs, prefer="threads")(
            delayed(self._transform_batch)(samples[a:b])
            for a, b in itertools.pairwise(bounds)
        )
        return [out for batch in batches for out in batch]

    def transform(self, X):
        """Compute the output of every sample of the collection.

        Parameters
        ----------
        X : list
            The collection, in the format the class documents.

        Returns
        -------
        Xt : list
            One output per sample, in the order of ``X``.
        """
        check_is_fitted(self)
        samples = self._validate_collection(X, fitting=False)
        return self._map(samples)

    def fit_transform(self, X, y=None):
        """Fit to ``X`` and return its transform.

        Parameters
        ----------
        X : list
            The collection, in the format the class documents.
        y : None
            Ignored.

        Returns
        -------
        Xt : list
            One output per sample, in the order of ``X``.
        """
        return self.fit(X, y).transform(X)


class PersistenceTransformer(CollectionTransformerMixin, BaseEstimator):
    """Base of the transformers from samples to persistence diagrams."""

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the collection; nothing is learned.

        Parameters
        ----------
        X : list
            The collection, in the format the class documents.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._fit_checks()
        self._validate_collection(X, fitting=True)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Check the parameters, then compute the diagrams of every sample.

        Parameters
        ----------
        X : list
            The collection, in the format the class documents.
        y : None
            Ignored.

        Returns
        -------
        Xt : list
            One output per sample, in the order of ``X``.
        """
        self._fit_checks()
        return self._map(self._validate_collection(X, fitting=True))

    def _fit_checks(self):
        self.homology_dimensions_ = check_homology_dimensions(self.homology_dimensions)
        self.coeff_ = check_coeff(self.coeff)
        self._check_params()

    def _check_params(self):
        """Validate what the constraints cannot express; default: gudhi is there."""
        gudhi_module(type(self).__name__)

    def _select(self, diagrams_by_degree):
        """Diagrams for the requested degrees, empty where the backend gave none."""
        return [
            as_diagram(diagrams_by_degree.get(d, empty_diagram()))
            for d in self.homology_dimensions_
        ]


def gudhi_module(caller):
    return import_optional("gudhi", extra="tda", caller=caller)

"""Time-delay (Takens) embedding: from time series to point clouds."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator

from geomlearn.topology._base import CollectionTransformerMixin
from geomlearn.utils._param_validation import Interval, _fit_context
from geomlearn.utils.validation import as_collection

__all__ = ["TimeDelayEmbedding"]


class TimeDelayEmbedding(CollectionTransformerMixin, BaseEstimator):
    """Embed each time series of a collection as a point cloud of delay vectors.

    A series ``s`` becomes the points
    ``(s[t], s[t + delay], ..., s[t + (dimension - 1) * delay])`` for
    ``t = 0, stride, 2 * stride, ...``. By Takens' theorem the cloud of a
    series observed from a smooth dynamical system reproduces the topology of
    its attractor for a large enough ``dimension``: a periodic signal traces a
    loop, a quasi-periodic one a torus. Chain it with
    :class:`RipsPersistence` to read that topology.

    Parameters
    ----------
    dimension : int, default=3
        Number of delayed copies per point.
    delay : int, default=1
        Lag between the copies, in samples.
    stride : int, default=1
        Step between consecutive points, in samples.

    Attributes
    ----------
    n_channels_ : int
        Channels per time step of the series seen in ``fit`` (1 for scalar
        series); points have ``dimension * n_channels_`` coordinates.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import TimeDelayEmbedding
    >>> series = np.arange(6.0)[None, :]  # one series of length 6
    >>> TimeDelayEmbedding(dimension=2, delay=2).fit_transform(series)
    array([[[0., 2.],
            [1., 3.],
            [2., 4.],
            [3., 5.]]])
    """

    _parameter_constraints = {
        "dimension": [Interval(Integral, 1, None, closed="left")],
        "delay": [Interval(Integral, 1, None, closed="left")],
        "stride": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, dimension=3, delay=1, stride=1):
        self.dimension = dimension
        self.delay = delay
        self.stride = stride

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the series; nothing is learned.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_timestamps) or (n_samples, \
n_timestamps, n_channels), or list of array-like
            The series; a list may hold series of different lengths, 1-D
            (scalar) or 2-D (multichannel, time first).
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted transformer.
        """
        self._validate_collection(X, fitting=True)
        return self

    def transform(self, X):
        """Embed every series.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_timestamps) or (n_samples, \
n_timestamps, n_channels), or list of array-like
            The series.

        Returns
        -------
        clouds : ndarray of shape (n_samples, n_points, dimension * n_channels) \
or list of ndarray
            The point clouds: an array when ``X`` is an array, else a list of
            ``(n_points_i, dimension * n_channels)`` arrays.
        """
        clouds = super().transform(X)
        return np.stack(clouds) if isinstance(X, np.ndarray) else clouds

    def fit_transform(self, X, y=None):
        """Fit to ``X`` and embed it.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_timestamps) or (n_samples, \
n_timestamps, n_channels), or list of array-like
            The series.
        y : None
            Ignored.

        Returns
        -------
        clouds : ndarray of shape (n_samples, n_points, dimension * n_channels) \
or list of ndarray
            The point clouds.
        """
        return self.fit(X, y).transform(X)

    def _validate_collection(self, X, fitting):
        X = as_collection(
            X,
            samples="time series",
            ndims=(2, 3),
            one_sample={1: "1-D array (one series: pass X[None, :])"},
        )
        span = (self.dimension - 1) * self.delay + 1
        channels = None if fitting else self.n_channels_
        out = []
        for i, s in enumerate(X):
            name = f"X[{i}]"
            if np.iscomplexobj(s):
                raise TypeError(f"{name} is complex; series must be real.")
            try:
                s = np.asarray(s, dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(f"{name} must be an array of numbers: {exc}") from exc
            if s.ndim == 1:
                s = s[:, None]
            if s.ndim != 2:
                raise ValueError(
                    f"{name} must be 1-D (n_timestamps,) or 2-D (n_timestamps, "
                    f"n_channels); got shape {s.shape}."
                )
            if not np.isfinite(s).all():
                raise ValueError(f"{name} contains NaN or infinity.")
            if s.shape[0] < span:
                raise ValueError(
                    f"{name} has {s.shape[0]} time steps; an embedding of dimension "
                    f"{self.dimension} with delay {self.delay} needs at least {span}."
                )
            if channels is None:
                channels = s.shape[1]
            elif s.shape[1] != channels:
                raise ValueError(
                    f"{name} has {s.shape[1]} channels but {channels} were expected"
                    + (" (as seen in fit)." if not fitting else ".")
                )
            out.append(s)
        if fitting:
            self.n_channels_ = channels
        return out

    def _transform_one(self, s):
        span = (self.dimension - 1) * self.delay + 1
        starts = np.arange(0, s.shape[0] - span + 1, self.stride)
        offsets = np.arange(self.dimension) * self.delay
        # (n_points, dimension, channels) -> delays of each channel side by side
        points = s[starts[:, None] + offsets[None, :]]
        return np.ascontiguousarray(points.transpose(0, 2, 1).reshape(len(starts), -1))

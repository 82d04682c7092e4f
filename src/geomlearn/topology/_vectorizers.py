"""Vectorizations of persistence diagrams: images, landscapes, curves, entropy.

Each maps a collection of diagrams to an ``(n_samples, n_features)`` array,
the features of each homology degree side by side, so that the output feeds
any scikit-learn model. ``fit`` learns only the ranges of the training
diagrams (per degree); ``transform`` is pure.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted

from geomlearn.topology import _vectorizer_kernels as vk
from geomlearn.topology._diagram_base import (
    INFINITE_CONSTRAINT,
    DiagramVectorizer,
    check_range,
    finite_range,
    widen,
)
from geomlearn.utils._param_validation import Integral, Interval, Real, StrOptions

_GRID_CONSTRAINTS = {
    "resolution": [Interval(Integral, 1, None, closed="left")],
    "sample_range": [None, "array-like"],
    "infinite": INFINITE_CONSTRAINT,
}

__all__ = [
    "BettiCurve",
    "PersistenceEntropy",
    "PersistenceImage",
    "PersistenceLandscape",
    "PersistenceSilhouette",
]


def _intervals(points):
    """Lower and upper ends of each bar (births above deaths in superlevel)."""
    return (
        np.ascontiguousarray(np.minimum(points[:, 0], points[:, 1])),
        np.ascontiguousarray(np.maximum(points[:, 0], points[:, 1])),
    )


def _n_samples(offsets):
    return offsets.shape[0] - 1


class _GridVectorizer(DiagramVectorizer):
    """A function of the filtration value, sampled on a regular grid."""

    def _check_params(self):
        check_range(self.sample_range, "sample_range")

    def _fit_degree(self, k, points, offsets):
        if k == 0:
            self.grids_ = []
        r = check_range(self.sample_range, "sample_range")
        if r is None:
            r = tuple(self.value_range_[k])
        self.grids_.append(np.linspace(r[0], r[1], self.resolution))


class PersistenceLandscape(_GridVectorizer):
    """Persistence landscapes sampled on a regular grid.

    Each bar ``[b, d]`` defines the tent ``t -> max(0, min(t - b, d - t))``;
    the ``k``-th landscape ``lambda_k(t)`` is the ``k``-th largest tent value
    at ``t`` (Bubenik, 2015). The output holds ``n_layers`` landscapes of
    ``resolution`` samples per homology degree.

    Parameters
    ----------
    n_layers : int, default=5
        Number of landscapes ``lambda_1, ..., lambda_n_layers``.
    resolution : int, default=100
        Number of samples of each landscape.
    sample_range : tuple of float, default=None
        ``(low, high)`` interval of the samples. ``None`` uses, per degree,
        the range of finite values of the training diagrams.
    infinite : {"clip", "drop"}, default="clip"
        Bars that never die end a tenth of the fitted value range beyond its
        top (``"clip"``, see ``infinity_values_``) or are removed (``"drop"``).

    Attributes
    ----------
    n_degrees_ : int
        Number of diagrams (homology degrees) per sample.
    value_range_ : ndarray of shape (n_degrees, 2)
        Smallest and largest finite value seen in ``fit``, per degree (a
        single value ``v`` gives ``[v - 0.5, v + 0.5]``).
    infinity_values_ : ndarray of shape (n_degrees, 2)
        Where ``"clip"`` ends bars dying at ``-inf`` and ``inf``: the value
        range widened by a tenth of its width on each side.
    grids_ : list of ndarray of shape (resolution,)
        The sample points, per degree.

    Notes
    -----
    Stability: for each layer, ``sup_t |lambda_k(D)(t) - lambda_k(D')(t)|`` is
    at most the bottleneck distance between ``D`` and ``D'`` (with the
    sup-norm between points), so the largest absolute difference between two
    output rows is at most the largest bottleneck distance over degrees. The
    tests check this bound on perturbed diagrams. gudhi's ``Landscape``
    multiplies by sqrt(2); ours is the textbook scale.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import PersistenceLandscape
    >>> dgm = np.array([[0.0, 2.0], [1.0, 2.0]])
    >>> landscape = PersistenceLandscape(n_layers=2, resolution=5, sample_range=(0, 2))
    >>> landscape.fit_transform([dgm]).reshape(2, 5)
    array([[0. , 0.5, 1. , 0.5, 0. ],
           [0. , 0. , 0. , 0.5, 0. ]])
    """

    _parameter_constraints = {
        **_GRID_CONSTRAINTS,
        "n_layers": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self, n_layers=5, *, resolution=100, sample_range=None, infinite="clip"
    ):
        self.n_layers = n_layers
        self.resolution = resolution
        self.sample_range = sample_range
        self.infinite = infinite

    def _n_features_degree(self, k):
        return self.n_layers * self.resolution

    def _vectorize_flat(self, k, points, offsets):
        grid = self.grids_[k]
        out = np.zeros((_n_samples(offsets), self.n_layers * grid.shape[0]))
        vk.landscapes(*_intervals(points), offsets, grid, self.n_layers, out)
        return out


class PersistenceSilhouette(_GridVectorizer):
    """Persistence silhouettes: power-weighted averages of the bars' tents.

    ``phi(t) = sum_j w_j tent_j(t) / sum_j w_j`` with ``w_j = |d_j - b_j| **
    power`` (Chazal et al., 2014). A large ``power`` stresses long bars, a
    small one the many short ones. An empty diagram gives zeros.

    Parameters
    ----------
    power : float, default=1.0
        Exponent of the bar length in the weights (0 weighs bars equally).
    resolution : int, default=100
        Number of samples.
    sample_range : tuple of float, default=None
        ``(low, high)`` interval of the samples; ``None`` learns it per degree.
    infinite : {"clip", "drop"}, default="clip"
        How bars that never die are treated (see :class:`PersistenceLandscape`).

    Attributes
    ----------
    n_degrees_ : int
        Number of diagrams (homology degrees) per sample.
    value_range_ : ndarray of shape (n_degrees, 2)
        Smallest and largest finite value seen in ``fit``, per degree (a
        single value ``v`` gives ``[v - 0.5, v + 0.5]``).
    infinity_values_ : ndarray of shape (n_degrees, 2)
        Where ``"clip"`` ends bars dying at ``-inf`` and ``inf``: the value
        range widened by a tenth of its width on each side.
    grids_ : list of ndarray of shape (resolution,)
        The sample points, per degree.

    Notes
    -----
    The normalisation by the total weight makes the silhouette a weighted
    average, not a Lipschitz function of the diagram: no stability constant
    is claimed.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import PersistenceSilhouette
    >>> dgm = np.array([[0.0, 2.0], [1.0, 2.0]])
    >>> sil = PersistenceSilhouette(resolution=5, sample_range=(0, 2))
    >>> sil.fit_transform([dgm]).round(3)
    array([[0.   , 0.333, 0.667, 0.5  , 0.   ]])
    """

    _parameter_constraints = {
        **_GRID_CONSTRAINTS,
        "power": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self, power=1.0, *, resolution=100, sample_range=None, infinite="clip"
    ):
        self.power = power
        self.resolution = resolution
        self.sample_range = sample_range
        self.infinite = infinite

    def _n_features_degree(self, k):
        return self.resolution

    def _vectorize_flat(self, k, points, offsets):
        grid = self.grids_[k]
        lo, hi = _intervals(points)
        weights = (hi - lo) ** self.power
        weights[hi == lo] = 0.0  # a bar of length 0 has no tent (and 0 ** 0 = 1)
        out = np.zeros((_n_samples(offsets), grid.shape[0]))
        vk.silhouettes(lo, hi, weights, offsets, grid, out)
        return out


class BettiCurve(_GridVectorizer):
    """Betti curves: the number of bars alive at each filtration value.

    ``beta(t) = #{bars (b, d) with b <= t < d}``, sampled on a regular grid:
    for a sublevel filtration the Betti number of ``{f <= t}``. For a
    superlevel diagram (births above deaths) a bar counts where
    ``d < t <= b``, so that ``beta(t)`` is the Betti number of ``{f >= t}``.

    Parameters
    ----------
    resolution : int, default=100
        Number of samples.
    sample_range : tuple of float, default=None
        ``(low, high)`` interval of the samples; ``None`` learns it per degree.
    infinite : {"clip", "drop"}, default="clip"
        Bars that never die count up to the end of the grid (``"clip"``) or
        are not counted (``"drop"``).

    Attributes
    ----------
    n_degrees_ : int
        Number of diagrams (homology degrees) per sample.
    value_range_ : ndarray of shape (n_degrees, 2)
        Smallest and largest finite value seen in ``fit``, per degree (a
        single value ``v`` gives ``[v - 0.5, v + 0.5]``).
    infinity_values_ : ndarray of shape (n_degrees, 2)
        Where ``"clip"`` ends bars dying at ``-inf`` and ``inf``: the value
        range widened by a tenth of its width on each side.
    grids_ : list of ndarray of shape (resolution,)
        The sample points, per degree.

    Notes
    -----
    Betti curves count bars regardless of their length, so a tiny
    perturbation that creates many short bars changes them a lot: they are
    not stable, and no constant is claimed.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import BettiCurve
    >>> dgm = np.array([[0.0, 2.0], [1.0, np.inf]])
    >>> BettiCurve(resolution=4, sample_range=(0, 3)).fit_transform([dgm])
    array([[1., 2., 1., 1.]])
    """

    _parameter_constraints = dict(_GRID_CONSTRAINTS)

    def __init__(self, *, resolution=100, sample_range=None, infinite="clip"):
        self.resolution = resolution
        self.sample_range = sample_range
        self.infinite = infinite

    def _finite_flat(self, points, offsets, k):
        if self.infinite == "clip":
            return points, offsets  # an infinite bar counts to the end of the grid
        return super()._finite_flat(points, offsets, k)

    def _n_features_degree(self, k):
        return self.resolution

    def _vectorize_flat(self, k, points, offsets):
        grid = self.grids_[k]
        out = np.zeros((_n_samples(offsets), grid.shape[0]))
        vk.betti_curves(
            np.ascontiguousarray(points[:, 0]),
            np.ascontiguousarray(points[:, 1]),
            offsets,
            grid,
            out,
        )
        return out


class PersistenceEntropy(DiagramVectorizer):
    """Persistence entropy: the Shannon entropy of the bar lengths.

    ``E = -sum_j p_j log p_j`` with ``p_j = l_j / sum_i l_i`` the share of bar
    ``j`` in the total length (Rucco et al., 2016). One number per homology
    degree: high when many bars of similar length, low when one bar dominates.
    An empty diagram has entropy 0.

    Parameters
    ----------
    normalize : bool, default=False
        Divide by ``log(n_bars)``, the entropy of ``n_bars`` equal bars, so
        that the value lies in [0, 1] whatever the number of bars.
    infinite : {"clip", "drop"}, default="clip"
        Bars that never die end a tenth of the fitted value range beyond its
        top (``"clip"``, see ``infinity_values_``) or are removed (``"drop"``).

    Attributes
    ----------
    n_degrees_ : int
        Number of diagrams (homology degrees) per sample.
    value_range_ : ndarray of shape (n_degrees, 2)
        Smallest and largest finite value seen in ``fit``, per degree (a
        single value ``v`` gives ``[v - 0.5, v + 0.5]``).
    infinity_values_ : ndarray of shape (n_degrees, 2)
        Where ``"clip"`` ends bars dying at ``-inf`` and ``inf``: the value
        range widened by a tenth of its width on each side.

    Notes
    -----
    Short bars near the diagonal change the entropy by an amount that does
    not vanish with their length; no stability constant is claimed.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import PersistenceEntropy
    >>> dgm = np.array([[0.0, 1.0], [0.0, 1.0]])
    >>> PersistenceEntropy().fit_transform([dgm]).round(4)  # log(2)
    array([[0.6931]])
    """

    _parameter_constraints = {"normalize": ["boolean"], "infinite": INFINITE_CONSTRAINT}

    def __init__(self, *, normalize=False, infinite="clip"):
        self.normalize = normalize
        self.infinite = infinite

    def _n_features_degree(self, k):
        return 1

    def _vectorize_flat(self, k, points, offsets):
        out = np.zeros(_n_samples(offsets))
        vk.entropies(*_intervals(points), offsets, bool(self.normalize), out)
        return out.reshape(-1, 1)


_WEIGHTS = ("linear", "constant")


class PersistenceImage(DiagramVectorizer):
    """Persistence images: diagrams as Gaussian-smoothed weighted densities.

    Each bar becomes the point ``(birth, persistence)``, with ``persistence =
    |death - birth|``; the image is the weighted sum of Gaussians of standard
    deviation ``bandwidth`` centred on those points, sampled at the nodes of
    a regular ``resolution`` grid spanning the image range, ends included
    (Adams et al., 2017; as gudhi does). Rows of an image
    run along persistence, columns along birth; each image is flattened
    row-major, degrees side by side.

    Parameters
    ----------
    bandwidth : float, default=None
        Standard deviation of the Gaussians, in filtration units. ``None``
        takes, per degree, the spacing of the grid nodes along persistence.
    resolution : tuple of int, default=(20, 20)
        Number of pixels along birth and along persistence.
    weight : {"linear", "constant"} or callable, default="linear"
        Weight of each point. ``"linear"`` is ``min(persistence / p_max, 1)``
        with ``p_max`` the largest training persistence, so bars near the
        diagonal fade out and the image is stable; ``"constant"`` gives every
        bar weight 1 (not stable: short bars count fully). A callable gets
        the arrays ``(birth, persistence)`` and returns the weights.
    im_range : tuple of float, default=None
        ``(birth_low, birth_high, persistence_low, persistence_high)``. ``None``
        learns, per degree, the birth range and ``[0, max persistence]`` of
        the training diagrams.
    infinite : {"clip", "drop"}, default="clip"
        Bars that never die end a tenth of the fitted value range beyond its
        top (``"clip"``, see ``infinity_values_``) or are removed (``"drop"``).

    Attributes
    ----------
    n_degrees_ : int
        Number of diagrams (homology degrees) per sample.
    value_range_ : ndarray of shape (n_degrees, 2)
        Smallest and largest finite value seen in ``fit``, per degree (a
        single value ``v`` gives ``[v - 0.5, v + 0.5]``).
    infinity_values_ : ndarray of shape (n_degrees, 2)
        Where ``"clip"`` ends bars dying at ``-inf`` and ``inf``: the value
        range widened by a tenth of its width on each side.
    im_ranges_ : ndarray of shape (n_degrees, 4)
        The image ranges used, per degree.
    bandwidths_ : ndarray of shape (n_degrees,)
        The Gaussian standard deviation used, per degree.
    max_persistence_ : ndarray of shape (n_degrees,)
        ``p_max`` of the linear weight: the largest persistence seen in
        ``fit``, per degree (1 where there was none).

    Notes
    -----
    Stability with ``weight="linear"``: for diagrams ``D`` and ``D'`` of one
    degree, the largest pixel difference is at most
    ``C * W1(D, D')``, with ``W1`` the 1-Wasserstein distance (sup-norm
    between points) and ``C = sqrt(5) / (2 pi s^2) * (1 / p_max + exp(-1/2) / s)``,
    ``s`` the bandwidth: each matched pair moves its Gaussian by at most its
    distance times the weight's and the Gaussian's Lipschitz constants, and
    the change of coordinates to ``(birth, persistence)`` stretches distances
    by at most ``sqrt(5)``. The tests check this bound.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.topology import PersistenceImage
    >>> dgms = [np.array([[0.0, 1.0], [0.5, 3.0]]), np.array([[0.2, 2.0]])]
    >>> images = PersistenceImage(resolution=(10, 10)).fit_transform(dgms)
    >>> images.shape
    (2, 100)
    """

    _parameter_constraints = {
        "bandwidth": [Interval(Real, 0, None, closed="neither"), None],
        "resolution": ["array-like"],
        "weight": [StrOptions(set(_WEIGHTS)), callable],
        "im_range": [None, "array-like"],
        "infinite": INFINITE_CONSTRAINT,
    }

    def __init__(
        self,
        bandwidth=None,
        *,
        resolution=(20, 20),
        weight="linear",
        im_range=None,
        infinite="clip",
    ):
        self.bandwidth = bandwidth
        self.resolution = resolution
        self.weight = weight
        self.im_range = im_range
        self.infinite = infinite

    def _check_params(self):
        try:
            nb, npers = self.resolution
        except (TypeError, ValueError):
            raise ValueError(
                f"resolution must be a pair of positive ints; got {self.resolution!r}."
            ) from None
        for value in (nb, npers):
            if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
                raise ValueError(
                    f"resolution must be a pair of positive ints; got "
                    f"{self.resolution!r}."
                )
        if self.im_range is not None:
            try:
                b0, b1, p0, p1 = (float(v) for v in self.im_range)
            except (TypeError, ValueError):
                raise ValueError(
                    "im_range must be None or (birth_low, birth_high, "
                    f"persistence_low, persistence_high); got {self.im_range!r}."
                ) from None
            if not (np.isfinite([b0, b1, p0, p1]).all() and b0 < b1 and p0 < p1):
                raise ValueError(
                    f"im_range must be finite with low < high on each axis; got "
                    f"{self.im_range!r}."
                )

    def _fit_degree(self, k, points, offsets):
        if k == 0:
            self.im_ranges_ = np.zeros((self.n_degrees_, 4))
            self.bandwidths_ = np.zeros(self.n_degrees_)
            self.max_persistence_ = np.zeros(self.n_degrees_)
        bp = self._birth_persistence(points)
        births = finite_range(bp[:, 0])
        pers = finite_range(bp[:, 1])
        p_max = pers[1] if pers is not None and pers[1] > 0 else 1.0
        self.max_persistence_[k] = p_max
        if self.im_range is not None:
            self.im_ranges_[k] = [float(v) for v in self.im_range]
        else:
            b_lo, b_hi = births if births is not None else (0.0, 0.0)
            b_lo, b_hi = widen(b_lo, b_hi, p_max)
            self.im_ranges_[k] = [b_lo, b_hi, 0.0, p_max]
        if self.bandwidth is None:
            p_lo, p_hi = self.im_ranges_[k, 2:]
            self.bandwidths_[k] = (p_hi - p_lo) / max(self.resolution[1] - 1, 1)
        else:
            self.bandwidths_[k] = float(self.bandwidth)

    @staticmethod
    def _birth_persistence(dgm):
        return np.c_[dgm[:, 0], np.abs(dgm[:, 1] - dgm[:, 0])]

    def _n_features_degree(self, k):
        return self.resolution[0] * self.resolution[1]

    def _weights(self, k, points):
        if callable(self.weight):
            w = np.asarray(self.weight(points[:, 0], points[:, 1]), dtype=np.float64)
            if w.shape != (points.shape[0],):
                raise ValueError(
                    f"weight returned shape {w.shape}; one weight per bar "
                    f"({points.shape[0]},) is needed."
                )
            return w
        if self.weight == "constant":
            return np.ones(points.shape[0])
        return np.minimum(points[:, 1] / self.max_persistence_[k], 1.0)

    def pixel_centers(self, k=0):
        """Birth and persistence coordinates of the grid nodes (pixels).

        Parameters
        ----------
        k : int, default=0
            Position of the homology degree in the samples.

        Returns
        -------
        births : ndarray of shape (resolution[0],)
            Column coordinates.
        persistences : ndarray of shape (resolution[1],)
            Row coordinates.
        """
        check_is_fitted(self)
        b0, b1, p0, p1 = self.im_ranges_[k]
        return (
            np.linspace(b0, b1, self.resolution[0]),
            np.linspace(p0, p1, self.resolution[1]),
        )

    def _vectorize_flat(self, k, points, offsets):
        births, pers = self.pixel_centers(k)
        out = np.zeros((_n_samples(offsets), births.size * pers.size))
        bp = self._birth_persistence(points)
        weights = np.ascontiguousarray(self._weights(k, bp), dtype=np.float64)
        vk.images(
            np.ascontiguousarray(bp[:, 0]),
            np.ascontiguousarray(bp[:, 1]),
            weights,
            offsets,
            births,
            pers,
            float(self.bandwidths_[k]),
            out,
        )
        return out

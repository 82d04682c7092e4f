"""Labelled collections of noisy point clouds sampled from simple shapes."""

from numbers import Integral, Real

import numpy as np
from scipy.spatial.transform import Rotation
from sklearn.utils import check_random_state

__all__ = ["make_shapes"]

# The shapes make_shapes can sample and their Betti numbers (b0, b1, b2):
# what persistent homology should find.
BETTI_NUMBERS = {
    "circle": (1, 1, 0),
    "sphere": (1, 0, 1),
    "torus": (1, 2, 1),
    "figure_eight": (1, 2, 0),
    "clusters": (3, 0, 0),
}


def _circle(rng, n):
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[np.cos(t), np.sin(t), np.zeros(n)]


def _sphere(rng, n):
    x = rng.normal(size=(n, 3))
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def _torus(rng, n, R=1.0, r=0.4):
    # rejection sampling of the tube angle so that points are uniform in area
    phi = np.empty(0)
    while phi.size < n:
        cand = rng.uniform(0, 2 * np.pi, 2 * n)
        keep = rng.uniform(0, R + r, 2 * n) < R + r * np.cos(cand)
        phi = np.r_[phi, cand[keep]]
    phi = phi[:n]
    theta = rng.uniform(0, 2 * np.pi, n)
    ring = R + r * np.cos(phi)
    return np.c_[ring * np.cos(theta), ring * np.sin(theta), r * np.sin(phi)]


def _figure_eight(rng, n):
    # two circles of radius 1/2 touching at the origin
    t = rng.uniform(0, 2 * np.pi, n)
    side = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return np.c_[side * (0.5 + 0.5 * np.cos(t)), 0.5 * np.sin(t), np.zeros(n)]


def _clusters(rng, n):
    centers = np.array([[1.0, 0.0, 0.0], [-0.5, 0.866, 0.0], [-0.5, -0.866, 0.0]])
    return centers[rng.integers(0, 3, n)] + rng.normal(scale=0.1, size=(n, 3))


_SAMPLERS = {
    "circle": _circle,
    "sphere": _sphere,
    "torus": _torus,
    "figure_eight": _figure_eight,
    "clusters": _clusters,
}


def make_shapes(
    n_samples=100,
    *,
    n_points=200,
    shapes=None,
    noise=0.05,
    random_state=None,
):
    """Generate a labelled collection of noisy point clouds from simple shapes.

    Each sample is ``n_points`` points drawn from one shape (a unit circle, the
    unit sphere, a torus with radii 1 and 0.4, a figure eight made of two
    circles of radius 1/2, or three tight clusters), rotated at random in R^3
    and perturbed by Gaussian noise. The shapes differ by their topology
    (their Betti numbers below), so persistent homology
    separates them while orientation and sampling do not.

    ============  ==  ==  ==
    shape         b0  b1  b2
    ============  ==  ==  ==
    circle        1   1   0
    sphere        1   0   1
    torus         1   2   1
    figure_eight  1   2   0
    clusters      3   0   0
    ============  ==  ==  ==

    Parameters
    ----------
    n_samples : int, default=100
        Number of point clouds, shared as evenly as possible between shapes.
    n_points : int, default=200
        Points per cloud.
    shapes : list of str, default=None
        Shapes to draw from, among the names in the table above; all of them
        by default.
    noise : float, default=0.05
        Standard deviation of the Gaussian noise added to every coordinate.
    random_state : int, RandomState instance or None, default=None
        Seed of the sampling, rotations, noise and shuffling.

    Returns
    -------
    X : ndarray of shape (n_samples, n_points, 3)
        The point clouds.
    y : ndarray of shape (n_samples,)
        The shape name of each cloud.

    Examples
    --------
    >>> from geomlearn.datasets import make_shapes
    >>> X, y = make_shapes(10, n_points=50, random_state=0)
    >>> X.shape, sorted(set(y.tolist()))
    ((10, 50, 3), ['circle', 'clusters', 'figure_eight', 'sphere', 'torus'])
    """
    if (
        not isinstance(n_samples, Integral)
        or isinstance(n_samples, bool)
        or n_samples < 1
    ):
        raise ValueError(f"n_samples must be a positive int; got {n_samples!r}.")
    if not isinstance(n_points, Integral) or isinstance(n_points, bool) or n_points < 1:
        raise ValueError(f"n_points must be a positive int; got {n_points!r}.")
    if not isinstance(noise, Real) or isinstance(noise, bool) or not noise >= 0:
        raise ValueError(f"noise must be a non-negative number; got {noise!r}.")
    if shapes is None:
        shapes = list(BETTI_NUMBERS)
    elif isinstance(shapes, str):
        raise TypeError("shapes must be a list of shape names, not a string.")
    shapes = list(shapes)
    unknown = [s for s in shapes if s not in BETTI_NUMBERS]
    if not shapes or unknown:
        raise ValueError(
            f"shapes must be a non-empty list among {list(BETTI_NUMBERS)}; "
            f"unknown: {unknown}."
        )
    rng = check_random_state(random_state)
    gen = np.random.default_rng(rng.randint(np.iinfo(np.int32).max))
    y = np.array([shapes[i % len(shapes)] for i in range(n_samples)])
    gen.shuffle(y)
    X = np.empty((n_samples, n_points, 3))
    rotations = Rotation.random(n_samples, random_state=gen)
    for i, shape in enumerate(y):
        cloud = _SAMPLERS[shape](gen, n_points)
        X[i] = rotations[i].apply(cloud) + gen.normal(scale=noise, size=(n_points, 3))
    return X, y

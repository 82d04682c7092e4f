"""numba kernels of the vectorizers, over a whole collection at once.

A collection of diagrams of one degree is stored flat: ``lo`` and ``hi`` (the
two ends of every bar, lower first) or the points themselves, and
``offsets`` with diagram ``i`` at ``offsets[i]:offsets[i + 1]``. One call
fills the rows of every diagram, so the per-sample cost of Python is gone.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def landscapes(lo, hi, offsets, grid, n_layers, out):
    """Write the ``n_layers`` largest tent values at each grid point.

    ``out[i, k * len(grid) + r]`` is the ``k``-th largest of
    ``max(0, min(t - lo_j, hi_j - t))`` over the bars ``j`` of diagram ``i``
    at ``t = grid[r]``; ``out`` must be zero on entry.
    """
    n_grid = grid.shape[0]
    top = np.empty(n_layers)
    for i in range(offsets.shape[0] - 1):
        for r in range(n_grid):
            t = grid[r]
            filled = 0
            for j in range(offsets[i], offsets[i + 1]):
                v = min(t - lo[j], hi[j] - t)
                if v <= 0.0:
                    continue
                if filled < n_layers:
                    pos = filled
                    filled += 1
                elif v > top[n_layers - 1]:
                    pos = n_layers - 1
                else:
                    continue
                while pos > 0 and top[pos - 1] < v:
                    top[pos] = top[pos - 1]
                    pos -= 1
                top[pos] = v
            for k in range(filled):
                out[i, k * n_grid + r] = top[k]


@njit(cache=True)
def silhouettes(lo, hi, weights, offsets, grid, out):
    """Write the weighted mean of the tents at each grid point into ``out``."""
    n_grid = grid.shape[0]
    for i in range(offsets.shape[0] - 1):
        total = 0.0
        for j in range(offsets[i], offsets[i + 1]):
            total += weights[j]
        if total <= 0.0:
            continue
        for r in range(n_grid):
            t = grid[r]
            acc = 0.0
            for j in range(offsets[i], offsets[i + 1]):
                v = min(t - lo[j], hi[j] - t)
                if v > 0.0:
                    acc += weights[j] * v
            out[i, r] = acc / total


@njit(cache=True)
def betti_curves(births, deaths, offsets, grid, out):
    """Write the number of bars alive at each grid point into ``out``.

    A sublevel bar (birth <= death) is alive for ``birth <= t < death``, a
    superlevel bar (birth > death) for ``death < t <= birth``: the sets
    ``{f <= t}`` and ``{f >= t}`` that hold the feature.
    """
    n_grid = grid.shape[0]
    delta = np.zeros(n_grid + 1)
    for i in range(offsets.shape[0] - 1):
        delta[:] = 0.0
        for j in range(offsets[i], offsets[i + 1]):
            if births[j] <= deaths[j]:
                start = np.searchsorted(grid, births[j], side="left")
                stop = np.searchsorted(grid, deaths[j], side="left")
            else:
                start = np.searchsorted(grid, deaths[j], side="right")
                stop = np.searchsorted(grid, births[j], side="right")
            if stop > start:
                delta[start] += 1.0
                delta[stop] -= 1.0
        count = 0.0
        for r in range(n_grid):
            count += delta[r]
            out[i, r] = count


@njit(cache=True)
def images(births, pers, weights, offsets, birth_grid, pers_grid, sigma, out):
    """Write each diagram's weighted Gaussians, sampled on the pixel grid.

    ``out[i, p * len(birth_grid) + b]`` sums, over the points of diagram
    ``i``, ``w * exp(-((birth_grid[b] - birth)^2 + (pers_grid[p] - pers)^2) /
    (2 sigma^2)) / (2 pi sigma^2)``.
    """
    n_b = birth_grid.shape[0]
    n_p = pers_grid.shape[0]
    gb = np.empty(n_b)
    gp = np.empty(n_p)
    scale = 1.0 / (2.0 * np.pi * sigma * sigma)
    inv = 1.0 / (2.0 * sigma * sigma)
    for i in range(offsets.shape[0] - 1):
        for j in range(offsets[i], offsets[i + 1]):
            w = weights[j] * scale
            if w == 0.0:
                continue
            for b in range(n_b):
                d = birth_grid[b] - births[j]
                gb[b] = np.exp(-d * d * inv)
            for p in range(n_p):
                d = pers_grid[p] - pers[j]
                gp[p] = w * np.exp(-d * d * inv)
            for p in range(n_p):
                base = p * n_b
                for b in range(n_b):
                    out[i, base + b] += gp[p] * gb[b]


@njit(cache=True)
def entropies(lo, hi, offsets, normalize, out):
    """Write the Shannon entropy of the bar lengths of each diagram."""
    for i in range(offsets.shape[0] - 1):
        total = 0.0
        count = 0
        for j in range(offsets[i], offsets[i + 1]):
            length = hi[j] - lo[j]
            if length > 0.0:
                total += length
                count += 1
        if count == 0:
            continue
        acc = 0.0
        for j in range(offsets[i], offsets[i + 1]):
            length = hi[j] - lo[j]
            if length > 0.0:
                p = length / total
                acc -= p * np.log(p)
        if normalize:
            acc = acc / np.log(count) if count > 1 else 0.0
        out[i] = acc

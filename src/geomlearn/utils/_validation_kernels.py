"""numba kernels behind geomlearn.utils.validation (imported on first use)."""

import numpy as np
from numba import njit

_TILE = 64


@njit(cache=True, nogil=True)
def dissimilarity_summary(D):
    """Summarise a square matrix in one pass.

    Returns (min, max |value|, max |diagonal|, max |D[i, j] - D[j, i]|,
    number of NaN or infinite entries). The matrix is read tile by tile, each upper tile together with its mirror
    tile, so every entry is read once and the transposed reads stay in cache.
    """
    n = D.shape[0]
    lowest = np.inf
    largest = 0.0
    diagonal = 0.0
    asymmetry = 0.0
    nonfinite = 0
    for i in range(n):
        a = np.float64(D[i, i])
        nonfinite += (a - a) != 0.0  # NaN and infinity give NaN here
        diagonal = max(diagonal, abs(a))
        lowest = min(lowest, a)
        largest = max(largest, abs(a))
    for bi in range(0, n, _TILE):
        ei = min(bi + _TILE, n)
        for bj in range(bi, n, _TILE):
            ej = min(bj + _TILE, n)
            for i in range(bi, ei):
                # branch-free inner loop over the strict upper triangle of the tile
                for j in range(max(bj, i + 1), ej):
                    a = np.float64(D[i, j])
                    b = np.float64(D[j, i])
                    nonfinite += ((a - a) != 0.0) + ((b - b) != 0.0)
                    lowest = min(lowest, min(a, b))
                    largest = max(largest, max(abs(a), abs(b)))
                    asymmetry = max(asymmetry, abs(a - b))
    return lowest, largest, diagonal, asymmetry, nonfinite

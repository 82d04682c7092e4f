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
    for bi in range(0, n, _TILE):
        ei = min(bi + _TILE, n)
        for bj in range(bi, n, _TILE):
            ej = min(bj + _TILE, n)
            for i in range(bi, ei):
                start = i if bj == bi else bj
                for j in range(start, ej):
                    a = np.float64(D[i, j])
                    b = np.float64(D[j, i])
                    if not (np.isfinite(a) and np.isfinite(b)):
                        nonfinite += 1
                        continue
                    lowest = min(lowest, a, b)
                    largest = max(largest, abs(a), abs(b))
                    asymmetry = max(asymmetry, abs(a - b))
                    if i == j:
                        diagonal = max(diagonal, abs(a))
    return lowest, largest, diagonal, asymmetry, nonfinite

"""numba loops for the numpy path of the hottest operations.

Each element needs one square root and one sine/cosine pair; numpy's
vectorised route pays for several full-size temporaries and two separate
transcendental passes, a loop pays for none. Same formulas as ``_math``
(series below the switch, closed form above).
"""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def so3_exp_rows(theta, half_sinc, half_cos, switch, out):
    """Write the unit quaternions of the rotation vectors ``theta`` (n, 3)."""
    for i in range(theta.shape[0]):
        x, y, z = theta[i, 0], theta[i, 1], theta[i, 2]
        t2 = x * x + y * y + z * z
        if t2 < switch:
            s = half_sinc[-1]
            c = half_cos[-1]
            for k in range(half_sinc.shape[0] - 2, -1, -1):
                s = s * t2 + half_sinc[k]
                c = c * t2 + half_cos[k]
        else:
            t = np.sqrt(t2)
            s = np.sin(t / 2) / t
            c = np.cos(t / 2)
        out[i, 0] = s * x
        out[i, 1] = s * y
        out[i, 2] = s * z
        out[i, 3] = c


@njit(cache=True, nogil=True)
def quat_rotate_rows(q, v, out):
    """Write ``q v q*`` for rows of unit quaternions (n, 4) and vectors (n, 3)."""
    for i in range(q.shape[0]):
        x, y, z, w = q[i, 0], q[i, 1], q[i, 2], q[i, 3]
        a, b, c = v[i, 0], v[i, 1], v[i, 2]
        p0 = y * c - z * b
        p1 = z * a - x * c
        p2 = x * b - y * a
        out[i, 0] = a + 2 * (w * p0 + y * p2 - z * p1)
        out[i, 1] = b + 2 * (w * p1 + z * p0 - x * p2)
        out[i, 2] = c + 2 * (w * p2 + x * p1 - y * p0)

"""numba kernels for Gram matrices between collections of diagrams.

A collection is stored flat: the points of all diagrams one after the other,
``offsets[i]:offsets[i + 1]`` delimiting diagram ``i``. Functions release the
GIL so that joblib threads can split the rows of a Gram matrix.
"""

import numpy as np
from numba import njit


def flatten(diagrams):
    """Concatenate diagrams; return (points (n, 2), offsets (n_diagrams + 1,))."""
    sizes = np.array([d.shape[0] for d in diagrams], dtype=np.int64)
    offsets = np.zeros(len(diagrams) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    if offsets[-1] == 0:
        return np.empty((0, 2)), offsets
    return np.ascontiguousarray(np.concatenate(diagrams), dtype=np.float64), offsets


def directions(n_directions):
    """Return unit vectors at angles evenly spaced in [-pi/2, pi/2), shape (2, n)."""
    theta = np.linspace(-np.pi / 2, np.pi / 2, n_directions, endpoint=False)
    return np.vstack([np.cos(theta), np.sin(theta)])


def sorted_projections(points, offsets, lines):
    """Sorted projections of the points and of their diagonal projections.

    Returns two arrays of shape (n_directions, n_points), each diagram's
    segment sorted along every direction.
    """
    proj = np.ascontiguousarray((points @ lines).T)
    mid = (points[:, 0] + points[:, 1]) / 2
    diag = np.ascontiguousarray(np.outer(lines[0] + lines[1], mid))
    for i in range(offsets.shape[0] - 1):
        a, b = offsets[i], offsets[i + 1]
        proj[:, a:b].sort(axis=1)
        diag[:, a:b].sort(axis=1)
    return proj, diag


@njit(cache=True, nogil=True)
def _sw_pair(p1, q1, o1, n1, p2, q2, o2, n2):
    """Sliced Wasserstein distance between diagrams 1 and 2.

    The mean over directions of the 1-D Wasserstein-1 distance between (points
    of 1 + diagonal projections of 2) and (points of 2 + diagonal projections
    of 1), walking the two sorted merges in step.
    """
    n_dir = p1.shape[0]
    total = 0.0
    for line in range(n_dir):
        a1 = 0
        a2 = 0
        b1 = 0
        b2 = 0
        for _ in range(n1 + n2):
            if a2 >= n2 or (a1 < n1 and p1[line, o1 + a1] <= q2[line, o2 + a2]):
                va = p1[line, o1 + a1]
                a1 += 1
            else:
                va = q2[line, o2 + a2]
                a2 += 1
            if b2 >= n1 or (b1 < n2 and p2[line, o2 + b1] <= q1[line, o1 + b2]):
                vb = p2[line, o2 + b1]
                b1 += 1
            else:
                vb = q1[line, o1 + b2]
                b2 += 1
            total += abs(va - vb)
    return total / n_dir


@njit(cache=True, nogil=True)
def sw_block(p1, q1, off1, p2, q2, off2, rows, out, upper):
    """Write sliced Wasserstein distances of some rows into ``out``.

    Rows ``rows`` of collection 1 against all of collection 2 (only columns
    ``j >= i`` when ``upper``); ``out`` has shape (len(rows), n2).
    """
    n2 = off2.shape[0] - 1
    for r in range(rows.shape[0]):
        i = rows[r]
        for j in range(i if upper else 0, n2):
            out[r, j] = _sw_pair(
                p1,
                q1,
                off1[i],
                off1[i + 1] - off1[i],
                p2,
                q2,
                off2[j],
                off2[j + 1] - off2[j],
            )


@njit(cache=True, nogil=True)
def pssk_block(x1, off1, x2, off2, scale, rows, out, upper):
    """Write persistence scale-space kernel values of some rows into ``out``.

    k(F, G) = 1 / (8 pi s) sum_{p in F, q in G} exp(-|p - q|^2 / (8 s))
    - exp(-|p - mirror(q)|^2 / (8 s)), with mirror(b, d) = (d, b).
    """
    n2 = off2.shape[0] - 1
    c = 1.0 / (8.0 * np.pi * scale)
    for r in range(rows.shape[0]):
        i = rows[r]
        for j in range(i if upper else 0, n2):
            acc = 0.0
            for a in range(off1[i], off1[i + 1]):
                pb = x1[a, 0]
                pd = x1[a, 1]
                for b in range(off2[j], off2[j + 1]):
                    qb = x2[b, 0]
                    qd = x2[b, 1]
                    d1 = (pb - qb) ** 2 + (pd - qd) ** 2
                    d2 = (pb - qd) ** 2 + (pd - qb) ** 2
                    acc += np.exp(-d1 / (8.0 * scale)) - np.exp(-d2 / (8.0 * scale))
            out[r, j] = c * acc

"""numba kernels of the multiparameter filtrations."""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def rips_euler_histogram(edge_index, vertex_index, origin, inside, n1, n2, triangles):
    """Euler measure of a Rips x function complex, counted on a grid.

    ``edge_index[i, j]`` is the grid index (first axis) of edge ``ij``'s
    length and ``inside[i, j]`` whether the edge is in the complex;
    ``vertex_index[i]`` the grid index (second axis) of vertex ``i``'s value;
    ``origin`` the first-axis index of 0 (where vertices enter). Indices equal
    to ``n1`` or ``n2`` lie beyond the grid. A simplex adds ``(-1)^dim`` at
    (largest edge index, largest vertex index); triangles only when
    ``triangles``. Returns the ``(n1, n2)`` histogram of what lands on the
    grid, without listing a simplex: O(n^3) time, O(n1 n2) memory.
    """
    n = vertex_index.shape[0]
    out = np.zeros((n1 + 1, n2 + 1), dtype=np.int64)
    for i in range(n):
        out[origin, vertex_index[i]] += 1
    for i in range(n):
        for j in range(i + 1, n):
            if not inside[i, j]:
                continue
            vij = max(vertex_index[i], vertex_index[j])
            eij = edge_index[i, j]
            out[eij, vij] -= 1
            if not triangles:
                continue
            for k in range(j + 1, n):
                if inside[i, k] and inside[j, k]:
                    a = max(eij, max(edge_index[i, k], edge_index[j, k]))
                    b = max(vij, vertex_index[k])
                    out[a, b] += 1
    return out[:n1, :n2].copy()

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


@njit(cache=True, nogil=True)
def collapse_dominated_edges(grade1, grade2, adjacency, us, vs, max_passes):
    """Remove the filtration-dominated edges of a bifiltered graph, in place.

    ``grade1[u, v], grade2[u, v]`` is the grade of edge ``uv`` (vertex grades
    folded in: an edge is never below its vertices) and ``adjacency`` the
    graph. An edge ``e = uv`` is dominated by a vertex ``w`` when ``uw`` and
    ``vw`` are at most ``grade(e)`` and every common neighbour ``x`` of ``u``
    and ``v`` has ``grade(wx) <= max(grade(ux), grade(vx), grade(e))``: then
    at every grade where ``e`` exists its link in the flag complex is a cone
    on ``w``, and removing ``e`` is a strong collapse of every sublevel flag
    complex (Alonso, Kerber and Pritam's filtration-domination). Every
    sublevel complex keeps its homotopy type and the inclusions between them
    commute with the collapses, so the persistence module, hence every
    signed measure, is unchanged. The edges ``(us[k], vs[k])`` are tried in
    that order; passes repeat until nothing moves or ``max_passes``. Returns
    the number of edges removed.
    """
    n = adjacency.shape[0]
    order = np.arange(us.shape[0])
    common = np.empty(n, dtype=np.int64)
    removed = 0
    for _ in range(max_passes):
        moved = False
        for k in order:
            u = us[k]
            v = vs[k]
            if not adjacency[u, v]:
                continue
            e1 = grade1[u, v]
            e2 = grade2[u, v]
            n_common = 0
            for x in range(n):
                if adjacency[u, x] and adjacency[v, x]:
                    common[n_common] = x
                    n_common += 1
            for a in range(n_common):
                w = common[a]
                if (
                    grade1[u, w] > e1
                    or grade2[u, w] > e2
                    or grade1[v, w] > e1
                    or grade2[v, w] > e2
                ):
                    continue
                dominated = True
                for b in range(n_common):
                    x = common[b]
                    if x == w:
                        continue
                    if not adjacency[w, x]:
                        dominated = False
                        break
                    j1 = max(max(grade1[u, x], grade1[v, x]), e1)
                    j2 = max(max(grade2[u, x], grade2[v, x]), e2)
                    if grade1[w, x] > j1 or grade2[w, x] > j2:
                        dominated = False
                        break
                if dominated:
                    adjacency[u, v] = False
                    adjacency[v, u] = False
                    removed += 1
                    moved = True
                    break
        if not moved:
            break
    return removed


@njit(cache=True, nogil=True)
def sliced_kr_distances(pos_a, w_a, off_a, pos_b, w_b, off_b, rows, symmetric, out):
    """Sliced Kantorovich-Rubinstein distances between two collections.

    ``pos_x[d, off_x[i]:off_x[i + 1]]`` are the atoms of measure ``i``
    projected on direction ``d``, sorted, with integer weights ``w_x`` in
    the same order. For each row ``i`` in ``rows`` and every measure ``j``
    of ``b``, ``out[i, j]`` receives the mean over directions of
    ``int |F_a_i(t) - F_b_j(t)| dt`` (F: cumulative weight), computed by
    merging the two sorted lists: O(n_directions (m_i + m_j)) per pair.
    With ``symmetric`` (``a`` is ``b``) only ``j < i`` is computed and
    mirrored.
    """
    n_dirs = pos_a.shape[0]
    for i in rows:
        for j in range(i if symmetric else off_b.shape[0] - 1):
            total = 0.0
            for d in range(n_dirs):
                p = off_a[i]
                q = off_b[j]
                p_end = off_a[i + 1]
                q_end = off_b[j + 1]
                cum = 0.0
                last = 0.0
                started = False
                while p < p_end or q < q_end:
                    if q >= q_end or (p < p_end and pos_a[d, p] <= pos_b[d, q]):
                        t = pos_a[d, p]
                        step = w_a[d, p]
                        p += 1
                    else:
                        t = pos_b[d, q]
                        step = -w_b[d, q]
                        q += 1
                    if started:
                        total += abs(cum) * (t - last)
                    cum += step
                    last = t
                    started = True
            out[i, j] = total / n_dirs
            if symmetric:
                out[j, i] = out[i, j]


@njit(cache=True, nogil=True)
def graph_betti_lines(vertex_time, edge_time, edges, order, n_times, b0, b1):
    """Betti numbers of a filtered graph along many lines, by union-find.

    Line ``l`` gives vertex ``v`` the entry time ``vertex_time[l, v]`` and
    edge ``e`` the time ``edge_time[l, e]`` (``n_times`` or more: absent;
    an edge is never earlier than its vertices). ``order`` sorts the edges by
    time (absent edges may sit anywhere). Writes, at every time ``i``,
    ``b0[l, i]`` = components = vertices - merging edges, and ``b1[l, i]``
    = independent cycles = edges - merging edges.
    """
    n_lines, n_vertices = vertex_time.shape
    parent = np.empty(n_vertices, dtype=np.int64)
    for line in range(n_lines):
        vertices = np.zeros(n_times + 1, dtype=np.int64)
        edges_in = np.zeros(n_times + 1, dtype=np.int64)
        merges = np.zeros(n_times + 1, dtype=np.int64)
        for v in range(n_vertices):
            parent[v] = v
            vertices[min(vertex_time[line, v], n_times)] += 1
        for k in order:
            t = edge_time[line, k]
            if t >= n_times:
                continue
            edges_in[t] += 1
            a = edges[k, 0]
            while parent[a] != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            b = edges[k, 1]
            while parent[b] != b:
                parent[b] = parent[parent[b]]
                b = parent[b]
            if a != b:
                parent[max(a, b)] = min(a, b)
                merges[t] += 1
        nv = 0
        ne = 0
        nm = 0
        for i in range(n_times):
            nv += vertices[i]
            ne += edges_in[i]
            nm += merges[i]
            b0[line, i] = nv - nm
            b1[line, i] = ne - nm

# requires: torch
"""Radius and k-nearest-neighbour graphs of batched point clouds, in pure torch.

Torch-tensor counterparts of :func:`geomlearn.geometry.knn_graph` and
:func:`geomlearn.geometry.radius_graph` (which return scipy sparse arrays),
with the calling convention of ``torch_cluster.radius_graph`` /
``torch_cluster.knn_graph`` so that PyTorch Geometric code runs unchanged
without that compiled extension (which has no wheels on PyPI).

The edges are computed exactly, from dense pairwise distances between the
points *of the same graph*, a block of rows at a time (so memory stays bounded
and a batch of many small graphs costs about the sum of their squared sizes).
That is the right tool for molecules, N-body systems and other graphs of up
to a few thousand nodes; for large sparse point clouds use a KD-tree
(:func:`geomlearn.geometry.radius_graph`) and convert.

Conventions (PyTorch Geometric's ``flow="source_to_target"``):
``edge_index[0]`` is the source (neighbour) ``j``, ``edge_index[1]`` the
target (centre) ``i``; the edges are sorted by target, then by source.
"""

import torch

__all__ = ["knn_graph", "radius_graph"]

_BLOCK_ENTRIES = 1 << 22  # pairwise distances held at once, per block of rows


def _check_inputs(pos, batch):
    if not isinstance(pos, torch.Tensor) or pos.ndim != 2:
        raise ValueError(
            "pos must be a torch tensor of shape (n_points, n_dims); got "
            f"{type(pos).__name__} with shape {tuple(getattr(pos, 'shape', ()))}"
        )
    n = pos.shape[0]
    if batch is None:
        return torch.zeros(n, dtype=torch.long, device=pos.device)
    batch = torch.as_tensor(batch, device=pos.device)
    if batch.shape != (n,) or batch.dtype.is_floating_point:
        raise ValueError(
            f"batch must be an integer tensor of shape ({n},); got dtype "
            f"{batch.dtype} and shape {tuple(batch.shape)}"
        )
    if n and int(batch.min()) < 0:
        raise ValueError("batch must hold non-negative graph indices")
    return batch.long()


@torch.no_grad()
def _neighbours(pos, r, batch, loop, max_num_neighbors):
    """Edges (j -> i) with ||pos_j - pos_i|| <= r, same graph, k nearest kept."""
    batch = _check_inputs(pos, batch)
    n = pos.shape[0]
    empty = torch.empty(2, 0, dtype=torch.long, device=pos.device)
    if n == 0:
        return empty
    perm = None
    if n > 1 and bool((batch[1:] < batch[:-1]).any()):
        perm = torch.argsort(batch, stable=True)
        pos, batch = pos[perm], batch[perm]
    counts = torch.bincount(batch)
    ptr = torch.cat([counts.new_zeros(1), counts.cumsum(0)])
    r2 = float(r) ** 2 if r is not None else float("inf")
    rows_per_block = max(1, _BLOCK_ENTRIES // max(1, int(counts.max())))
    sources, targets = [], []
    start = 0
    while start < n:
        stop = min(n, start + rows_per_block)
        g0, g1 = int(batch[start]), int(batch[stop - 1])
        c0, c1 = int(ptr[g0]), int(ptr[g1 + 1])
        rows = torch.arange(start, stop, device=pos.device)
        cols = torch.arange(c0, c1, device=pos.device)
        diff = pos[start:stop, None, :] - pos[None, c0:c1, :]
        d2 = (diff * diff).sum(-1)
        mask = batch[start:stop, None] == batch[None, c0:c1]
        mask &= d2 <= r2
        if not loop:
            mask &= rows[:, None] != cols[None, :]
        if max_num_neighbors is not None and max_num_neighbors < c1 - c0:
            # keep the max_num_neighbors nearest of each row (ties: lower index)
            d2 = torch.where(mask, d2, torch.full_like(d2, float("inf")))
            order = torch.sort(d2, dim=1, stable=True).indices[:, :max_num_neighbors]
            keep = torch.zeros_like(mask)
            keep.scatter_(1, order, True)
            mask &= keep
        i, j = mask.nonzero(as_tuple=True)
        targets.append(rows[i])
        sources.append(cols[j])
        start = stop
    src, dst = torch.cat(sources), torch.cat(targets)
    if perm is not None:
        src, dst = perm[src], perm[dst]
    order = torch.argsort(dst * n + src)
    edge_index = torch.stack([src[order], dst[order]])
    return edge_index if edge_index.numel() else empty


def radius_graph(pos, r, batch=None, loop=False, max_num_neighbors=None):
    """Join the points of each graph that lie within distance ``r``.

    Parameters
    ----------
    pos : torch.Tensor of shape (n_points, n_dims)
        The points, of all graphs of the batch.
    r : float or None
        The radius; a pair at distance exactly ``r`` is joined. ``None``
        joins every pair of points of the same graph (fully connected).
    batch : torch.Tensor of shape (n_points,), default=None
        Graph index of every point (PyTorch Geometric's ``batch`` vector);
        need not be sorted. ``None`` means one graph.
    loop : bool, default=False
        Whether to join every point to itself.
    max_num_neighbors : int, default=None
        Keep only the ``max_num_neighbors`` *nearest* sources of each target
        (ties broken by the lower index). ``None`` keeps all of them. Unlike
        ``torch_cluster``, there is no silent default cap and the kept
        neighbours are not an arbitrary subset.

    Returns
    -------
    edge_index : torch.LongTensor of shape (2, n_edges)
        Row 0 holds the sources ``j``, row 1 the targets ``i``; sorted by
        target, then source. Without ``max_num_neighbors`` the graph is
        symmetric.

    See Also
    --------
    knn_graph : The k nearest neighbours of every point.
    geomlearn.geometry.radius_graph : The same for numpy arrays, as a sparse
        matrix, through a KD-tree.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.geometry.nn._graph import radius_graph
    >>> pos = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0], [0.0, 0.5]])
    >>> radius_graph(pos, r=1.2)
    tensor([[1, 3, 0, 3, 0, 1],
            [0, 0, 1, 1, 3, 3]])
    >>> radius_graph(pos, r=1.2, batch=torch.tensor([0, 0, 1, 1]))
    tensor([[1, 0],
            [0, 1]])
    """
    if r is not None and not float(r) >= 0:
        raise ValueError(f"r must be a non-negative number or None; got {r!r}")
    if max_num_neighbors is not None and int(max_num_neighbors) < 1:
        raise ValueError(
            f"max_num_neighbors must be a positive int or None; got {max_num_neighbors!r}"
        )
    return _neighbours(
        pos,
        r,
        batch,
        loop,
        None if max_num_neighbors is None else int(max_num_neighbors),
    )


def knn_graph(pos, k, batch=None, loop=False):
    """Join every point to its ``k`` nearest points of the same graph.

    Parameters
    ----------
    pos : torch.Tensor of shape (n_points, n_dims)
        The points, of all graphs of the batch.
    k : int
        Number of neighbours (sources) of every point (target). A point of a
        graph with ``k`` points or fewer gets all the others.
    batch : torch.Tensor of shape (n_points,), default=None
        Graph index of every point; need not be sorted. ``None`` means one
        graph.
    loop : bool, default=False
        Whether a point counts as its own neighbour (it is then always one of
        the ``k``, at distance 0).

    Returns
    -------
    edge_index : torch.LongTensor of shape (2, n_edges)
        Row 0 holds the sources ``j`` (the neighbours), row 1 the targets
        ``i``; sorted by target, then source. Ties in distance are broken
        by the lower index. The graph is directed (not symmetrised).

    See Also
    --------
    radius_graph : All points within a distance.
    geomlearn.geometry.knn_graph : The same for numpy arrays, as a sparse
        matrix, through a KD-tree.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.geometry.nn._graph import knn_graph
    >>> pos = torch.tensor([[0.0, 0.0], [1.0, 0.0], [5.0, 0.0], [0.0, 0.5]])
    >>> knn_graph(pos, k=1)
    tensor([[3, 0, 1, 0],
            [0, 1, 2, 3]])
    """
    if int(k) != k or int(k) < 1:
        raise ValueError(f"k must be a positive int; got {k!r}")
    return _neighbours(pos, None, batch, loop, int(k))

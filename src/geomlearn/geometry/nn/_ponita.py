# requires: torch
r"""PONITA and PNITA: equivariant message passing by weight sharing.

PONITA (Bekkers, Vadgama, Hesselink, van der Linden & Romero, ICLR 2024)
makes a convolution equivariant without any Clebsch--Gordan algebra: its
kernels are functions of *invariant attributes of point pairs* that identify
the pair up to a rigid motion, so that pairs related by a motion share the
same weights. Features live on a homogeneous space of :math:`SE(n)`:

- :math:`\mathbb{R}^n` (**PNITA**): the attribute of a pair is its distance
  :math:`\|x_j - x_i\|`. Cheap, exactly :math:`E(n)`-invariant, but blind to
  directions within a neighbourhood.
- :math:`\mathbb{R}^3 \times S^2` (**PONITA**): points carry a position and an
  orientation; the pair :math:`((x_i, o_i), (x_j, o_j))` is identified by
  :math:`r \cdot o_i`, :math:`\|r - (r\cdot o_i) o_i\|` and
  :math:`o_i \cdot o_j` with :math:`r = x_j - x_i`
  (:func:`invariants_r3s2`).
- :math:`\mathbb{R}^2 \times S^1`: :math:`r\cdot o_i`, :math:`r \cdot
  o_i^\perp` (signed) and the cosine and sine of the angle between
  :math:`o_i` and :math:`o_j` (:func:`invariants_r2s1`); :math:`SE(2)` only,
  since a reflection flips the signs.

Two ways of choosing the orientations (:class:`PONITA`):

*fibre-bundle mode* (``n_orientations=O``)
    Every node carries a signal on the same deterministic grid of ``O``
    orientations (:func:`orientation_grid`: a Fibonacci lattice on
    :math:`S^2`, equispaced angles on :math:`S^1`). Scalars are copied onto
    every orientation and a vector :math:`v` becomes :math:`f(o_k) = v\cdot
    o_k`. A layer is a *separable* convolution: a spatial step (messages
    from neighbour ``j`` to ``i`` at the same grid orientation ``o_k``, with
    the kernel a function of :math:`r\cdot o_k` and :math:`\|r-(r\cdot
    o_k)o_k\|`), then a spherical step within each node
    (:math:`x'(o_l) = \frac1O\sum_k K(o_k\cdot o_l)\, x(o_k)`). A rotation
    moves the grid off itself, so the model is equivariant only up to the
    discretisation of the sphere; the error falls as the grid is refined
    (measured in ``tests/geometry/test_ponita.py``).
*point-cloud mode* (``n_orientations=None``)
    The orientations are computed from the input, so they rotate with it and
    the model is **exactly** :math:`E(3)`-equivariant: with
    ``orientations="edges"`` a node carries one orientation per edge, the
    unit vector to that neighbour (PONITA's lifting of a graph to
    position-orientation space); with ``"vectors"`` one per input vector
    channel. A layer is a full (non-separable) convolution on the lifted
    points with the three attributes. Cost grows like the number of edges
    times the degree, so this mode suits small, densely connected systems.

Common to both: kernel values come from a *basis* shared by all layers,
computed once per forward pass: polynomial features of the attributes (all
products up to ``degree``), an MLP, and for spatial kernels a smooth
polynomial cutoff envelope (DimeNet's, ``p = 6``) that vanishes at
``radius``, so energies and forces are smooth as neighbours come and go.
Every layer then maps the basis linearly to depthwise (one per channel)
kernel values. Layers are ConvNeXt blocks (convolution, layer norm, MLP with
``widening``, optional layer scale, residual); a linear readout after every
block is averaged over the blocks. Scalar outputs are the mean over the
orientations of a node; vector outputs are
:math:`\frac{n}{|O_i|}\sum_{o\in O_i} f(o)\, o`.

Not done here: the reference implementation's one-off calibration of the
kernel scales on the first batch, and its optional non-separable
fibre-bundle convolution.

Aggregations are plain ``index_add`` scatters (what
``torch_geometric.utils.scatter`` does for sums), so this module needs torch
only; a PyTorch Geometric ``Data``/``Batch`` (or any object with the same
attributes) is the input container.
"""

import copy
import math

import torch
from torch import nn

from geomlearn.geometry.nn._graph import radius_graph

__all__ = [
    "PNITA",
    "PONITA",
    "energy_and_forces",
    "invariants_r2s1",
    "invariants_r3s2",
    "invariants_rn",
    "orientation_grid",
    "polynomial_envelope",
]

_EPS = 1e-12


def _safe_norm(v, keepdim=False):
    """Euclidean norm along the last axis, exact, with a zero gradient at 0."""
    sq = (v * v).sum(-1, keepdim=keepdim)
    positive = sq > 0
    return torch.where(positive, torch.sqrt(torch.where(positive, sq, 1.0)), 0.0)


# --------------------------------------------------------------------------- invariants
def invariants_rn(rel):
    r"""Invariant attribute of point pairs in :math:`\mathbb{R}^n`: the distance.

    Parameters
    ----------
    rel : torch.Tensor of shape (..., n)
        Relative positions :math:`x_j - x_i`.

    Returns
    -------
    attr : torch.Tensor of shape (..., 1)
        :math:`\|x_j - x_i\|`, invariant under :math:`E(n)`; its gradient
        is finite (zero) at coinciding points.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.geometry.nn._ponita import invariants_rn
    >>> invariants_rn(torch.tensor([[3.0, 4.0, 0.0]]))
    tensor([[5.]])
    """
    return _safe_norm(rel, keepdim=True)


def invariants_r3s2(rel, ori_i, ori_j=None):
    r"""Invariant attributes of pairs of points in :math:`\mathbb{R}^3 \times S^2`.

    For receiver :math:`(x_i, o_i)`, sender :math:`(x_j, o_j)` and
    :math:`r = x_j - x_i`: :math:`a_1 = r\cdot o_i` (displacement along the
    receiver's orientation), :math:`a_2 = \|r - a_1 o_i\|` (orthogonal
    displacement) and :math:`a_3 = o_i \cdot o_j`. Together they identify
    the pair up to a rotation and translation (and a reflection), so a kernel
    that depends on them only is :math:`E(3)`-invariant. All arguments
    broadcast against each other.

    Parameters
    ----------
    rel : torch.Tensor of shape (..., 3)
        Relative positions :math:`x_j - x_i`.
    ori_i : torch.Tensor of shape (..., 3)
        Unit orientations of the receivers.
    ori_j : torch.Tensor of shape (..., 3), default=None
        Unit orientations of the senders; ``None`` returns the two spatial
        attributes only (what the separable fibre-bundle convolution uses).

    Returns
    -------
    attr : torch.Tensor of shape (..., 3) or (..., 2)
        :math:`(a_1, a_2, a_3)`, or :math:`(a_1, a_2)`.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.geometry.nn._ponita import invariants_r3s2
    >>> rel = torch.tensor([1.0, 2.0, 0.0])
    >>> o_i, o_j = torch.tensor([1.0, 0.0, 0.0]), torch.tensor([0.0, 1.0, 0.0])
    >>> invariants_r3s2(rel, o_i, o_j)
    tensor([1., 2., 0.])
    """
    a1 = (rel * ori_i).sum(-1, keepdim=True)
    a2 = _safe_norm(rel - a1 * ori_i, keepdim=True)
    a1, a2 = torch.broadcast_tensors(a1, a2)
    if ori_j is None:
        return torch.cat([a1, a2], dim=-1)
    a3 = (ori_i * ori_j).sum(-1, keepdim=True)
    a1, a2, a3 = torch.broadcast_tensors(a1, a2, a3)
    return torch.cat([a1, a2, a3], dim=-1)


def _perp(v):
    return torch.stack([-v[..., 1], v[..., 0]], dim=-1)


def invariants_r2s1(rel, ori_i, ori_j=None):
    r"""Invariant attributes of pairs of points in :math:`\mathbb{R}^2 \times S^1`.

    :math:`a_1 = r\cdot o_i`, :math:`a_2 = r\cdot o_i^\perp` (signed, with
    :math:`o^\perp` the orientation turned by +90 degrees), and the cosine
    :math:`o_i\cdot o_j` and sine :math:`o_j\cdot o_i^\perp` of the angle
    from :math:`o_i` to :math:`o_j`. They identify the pair up to
    :math:`SE(2)`; a reflection changes the signs of :math:`a_2` and the
    sine, so kernels of these attributes are not reflection-invariant.

    Parameters
    ----------
    rel : torch.Tensor of shape (..., 2)
        Relative positions :math:`x_j - x_i`.
    ori_i : torch.Tensor of shape (..., 2)
        Unit orientations of the receivers.
    ori_j : torch.Tensor of shape (..., 2), default=None
        Unit orientations of the senders; ``None`` returns the two spatial
        attributes only.

    Returns
    -------
    attr : torch.Tensor of shape (..., 4) or (..., 2)
        :math:`(a_1, a_2, \cos, \sin)`, or :math:`(a_1, a_2)`.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.geometry.nn._ponita import invariants_r2s1
    >>> rel, o = torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0])
    >>> invariants_r2s1(rel, o, torch.tensor([0.0, 1.0]))
    tensor([0., 2., 0., 1.])
    """
    a1 = (rel * ori_i).sum(-1, keepdim=True)
    a2 = (rel * _perp(ori_i)).sum(-1, keepdim=True)
    a1, a2 = torch.broadcast_tensors(a1, a2)
    if ori_j is None:
        return torch.cat([a1, a2], dim=-1)
    cos = (ori_i * ori_j).sum(-1, keepdim=True)
    sin = (ori_j * _perp(ori_i)).sum(-1, keepdim=True)
    parts = torch.broadcast_tensors(a1, a2, cos, sin)
    return torch.cat(parts, dim=-1)


def _pair_invariants(dim, rel, ori_i, ori_j=None):
    if dim == 3:
        return invariants_r3s2(rel, ori_i, ori_j)
    return invariants_r2s1(rel, ori_i, ori_j)


def _fibre_invariants(dim, grid):
    """Attributes of pairs of grid orientations, shape (O, O, 1 or 2)."""
    o_k, o_l = grid[:, None, :], grid[None, :, :]
    cos = (o_k * o_l).sum(-1, keepdim=True)
    if dim == 3:
        return cos
    return torch.cat([cos, (o_l * _perp(o_k)).sum(-1, keepdim=True)], dim=-1)


# --------------------------------------------------------------------------- grid, envelope
def orientation_grid(n, dim=3, *, dtype=None, device=None):
    r"""Return a deterministic, near-uniform grid of unit orientations.

    On :math:`S^2` the Fibonacci lattice: point ``i`` has polar angle
    :math:`\arccos(1 - 2(i + 1/2)/n)` and azimuth :math:`\pi i (1+\sqrt5)`.
    On :math:`S^1` the angles :math:`2\pi k / n`. Unlike the reference
    implementation's repulsion-optimised grid, it needs no random start and
    no optimisation.

    Parameters
    ----------
    n : int
        Number of orientations, at least 1.
    dim : {3, 2}, default=3
        Ambient dimension: 3 for :math:`S^2`, 2 for :math:`S^1`.
    dtype : torch.dtype, default=None
        Floating dtype; ``None`` is torch's default.
    device : torch.device, default=None
        Device of the grid.

    Returns
    -------
    grid : torch.Tensor of shape (n, dim)
        Unit vectors.

    Examples
    --------
    >>> from geomlearn.geometry.nn._ponita import orientation_grid
    >>> orientation_grid(4, dim=2).round(decimals=6)
    tensor([[ 1.,  0.],
            [ 0.,  1.],
            [-1.,  0.],
            [-0., -1.]])
    >>> g = orientation_grid(20)
    >>> g.shape, bool(((g.norm(dim=1) - 1).abs() < 1e-6).all())
    (torch.Size([20, 3]), True)
    """
    if int(n) != n or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    if dim not in (2, 3):
        raise ValueError(f"dim must be 2 or 3; got {dim!r}")
    i = torch.arange(int(n), dtype=torch.float64)
    if dim == 2:
        angle = 2 * math.pi * i / n
        grid = torch.stack([torch.cos(angle), torch.sin(angle)], dim=-1)
    else:
        polar = torch.arccos(1 - 2 * (i + 0.5) / n)
        azimuth = torch.remainder(math.pi * i * (1 + math.sqrt(5)), 2 * math.pi)
        grid = torch.stack(
            [
                torch.sin(polar) * torch.cos(azimuth),
                torch.sin(polar) * torch.sin(azimuth),
                torch.cos(polar),
            ],
            dim=-1,
        )
    return grid.to(dtype=dtype or torch.get_default_dtype(), device=device)


def polynomial_envelope(d, p=6):
    r"""Smooth cutoff: DimeNet's polynomial envelope of a scaled distance.

    :math:`u(d) = 1 - \frac{(p+1)(p+2)}{2} d^p + p(p+2) d^{p+1}
    - \frac{p(p+1)}{2} d^{p+2}` for :math:`d < 1` and 0 beyond; ``u(0) = 1``
    and ``u`` and its first two derivatives vanish at ``d = 1``.

    Parameters
    ----------
    d : torch.Tensor
        Distances divided by the cutoff radius.
    p : int, default=6
        Exponent; larger is flatter near 0 and steeper near 1.

    Returns
    -------
    u : torch.Tensor
        The envelope, same shape as ``d``.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.geometry.nn._ponita import polynomial_envelope
    >>> polynomial_envelope(torch.tensor([0.0, 0.5, 1.0, 2.0]))
    tensor([1.0000, 0.8555, 0.0000, 0.0000])
    """
    u = (
        1
        - (p + 1) * (p + 2) / 2 * d**p
        + p * (p + 2) * d ** (p + 1)
        - p * (p + 1) / 2 * d ** (p + 2)
    )
    return torch.where(d < 1, u, torch.zeros_like(u))


# --------------------------------------------------------------------------- building blocks
def _scatter_sum(src, index, n):
    out = src.new_zeros((n, *src.shape[1:]))
    return out.index_add_(0, index, src)


def _scatter_mean(src, index, n):
    total = _scatter_sum(src, index, n)
    count = torch.bincount(index, minlength=n).clamp(min=1).to(src.dtype)
    return total / count.view(-1, *([1] * (src.ndim - 1)))


def _polynomial_features(a, degree):
    """All products of the attributes up to ``degree`` (a, a x a, ...)."""
    feats, term = [a], a
    for _ in range(degree - 1):
        term = (term[..., :, None] * a[..., None, :]).flatten(-2)
        feats.append(term)
    return torch.cat(feats, dim=-1)


class _KernelBasis(nn.Module):
    """Polynomial features of invariants -> Linear -> GELU -> Linear -> GELU."""

    def __init__(self, n_attr, hidden, basis_dim, degree):
        super().__init__()
        self.degree = degree
        n_feat = sum(n_attr**k for k in range(1, degree + 1))
        self.mlp = nn.Sequential(
            nn.Linear(n_feat, hidden),
            nn.GELU(),
            nn.Linear(hidden, basis_dim),
            nn.GELU(),
        )

    def forward(self, attr):
        return self.mlp(_polynomial_features(attr, self.degree))


class _ConvNeXtBlock(nn.Module):
    """conv -> LayerNorm -> Linear(C, wC) -> GELU -> Linear(wC, C) -> scale -> +x."""

    def __init__(self, conv, channels, widening, layer_scale):
        super().__init__()
        self.conv = conv
        self.norm = nn.LayerNorm(channels)
        self.mlp = nn.Sequential(
            nn.Linear(channels, widening * channels),
            nn.GELU(),
            nn.Linear(widening * channels, channels),
        )
        if layer_scale is None:
            self.gamma = None
        else:
            self.gamma = nn.Parameter(torch.full((channels,), float(layer_scale)))

    def forward(self, x, *args):
        y = self.mlp(self.norm(self.conv(x, *args)))
        if self.gamma is not None:
            y = self.gamma * y
        return x + y


class _DepthwiseConv(nn.Module):
    """Message k[e, ..., c] * x[src, ..., c], summed at the receivers."""

    def __init__(self, basis_dim, channels):
        super().__init__()
        self.kernel = nn.Linear(basis_dim, channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x, edge_index, basis):
        src, dst = edge_index
        msg = self.kernel(basis) * x[src]
        return _scatter_sum(msg, dst, x.shape[0]) + self.bias


class _SeparableFibreConv(nn.Module):
    """Spatial depthwise conv per grid orientation, then spherical conv per node."""

    def __init__(self, basis_dim, channels):
        super().__init__()
        self.spatial = nn.Linear(basis_dim, channels, bias=False)
        self.fibre = nn.Linear(basis_dim, channels, bias=False)
        self.bias = nn.Parameter(torch.zeros(channels))

    def forward(self, x, edge_index, spatial_basis, fibre_basis):
        src, dst = edge_index
        msg = self.spatial(spatial_basis) * x[src]  # (E, O, C)
        x = _scatter_sum(msg, dst, x.shape[0])  # (N, O, C)
        kernel = self.fibre(fibre_basis)  # (O, O, C)
        return torch.einsum("noc,opc->npc", x, kernel) / kernel.shape[0] + self.bias


# --------------------------------------------------------------------------- input handling
def _unpack(data, dim, in_channels, in_vectors):
    pos = data.pos
    if not isinstance(pos, torch.Tensor) or pos.ndim != 2 or pos.shape[1] != dim:
        raise ValueError(
            f"data.pos must be a tensor of shape (n_nodes, {dim}); got "
            f"{tuple(getattr(pos, 'shape', ()))}"
        )
    n = pos.shape[0]
    x = getattr(data, "x", None)
    vec = getattr(data, "vec", None)
    if in_channels:
        if x is None or x.ndim != 2 or x.shape != (n, in_channels):
            raise ValueError(
                f"data.x must have shape ({n}, {in_channels}); got "
                f"{None if x is None else tuple(x.shape)}"
            )
        x = x.to(pos.dtype)
    else:
        x = None
    if in_vectors:
        if vec is None or vec.shape != (n, in_vectors, dim):
            raise ValueError(
                f"data.vec must have shape ({n}, {in_vectors}, {dim}); got "
                f"{None if vec is None else tuple(vec.shape)}"
            )
        vec = vec.to(pos.dtype)
    else:
        vec = None
    batch = getattr(data, "batch", None)
    if batch is None:
        batch = torch.zeros(n, dtype=torch.long, device=pos.device)
        n_graphs = 1
    else:
        n_graphs = getattr(data, "num_graphs", None)
        if not isinstance(n_graphs, int):
            n_graphs = int(batch.max()) + 1 if n else 0
    return pos, x, vec, batch, n_graphs


def _edges(data, pos, batch, radius):
    edge_index = getattr(data, "edge_index", None)
    if edge_index is None:
        edge_index = radius_graph(pos, radius, batch)
    return edge_index


def _pool(values, batch, n_graphs, how):
    if how is None:
        return values
    if how == "sum":
        return _scatter_sum(values, batch, n_graphs)
    return _scatter_mean(values, batch, n_graphs)


def _check_common(dim, pool_s, pool_v):
    if dim not in (2, 3):
        raise ValueError(f"dim must be 2 or 3; got {dim!r}")
    for name, how in (("scalar_pool", pool_s), ("vector_pool", pool_v)):
        if how not in (None, "sum", "mean"):
            raise ValueError(f"{name} must be 'sum', 'mean' or None; got {how!r}")


# --------------------------------------------------------------------------- PONITA
class PONITA(nn.Module):
    r"""PONITA: SE(n)-equivariant message passing in position-orientation space.

    See the module documentation (:mod:`geomlearn.geometry.nn._ponita`) for
    the method. In fibre-bundle mode (``n_orientations`` an int) the model is
    equivariant up to the orientation grid's resolution; in point-cloud mode
    (``n_orientations=None``) it is exactly :math:`E(3)`-equivariant
    (``dim=3``) or :math:`SE(2)`-equivariant (``dim=2``).

    Parameters
    ----------
    in_channels : int, default=0
        Number of scalar input features (``data.x`` of shape
        ``(n_nodes, in_channels)``); 0 ignores ``data.x``. With no scalar
        and no vector input a constant feature 1 is used.
    hidden : int, default=64
        Channels of the hidden features.
    out_scalars : int, default=1
        Number of invariant scalar outputs.
    out_vectors : int, default=0
        Number of equivariant vector outputs.
    n_layers : int, default=3
        Number of ConvNeXt blocks.
    radius : float, default=None
        Cutoff of the radius graph built when ``data`` has no
        ``edge_index``, and of the smooth envelope of the spatial kernels.
        ``None``: fully connected graphs and no envelope.
    n_orientations : int or None, default=16
        Size of the orientation grid (fibre-bundle mode), or ``None`` for
        the exact point-cloud mode.
    dim : {3, 2}, default=3
        Space dimension: :math:`\mathbb{R}^3\times S^2` or
        :math:`\mathbb{R}^2\times S^1`.
    in_vectors : int, default=0
        Number of vector input channels (``data.vec`` of shape
        ``(n_nodes, in_vectors, dim)``), lifted to :math:`v\cdot o`.
    basis_dim : int, default=None
        Size of the shared kernel basis; ``None`` is ``hidden``.
    degree : int, default=3
        Degree of the polynomial features of the attributes.
    widening : int, default=4
        Width factor of the MLP inside each ConvNeXt block.
    layer_scale : float, default=None
        Initial layer-scale factor of the blocks (the reference uses 1e-6
        for N-body); ``None`` disables layer scale.
    scalar_pool : {"sum", "mean"} or None, default="sum"
        Pooling of the scalar outputs over the nodes of each graph; ``None``
        returns one row per node.
    vector_pool : {"sum", "mean"} or None, default=None
        Pooling of the vector outputs; ``None`` (per node) is what forces or
        velocities need.
    orientations : {"edges", "vectors"}, default="edges"
        Point-cloud mode only: a node's orientations are the unit vectors
        to its neighbours (``"edges"``) or its normalised input vectors
        (``"vectors"``, needs ``in_vectors >= 1``).

    Attributes
    ----------
    grid : torch.Tensor of shape (n_orientations, dim)
        The orientation grid in float64 (fibre-bundle mode; empty otherwise).
        It is not a parameter or buffer: the forward pass builds it in the
        dtype of the positions, so a float64 model gets a float64-accurate
        grid.

    See Also
    --------
    PNITA : The positions-only variant, exactly invariant and cheaper.
    energy_and_forces : Energy and forces (negative gradient) in one call.

    Notes
    -----
    ``forward(data)`` takes a PyTorch Geometric ``Data`` or ``Batch`` (any
    object with the attributes works) with ``pos`` ``(n_nodes, dim)``,
    optional ``x``, ``vec``, ``batch`` and ``edge_index`` (built with
    :func:`~geomlearn.geometry.nn._graph.radius_graph` when missing), and
    returns ``(scalars, vectors)``: ``scalars`` of shape ``(n_graphs,
    out_scalars)`` (or ``(n_nodes, out_scalars)`` without pooling) and
    ``vectors`` of shape ``(n_nodes, out_vectors, dim)`` (or per graph), or
    ``None`` when ``out_vectors=0``.

    In point-cloud mode a node with no neighbour has no orientation and its
    outputs are 0 (with ``orientations="edges"``); its vector readout is
    :math:`\frac{n}{|O_i|}\sum_{o} f(o)\,o` over its own orientations.

    Examples
    --------
    >>> import torch
    >>> from torch_geometric.data import Data
    >>> from geomlearn.geometry.nn._ponita import PONITA
    >>> _ = torch.manual_seed(0)
    >>> data = Data(pos=torch.randn(5, 3), vec=torch.randn(5, 1, 3))
    >>> model = PONITA(hidden=8, out_vectors=1, n_layers=2, n_orientations=12,
    ...                in_vectors=1)
    >>> scalars, vectors = model(data)
    >>> scalars.shape, vectors.shape
    (torch.Size([1, 1]), torch.Size([5, 1, 3]))

    The exact point-cloud mode:

    >>> model = PONITA(hidden=8, n_layers=2, n_orientations=None)
    >>> model(data)[0].shape
    torch.Size([1, 1])
    """

    def __init__(
        self,
        in_channels=0,
        hidden=64,
        out_scalars=1,
        out_vectors=0,
        n_layers=3,
        radius=None,
        n_orientations=16,
        dim=3,
        *,
        in_vectors=0,
        basis_dim=None,
        degree=3,
        widening=4,
        layer_scale=None,
        scalar_pool="sum",
        vector_pool=None,
        orientations="edges",
    ):
        super().__init__()
        _check_common(dim, scalar_pool, vector_pool)
        if n_orientations is not None and (
            int(n_orientations) != n_orientations or n_orientations < 1
        ):
            raise ValueError(
                f"n_orientations must be a positive int or None; got {n_orientations!r}"
            )
        if orientations not in ("edges", "vectors"):
            raise ValueError(
                f"orientations must be 'edges' or 'vectors'; got {orientations!r}"
            )
        if n_orientations is None and orientations == "vectors" and in_vectors < 1:
            raise ValueError("orientations='vectors' needs in_vectors >= 1")
        if out_scalars + out_vectors < 1:
            raise ValueError("the model needs at least one scalar or vector output")
        self.in_channels, self.in_vectors = int(in_channels), int(in_vectors)
        self.hidden, self.out_scalars, self.out_vectors = (
            hidden,
            out_scalars,
            out_vectors,
        )
        self.radius, self.dim = radius, dim
        self.n_orientations = None if n_orientations is None else int(n_orientations)
        self.scalar_pool, self.vector_pool = scalar_pool, vector_pool
        self.orientations = orientations
        basis_dim = basis_dim or hidden
        n_in = max(1, self.in_channels + self.in_vectors)
        self.embed = nn.Linear(n_in, hidden, bias=False)
        n_fibre = 1 if dim == 3 else 2
        if self.n_orientations is None:
            self.spatial_basis = _KernelBasis(2 + n_fibre, hidden, basis_dim, degree)
            self.fibre_basis = None
            convs = [_DepthwiseConv(basis_dim, hidden) for _ in range(n_layers)]
        else:
            self.spatial_basis = _KernelBasis(2, hidden, basis_dim, degree)
            self.fibre_basis = _KernelBasis(n_fibre, hidden, basis_dim, degree)
            convs = [_SeparableFibreConv(basis_dim, hidden) for _ in range(n_layers)]
        self.blocks = nn.ModuleList(
            _ConvNeXtBlock(conv, hidden, widening, layer_scale) for conv in convs
        )
        self.readouts = nn.ModuleList(
            nn.Linear(hidden, out_scalars + out_vectors) for _ in range(n_layers)
        )

    @property
    def grid(self):
        """The orientation grid, float64 (empty in point-cloud mode)."""
        if self.n_orientations is None:
            return torch.empty(0, self.dim, dtype=torch.float64)
        return orientation_grid(self.n_orientations, self.dim, dtype=torch.float64)

    def _envelope(self, dist):
        if self.radius is None:
            return torch.ones_like(dist)
        return polynomial_envelope(dist / self.radius)

    def _lift_inputs(self, x, vec, ori, node):
        """Features of lifted points (node[p], ori[p]) -> (..., n_in)."""
        parts = []
        if x is not None:
            parts.append(x[node])
        if vec is not None:
            parts.append((vec[node] * ori.unsqueeze(-2)).sum(-1))
        if not parts:
            shape = ori.shape[:-1]
            return ori.new_ones((*shape, 1))
        return torch.cat(parts, dim=-1)

    def forward(self, data):
        """Scalar and vector outputs of a graph or a batch of graphs.

        Parameters
        ----------
        data : torch_geometric.data.Data or Batch
            With ``pos`` and, as configured, ``x``, ``vec``, ``batch``,
            ``edge_index``.

        Returns
        -------
        scalars : torch.Tensor or None
            Invariant outputs, per graph or per node.
        vectors : torch.Tensor or None
            Equivariant outputs of shape (..., out_vectors, dim).
        """
        pos, x, vec, batch, n_graphs = _unpack(
            data, self.dim, self.in_channels, self.in_vectors
        )
        edge_index = _edges(data, pos, batch, self.radius)
        if self.n_orientations is None:
            point_out, ori, node = self._point_cloud(pos, x, vec, edge_index)
            n = pos.shape[0]
            scalars = _scatter_mean(point_out[:, : self.out_scalars], node, n)
            f = point_out[:, self.out_scalars :]
            vectors = self.dim * _scatter_mean(f[..., None] * ori[:, None, :], node, n)
        else:
            out = self._fibre_bundle(pos, x, vec, edge_index)  # (N, O, S + V)
            scalars = out[..., : self.out_scalars].mean(1)
            f = out[..., self.out_scalars :]
            grid = orientation_grid(self.n_orientations, self.dim, dtype=pos.dtype)
            vectors = torch.einsum("nov,od->nvd", f, grid.to(pos.device))
            vectors = vectors * (self.dim / self.n_orientations)
        scalars = _pool(scalars, batch, n_graphs, self.scalar_pool)
        vectors = _pool(vectors, batch, n_graphs, self.vector_pool)
        return (
            scalars if self.out_scalars else None,
            vectors if self.out_vectors else None,
        )

    def _run_blocks(self, h, *conv_args):
        out = 0
        for block, readout in zip(self.blocks, self.readouts, strict=True):
            h = block(h, *conv_args)
            out = out + readout(h)
        return out / len(self.blocks)

    def _fibre_bundle(self, pos, x, vec, edge_index):
        grid = orientation_grid(
            self.n_orientations, self.dim, dtype=pos.dtype, device=pos.device
        )
        n, n_ori = pos.shape[0], grid.shape[0]
        node = torch.arange(n, device=pos.device)[:, None].expand(n, n_ori)
        h = self.embed(self._lift_inputs(x, vec, grid.expand(n, n_ori, self.dim), node))
        src, dst = edge_index
        rel = pos[src] - pos[dst]  # x_j - x_i
        spatial = _pair_invariants(self.dim, rel[:, None, :], grid[None, :, :])
        env = self._envelope(_safe_norm(rel))[:, None, None]
        spatial_basis = self.spatial_basis(spatial) * env  # (E, O, B)
        fibre_basis = self.fibre_basis(_fibre_invariants(self.dim, grid))  # (O, O, B)
        return self._run_blocks(h, edge_index, spatial_basis, fibre_basis)

    def _point_orientations(self, pos, vec, edge_index):
        """Lifted points: (orientation, node) sorted by node."""
        if self.orientations == "vectors":
            n, c = vec.shape[:2]
            ori = vec / (_safe_norm(vec, keepdim=True) + _EPS)
            node = torch.arange(n, device=pos.device).repeat_interleave(c)
            return ori.reshape(n * c, self.dim), node
        src, dst = edge_index
        order = torch.argsort(dst, stable=True)
        src, dst = src[order], dst[order]
        rel = pos[src] - pos[dst]
        ori = rel / (_safe_norm(rel, keepdim=True) + _EPS)
        return ori, dst

    def _point_cloud(self, pos, x, vec, edge_index):
        n = pos.shape[0]
        ori, node = self._point_orientations(pos, vec, edge_index)
        h = self.embed(self._lift_inputs(x, vec, ori, node))
        # lifted edges: all pairs of points of (j -> i) for every base edge and i -> i
        loops = torch.arange(n, device=pos.device)
        base_src = torch.cat([edge_index[0], loops])
        base_dst = torch.cat([edge_index[1], loops])
        count = torch.bincount(node, minlength=n)
        start = count.cumsum(0) - count
        n_a, n_b = count[base_dst], count[base_src]
        n_pairs = n_a * n_b
        edge_of_pair = torch.repeat_interleave(
            torch.arange(len(n_pairs), device=pos.device), n_pairs
        )
        offset = torch.arange(int(n_pairs.sum()), device=pos.device)
        offset = offset - torch.repeat_interleave(n_pairs.cumsum(0) - n_pairs, n_pairs)
        nb = n_b[edge_of_pair]
        a = start[base_dst][edge_of_pair] + torch.div(offset, nb, rounding_mode="floor")
        b = start[base_src][edge_of_pair] + offset % nb
        rel = pos[node[b]] - pos[node[a]]
        attr = _pair_invariants(self.dim, rel, ori[a], ori[b])
        env = self._envelope(_safe_norm(rel))[:, None]
        basis = self.spatial_basis(attr) * env
        out = self._run_blocks(h, torch.stack([b, a]), basis)
        return out, ori, node


# --------------------------------------------------------------------------- PNITA
class PNITA(nn.Module):
    r"""PNITA: message passing on positions only, exactly E(n)-equivariant.

    Kernels are functions of the distance :math:`\|x_j - x_i\|` (and, when
    vector inputs are given, of the invariants :math:`r\cdot v_i`,
    :math:`r\cdot v_j`, :math:`v_i \cdot v_j` of every vector channel),
    through the same shared basis, smooth cutoff and ConvNeXt blocks as
    :class:`PONITA`, without an orientation axis. Scalar outputs are exactly
    :math:`E(n)`-invariant. Vector outputs are EGNN-style,
    :math:`v_i = \sum_j \phi(h_i, h_j, a_{ij})\,(x_i - x_j) + \sum_c
    \psi_c(h_i)\, v_i^c`, with :math:`\phi, \psi` invariant, hence exactly
    equivariant (translations, rotations and reflections).

    Parameters
    ----------
    in_channels : int, default=0
        Number of scalar input features (``data.x``).
    hidden : int, default=64
        Channels of the hidden features.
    out_scalars : int, default=1
        Number of invariant scalar outputs.
    out_vectors : int, default=0
        Number of equivariant vector outputs.
    n_layers : int, default=3
        Number of ConvNeXt blocks.
    radius : float, default=None
        Cutoff of the radius graph (when ``data`` has no ``edge_index``) and
        of the envelope; ``None``: fully connected, no envelope.
    dim : int, default=3
        Space dimension (any ``n >= 1``).
    in_vectors : int, default=0
        Number of vector input channels (``data.vec``); their norms are node
        features and their pair invariants edge attributes.
    basis_dim : int, default=None
        Size of the shared kernel basis; ``None`` is ``hidden``.
    degree : int, default=3
        Degree of the polynomial features of the attributes.
    widening : int, default=4
        Width factor of the MLP inside each ConvNeXt block.
    layer_scale : float, default=None
        Initial layer-scale factor; ``None`` disables it.
    scalar_pool : {"sum", "mean"} or None, default="sum"
        Pooling of the scalar outputs over the nodes of each graph.
    vector_pool : {"sum", "mean"} or None, default=None
        Pooling of the vector outputs.

    See Also
    --------
    PONITA : Position-orientation message passing, more expressive.

    Notes
    -----
    ``forward(data)`` has the inputs and outputs of :class:`PONITA`.

    Examples
    --------
    >>> import torch
    >>> from torch_geometric.data import Data
    >>> from geomlearn.geometry.nn._ponita import PNITA
    >>> _ = torch.manual_seed(0)
    >>> data = Data(pos=torch.randn(5, 3), vec=torch.randn(5, 1, 3))
    >>> model = PNITA(hidden=8, out_vectors=1, n_layers=2, in_vectors=1)
    >>> scalars, vectors = model(data)
    >>> scalars.shape, vectors.shape
    (torch.Size([1, 1]), torch.Size([5, 1, 3]))
    """

    def __init__(
        self,
        in_channels=0,
        hidden=64,
        out_scalars=1,
        out_vectors=0,
        n_layers=3,
        radius=None,
        dim=3,
        *,
        in_vectors=0,
        basis_dim=None,
        degree=3,
        widening=4,
        layer_scale=None,
        scalar_pool="sum",
        vector_pool=None,
    ):
        super().__init__()
        for name, how in (("scalar_pool", scalar_pool), ("vector_pool", vector_pool)):
            if how not in (None, "sum", "mean"):
                raise ValueError(f"{name} must be 'sum', 'mean' or None; got {how!r}")
        if int(dim) != dim or dim < 1:
            raise ValueError(f"dim must be a positive int; got {dim!r}")
        if out_scalars + out_vectors < 1:
            raise ValueError("the model needs at least one scalar or vector output")
        self.in_channels, self.in_vectors = int(in_channels), int(in_vectors)
        self.hidden, self.out_scalars, self.out_vectors = (
            hidden,
            out_scalars,
            out_vectors,
        )
        self.radius, self.dim = radius, int(dim)
        self.scalar_pool, self.vector_pool = scalar_pool, vector_pool
        basis_dim = basis_dim or hidden
        n_in = max(1, self.in_channels + self.in_vectors)
        self.embed = nn.Linear(n_in, hidden, bias=False)
        self.basis = _KernelBasis(1 + 3 * self.in_vectors, hidden, basis_dim, degree)
        self.blocks = nn.ModuleList(
            _ConvNeXtBlock(
                _DepthwiseConv(basis_dim, hidden), hidden, widening, layer_scale
            )
            for _ in range(n_layers)
        )
        self.readouts = nn.ModuleList(
            nn.Linear(hidden, max(1, out_scalars)) for _ in range(n_layers)
        )
        if out_vectors:
            self.edge_vector = nn.Sequential(
                nn.Linear(2 * hidden + basis_dim, hidden),
                nn.GELU(),
                nn.Linear(hidden, out_vectors),
            )
            self.node_vector = (
                nn.Linear(hidden, out_vectors * self.in_vectors)
                if self.in_vectors
                else None
            )

    def forward(self, data):
        """Scalar and vector outputs of a graph or a batch of graphs.

        Parameters
        ----------
        data : torch_geometric.data.Data or Batch
            With ``pos`` and, as configured, ``x``, ``vec``, ``batch``,
            ``edge_index``.

        Returns
        -------
        scalars : torch.Tensor or None
            Invariant outputs, per graph or per node.
        vectors : torch.Tensor or None
            Equivariant outputs of shape (..., out_vectors, dim).
        """
        pos, x, vec, batch, n_graphs = _unpack(
            data, self.dim, self.in_channels, self.in_vectors
        )
        n = pos.shape[0]
        edge_index = _edges(data, pos, batch, self.radius)
        src, dst = edge_index
        rel = pos[src] - pos[dst]
        dist = invariants_rn(rel)
        attr = [dist]
        feats = [] if x is None else [x]
        if vec is not None:
            attr += [
                (rel[:, None, :] * vec[dst]).sum(-1),
                (rel[:, None, :] * vec[src]).sum(-1),
                (vec[src] * vec[dst]).sum(-1),
            ]
            feats.append(_safe_norm(vec))
        attr = torch.cat(attr, dim=-1)
        h = self.embed(torch.cat(feats, dim=-1) if feats else pos.new_ones(n, 1))
        env = 1.0 if self.radius is None else polynomial_envelope(dist / self.radius)
        basis = self.basis(attr) * env
        out = 0
        for block, readout in zip(self.blocks, self.readouts, strict=True):
            h = block(h, edge_index, basis)
            out = out + readout(h)
        scalars = _pool(out / len(self.blocks), batch, n_graphs, self.scalar_pool)
        vectors = None
        if self.out_vectors:
            phi = self.edge_vector(torch.cat([h[dst], h[src], basis], dim=-1)) * env
            vectors = _scatter_sum(phi[:, :, None] * (-rel)[:, None, :], dst, n)
            if self.node_vector is not None:
                psi = self.node_vector(h).view(n, self.out_vectors, self.in_vectors)
                vectors = vectors + torch.einsum("nvc,ncd->nvd", psi, vec)
            vectors = _pool(vectors, batch, n_graphs, self.vector_pool)
        return (scalars if self.out_scalars else None), vectors


# --------------------------------------------------------------------------- forces
def energy_and_forces(model, data, *, create_graph=None):
    r"""Compute energy and forces, the negative gradient of the energy in the positions.

    Parameters
    ----------
    model : PONITA or PNITA
        A model whose first scalar output is the energy (per graph with
        ``scalar_pool="sum"``, or per node, then summed per graph by the
        gradient).
    data : torch_geometric.data.Data or Batch
        The input; it is not modified (a shallow copy gets positions that
        require gradients).
    create_graph : bool, default=None
        Keep the graph of the gradient, so that a loss on the forces can be
        back-propagated; ``None`` means ``model.training``.

    Returns
    -------
    energy : torch.Tensor of shape (n_graphs,) or (n_nodes,)
        The first scalar output, still attached to the autograd graph (so that
        an energy loss can be back-propagated).
    forces : torch.Tensor of shape (n_nodes, dim)
        :math:`-\partial E / \partial x`, with :math:`E` the sum of all
        energies; equivariant when the energy is invariant.

    Examples
    --------
    >>> import torch
    >>> from torch_geometric.data import Data
    >>> from geomlearn.geometry.nn._ponita import PNITA, energy_and_forces
    >>> _ = torch.manual_seed(0)
    >>> model = PNITA(hidden=8, n_layers=1).eval()
    >>> energy, forces = energy_and_forces(model, Data(pos=torch.randn(4, 3)))
    >>> energy.shape, forces.shape, forces.requires_grad
    (torch.Size([1]), torch.Size([4, 3]), False)
    >>> abs(float(forces.sum())) < 1e-5  # translation invariance: no net force
    True
    """
    if create_graph is None:
        create_graph = model.training
    data = copy.copy(data)
    pos = data.pos.detach().clone().requires_grad_(True)
    data.pos = pos
    with torch.enable_grad():
        scalars, _ = model(data)
        if scalars is None:
            raise ValueError("the model has no scalar output to use as the energy")
        energy = scalars[:, 0]
        (grad,) = torch.autograd.grad(energy.sum(), pos, create_graph=create_graph)
    return energy, -grad

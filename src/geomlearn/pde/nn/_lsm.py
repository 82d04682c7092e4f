# requires: torch
"""Latent Spectral Models (Wu et al., ICML 2023) as torch modules, 1-D and 2-D."""

import math

from geomlearn.utils._optional import import_optional

torch = import_optional("torch", extra="torch", caller="LatentSpectralModel")
nn = torch.nn
F = torch.nn.functional

__all__ = ["LatentSpectralModel", "NeuralSpectralBlock"]


def _as_tuple(value, n_dims):
    if isinstance(value, int):
        return (value,) * n_dims
    value = tuple(int(v) for v in value)
    if len(value) != n_dims:
        raise ValueError(f"expected {n_dims} patch sizes, got {len(value)}.")
    return value


def _patchify(x, patch_size):
    """(B, C, *S) -> (B * n_patches, C, prod(patch_size)), patches in the batch."""
    batch, channels, *sizes = x.shape
    n_dims = len(sizes)
    counts = [s // p for s, p in zip(sizes, patch_size, strict=True)]
    shape = [batch, channels]
    for n, p in zip(counts, patch_size, strict=True):
        shape += [n, p]
    order = [
        0,
        *(2 + 2 * i for i in range(n_dims)),
        1,
        *(3 + 2 * i for i in range(n_dims)),
    ]
    x = x.reshape(shape).permute(order)
    return x.reshape(batch * math.prod(counts), channels, math.prod(patch_size)), counts


def _unpatchify(x, batch, counts, patch_size):
    """Inverse of :func:`_patchify`."""
    channels = x.shape[1]
    n_dims = len(counts)
    x = x.reshape(batch, *counts, channels, *patch_size)
    # now (B, n_1, ..., n_d, C, p_1, ..., p_d) -> (B, C, n_1, p_1, ..., n_d, p_d)
    order = [0, n_dims + 1]
    for i in range(n_dims):
        order += [1 + i, n_dims + 2 + i]
    x = x.permute(order)
    sizes = [n * p for n, p in zip(counts, patch_size, strict=True)]
    return x.reshape(batch, channels, *sizes)


class NeuralSpectralBlock(nn.Module):
    r"""Neural Spectral Block: attention to latent tokens and a spectral transition.

    The map is split into non-overlapping patches, each an independent
    sequence. In each patch (Wu et al. 2023, Sec. 3.2):

    1. *encoder attention*: ``n_tokens`` learned latent tokens per head (shared
       by all patches and samples) are the queries; keys and values are a
       linear map ``C -> 2C`` of the point features; ``z = softmax(t K^T) V + t``
       (no ``1 / sqrt(d)`` scaling, as in the paper's code);
    2. *transition*: every token entry ``z`` (per channel) becomes
       ``z + sum_k a_ck sin(pi k z / K) + b_ck cos(pi k z / K)``,
       ``k = 0..K-1`` with ``K = n_basis``: a learned per-channel function in a
       truncated trigonometric basis, the "multiple basis operators";
    3. *decoder attention*: queries are a linear map ``C -> C`` of the point
       features, keys and values the transformed tokens, with a residual
       connection to the input.

    Every point attends to ``n_tokens`` tokens only, so the cost is linear in
    the number of points. The block works on maps of any number of spatial
    dimensions.

    Parameters
    ----------
    channels : int
        Channels ``C`` of the map; divisible by ``n_heads``.
    n_heads : int, default=8
        Attention heads; each handles ``C / n_heads`` channels.
    n_tokens : int, default=4
        Latent tokens per head.
    n_basis : int, default=12
        Trigonometric frequencies ``K`` of the transition.

    Attributes
    ----------
    tokens : torch.nn.Parameter of shape (n_heads, n_tokens, channels // n_heads)
        The latent tokens, initialised uniformly in ``[0, 1 / C)``.
    basis_weights : torch.nn.Parameter of shape (channels, 2 * n_basis)
        Coefficients of the sines then the cosines, initialised uniformly in
        ``[0, 1 / C)``.

    See Also
    --------
    LatentSpectralModel : The U-Net with one block on every scale.

    Notes
    -----
    .. rubric:: Shapes

    - input: ``(batch, channels, *spatial)``;
    - output: same shape.

    ``forward(x, patch_size=None)``: ``patch_size`` (int or one int per
    spatial axis) must divide the spatial sizes; ``None`` makes the whole
    map one patch.

    References
    ----------
    .. [1] H. Wu, T. Hu, H. Luo, J. Wang and M. Long, "Solving high-dimensional
       PDEs with latent spectral models", Proceedings of the 40th
       International Conference on Machine Learning (ICML), PMLR 202, 2023.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.pde.nn import NeuralSpectralBlock
    >>> block = NeuralSpectralBlock(16, n_heads=4)
    >>> block(torch.randn(2, 16, 12, 8), patch_size=(3, 4)).shape
    torch.Size([2, 16, 12, 8])
    """

    def __init__(self, channels, n_heads=8, n_tokens=4, n_basis=12):
        super().__init__()
        if channels % n_heads:
            raise ValueError(
                f"channels ({channels}) must be divisible by n_heads ({n_heads})."
            )
        self.channels = channels
        self.n_heads = n_heads
        self.n_tokens = n_tokens
        self.n_basis = n_basis
        head_dim = channels // n_heads
        self.tokens = nn.Parameter(
            torch.empty(n_heads, n_tokens, head_dim).uniform_(0, 1 / channels)
        )
        self.basis_weights = nn.Parameter(
            torch.empty(channels, 2 * n_basis).uniform_(0, 1 / channels)
        )
        self.to_key_value = nn.Linear(channels, 2 * channels)
        self.to_query = nn.Linear(channels, channels)
        self.register_buffer(
            "frequencies",
            math.pi * torch.arange(n_basis, dtype=torch.float32) / n_basis,
            persistent=False,
        )

    def extra_repr(self):
        return (
            f"channels={self.channels}, n_heads={self.n_heads}, "
            f"n_tokens={self.n_tokens}, n_basis={self.n_basis}"
        )

    def _heads(self, x):
        """(P, L, C) -> (P, heads, L, C / heads)."""
        n, length, _ = x.shape
        return x.reshape(n, length, self.n_heads, -1).transpose(1, 2)

    def _transition(self, z):
        """Apply the per-channel trigonometric map to tokens z of shape (P, h, T, d)."""
        angles = z.unsqueeze(-1) * self.frequencies  # (P, h, T, d, K)
        weights = self.basis_weights.reshape(self.n_heads, -1, 2 * self.n_basis)
        sin_w, cos_w = weights[..., : self.n_basis], weights[..., self.n_basis :]
        return (
            torch.einsum("phtdk,hdk->phtd", torch.sin(angles), sin_w)
            + torch.einsum("phtdk,hdk->phtd", torch.cos(angles), cos_w)
            + z
        )

    def forward(self, x, patch_size=None):
        """Apply the block to a map.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, channels, spatial...)
            The map.
        patch_size : int or tuple of int, default=None
            Patch size per spatial axis; ``None`` makes one patch.

        Returns
        -------
        out : torch.Tensor of shape (batch, channels, spatial...)
            The processed map.
        """
        batch, channels, *sizes = x.shape
        if channels != self.channels:
            raise ValueError(f"expected {self.channels} channels, got {channels}.")
        patch = (
            tuple(sizes) if patch_size is None else _as_tuple(patch_size, len(sizes))
        )
        if any(s % p for s, p in zip(sizes, patch, strict=True)):
            raise ValueError(
                f"patch size {patch} does not divide the map {tuple(sizes)}."
            )
        patches, counts = _patchify(x, patch)  # (P, C, L)
        points = patches.transpose(1, 2)  # (P, L, C)
        keys, values = self.to_key_value(points).chunk(2, dim=-1)
        keys, values = self._heads(keys), self._heads(values)  # (P, h, L, d)
        # encoder attention: the tokens query the points
        weights = torch.softmax(self.tokens @ keys.transpose(-1, -2), dim=-1)
        z = weights @ values + self.tokens  # (P, h, T, d)
        z = self._transition(z)
        # decoder attention: the points query the tokens
        queries = self._heads(self.to_query(points))  # (P, h, L, d)
        weights = torch.softmax(queries @ z.transpose(-1, -2), dim=-1)
        out = (weights @ z).transpose(1, 2).reshape(points.shape)  # (P, L, C)
        out = out.transpose(1, 2) + patches
        return _unpatchify(out, batch, counts, patch)


def _norm(kind, n_dims, channels):
    if kind == "batch":
        return (nn.BatchNorm1d, nn.BatchNorm2d)[n_dims - 1](channels)
    return (nn.InstanceNorm1d, nn.InstanceNorm2d)[n_dims - 1](channels, affine=True)


def _double_conv(n_dims, in_channels, out_channels, norm, mid_channels=None):
    conv = (nn.Conv1d, nn.Conv2d)[n_dims - 1]
    mid = mid_channels or out_channels
    return nn.Sequential(
        conv(in_channels, mid, 3, padding=1, bias=False),
        _norm(norm, n_dims, mid),
        nn.ReLU(inplace=True),
        conv(mid, out_channels, 3, padding=1, bias=False),
        _norm(norm, n_dims, out_channels),
        nn.ReLU(inplace=True),
    )


class LatentSpectralModel(nn.Module):
    r"""Latent Spectral Model on a regular 1-D or 2-D grid.

    The architecture of Wu et al. (2023) for structured grids:

    1. normalised coordinates (``linspace(0, 1)`` per axis) are appended to
       the input channels, and a point-wise linear layer lifts them to
       ``width`` channels;
    2. the map is zero-padded at the end of every axis to a multiple of
       ``m = 2 ** n_levels``; the patch size is ``padded / m`` per axis, so
       the finest scale has ``m`` patches per axis and the coarsest is one
       patch (the automatic rule of the Neural-Solver-Library
       re-implementation; the paper's Darcy 85 -> 96, patch 6);
    3. a U-Net encoder: two [3-conv, norm, ReLU] blocks, then ``n_levels``
       times a 2-max-pool and the same blocks, with channels ``w, 2w, ...,
       2**(L-1) w`` and ``2**(L-1) w`` again at the bottom;
    4. a :class:`NeuralSpectralBlock` on every scale, applied to the skip
       connections and to the bottleneck;
    5. a decoder of (bi)linear upsampling (``align_corners=True``),
       concatenation with the processed skip and double convolutions, then a
       point-wise convolution;
    6. the padding is cropped and a point-wise MLP ``width -> head_width ->
       out_channels`` (GELU) gives the output.

    The patch size follows the grid, so the same weights run on grids of
    other sizes (each patch always covers about ``1 / m`` of each axis);
    the 3-point convolutions, however, see a physical neighbourhood that
    shrinks with the grid spacing, so predictions at a new resolution are an
    approximation, not an exact discretisation-invariance.

    Parameters
    ----------
    in_channels : int
        Channels of the input field (coordinates are added inside).
    out_channels : int
        Channels of the output field.
    n_dims : {1, 2}, default=2
        Spatial dimensions of the grid.
    width : int, default=32
        Channels ``w`` of the finest scale (``d_model``); divisible by
        ``n_heads``.
    n_heads : int, default=8
        Attention heads of the spectral blocks.
    n_tokens : int, default=4
        Latent tokens per head.
    n_basis : int, default=12
        Trigonometric frequencies of the latent transition.
    n_levels : int, default=4
        Halvings of the U-Net (``n_levels + 1`` scales); each grid axis needs
        at least ``2 ** n_levels`` points.
    norm : {"batch", "instance"}, default="batch"
        Normalisation in the convolution blocks. The paper uses batch
        normalisation; instance normalisation does not depend on the batch
        (use it with small batches or for autoregressive rollouts).
    head_width : int, default=128
        Hidden width of the output MLP (128 in the paper).

    See Also
    --------
    NeuralSpectralBlock : The attention / latent-spectral block.
    geomlearn.pde.LatentSpectralOperator : Estimator that trains this model.

    Notes
    -----
    .. rubric:: Shapes

    - input: ``(batch, *grid, in_channels)``, ``grid`` of ``n_dims`` sizes;
    - output: ``(batch, *grid, out_channels)``.

    The grid may differ between calls (any size of at least
    ``2 ** n_levels`` points per axis).

    References
    ----------
    .. [1] H. Wu, T. Hu, H. Luo, J. Wang and M. Long, "Solving high-dimensional
       PDEs with latent spectral models", Proceedings of the 40th
       International Conference on Machine Learning (ICML), PMLR 202, 2023.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.pde.nn import LatentSpectralModel
    >>> model = LatentSpectralModel(1, 1, width=8, n_heads=4, n_levels=2)
    >>> model(torch.randn(2, 13, 10, 1)).shape
    torch.Size([2, 13, 10, 1])
    >>> model_1d = LatentSpectralModel(2, 3, n_dims=1, width=8, n_heads=4)
    >>> model_1d(torch.randn(2, 100, 2)).shape
    torch.Size([2, 100, 3])
    """

    def __init__(
        self,
        in_channels,
        out_channels,
        *,
        n_dims=2,
        width=32,
        n_heads=8,
        n_tokens=4,
        n_basis=12,
        n_levels=4,
        norm="batch",
        head_width=128,
    ):
        super().__init__()
        if n_dims not in (1, 2):
            raise ValueError(f"n_dims must be 1 or 2, got {n_dims}.")
        if width % n_heads:
            raise ValueError(
                f"width ({width}) must be divisible by n_heads ({n_heads})."
            )
        if norm not in ("batch", "instance"):
            raise ValueError(f"norm must be 'batch' or 'instance', got {norm!r}.")
        if n_levels < 0:
            raise ValueError(f"n_levels must be non-negative, got {n_levels}.")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.n_dims = n_dims
        self.width = width
        self.n_levels = n_levels
        self.norm = norm

        # encoder channels per scale: w, 2w, ..., 2^(L-1) w, 2^(L-1) w
        enc = [width * 2**level for level in range(n_levels)] + [
            width * 2 ** max(n_levels - 1, 0)
        ]
        self.lift = nn.Linear(in_channels + n_dims, width)
        self.encoder = nn.ModuleList([_double_conv(n_dims, width, width, norm)])
        self.encoder.extend(
            _double_conv(n_dims, enc[level - 1], enc[level], norm)
            for level in range(1, n_levels + 1)
        )
        self.spectral = nn.ModuleList(
            NeuralSpectralBlock(c, n_heads, n_tokens, n_basis) for c in enc
        )
        # decoder, from the coarsest skip (level L-1) up to level 0
        self.decoder = nn.ModuleList()
        current = enc[-1]
        for level in reversed(range(n_levels)):
            in_ch = current + enc[level]
            out_ch = enc[level] // 2 if level > 0 else width
            self.decoder.append(_double_conv(n_dims, in_ch, out_ch, norm, in_ch // 2))
            current = out_ch
        conv = (nn.Conv1d, nn.Conv2d)[n_dims - 1]
        self.project = conv(current, width, 1)
        self.head = nn.Sequential(
            nn.Linear(width, head_width), nn.GELU(), nn.Linear(head_width, out_channels)
        )

    def extra_repr(self):
        return (
            f"in_channels={self.in_channels}, out_channels={self.out_channels}, "
            f"n_dims={self.n_dims}, width={self.width}, n_levels={self.n_levels}, "
            f"norm={self.norm!r}"
        )

    def padding(self, grid_shape):
        """Return the padding and patch size the model uses on a grid.

        Parameters
        ----------
        grid_shape : tuple of int
            Points per axis.

        Returns
        -------
        pad : tuple of int
            Zeros appended at the end of each axis, ``(-n) mod 2**n_levels``.
        patch_size : tuple of int
            Patch size per axis at every scale, ``(n + pad) / 2**n_levels``.
        """
        m = 2**self.n_levels
        grid_shape = tuple(int(n) for n in grid_shape)
        if len(grid_shape) != self.n_dims:
            raise ValueError(
                f"expected a grid of {self.n_dims} axes, got shape {grid_shape}."
            )
        if min(grid_shape) < m:
            raise ValueError(
                f"grid {grid_shape} is too small for n_levels={self.n_levels}: each "
                f"axis needs at least 2**n_levels = {m} points; use fewer levels."
            )
        pad = tuple((-n) % m for n in grid_shape)
        patch = tuple((n + p) // m for n, p in zip(grid_shape, pad, strict=True))
        return pad, patch

    def forward(self, x):
        """Map input fields to output fields.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, grid..., in_channels)
            Input fields, channels last.

        Returns
        -------
        out : torch.Tensor of shape (batch, grid..., out_channels)
            Output fields, channels last.
        """
        if x.ndim != self.n_dims + 2:
            raise ValueError(
                f"expected input of shape (batch, grid..., channels) with a "
                f"{self.n_dims}-D grid, got shape {tuple(x.shape)}."
            )
        batch, *grid, channels = x.shape
        if channels != self.in_channels:
            raise ValueError(f"expected {self.in_channels} channels, got {channels}.")
        pad, patch = self.padding(grid)
        axes = [torch.linspace(0, 1, n, device=x.device, dtype=x.dtype) for n in grid]
        coords = torch.stack(torch.meshgrid(*axes, indexing="ij"), dim=-1)
        x = torch.cat([x, coords.expand(batch, *grid, self.n_dims)], dim=-1)
        x = self.lift(x).movedim(-1, 1)  # (B, w, *grid)
        padding = [v for p in reversed(pad) for v in (0, p)]
        if any(pad):
            x = F.pad(x, padding)

        pool = (F.max_pool1d, F.max_pool2d)[self.n_dims - 1]
        mode = ("linear", "bilinear")[self.n_dims - 1]
        features = [self.encoder[0](x)]
        for block in self.encoder[1:]:
            features.append(block(pool(features[-1], 2)))
        features = [
            nsb(f, patch) for nsb, f in zip(self.spectral, features, strict=True)
        ]
        x = features[-1]
        for block, skip in zip(self.decoder, reversed(features[:-1]), strict=False):
            x = F.interpolate(x, size=skip.shape[2:], mode=mode, align_corners=True)
            x = block(torch.cat([skip, x], dim=1))
        x = self.project(x)
        x = x[(slice(None), slice(None), *(slice(0, n) for n in grid))]
        return self.head(x.movedim(1, -1))

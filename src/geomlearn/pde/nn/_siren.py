# requires: torch
"""SIREN: a sine-activated MLP with forward-mode derivatives (Sitzmann et al.)."""

import itertools
import math

from geomlearn.utils._optional import import_optional

torch = import_optional("torch", extra="torch", caller="SIREN")
nn = torch.nn

__all__ = ["SIREN"]


class SIREN(nn.Module):
    r"""Sine-activated MLP, optionally periodic, with exact spatial derivatives.

    Each hidden layer computes :math:`h \mapsto \sin(\omega_0 (W h + b))`
    and the output layer is linear. Initialisation follows Sitzmann et al.
    (2020): first-layer weights uniform in :math:`\pm 1/n_{in}`, the others
    uniform in :math:`\pm\sqrt{6/n_{in}}/\omega_0`, biases as torch's
    default for :class:`torch.nn.Linear`. It is the spatial representation
    of INSR (Chen et al., 2023).

    With ``periods``, every input coordinate :math:`x_d` first becomes
    :math:`(\sin k_d x_d, \cos k_d x_d)`, :math:`k_d = 2\pi / L_d`: the
    network is then exactly :math:`L_d`-periodic along every axis, which
    imposes periodic boundary conditions without a penalty.

    :meth:`jet` returns the value together with its gradient and Laplacian
    with respect to the inputs, propagated layer by layer in forward mode
    (for a sine layer, :math:`\partial h' = \omega_0 \cos(z)\, W \partial h`
    and :math:`\Delta h' = \omega_0 \cos(z)\, W \Delta h - \omega_0^2
    \sin(z) \sum_d (W \partial_d h)^2`). That is exact, differentiable
    with respect to the weights, and cheaper than nested
    :func:`torch.autograd.grad` calls (one graph instead of two or three).

    Parameters
    ----------
    in_features : int
        Input dimension :math:`d` (the spatial dimension).
    out_features : int
        Output dimension (1 for a scalar field, :math:`d` for a velocity).
    hidden_features : int or sequence of int, default=64
        Width of every hidden layer, or the widths one by one.
    n_hidden_layers : int, default=3
        Number of hidden sine layers when ``hidden_features`` is an int
        (ignored otherwise).
    omega_0 : float, default=30.0
        The frequency factor :math:`\omega_0` of every sine layer.
    periods : float, sequence of float or None, default=None
        Period :math:`L_d` of every input axis (one number for all), or
        ``None`` for a network on raw coordinates.

    Attributes
    ----------
    layers : torch.nn.ModuleList
        The hidden linear maps (each followed by the sine).
    out : torch.nn.Linear
        The output layer.

    See Also
    --------
    geomlearn.pde.INSRSolver : Integrates PDEs in time by evolving the
        weights of a SIREN.

    Notes
    -----
    .. rubric:: Shapes

    - ``forward(x)``: ``(n, in_features)`` to ``(n, out_features)``;
    - ``jet(x, order)``: the value ``(n, out_features)``, the gradient
      ``(n, in_features, out_features)`` and, for ``order=2``, the
      Laplacian ``(n, out_features)``.

    References
    ----------
    .. [1] V. Sitzmann, J. Martel, A. Bergman, D. Lindell, G. Wetzstein,
       "Implicit neural representations with periodic activation
       functions", NeurIPS 2020.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.pde.nn import SIREN
    >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
    <torch._C.Generator object at ...>
    >>> net = SIREN(2, 1, hidden_features=16, n_hidden_layers=2, periods=1.0)
    >>> x = torch.rand(5, 2)
    >>> u, grad, lap = net.jet(x, order=2)
    >>> u.shape, grad.shape, lap.shape
    (torch.Size([5, 1]), torch.Size([5, 2, 1]), torch.Size([5, 1]))
    >>> bool(torch.allclose(net(x + 1.0), net(x), atol=1e-5))  # periodic
    True
    """

    def __init__(
        self,
        in_features,
        out_features,
        hidden_features=64,
        n_hidden_layers=3,
        omega_0=30.0,
        periods=None,
    ):
        super().__init__()
        if isinstance(hidden_features, int):
            widths = [hidden_features] * n_hidden_layers
        else:
            widths = [int(w) for w in hidden_features]
        if not widths or min(widths) < 1:
            raise ValueError(
                f"SIREN needs at least one hidden layer of positive width; got "
                f"hidden_features={hidden_features!r}, "
                f"n_hidden_layers={n_hidden_layers!r}."
            )
        self.in_features = int(in_features)
        self.out_features = int(out_features)
        self.omega_0 = float(omega_0)
        if periods is None:
            self.register_buffer("wavenumbers", None)
            n_in = self.in_features
        else:
            lengths = torch.as_tensor(periods, dtype=torch.float64).flatten()
            if lengths.numel() == 1:
                lengths = lengths.repeat(self.in_features)
            if lengths.numel() != self.in_features or not bool(torch.all(lengths > 0)):
                raise ValueError(
                    f"periods must be one positive number or {self.in_features}; "
                    f"got {periods!r}."
                )
            self.register_buffer("wavenumbers", (2 * math.pi / lengths).float())
            n_in = 2 * self.in_features
        sizes = [n_in, *widths]
        self.layers = nn.ModuleList(
            nn.Linear(a, b) for a, b in itertools.pairwise(sizes)
        )
        self.out = nn.Linear(sizes[-1], self.out_features)
        with torch.no_grad():
            for i, layer in enumerate([*self.layers, self.out]):
                fan_in = layer.in_features
                bound = 1 / fan_in if i == 0 else math.sqrt(6 / fan_in) / self.omega_0
                layer.weight.uniform_(-bound, bound)

    def extra_repr(self):
        periodic = self.wavenumbers is not None
        return f"omega_0={self.omega_0}, periodic={periodic}"

    def _embed(self, x):
        if self.wavenumbers is None:
            return x
        phase = x * self.wavenumbers
        return torch.cat([torch.sin(phase), torch.cos(phase)], dim=-1)

    def forward(self, x):
        """Evaluate the network.

        Parameters
        ----------
        x : torch.Tensor of shape (n, in_features)
            Points.

        Returns
        -------
        out : torch.Tensor of shape (n, out_features)
            The field at the points.
        """
        h = self._embed(x)
        for layer in self.layers:
            h = torch.sin(self.omega_0 * layer(h))
        return self.out(h)

    def jet(self, x, order=1):
        """Evaluate the network and its derivatives with respect to ``x``.

        Parameters
        ----------
        x : torch.Tensor of shape (n, in_features)
            Points (no ``requires_grad`` needed).
        order : {1, 2}, default=1
            1: value and gradient; 2: also the Laplacian.

        Returns
        -------
        value : torch.Tensor of shape (n, out_features)
            The field.
        grad : torch.Tensor of shape (n, in_features, out_features)
            ``grad[:, d, c]`` is the derivative of output ``c`` along axis
            ``d``.
        laplacian : torch.Tensor of shape (n, out_features)
            Sum of the second derivatives along every axis (only for
            ``order=2``).
        """
        if order not in (1, 2):
            raise ValueError(f"order must be 1 or 2; got {order!r}.")
        n, d = x.shape
        eye = torch.eye(d, dtype=x.dtype, device=x.device)
        if self.wavenumbers is None:
            h = x
            dh = eye.expand(n, d, d)  # (n, d, features)
            lap = torch.zeros_like(x) if order == 2 else None
        else:
            k = self.wavenumbers.to(x.dtype)
            phase = x * k
            s, c = torch.sin(phase), torch.cos(phase)
            h = torch.cat([s, c], dim=-1)
            # d/dx_a of sin(k_b x_b) is delta_ab k_b cos(k_b x_b)
            dh = torch.cat([eye * (k * c)[:, None, :], eye * (-k * s)[:, None, :]], -1)
            lap = -(k**2).repeat(2) * h if order == 2 else None
        w0 = self.omega_0
        for layer in self.layers:
            z = w0 * layer(h)
            dz = w0 * (dh @ layer.weight.T)  # (n, d, width)
            sz, cz = torch.sin(z), torch.cos(z)
            if order == 2:
                lap = cz * (w0 * (lap @ layer.weight.T)) - sz * (dz**2).sum(dim=1)
            h, dh = sz, cz[:, None, :] * dz
        value = self.out(h)
        grad = dh @ self.out.weight.T
        if order == 1:
            return value, grad
        return value, grad, lap @ self.out.weight.T

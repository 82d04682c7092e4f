# requires: torch
"""Physics-informed networks: the Eulerian PINN and the Lagrangian PINN.

Both solve a problem of :mod:`geomlearn.pde.problems` without data: a network
of (x, t) is trained, full-batch, by Adam then L-BFGS, to make the PDE
residual vanish on random collocation points and to match the initial
condition; periodicity holds exactly through a (sin, cos) embedding of x.
"""

import itertools

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from geomlearn.pde._problem_solver import (
    ProblemSolverBase,
    check_problem,
    hidden_sizes,
    transport,
)
from geomlearn.pde.problems import Advection, Burgers, Convection, Heat, _points
from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import (
    Integral,
    Interval,
    Real,
    _fit_context,
)
from geomlearn.utils._torch import resolve_device, torch_generator

torch = import_optional("torch", extra="torch", caller="PINN")

__all__ = ["LagrangianPINN", "PINN"]

_BATCH = 65536  # points per forward pass in predict


def _mlp(n_in, hidden, n_out):
    sizes = [n_in, *hidden]
    layers = []
    for a, b in itertools.pairwise(sizes):
        layers += [torch.nn.Linear(a, b), torch.nn.Tanh()]
    layers.append(torch.nn.Linear(sizes[-1], n_out))
    for layer in layers:
        if isinstance(layer, torch.nn.Linear):
            torch.nn.init.xavier_normal_(layer.weight)
            torch.nn.init.zeros_(layer.bias)
    return torch.nn.Sequential(*layers)


class _PeriodicEmbedding(torch.nn.Module):
    """(x, t) -> (sin kx, cos kx, 2t/T - 1): exactly periodic in x, t in [-1, 1]."""

    def __init__(self, x_min, length, t_final):
        super().__init__()
        self.x_min, self.k, self.t_final = x_min, 2 * np.pi / length, t_final

    def forward(self, x, t):
        phase = self.k * (x - self.x_min)
        return torch.stack(
            [torch.sin(phase), torch.cos(phase), 2 * t / self.t_final - 1], dim=-1
        )


class _EulerianNet(torch.nn.Module):
    def __init__(self, embedding, hidden):
        super().__init__()
        self.embedding = embedding
        self.body = _mlp(3, hidden, 1)

    def forward(self, x, t):
        return self.body(self.embedding(x, t))[..., 0]


class _LagrangianNet(torch.nn.Module):
    """(x0, t) -> (u, displacement / scale): two branches or one shared trunk."""

    def __init__(self, embedding, hidden, shared):
        super().__init__()
        self.embedding = embedding
        self.shared = shared
        if shared:
            self.trunk = _mlp(3, hidden, 2)
        else:
            self.u_branch = _mlp(3, hidden, 1)
            self.x_branch = _mlp(3, hidden, 1)

    def forward(self, x0, t):
        z = self.embedding(x0, t)
        if self.shared:
            out = self.trunk(z)
            return out[..., 0], out[..., 1]
        return self.u_branch(z)[..., 0], self.x_branch(z)[..., 0]


def _grad(out, inp):
    return torch.autograd.grad(out.sum(), inp, create_graph=True)[0]


class _BasePINN(ProblemSolverBase):
    _accepted = (Convection, Heat, Advection, Burgers)

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like"],
        "n_collocation": [Interval(Integral, 1, None, closed="left")],
        "n_initial": [Interval(Integral, 1, None, closed="left")],
        "adam_epochs": [Interval(Integral, 0, None, closed="left")],
        "lbfgs_iterations": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "initial_weight": [Interval(Real, 0, None, closed="neither")],
        "device": [str, object],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, problem):
        """Train the network on a problem.

        Parameters
        ----------
        problem : problem instance
            A problem of :mod:`geomlearn.pde.problems` (see the class
            description for the accepted types).

        Returns
        -------
        self : object
            The fitted solver.
        """
        check_problem(problem, self._accepted)
        coefficients = transport(problem)
        hidden = hidden_sizes(self.hidden_layer_sizes)
        rng = check_random_state(self.random_state)
        init_seed, data_seed = (int(s) for s in rng.randint(2**31 - 1, size=2))
        device = resolve_device(self.device)
        x_min, x_max = problem.x_range
        length, t_final = x_max - x_min, problem.t_range[1]
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(init_seed)  # inside the fork: global state restored
            embedding = _PeriodicEmbedding(x_min, length, t_final)
            module = self._build(embedding, hidden).double().to(device)

        gen = torch_generator(data_seed, device="cpu")
        n = self.n_collocation
        xc = x_min + length * torch.rand(n, generator=gen, dtype=torch.float64)
        tc = t_final * torch.rand(n, generator=gen, dtype=torch.float64)
        x0 = x_min + length * torch.arange(self.n_initial, dtype=torch.float64)
        x0 = x0 / self.n_initial
        u0 = torch.as_tensor(problem.initial_condition(x0.numpy()))
        xc, tc, x0, u0 = (a.to(device) for a in (xc, tc, x0, u0))
        xc.requires_grad_(True)
        tc.requires_grad_(True)
        scale = self._scale(problem, coefficients)

        def loss_fn():
            return self._loss(module, coefficients, scale, xc, tc, x0, u0)

        self.problem_ = problem
        self.device_ = device
        self.module_ = module
        self._scale_ = scale
        self.loss_curve_ = self._train(module, loss_fn)
        self.n_iter_ = len(self.loss_curve_)
        return self

    def _scale(self, problem, coefficients):
        return 1.0

    def _train(self, module, loss_fn):
        curve = []
        params = list(module.parameters())
        if self.adam_epochs:
            opt = torch.optim.Adam(params, lr=self.learning_rate)
            for epoch in range(self.adam_epochs):
                opt.zero_grad()
                loss = loss_fn()
                loss.backward()
                opt.step()
                curve.append(float(loss.detach()))
                if self.verbose and (epoch % 100 == 0 or epoch == self.adam_epochs - 1):
                    print(f"{type(self).__name__} Adam {epoch}: loss {curve[-1]:.3e}")
        if self.lbfgs_iterations:
            opt = torch.optim.LBFGS(
                params,
                lr=1.0,
                max_iter=self.lbfgs_iterations,
                history_size=50,
                tolerance_grad=1e-10,
                tolerance_change=1e-14,
                line_search_fn="strong_wolfe",
            )

            def closure():
                opt.zero_grad()
                loss = loss_fn()
                loss.backward()
                curve.append(float(loss.detach()))
                return loss

            opt.step(closure)
            if self.verbose:
                print(f"{type(self).__name__} L-BFGS: loss {curve[-1]:.3e}")
        return curve

    # ------------------------------------------------------------ outputs
    def _check_points(self, x, t):
        check_is_fitted(self)
        try:
            return _points(x, t)
        except ValueError as exc:
            raise ValueError(f"{type(self).__name__}.predict: {exc}") from None


_COMMON_PARAMETERS = """\
    hidden_layer_sizes : tuple of int, default=(50, 50, 50)
        Widths of the hidden tanh layers{branch}.
    n_collocation : int, default=2000
        Collocation points, drawn uniformly in the space-time domain once
        (from ``random_state``) and used full-batch.
    n_initial : int, default=256
        Equispaced points of the initial-condition loss.
    adam_epochs : int, default=1000
        Full-batch Adam steps.
    lbfgs_iterations : int, default=500
        Iterations of :class:`torch.optim.LBFGS` after Adam (strong-Wolfe
        line search, history 50); 0 skips L-BFGS.
    learning_rate : float, default=1e-3
        Adam's step size.
    initial_weight : float, default=1.0
        Weight of the initial-condition loss against the residual loss.{extra}
    device : str or torch.device, default="cpu"
        Where to train; ``"auto"`` picks an available accelerator.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights and the collocation points; torch's global
        generator is not touched.
    verbose : bool or int, default=False
        Print the loss during training."""

_COMMON_ATTRIBUTES = """\
    module_ : torch.nn.Module
        The trained network (float64).
    problem_ : problem instance
        The problem given to ``fit`` (its domain is used by ``predict``).
    device_ : torch.device
        The device used.
    loss_curve_ : list of float
        The loss at every Adam step, then at every loss evaluation of L-BFGS
        (several per iteration when the line search backtracks).
    n_iter_ : int
        ``len(loss_curve_)``."""


class PINN(_BasePINN):
    r"""Physics-informed neural network (Eulerian) for 1-D periodic problems.

    A tanh MLP :math:`u_\theta(x, t)` of the features
    :math:`(\sin kx, \cos kx, 2t/T - 1)`, :math:`k = 2\pi/L`, so that the
    periodic boundary conditions hold exactly, trained to minimise

    .. math::

        \frac1{N_r}\sum_i (u_t + a\,u_x - D\,u_{xx})^2(x_i, t_i)
        + \lambda \frac1{N_0}\sum_j (u(x_j, 0) - u_0(x_j))^2

    with :math:`a = \beta` (or the velocity) and :math:`D = \nu` (or
    :math:`\kappa`) for the linear problems and :math:`a = u` for Burgers:
    the baseline of Krishnapriyan et al. (2021), full-batch Adam then
    L-BFGS. Accepts :class:`~geomlearn.pde.problems.Convection`,
    :class:`~geomlearn.pde.problems.Heat`,
    :class:`~geomlearn.pde.problems.Advection` and
    :class:`~geomlearn.pde.problems.Burgers`.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    LagrangianPINN : Trains on characteristics; does not fail at large speed.

    Notes
    -----
    Defaults are sized for a CPU (about a minute). The reference setting
    (50 x 4 network, 1000 collocation points, L-BFGS to convergence) is
    ``hidden_layer_sizes=(50,) * 4, n_collocation=1000``. Plain PINNs are
    known to fail on convection for :math:`\beta \gtrsim 30`; see the
    benchmark ``benchmarks/insr_pinn``.

    References
    ----------
    .. [1] A. Krishnapriyan, A. Gholami, S. Zhe, R. Kirby, M. Mahoney,
       "Characterizing possible failure modes in physics-informed neural
       networks", NeurIPS 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import PINN
    >>> from geomlearn.pde.problems import Convection
    >>> problem = Convection(beta=1.0)
    >>> pinn = PINN(hidden_layer_sizes=(8,), n_collocation=100, adam_epochs=30,
    ...             lbfgs_iterations=10, random_state=0).fit(problem)
    >>> pinn.predict(np.zeros((2, 3)), np.ones((2, 3))).shape
    (2, 3)
    >>> pinn.loss_curve_[-1] < pinn.loss_curve_[0]
    True
    """

    def __init__(
        self,
        *,
        hidden_layer_sizes=(50, 50, 50),
        n_collocation=2000,
        n_initial=256,
        adam_epochs=1000,
        lbfgs_iterations=500,
        learning_rate=1e-3,
        initial_weight=1.0,
        device="cpu",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_collocation = n_collocation
        self.n_initial = n_initial
        self.adam_epochs = adam_epochs
        self.lbfgs_iterations = lbfgs_iterations
        self.learning_rate = learning_rate
        self.initial_weight = initial_weight
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build(self, embedding, hidden):
        return _EulerianNet(embedding, hidden)

    def _loss(self, module, coefficients, scale, xc, tc, x0, u0):
        nonlinear, velocity, diffusivity = coefficients
        u = module(xc, tc)
        u_x = _grad(u, xc)
        residual = _grad(u, tc) + (u if nonlinear else velocity) * u_x
        if diffusivity:
            residual = residual - diffusivity * _grad(u_x, xc)
        ic = module(x0, torch.zeros_like(x0)) - u0
        return (residual**2).mean() + self.initial_weight * (ic**2).mean()

    def predict(self, x, t):
        """Evaluate the trained solution at points.

        Parameters
        ----------
        x : array-like
            Positions (any real numbers: the solution is periodic).
        t : array-like
            Times, of the shape of ``x`` (or broadcastable to it).

        Returns
        -------
        u : ndarray
            The solution at ``(x, t)`` (float64), of the broadcast shape.
        """
        x, t = self._check_points(x, t)
        xf = torch.as_tensor(x.ravel())
        tf = torch.as_tensor(t.ravel())
        out = []
        with torch.no_grad():
            for s in range(0, xf.numel(), _BATCH):
                xb = xf[s : s + _BATCH].to(self.device_)
                tb = tf[s : s + _BATCH].to(self.device_)
                out.append(self.module_(xb, tb).cpu().numpy())
        return np.concatenate(out).reshape(x.shape) if out else np.zeros(x.shape)


class LagrangianPINN(_BasePINN):
    r"""Lagrangian physics-informed network: the state on characteristics.

    For :math:`u_t + a\,u_x = \nu u_{xx}` (:math:`a = \beta` for
    convection-diffusion, :math:`a = u` for viscous Burgers), the solution is
    sought along the characteristics :math:`x(x_0, t)`, labelled by their
    starting point :math:`x_0`. Two networks of
    :math:`(\sin kx_0, \cos kx_0, 2t/T - 1)` give the state
    :math:`u(x_0, t)` and the characteristic map
    :math:`x(x_0, t) = x_0 + s\,\xi(x_0, t)`, trained to minimise

    .. math::

        \frac1{N_r}\sum_i \Big[\big((s\,\xi_t - a) / (s/T)\big)^2
        + (u_t - \nu u_{x_0 x_0})^2\Big]
        + \lambda \frac1{N_0}\sum_j \big[\xi(x_j, 0)^2
        + (u(x_j, 0) - u_0(x_j))^2\big]

    (Mojgani et al., 2023): the transport term disappears from the state
    equation and the hard part, the characteristic map, is nearly linear in
    :math:`t`. ``predict(x, t)`` evaluates both branches on
    ``n_interpolation`` equispaced labels at each requested time and
    interpolates :math:`u` linearly (periodically) from the positions
    :math:`x(x_0, t) \bmod L` to ``x``. Accepts
    :class:`~geomlearn.pde.problems.Convection` and
    :class:`~geomlearn.pde.problems.Burgers`.

    Parameters
    ----------
    {parameters}

    Attributes
    ----------
    {attributes}

    See Also
    --------
    PINN : The Eulerian baseline.

    Notes
    -----
    Deliberate differences from the reference code (see the design notes):
    the x-branch predicts the displacement :math:`\xi = (x - x_0)/s` rather
    than :math:`x`, because a network of :math:`(\sin x_0, \cos x_0)` is
    periodic in :math:`x_0` and cannot output :math:`x_0` itself; the scale
    :math:`s = \max|a|\,T` (``max |u0|`` for Burgers, 1 when it is 0) and
    the residual normalisation :math:`T/s` make the two residuals of the
    same order for every speed. Losses are mean squares, not Euclidean
    norms. The branches are separate MLPs by default (the repository shares
    some layers). As in the reference, the diffusion term is differentiated
    with respect to the label :math:`x_0`: exact for constant speed, an
    approximation for Burgers where characteristics compress.

    References
    ----------
    .. [1] R. Mojgani, M. Balajewicz, P. Hassanzadeh, "Kolmogorov n-width
       and Lagrangian physics-informed neural networks: a causality-conforming
       manifold for convection-dominated PDEs", CMAME 404, 115810, 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import LagrangianPINN
    >>> from geomlearn.pde.problems import Convection
    >>> problem = Convection(beta=30.0)
    >>> lpinn = LagrangianPINN(hidden_layer_sizes=(8,), n_collocation=100,
    ...                        adam_epochs=30, lbfgs_iterations=10,
    ...                        random_state=0).fit(problem)
    >>> lpinn.predict(np.zeros(4), np.linspace(0, 1, 4)).shape
    (4,)
    """

    _accepted = (Convection, Burgers)
    _parameter_constraints = {
        **_BasePINN._parameter_constraints,
        "shared_weights": ["boolean"],
        "n_interpolation": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(50, 50, 50),
        n_collocation=2000,
        n_initial=256,
        adam_epochs=1000,
        lbfgs_iterations=500,
        learning_rate=1e-3,
        initial_weight=1.0,
        shared_weights=False,
        n_interpolation=512,
        device="cpu",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_collocation = n_collocation
        self.n_initial = n_initial
        self.adam_epochs = adam_epochs
        self.lbfgs_iterations = lbfgs_iterations
        self.learning_rate = learning_rate
        self.initial_weight = initial_weight
        self.shared_weights = shared_weights
        self.n_interpolation = n_interpolation
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build(self, embedding, hidden):
        return _LagrangianNet(embedding, hidden, bool(self.shared_weights))

    def _scale(self, problem, coefficients):
        nonlinear, velocity, _ = coefficients
        if nonlinear:
            x_min, x_max = problem.x_range
            grid = np.linspace(x_min, x_max, 256, endpoint=False)
            speed = float(np.abs(problem.initial_condition(grid)).max())
        else:
            speed = abs(velocity)
        speed = speed if speed > 0 else 1.0
        return speed * problem.t_range[1]

    def _loss(self, module, coefficients, scale, xc, tc, x0, u0):
        nonlinear, velocity, diffusivity = coefficients
        t_final = module.embedding.t_final
        u, xi = module(xc, tc)
        speed = u if nonlinear else velocity
        r_x = (scale * _grad(xi, tc) - speed) * (t_final / scale)
        r_u = _grad(u, tc)
        if diffusivity:
            r_u = r_u - diffusivity * _grad(_grad(u, xc), xc)
        u_ic, xi_ic = module(x0, torch.zeros_like(x0))
        ic = ((u_ic - u0) ** 2).mean() + (xi_ic**2).mean()
        return (r_x**2).mean() + (r_u**2).mean() + self.initial_weight * ic

    def characteristics(self, t):
        """Positions and values on the characteristics at time ``t``.

        Parameters
        ----------
        t : float
            A time.

        Returns
        -------
        x : ndarray of shape (n_interpolation,)
            Positions :math:`x(x_0, t)` (not wrapped into the period) of the
            characteristics that start on ``n_interpolation`` equispaced
            labels :math:`x_0`.
        u : ndarray of shape (n_interpolation,)
            The state carried by each.
        """
        x, u = self._on_characteristics(np.array([float(t)]))
        return x[0], u[0]

    def _on_characteristics(self, times):
        check_is_fitted(self)
        x_min, x_max = self.problem_.x_range
        n = self.n_interpolation
        labels = x_min + (x_max - x_min) * np.arange(n) / n
        L, T = np.meshgrid(labels, times)
        xs, us = [], []
        with torch.no_grad():
            lf, tf = torch.as_tensor(L.ravel()), torch.as_tensor(T.ravel())
            for s in range(0, lf.numel(), _BATCH):
                u, xi = self.module_(
                    lf[s : s + _BATCH].to(self.device_),
                    tf[s : s + _BATCH].to(self.device_),
                )
                us.append(u.cpu().numpy())
                xs.append(xi.cpu().numpy() * self._scale_)
        shape = (len(times), n)
        return L + np.concatenate(xs).reshape(shape), np.concatenate(us).reshape(shape)

    def predict(self, x, t):
        """Evaluate the solution at points, interpolating from the characteristics.

        Parameters
        ----------
        x : array-like
            Positions (any real numbers: the solution is periodic).
        t : array-like
            Times, of the shape of ``x`` (or broadcastable to it).

        Returns
        -------
        u : ndarray
            The solution at ``(x, t)`` (float64), of the broadcast shape.
        """
        x, t = self._check_points(x, t)
        out = np.zeros(x.shape)
        if x.size == 0:
            return out
        times, inverse = np.unique(t, return_inverse=True)
        inverse = inverse.reshape(t.shape)
        x_min, x_max = self.problem_.x_range
        period = x_max - x_min
        for start in range(0, len(times), 256):
            block = times[start : start + 256]
            xs, us = self._on_characteristics(block)
            for j in range(len(block)):
                mask = inverse == start + j
                out[mask] = np.interp(x[mask], xs[j], us[j], period=period)
        return out


_LAGRANGIAN_PARAMETERS = """
    shared_weights : bool, default=False
        One trunk with two outputs (``True``) or two separate branches, the
        paper's description (``False``).
    n_interpolation : int, default=512
        Characteristics evaluated at each time by ``predict``."""


def _fill(doc, branch, extra=""):
    params = _COMMON_PARAMETERS.replace("{branch}", branch).replace("{extra}", extra)
    return doc.replace("{parameters}", params).replace(
        "{attributes}", _COMMON_ATTRIBUTES
    )


PINN.__doc__ = _fill(PINN.__doc__, "")
LagrangianPINN.__doc__ = _fill(
    LagrangianPINN.__doc__, " (of each branch)", _LAGRANGIAN_PARAMETERS
)

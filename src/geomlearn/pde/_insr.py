# requires: torch
"""INSR: time integration with an implicit neural spatial representation.

The field at time step n is a SIREN whose weights are the degrees of freedom;
each time step is an optimisation problem, warm-started from the previous
step's weights, that minimises a time-discretised PDE residual on fresh
random samples of the domain (Chen et al., ICML 2023).
"""

import copy
import time

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from geomlearn.pde._problem_solver import (
    ProblemSolverBase,
    check_problem,
    hidden_sizes,
    transport,
)
from geomlearn.pde.nn._siren import SIREN
from geomlearn.pde.problems import (
    Advection,
    Burgers,
    Convection,
    Heat,
    TaylorGreen,
    _points,
)
from geomlearn.utils._optional import import_optional
from geomlearn.utils._param_validation import (
    Integral,
    Interval,
    Real,
    StrOptions,
    _fit_context,
)
from geomlearn.utils._torch import resolve_device, torch_generator

torch = import_optional("torch", extra="torch", caller="INSRSolver")
vector_to_parameters = torch.nn.utils.vector_to_parameters
parameters_to_vector = torch.nn.utils.parameters_to_vector

__all__ = ["INSRSolver"]

_ACCEPTED = (Advection, Convection, Heat, Burgers, TaylorGreen)
_BATCH = 65536  # points per forward pass in predict
_MIN_LR = 1e-8  # the reference's floor; a step ends when the rate reaches it
_DEFAULT_HIDDEN = {1: (20, 20), 2: (32, 32, 32)}  # the paper's 1-D and fluid nets
_DEFAULT_SAMPLES = {1: 5000, 2: 4096}
# SIREN's frequency factor: the reference's 30 in 1-D; 10 for the smooth flows,
# where 30 left a spurious divergence of the fitted velocity about three times
# the pressure signal of one Taylor-Green step (measured, 4096 samples).
_DEFAULT_OMEGA = {1: 30.0, 2: 10.0}


def _parameter_count(module):
    return sum(p.numel() for p in module.parameters())


class INSRSolver(ProblemSolverBase):
    r"""Implicit neural spatial representation solver for time-dependent PDEs.

    The solution at time :math:`t_n = n\,\Delta t` is a SIREN
    :math:`f_{\theta_n}(x)` (:class:`~geomlearn.pde.nn.SIREN`, periodic in
    every axis through a :math:`(\sin, \cos)` embedding of the coordinates,
    so the periodic boundary conditions of the problems hold exactly). Time
    is discretised classically and every step is an optimisation problem over
    the weights (Chen et al., 2023):

    .. math::

        \theta_{n+1} = \arg\min_\theta \frac1{|M|} \sum_{x \in M}
        \mathcal I(\Delta t, f_\theta, f_{\theta_n})(x)^2,

    started from :math:`\theta_n`, with a fresh uniform sample :math:`M` of
    the domain at every iteration. The step :math:`t = 0` regresses the
    network onto the initial condition. The integrands:

    - **1-D transport and diffusion** (:class:`~geomlearn.pde.problems.Advection`,
      :class:`~geomlearn.pde.problems.Convection`,
      :class:`~geomlearn.pde.problems.Heat`,
      :class:`~geomlearn.pde.problems.Burgers`): the midpoint rule for the
      transport term and implicit Euler for diffusion,
      :math:`\mathcal I = (f - f^n)/\Delta t + a\,(f_x + f^n_x)/2 - D f_{xx}`
      with :math:`a = c` (constant speed) or :math:`a = (f + f^n)/2`
      (Burgers);
    - **2-D incompressible flow** (:class:`~geomlearn.pde.problems.TaylorGreen`),
      operator splitting into three optimisations per step:

      1. *advection* (semi-Lagrangian, with implicit viscosity):
         :math:`u^* - \Delta t\,\nu\Delta u^* = u^n(x_d)` with the departure
         point :math:`x_d` traced back by the midpoint rule;
      2. *pressure*: a second SIREN :math:`q` minimises
         :math:`(\Delta q - \nabla\cdot u^*)^2` (:math:`q = \Delta t\,p`);
      3. *projection*: :math:`u^{n+1} = u^* - \nabla q` by least squares.

      The pressure network starts from zero (its output layer zeroed) and
      its first solve gets the budget of the initial fit; later solves are
      warm-started like the velocity.

    Each optimisation is Adam with the reference's schedule,
    ``ReduceLROnPlateau(factor=0.1, patience=patience)`` stepped on the
    loss, ending after ``max_iter`` iterations or when the rate reaches
    1e-8 (``init_max_iter`` and ``init_learning_rate`` for the step at
    :math:`t = 0`). Derivatives of the networks are propagated in forward
    mode (:meth:`~geomlearn.pde.nn.SIREN.jet`).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int or None, default=None
        Widths of the hidden sine layers (of the velocity and the pressure
        networks for flows). ``None`` takes the paper's: ``(20, 20)`` in 1-D,
        ``(32, 32, 32)`` for flows.
    omega_0 : float or None, default=None
        SIREN's frequency factor. ``None`` takes the reference's 30 in 1-D
        and 10 for flows: the Taylor-Green fields are smooth, and at 30 the
        fitted velocity carried a spurious divergence about three times the
        pressure signal of one step.
    time_step : float, default=0.05
        The step :math:`\Delta t`; the problem's interval is cut into
        ``round(t_final / time_step)`` equal steps (at least one), so the
        step used, ``time_step_``, may differ slightly.
    n_samples : int or None, default=None
        Random points per iteration; ``None`` takes 5000 in 1-D (the paper)
        and 4096 in 2-D (the paper uses 16384 on a GPU).
    max_iter : int, default=200
        Adam iterations per optimisation of a time step at most (the
        reference allows 20000 on a GPU; 200 is sized for a CPU).
    init_max_iter : int, default=2000
        Iterations of the fit to the initial condition.
    learning_rate : float, default=1e-4
        Adam's initial rate in every time step (the reference's).
    init_learning_rate : float, default=1e-3
        Adam's initial rate for the fit to the initial condition.
    patience : int, default=25
        Iterations without improvement of the loss before the rate is cut
        tenfold (the reference: 500 of at most 20000); the fit to the
        initial condition waits ``max(patience, init_max_iter // 10)``.
    optimizer : {"adam", "lbfgs"}, default="adam"
        ``"adam"``: the reference's Adam on fresh samples at every
        iteration. ``"lbfgs"``: :class:`torch.optim.LBFGS` (strong-Wolfe
        line search, history 50) for ``max_iter`` iterations on one fresh
        sample per optimisation (fixed during it, so that the line search
        sees one function). See the benchmark ``benchmarks/insr_pinn`` for
        both at the same problems.
    device : str or torch.device, default="cpu"
        Where to compute; ``"auto"`` picks an available accelerator.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights and the samples; torch's global generator
        is not touched.
    verbose : bool or int, default=False
        Print the loss every ten steps.

    Attributes
    ----------
    module_ : SIREN
        The network at the final time (the velocity for flows).
    pressure_module_ : SIREN or None
        The pressure network at the final time (flows only).
    problem_ : problem instance
        The problem given to ``fit``.
    times_ : ndarray of shape (n_steps + 1,)
        The times of the snapshots, ``0, time_step_, ..., t_final``.
    time_step_ : float
        The step used.
    snapshots_ : ndarray of shape (n_steps + 1, n_weights)
        The weights of the network at every time (float32);
        ``n_weights`` is ``n_stored_values_``.
    pressure_snapshots_ : ndarray of shape (n_steps + 1, n_pressure_values) or None
        The pressure weights after every step (row 0 is the initial,
        untrained pressure network); flows only.
    n_stored_values_ : int
        Numbers that represent the field at one time: the weights of the
        network (of the velocity network for flows). This is the memory
        to compare with the values of a grid solver.
    step_times_ : ndarray of shape (n_steps,)
        Wall time of every time step, in seconds.
    init_time_ : float
        Wall time of the fit to the initial condition, in seconds.
    n_iter_ : ndarray of shape (n_steps + 1,)
        Adam iterations (L-BFGS: loss evaluations) of the fit to the initial
        condition, then of every step (the three optimisations summed for
        flows).
    loss_curves_ : list of dict
        For the fit to the initial condition then every step, the loss at
        every iteration of each optimisation: ``{"initial": ...}``, then
        ``{"residual": ...}`` in 1-D or ``{"advection": ..., "pressure":
        ..., "projection": ...}`` for flows.
    device_ : torch.device
        The device used.

    See Also
    --------
    PINN : A network of space and time trained on the whole interval at once.
    geomlearn.pde.nn.SIREN : The network.

    Notes
    -----
    ``predict(x, t)`` at a time between two snapshots interpolates them
    linearly in time. What INSR stores is ``n_stored_values_`` weights per
    time, against the number of nodes of a grid; a step costs
    ``max_iter`` (three times that for flows) forward and backward passes
    on ``n_samples`` points, far more than a grid step. Deliberate
    differences from the reference code: exact periodicity through the
    embedding instead of Dirichlet or wall penalties (the problems here are
    periodic), the midpoint rule instead of one Euler step for the
    semi-Lagrangian back-trace, the diffusion step of viscous flows folded
    into the advection optimisation, and CPU-sized budgets. Heat is not in
    the reference code; its implicit-Euler residual follows the paper's
    framework.

    References
    ----------
    .. [1] H. Chen, R. Wu, E. Grinspun, C. Zheng, P. Y. Chen, "Implicit
       neural spatial representations for time-dependent PDEs", ICML 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import INSRSolver
    >>> from geomlearn.pde.problems import Advection
    >>> problem = Advection(velocity=0.25, t_final=0.2)
    >>> solver = INSRSolver(max_iter=20, init_max_iter=200, n_samples=500,
    ...                     random_state=0).fit(problem)
    >>> solver.times_
    array([0.  , 0.05, 0.1 , 0.15, 0.2 ])
    >>> solver.predict(np.zeros((2, 3)), np.full((2, 3), 0.1)).shape
    (2, 3)
    >>> solver.n_stored_values_
    501
    """

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", None],
        "omega_0": [Interval(Real, 0, None, closed="neither"), None],
        "time_step": [Interval(Real, 0, None, closed="neither")],
        "n_samples": [Interval(Integral, 1, None, closed="left"), None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "init_max_iter": [Interval(Integral, 0, None, closed="left")],
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "init_learning_rate": [Interval(Real, 0, None, closed="neither")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "optimizer": [StrOptions({"adam", "lbfgs"})],
        "device": [str, object],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=None,
        omega_0=None,
        time_step=0.05,
        n_samples=None,
        max_iter=200,
        init_max_iter=2000,
        learning_rate=1e-4,
        init_learning_rate=1e-3,
        patience=25,
        optimizer="adam",
        device="cpu",
        random_state=None,
        verbose=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.omega_0 = omega_0
        self.time_step = time_step
        self.n_samples = n_samples
        self.max_iter = max_iter
        self.init_max_iter = init_max_iter
        self.learning_rate = learning_rate
        self.init_learning_rate = init_learning_rate
        self.patience = patience
        self.optimizer = optimizer
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ---------------------------------------------------------------- fit
    def _hidden(self, n_dims):
        if self.hidden_layer_sizes is None:
            return _DEFAULT_HIDDEN[n_dims]
        return hidden_sizes(self.hidden_layer_sizes)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, problem):
        """Integrate the problem in time from its initial condition.

        Parameters
        ----------
        problem : problem instance
            An :class:`~geomlearn.pde.problems.Advection`,
            :class:`~geomlearn.pde.problems.Convection`,
            :class:`~geomlearn.pde.problems.Heat`,
            :class:`~geomlearn.pde.problems.Burgers` or
            :class:`~geomlearn.pde.problems.TaylorGreen` problem.

        Returns
        -------
        self : object
            The fitted solver.
        """
        check_problem(problem, _ACCEPTED)
        n_dims = problem.n_spatial_dims
        hidden = self._hidden(n_dims)
        n_samples = self.n_samples or _DEFAULT_SAMPLES[n_dims]
        omega_0 = self.omega_0 or _DEFAULT_OMEGA[n_dims]
        t_final = problem.t_range[1]
        n_steps = max(1, round(t_final / self.time_step))
        dt = t_final / n_steps
        rng = check_random_state(self.random_state)
        init_seed, data_seed = (int(s) for s in rng.randint(2**31 - 1, size=2))
        device = resolve_device(self.device)
        x_min, x_max = problem.x_range
        length = x_max - x_min

        def siren(n_out):
            return SIREN(n_dims, n_out, hidden, omega_0=omega_0, periods=length).to(
                device
            )

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(init_seed)  # inside the fork: global state restored
            module = siren(n_dims if n_dims == 2 else 1)
            pressure = None
            if isinstance(problem, TaylorGreen):
                pressure = siren(1)
                with torch.no_grad():  # q = 0 at first: no spurious gradient
                    pressure.out.weight.zero_()
                    pressure.out.bias.zero_()
        gen = torch_generator(data_seed, device="cpu")

        def sample():
            x = x_min + length * torch.rand(n_samples, n_dims, generator=gen)
            return x.to(device)

        self.problem_, self.device_, self.time_step_ = problem, device, dt
        self.module_, self.pressure_module_ = module, pressure
        self.n_stored_values_ = _parameter_count(module)

        # t = 0: regress onto the initial condition
        start = time.perf_counter()

        def initial_loss(x):
            u0 = problem.initial_condition(x.cpu().numpy().astype(np.float64))
            target = torch.as_tensor(np.asarray(u0, dtype=np.float32), device=device)
            return ((module(x) - target.reshape(n_samples, -1)) ** 2).sum(-1).mean()

        curves = [
            {
                "initial": self._minimise(
                    module,
                    initial_loss,
                    sample,
                    self.init_max_iter,
                    self.init_learning_rate,
                    max(self.patience, self.init_max_iter // 10),
                )
            }
        ]
        self.init_time_ = time.perf_counter() - start
        snapshots = [parameters_to_vector(module.parameters()).detach().cpu()]
        p_snapshots = None
        if pressure is not None:
            p_snapshots = [parameters_to_vector(pressure.parameters()).detach().cpu()]
        step_times = []
        stepper = (
            self._flow_step(problem, module, pressure, sample, dt)
            if pressure is not None
            else self._scalar_step(problem, module, sample, dt)
        )
        for n in range(n_steps):
            start = time.perf_counter()
            curves.append(stepper())
            step_times.append(time.perf_counter() - start)
            snapshots.append(parameters_to_vector(module.parameters()).detach().cpu())
            if pressure is not None:
                p_snapshots.append(
                    parameters_to_vector(pressure.parameters()).detach().cpu()
                )
            if self.verbose and (n % 10 == 9 or n == n_steps - 1):
                losses = ", ".join(f"{k} {v[-1]:.3e}" for k, v in curves[-1].items())
                print(
                    f"INSRSolver step {n + 1}/{n_steps} (t = {(n + 1) * dt:.4g}): "
                    f"{losses}; {step_times[-1]:.2f} s"
                )
        self.times_ = dt * np.arange(n_steps + 1)
        self.times_[-1] = t_final
        self.snapshots_ = torch.stack(snapshots).numpy()
        self.pressure_snapshots_ = (
            None if p_snapshots is None else torch.stack(p_snapshots).numpy()
        )
        self.step_times_ = np.asarray(step_times)
        self.loss_curves_ = curves
        self.n_iter_ = np.array([sum(len(c) for c in d.values()) for d in curves])
        return self

    def _minimise(
        self, module, loss_fn, sample, max_iter, learning_rate, patience=None
    ):
        """Minimise ``loss_fn(points)`` over a module's weights; the loss curve."""
        curve = np.empty(max_iter)
        if max_iter == 0:
            return curve
        if self.optimizer == "lbfgs":
            return self._minimise_lbfgs(module, loss_fn, sample(), max_iter)
        opt = torch.optim.Adam(module.parameters(), lr=learning_rate)
        schedule = torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt,
            factor=0.1,
            patience=self.patience if patience is None else patience,
            min_lr=_MIN_LR,
        )
        for it in range(max_iter):
            opt.zero_grad()
            loss = loss_fn(sample())
            loss.backward()
            opt.step()
            curve[it] = float(loss.detach())
            schedule.step(curve[it])
            if opt.param_groups[0]["lr"] <= 1.1 * _MIN_LR:
                return curve[: it + 1]
        return curve

    def _minimise_lbfgs(self, module, loss_fn, x, max_iter):
        """L-BFGS (strong Wolfe) on one sample of points."""
        curve = []
        opt = torch.optim.LBFGS(
            module.parameters(),
            lr=1.0,
            max_iter=max_iter,
            history_size=50,
            tolerance_grad=1e-12,
            tolerance_change=1e-16,
            line_search_fn="strong_wolfe",
        )

        def closure():
            opt.zero_grad()
            loss = loss_fn(x)
            loss.backward()
            curve.append(float(loss.detach()))
            return loss

        opt.step(closure)
        return np.asarray(curve)

    def _scalar_step(self, problem, module, sample, dt):
        nonlinear, velocity, diffusivity = transport(problem)
        previous = copy.deepcopy(module).requires_grad_(False)
        order = 2 if diffusivity else 1

        def residual_loss(x):
            u, grad, *lap = module.jet(x, order)
            with torch.no_grad():
                u_n, grad_n = previous.jet(x, 1)
            speed = (u + u_n) / 2 if nonlinear else velocity
            r = (u - u_n) / dt + speed * (grad[:, 0] + grad_n[:, 0]) / 2
            if diffusivity:
                r = r - diffusivity * lap[0]
            return (r**2).mean()

        def step():
            previous.load_state_dict(module.state_dict())
            return {
                "residual": self._minimise(
                    module, residual_loss, sample, self.max_iter, self.learning_rate
                )
            }

        return step

    def _flow_step(self, problem, module, pressure, sample, dt):
        nu = problem.nu
        previous = copy.deepcopy(module).requires_grad_(False)
        advected = copy.deepcopy(module).requires_grad_(False)

        def advection_loss(x):
            with torch.no_grad():  # semi-Lagrangian target, midpoint back-trace
                mid = x - 0.5 * dt * previous(x)
                target = previous(x - dt * previous(mid))
            if nu:
                u, _, lap = module.jet(x, 2)
                r = u - dt * nu * lap - target
            else:
                r = module(x) - target
            return (r**2).sum(-1).mean()

        def pressure_loss(x):
            with torch.no_grad():
                _, grad = advected.jet(x, 1)
                div = grad[:, 0, 0] + grad[:, 1, 1]
            _, _, lap = pressure.jet(x, 2)
            return ((lap[:, 0] - div) ** 2).mean()

        def projection_loss(x):
            with torch.no_grad():
                _, grad_q = pressure.jet(x, 1)
                target = advected(x) - grad_q[:, :, 0]
            return ((module(x) - target) ** 2).sum(-1).mean()

        pressure_solved = False

        def step():
            nonlocal pressure_solved
            previous.load_state_dict(module.state_dict())
            lr, n = self.learning_rate, self.max_iter
            curves = {
                "advection": self._minimise(module, advection_loss, sample, n, lr)
            }
            advected.load_state_dict(module.state_dict())
            if not pressure_solved:  # the pressure network starts from zero
                pressure_solved = True
                n_q, lr_q = self.init_max_iter, self.init_learning_rate
                patience = max(self.patience, n_q // 10)
            else:
                n_q, lr_q, patience = n, lr, None
            curves["pressure"] = self._minimise(
                pressure, pressure_loss, sample, n_q, lr_q, patience
            )
            curves["projection"] = self._minimise(
                module, projection_loss, sample, n, lr
            )
            return curves

        return step

    # ------------------------------------------------------------ outputs
    def _flat_points(self, x, t):
        """Flattened positions (m, d) and times (m,), and the output shape."""
        check_is_fitted(self)
        name = f"{type(self).__name__}.predict"
        try:
            if self.problem_.n_spatial_dims == 2:
                xs, ys, ts = self.problem_._xy_t(x, t)
                positions = np.stack([xs.ravel(), ys.ravel()], axis=-1)
                shape = ts.shape
            else:
                xs, ts = _points(x, t)
                positions, shape = xs.reshape(-1, 1), xs.shape
        except ValueError as exc:
            raise ValueError(f"{name}: {exc}") from None
        t_final = self.times_[-1]
        if np.any(ts > t_final * (1 + 1e-12)):
            raise ValueError(
                f"{name}: t must lie in the integrated interval [0, {t_final:g}]; "
                f"got up to {ts.max():g}."
            )
        return positions, ts.ravel(), shape

    def _evaluate(self, snapshots, module, positions, times):
        """Snapshots interpolated linearly in time at (positions, times)."""
        n_out = module.out.out_features
        out = np.zeros((len(times), n_out))
        if not len(times):
            return out
        pos = np.clip(times / self.time_step_, 0, len(self.times_) - 1)
        lower = np.minimum(np.floor(pos).astype(int), len(self.times_) - 2)
        lower = np.maximum(lower, 0)
        weight = pos - lower if len(self.times_) > 1 else np.zeros_like(pos)
        scratch = copy.deepcopy(module).requires_grad_(False)
        for j in np.unique(np.concatenate([lower, lower + 1])):
            w = np.where(lower == j, 1 - weight, 0.0) + np.where(
                lower + 1 == j, weight, 0.0
            )
            mask = w > 0
            if not mask.any():
                continue
            vector_to_parameters(
                torch.as_tensor(snapshots[j], device=self.device_),
                scratch.parameters(),
            )
            idx = np.flatnonzero(mask)
            with torch.no_grad():
                for s in range(0, idx.size, _BATCH):
                    block = idx[s : s + _BATCH]
                    xb = torch.as_tensor(
                        positions[block], dtype=torch.float32, device=self.device_
                    )
                    values = scratch(xb).cpu().numpy().astype(np.float64)
                    out[block] += w[block, None] * values
        return out

    def predict(self, x, t):
        """Evaluate the solution at points, linearly in time between snapshots.

        Parameters
        ----------
        x : array-like
            Positions: any shape in 1-D, shape ``(..., 2)`` for flows (any
            real numbers: the solution is periodic).
        t : array-like
            Times in ``[0, t_final]``, of the shape of ``x`` (of
            ``x.shape[:-1]`` for flows) or broadcastable to it.

        Returns
        -------
        u : ndarray
            The solution (float64): of the broadcast shape in 1-D, the
            velocity of shape ``(..., 2)`` for flows.
        """
        positions, times, shape = self._flat_points(x, t)
        values = self._evaluate(self.snapshots_, self.module_, positions, times)
        if self.problem_.n_spatial_dims == 2:
            return values.reshape(*shape, 2)
        return values.reshape(shape)

    def predict_pressure(self, x, t):
        r"""Evaluate the pressure of a flow (density 1, zero mean on the grid).

        The pressure network holds :math:`q = \Delta t\,p` up to a
        constant; this returns :math:`q / \\Delta t` minus its mean over a
        32 x 32 grid of the domain at the same time, the convention of
        :meth:`~geomlearn.pde.problems.TaylorGreen.pressure`. Row 0 of
        ``pressure_snapshots_`` (t = 0) is the untrained network, so at
        times before the first step the value is not meaningful.

        Parameters
        ----------
        x : array-like of shape (..., 2)
            Positions.
        t : array-like
            Times in ``[0, t_final]`` (broadcastable to ``x.shape[:-1]``).

        Returns
        -------
        p : ndarray
            The pressure at ``(x, t)``, of shape ``x.shape[:-1]`` (broadcast).
        """
        check_is_fitted(self)
        if self.pressure_module_ is None:
            raise ValueError(
                "predict_pressure needs a flow problem (TaylorGreen); this solver "
                f"was fitted on {type(self.problem_).__name__}."
            )
        positions, times, shape = self._flat_points(x, t)
        module, snaps = self.pressure_module_, self.pressure_snapshots_
        q = self._evaluate(snaps, module, positions, times)[:, 0]
        # remove the arbitrary constant: the mean over a grid of every
        # snapshot, interpolated in time as the snapshots are
        lo, hi = self.problem_.x_range
        g = lo + (hi - lo) * np.arange(32) / 32
        grid = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
        snapshot_means = [
            self._evaluate(snaps, module, grid, np.full(len(grid), s)).mean()
            for s in self.times_
        ]
        means = np.interp(times, self.times_, snapshot_means)
        return ((q - means) / self.time_step_).reshape(shape)

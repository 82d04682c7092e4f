r"""Time-dependent PDE problems with their ground truth, for the neural solvers.

A problem holds everything a solver needs and nothing it learns: the
space-time domain, the initial condition (a callable on arrays), the
coefficients, the boundary conditions (periodic for every problem here) and
``reference(x, t)``, the ground truth evaluated at arrays of points.

=====================  ==========================================  ================
problem                equation                                    ground truth
=====================  ==========================================  ================
:class:`Convection`    :math:`u_t + \beta u_x = \nu u_{xx}`        Fourier, exact
:class:`Heat`          :math:`u_t = \kappa u_{xx}`                 Fourier, exact
:class:`Advection`     :math:`u_t + c u_x = 0`                     :math:`u_0(x - ct)`
:class:`Burgers`       :math:`u_t + u u_x = \nu u_{xx}`            :func:`~geomlearn.pde.solve_burgers`
:class:`TaylorGreen`   2-D incompressible Navier-Stokes            closed form
=====================  ==========================================  ================

The solvers (:class:`~geomlearn.pde.PINN`,
:class:`~geomlearn.pde.LagrangianPINN`) take a problem in ``fit(problem)``
and evaluate on points in ``predict(x, t)``, the signature of ``reference``.
This module needs numpy only.
"""

import numpy as np

__all__ = ["Advection", "Burgers", "Convection", "Heat", "TaylorGreen"]

_N_FOURIER = 1025  # odd: no Nyquist mode; samples of u0 for the Fourier series
_CHUNK = 4096  # points per block of the Fourier sums


def _finite(value, name, *, positive=False, non_negative=False):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number; got {value!r}.") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}.")
    if positive and value <= 0:
        raise ValueError(f"{name} must be positive; got {value!r}.")
    if non_negative and value < 0:
        raise ValueError(f"{name} must be non-negative; got {value!r}.")
    return value


def _check_u0(u0):
    if u0 is not None and not callable(u0):
        raise TypeError(
            f"u0 must be None or a callable taking an array of positions; got "
            f"{type(u0).__name__}."
        )
    return u0


def _points(x, t):
    """Broadcast x and t to one shape of float64 arrays; refuse NaN and t < 0."""
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    try:
        x, t = np.broadcast_arrays(x, t)
    except ValueError:
        raise ValueError(
            f"x and t must have the same shape (or broadcast to one); got "
            f"{x.shape} and {t.shape}."
        ) from None
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t))):
        raise ValueError("x and t must be finite (no NaN or infinity).")
    if np.any(t < 0):
        raise ValueError("t must be non-negative: the problems start at t = 0.")
    return x, t


class _PeriodicProblem1D:
    """A scalar PDE on a periodic interval [x_min, x_min + length) x [0, t_final]."""

    n_spatial_dims = 1
    boundary = "periodic"

    @property
    def x_range(self):
        """(x_min, x_max): the spatial period (tuple of float)."""
        return (self._x_min, self._x_min + self.length)

    @property
    def t_range(self):
        """(0, t_final): the time interval (tuple of float)."""
        return (0.0, self.t_final)

    def initial_condition(self, x):
        """Evaluate the initial condition at positions ``x`` (periodically)."""
        x = np.asarray(x, dtype=float)
        xw = self._x_min + np.mod(x - self._x_min, self.length)
        u0 = self.u0 if self.u0 is not None else self._default_u0
        out = np.asarray(u0(xw), dtype=float)
        return np.broadcast_to(out, x.shape).copy()

    def _fourier(self):
        """Significant Fourier modes (wavenumbers, coefficients) of u0."""
        if getattr(self, "_modes", None) is None:
            n = _N_FOURIER
            xs = self._x_min + self.length * np.arange(n) / n
            c = np.fft.fft(self.initial_condition(xs)) / n
            k = 2 * np.pi * np.fft.fftfreq(n, d=1.0 / n) / self.length
            keep = np.abs(c) > 1e-14 * max(np.abs(c).max(), 1e-300)
            self._modes = (k[keep], c[keep])
        return self._modes

    def _fourier_solution(self, x, t, velocity, diffusivity):
        """Sum of the modes of u0, each translated by velocity*t and damped."""
        x, t = _points(x, t)
        k, c = self._fourier()
        xf, tf = (x - self._x_min).ravel(), t.ravel()
        out = np.empty(xf.shape)
        for s in range(0, xf.size, _CHUNK):
            xs, ts = xf[s : s + _CHUNK, None], tf[s : s + _CHUNK, None]
            terms = c * np.exp(1j * k * (xs - velocity * ts) - diffusivity * k**2 * ts)
            out[s : s + _CHUNK] = terms.sum(axis=1).real
        return out.reshape(x.shape)

    def __repr__(self):
        params = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._param_names)
        return f"{type(self).__name__}({params})"

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_modes", None)  # a cache
        return state


class Convection(_PeriodicProblem1D):
    r"""Convection(-diffusion) on the periodic interval :math:`[0, 2\pi)`.

    :math:`u_t + \beta u_x = \nu u_{xx}` for :math:`t \in [0, T]`, periodic in
    :math:`x`, the benchmark on which plain PINNs fail for large
    :math:`\beta` (Krishnapriyan et al., 2021; Mojgani et al., 2023).

    Parameters
    ----------
    beta : float
        Convection speed :math:`\beta`.
    nu : float, default=0.0
        Diffusivity :math:`\nu \ge 0`.
    u0 : callable or None, default=None
        Initial condition, called on an array of positions in
        :math:`[0, 2\pi)` and returning an array of the same shape; it should
        be smooth and periodic. ``None`` means :math:`\sin x`.
    t_final : float, default=1.0
        End :math:`T` of the time interval.

    Attributes
    ----------
    x_range : tuple of float
        ``(0, 2π)``.
    t_range : tuple of float
        ``(0, t_final)``.
    length : float
        The period, :math:`2\pi`.
    boundary : str
        ``"periodic"``.
    n_spatial_dims : int
        1.

    See Also
    --------
    Heat : The pure diffusion case.
    Advection : Transport of an arbitrary profile, exact for any ``u0``.

    Notes
    -----
    ``reference`` is the exact solution of the trigonometric interpolant of
    ``u0`` on 1025 nodes: every Fourier mode :math:`e^{ikx}` becomes
    :math:`e^{ik(x - \beta t) - \nu k^2 t}`. It is exact to round-off for
    trigonometric polynomials of degree below 512, such as the default.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde.problems import Convection
    >>> problem = Convection(beta=30.0)
    >>> x, t = np.array([0.5, 1.0]), np.array([0.0, 0.2])
    >>> np.allclose(problem.reference(x, t), np.sin(x - 30.0 * t))
    True
    """

    _param_names = ("beta", "nu", "u0", "t_final")

    def __init__(self, beta, nu=0.0, u0=None, *, t_final=1.0):
        self.beta = _finite(beta, "beta")
        self.nu = _finite(nu, "nu", non_negative=True)
        self.u0 = _check_u0(u0)
        self.t_final = _finite(t_final, "t_final", positive=True)
        self.length = 2 * np.pi
        self._x_min = 0.0

    @staticmethod
    def _default_u0(x):
        return np.sin(x)

    def reference(self, x, t):
        """Evaluate the exact solution.

        Parameters
        ----------
        x : array-like
            Positions (any real numbers: the solution is periodic).
        t : array-like
            Times, non-negative, of the shape of ``x`` (or broadcastable to
            it).

        Returns
        -------
        u : ndarray
            The solution at ``(x, t)``, of the broadcast shape.
        """
        return self._fourier_solution(x, t, self.beta, self.nu)


class Heat(_PeriodicProblem1D):
    r"""The heat equation :math:`u_t = \kappa u_{xx}` on a periodic interval.

    Parameters
    ----------
    kappa : float
        Diffusivity, non-negative.
    u0 : callable or None, default=None
        Initial condition on :math:`[0, L)`; ``None`` means
        :math:`\sin(2\pi x / L)`.
    length : float, default=2π
        The period :math:`L`.
    t_final : float, default=1.0
        End of the time interval.

    Attributes
    ----------
    x_range, t_range : tuple of float
        ``(0, length)`` and ``(0, t_final)``.
    boundary : str
        ``"periodic"``.
    n_spatial_dims : int
        1.

    See Also
    --------
    Convection : Adds a transport term.
    geomlearn.pde.solve_heat : The same exact solution on grids.

    Notes
    -----
    ``reference`` damps each Fourier mode of the trigonometric interpolant of
    ``u0`` (1025 nodes) by :math:`e^{-\kappa k^2 t}`: exact for trigonometric
    polynomials.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde.problems import Heat
    >>> problem = Heat(kappa=0.5)
    >>> u = problem.reference(np.full(3, 1.0), np.array([0.0, 1.0, 2.0]))
    >>> np.allclose(u, np.sin(1.0) * np.exp(-0.5 * np.array([0.0, 1.0, 2.0])))
    True
    """

    _param_names = ("kappa", "u0", "length", "t_final")

    def __init__(self, kappa, u0=None, *, length=2 * np.pi, t_final=1.0):
        self.kappa = _finite(kappa, "kappa", non_negative=True)
        self.u0 = _check_u0(u0)
        self.length = _finite(length, "length", positive=True)
        self.t_final = _finite(t_final, "t_final", positive=True)
        self._x_min = 0.0

    def _default_u0(self, x):
        return np.sin(2 * np.pi * x / self.length)

    def reference(self, x, t):
        """Evaluate the exact solution.

        Parameters
        ----------
        x : array-like
            Positions.
        t : array-like
            Non-negative times, of the shape of ``x`` (or broadcastable).

        Returns
        -------
        u : ndarray
            The solution at ``(x, t)``, of the broadcast shape.
        """
        return self._fourier_solution(x, t, 0.0, self.kappa)


class Advection(_PeriodicProblem1D):
    r"""Linear advection :math:`u_t + c u_x = 0` of a profile on a periodic interval.

    The 1-D setting of the INSR paper (Chen et al., 2023): a Gaussian bump
    carried at constant speed on :math:`[-L/2, L/2)`.

    Parameters
    ----------
    velocity : float
        The constant speed :math:`c`.
    u0 : callable or None, default=None
        Initial profile on :math:`[-L/2, L/2)`; ``None`` means the paper's
        Gaussian :math:`\exp(-(x + 1.5)^2 / (2 \cdot 0.1^2))`, made periodic
        by summing its images :math:`x + 1.5 - mL` (see ``boundary``).
    length : float, default=4.0
        The period :math:`L` (the domain is centred on 0).
    t_final : float, default=12.0
        End of the time interval (the paper: 240 steps of 0.05).

    Attributes
    ----------
    x_range, t_range : tuple of float
        ``(-length/2, length/2)`` and ``(0, t_final)``.
    boundary : str
        ``"periodic"``. The paper imposes zero Dirichlet values instead; its
        bump is 3.7e-6 at the left end (5 standard deviations away), so the
        default profile adds the images of the bump: smooth and periodic,
        it differs from the paper's by less than 4e-6.
    n_spatial_dims : int
        1.

    See Also
    --------
    Convection : The same equation with the failure-mode benchmark's setting.
    geomlearn.pde.solve_advection : The same solution on grids.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde.problems import Advection
    >>> problem = Advection(velocity=0.25)
    >>> float(problem.reference(-1.5 + 0.25 * 2.0, 2.0))  # the peak, moved
    1.0
    """

    _param_names = ("velocity", "u0", "length", "t_final")

    def __init__(self, velocity, u0=None, *, length=4.0, t_final=12.0):
        self.velocity = _finite(velocity, "velocity")
        self.u0 = _check_u0(u0)
        self.length = _finite(length, "length", positive=True)
        self.t_final = _finite(t_final, "t_final", positive=True)
        self._x_min = -self.length / 2

    def _default_u0(self, x):
        images = (x + 1.5)[..., None] - self.length * np.arange(-2, 3)
        return np.exp(-(images**2) / (2 * 0.1**2)).sum(axis=-1)

    def reference(self, x, t):
        """Evaluate the exact solution :math:`u_0(x - ct)` (wrapped periodically).

        Parameters
        ----------
        x : array-like
            Positions.
        t : array-like
            Non-negative times, of the shape of ``x`` (or broadcastable).

        Returns
        -------
        u : ndarray
            The solution at ``(x, t)``, of the broadcast shape.
        """
        x, t = _points(x, t)
        return self.initial_condition(x - self.velocity * t)


class Burgers(_PeriodicProblem1D):
    r"""Viscous Burgers :math:`u_t + u u_x = \nu u_{xx}` on :math:`[0, 2\pi)`.

    The Lagrangian-PINN setting (Mojgani et al., 2023): :math:`u_0 = \sin x
    + C`, periodic; the offset :math:`C` makes the steepening front travel
    at speed :math:`C`.

    Parameters
    ----------
    nu : float
        Viscosity, positive (0.01 in the paper).
    u0 : callable or None, default=None
        Initial condition on :math:`[0, 2\pi)`; ``None`` means
        :math:`\sin x + C`.
    offset : float, default=0.0
        The constant :math:`C` of the default initial condition (ignored when
        ``u0`` is given).
    t_final : float, default=1.0
        End of the time interval.
    n_grid : int, default=1024
        Nodes of the pseudo-spectral reference solve (see Notes).

    Attributes
    ----------
    x_range, t_range : tuple of float
        ``(0, 2π)`` and ``(0, t_final)``.
    boundary : str
        ``"periodic"``.
    n_spatial_dims : int
        1.

    See Also
    --------
    geomlearn.pde.solve_burgers : The solver behind ``reference``.

    Notes
    -----
    ``reference(x, t)`` solves the equation with
    :func:`~geomlearn.pde.solve_burgers` (``length=2π``, ``n_grid`` nodes,
    dealiased IFRK4) at every distinct requested time (or, beyond 2000
    distinct times, on 2001 equispaced times with linear interpolation in
    time), then evaluates the trigonometric interpolant of each snapshot at
    the requested positions. At :math:`\nu = 0.01` and :math:`t \le 1` the
    front of :math:`\sin x + C` is resolved by 1024 nodes; the refinement
    test in ``tests/pde/test_problems.py`` measures it.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde.problems import Burgers
    >>> problem = Burgers(nu=0.1, offset=1.0, n_grid=128)
    >>> x = np.linspace(0, 2 * np.pi, 5)
    >>> np.allclose(problem.reference(x, np.zeros(5)), np.sin(x) + 1.0)
    True
    >>> problem.reference(x, np.full(5, 0.5)).shape
    (5,)
    """

    _param_names = ("nu", "u0", "offset", "t_final", "n_grid")

    def __init__(self, nu, u0=None, *, offset=0.0, t_final=1.0, n_grid=1024):
        self.nu = _finite(nu, "nu", positive=True)
        self.u0 = _check_u0(u0)
        self.offset = _finite(offset, "offset")
        self.t_final = _finite(t_final, "t_final", positive=True)
        if isinstance(n_grid, bool) or not isinstance(n_grid, (int, np.integer)):
            raise TypeError(f"n_grid must be an int; got {n_grid!r}.")
        if n_grid < 8:
            raise ValueError(f"n_grid must be at least 8; got {n_grid}.")
        self.n_grid = int(n_grid)
        self.length = 2 * np.pi
        self._x_min = 0.0

    def _default_u0(self, x):
        return np.sin(x) + self.offset

    def reference(self, x, t):
        """Evaluate the pseudo-spectral reference solution.

        Parameters
        ----------
        x : array-like
            Positions.
        t : array-like
            Non-negative times, of the shape of ``x`` (or broadcastable).

        Returns
        -------
        u : ndarray
            The solution at ``(x, t)``, of the broadcast shape.
        """
        from geomlearn.pde._solvers import solve_burgers

        x, t = _points(x, t)
        n = self.n_grid
        grid = self.length * np.arange(n) / n
        u0 = self.initial_condition(grid)[None]
        times, inverse = np.unique(t, return_inverse=True)
        inverse = inverse.reshape(t.shape)
        exact_times = times.size <= 2000
        solve_at = times if exact_times else np.linspace(0, times.max(), 2001)
        snaps = solve_burgers(
            u0, self.nu, float(solve_at[-1]), t_eval=solve_at, length=self.length
        )[0]
        coef = np.fft.rfft(snaps, axis=-1) / n  # (n_times, n // 2 + 1)
        if not exact_times:  # linear interpolation in time of the coefficients
            pos = np.interp(times, solve_at, np.arange(solve_at.size))
            lo = np.minimum(np.floor(pos).astype(int), solve_at.size - 2)
            w = (pos - lo)[:, None]
            coef = (1 - w) * coef[lo] + w * coef[lo + 1]
        k = np.arange(coef.shape[1])
        weight = np.where((k == 0) | (2 * k == n), 1.0, 2.0)  # real series
        xf, idx = x.ravel(), inverse.ravel()
        out = np.empty(xf.shape)
        for s in range(0, xf.size, _CHUNK):
            phase = np.exp(1j * np.outer(xf[s : s + _CHUNK], k))
            out[s : s + _CHUNK] = (
                (weight * coef[idx[s : s + _CHUNK]] * phase).sum(axis=1).real
            )
        return out.reshape(x.shape)


class TaylorGreen:
    r"""The decaying Taylor-Green vortex, 2-D incompressible Navier-Stokes.

    On the periodic square :math:`[0, L)^2` with :math:`\kappa = 2\pi/L`,

    .. math::

        u = A \sin \kappa x \cos \kappa y \, e^{-2\nu\kappa^2 t}, \quad
        v = -A \cos \kappa x \sin \kappa y \, e^{-2\nu\kappa^2 t}, \quad
        p = \tfrac{A^2}{4} (\cos 2\kappa x + \cos 2\kappa y)
            e^{-4\nu\kappa^2 t}

    solves :math:`\mathbf u_t + (\mathbf u \cdot \nabla)\mathbf u = -\nabla p
    + \nu \Delta \mathbf u`, :math:`\nabla\cdot\mathbf u = 0` (density 1)
    exactly; with :math:`\nu = 0` (the INSR setting) it is a steady solution
    of the Euler equations.

    Parameters
    ----------
    nu : float, default=0.0
        Kinematic viscosity, non-negative.
    amplitude : float, default=1.0
        The velocity scale :math:`A`.
    length : float, default=2π
        The period :math:`L` of both axes.
    t_final : float, default=1.0
        End of the time interval.

    Attributes
    ----------
    x_range, t_range : tuple of float
        ``(0, length)`` (both axes) and ``(0, t_final)``.
    boundary : str
        ``"periodic"``.
    n_spatial_dims : int
        2.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde.problems import TaylorGreen
    >>> problem = TaylorGreen(nu=0.1)
    >>> xy = np.array([[np.pi / 2, 0.0], [0.0, np.pi / 2]])
    >>> problem.reference(xy, np.zeros(2))
    array([[ 1.,  0.],
           [ 0., -1.]])
    """

    n_spatial_dims = 2
    boundary = "periodic"
    _param_names = ("nu", "amplitude", "length", "t_final")

    def __init__(self, nu=0.0, *, amplitude=1.0, length=2 * np.pi, t_final=1.0):
        self.nu = _finite(nu, "nu", non_negative=True)
        self.amplitude = _finite(amplitude, "amplitude")
        self.length = _finite(length, "length", positive=True)
        self.t_final = _finite(t_final, "t_final", positive=True)

    __repr__ = _PeriodicProblem1D.__repr__

    @property
    def x_range(self):
        """(0, length): the period of each axis (tuple of float)."""
        return (0.0, self.length)

    @property
    def t_range(self):
        """(0, t_final): the time interval (tuple of float)."""
        return (0.0, self.t_final)

    def _xy_t(self, x, t):
        x = np.asarray(x, dtype=float)
        if x.ndim < 1 or x.shape[-1] != 2:
            raise ValueError(
                f"x must hold 2-D positions, shape (..., 2); got shape {x.shape}."
            )
        xs, ts = _points(x[..., 0], t)
        ys, _ = _points(x[..., 1], t)
        return xs, ys, ts

    def initial_condition(self, x):
        """Evaluate the initial velocity at positions ``x`` of shape (..., 2)."""
        return self.reference(x, np.zeros(np.shape(x)[:-1]))

    def reference(self, x, t):
        """Evaluate the exact velocity field.

        Parameters
        ----------
        x : array-like of shape (..., 2)
            Positions.
        t : array-like of shape (...)
            Non-negative times (broadcastable to ``x.shape[:-1]``).

        Returns
        -------
        velocity : ndarray of shape (..., 2)
            :math:`(u, v)` at ``(x, t)``.
        """
        xs, ys, ts = self._xy_t(x, t)
        k = 2 * np.pi / self.length
        decay = self.amplitude * np.exp(-2 * self.nu * k**2 * ts)
        u = np.sin(k * xs) * np.cos(k * ys) * decay
        v = -np.cos(k * xs) * np.sin(k * ys) * decay
        return np.stack([u, v], axis=-1)

    def pressure(self, x, t):
        """Evaluate the exact pressure (density 1, zero mean).

        Parameters
        ----------
        x : array-like of shape (..., 2)
            Positions.
        t : array-like of shape (...)
            Non-negative times (broadcastable to ``x.shape[:-1]``).

        Returns
        -------
        p : ndarray of shape (...)
            The pressure at ``(x, t)``.
        """
        xs, ys, ts = self._xy_t(x, t)
        k = 2 * np.pi / self.length
        decay = self.amplitude**2 / 4 * np.exp(-4 * self.nu * k**2 * ts)
        return (np.cos(2 * k * xs) + np.cos(2 * k * ys)) * decay

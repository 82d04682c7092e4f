r"""Reference solvers for the PDEs of the operator-learning benchmarks.

Classical numerical solvers, written with numpy and scipy and vectorised over
a batch of samples (the leading axis of every field). They produce the data
of the FNO / LSM benchmarks and serve as ground truth for learned solvers;
each one is checked against analytic solutions in the test suite, with its
order of convergence measured there.

- :func:`solve_darcy`: steady Darcy flow ``-div(a grad u) = f`` on the unit
  square, second-order finite differences, sparse direct solve (SuperLU).
- :func:`solve_burgers`: 1-D viscous Burgers on a periodic interval,
  pseudo-spectral, integrating factor + fourth-order Runge-Kutta.
- :func:`solve_navier_stokes`: 2-D incompressible Navier-Stokes in vorticity
  form on the torus, pseudo-spectral, Crank-Nicolson viscous term.
- :func:`solve_heat`, :func:`solve_advection`: exact Fourier solutions on
  periodic grids of any dimension.

Grid conventions. Darcy fields live on the node grid *including* the
boundary, as in the FNO data: ``H x W`` nodes ``(i / (H - 1), j / (W - 1))``.
Periodic fields live on ``N`` equispaced nodes ``j * length / N`` per axis
(the right end point, equal to the left one, is not stored). Grid axis ``1``
of an array is the coordinate ``x``, axis ``2`` is ``y``.
"""

from numbers import Real

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from geomlearn.utils.validation import check_grid_fields

__all__ = [
    "solve_advection",
    "solve_burgers",
    "solve_darcy",
    "solve_heat",
    "solve_navier_stokes",
]


# --------------------------------------------------------------------- helpers
def _fields(X, n_spatial_dims, name):
    """Validate a batch of fields without channel axis; return float64."""
    if n_spatial_dims is None:
        n_spatial_dims = np.ndim(X) - 1
        if n_spatial_dims < 1:
            raise ValueError(
                f"{name} must have shape (n_samples, *grid) with at least one grid "
                f"axis; got shape {np.shape(X)}."
            )
    X, _ = check_grid_fields(
        X, n_spatial_dims=n_spatial_dims, channels="forbidden", input_name=name
    )
    return np.ascontiguousarray(X[..., 0], dtype=np.float64)


def _positive(value, name, *, strict=True):
    if not isinstance(value, Real) or isinstance(value, bool) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number; got {value!r}.")
    if (value <= 0) if strict else (value < 0):
        kind = "positive" if strict else "non-negative"
        raise ValueError(f"{name} must be {kind}; got {value!r}.")
    return float(value)


def _lengths(length, ndim):
    lengths = np.broadcast_to(np.asarray(length, dtype=float), (ndim,))
    if np.ndim(length) > 1 or not np.all(np.isfinite(lengths) & (lengths > 0)):
        raise ValueError(
            f"length must be a positive number or one per grid axis ({ndim}); "
            f"got {length!r}."
        )
    return lengths


def _output_times(t_final, t_eval):
    """Return the times to stop at, and whether a time axis is returned."""
    t_final = _positive(t_final, "t_final", strict=False)
    if t_eval is None:
        return np.array([t_final]), False
    times = np.asarray(t_eval, dtype=float)
    if (
        times.ndim != 1
        or times.size == 0
        or not np.all(np.isfinite(times))
        or np.any(np.diff(times) <= 0)
        or times[0] < 0
        or times[-1] > t_final
    ):
        raise ValueError(
            "t_eval must be a non-empty increasing 1-D array of times in "
            f"[0, t_final] = [0, {t_final}]; got {t_eval!r}."
        )
    return times, True


def _wavenumbers(shape, lengths):
    """Return the angular and the integer wavenumbers of an rfftn.

    One broadcastable array per axis; the integers serve for dealiasing.
    """
    d = len(shape)
    ks, ints = [], []
    for axis, (n, L) in enumerate(zip(shape, lengths, strict=True)):
        m = np.fft.rfftfreq(n, 1.0 / n) if axis == d - 1 else np.fft.fftfreq(n, 1.0 / n)
        view = [1] * d
        view[axis] = m.size
        ints.append(np.abs(m).reshape(view))
        ks.append((2 * np.pi / L * m).reshape(view))
    return ks, ints


def _step_sizes(remaining, dt_max):
    """Per-sample steps that reach the next output time in equal steps.

    ``remaining`` and ``dt_max`` have shape (n,); samples already there get a
    step of zero (which leaves them unchanged).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        n_steps = np.ceil(remaining / dt_max * (1 - 1e-12))
        dt = np.where(remaining > 0, remaining / np.maximum(n_steps, 1), 0.0)
    return dt


def _time_loop(state, times, advance, dt_max, adaptive, to_physical):
    """March ``state`` (n, ...) through ``times``; collect physical snapshots.

    ``dt_max`` (n,) bounds the first step (every step if not ``adaptive``).
    ``advance(state, dt)`` returns the state after one step of the per-sample
    sizes ``dt`` (n,) and, when adaptive, the bound (n,) for the next one
    (``inf`` where unconstrained, e.g. a zero field: then one step reaches
    the output time).
    """
    n = state.shape[0]
    t = np.zeros(n)
    out = []
    for t_next in times:
        while True:
            remaining = np.maximum(t_next - t, 0.0)
            if not np.any(remaining > 0):
                break
            dt = _step_sizes(remaining, dt_max)
            state, dt_stable = advance(state, dt)
            if adaptive:  # samples already there keep theirs: batch-independent
                dt_max = np.where(dt > 0, dt_stable, dt_max)
            # land exactly on the output time when the step was the last one
            t = np.where(dt >= remaining, t_next, t + dt)
        snapshot = to_physical(state)
        if not np.all(np.isfinite(snapshot)):
            raise FloatingPointError(
                f"the solution is no longer finite at t={t_next}; use a smaller "
                "time step (dt or cfl) or a finer grid."
            )
        out.append(snapshot)
    return np.stack(out, axis=1)


# ----------------------------------------------------------------------- Darcy
def _darcy_structure(H, W):
    """Return the rows and columns of the interior 5-point stencil.

    In the order: diagonal, x-neighbours (both ways), y-neighbours.
    """
    I, J = H - 2, W - 2
    idx = np.arange(I * J).reshape(I, J)
    rows = [idx.ravel()]
    cols = [idx.ravel()]
    # x-neighbours: (i, j) -- (i + 1, j), interior nodes i = 1..H-2
    rows += [idx[:-1].ravel(), idx[1:].ravel()]
    cols += [idx[1:].ravel(), idx[:-1].ravel()]
    # y-neighbours
    rows += [idx[:, :-1].ravel(), idx[:, 1:].ravel()]
    cols += [idx[:, 1:].ravel(), idx[:, :-1].ravel()]
    return np.concatenate(rows), np.concatenate(cols)


def solve_darcy(coefficients, forcing=1.0, *, face_average="arithmetic"):
    r"""Solve steady 2-D Darcy flow with zero boundary values.

    Solves :math:`-\nabla\cdot(a\nabla u) = f` on the unit square
    :math:`(0, 1)^2` with :math:`u = 0` on the boundary, for each coefficient
    field :math:`a > 0` of the batch, with the conservative five-point finite
    difference scheme on the node grid (boundary included, as in the FNO
    data): at an interior node,

    .. math::

        -\frac{a_{i+\frac12,j}(u_{i+1,j} - u_{i,j})
              - a_{i-\frac12,j}(u_{i,j} - u_{i-1,j})}{h_x^2}
        -\frac{a_{i,j+\frac12}(u_{i,j+1} - u_{i,j})
              - a_{i,j-\frac12}(u_{i,j} - u_{i,j-1})}{h_y^2} = f_{i,j},

    with :math:`h_x = 1 / (H - 1)`, :math:`h_y = 1 / (W - 1)` and the face
    coefficients averaged from the two nodes they join. The scheme is
    second-order accurate for smooth :math:`a` and :math:`u` (measured in
    the tests) and, for any positive :math:`a`, gives a symmetric positive
    definite system, solved by SuperLU (:func:`scipy.sparse.linalg.splu`)
    one sample at a time.

    Parameters
    ----------
    coefficients : array-like of shape (n_samples, H, W)
        The diffusion coefficient :math:`a` at the nodes, positive. ``H``
        and ``W`` are at least 3. Boundary values enter through the faces
        next to the boundary.
    forcing : float or array-like of shape (H, W) or (n_samples, H, W), default=1.0
        The right-hand side :math:`f` at the nodes (the FNO data use 1);
        values on the boundary are not used.
    face_average : {"arithmetic", "harmonic"}, default="arithmetic"
        How a face coefficient is obtained from its two nodes:
        :math:`(a_1 + a_2) / 2` (as the FNO data generator) or
        :math:`2 a_1 a_2 / (a_1 + a_2)`, the flux-continuous choice for
        piecewise-constant media. Both are second order for smooth
        coefficients; they differ by :math:`O(h)` at jumps of :math:`a`.

    Returns
    -------
    u : ndarray of shape (n_samples, H, W)
        The pressure at the nodes, zero on the boundary (``float64``).

    See Also
    --------
    solve_navier_stokes : The time-dependent benchmark of the same papers.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import solve_darcy
    >>> a = np.ones((2, 33, 33))
    >>> a[1, :, 16:] = 4.0  # a two-layer medium
    >>> u = solve_darcy(a, forcing=1.0)
    >>> u.shape
    (2, 33, 33)
    >>> float(u[0].max())  # constant coefficient: the torsion function
    0.0736...
    >>> bool(u[1].max() < u[0].max())  # a more permeable medium
    True
    """
    if face_average not in ("arithmetic", "harmonic"):
        raise ValueError(
            f"face_average must be 'arithmetic' or 'harmonic'; got {face_average!r}."
        )
    a = _fields(coefficients, 2, "coefficients")
    n, H, W = a.shape
    if H < 3 or W < 3:
        raise ValueError(
            f"coefficients needs at least 3 nodes per axis (an interior node); got "
            f"grid shape {(H, W)}."
        )
    if not np.all(a > 0):
        raise ValueError("coefficients must be positive everywhere.")
    if isinstance(forcing, Real) and not isinstance(forcing, bool):
        f = np.full((1, H, W), float(forcing))
    else:
        f = np.asarray(forcing, dtype=np.float64)
        if f.shape == (H, W):
            f = f[np.newaxis]
        if f.shape not in ((1, H, W), (n, H, W)):
            raise ValueError(
                f"forcing must be a number or have shape {(H, W)} or {(n, H, W)}; "
                f"got shape {f.shape}."
            )
    if not np.all(np.isfinite(f)):
        raise ValueError("forcing must be finite.")
    f = np.broadcast_to(f, (n, H, W))

    def average(left, right):
        if face_average == "arithmetic":
            return 0.5 * (left + right)
        return 2.0 * left * right / (left + right)

    hx2, hy2 = (H - 1.0) ** 2, (W - 1.0) ** 2  # 1 / h^2
    rows, cols = _darcy_structure(H, W)
    size = (H - 2) * (W - 2)
    u = np.zeros((n, H, W))
    for s in range(n):
        ax = average(a[s, :-1], a[s, 1:]) * hx2  # face (i + 1/2, j): (H-1, W)
        ay = average(a[s, :, :-1], a[s, :, 1:]) * hy2  # face (i, j + 1/2)
        diag = ax[:-1, 1:-1] + ax[1:, 1:-1] + ay[1:-1, :-1] + ay[1:-1, 1:]
        off_x = -ax[1:-1, 1:-1]  # between interior rows i and i + 1
        off_y = -ay[1:-1, 1:-1]
        data = np.concatenate(
            [diag.ravel(), off_x.ravel(), off_x.ravel(), off_y.ravel(), off_y.ravel()]
        )
        A = sp.csc_array((data, (rows, cols)), shape=(size, size))
        lu = splu(A, permc_spec="MMD_AT_PLUS_A")
        u[s, 1:-1, 1:-1] = lu.solve(f[s, 1:-1, 1:-1].ravel()).reshape(H - 2, W - 2)
    return u


# --------------------------------------------------------------------- Burgers
def solve_burgers(u0, nu, t_final, *, t_eval=None, length=1.0, dt=None, cfl=0.5):
    r"""Solve the 1-D viscous Burgers equation on a periodic interval.

    Integrates :math:`u_t + (u^2/2)_x = \nu u_{xx}` on :math:`[0, L)` with
    periodic boundary conditions by a Fourier pseudo-spectral method: the
    product :math:`u^2` is computed on the grid from a field truncated to
    the wavenumbers :math:`|k| < N/3` (the 2/3 rule, which removes
    aliasing), the viscous term is integrated exactly by an integrating
    factor :math:`e^{\nu k^2 t}`, and the rest by the classical fourth-order
    Runge-Kutta method (IFRK4). The spatial error decreases exponentially
    with ``N`` for smooth solutions, the viscous term imposes no step
    restriction, and the mean of :math:`u` is conserved to round-off.

    Steps are chosen per sample, so that a sample's result does not depend
    on the rest of the batch: by default each step satisfies
    :math:`\Delta t \max|u| \le \mathrm{cfl}\,\Delta x` (re-evaluated at
    every step); with ``dt`` given, steps are fixed. Either way, the steps
    between two output times are shrunk to equal sizes that end on the
    output time.

    Parameters
    ----------
    u0 : array-like of shape (n_samples, N)
        Initial conditions at the nodes ``j * length / N``.
    nu : float
        Viscosity, positive.
    t_final : float
        Final time, non-negative.
    t_eval : array-like of shape (n_times,), default=None
        Increasing output times in ``[0, t_final]``; the integration stops at
        the last one. By default only the solution at ``t_final`` is
        returned, without a time axis.
    length : float, default=1.0
        Period :math:`L` of the domain (1 in the FNO benchmark).
    dt : float, default=None
        Fixed (largest) time step; by default the CFL-limited adaptive step.
    cfl : float, default=0.5
        Courant number of the adaptive step. The explicit stage is stable
        up to about 1.3 for the dealiased grid; 0.5 leaves a margin.

    Returns
    -------
    u : ndarray of shape (n_samples, N) or (n_samples, n_times, N)
        The solution at ``t_final``, or at each of ``t_eval`` (``float64``).

    See Also
    --------
    solve_heat : The linear part on its own, solved exactly.

    References
    ----------
    .. [1] A.-K. Kassam, L. N. Trefethen, "Fourth-order time-stepping for
       stiff PDEs", SIAM J. Sci. Comput. 26(4), 2005.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import solve_burgers
    >>> x = np.linspace(0, 1, 128, endpoint=False)
    >>> u0 = np.stack([np.sin(2 * np.pi * x), 0.5 + np.cos(2 * np.pi * x)])
    >>> u = solve_burgers(u0, nu=0.01, t_final=1.0, t_eval=[0.5, 1.0])
    >>> u.shape
    (2, 2, 128)
    >>> np.allclose(u.mean(axis=-1), u0.mean(axis=-1)[:, None])  # conserved
    True
    """
    u0 = _fields(u0, 1, "u0")
    nu = _positive(nu, "nu")
    cfl = _positive(cfl, "cfl")
    dt = None if dt is None else _positive(dt, "dt")
    times, keep_time_axis = _output_times(t_final, t_eval)
    L = float(_lengths(length, 1)[0])
    N = u0.shape[1]
    (k,), (kint,) = _wavenumbers((N,), (L,))
    keep = 3 * kint < N  # 2/3 rule
    half_ik = np.where(keep, -0.5j * k, 0.0)  # -(1/2) d/dx, dealiased
    decay = -nu * k**2
    dx = L / N

    def nonlinear(v):
        u = np.fft.irfft(np.where(keep, v, 0.0), n=N, axis=-1)
        return half_ik * np.fft.rfft(u * u, axis=-1)

    def advance(v, dt):
        h = dt[:, None]
        E = np.exp(decay * h)
        E2 = np.exp(decay * h / 2)
        k1 = nonlinear(v)
        k2 = nonlinear(E2 * (v + h / 2 * k1))
        k3 = nonlinear(E2 * v + h / 2 * k2)
        k4 = nonlinear(E * v + h * E2 * k3)
        v = E * v + h / 6 * (E * k1 + 2 * E2 * (k2 + k3) + k4)
        umax = np.abs(np.fft.irfft(v, n=N, axis=-1)).max(axis=-1)
        with np.errstate(divide="ignore"):
            return v, cfl * dx / umax

    v0 = np.fft.rfft(u0, axis=-1)
    if dt is None:
        with np.errstate(divide="ignore"):
            dt_max = cfl * dx / np.abs(u0).max(axis=-1)
    else:
        dt_max = np.full(len(u0), dt)

    def to_physical(v):
        return np.fft.irfft(v, n=N, axis=-1)

    out = _time_loop(v0, times, advance, dt_max, dt is None, to_physical)
    return out if keep_time_axis else out[:, 0]


# --------------------------------------------------------------- Navier-Stokes
def solve_navier_stokes(
    w0,
    nu,
    t_final,
    forcing=None,
    *,
    t_eval=None,
    length=1.0,
    dt=None,
    cfl=0.25,
    scheme="heun",
):
    r"""Solve 2-D incompressible Navier-Stokes in vorticity form on the torus.

    Integrates

    .. math::

        \partial_t w + \mathbf{u}\cdot\nabla w = \nu\Delta w + f, \qquad
        \mathbf{u} = (\partial_y\psi, -\partial_x\psi), \qquad
        -\Delta\psi = w,

    on the periodic square :math:`[0, L)^2` by a Fourier pseudo-spectral
    method, as the FNO data generator does: the stream function is obtained
    in Fourier space, the advection term is computed on the grid from fields
    truncated to :math:`|k_x| < H/3`, :math:`|k_y| < W/3` (the 2/3 rule) and
    truncated again, and the viscous term is treated by Crank-Nicolson.

    ``scheme`` sets the explicit part: ``"euler"`` is the FNO generator's
    scheme (forward Euler for advection and forcing, first order in time);
    ``"heun"`` corrects that step once with the trapezoidal rule (explicit
    trapezoid + Crank-Nicolson, second order, and stable at larger steps).
    The mean of :math:`w` changes only through the mean of the forcing.

    Steps are chosen per sample, so that a sample's result does not depend
    on the rest of the batch: by default
    :math:`\Delta t\,(\max|u_x|/\Delta x + \max|u_y|/\Delta y) \le
    \mathrm{cfl}`, with the velocities of the previous step (of its start
    and, for ``"heun"``, of its predictor, whichever is faster), and
    :math:`\Delta t \le \mathrm{cfl}/\sqrt{\max|f|}` with a forcing; with
    ``dt`` given, steps are fixed. Either way, the steps between two output times are shrunk to
    equal sizes that end on the output time.

    Parameters
    ----------
    w0 : array-like of shape (n_samples, H, W)
        Initial vorticity at the nodes ``(i L / H, j L / W)``.
    nu : float
        Viscosity, positive.
    t_final : float
        Final time, non-negative.
    forcing : array-like of shape (H, W) or (n_samples, H, W), default=None
        Time-independent forcing :math:`f` at the nodes; none by default.
        The FNO data use :math:`0.1(\sin 2\pi(x + y) + \cos 2\pi(x + y))`.
    t_eval : array-like of shape (n_times,), default=None
        Increasing output times in ``[0, t_final]``; the integration stops at
        the last one. By default only the solution at ``t_final`` is
        returned, without a time axis.
    length : float, default=1.0
        Period :math:`L` of the domain (1 in the FNO benchmark).
    dt : float, default=None
        Fixed (largest) time step; by default the CFL-limited adaptive step.
        The FNO data were made with ``dt=1e-4`` and ``scheme="euler"``.
    cfl : float, default=0.25
        Courant number of the adaptive step. Neither explicit scheme is
        stable for pure advection at any step, so the margin matters in
        nearly inviscid flows: at ``cfl=0.5`` an under-resolved flow with
        ``nu=1e-5`` on a 64 x 64 grid was seen to blow up, at 0.35 not.
    scheme : {"heun", "euler"}, default="heun"
        The explicit part of the time stepping, see above.

    Returns
    -------
    w : ndarray of shape (n_samples, H, W) or (n_samples, n_times, H, W)
        The vorticity at ``t_final``, or at each of ``t_eval`` (``float64``).

    See Also
    --------
    solve_burgers : The 1-D analogue.

    Examples
    --------
    Taylor-Green vortex: the advection term vanishes and the vorticity decays
    as :math:`e^{-2\nu k^2 t}`.

    >>> import numpy as np
    >>> from geomlearn.pde import solve_navier_stokes
    >>> x = np.linspace(0, 1, 32, endpoint=False)
    >>> X, Y = np.meshgrid(x, x, indexing="ij")
    >>> w0 = np.sin(2 * np.pi * X) * np.sin(2 * np.pi * Y)
    >>> w = solve_navier_stokes(w0[None], nu=1e-3, t_final=1.0, dt=0.01)
    >>> decay = np.exp(-2 * 1e-3 * (2 * np.pi) ** 2 * 1.0)
    >>> bool(np.abs(w[0] - decay * w0).max() < 1e-6)
    True
    """
    if scheme not in ("heun", "euler"):
        raise ValueError(f"scheme must be 'heun' or 'euler'; got {scheme!r}.")
    w0 = _fields(w0, 2, "w0")
    nu = _positive(nu, "nu")
    cfl = _positive(cfl, "cfl")
    dt = None if dt is None else _positive(dt, "dt")
    times, keep_time_axis = _output_times(t_final, t_eval)
    Lx, Ly = _lengths(length, 2)
    n, H, W = w0.shape
    (kx, ky), (mx, my) = _wavenumbers((H, W), (Lx, Ly))
    keep = (3 * mx < H) & (3 * my < W)
    k2 = kx**2 + ky**2
    inv_k2 = np.where(k2 > 0, 1.0 / np.where(k2 > 0, k2, 1.0), 0.0)
    # dealiased spectral derivatives: d/dx, d/dy, and psi -> velocity
    dx_op = np.where(keep, 1j * kx, 0.0)
    dy_op = np.where(keep, 1j * ky, 0.0)
    ux_op = dy_op * inv_k2  # u_x = d(psi)/dy, psi_hat = w_hat / |k|^2
    uy_op = -dx_op * inv_k2
    visc = nu * k2
    hx, hy = Lx / H, Ly / W

    if forcing is None:
        f_hat = np.zeros((1, H, W // 2 + 1), dtype=complex)
        f_max = np.zeros(n)
    else:
        f = np.asarray(forcing, dtype=np.float64)
        if f.shape == (H, W):
            f = f[np.newaxis]
        if f.shape not in ((1, H, W), (n, H, W)) or not np.all(np.isfinite(f)):
            raise ValueError(
                f"forcing must be finite with shape {(H, W)} or {(n, H, W)}; got "
                f"shape {f.shape}."
            )
        f_hat = np.fft.rfft2(f, axes=(1, 2))
        f_max = np.broadcast_to(np.abs(f).max(axis=(1, 2)), (n,))
    with np.errstate(divide="ignore"):
        dt_forcing = cfl / np.sqrt(f_max)

    def tendency(v):
        """Return f - u.grad(w) in Fourier space and the CFL step bound."""
        ux = np.fft.irfft2(ux_op * v, s=(H, W), axes=(1, 2))
        uy = np.fft.irfft2(uy_op * v, s=(H, W), axes=(1, 2))
        wx = np.fft.irfft2(dx_op * v, s=(H, W), axes=(1, 2))
        wy = np.fft.irfft2(dy_op * v, s=(H, W), axes=(1, 2))
        adv = np.fft.rfft2(ux * wx + uy * wy, axes=(1, 2))
        rate = np.abs(ux).max(axis=(1, 2)) / hx + np.abs(uy).max(axis=(1, 2)) / hy
        with np.errstate(divide="ignore"):
            bound = np.minimum(cfl / rate, dt_forcing)
        return f_hat - np.where(keep, adv, 0.0), bound

    def advance(v, dt):
        h = dt[:, None, None]
        implicit = 1.0 + 0.5 * h * visc
        explicit = (1.0 - 0.5 * h * visc) * v
        r0, bound = tendency(v)
        v_new = (explicit + h * r0) / implicit
        if scheme == "heun":
            r1, bound_new = tendency(v_new)
            v_new = (explicit + 0.5 * h * (r0 + r1)) / implicit
            bound = np.minimum(bound, bound_new)
        return v_new, bound

    v0 = np.fft.rfft2(w0, axes=(1, 2))
    if dt is None:
        _, dt_max = tendency(v0)
    else:
        dt_max = np.full(n, dt)

    def to_physical(v):
        return np.fft.irfft2(v, s=(H, W), axes=(1, 2))

    out = _time_loop(v0, times, advance, dt_max, dt is None, to_physical)
    return out if keep_time_axis else out[:, 0]


# ------------------------------------------------------- heat and advection
def _spectral_grid(u0, length):
    u0 = _fields(u0, None, "u0")
    shape = u0.shape[1:]
    lengths = _lengths(length, len(shape))
    ks, _ = _wavenumbers(shape, lengths)
    axes = tuple(range(1, u0.ndim))
    return u0, shape, ks, axes


def _times(t):
    times = np.asarray(t, dtype=float)
    if times.ndim > 1 or not np.all(np.isfinite(times)) or np.any(times < 0):
        raise ValueError(
            f"t must be a non-negative time or a 1-D array of them; got {t!r}."
        )
    return times


def _evaluate(u0, t, length, multiplier):
    """Apply the Fourier multiplier exp(t * multiplier(k)) at each time."""
    u0, shape, ks, axes = _spectral_grid(u0, length)
    times = _times(t)
    symbol = multiplier(ks)
    u_hat = np.fft.rfftn(u0, axes=axes)
    out = np.stack(
        [
            np.fft.irfftn(u_hat * np.exp(s * symbol), s=shape, axes=axes)
            for s in np.atleast_1d(times)
        ],
        axis=1,
    )
    return out if times.ndim == 1 else out[:, 0]


def solve_heat(u0, kappa, t, *, length=1.0):
    r"""Solve the heat equation exactly on a periodic grid of any dimension.

    The solution of :math:`u_t = \kappa\Delta u` on the periodic box
    :math:`[0, L_1) \times \dots \times [0, L_d)` from the trigonometric
    interpolant of ``u0``: every Fourier mode is multiplied by
    :math:`e^{-\kappa |k|^2 t}`. There is no discretisation error in time,
    and none at all for trigonometric polynomials resolved by the grid.

    Parameters
    ----------
    u0 : array-like of shape (n_samples, N_1, ..., N_d)
        Initial conditions at the nodes ``j * L_i / N_i`` (``d`` is the number
        of axes after the first).
    kappa : float
        Diffusivity, non-negative.
    t : float or array-like of shape (n_times,)
        Time, or times, at which the solution is returned.
    length : float or sequence of float, default=1.0
        The periods :math:`L_i`, one for all axes or one per axis.

    Returns
    -------
    u : ndarray of shape (n_samples, N_1, ..., N_d) or (n_samples, n_times, N_1, ..., N_d)
        The solution at ``t`` (a time axis when ``t`` is an array),
        ``float64``.

    See Also
    --------
    solve_advection : The other exact periodic solver.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import solve_heat
    >>> x = np.linspace(0, 2 * np.pi, 16, endpoint=False)
    >>> u = solve_heat(np.sin(3 * x)[None], kappa=0.1, t=[0.0, 1.0], length=2 * np.pi)
    >>> u.shape
    (1, 2, 16)
    >>> np.allclose(u[0, 1], np.exp(-0.1 * 9) * np.sin(3 * x))
    True
    """
    kappa = _positive(kappa, "kappa", strict=False)
    return _evaluate(u0, t, length, lambda ks: -kappa * sum(k**2 for k in ks))


def solve_advection(u0, velocity, t, *, length=1.0):
    r"""Solve linear advection exactly on a periodic grid of any dimension.

    The solution of :math:`u_t + \mathbf{c}\cdot\nabla u = 0` with a
    constant velocity :math:`\mathbf{c}`, i.e. :math:`u_0(x - \mathbf{c}t)`
    for the trigonometric interpolant of ``u0``: every Fourier mode is
    multiplied by :math:`e^{-i\,\mathbf{k}\cdot\mathbf{c}\,t}`. Translations
    by whole grid cells are exact shifts of the array. On a grid with an
    even number of nodes, the Nyquist mode cannot be translated by a
    fraction of a cell on the grid: only its cosine part is kept, as by
    any real Fourier interpolation.

    Parameters
    ----------
    u0 : array-like of shape (n_samples, N_1, ..., N_d)
        Initial conditions at the nodes ``j * L_i / N_i``.
    velocity : float or array-like of shape (d,)
        The constant velocity :math:`\mathbf{c}`; a number is used for every
        axis.
    t : float or array-like of shape (n_times,)
        Time, or times, at which the solution is returned.
    length : float or sequence of float, default=1.0
        The periods :math:`L_i`, one for all axes or one per axis.

    Returns
    -------
    u : ndarray of shape (n_samples, N_1, ..., N_d) or (n_samples, n_times, N_1, ..., N_d)
        The solution at ``t`` (a time axis when ``t`` is an array),
        ``float64``.

    See Also
    --------
    solve_heat : The other exact periodic solver.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.pde import solve_advection
    >>> x = np.linspace(0, 1, 32, endpoint=False)
    >>> u0 = np.exp(np.sin(2 * np.pi * x))[None]
    >>> u = solve_advection(u0, velocity=0.3, t=0.5)
    >>> np.allclose(u[0], np.exp(np.sin(2 * np.pi * (x - 0.15))))
    True
    """
    d = np.ndim(u0) - 1
    c = np.asarray(velocity, dtype=float)
    if c.ndim > 1 or (c.ndim == 1 and c.size != d) or not np.all(np.isfinite(c)):
        raise ValueError(
            f"velocity must be a finite number or {d} numbers (one per grid axis); "
            f"got {velocity!r}."
        )
    c = np.broadcast_to(c, (max(d, 1),))
    return _evaluate(
        u0, t, length, lambda ks: -1j * sum(k * ci for k, ci in zip(ks, c, strict=True))
    )

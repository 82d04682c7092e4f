r"""Neural PDE solvers against their baselines: LagrangianPINN vs PINN, INSR vs grids.

Four comparisons, each on problems of :mod:`geomlearn.pde.problems` whose
ground truth is exact (Fourier solutions, the translated profile, the
Taylor-Green vortex) or our pseudo-spectral Burgers solver (1024 nodes):

* ``insr_pinn_convection``: :math:`u_t + \beta u_x = 0`, :math:`u_0 = \sin x`
  on :math:`[0, 2\pi) \times [0, 1]`, :math:`\beta \in \{1, 10, 30, 50\}`:
  :class:`~geomlearn.pde.LagrangianPINN` ("ours") against the Eulerian
  :class:`~geomlearn.pde.PINN` ("peer") at the same budget, the defaults of
  both (three tanh layers of 50, 2000 collocation points, 1000 full-batch
  Adam steps then 500 L-BFGS iterations, float64). Plain PINNs are known to
  fail from about :math:`\beta = 30` (Krishnapriyan et al., 2021).
* ``insr_pinn_burgers``: viscous Burgers, :math:`\nu = 0.01`,
  :math:`u_0 = \sin x + C`, the same two solvers and budget.
* ``insr_advection``: the INSR paper's 1-D setting, a Gaussian bump
  (:math:`\sigma = 0.1`) carried at speed 0.25 on a periodic interval of
  length 4 for 240 steps of 0.05 (t = 12). :class:`~geomlearn.pde.INSRSolver`
  (SIREN 2 x 20: 501 weights) against grid solvers **with the same memory**,
  501 nodes: semi-Lagrangian with linear interpolation ("peer"), first-order
  upwind, Lax-Wendroff, semi-Lagrangian with cubic splines, and the exact
  Fourier solution of the grid's trigonometric interpolant (a spectral
  method).
* ``insr_taylor_green``: the inviscid Taylor-Green vortex on the periodic
  square of side 2 pi (a steady solution of Euler's equations), 40 steps of
  0.05: INSR (velocity SIREN 3 x 32: 2338 weights, plus a pressure SIREN)
  against stable fluids on a 34 x 34 grid (2 x 34^2 = 2312 velocity
  values): semi-Lagrangian advection with bilinear ("peer") or cubic-spline
  interpolation and an exact FFT projection.

The quality is the relative L2 error against the ground truth: on a 256 x 101
space-time grid for the PINNs; at the final time, on the grid solvers' nodes,
for INSR (extra columns: the error at earlier times, the wall time per step,
the values stored per time). Every fit is one run from seed 0 (these are
minutes-long solves: times say what a solve costs, not a tight ratio), with
one torch thread: these small networks gain nothing from a second thread on
a 2-core machine, and it leaves a core for the grid solvers' numpy.
"""

import time

import numpy as np

from geomlearn.pde.problems import Advection, Burgers, Convection, TaylorGreen
from harness import Benchmark, Case

SEED = 0
BETAS = (1.0, 10.0, 30.0, 50.0)
BURGERS_OFFSETS = (0.0, 1.0, 5.0, 10.0)
BURGERS_NU = 0.01
TINY_PINN = {
    "hidden_layer_sizes": (8,),
    "n_collocation": 100,
    "n_initial": 32,
    "adam_epochs": 20,
    "lbfgs_iterations": 10,
}
# INSR, the paper's 1-D setting and its CPU budgets
ADVECTION = {"velocity": 0.25, "length": 4.0, "t_final": 12.0}
ADAM = {}  # the defaults: 200 Adam iterations per step, 2000 for t = 0
LBFGS = {"optimizer": "lbfgs", "max_iter": 30, "init_max_iter": 500}
TINY_INSR = {"n_samples": 200, "max_iter": 5, "init_max_iter": 20}
TAYLOR_GREEN_T = 2.0


# ------------------------------------------------------------- the PINNs
def _pinn_case(problem, budget):
    return {"problem": problem, "budget": budget}


def _one_torch_thread():
    import torch

    torch.set_num_threads(1)


def _fit_pinn(name):
    def fit(data):
        import geomlearn.pde  # the torch extra, imported when a case runs

        _one_torch_thread()
        cls = getattr(geomlearn.pde, name)
        return cls(**data["budget"], random_state=SEED).fit(data["problem"])

    return fit


def _pinn_quality(data, model):
    return -model.score(data["problem"])


def _pinn_benchmarks():
    common = {
        "ours": _fit_pinn("LagrangianPINN"),
        "peer": _fit_pinn("PINN"),
        "quality": _pinn_quality,
        "quality_name": "relative L2 error vs the exact solution (lower is better)",
        "ours_label": "LagrangianPINN",
        "peer_label": "PINN",
        "repeats": 1,
        "warmup": False,
    }
    convection = [
        Case(f"beta={b:g}", lambda b=b: _pinn_case(Convection(beta=b), {}))
        for b in BETAS
    ]
    convection.append(
        Case(
            "beta=30 tiny budget",
            lambda: _pinn_case(Convection(beta=30.0), TINY_PINN),
            quick=True,
        )
    )
    burgers = [
        Case(
            f"C={c:g}",
            lambda c=c: _pinn_case(Burgers(nu=BURGERS_NU, offset=c), {}),
        )
        for c in BURGERS_OFFSETS
    ]
    burgers.append(
        Case(
            "C=1 tiny budget",
            lambda: _pinn_case(
                Burgers(nu=BURGERS_NU, offset=1.0, n_grid=256), TINY_PINN
            ),
            quick=True,
        )
    )
    return [
        Benchmark(
            name="insr_pinn_convection",
            description=(
                "u_t + beta u_x = 0, u0 = sin x on [0, 2 pi) x [0, 1]: "
                "LagrangianPINN against the Eulerian PINN, same budget (the "
                "defaults: 3 x 50 tanh, 2000 collocation points, 1000 Adam + "
                "500 L-BFGS, float64), one fit from seed 0 each."
            ),
            cases=convection,
            **common,
        ),
        Benchmark(
            name="insr_pinn_burgers",
            description=(
                f"Viscous Burgers, nu = {BURGERS_NU}, u0 = sin x + C on "
                "[0, 2 pi) x [0, 1], against the pseudo-spectral reference "
                "(1024 nodes): LagrangianPINN against PINN, same budget as "
                "insr_pinn_convection."
            ),
            cases=burgers,
            **{
                **common,
                "quality_name": (
                    "relative L2 error vs the pseudo-spectral reference (lower "
                    "is better)"
                ),
            },
        ),
    ]


# ------------------------------------------------------------------ INSR
def _stored_values(problem, params):
    """Weights of INSR's state network for these parameters (its memory)."""
    from geomlearn.pde import INSRSolver

    tiny = {**params, "max_iter": 1, "init_max_iter": 0, "n_samples": 1}
    short = type(problem)(**{**_problem_kwargs(problem), "t_final": 1e-3})
    return INSRSolver(**tiny, random_state=SEED).fit(short).n_stored_values_


def _problem_kwargs(problem):
    return {name: getattr(problem, name) for name in problem._param_names}


def _nodes_1d(problem, n):
    lo, hi = problem.x_range
    return lo + (hi - lo) * np.arange(n) / n


def _nodes_2d(problem, n):
    g = problem.length * np.arange(n) / n
    return np.stack(np.meshgrid(g, g, indexing="ij"), axis=-1)


def _relative(u, exact):
    return float(np.linalg.norm(u - exact) / np.linalg.norm(exact))


def _snapshot_errors(data, snapshots):
    """Relative error of each snapshot (one per output time) on the nodes."""
    problem, nodes = data["problem"], data["nodes"]
    return {
        t: _relative(u, problem.reference(nodes, t))
        for t, u in zip(data["times"], snapshots, strict=True)
    }


def _answer(errors, seconds_per_step, stored):
    return {
        "errors": errors,
        "seconds_per_step": float(seconds_per_step),
        "stored": int(stored),
    }


def _insr_answer(data, solver, nodes):
    problem = data["problem"]
    errors = {
        t: _relative(solver.predict(nodes, t), problem.reference(nodes, t))
        for t in data["times"]
    }
    return _answer(errors, np.median(solver.step_times_), solver.n_stored_values_)


def _insr(data):
    from geomlearn.pde import INSRSolver

    _one_torch_thread()
    solver = INSRSolver(**data["params"], random_state=SEED).fit(data["problem"])
    nodes = data["nodes"]
    return _insr_answer(data, solver, nodes)


def _advection_case(params, t_final):
    problem = Advection(**{**ADVECTION, "t_final": t_final})
    n = _stored_values(problem, params)
    times = [t_final / 4, t_final / 2, t_final]
    return {
        "problem": problem,
        "params": params,
        "n": n,
        "nodes": _nodes_1d(problem, n),
        "times": times,
        "dt": problem.t_final / max(1, round(problem.t_final / 0.05)),
    }


def _grid_1d(scheme):
    from _grid_solvers import advect_1d

    def run(data):
        problem, nodes = data["problem"], data["nodes"]
        u, seconds = advect_1d(
            problem.initial_condition(nodes),
            problem.velocity,
            problem.length,
            data["times"],
            data["dt"],
            scheme,
        )
        return _answer(_snapshot_errors(data, u), seconds, data["n"])

    return run


def _spectral_1d(data):
    from geomlearn.pde import solve_advection

    problem, nodes = data["problem"], data["nodes"]
    start = time.perf_counter()
    u = solve_advection(
        problem.initial_condition(nodes)[None],
        problem.velocity,
        np.asarray(data["times"]),
        length=problem.length,
    )[0]
    # one evaluation per output time stands for the whole integration
    seconds = (time.perf_counter() - start) / len(data["times"])
    return _answer(_snapshot_errors(data, u), seconds, data["n"])


def _taylor_green_case(params, t_final):
    problem = TaylorGreen(t_final=t_final)
    stored = _stored_values(problem, params)
    n = round(np.sqrt(stored / 2))
    return {
        "problem": problem,
        "params": params,
        "n": n,
        "stored_grid": 2 * n * n,
        "nodes": _nodes_2d(problem, n),
        "times": [t_final / 4, t_final / 2, t_final],
        "dt": t_final / max(1, round(t_final / 0.05)),
    }


def _stable_fluids(order):
    from _grid_solvers import stable_fluids

    def run(data):
        problem, nodes = data["problem"], data["nodes"]
        u, seconds = stable_fluids(
            problem.initial_condition(nodes),
            problem.length,
            problem.nu,
            data["times"],
            data["dt"],
            order,
        )
        return _answer(_snapshot_errors(data, u), seconds, data["stored_grid"])

    return run


def _final_error(data, answer):
    return answer["errors"][data["times"][-1]]


def _details(data, answer):
    t = data["times"]
    return {
        f"error t={t[0]:g}": answer["errors"][t[0]],
        f"error t={t[1]:g}": answer["errors"][t[1]],
        "s/step": answer["seconds_per_step"],
        "stored values": answer["stored"],
    }


def _insr_benchmarks():
    advection = [
        Case(
            "Adam, 200 it./step",
            lambda: _advection_case(ADAM, ADVECTION["t_final"]),
        ),
        Case(
            "L-BFGS, 30 it./step",
            lambda: _advection_case(LBFGS, ADVECTION["t_final"]),
        ),
        Case("tiny budget, t=0.2", lambda: _advection_case(TINY_INSR, 0.2), quick=True),
    ]
    taylor_green = [
        Case("Adam, 200 it./step", lambda: _taylor_green_case(ADAM, TAYLOR_GREEN_T)),
        Case(
            "L-BFGS, 30 it./step",
            lambda: _taylor_green_case(LBFGS, TAYLOR_GREEN_T),
        ),
        Case(
            "tiny budget, t=0.2",
            lambda: _taylor_green_case(TINY_INSR, 0.2),
            quick=True,
        ),
    ]
    common = {
        "ours": _insr,
        "quality": _final_error,
        "quality_name": "relative L2 error at the final time (lower is better)",
        "ours_label": "INSRSolver",
        "repeats": 1,
        "warmup": False,
        "details": _details,
    }
    return [
        Benchmark(
            name="insr_advection",
            description=(
                "1-D advection of a Gaussian (sigma 0.1, speed 0.25, period 4, "
                "240 steps of 0.05 to t = 12): INSR (SIREN 2 x 20, 501 weights, "
                "5000 samples per iteration) against grid solvers on 501 nodes "
                "(the same memory), with the same step (finite differences "
                "sub-step to CFL 0.9)."
            ),
            peer=_grid_1d("semi-lagrangian-linear"),
            peer_label="semi-Lagrangian (linear)",
            more_peers={
                "upwind": _grid_1d("upwind"),
                "Lax-Wendroff": _grid_1d("lax-wendroff"),
                "semi-Lagrangian (cubic spline)": _grid_1d("semi-lagrangian-cubic"),
                "spectral (exact per mode)": _spectral_1d,
            },
            cases=advection,
            **common,
        ),
        Benchmark(
            name="insr_taylor_green",
            description=(
                "Inviscid Taylor-Green vortex on the periodic square of side "
                f"2 pi, 40 steps of 0.05 to t = {TAYLOR_GREEN_T:g}: INSR "
                "(velocity SIREN 3 x 32, 2338 weights; pressure SIREN; 4096 "
                "samples per iteration) against stable fluids on 34 x 34 "
                "nodes (2312 velocity values), same step."
            ),
            peer=_stable_fluids(1),
            peer_label="stable fluids (bilinear)",
            more_peers={"stable fluids (cubic spline)": _stable_fluids(3)},
            cases=taylor_green,
            **common,
        ),
    ]


BENCHMARKS = _pinn_benchmarks() + _insr_benchmarks()

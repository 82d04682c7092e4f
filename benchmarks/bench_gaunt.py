"""Gaunt tensor product: geomlearn against e3nn's Clebsch--Gordan products.

Inputs are spherical-harmonic-shaped features ``1x0e+1x1o+...+1xLp`` (one
channel per degree), batch 1000, L = 1..10, CPU. Both sides compute the
same quantity:

- ``gaunt_fctp*``: ``GauntTensorProduct(L, L, L)`` (its default, the
  spherical-grid route) against e3nn ``FullyConnectedTensorProduct`` with one
  output per degree (``Irreps.spherical_harmonics(L)`` on all three sides, so
  its paths are exactly the parity-even ones the Gaunt product has), called
  with the per-path weights ``gaunt_path_scale / path_weight`` that make it
  the Gaunt product. float32 on one thread (``torch.set_num_threads(1)``,
  the honest setting on this shared 2-core machine), float32 on two threads,
  and float64 on one thread.
- ``gaunt_fourier``: the paper's 2D-Fourier route of the same class
  (``method="fourier"``) against the same e3nn FCTP (float32, one thread),
  to justify the choice of the default.
- ``gaunt_full_tp``: ``GauntTensorProduct(L, L)`` (the complete product, up
  to degree 2L) against e3nn ``FullTensorProduct`` (every path, the odd ones
  included, unweighted), float32, one thread. Not like-for-like: FullTP also
  computes the antisymmetric paths the Gaunt product cannot express; its
  even paths, rescaled untimed, give the Gaunt product for the quality column.

Quality: the largest absolute error of the answer against the exact product,
computed untimed in float64 by brute force (a dense Gaunt tensor from e3nn's
spherical harmonics on an exact quadrature grid; e3nn stops at degree 12, so
the FullTP cases with 2L > 12 use our float64 recursion for the harmonics,
which the tests check against e3nn's up to degree 12). Details: the construction
time of each module (e3nn's grows steeply with L; the cases reuse modules
built once per L and dtype, so it is measured on the first case that needs
them). Timed calls run under ``torch.no_grad()`` with the case's thread count
set inside the call and restored after it. On this shared 2-core machine
the two-thread tables measure mostly OpenMP contention with other processes
(every parallel region can wait a scheduler slice): read the one-thread
tables for the algorithms.
"""

import contextlib
import functools
import time

import numpy as np

from harness import Benchmark, Case

BATCH = 1000
LS = range(1, 11)


def _torch():
    import torch

    return torch


@functools.cache
def _dense_gaunt(l1, l2, lo):
    """Dense Gaunt tensor [D1, D2, Do] from e3nn's SH (float64 brute force)."""
    torch = _torch()
    from e3nn import o3

    deg = l1 + l2 + lo
    y, w = np.polynomial.legendre.leggauss(deg // 2 + 1)
    n_phi = deg + 1
    phi = 2 * np.pi * np.arange(n_phi) / n_phi
    Y, P = np.meshgrid(y, phi, indexing="ij")
    r = np.sqrt(1 - Y**2)
    pts = torch.tensor(np.stack([r * np.sin(P), Y, r * np.cos(P)], -1).reshape(-1, 3))
    lmax = max(l1, l2, lo)
    if lmax <= 12:
        sh = o3.spherical_harmonics(
            list(range(lmax + 1)), pts, normalize=True, normalization="component"
        ).numpy()
    else:  # e3nn stops at l = 12; our float64 recursion (tested against it)
        from geomlearn.geometry.nn._gaunt import _real_sh

        x, y, z = pts.numpy().T
        sh = _real_sh(lmax, np.arccos(np.clip(y, -1, 1)), np.arctan2(x, z))
    weight = (w[:, None] * np.full(n_phi, 2 * np.pi / n_phi)).reshape(-1) / (4 * np.pi)
    a, b, c = sh[:, : (l1 + 1) ** 2], sh[:, : (l2 + 1) ** 2], sh[:, : (lo + 1) ** 2]
    return np.einsum("p,pa,pb,pc->abc", weight, a, b, c, optimize=True)


def _exact(x1, x2, lo):
    l1 = round(x1.shape[1] ** 0.5) - 1
    l2 = round(x2.shape[1] ** 0.5) - 1
    G = _dense_gaunt(l1, l2, lo)
    outer = np.einsum("na,nb->nab", x1, x2).reshape(len(x1), -1)
    return outer @ G.reshape(-1, G.shape[2])


@functools.cache
def _ours(L, lo, dtype_name, method):
    from geomlearn.geometry.nn import GauntTensorProduct

    torch = _torch()
    start = time.perf_counter()
    tp = GauntTensorProduct(L, L, lo, method=method, dtype=getattr(torch, dtype_name))
    return tp, time.perf_counter() - start


@functools.cache
def _e3nn(L, dtype_name, kind):
    """e3nn module (built in the case dtype), its weights, build time."""
    torch = _torch()
    from e3nn import o3

    from geomlearn.geometry.nn import gaunt_path_scale

    dtype = getattr(torch, dtype_name)
    ir = o3.Irreps.spherical_harmonics(L)
    default = torch.get_default_dtype()
    torch.set_default_dtype(dtype)  # e3nn builds its 3j buffers in this dtype
    try:
        start = time.perf_counter()
        if kind == "fctp":
            tp = o3.FullyConnectedTensorProduct(
                ir, ir, ir, internal_weights=False, shared_weights=True
            )
        else:
            tp = o3.FullTensorProduct(ir, ir)
        seconds = time.perf_counter() - start
    finally:
        torch.set_default_dtype(default)
    scales = []
    for ins in tp.instructions:
        ls = (
            tp.irreps_in1[ins.i_in1].ir.l,
            tp.irreps_in2[ins.i_in2].ir.l,
            tp.irreps_out[ins.i_out].ir.l,
        )
        scales.append((ls, gaunt_path_scale(*ls) / ins.path_weight))
    weights = torch.tensor([s for _, s in scales], dtype=dtype)
    return tp, weights, scales, seconds


def _case(L, *, dtype_name, threads, kind, method="grid", batch=BATCH, quick=False):
    label = f"{'quick: ' if quick else ''}L={L}, batch={batch}"
    lo = L if kind == "fctp" else 2 * L

    def make():
        torch = _torch()
        g = torch.Generator().manual_seed(L)
        dtype = getattr(torch, dtype_name)
        x1 = torch.randn(batch, (L + 1) ** 2, generator=g, dtype=torch.float64)
        x2 = torch.randn(batch, (L + 1) ** 2, generator=g, dtype=torch.float64)
        ours, ours_build = _ours(L, lo, dtype_name, method)
        peer, weights, scales, peer_build = _e3nn(L, dtype_name, kind)
        return {
            "x1": x1.to(dtype),
            "x2": x2.to(dtype),
            "exact": _exact(x1.numpy(), x2.numpy(), lo),
            "ours": ours,
            "peer": peer,
            "weights": weights,
            "scales": scales,
            "kind": kind,
            "threads": threads,
            "lo": lo,
            "build": {"ours": ours_build, "peer": peer_build},
        }

    return Case(label, make, quick=quick)


@contextlib.contextmanager
def _threads(n):
    """Run with ``n`` torch threads, restoring the previous count after."""
    torch = _torch()
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        with torch.no_grad():
            yield
    finally:
        torch.set_num_threads(previous)


def run_ours(data):
    with _threads(data["threads"]):
        return "ours", data["ours"](data["x1"], data["x2"])


def run_peer(data):
    with _threads(data["threads"]):
        if data["kind"] == "fctp":
            return "peer", data["peer"](data["x1"], data["x2"], data["weights"])
        return "peer", data["peer"](data["x1"], data["x2"])


def _as_gaunt(data, answer):
    """Convert an answer to Gaunt coefficients up to ``lo`` (float64 numpy)."""
    who, out = answer
    out = out.double().numpy()
    if who == "ours" or data["kind"] == "fctp":
        return out
    # FullTensorProduct: rescale and sum its even paths (untimed)
    tp = data["peer"]
    slices = tp.irreps_out.slices()
    gaunt = np.zeros((out.shape[0], (data["lo"] + 1) ** 2))
    for ins, ((_, _, lo), scale) in zip(tp.instructions, data["scales"], strict=True):
        if scale != 0.0:  # scale = gaunt_path_scale / path_weight
            gaunt[:, lo * lo : (lo + 1) ** 2] += scale * out[:, slices[ins.i_out]]
    return gaunt


def quality(data, answer):
    return float(np.max(np.abs(_as_gaunt(data, answer) - data["exact"])))


def details(data, answer):
    return {"build_s": float(data["build"][answer[0]])}


def _benchmark(name, title, *, kind, dtype_name, threads, method="grid"):
    cases = [
        _case(
            2,
            dtype_name=dtype_name,
            threads=threads,
            kind=kind,
            method=method,
            batch=50,
            quick=True,
        )
    ]
    cases += [
        _case(L, dtype_name=dtype_name, threads=threads, kind=kind, method=method)
        for L in LS
    ]
    peer = "e3nn FullyConnectedTensorProduct" if kind == "fctp" else "e3nn FullTP"
    return Benchmark(
        name=name,
        description=f"{title}; {dtype_name}, {threads} thread(s).",
        ours=run_ours,
        peer=run_peer,
        quality=quality,
        quality_name="max abs error against the exact float64 Gaunt product",
        cases=cases,
        ours_label=f"geomlearn GauntTensorProduct ({method})",
        peer_label=peer,
        peer_module="e3nn",
        details=details,
    )


BENCHMARKS = [
    _benchmark(
        "gaunt_fctp",
        "Gaunt (grid) vs e3nn FCTP with one output per degree",
        kind="fctp",
        dtype_name="float32",
        threads=1,
    ),
    _benchmark(
        "gaunt_fctp_2threads",
        "Gaunt (grid) vs e3nn FCTP with one output per degree",
        kind="fctp",
        dtype_name="float32",
        threads=2,
    ),
    _benchmark(
        "gaunt_fctp_float64",
        "Gaunt (grid) vs e3nn FCTP with one output per degree",
        kind="fctp",
        dtype_name="float64",
        threads=1,
    ),
    _benchmark(
        "gaunt_fourier",
        "Gaunt (the paper's 2D-Fourier route) vs e3nn FCTP",
        kind="fctp",
        dtype_name="float32",
        threads=1,
        method="fourier",
    ),
    _benchmark(
        "gaunt_full_tp",
        "Gaunt (grid, lmax_out = 2L) vs e3nn FullTensorProduct (all paths)",
        kind="full",
        dtype_name="float32",
        threads=1,
    ),
]

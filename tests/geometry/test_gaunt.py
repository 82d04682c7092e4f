# requires: torch, e3nn
"""Oracles for the Gaunt tensor product.

- Gaunt coefficients against a brute-force quadrature of three of e3nn's own
  spherical harmonics on a fine grid (independent of our Legendre recursion).
- The product against e3nn's Clebsch--Gordan tensor product with the path
  weights ``gaunt_path_scale / path_weight`` (L up to 6).
- The defining property: with ``lmax_out = lmax1 + lmax2`` the output,
  evaluated anywhere on the sphere with e3nn's harmonics, is ``f * g``.
- Rotation (and reflection) equivariance with ``Irreps.D_from_matrix``.
"""

import contextlib
import itertools

import numpy as np
import pytest
import torch
from e3nn import o3

from geomlearn.geometry.nn import (
    GauntTensorProduct,
    gaunt_coefficients,
    gaunt_path_scale,
)
from geomlearn.geometry.nn._gaunt import _real_sh

METHODS = ["grid", "fourier"]


def _sh(lmax, points):
    """e3nn's real SH, component normalisation, on unit vectors (float64)."""
    return o3.spherical_harmonics(
        list(range(lmax + 1)), points, normalize=True, normalization="component"
    )


def _randn(shape, seed, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g, dtype=dtype)


@contextlib.contextmanager
def _default_dtype(dtype):
    """e3nn builds 3j buffers and Wigner D matrices in the default dtype."""
    default = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(default)


def _e3nn_gaunt(l1, l2, lo, dtype):
    """e3nn FullyConnectedTensorProduct weighted to be the Gaunt product."""
    irreps = [o3.Irreps.spherical_harmonics(lmax) for lmax in (l1, l2, lo)]
    with _default_dtype(dtype):
        tp = o3.FullyConnectedTensorProduct(
            *irreps, internal_weights=False, shared_weights=True
        )
    weights = []
    for ins in tp.instructions:
        ls = (
            tp.irreps_in1[ins.i_in1].ir.l,
            tp.irreps_in2[ins.i_in2].ir.l,
            tp.irreps_out[ins.i_out].ir.l,
        )
        weights.append(gaunt_path_scale(*ls) / ins.path_weight)
    return tp, torch.tensor(weights, dtype=dtype)


def test_sh_convention_matches_e3nn():
    points = _randn((200, 3), 0)
    points = points / points.norm(dim=1, keepdim=True)
    x, y, z = points.numpy().T  # y is e3nn's polar axis
    theta, phi = np.arccos(y), np.arctan2(x, z)
    np.testing.assert_allclose(_real_sh(12, theta, phi), _sh(12, points), atol=1e-10)


def test_gaunt_coefficients_against_brute_force_quadrature():
    lmax = 4
    # a fine Gauss-Legendre (in y) x trapezoid (in phi) grid, e3nn's harmonics
    y, w = np.polynomial.legendre.leggauss(20)
    phi = 2 * np.pi * np.arange(40) / 40
    Y, P = np.meshgrid(y, phi, indexing="ij")
    r = np.sqrt(1 - Y**2)
    points = torch.tensor(
        np.stack([r * np.sin(P), Y, r * np.cos(P)], -1).reshape(-1, 3)
    )
    sh = _sh(lmax, points).numpy()
    weight = (w[:, None] * np.full(40, 2 * np.pi / 40)).reshape(-1) / (4 * np.pi)
    for l1, l2, l3 in itertools.product(range(lmax + 1), repeat=3):
        blocks = [sh[:, l * l : (l + 1) ** 2] for l in (l1, l2, l3)]
        expected = np.einsum("p,pa,pb,pc->abc", weight, *blocks)
        np.testing.assert_allclose(
            gaunt_coefficients(l1, l2, l3),
            expected,
            atol=1e-13,
            err_msg=f"{l1, l2, l3}",
        )


def test_path_scale_is_gaunt_over_wigner_3j():
    for l1, l2, l3 in itertools.product(range(5), repeat=3):
        s = gaunt_path_scale(l1, l2, l3)
        G = gaunt_coefficients(l1, l2, l3)
        if not abs(l1 - l2) <= l3 <= l1 + l2:
            assert s == 0.0
            continue
        W = o3.wigner_3j(l1, l2, l3, dtype=torch.float64).numpy()
        np.testing.assert_allclose(G, s * W, atol=1e-13)
        if (l1 + l2 + l3) % 2:  # odd paths (e.g. the cross product) vanish
            assert s == 0.0
        else:
            assert abs(s) > 1e-3


@pytest.mark.parametrize("L", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_equals_e3nn_cg_product_up_to_path_scales(L, dtype):
    tp_e3nn, w = _e3nn_gaunt(L, L, L, dtype)
    x1 = _randn((64, (L + 1) ** 2), L, dtype)
    x2 = _randn((64, (L + 1) ** 2), L + 100, dtype)
    expected = tp_e3nn(x1, x2, w)
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    scale = expected.abs().max().item()
    for method in METHODS:
        out = GauntTensorProduct(L, L, L, method=method, dtype=dtype)(x1, x2)
        assert out.dtype == dtype
        assert (out - expected).abs().max().item() <= tol * scale, method


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    ("l1", "l2", "lo"), [(2, 3, 5), (0, 4, 6), (3, 1, 2), (5, 5, 3)]
)
def test_unequal_degrees_against_e3nn(method, l1, l2, lo):
    tp_e3nn, w = _e3nn_gaunt(l1, l2, lo, torch.float64)
    x1 = _randn((16, (l1 + 1) ** 2), 1)
    x2 = _randn((16, (l2 + 1) ** 2), 2)
    out = GauntTensorProduct(l1, l2, lo, method=method, dtype=torch.float64)(x1, x2)
    torch.testing.assert_close(out, tp_e3nn(x1, x2, w), atol=1e-11, rtol=0)


@pytest.mark.parametrize("method", METHODS)
def test_output_is_the_pointwise_product(method):
    l1, l2 = 4, 3
    tp = GauntTensorProduct(l1, l2, None, method=method, dtype=torch.float64)
    assert tp.lmax_out == l1 + l2
    x1, x2 = _randn((3, (l1 + 1) ** 2), 3), _randn((3, (l2 + 1) ** 2), 4)
    points = _randn((50, 3), 5)
    f = x1 @ _sh(l1, points).T
    g = x2 @ _sh(l2, points).T
    h = tp(x1, x2) @ _sh(l1 + l2, points).T
    torch.testing.assert_close(h, f * g, atol=1e-11, rtol=0)
    # truncating the output keeps the low degrees of the product
    low = GauntTensorProduct(l1, l2, 2, method=method, dtype=torch.float64)(x1, x2)
    torch.testing.assert_close(low, tp(x1, x2)[:, :9], atol=1e-12, rtol=0)


@pytest.mark.parametrize("method", METHODS)
def test_equivariance_under_rotations_and_reflections(method):
    C = 2
    irreps = [o3.Irreps([(C, (l, (-1) ** l)) for l in range(L + 1)]) for L in (3, 4, 5)]
    tp = GauntTensorProduct(*irreps, method=method, dtype=torch.float64)
    assert tp.irreps_out == str(irreps[2]).replace(" ", "")
    torch.manual_seed(0)
    x1, x2 = (
        irreps[0].randn(10, -1, dtype=torch.float64),
        irreps[1].randn(10, -1, dtype=torch.float64),
    )
    for sign in (1.0, -1.0):  # rotation, then rotation times inversion
        with _default_dtype(torch.float64):
            R = sign * o3.rand_matrix(dtype=torch.float64)
            D1, D2, Do = (ir.D_from_matrix(R) for ir in irreps)
        torch.testing.assert_close(
            tp(x1 @ D1.T, x2 @ D2.T), tp(x1, x2) @ Do.T, atol=1e-11, rtol=0
        )


@pytest.mark.parametrize(
    ("l1", "l2", "lo"), [(3, 3, 3), (2, 5, 8), (6, 1, 4), (0, 0, 2)]
)
def test_methods_agree(l1, l2, lo):
    x1, x2 = _randn((7, (l1 + 1) ** 2), 6), _randn((7, (l2 + 1) ** 2), 7)
    a = GauntTensorProduct(l1, l2, lo, method="grid", dtype=torch.float64)(x1, x2)
    b = GauntTensorProduct(l1, l2, lo, method="fourier", dtype=torch.float64)(x1, x2)
    torch.testing.assert_close(a, b, atol=1e-11, rtol=0)


def test_float32_close_to_float64():
    L = 6
    x1, x2 = _randn((20, 49), 8), _randn((20, 49), 9)
    ref = GauntTensorProduct(L, L, L, dtype=torch.float64)(x1, x2)
    for method in METHODS:
        tp = GauntTensorProduct(L, L, L, method=method, dtype=torch.float32)
        out = tp(x1.float(), x2.float()).double()
        assert (out - ref).abs().max() <= 1e-5 * ref.abs().max(), method
    # .to(dtype) converts the operators
    tp = GauntTensorProduct(L, L, L, dtype=torch.float32).to(torch.float64)
    torch.testing.assert_close(tp(x1, x2), ref, atol=1e-12, rtol=0)


def test_channels_broadcast_and_leading_dims():
    C, L = 3, 2
    irreps = o3.Irreps([(C, (l, (-1) ** l)) for l in range(L + 1)])
    tp = GauntTensorProduct(irreps, L, 2, dtype=torch.float64)
    assert (tp.mul1, tp.mul2, tp.mul_out) == (C, 1, C)
    x = irreps.randn(4, 5, -1, dtype=torch.float64)
    y = _randn((5, 9), 10)  # broadcasts over the leading 4 and over channels
    out = tp(x, y)
    assert out.shape == (4, 5, irreps.dim)
    single = GauntTensorProduct(L, L, 2, dtype=torch.float64)
    for c in range(C):
        cols = [
            off + c * (2 * l + 1) + k
            for l, off in [(0, 0), (1, C), (2, 4 * C)]
            for k in range(2 * l + 1)
        ]
        torch.testing.assert_close(
            out[..., cols], single(x[..., cols], y.expand(4, 5, 9)), atol=1e-12, rtol=0
        )


@pytest.mark.parametrize("method", METHODS)
def test_gradients(method):
    tp = GauntTensorProduct(2, 1, 2, method=method, dtype=torch.float64)
    x1 = _randn((2, 9), 11).requires_grad_()
    x2 = _randn((2, 4), 12).requires_grad_()
    assert torch.autograd.gradcheck(tp, (x1, x2))


def test_constant_function_is_the_identity():
    L = 4
    x = _randn((5, 25), 13)
    one = torch.zeros(1, dtype=torch.float64)
    for method in METHODS:
        tp = GauntTensorProduct(L, 0, L, method=method, dtype=torch.float64)
        torch.testing.assert_close(tp(x, one + 1.0), x, atol=1e-13, rtol=0)


def test_bad_input():
    with pytest.raises(ValueError, match="parity"):
        GauntTensorProduct("1x0e+1x1e", 1)
    with pytest.raises(ValueError, match="multiplicit"):
        GauntTensorProduct("2x0e+2x1o", "3x0e+3x1o")
    with pytest.raises(ValueError, match="method"):
        GauntTensorProduct(1, 1, method="fft")
    with pytest.raises(ValueError, match="lmax"):
        GauntTensorProduct(-1, 1)
    tp = GauntTensorProduct(1, 1, dtype=torch.float64)
    with pytest.raises(ValueError, match="last dimension of 4"):
        tp(_randn((2, 5), 0), _randn((2, 4), 0))
    with pytest.raises(TypeError, match="float32"):
        tp(_randn((2, 4), 0, torch.float32), _randn((2, 4), 0))
    with pytest.raises(ValueError, match="non-negative"):
        gaunt_coefficients(-1, 0, 1)

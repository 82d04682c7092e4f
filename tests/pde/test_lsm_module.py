# requires: torch
"""The Latent Spectral Model torch modules: shapes, exact symmetries, gradients."""

import pytest

torch = pytest.importorskip("torch")

from geomlearn.pde.nn import LatentSpectralModel, NeuralSpectralBlock


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_nsb_keeps_the_shape_2d_and_1d():
    block = NeuralSpectralBlock(16, n_heads=4, n_tokens=3, n_basis=5)
    x = torch.randn(2, 16, 12, 8, generator=_gen())
    assert block(x, patch_size=(3, 4)).shape == (2, 16, 12, 8)
    assert block(x).shape == (2, 16, 12, 8)
    assert block(torch.randn(3, 16, 20, generator=_gen()), patch_size=5).shape == (
        3,
        16,
        20,
    )


def test_nsb_commutes_with_cyclic_shifts_by_whole_patches():
    # Patches are independent sequences processed with the same weights and
    # the same latent tokens, so a cyclic shift by whole patches (which only
    # permutes the patches) commutes with the block exactly (up to rounding).
    block = NeuralSpectralBlock(16, n_heads=4)
    x = torch.randn(2, 16, 12, 8, generator=_gen(1))
    shift = (6, 4)  # 2 patches down, 1 across
    out = block(torch.roll(x, shift, dims=(2, 3)), patch_size=(3, 4))
    expected = torch.roll(block(x, patch_size=(3, 4)), shift, dims=(2, 3))
    torch.testing.assert_close(out, expected, rtol=1e-5, atol=1e-6)


def test_nsb_is_equivariant_to_permutations_inside_patches():
    # Inside a patch the tokens attend to the points through a softmax-weighted
    # sum (invariant to the order of the points) and the decoder attention and
    # the residual are point-wise: permuting the points of each patch permutes
    # the output the same way, exactly.
    block = NeuralSpectralBlock(8, n_heads=2)
    x = torch.randn(2, 8, 20, generator=_gen(2))
    patch = 5
    perm = torch.cat(
        [k * patch + torch.randperm(patch, generator=_gen(k)) for k in range(4)]
    )
    out = block(x[..., perm], patch_size=patch)
    torch.testing.assert_close(out, block(x, patch_size=patch)[..., perm])
    # a permutation that mixes patches is not a symmetry
    mixed = torch.randperm(20, generator=_gen(9))
    assert not torch.allclose(
        block(x[..., mixed], patch_size=patch),
        block(x, patch_size=patch)[..., mixed],
        atol=1e-4,
    )


def test_nsb_rejects_bad_configuration():
    with pytest.raises(ValueError, match="divisible by n_heads"):
        NeuralSpectralBlock(10, n_heads=4)
    block = NeuralSpectralBlock(8, n_heads=2)
    with pytest.raises(ValueError, match="does not divide"):
        block(torch.zeros(1, 8, 10, 10), patch_size=3)
    with pytest.raises(ValueError, match="channels"):
        block(torch.zeros(1, 4, 10, 10))


@pytest.mark.parametrize(
    ("n_dims", "grid", "n_levels", "pad", "patch"),
    [
        (2, (85, 85), 4, (11, 11), (6, 6)),  # the paper's Darcy setting
        (2, (13, 10), 2, (3, 2), (4, 3)),
        (1, (1024,), 4, (0,), (64,)),  # Burgers
        (1, (1001,), 3, (7,), (126,)),
        (2, (16, 16), 4, (0, 0), (1, 1)),  # coarsest map a single point
    ],
)
def test_model_output_shape_and_padding_rule(n_dims, grid, n_levels, pad, patch):
    model = LatentSpectralModel(
        2, 3, n_dims=n_dims, width=8, n_heads=4, n_levels=n_levels
    )
    # pad = (-n) mod 2**L, patch = (n + pad) / 2**L
    assert model.padding(grid) == (pad, patch)
    out = model(torch.randn(2, *grid, 2, generator=_gen()))
    assert out.shape == (2, *grid, 3)
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("norm", ["batch", "instance"])
def test_gradients_reach_every_parameter(norm):
    model = LatentSpectralModel(1, 1, width=8, n_heads=4, n_levels=2, norm=norm)
    x = torch.randn(3, 12, 12, 1, generator=_gen())
    model(x).square().mean().backward()
    for name, p in model.named_parameters():
        assert p.grad is not None, name
        assert torch.isfinite(p.grad).all(), name
        assert p.grad.abs().sum() > 0, name


def test_model_runs_on_other_grids_with_the_same_weights():
    model = LatentSpectralModel(1, 1, width=8, n_heads=4, n_levels=2).eval()
    with torch.no_grad():
        for grid in [(8, 8), (17, 9), (32, 32)]:
            assert model(torch.zeros(1, *grid, 1)).shape == (1, *grid, 1)


def test_model_rejects_bad_input():
    with pytest.raises(ValueError, match="divisible by n_heads"):
        LatentSpectralModel(1, 1, width=10, n_heads=4)
    with pytest.raises(ValueError, match="n_dims"):
        LatentSpectralModel(1, 1, n_dims=3)
    model = LatentSpectralModel(1, 1, width=8, n_heads=4, n_levels=3)
    with pytest.raises(ValueError, match="too small"):
        model(torch.zeros(2, 7, 16, 1))
    with pytest.raises(ValueError, match="2-D grid"):
        model(torch.zeros(2, 16, 1))
    with pytest.raises(ValueError, match="channels"):
        model(torch.zeros(2, 16, 16, 2))

# requires: torch
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from geomlearn.utils import (
    resolve_device,
    to_numpy,
    to_tensor,
    torch_generator,
)


def test_resolve_device():
    assert resolve_device("cpu") == torch.device("cpu")
    expected = "cuda" if torch.cuda.is_available() else None
    if expected is None:
        mps = getattr(torch.backends, "mps", None)
        expected = "mps" if mps is not None and mps.is_available() else "cpu"
    assert resolve_device("auto").type == expected
    assert resolve_device(None).type == expected


def test_resolve_device_errors():
    with pytest.raises(ValueError, match="unknown device"):
        resolve_device("gpu-please")
    with pytest.raises(TypeError, match="device must be"):
        resolve_device(3.5)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA is not available"):
            resolve_device("cuda:0")


def test_torch_generator_is_reproducible_and_leaves_global_state():
    before = torch.random.get_rng_state().clone()
    np_before = np.random.get_state()[1].copy()
    a = torch.randn(5, generator=torch_generator(3))
    b = torch.randn(5, generator=torch_generator(3))
    c = torch.randn(5, generator=torch_generator(4))
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert torch.equal(before, torch.random.get_rng_state())
    assert np.array_equal(np_before, np.random.get_state()[1])


def test_torch_generator_from_random_state_instance_advances_it():
    rng = np.random.RandomState(0)
    g1, g2 = torch_generator(rng), torch_generator(rng)
    assert g1.initial_seed() != g2.initial_seed()
    expected = np.random.RandomState(0).randint(np.iinfo(np.int32).max)
    assert g1.initial_seed() == expected


def test_numpy_tensor_roundtrip_shares_memory_on_cpu():
    X = np.arange(6.0).reshape(2, 3)
    t = to_tensor(X)
    assert t.dtype == torch.float64
    assert np.shares_memory(to_numpy(t), X)
    assert to_tensor(X, dtype=torch.float32).dtype == torch.float32
    assert to_tensor(t) is t or torch.equal(to_tensor(t), t)
    grad = torch.ones(3, requires_grad=True) * 2
    np.testing.assert_array_equal(to_numpy(grad), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(to_numpy([1, 2]), [1, 2])

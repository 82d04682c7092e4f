# requires: torch
"""Torch helpers: device resolution, seeded generators, numpy <-> tensor.

Every torch-backed estimator uses these, so that devices are named the same
way everywhere and no estimator touches torch's global random state.
"""

import numpy as np
from sklearn.utils import check_random_state

from geomlearn.utils._optional import import_optional

torch = import_optional("torch", extra="torch", caller="geomlearn's torch helpers")

__all__ = ["resolve_device", "to_numpy", "to_tensor", "torch_generator"]


def resolve_device(device="auto"):
    """Turn a device specification into a :class:`torch.device`.

    Parameters
    ----------
    device : {"auto", "cpu", "cuda", "mps"} or str or torch.device, \
default="auto"
        ``"auto"`` picks CUDA when available, then Apple's MPS, else the CPU.
        Any string torch understands (``"cuda:1"``) is accepted.

    Returns
    -------
    device : torch.device
        The resolved device.

    Raises
    ------
    ValueError
        If the string is not a device torch knows, or names an accelerator
        that is not available on this machine.

    Examples
    --------
    >>> from geomlearn.utils import resolve_device
    >>> resolve_device("cpu")
    device(type='cpu')
    """
    if device is None or (isinstance(device, str) and device == "auto"):
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        if mps is not None and mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    if not isinstance(device, (str, torch.device)):
        raise TypeError(
            f"device must be 'auto', a device string or a torch.device; got "
            f"{type(device).__name__}."
        )
    try:
        resolved = torch.device(device)
    except RuntimeError as exc:
        raise ValueError(f"unknown device {device!r}: {exc}") from exc
    if resolved.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device {device!r} was requested but CUDA is not available on this "
            f"machine; use device='cpu' or 'auto'."
        )
    if resolved.type == "mps":
        mps = getattr(torch.backends, "mps", None)
        if mps is None or not mps.is_available():
            raise ValueError(
                f"device {device!r} was requested but MPS is not available on this "
                f"machine; use device='cpu' or 'auto'."
            )
    return resolved


def torch_generator(random_state=None, device="cpu"):
    """Make a :class:`torch.Generator` seeded from a scikit-learn random_state.

    The seed is one draw ``rng.randint(2**31 - 1)`` from
    ``check_random_state(random_state)``: an int gives the same generator
    every time; a :class:`numpy.random.RandomState` is advanced by one draw;
    ``None`` draws from numpy's global generator (without seeding it).
    torch's global generator is never touched.

    Parameters
    ----------
    random_state : int, RandomState instance or None, default=None
        The scikit-learn style random state.
    device : str or torch.device, default="cpu"
        Device of the generator (it must match the tensors it fills).

    Returns
    -------
    generator : torch.Generator
        A seeded generator.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.utils import torch_generator
    >>> a = torch.rand(3, generator=torch_generator(0))
    >>> b = torch.rand(3, generator=torch_generator(0))
    >>> bool(torch.equal(a, b))
    True
    """
    rng = check_random_state(random_state)
    seed = int(rng.randint(np.iinfo(np.int32).max))
    generator = torch.Generator(device=resolve_device(device))
    generator.manual_seed(seed)
    return generator


def to_tensor(X, *, dtype=None, device="cpu"):
    """Convert an array to a tensor, sharing memory when possible.

    Parameters
    ----------
    X : array-like or torch.Tensor
        The data. A numpy array on the CPU is wrapped without a copy when
        ``dtype`` allows.
    dtype : torch.dtype, default=None
        Target dtype. ``None`` keeps the array's dtype (``float64`` stays
        ``float64``; choose ``torch.float32`` explicitly for speed).
    device : str or torch.device, default="cpu"
        Target device (resolved with :func:`resolve_device`).

    Returns
    -------
    tensor : torch.Tensor
        The tensor.

    Examples
    --------
    >>> import numpy as np
    >>> from geomlearn.utils import to_tensor
    >>> to_tensor(np.arange(3.0)).dtype
    torch.float64
    """
    device = resolve_device(device)
    if isinstance(X, torch.Tensor):
        return X.to(device=device, dtype=dtype)
    return torch.as_tensor(np.asarray(X), dtype=dtype, device=device)


def to_numpy(X):
    """Convert a tensor (on any device, with or without grad) to numpy.

    Parameters
    ----------
    X : torch.Tensor or array-like
        The data. Arrays pass through :func:`numpy.asarray`.

    Returns
    -------
    array : ndarray
        The values, on the CPU, detached from the autograd graph.

    Examples
    --------
    >>> import torch
    >>> from geomlearn.utils import to_numpy
    >>> to_numpy(torch.ones(2, requires_grad=True))
    array([1., 1.], dtype=float32)
    """
    if isinstance(X, torch.Tensor):
        return X.detach().cpu().numpy()
    return np.asarray(X)

"""A tiny array-backend shim: one implementation of the Lie groups, two libraries.

The group code is written once against the small set of operations below.
:func:`get_namespace` looks at the inputs of a call and returns the numpy or
the torch flavour of that set, bound to the dtype (and device) that the result
will have. torch is never imported here: a torch tensor can only exist if the
caller already imported torch, so the shim finds the module in
``sys.modules``.

Dtype rules: floating inputs keep their precision (float32 stays float32,
mixed precisions promote as the library promotes them); integer and boolean
inputs become float64 for numpy and torch's default dtype for torch; Python
scalars are "weak" and never change the result dtype.
"""

import numbers
import sys

import numpy as np


def _torch():
    return sys.modules.get("torch")


def is_torch_tensor(x):
    """Whether ``x`` is a torch tensor, without importing torch."""
    torch = _torch()
    return torch is not None and isinstance(x, torch.Tensor)


def get_namespace(*inputs, like=None, dtype=None):
    """Return the backend for ``inputs`` (``None`` entries are ignored).

    Parameters
    ----------
    *inputs : array-like or None
        The arguments of an operation.
    like : array-like, default=None
        Take backend, dtype and device from this array instead.
    dtype : numpy or torch dtype, default=None
        Force this dtype (it must belong to the chosen backend).
    """
    if like is not None:
        inputs = (like,)
    inputs = [x for x in inputs if x is not None]
    tensors = [x for x in inputs if is_torch_tensor(x)]
    if tensors:
        torch = _torch()
        if dtype is None:
            result = tensors[0].dtype
            for t in tensors[1:]:
                result = torch.promote_types(result, t.dtype)
            if result.is_complex:
                raise TypeError("Lie group operations need real inputs, got complex.")
            if not result.is_floating_point:
                result = torch.get_default_dtype()
        else:
            result = dtype
        return _TorchNamespace(torch, result, tensors[0].device)
    if dtype is None:
        dtypes = [
            np.asarray(x).dtype
            for x in inputs
            if not isinstance(x, (numbers.Number, np.generic))
        ]
        dtypes += [x.dtype for x in inputs if isinstance(x, np.generic)]
        result = np.result_type(*dtypes) if dtypes else np.dtype(np.float64)
    else:
        result = np.dtype(dtype)
    if result.kind == "c":
        raise TypeError("Lie group operations need real inputs, got complex.")
    if result.kind != "f":
        if result.kind not in "biu":
            raise TypeError(f"Lie group operations need numeric inputs, got {result}.")
        result = np.dtype(np.float64)
    elif result.itemsize < 4:
        result = np.dtype(np.float32)
    return _NumpyNamespace(result)


class _NumpyNamespace:
    """Operations on numpy arrays of one floating dtype."""

    is_torch = False

    def __init__(self, dtype):
        self.dtype = dtype
        self.eps = float(np.finfo(dtype).eps)
        self.double = dtype == np.float64

    def asarray(self, x):
        return np.asarray(x, dtype=self.dtype)

    def zeros(self, shape):
        return np.zeros(shape, dtype=self.dtype)

    def ones(self, shape):
        return np.ones(shape, dtype=self.dtype)

    def eye(self, n, batch_shape=()):
        return np.broadcast_to(np.eye(n, dtype=self.dtype), (*batch_shape, n, n)).copy()

    def stack(self, arrays, axis=-1):
        return np.stack(np.broadcast_arrays(*arrays), axis=axis)

    def concat(self, arrays, axis=-1):
        return np.concatenate(arrays, axis=axis)

    def broadcast_to(self, x, shape):
        return np.broadcast_to(x, shape).copy()

    def broadcast_shapes(self, *shapes):
        return np.broadcast_shapes(*shapes)

    def sum(self, x, axis=-1, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    def swap(self, x):
        return np.swapaxes(x, -1, -2)

    def where(self, cond, a, b):
        return np.where(cond, a, b).astype(self.dtype, copy=False)

    def sqrt(self, x):
        return np.sqrt(x)

    def sin(self, x):
        return np.sin(x)

    def cos(self, x):
        return np.cos(x)

    def atan2(self, y, x):
        return np.arctan2(y, x)

    def abs(self, x):
        return np.abs(x)

    def maximum(self, a, b):
        return np.maximum(a, b)

    def argmax(self, x, axis=-1):
        return np.argmax(x, axis=axis)

    def solve(self, a, b):
        return np.linalg.solve(a, b[..., None])[..., 0]

    def max_abs(self, x):
        return float(np.max(np.abs(x))) if x.size else 0.0

    def to_numpy(self, x):
        return np.asarray(x)


class _TorchNamespace:
    """Operations on torch tensors of one floating dtype on one device."""

    is_torch = True

    def __init__(self, torch, dtype, device):
        self.torch = torch
        self.dtype = dtype
        self.device = device
        self.eps = float(torch.finfo(dtype).eps)
        self.double = dtype == torch.float64

    def asarray(self, x):
        return self.torch.as_tensor(x, dtype=self.dtype, device=self.device)

    def zeros(self, shape):
        return self.torch.zeros(shape, dtype=self.dtype, device=self.device)

    def ones(self, shape):
        return self.torch.ones(shape, dtype=self.dtype, device=self.device)

    def eye(self, n, batch_shape=()):
        eye = self.torch.eye(n, dtype=self.dtype, device=self.device)
        return eye.expand(*batch_shape, n, n).clone()

    def stack(self, arrays, axis=-1):
        return self.torch.stack(self.torch.broadcast_tensors(*arrays), dim=axis)

    def concat(self, arrays, axis=-1):
        return self.torch.cat(arrays, dim=axis)

    def broadcast_to(self, x, shape):
        return x.expand(shape).clone()

    def broadcast_shapes(self, *shapes):
        return tuple(self.torch.broadcast_shapes(*shapes))

    def sum(self, x, axis=-1, keepdims=False):
        return self.torch.sum(x, dim=axis, keepdim=keepdims)

    def swap(self, x):
        return x.transpose(-1, -2)

    def where(self, cond, a, b):
        torch = self.torch
        if not isinstance(a, torch.Tensor):
            a = torch.as_tensor(a, dtype=self.dtype, device=self.device)
        if not isinstance(b, torch.Tensor):
            b = torch.as_tensor(b, dtype=self.dtype, device=self.device)
        return torch.where(cond, a, b)

    def sqrt(self, x):
        return self.torch.sqrt(x)

    def sin(self, x):
        return self.torch.sin(x)

    def cos(self, x):
        return self.torch.cos(x)

    def atan2(self, y, x):
        return self.torch.atan2(y, x)

    def abs(self, x):
        return self.torch.abs(x)

    def maximum(self, a, b):
        return self.torch.maximum(a, b)

    def argmax(self, x, axis=-1):
        return self.torch.argmax(x, dim=axis)

    def solve(self, a, b):
        return self.torch.linalg.solve(a, b[..., None])[..., 0]

    def max_abs(self, x):
        return float(x.detach().abs().max()) if x.numel() else 0.0

    def to_numpy(self, x):
        return x.detach().cpu().numpy()

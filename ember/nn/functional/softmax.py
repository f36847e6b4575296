"""softmax, log_softmax and softmin: fused, numerically stable ops (the max is subtracted first).

Part of the activation family (``activation.py`` re-exports it). ``tensor_softmax`` and
``tensor_log_softmax`` are the ``Tensor.softmax`` / ``torch.softmax`` forms (``dim`` required).
``log_softmax_array`` is shared with the fused cross-entropy in ``cross_entropy.py``.

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.softmax(ember.tensor([1.0, 2.0, 3.0]), dim=0)
    tensor([0.0900, 0.2447, 0.6652])
"""
import warnings

import numpy as np

from ..._tensor import Tensor, wrap_dim
from ...autograd.function import Op
from ...ops._util import kernel_error
from .activation import not_tensor, run_grad

__all__ = ["softmax", "log_softmax", "softmin"]

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)


def log_softmax_array(xp, x, axis, owned=False):
    """``(x - max) - log(sum(exp(x - max)))`` along ``axis`` (torch's order of operations);
    ``owned=True`` lets it overwrite ``x``."""
    z = x - x.max(axis=axis, keepdims=True) if not owned else \
        xp.subtract(x, x.max(axis=axis, keepdims=True), out=x)
    z -= xp.log(xp.exp(z).sum(axis=axis, keepdims=True))
    return z


def _softmax_array(xp, x, axis, owned=False):
    z = x - x.max(axis=axis, keepdims=True) if not owned else \
        xp.subtract(x, x.max(axis=axis, keepdims=True), out=x)
    xp.exp(z, out=z)
    s = z.sum(axis=axis, keepdims=True)
    if axis == z.ndim - 1:   # torch multiplies by 1/sum along the last dim, divides elsewhere
        z *= xp.reciprocal(s, out=s)
    else:
        z /= s
    return z


def along(fn, xp, x, axis):
    """``fn(xp, a, axis, owned)`` computed along ``axis``. A short last axis (<= 32) of a
    larger NumPy array is worked on as a ``(C, rows)`` copy: NumPy reduces down columns several
    times faster than across short rows (64 x 10: 6 us against 9; 2048 x 10: 44 against 160)."""
    if x.ndim == 0:
        return fn(xp, x.reshape(1), 0).reshape(())
    c = x.shape[-1]
    if xp is np and x.ndim >= 2 and axis == x.ndim - 1 and c <= 32 and x.size >= 512:
        out = fn(xp, x.reshape(-1, c).T.copy(), 0, True)
        return np.ascontiguousarray(out.T).reshape(x.shape)
    return fn(xp, x, axis)


def _check(x, dim, name):
    if x.dtype.kind != "f":
        last = x.ndim == 0 or dim == x.ndim - 1
        raise kernel_error(f"{name}_lastdim_kernel_impl" if last else f"{name}_kernel_impl",
                           x.dtype)


class Softmax(Op):
    name_ = "SoftmaxBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, x, dim):
        _check(x, dim, "softmax")
        ctx.dim = dim if x.ndim else None
        if x.dtype is _F16:
            return Softmax.forward(ctx, x.astype(_F32), dim).astype(_F16)
        if x.size == 0:
            return x.copy()
        with np.errstate(invalid="ignore", over="ignore"):  # all -inf rows give nan, as torch
            return along(_softmax_array, ctx.xp, x, ctx.dim)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return run_grad(ctx, _softmax_grad, g, y, dim=ctx.dim)


def _softmax_grad(m, g, y, dim):
    return y * (g - m.sum(g * y, dim, True))


class LogSoftmax(Op):
    name_ = "LogSoftmaxBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, x, dim):
        _check(x, dim, "log_softmax")
        ctx.dim = dim if x.ndim else None
        if x.dtype is _F16:
            return LogSoftmax.forward(ctx, x.astype(_F32), dim).astype(_F16)
        if x.size == 0:
            return x.copy()
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            return along(log_softmax_array, ctx.xp, x, ctx.dim)

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return run_grad(ctx, _log_softmax_grad, g, y, dim=ctx.dim)


def _log_softmax_grad(m, g, y, dim):
    return g - m.exp(y) * m.sum(g, dim, True)


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _apply(op, input, dim, dtype):
    if dtype is not None:
        input = input.to(dtype)
    return op.apply(input, dim=wrap_dim(dim, input.ndim))


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``exp(x) / exp(x).sum(dim)``, computed stably; ``dtype`` casts the input first.

    Example: ``F.softmax(ember.tensor([[1., 2.], [3., 5.]]), dim=1)``
    """
    if not isinstance(input, Tensor):
        raise not_tensor("softmax", input)
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _apply(Softmax, input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """``log(softmax(x))`` as one stable op (``x - max - log(sum(exp(x - max)))``).

    Example: ``F.log_softmax(ember.tensor([1., 2., 3.]), dim=0)``
    """
    if not isinstance(input, Tensor):
        raise not_tensor("log_softmax", input)
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _apply(LogSoftmax, input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """``softmax(-x)``. Example: ``F.softmin(ember.tensor([1., 2.]), dim=0)``"""
    if not isinstance(input, Tensor):
        raise not_tensor("softmin", input)
    if dim is None:
        dim = _softmax_dim("softmin", input.ndim, _stacklevel)
    return _apply(Softmax, -input, dim, dtype)


def tensor_softmax(input, dim, dtype=None):
    """``torch.softmax(input, dim, dtype=None)`` / ``Tensor.softmax(dim)``: dim is required."""
    if not isinstance(dim, int):
        raise TypeError(f"softmax(): argument 'dim' (position 2) must be int, not "
                        f"{type(dim).__name__}")
    return _apply(Softmax, input, dim, dtype)


def tensor_log_softmax(input, dim, dtype=None):
    """``torch.log_softmax(input, dim, dtype=None)`` / ``Tensor.log_softmax(dim)``."""
    if not isinstance(dim, int):
        raise TypeError(f"log_softmax(): argument 'dim' (position 2) must be int, not "
                        f"{type(dim).__name__}")
    return _apply(LogSoftmax, input, dim, dtype)

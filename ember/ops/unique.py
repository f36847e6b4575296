"""unique, unique_consecutive and bincount (part of the sort family; sort.py re-exports them).

Example:
    >>> import ember
    >>> ember.unique(ember.tensor([3, 1, 3]), return_counts=True)
    (tensor([1, 3]), tensor([1, 2]))
    >>> ember.bincount(ember.tensor([0, 2, 2]))
    tensor([1, 0, 2])
"""
import numpy as np

from .._tensor import _wrap, wrap_dim
from ..autograd.function import Op
from ._util import kernel_error, xp_of_array

__all__ = ["unique", "unique_consecutive", "bincount"]

TENSOR_METHODS = ["unique", "unique_consecutive", "bincount"]

_int64 = np.dtype(np.int64)


class Unique(Op):
    """Sorted unique values (or slices along ``dim``), inverse indices and counts."""

    name_ = "Unique2Backward0"
    torch_name = "_unique2"

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        if dim is None:
            vals, inv, cnt = xp.unique(x.reshape(-1), return_inverse=True, return_counts=True,
                                       equal_nan=False)
            inv = inv.reshape(x.shape)
        else:
            vals, inv, cnt = xp.unique(x, return_inverse=True, return_counts=True, axis=dim,
                                       equal_nan=False)
            inv = inv.reshape(-1)
        return vals, inv.astype(_int64, copy=False), cnt.astype(_int64, copy=False)

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(f"the derivative for '{ctx.torch_name}' is not implemented.")


class UniqueDim(Unique):
    name_ = "UniqueDimBackward0"
    torch_name = "unique_dim"


class UniqueConsecutive(Unique):
    name_ = "UniqueConsecutiveBackward0"
    torch_name = "unique_consecutive"

    @staticmethod
    def forward(ctx, x, dim):
        xp = ctx.xp
        src = x.reshape(-1) if dim is None else x
        d = 0 if dim is None else dim
        n = src.shape[d]
        if n == 0 or src.size == 0:
            empty = xp.zeros(0, dtype=_int64)
            return src.copy(), empty.reshape(x.shape) if dim is None else empty, empty
        rows = xp.moveaxis(src, d, 0).reshape(n, -1)
        start = xp.ones(n, dtype=bool)
        start[1:] = (rows[1:] != rows[:-1]).any(axis=1)
        inv = xp.cumsum(start) - 1
        first = xp.nonzero(start)[0]
        cnt = xp.diff(xp.append(first, n))
        vals = xp.take(src, first, axis=d)
        return vals, inv.reshape(x.shape) if dim is None else inv, cnt.astype(_int64)


def _unique_result(r, return_inverse, return_counts):
    if not (return_inverse or return_counts):
        return r[0]
    return (r[0],) + ((r[1],) if return_inverse else ()) + ((r[2],) if return_counts else ())


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """Sorted unique elements (or unique slices along ``dim``), optionally inverse and counts.

    Example:
        >>> ember.unique(ember.tensor([3, 1, 3]), return_counts=True)
        (tensor([1, 3]), tensor([1, 2]))
    """
    if dim is None:
        r = Unique.apply(input, dim=None)
    else:
        r = UniqueDim.apply(input, dim=wrap_dim(dim, input._data.ndim))
    return _unique_result(r, return_inverse, return_counts)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive elements (or slices along ``dim``)."""
    d = None if dim is None else wrap_dim(dim, input._data.ndim)
    r = UniqueConsecutive.apply(input, dim=d)
    return _unique_result(r, return_inverse, return_counts)


def bincount(input, weights=None, minlength=0):
    """Count of each value in a 1-d tensor of non-negative ints (or sum of ``weights``)."""
    x = input._data
    if x.dtype.kind not in "iu":
        raise kernel_error("bincount_cpu", x.dtype)
    if x.ndim != 1 or (x.size and int(x.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = xp_of_array(x)
    if weights is None:
        return _wrap(xp.bincount(x, minlength=minlength).astype(_int64, copy=False))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = np.float32 if w.dtype == np.float32 else np.float64
    return _wrap(xp.bincount(x, weights=w, minlength=minlength).astype(dt, copy=False))

"""Reductions over dimensions (sum, mean, ...), with ``dim`` and ``keepdim``.

Example:
    >>> import ember
    >>> ember.tensor([[1., 2.], [3., 4.]]).sum(dim=0)
    tensor([4., 6.])
"""
from .. import dtypes as _dt
from ..autograd.function import Op
from ._util import dims_tuple

__all__ = ["sum"]

TENSOR_METHODS = ["sum", "sum_to_size"]


def _sum_dtype(x, dtype):
    if dtype is not None:
        return _dt.to_dtype(dtype).np
    if x.dtype.kind in "biu":  # integers and bools sum to int64, as in torch
        return _dt.int64.np
    return x.dtype


class Sum(Op):
    name_ = "SumBackward1"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        out = x.sum(axis=dims, keepdims=keepdim, dtype=dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        if not ctx.keepdim and ctx.dims:
            shape = list(ctx.shape)
            for d in ctx.dims:
                shape[d] = 1
            grad = grad.reshape(shape)
        return grad.expand(ctx.shape)


class SumAll(Sum):
    name_ = "SumBackward0"


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of all elements, or over ``dim`` (int or tuple), keeping it with ``keepdim=True``."""
    dt = _sum_dtype(input._data, dtype)
    if dim is None:
        return SumAll.apply(input, dims=tuple(range(input._data.ndim)), keepdim=False, dtype=dt)
    dims = dims_tuple(dim, input._data.ndim)
    return Sum.apply(input, dims=dims, keepdim=keepdim, dtype=dt)


def sum_to_size(input, *size):
    """Sum broadcast dimensions away so the result has shape ``size`` (used by autograd)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    shape = input._data.shape
    if shape == tuple(size):
        return input
    lead = len(shape) - len(size)
    dims = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(size) if s == 1 and shape[i + lead] != 1)
    out = Sum.apply(input, dims=dims, keepdim=True, dtype=input._data.dtype)
    if lead:
        out = out.reshape(size)
    return out

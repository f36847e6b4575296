"""Variance and standard deviation: var, std, var_mean, std_mean (part of the reduce family;
reduce.py re-exports them).

``correction`` is Bessel's correction (default 1); ``unbiased=False`` means ``correction=0``.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 5.], [3., 4.]])
    >>> x.std(dim=1, correction=0)
    tensor([2.0000, 0.5000])
    >>> ember.var_mean(x, 0)
    (tensor([2.0000, 0.5000]), tensor([2.0000, 4.5000]))
"""
import builtins
import math
import warnings

import numpy as np

from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import write_out
from .reduce import _const, _dim_aliases, _dims, _is_float, _numel, _unreduce, mean

__all__ = ["var", "std", "var_mean", "std_mean"]

TENSOR_METHODS = ["var", "std"]


def _correction(name, dim, unbiased, correction):
    if isinstance(dim, bool):  # std(x, False): the legacy ``unbiased`` positional form
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments: give either "
                        "'unbiased' or 'correction', not both")
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    return dim, correction


def _var_forward(ctx, x, dims, correction, keepdim, name):
    n = _numel(x.shape, dims)
    denom = builtins.max(0, n - correction)
    if denom == 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      stacklevel=6)
    ctx.shape, ctx.dims, ctx.keepdim, ctx.n, ctx.denom = x.shape, dims, keepdim, n, denom
    with np.errstate(invalid="ignore", divide="ignore"):
        m = x.sum(axis=dims, keepdims=True) / n
        d = x - m
        sq = d * d if x.dtype.kind == "f" else (d * d.conj()).real
        v = sq.sum(axis=dims, keepdims=keepdim) / denom
    return v, m


def _var_backward(ctx, x, g):
    """Gradient of var w.r.t. x for a gradient ``g`` already broadcast to x's shape."""
    scale = 2.0 / ctx.denom if ctx.denom else math.inf
    if not _Mode.enabled:  # first order only: one NumPy expression instead of several ops
        a = x._data
        with np.errstate(invalid="ignore"):
            centred = a - a.sum(axis=ctx.dims, keepdims=True) / ctx.n
            return _const(ctx, g._data * centred * scale)
    return g * (x - mean(x, ctx.dims, keepdim=True)) * scale


def _std_grad(ctx, g_std, std):
    """d var from d std: g / (2 std), zero where std is zero (as torch)."""
    zero = std._data == 0
    if not _Mode.enabled:
        with np.errstate(divide="ignore", invalid="ignore"):
            g = ctx.xp.where(zero, 0, g_std._data / (2 * std._data))
        return _const(ctx, g, g_std._data.dtype)
    dt = std._data.dtype
    g = g_std / (2 * (std + _const(ctx, zero, dt)))
    return g * _const(ctx, ~zero, dt) if zero.any() else g


class Var(Op):
    name_ = "VarBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        return _var_forward(ctx, x, dims, correction, keepdim, "var")[0]

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return _var_backward(ctx, x, _unreduce(grad, ctx.shape, ctx.dims, ctx.keepdim))


class Std(Op):
    name_ = "StdBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        return ctx.xp.sqrt(_var_forward(ctx, x, dims, correction, keepdim, "std")[0])

    @staticmethod
    def backward(ctx, grad):
        x, std = ctx.saved_tensors
        g = _unreduce(_std_grad(ctx, grad, std), ctx.shape, ctx.dims, ctx.keepdim)
        return _var_backward(ctx, x, g)


class VarMean(Op):
    name_ = "VarMeanBackward0"
    save_inputs = (0,)
    save_output = True
    take_sqrt = False

    @staticmethod
    def forward(ctx, x, dims, correction, keepdim):
        name = "std_mean" if ctx.take_sqrt else "var_mean"
        v, m = _var_forward(ctx, x, dims, correction, keepdim, name)
        if not keepdim:
            m = m.reshape(v.shape)
        return (ctx.xp.sqrt(v) if ctx.take_sqrt else v), m.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g_first, g_mean):
        x, first, _ = ctx.saved_tensors
        g = _std_grad(ctx, g_first, first) if ctx.take_sqrt else g_first
        g = _var_backward(ctx, x, _unreduce(g, ctx.shape, ctx.dims, ctx.keepdim))
        return g + _unreduce(g_mean, ctx.shape, ctx.dims, ctx.keepdim, ctx.n)


class StdMean(VarMean):
    name_ = "StdMeanBackward0"
    take_sqrt = True


def _var_call(op, name, input, dim, unbiased, keepdim, correction):
    if not _is_float(input._data):
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dim, correction = _correction(name, dim, unbiased, correction)
    return op.apply(input, dims=_dims(dim, input._data.ndim), correction=correction,
                    keepdim=keepdim)


@_dim_aliases
def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Variance over ``dim`` with Bessel's ``correction`` (default 1; ``unbiased=False`` is 0)."""
    r = _var_call(Var, "var", input, dim, unbiased, keepdim, correction)
    return r if out is None else write_out(out, r)


@_dim_aliases
def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None):
    """Standard deviation over ``dim``: ``x.std(dim=0, correction=0)``."""
    r = _var_call(Std, "std", input, dim, unbiased, keepdim, correction)
    return r if out is None else write_out(out, r)


@_dim_aliases
def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(var, mean)`` over ``dim`` in one pass."""
    return _var_call(VarMean, "var_mean", input, dim, unbiased, keepdim, correction)


@_dim_aliases
def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """``(std, mean)`` over ``dim`` in one pass."""
    return _var_call(StdMean, "std_mean", input, dim, unbiased, keepdim, correction)

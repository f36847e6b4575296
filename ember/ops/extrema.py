"""max/min and friends: max, min, amax, amin, aminmax, argmax, argmin (part of the sort family).

Ties follow torch's CPU results: max(dim) and argmax pick the first extreme, and the gradient of
max()/amax is split evenly among tied elements. The helpers at the top (named-tuple results,
sending a gradient back to picked indices) serve the whole family; sort.py re-exports this file.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 5.], [3., 4.]])
    >>> x.max(dim=1).indices
    tensor([1, 1])
    >>> x.amin(0)
    tensor([1., 4.])
"""
import numpy as np

from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import Op
from ..return_types import return_type
from ._util import write_out, xp_of_array
from .reduce import _dim_aliases, _dims, _tie_scale, _unreduce

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin"]

TENSOR_METHODS = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin"]

_int64 = np.dtype(np.int64)


# -- helpers shared by the family: results with indices, gradients sent back to them ----------
def _out_pair(name, result, out):
    """Return ``result`` (a 2-tuple) as the named type, writing into ``out`` when given."""
    if out is None:
        return return_type(name)(*result)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{name}(): argument 'out' must be a tuple of 2 Tensors")
    return return_type(name + "_out")(write_out(out[0], result[0]), write_out(out[1], result[1]))


def _along(xp, index, dim):
    """The fancy-index tuple that addresses ``index`` (values along ``dim``) in full."""
    nd = index.ndim
    idx = []
    for i, s in enumerate(index.shape):
        if i == dim:
            idx.append(index)
        else:
            shape = [1] * nd
            shape[i] = s
            idx.append(xp.arange(s).reshape(shape))
    return tuple(idx)


class _PutAlongDim(Op):
    """Zeros of ``shape`` with ``grad`` placed at ``index`` along ``dim`` (summed if repeated).

    The backward of index-selecting ops (max(dim), sort, topk, median...)."""

    name_ = "ScatterBackward0"

    @staticmethod
    def forward(ctx, g, index, dim, shape, accumulate=False):
        ctx.index, ctx.dim = index, dim
        out = ctx.xp.zeros(shape, dtype=g.dtype)
        if accumulate:
            ctx.xp.add.at(out, _along(ctx.xp, index, dim), g)
        else:
            ctx.xp.put_along_axis(out, index, g, axis=dim)
        return out

    @staticmethod
    def backward(ctx, grad):
        return _TakeAlongDim.apply(grad, index=ctx.index, dim=ctx.dim)


class _TakeAlongDim(Op):
    name_ = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, index, dim):
        ctx.index, ctx.dim, ctx.shape = index, dim, x.shape
        return ctx.xp.take_along_axis(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        return _PutAlongDim.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.shape,
                                  accumulate=True)


def _scatter_back(grad, ctx):
    """Gradient of an op that picked ``ctx.index`` (kept-dims layout) along ``ctx.dim``."""
    if ctx.dim is None:  # 0-d input
        return grad
    if grad._data.ndim != len(ctx.shape):
        grad = grad.reshape(ctx.index.shape)
    return _PutAlongDim.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.shape)


def _reduced(ctx, x, dim, keepdim, vals, idx):
    """Store the kept-dims index for backward and drop ``dim`` unless ``keepdim``."""
    ctx.shape, ctx.dim, ctx.index = x.shape, dim, idx
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return vals, idx.astype(_int64, copy=False)


def _scalar_pair(ctx, x):
    ctx.shape, ctx.dim = x.shape, None
    return x.copy(), ctx.xp.zeros((), dtype=_int64)


# -- max, min, amax, amin, argmax, argmin -------------------------------------------------------
class _Extreme(Op):
    """max()/min()/amax/amin: the gradient is shared evenly among tied extremes."""

    save_inputs = (0,)
    save_output = True
    nan_ties = False
    largest = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return x.max(axis=dims, keepdims=keepdim) if ctx.largest else \
            x.min(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        scale = _tie_scale(ctx.xp, x._data, out._data, ctx.dims, ctx.keepdim, ctx.nan_ties)
        return _unreduce(grad, ctx.shape, ctx.dims, ctx.keepdim) * _wrap(scale)


class MaxAll(_Extreme):
    name_ = "MaxBackward1"
    nan_ties = True


class MinAll(MaxAll):
    name_ = "MinBackward1"
    largest = False


class Amax(_Extreme):
    name_ = "AmaxBackward0"


class Amin(_Extreme):
    name_ = "AminBackward0"
    largest = False


class MaxDim(Op):
    """max(dim)/min(dim): values and the index of the first extreme; the gradient goes there."""

    name_ = "MaxBackward0"
    largest = True

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        if x.ndim == 0:
            return _scalar_pair(ctx, x)
        # argmax/argmin return the first extreme (the first NaN if any), as torch's max(dim)
        if ctx.largest:
            vals, idx = x.max(axis=dim, keepdims=True), x.argmax(axis=dim, keepdims=True)
        else:
            vals, idx = x.min(axis=dim, keepdims=True), x.argmin(axis=dim, keepdims=True)
        return _reduced(ctx, x, dim, keepdim, vals, idx)

    @staticmethod
    def backward(ctx, grad, _):
        return _scatter_back(grad, ctx)


class MinDim(MaxDim):
    name_ = "MinBackward0"
    largest = False


def _check_nonempty(name, x, dims, full):
    if x.size:
        return
    if full:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")
    for d in dims:
        if x.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


def _max_min(name, input, dim, keepdim, other, out):
    if isinstance(dim, Tensor):
        dim, other = None, dim
    if other is not None:  # max(a, b): elementwise
        from .. import maximum, minimum
        return (maximum if name == "max" else minimum)(input, other, out=out)
    x = input._data
    if dim is None:
        _check_nonempty(name, x, (), True)
        r = (MaxAll if name == "max" else MinAll).apply(input, dims=None, keepdim=False)
        return r if out is None else write_out(out, r)
    d = wrap_dim(dim, x.ndim)
    if x.ndim:
        _check_nonempty(name, x, (d,), False)
    r = (MaxDim if name == "max" else MinDim).apply(input, dim=d, keepdim=keepdim)
    return _out_pair(name, r, out)


@_dim_aliases
def max(input, dim=None, keepdim=False, *, other=None, out=None):
    """The largest element; with ``dim``, ``(values, indices)``; with a tensor, elementwise max.

    Ties: ``max(dim)`` returns the first maximal index; the gradient of ``max()`` is split
    evenly among tied maxima (as torch).

    Example:
        >>> ember.tensor([[1., 3.], [4., 2.]]).max(dim=1)
        torch.return_types.max(
        values=tensor([3., 4.]),
        indices=tensor([1, 0]))
    """
    return _max_min("max", input, dim, keepdim, other, out)


@_dim_aliases
def min(input, dim=None, keepdim=False, *, other=None, out=None):
    """The smallest element; with ``dim``, ``(values, indices)``; with a tensor, elementwise."""
    return _max_min("min", input, dim, keepdim, other, out)


def _amax_amin(op, name, input, dim, keepdim, out):
    x = input._data
    full = dim is None or (isinstance(dim, (tuple, list)) and not dim)
    dims = _dims(dim, x.ndim)
    _check_nonempty(name, x, dims, full)
    r = op.apply(input, dims=dims, keepdim=keepdim)
    return r if out is None else write_out(out, r)


@_dim_aliases
def amax(input, dim=(), keepdim=False, *, out=None):
    """Maximum over ``dim`` (all by default); the gradient is split evenly among ties."""
    return _amax_amin(Amax, "amax", input, dim, keepdim, out)


@_dim_aliases
def amin(input, dim=(), keepdim=False, *, out=None):
    """Minimum over ``dim`` (all by default); the gradient is split evenly among ties."""
    return _amax_amin(Amin, "amin", input, dim, keepdim, out)


class Aminmax(Op):
    name_ = "AminmaxBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return x.min(axis=dims, keepdims=keepdim), x.max(axis=dims, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g_min, g_max):
        x, lo, hi = ctx.saved_tensors
        a, d, k = x._data, ctx.dims, ctx.keepdim
        s_lo = _wrap(_tie_scale(ctx.xp, a, lo._data, d, k, False))
        s_hi = _wrap(_tie_scale(ctx.xp, a, hi._data, d, k, False))
        return _unreduce(g_min, ctx.shape, d, k) * s_lo + _unreduce(g_max, ctx.shape, d, k) * s_hi


@_dim_aliases
def aminmax(input, *, dim=None, keepdim=False, out=None):
    """``(min, max)`` in one call: ``ember.aminmax(x, dim=0)``."""
    x = input._data
    dims = _dims(dim, x.ndim)
    if x.size == 0 and (dim is None or x.ndim == 0 or x.shape[dims[0]] == 0):
        raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as the "
                           "operation has no identity.")
    r = Aminmax.apply(input, dims=dims, keepdim=keepdim)
    return _out_pair("aminmax", r, out)


def _arg_extreme(name, input, dim, keepdim):
    x = input._data
    if x.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    fn = x.argmax if name == "argmax" else x.argmin
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = xp_of_array(x).asarray(fn(), dtype=_int64)
        return _wrap(r.reshape((1,) * x.ndim) if keepdim else r)
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return _wrap(xp_of_array(x).zeros((), dtype=_int64))
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _wrap(xp_of_array(x).asarray(fn(axis=d, keepdims=keepdim), dtype=_int64))


@_dim_aliases
def argmax(input, dim=None, keepdim=False):
    """Index of the (first) maximum, of the flattened tensor or along ``dim``."""
    return _arg_extreme("argmax", input, dim, keepdim)


@_dim_aliases
def argmin(input, dim=None, keepdim=False):
    """Index of the (first) minimum, of the flattened tensor or along ``dim``."""
    return _arg_extreme("argmin", input, dim, keepdim)

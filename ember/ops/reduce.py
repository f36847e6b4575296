"""Arithmetic reductions: sum, mean, prod, std/var, norm, logsumexp, all/any, cumsum/cumprod.

``dim`` is an int, a tuple/list of ints or None (all dimensions); ``keepdim=True`` keeps the
reduced dimensions with size 1. (max/min/sort/median and friends live in ``ops/sort.py``.)

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 5.], [3., 4.]])
    >>> x.sum(dim=0)
    tensor([4., 9.])
    >>> x.std(dim=1, correction=0)
    tensor([2.0000, 0.5000])
"""
import builtins
import functools
import math
import warnings

import numpy as np

from .. import dtypes as _dt
from .._tensor import _type_word, _wrap, wrap_dim
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import write_out

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "std", "var", "std_mean", "var_mean",
           "all", "any", "count_nonzero", "logsumexp", "norm", "cumsum", "cumprod"]

TENSOR_METHODS = ["sum", "sum_to_size", "nansum", "mean", "nanmean", "prod", "std", "var",
                  "all", "any", "count_nonzero", "logsumexp", "norm", "cumsum", "cumsum_",
                  "cumprod", "cumprod_"]

_int64 = np.dtype(np.int64)


# -- helpers ------------------------------------------------------------------------------------
def _dims(dim, ndim):
    """``dim`` as a sorted tuple of axes; None and an empty tuple/list mean every dimension."""
    if dim.__class__ is int and -ndim <= dim < ndim:  # the common case, fast
        return (dim + ndim if dim < 0 else dim,)
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (tuple, list)):
        if not dim:
            return tuple(range(ndim))
        out = []
        for d in dim:
            d = wrap_dim(d, ndim)
            if d in out:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            out.append(d)
        return tuple(sorted(out)) if ndim else ()
    d = wrap_dim(dim, ndim)
    return (d,) if ndim else ()


def _kept(shape, dims):
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def _numel(shape, dims):
    n = 1
    for d in dims:
        n *= shape[d]
    return n


class _Unreduce(Op):
    """Broadcast a reduced gradient back to the input's shape, optionally divided by ``n``."""

    name_ = "ExpandBackward0"

    @staticmethod
    def forward(ctx, g, kept, shape, n):
        ctx.gshape, ctx.n = g.shape, n
        ctx.dims = tuple(i for i, (a, b) in enumerate(zip(kept, shape)) if a != b)
        out = ctx.xp.broadcast_to(g.reshape(kept), shape)
        return out if n is None else out / n

    @staticmethod
    def backward(ctx, grad):
        g = sum(grad, ctx.dims, keepdim=True) if ctx.dims else grad
        g = g.reshape(ctx.gshape)
        return g if ctx.n is None else g / ctx.n


def _unreduce(grad, shape, dims, keepdim, n=None):
    """Broadcast a reduced gradient back to the input's ``shape`` (then divide it by ``n``)."""
    gshape = grad._data.shape
    if gshape == shape and n is None:
        return grad
    if dims is None or keepdim:
        kept = (1,) * (len(shape) - len(gshape)) + gshape
    else:
        kept = _kept(shape, dims)
    return _Unreduce.apply(grad, kept=kept, shape=shape, n=n)


def _const(ctx, array, dtype=None):
    """A constant (non-differentiable) tensor, e.g. a mask, in ``dtype``."""
    return _wrap(ctx.xp.asarray(array, dtype=dtype))


def _sum_dtype(x, dtype):
    if dtype is not None:
        return _dt.to_dtype(dtype).np
    if x.dtype.kind in "biu":  # integers and bools sum to int64, as in torch
        return _int64
    return x.dtype


def _is_float(x):
    return x.dtype.kind in "fc"


def _array_module(x):
    if x.__class__ is np.ndarray:
        return np
    from ..device import cupy
    return cupy()


def _dim_aliases(fn):
    """Accept NumPy's ``axis=``/``keepdims=`` spellings of ``dim``/``keepdim``, as torch does."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if kwargs:
            if "axis" in kwargs:
                kwargs["dim"] = kwargs.pop("axis")
            if "keepdims" in kwargs:
                kwargs["keepdim"] = kwargs.pop("keepdims")
        return fn(*args, **kwargs)
    return wrapper


def _tie_scale(xp, x, out, dims, keepdim, nan_ties):
    """mask / count: the share of the gradient each tied extreme gets (torch splits evenly)."""
    o = out if keepdim or dims is None else out.reshape(_kept(x.shape, dims))
    mask = x == o
    if nan_ties and _is_float(x):  # max() of data with NaN: the NaNs share the gradient
        mask |= xp.isnan(x) & xp.isnan(o)
    count = mask.sum(axis=dims, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return xp.asarray(mask / count, dtype=x.dtype)


# -- sum, mean, nansum, nanmean -----------------------------------------------------------------
class Sum(Op):
    name_ = "SumBackward1"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        return x.sum(axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.shape, ctx.dims, ctx.keepdim)


class SumAll(Sum):
    name_ = "SumBackward0"


@_dim_aliases
def sum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum of all elements, or over ``dim`` (int or tuple), keeping it with ``keepdim=True``.

    Integer and bool inputs sum to int64: ``ember.tensor([True, True]).sum()`` is ``tensor(2)``.
    """
    dt = _sum_dtype(input._data, dtype)
    if dim is None and not keepdim:
        r = SumAll.apply(input, dims=None, keepdim=False, dtype=dt)
    else:
        r = Sum.apply(input, dims=_dims(dim, input._data.ndim), keepdim=keepdim, dtype=dt)
    return r if out is None else write_out(out, r)


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


class Nansum(Sum):
    name_ = "NansumBackward0"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        if not _is_float(x):
            return x.sum(axis=dims, keepdims=keepdim, dtype=dtype)
        ctx.mask = ~ctx.xp.isnan(x)
        return ctx.xp.nansum(x, axis=dims, keepdims=keepdim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        g = _unreduce(grad, ctx.shape, ctx.dims, ctx.keepdim)
        return g * _const(ctx, ctx.mask, g._data.dtype)


@_dim_aliases
def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Sum treating NaN as zero: ``ember.nansum(ember.tensor([1., float('nan')]))`` is 1."""
    dims = _dims(dim, input._data.ndim)
    r = Nansum.apply(input, dims=dims, keepdim=keepdim, dtype=_sum_dtype(input._data, dtype))
    return r if out is None else write_out(out, r)


def _mean_dtype(x, dtype, name):
    if dtype is not None:
        dt = _dt.to_dtype(dtype)
        if not (dt.is_floating_point or dt.is_complex):
            raise RuntimeError(f"{name}(): could not infer output dtype. Optional dtype must be "
                               f"either a floating point or complex dtype. Got: "
                               f"{_type_word(dt.np)}")
        return dt.np
    if not _is_float(x):
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either "
                           f"a floating point or complex dtype. Got: {_type_word(x.dtype)}")
    return x.dtype


class Mean(Op):
    name_ = "MeanBackward1"

    @staticmethod
    def forward(ctx, x, dims, keepdim, dtype):
        n = x.size if dims is None else _numel(x.shape, dims)
        ctx.shape, ctx.dims, ctx.keepdim, ctx.n = x.shape, dims, keepdim, n
        acc = np.float32 if dtype == np.float16 else dtype  # as torch: float16 sums in float32
        s = x.sum(axis=dims, keepdims=keepdim, dtype=acc)
        if n == 0:
            with np.errstate(invalid="ignore"):
                return ctx.xp.asarray(s / n, dtype=dtype)
        out = s / n
        return out if out.dtype == dtype else out.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return _unreduce(grad, ctx.shape, ctx.dims, ctx.keepdim, ctx.n)


class MeanAll(Mean):
    name_ = "MeanBackward0"


@_dim_aliases
def mean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Arithmetic mean over all elements or over ``dim``; needs a floating (or complex) dtype.

    Example: ``ember.tensor([[1., 2.], [3., 4.]]).mean(1)`` is ``tensor([1.5000, 3.5000])``.
    """
    dt = _mean_dtype(input._data, dtype, "mean")
    if dim is None and not keepdim:
        r = MeanAll.apply(input, dims=None, keepdim=False, dtype=dt)
    else:
        r = Mean.apply(input, dims=_dims(dim, input._data.ndim), keepdim=keepdim, dtype=dt)
    return r if out is None else write_out(out, r)


@_dim_aliases
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean of the non-NaN elements (NaN where every element is NaN)."""
    x = input._data
    if not _is_float(x):
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_type_word(x.dtype)}")
    dims = _dims(dim, x.ndim)
    count = (~_array_module(x).isnan(x)).sum(axis=dims, keepdims=keepdim)
    total = nansum(input, dims, keepdim, dtype=dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = total / _wrap(_array_module(x).asarray(count, dtype=total._data.dtype))
    return r if out is None else write_out(out, r)


# -- prod ---------------------------------------------------------------------------------------
class Prod(Op):
    name_ = "ProdBackward1"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, dim, keepdim, dtype):
        if x.dtype != dtype:
            x = x.astype(dtype)
        ctx.shape, ctx.dim, ctx.keepdim = x.shape, dim, keepdim
        ctx.has_zero = _is_float(x) and bool((x == 0).any())
        return x.prod(axis=dim, keepdims=keepdim)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        dims = None if ctx.dim is None else (ctx.dim,)
        g = _unreduce(grad, ctx.shape, dims, ctx.keepdim)
        if not ctx.has_zero:
            return g * _unreduce(out, ctx.shape, dims, ctx.keepdim) / x
        return g * _prod_others(ctx, x, ctx.dim)


def _prod_others(ctx, x, dim):
    """The product of the other elements of each slice along ``dim`` (None: all), computed
    without dividing (so zeros are fine) from exclusive running products, as torch does."""
    from .. import cat, flip
    if dim is None:
        return _prod_others(ctx, x.reshape(-1), 0).reshape(ctx.shape)
    n = x._data.shape[dim]
    one = _const(ctx, ctx.xp.ones(_kept(x._data.shape, (dim,)), dtype=x._data.dtype))
    before = cumprod(cat([one, x.narrow(dim, 0, n - 1)], dim), dim)
    after = flip(cumprod(flip(cat([x.narrow(dim, 1, n - 1), one], dim), (dim,)), dim), (dim,))
    return before * after


class ProdAll(Prod):
    name_ = "ProdBackward0"


@_dim_aliases
def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product of all elements, or along one dimension ``dim``."""
    dt = _sum_dtype(input._data, dtype)
    if dim is None:
        return ProdAll.apply(input, dim=None, keepdim=False, dtype=dt)
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    if nd == 0:
        return Prod.apply(input, dim=None, keepdim=False, dtype=dt)
    return Prod.apply(input, dim=d, keepdim=keepdim, dtype=dt)


# -- var, std -----------------------------------------------------------------------------------
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


# -- all, any, count_nonzero --------------------------------------------------------------------
def _logical(name, input, dim, keepdim, out):
    x = input._data
    fn = x.all if name == "all" else x.any
    if dim is None:
        r = fn(keepdims=keepdim)
    elif isinstance(dim, (tuple, list)) and not dim:
        r = x.astype(bool)  # torch reduces over no dimension here
    else:
        r = fn(axis=_dims(dim, x.ndim), keepdims=keepdim)
    r = _array_module(x).asarray(r, dtype=np.uint8 if x.dtype == np.uint8 else bool)
    return write_out(out, _wrap(r))


@_dim_aliases
def all(input, dim=None, keepdim=False, *, out=None):
    """True where every element (over ``dim``) is nonzero; uint8 input gives uint8."""
    return _logical("all", input, dim, keepdim, out)


@_dim_aliases
def any(input, dim=None, keepdim=False, *, out=None):
    """True where some element (over ``dim``) is nonzero; uint8 input gives uint8."""
    return _logical("any", input, dim, keepdim, out)


@_dim_aliases
def count_nonzero(input, dim=None):
    """Number of nonzero elements, over all dimensions or ``dim`` (int or tuple)."""
    x = input._data
    r = (x != 0).sum(axis=_dims(dim, x.ndim), dtype=_int64)
    return _wrap(_array_module(x).asarray(r))


# -- logsumexp, norm ----------------------------------------------------------------------------
class Logsumexp(Op):
    name_ = "LogsumexpBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, dims, keepdim
        xp = ctx.xp
        if x.size == 0:
            return xp.full(_kept(x.shape, dims) if keepdim else
                           tuple(s for i, s in enumerate(x.shape) if i not in dims),
                           -np.inf, dtype=x.dtype)
        m = x.max(axis=dims, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0).astype(x.dtype, copy=False)  # stable, inf-safe
        with np.errstate(divide="ignore", invalid="ignore"):
            out = xp.log(xp.exp(x - m).sum(axis=dims, keepdims=True)) + m
        return out if keepdim else out.reshape(
            tuple(s for i, s in enumerate(x.shape) if i not in dims))

    @staticmethod
    def backward(ctx, grad):
        from .. import exp
        x, out = ctx.saved_tensors
        g = _unreduce(grad, ctx.shape, ctx.dims, ctx.keepdim)
        return g * exp(x - _unreduce(out, ctx.shape, ctx.dims, ctx.keepdim))


@_dim_aliases
def logsumexp(input, dim, keepdim=False, *, out=None):
    """``log(sum(exp(input), dim))``, computed stably (the max is subtracted first)."""
    if not _is_float(input._data):
        input = input.to(_dt.get_default_dtype())
    r = Logsumexp.apply(input, dims=_dims(dim, input._data.ndim), keepdim=keepdim)
    return r if out is None else write_out(out, r)


def _vector_norm(input, ord, dim, keepdim, dtype):
    """Checks and dims of torch.linalg.vector_norm; the op itself is ember.linalg.VectorNorm."""
    x = input._data
    if not _is_float(x):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_type_word(x.dtype)}")
    if dtype is not None:
        dt = _dt.to_dtype(dtype)
        if not (dt.is_floating_point or dt.is_complex):
            raise RuntimeError("linalg.vector_norm: dtype should be floating point or complex, "
                               f"but got {_type_word(dt.np)}")
        if dt.np.itemsize < x.dtype.itemsize:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input "
                               f"({_type_word(x.dtype)}) should be convertible without narrowing "
                               f"to the specified dtype ({_type_word(dt.np)})")
        input = input.to(dt)
        x = input._data
    full = dim is None or (isinstance(dim, (tuple, list)) and not dim)
    dims = _dims(dim, x.ndim)
    ord = float(ord)
    if x.size == 0 and (ord < 0 or ord == math.inf):
        if full:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on an empty "
                               "tensor because the operation does not have an identity")
        for d in dims:
            if x.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {ord:g} norm on the "
                                   f"dimension {d}because this dimension is empty and the "
                                   "operation does not have an identity")
    from ..linalg import VectorNorm
    return VectorNorm.apply(input, ord=ord, dims=dims, keepdim=bool(keepdim), dtype=x.dtype)


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None):
    """Vector p-norm (``p`` a number, inf, or 'fro') over ``dim``; 'nuc' is a matrix norm.

    Example: ``ember.tensor([3., 4.]).norm()`` is ``tensor(5.)``.
    """
    if p is None:
        p = 2
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            p = 2
        else:
            if p not in ("fro", "nuc"):
                raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
            from .. import linalg
            matrix_norm = getattr(linalg, "matrix_norm", None)
            if matrix_norm is None:
                raise NotImplementedError("norm(p='nuc') needs ember.linalg.matrix_norm")
            dim = list(range(input._data.ndim)) if dim is None else \
                [dim] if isinstance(dim, int) else dim
            r = matrix_norm(input, p, dim, keepdim, dtype=dtype)
            return r if out is None else write_out(out, r)
    r = _vector_norm(input, p, dim, keepdim, dtype)
    return r if out is None else write_out(out, r)


# -- cumsum, cumprod ----------------------------------------------------------------------------
class Cumsum(Op):
    name_ = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        if dim is None:  # 0-d
            return x.astype(dtype, copy=True)
        return ctx.xp.cumsum(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _RevCumsum.apply(grad, dim=ctx.dim)


class _RevCumsum(Op):
    """Cumulative sum from the end (torch writes it as flip-cumsum-flip)."""

    name_ = "FlipBackward0"

    @staticmethod
    def forward(ctx, g, dim):
        ctx.dim = dim
        if dim is None:
            return g.copy()
        xp = ctx.xp
        return xp.flip(xp.cumsum(xp.flip(g, dim), axis=dim), dim)

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim, dtype=grad._data.dtype)


class Cumprod(Op):
    name_ = "CumprodBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, dim, dtype):
        xp = ctx.xp
        if x.dtype != dtype:
            x = x.astype(dtype)
        ctx.dim, ctx.first = dim, None
        if dim is None:
            return x.copy()
        if _is_float(x):
            zeros = x == 0
            if zeros.any():
                seen = xp.cumsum(zeros, axis=dim)
                ctx.before, ctx.first = seen == 0, zeros & (seen == 1)
        return xp.cumprod(x, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        d = ctx.dim
        if d is None:
            return grad
        if ctx.first is None:
            return _RevCumsum.apply(grad * y, dim=d) / x
        if _Mode.enabled:  # building a graph (double backward): the exact O(n^2) form
            return _cumprod_grad_exact(ctx, x, grad, d)
        # With zeros: positions before the first zero use the usual formula; the first zero
        # gets sum_i g_i * (cumprod with that zero replaced by one)_i; later positions get 0.
        dt = grad._data.dtype
        before, first = _const(ctx, ctx.before, dt), _const(ctx, ctx.first, dt)
        x_safe = x * before + _const(ctx, ~ctx.before, dt)
        part1 = _RevCumsum.apply(grad * y, dim=d) / x_safe * before
        x1 = x * _const(ctx, ~ctx.first, dt) + first  # the first zero replaced by a constant 1
        part2 = _RevCumsum.apply(grad * cumprod(x1, d), dim=d) * first
        return part1 + part2


def _cumprod_grad_exact(ctx, x, g, d):
    """grad_k = sum_{i>=k} g_i prod_{j<=i, j!=k} x_j, as polynomials (no division), so that
    its own derivatives are right where x has zeros."""
    xp, n, dt = ctx.xp, x._data.shape[d], g._data.dtype
    shape = (1,) * d + (n, n) + (1,) * (x._data.ndim - d - 1)  # axes d: k, d + 1: i
    eye = xp.eye(n, dtype=bool).reshape(shape)
    upper = xp.triu(xp.ones((n, n), dtype=bool)).reshape(shape)
    terms = cumprod(x.unsqueeze(d) * _const(ctx, ~eye, dt) + _const(ctx, eye, dt), d + 1)
    return (g.unsqueeze(d) * terms * _const(ctx, upper, dt)).sum(d + 1)


def _cum(op, input, dim, dtype, out):
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    r = op.apply(input, dim=d if nd else None, dtype=_sum_dtype(input._data, dtype))
    return r if out is None else write_out(out, r)


@_dim_aliases
def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``: ``ember.cumsum(ember.tensor([1, 2, 3]), 0)`` is [1, 3, 6]."""
    return _cum(Cumsum, input, dim, dtype, out)


@_dim_aliases
def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``."""
    return _cum(Cumprod, input, dim, dtype, out)


def _check_inplace_dtype(self, dtype):
    if dtype is not None and _dt.to_dtype(dtype).np != self._data.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {self.dtype} and output "
                           f"tensor dtype {_dt.to_dtype(dtype)} should match")


def cumsum_(self, dim, dtype=None):
    _check_inplace_dtype(self, dtype)
    return self._inplace(cumsum, dim)


def cumprod_(self, dim, dtype=None):
    _check_inplace_dtype(self, dtype)
    return self._inplace(cumprod, dim)

"""Arithmetic reductions: sum, mean, prod, std/var, norm, logsumexp, all/any, cumsum/cumprod.

``dim`` is an int, a tuple/list of ints or None (all dimensions); ``keepdim=True`` keeps the
reduced dimensions with size 1. The helpers at the top serve the family's other files, which
are re-exported from here: variance.py (var, std, var_mean, std_mean) and cumulative.py (cumsum,
cumprod). max/min/sort/median and friends live in ``ops/sort.py``.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 5.], [3., 4.]])
    >>> x.sum(dim=0)
    tensor([4., 9.])
    >>> x.std(dim=1, correction=0)
    tensor([2.0000, 0.5000])
"""
import functools
import math

import numpy as np

from .. import dtypes as _dt
from .._tensor import _wrap, wrap_dim
from ..autograd.function import Op
from ._util import type_word, write_out, xp_of_array

__all__ = ["sum", "nansum", "mean", "nanmean", "prod", "all", "any", "count_nonzero",
           "logsumexp", "norm"]

TENSOR_METHODS = ["sum", "sum_to_size", "nansum", "mean", "nanmean", "prod", "all", "any",
                  "count_nonzero", "logsumexp", "norm"]

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
                               f"{type_word(dt.np)}")
        return dt.np
    if not _is_float(x):
        raise RuntimeError(f"{name}(): could not infer output dtype. Input dtype must be either "
                           f"a floating point or complex dtype. Got: {type_word(x.dtype)}")
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
                           f"but got {type_word(x.dtype)}")
    dims = _dims(dim, x.ndim)
    count = (~xp_of_array(x).isnan(x)).sum(axis=dims, keepdims=keepdim)
    total = nansum(input, dims, keepdim, dtype=dtype)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = total / _wrap(xp_of_array(x).asarray(count, dtype=total._data.dtype))
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
    from .. import cat, cumprod, flip
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
    r = xp_of_array(x).asarray(r, dtype=np.uint8 if x.dtype == np.uint8 else bool)
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
    return _wrap(xp_of_array(x).asarray(r))


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
    """Checks and dims of torch.linalg.vector_norm; the op itself is norms.VectorNorm."""
    x = input._data
    if not _is_float(x):
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {type_word(x.dtype)}")
    if dtype is not None:
        dt = _dt.to_dtype(dtype)
        if not (dt.is_floating_point or dt.is_complex):
            raise RuntimeError("linalg.vector_norm: dtype should be floating point or complex, "
                               f"but got {type_word(dt.np)}")
        if dt.np.itemsize < x.dtype.itemsize:
            raise RuntimeError(f"linalg.vector_norm: the dtype of the input "
                               f"({type_word(x.dtype)}) should be convertible without narrowing "
                               f"to the specified dtype ({type_word(dt.np)})")
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
    from .norms import VectorNorm
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


# The family's other files: their functions and Tensor methods are published from here.
from . import cumulative as _cumulative, variance as _variance  # noqa: E402
from .cumulative import *  # noqa: E402,F401,F403
from .cumulative import cumsum_, cumprod_  # noqa: E402,F401  (Tensor methods only)
from .variance import *  # noqa: E402,F401,F403

__all__ += _variance.__all__ + _cumulative.__all__
TENSOR_METHODS += _variance.TENSOR_METHODS + _cumulative.TENSOR_METHODS

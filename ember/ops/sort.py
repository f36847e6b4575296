"""Ops that compare elements: sort, argsort, topk, kthvalue, median, mode, cummax, cummin.

The family's other files are re-exported from here: extrema.py (max, min, amax, amin, aminmax,
argmax, argmin, and the helpers shared by the family) and unique.py (unique,
unique_consecutive, bincount). Ops that return values and indices return a named tuple that
prints like torch's ``torch.return_types.sort(values=..., indices=...)``. Ties follow torch's CPU
results: median(dim) picks the lower median's first position in a stable sort, and the gradient
of median() is split evenly among tied elements.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 5.], [3., 4.]])
    >>> x.sort(dim=0, descending=True).values
    tensor([[3., 5.],
            [1., 4.]])
    >>> x.median()
    tensor(3.)
"""
import numpy as np

from .._tensor import _wrap, wrap_dim
from ..autograd.function import Op
from . import extrema as _extrema, unique as _unique
from ._util import kernel_error, write_out, xp_of_array
from .extrema import *  # noqa: F401,F403
from .extrema import _Extreme, _out_pair, _PutAlongDim, _reduced, _scalar_pair, _scatter_back
from .reduce import _dim_aliases, _is_float
from .unique import *  # noqa: F401,F403

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
           "cummax", "cummin"] + _extrema.__all__ + _unique.__all__

TENSOR_METHODS = (["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
                   "cummax", "cummin"] + _extrema.TENSOR_METHODS + _unique.TENSOR_METHODS)

_int64 = np.dtype(np.int64)


# -- sort, argsort, msort, topk -----------------------------------------------------------------
def _argsort(xp, x, dim, descending):
    """Stable argsort along ``dim``; descending keeps ties in index order and puts NaN first."""
    if not descending:
        return xp.argsort(x, axis=dim, kind="stable")
    r = xp.argsort(xp.flip(x, dim), axis=dim, kind="stable")
    return xp.flip(x.shape[dim] - 1 - r, dim)


class Sort(Op):
    name_ = "SortBackward0"

    @staticmethod
    def forward(ctx, x, dim, descending, k=None):
        ctx.shape = x.shape
        if x.ndim == 0:
            ctx.dim = None
            return x.copy(), ctx.xp.zeros((), dtype=_int64)
        idx = _argsort(ctx.xp, x, dim, descending).astype(_int64, copy=False)
        if k is not None:
            idx = idx[(slice(None),) * dim + (slice(0, k),)]
        ctx.dim, ctx.index = dim, idx
        return ctx.xp.take_along_axis(x, idx, axis=dim), idx

    @staticmethod
    def backward(ctx, grad, _):
        return _scatter_back(grad, ctx)


class Topk(Sort):
    name_ = "TopkBackward0"


@_dim_aliases
def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """Sorted values and their original indices along ``dim``.

    ember's sort is always stable: tied elements keep their order (torch guarantees this only
    with ``stable=True``; its default CPU sort may order ties differently).

    Example:
        >>> ember.sort(ember.tensor([2., 1., 2.]))
        torch.return_types.sort(
        values=tensor([1., 2., 2.]),
        indices=tensor([1, 0, 2]))
    """
    d = wrap_dim(dim, input._data.ndim)
    r = Sort.apply(input, dim=d, descending=bool(descending))
    return _out_pair("sort", r, out)


@_dim_aliases
def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim`` (a stable sort)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = xp_of_array(x)
    if x.ndim == 0:
        return _wrap(xp.zeros((), dtype=_int64))
    return _wrap(_argsort(xp, x, d, descending).astype(_int64, copy=False))


def msort(input, *, out=None):
    """``sort(input, dim=0).values``."""
    return write_out(out, sort(input, 0).values)


@_dim_aliases
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """The ``k`` largest (or smallest) elements along ``dim`` and their indices.

    Tied elements come in index order (torch's CPU order among ties is implementation-defined).
    """
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if x.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    if not 0 <= k <= (x.shape[d] if x.ndim else 1):
        raise RuntimeError("selected index k out of range")
    r = Topk.apply(input, dim=d, descending=bool(largest), k=int(k))
    return _out_pair("topk", r, out)


# -- kthvalue, median, nanmedian, mode ----------------------------------------------------------
def _quickselect(values, k):
    """The index torch's CPU kthvalue reports: its quickselect (median-of-3 pivot), replayed.

    Only used for slices where the k-th value is tied, since then the index depends on it.
    """
    arr, ind = list(values), list(range(len(values)))

    def gt(a, b):  # NaN sorts last
        return (a != a and b == b) or a > b

    def swap(i, j):
        arr[i], arr[j] = arr[j], arr[i]
        ind[i], ind[j] = ind[j], ind[i]

    lo, hi = 0, len(arr) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(arr[lo], arr[hi]):
                swap(lo, hi)
            break
        swap((lo + hi) >> 1, lo + 1)
        if gt(arr[lo + 1], arr[hi]):
            swap(lo + 1, hi)
        if gt(arr[lo], arr[hi]):
            swap(lo, hi)
        if gt(arr[lo + 1], arr[lo]):
            swap(lo + 1, lo)
        i, j, pivot = lo + 1, hi, arr[lo]
        while True:
            i += 1
            while gt(pivot, arr[i]):
                i += 1
            j -= 1
            while gt(arr[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
    return ind[k]


class Kthvalue(Op):
    name_ = "KthvalueBackward0"

    @staticmethod
    def forward(ctx, x, k, dim, keepdim):
        if x.ndim == 0:
            return _scalar_pair(ctx, x)
        xp = ctx.xp
        v = xp.take(xp.partition(x, k - 1, axis=dim), [k - 1], axis=dim)
        hit = x == v
        if _is_float(x):
            hit |= xp.isnan(x) & xp.isnan(v)
        idx = hit.argmax(axis=dim, keepdims=True)
        ties = hit.sum(axis=dim, keepdims=True) > 1
        if ties.any():
            rows = xp.moveaxis(x, dim, -1).reshape(-1, x.shape[dim])
            moved = xp.moveaxis(idx, dim, -1)
            flat = moved.reshape(-1).copy()
            for r in xp.nonzero(xp.moveaxis(ties, dim, -1).reshape(-1))[0].tolist():
                flat[r] = _quickselect(rows[r].tolist(), k - 1)
            idx = xp.moveaxis(flat.reshape(moved.shape), -1, dim)
        return _reduced(ctx, x, dim, keepdim, v, idx)

    @staticmethod
    def backward(ctx, grad, _):
        return _scatter_back(grad, ctx)


@_dim_aliases
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """The k-th smallest element along ``dim`` and its index (the index torch's CPU gives)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if x.size == 0:
        raise IndexError(f"kthvalue(): Expected reduction dim {d} to have non-zero size.")
    if not 0 < k <= (x.shape[d] if x.ndim else 1):
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    r = Kthvalue.apply(input, k=int(k), dim=d, keepdim=keepdim)
    return _out_pair("kthvalue", r, out)


class MedianAll(_Extreme):
    name_ = "MedianBackward0"
    nan_ties = True
    ignore_nan = False

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.shape, ctx.dims, ctx.keepdim = x.shape, None, False
        xp, flat = ctx.xp, x.reshape(-1)
        if _is_float(x):
            nan = xp.isnan(flat)
            if ctx.ignore_nan:
                flat = flat[~nan]
            elif nan.any():
                return xp.asarray(np.nan, dtype=x.dtype)
        if flat.size == 0:
            return xp.asarray(np.nan, dtype=x.dtype)
        k = (flat.size - 1) // 2
        return xp.partition(flat, k)[k]


class NanmedianAll(MedianAll):
    name_ = "NanmedianBackward0"
    ignore_nan = True


class MedianDim(Op):
    name_ = "MedianBackward1"
    ignore_nan = False

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        if x.ndim == 0:
            return _scalar_pair(ctx, x)
        xp, n = ctx.xp, x.shape[dim]
        # torch picks the element at the lower-median position of a stable sort (NaN last);
        # median() reports the first NaN when a slice has one.
        order = xp.argsort(x, axis=dim, kind="stable")
        if _is_float(x):
            nan = xp.isnan(x)
            if ctx.ignore_nan:
                pos = (n - 1 - nan.sum(axis=dim, keepdims=True)).clip(0) // 2
                idx = xp.take_along_axis(order, pos, axis=dim)
            else:
                idx = xp.take(order, [(n - 1) // 2], axis=dim)
                idx = xp.where(nan.any(axis=dim, keepdims=True),
                               nan.argmax(axis=dim, keepdims=True), idx)
        else:
            idx = xp.take(order, [(n - 1) // 2], axis=dim)
        return _reduced(ctx, x, dim, keepdim, xp.take_along_axis(x, idx, axis=dim), idx)

    @staticmethod
    def backward(ctx, grad, _):
        return _scatter_back(grad, ctx)


class NanmedianDim(MedianDim):
    name_ = "NanmedianBackward1"
    ignore_nan = True


def _median(name, ops, input, dim, keepdim, out):
    x = input._data
    if x.dtype.kind == "b":
        raise kernel_error(f"{name}_cpu", x.dtype)
    if dim is None:
        r = ops[0].apply(input, dims=None, keepdim=False)
        return r if out is None else write_out(out, r)
    d = wrap_dim(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    r = ops[1].apply(input, dim=d, keepdim=keepdim)
    return _out_pair(name, r, out)


@_dim_aliases
def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median (NaN if there is one); with ``dim``, ``(values, indices)``.

    Example: ``ember.tensor([1., 4., 2., 3.]).median()`` is ``tensor(2.)``.
    """
    return _median("median", (MedianAll, MedianDim), input, dim, keepdim, out)


@_dim_aliases
def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """The lower median of the non-NaN elements; with ``dim``, ``(values, indices)``."""
    return _median("nanmedian", (NanmedianAll, NanmedianDim), input, dim, keepdim, out)


def _accumulate(xp, ufunc, a, axis):
    """``np.<ufunc>.accumulate`` (CuPy has no max/min accumulate: those run on the host)."""
    if xp is np:
        return getattr(np, ufunc).accumulate(a, axis=axis)
    return xp.asarray(getattr(np, ufunc).accumulate(a.get(), axis=axis))


class Mode(Op):
    name_ = "ModeBackward0"

    @staticmethod
    def forward(ctx, x, dim, keepdim):
        if x.ndim == 0:
            return _scalar_pair(ctx, x)
        xp, n = ctx.xp, x.shape[dim]
        rows = xp.moveaxis(x, dim, -1).reshape(-1, n)
        s = xp.sort(rows, axis=1)
        ar = xp.arange(n)
        start = xp.ones(s.shape, dtype=bool)
        start[:, 1:] = s[:, 1:] != s[:, :-1]
        length = ar - _accumulate(xp, "maximum", xp.where(start, ar, 0), 1) + 1
        # The first longest run is the smallest most frequent value; torch reports its last
        # position in the input (exact for up to 16 elements, where torch's sort is stable).
        val = s[xp.arange(len(s)), length.argmax(axis=1)]
        last = n - 1 - (rows[:, ::-1] == val[:, None]).argmax(axis=1)
        out_shape = x.shape[:dim] + (1,) + x.shape[dim + 1:]
        return _reduced(ctx, x, dim, keepdim, val.reshape(out_shape), last.reshape(out_shape))

    @staticmethod
    def backward(ctx, grad, _):
        return _scatter_back(grad, ctx)


@_dim_aliases
def mode(input, dim=-1, keepdim=False, *, out=None):
    """The most frequent value along ``dim`` (the smallest, if several) and an index of it."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"mode(): Expected reduction dim {d} to have non-zero size.")
    r = Mode.apply(input, dim=d, keepdim=keepdim)
    return _out_pair("mode", r, out)


# -- cummax, cummin -----------------------------------------------------------------------------
class Cummax(Op):
    name_ = "CummaxBackward0"
    largest = True

    @staticmethod
    def forward(ctx, x, dim):
        if x.ndim == 0:
            return _scalar_pair(ctx, x)
        xp = ctx.xp
        acc = _accumulate(xp, "maximum" if ctx.largest else "minimum", x, dim)
        # torch moves the index on ties (>=) and on every NaN
        hit = x == acc
        if _is_float(x):
            hit |= xp.isnan(x)
        shape = [1] * x.ndim
        shape[dim] = x.shape[dim]
        ar = xp.arange(x.shape[dim]).reshape(shape)
        idx = _accumulate(xp, "maximum", xp.where(hit, ar, 0), dim)
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, idx
        return acc, idx.astype(_int64, copy=False)

    @staticmethod
    def backward(ctx, grad, _):
        if ctx.dim is None:
            return grad
        return _PutAlongDim.apply(grad, index=ctx.index, dim=ctx.dim, shape=ctx.shape,
                                  accumulate=True)


class Cummin(Cummax):
    name_ = "CumminBackward0"
    largest = False


@_dim_aliases
def cummax(input, dim, *, out=None):
    """Running maximum along ``dim`` and the index where it was (last) reached."""
    r = Cummax.apply(input, dim=wrap_dim(dim, input._data.ndim))
    return _out_pair("cummax", r, out)


@_dim_aliases
def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index where it was (last) reached."""
    r = Cummin.apply(input, dim=wrap_dim(dim, input._data.ndim))
    return _out_pair("cummin", r, out)

"""Ops that compare elements: max/min/argmax, sort, topk, median, mode, cummax, unique...

Ops that return values and indices return a named tuple that prints like torch's
``torch.return_types.max(values=..., indices=...)``. Ties follow torch's CPU results: max(dim)
and argmax pick the first extreme, median(dim) the lower median's first position in a stable
sort, and the gradient of max()/amax/median() is split evenly among tied elements.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 5.], [3., 4.]])
    >>> x.max(dim=1).indices
    tensor([1, 1])
    >>> x.sort(dim=0, descending=True).values
    tensor([[3., 5.],
            [1., 4.]])
"""
import collections

import numpy as np

from .._tensor import Tensor, _type_word, _wrap, wrap_dim
from ..autograd.function import Op
from ._util import write_out
from .reduce import _array_module, _dim_aliases, _dims, _is_float, _tie_scale, _unreduce

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "sort", "argsort",
           "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "cummax", "cummin",
           "unique", "unique_consecutive", "bincount"]

TENSOR_METHODS = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin", "sort",
                  "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode",
                  "cummax", "cummin", "unique", "unique_consecutive", "bincount"]

_int64 = np.dtype(np.int64)
_RETURN_TYPES = {}


def _return_type(name, fields):
    """A named tuple type printed like torch's ``torch.return_types.<name>``."""
    if name in _RETURN_TYPES:
        return _RETURN_TYPES[name]
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(fields, self))
        return f"torch.return_types.{name}(\n{body})"

    def __reduce__(self):
        return (_make_return, (name, tuple(self)))

    cls = type(name, (base,), {"__slots__": (), "__repr__": __repr__, "__str__": __repr__,
                               "__reduce__": __reduce__, "__module__": "torch.return_types",
                               "n_fields": len(fields), "n_sequence_fields": len(fields),
                               "n_unnamed_fields": 0})
    _RETURN_TYPES[name] = cls
    return cls


def _make_return(name, values):
    return _RETURN_TYPES[name](*values)


def _out_pair(name, fields, result, out):
    """Return ``result`` (a 2-tuple) as the named type, writing into ``out`` when given."""
    if out is None:
        return _return_type(name, fields)(*result)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise TypeError(f"{name}(): argument 'out' must be a tuple of 2 Tensors")
    return _return_type(name + "_out", fields)(write_out(out[0], result[0]),
                                               write_out(out[1], result[1]))


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
    return _out_pair(name, ("values", "indices"), r, out)


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
    return _out_pair("aminmax", ("min", "max"), r, out)


def _arg_extreme(name, input, dim, keepdim):
    x = input._data
    if x.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    fn = x.argmax if name == "argmax" else x.argmin
    if dim is None:
        if x.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = _array_module(x).asarray(fn(), dtype=_int64)
        return _wrap(r.reshape((1,) * x.ndim) if keepdim else r)
    d = wrap_dim(dim, x.ndim)
    if x.ndim == 0:
        return _wrap(_array_module(x).zeros((), dtype=_int64))
    if x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    return _wrap(_array_module(x).asarray(fn(axis=d, keepdims=keepdim), dtype=_int64))


@_dim_aliases
def argmax(input, dim=None, keepdim=False):
    """Index of the (first) maximum, of the flattened tensor or along ``dim``."""
    return _arg_extreme("argmax", input, dim, keepdim)


@_dim_aliases
def argmin(input, dim=None, keepdim=False):
    """Index of the (first) minimum, of the flattened tensor or along ``dim``."""
    return _arg_extreme("argmin", input, dim, keepdim)


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
    return _out_pair("sort", ("values", "indices"), r, out)


@_dim_aliases
def argsort(input, dim=-1, descending=False, *, stable=False):
    """The indices that sort ``input`` along ``dim`` (a stable sort)."""
    x = input._data
    d = wrap_dim(dim, x.ndim)
    xp = _array_module(x)
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
    return _out_pair("topk", ("values", "indices"), r, out)


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


def _reduced(ctx, x, dim, keepdim, vals, idx):
    """Store the kept-dims index for backward and drop ``dim`` unless ``keepdim``."""
    ctx.shape, ctx.dim, ctx.index = x.shape, dim, idx
    if not keepdim:
        vals, idx = vals.squeeze(dim), idx.squeeze(dim)
    return vals, idx.astype(_int64, copy=False)


def _scalar_pair(ctx, x):
    ctx.shape, ctx.dim = x.shape, None
    return x.copy(), ctx.xp.zeros((), dtype=_int64)


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
    return _out_pair("kthvalue", ("values", "indices"), r, out)


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
        raise NotImplementedError(f'"{name}_cpu" not implemented for \'Bool\'')
    if dim is None:
        r = ops[0].apply(input, dims=None, keepdim=False)
        return r if out is None else write_out(out, r)
    d = wrap_dim(dim, x.ndim)
    if x.ndim and x.shape[d] == 0:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    r = ops[1].apply(input, dim=d, keepdim=keepdim)
    return _out_pair(name, ("values", "indices"), r, out)


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
        length = ar - xp.maximum.accumulate(xp.where(start, ar, 0), axis=1) + 1
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
    return _out_pair("mode", ("values", "indices"), r, out)


# -- cummax, cummin -----------------------------------------------------------------------------
class Cummax(Op):
    name_ = "CummaxBackward0"
    largest = True

    @staticmethod
    def forward(ctx, x, dim):
        if x.ndim == 0:
            return _scalar_pair(ctx, x)
        xp = ctx.xp
        acc = (xp.maximum if ctx.largest else xp.minimum).accumulate(x, axis=dim)
        # torch moves the index on ties (>=) and on every NaN
        hit = x == acc
        if _is_float(x):
            hit |= xp.isnan(x)
        shape = [1] * x.ndim
        shape[dim] = x.shape[dim]
        ar = xp.arange(x.shape[dim]).reshape(shape)
        idx = xp.maximum.accumulate(xp.where(hit, ar, 0), axis=dim)
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
    return _out_pair("cummax", ("values", "indices"), r, out)


@_dim_aliases
def cummin(input, dim, *, out=None):
    """Running minimum along ``dim`` and the index where it was (last) reached."""
    r = Cummin.apply(input, dim=wrap_dim(dim, input._data.ndim))
    return _out_pair("cummin", ("values", "indices"), r, out)


# -- unique, unique_consecutive, bincount -------------------------------------------------------
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
        raise NotImplementedError(f'"bincount_cpu" not implemented for '
                                  f"'{_type_word(x.dtype)}'")
    if x.ndim != 1 or (x.size and int(x.min()) < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    xp = _array_module(x)
    if weights is None:
        return _wrap(xp.bincount(x, minlength=minlength).astype(_int64, copy=False))
    w = weights._data
    if w.ndim != 1 or w.shape[0] != x.shape[0]:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    dt = np.float32 if w.dtype == np.float32 else np.float64
    return _wrap(xp.bincount(x, weights=w, minlength=minlength).astype(dt, copy=False))

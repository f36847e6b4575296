"""gather / scatter / scatter_add / scatter_reduce: values picked or written at an index tensor
along one dimension.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 2.], [3., 4.]])
    >>> x.gather(1, ember.tensor([[1], [0]]))
    tensor([[2.],
            [3.]])
    >>> ember.zeros(4).scatter_(0, ember.tensor([2]), value=1)
    tensor([0., 0., 1., 0.])

Every op here is vectorised: an index tensor along ``dim`` is combined with broadcast
``arange`` grids for the other dimensions, and repeated indices are summed with ``add.at``.
"""
import warnings

import numpy as np

from ..device import writable
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import check_index_device
from ._util import wrap_dim, write_out, xp_of_array

__all__ = ["gather", "scatter", "scatter_add", "scatter_reduce"]

TENSOR_METHODS = ["gather", "scatter", "scatter_", "scatter_add", "scatter_add_",
                  "scatter_reduce", "scatter_reduce_"]

def _ufunc_at(xp, ufunc, out, key, values):
    """``np.<ufunc>.at`` in place; CuPy lacks multiply/maximum/minimum ``.at``: host round trip."""
    if xp is np:
        getattr(np, ufunc).at(out, key, values)
        return

    def host(a):
        return a.get() if hasattr(a, "get") else a
    key = tuple(host(k) for k in key) if isinstance(key, tuple) else host(key)
    buf = out.get()
    getattr(np, ufunc).at(buf, key, host(values))
    out[...] = xp.asarray(buf)


def _add_at(xp, out, key, values):
    """``out[key] += values`` with repeated indices accumulated (``add.at``)."""
    if xp is not np:
        import cupyx
        cupyx.scatter_add(out, key, values)
        return
    if getattr(values, "size", 1) > 2048 and out.flags.c_contiguous and type(key) is tuple \
            and all(getattr(k, "dtype", None) is not None and k.dtype.kind in "iu" for k in key):
        # NumPy's add.at is several times faster on a 1-D target: address out as flat memory.
        lead = len(key)
        tail = 1
        for s in out.shape[lead:]:
            tail *= s
        lin = None
        stride = tail
        for k, size in zip(key[::-1], out.shape[lead - 1::-1]):
            k = k.astype(np.int64, copy=False)
            if k.size and k.min() < 0:
                k = np.where(k < 0, k + size, k)
            lin = k * stride if lin is None else lin + k * stride
            stride *= size
        shape = lin.shape + out.shape[lead:]
        if tail != 1:
            lin = lin.reshape(lin.shape + (1,) * (out.ndim - lead)) + \
                np.arange(tail).reshape(out.shape[lead:])
        np.add.at(out.reshape(-1), np.broadcast_to(lin, shape).reshape(-1),
                  np.broadcast_to(values, shape).reshape(-1))
        return
    np.add.at(out, key, values)


def _zeros(grad, shape):
    return _wrap(xp_of_array(grad._data).zeros(shape, dtype=grad._data.dtype))


_ARANGE = {}   # (size, ndim, d) -> NumPy arange shaped to broadcast along dimension d


def _arange(xp, size, nd, d):
    shape = [1] * nd
    shape[d] = size
    if xp is not np:
        return xp.arange(size).reshape(shape)
    key = (size, nd, d)
    a = _ARANGE.get(key)
    if a is None:
        if len(_ARANGE) > 256:
            _ARANGE.clear()
        a = _ARANGE[key] = np.arange(size).reshape(shape)
        a.flags.writeable = False
    return a


def _grid(xp, index, dim):
    """The full advanced key addressing ``x[..., index[i, j, k], ...]`` along ``dim``."""
    nd = index.ndim
    return tuple(index if d == dim else _arange(xp, s, nd, d) for d, s in enumerate(index.shape))


def _region(shape):
    return tuple(slice(0, s) for s in shape)


def _bounds(index, size, dim):
    """torch's RuntimeError for an index outside ``[0, size)`` (negative ones too)."""
    if index.size and (int(index.min()) < 0 or int(index.max()) >= size):
        bad = int(index[(index < 0) | (index >= size)].reshape(-1)[0])
        raise RuntimeError(f"index {bad} is out of bounds for dimension {dim} with size {size}")


def _index_of(index, name, kinds=(np.int64, np.int32), msg=None):
    if not isinstance(index, Tensor):
        raise TypeError(f"{name}(): argument 'index' must be Tensor, not {type(index).__name__}")
    arr = index._data
    if arr.dtype not in kinds:
        raise RuntimeError(msg or f"{name}(): Expected dtype int32/int64 for index")
    return arr


class _PadTo(Op):
    """``x`` placed at the start of zeros of ``shape`` (each dim padded at its end)."""

    name_ = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.region = tuple(slice(0, s) for s in x.shape)
        out = ctx.xp.zeros(shape, dtype=x.dtype)
        out[ctx.region] = x
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad[ctx.region]


# -- gather / scatter ----------------------------------------------------------------------------

def _check_scatter_shapes(x, dim, index, src, name):
    """torch's checks: same ndim, and index no larger than self (except at dim) and than src."""
    nd = max(x.ndim, 1)
    if index.ndim != x.ndim and not (index.ndim <= 1 and x.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as "
                           f"{'input' if src is None and name == 'gather' else 'self'} tensor")
    if src is not None and index.ndim != src.ndim and not (index.ndim <= 1 and src.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as src tensor")
    xs = x.shape or (1,)
    ish = index.shape or (1,)
    for d in range(nd):
        if d == dim:
            if src is not None and ish[d] > (src.shape or (1,))[d]:
                break
            continue
        if ish[d] > xs[d] or (src is not None and ish[d] > (src.shape or (1,))[d]):
            break
    else:
        return
    if name == "gather":
        raise RuntimeError(f"Size does not match at dimension {d} expected index "
                           f"{list(index.shape)} to be no larger than self {list(x.shape)} apart "
                           f"from dimension {dim}")
    raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self "
                       f"{list(x.shape)} apart from dimension {dim} and to be no larger size than "
                       f"src {list(src.shape)}")


class Gather(Op):
    name_ = "GatherBackward0"

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index = x.shape, dim, index
        x1 = x.reshape(1) if x.ndim == 0 else x
        i1 = index.reshape(1) if index.ndim == 0 else index
        out = x1[_grid(ctx.xp, i1, dim)]
        return out.reshape(index.shape)

    @staticmethod
    def backward(ctx, grad):
        return ScatterAdd.apply(_zeros(grad, ctx.shape), grad, dim=ctx.dim, index=ctx.index)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """``out[i][j] = input[index[i][j]][j]`` for ``dim=0`` (any rank): ``y.gather(1, idx)``."""
    check_index_device(input, index, "gather")
    idx = _index_of(index, "gather")
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    _check_scatter_shapes(x, dim, idx, None, "gather")
    size = (x.shape or (1,))[dim]
    if x.__class__ is not np.ndarray or (idx.size and idx.min() < 0):
        _bounds(idx, size, dim)
    try:
        res = Gather.apply(input, dim=dim, index=idx)
    except IndexError:   # NumPy caught an index >= size
        _bounds(idx, size, dim)
        raise
    return write_out(out, res)


def _scatter_into(xp, out, src, dim, index, reduce):
    x1 = out.reshape(1) if out.ndim == 0 else out
    i1 = index.reshape(1) if index.ndim == 0 else index
    key = _grid(xp, i1, dim)
    if src.ndim and src.shape != i1.shape:
        src = src[_region(i1.shape)]
    elif src.ndim == 0 and i1.ndim:
        src = xp.broadcast_to(src, i1.shape)
    if reduce is None:
        x1[key] = src
    elif reduce == "add":
        _add_at(xp, x1, key, src)
    else:
        _ufunc_at(xp, "multiply", x1, key, src)


class Scatter(Op):
    name_ = "ScatterBackward0"

    @staticmethod
    def forward(ctx, x, src, dim, index, reduce=None):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = x.copy()
        _scatter_into(ctx.xp, out, src.astype(x.dtype, copy=False), dim, index, reduce)
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gx = ScatterValue.apply(grad, dim=ctx.dim, index=ctx.index, value=0) if need[0] else None
        gs = None
        if need[1]:
            gs = Gather.apply(grad, dim=ctx.dim, index=ctx.index)
            if gs._data.shape != ctx.src_shape:
                gs = _PadTo.apply(gs, shape=ctx.src_shape)
        return gx, gs


class ScatterValue(Op):
    name_ = "ScatterBackward1"

    @staticmethod
    def forward(ctx, x, dim, index, value, reduce=None):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        _scatter_into(ctx.xp, out, ctx.xp.asarray(value).astype(x.dtype), dim, index, reduce)
        return out

    @staticmethod
    def backward(ctx, grad):
        return ScatterValue.apply(grad, dim=ctx.dim, index=ctx.index, value=0)


class _ScatterReduceOld(Scatter):
    """scatter(..., reduce=) has no derivative in torch either."""

    name_ = "NotImplemented"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::scatter is not implemented")


class _ScatterValueReduceOld(ScatterValue):
    name_ = "NotImplemented"

    @staticmethod
    def backward(ctx, grad):
        raise RuntimeError("derivative for aten::scatter is not implemented")


def _scatter_args(input, dim, index, src, value, reduce):
    """Validate scatter's arguments (torch's checks); returns ``(dim, index array, src)``."""
    if src is not None and value is not None:
        raise TypeError("scatter() received both src and value")
    if src is None:
        src = value
    if src is None:
        raise TypeError("scatter() missing required argument 'src' or 'value'")
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    idx = _index_of(index, "scatter", msg="scatter(): Expected dtype int32/int64 for index")
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    if isinstance(src, Tensor):
        if src._data.dtype != x.dtype:
            raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
        _check_scatter_shapes(x, dim, idx, src._data, "scatter")
        if reduce is not None:
            warnings.warn("The reduce argument of torch.scatter with Tensor src is deprecated; "
                          "use scatter_reduce instead.", UserWarning, stacklevel=3)
    else:
        _check_scatter_shapes(x, dim, idx, None, "scatter")
    _bounds(idx, (x.shape or (1,))[dim], dim)
    return dim, idx, src


def scatter(input, dim, index, src=None, value=None, *, reduce=None, out=None):
    """Write ``src`` (or a scalar ``value``) into a copy of ``input`` at ``index`` along ``dim``.

    ``x.scatter(0, idx, src)`` sets ``out[idx[i][j]][j] = src[i][j]``; ``reduce='add'`` or
    ``'multiply'`` combine instead of overwrite.
    """
    dim, idx, src = _scatter_args(input, dim, index, src, value, reduce)
    if isinstance(src, Tensor):
        cls = Scatter if reduce is None else _ScatterReduceOld
        res = cls.apply(input, src, dim=dim, index=idx, reduce=reduce)
    else:
        cls = ScatterValue if reduce is None else _ScatterValueReduceOld
        res = cls.apply(input, dim=dim, index=idx, value=src, reduce=reduce)
    return write_out(out, res)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    """In-place :func:`scatter`: ``ember.zeros(10).scatter_(0, ember.tensor([3]), value=1)``."""
    s = src if src is not None else value
    st = isinstance(s, Tensor)
    if _Mode.enabled and (self._requires_grad or (st and s._requires_grad)):
        if st:
            return self._inplace(lambda t, v: scatter(t, dim, index, v, reduce=reduce), s)
        return self._inplace(lambda t: scatter(t, dim, index, value=s, reduce=reduce))
    dim, idx, s = _scatter_args(self, dim, index, src, value, reduce)
    data = self._data
    if not writable(data):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    xp = xp_of_array(data)
    s = s._data if st else xp.asarray(s).astype(data.dtype)
    _scatter_into(xp, data, s, dim, idx, reduce)
    self._bump_version()
    return self


class ScatterAdd(Op):
    name_ = "ScatterAddBackward0"

    @staticmethod
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = x.copy()
        _scatter_into(ctx.xp, out, src, dim, index, "add")
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gs = None
        if need[1]:
            gs = Gather.apply(grad, dim=ctx.dim, index=ctx.index)
            if gs._data.shape != ctx.src_shape:
                gs = _PadTo.apply(gs, shape=ctx.src_shape)
        return (grad if need[0] else None), gs


def scatter_add(input, dim, index, src, *, out=None):
    """Add ``src`` into a copy of ``input`` at ``index`` along ``dim``; repeats accumulate."""
    idx = _index_of(index, "scatter", msg="scatter(): Expected dtype int32/int64 for index")
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_add(): argument 'src' must be Tensor, not {type(src).__name__}")
    if src._data.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_scatter_shapes(x, dim, idx, src._data, "scatter_add")
    _bounds(idx, (x.shape or (1,))[dim], dim)
    return write_out(out, ScatterAdd.apply(input, src, dim=dim, index=idx))


def scatter_add_(self, dim, index, src):
    """In-place :func:`scatter_add`."""
    return self._inplace(lambda t, s: scatter_add(t, dim, index, s), src)


class ScatterReduce(Op):
    name_ = "ScatterReduceBackward0"
    save_inputs = (0, 1)
    save_output = True

    @staticmethod
    def forward(ctx, x, src, dim, index, reduce, include_self):
        xp = ctx.xp
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        src = src[_region(index.shape)] if src.shape != index.shape else src
        key = _grid(xp, index, dim)
        ctx.touched = touched = xp.zeros(x.shape, dtype=bool)
        touched[key] = True
        out = x.copy()
        if not include_self:
            out[touched] = _identity(x.dtype, reduce)
        if reduce in ("sum", "mean"):
            _add_at(xp, out, key, src)
            if reduce == "mean":
                count = xp.zeros(x.shape, dtype=x.dtype)
                _add_at(xp, count, key, xp.ones_like(src))
                if include_self:
                    count += 1
                ctx.count = count = xp.maximum(count, 1)
                out = out / count if x.dtype.kind in "fc" else out // count
                out = out.astype(x.dtype, copy=False)
        elif reduce == "prod":
            _ufunc_at(xp, "multiply", out, key, src)
        else:
            _ufunc_at(xp, "maximum" if reduce == "amax" else "minimum", out, key, src)
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        x, src, out = ctx.saved_tensors
        dim, index, reduce = ctx.dim, ctx.index, ctx.reduce
        if reduce == "prod":
            raise RuntimeError("ember: the gradient of scatter_reduce(reduce='prod') is not "
                               "implemented; use reduce='sum', 'mean', 'amax' or 'amin'")
        xp = xp_of_array(grad._data)
        dt = grad._data.dtype
        if reduce in ("sum", "mean"):
            g = grad / _wrap(ctx.count.astype(dt)) if reduce == "mean" else grad
            x_share = None
        else:
            # amax / amin: the gradient is shared evenly among the elements equal to the result.
            o = out._data
            s = src._data[_region(index.shape)] if src._data.shape != index.shape else src._data
            s_eq = s == o[_grid(xp, index, dim)]
            count = xp.zeros(o.shape, dtype=dt)
            _add_at(xp, count, _grid(xp, index, dim), s_eq.astype(dt))
            x_share = (x._data == o) if ctx.include_self else None
            if x_share is not None:
                count += x_share
            g = grad / _wrap(xp.maximum(count, 1))
        gx = gs = None
        if need[0]:
            if not ctx.include_self:
                gx = _masked_zero(grad, ctx.touched)
            elif x_share is not None:
                gx = g * _wrap(x_share.astype(dt))
            else:
                gx = g
        if need[1]:
            gs = Gather.apply(g, dim=dim, index=index)
            if reduce in ("amax", "amin"):
                gs = gs * _wrap(s_eq.astype(dt))
            if gs._data.shape != src._data.shape:
                gs = _PadTo.apply(gs, shape=src._data.shape)
        return gx, gs


def _identity(dtype, reduce):
    """The start value of a reduction that ignores ``input`` (include_self=False)."""
    if reduce in ("sum", "mean"):
        return 0
    if reduce == "prod":
        return 1
    if dtype.kind == "f":
        return -np.inf if reduce == "amax" else np.inf
    info = np.iinfo(dtype)
    return info.min if reduce == "amax" else info.max


def _masked_zero(grad, mask):
    from .masked import MaskedFill
    return MaskedFill.apply(grad, mask=mask, value=0)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None):
    """Reduce ``src`` into a copy of ``input`` at ``index`` along ``dim`` with ``reduce`` in
    'sum', 'prod', 'mean', 'amax', 'amin' (``include_self=False`` ignores input's values there).
    """
    if reduce not in ("sum", "prod", "mean", "amax", "amin"):
        raise RuntimeError("reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    idx = _index_of(index, "scatter", msg="scatter(): Expected dtype int32/int64 for index")
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    if src._data.dtype != x.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _check_scatter_shapes(x, dim, idx, src._data, "scatter_reduce")
    _bounds(idx, (x.shape or (1,))[dim], dim)
    if x.ndim == 0:
        return scatter_reduce(input.reshape(1), 0, index.reshape(1), src.reshape(1), reduce,
                              include_self=include_self, out=out).reshape(())
    res = ScatterReduce.apply(input, src, dim=dim, index=idx, reduce=reduce,
                              include_self=bool(include_self))
    return write_out(out, res)


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
    """In-place :func:`scatter_reduce`."""
    return self._inplace(lambda t, s: scatter_reduce(t, dim, index, s, reduce,
                                                     include_self=include_self), src)

"""Slices along one dimension picked by a 1-D index: index_select, index_add, index_copy,
index_fill; and take_along_dim (gather with broadcasting).

Example:
    >>> import ember
    >>> x = ember.arange(6.).view(2, 3)
    >>> x.index_select(1, ember.tensor([2, 0]))
    tensor([[2., 0.],
            [5., 3.]])
    >>> ember.zeros(3).index_add(0, ember.tensor([0, 0]), ember.ones(2))
    tensor([2., 0., 0.])
"""
import numpy as np

from .._tensor import Tensor
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import check_index_device
from ._util import check_broadcast, type_word, wrap_dim, write_out
from .gather import _add_at, _index_of, _zeros, gather

__all__ = ["index_select", "index_add", "index_copy", "index_fill", "take_along_dim"]

TENSOR_METHODS = ["index_select", "index_add", "index_add_", "index_copy", "index_copy_",
                  "index_fill", "index_fill_", "take_along_dim"]


def _vector_index(index, name, kinds=(np.int64, np.int32), msg=None, what=None):
    arr = _index_of(index, name, kinds, msg)
    if arr.ndim > 1:
        raise IndexError(f"{name}(): Index is supposed to be a vector" +
                         (f", but got dim: {arr.ndim} with type: {type_word(arr.dtype)} and size: "
                          f"{list(arr.shape)}" if what else ""))
    return arr.reshape(-1)


def _along(dim, index):
    return (slice(None),) * dim + (index,)


class IndexSelect(Op):
    name_ = "IndexSelectBackward0"

    @staticmethod
    def forward(ctx, x, dim, index):
        ctx.shape, ctx.dim, ctx.index, ctx.zero_d = x.shape, dim, index, x.ndim == 0
        if x.ndim == 0:
            return x.copy()
        return ctx.xp.take(x, index, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        if ctx.zero_d:
            return grad
        return IndexAdd.apply(_zeros(grad, ctx.shape), grad, dim=ctx.dim, index=ctx.index,
                              alpha=1)


def index_select(input, dim, index, *, out=None):
    """The slices of ``input`` at ``index`` (1-D) along ``dim``: ``x.index_select(0, idx)``."""
    check_index_device(input, index, "index_select")
    idx = _vector_index(index, "index_select",
                        msg="index_select(): Expected dtype int32 or int64 for index")
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    size = (x.shape or (1,))[dim]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= size):
        bad = idx[(idx < 0) | (idx >= size)][0]
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={int(bad)} "
                           f"axis_dim={size}")
    return write_out(out, IndexSelect.apply(input, dim=dim, index=idx))


class IndexAdd(Op):
    name_ = "IndexAddBackward0"

    @staticmethod
    def forward(ctx, x, src, dim, index, alpha):
        ctx.dim, ctx.index, ctx.alpha, ctx.src_shape = dim, index, alpha, src.shape
        out = x.copy()
        o1 = out.reshape(1) if out.ndim == 0 else out
        s1 = src.reshape(1) if src.ndim == 0 else src
        if alpha != 1:
            s1 = s1 * ctx.xp.asarray(alpha, dtype=x.dtype)
        _add_at(ctx.xp, o1, _along(dim, index), s1.astype(x.dtype, copy=False))
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gs = None
        if need[1]:
            gs = IndexSelect.apply(grad if grad._data.ndim else grad.reshape(1), dim=ctx.dim,
                                   index=ctx.index).reshape(ctx.src_shape)
            if ctx.alpha != 1:
                gs = gs * ctx.alpha
        return (grad if need[0] else None), gs


def _check_index_add(x, dim, idx, src, alpha=1):
    xs, ss = (x.shape or (1,)), (src.shape or (1,))
    if len(xs) != len(ss) or any(xs[d] != ss[d] for d in range(len(xs)) if d != dim):
        raise RuntimeError("source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(x.shape)} "
                           f"source.shape = {list(src.shape)}")
    if idx.size != ss[dim]:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({ss[dim]}), for dim: {dim}")
    if idx.size:
        bad = idx[(idx < 0) | (idx >= xs[dim])]
        if bad.size:
            # torch's two kernels word this differently: 1-d or scaled adds vs the rest.
            if x.ndim <= 1 or alpha != 1:
                raise IndexError("index out of range in self")
            raise RuntimeError(f"index {int(bad[0])} is out of bounds for dimension {dim} with "
                               f"size {xs[dim]}")


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """Add ``alpha * source`` into a copy of ``input`` at ``index`` along ``dim``; repeats add."""
    idx = _vector_index(index, "index_add_", what=True,
                        msg="index_add_(): Expected dtype int32/int64 for index")
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    if source._data.dtype != x.dtype:
        raise RuntimeError(f"index_add_(): self ({type_word(x.dtype)}) and source "
                           f"({type_word(source._data.dtype)}) must have the same scalar type")
    _check_index_add(x, dim, idx, source._data, alpha)
    return write_out(out, IndexAdd.apply(input, source, dim=dim, index=idx, alpha=alpha))


def index_add_(self, dim, index, source, *, alpha=1):
    """In-place :func:`index_add`."""
    return self._inplace(lambda t, s: index_add(t, dim, index, s, alpha=alpha), source)


class IndexCopy(Op):
    name_ = "IndexCopyBackward0"

    @staticmethod
    def forward(ctx, x, src, dim, index):
        ctx.dim, ctx.index, ctx.src_shape = dim, index, src.shape
        out = x.copy()
        o1 = out.reshape(1) if out.ndim == 0 else out
        o1[_along(dim, index)] = src.reshape(1) if src.ndim == 0 else src
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gx = IndexFill.apply(grad, dim=ctx.dim, index=ctx.index, value=0) if need[0] else None
        gs = None
        if need[1]:
            gs = IndexSelect.apply(grad if grad._data.ndim else grad.reshape(1), dim=ctx.dim,
                                   index=ctx.index).reshape(ctx.src_shape)
        return gx, gs


def index_copy(input, dim, index, source, *, out=None):
    """Copy ``source``'s slices into a copy of ``input`` at ``index`` along ``dim``."""
    if not isinstance(index, Tensor):
        raise TypeError(f"index_copy(): argument 'index' must be Tensor, not "
                        f"{type(index).__name__}")
    x, idx, src = input._data, index._data, source._data
    if idx.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
    if src.ndim != x.ndim and src.ndim and x.ndim:
        raise IndexError("index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({src.ndim}), "
                         f"destination dimensionality ({x.ndim})")
    if idx.dtype != np.int64:
        raise RuntimeError("index_copy_(): Expected a long tensor for index, but got "
                           f"{type_word(idx.dtype)}")
    if src.dtype != x.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {type_word(x.dtype)} and (source) {type_word(src.dtype)}")
    dim = wrap_dim(dim, x.ndim)
    xs = [s for d, s in enumerate(x.shape) if d != dim]
    ss = [s for d, s in enumerate(src.shape) if d != dim]
    if xs != ss:
        raise RuntimeError("index_copy_(): Source/destination tensor must have same slice shapes. "
                           f"Destination slice shape: {' '.join(map(str, xs))} at dimension {dim} "
                           f"and source slice shape: {' '.join(map(str, ss))} at dimension 0.")
    idx = idx.reshape(-1)
    if src.ndim and idx.size != src.shape[dim]:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({src.shape[dim]})")
    size = (x.shape or (1,))[dim]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= size):
        bad = int(idx[(idx < 0) | (idx >= size)][0])
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {dim} with "
                         f"size {size}")
    return write_out(out, IndexCopy.apply(input, source, dim=dim, index=idx))


def index_copy_(self, dim, index, source):
    """In-place :func:`index_copy`."""
    return self._inplace(lambda t, s: index_copy(t, dim, index, s), source)


class IndexFill(Op):
    name_ = "IndexFillBackward0"

    @staticmethod
    def forward(ctx, x, dim, index, value):
        ctx.dim, ctx.index = dim, index
        out = x.copy()
        o1 = out.reshape(1) if out.ndim == 0 else out
        o1[_along(dim, index)] = ctx.xp.asarray(value).astype(x.dtype)
        return out

    @staticmethod
    def backward(ctx, grad):
        return IndexFill.apply(grad, dim=ctx.dim, index=ctx.index, value=0)


class IndexFill1(Op):
    name_ = "IndexFillBackward1"

    @staticmethod
    def forward(ctx, x, value, dim, index):
        return IndexFill.forward(ctx, x, dim, index, value)

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        filled = IndexFill.apply(grad, dim=ctx.dim, index=ctx.index, value=0)
        gv = (grad - filled).sum() if need[1] else None   # each filled position counted once
        return (filled if need[0] else None), gv


def index_fill(input, dim, index, value):
    """A copy of ``input`` with the slices at ``index`` along ``dim`` set to ``value``."""
    if isinstance(index, Tensor) and index._data.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    idx = _vector_index(index, "index_fill_", kinds=(np.int64,))
    x = input._data
    dim = wrap_dim(dim, x.ndim)
    size = (x.shape or (1,))[dim]
    if idx.size and (int(idx.min()) < -size or int(idx.max()) >= size):
        bad = idx[(idx < -size) | (idx >= size)][0]
        raise IndexError(f"index {int(bad)} is out of bounds for dimension {dim} with size "
                         f"{size}")
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError("index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        if value._requires_grad and _Mode.enabled:
            return IndexFill1.apply(input, value, dim=dim, index=idx)
        value = value._data
    return IndexFill.apply(input, dim=dim, index=idx, value=value)


def index_fill_(self, dim, index, value):
    """In-place :func:`index_fill`."""
    if isinstance(value, Tensor):
        return self._inplace(lambda t, v: index_fill(t, dim, index, v), value)
    return self._inplace(lambda t: index_fill(t, dim, index, value))


def take_along_dim(input, indices, dim=None, *, out=None):
    """Values of ``input`` at ``indices`` along ``dim`` (other dims broadcast); with
    ``dim=None`` both are flattened. Pairs with argmax/argsort/topk outputs."""
    if not isinstance(indices, Tensor) or indices._data.dtype != np.int64:
        got = type_word(indices._data.dtype) if isinstance(indices, Tensor) else None
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{got}")
    if dim is None:
        return gather(input.reshape(-1), 0, indices.reshape(-1), out=out)
    x, idx = input._data, indices._data
    if x.ndim != idx.ndim:
        raise RuntimeError("torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {x.ndim} dimensions for input, and "
                           f"{idx.ndim} dimensions for indices")
    dim = wrap_dim(dim, x.ndim)
    xs = list(x.shape)
    xs[dim] = idx.shape[dim]
    bshape = list(check_broadcast(xs, idx.shape))
    if list(idx.shape) != bshape:
        indices = indices.expand(bshape)
    bshape[dim] = x.shape[dim]
    if list(x.shape) != bshape:
        input = input.expand(bshape)
    return gather(input, dim, indices, out=out)

"""Joining, repeating and rearranging tensors: cat, stack, repeat, flip, roll, where, meshgrid.

Example:
    >>> import ember
    >>> a = ember.tensor([[1, 2]])
    >>> ember.cat([a, a * 10], dim=0)
    tensor([[ 1,  2],
            [10, 20]])
"""
import operator
import warnings

import numpy as np

from .. import dtypes as _dt
from .._tensor import Size, Tensor
from ..autograd.function import Op
from ._util import as_tensor_like, check_broadcast, type_word, wrap_dim, write_out
from .shape import _dim, _ints, _size_args, expand, reshape, unsqueeze
from .slicing import Slice, Unbind

__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "tile", "flip", "fliplr", "flipud", "roll", "where", "meshgrid",
           "broadcast_to", "broadcast_tensors", "broadcast_shapes", "atleast_1d", "atleast_2d",
           "atleast_3d"]

TENSOR_METHODS = ["repeat", "tile", "flip", "fliplr", "flipud", "roll", "broadcast_to"]

_index = operator.index


# -- cat / stack -------------------------------------------------------------------------------
class Cat(Op):
    name_ = "CatBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim, dtype, skip):
        ctx.dim = dim
        ctx.sizes = sizes = []
        parts = []
        for a, s in zip(arrays, skip):
            sizes.append(None if s else a.shape[dim])
            if not s:
                parts.append(a if a.dtype == dtype else a.astype(dtype))
        if not parts:
            return ctx.xp.zeros((0,), dtype)
        return ctx.xp.concatenate(parts, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        out, start, dim = [], 0, ctx.dim
        pre = (slice(None),) * dim
        for s in ctx.sizes:
            if s is None:
                out.append(grad.new_zeros(0))
            else:
                out.append(Slice.apply(grad, key=pre + (slice(start, start + s),)))
                start += s
        return tuple(out)


def _check_list(tensors, fn):
    if isinstance(tensors, Tensor) or not isinstance(tensors, (tuple, list)):
        raise TypeError(f"{fn}(): argument 'tensors' (position 1) must be tuple of Tensors, not "
                        f"{type(tensors).__name__}")
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")


def _common_dtype(tensors):
    dt = tensors[0]._data.dtype
    for t in tensors:
        if t._data.dtype != dt:
            return _dt.result_type_of([_as_dim1(t) for t in tensors]).np
    return dt


class _as_dim1:
    """Stands for a tensor in result_type_of as a tensor with dims (cat ignores 0-d rank)."""

    def __init__(self, t):
        self.dtype = t.dtype

    def dim(self):
        return 1


def cat(tensors, dim=0, *, axis=None, out=None):
    """Join tensors along an existing dimension: ``ember.cat([a, b], dim=1)``.

    Shapes must match except along ``dim``; 1-d empty tensors are skipped, as in torch, and the
    result has the promoted dtype of all inputs.
    """
    _check_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    if axis is not None:
        dim = axis
    ref = None
    skip = []
    for i, t in enumerate(tensors):
        shape = t._data.shape
        if not shape:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
        empty = shape == (0,)
        skip.append(empty)
        if ref is None and not empty:
            ref = shape
            d = _dim(dim, len(ref))
    if ref is not None:
        for i, t in enumerate(tensors):
            shape = t._data.shape
            if shape == ref or skip[i]:
                continue
            if len(shape) != len(ref):
                raise RuntimeError(f"Tensors must have same number of dimensions: got {len(ref)} "
                                   f"and {len(shape)}")
            for j, (a, b) in enumerate(zip(ref, shape)):
                if a != b and j != d:
                    raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                       f"Expected size {a} but got size {b} for tensor number {i} "
                                       "in the list.")
    else:
        d = 0
    result = Cat.apply(*tensors, dim=d, dtype=_common_dtype(tensors), skip=tuple(skip))
    return write_out(out, result)


concat = concatenate = cat


class Stack(Op):
    name_ = "StackBackward0"

    @staticmethod
    def forward(ctx, *arrays, dim, dtype):
        ctx.dim = dim
        key = (slice(None),) * dim + (None,)  # np.stack is slow: add the axis and concatenate
        return ctx.xp.concatenate([(a if a.dtype == dtype else a.astype(dtype))[key]
                                   for a in arrays], dim)

    @staticmethod
    def backward(ctx, grad):
        return Unbind.apply(grad, dim=ctx.dim)


def stack(tensors, dim=0, *, out=None):
    """Join same-shape tensors along a new dimension: ``ember.stack([a, b])``."""
    _check_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    ref = tensors[0]._data.shape
    for i, t in enumerate(tensors):
        if t._data.shape != ref:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {list(ref)} "
                               f"at entry 0 and {list(t._data.shape)} at entry {i}")
    d = _dim(dim, len(ref) + 1)
    return write_out(out, Stack.apply(*tensors, dim=d, dtype=_common_dtype(tensors)))


def hstack(tensors, *, out=None):
    """Concatenate along dim 1 (dim 0 for 1-d tensors)."""
    _check_list(tensors, "hstack")
    ts = atleast_1d(tensors)
    return cat(ts, 0 if ts and ts[0]._data.ndim == 1 else 1, out=out)


def vstack(tensors, *, out=None):
    """Stack rows: 1-d tensors become rows, then concatenate along dim 0."""
    _check_list(tensors, "vstack")
    return cat(atleast_2d(tensors), 0, out=out)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Concatenate along dim 2 after making every tensor at least 3-d."""
    _check_list(tensors, "dstack")
    return cat(atleast_3d(tensors), 2, out=out)


def column_stack(tensors, *, out=None):
    """Stack 0-d and 1-d tensors as columns (others as they are) along dim 1."""
    _check_list(tensors, "column_stack")
    ts = [reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t for t in tensors]
    return cat(ts, 1, out=out)


def _atleast(tensors, fn):
    if len(tensors) == 1:
        if isinstance(tensors[0], Tensor):
            return fn(tensors[0])
        tensors = tensors[0]
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor, but got {type(t).__name__}")
    return tuple(fn(t) for t in tensors)


def _1d(t):
    return reshape(t, (1,)) if t._data.ndim == 0 else t


def _2d(t):
    nd = t._data.ndim
    return reshape(t, (1, 1)) if nd == 0 else unsqueeze(t, 0) if nd == 1 else t


def _3d(t):
    nd = t._data.ndim
    if nd == 0:
        return reshape(t, (1, 1, 1))
    if nd == 1:
        return unsqueeze(unsqueeze(t, 0), -1)
    return unsqueeze(t, -1) if nd == 2 else t


def atleast_1d(*tensors):
    """0-d tensors become 1-d (one tensor in, one out; several in, a tuple out)."""
    return _atleast(tensors, _1d)


def atleast_2d(*tensors):
    """Tensors with fewer than 2 dims get leading size-1 dims."""
    return _atleast(tensors, _2d)


def atleast_3d(*tensors):
    """Tensors with fewer than 3 dims become 3-d (a 1-d ``(n,)`` becomes ``(1, n, 1)``)."""
    return _atleast(tensors, _3d)


# -- repeat / tile / flip / roll ---------------------------------------------------------------
class Repeat(Op):
    name_ = "RepeatBackward0"

    @staticmethod
    def forward(ctx, x, reps):
        ctx.in_shape, ctx.reps = x.shape, reps
        return ctx.xp.tile(x, reps)

    @staticmethod
    def backward(ctx, grad):
        from .reduce import sum as _sum
        reps, shape = ctx.reps, ctx.in_shape
        padded = (1,) * (len(reps) - len(shape)) + shape
        inter = []
        for r, s in zip(reps, padded):
            inter += [r, s]
        g = _sum(reshape(grad, tuple(inter)), tuple(range(0, 2 * len(reps), 2)))
        return reshape(g, shape)


def repeat(self, *repeats, **kwargs):
    """Tile the tensor ``repeats[i]`` times along each dim: ``x.repeat(2, 1)`` (a copy)."""
    reps = _size_args(repeats, "repeat", "repeats", kwargs)
    shape = self._data.shape
    if len(reps) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    if any(r < 0 for r in reps):
        padded = (1,) * (len(reps) - len(shape)) + shape
        raise RuntimeError("Trying to create tensor with negative dimension "
                           f"{min(r * s for r, s in zip(reps, padded))}: "
                           f"{[r * s for r, s in zip(reps, padded)]}")
    return Repeat.apply(self, reps=reps)


def tile(input, *dims, **kwargs):
    """Like ``repeat``, but ``dims`` may be shorter than ``input.dim()`` (padded with 1s)."""
    reps = _size_args(dims, "tile", "dims", kwargs)
    nd = input._data.ndim
    if len(reps) < nd:
        reps = (1,) * (nd - len(reps)) + reps
    return repeat(input, reps)


class Flip(Op):
    name_ = "FlipBackward0"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        if not dims:
            return x.copy()
        rev = slice(None, None, -1)
        return x[tuple(rev if d in dims else slice(None) for d in range(x.ndim))].copy()

    @staticmethod
    def backward(ctx, grad):
        return Flip.apply(grad, dims=ctx.dims)


def _dims(dims, nd, fn):
    dims = tuple(_dim(d, nd) for d in dims)
    if len(set(dims)) != len(dims):
        d = next(d for i, d in enumerate(dims) if d in dims[:i])
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return dims


def flip(input, *dims, **kwargs):
    """Reverse the order of elements along ``dims`` (a copy): ``ember.flip(x, (0,))``."""
    dims = _size_args(dims, "flip", "dims", kwargs)
    return Flip.apply(input, dims=_dims(dims, input._data.ndim, "flip"))


def fliplr(input):
    """Flip left/right (dim 1); needs at least 2 dims."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return Flip.apply(input, dims=(1,))


def flipud(input):
    """Flip up/down (dim 0); needs at least 1 dim."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return Flip.apply(input, dims=(0,))


class Roll(Op):
    name_ = "RollBackward0"

    @staticmethod
    def forward(ctx, x, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims is None:
            return _roll(ctx.xp, x.reshape(-1), shifts, (0,)).reshape(x.shape)
        return _roll(ctx.xp, x, shifts, dims)

    @staticmethod
    def backward(ctx, grad):
        return Roll.apply(grad, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims)


def _roll(xp, x, shifts, dims):
    out = x
    for s, d in zip(shifts, dims):
        n = x.shape[d]
        s = s % n if n else 0
        if s:
            pre = (slice(None),) * d
            out = xp.concatenate((out[pre + (slice(n - s, None),)], out[pre + (slice(0, n - s),)]),
                                 d)
    return out.copy() if out is x else out


def roll(input, shifts, dims=None):
    """Shift elements along ``dims`` cyclically (the flattened tensor when ``dims`` is None)."""
    shifts = _ints(shifts if isinstance(shifts, (tuple, list)) else (shifts,), "roll", "shifts")
    if not shifts:
        raise RuntimeError("`shifts` required")
    nd = input._data.ndim
    if dims is None:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
    else:
        dims = _ints(dims if isinstance(dims, (tuple, list)) else (dims,), "roll", "dims")
        if len(shifts) != len(dims):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               f"dims:{len(dims)}")
        if nd == 0:
            raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
        dims = tuple(wrap_dim(d, nd) for d in dims)
    return Roll.apply(input, shifts=shifts, dims=dims)


# -- where -------------------------------------------------------------------------------------
class Where(Op):
    name_ = "WhereBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, c, a, b, dtype):
        if a.dtype != dtype:
            a = a.astype(dtype)
        if b.dtype != dtype:
            b = b.astype(dtype)
        return ctx.xp.where(c, a, b)

    @staticmethod
    def backward(ctx, grad):
        (c,) = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (None, where(c, grad, 0.0) if need[1] else None,
                where(c, 0.0, grad) if need[2] else None)


def where(condition, input=None, other=None, *, out=None):
    """``input`` where ``condition`` is True, else ``other`` (broadcast; either may be a number).

    ``ember.where(cond)`` alone is ``ember.nonzero(cond, as_tuple=True)``.
    """
    if input is None and other is None:
        import ember
        return ember.nonzero(condition, as_tuple=True)
    if input is None or other is None:
        raise TypeError("where() received an invalid combination of arguments: expected "
                        "(Tensor condition) or (Tensor condition, Tensor input, Tensor other)")
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not "
                        f"{type(condition).__name__}")
    kind = condition._data.dtype
    if kind != np.bool_:
        if kind != np.uint8:
            raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor "
                               f"with dtype {type_word(kind)}")
        warnings.warn("where received a uint8 condition tensor. This behavior is deprecated and "
                      "will be removed in a future version of PyTorch. Use a boolean condition "
                      "instead.", UserWarning, stacklevel=2)
    if input.__class__ is other.__class__ is Tensor and input._data.dtype == other._data.dtype:
        a, b, dtype = input, other, input._data.dtype
    else:
        dt = _dt.result_type_of((input, other))
        a, b, dtype = as_tensor_like(input, condition, dt), as_tensor_like(other, condition, dt), \
            dt.np
    check_broadcast(condition._data.shape, a._data.shape, b._data.shape)
    return write_out(out, Where.apply(condition, a, b, dtype=dtype))


def _tensor_where(self, condition, other):
    """``Tensor.where(condition, other)`` is ``ember.where(condition, self, other)``.

    Not in TENSOR_METHODS: that list attaches ``join.where`` by name, whose first argument is the
    condition; ``_tensor._attach_methods`` must attach this function as ``Tensor.where``.
    """
    return where(condition, self, other)


# -- broadcasting and grids --------------------------------------------------------------------
def broadcast_shapes(*shapes):
    """The shape that all ``shapes`` broadcast to: ``ember.broadcast_shapes((2, 1), (3,))``."""
    shapes = [(s,) if not isinstance(s, (tuple, list)) else tuple(s) for s in shapes]
    result = [1] * max((len(s) for s in shapes), default=0)
    for i, shape in enumerate(shapes):
        for j in range(-1, -1 - len(shape), -1):
            n = _index(shape[j])
            if n < 0:
                raise ValueError("Attempting to broadcast a dimension with negative length!")
            if n == 1 or n == result[j]:
                continue
            if result[j] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {n} at {j}! "
                                   f"Mismatching argument at index {i} had {shape}; but expected "
                                   f"shape should be broadcastable to {result}")
            result[j] = n
    return Size(result)


def broadcast_to(input, size):
    """``input.expand(size)``: a broadcast view."""
    return expand(input, size)


def broadcast_tensors(*tensors):
    """Views of all tensors expanded to their common broadcast shape."""
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tensors[0]
    shape = check_broadcast((), *(t._data.shape for t in tensors))
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


def meshgrid(*tensors, indexing=None):
    """Coordinate grids from 1-d tensors: ``xs, ys = ember.meshgrid(x, y, indexing='ij')``.

    ``'ij'`` gives grids of shape ``(len(x), len(y))``; ``'xy'`` swaps the first two dims.
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    dtype = tensors[0]._data.dtype
    for t in tensors:
        if t._data.dtype != dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
        if t.device != tensors[0].device:
            raise RuntimeError("meshgrid expects all tensors to have the same device")
    if indexing not in ("ij", "xy"):
        raise RuntimeError('torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f"{indexing}")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError("torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got a {t._data.ndim}D tensor of shape {list(t._data.shape)}")
    ts = list(tensors)
    swap = indexing == "xy" and len(ts) >= 2
    if swap:
        ts[0], ts[1] = ts[1], ts[0]
    shape = tuple(t._data.size for t in ts)
    n = len(ts)
    grids = [expand(reshape(t, (1,) * i + (-1,) + (1,) * (n - i - 1)), shape)
             for i, t in enumerate(ts)]
    if swap:
        grids[0], grids[1] = grids[1], grids[0]
    return tuple(grids)

"""Parts of a tensor: select, narrow, split, chunk, unbind, diagonals and triangles.

Example:
    >>> import ember
    >>> x = ember.arange(6.).view(2, 3)
    >>> x.select(1, 0)
    tensor([0., 3.])
    >>> [p.shape for p in x.split([1, 2], dim=1)]
    [torch.Size([2, 1]), torch.Size([2, 2])]

Picking ops are ``_Take`` views (a basic index, or a function array -> view, as the ``key``);
their backward writes the gradient into zeros of the input's shape (``_Scatter``), whose own
backward takes the same elements again, so gradients of any order work. (Re-exported by
shape.py, so these land in the ``ember`` namespace and on ``Tensor`` with that family.)
"""
import operator

import numpy as np

from ..autograd.function import Op
from ._util import write_out
from .shape import _dim, _ints

__all__ = ["select", "narrow", "unbind", "split", "chunk", "tensor_split", "tril", "triu", "diag",
           "diagonal", "diag_embed"]

TENSOR_METHODS = ["select", "narrow", "unbind", "split", "chunk", "tensor_split", "tril", "tril_",
                  "triu", "triu_", "diag", "diagonal", "diag_embed"]

_index = operator.index


# -- picking elements: select, narrow, split, chunk, unbind ------------------------------------
def _pick(x, key):
    return x[key] if key.__class__ is tuple else key(x)


class _Take(Op):
    """A view of the elements at ``key`` (a basic index tuple, or a function array -> view)."""

    name_ = "SliceBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.in_shape, ctx.key = x.shape, key
        return _pick(x, key)

    @staticmethod
    def backward(ctx, grad):
        return _Scatter.apply(grad, shape=ctx.in_shape, key=ctx.key)


class _Scatter(Op):
    """Zeros of ``shape`` with the input written at ``key``: the backward of ``_Take``."""

    name_ = "SliceBackwardBackward0"

    @staticmethod
    def forward(ctx, g, shape, key):
        ctx.key = key
        out = ctx.xp.zeros(shape, g.dtype)
        if key.__class__ is tuple:
            out[key] = g
        else:
            key(out)[...] = g
        return out

    @staticmethod
    def backward(ctx, grad):
        return _TakeCopy.apply(grad, key=ctx.key)


class _TakeCopy(_Take):
    is_view = False

    @staticmethod
    def forward(ctx, x, key):
        ctx.in_shape, ctx.key = x.shape, key
        return _pick(x, key).copy()


class Select(_Take):
    name_ = "SelectBackward0"


class Slice(_Take):
    name_ = "SliceBackward0"


def _slice_key(dim, start, stop):
    return (slice(None),) * dim + (slice(start, stop),)


def select(input, dim, index):
    """The slice at ``index`` along ``dim``, without that dimension (a view): ``x.select(0, 1)``."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, len(shape))
    i = _index(index)
    if i < -shape[d] or i >= shape[d]:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(shape)} at dimension {d}")
    return Select.apply(input, key=(slice(None),) * d + (i, Ellipsis))


def narrow(input, dim, start, length):
    """``length`` elements from ``start`` along ``dim`` (a view): ``x.narrow(1, 0, 2)``."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, len(shape))
    start, length = _index(start), _index(length)
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    size = shape[d]
    if start < -size or start > size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], but "
                         f"got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
    return Slice.apply(input, key=_slice_key(d, start, start + length))


class Split(Op):
    name_ = "SplitBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim, sizes):
        ctx.dim = dim
        out, start = [], 0
        for s in sizes:
            out.append(x[_slice_key(dim, start, start + s)])
            start += s
        return tuple(out)

    @staticmethod
    def backward(ctx, *grads):
        from .join import cat
        return cat(grads, ctx.dim)


class SplitWithSizes(Split):
    name_ = "SplitWithSizesBackward0"


class Unbind(Op):
    name_ = "UnbindBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        pre = (slice(None),) * dim
        return tuple(x[pre + (i, Ellipsis)] for i in range(x.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        from .join import stack
        return stack(grads, ctx.dim)


def _split_dim(input, dim, fn):
    shape = input._data.shape
    if not shape:
        raise RuntimeError(f"{fn} expects at least a 1-dimensional tensor")
    d = _dim(dim, len(shape))
    return d, shape[d]


def split(tensor, split_size_or_sections=None, dim=0, *, split_size=None):
    """Pieces of ``split_size`` along ``dim`` (the last may be smaller), or of the given sizes.

    Example: ``a, b = x.split([2, 3], dim=1)``. The pieces are views.
    """
    d, size = _split_dim(tensor, dim, "split")
    if split_size_or_sections is None:
        split_size_or_sections = split_size
    if isinstance(split_size_or_sections, (tuple, list)):
        sizes = _ints(split_size_or_sections, "split_with_sizes", "split_sizes")
        if any(s < 0 for s in sizes):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               f"entries, but got split_sizes={list(sizes)}")
        if sum(sizes) != size:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {size} "
                               f"(input tensor's size at dimension {d}), but got "
                               f"split_sizes={list(sizes)}")
        return SplitWithSizes.apply(tensor, dim=d, sizes=sizes)
    if not hasattr(split_size_or_sections, "__index__"):
        raise TypeError("split_with_sizes(): argument 'split_sizes' (position 2) must be tuple "
                        f"of ints, not {type(split_size_or_sections).__name__}")
    n = _index(split_size_or_sections)
    if n < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={n}")
    if n == 0 and size != 0:
        raise RuntimeError("split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {size}")
    count = max(-(-size // n), 1) if n else 1
    sizes = (n,) * (count - 1) + (size - n * (count - 1),)
    return Split.apply(tensor, dim=d, sizes=sizes)


def chunk(input, chunks, dim=0):
    """Split into ``chunks`` pieces of ``ceil(size / chunks)`` (fewer when it does not divide)."""
    d, size = _split_dim(input, dim, "chunk")
    chunks = _index(chunks)
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    if size == 0:
        return SplitWithSizes.apply(input, dim=d, sizes=(0,) * chunks)
    return split(input, -(-size // chunks), d)


def unbind(input, dim=0):
    """The slices along ``dim`` as a tuple of views: ``rows = x.unbind(0)``."""
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return Unbind.apply(input, dim=_dim(dim, input._data.ndim))


def tensor_split(input, indices_or_sections=None, dim=0, *, sections=None, indices=None):
    """Split into ``n`` nearly equal parts, or at the given indices (numpy's array_split)."""
    shape = input._data.shape
    if not shape:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    arg = next(a for a in (indices_or_sections, sections, indices, 0) if a is not None)
    d = _dim(dim, len(shape))
    size = shape[d]
    if hasattr(arg, "_data") and arg._data.ndim == 1:
        arg = arg.tolist()
    if isinstance(arg, (tuple, list)):
        bounds = [0, *_ints(arg, "tensor_split", "indices"), None]
    else:
        n = _index(arg)
        if n <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {n}")
        q, r = divmod(size, n)
        bounds = [0]
        for i in range(n):
            bounds.append(bounds[-1] + q + (i < r))
    return tuple(Slice.apply(input, key=_slice_key(d, a, b))
                 for a, b in zip(bounds[:-1], bounds[1:]))


# -- triangles and diagonals -------------------------------------------------------------------
class Tril(Op):
    name_ = "TrilBackward0"

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx.xp.tril(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Tril.apply(grad, k=ctx.k)


class Triu(Op):
    name_ = "TriuBackward0"

    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return ctx.xp.triu(x, k)

    @staticmethod
    def backward(ctx, grad):
        return Triu.apply(grad, k=ctx.k)


def _tri(cls, name, input, diagonal, out):
    if input._data.ndim < 2:
        raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")
    return write_out(out, cls.apply(input, k=_index(diagonal)))


def tril(input, diagonal=0, *, out=None):
    """The lower triangle of the last two dims (elements above ``diagonal`` set to 0)."""
    return _tri(Tril, "tril", input, diagonal, out)


def triu(input, diagonal=0, *, out=None):
    """The upper triangle of the last two dims (elements below ``diagonal`` set to 0)."""
    return _tri(Triu, "triu", input, diagonal, out)


def tril_(self, diagonal=0):
    return self._inplace(tril, diagonal)


def triu_(self, diagonal=0):
    return self._inplace(triu, diagonal)


class _DiagonalOf:
    """``key`` for _Take/_Scatter: the (writable) diagonal view of an array."""

    __slots__ = ("offset", "dim1", "dim2")

    def __init__(self, offset, dim1, dim2):
        self.offset, self.dim1, self.dim2 = offset, dim1, dim2

    def __call__(self, a):
        v = a.diagonal(self.offset, self.dim1, self.dim2)
        if v.__class__ is np.ndarray and a.flags.writeable:
            v.flags.writeable = True  # NumPy hands out read-only diagonals; torch's are views
        return v


class Diagonal(_Take):
    name_ = "DiagonalBackward0"


class DiagonalCopy(_TakeCopy):
    name_ = "DiagonalBackward0_copy"


class DiagEmbed(_Scatter):
    name_ = "DiagEmbedBackward0"


def _diag_dims(nd, dim1, dim2):
    d1, d2 = _dim(dim1, nd), _dim(dim2, nd)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1):
    """The diagonal of dims ``dim1``/``dim2`` as the last dim (a view): ``m.diagonal()``."""
    d1, d2 = _diag_dims(input._data.ndim, dim1, dim2)
    return Diagonal.apply(input, key=_DiagonalOf(_index(offset), d1, d2))


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    """Matrices whose diagonal (dims ``dim1``/``dim2``) holds the last dim of ``input``."""
    shape = input._data.shape
    d1, d2 = _diag_dims(len(shape) + 1, dim1, dim2)
    offset = _index(offset)
    n = (shape[-1] if shape else 1) + abs(offset)
    rest = list(shape[:-1])
    for d in sorted((d1, d2)):
        rest.insert(d, n)
    return DiagEmbed.apply(input, shape=tuple(rest), key=_DiagonalOf(offset, d1, d2))


def diag(input, diagonal=0, *, out=None):
    """1-d in: a square matrix with ``input`` on a diagonal. 2-d in: that diagonal (a copy)."""
    nd = input._data.ndim
    k = _index(diagonal)
    if nd == 1:
        n = input._data.shape[0] + abs(k)
        result = DiagEmbed.apply(input, shape=(n, n), key=_DiagonalOf(k, 0, 1))
    elif nd == 2:
        result = DiagonalCopy.apply(input, key=_DiagonalOf(k, 0, 1))
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {nd}D")
    return write_out(out, result)

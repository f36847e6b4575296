"""Views and shape changes. Views share memory and the version counter with their base.

Example:
    >>> import ember
    >>> x = ember.arange(6)
    >>> v = x.view(2, 3)
    >>> v[0, 0] = 100
    >>> x[0]
    tensor(100)
"""
import numpy as np

from ..autograd.function import Op
from ._util import wrap_dim

__all__ = ["reshape", "t", "transpose", "swapaxes", "swapdims", "permute", "squeeze",
           "unsqueeze"]

TENSOR_METHODS = ["view", "view_as", "reshape", "reshape_as", "expand", "expand_as", "t",
                  "transpose", "swapaxes", "swapdims", "permute", "squeeze", "unsqueeze"]


def _infer_shape(shape, numel):
    shape = list(shape)
    neg = [i for i, s in enumerate(shape) if s == -1]
    if len(neg) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = 1
    for s in shape:
        if s != -1:
            if s < 0:
                raise RuntimeError(f"invalid shape dimension {s}")
            known *= s
    if neg:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
        shape[neg[0]] = numel // known
    elif known != numel:
        raise RuntimeError(f"shape '{shape}' is invalid for input of size {numel}")
    return tuple(shape)


def _size_args(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return tuple(int(s) for s in size)


class View(Op):
    name_ = "ViewBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        out = x.view()
        try:
            out.shape = shape  # raises instead of copying when no view is possible
        except AttributeError:
            raise RuntimeError(
                "view size is not compatible with input tensor's size and stride (at least one "
                "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")\
                from None
        return out

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class Reshape(Op):
    """A reshape that had to copy (torch records it as _UnsafeViewBackward0 / CloneBackward)."""

    name_ = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


def view(self, *shape):
    """A view with a new shape (no copy); ``-1`` infers one dimension: ``x.view(-1, 4)``."""
    if len(shape) == 1 and not isinstance(shape[0], (tuple, list, int)):
        return self.to(shape[0])  # view(dtype) is rarely used; cast keeps results right
    shape = _infer_shape(_size_args(shape), self._data.size)
    return View.apply(self, shape=shape)


def view_as(self, other):
    return view(self, other.shape)


def reshape(input, *shape):
    """Like view when possible, otherwise a copy: ``ember.reshape(x, (2, -1))``."""
    shape = _infer_shape(_size_args(shape), input._data.size)
    if shape == input._data.shape:
        return View.apply(input, shape=shape)
    try:
        return View.apply(input, shape=shape)
    except RuntimeError:
        return Reshape.apply(input, shape=shape)


def reshape_as(self, other):
    return reshape(self, other.shape)


class Expand(Op):
    name_ = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.xp_shape = x.shape
        return ctx.xp.broadcast_to(x, shape)

    @staticmethod
    def backward(ctx, grad):
        return grad  # the engine sums the broadcast dimensions back down


def expand(self, *sizes):
    """A broadcast view to ``sizes`` (``-1`` keeps a dimension): ``x.expand(3, -1)``."""
    sizes = _size_args(sizes)
    shape = self._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): "
                           "the number of sizes provided ({len(sizes)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   "leading, non-existing dimension")
            target.append(s)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        elif cur != 1 and s != cur:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
        target.append(s)
    target = tuple(target)
    if target == shape:
        return View.apply(self, shape=shape)
    return Expand.apply(self, shape=target)


def expand_as(self, other):
    return expand(self, other.shape)


class Permute(Op):
    name_ = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        return grad.permute(tuple(np.argsort(ctx.dims)))


class Transpose(Permute):
    name_ = "TransposeBackward0"


class T(Permute):
    name_ = "TBackward0"


def permute(input, *dims):
    """Reorder dimensions (a view): ``x.permute(2, 0, 1)``."""
    dims = _size_args(dims)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}"
                           .replace("permute(sparse_coo): ", ""))
    dims = tuple(wrap_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view): ``x.transpose(0, 1)``."""
    nd = input._data.ndim
    d0, d1 = wrap_dim(dim0, nd), wrap_dim(dim1, nd)
    dims = list(range(nd))
    dims[d0], dims[d1] = dims[d1], dims[d0]
    return Transpose.apply(input, dims=tuple(dims))


swapaxes = swapdims = transpose


def t(input):
    """Transpose a matrix (0-d and 1-d tensors are returned as they are)."""
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return T.apply(input, dims=tuple(range(nd))[::-1])


class Squeeze(Op):
    name_ = "SqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        return x.squeeze(axis=dims) if dims else x.view()

    @staticmethod
    def backward(ctx, grad):
        return grad.reshape(ctx.in_shape)


class SqueezeDim(Squeeze):
    name_ = "SqueezeBackward1"


class Unsqueeze(Op):
    name_ = "UnsqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        return ctx.xp.expand_dims(x, dim)

    @staticmethod
    def backward(ctx, grad):
        return grad.squeeze(ctx.dim)


def squeeze(input, dim=None):
    """Remove size-1 dimensions (all, or those in ``dim``); a view."""
    shape = input._data.shape
    if dim is None:
        return Squeeze.apply(input, dims=tuple(i for i, s in enumerate(shape) if s == 1))
    nd = len(shape)
    dims = dim if isinstance(dim, (tuple, list)) else (dim,)
    dims = tuple(wrap_dim(d, nd) for d in dims)
    return SqueezeDim.apply(input, dims=tuple(d for d in dims if nd and shape[d] == 1))


def unsqueeze(input, dim):
    """Insert a size-1 dimension at ``dim`` (a view): ``x.unsqueeze(0)``."""
    return Unsqueeze.apply(input, dim=wrap_dim(dim, input._data.ndim + 1))

"""Views and shape changes. Views share memory and the version counter with their base.

Example:
    >>> import ember
    >>> x = ember.arange(6)
    >>> v = x.view(2, 3)
    >>> v[0, 0] = 100
    >>> x[0]
    tensor(100)

select/narrow/split/chunk/unbind/diagonal live in slicing.py (re-exported at the bottom).
"""
import operator

import numpy as np

from .. import dtypes as _dt
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import type_word, wrap_dim

__all__ = ["reshape", "flatten", "unflatten", "ravel", "t", "transpose", "swapaxes", "swapdims",
           "permute", "movedim", "moveaxis", "squeeze", "unsqueeze"]

TENSOR_METHODS = ["view", "view_as", "reshape", "reshape_as", "flatten", "unflatten", "ravel",
                  "expand", "expand_as", "t", "t_", "transpose", "transpose_", "swapaxes",
                  "swapdims", "permute", "movedim", "moveaxis", "squeeze", "squeeze_",
                  "unsqueeze", "unsqueeze_"]

_index = operator.index
_VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one "
               "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


def _dim(d, nd):
    """``wrap_dim`` with a fast path for plain in-range ints."""
    if d.__class__ is int and -nd <= d < nd:
        return d + nd if d < 0 else d
    return wrap_dim(d, nd)


def _ints(values, fn, arg):
    """``values`` as a tuple of ints (torch's TypeError for floats, None...)."""
    try:
        return tuple(map(_index, values))
    except TypeError:
        pos, bad = next((i, v) for i, v in enumerate(values) if not hasattr(v, "__index__"))
        raise TypeError(f"{fn}(): argument '{arg}' must be tuple of ints, but found element of "
                        f"type {type(bad).__name__} at pos {pos}") from None


def _size_args(size, fn="view", arg="size", kwargs=None):
    """Sizes given as ``f(2, 3)``, ``f((2, 3))`` or ``f(size=(2, 3))``, as a tuple of ints."""
    if kwargs:
        if size or set(kwargs) != {arg}:
            raise TypeError(f"{fn}() got an unexpected keyword argument "
                            f"'{next(k for k in kwargs if k != arg or size)}'")
        size = (kwargs[arg],)
    elif not size:
        raise TypeError(f'{fn}() missing 1 required positional arguments: "{arg}"')
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    return _ints(size, fn, arg)


def _infer_shape(shape, numel):
    """Fill in a ``-1`` in ``shape`` (torch's rules and messages)."""
    infer = None
    known = 1
    for i, s in enumerate(shape):
        if s == -1:
            if infer is not None:
                raise RuntimeError("only one dimension can be inferred")
            infer = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {list(shape)}")
        else:
            known *= s
    if infer is None:
        if known == numel:
            return shape
    elif known > 0 and numel % known == 0:
        return shape[:infer] + (numel // known,) + shape[infer + 1:]
    elif known == 0 and numel == 0:
        raise RuntimeError(f"cannot reshape tensor of 0 elements into shape {list(shape)} because "
                           "the unspecified dimension size -1 can be any value and is ambiguous")
    raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")


def _nocopy_reshape(x, shape):
    """A view of array ``x`` with ``shape``, or None when that needs a copy."""
    if x.__class__ is np.ndarray:
        if x.flags.c_contiguous:
            return x.reshape(shape)
        try:
            return x.reshape(shape, copy=False)
        except ValueError:
            return None
    out = x.view()
    try:
        out.shape = shape
    except AttributeError:
        return None
    return out


# -- view / reshape ----------------------------------------------------------------------------
class View(Op):
    name_ = "ViewBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        out = _nocopy_reshape(x, shape)
        if out is None:
            raise RuntimeError(_VIEW_ERROR)
        return out

    @staticmethod
    def backward(ctx, grad):
        return reshape(grad, ctx.in_shape)


class Reshape(Op):
    """A reshape that had to copy (torch records it as _UnsafeViewBackward0)."""

    name_ = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, x, shape):
        ctx.in_shape = x.shape
        return x.reshape(shape)

    @staticmethod
    def backward(ctx, grad):
        return reshape(grad, ctx.in_shape)


class ViewDtype(Op):
    """``x.view(dtype)``: the same bytes read as another dtype (never differentiable)."""

    is_view = True
    differentiable = False

    @staticmethod
    def forward(ctx, x, dtype):
        if dtype.itemsize != x.itemsize:
            what = f"to view {type_word(x.dtype)} as {type_word(dtype)} (different element sizes)"
            if x.ndim == 0:
                raise RuntimeError(f"self.dim() cannot be 0 {what}")
            if x.strides[-1] != x.itemsize and x.shape[-1] != 1:
                raise RuntimeError(f"self.stride(-1) must be 1 {what}, but got "
                                   f"{x.strides[-1] // x.itemsize}")
            ratio = dtype.itemsize // x.itemsize
            if ratio > 1 and x.shape[-1] % ratio:
                raise RuntimeError(f"self.size(-1) must be divisible by {ratio} {what}, but got "
                                   f"{x.shape[-1]}")
        try:
            return x.view(dtype)
        except ValueError as e:
            raise RuntimeError(str(e)) from None


def view(self, *shape, dtype=None, **size):
    """A view with a new shape (no copy); ``-1`` infers one dimension: ``x.view(-1, 4)``.

    ``x.view(ember.int32)`` reinterprets the bytes as another dtype instead.
    """
    if dtype is None and len(shape) == 1 and isinstance(shape[0], _dt.dtype):
        dtype = shape[0]
    if dtype is not None:
        out = ViewDtype.apply(self, dtype=_dt.to_dtype(dtype).np)
        out._base = None  # as in torch: shares memory and version counter, but is no view
        return out
    shape = _infer_shape(_size_args(shape, "view", "size", size), self._data.size)
    return View.apply(self, shape=shape)


def view_as(self, other):
    """``self.view(other.shape)``."""
    return View.apply(self, shape=_infer_shape(other._data.shape, self._data.size))


def reshape(input, *shape, **kwargs):
    """Like view when possible, otherwise a copy: ``ember.reshape(x, (2, -1))``."""
    shape = _size_args(shape, "reshape", "shape", kwargs)
    return _reshape(input, _infer_shape(shape, input._data.size))


def _reshape(input, shape):
    """reshape to a valid ``shape`` (no -1)."""
    data = input._data
    if data.flags.c_contiguous or _nocopy_reshape(data, shape) is not None:
        return View.apply(input, shape=shape)
    return Reshape.apply(input, shape=shape)


def reshape_as(self, other):
    """``self.reshape(other.shape)``."""
    return _reshape(self, _infer_shape(other._data.shape, self._data.size))


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dimensions ``start_dim..end_dim`` into one: ``x.flatten(1)`` for a batch."""
    shape = input._data.shape
    nd = len(shape)
    if nd == 0:
        return reshape(input, (1,))
    s, e = _dim(start_dim, nd), _dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return _reshape(input, shape[:s] + (n,) + shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dimension ``dim`` into ``sizes`` (one may be -1): ``x.unflatten(1, (2, -1))``."""
    shape = input._data.shape
    d = wrap_dim(dim, len(shape))
    sizes = _ints(sizes, "unflatten", "sizes")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    if not shape:
        raise RuntimeError(f"unflatten: Dimension specified as {dim} but tensor has no dimensions")
    try:
        new = _infer_shape(sizes, shape[d])
    except RuntimeError as e:
        if "invalid for input" not in str(e):
            raise
        raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the "
                           f"size of dim {dim} ({shape[d]}) in the input tensor") from None
    return View.apply(input, shape=shape[:d] + new + shape[d + 1:])


def ravel(input):
    """The elements as a 1-d tensor (a view when ``input`` is contiguous)."""
    return view(input.contiguous(), -1)


# -- expand ------------------------------------------------------------------------------------
class Expand(Op):
    name_ = "ExpandBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, shape):
        strides = _expand_strides(x, shape)
        if ctx.xp is not np:
            return ctx.xp.lib.stride_tricks.as_strided(x, shape, strides)
        if x.flags.c_contiguous or x.flags.f_contiguous:
            return np.ndarray(shape, x.dtype, x, 0, strides)  # fast, and keeps .base
        return np.lib.stride_tricks.as_strided(x, shape, strides, writeable=x.flags.writeable)

    @staticmethod
    def backward(ctx, grad):
        return grad  # the engine sums the broadcast dimensions back down


def _expand_strides(x, shape):
    """torch's strides (in bytes) for ``x`` expanded to ``shape``: 0 where a dim is broadcast."""
    nd = len(shape)
    lead = nd - x.ndim
    strides = [0] * nd
    for i in range(nd - 1, -1, -1):
        if i >= lead:
            size, st = x.shape[i - lead], x.strides[i - lead]
        else:
            size, st = 1, (shape[i + 1] * strides[i + 1] if i + 1 < nd else x.itemsize)
        strides[i] = st if size == shape[i] else 0
    return tuple(strides)


def _expand_shape(input, sizes):
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({input._type_name()}{{{list(shape)}}}, size={list(sizes)}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = list(sizes)
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f"leading, non-existing dimension {i}")
            continue
        cur = shape[i - lead]
        if s == -1:
            target[i] = cur
        elif s != cur and (cur != 1 or s < 0):
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({cur}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
    return tuple(target)


def expand(self, *sizes, **kwargs):
    """A broadcast view to ``sizes`` (``-1`` keeps a dimension): ``x.expand(3, -1)``."""
    sizes = _size_args(sizes, "expand", "size", kwargs)
    return Expand.apply(self, shape=_expand_shape(self, sizes))


def expand_as(self, other):
    """``self.expand(other.shape)``."""
    return Expand.apply(self, shape=_expand_shape(self, other._data.shape))


# -- permutations ------------------------------------------------------------------------------
class Permute(Op):
    name_ = "PermuteBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.transpose(dims)

    @staticmethod
    def backward(ctx, grad):
        inv = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inv[d] = i
        return Permute.apply(grad, dims=tuple(inv))


class Transpose(Permute):
    name_ = "TransposeBackward0"


class T(Permute):
    name_ = "TBackward0"


class TransposeInplace(Permute):
    name_ = "TransposeBackward1"


class TInplace(Permute):
    name_ = "TBackward1"


def permute(input, *dims, **kwargs):
    """Reorder dimensions (a view): ``x.permute(2, 0, 1)``."""
    dims = _size_args(dims, "permute", "dims", kwargs)
    nd = input._data.ndim
    if len(dims) != nd:
        raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does "
                           "not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {nd} is not equal to len(dims) = {len(dims)}")
    dims = tuple(_dim(d, nd) for d in dims)
    if len(set(dims)) != nd:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


def _swap(nd, dim0, dim1):
    d0, d1 = _dim(dim0, nd), _dim(dim1, nd)
    dims = list(range(nd))
    if nd:
        dims[d0], dims[d1] = dims[d1], dims[d0]
    return tuple(dims)


def transpose(input, dim0, dim1):
    """Swap two dimensions (a view): ``x.transpose(0, 1)``."""
    return Transpose.apply(input, dims=_swap(input._data.ndim, dim0, dim1))


swapaxes = swapdims = transpose


def _t_dims(input):
    nd = input._data.ndim
    if nd > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {nd}D")
    return tuple(range(nd))[::-1]


def t(input):
    """Transpose a matrix (0-d and 1-d tensors are returned as they are)."""
    return T.apply(input, dims=_t_dims(input))


def movedim(input, source, destination):
    """Move dimensions ``source`` to positions ``destination``: ``x.movedim(0, -1)``."""
    src = (source,) if not isinstance(source, (tuple, list)) else tuple(source)
    dst = (destination,) if not isinstance(destination, (tuple, list)) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    nd = input._data.ndim
    ws = [wrap_dim(d, nd) for d in src]
    wd = [wrap_dim(d, nd) for d in dst]
    for name, orig, wrapped in (("source", src, ws), ("destination", dst, wd)):
        if len(set(wrapped)) != len(wrapped):
            raise RuntimeError(f"movedim: repeated dim in `{name}` ({list(orig)})")
    order = [d for d in range(nd) if d not in ws]
    for d, s in sorted(zip(wd, ws)):
        order.insert(d, s)
    return Permute.apply(input, dims=tuple(order))


moveaxis = movedim


# -- squeeze / unsqueeze -----------------------------------------------------------------------
class Squeeze(Op):
    name_ = "SqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dims):
        ctx.in_shape = x.shape
        return x.squeeze(axis=dims) if dims else x.view()

    @staticmethod
    def backward(ctx, grad):
        return reshape(grad, ctx.in_shape)


class SqueezeDim(Squeeze):
    name_ = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    name_ = "SqueezeBackward2"


class Unsqueeze(Op):
    name_ = "UnsqueezeBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        if x.flags.c_contiguous:
            return x.reshape(x.shape[:dim] + (1,) + x.shape[dim:])
        return ctx.xp.expand_dims(x, dim)

    @staticmethod
    def backward(ctx, grad):
        return SqueezeDim.apply(grad, dims=(ctx.dim,))


# The in-place forms record torch's node names for them.
_SQUEEZE_INPLACE = {cls: type(cls.__name__ + "Inplace", (cls,), {"name_": f"SqueezeBackward{n}"})
                    for cls, n in ((Squeeze, 3), (SqueezeDim, 4), (SqueezeDims, 5))}
UnsqueezeInplace = type("UnsqueezeInplace", (Unsqueeze,), {"name_": "UnsqueezeBackward1"})


def _squeeze_args(input, dim):
    shape = input._data.shape
    if dim is None:
        return Squeeze, tuple(i for i, s in enumerate(shape) if s == 1)
    nd = len(shape)
    if isinstance(dim, (tuple, list)):
        dims = tuple(_dim(d, nd) for d in dim)
        if len(set(dims)) != len(dims):
            d = next(d for i, d in enumerate(dims) if d in dims[:i])
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        cls = SqueezeDims
    else:
        dims = (_dim(dim, nd),)
        cls = SqueezeDim
    return cls, tuple(d for d in dims if nd and shape[d] == 1)


def squeeze(input, dim=None):
    """Remove size-1 dimensions (all, or those in ``dim``); a view."""
    cls, dims = _squeeze_args(input, dim)
    return cls.apply(input, dims=dims)


def unsqueeze(input, dim):
    """Insert a size-1 dimension at ``dim`` (a view): ``x.unsqueeze(0)``."""
    return Unsqueeze.apply(input, dim=_dim(dim, input._data.ndim + 1))


def _inplace_view(self, cls, **params):
    """Change this tensor's own shape (``unsqueeze_``...): metadata only, recorded as in torch."""
    if _Mode.enabled and self._requires_grad:
        self._check_inplace()
        base = self._base
        if base is not None and base.grad_fn is None and base._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        out = cls.apply(self, **params)
        self.grad_fn, self._output_nr = out.grad_fn, 0
    else:
        out = cls.apply(self, **params)
    if self._base is not None:
        self._view_fn = out._view_fn  # replays the base -> this view, now with the new shape
    self._data = out._data
    self._bump_version()
    return self


def squeeze_(self, dim=None):
    cls, dims = _squeeze_args(self, dim)
    return _inplace_view(self, _SQUEEZE_INPLACE[cls], dims=dims)


def unsqueeze_(self, dim):
    return _inplace_view(self, UnsqueezeInplace, dim=wrap_dim(dim, self._data.ndim + 1))


def transpose_(self, dim0, dim1):
    return _inplace_view(self, TransposeInplace, dims=_swap(self._data.ndim, dim0, dim1))


def t_(self):
    return _inplace_view(self, TInplace, dims=_t_dims(self))


from . import slicing as _slicing  # noqa: E402
from .slicing import *  # noqa: E402,F401,F403
from .slicing import tril_, triu_  # noqa: E402,F401  (Tensor methods only)

__all__ += _slicing.__all__
TENSOR_METHODS += _slicing.TENSOR_METHODS

"""Boolean masks: masked_fill, masked_select, masked_scatter; nonzero and argwhere.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., -2.], [-3., 4.]])
    >>> x.masked_fill(x < 0, 0.)
    tensor([[1., 0.],
            [0., 4.]])
    >>> ember.nonzero(x > 0)
    tensor([[0, 0],
            [1, 1]])

Masks broadcast against the input (the result takes the broadcast shape), as in torch.
"""
import numbers

import numpy as np

from ..device import writable
from .._tensor import Tensor
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import check_broadcast, cpp_type_word, type_label, type_word, write_out, xp_of
from .gather import _PadTo

__all__ = ["masked_fill", "masked_select", "masked_scatter", "nonzero", "argwhere"]

TENSOR_METHODS = ["masked_fill", "masked_fill_", "masked_select", "masked_scatter",
                  "masked_scatter_", "nonzero", "argwhere"]

_SCALARS = (int, float, bool, complex)


def _mask_array(mask, name):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{name}(): argument 'mask' must be Tensor, not {type_label(mask)}")
    if mask._data.dtype != np.bool_:
        if name == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(f"{name}_ only supports boolean masks, but got mask with dtype "
                           f"{cpp_type_word(mask._data.dtype)}")
    return mask._data


class MaskedFill(Op):
    name_ = "MaskedFillBackward0"

    @staticmethod
    def forward(ctx, x, mask, value):
        ctx.mask = mask
        check_broadcast(mask.shape, x.shape)   # torch's message for shapes that do not broadcast
        return ctx.xp.where(mask, ctx.xp.asarray(value).astype(x.dtype), x)

    @staticmethod
    def backward(ctx, grad):
        return MaskedFill.apply(grad, mask=ctx.mask, value=0)


class MaskedFill1(Op):
    name_ = "MaskedFillBackward1"

    @staticmethod
    def forward(ctx, x, value, mask):
        return MaskedFill.forward(ctx, x, mask, value)

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gx = MaskedFill.apply(grad, mask=ctx.mask, value=0) if need[0] else None
        gv = MaskedFill.apply(grad, mask=~ctx.mask, value=0).sum() if need[1] else None
        return gx, gv


def _fill_value(value, name):
    if isinstance(value, Tensor):
        if value._data.ndim != 0:
            raise RuntimeError(f"{name} only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._data.ndim} dimension(s).")
        return value
    if type(value) not in _SCALARS and not isinstance(value, (numbers.Number, np.generic)):
        raise TypeError(f"masked_fill(): argument 'value' must be Number, not "
                        f"{type_label(value)}")
    return value


def masked_fill(input, mask, value):
    """``value`` where ``mask`` is True (mask broadcast): ``x.masked_fill(x < 0, 0.)``."""
    m = _mask_array(mask, "masked_fill")
    value = _fill_value(value, "masked_fill_")
    if isinstance(value, Tensor):
        if value._requires_grad and _Mode.enabled:
            return MaskedFill1.apply(input, value, mask=m)
        value = value._data
    return MaskedFill.apply(input, mask=m, value=value)


def masked_fill_(self, mask, value):
    """In-place :func:`masked_fill`; ``mask`` must broadcast to ``self``'s shape."""
    m = _mask_array(mask, "masked_fill")
    value = _fill_value(value, "masked_fill_")
    shape = self._data.shape
    if m.shape != shape and check_broadcast(shape, m.shape) != shape:
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                           f"{list(check_broadcast(shape, m.shape))}")
    vt = isinstance(value, Tensor)
    if _Mode.enabled and (self._requires_grad or (vt and value._requires_grad)):
        return self._inplace(masked_fill, mask, value)
    if not writable(self._data):
        raise RuntimeError("unsupported operation: more than one element of the written-to "
                           "tensor refers to a single memory location. Please clone() the "
                           "tensor before performing the operation.")
    xp = xp_of(self)
    xp.copyto(self._data, xp.asarray(value._data if vt else value).astype(self._data.dtype),
              where=m)
    self._bump_version()
    return self


class MaskedSelect(Op):
    name_ = "MaskedSelectBackward0"

    @staticmethod
    def forward(ctx, x, mask):
        shape = check_broadcast(mask.shape, x.shape)
        ctx.shape = shape
        ctx.mask = mask = ctx.xp.broadcast_to(mask, shape)
        return ctx.xp.broadcast_to(x, shape)[mask]

    @staticmethod
    def backward(ctx, grad):
        return _MaskedSelectGrad.apply(grad, shape=ctx.shape, mask=ctx.mask)


class _MaskedSelectGrad(Op):
    """Zeros of ``shape`` with ``grad`` written where ``mask`` is True."""

    name_ = "MaskedSelectBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, mask):
        ctx.mask = mask
        out = ctx.xp.zeros(shape, dtype=grad.dtype)
        out[mask] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return MaskedSelect.apply(grad, mask=ctx.mask)


def masked_select(input, mask, *, out=None):
    """The elements of ``input`` where ``mask`` is True, as a 1-D tensor (both broadcast)."""
    m = _mask_array(mask, "masked_select")
    return write_out(out, MaskedSelect.apply(input, mask=m))


class MaskedScatter(Op):
    name_ = "MaskedScatterBackward0"

    @staticmethod
    def forward(ctx, x, src, mask):
        shape = check_broadcast(mask.shape, x.shape)
        mask = ctx.xp.broadcast_to(mask, shape)
        n = int(mask.sum())
        if n > src.size:
            raise RuntimeError("Number of elements of source < number of ones in mask")
        ctx.mask, ctx.src_shape, ctx.src_size = mask, src.shape, src.size
        out = ctx.xp.array(ctx.xp.broadcast_to(x, shape))
        out[mask] = src.reshape(-1)[:n]
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gx = MaskedFill.apply(grad, mask=ctx.mask, value=0) if need[0] else None
        gs = None
        if need[1]:
            gs = MaskedSelect.apply(grad, mask=ctx.mask)
            gs = _PadTo.apply(gs, shape=(ctx.src_size,)).reshape(ctx.src_shape)
        return gx, gs


def masked_scatter(input, mask, source):
    """Copy ``source``'s leading elements, in order, to where ``mask`` is True."""
    m = _mask_array(mask, "masked_scatter")
    if source._data.dtype != input._data.dtype:
        raise RuntimeError("masked_scatter: expected self and source to have same dtypes but got"
                           f"{type_word(input._data.dtype)} and {type_word(source._data.dtype)}")
    return MaskedScatter.apply(input, source, mask=m)


def masked_scatter_(self, mask, source):
    """In-place :func:`masked_scatter`."""
    return self._inplace(masked_scatter, mask, source)


# -- nonzero -------------------------------------------------------------------------------------

class _NonZero(Op):
    name_ = "NonzeroBackward0"
    differentiable = False

    @staticmethod
    def forward(ctx, x, as_tuple):
        if as_tuple:
            return tuple(i.astype(np.int64, copy=False)
                         for i in ctx.xp.nonzero(ctx.xp.atleast_1d(x)))
        return ctx.xp.argwhere(x).astype(np.int64, copy=False)


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the non-zero elements: an ``[n, ndim]`` int64 tensor, or one 1-D tensor per
    dimension with ``as_tuple=True`` (usable as an index: ``x[x.nonzero(as_tuple=True)]``)."""
    res = _NonZero.apply(input, as_tuple=bool(as_tuple))
    return res if as_tuple else write_out(out, res)


def argwhere(input):
    """Same as ``nonzero(input)``: an ``[n, ndim]`` int64 tensor of indices."""
    return _NonZero.apply(input, as_tuple=False)

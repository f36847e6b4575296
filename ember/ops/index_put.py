"""Writing through an index: ``x[key] = value`` (setitem), index_put and index_put_ (part of
the indexing family; indexing.py re-exports them and parses the keys).

Example:
    >>> import ember
    >>> x = ember.zeros(4)
    >>> x[1:3] = 5.
    >>> x.index_put((ember.tensor([0, 0]),), ember.tensor(1.), accumulate=True)
    tensor([2., 5., 5., 0.])
"""
import numpy as np

from ..device import writable
from .._tensor import Tensor, _has_overlap, _wrap
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import type_label, type_word, xp_of
from .gather import _add_at
from .indexing import Alias, Index, Select, _as_array, _check_device_key, _index_error, _parse

__all__ = ["index_put"]

TENSOR_METHODS = ["index_put", "index_put_"]


class IndexPut(Op):
    """``x`` with ``value`` written at ``basic`` then ``adv`` (torch's IndexPutBackward0)."""

    name_ = "IndexPutBackward0"

    @staticmethod
    def forward(ctx, x, v, basic, adv, accumulate):
        ctx.basic, ctx.adv, ctx.accumulate, ctx.v_ndim = basic, adv, accumulate, v.ndim
        out = x.copy()
        if v.dtype != x.dtype:
            v = v.astype(x.dtype)
        _put(ctx.xp, out, basic, adv, v, accumulate)
        return out

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        gx = gv = None
        if need[0]:
            if ctx.accumulate:
                gx = grad
            else:
                zero = _wrap(ctx.xp.zeros((), dtype=grad._data.dtype))
                gx = type(ctx).apply(grad, zero, basic=ctx.basic, adv=ctx.adv, accumulate=False)
        if need[1]:
            gv = grad
            if ctx.basic is not None:
                gv = Alias.apply(gv, key=ctx.basic)
            if ctx.adv is not None:
                gv = Index.apply(gv, key=ctx.adv)
            extra = ctx.v_ndim - gv._data.ndim
            if extra > 0:   # the value had leading size-1 dims that the target lacks
                gv = gv.reshape((1,) * extra + gv._data.shape)
        return gx, gv


class CopySlices(IndexPut):
    name_ = "CopySlices"


class CopyBackwards(IndexPut):
    name_ = "CopyBackwards"


class FillBackward3(IndexPut):
    name_ = "FillBackward3"


def _put(xp, out, basic, adv, v, accumulate):
    """Write ``v`` into ``out`` at the two-step key, with torch's errors."""
    target = out[basic] if basic is not None else out
    try:
        if adv is None:
            if 0 in target.strides and _has_overlap(target):
                raise ValueError("read-only")
            target[...] = v
        elif accumulate:
            if xp is not np:
                _check_device_key(adv, target.shape)
            _add_at(xp, target, adv, xp.broadcast_to(v, target[adv].shape))
        else:
            if xp is not np:
                _check_device_key(adv, target.shape)
            target[adv] = v
    except IndexError as e:
        raise _index_error(adv, target.shape, e) from None
    except ValueError as e:
        if "read-only" in str(e):
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.") from None
        vshape = list(getattr(v, "shape", ()))
        if adv is not None:
            raise RuntimeError(f"shape mismatch: value tensor of shape {vshape} cannot be "
                               "broadcast to indexing result of shape "
                               f"{list(target[adv].shape)}") from None
        raise _expand_error(vshape, list(target.shape)) from None


def _expand_error(vshape, tshape):
    while len(vshape) > len(tshape) and vshape[0] == 1:
        vshape = vshape[1:]
    if len(vshape) > len(tshape):
        return RuntimeError(f"expand(torch.FloatTensor{{{vshape}}}, size={tshape}): the number "
                            f"of sizes provided ({len(tshape)}) must be greater or equal to the "
                            f"number of dimensions in the tensor ({len(vshape)})")
    lead = len(tshape) - len(vshape)
    for i in range(len(tshape) - 1, lead - 1, -1):
        if vshape[i - lead] != 1 and vshape[i - lead] != tshape[i]:
            return RuntimeError(
                f"The expanded size of the tensor ({tshape[i]}) must match the existing size "
                f"({vshape[i - lead]}) at non-singleton dimension {i}.  Target sizes: "
                f"{tshape}.  Tensor sizes: {vshape}")
    return RuntimeError(f"cannot write a value of shape {vshape} into shape {tshape}")


_SCALARS = (int, float, bool, complex)


def setitem(tensor, key, value):
    """``tensor[key] = value`` (value: a number or a tensor broadcast to the indexed shape)."""
    data = tensor._data
    vt = isinstance(value, Tensor)
    if not vt and type(value) not in _SCALARS:
        raise TypeError(f"can't assign a {type_label(value)} to a {tensor._type_name()}")
    xp = xp_of(tensor)
    if type(key) is int and data.ndim:
        size = data.shape[0]
        if key < -size or key >= size:
            raise IndexError(f"index {key} is out of bounds for dimension 0 with size {size}")
        basic, adv, view_cls = (key, Ellipsis), None, Select
    else:
        basic, adv, view_cls = _parse(key, data.shape, xp)
    if vt and value._data.__class__ is not data.__class__:
        if value._data.ndim == 0 and not value._requires_grad:
            value = value.item()
            vt = False
        elif value.device != tensor.device:
            raise RuntimeError("Expected all tensors to be on the same device, but found at least "
                               f"two devices, {value.device} and {tensor.device}!")
    if vt and adv is not None and value._data.dtype != data.dtype and not (
            basic is None and len(adv) == 1 and adv[0].dtype == np.bool_ and not value.ndim):
        # (torch casts in one case: a single bool mask with a 0-d value, done as masked_fill)
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{type_word(data.dtype)} for the destination and "
                           f"{type_word(value._data.dtype)} for the source.")
    if _Mode.enabled and (tensor._requires_grad or (vt and value._requires_grad)):
        if basic is not None and tensor.grad_fn is None and tensor._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        if not vt:
            value = _wrap(xp.asarray(value, dtype=data.dtype))
        if basic is None and adv is None:
            cls = CopyBackwards if vt else FillBackward3
        else:
            cls = CopySlices if basic is not None else IndexPut
        tensor._inplace(lambda src, v: cls.apply(src, v, basic=basic, adv=adv, accumulate=False),
                        value)
        return
    v = value._data if vt else value
    if basic is None and adv is not None and len(adv) == 1 and adv[0].shape == data.shape \
            and adv[0].dtype == np.bool_ and (not vt or not v.ndim) and writable(data):
        xp.copyto(data, v, where=adv[0], casting="unsafe")   # x[mask] = 0: much faster
    else:
        _put(xp, data, basic, adv, v, False)
    tensor._bump_version()


def _index_key(indices, xp, name="index_put"):
    if isinstance(indices, Tensor) or not isinstance(indices, (tuple, list)):
        raise TypeError(f"{name}(): argument 'indices' must be tuple of Tensors, not "
                        f"{type_label(indices)}")
    key = []
    for i, t in enumerate(indices):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type_label(t)}")
        arr = _as_array(t, xp)
        if arr.dtype == np.uint8:
            arr = arr.astype(bool)
        if arr.dtype.kind not in "biu" or (arr.dtype.kind != "b" and
                                          arr.dtype not in (np.int64, np.int32)):
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        key.append(arr)
    return tuple(key)


def index_put(input, indices, values, accumulate=False):
    """Out-of-place ``input[indices] = values`` (``+=`` with repeats added when accumulate).

    Example: ``x.index_put((ember.tensor([0, 0]),), ember.tensor(1.), accumulate=True)``
    """
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put(): argument 'values' (position 2) must be Tensor, not "
                        f"{type_label(values)}")
    if values._data.dtype != input._data.dtype:
        raise RuntimeError("Index put requires the source and destination dtypes match, got "
                           f"{type_word(input._data.dtype)} for the destination and "
                           f"{type_word(values._data.dtype)} for the source.")
    xp = xp_of(input)
    key = _index_key(indices, xp)
    if len(key) > input._data.ndim and not any(k.dtype.kind == "b" for k in key):
        raise IndexError(f"too many indices for tensor of dimension {input._data.ndim} "
                         f"(got {len(key)})")
    return IndexPut.apply(input, values, basic=None, adv=key, accumulate=bool(accumulate))


def index_put_(self, indices, values, accumulate=False):
    """In-place :func:`index_put`."""
    if _Mode.enabled and (self._requires_grad or values._requires_grad):
        return self._inplace(index_put, indices, values, accumulate)
    if values._data.dtype != self._data.dtype:
        index_put(self, indices, values, accumulate)   # raises torch's dtype error
    xp = xp_of(self)
    _put(xp, self._data, None, _index_key(indices, xp), values._data, bool(accumulate))
    self._bump_version()
    return self

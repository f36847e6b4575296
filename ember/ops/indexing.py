"""Indexing: ``x[key]`` (views for basic keys, copies for advanced ones), key parsing and take.
The rest of the family lives in index_put.py (``x[key] = value``, index_put), gather.py (gather,
scatter*), index_dim.py (index_select, index_add, index_copy, index_fill, take_along_dim) and
masked.py (masked_*, nonzero, argwhere); this module re-exports them.

Example:
    >>> import ember
    >>> x = ember.arange(6.).view(2, 3)
    >>> x[1, 1:]            # basic key: a view (SliceBackward0)
    tensor([4., 5.])
    >>> x[x > 3] = 0        # bool mask: written in place
    >>> x
    tensor([[0., 1., 2.],
            [3., 0., 0.]])

Keys follow torch's rules, which differ from NumPy's in one case: integers are applied first
(as ``select``), then the advanced indices (lists, integer tensors, bool masks) on what is left,
so ``x[0, :, [0, 1]]`` has shape ``[4, 2]`` for a ``[3, 4, 5]`` tensor (NumPy gives ``[2, 4]``).
"""
import numbers
import warnings

import numpy as np

from .._tensor import Tensor
from ..autograd.function import Op
from . import gather as _gather, index_dim as _index_dim, masked as _masked
from ._util import type_label, type_word, xp_of
from .gather import *  # noqa: F401,F403
from .gather import _add_at, scatter_, scatter_add_, scatter_reduce_  # noqa: F401
from .index_dim import *  # noqa: F401,F403
from .index_dim import index_add_, index_copy_, index_fill_  # noqa: F401
from .masked import *  # noqa: F401,F403
from .masked import masked_fill_, masked_scatter_  # noqa: F401

# The family's other files are re-exported from here (ember/__init__.py imports this one).
__all__ = (["take"] + _gather.__all__ + _index_dim.__all__ + _masked.__all__)

TENSOR_METHODS = (["take"] + _gather.TENSOR_METHODS + _index_dim.TENSOR_METHODS +
                  _masked.TENSOR_METHODS)

_ALL = slice(None)
_INDEX_KINDS = frozenset("iu")


def _as_array(obj, xp):
    """An index (Tensor, NumPy array, list) as an array of ``xp``."""
    arr = obj._data if isinstance(obj, Tensor) else obj
    if not isinstance(arr, np.ndarray) and not hasattr(arr, "__cuda_array_interface__"):
        arr = np.asarray(arr)
        if arr.size == 0 and arr.dtype.kind == "f":
            arr = arr.astype(np.int64)
    if xp is np:
        return arr if arr.__class__ is np.ndarray else arr.get()
    return xp.asarray(arr)


# -- key parsing ---------------------------------------------------------------------------------

def _seq_as_tuple(seq):
    """torch's (deprecated) rule: a short list holding slices, None, ... or sequences is a tuple."""
    if len(seq) >= 32:
        return False
    for item in seq:
        if item is None or item is Ellipsis or isinstance(item, (slice, Tensor, list, tuple,
                                                                 np.ndarray, range)):
            return True
    return False


def _classify(k, xp):
    """(kind, value, dims consumed) of one key item; kinds: i(nt) s(lice) n(one) e(llipsis)
    b(ool) a(rray of ints) m(ask)."""
    if k is None:
        return "n", None, 0
    if k is Ellipsis:
        return "e", None, 0
    t = type(k)
    if t is int:
        return "i", k, 1
    if t is bool:
        return "b", k, 0
    if t is slice:
        step = k.step
        if step is not None:
            step = step.__index__()
            if step == 0:
                raise ValueError("slice step cannot be zero")
            if step < 0:
                raise ValueError("step must be greater than zero")
        return "s", k, 1
    if t is str:
        raise TypeError("new(): invalid data type 'str'")
    if isinstance(k, (Tensor, np.ndarray, list, tuple, range)) or \
            hasattr(k, "__cuda_array_interface__"):
        arr = _as_array(k if not isinstance(k, range) else list(k), xp)
        kind = arr.dtype.kind
        if kind == "f" and isinstance(k, (list, tuple)):
            arr, kind = arr.astype(np.int64), "i"   # torch truncates Python floats in a list
        if kind == "b":
            return ("b", bool(arr), 0) if arr.ndim == 0 else ("m", arr, arr.ndim)
        if arr.dtype == np.uint8:
            warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                          "dtype torch.bool instead.", UserWarning, stacklevel=4)
            arr = arr.astype(bool)
            return ("b", bool(arr), 0) if arr.ndim == 0 else ("m", arr, arr.ndim)
        if kind in _INDEX_KINDS:
            if arr.ndim == 0 and isinstance(k, Tensor):
                return "i", int(arr), 1    # a 0-d integer tensor acts as an int (select)
            if arr.dtype not in (np.int64, np.int32) and isinstance(k, Tensor):
                raise IndexError("tensors used as indices must be long, int, byte or bool "
                                 "tensors")
            return "a", arr, 1
        raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
    if isinstance(k, numbers.Integral) and not isinstance(k, np.bool_):
        return "i", int(k), 1
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     f"Variables are valid indices (got {type_label(k)})")


def _parse(key, shape, xp):
    """Split ``key`` into torch's two steps.

    Returns ``(basic, adv, view_cls)``: ``basic`` is a NumPy basic key (ints, slices, None)
    giving a view, or None when there is nothing to do; ``adv`` is the advanced key applied to
    that view (None when there is none); ``view_cls`` names the view node after torch's last
    view op (SelectBackward0, SliceBackward0, UnsqueezeBackward0 or AliasBackward0).
    """
    if type(key) is not tuple:
        if isinstance(key, (list, range)) and _seq_as_tuple(key):
            warnings.warn("Using a non-tuple sequence for multidimensional indexing is "
                          "deprecated; use x[tuple(seq)] instead of x[seq].", UserWarning,
                          stacklevel=3)
            key = tuple(key)
        else:
            key = (key,)
    elif len(key) <= len(shape):
        fast = _parse_basic(key, shape)
        if fast is not None:
            return fast
    items = [_classify(k, xp) for k in key]
    ndim = len(shape)
    used = 0
    for kind, _, n in items:
        if ndim == 0 and kind == "i":
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if ndim == 0 and kind == "s":
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
        used += n
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    basic, adv = [], []
    view_cls = None
    has_adv = seen_ellipsis = False
    src = res = n_adv = 0   # input dim, dim of the view torch builds, advanced-index ordinal
    for pos, (kind, k, n) in enumerate(items):
        if kind == "i":
            size = shape[src]
            if k < -size or k >= size:
                raise IndexError(f"index {k} is out of bounds for dimension {pos} with size "
                                 f"{size}")
            basic.append(k)
            src += 1
            view_cls = Select
        elif kind == "s":
            basic.append(k)
            adv.append(_ALL)
            src += 1
            res += 1
            if k.start is not None or k.stop is not None or k.step is not None:
                view_cls = Slice
        elif kind == "n":
            basic.append(None)
            adv.append(_ALL)
            res += 1
            view_cls = Unsqueeze
        elif kind == "e":
            if not seen_ellipsis:
                seen_ellipsis = True
                fill = ndim - used
                basic.extend([_ALL] * fill)
                adv.extend([_ALL] * fill)
                src += fill
                res += fill
        elif kind == "b":   # True / False: a new dimension, indexed by [0] or []
            basic.append(None)
            adv.append(xp.zeros(1 if k else 0, dtype=np.int64))
            view_cls = Unsqueeze
            res += 1
            n_adv += 1
            has_adv = True
        elif kind == "a":
            basic.append(_ALL)
            adv.append(k)
            src += 1
            res += 1
            n_adv += 1
            has_adv = True
        else:  # mask
            if k.shape != shape[src:src + n]:
                _mask_error(k, basic, shape, src, res)
            basic.extend([_ALL] * n)
            adv.append(k)
            src += n
            res += n
            n_adv += n
            has_adv = True
    if view_cls is None:
        basic = None
    else:
        basic.append(Ellipsis)  # keeps an all-int key a (0-d) view instead of a scalar
        basic = tuple(basic)
    if not has_adv:
        return basic, None, view_cls or Alias
    while adv and adv[-1] is _ALL:
        adv.pop()
    return basic, tuple(adv), view_cls


def _parse_basic(key, shape):
    """The common keys made only of ints and positive-step slices, parsed cheaply."""
    view_cls = None
    for pos, k in enumerate(key):
        t = type(k)
        if t is int:
            size = shape[pos]
            if k < -size or k >= size:
                raise IndexError(f"index {k} is out of bounds for dimension {pos} with size "
                                 f"{size}")
            view_cls = Select
        elif t is slice:
            if k.step is not None:
                return None   # validated by the general path
            if k.start is not None or k.stop is not None:
                view_cls = Slice
        else:
            return None
    if view_cls is None:
        return None, None, Alias
    return key + (Ellipsis,), None, view_cls


def _mask_error(mask, basic, shape, src, res):
    view_shape = np.broadcast_to(np.empty(()), shape)[tuple(basic) + (Ellipsis,)].shape
    for j, (m, s) in enumerate(zip(mask.shape, shape[src:])):
        if m != s:
            break
    else:
        j = min(len(shape) - src, mask.ndim)
    raise IndexError(f"The shape of the mask {list(mask.shape)} at index {j} does not match the "
                     f"shape of the indexed tensor {list(view_shape)} at index {res + j}")


def _index_error(adv, shape, exc):
    """torch's message for an advanced key NumPy refused (out of range, shapes)."""
    arrays = [a for a in adv if a is not _ALL]
    if len(arrays) > 1:
        shapes = []
        for a in arrays:
            if a.dtype.kind == "b":
                shapes.extend([[int(a.sum())]] * a.ndim)
            else:
                shapes.append(list(a.shape))
        try:
            np.broadcast_shapes(*[tuple(s) for s in shapes])
        except ValueError:
            return IndexError("shape mismatch: indexing tensors could not be broadcast together "
                              "with shapes " + ", ".join(str(s) for s in shapes))
    dim = ordinal = 0
    for a in adv:
        if a is _ALL:
            dim += 1
            continue
        if a.dtype.kind == "b":
            dim += a.ndim
            ordinal += a.ndim
            continue
        size = shape[dim]
        bad = (a < -size) | (a >= size)
        if bad.any():
            value = int(a[bad].reshape(-1)[0])
            return IndexError(f"index {value} is out of bounds for dimension {ordinal} with size "
                              f"{size}")
        dim += 1
        ordinal += 1
    return exc


# -- getitem -------------------------------------------------------------------------------------

class _IndexGrad(Op):
    """Zeros of ``shape`` with ``grad`` written (or, with repeated indices, added) at ``key``."""

    name_ = "IndexBackwardBackward0"

    @staticmethod
    def forward(ctx, grad, shape, key, accumulate, basic=False):
        ctx.key, ctx.basic = key, basic
        out = ctx.xp.zeros(shape, dtype=grad.dtype)
        if accumulate:
            _add_at(ctx.xp, out, key, grad)
        else:
            out[key] = grad
        return out

    @staticmethod
    def backward(ctx, grad):
        return (Alias if ctx.basic else Index).apply(grad, key=ctx.key)


class Alias(Op):
    """A basic-indexing view; subclasses carry torch's name for the last view op."""

    name_ = "AliasBackward0"
    is_view = True

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        return x[key]

    @staticmethod
    def backward(ctx, grad):
        return _IndexGrad.apply(grad, shape=ctx.shape, key=ctx.key, accumulate=False,
                                basic=True)


class Select(Alias):
    name_ = "SelectBackward0"


class Slice(Alias):
    name_ = "SliceBackward0"


class Unsqueeze(Alias):
    name_ = "UnsqueezeBackward0"


class Index(Op):
    """Advanced indexing (a copy); repeated indices accumulate in the backward."""

    name_ = "IndexBackward0"

    @staticmethod
    def forward(ctx, x, key):
        ctx.shape, ctx.key = x.shape, key
        if ctx.xp is not np:
            _check_device_key(key, x.shape)
        try:
            return x[key]
        except IndexError as e:
            raise _index_error(key, x.shape, e) from None

    @staticmethod
    def backward(ctx, grad):
        acc = any(a is not _ALL and a.dtype.kind != "b" for a in ctx.key)
        return _IndexGrad.apply(grad, shape=ctx.shape, key=ctx.key, accumulate=acc)


def _check_device_key(key, shape):
    err = _index_error(key, shape, None)
    if err is not None:
        raise err


def getitem(tensor, key):
    """``tensor[key]``: a view for ints, slices, None and ``...``; a copy for advanced keys."""
    shape = tensor._data.shape
    if type(key) is int and shape:   # the most common key, kept cheap
        size = shape[0]
        if key < -size or key >= size:
            raise IndexError(f"index {key} is out of bounds for dimension 0 with size {size}")
        return Select.apply(tensor, key=(key, Ellipsis))
    xp = xp_of(tensor)
    basic, adv, view_cls = _parse(key, shape, xp)
    if view_cls is Alias and type(key) is slice:
        view_cls = Slice   # torch records a bare ``x[:]`` as a slice, ``x[:, :]`` as an alias
    out = tensor
    if basic is not None or adv is None:
        out = view_cls.apply(tensor, key=basic if basic is not None else (Ellipsis,))
    if adv is not None:
        out = Index.apply(out, key=adv)
    return out


# -- take -------------------------------------------------------------------------------------

class Take(Op):
    name_ = "TakeBackward0"

    @staticmethod
    def forward(ctx, x, index):
        ctx.shape, ctx.index = x.shape, index
        n = x.size
        if index.size and (int(index.min()) < -n or int(index.max()) >= n):
            bad = index[(index < -n) | (index >= n)].reshape(-1)[0]
            raise IndexError(f"out of range: tried to access index {int(bad)} on a tensor of {n} "
                             "elements.")
        return x.reshape(-1)[index]

    @staticmethod
    def backward(ctx, grad):
        n = 1
        for s in ctx.shape:
            n *= s
        g = _IndexGrad.apply(grad, shape=(n,), key=(ctx.index,), accumulate=True)
        return g.reshape(ctx.shape)


def take(input, index):
    """Elements of ``input`` seen as 1-D, at ``index`` (any shape): ``ember.take(x, idx)``."""
    if not isinstance(index, Tensor) or index._data.dtype != np.int64:
        got = type_word(index._data.dtype) if isinstance(index, Tensor) else None
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {got}")
    xp = xp_of(input)
    return Take.apply(input, index=_as_array(index, xp))


# Writing through an index (it uses the key parsing above, so it is imported last).
from . import index_put as _index_put  # noqa: E402
from .index_put import index_put, index_put_, setitem  # noqa: E402,F401

__all__ += _index_put.__all__
TENSOR_METHODS += _index_put.TENSOR_METHODS

"""Small helpers shared by the op families: operand promotion, dims, ``out=``."""
import numbers

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor, _wrap, wrap_dim

__all__ = ["promote", "as_tensor_like", "wrap_dim", "dims_tuple", "write_out", "broadcast_error"]


def as_tensor_like(value, like, dtype=None):
    """A Python number (or NumPy scalar) as a 0-d tensor on ``like``'s device."""
    if isinstance(value, Tensor):
        return value
    if dtype is None:
        dtype = _dt.result_type_of((value,))
    xp = np if like._data.__class__ is np.ndarray else _cupy()
    return _wrap(xp.asarray(value, dtype=dtype.np))


def _cupy():
    from ..device import cupy
    return cupy()


def promote(a, b):
    """Operands of a binary op as tensors, plus the result dtype (torch's promotion rules).

    Python numbers become 0-d tensors (they appear as ``(None, 0)`` in ``next_functions``, as
    in torch). Returns ``(ta, tb, np_dtype)``; the op casts arrays whose dtype differs.
    """
    a_t = isinstance(a, Tensor)
    b_t = isinstance(b, Tensor)
    if a_t and b_t:
        da, db = a._data.dtype, b._data.dtype
        if da == db:
            return a, b, da
        rt = _dt.result_type_of((a, b))
        return a, b, rt.np
    if a_t:
        if not isinstance(b, (numbers.Number, np.generic)):
            raise TypeError(f"unsupported operand type: {type(b).__name__}")
        rt = _dt.result_type_of((a, b))
        return a, as_tensor_like(b, a, rt), rt.np
    if not isinstance(a, (numbers.Number, np.generic)):
        raise TypeError(f"unsupported operand type: {type(a).__name__}")
    if not b_t:
        raise TypeError("expected at least one Tensor operand")
    rt = _dt.result_type_of((a, b))
    return as_tensor_like(a, b, rt), b, rt.np


def broadcast_error(sa, sb):
    """torch's message for shapes that do not broadcast."""
    sa, sb = tuple(sa), tuple(sb)
    n = max(len(sa), len(sb))
    pa = (1,) * (n - len(sa)) + sa
    pb = (1,) * (n - len(sb)) + sb
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"The size of tensor a ({pa[i]}) must match the size of tensor b ({pb[i]}) at "
                f"non-singleton dimension {i}")
    return RuntimeError(f"shapes {list(sa)} and {list(sb)} cannot be broadcast")


def dims_tuple(dim, ndim):
    """Normalise ``dim`` (None, int, or sequence) to a sorted tuple of non-negative dims."""
    if dim is None:
        return tuple(range(ndim))
    if isinstance(dim, (list, tuple)):
        out = tuple(sorted({wrap_dim(d, ndim) for d in dim}))
        if len(out) != len(dim):
            raise RuntimeError("dim appears multiple times in the list of dims")
        return out
    return (wrap_dim(dim, ndim),)


def write_out(out, result):
    """Implement ``out=``: resize/cast ``out`` to hold ``result`` and return ``out``."""
    if out is None:
        return result
    if not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, not {type(out).__name__}")
    if out._requires_grad and result._requires_grad:
        raise RuntimeError("functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if not _dt.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {result.dtype.name} can't be cast to the desired output "
                           f"type {out.dtype.name}")
    if out._data.shape == result._data.shape:
        out._data[...] = result._data
    else:
        out._data = result._data.astype(out._data.dtype)
    out._bump_version()
    return out

"""Small helpers shared by the op families: operand promotion, dims, ``out=``, broadcasting."""
import numbers

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor, _wrap, wrap_dim
from .._tensor import _type_word as type_word  # torch's dtype words: 'Float', 'Long', 'Bool'...
from ..autograd.function import Op
from ..autograd.function import _array_module as xp_of_array  # NumPy or CuPy, for an array
from ..autograd.grad_mode import _Mode

__all__ = ["promote", "promote_many", "as_tensor_like", "scalar_array", "wrap_dim", "dims_tuple",
           "write_out", "broadcast_error", "check_broadcast", "type_word", "cpp_type_word",
           "type_label", "dtype_mismatch_error", "arg_type_error", "quiet", "quietly",
           "scalar_result", "xp_of", "xp_of_array", "is_number", "binary_op", "cast2",
           "operand_error", "kernel_error", "masked", "NoDerivative"]

_INT64 = np.dtype(np.int64)
_BOOL = np.dtype(np.bool_)
_U64_MASK = (1 << 64) - 1
_CPP_WORDS = {"float32": "float", "float64": "double", "float16": "c10::Half",
              "int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
              "uint8": "unsigned char", "bool": "bool", "complex64": "c10::complex<float>",
              "complex128": "c10::complex<double>"}


def cpp_type_word(np_dtype):
    """torch's C++ name for a dtype, used by some messages: 'float', 'long int'..."""
    name = np.dtype(np_dtype).name
    return _CPP_WORDS.get(name, name)


def quiet():
    """Silence NumPy's floating-point warnings (torch returns inf/nan without a word)."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def quietly(backward):
    """Decorator: run a backward formula under ``quiet()`` (its 0 * inf are expected)."""
    def wrapper(ctx, *grads):
        with quiet():
            return backward(ctx, *grads)
    wrapper.__name__ = backward.__name__
    return wrapper


def scalar_array(value, np_dtype, xp=np):
    """A Python number as a 0-d array of ``np_dtype``, cast the way torch casts scalars.

    Out-of-range integers wrap around as in C (``int8_tensor + 1000`` adds -24), where NumPy 2
    would raise OverflowError.
    """
    try:
        return xp.asarray(value, dtype=np_dtype)
    except OverflowError:
        if isinstance(value, numbers.Integral) and -(1 << 63) <= value < (1 << 64):
            wrapped = np.asarray(int(value) & _U64_MASK, dtype=np.uint64).astype(np_dtype)
            return xp.asarray(wrapped)
        raise RuntimeError(f"value cannot be converted to type {np.dtype(np_dtype)} without "
                           "overflow") from None


def xp_of(t):
    """The array module (NumPy or CuPy) of tensor ``t``."""
    return xp_of_array(t._data)


def as_tensor_like(value, like, dtype=None):
    """A Python number (or NumPy scalar) as a 0-d tensor on ``like``'s device."""
    if isinstance(value, Tensor):
        return value
    if dtype is None:
        dtype = _dt.result_type_of((value,))
    return _wrap(scalar_array(value, dtype.np, xp_of(like)))


def is_number(x):
    """Whether ``x`` is a Python or NumPy number (what torch accepts as a Scalar)."""
    return isinstance(x, (numbers.Number, np.generic)) and not isinstance(x, (str, bytes))


def scalar_result(t, value):
    """NumPy result dtype of tensor ``t`` with Python number ``value`` (torch's rule)."""
    d = t._data.dtype
    c = value.__class__
    if c is float:
        return d if d.kind in "fc" else _dt.get_default_dtype().np
    if c is int:
        if not -(1 << 63) <= value < (1 << 64):
            raise RuntimeError("Overflow when unpacking long")
        return d if d.kind != "b" else _INT64
    if c is bool:
        return d
    return _dt.result_type_of((t, value)).np


def promote(a, b):
    """Operands of a binary op as tensors, plus the result dtype (torch's promotion rules).

    Python numbers become 0-d tensors (they appear as ``(None, 0)`` in ``next_functions``, as
    in torch). Returns ``(ta, tb, np_dtype)``; the op casts arrays whose dtype differs.
    Raises TypeError for operands that are neither tensors nor numbers.
    """
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            if a._data.__class__ is not b._data.__class__:
                a, b = _colocate_cpu_scalar(a, b)
            da = a._data.dtype
            if da == b._data.dtype:
                return a, b, da
            return a, b, _dt.result_type_of((a, b)).np
        if not is_number(b):
            if isinstance(b, np.ndarray):  # torch takes NumPy arrays as tensors
                return promote(a, _wrap(xp_of(a).asarray(b)))
            raise TypeError(f"unsupported operand type: {type(b).__name__}")
        rt = scalar_result(a, b)
        return a, _scalar_operand(b, rt, a), rt
    if not is_number(a):
        raise TypeError(f"unsupported operand type: {type(a).__name__}")
    if not isinstance(b, Tensor):
        raise TypeError("expected at least one Tensor operand")
    rt = scalar_result(b, a)
    return _scalar_operand(a, rt, b), b, rt


def _colocate_cpu_scalar(a, b):
    """torch lets a 0-d CPU tensor join an op on a CUDA tensor: move it there."""
    if a._data.ndim == 0 and isinstance(a._data, np.ndarray):
        return a.to(b.device), b
    if b._data.ndim == 0 and isinstance(b._data, np.ndarray):
        return a, b.to(a.device)
    return a, b


def _scalar_operand(value, rt, like):
    """A Python number as a 0-d tensor for an op whose promoted dtype is ``rt``.

    An integer or bool number keeps its own value (int64/bool) until the op casts it: an op
    computing in float (``uint8_tensor / -1``) must see -1, not -1 wrapped to uint8.
    """
    xp = xp_of(like)
    dt = rt if rt.kind in "fc" else (_BOOL if value.__class__ is bool else _INT64)
    if xp is np:
        return _wrap(scalar_array(value, dt, xp))
    with like._data.device:
        return _wrap(scalar_array(value, dt, xp))


def promote_many(*operands):
    """Like ``promote`` for any number of operands (at least one a Tensor)."""
    like = next((x for x in operands if isinstance(x, Tensor)), None)
    if like is None:
        raise TypeError("expected at least one Tensor operand")
    for x in operands:
        if not isinstance(x, Tensor) and not is_number(x):
            raise TypeError(f"unsupported operand type: {type(x).__name__}")
    rt = _dt.result_type_of(operands).np
    xp = xp_of(like)
    return tuple(x if isinstance(x, Tensor) else _wrap(scalar_array(x, rt, xp))
                 for x in operands), rt


def type_label(obj):
    """The type of ``obj`` as torch names it in messages: 'int', 'numpy.ndarray'..."""
    t = type(obj)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def arg_type_error(fname, arg, pos, value, expected="Tensor"):
    """torch's TypeError for an argument of the wrong type."""
    return TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be {expected}, not "
                     f"{type(value).__name__}")


def dtype_mismatch_error(expected, found):
    """torch's message for an operand whose dtype differs from the first one's."""
    return RuntimeError(f"expected scalar type {type_word(expected)} but found {type_word(found)}")


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


def check_broadcast(*shapes):
    """The broadcast shape of ``shapes``, or torch's RuntimeError naming the first mismatch."""
    out = tuple(shapes[0])
    for s in shapes[1:]:
        s = tuple(s)
        if s != out:
            try:
                out = np.broadcast_shapes(out, s)
            except ValueError:
                raise broadcast_error(out, s) from None
    return out


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
    if result._requires_grad or (out._requires_grad and _Mode.enabled):
        raise RuntimeError("functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if not _dt.can_cast(result.dtype, out.dtype):
        raise RuntimeError(f"result type {type_word(result._data.dtype)} can't be cast to the "
                           f"desired output type {type_word(out._data.dtype)}")
    if out._data.shape == result._data.shape:
        out._data[...] = result._data
    else:
        out._data = result._data.astype(out._data.dtype)
    out._bump_version()
    return out


# -- building blocks of the binary op families ----------------------------------------------------
def cast2(a, b, dt):
    """Arrays ``a`` and ``b`` in NumPy dtype ``dt`` (no copy when they already are)."""
    if a.dtype != dt:
        a = a.astype(dt)
    if b.dtype != dt:
        b = b.astype(dt)
    return a, b


def operand_error(fname, a, b, second="other"):
    """torch's TypeError for a bad operand of ``fname(a, b)``."""
    if not isinstance(a, Tensor) and not (is_number(a) and isinstance(b, Tensor)):
        return arg_type_error(fname, "input", 1, a)
    return arg_type_error(fname, second, 2, b)


def binary_op(op_cls, fname, a, b, out=None, **params):
    """Promote ``a`` and ``b``, run ``op_cls.apply(ta, tb, dt=..., **params)`` and handle out=.

    Shapes that do not broadcast raise torch's RuntimeError (NumPy's ValueError is translated
    only when it happens, so the common path pays nothing for the check).
    """
    try:
        ta, tb, dt = promote(a, b)
    except TypeError:
        raise operand_error(fname, a, b) from None
    try:
        r = op_cls.apply(ta, tb, dt=dt, **params)
    except ValueError:
        check_broadcast(ta._data.shape, tb._data.shape)  # raises when that was the problem
        raise
    return r if out is None else write_out(out, r)


def kernel_error(kernel, np_dtype):
    """torch's NotImplementedError for a dtype a kernel lacks ('"pow" not implemented for ...')."""
    return NotImplementedError(f'"{kernel}" not implemented for \'{type_word(np_dtype)}\'')


def masked(t, mask, value=0):
    """``t`` with ``value`` where ``mask`` (a constant bool array) is set; differentiable (no
    gradient flows to the filled places).

    Used by backward formulas where a product with zero would turn inf into nan.
    """
    if not mask.any():
        return t
    return _Masked.apply(t, mask=mask, value=value)


class _Masked(Op):
    name_ = "WhereBackward0"

    @staticmethod
    def forward(ctx, t, mask, value):
        ctx.mask = mask
        return ctx.xp.where(mask, ctx.xp.asarray(value, t.dtype), t)

    @staticmethod
    def backward(ctx, grad):
        return _Masked.apply(grad, mask=ctx.mask, value=0)


class NoDerivative(Op):
    """Node of an op torch has no derivative for (``x // y``): backward raises torch's error.

    Subclasses set ``aten`` (the op's name in the message) and ``forward``.
    """

    name_ = "torch::autograd::NotImplemented"
    aten = ""

    def __repr__(self):
        return f"<NotImplemented object at {hex(id(self))}>"

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(f"derivative for aten::{ctx.aten} is not implemented")


def check_index_device(input, index, fname):
    """torch's same-device error for an index tensor on another device than ``input``."""
    if isinstance(index, Tensor) and index._data.__class__ is not input._data.__class__:
        raise RuntimeError("Expected all tensors to be on the same device, but found at least "
                           f"two devices, {index.device} and {input.device}! (when checking "
                           f"argument for argument index in method {fname})")

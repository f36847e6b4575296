"""clamp (clip, clamp_min, clamp_max) and lerp: elementwise ops with bound or weight arguments.

Part of the elementwise family; ``ember/ops/elementwise.py`` re-exports everything here.

Example:
    >>> import ember
    >>> ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)
    tensor([0.0000, 0.5000, 1.0000])
"""
import math
import numbers

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor
from ..autograd.function import Op
from ._util import broadcast_error, cpp_type_word, kernel_error, write_out
from .elementwise import _inplace_of, _masked, _not_tensor, _Unary

_FNS = ["clamp", "clip", "clamp_min", "clamp_max", "lerp"]
__all__ = _FNS + [n + "_" for n in _FNS]
TENSOR_METHODS = list(__all__)


# -- clamp --------------------------------------------------------------------------------------
# C type names torch uses in "value cannot be converted to type X without overflow".
_CTYPE = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "int64_t",
          "int32": "int32_t", "int16": "int16_t", "int8": "int8_t", "uint8": "uint8_t"}


class ClampScalar(_Unary):
    """clamp with number bounds: the gradient passes where ``min <= x <= max``."""

    name_ = "ClampBackward1"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, lo, hi, dt):
        ctx.lo, ctx.hi = lo, hi
        if x.dtype != dt:
            x = x.astype(dt)
        if hi is None:
            return ctx.xp.maximum(x, lo)
        if lo is None:
            return ctx.xp.minimum(x, hi)
        return ctx.xp.clip(x, lo, hi)  # min(max(x, lo), hi): hi wins when lo > hi, nan stays

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        a, lo, hi = x._data, ctx.lo, ctx.hi
        if hi is None:
            keep = a >= lo
        elif lo is None:
            keep = a <= hi
        else:
            keep = (a >= lo) & (a <= hi)
        return _masked(grad, keep)


class ClampTensor(_Unary):
    """clamp with tensor bounds (broadcast). Gradients follow torch: x gets it where
    ``min <= x <= max``, min where ``x < min < max``, max where ``x > max`` or ``max < min``."""

    name_ = "ClampBackward0"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, x, lo, hi, dt):
        xp = ctx.xp
        x = x.astype(dt, copy=False)
        try:
            if lo is not None:
                x = xp.maximum(x, lo.astype(dt, copy=False))
            if hi is not None:
                x = xp.minimum(x, hi.astype(dt, copy=False))
        except ValueError:
            other = lo if lo is not None and lo.shape != x.shape else hi
            raise broadcast_error(x.shape, other.shape) from None
        return x

    @staticmethod
    def backward(ctx, grad):
        x, lo, hi = ctx.saved_tensors
        need = ctx.needs_input_grad
        a = x._data
        lo = None if lo is None else lo._data
        hi = None if hi is None else hi._data
        if hi is None:
            keep_x, keep_lo, keep_hi = a >= lo, a < lo, None
        elif lo is None:
            keep_x, keep_lo, keep_hi = a <= hi, None, a > hi
        else:
            keep_x = (a >= lo) & (a <= hi)
            keep_lo = (a < lo) & (lo < hi) if need[1] else None
            keep_hi = (a > hi) | (hi < lo) if need[2] else None
        return tuple(_masked(grad, k) if n and k is not None else None
                     for n, k in zip(need, (keep_x, keep_lo, keep_hi)))


class ClampMinScalar(ClampScalar):
    name_ = "ClampMinBackward0"


class ClampMaxScalar(ClampScalar):
    name_ = "ClampMaxBackward0"


class ClampMinTensor(ClampTensor):
    name_ = "ClampMinBackward1"


class ClampMaxTensor(ClampTensor):
    name_ = "ClampMaxBackward1"


def _bound(v, dt):
    """A number bound as a Python number, refused (like torch) when it overflows ``dt``."""
    if v is None:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, int) and not -2 ** 63 <= v < 2 ** 64:
        raise OverflowError("int too big to convert")
    info = np.iinfo(dt) if dt.kind in "iu" else np.finfo(dt)
    if math.isfinite(v) and not int(info.min) <= v <= int(info.max):
        raise RuntimeError(f"value cannot be converted to type {_CTYPE[dt.name]} without "
                           "overflow")
    return v


def _clamp(input, lo, hi, out, scalar_op, tensor_op, name):
    if not isinstance(input, Tensor):
        raise _not_tensor(name, input)
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    lo_t, hi_t = isinstance(lo, Tensor), isinstance(hi, Tensor)
    given = [v for v in (lo, hi) if v is not None]
    if lo_t or hi_t:
        if not all(isinstance(v, Tensor) for v in given):
            raise TypeError(f"{name}(): min and max must both be Tensors or both be numbers, "
                            f"got min={type(lo).__name__}, max={type(hi).__name__}")
        dt = _dt.result_type_of([input] + given)
        r = tensor_op.apply(input, lo, hi, dt=dt.np)
    else:
        for v in given:
            if not isinstance(v, (numbers.Real, np.bool_, np.number)):
                raise TypeError(f"{name}(): min and max must be numbers or Tensors, got "
                                f"{type(v).__name__}")
        dt = _dt.result_type_of([input] + given)
        if dt is _dt.bool:
            raise kernel_error("clamp_scalar_cpu", input._data.dtype)
        r = scalar_op.apply(input, lo=_bound(lo, dt.np), hi=_bound(hi, dt.np), dt=dt.np)
    return r if out is None else write_out(out, r)


def clamp(input, min=None, max=None, *, out=None):
    """Limit each element to ``[min, max]`` (numbers or broadcastable tensors; one may be None).

    Example: ``ember.clamp(ember.tensor([-2., 0.5, 3.]), min=0, max=1)``
    """
    return _clamp(input, min, max, out, ClampScalar, ClampTensor, "clamp")


clip = clamp


def clamp_min(input, min, *, out=None):
    """``max(input, min)`` elementwise: ``ember.clamp_min(ember.tensor([-1., 2.]), 0)``"""
    if min is None:
        raise TypeError("clamp_min(): argument 'min' must be Tensor or Number, not NoneType")
    return _clamp(input, min, None, out, ClampMinScalar, ClampMinTensor, "clamp_min")


def clamp_max(input, max, *, out=None):
    """``min(input, max)`` elementwise: ``ember.clamp_max(ember.tensor([-1., 2.]), 0)``"""
    if max is None:
        raise TypeError("clamp_max(): argument 'max' must be Tensor or Number, not NoneType")
    return _clamp(input, None, max, out, ClampMaxScalar, ClampMaxTensor, "clamp_max")


# -- lerp ---------------------------------------------------------------------------------------
# C++ type names torch prints in "expected dtype float for `end` but got dtype long int".

def _lerp_arrays(xp, a, b, w, small):
    # torch's two formulas: exact at weight 0 (first) and at weight 1 (second).
    if a.dtype == np.float16:  # computed in float32, as torch does
        w = w if small is not None else w.astype(np.float32)
        r = _lerp_arrays(xp, a.astype(np.float32), b.astype(np.float32), w, small)
        return r.astype(np.float16)
    d = b - a
    if small is None:
        return xp.where(xp.abs(w) < 0.5, a + w * d, b - d * (1 - w))
    return a + w * d if small else b - d * (1 - w)


class LerpScalar(Op):
    name_ = "LerpBackward0"

    @staticmethod
    def forward(ctx, a, b, weight):
        ctx.weight = weight
        try:
            return _lerp_arrays(ctx.xp, a, b, weight, -0.5 < weight < 0.5)
        except ValueError:
            raise broadcast_error(a.shape, b.shape) from None

    @staticmethod
    def backward(ctx, grad):
        need, w = ctx.needs_input_grad, ctx.weight
        return (grad * (1 - w) if need[0] else None), (grad * w if need[1] else None)


class LerpTensor(Op):
    name_ = "LerpBackward1"
    save_inputs = (0, 1, 2)

    @staticmethod
    def forward(ctx, a, b, w):
        try:
            return _lerp_arrays(ctx.xp, a, b, w.astype(a.dtype, copy=False), None)
        except ValueError:
            shapes = sorted((a.shape, b.shape, w.shape), key=len)
            raise broadcast_error(*shapes[-2:]) from None

    @staticmethod
    def backward(ctx, grad):
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * (1 - w) if need[0] else None, grad * w if need[1] else None,
                grad * (b - a) if need[2] else None)


def lerp(input, end, weight, *, out=None):
    """``input + weight * (end - input)``; ``weight`` is a number or a broadcastable tensor.

    Example: ``ember.lerp(ember.tensor([0., 10.]), ember.tensor([1., 20.]), 0.5)``
    """
    if not isinstance(input, Tensor):
        raise _not_tensor("lerp", input)
    if not isinstance(end, Tensor):
        raise TypeError(f"lerp(): argument 'end' (position 2) must be Tensor, not "
                        f"{type(end).__name__}")
    want = input._data.dtype
    w_t = isinstance(weight, Tensor)
    checks = [("end", end)] + ([("weight", weight)] if w_t and weight._data.ndim else [])
    for what, t in checks:
        if t._data.dtype != want:
            raise RuntimeError(f"expected dtype {cpp_type_word(want)} for `{what}` but got dtype "
                               f"{cpp_type_word(t._data.dtype)}")
    if want.kind != "f":
        raise kernel_error("lerp_kernel_tensor" if w_t else "lerp_kernel_scalar", want)
    if w_t:
        r = LerpTensor.apply(input, end, weight)
    else:
        if isinstance(weight, np.generic):
            weight = weight.item()
        if not isinstance(weight, numbers.Real):
            raise TypeError(f"lerp(): argument 'weight' must be Tensor or Number, not "
                            f"{type(weight).__name__}")
        r = LerpScalar.apply(input, end, weight=weight)
    return r if out is None else write_out(out, r)


clamp_, clip_ = _inplace_of(clamp, "clamp_"), _inplace_of(clip, "clip_")
clamp_min_ = _inplace_of(clamp_min, "clamp_min_")
clamp_max_ = _inplace_of(clamp_max, "clamp_max_")
lerp_ = _inplace_of(lerp, "lerp_")

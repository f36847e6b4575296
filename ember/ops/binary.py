"""Binary arithmetic with broadcasting and torch's type promotion.

add, sub, rsub, mul, addcmul, addcdiv and the in-place forms of the family's arithmetic (with
fast paths for the optimizers' ``add_``/``mul_``/``addcdiv_``...). The rest of the family lives
next door and is re-exported from here: ``division.py`` (div with rounding modes, floor_divide,
remainder, fmod), ``binary_math.py`` (pow, maximum, atan2, hypot, xlogy...) and ``compare.py``
(comparisons, logical and bitwise ops).

Example:
    >>> import ember
    >>> ember.add(ember.tensor([1, 2]), 2.5)
    tensor([3.5000, 4.5000])
"""
import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from . import division as _division
from ._util import (arg_type_error, binary_op, cast2, check_broadcast, is_number, kernel_error,
                    operand_error, promote, quiet, scalar_array, scalar_result, write_out, xp_of)
from .division import div, floor_divide, fmod, remainder
from .division import *  # noqa: F401,F403

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "addcmul", "addcdiv"]

TENSOR_METHODS = [
    "add", "add_", "sub", "sub_", "subtract", "subtract_", "mul", "mul_", "multiply",
    "multiply_", "div_", "divide_", "true_divide_", "floor_divide_", "remainder_", "fmod_",
    "addcmul", "addcmul_", "addcdiv", "addcdiv_"]


# -- add, sub, rsub, mul ------------------------------------------------------------------------
def _check_alpha(fname, alpha, dt):
    if isinstance(alpha, (bool, np.bool_)):
        if dt.kind != "b":
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (complex, np.complexfloating)):
        if dt.kind != "c":
            raise RuntimeError("For non-complex input tensors, argument alpha must not be a "
                               "complex number.")
    elif isinstance(alpha, (float, np.floating)):
        if dt.kind in "iub":
            raise RuntimeError("For integral input tensors, argument alpha must not be a "
                               "floating point number.")
    elif not is_number(alpha):
        raise TypeError(f"{fname}(): argument 'alpha' must be Number, not {type(alpha).__name__}")


def _scaled(xp, b, alpha, dt):
    """``b * alpha`` in dtype ``dt`` (for bool, alpha only says whether b counts)."""
    if dt.kind == "b":
        return b if alpha else xp.zeros_like(b)
    return b * scalar_array(alpha, dt, xp)


class Add(Op):
    name_ = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        if a.dtype != dt:
            a = a.astype(dt)
        if b.dtype != dt:
            b = b.astype(dt)
        ctx.alpha = alpha
        if alpha == 1:
            return a + b
        return a + _scaled(ctx.xp, b, alpha, dt)

    @staticmethod
    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha)


_BOOL_SUB = ("Subtraction, the `-` operator, with two bool tensors is not supported. Use the `^` "
             "or `logical_xor()` operator instead.")
_BOOL_SUB1 = ("Subtraction, the `-` operator, with a bool tensor is not supported. If you are "
              "trying to invert a mask, use the `~` or `logical_not()` operator instead.")


def _check_sub(a, b, dt):
    if a.dtype.kind == "b" or b.dtype.kind == "b":
        raise RuntimeError(_BOOL_SUB if dt.kind == "b" else _BOOL_SUB1)


class Sub(Op):
    name_ = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        _check_sub(a, b, dt)
        a, b = cast2(a, b, dt)
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - _scaled(ctx.xp, b, alpha, dt)

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.alpha == 1 else grad * -ctx.alpha)


class Rsub(Op):
    """``other - alpha * input``: input is the first operand, as in torch."""

    name_ = "RsubBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        _check_sub(a, b, dt)
        a, b = cast2(a, b, dt)
        ctx.alpha = alpha
        return b - a if alpha == 1 else b - _scaled(ctx.xp, a, alpha, dt)

    @staticmethod
    def backward(ctx, grad):
        return (-grad if ctx.alpha == 1 else grad * -ctx.alpha), grad


class RsubScalar(Rsub):
    name_ = "RsubBackward1"


class Mul(Op):
    name_ = "MulBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        if a.dtype != dt:
            a = a.astype(dt)
        if b.dtype != dt:
            b = b.astype(dt)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * b if need[0] else None), (grad * a if need[1] else None)


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting: ``ember.add(x, y, alpha=2)``."""
    if alpha.__class__ is int and alpha == 1:
        return binary_op(Add, "add", input, other, out)
    return _with_alpha(Add, "add", input, other, alpha, out)


def _with_alpha(cls, fname, a, b, alpha, out):
    try:
        dt = promote(a, b)[2]
    except TypeError:
        raise operand_error(fname, a, b) from None
    _check_alpha(fname, alpha, dt)
    if isinstance(alpha, np.generic):
        alpha = alpha.item()
    return binary_op(cls, fname, a, b, out, alpha=alpha)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other`` with broadcasting."""
    if other.__class__ is bool or input.__class__ is bool:
        raise RuntimeError(_BOOL_SUB1)
    if alpha.__class__ is int and alpha == 1:
        return binary_op(Sub, "sub", input, other, out)
    return _with_alpha(Sub, "sub", input, other, alpha, out)


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (what ``2 - x`` calls): ``ember.rsub(x, 2)``."""
    if not isinstance(input, Tensor):
        raise arg_type_error("rsub", "input", 1, input)
    if other.__class__ is bool:
        raise RuntimeError(_BOOL_SUB1)
    cls = Rsub if isinstance(other, Tensor) else RsubScalar
    if alpha.__class__ is int and alpha == 1:
        return binary_op(cls, "rsub", input, other)
    return _with_alpha(cls, "rsub", input, other, alpha, None)


def mul(input, other, *, out=None):
    """Elementwise product with broadcasting: ``ember.mul(x, 2)``."""
    return binary_op(Mul, "mul", input, other, out)


multiply = mul


# -- addcmul, addcdiv ---------------------------------------------------------------------------
_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer "
    "inputs and as (input + value * tensor1 / tensor2) for float inputs. The future addcdiv "
    "behavior is just the latter implementation: (input + value * tensor1 / tensor2), for all "
    "dtypes.")


def _value_for(value, dt):
    """addcmul's ``value`` in the result dtype (torch truncates it for integer results)."""
    if isinstance(value, np.generic):
        value = value.item()
    if dt.kind == "b":
        return bool(value)
    if dt.kind in "iu":
        return int(value)
    if isinstance(value, complex) and dt.kind != "c":
        raise RuntimeError(f"value cannot be converted to type {_dt._BY_NP[dt].name} without "
                           "overflow")
    return value


def _addc_arrays(ctx, x, t1, t2, dt, value):
    """addcmul/addcdiv's three arrays in the result dtype (bool is refused, as by torch)."""
    if dt.kind == "b":
        raise kernel_error("addcmul_cpu_out", dt)
    x, t1 = cast2(x, t1, dt)
    if t2.dtype != dt:
        t2 = t2.astype(dt)
    ctx.value = value
    return x, t1, t2


class Addcmul(Op):
    name_ = "AddcmulBackward0"
    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, t1, t2, dt, value):
        x, t1, t2 = _addc_arrays(ctx, x, t1, t2, dt, value)
        with quiet():
            if value == 1:
                return x + t1 * t2
            return x + scalar_array(value, dt, ctx.xp) * t1 * t2

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        need, v = ctx.needs_input_grad, ctx.value
        g1 = (grad * (t2 * v if v != 1 else t2)) if need[1] else None
        g2 = (grad * (t1 * v if v != 1 else t1)) if need[2] else None
        return grad, g1, g2


class Addcdiv(Op):
    name_ = "AddcdivBackward0"
    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, x, t1, t2, dt, value):
        x, t1, t2 = _addc_arrays(ctx, x, t1, t2, dt, value)
        with quiet():
            return x + scalar_array(value, dt, ctx.xp) * t1 / t2

    @staticmethod
    def backward(ctx, grad):
        t1, t2 = ctx.saved_tensors
        need, v = ctx.needs_input_grad, ctx.value
        g1 = grad * div(v, t2) if need[1] else None
        g2 = -grad * (v * t1 / (t2 * t2)) if need[2] else None
        return grad, g1, g2


def _addc(cls, fname, input, tensor1, tensor2, value, out):
    for arg, pos, t in (("input", 1, input), ("tensor1", 2, tensor1), ("tensor2", 3, tensor2)):
        if not isinstance(t, Tensor):
            raise arg_type_error(fname, arg, pos, t)
    if cls is Addcdiv and tensor1._data.dtype.kind in "iub" and \
            tensor2._data.dtype.kind in "iub":
        raise RuntimeError(_ADDCDIV_INT)
    d = input._data.dtype
    if d == tensor1._data.dtype == tensor2._data.dtype:
        dt = d
    else:
        dt = _dt.result_type_of((input, tensor1, tensor2)).np
    if not is_number(value):
        raise TypeError(f"{fname}(): argument 'value' must be Number, not {type(value).__name__}")
    try:
        r = cls.apply(input, tensor1, tensor2, dt=dt, value=_value_for(value, dt))
    except ValueError:
        check_broadcast(input._data.shape, tensor1._data.shape, tensor2._data.shape)
        raise
    return r if out is None else write_out(out, r)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 * tensor2``: ``ember.addcmul(x, a, b, value=0.5)``."""
    return _addc(Addcmul, "addcmul", input, tensor1, tensor2, value, out)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """``input + value * tensor1 / tensor2``: ``ember.addcdiv(x, a, b, value=-0.1)``."""
    return _addc(Addcdiv, "addcdiv", input, tensor1, tensor2, value, out)


# -- in-place forms -----------------------------------------------------------------------------
def _recording(self, other):
    return _Mode.enabled and (self._requires_grad or getattr(other, "_requires_grad", False))


def _fast_operand(self, other, bool_ok=True):
    """``other`` ready for a NumPy ufunc writing into float ``self``, or None (general path)."""
    a = self._data
    if a.dtype.kind != "f":
        return None
    c = other.__class__
    if c is float or c is int or (c is bool and bool_ok):
        return other  # a weak Python scalar keeps self's dtype
    if isinstance(other, Tensor):
        b = other._data
        if b.__class__ is not a.__class__ or (not bool_ok and b.dtype.kind == "b"):
            return None
        if b.dtype == a.dtype:
            return b
        if _dt.result_type_of((self, other)).np == a.dtype:
            return b.astype(a.dtype)
    return None


def _fast_alpha(alpha):
    return alpha.__class__ is int or alpha.__class__ is float


def _ufunc_into(self, name, b):
    """``self._data = ufunc(self._data, b)`` in place; False when the shapes don't fit."""
    a = self._data
    if 0 in a.strides and a.size > 1:
        return False  # an expanded tensor: the general path raises torch's error
    xp = np if a.__class__ is np.ndarray else xp_of(self)
    try:
        with quiet():
            getattr(xp, name)(a, b, out=a)
    except ValueError:
        return False
    self._bump_version()
    return True


def add_(self, other, *, alpha=1):
    if not _recording(self, other) and _fast_alpha(alpha):
        b = _fast_operand(self, other)
        if b is not None and _ufunc_into(self, "add", b if alpha == 1 else b * alpha):
            return self
    return self._inplace(add, other, alpha=alpha)


def sub_(self, other, *, alpha=1):
    if not _recording(self, other) and _fast_alpha(alpha):
        b = _fast_operand(self, other, bool_ok=False)  # bool operands raise on the slow path
        if b is not None and _ufunc_into(self, "subtract", b if alpha == 1 else b * alpha):
            return self
    return self._inplace(sub, other, alpha=alpha)


subtract_ = sub_


def mul_(self, other):
    if not _recording(self, other):
        b = _fast_operand(self, other)
        if b is not None and _ufunc_into(self, "multiply", b):
            return self
    return self._inplace(mul, other)


multiply_ = mul_


def div_(self, other, *, rounding_mode=None):
    if rounding_mode is None and not _recording(self, other):
        b = _fast_operand(self, other)
        if b is not None and _ufunc_into(self, "true_divide", b):
            return self
    return self._inplace(div, other, rounding_mode=rounding_mode)


divide_ = div_


def true_divide_(self, other):
    return div_(self, other)


def floor_divide_(self, other):
    return self._inplace(floor_divide, other)


def remainder_(self, other):
    return self._inplace(remainder, other)


def fmod_(self, other):
    return self._inplace(fmod, other)


def _fast_addc(self, t1, t2, value, divide):
    """addcmul_/addcdiv_ straight into self's memory when nothing is recorded."""
    a = self._data
    if (a.dtype.kind != "f" or not isinstance(t1, Tensor) or not isinstance(t2, Tensor)
            or t1._data.dtype != a.dtype or t2._data.dtype != a.dtype
            or value.__class__ not in (int, float)
            or t1._data.__class__ is not a.__class__ or t2._data.__class__ is not a.__class__):
        return False
    b1, b2 = t1._data, t2._data
    with quiet():
        t = b1 * value if value != 1 else b1  # torch's order: (value * t1) * t2, (value * t1) / t2
        op = np.true_divide if divide else np.multiply
        if t is not b1 and t.shape == b2.shape and a.__class__ is np.ndarray:
            op(t, b2, out=t)
        else:
            t = t / b2 if divide else t * b2
    return _ufunc_into(self, "add", t)


def addcmul_(self, tensor1, tensor2, *, value=1):
    if not (_Mode.enabled and (self._requires_grad or getattr(tensor1, "_requires_grad", False)
                               or getattr(tensor2, "_requires_grad", False))):
        if _fast_addc(self, tensor1, tensor2, value, divide=False):
            return self
    return self._inplace(addcmul, tensor1, tensor2, value=value)


def addcdiv_(self, tensor1, tensor2, *, value=1):
    if not (_Mode.enabled and (self._requires_grad or getattr(tensor1, "_requires_grad", False)
                               or getattr(tensor2, "_requires_grad", False))):
        if _fast_addc(self, tensor1, tensor2, value, divide=True):
            return self
    return self._inplace(addcdiv, tensor1, tensor2, value=value)


def full_like_scalar(tensor, value):
    """``value`` as a 0-d tensor of its promoted dtype with ``tensor``, on its device (``2 // x``).

    Raises TypeError when ``value`` is not a number.
    """
    if not is_number(value):
        raise TypeError(f"unsupported operand type: {type(value).__name__}")
    if isinstance(value, np.generic):
        value = value.item()
    return _wrap(scalar_array(value, scalar_result(tensor, value), xp_of(tensor)))


# The family's other files: their functions and Tensor methods are published from here.
from . import binary_math as _math, compare as _compare  # noqa: E402
from .binary_math import *  # noqa: E402,F401,F403
from .compare import *  # noqa: E402,F401,F403

for _mod in (_division, _math, _compare):
    __all__ = __all__ + _mod.__all__
    TENSOR_METHODS = TENSOR_METHODS + _mod.TENSOR_METHODS
    globals().update({_n: getattr(_mod, _n) for _n in _mod.TENSOR_METHODS})

"""More binary math: pow, float_power, maximum/minimum, fmax/fmin, atan2, hypot, copysign, xlogy.

Re-exported by ``binary.py`` (the family's entry point).

Example:
    >>> import ember
    >>> ember.pow(ember.tensor([1., 2., 3.]), 2)
    tensor([1., 4., 9.])
"""
import cmath
import math

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor
from ..autograd.function import Op
from ._util import (arg_type_error, binary_op, cast2, is_number, kernel_error, masked,
                    operand_error, quiet, quietly, scalar_array, scalar_result, type_word,
                    write_out)
from .creation import zeros_like as _zeros_like

__all__ = ["pow", "float_power", "maximum", "minimum", "fmax", "fmin", "atan2", "arctan2",
           "hypot", "copysign", "xlogy"]

TENSOR_METHODS = ["pow", "pow_", "float_power", "float_power_", "maximum", "minimum", "fmax",
                  "fmin", "atan2", "atan2_", "arctan2", "arctan2_", "hypot", "hypot_", "copysign",
                  "copysign_", "xlogy", "xlogy_"]


def _float_dt(dt):
    """Integer and bool results of float-valued ops become the default float dtype."""
    return _dt.get_default_dtype().np if dt.kind in "iub" else dt


def _tensors_only(fname, a, b):
    if not isinstance(a, Tensor):
        raise arg_type_error(fname, "input", 1, a)
    if not isinstance(b, Tensor):
        raise arg_type_error(fname, "other", 2, b)


# -- powers -------------------------------------------------------------------------------------
_NEG_INT_POW = "Integers to negative integer powers are not allowed."
# torch computes these exponents with sqrt / products (not pow), which differs at -inf and -0
_FAST_POWERS = {0.5: lambda xp, a: xp.sqrt(a), -0.5: lambda xp, a: 1 / xp.sqrt(a),
                2: lambda xp, a: a * a, 3: lambda xp, a: a * a * a, -1: lambda xp, a: 1 / a,
                -2: lambda xp, a: 1 / (a * a)}
_C_TYPES = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
            "int64": "int64_t"}


def _int_pow(xp, a, b):
    """Integer power with torch's rule for negative exponents (1, -1 or 0; NumPy raises)."""
    neg = b < 0
    if not neg.any():
        return xp.power(a, b)
    out = xp.power(a, xp.where(neg, 0, b))
    odd = xp.where(b % 2 == 0, 1, -1)
    special = xp.where(a == 1, 1, xp.where(a == -1, odd, 0))
    return xp.where(neg, special, out).astype(out.dtype)


class PowScalar(Op):
    """``tensor ** number``."""

    name_ = "PowBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a, dt, exponent):
        ctx.exponent = exponent
        if a.dtype != dt:
            a = a.astype(dt)
        xp = ctx.xp
        if exponent == 0:  # torch fills / copies for 0 and 1 (so bool ** True works)
            return xp.ones(a.shape, dt)
        if exponent == 1:
            return a.copy()
        if dt.kind == "b":
            raise kernel_error("pow", dt)
        if dt.kind in "iu":
            if exponent < 0:
                raise RuntimeError(_NEG_INT_POW)
            info = np.iinfo(dt)
            if not info.min <= exponent <= info.max:
                raise RuntimeError(f"value cannot be converted to type {_C_TYPES[dt.name]} "
                                   "without overflow")
            exponent = xp.asarray(exponent, dt)
        with quiet():
            if dt.kind == "f" and exponent in _FAST_POWERS:
                return _FAST_POWERS[exponent](xp, a)
            return xp.power(a, exponent)

    @staticmethod
    @quietly
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:
            return _zeros_like(grad)
        return grad * (pow(x, e - 1) * e)


class PowTensor(Op):
    """``tensor ** tensor``."""

    name_ = "PowBackward1"
    save_inputs = (0, 1)
    save_output = True

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt.kind == "b":
            raise kernel_error("pow", dt)
        a, b = cast2(a, b, dt)
        if dt.kind in "iu":
            return _int_pow(ctx.xp, a, b)
        with quiet():
            return ctx.xp.power(a, b)

    @staticmethod
    @quietly
    def backward(ctx, grad):
        x, e, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = ge = None
        if need[0]:
            gx = grad * masked(e * pow(x, e - 1), e._data == 0)
        if need[1]:
            # out * log(x), zero where x == 0 and e >= 0 (torch's convention: 0 ** e is flat
            # in e); xlogy gives 0 for out == 0 where out * log(x) is nan (x < 0 or x == inf)
            xd = x._data
            nan = (out._data == 0) & ((xd < 0) | (xd == math.inf))
            ge = grad * masked(masked(xlogy(out, x), nan, math.nan),
                               (xd == 0) & (e._data >= 0))
        return gx, ge


class PowScalarBase(Op):
    """``number ** tensor``."""

    name_ = "PowBackward2"
    save_output = True

    @staticmethod
    def forward(ctx, b, dt, base):
        if dt.kind == "b":
            raise kernel_error("pow", dt)
        if b.dtype != dt:
            b = b.astype(dt)
        ctx.base = base
        if base == 0:
            ctx.flat = b >= 0
        a = scalar_array(base, dt, ctx.xp)
        if dt.kind in "iu":
            return _int_pow(ctx.xp, a, b)
        with quiet():
            return ctx.xp.power(a, b)

    @staticmethod
    @quietly
    def backward(ctx, grad):
        (out,) = ctx.saved_tensors
        base = ctx.base
        if isinstance(base, complex):
            log_base = cmath.log(base)
        else:
            log_base = math.log(base) if base > 0 else (-math.inf if base == 0 else math.nan)
        g = out * log_base
        if base == 0:
            g = masked(g, ctx.flat)
        return grad * g


def pow(input, exponent, *, out=None):
    """``input ** exponent``; either may be a number: ``ember.pow(x, 2)``, ``ember.pow(2, x)``."""
    if isinstance(input, Tensor):
        if isinstance(exponent, Tensor):
            return binary_op(PowTensor, "pow", input, exponent, out)
        if not is_number(exponent):
            raise operand_error("pow", input, exponent, "exponent")
        if isinstance(exponent, np.generic):
            exponent = exponent.item()
        r = PowScalar.apply(input, dt=scalar_result(input, exponent), exponent=exponent)
    elif isinstance(exponent, Tensor) and is_number(input):
        if isinstance(input, np.generic):
            input = input.item()
        r = PowScalarBase.apply(exponent, dt=scalar_result(exponent, input), base=input)
    else:
        raise operand_error("pow", input, exponent, "exponent")
    return r if out is None else write_out(out, r)


def _float_power_dtype(*values):
    cplx = any(v.is_complex() if isinstance(v, Tensor) else isinstance(v, complex)
               for v in values)
    return _dt.complex128 if cplx else _dt.float64


def float_power(input, exponent, *, out=None):
    """``input ** exponent`` computed in double precision (float64 result)."""
    dt = _float_power_dtype(input, exponent)
    if out is not None and isinstance(out, Tensor) and out.dtype is not dt:
        raise RuntimeError(f"the output given to float_power has dtype {type_word(out._data.dtype)}"
                           f" but the operation's result requires dtype {type_word(dt.np)}")
    conv = complex if dt is _dt.complex128 else float
    a = input.to(dt) if isinstance(input, Tensor) else (conv(input) if is_number(input) else input)
    b = exponent.to(dt) if isinstance(exponent, Tensor) else \
        (conv(exponent) if is_number(exponent) else exponent)
    return pow(a, b, out=out)


def pow_(self, exponent):
    return self._inplace(pow, exponent)


def float_power_(self, exponent):
    dt = _float_power_dtype(self, exponent)
    if self.dtype is not dt:
        raise RuntimeError(f"the base given to float_power_ has dtype {type_word(self._data.dtype)}"
                           f" but the operation's result requires dtype {type_word(dt.np)}")
    return self._inplace(float_power, exponent)


# -- maximum, minimum, fmax, fmin ---------------------------------------------------------------
class _Scale(Op):
    """``grad * w`` for a constant weight array ``w``, exactly zero where ``w == 0``."""

    name_ = "MulBackward0"

    @staticmethod
    def forward(ctx, g, w):
        ctx.w = w
        return ctx.xp.where(w == 0, ctx.xp.zeros((), g.dtype), g * w)

    @staticmethod
    def backward(ctx, grad):
        return _Scale.apply(grad, w=ctx.w)


class _Select(Op):
    """Base of maximum & co.: forward is ``ufunc(a, b)``; backward sends the gradient by
    constant weights that ``weights(xp, a, b)`` computes from the inputs."""

    save_inputs = (0, 1)
    ufunc = ""

    @classmethod
    def forward(cls, ctx, a, b, dt):
        a, b = cast2(a, b, dt)
        return getattr(ctx.xp, cls.ufunc)(a, b)

    @classmethod
    def backward(cls, ctx, grad):
        a, b = ctx.saved_tensors
        g = grad._data
        xp = ctx.xp
        a, b = cast2(a._data, b._data, g.dtype)
        wa, wb = cls.weights(xp, a, b)
        need = ctx.needs_input_grad
        ga = _Scale.apply(grad, w=xp.broadcast_to(wa, g.shape).astype(g.dtype)) if need[0] \
            else None
        gb = _Scale.apply(grad, w=xp.broadcast_to(wb, g.shape).astype(g.dtype)) if need[1] \
            else None
        return ga, gb


class Maximum(_Select):
    name_ = "MaximumBackward0"
    ufunc = "maximum"

    @staticmethod
    def weights(xp, a, b):
        tie = a == b
        return (xp.where(tie, 0.5, xp.where(a < b, 0.0, 1.0)),
                xp.where(tie, 0.5, xp.where(a > b, 0.0, 1.0)))


class Minimum(_Select):
    name_ = "MinimumBackward0"
    ufunc = "minimum"

    @staticmethod
    def weights(xp, a, b):
        tie = a == b
        return (xp.where(tie, 0.5, xp.where(a > b, 0.0, 1.0)),
                xp.where(tie, 0.5, xp.where(a < b, 0.0, 1.0)))


class Fmax(_Select):
    name_ = "FmaxBackward0"
    ufunc = "fmax"

    @staticmethod
    def weights(xp, a, b):
        to_a = (a >= b) | xp.isnan(b)  # ties go to input, as in torch
        return to_a, ~to_a


class Fmin(_Select):
    name_ = "FminBackward0"
    ufunc = "fmin"

    @staticmethod
    def weights(xp, a, b):
        to_a = (a <= b) | xp.isnan(b)
        return to_a, ~to_a


def _select(cls, fname, input, other, out):
    _tensors_only(fname, input, other)
    return binary_op(cls, fname, input, other, out)


def maximum(input, other, *, out=None):
    """Elementwise maximum, propagating NaN; ties split the gradient in halves."""
    return _select(Maximum, "maximum", input, other, out)


def minimum(input, other, *, out=None):
    """Elementwise minimum, propagating NaN; ties split the gradient in halves."""
    return _select(Minimum, "minimum", input, other, out)


def fmax(input, other, *, out=None):
    """Elementwise maximum ignoring NaN (NaN only where both are NaN)."""
    return _select(Fmax, "fmax", input, other, out)


def fmin(input, other, *, out=None):
    """Elementwise minimum ignoring NaN (NaN only where both are NaN)."""
    return _select(Fmin, "fmin", input, other, out)


# -- atan2, hypot, copysign, xlogy --------------------------------------------------------------
class Atan2(Op):
    name_ = "Atan2Backward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        a, b = cast2(a, b, _float_dt(dt))
        with quiet():
            return ctx.xp.arctan2(a, b)

    @staticmethod
    @quietly
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        from .binary import div
        denom = a * a + b * b
        recip = masked(div(1, denom), denom._data == 0)  # torch's gradient at (0, 0) is 0
        return (grad * b * recip if need[0] else None), (grad * -a * recip if need[1] else None)


def atan2(input, other, *, out=None):
    """The angle of the point (other, input), in (-pi, pi]: ``ember.atan2(y, x)``."""
    _tensors_only("atan2", input, other)
    return binary_op(Atan2, "atan2", input, other, out)


arctan2 = atan2


class Hypot(Op):
    name_ = "HypotBackward0"
    save_inputs = (0, 1)
    save_output = True

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt.kind not in "f":
            raise kernel_error("hypot_cpu", dt)
        a, b = cast2(a, b, dt)
        with quiet():
            return ctx.xp.hypot(a, b)

    @staticmethod
    @quietly
    def backward(ctx, grad):
        a, b, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * a / out if need[0] else None), (grad * b / out if need[1] else None)


def hypot(input, other, *, out=None):
    """``sqrt(input**2 + other**2)`` without overflow (floating inputs only)."""
    _tensors_only("hypot", input, other)
    return binary_op(Hypot, "hypot", input, other, out)


class Copysign(Op):
    name_ = "CopysignBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, a, b, dt):
        a, b = cast2(a, b, _float_dt(dt))
        return ctx.xp.copysign(a, b)

    @staticmethod
    def backward(ctx, grad):
        x, out = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = None
        if need[0]:
            xd, od = cast2(x._data, out._data, grad._data.dtype)
            with quiet():  # +-1 where the sign flipped or not, 0 at x == 0 (torch's choice)
                w = ctx.xp.where(xd == 0, 0, od / xd).astype(grad._data.dtype)
            ga = _Scale.apply(grad, w=ctx.xp.broadcast_to(w, grad._data.shape))
        return ga, (_zeros_like(grad) if need[1] else None)


class CopysignScalar(Copysign):
    name_ = "CopysignBackward1"


def copysign(input, other, *, out=None):
    """``|input|`` with the sign of ``other`` (a tensor or a number); float result."""
    if not isinstance(input, Tensor):
        raise arg_type_error("copysign", "input", 1, input)
    cls = Copysign if isinstance(other, Tensor) else CopysignScalar
    return binary_op(cls, "copysign", input, other, out)


class Xlogy(Op):
    name_ = "XlogyBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        xp = ctx.xp
        a, b = cast2(a, b, _float_dt(dt))
        with quiet():
            out = xp.where(a == 0, xp.zeros((), a.dtype), a * xp.log(b))
            return xp.where(xp.isnan(b), b, out)

    @staticmethod
    @quietly
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = gy = None
        if need[0]:  # log(y), but 0 where x == 0 and y <= 0 (torch's choice)
            gx = masked(xlogy(grad, y), (x._data == 0) & (y._data <= 0))
        if need[1]:
            gy = grad * x / y
        return gx, gy


class XlogyScalarSelf(Xlogy):
    name_ = "XlogyBackward1"


class XlogyScalarOther(Xlogy):
    name_ = "XlogyBackward2"


def xlogy(input, other, *, out=None):
    """``input * log(other)``, 0 where input is 0 (unless other is NaN): ``ember.xlogy(p, p)``."""
    if isinstance(input, Tensor):
        cls = Xlogy if isinstance(other, Tensor) else XlogyScalarOther
    else:
        cls = XlogyScalarSelf
    return binary_op(cls, "xlogy", input, other, out)


def atan2_(self, other):
    return self._inplace(atan2, other)


arctan2_ = atan2_


def hypot_(self, other):
    return self._inplace(hypot, other)


def copysign_(self, other):
    return self._inplace(copysign, other)


def xlogy_(self, other):
    return self._inplace(xlogy, other)

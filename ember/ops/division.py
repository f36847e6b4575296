"""Division: div (with rounding modes), true_divide, floor_divide, remainder and fmod (part of
the binary family; binary.py re-exports them and holds their in-place forms).

Example:
    >>> import ember
    >>> ember.div(ember.tensor([7, -7]), 2, rounding_mode="floor")
    tensor([ 3, -4])
    >>> ember.remainder(ember.tensor([-3., 3.]), 2)
    tensor([1., 1.])
"""
from .. import dtypes as _dt
from .._tensor import Tensor
from ..autograd.function import Op
from ._util import NoDerivative, arg_type_error, binary_op, cast2, kernel_error, quiet
from .creation import zeros_like as _zeros_like

__all__ = ["div", "divide", "true_divide", "floor_divide", "remainder", "fmod"]

TENSOR_METHODS = ["div", "divide", "true_divide", "floor_divide", "remainder", "fmod"]


def _default_float():
    return _dt.get_default_dtype().np


def _zero_division_check(b):
    if not b.all():
        raise RuntimeError("ZeroDivisionError")


# -- division -----------------------------------------------------------------------------------
class Div(Op):
    name_ = "DivBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt.kind in "iub":
            dt = _default_float()  # true division of integers gives the default float dtype
        a, b = cast2(a, b, dt)
        with quiet():
            return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = grad / b if need[0] else None
        gb = -grad * ((a / b) / b) if need[1] else None
        return ga, gb


def _div_rounded(xp, a, b, dt, mode):
    """``a / b`` rounded toward zero ('trunc') or down ('floor'), torch's kernels."""
    if dt.kind in "bc":
        raise kernel_error(f"div_{mode}_cpu", dt)
    a, b = cast2(a, b, dt)
    with quiet():
        if dt.kind in "iu":
            _zero_division_check(b)
            if mode == "floor":
                return xp.floor_divide(a, b)
            return xp.floor_divide(a - xp.fmod(a, b), b)  # exact, so floor == trunc
        if mode == "floor":
            return xp.floor_divide(a, b)  # NumPy's float floor division is torch's algorithm
        return xp.trunc(a / b)


class DivRounded(Op):
    """``div`` with a rounding mode: piecewise constant, so its gradient is zero."""

    name_ = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b, dt, mode):
        return _div_rounded(ctx.xp, a, b, dt, mode)

    @staticmethod
    def backward(ctx, grad):
        need = ctx.needs_input_grad
        z = _zeros_like(grad)
        return (z if need[0] else None), (z if need[1] else None)


class FloorDivide(NoDerivative):
    aten = "floor_divide"

    @staticmethod
    def forward(ctx, a, b, dt):
        return _div_rounded(ctx.xp, a, b, dt, "floor")


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise division; integer inputs give a float result unless ``rounding_mode`` is
    'trunc' or 'floor': ``ember.div(x, 2, rounding_mode='floor')``."""
    if rounding_mode is None:
        return binary_op(Div, "div", input, other, out)
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                           f"found '{rounding_mode}'")
    return binary_op(DivRounded, "div", input, other, out, mode=rounding_mode)


divide = div


def true_divide(input, other, *, out=None):
    """``div`` without rounding: ``ember.true_divide(ember.tensor([3]), 2)`` is 1.5."""
    return binary_op(Div, "true_divide", input, other, out)


def floor_divide(input, other, *, out=None):
    """``input // other`` rounded down (integers stay integers): ``x // 2``."""
    return binary_op(FloorDivide, "floor_divide", input, other, out)


# -- remainder and fmod -------------------------------------------------------------------------
def _remainder(xp, a, b, dt):
    if dt.kind in "bc":
        raise kernel_error("remainder_cpu", dt)
    a, b = cast2(a, b, dt)
    if dt.kind in "iu":
        _zero_division_check(b)
        return xp.remainder(a, b)  # Python's sign rule, as torch
    with quiet():
        m = xp.fmod(a, b)
        # torch's rule (not NumPy's, which differs on the sign of zero): move a nonzero
        # remainder to the divisor's side
        return xp.where((m != 0) & ((b < 0) != (m < 0)), m + b, m)


class Remainder(Op):
    name_ = "RemainderBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        return _remainder(ctx.xp, a, b, dt)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        gb = -grad * div(a, b, rounding_mode="floor") if need[1] else None
        return (grad if need[0] else None), gb


class RemainderScalar(Op):
    name_ = "RemainderBackward0"

    @staticmethod
    def forward(ctx, a, b, dt):
        return _remainder(ctx.xp, a, b, dt)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class RemainderScalarSelf(NoDerivative):
    aten = "remainder"

    @staticmethod
    def forward(ctx, a, b, dt):
        return _remainder(ctx.xp, a, b, dt)


def _fmod(xp, a, b, dt):
    if dt.kind in "bc":
        raise kernel_error("fmod_cpu", dt)
    a, b = cast2(a, b, dt)
    if dt.kind in "iu":
        _zero_division_check(b)
    with quiet():
        return xp.fmod(a, b)


class Fmod(Op):
    name_ = "FmodBackward1"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        return _fmod(ctx.xp, a, b, dt)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        gb = -grad * div(a, b, rounding_mode="trunc") if need[1] else None
        return (grad if need[0] else None), gb


class FmodScalar(Op):
    name_ = "FmodBackward0"

    @staticmethod
    def forward(ctx, a, b, dt):
        return _fmod(ctx.xp, a, b, dt)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


def remainder(input, other, *, out=None):
    """Python-style modulus (the result has the divisor's sign): ``ember.remainder(x, 2)``."""
    if isinstance(other, Tensor):
        cls = Remainder if isinstance(input, Tensor) else RemainderScalarSelf
    else:
        cls = RemainderScalar
    return binary_op(cls, "remainder", input, other, out)


def fmod(input, other, *, out=None):
    """C-style modulus (the result has the dividend's sign): ``ember.fmod(x, 2)``."""
    if not isinstance(input, Tensor):
        raise arg_type_error("fmod", "input", 1, input)
    return binary_op(Fmod if isinstance(other, Tensor) else FmodScalar, "fmod", input, other, out)

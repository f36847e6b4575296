"""Binary arithmetic with broadcasting and torch's type promotion.

Example:
    >>> import ember
    >>> ember.add(ember.tensor([1, 2]), 2.5)
    tensor([3.5000, 4.5000])
"""
from ..autograd.function import Op
from ._util import broadcast_error, promote, write_out

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide"]

TENSOR_METHODS = ["add", "add_", "sub", "sub_", "subtract", "mul", "mul_", "multiply", "div",
                  "div_", "divide", "true_divide"]


def _cast(ctx, a, b, dt):
    if a.dtype != dt:
        a = a.astype(dt)
    if b.dtype != dt:
        b = b.astype(dt)
    return a, b


def _check_broadcast(a, b):
    sa, sb = a._data.shape, b._data.shape
    if sa != sb and len(sa) and len(sb):
        try:
            ctx_shape = __import__("numpy").broadcast_shapes(sa, sb)
        except ValueError:
            raise broadcast_error(sa, sb) from None
        return ctx_shape
    return None


class Add(Op):
    name_ = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        a, b = _cast(ctx, a, b, dt)
        if alpha != 1:
            ctx.alpha = alpha
            return a + b * alpha
        ctx.alpha = 1
        return a + b

    @staticmethod
    def backward(ctx, grad):
        return grad, (grad if ctx.alpha == 1 else grad * ctx.alpha)


class Sub(Op):
    name_ = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, dt, alpha=1):
        if dt.kind == "b":
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                               "supported. Use the `^` or `logical_xor()` operator instead.")
        a, b = _cast(ctx, a, b, dt)
        ctx.alpha = alpha
        return a - b * alpha if alpha != 1 else a - b

    @staticmethod
    def backward(ctx, grad):
        return grad, (-grad if ctx.alpha == 1 else grad * -ctx.alpha)


class Mul(Op):
    name_ = "MulBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        a, b = _cast(ctx, a, b, dt)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (grad * b if need[0] else None), (grad * a if need[1] else None)


class Div(Op):
    name_ = "DivBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dt):
        if dt.kind in "iub":
            dt = _true_div_dtype()
        a, b = _cast(ctx, a, b, dt)
        return a / b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = grad / b if need[0] else None
        gb = -grad * a / (b * b) if need[1] else None
        return ga, gb


def _true_div_dtype():
    from ..dtypes import get_default_dtype
    return get_default_dtype().np


def _binary(op_cls, a, b, out=None, **params):
    ta, tb, dt = promote(a, b)
    if ta._data.shape != tb._data.shape:
        _check_broadcast(ta, tb)
    return write_out(out, op_cls.apply(ta, tb, dt=dt, **params))


def add(input, other, *, alpha=1, out=None):
    """``input + alpha * other`` with broadcasting: ``ember.add(x, y, alpha=2)``."""
    return _binary(Add, input, other, out, alpha=alpha)


def sub(input, other, *, alpha=1, out=None):
    """``input - alpha * other`` with broadcasting."""
    return _binary(Sub, input, other, out, alpha=alpha)


subtract = sub


def rsub(input, other, *, alpha=1):
    """``other - alpha * input`` (what ``2 - x`` calls)."""
    return _binary(Sub, other, input, None, alpha=alpha)


def mul(input, other, *, out=None):
    """Elementwise product with broadcasting: ``ember.mul(x, 2)``."""
    return _binary(Mul, input, other, out)


multiply = mul


def div(input, other, *, rounding_mode=None, out=None):
    """Elementwise division; integer inputs give a float result (true division)."""
    return _binary(Div, input, other, out)


divide = true_divide = div


def add_(self, other, *, alpha=1):
    return self._inplace(add, other, alpha=alpha)


def sub_(self, other, *, alpha=1):
    return self._inplace(sub, other, alpha=alpha)


def mul_(self, other):
    return self._inplace(mul, other)


def div_(self, other, *, rounding_mode=None):
    return self._inplace(div, other, rounding_mode=rounding_mode)

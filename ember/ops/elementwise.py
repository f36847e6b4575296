"""Unary elementwise math: each op's forward on arrays and its backward in ember ops.

Example:
    >>> import ember
    >>> ember.exp(ember.tensor([0., 1.]))
    tensor([1.0000, 2.7183])
"""
from ..autograd.function import Op

__all__ = ["neg", "negative", "exp"]

TENSOR_METHODS = ["neg", "neg_", "negative", "exp", "exp_"]


class Neg(Op):
    name_ = "NegBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "b":
            raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. "
                               "If you are trying to invert a mask, use the `~` or "
                               "`logical_not()` operator instead.")
        return -x

    @staticmethod
    def backward(ctx, grad):
        return -grad


def neg(input, *, out=None):
    """``-input``."""
    return Neg.apply(input)


negative = neg


def neg_(self):
    return self._inplace(neg)


class Exp(Op):
    name_ = "ExpBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, x):
        return ctx.xp.exp(x)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return grad * y


def exp(input, *, out=None):
    """``e ** input``, elementwise."""
    return Exp.apply(input)


def exp_(self):
    return self._inplace(exp)

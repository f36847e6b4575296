"""Unary elementwise math: each op's forward on arrays and its backward in ember ops.

Float functions (exp, sin, sqrt, erf, ...) compute integer and bool inputs in the default float
dtype, as torch does; abs, neg, sign, floor, relu, clamp, ... keep integer dtypes. Where torch
silently returns inf or nan (log(0), sqrt(-1), exp(1000)) NumPy's warnings are silenced.

Example:
    >>> import ember
    >>> ember.exp(ember.tensor([0., 1.]))
    tensor([1.0000, 2.7183])
"""
import math

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ._erf import erf_array, erfc_array, erfinv_array
from ._util import kernel_error, write_out

_FLOAT_FNS = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin",
              "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
              "atanh", "sigmoid", "reciprocal", "erf", "erfc", "erfinv", "deg2rad", "rad2deg"]
_OTHER_FNS = ["abs", "neg", "sign", "sgn", "relu", "floor", "ceil", "trunc", "frac", "square"]
_ALIASES = {"absolute": "abs", "negative": "neg", "arcsin": "asin", "arccos": "acos",
            "arctan": "atan", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
            "fix": "trunc"}
_ARG_FNS = ["round", "nan_to_num", "logit"]
_SIMPLE = _FLOAT_FNS + _OTHER_FNS + list(_ALIASES)
# torch.<name>_ exists for all of these but erfinv_ (a Tensor method only). clamp, clip,
# clamp_min, clamp_max and lerp live in elementwise_clamp.py and are re-exported at the end.
__all__ = (_SIMPLE + _ARG_FNS + ["positive"]
           + [n + "_" for n in _SIMPLE + _ARG_FNS if n not in ("erfinv",)])
TENSOR_METHODS = _SIMPLE + _ARG_FNS + ["positive"] + [n + "_" for n in _SIMPLE + _ARG_FNS]

_LN2, _LN10 = math.log(2.0), math.log(10.0)
_F16 = np.dtype(np.float16)
_2_SQRT_PI = 2.0 / math.sqrt(math.pi)
_SQRT_PI_2 = math.sqrt(math.pi) / 2


def _not_tensor(name, value):
    return TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                     f"{type(value).__name__}")


def _zeros(xp, g):
    """The gradient of a step function (floor, sign, round...): zeros, as in torch."""
    return _wrap(xp.zeros_like(g._data))


class _Where(Op):
    """``where(keep, grad, fill)`` with a constant mask: how kinked ops route their gradient.

    Unlike ``grad * mask`` it leaves no nan where ``grad`` is inf; its own gradient is masked
    the same way, so double backward works.
    """

    name_ = "WhereBackward0"

    @staticmethod
    def forward(ctx, g, keep, fill):
        ctx.keep = keep
        xp = ctx.xp
        if fill == 0 and g.dtype.kind == "f" and xp.isfinite(g).all():
            # A data-dependent where() branches per element and is ~9x slower than this.
            out = g * keep
            out += 0  # -0.0 * False is -0.0; torch's masked gradients are +0.0
            return out
        return xp.where(keep, g, fill)

    @staticmethod
    def backward(ctx, grad):
        return _Where.apply(grad, keep=ctx.keep, fill=0)


def _masked(g, keep, fill=0):
    return _Where.apply(g, keep=keep, fill=fill)


class _Unary(Op):
    """An op of one tensor. Complex gradients are refused rather than computed wrongly."""

    def _apply_backward(self, grads):
        if self._input_meta[0][1].kind == "c":
            raise NotImplementedError(f"{self.name()}: ember does not differentiate complex "
                                      "tensors")
        return Op._apply_backward(self, grads)


def _as_float(x):
    """Integer and bool arrays in the default float dtype (torch's rule for float functions)."""
    return x.astype(_dt.get_default_dtype().np) if x.dtype.kind in "biu" else x


class _Float(_Unary):
    """A float function ``f(xp, x)``; integer and bool inputs become the default float dtype.

    float16 is computed in float32 and rounded once at the end, as torch does.
    """

    @staticmethod
    def forward(ctx, x):
        x = _as_float(x)
        with np.errstate(all="ignore"):
            if x.dtype is _F16:
                return ctx.f(ctx.xp, x.astype(np.float32)).astype(np.float16)
            return ctx.f(ctx.xp, x)


def _op(node, f, grad, save="x", base=_Float):
    """An Op class named like torch's node ``node``: forward ``f(xp, x)``, backward
    ``grad(g, v)`` where ``v`` is the saved input (save="x"), output ("y") or None."""
    def backward(ctx, g):
        v = ctx.saved_tensors[0] if save else None
        return grad(g, v)
    attrs = {"name_": node, "f": staticmethod(f), "backward": staticmethod(backward),
             "save_inputs": (0,) if save == "x" else (), "save_output": save == "y"}
    return type(node[:-len("Backward0")], (base,), attrs)


def _sigmoid(xp, x):
    # 1 / (1 + exp(-x)): exp may overflow to inf for very negative x, giving 0 like torch.
    e = xp.empty_like(x)  # one buffer for all steps (an array even when x is 0-d)
    xp.negative(x, out=e)
    xp.exp(e, out=e)
    e += 1
    return xp.reciprocal(e, out=e)


# -- the float functions: forward on arrays, backward in ember ops ----------------------------
Exp = _op("ExpBackward0", lambda xp, x: xp.exp(x), lambda g, y: g * y, "y")
Exp2 = _op("Exp2Backward0", lambda xp, x: xp.exp2(x), lambda g, y: g * (y * _LN2), "y")
Expm1 = _op("Expm1Backward0", lambda xp, x: xp.expm1(x), lambda g, y: g * (y + 1), "y")
Log = _op("LogBackward0", lambda xp, x: xp.log(x), lambda g, x: g / x)
Log2 = _op("Log2Backward0", lambda xp, x: xp.log2(x), lambda g, x: g / (x * _LN2))
Log10 = _op("Log10Backward0", lambda xp, x: xp.log10(x), lambda g, x: g / (x * _LN10))
Log1p = _op("Log1PBackward0", lambda xp, x: xp.log1p(x), lambda g, x: g / (x + 1))
Sqrt = _op("SqrtBackward0", lambda xp, x: xp.sqrt(x), lambda g, y: g / (y * 2), "y")
Rsqrt = _op("RsqrtBackward0", lambda xp, x: xp.reciprocal(xp.sqrt(x)),
            lambda g, y: g * (y * y * y * -0.5), "y")
Sin = _op("SinBackward0", lambda xp, x: xp.sin(x), lambda g, x: g * cos(x))
Cos = _op("CosBackward0", lambda xp, x: xp.cos(x), lambda g, x: g * -sin(x))
Tan = _op("TanBackward0", lambda xp, x: xp.tan(x), lambda g, y: g * (y * y + 1), "y")
Asin = _op("AsinBackward0", lambda xp, x: xp.arcsin(x), lambda g, x: g * rsqrt(1 - x * x))
Acos = _op("AcosBackward0", lambda xp, x: xp.arccos(x), lambda g, x: g * -rsqrt(1 - x * x))
Atan = _op("AtanBackward0", lambda xp, x: xp.arctan(x), lambda g, x: g / (x * x + 1))
Sinh = _op("SinhBackward0", lambda xp, x: xp.sinh(x), lambda g, x: g * cosh(x))
Cosh = _op("CoshBackward0", lambda xp, x: xp.cosh(x), lambda g, x: g * sinh(x))
Tanh = _op("TanhBackward0", lambda xp, x: xp.tanh(x), lambda g, y: g * (1 - y * y), "y")
Asinh = _op("AsinhBackward0", lambda xp, x: xp.arcsinh(x), lambda g, x: g * rsqrt(x * x + 1))
Acosh = _op("AcoshBackward0", lambda xp, x: xp.arccosh(x), lambda g, x: g * rsqrt(x * x - 1))
Atanh = _op("AtanhBackward0", lambda xp, x: xp.arctanh(x), lambda g, x: g / (1 - x * x))
Sigmoid = _op("SigmoidBackward0", _sigmoid, lambda g, y: g * (1 - y) * y, "y")
Reciprocal = _op("ReciprocalBackward0", lambda xp, x: xp.reciprocal(x),
                 lambda g, y: -g * (y * y), "y")
Erf = _op("ErfBackward0", lambda xp, x: erf_array(xp, x),
          lambda g, x: g * (exp(-(x * x)) * _2_SQRT_PI))
Erfc = _op("ErfcBackward0", lambda xp, x: erfc_array(xp, x),
           lambda g, x: g * (exp(-(x * x)) * -_2_SQRT_PI))
Erfinv = _op("ErfinvBackward0", lambda xp, x: erfinv_array(xp, x),
             lambda g, y: g * (exp(y * y) * _SQRT_PI_2), "y")
Deg2rad = _op("Deg2RadBackward0", lambda xp, x: x * (math.pi / 180),
              lambda g, _: g * (math.pi / 180), None)
Rad2deg = _op("Rad2DegBackward0", lambda xp, x: x * (180 / math.pi),
              lambda g, _: g * (180 / math.pi), None)


# -- ops that keep integer dtypes ---------------------------------------------------------------
class Neg(_Unary):
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


class Abs(_Unary):
    name_ = "AbsBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "b":
            raise kernel_error("abs_cpu", x.dtype)
        return ctx.xp.abs(x)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * sgn(x)  # sgn(0) = 0, so abs'(0) = 0 as in torch


class Sign(_Unary):
    name_ = "SignBackward0"

    @staticmethod
    def forward(ctx, x):
        kind = x.dtype.kind
        if kind == "c":
            raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support "
                                      "complex numbers. Please use torch.sgn instead.")
        if kind == "b":
            return x.copy()
        if kind == "f":  # (x > 0) - (x < 0): sign(nan) is 0 in torch, nan in NumPy
            return ctx.xp.subtract(x > 0, x < 0, dtype=x.dtype)
        return ctx.xp.sign(x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros(ctx.xp, grad)


class Sgn(Sign):
    """sign for real tensors, ``x / |x|`` (0 at 0) for complex ones."""

    name_ = "SgnBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind != "c":
            return Sign.forward(ctx, x)
        a = ctx.xp.abs(x)
        with np.errstate(all="ignore"):
            return ctx.xp.where(a == 0, 0, x / a)


class _Step(_Unary):
    """floor, ceil, trunc, round: integers pass through, bools are refused, gradient is 0."""

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "b":
            raise kernel_error(ctx.kernel, x.dtype)
        if x.dtype.kind in "iu":
            return x.copy()
        return ctx.f(ctx.xp, x)

    @staticmethod
    def backward(ctx, grad):
        return _zeros(ctx.xp, grad)


def _step_op(node, f, kernel):
    return type(node[:-len("Backward0")], (_Step,),
                {"name_": node, "f": staticmethod(f), "kernel": kernel})


Floor = _step_op("FloorBackward0", lambda xp, x: xp.floor(x), "floor_vml_cpu")
Ceil = _step_op("CeilBackward0", lambda xp, x: xp.ceil(x), "ceil_vml_cpu")
Trunc = _step_op("TruncBackward0", lambda xp, x: xp.trunc(x), "trunc_vml_cpu")
Round = _step_op("RoundBackward0", lambda xp, x: xp.rint(x), "round_vml_cpu")


class RoundDecimals(_Unary):
    name_ = "RoundBackward1"

    @staticmethod
    def forward(ctx, x, decimals):
        if x.dtype.kind != "f":
            raise kernel_error("round_cpu", x.dtype)
        if x.dtype == np.float16:
            return RoundDecimals.forward(ctx, x.astype(np.float32), decimals).astype(x.dtype)
        with np.errstate(all="ignore"):  # torch scales by 10**|decimals| in the input's dtype
            if decimals >= 0:
                scale = 10.0 ** decimals
                return ctx.xp.rint(x * scale) / scale
            scale = 10.0 ** -decimals
            return ctx.xp.rint(x / scale) * scale

    @staticmethod
    def backward(ctx, grad):
        return _zeros(ctx.xp, grad)


class Frac(_Unary):
    name_ = "FracBackward0"

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind != "f":
            raise kernel_error("frac_cpu", x.dtype)
        with np.errstate(all="ignore"):
            return x - ctx.xp.trunc(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


class Square(_Unary):
    """``x ** 2``; torch records it as pow, and a bool input squares to int64."""

    name_ = "PowBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "b":
            x = x.astype(_dt.int64.np)
        with np.errstate(all="ignore"):
            return x * x

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x * 2)


class Relu(_Unary):
    name_ = "ReluBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, x):
        if x.dtype.kind == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        return ctx.xp.maximum(x, 0)

    @staticmethod
    def backward(ctx, grad):
        (y,) = ctx.saved_tensors
        return _masked(grad, ~(y._data <= 0))  # relu'(0) = 0; nan passes, as in torch


class NanToNum(_Unary):
    name_ = "NanToNumBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, nan, posinf, neginf):
        info = np.finfo(x.dtype)
        posinf = info.max if posinf is None else posinf
        neginf = info.min if neginf is None else neginf
        with np.errstate(all="ignore"):  # replacements too big for the dtype become inf
            return ctx.xp.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return _masked(grad, ctx.xp.isfinite(x._data))


class Logit(_Unary):
    name_ = "LogitBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, eps):
        ctx.eps = eps
        x = _as_float(x)
        if x.dtype == np.float16:
            return Logit.forward(ctx, x.astype(np.float32), eps).astype(np.float16)
        xp = ctx.xp
        if eps is not None:  # torch's order: below lo -> lo, else above hi -> hi
            lo, hi = eps, 1 - eps
            x = xp.where(x < lo, lo, xp.where(x > hi, hi, x)).astype(x.dtype, copy=False)
        with np.errstate(all="ignore"):
            return xp.log(x / (1 - x))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        g = grad / (x * (1 - x))
        a, eps = x._data, ctx.eps
        if eps is None:  # outside [0, 1] the gradient is nan
            return _masked(g, ~((a < 0) | (a > 1)), math.nan)
        return _masked(g, ~((a < eps) | (a > 1 - eps)))


# -- public functions ---------------------------------------------------------------------------
def _public(name, op, what, example):
    def fn(input, *, out=None):
        if not isinstance(input, Tensor):
            raise _not_tensor(name, input)
        if out is None:
            return op.apply(input)
        return write_out(out, op.apply(input))
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{what}, elementwise.\n\n    Example: ``ember.{name}(ember.tensor({example}))``"
    return fn


def _inplace_of(fn, name):
    def method(self, *args, **kwargs):
        return self._inplace(fn, *args, **kwargs)
    method.__name__ = method.__qualname__ = name
    method.__doc__ = f"In-place ``{fn.__name__}``: writes the result into this tensor."
    return method


exp = _public("exp", Exp, "``e ** input``", "[0., 1.]")
exp2 = _public("exp2", Exp2, "``2 ** input``", "[0., 3.]")
expm1 = _public("expm1", Expm1, "``exp(input) - 1``, accurate near 0", "[1e-8]")
log = _public("log", Log, "Natural logarithm (log(0) = -inf, log(-1) = nan)", "[1., 2.]")
log2 = _public("log2", Log2, "Base-2 logarithm", "[1., 8.]")
log10 = _public("log10", Log10, "Base-10 logarithm", "[1., 100.]")
log1p = _public("log1p", Log1p, "``log(1 + input)``, accurate near 0", "[1e-8]")
sqrt = _public("sqrt", Sqrt, "Square root (nan for negative inputs)", "[4., 9.]")
rsqrt = _public("rsqrt", Rsqrt, "``1 / sqrt(input)``", "[4.]")
sin = _public("sin", Sin, "Sine", "[0., 1.5708]")
cos = _public("cos", Cos, "Cosine", "[0., 3.1416]")
tan = _public("tan", Tan, "Tangent", "[0.7854]")
asin = _public("asin", Asin, "Inverse sine (nan outside [-1, 1])", "[0.5]")
acos = _public("acos", Acos, "Inverse cosine (nan outside [-1, 1])", "[0.5]")
atan = _public("atan", Atan, "Inverse tangent", "[1.]")
sinh = _public("sinh", Sinh, "Hyperbolic sine", "[1.]")
cosh = _public("cosh", Cosh, "Hyperbolic cosine", "[1.]")
tanh = _public("tanh", Tanh, "Hyperbolic tangent", "[-1., 0., 1.]")
asinh = _public("asinh", Asinh, "Inverse hyperbolic sine", "[1.]")
acosh = _public("acosh", Acosh, "Inverse hyperbolic cosine (nan below 1)", "[2.]")
atanh = _public("atanh", Atanh, "Inverse hyperbolic tangent (inf at +-1)", "[0.5]")
sigmoid = _public("sigmoid", Sigmoid, "The logistic function ``1 / (1 + exp(-input))``",
                  "[-2., 0., 2.]")
reciprocal = _public("reciprocal", Reciprocal, "``1 / input`` (integers give floats)", "[2, 4]")
erf = _public("erf", Erf, "The error function", "[0., 1.]")
erfc = _public("erfc", Erfc, "``1 - erf(input)``, accurate for large inputs", "[5.]")
erfinv = _public("erfinv", Erfinv, "Inverse error function (inf at +-1)", "[0.5]")
deg2rad = _public("deg2rad", Deg2rad, "Degrees to radians", "[180.]")
rad2deg = _public("rad2deg", Rad2deg, "Radians to degrees", "[3.1416]")
abs = _public("abs", Abs, "Absolute value (integers stay integers)", "[-1, 2]")
neg = _public("neg", Neg, "``-input``", "[1., -2.]")
sign = _public("sign", Sign, "-1, 0 or 1 by the sign of each element (0 for nan)", "[-2., 0.]")
sgn = _public("sgn", Sgn, "sign, extended to complex numbers as ``x / |x|``", "[-2., 0.]")
relu = _public("relu", Relu, "``max(input, 0)``", "[-1., 2.]")
floor = _public("floor", Floor, "Round down", "[-1.5, 1.5]")
ceil = _public("ceil", Ceil, "Round up", "[-1.5, 1.5]")
trunc = _public("trunc", Trunc, "Round toward zero", "[-1.5, 1.5]")
frac = _public("frac", Frac, "``input - trunc(input)``", "[-1.25, 2.5]")
square = _public("square", Square, "``input ** 2``", "[-2., 3.]")
absolute, negative, arcsin, arccos, arctan = abs, neg, asin, acos, atan
arcsinh, arccosh, arctanh, fix = asinh, acosh, atanh, trunc


class _Zero(int):
    """The default of ``round(decimals=)``: 0, but told apart from an explicit 0 (torch gives
    an explicit ``decimals`` its own node, RoundBackward1, and refuses it on integers)."""


_NO_DECIMALS = _Zero(0)


def round(input, *, decimals=_NO_DECIMALS, out=None):
    """Round to the nearest integer, ties to even; ``decimals`` rounds to that many places.

    Example: ``ember.round(ember.tensor([0.5, 1.5, 1.234]), decimals=1)``
    """
    if not isinstance(input, Tensor):
        raise _not_tensor("round", input)
    if decimals is _NO_DECIMALS:
        r = Round.apply(input)
    else:
        r = RoundDecimals.apply(input, decimals=int(decimals))
    return r if out is None else write_out(out, r)


def positive(input):
    """Returns ``input`` itself (``+input``); refused for bool tensors, as in torch."""
    if not isinstance(input, Tensor):
        raise _not_tensor("positive", input)
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace nan, +inf and -inf (by default with 0 and the dtype's largest/smallest value).

    Example: ``ember.nan_to_num(ember.tensor([float('nan'), float('inf')]), posinf=1e4)``
    """
    if not isinstance(input, Tensor):
        raise _not_tensor("nan_to_num", input)
    if input._data.dtype.kind in "biu":
        r = _wrap(input._data.copy())
    else:
        r = NanToNum.apply(input, nan=0.0 if nan is None else float(nan), posinf=posinf,
                           neginf=neginf)
    return r if out is None else write_out(out, r)


def logit(input, eps=None, *, out=None):
    """``log(p / (1 - p))``; with ``eps``, ``p`` is first clamped to ``[eps, 1 - eps]``.

    Example: ``ember.logit(ember.tensor([0.25, 0.5]))``
    """
    if not isinstance(input, Tensor):
        raise _not_tensor("logit", input)
    eps = None if eps is None or float(eps) < 0 else float(eps)  # torch ignores eps < 0
    r = Logit.apply(input, eps=eps)
    return r if out is None else write_out(out, r)


# -- in-place forms: x.exp_(), x.round_(decimals=1), ember.relu_(x) ... -------------------------
for _name in _SIMPLE + _ARG_FNS:
    globals()[_name + "_"] = _inplace_of(globals()[_name], _name + "_")
del _name

# clamp, clip, clamp_min, clamp_max, lerp (and their in-place forms) are in a second file of
# this family; it imports the helpers above, so it is imported last.
from . import elementwise_clamp as _clamp  # noqa: E402
from .elementwise_clamp import *  # noqa: E402,F401,F403

__all__ += _clamp.__all__
TENSOR_METHODS += _clamp.TENSOR_METHODS

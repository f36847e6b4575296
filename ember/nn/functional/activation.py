"""Activation functions (torch.nn.functional's): relu, gelu, silu, elu, softplus, prelu, ...

Each elementwise activation is one op: ``f(xp, x, **params)`` computes it on arrays and
``grad(m, g, x, **params)`` gives the input gradient. ``grad`` is written once and runs two ways:
on raw arrays when nothing is being recorded (``m`` = the array functions below: fast), or on
Tensors with ember ops when ``create_graph=True`` (``m`` = ember's ops), so gradients of
gradients work. Kinks are pinned to torch's choices (relu6/hardtanh give 0 at their bounds,
leaky_relu gives ``negative_slope`` at 0, hardswish gives -0.5 at -3 and 1.5 at 3).

threshold, the shrink functions, softsign, prelu and glu live in ``activation_more.py``,
softmax/log_softmax/softmin in ``softmax.py`` and normalize/cosine_similarity/
pairwise_distance/one_hot in ``distance.py``; all are re-exported from here.

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.gelu(ember.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
"""
import math
from types import SimpleNamespace

import numpy as np

from ..._tensor import Tensor, _wrap
from ...autograd.function import Op
from ...autograd.grad_mode import _Mode
from ...ops import binary_math as _bm, elementwise as _ew, join as _join, reduce as _red
from ...ops._erf import erf_array
from ...ops._util import kernel_error

__all__ = ["relu", "relu_", "relu6", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_",
           "elu", "elu_", "selu", "selu_", "celu", "celu_", "gelu", "silu", "mish", "sigmoid",
           "tanh", "softplus", "hardswish", "hardsigmoid", "logsigmoid"]

_F16 = np.dtype(np.float16)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT1_2 = math.sqrt(0.5)
_GELU_PDF = 2 / math.sqrt(math.pi) * _SQRT1_2 * 0.5      # 1 / sqrt(2 pi)
_GELU_BETA = math.sqrt(2) * 2 / math.sqrt(math.pi) * 0.5  # sqrt(2 / pi)
_GELU_KAPPA = 0.044715
_SIXTH_F32 = float(np.float32(1.0 / 6.0))  # torch's hardsigmoid gradient uses float(1/6)


def _erf(xp, z):
    """erf on arrays; float32 uses Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7, about an ulp
    of float32 near 1) in float32: 25x faster than the general ``erf_array``, which float64
    keeps for its full precision."""
    if z.dtype != np.float32:
        return erf_array(xp, z)
    t = xp.abs(z)
    t *= np.float32(0.3275911)
    t += 1
    xp.reciprocal(t, out=t)
    r = t * np.float32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736):
        r += np.float32(c)
        r *= t
    r += np.float32(0.254829592)
    r *= t
    e = z * z
    xp.negative(e, out=e)
    r *= xp.exp(e, out=e)
    xp.subtract(1, r, out=r)
    return xp.copysign(r, z, out=r)


# -- the two namespaces a gradient formula runs on ----------------------------------------------
def _array_math(xp):
    return SimpleNamespace(
        exp=xp.exp, log=xp.log, tanh=xp.tanh, log1p=xp.log1p, abs=xp.abs, where=xp.where,
        minimum=xp.minimum, erf=lambda x: _erf(xp, x), sigmoid=lambda x: _ew._sigmoid(xp, x),
        sum=lambda x, dim, keepdim=False: x.sum(axis=dim, keepdims=keepdim))


_ARRAYS = {np: _array_math(np)}
_TENSORS = SimpleNamespace(
    exp=_ew.exp, log=_ew.log, tanh=_ew.tanh, log1p=_ew.log1p, abs=_ew.abs, where=_join.where,
    minimum=lambda a, b: _bm.minimum(a, b) if isinstance(b, Tensor) else _ew.clamp_max(a, b),
    erf=_ew.erf, sigmoid=_ew.sigmoid,
    sum=lambda x, dim, keepdim=False: _red.sum(x, dim, keepdim))


def _arrays_of(xp):
    m = _ARRAYS.get(xp)
    if m is None:
        m = _ARRAYS[xp] = _array_math(xp)
    return m


def _as_array(xp, r):
    return r if isinstance(r, np.ndarray) or hasattr(r, "__cuda_array_interface__") \
        else xp.asarray(r)


def run_grad(ctx, formula, g, *saved, **params):
    """Run a gradient ``formula(m, g, *saved, **params)`` on arrays (fast) or, when a graph is
    being built (create_graph=True), on Tensors with ember ops (differentiable)."""
    if _Mode.enabled:
        return formula(_TENSORS, g, *saved, **params)
    xp = ctx.xp
    r = formula(_arrays_of(xp), g._data, *(s._data for s in saved), **params)
    return _wrap(_as_array(xp, r))


def not_tensor(name, value, arg="input"):
    return TypeError(f"{name}(): argument '{arg}' (position 1) must be Tensor, not "
                     f"{type(value).__name__}")


# -- elementwise activations --------------------------------------------------------------------
class _Activation(Op):
    """An elementwise activation: ``f(xp, x, **p)`` forward, ``grad(m, g, x, **p)`` backward."""

    save_inputs = (0,)
    kernel = ""
    ints_ok = False  # relu6/hardtanh/threshold also take integer tensors, as in torch

    @staticmethod
    def forward(ctx, x, **p):
        kind = x.dtype.kind
        if kind != "f" and not (ctx.ints_ok and kind in "iu"):
            raise kernel_error(ctx.kernel, x.dtype)
        ctx.p = p
        with np.errstate(all="ignore"):
            if x.dtype is _F16:  # computed in float32 and rounded once, as torch does
                return ctx.f(ctx.xp, x.astype(np.float32), **p).astype(_F16)
            return ctx.f(ctx.xp, x, **p)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return run_grad(ctx, ctx.grad, g, x, **ctx.p)


def _activation(node, kernel, f, grad, ints_ok=False, inplace_node=None):
    """An activation Op class named like torch's node; ``.inplace`` is the class the in-place
    form records (torch names some of them ...Backward1)."""
    attrs = {"name_": node, "kernel": kernel, "f": staticmethod(f), "grad": staticmethod(grad),
             "ints_ok": ints_ok}
    cls = type(node[:-len("Backward0")], (_Activation,), attrs)
    cls.inplace = type(cls.__name__ + "_", (cls,), {"name_": inplace_node}) if inplace_node \
        else cls
    return cls


def _hardtanh_f(xp, x, lo, hi):
    if x.dtype.kind != "f":  # integer tensors keep their dtype (bounds truncated)
        lo, hi = int(lo), int(hi)
    return xp.minimum(xp.maximum(x, lo), hi)  # nan stays nan


def _hardtanh_g(m, g, x, lo, hi):
    return m.where((x <= lo) | (x >= hi), 0, g)  # 0 at both bounds, as in torch


def _leaky_f(xp, x, slope):
    return xp.where(x > 0, x, x * slope)


def _leaky_g(m, g, x, slope):
    return m.where(x > 0, g, g * slope)  # the slope at 0


def _elu_f(xp, x, alpha, scale, input_scale):
    neg = xp.expm1(xp.minimum(x, 0) * input_scale) * (alpha * scale)
    return xp.where(x > 0, x * scale, neg)


def _elu_g(m, g, x, alpha, scale, input_scale):
    neg = g * (m.exp(m.where(x <= 0, x, 0) * input_scale) * (input_scale * alpha * scale))
    return m.where(x <= 0, neg, g * scale)


def _gelu_f(xp, x, tanh):
    if tanh:
        inner = (x + x * x * x * _GELU_KAPPA) * _GELU_BETA
        return x * 0.5 * (1 + xp.tanh(inner))
    return x * 0.5 * (1 + _erf(xp, x * _SQRT1_2))


def _gelu_g(m, g, x, tanh):
    if tanh:
        x_sq = x * x
        t = m.tanh((x + x_sq * x * _GELU_KAPPA) * _GELU_BETA)
        left = x * 0.5
        right = t + 1
        d_right = left * (1 - t * t) * ((x_sq * (3 * _GELU_KAPPA) + 1) * _GELU_BETA)
        return g * (right * 0.5 + d_right)
    cdf = (m.erf(x * _SQRT1_2) + 1) * 0.5
    pdf = m.exp(x * x * -0.5) * _GELU_PDF
    return g * (cdf + x * pdf)


def _silu_f(xp, x):
    return x / (xp.exp(-x) + 1)


def _silu_g(m, g, x):
    s = m.sigmoid(x)
    return g * s * (x * (1 - s) + 1)


def _mish_f(xp, x):
    return x * xp.tanh(xp.log1p(xp.exp(x)))


def _mish_g(m, g, x):
    t = m.tanh(m.log1p(m.exp(x)))
    return g * (t + x * m.sigmoid(x) * (1 - t * t))


def _softplus_f(xp, x, beta, threshold):
    bx = x * beta
    return xp.where(bx > threshold, x, xp.log1p(xp.exp(bx)) / beta)


def _softplus_g(m, g, x, beta, threshold):
    bx = x * beta
    return m.where(bx > threshold, g, g * m.sigmoid(bx))


def _hardswish_f(xp, x):
    return x * xp.minimum(xp.maximum(x + 3, 0), 6) / 6


def _hardswish_g(m, g, x):
    return m.where(x <= -3, 0, m.where(x < 3, g * (x / 3 + 0.5), g))  # 0 at -3, g at 3


def _hardsigmoid_f(xp, x):
    return xp.minimum(xp.maximum(x + 3, 0), 6) / 6


def _hardsigmoid_g(m, g, x):
    return m.where((x > -3) & (x < 3), g * _SIXTH_F32, 0)


def _logsigmoid_f(xp, x):
    return xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))


def _logsigmoid_g(m, g, x):
    return g * m.sigmoid(-x)


def _refuse_negative(cls, param, message):
    """torch refuses the backward of some in-place forms when a slope is negative."""
    def backward(ctx, g):
        if ctx.p[param] < 0:
            raise RuntimeError(message)
        return _Activation.backward(ctx, g)
    cls.inplace.backward = staticmethod(backward)


Hardtanh = _activation("HardtanhBackward0", "hardtanh", _hardtanh_f, _hardtanh_g, ints_ok=True)
LeakyRelu = _activation("LeakyReluBackward0", "leaky_relu_cpu", _leaky_f, _leaky_g,
                        inplace_node="LeakyReluBackward1")
Elu = _activation("EluBackward0", "elu_cpu", _elu_f, _elu_g, inplace_node="EluBackward1")
Celu = _activation("CeluBackward0", "elu_cpu", _elu_f, _elu_g, inplace_node="CeluBackward1")
_refuse_negative(LeakyRelu, "slope", "In-place leakyReLu backward calculation is triggered with "
                 "a negative slope which is not supported. This is caused by calling in-place "
                 "forward function with a negative slope, please call out-of-place version "
                 "instead. File an issue at https://github.com/pytorch/pytorch if you do require "
                 "supporting in-place leakRelu backward calculation with negative slope")
for _cls in (Elu, Celu):
    _refuse_negative(_cls, "alpha", "In-place elu backward calculation is triggered with a "
                     "negative slope which is not supported. This is caused by calling in-place "
                     "forward function with a negative slope, please call out-of-place version "
                     "instead.")
del _cls
Gelu = _activation("GeluBackward0", "GeluKernelImpl", _gelu_f, _gelu_g)
Silu = _activation("SiluBackward0", "silu_cpu", _silu_f, _silu_g)
Mish = _activation("MishBackward0", "mish_cpu", _mish_f, _mish_g)
Softplus = _activation("SoftplusBackward0", "softplus_cpu", _softplus_f, _softplus_g)
Hardswish = _activation("HardswishBackward0", "hardswish_cpu", _hardswish_f, _hardswish_g)
Hardsigmoid = _activation("HardsigmoidBackward0", "hardsigmoid_cpu", _hardsigmoid_f,
                          _hardsigmoid_g)
LogSigmoid = _activation("LogSigmoidBackward0", "log_sigmoid_cpu", _logsigmoid_f, _logsigmoid_g)


def _run(op, input, inplace, name, **p):
    if not isinstance(input, Tensor):
        raise not_tensor(name, input)
    if inplace:
        return input._inplace(lambda t: op.inplace.apply(t, **p))
    return op.apply(input, **p)


# -- public functions ---------------------------------------------------------------------------
def relu(input, inplace=False):
    """``max(input, 0)``; the gradient at 0 is 0. Example: ``F.relu(ember.tensor([-1., 2.]))``"""
    if not isinstance(input, Tensor):
        raise not_tensor("relu", input)
    return _ew.relu_(input) if inplace else _ew.relu(input)


def relu_(input):
    """In-place :func:`relu`."""
    return relu(input, inplace=True)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """``clamp(input, min_val, max_val)``; the gradient is 0 at and beyond the bounds.

    Example: ``F.hardtanh(ember.tensor([-2., 0.5, 2.]))`` gives ``[-1., 0.5, 1.]``
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return _run(Hardtanh, input, inplace, "hardtanh", lo=min_val, hi=max_val)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    """In-place :func:`hardtanh`."""
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input, inplace=False):
    """``min(max(input, 0), 6)`` (recorded as hardtanh, as in torch).

    Example: ``F.relu6(ember.tensor([-1., 3., 8.]))`` gives ``[0., 3., 6.]``
    """
    return _run(Hardtanh, input, inplace, "relu6", lo=0.0, hi=6.0)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    """``input`` where positive, ``negative_slope * input`` elsewhere (gradient at 0: the slope).

    Example: ``F.leaky_relu(ember.tensor([-2., 3.]), 0.1)`` gives ``[-0.2, 3.]``
    """
    return _run(LeakyRelu, input, inplace, "leaky_relu", slope=float(negative_slope))


def leaky_relu_(input, negative_slope=0.01):
    """In-place :func:`leaky_relu`."""
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input, alpha=1.0, inplace=False):
    """``input`` where positive, ``alpha * (exp(input) - 1)`` elsewhere.

    Example: ``F.elu(ember.tensor([-1., 1.]))`` gives ``[-0.6321, 1.]``
    """
    return _run(Elu, input, inplace, "elu", alpha=float(alpha), scale=1.0, input_scale=1.0)


def elu_(input, alpha=1.0):
    """In-place :func:`elu`."""
    return elu(input, alpha, inplace=True)


def selu(input, inplace=False):
    """Scaled ELU with SELU's fixed constants (recorded as elu, as in torch).

    Example: ``F.selu(ember.tensor([-1., 1.]))`` gives ``[-1.1113, 1.0507]``
    """
    return _run(Elu, input, inplace, "selu", alpha=_SELU_ALPHA, scale=_SELU_SCALE,
                input_scale=1.0)


def selu_(input):
    """In-place :func:`selu`."""
    return selu(input, inplace=True)


def celu(input, alpha=1.0, inplace=False):
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example: ``F.celu(ember.tensor([-1., 1.]), alpha=2.)``
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    alpha = float(alpha)
    return _run(Celu, input, inplace, "celu", alpha=alpha, scale=1.0, input_scale=1.0 / alpha)


def celu_(input, alpha=1.0):
    """In-place :func:`celu`."""
    return celu(input, alpha, inplace=True)


def gelu(input, approximate="none"):
    """``x * Phi(x)`` (Phi: the normal CDF, via erf); ``approximate='tanh'`` uses torch's tanh
    formula. Example: ``F.gelu(ember.tensor([1.]), approximate='tanh')``
    """
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    return _run(Gelu, input, False, "gelu", tanh=approximate == "tanh")


def silu(input, inplace=False):
    """``x * sigmoid(x)`` (swish). Example: ``F.silu(ember.tensor([1.]))`` gives ``[0.7311]``"""
    return _run(Silu, input, inplace, "silu")


def mish(input, inplace=False):
    """``x * tanh(softplus(x))``. Example: ``F.mish(ember.tensor([1.]))`` gives ``[0.8651]``"""
    return _run(Mish, input, inplace, "mish")


def sigmoid(input):
    """``1 / (1 + exp(-input))`` (``ember.sigmoid``)."""
    return _ew.sigmoid(input)


def tanh(input):
    """Hyperbolic tangent (``ember.tanh``)."""
    return _ew.tanh(input)


def softplus(input, beta=1.0, threshold=20.0):
    """``log(1 + exp(beta * x)) / beta``, or ``x`` itself where ``beta * x > threshold``.

    Example: ``F.softplus(ember.tensor([0.]))`` gives ``[0.6931]``
    """
    return _run(Softplus, input, False, "softplus", beta=float(beta), threshold=float(threshold))


def hardswish(input, inplace=False):
    """``x * relu6(x + 3) / 6``. Example: ``F.hardswish(ember.tensor([1.]))`` gives ``[0.6667]``"""
    return _run(Hardswish, input, inplace, "hardswish")


def hardsigmoid(input, inplace=False):
    """``relu6(x + 3) / 6``. Example: ``F.hardsigmoid(ember.tensor([0.]))`` gives ``[0.5]``"""
    return _run(Hardsigmoid, input, inplace, "hardsigmoid")


def logsigmoid(input):
    """``log(sigmoid(x))``, computed stably. Example: ``F.logsigmoid(ember.tensor([0.]))``"""
    return _run(LogSigmoid, input, False, "log_sigmoid")


# the family's other files (they import the helpers above, so they come last)
from . import activation_more as _more  # noqa: E402
from . import distance as _distance  # noqa: E402
from . import softmax as _softmax  # noqa: E402
from .activation_more import *  # noqa: E402,F401,F403
from .distance import *  # noqa: E402,F401,F403
from .softmax import *  # noqa: E402,F401,F403

__all__ += _more.__all__ + _softmax.__all__ + _distance.__all__

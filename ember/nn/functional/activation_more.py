"""More activations: threshold, hardshrink, softshrink, softsign, tanhshrink, prelu and glu.

Part of the activation family (``activation.py`` re-exports it and holds the helpers used here).

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.prelu(ember.tensor([-2.0, 3.0]), ember.tensor([0.25]))
    tensor([-0.5000,  3.0000])
"""
import numpy as np

from ..._tensor import Tensor, _wrap, wrap_dim
from ...autograd.function import Op
from ...autograd.grad_mode import _Mode
from ...ops import elementwise as _ew, join as _join
from ...ops._util import kernel_error, type_word
from .activation import _activation, _run, not_tensor, run_grad

__all__ = ["threshold", "threshold_", "hardshrink", "softshrink", "softsign", "tanhshrink",
           "prelu", "glu"]


def _threshold_f(xp, x, threshold, value):
    return xp.where(x <= threshold, xp.asarray(value).astype(x.dtype), x)  # nan stays nan


def _threshold_g(m, g, x, threshold, value):
    return m.where(x <= threshold, 0, g)


def _hardshrink_f(xp, x, lambd):
    return xp.where((x >= -lambd) & (x <= lambd), 0, x)


def _softshrink_f(xp, x, lambd):
    return xp.where(x > lambd, x - lambd, xp.where(x < -lambd, x + lambd, x * 0))


def _shrink_g(m, g, x, lambd):
    return m.where((x >= -lambd) & (x <= lambd), 0, g)


Threshold = _activation("ThresholdBackward0", "threshold_cpu", _threshold_f, _threshold_g,
                        ints_ok=True, inplace_node="ThresholdBackward1")
Hardshrink = _activation("HardshrinkBackward0", "hardshrink_cpu", _hardshrink_f, _shrink_g)
Softshrink = _activation("SoftshrinkBackward0", "softshrink_check", _softshrink_f, _shrink_g)


def softsign(input):
    """``x / (1 + |x|)``. Example: ``F.softsign(ember.tensor([1.]))`` gives ``[0.5]``"""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """``x - tanh(x)``. Example: ``F.tanhshrink(ember.tensor([1.]))``"""
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):
    """``input`` where ``input > threshold``, else ``value``.

    Example: ``F.threshold(ember.tensor([0.5, 2.]), 1.0, -1.0)`` gives ``[-1., 2.]``
    """
    return _run(Threshold, input, inplace, "threshold", threshold=threshold, value=value)


_threshold = threshold


def threshold_(input, threshold, value):
    """In-place :func:`threshold`."""
    return _threshold(input, threshold, value, inplace=True)


def hardshrink(input, lambd=0.5):
    """0 where ``|x| <= lambd``, else ``x``. Example: ``F.hardshrink(ember.tensor([0.3, 1.]))``"""
    return _run(Hardshrink, input, False, "hardshrink", lambd=float(lambd))


def softshrink(input, lambd=0.5):
    """``x - lambd`` above ``lambd``, ``x + lambd`` below ``-lambd``, 0 between.

    Example: ``F.softshrink(ember.tensor([0.3, 1.]))`` gives ``[0., 0.5]``
    """
    if isinstance(input, Tensor) and input._data.dtype.kind == "f" and \
            not 0 <= lambd <= np.finfo(input._data.dtype).max:
        top = float(np.finfo(input._data.dtype).max)
        raise RuntimeError(f"lambda must be in range [0, {top:g}] for input dtype "
                           f"{type_word(input._data.dtype)}, but found {float(lambd):g}")
    return _run(Softshrink, input, False, "softshrink", lambd=float(lambd))


# -- prelu, glu ---------------------------------------------------------------------------------
class PreluKernel(Op):
    """``x`` where positive, ``weight * x`` elsewhere; weight broadcasts over the channel dim."""

    name_ = "PreluKernelBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w):
        with np.errstate(all="ignore"):
            return ctx.xp.where(x > 0, x, w * x)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = run_grad(ctx, _prelu_gx, g, x, w) if need[0] else None
        gw = run_grad(ctx, _prelu_gw, g, x) if need[1] else None
        return gx, gw


def _prelu_gx(m, g, x, w):
    return m.where(x > 0, g, w * g)


def _prelu_gw(m, g, x):
    return m.where(x > 0, 0, x * g)


def prelu(input, weight):
    """leaky_relu with a learned slope ``weight`` (one value, or one per channel, dim 1).

    Example: ``F.prelu(ember.tensor([-2., 3.]), ember.tensor([0.25]))`` gives ``[-0.5, 3.]``
    """
    if not isinstance(input, Tensor):
        raise not_tensor("prelu", input)
    if not isinstance(weight, Tensor):
        raise not_tensor("prelu", weight, "weight")
    if weight.ndim > 1:
        raise RuntimeError("prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {weight.ndim}")
    n = weight.numel()
    nd = input.ndim
    if n != 1:
        if nd == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        channels = input.shape[1] if nd > 1 else 1
        if channels != n:
            raise RuntimeError("Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {n} and channel size = {channels}.")
    dx, dw = input._data.dtype, weight._data.dtype
    if dx.kind != "f":
        raise kernel_error("prelu_cpu", dx)
    if dx != dw:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {type_word(dx)} and "
                           f"{type_word(dw)}")
    if weight.ndim != nd:
        weight = weight.reshape([n if i == 1 else 1 for i in range(nd)])
    return PreluKernel.apply(input, weight)


class Glu(Op):
    """``a * sigmoid(b)`` where ``a, b`` are the two halves of the input along ``dim``."""

    name_ = "GluBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, dim):
        if x.dtype.kind != "f":
            raise kernel_error("glu_cpu", x.dtype)
        ctx.dim = dim
        a, b = ctx.xp.split(x, 2, axis=dim)
        return a * _ew._sigmoid(ctx.xp, b)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        a, b = x.chunk(2, ctx.dim)
        if _Mode.enabled:
            s = b.sigmoid()
            return _join.cat([g * s, g * a * s * (1 - s)], ctx.dim)
        xp = ctx.xp
        s = _ew._sigmoid(xp, b._data)
        ga = g._data * s
        return _wrap(xp.concatenate([ga, ga * a._data * (1 - s)], axis=ctx.dim))


def glu(input, dim=-1):
    """Gated linear unit: split ``input`` in two halves ``a, b`` along ``dim``; ``a * sigmoid(b)``.

    Example: ``F.glu(ember.tensor([1., 2., 0., 0.]))`` gives ``[0.5, 1.]``
    """
    if not isinstance(input, Tensor):
        raise not_tensor("glu", input)
    if input.ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = wrap_dim(dim, input.ndim)
    if input.shape[d] % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size "
                           f"{input.shape[d]}")
    return Glu.apply(input, dim=d)

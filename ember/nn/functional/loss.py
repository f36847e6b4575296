"""Loss functions: mse, l1, smooth_l1, huber, binary cross-entropy (on probabilities and on
logits), KL divergence; cross_entropy and nll_loss live in ``cross_entropy.py`` (re-exported).

``reduction`` is ``'mean'`` (default), ``'sum'`` or ``'none'``; torch's legacy
``size_average``/``reduce`` arguments are accepted (with torch's deprecation warning).

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.mse_loss(ember.tensor([1., 2.]), ember.tensor([0., 0.]))
    tensor(2.5000)
"""
import warnings

import numpy as np

from ..._tensor import Tensor, _wrap
from ...autograd.function import Op
from ...autograd.grad_mode import _Mode
from ...ops._util import check_broadcast, kernel_error
from .activation import not_tensor, run_grad
from .cross_entropy import check_reduction, no_grad_weight, reduction_of

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
           "binary_cross_entropy_with_logits", "kl_div"]

_LOG_FLOOR = -100.0  # torch clamps BCE's logs here, so a probability of 0 costs 100, not inf
_BCE_EPS = 1e-12


def _reduce(xp, loss, reduction):
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def _size_warning(input, target):
    if tuple(target.shape) != tuple(input.shape):
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input "
                      f"size ({input.size()}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)


def _check_pair(name, input, target):
    if not isinstance(input, Tensor):
        raise not_tensor(name, input)
    if not isinstance(target, Tensor):
        raise TypeError(f"{name}(): argument 'target' (position 2) must be Tensor, not "
                        f"{type(target).__name__}")


# -- mse, smooth_l1, huber: one op each on d = input - target -----------------------------------
class _Pointwise(Op):
    """A loss ``f(d)`` of ``d = input - target``, reduced; gradient ``dfdd(d) * g`` for the input
    and its negative for the target."""

    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, t, reduction, p):
        dt = np.result_type(x.dtype, t.dtype)
        if dt.kind != "f":
            raise kernel_error(ctx.kernel, dt)
        ctx.reduction, ctx.p = reduction, p
        with np.errstate(all="ignore"):
            loss = ctx.f(ctx.xp, x - t, **p)
            ctx.n = loss.size
            return _reduce(ctx.xp, loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        norm = 1.0 / ctx.n if ctx.reduction == "mean" else 1.0
        gx = run_grad(ctx, ctx.grad, g, x, t, norm=norm, **ctx.p)
        need_x, need_t = ctx.needs_input_grad
        gt = None
        if need_t:
            gt = -gx if _Mode.enabled else _wrap(-gx._data)
        return (gx if need_x else None), gt


def _pointwise(node, kernel, f, grad):
    return type(node[:-len("Backward0")], (_Pointwise,),
                {"name_": node, "kernel": kernel, "f": staticmethod(f),
                 "grad": staticmethod(grad)})


def _mse_grad(m, g, x, t, norm):
    return (x - t) * (2 * norm) * g


def _smooth_l1_f(xp, d, beta):
    ad = xp.abs(d)
    return xp.where(ad < beta, d * d * (0.5 / beta), ad - 0.5 * beta)


def _smooth_l1_grad(m, g, x, t, norm, beta):
    d = x - t
    ng = g * norm
    return m.where(d < -beta, -ng, m.where(d > beta, ng, d * ng / beta))


def _huber_f(xp, d, delta):
    ad = xp.abs(d)
    return xp.where(ad < delta, d * d * 0.5, (ad - 0.5 * delta) * delta)


def _huber_grad(m, g, x, t, norm, delta):
    d = x - t
    ng = g * norm
    return m.where(d < -delta, -ng * delta, m.where(d > delta, ng * delta, d * ng))


MseLoss = _pointwise("MseLossBackward0", "mse_cpu", lambda xp, d: d * d, _mse_grad)
SmoothL1Loss = _pointwise("SmoothL1LossBackward0", "smooth_l1_cpu", _smooth_l1_f,
                          _smooth_l1_grad)
HuberLoss = _pointwise("HuberLossBackward0", "huber_cpu", _huber_f, _huber_grad)


def _weighted(loss, weight, input, reduction):
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.sum() / weight.sum()
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _weighted_mean(loss, weight, input, reduction):
    """huber's weighted mean is the plain mean of the weighted losses (torch's formula)."""
    if reduction == "mean":
        if tuple(weight.shape) != tuple(input.shape):
            raise ValueError("Weights and input must have the same size.")
        return (loss * weight).mean()
    return _weighted(loss, weight, input, reduction)


def _pointwise_loss(op, name, input, target, reduction, weight, weighted=_weighted, **p):
    _check_pair(name, input, target)
    _size_warning(input, target)
    check_broadcast(input.shape, target.shape)
    if weight is None:
        return op.apply(input, target, reduction=check_reduction(reduction), p=p)
    return weighted(op.apply(input, target, reduction="none", p=p), weight, input, reduction)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean squared error ``(input - target) ** 2``, reduced.

    Example: ``F.mse_loss(ember.tensor([1., 2.]), ember.tensor([1., 4.]))`` gives ``tensor(2.)``
    """
    reduction = reduction_of(size_average, reduce, reduction)
    return _pointwise_loss(MseLoss, "mse_loss", input, target, reduction, weight)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``0.5 d**2 / beta`` where ``|d| < beta``, else ``|d| - 0.5 beta`` (``d = input - target``).

    Example: ``F.smooth_l1_loss(ember.tensor([0.5, 3.]), ember.zeros(2))``
    """
    reduction = reduction_of(size_average, reduce, reduction)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        _check_pair("smooth_l1_loss", input, target)
        _size_warning(input, target)
        return _l1(input, target, check_reduction(reduction))
    return _pointwise_loss(SmoothL1Loss, "smooth_l1_loss", input, target, reduction, None,
                           beta=float(beta))


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``0.5 d**2`` where ``|d| < delta``, else ``delta * (|d| - 0.5 delta)``.

    Example: ``F.huber_loss(ember.tensor([0.5, 3.]), ember.zeros(2))``
    """
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    return _pointwise_loss(HuberLoss, "huber_loss", input, target, reduction, weight,
                           _weighted_mean, delta=float(delta))


def _l1(input, target, reduction):
    loss = (input - target).abs()
    if reduction == "none":
        return loss
    return loss.sum() if reduction == "sum" else loss.mean()


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """Mean absolute error ``|input - target|``, reduced (composed of sub, abs, mean: torch's
    graph).

    Example: ``F.l1_loss(ember.tensor([1., 2.]), ember.tensor([0., 4.]))`` gives ``tensor(1.5)``
    """
    reduction = reduction_of(size_average, reduce, reduction)
    _check_pair("l1_loss", input, target)
    _size_warning(input, target)
    if weight is not None:
        return _weighted((input - target).abs(), weight, input, reduction)
    return _l1(input, target, check_reduction(reduction))


# -- binary cross-entropy -----------------------------------------------------------------------
class BinaryCrossEntropy(Op):
    """``-w (t log(x) + (1 - t) log(1 - x))`` with both logs clamped at -100, as in torch."""

    name_ = "BinaryCrossEntropyBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, t, w, reduction):
        xp = ctx.xp
        bad_x = ~((x >= 0) & (x <= 1))
        bad_t = ~((t >= 0) & (t <= 1))
        if bad_x.any() or bad_t.any():  # torch checks element by element, input first
            first = int(xp.argmax((bad_x | bad_t).ravel()))
            what = "input" if bad_x.ravel()[first] else "target"
            raise RuntimeError(f"all elements of {what} should be between 0 and 1")
        with np.errstate(divide="ignore"):
            loss = ((t - 1) * xp.maximum(xp.log1p(-x), _LOG_FLOOR)
                    - t * xp.maximum(xp.log(x), _LOG_FLOOR))
        if w is not None:
            loss = loss * w
        ctx.reduction, ctx.n, ctx.w = reduction, loss.size, w
        return _reduce(xp, loss, reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        norm = 1.0 / ctx.n if ctx.reduction == "mean" else 1.0
        w = ctx.w
        if w is not None and _Mode.enabled:
            w = _wrap(w)
        need_x, need_t = ctx.needs_input_grad[:2]
        gx = run_grad(ctx, _bce_gx, g, x, t, w=w, norm=norm) if need_x else None
        gt = run_grad(ctx, _bce_gt, g, x, w=w, norm=norm) if need_t else None
        return gx, gt, None


def _bce_gx(m, g, x, t, w, norm):
    denom = (1 - x) * x
    r = g * (x - t) / m.where(denom > _BCE_EPS, denom, _BCE_EPS)
    r = r if w is None else r * w
    return r * norm if norm != 1.0 else r


def _bce_gt(m, g, x, w, norm):
    r = (m.log1p(-x) - m.log(x)) * g  # -logit(x) * g
    r = r if w is None else r * w
    return r * norm if norm != 1.0 else r


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction="mean"):
    """Binary cross-entropy of probabilities ``input`` against ``target`` (both in [0, 1]).
    The logs are clamped at -100, so ``input`` of exactly 0 or 1 gives a finite loss.

    Example: ``F.binary_cross_entropy(ember.tensor([0.9, 0.2]), ember.tensor([1., 0.]))``
    """
    reduction = check_reduction(reduction_of(size_average, reduce, reduction))
    _check_pair("binary_cross_entropy", input, target)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the same "
                         "size.")
    no_grad_weight("binary_cross_entropy", "weight", weight)
    if weight is not None:
        weight = weight.expand(check_broadcast(target.shape, weight.shape))
    if input._data.dtype.kind != "f":
        raise kernel_error("binary_cross_entropy", input._data.dtype)
    return BinaryCrossEntropy.apply(input, target, weight, reduction=reduction)


class BinaryCrossEntropyWithLogits(Op):
    """``(1 - t) x - (1 + (pw - 1) t) logsigmoid(x)``, times ``weight``: stable for any x."""

    name_ = "BinaryCrossEntropyWithLogitsBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, t, w, pw, reduction):
        xp = ctx.xp
        dt = np.result_type(*(a.dtype for a in (x, t, w, pw) if a is not None))
        if dt.kind != "f":
            raise kernel_error("log_sigmoid_cpu", dt)
        with np.errstate(over="ignore"):
            ls = xp.minimum(x, 0) - xp.log1p(xp.exp(-xp.abs(x)))
            if pw is not None:
                ls = ls * ((pw - 1) * t + 1)
            loss = (1 - t) * x - ls
        if w is not None:
            loss = loss * w
        ctx.reduction, ctx.n, ctx.w, ctx.pw = reduction, loss.size, w, pw
        return _reduce(xp, loss.astype(dt, copy=False), reduction)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        norm = 1.0 / ctx.n if ctx.reduction == "mean" else 1.0
        w, pw = ctx.w, ctx.pw
        if _Mode.enabled:
            w = None if w is None else _wrap(w)
            pw = None if pw is None else _wrap(pw)
        need_x, need_t = ctx.needs_input_grad[:2]
        gx = run_grad(ctx, _bcel_gx, g, x, t, w=w, pw=pw, norm=norm) if need_x else None
        gt = run_grad(ctx, _bcel_gt, g, x, w=w, pw=pw, norm=norm) if need_t else None
        return gx, gt, None, None


def _bcel_gx(m, g, x, t, w, pw, norm):
    s = m.sigmoid(x)
    if pw is None:
        r = s - t
    else:
        tp = pw * t
        r = (tp + 1 - t) * s - tp
    r = r * g
    r = r if w is None else r * w
    return r * norm if norm != 1.0 else r


def _logsigmoid(m, x):
    return m.minimum(x, 0) - m.log1p(m.exp(-m.abs(x)))


def _bcel_gt(m, g, x, w, pw, norm):
    r = -x if pw is None else _logsigmoid(m, -x) - _logsigmoid(m, x) * pw
    r = r * g
    r = r if w is None else r * w
    return r * norm if norm != 1.0 else r


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction="mean", pos_weight=None):
    """sigmoid + binary cross-entropy in one stable op (no overflow for logits like 1e4).
    ``pos_weight`` weights the positive term (broadcast over the last dimension: one per class).

    Example: ``F.binary_cross_entropy_with_logits(ember.tensor([3., -2.]), ember.tensor([1., 0.]))``
    """
    reduction = check_reduction(reduction_of(size_average, reduce, reduction))
    _check_pair("binary_cross_entropy_with_logits", input, target)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    no_grad_weight("binary_cross_entropy_with_logits", "weight", weight)
    no_grad_weight("binary_cross_entropy_with_logits", "pos_weight", pos_weight)
    shapes = [input.shape] + [a.shape for a in (weight, pos_weight) if a is not None]
    check_broadcast(*shapes)
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight,
                                              reduction=reduction)


# -- KL divergence ------------------------------------------------------------------------------
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """KL divergence with ``input`` in log-space: ``target * (log(target) - input)`` (or with
    ``log_target``, ``exp(target) * (target - input)``). Use ``reduction='batchmean'`` for the
    true KL value; ``'mean'`` also divides by the number of classes (torch warns).

    Example: ``F.kl_div(ember.tensor([[-1., -0.5]]), ember.tensor([[0.4, 0.6]]), reduction='sum')``
    """
    _check_pair("kl_div", input, target)
    if size_average is not None or reduce is not None:
        reduction = reduction_of(size_average, reduce, reduction)
        red = reduction
    else:
        if reduction == "mean":
            warnings.warn("reduction: 'mean' divides the total loss by both the batch size and "
                          "the support size.'batchmean' divides only by the batch size, and "
                          "aligns with the KL div math definition.'mean' will be changed to "
                          "behave the same as 'batchmean' in the next major release.",
                          stacklevel=2)
        red = "sum" if reduction == "batchmean" else check_reduction(reduction)
    if log_target:
        out = target.exp() * (target - input)
    else:
        from ...ops.binary_math import xlogy
        out = xlogy(target, target) - target * input
    if red == "mean":
        out = out.mean()
    elif red == "sum":
        out = out.sum()
    if reduction == "batchmean" and input.ndim != 0:
        out = out / input.shape[0]
    return out


from . import cross_entropy as _ce  # noqa: E402
from .cross_entropy import *  # noqa: E402,F401,F403

__all__ += _ce.__all__

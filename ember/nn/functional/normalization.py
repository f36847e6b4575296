"""Normalisation layers, functional forms: batch_norm, layer_norm, group_norm, instance_norm.

Each is one fused op. The forward computes the statistics the way torch's CPU kernels do
(batch_norm sums in float64, as torch's accumulation type); the backward is the closed form

    dx = invstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))

written with ember ops. When a graph of the backward itself is being built
(``create_graph=True``) the statistics are recomputed from the input with ember ops, so
gradients of gradients are exact.

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> x = ember.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> F.batch_norm(x, None, None, training=True).tolist()
    [[-0.9999950528144836, -0.9999987483024597], [0.9999950528144836, 0.9999987483024597]]
"""
import numbers

from ..._tensor import _wrap
from ...autograd.function import Op
from ...autograd.grad_mode import _Mode

__all__ = ["batch_norm", "layer_norm", "group_norm", "instance_norm"]


# -- shared pieces ------------------------------------------------------------------------------
def _stats_graph(x, dims, eps):
    """(mean, invstd) of ``x`` over ``dims`` built with ember ops (differentiable)."""
    mean = x.mean(dims, keepdim=True)
    xc = x - mean
    var = (xc * xc).mean(dims, keepdim=True)
    return mean, (var + eps).rsqrt()


def _input_grad(gxhat, xhat, invstd, dims):
    """dx from d(xhat), with xhat = (x - mean) * invstd normalised over ``dims``."""
    m1 = gxhat.mean(dims, keepdim=True)
    m2 = (gxhat * xhat).mean(dims, keepdim=True)
    return (gxhat - m1 - xhat * m2) * invstd


def _affine_grads(grad, xhat, need_w, need_b, keep_dims):
    """Gradients of weight and bias for ``y = xhat * w + b``; ``keep_dims`` are w's axes."""
    nd = grad._data.ndim
    red = tuple(d for d in range(nd) if d not in keep_dims)
    shape = tuple(grad._data.shape[d] for d in keep_dims)
    gw = (grad * xhat).sum(red).reshape(shape) if need_w else None
    gb = grad.sum(red).reshape(shape) if need_b else None
    return gw, gb


def _check_vec(name, t, n):
    if t is not None and t._data.size != n:
        raise RuntimeError(f"{name} should contain {n} elements not {t._data.size}")


def _param_view(a, nd, axis=1):
    """A per-channel vector shaped to broadcast against an nd input along ``axis``."""
    shape = [1] * nd
    shape[axis] = a.shape[0]
    return a.reshape(shape)


# -- batch norm ---------------------------------------------------------------------------------
class _BatchNorm(Op):
    """Inputs: x, weight, bias (either may be None). Running stats are updated in place."""

    name_ = "NativeBatchNormBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w, b, rm, rv, training, momentum, eps):
        xp = ctx.xp
        nd, dt = x.ndim, x.dtype
        dims = (0,) + tuple(range(2, nd))
        n = x.size // x.shape[1] if x.shape[1] else 0
        ctx.dims, ctx.eps, ctx.training = dims, eps, training
        if training:
            # torch: sums in float64, mean rounded to the input dtype, var_sum likewise
            mean = (x.sum(dims, dtype=xp.float64) / n).astype(dt)
            d = x - _param_view(mean, nd)
            var_sum = (d * d).sum(dims, dtype=xp.float64).astype(dt)
            var = var_sum / dt.type(n)
            invstd = (1.0 / xp.sqrt(var.astype(xp.float64) + eps)).astype(dt)
            if rm is not None:
                m = dt.type(momentum)
                rm._data[...] = m * mean + (1 - m) * rm._data
                rm._bump_version()
            if rv is not None:
                m = dt.type(momentum)
                unbiased = var_sum / dt.type(n - 1) if n > 1 else var_sum * dt.type(float("inf"))
                rv._data[...] = (xp.float64(m) * unbiased.astype(xp.float64)
                                 + ((1 - m) * rv._data).astype(xp.float64)).astype(dt)
                rv._bump_version()
        else:
            mean = rm._data.copy()
            invstd = 1 / xp.sqrt(rv._data + dt.type(eps))
        ctx.mean, ctx.invstd = mean, invstd
        alpha = invstd if w is None else invstd * w
        beta = -mean * alpha if b is None else b - mean * alpha
        alpha, beta = alpha.astype(dt, copy=False), beta.astype(dt, copy=False)
        return x * _param_view(alpha, nd) + _param_view(beta, nd)

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        nd = x._data.ndim
        if ctx.training and _Mode.enabled:  # create_graph: keep the stats differentiable
            mean, invstd = _stats_graph(x, ctx.dims, ctx.eps)
        else:
            mean = _wrap(_param_view(ctx.mean, nd))
            invstd = _wrap(_param_view(ctx.invstd, nd))
        xhat = (x - mean) * invstd
        gx = None
        if need[0]:
            gxhat = grad if w is None else grad * w.reshape(_param_view(w._data, nd).shape)
            gx = _input_grad(gxhat, xhat, invstd, ctx.dims) if ctx.training else gxhat * invstd
        gw, gb = _affine_grads(grad, xhat, need[1], need[2], (1,))
        return gx, gw, gb


def _verify_batch_size(size):
    prod = size[0]
    for s in size[2:]:
        prod *= s
    if prod == 1:
        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{size}")


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1) over the batch and spatial dims.

    In training the batch statistics are used and ``running_mean``/``running_var`` (if given)
    move towards them: ``running = (1 - momentum) * running + momentum * batch_stat`` (the
    variance stored is the unbiased one). Otherwise the running statistics are used.

    Example: ``F.batch_norm(x, rm, rv, training=True, momentum=0.1)``
    """
    if training:
        _verify_batch_size(input.size())
    if training and eps <= 0.0:
        raise ValueError(f"batch_norm eps must be positive during training, but got {eps}")
    if eps < 0.0:
        raise ValueError(f"batch_norm eps must be non-negative, but got {eps}")
    x = input._data
    c = x.shape[1] if x.ndim > 1 else 0
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        _check_vec(name, t, c)
    if not training:
        if running_mean is None:
            raise RuntimeError("running_mean must be defined in evaluation mode")
        if running_var is None:
            raise RuntimeError("running_var must be defined in evaluation mode")
    return _BatchNorm.apply(input, weight, bias, rm=running_mean, rv=running_var,
                            training=bool(training), momentum=momentum, eps=eps)


# -- layer norm ---------------------------------------------------------------------------------
class _LayerNorm(Op):
    name_ = "NativeLayerNormBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w, b, k, eps):
        xp = ctx.xp
        dims = tuple(range(x.ndim - k, x.ndim))
        mean = x.mean(dims, keepdims=True)
        d = x - mean
        var = (d * d).mean(dims, keepdims=True)
        invstd = (1 / xp.sqrt(var + x.dtype.type(eps))).astype(x.dtype, copy=False)
        ctx.dims, ctx.eps, ctx.mean, ctx.invstd = dims, eps, mean, invstd
        y = d * invstd
        if w is not None:
            y *= w
        if b is not None:
            y += b
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        if _Mode.enabled:
            mean, invstd = _stats_graph(x, ctx.dims, ctx.eps)
        else:
            mean, invstd = _wrap(ctx.mean), _wrap(ctx.invstd)
        xhat = (x - mean) * invstd
        gx = _input_grad(grad if w is None else grad * w, xhat, invstd, ctx.dims) \
            if need[0] else None
        gw, gb = _affine_grads(grad, xhat, need[1], need[2], ctx.dims)
        return gx, gw, gb


def _shape_words(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the last ``len(normalized_shape)`` dims (each sample on its own).

    Example: ``F.layer_norm(ember.randn(2, 5), (5,))``
    """
    if isinstance(normalized_shape, numbers.Integral):
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple "
                        "of ints, not int")
    shape = tuple(int(s) for s in normalized_shape)
    x = input._data
    k = len(shape)
    if k == 0 or x.ndim < k or tuple(x.shape[x.ndim - k:]) != shape:
        raise RuntimeError(f"Given normalized_shape={_shape_words(shape)}, expected input with "
                           f"shape [*, {', '.join(str(s) for s in shape)}], but got input of "
                           f"size{_shape_words(x.shape)}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._data.shape) != shape:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {_shape_words(t._data.shape)} and "
                               f"normalized_shape = {_shape_words(shape)}")
    return _LayerNorm.apply(input, weight, bias, k=k, eps=eps)


# -- group norm ---------------------------------------------------------------------------------
class _GroupNorm(Op):
    name_ = "NativeGroupNormBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w, b, groups, eps):
        xp = ctx.xp
        xg = x.reshape(x.shape[0], groups, -1)
        mean = xg.mean(2, keepdims=True)
        d = xg - mean
        var = (d * d).mean(2, keepdims=True)
        invstd = (1 / xp.sqrt(var + x.dtype.type(eps))).astype(x.dtype, copy=False)
        ctx.groups, ctx.eps, ctx.mean, ctx.invstd = groups, eps, mean, invstd
        y = (d * invstd).reshape(x.shape)
        if w is not None:
            y *= _param_view(w, x.ndim)
        if b is not None:
            y += _param_view(b, x.ndim)
        return y

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        shape = x._data.shape
        nd = len(shape)
        grouped = (shape[0], ctx.groups, -1)
        xg = x.reshape(grouped)
        if _Mode.enabled:
            mean, invstd = _stats_graph(xg, (2,), ctx.eps)
        else:
            mean, invstd = _wrap(ctx.mean), _wrap(ctx.invstd)
        xhat = (xg - mean) * invstd
        gx = None
        if need[0]:
            gxhat = grad if w is None else grad * w.reshape(_param_view(w._data, nd).shape)
            gx = _input_grad(gxhat.reshape(grouped), xhat, invstd, (2,)).reshape(shape)
        gw, gb = _affine_grads(grad, xhat.reshape(shape), need[1], need[2], (1,))
        return gx, gw, gb


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each group of ``C // num_groups`` channels of each sample.

    Example: ``F.group_norm(ember.randn(2, 4, 3), 2)``
    """
    x = input._data
    if x.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{x.ndim}")
    _verify_batch_size([x.shape[0] * x.shape[1] // num_groups, num_groups] + list(x.shape[2:]))
    c = x.shape[1]
    if c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {_shape_words(x.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._data.ndim != 1 or t._data.shape[0] != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape "
                               f"{_shape_words(t._data.shape)} and input of shape "
                               f"{_shape_words(x.shape)}")
    return _GroupNorm.apply(input, weight, bias, groups=num_groups, eps=eps)


# -- instance norm ------------------------------------------------------------------------------
def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each channel of each sample over its spatial dims (batch_norm on a
    (1, N*C, ...) view, as torch computes it); running stats are averaged over the batch."""
    x = input._data
    if use_input_stats:
        size = input.size()
        prod = 1
        for s in size[2:]:
            prod *= s
        if prod == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size {size}")
    n, c = x.shape[0], x.shape[1]
    folded = input.reshape((1, n * c) + tuple(x.shape[2:]))
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    out = batch_norm(folded, rm, rv, w, b, use_input_stats, momentum, eps)
    if use_input_stats:
        for run, rep in ((running_mean, rm), (running_var, rv)):
            if run is not None:
                run._data[...] = rep._data.reshape(n, c).mean(0)
                run._bump_version()
    return out.reshape(x.shape)

"""Convolutions: conv1d/2d/3d and conv_transpose1d/2d/3d.

The arithmetic lives in ``_im2col.py`` (im2col + one batched matmul, col2im by one strided add
per kernel offset). Three ops are the partial derivatives of one trilinear form
``<conv(x, w), gy>``, so each one's backward is made of the other two and gradients of any
order come for free: ``_Conv`` (x, w -> y), ``_ConvT`` (gy, w -> gx, also the transposed
convolution) and ``_ConvWeightGrad`` (x, gy -> gw).

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.conv2d(ember.ones(1, 1, 3, 3), ember.ones(1, 1, 2, 2)).tolist()
    [[[[4.0, 4.0], [4.0, 4.0]]]]
"""
import numbers

from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops._util import cpp_type_word, quiet, type_word
from . import _im2col as K

__all__ = ["conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d"]


class _Conv(Op):
    """y = conv(x, w) + b."""

    name_ = "ConvolutionBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w, b, geom, outs=None):
        ctx.geom = geom
        need = getattr(ctx, "needs_input_grad", None)
        with quiet():   # inf * 0 gives nan without a warning, as in torch
            if need is not None and need[1]:
                # the columns, when made in one piece (small enough), serve the weight gradient
                y, ctx.cols = K.conv_forward(ctx.xp, x, w, b, geom, outs, want_cols=True)
                return y
            return K.conv_forward(ctx.xp, x, w, b, geom, outs)

    @staticmethod
    def backward(ctx, gy):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        geom = ctx.geom
        gx = gw = gb = None
        if need[0]:
            gx = _ConvTGrad.apply(gy, w, None, geom=geom, in_sizes=x.shape[2:])
        if need[1]:
            gw = _ConvWeightGrad.apply(x, gy, kernel=w.shape[2:], geom=geom,
                                       cols=getattr(ctx, "cols", None))
            ctx.cols = None
        if need[2]:
            gb = gy.sum((0,) + tuple(range(2, gy.dim())))
        return gx, gw, gb


class _ConvGrad(_Conv):
    """A convolution made by a backward (torch names the node ConvolutionBackwardBackward0)."""

    name_ = "ConvolutionBackwardBackward0"


class _ConvT(Op):
    """gx = conv_transpose(gy, w) + b, the adjoint of ``_Conv`` in its input."""

    name_ = "ConvolutionBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, gy, w, b, geom, in_sizes):
        ctx.geom = geom
        with quiet():
            out = K.conv_input_grad(ctx.xp, gy, w, in_sizes, geom)
            if b is not None:
                out += b.reshape((-1,) + (1,) * len(in_sizes))
        return out

    @staticmethod
    def backward(ctx, g):
        gy, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        geom = ctx.geom
        d_gy = d_w = d_b = None
        if need[0]:
            d_gy = _ConvGrad.apply(g, w, None, geom=geom, outs=gy.shape[2:])
        if need[1]:
            d_w = _ConvWeightGrad.apply(g, gy, kernel=w.shape[2:], geom=geom)
        if need[2]:
            d_b = g.sum((0,) + tuple(range(2, g.dim())))
        return d_gy, d_w, d_b


class _ConvTGrad(_ConvT):
    name_ = "ConvolutionBackwardBackward0"


class _ConvWeightGrad(Op):
    """gw = the gradient of conv(x, w) wrt w, for output gradient gy."""

    name_ = "ConvolutionBackwardBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, gy, kernel, geom, cols=None):
        ctx.geom = geom
        with quiet():
            return K.conv_weight_grad(ctx.xp, x, gy, kernel, geom, cols)

    @staticmethod
    def backward(ctx, g):
        x, gy = ctx.saved_tensors
        need = ctx.needs_input_grad
        d_x = d_gy = None
        if need[0]:
            d_x = _ConvTGrad.apply(gy, g, None, geom=ctx.geom, in_sizes=x.shape[2:])
        if need[1]:
            d_gy = _ConvGrad.apply(x, g, None, geom=ctx.geom, outs=gy.shape[2:])
        return d_x, d_gy


# -- argument checking -----------------------------------------------------------------------------
def _int_tuple(value, n, name, fname, kd=None):
    """``value`` (an int, or a sequence of 1 or ``kd`` ints) as a tuple of ints; an int stands
    for ``n`` values (torch's ``int[n]`` arguments), checked against the weight's ``kd``."""
    kd = n if kd is None else kd
    cls = value.__class__
    if cls is int and n == kd:                     # the common cases, cheaply
        return (value,) * n
    if cls is tuple and len(value) == kd and all(v.__class__ is int for v in value):
        return value
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (int(value),) * n
    if isinstance(value, (tuple, list)) and all(isinstance(v, numbers.Integral)
                                                and not isinstance(v, bool) for v in value):
        if len(value) == 1:
            return (int(value[0]),) * kd
        if len(value) == kd:
            return tuple(int(v) for v in value)
        raise RuntimeError(f"expected {name} to be a single integer value or a list of {kd} "
                           "values to match the convolution dimensions, but got "
                           f"{name}={list(value)}")
    raise TypeError(f"{fname}(): argument '{name}' must be tuple of ints, not "
                    f"{type(value).__name__}")


def _check_tensor(value, arg, pos, fname):
    if not isinstance(value, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f"{type(value).__name__}")


def _prepare(fname, nd, input, weight, bias, stride, dilation, groups, transposed):
    """Shared checks; returns (batched input, was_unbatched, stride, dilation)."""
    _check_tensor(input, "input", 1, fname)
    _check_tensor(weight, "weight", 2, fname)
    if bias is not None:
        _check_tensor(bias, "bias", 3, fname)
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
                           f"{fname}, but got input of size: {list(input.shape)}")
    if weight.dim() < 3:
        raise RuntimeError("weight should have at least three dimensions")
    kd = weight.dim() - 2
    stride = _int_tuple(stride, nd, "stride", fname, kd)
    dilation = _int_tuple(dilation, nd, "dilation", fname, kd)
    if not isinstance(groups, numbers.Integral) or isinstance(groups, bool):
        raise TypeError(f"{fname}(): argument 'groups' must be int, not {type(groups).__name__}")
    unbatched = input.dim() == nd + 1
    if unbatched:
        input = input.unsqueeze(0)
    if kd != nd or input.dim() != weight.dim():
        raise RuntimeError(f"Expected {weight.dim()}-dimensional input for {weight.dim()}-"
                           f"dimensional weight {list(weight.shape)}, but got {input.dim()}-"
                           f"dimensional input of size {list(input.shape)} instead")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    return input, unbatched, stride, dilation


def _check_channels(input, weight, bias, groups, transposed):
    ws = list(weight.shape)
    o = ws[0]
    if o == 0 and not transposed:
        raise RuntimeError(f"Given groups={groups}, expected weight to be at least 1 at "
                           f"dimension 0, but got weight of size {ws} instead")
    if o % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{ws}] instead")
    want = o if transposed else ws[1] * groups
    if input.shape[1] != want:
        head = f"Given transposed=1, weight of size {ws}" if transposed else \
            f"Given groups={groups}, weight of size {ws}"
        raise RuntimeError(f"{head}, expected input{list(input.shape)} to have {want} channels, "
                           f"but got {input.shape[1]} channels instead")
    out_ch = ws[1] * groups if transposed else o
    if bias is not None and (bias.dim() != 1 or bias.shape[0] != out_ch):
        head = "Given transposed=1, weight" if transposed else "Given weight"
        raise RuntimeError(f"{head} of size {ws}, expected bias to be 1-dimensional with "
                           f"{out_ch} elements, but got bias of size {list(bias.shape)} instead")
    idt, wdt = input._data.dtype, weight._data.dtype
    if idt != wdt:
        if idt.name == "float32":
            raise RuntimeError(f"Input type ({input._type_name()}) and weight type "
                               f"({weight._type_name()}) should be the same or input should be a "
                               "MKLDNN tensor and weight is a dense tensor")
        raise RuntimeError(f"expected scalar type {type_word(idt)} but found {type_word(wdt)}")
    if bias is not None and bias._data.dtype != idt:
        if transposed and idt.name == "float32":
            raise RuntimeError(f"Input type ({input._type_name()}) and bias type "
                               f"({bias._type_name()}) should be the same or input should be a "
                               "MKLDNN tensor and bias is a dense tensor")
        raise RuntimeError(f"Input type ({cpp_type_word(idt)}) and bias type "
                           f"({cpp_type_word(bias._data.dtype)}) should be the same")
    if idt.kind == "b" or idt.kind == "c":
        nd = weight.dim() - 2
        kernel = "slow_conv3d_cpu" if nd == 3 else "slow_conv2d_cpu"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{type_word(idt)}\'')


def _pads(fname, padding, kernel, stride, dilation):
    """(lo, hi) pairs for ``padding`` (ints or 'same'/'valid')."""
    nd = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * nd
        if padding == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            for k, d in zip(kernel, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            return tuple(pads)
        raise RuntimeError(f"Invalid padding string: '{padding}'")
    p = _int_tuple(padding, nd, "padding", fname)
    if any(v < 0 for v in p):
        raise RuntimeError("negative padding is not supported")
    return tuple((v, v) for v in p)


def _sizes_text(sizes):
    return "(" + " x ".join(str(s) for s in sizes) + ")"


def _conv(fname, nd, input, weight, bias, stride, padding, dilation, groups):
    input, unbatched, stride, dilation = _prepare(fname, nd, input, weight, bias, stride,
                                                  dilation, groups, False)
    kernel = tuple(weight.shape[2:])
    pads = _pads(fname, padding, kernel, stride, dilation)
    _check_channels(input, weight, bias, groups, False)
    padded = tuple(s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads))
    eff = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilation))
    if any(p < e for p, e in zip(padded, eff)):
        raise RuntimeError(f"Calculated padded input size per channel: {_sizes_text(padded)}. "
                           f"Kernel size: {_sizes_text(eff)}. Kernel size can't be greater than "
                           "actual input size")
    out = _Conv.apply(input, weight, bias, geom=(stride, pads, dilation, groups))
    return out.squeeze(0) if unbatched else out


def _conv_transpose(fname, nd, input, weight, bias, stride, padding, output_padding, groups,
                    dilation):
    if isinstance(padding, str):
        raise TypeError(f"{fname}(): argument 'padding' must be tuple of ints, not str")
    input, unbatched, stride, dilation = _prepare(fname, nd, input, weight, bias, stride,
                                                  dilation, groups, True)
    kernel = tuple(weight.shape[2:])
    pad = _int_tuple(padding, nd, "padding", fname)
    opad = _int_tuple(output_padding, nd, "output_padding", fname)
    if any(v < 0 for v in pad):
        raise RuntimeError("negative padding is not supported")
    if any(v < 0 for v in opad):
        raise RuntimeError("negative output_padding is not supported")
    if any(o >= s and o >= d for o, s, d in zip(opad, stride, dilation)):
        names = ("depth", "height", "width")[3 - nd:] if nd > 1 else ("height", "width")
        vals = ((0,) + opad, (1,) + stride, (1,) + dilation) if nd == 1 else \
            (opad, stride, dilation)
        parts = [f"{kind}_{n}: {v}" for kind, vs in zip(("output_padding", "stride", "dilation"),
                                                         vals) for n, v in zip(names, vs)]
        raise RuntimeError("output padding must be smaller than either stride or dilation, but "
                           "got " + " ".join(parts))
    _check_channels(input, weight, bias, groups, True)
    sizes = tuple((i - 1) * s - 2 * p + d * (k - 1) + o + 1 for i, s, p, d, k, o in
                  zip(input.shape[2:], stride, pad, dilation, kernel, opad))
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"{fname}: the calculated output size {list(sizes)} is negative "
                           f"(input size {list(input.shape[2:])}, padding {list(pad)})")
    geom = (stride, tuple((p, p) for p in pad), dilation, groups)
    out = _ConvT.apply(input, weight, bias, geom=geom, in_sizes=sizes)
    return out.squeeze(0) if unbatched else out


# -- public functions ------------------------------------------------------------------------------
def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-d convolution (cross-correlation) over (N, C, L) or (C, L) input.

    Example:
        >>> F.conv1d(ember.ones(1, 1, 4), ember.ones(1, 1, 2)).shape
        torch.Size([1, 1, 3])
    """
    return _conv("conv1d", 1, input, weight, bias, stride, padding, dilation, groups)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-d convolution (cross-correlation) over (N, C, H, W) or (C, H, W) input.

    ``padding`` is an int, a pair, ``'valid'`` (none) or ``'same'`` (output as big as the
    input; stride 1 only).

    Example:
        >>> F.conv2d(ember.ones(1, 3, 5, 5), ember.ones(2, 3, 3, 3), padding=1).shape
        torch.Size([1, 2, 5, 5])
    """
    return _conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-d convolution over (N, C, D, H, W) or (C, D, H, W) input."""
    return _conv("conv3d", 3, input, weight, bias, stride, padding, dilation, groups)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 1-d convolution; ``weight`` is (C_in, C_out/groups, k)."""
    return _conv_transpose("conv_transpose1d", 1, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 2-d convolution (the gradient of conv2d wrt its input); ``weight`` is
    (C_in, C_out/groups, kH, kW).

    Example:
        >>> F.conv_transpose2d(ember.ones(1, 2, 3, 3), ember.ones(2, 4, 2, 2), stride=2).shape
        torch.Size([1, 4, 6, 6])
    """
    return _conv_transpose("conv_transpose2d", 2, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


def conv_transpose3d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1,
                     dilation=1):
    """Transposed 3-d convolution; ``weight`` is (C_in, C_out/groups, kD, kH, kW)."""
    return _conv_transpose("conv_transpose3d", 3, input, weight, bias, stride, padding,
                           output_padding, groups, dilation)


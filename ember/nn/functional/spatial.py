"""Spatial ops: pad, interpolate (and the upsample aliases), unfold/fold, pixel_shuffle/unshuffle.

Non-constant padding and interpolation are separable index maps (``_resample.py``): per axis a
gather with weights, whose backward is the transposed map; constant padding is a copy into a
filled array, its backward the same op with the pads negated.

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.pad(ember.tensor([[1., 2., 3.]]), (2, 1), mode="reflect").tolist()
    [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
"""
import functools
import math
import numbers

import numpy as np

from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops._util import type_word
from . import _im2col as K
from ._adaptive import adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d
from ._resample import AxisMap, map_op

__all__ = ["pad", "interpolate", "upsample", "upsample_nearest", "upsample_bilinear", "unfold",
           "fold", "pixel_shuffle", "pixel_unshuffle"]


# -- pad -------------------------------------------------------------------------------------------
class _ConstantPad(Op):
    name_ = "ConstantPadNdBackward0"

    @staticmethod
    def forward(ctx, x, pads, value):
        ctx.pads = pads
        nd = len(pads)
        lead = x.ndim - nd
        shape, src, dst = list(x.shape[:lead]), [slice(None)] * lead, [slice(None)] * lead
        for s, (lo, hi) in zip(x.shape[lead:], pads):
            n = s + lo + hi
            if n < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
            shape.append(n)
            a, b = max(-lo, 0), s - max(-hi, 0)
            src.append(slice(a, max(a, b)))
            dst.append(slice(max(lo, 0), max(lo, 0) + max(b - a, 0)))
        xp = ctx.xp
        out = xp.zeros(shape, x.dtype) if value == 0 else xp.full(shape, value, x.dtype)
        out[tuple(dst)] = x[tuple(src)]
        return out

    @staticmethod
    def backward(ctx, g):
        return _ConstantPad.apply(g, pads=tuple((-lo, -hi) for lo, hi in ctx.pads), value=0)


@functools.lru_cache(maxsize=512)
def _pad_map(mode, n, lo, hi):
    start, stop = max(-lo, 0), n - max(-hi, 0)
    core = stop - start
    i = np.arange(-max(lo, 0), core + max(hi, 0))
    if mode == "reflect":
        i = np.where(i < 0, -i, i)
        i = np.where(i >= core, 2 * (core - 1) - i, i)
    elif mode == "replicate":
        i = np.clip(i, 0, max(core - 1, 0))
    else:
        i = i % max(core, 1)
    return AxisMap.gather(n, start + i)


_NONCONST = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
             "circular": "CopySlices"}


def pad(input, pad, mode="constant", value=None):
    """Pad the last ``len(pad) // 2`` dimensions: ``pad = (left, right, top, bottom, ...)``
    starting from the last dimension; negative values crop.

    ``mode`` is 'constant' (filled with ``value``, default 0), 'reflect' (mirror without the
    edge), 'replicate' (repeat the edge) or 'circular' (wrap around).

    Example:
        >>> F.pad(ember.ones(1, 2, 2), (1, 1)).shape
        torch.Size([1, 2, 4])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    pad = list(pad)
    for i, p in enumerate(pad):
        if not isinstance(p, numbers.Integral) or isinstance(p, bool):
            raise TypeError("pad(): argument 'pad' (position 2) must be tuple of ints, but found "
                            f"element of type {type(p).__name__} at pos {i}")
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    nd = len(pad) // 2
    dim = input.dim()
    if nd > dim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{dim}")
    pairs = tuple((int(pad[2 * i]), int(pad[2 * i + 1])) for i in range(nd))[::-1]
    if mode == "constant":
        return _ConstantPad.apply(input, pads=pairs, value=0 if value is None else value)
    if mode not in _NONCONST:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    if nd not in (1, 2, 3) or dim not in (nd + 1, nd + 2):
        raise NotImplementedError(
            f"Padding size {len(pad)} is not supported for {dim}D input tensor.\nSupported "
            "combinations for non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads "
            "last dimension)\n  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n  - "
            "4D or 5D input: padding size = 6 (pads last 3 dimensions)")
    shape = list(input.shape)
    maps = []
    for i, (lo, hi) in enumerate(pairs):
        axis = dim - nd + i
        n = shape[axis]
        if mode == "reflect" and (lo >= n or hi >= n):
            arg = 4 + 2 * (nd - 1 - i)
            raise RuntimeError(f"Argument #{arg}: Padding size should be less than the "
                               "corresponding input dimension, but got: padding "
                               f"({lo}, {hi}) at dimension {axis} of input {shape}")
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if n + lo + hi < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n + lo + hi}: "
                               f"{shape[:axis] + [n + lo + hi] + shape[axis + 1:]}")
        if n == 0 and n + lo + hi > 0:
            raise RuntimeError(f"Expected {dim - nd + 1}D or {dim - nd + 2}D (batch mode) tensor "
                               "with possibly 0 batch size and other non-zero dimensions for "
                               f"input, but got: {shape}")
        maps.append((axis, _pad_map(mode, n, lo, hi)))
    return map_op(_NONCONST[mode].format(nd)).apply(input, maps=tuple(maps))


# -- interpolate -----------------------------------------------------------------------------------
def _src_scale(mode, n_in, n_out, scale, align_corners, dt):
    """torch's source-index scale, in the kernels' float type ``dt``."""
    if mode in ("nearest", "nearest-exact"):
        dt = np.float32
    if align_corners and mode not in ("nearest", "nearest-exact"):
        return dt((n_in - 1) / (n_out - 1)) if n_out > 1 else dt(0)
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(n_in) / dt(n_out)


def _cubic_coeffs(t, dt):
    a = dt(-0.75)

    def near(x):
        return ((a + 2) * x - (a + 3)) * x * x + 1

    def far(x):
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a
    one = dt(1)
    return [far(t + one), near(t), near(one - t), far(one - t + one)]


@functools.lru_cache(maxsize=256)
def _interp_map(mode, n_in, n_out, scale, align_corners, dt_str):
    dt = np.dtype(dt_str).type
    s = _src_scale(mode, n_in, n_out, scale, align_corners, dt)
    dst = np.arange(n_out)
    if mode in ("nearest", "nearest-exact"):
        d = dst.astype(np.float32)
        if mode == "nearest-exact":
            src = np.floor((d + np.float32(0.5)) * s)
        elif n_out == n_in:
            src = d
        elif n_out == 2 * n_in:
            src = dst >> 1
        else:
            src = np.floor(d * s)
        return AxisMap.gather(n_in, np.minimum(src.astype(np.int64), n_in - 1))
    d = dst.astype(dt)
    cubic = mode == "bicubic"
    if align_corners:
        real = s * d
    else:
        real = s * (d + dt(0.5)) - dt(0.5)
        if not cubic:
            real = np.maximum(real, dt(0))
    idx = np.minimum(np.floor(real).astype(np.int64), n_in - 1)
    lam = np.clip(real - idx.astype(dt), 0, 1).astype(dt)
    if cubic:
        coeffs = _cubic_coeffs(lam, dt)
        return AxisMap(n_in, n_out, [(dst, np.clip(idx - 1 + j, 0, n_in - 1), coeffs[j])
                                     for j in range(4)])
    idx1 = idx + (idx < n_in - 1)
    return AxisMap(n_in, n_out, [(dst, idx, dt(1) - lam), (dst, idx1, lam)])


_MODE_DIMS = {"linear": 1, "bilinear": 2, "bicubic": 2, "trilinear": 3}
_MODE_NODE = {"nearest": "UpsampleNearest{}DBackward0",
              "nearest-exact": "UpsampleNearestExact{}DBackward0",
              "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
              "bicubic": "UpsampleBicubic2DBackward0",
              "trilinear": "UpsampleTrilinear3DBackward0"}
_MODES_TEXT = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"


def _as_list(value, nd, what, spatial):
    if not isinstance(value, (tuple, list)):
        return [value] * nd
    if len(value) != nd:
        if what == "size":
            head, got, fmt = "output", f"output size of {tuple(value)}", "output size in (o1, o2"
            tail = ", ...,oK)"
        else:
            head, got = "scale_factor", f"scale_factor of shape {tuple(value)}"
            fmt, tail = "scale_factor in (s1, s2", ", ...,sK)"
        raise ValueError(f"Input and {head} must have the same number of spatial dimensions, but "
                         f"got input with spatial dimensions of {spatial} and {got}. Please "
                         f"provide input tensor in (N, C, d1, d2, ...,dK) format and {fmt}{tail} "
                         "format.")
    return list(value)


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dimensions of (N, C, *spatial) ``input`` to ``size`` or by
    ``scale_factor``; ``mode`` is 'nearest', 'nearest-exact', 'linear', 'bilinear', 'bicubic',
    'trilinear' or 'area'.

    Example:
        >>> F.interpolate(ember.ones(1, 1, 2, 2), scale_factor=2, mode="bilinear").shape
        torch.Size([1, 1, 4, 4])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"interpolate(): argument 'input' must be Tensor, not "
                        f"{type(input).__name__}")
    if mode in ("nearest", "area", "nearest-exact") and align_corners is not None:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    dim = input.dim()
    nd = dim - 2
    if dim < 3 or dim > 5 or (mode not in _MODE_NODE and mode != "area"):
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
                                  f"{dim}D) for the modes: {_MODES_TEXT} (got {mode})")
    if mode in _MODE_DIMS and _MODE_DIMS[mode] != nd:
        raise NotImplementedError(f"Got {dim}D input, but {mode} mode needs "
                                  f"{_MODE_DIMS[mode] + 2}D input")
    if antialias:
        raise NotImplementedError("ember's interpolate does not implement antialias=True")
    spatial = list(input.shape[2:])
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        outs = [int(s) for s in _as_list(size, nd, "size", spatial)]
        scales = [None] * nd
    elif scale_factor is not None:
        sf = [float(s) for s in _as_list(scale_factor, nd, "scale_factor", spatial)]
        outs = [int(math.floor(float(n) * f)) for n, f in zip(spatial, sf)]
        scales = [None] * nd if recompute_scale_factor else sf
    else:
        raise ValueError("either size or scale_factor should be defined")
    if any(o <= 0 for o in outs) or any(n <= 0 for n in spatial):
        names = ("D", "H", "W")[3 - nd:]
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input ("
            + ", ".join(f"{c}: {n}" for c, n in zip(names, spatial)) + ") output ("
            + ", ".join(f"{c}: {o}" for c, o in zip(names, outs)) + ")")
    if mode == "area":
        fn = (adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_avg_pool3d)[nd - 1]
        return fn(input, tuple(outs) if nd > 1 else outs[0])
    dtype = input._data.dtype
    if dtype.kind == "b" or (mode not in ("nearest", "nearest-exact") and dtype.kind != "f"):
        kernel = mode.replace("-", "_") + ("" if mode in _MODE_DIMS else f"{nd}d")
        kernel = {"bicubic": "bicubic2d", "linear": "linear1d", "bilinear": "bilinear2d",
                  "trilinear": "trilinear3d"}.get(kernel, kernel)
        raise NotImplementedError(f'"upsample_{kernel}_channels_last" not implemented for '
                                  f"'{type_word(dtype)}'")
    kernel_dt = dtype.str if dtype.kind == "f" and dtype.itemsize >= 4 else np.dtype("f4").str
    maps = tuple((2 + i, _interp_map(mode, n, o, sc, bool(align_corners), kernel_dt))
                 for i, (n, o, sc) in enumerate(zip(spatial, outs, scales)))
    return map_op(_MODE_NODE[mode].format(nd)).apply(input, maps=maps)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    """Deprecated alias of :func:`interpolate`."""
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# -- unfold / fold ---------------------------------------------------------------------------------
class _Unfold(Op):
    name_ = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, kernel, stride, pads, dilation):
        ctx.args = (kernel, stride, pads, dilation)
        ctx.size = x.shape[-2:]
        unbatched = x.ndim == 3
        out = K.unfold_cols(ctx.xp, x[None] if unbatched else x, kernel, stride, pads, dilation)
        return out[0] if unbatched else out

    @staticmethod
    def backward(ctx, g):
        return _Fold.apply(g, size=ctx.size, args=ctx.args)


class _Fold(Op):
    name_ = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, size, args):
        kernel, stride, pads, dilation = args
        ctx.args = args
        unbatched = cols.ndim == 2
        out = K.fold_cols(ctx.xp, cols[None] if unbatched else cols, size, kernel, stride, pads,
                          dilation)
        return out[0] if unbatched else out

    @staticmethod
    def backward(ctx, g):
        kernel, stride, pads, dilation = ctx.args
        return _Unfold.apply(g, kernel=kernel, stride=stride, pads=pads, dilation=dilation)


def _pair(value, what):
    if isinstance(value, numbers.Integral):
        return (int(value),) * 2
    value = tuple(int(v) for v in value)
    if len(value) == 1:
        return value * 2
    if len(value) != 2:
        raise RuntimeError(f"It is expected {what} equals to 2, but got size {len(value)}")
    return value


def _block_args(kernel_size, dilation, padding, stride):
    k, d = _pair(kernel_size, "kernel_size"), _pair(dilation, "dilation")
    p, s = _pair(padding, "padding"), _pair(stride, "stride")
    if min(k) <= 0:
        raise RuntimeError(f"kernel size should be greater than zero, but got kernel_height: "
                           f"{k[0]} kernel_width: {k[1]}")
    if min(s) <= 0:
        raise RuntimeError(f"stride should be greater than zero, but got stride_height: {s[0]} "
                           f"stride_width: {s[1]}")
    if min(p) < 0:
        raise RuntimeError(f"padding should be non-negative, but got pad_height: {p[0]} "
                           f"pad_width: {p[1]}")
    if min(d) <= 0:
        raise RuntimeError(f"dilation should be greater than zero, but got dilation_height: "
                           f"{d[0]} dilation_width: {d[1]}")
    return k, d, p, s


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding blocks as columns (im2col): (N, C, H, W) -> (N, C*kH*kW, L).

    Example:
        >>> F.unfold(ember.ones(1, 2, 3, 3), 2).shape
        torch.Size([1, 8, 4])
    """
    if input.dim() not in (3, 4) or any(s == 0 for s in input.shape[-3:]):
        if input.dim() < 3:
            raise IndexError(f"Dimension out of range (expected to be in range of "
                             f"[{-input.dim()}, {input.dim() - 1}], but got {input.dim()})")
        raise RuntimeError("Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
                           f"other non-zero dimensions for input, but got: {list(input.shape)}")
    k, d, p, s = _block_args(kernel_size, dilation, padding, stride)
    pads = ((p[0], p[0]), (p[1], p[1]))
    outs = K.out_sizes(input.shape[-2:], k, s, pads, d)
    if min(outs) < 1:
        raise RuntimeError(f"Given input with spatial size {tuple(input.shape[-2:])}, "
                           f"kernel_size={k}, dilation={d}, padding={p}, calculated shape of the "
                           f"array of sliding blocks as {tuple(outs)}, but its components must "
                           "be at least one.")
    return _Unfold.apply(input, kernel=k, stride=s, pads=pads, dilation=d)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns back into an image (col2im): (N, C*kH*kW, L) -> (N, C, *output_size).

    Example:
        >>> F.fold(ember.ones(1, 4, 4), (3, 3), 2)[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    if input.dim() not in (2, 3) or any(s == 0 for s in input.shape[-2:]):
        raise RuntimeError("Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
                           "size and non-zero dimensions for input, but got: "
                           f"{list(input.shape)}")
    size = _pair(output_size, "output_size")
    k, d, p, s = _block_args(kernel_size, dilation, padding, stride)
    kk = k[0] * k[1]
    c = input.shape[-2]
    if c % kk:
        raise RuntimeError("Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={c} and kernel_size={k}.")
    pads = ((p[0], p[0]), (p[1], p[1]))
    outs = K.out_sizes(size, k, s, pads, d)
    if outs[0] * outs[1] != input.shape[-1]:
        raise RuntimeError(f"Given output_size={size}, kernel_size={k}, dilation={d}, "
                           f"padding={p}, stride={s}, expected size of input's dimension 2 to "
                           "match the calculated number of sliding blocks "
                           f"{outs[0]} * {outs[1]} = {outs[0] * outs[1]}, but got "
                           f"input.size(2)={input.shape[-1]}.")
    return _Fold.apply(input, size=size, args=(k, s, pads, d))


# -- pixel shuffle ---------------------------------------------------------------------------------
def _shuffle(xp, x, r):
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    n = len(lead)
    y = x.reshape(lead + (c // (r * r), r, r, h, w))
    y = y.transpose(tuple(range(n)) + (n, n + 3, n + 1, n + 4, n + 2))
    return xp.ascontiguousarray(y).reshape(lead + (c // (r * r), h * r, w * r))


def _unshuffle(xp, x, r):
    lead, (c, h, w) = x.shape[:-3], x.shape[-3:]
    n = len(lead)
    y = x.reshape(lead + (c, h // r, r, w // r, r))
    y = y.transpose(tuple(range(n)) + (n, n + 2, n + 4, n + 1, n + 3))
    return xp.ascontiguousarray(y).reshape(lead + (c * r * r, h // r, w // r))


class _PixelShuffle(Op):
    name_ = "PixelShuffleBackward0"

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _shuffle(ctx.xp, x, r)

    @staticmethod
    def backward(ctx, g):
        return _PixelUnshuffle.apply(g, r=ctx.r)


class _PixelUnshuffle(Op):
    name_ = "PixelUnshuffleBackward0"

    @staticmethod
    def forward(ctx, x, r):
        ctx.r = r
        return _unshuffle(ctx.xp, x, r)

    @staticmethod
    def backward(ctx, g):
        return _PixelShuffle.apply(g, r=ctx.r)


def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r).

    Example:
        >>> F.pixel_shuffle(ember.ones(1, 4, 2, 2), 2).shape
        torch.Size([1, 1, 4, 4])
    """
    r = int(upscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError("pixel_shuffle expects its input's 'channel' dimension to be divisible "
                           f"by the square of upscale_factor, but input.size(-3)={c} is not "
                           f"divisible by {r * r}")
    return _PixelShuffle.apply(input, r=r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W), the inverse of :func:`pixel_shuffle`."""
    r = int(downscale_factor)
    if input.dim() < 3:
        raise RuntimeError("pixel_unshuffle expects input to have at least 3 dimensions, but got "
                           f"input with {input.dim()} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError("pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError("pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    return _PixelUnshuffle.apply(input, r=r)

"""Pooling: max_pool1d/2d/3d, avg_pool1d/2d/3d, adaptive_avg_pool1d/2d/3d,
adaptive_max_pool1d/2d, lp_pool1d/2d (and the ``*_with_indices`` aliases).

Max-pooling's forward is a few strided slices combined with ``maximum``; its backward sends
each gradient to the first maximum of its window, as torch does (see ``_pool_kernels.py``).
1-d pools run as 2-d pools on an unsqueezed input, as in torch (their node is
``SqueezeBackward1``).

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2).tolist()
    [[[[5.0, 7.0], [13.0, 15.0]]]]
"""
import functools
import numbers

from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops._util import type_word
from . import _pool_kernels as P
from ._adaptive import (_IndexGather, adaptive_avg_pool1d, adaptive_avg_pool2d,
                        adaptive_avg_pool3d, adaptive_max_pool1d, adaptive_max_pool1d_with_indices,
                        adaptive_max_pool2d, adaptive_max_pool2d_with_indices)

__all__ = ["max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices",
           "max_pool2d_with_indices", "max_pool3d_with_indices", "avg_pool1d", "avg_pool2d",
           "avg_pool3d", "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices", "lp_pool1d", "lp_pool2d", "max_unpool1d",
           "max_unpool2d"]


# -- ops -------------------------------------------------------------------------------------------
class _MaxPool(Op):
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, x, geom, want_indices=False):
        kernel, stride, pads, dilation, outs = geom
        xp = ctx.xp
        ctx.geom = geom
        out = P.max_pool(xp, x, kernel, stride, pads, dilation, outs)
        ctx.hits = None
        if getattr(ctx, "needs_input_grad", None) is not None:
            ctx.out = out.copy()     # the output may be changed in place before backward
        if not want_indices:
            return out
        ctx.hits = P.max_hits(xp, x, out, kernel, stride, pads, dilation)
        idx = P.hits_to_indices(xp, ctx.hits, x.shape[-len(kernel):], kernel, stride, pads,
                                dilation, outs)
        return out, idx

    @staticmethod
    def backward(ctx, gy, *_):
        (x,) = ctx.saved_tensors
        kernel, stride, pads, dilation, _outs = ctx.geom
        if ctx.hits is None:
            ctx.hits = P.max_hits(ctx.xp, x._data, ctx.out, kernel, stride, pads, dilation)
            ctx.out = None
        bwd = _MAXPOOL_BWD[len(kernel)]
        return bwd.apply(gy, hits=ctx.hits, geom=ctx.geom, in_sizes=x.shape[-len(kernel):])


class _MaxPoolScatter(Op):
    """Gradient of max-pooling: gy scattered to the maxima (its backward gathers)."""

    @staticmethod
    def forward(ctx, gy, hits, geom, in_sizes):
        kernel, stride, pads, dilation, _ = geom
        ctx.hits, ctx.geom = hits, geom
        return P.scatter_hits(ctx.xp, gy, hits, in_sizes, kernel, stride, pads, dilation)

    @staticmethod
    def backward(ctx, g):
        return _MaxPoolGather.apply(g, hits=ctx.hits, geom=ctx.geom)


class _MaxPoolGather(Op):
    name_ = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, g, hits, geom):
        kernel, stride, pads, dilation, _ = geom
        ctx.hits, ctx.geom = hits, geom
        ctx.in_sizes = g.shape[-len(kernel):]
        return P.gather_hits(ctx.xp, g, hits, kernel, stride, pads, dilation)

    @staticmethod
    def backward(ctx, gy):
        bwd = _MAXPOOL_BWD[len(ctx.geom[0])]
        return bwd.apply(gy, hits=ctx.hits, geom=ctx.geom, in_sizes=ctx.in_sizes)


class _AvgPool(Op):
    @staticmethod
    def forward(ctx, x, geom, div):
        kernel, stride, pads, outs = geom
        ctx.geom, ctx.div = geom, div
        ctx.in_sizes = x.shape[-len(kernel):]
        return P.avg_pool(ctx.xp, x, kernel, stride, pads, outs, div)

    @staticmethod
    def backward(ctx, gy):
        bwd = _AVGPOOL_BWD[len(ctx.geom[0])]
        return bwd.apply(gy, geom=ctx.geom, div=ctx.div, in_sizes=ctx.in_sizes)


class _AvgPoolScatter(Op):
    @staticmethod
    def forward(ctx, gy, geom, div, in_sizes):
        kernel, stride, pads, _ = geom
        ctx.geom, ctx.div = geom, div
        return P.avg_scatter(ctx.xp, gy, in_sizes, kernel, stride, pads, div)

    @staticmethod
    def backward(ctx, g):
        return _AVGPOOL[len(ctx.geom[0])].apply(g, geom=ctx.geom, div=ctx.div)


def _named(base, name):
    return type(base.__name__ + name, (base,), {"name_": name})


_MAXPOOL = {n: _named(_MaxPool, f"MaxPool{n}DWithIndicesBackward0") for n in (2, 3)}
_MAXPOOL_BWD = {n: _named(_MaxPoolScatter, f"MaxPool{n}DWithIndicesBackwardBackward0")
                for n in (2, 3)}
_AVGPOOL = {n: _named(_AvgPool, f"AvgPool{n}DBackward0") for n in (2, 3)}
_AVGPOOL_BWD = {n: _named(_AvgPoolScatter, f"AvgPool{n}DBackwardBackward0") for n in (2, 3)}


# -- argument checking -----------------------------------------------------------------------------
def _is_int(v):
    return v.__class__ is int or (isinstance(v, numbers.Integral) and not isinstance(v, bool))


def _tuple_arg(value, nd, fname, what, allow_empty=False):
    """``value`` as nd ints: torch's "must either be a single int, or a tuple of n ints"."""
    if _is_int(value):
        return (int(value),) * nd
    if isinstance(value, (tuple, list)) and all(_is_int(v) for v in value):
        if len(value) == 1:
            return (int(value[0]),) * nd
        if len(value) == nd:
            return tuple(int(v) for v in value)
        if allow_empty and len(value) == 0:
            return None
    if isinstance(value, (tuple, list, numbers.Number)) or value is None:
        omitted = "be omitted, " if what == "stride" else "be "
        words = {2: "two", 3: "three"}[nd]
        verb = "must be either" if what == "dilation" else f"must either {omitted}"
        if what == "dilation":
            raise RuntimeError(f"{fname}: dilation must be either a single int, or a tuple of "
                               f"{words} ints")
        raise RuntimeError(f"{fname}: {what} {verb}a single int, or a tuple of {words} ints")
    raise TypeError(f"{fname}(): argument '{what}' must be tuple of ints, not "
                    f"{type(value).__name__}")


def _check_input(input, nd, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")


def _check_shape(shape, nd):
    if len(shape) not in (nd + 1, nd + 2):
        raise RuntimeError(f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for "
                           "input")
    if any(s == 0 for s in shape[-nd - 1:]):
        raise RuntimeError(f"Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional "
                           f"0 dim batch size for input, but got:{list(shape)}")


def _pool_args(input, nd, fname, kernel_size, stride, padding, dilation, ceil_mode, is_max):
    """Checked (kernel, stride, padding, dilation, output sizes, (lo, hi) pads); cached."""
    _check_input(input, nd, fname)
    key = (tuple(input.shape), nd, fname, kernel_size, stride, padding, dilation,
           bool(ceil_mode), is_max)
    try:
        hash(key)
    except TypeError:       # lists among the arguments
        return _pool_geom.__wrapped__(*key)
    return _pool_geom(*key)


@functools.lru_cache(maxsize=512)
def _pool_geom(shape, nd, fname, kernel_size, stride, padding, dilation, ceil_mode, is_max):
    kernel = _tuple_arg(kernel_size, nd, fname, "kernel_size")
    st = kernel if stride is None else _tuple_arg(stride, nd, fname, "stride", True)
    st = kernel if st is None else st
    pad = _tuple_arg(padding, nd, fname, "padding")
    dil = _tuple_arg(dilation, nd, fname, "dilation") if is_max else (1,) * nd
    _check_shape(shape, nd)
    if any(s == 0 for s in st):
        raise RuntimeError("stride should not be zero")
    if any(k <= 0 for k in kernel):
        dims = "".join(f" k{c}: {k}" for c, k in zip("DHW"[3 - nd:], kernel))
        raise RuntimeError(f"kernel size should be greater than zero, but got{dims}")
    if any(s < 0 for s in st):
        dims = "".join(f" d{c}: {s}" for c, s in zip("DHW"[3 - nd:], st))
        raise RuntimeError(f"stride should be greater than zero, but got{dims}")
    if any(d <= 0 for d in dil):
        dims = "".join(f" dilation{c}: {d}" for c, d in zip("DHW"[3 - nd:], dil))
        raise RuntimeError(f"dilation should be greater than zero, but got{dims}")
    for p in pad:
        if p < 0:
            raise RuntimeError(f"pad must be non-negative, but got pad: {p}")
    for p, k, d in zip(pad, kernel, dil):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    sizes = tuple(shape[-nd:])
    outs, pads = P.pool_geometry(sizes, kernel, st, pad, dil, ceil_mode)
    if any(o < 1 for o in outs):
        c = shape[-nd - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(str(v) for v in (c,) + sizes)}). "
                           f"Calculated output size: ({'x'.join(str(v) for v in (c,) + outs)}). "
                           "Output size is too small")
    return kernel, st, pad, dil, outs, pads


def _max_pool(input, nd, fname, kernel_size, stride, padding, dilation, ceil_mode,
              return_indices):
    kernel, st, _, dil, outs, pads = _pool_args(input, nd, fname, kernel_size, stride, padding,
                                                dilation, ceil_mode, True)
    if input._data.dtype.kind == "b" or input._data.dtype.kind == "c":
        raise NotImplementedError(f'"max_pool{nd}d" not implemented for '
                                  f"'{type_word(input._data.dtype)}'")
    geom = (kernel, st, pads, dil, outs)
    r = _MAXPOOL[nd].apply(input, geom=geom, want_indices=bool(return_indices))
    return r


def _avg_pool(input, nd, fname, kernel_size, stride, padding, ceil_mode, count_include_pad,
              divisor_override):
    kernel, st, pad, _, outs, pads = _pool_args(input, nd, fname, kernel_size, stride, padding,
                                                1, ceil_mode, False)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    if input._data.dtype.kind in "bc":
        raise NotImplementedError(f'"avg_pool{nd}d" not implemented for '
                                  f"'{type_word(input._data.dtype)}'")
    div = P.avg_divisor(input.shape[-nd:], kernel, st, pad, outs, count_include_pad,
                        divisor_override)
    return _AVGPOOL[nd].apply(input, geom=(kernel, st, pads, outs), div=div)


# -- public functions ------------------------------------------------------------------------------
def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """2-d max pooling over (N, C, H, W) or (C, H, W); ``stride`` defaults to the kernel.

    With ``return_indices=True`` also returns the flat index (in each H*W plane) of each max.

    Example:
        >>> F.max_pool2d(ember.ones(1, 1, 5, 5), 2, ceil_mode=True).shape
        torch.Size([1, 1, 3, 3])
    """
    return _max_pool(input, 2, "max_pool2d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def max_pool3d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """3-d max pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _max_pool(input, 3, "max_pool3d", kernel_size, stride, padding, dilation, ceil_mode,
                     return_indices)


def _single(value, fname, what):
    if _is_int(value):
        return int(value)
    if isinstance(value, (tuple, list)) and len(value) == 1 and _is_int(value[0]):
        return int(value[0])
    if isinstance(value, (tuple, list)):
        raise RuntimeError(f"{fname}() {what} must be an int, list of ints or tuple of ints of "
                           f"size 1 but got size {len(value)}")
    raise TypeError(f"{fname}(): argument '{what}' must be tuple of ints, not "
                    f"{type(value).__name__}")


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    """1-d max pooling over (N, C, L) or (C, L).

    Example:
        >>> F.max_pool1d(ember.tensor([[[1., 3., 2., 0.]]]), 2).tolist()
        [[[3.0, 2.0]]]
    """
    if not isinstance(input, Tensor) or input.dim() not in (2, 3):
        shape = list(input.shape) if isinstance(input, Tensor) else input
        raise RuntimeError("max_pool1d: Expected 2D or 3D (batch mode) tensor with optional 0 "
                           f"dim batch size for input, but got:{shape}")
    k = _single(kernel_size, "max_pool1d", "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _single(stride, "max_pool1d", "stride")
    p = _single(padding, "max_pool1d", "padding")
    d = _single(dilation, "max_pool1d", "dilation")
    if k <= 0:
        raise RuntimeError(f"max_pool1d() kernel_size must be greater than zero, but got {k}")
    if s <= 0:
        raise RuntimeError(f"max_pool1d() stride must be greater than zero, but got {s}")
    if p < 0:
        raise RuntimeError(f"max_pool1d() padding must be non-negative, but got {p}")
    if p > k // 2:
        raise RuntimeError("max_pool1d() padding should be at most half of kernel size, but "
                           f"got padding={p} and kernel_size={k}")
    if d <= 0:
        raise RuntimeError(f"max_pool1d() dilation must be greater than zero, but got {d}")
    (o,), _ = P.pool_geometry((input.shape[-1],), (k,), (s,), (p,), (d,), ceil_mode)
    if o < 1:
        raise RuntimeError(f"max_pool1d() Invalid computed output size: {o}")
    r = max_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), (1, d), ceil_mode,
                   return_indices)
    if return_indices:
        return r[0].squeeze(-2), r[1].squeeze(-2)
    return r.squeeze(-2)


def max_pool1d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """``max_pool1d(..., return_indices=True)``."""
    return max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """``max_pool2d(..., return_indices=True)``."""
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool3d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    """``max_pool3d(..., return_indices=True)``."""
    return max_pool3d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """2-d average pooling over (N, C, H, W) or (C, H, W).

    ``count_include_pad=False`` divides by the number of real (unpadded) elements;
    ``divisor_override`` divides every window by that number instead.

    Example:
        >>> F.avg_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 2).tolist()
        [[[[2.5, 4.5], [10.5, 12.5]]]]
    """
    if isinstance(input, Tensor) and input.dim() < 3:
        raise IndexError(f"Dimension out of range (expected to be in range of "
                         f"[{-max(input.dim(), 1)}, {max(input.dim(), 1) - 1}], but got -3)")
    return _avg_pool(input, 2, "avg_pool2d", kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool3d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    """3-d average pooling over (N, C, D, H, W) or (C, D, H, W)."""
    return _avg_pool(input, 3, "avg_pool3d", kernel_size, stride, padding, ceil_mode,
                     count_include_pad, divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    """1-d average pooling over (N, C, L) or (C, L)."""
    if not isinstance(input, Tensor):
        raise TypeError("avg_pool1d(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           "tensor for argument #1 'self' (while checking arguments for "
                           "avg_pool1d)")
    k = _single(kernel_size, "avg_pool1d", "kernel_size")
    s = k if stride is None or (isinstance(stride, (tuple, list)) and not stride) else \
        _single(stride, "avg_pool1d", "stride")
    p = _single(padding, "avg_pool1d", "padding")
    out = avg_pool2d(input.unsqueeze(-2), (1, k), (1, s), (0, p), ceil_mode, count_include_pad)
    return out.squeeze(-2)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling: ``(sum over the window of x**p) ** (1/p)``."""
    kh, kw = (kernel_size, kernel_size) if _is_int(kernel_size) else kernel_size
    out = avg_pool2d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kh * kw).pow(1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode=False):
    """Power-average pooling over (N, C, L)."""
    out = avg_pool1d(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu()).mul(kernel_size).pow(1.0 / norm_type)


# -- max_unpool ---------------------------------------------------------------------------------
class _MaxUnpool(Op):
    """Values written (not added) at their flat per-plane indices of a zero image."""

    name_ = "MaxUnpool2DBackward0"

    @staticmethod
    def forward(ctx, x, idx, in_shape):
        xp = ctx.xp
        ctx.idx = idx
        n = x.size // max(x.shape[-1] * x.shape[-2], 1) if x.ndim > 2 else 1
        out = xp.zeros(in_shape, dtype=x.dtype)
        rows = xp.arange(n).reshape(n, 1)
        out.reshape(n, -1)[rows, idx.reshape(n, -1)] = x.reshape(n, -1)
        return out

    @staticmethod
    def backward(ctx, g):
        return _IndexGather.apply(g, idx=ctx.idx)


def _unpool_size(input, kernel, stride, padding, output_size):
    nd = len(kernel)
    default = [(input.shape[-nd + d] - 1) * stride[d] + kernel[d] - 2 * padding[d]
               for d in range(nd)]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    if len(output_size) != nd:
        raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                         f"elements, but it has a length of '{len(output_size)}'")
    for d in range(nd):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError(f'invalid output_size "{tuple(output_size)}" (dim {d} must be '
                             f"between {lo} and {hi})")
    return output_size


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of ``max_pool2d``: each value goes to its index in a zero image.

    Example:
        >>> x = ember.arange(16.).reshape(1, 1, 4, 4)
        >>> y, i = F.max_pool2d(x, 2, return_indices=True)
        >>> F.max_unpool2d(y, i, 2)[0, 0, 1].tolist()
        [0.0, 5.0, 0.0, 7.0]
    """
    kernel = _tuple_arg(kernel_size, 2, "max_unpool2d", "kernel_size")
    st = kernel if stride is None else _tuple_arg(stride, 2, "max_unpool2d", "stride")
    pad = _tuple_arg(padding, 2, "max_unpool2d", "padding")
    size = [int(v) for v in _unpool_size(input, kernel, st, pad, output_size)]
    if input.dim() not in (3, 4):
        raise RuntimeError("Input to max_unpooling2d should be a 3d or 4d Tensor, but got a "
                           f"tensor with {input.dim()} dimensions.")
    if indices._data.dtype.name != "int64":
        raise RuntimeError("elements in indices should be type int64 but got: "
                           f"{type_word(indices._data.dtype)}")
    if tuple(indices.shape) != tuple(input.shape):
        raise RuntimeError("Expected shape of indices to be same as that of the input tensor "
                           f"({list(input.shape)}) but got indices tensor with shape: "
                           f"{list(indices.shape)}")
    idx = indices._data
    wrong = (idx < 0) | (idx >= size[0] * size[1])
    if bool(wrong.any()):
        bad = int(idx.reshape(-1)[int(wrong.reshape(-1).argmax())])
        raise RuntimeError(f"Found an invalid max index: {bad} (output volumes are of size "
                           f"{size[0]}x{size[1]})")
    return _MaxUnpool.apply(input, idx=idx, in_shape=tuple(input.shape[:-2]) + tuple(size))


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """Partial inverse of ``max_pool1d``."""
    k = _single(kernel_size, "max_unpool1d", "kernel_size")
    s = k if stride is None else _single(stride, "max_unpool1d", "stride")
    p = _single(padding, "max_unpool1d", "padding")
    size = _unpool_size(input, (k,), (s,), (p,), output_size)
    out = max_unpool2d(input.unsqueeze(-1), indices.unsqueeze(-1), (k, 1), (s, 1), (p, 0),
                       size + [1])
    return out.squeeze(-1)

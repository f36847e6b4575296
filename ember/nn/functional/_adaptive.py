"""Adaptive pooling (re-exported by pooling.py): output i along an axis of length L pools the
window ``[floor(i*L/O), ceil((i+1)*L/O))``.

Average pooling is a separable linear map (``_resample``: gathers and unique scatters, its
backward the transposed map). Max pooling picks, per window, the first maximum in row-major
order (the last NaN if there are NaNs), as torch; its backward scatters to those indices.
"""
import functools
import numbers

import numpy as np

from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops._util import type_word
from . import _pool_kernels as P
from ._resample import AxisMap, map_op

__all__ = ["adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_avg_pool3d",
           "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool1d_with_indices",
           "adaptive_max_pool2d_with_indices"]


def _bounds(n_in, n_out):
    i = np.arange(n_out)
    start = (i * n_in) // n_out
    end = -((-(i + 1) * n_in) // n_out)
    return start, end


@functools.lru_cache(maxsize=256)
def _avg_map(n_in, n_out):
    start, end = _bounds(n_in, n_out)
    length = end - start
    terms = []
    for t in range(int(length.max()) if n_out else 0):
        sel = np.flatnonzero(length > t)
        terms.append((sel, start[sel] + t, 1.0 / length[sel]))
    return AxisMap(n_in, n_out, terms)


def _out_size(output_size, sizes, nd, fname):
    if isinstance(output_size, numbers.Integral) and not isinstance(output_size, bool):
        output_size = (int(output_size),) * nd
    elif output_size is None:
        output_size = (None,) * nd
    try:
        n = len(output_size)
    except TypeError:
        raise TypeError(f"object of type '{type(output_size).__name__}' has no len()") from None
    if n != nd:
        if fname.startswith("adaptive_max"):
            raise RuntimeError(f"{fname}(): internal error: output_size.size() must be {nd}")
        raise RuntimeError(f"{fname}: output_size must be {nd}")
    out = tuple(s if v is None else int(v) for v, s in zip(output_size, sizes))
    if any(v < 0 for v in out):
        raise RuntimeError(f"{fname}: elements of output_size must be greater than or equal to 0 "
                           f"but received {{{', '.join(str(v) for v in out)}}}")
    return out


def _check(input, nd, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    shape = list(input.shape)
    if input.dim() not in (nd + 1, nd + 2):
        colon = ":" if fname.startswith("adaptive_max") else ""
        raise RuntimeError(f"{fname}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{colon} "
                           f"{shape}")
    for i in range(input.dim() - nd - 1, input.dim()):
        if shape[i] == 0:
            raise RuntimeError(f"{fname}(): Expected input to have non-zero size for non-batch "
                               f"dimensions, but input has sizes {shape} with dimension {i} "
                               "being empty")
    if input._data.dtype.kind not in "fc":
        raise NotImplementedError(f'"{fname}" not implemented for '
                                  f"'{type_word(input._data.dtype)}'")


def _adaptive_avg(input, output_size, nd, fname):
    _check(input, nd, fname)
    sizes = tuple(input.shape[-nd:])
    outs = _out_size(output_size, sizes, nd, fname)
    if all(o == 1 for o in outs):
        return input.mean(tuple(range(-nd, 0)), keepdim=True)
    first = input.dim() - nd
    maps = tuple((first + i, _avg_map(s, o)) for i, (s, o) in enumerate(zip(sizes, outs)))
    return map_op(f"AdaptiveAvgPool{nd}DBackward0").apply(input, maps=maps)


def adaptive_avg_pool2d(input, output_size):
    """Average pooling to a fixed output size (an int, or a pair where None keeps that size).

    Example:
        >>> F.adaptive_avg_pool2d(ember.ones(1, 3, 7, 5), (2, None)).shape
        torch.Size([1, 3, 2, 5])
    """
    return _adaptive_avg(input, output_size, 2, "adaptive_avg_pool2d")


def adaptive_avg_pool3d(input, output_size):
    """Average pooling of (N, C, D, H, W) to a fixed output size."""
    return _adaptive_avg(input, output_size, 3, "adaptive_avg_pool3d")


def _one_int(output_size, fname):
    if isinstance(output_size, (tuple, list)):
        if len(output_size) != 1:
            raise RuntimeError(f"{fname}() argument 'output_size' should contain one int (got "
                               f"{len(output_size)})")
        return output_size[0]
    return output_size


def _check_1d(input, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"Expected 2 to 3 dimensions, but got {input.dim()}-dimensional "
                           f"tensor for argument #1 'self' (while checking arguments for {fname})")


def adaptive_avg_pool1d(input, output_size):
    """Average pooling of (N, C, L) to length ``output_size``."""
    _check_1d(input, "adaptive_avg_pool1d")
    o = _one_int(output_size, "adaptive_avg_pool1d")
    return adaptive_avg_pool2d(input.unsqueeze(-2), (1, o)).squeeze(-2)


# -- adaptive max ----------------------------------------------------------------------------------
def _adaptive_max_arrays(xp, x, outs):
    """(max values, flat indices) over the adaptive windows of x's last two axes."""
    h, w = x.shape[-2:]
    oh, ow = outs
    if oh and ow and h % oh == 0 and w % ow == 0:   # regular windows: strided slices
        k = (h // oh, w // ow)
        geom = (k, k, ((0, 0), (0, 0)), (1, 1))
        out = P.max_pool(xp, x, *geom, outs)
        hits = P.max_hits(xp, x, out, *geom)
        return out, P.hits_to_indices(xp, hits, (h, w), *geom, outs)
    (sh, eh), (sw, ew) = _bounds(h, oh), _bounds(w, ow)
    idx_h = [np.minimum(sh + t, eh - 1) for t in range(int((eh - sh).max(initial=1)))]
    idx_w = [np.minimum(sw + t, ew - 1) for t in range(int((ew - sw).max(initial=1)))]
    best = arg = None
    for ih in idx_h:
        xh = xp.take(x, xp.asarray(ih), axis=-2)
        for iw in idx_w:
            v = xp.take(xh, xp.asarray(iw), axis=-1)
            flat = xp.asarray(ih[:, None] * w + iw[None, :])
            if best is None:
                best, arg = v, xp.broadcast_to(flat, v.shape)
                continue
            m = (v > best) | xp.isnan(v)
            best = xp.where(m, v, best)
            arg = xp.where(m, flat, arg)
    return best, xp.ascontiguousarray(arg)


class _AdaptiveMax(Op):
    name_ = "AdaptiveMaxPool2DBackward0"
    save_inputs = ()

    @staticmethod
    def forward(ctx, x, outs):
        out, idx = _adaptive_max_arrays(ctx.xp, x, outs)
        ctx.idx, ctx.in_shape = idx, x.shape
        return out, idx

    @staticmethod
    def backward(ctx, gy, _gidx):
        return _IndexScatter.apply(gy, idx=ctx.idx, in_shape=ctx.in_shape)


def _planes(a, nd=2):
    lead = a.shape[:-nd]
    n = 1
    for s in lead:
        n *= s
    return n


class _IndexScatter(Op):
    """``gx`` with ``gy`` added at the flat per-plane ``idx`` (repeats accumulate)."""

    name_ = "AdaptiveMaxPool2DBackwardBackward0"

    @staticmethod
    def forward(ctx, gy, idx, in_shape):
        xp = ctx.xp
        ctx.idx = idx
        plane = in_shape[-1] * in_shape[-2]
        n = _planes(gy)
        lin = (idx.reshape(n, -1) + xp.arange(n).reshape(n, 1) * plane).reshape(-1)
        g = xp.bincount(lin, weights=gy.reshape(-1), minlength=n * plane)
        return g.astype(gy.dtype, copy=False).reshape(in_shape)

    @staticmethod
    def backward(ctx, g):
        return _IndexGather.apply(g, idx=ctx.idx)


class _IndexGather(Op):
    name_ = "AdaptiveMaxPool2DBackward0"

    @staticmethod
    def forward(ctx, g, idx):
        ctx.idx, ctx.in_shape = idx, g.shape
        n = _planes(g)
        flat = g.reshape(n, -1)
        return ctx.xp.take_along_axis(flat, idx.reshape(n, -1), axis=1).reshape(idx.shape)

    @staticmethod
    def backward(ctx, gy):
        return _IndexScatter.apply(gy, idx=ctx.idx, in_shape=ctx.in_shape)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    """Max pooling to a fixed output size; ``return_indices`` adds each max's flat index.

    Example:
        >>> F.adaptive_max_pool2d(ember.arange(16.).reshape(1, 1, 4, 4), 1).tolist()
        [[[[15.0]]]]
    """
    _check(input, 2, "adaptive_max_pool2d")
    outs = _out_size(output_size, tuple(input.shape[-2:]), 2, "adaptive_max_pool2d")
    out, idx = _AdaptiveMax.apply(input, outs=outs)
    return (out, idx) if return_indices else out


def adaptive_max_pool2d_with_indices(input, output_size, return_indices=True):
    """``adaptive_max_pool2d(..., return_indices=True)``."""
    return adaptive_max_pool2d(input, output_size, True)


def adaptive_max_pool1d(input, output_size, return_indices=False):
    """Max pooling of (N, C, L) to length ``output_size``."""
    _check_1d(input, "adaptive_max_pool1d")
    o = _one_int(output_size, "adaptive_max_pool1d")
    out, idx = adaptive_max_pool2d(input.unsqueeze(-2), (1, o), True)
    out = out.squeeze(-2)
    return (out, idx.squeeze(-2)) if return_indices else out


def adaptive_max_pool1d_with_indices(input, output_size, return_indices=True):
    """``adaptive_max_pool1d(..., return_indices=True)``."""
    return adaptive_max_pool1d(input, output_size, True)

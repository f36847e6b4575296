"""Array kernels of max and average pooling over the last ``nd`` axes (any leading axes).

Windows are strided views (``_im2col.window_view``); a pool is a handful of whole-array ops,
one per kernel offset: ``maximum`` for max-pooling (no argmax in the forward), ``+`` for
average pooling. The gradient of max-pooling goes to the FIRST maximum of each window in
row-major order (torch's rule; the LAST NaN when the window holds NaNs); the per-offset "hit"
masks that say where it goes are computed once in backward and shared with double backward.
"""
import functools
import itertools

import numpy as np

from ._im2col import padded, window_view

__all__ = ["pool_geometry", "max_pool", "max_hits", "hits_to_indices", "scatter_hits",
           "gather_hits", "avg_pool", "avg_divisor", "avg_scatter"]


def pool_geometry(sizes, kernel, stride, pad, dilation, ceil_mode):
    """Output sizes and the (lo, hi) padding that makes every window fit (torch's rules)."""
    outs, pads = [], []
    for s, k, st, p, d in zip(sizes, kernel, stride, pad, dilation):
        span = s + 2 * p - d * (k - 1) - 1
        o = (span + (st - 1 if ceil_mode else 0)) // st + 1
        if ceil_mode and (o - 1) * st >= s + p:
            o -= 1
        need = (o - 1) * st + d * (k - 1) + 1
        pads.append((p, max(p, need - s - p)))
        outs.append(o)
    return tuple(outs), tuple(pads)


def _offsets(kernel):
    return list(itertools.product(*(range(k) for k in kernel)))


def _lowest(xp, dtype):
    if dtype.kind == "f":
        return -np.inf
    if dtype.kind == "b":
        return False
    return np.iinfo(dtype).min


def _windows(xp, x, kernel, stride, pads, dilation, outs, value=0):
    nd = len(kernel)
    axes = tuple(range(x.ndim - nd, x.ndim))
    xpad = padded(xp, x, axes, pads, value)
    return window_view(xp, xpad, axes, kernel, stride, dilation, outs), xpad.shape


def max_pool(xp, x, kernel, stride, pads, dilation, outs):
    """Max over each window (NaN wins, as in torch)."""
    win, _ = _windows(xp, x, kernel, stride, pads, dilation, outs, _lowest(xp, x.dtype))
    offs = _offsets(kernel)
    if len(offs) == 1:
        return xp.ascontiguousarray(win[(Ellipsis,) + offs[0]])
    out = xp.maximum(win[(Ellipsis,) + offs[0]], win[(Ellipsis,) + offs[1]])
    for k in offs[2:]:
        xp.maximum(out, win[(Ellipsis,) + k], out=out)
    return out


def max_hits(xp, x, out, kernel, stride, pads, dilation):
    """One bool mask per kernel offset: where that offset holds the window's chosen maximum."""
    outs = out.shape[-len(kernel):]
    low = _lowest(xp, x.dtype)
    win, _ = _windows(xp, x, kernel, stride, pads, dilation, outs, low)
    valid = None
    if any(lo or hi for lo, hi in pads) and bool((out == low).any()):
        # a window of lowest values must pick a real element, never the padding
        real = xp.ones(x.shape[-len(kernel):], dtype=bool)
        valid, _ = _windows(xp, real, kernel, stride, pads, dilation, outs, False)
    hits, taken = [], None
    offsets = _offsets(kernel)
    for i, k in enumerate(offsets):
        h = win[(Ellipsis,) + k] == out
        if valid is not None:
            h &= valid[(Ellipsis,) + k]
        if i == 0:
            taken = h.copy()
        else:
            xp.greater(h, taken, out=h)        # h and not taken: only the first max counts
            if i < len(offsets) - 1:
                taken |= h
        hits.append(h)
    if x.dtype.kind == "f":
        nan_out = xp.isnan(out)
        if bool(nan_out.any()):
            seen = xp.zeros(out.shape, dtype=bool)
            for i, k in reversed(list(enumerate(_offsets(kernel)))):
                n = xp.isnan(win[(Ellipsis,) + k]) & ~seen
                seen |= n
                hits[i] |= n
    return hits


def hits_to_indices(xp, hits, in_sizes, kernel, stride, pads, dilation, outs):
    """torch's ``return_indices``: flat positions in the (unpadded) input planes, int64."""
    idx = xp.zeros(hits[0].shape, dtype=np.int64)
    for h, k in zip(hits, _offsets(kernel)):
        flat = np.zeros(outs, dtype=np.int64)
        mult = 1
        for ax in range(len(kernel) - 1, -1, -1):
            pos = np.arange(outs[ax]) * stride[ax] + k[ax] * dilation[ax] - pads[ax][0]
            shape = [1] * len(kernel)
            shape[ax] = outs[ax]
            flat = flat + pos.reshape(shape) * mult
            mult *= in_sizes[ax]
        idx = xp.where(h, xp.asarray(flat), idx)
    return idx


def _overlapping(kernel, stride, dilation):
    return any(s < d * (k - 1) + 1 for k, s, d in zip(kernel, stride, dilation))


def _crop(xp, a, in_sizes, pads):
    if not any(lo or hi for lo, hi in pads):
        return a
    sl = (Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(in_sizes, pads))
    return xp.ascontiguousarray(a[sl])


def _tiles(kernel, stride, dilation, outs, padded_sizes):
    """Whether the windows cover every padded position exactly once."""
    return all(d == 1 and s == k and o * s == n
               for k, s, d, o, n in zip(kernel, stride, dilation, outs, padded_sizes))


def _scatter(xp, parts, lead, in_sizes, kernel, stride, pads, dilation, dtype, mask=None):
    """Sum ``parts`` (one output-shaped array per offset, or one array times each ``mask``)
    back into input-shaped windows."""
    nd = len(kernel)
    outs = (parts[0] if mask is None else parts).shape[-nd:]
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(in_sizes, pads))
    full = tuple(lead) + sp
    g = xp.empty(full, dtype) if _tiles(kernel, stride, dilation, outs, sp) else \
        xp.zeros(full, dtype)
    axes = tuple(range(len(lead), len(lead) + nd))
    win = window_view(xp, g, axes, kernel, stride, dilation, outs)
    add = _overlapping(kernel, stride, dilation)
    for i, k in enumerate(_offsets(kernel)):
        dst = win[(Ellipsis,) + k]
        if mask is not None:           # parts * mask[i], written straight into the window
            if add:
                dst += parts * mask[i]
            else:
                xp.multiply(parts, mask[i], out=dst)
        elif add:
            dst += parts[i]
        else:
            dst[...] = parts[i]
    return _crop(xp, g, in_sizes, pads)


def scatter_hits(xp, gy, hits, in_sizes, kernel, stride, pads, dilation):
    """Backward of max-pooling: each output's gradient added at its window's maximum."""
    lead = gy.shape[:-len(kernel)]
    if gy.dtype.kind != "f" or bool(xp.isfinite(gy).all()):   # gy * mask: no 0 * inf here
        return _scatter(xp, gy, lead, in_sizes, kernel, stride, pads, dilation, gy.dtype,
                        mask=hits)
    zero = xp.zeros((), dtype=gy.dtype)
    parts = [xp.where(h, gy, zero) for h in hits]
    return _scatter(xp, parts, lead, in_sizes, kernel, stride, pads, dilation, gy.dtype)


def gather_hits(xp, g, hits, kernel, stride, pads, dilation):
    """Transpose of ``scatter_hits``: the value of ``g`` at each window's maximum."""
    outs = hits[0].shape[-len(kernel):]
    win, _ = _windows(xp, g, kernel, stride, pads, dilation, outs)
    out = xp.zeros(hits[0].shape, dtype=g.dtype)
    for h, k in zip(hits, _offsets(kernel)):
        out = xp.where(h, win[(Ellipsis,) + k], out)
    return out


@functools.lru_cache(maxsize=256)
def avg_divisor(in_sizes, kernel, stride, pad, outs, count_include_pad, divisor_override):
    """The divisor of each output position (a NumPy array of the output's spatial shape)."""
    if divisor_override:
        div = np.full(outs, float(divisor_override))
        div.flags.writeable = False      # cached: shared by calls
        return div
    div = np.ones(outs)
    for ax, (s, k, st, p, o) in enumerate(zip(in_sizes, kernel, stride, pad, outs)):
        start = np.arange(o) * st - p
        end = np.minimum(start + k, s + p)
        n = end - start
        if not count_include_pad:
            n = np.minimum(end, s) - np.maximum(start, 0)
        shape = [1] * len(outs)
        shape[ax] = o
        div = div * n.reshape(shape)
    div.flags.writeable = False
    return div


def avg_pool(xp, x, kernel, stride, pads, outs, div):
    """Window sums divided by ``div`` (integers: truncating division, as torch)."""
    ones = (1,) * len(kernel)
    win, _ = _windows(xp, x, kernel, stride, pads, ones, outs)
    offs = _offsets(kernel)
    acc_dtype = x.dtype if x.dtype.kind in "fc" else np.dtype(np.int64)
    s = win[(Ellipsis,) + offs[0]].astype(acc_dtype, copy=True)
    for k in offs[1:]:
        s += win[(Ellipsis,) + k]
    if x.dtype.kind in "fc":
        s /= xp.asarray(div, dtype=x.dtype)
        return s
    d = xp.asarray(div.astype(np.int64))
    q = xp.abs(s) // d
    return (xp.where(s < 0, -q, q)).astype(x.dtype)


def avg_scatter(xp, gy, in_sizes, kernel, stride, pads, div):
    """Backward of average pooling."""
    ones = (1,) * len(kernel)
    part = gy / xp.asarray(div, dtype=gy.dtype)
    parts = [part] * len(_offsets(kernel))
    return _scatter(xp, parts, gy.shape[:-len(kernel)], in_sizes, kernel, stride, pads, ones,
                    gy.dtype)

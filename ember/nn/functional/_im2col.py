"""Array kernels behind convolution, unfold and fold (raw NumPy/CuPy arrays, no autograd).

Convolution works in a "column layout": an (N, C, *S) activation is handled as
(S1, C, S2..., N) (as (C, S1, N) for 1-d), so that

* the im2col copy reads long contiguous runs (the inner block is S2...*N, not one short row),
* the product is ONE batched matmul, ``W (g, O/g, C/g*K) @ cols (S1, g, C/g*K, S2...*N)``,
  batched over the first output dimension (one huge skinny GEMM is 2-3x slower in OpenBLAS),
* the col2im scatter-add (one strided add per kernel offset) also runs over long rows.

Results are copied back to a contiguous (N, C, *S) array once. Big problems make and use
their columns a few output rows at a time (``_CHUNK_BYTES``), so they stay in cache; small
ones (LeNet's) make them in one piece, which the forward keeps for the weight gradient.

``geom`` below is ``(stride, pads, dilation, groups)`` with one ``(lo, hi)`` pad pair per
spatial dimension.
"""
import itertools
import math

import numpy as np

__all__ = ["out_sizes", "window_view", "padded", "conv_cols", "conv_forward",
           "conv_input_grad", "conv_weight_grad", "unfold_cols", "fold_cols"]


def out_sizes(sizes, kernel, stride, pads, dilation):
    """Output sizes of a sliding window (floor mode)."""
    return tuple((s + lo + hi - d * (k - 1) - 1) // st + 1
                 for s, k, st, (lo, hi), d in zip(sizes, kernel, stride, pads, dilation))


def window_view(xp, a, axes, kernel, stride, dilation, outs):
    """A strided view of ``a`` whose ``axes`` index window positions (``outs`` of them) and
    whose trailing axes index the kernel offsets: ``v[..., o, ..., k] = a[..., o*s + k*d, ...]``.
    """
    shape = list(a.shape)
    strides = list(a.strides)
    tail_shape, tail_strides = [], []
    for ax, k, s, d, o in zip(axes, kernel, stride, dilation, outs):
        tail_shape.append(k)
        tail_strides.append(a.strides[ax] * d)
        shape[ax] = o
        strides[ax] = a.strides[ax] * s
    return xp.lib.stride_tricks.as_strided(a, tuple(shape) + tuple(tail_shape),
                                           tuple(strides) + tuple(tail_strides))


def padded(xp, a, axes, pads, value=0):
    """``a`` with ``pads`` ((lo, hi) per axis in ``axes``) filled with ``value`` (a new array);
    ``a`` itself when there is no padding."""
    if not any(lo or hi for lo, hi in pads):
        return a
    shape = list(a.shape)
    inner = [slice(None)] * a.ndim
    for ax, (lo, hi) in zip(axes, pads):
        inner[ax] = slice(lo, lo + shape[ax])
        shape[ax] += lo + hi
    out = xp.full(shape, value, dtype=a.dtype) if value else xp.zeros(shape, dtype=a.dtype)
    out[tuple(inner)] = a
    return out


# -- the column layout -----------------------------------------------------------------------------
def _to_cl(a):
    """(N, C, *S) -> the column layout view: (S1, C, S2..., N), or (C, S1, N) in 1-d."""
    nd = a.ndim - 2
    if nd == 1:
        return a.transpose(1, 2, 0)
    return a.transpose((2, 1) + tuple(range(3, nd + 2)) + (0,))


def _from_cl(a):
    """Inverse of ``_to_cl``: a column-layout array viewed as (N, C, *S)."""
    nd = a.ndim - 2
    if nd == 1:
        return a.transpose(2, 0, 1)
    return a.transpose((nd + 1, 1, 0) + tuple(range(2, nd + 1)))


def _batches(outs, n):
    """(batch count, columns per batch) of the column layout for output sizes ``outs``."""
    if len(outs) == 1:
        return 1, outs[0] * n
    return outs[0], math.prod(outs[1:]) * n


_CHUNK_BYTES = 8 << 20    # im2col columns are made and used this many bytes at a time


def _windows(xp, x, kernel, geom, outs):
    """The strided window view of ``x`` (N, C, *S) in the column layout, (C, *O, N, *K)."""
    stride, pads, dilation, _ = geom
    nd = len(kernel)
    xt = x.transpose((1,) + tuple(range(2, nd + 2)) + (0,))       # (C, *S, N), a view
    # one transposing copy to (C, *S, N) memory (with the padding), so that the window copies
    # read long contiguous runs
    xpad = padded(xp, xt, range(1, nd + 1), pads)
    xt = xp.ascontiguousarray(xt) if xpad is xt else xpad
    if outs is None:
        outs = out_sizes(x.shape[2:], kernel, stride, pads, dilation)
    return window_view(xp, xt, range(1, nd + 1), kernel, stride, dilation, outs), tuple(outs)


def _chunks(nb, cols_bytes):
    """Slices of the batch axis (the first output dimension) holding ~_CHUNK_BYTES of columns:
    working chunk by chunk keeps the columns in cache."""
    step = max(1, min(nb, nb * _CHUNK_BYTES // max(cols_bytes, 1)))
    return [slice(a, min(a + step, nb)) for a in range(0, nb, step)]


def _cols_of(xp, win, rows, groups):
    """im2col of the output rows ``rows``: (rows, g, C/g*prod(K), R) from a ``_windows`` view."""
    nd = (win.ndim - 2) // 2
    c, n = win.shape[0], win.shape[nd + 1]
    kernel = win.shape[nd + 2:]
    ks = tuple(range(nd + 2, 2 * nd + 2))
    if nd == 1:
        cols = win.transpose((0,) + ks + (1, 2))                   # (C, K, O1, N): one batch
        return xp.ascontiguousarray(cols).reshape(1, groups, -1, win.shape[1] * n)
    part = win[:, rows]
    cols = part.transpose((1, 0) + ks + tuple(range(2, nd + 1)) + (nd + 1,))
    r = math.prod(win.shape[2:nd + 1]) * n
    return xp.ascontiguousarray(cols).reshape(
        part.shape[1], groups, c // groups * math.prod(kernel), r)


def _plan(win):
    """The chunks (slices of output rows) in which to make the columns of ``win``."""
    nd = (win.ndim - 2) // 2
    if nd == 1:
        return [slice(0, 1)]
    return _chunks(win.shape[1], math.prod(win.shape) * win.itemsize)


def conv_cols(xp, x, kernel, geom, outs=None):
    """im2col of ``x`` (N, C, *S): columns (B, g, C/g*prod(K), R) in the column layout."""
    win, outs = _windows(xp, x, kernel, geom, outs)
    return _cols_of(xp, win, slice(None), geom[3]), outs


def _grouped_weight(w, groups):
    return w.reshape(groups, w.shape[0] // groups, -1)


def conv_forward(xp, x, w, b, geom, outs=None, want_cols=False):
    """Convolution of ``x`` (N, C, *S) with ``w`` (O, C/g, *K) plus bias ``b`` (or None);
    returns the contiguous (N, O, *O_sizes) result, and the columns when ``want_cols`` and
    they were made in one piece (else None)."""
    groups = geom[3]
    n = x.shape[0]
    kernel = w.shape[2:]
    o = w.shape[0]
    wg = _grouped_weight(w, groups)
    win, outs = _windows(xp, x, kernel, geom, outs)
    plan = _plan(win)
    cols = None
    if len(plan) == 1:
        cols = _cols_of(xp, win, plan[0], groups)
        y = xp.matmul(wg, cols)                                  # (B, g, O/g, R)
    else:
        nb, r = _batches(outs, n)
        y = xp.empty((nb, groups, o // groups, r), dtype=x.dtype)
        for rows in plan:
            xp.matmul(wg, _cols_of(xp, win, rows, groups), out=y[rows])
    if len(outs) == 1:
        y = y.reshape(o, outs[0], n)
    else:
        y = y.reshape((outs[0], o) + tuple(outs[1:]) + (n,))
    out = xp.ascontiguousarray(_from_cl(y))
    if b is not None:
        out += b.reshape((o,) + (1,) * len(outs))
    return (out, cols) if want_cols else out


def _grad_cols(xp, gy, groups):
    """``gy`` (N, O, *O_sizes) in the column layout, shaped (B, g, O/g, R) (one copy)."""
    n, o = gy.shape[:2]
    b, r = _batches(gy.shape[2:], n)
    return xp.ascontiguousarray(_to_cl(gy)).reshape(b, groups, o // groups, r)


def conv_input_grad(xp, gy, w, in_sizes, geom):
    """Gradient of a convolution wrt its input (also: the transposed convolution of ``gy``).

    ``gy`` is (N, O, *O_sizes), ``w`` (O, C/g, *K); returns contiguous (N, C, *in_sizes).
    """
    stride, pads, dilation, groups = geom
    nd = len(in_sizes)
    n = gy.shape[0]
    kernel = tuple(w.shape[2:])
    c = w.shape[1] * groups
    outs = tuple(gy.shape[2:])
    gyc = _grad_cols(xp, gy, groups)                             # (B, g, O/g, R)
    nb, _, _, r = gyc.shape
    ck = w.shape[1] * math.prod(kernel)
    wt = _grouped_weight(w, groups).swapaxes(-1, -2)[:, None]     # (g, 1, C/g*K, O/g)
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(in_sizes, pads))
    gxp = xp.zeros((c,) + sp + (n,), dtype=gyc.dtype)
    win = window_view(xp, gxp, range(1, nd + 1), kernel, stride, dilation, outs)
    plan = [slice(None)] if nd == 1 else _chunks(nb, c * math.prod(kernel) * nb * r *
                                                 gyc.itemsize)
    for rows in plan:
        g_in = gyc[rows].transpose(1, 0, 2, 3)                   # (g, rows, O/g, R)
        m = g_in.shape[1]
        # the product lands in (g, C/g*K, rows, R) memory = (C, *K, rows, O2.., N): the
        # scatter below reads it in order
        if gyc.__class__ is np.ndarray:
            gcols = xp.empty((groups, ck, m, r), dtype=gyc.dtype)
            xp.matmul(wt, g_in, out=gcols.transpose(0, 2, 1, 3))
        else:
            gcols = xp.ascontiguousarray(xp.matmul(wt, g_in).transpose(0, 2, 1, 3))
        rest = outs if nd == 1 else (m,) + outs[1:]
        gcols = gcols.reshape((c,) + kernel + rest + (n,))
        part = win if nd == 1 else win[:, rows]
        for k in itertools.product(*(range(s) for s in kernel)):
            part[(Ellipsis,) + k] += gcols[(slice(None),) + k]
    crop = (slice(None),) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(in_sizes, pads))
    gx = gxp[crop + (slice(None),)]
    return xp.ascontiguousarray(gx.transpose((nd + 1,) + tuple(range(nd + 1))))


def conv_weight_grad(xp, x, gy, kernel, geom, cols=None):
    """Gradient of a convolution wrt its weight: (O, C/g, *K) from input ``x`` and ``gy``.

    ``cols`` (the forward's im2col of ``x``) saves recomputing it.
    """
    groups = geom[3]
    gyc = _grad_cols(xp, gy, groups).swapaxes(-1, -2)              # (B, g, R, O/g)
    # cols @ gy^T (not gy @ cols^T): OpenBLAS is up to 2x faster in this orientation here
    if cols is not None:
        parts = [xp.matmul(cols, gyc)]
    else:
        win, _ = _windows(xp, x, kernel, geom, gy.shape[2:])
        parts = [xp.matmul(_cols_of(xp, win, rows, groups), gyc[rows])
                 for rows in _plan(win)]
    g = None
    for p in parts:                                               # each (rows, g, C/g*K, O/g)
        p = p.sum(0) if p.shape[0] > 1 else p[0]
        g = p if g is None else g + p
    return xp.ascontiguousarray(g.swapaxes(-1, -2)).reshape(
        (gy.shape[1], x.shape[1] // groups) + tuple(kernel))


# -- unfold / fold: torch's (N, C*prod(K), L) layout ------------------------------------------
def unfold_cols(xp, x, kernel, stride, pads, dilation):
    """``F.unfold``: (N, C, *S) -> (N, C*prod(K), L), channel-major rows (c, k...)."""
    nd = len(kernel)
    n, c = x.shape[:2]
    axes = range(2, nd + 2)
    xpad = padded(xp, x, axes, pads)
    outs = out_sizes(x.shape[2:], kernel, stride, pads, dilation)
    win = window_view(xp, xpad, axes, kernel, stride, dilation, outs)   # (N, C, *O, *K)
    perm = (0, 1) + tuple(range(nd + 2, 2 * nd + 2)) + tuple(axes)
    return xp.ascontiguousarray(win.transpose(perm)).reshape(
        n, c * math.prod(kernel), math.prod(outs))


def fold_cols(xp, cols, out_size, kernel, stride, pads, dilation):
    """``F.fold``: (N, C*prod(K), L) -> (N, C, *out_size), summing overlapping values."""
    nd = len(kernel)
    n = cols.shape[0]
    c = cols.shape[1] // math.prod(kernel)
    outs = out_sizes(out_size, kernel, stride, pads, dilation)
    src = cols.reshape((n, c) + tuple(kernel) + tuple(outs))
    sp = tuple(s + lo + hi for s, (lo, hi) in zip(out_size, pads))
    out = xp.zeros((n, c) + sp, dtype=cols.dtype)
    win = window_view(xp, out, range(2, nd + 2), kernel, stride, dilation, outs)
    for k in itertools.product(*(range(s) for s in kernel)):
        win[(Ellipsis,) + k] += src[(slice(None), slice(None)) + k]
    crop = (slice(None), slice(None)) + tuple(slice(lo, lo + s)
                                              for s, (lo, _) in zip(out_size, pads))
    return xp.ascontiguousarray(out[crop])

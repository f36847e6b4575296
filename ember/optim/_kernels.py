"""The arithmetic of the optimizers, on raw arrays, in place.

Each ``*_chunk`` function updates one piece of a parameter and its state with in-place ufunc
calls (``out=``), in the same order of operations as torch's single-tensor CPU implementation,
so results agree to the last bit or two. ``run`` feeds the pieces: for a large C-contiguous
NumPy parameter it walks the flat arrays in chunks of ``CHUNK`` elements, so that the ten or so
passes of an update stay in cache and main memory is read and written about once per state
(torch's kernels each stream through memory; bench/optim_step.py compares). Small, strided and
CuPy arrays go through whole. Scratch buffers are reused across calls (one set per thread).

Scalars arrive in ``c`` already converted to the array's dtype (torch casts a Python scalar to
the tensor's dtype before the kernel runs, and NumPy would otherwise compute in float64).
"""
import threading

import numpy as np

CHUNK = 1 << 18


class Consts:
    """The scalars of one update, as attributes."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _xp(array):
    if array.__class__ is np.ndarray:
        return np
    from ..device import cupy
    return cupy()


_REAL = {np.dtype(np.complex64): np.float32, np.dtype(np.complex128): np.float64}


def scalar_type(array):
    """The NumPy scalar type an update's constants take for this array."""
    return _REAL.get(array.dtype) or array.dtype.type


def lerp_consts(c, w, dt):
    """Fill c.w, c.w_small, c.w_1 for a lerp with weight ``w`` (cast to dtype ``dt``)."""
    c.w = dt(w)
    c.w_small = abs(c.w) < 0.5
    c.w_1 = c.w - dt(1)


def _real(a):
    if a is None or a.dtype.kind != "c":
        return a
    # torch updates complex parameters through view_as_real: component by component.
    return a.view(a.real.dtype)


_local = threading.local()


def _scratch(dtype, count):
    """``count`` reusable CHUNK-sized NumPy buffers of ``dtype`` (one set per thread)."""
    cache = getattr(_local, "bufs", None)
    if cache is None:
        cache = _local.bufs = {}
    bufs = cache.get(dtype)
    if bufs is None or len(bufs) < count or bufs[0].size != CHUNK:
        bufs = cache[dtype] = [np.empty(CHUNK, dtype) for _ in range(max(count, 2))]
    return bufs[:count]


def run(chunk_fn, arrays, nscratch, c):
    """Call ``chunk_fn(xp, *pieces, *scratch, c)`` over matching pieces of ``arrays``.

    ``arrays`` are same-shape arrays (None entries pass through as None): the parameter first.
    """
    first = arrays[0]
    shape = first.shape
    for a in arrays:
        if a is not None and a.shape != shape:
            raise RuntimeError(f"optimizer state of shape {list(a.shape)} does not match its "
                               f"parameter of shape {list(shape)}")
    if first.dtype.kind == "c":
        arrays = [_real(a) for a in arrays]
        first = arrays[0]
        shape = first.shape
    xp = _xp(first)
    n = first.size
    if xp is not np:
        chunk_fn(xp, *arrays, *[xp.empty_like(first) for _ in range(nscratch)], c)
    elif n <= CHUNK:
        chunk_fn(np, *arrays, *[s[:n].reshape(shape) for s in _scratch(first.dtype, nscratch)],
                 c)
    elif all(a is None or a.flags.c_contiguous for a in arrays):
        flats = [None if a is None else a.reshape(-1) for a in arrays]
        scratch = _scratch(first.dtype, nscratch)
        for start in range(0, n, CHUNK):
            stop = start + CHUNK
            k = CHUNK if stop <= n else n - start
            chunk_fn(np, *[None if f is None else f[start:stop] for f in flats],
                     *[s[:k] for s in scratch], c)
    else:
        chunk_fn(np, *arrays, *[np.empty(shape, first.dtype) for _ in range(nscratch)], c)


def _grad(xp, p, g, t, c, fused=False):
    """The gradient the update uses: -g when maximizing, plus weight_decay * p (in t if new)."""
    if c.wd:
        if fused:
            if c.maximize:
                xp.negative(g, out=t)
                g = t
            _fma_into(xp, t, p, c.wd, g)
            return t
        xp.multiply(p, c.wd, out=t)
        (xp.subtract if c.maximize else xp.add)(t, g, out=t)
        return t
    if c.maximize:
        xp.negative(g, out=t)
        return t
    return g


def _lerp(xp, start, end, t, c):
    """start.lerp_(end, w), with torch's two formulas (|w| < 0.5 or not)."""
    xp.subtract(end, start, out=t)
    if c.w_small:
        xp.multiply(t, c.w, out=t)
        xp.add(start, t, out=start)
    else:
        xp.multiply(t, c.w_1, out=t)        # (end - start) * (w - 1)
        xp.add(end, t, out=start)


# torch's lerp and addcmul kernels round once (fused multiply-add). Where it shows, because
# centered RMSprop subtracts two nearly equal numbers, the *_fused helpers below do the same
# with a float64 detour for float32 (a product of two float32 numbers is exact in float64).
# Elsewhere the plain float32 forms differ from torch's in the last bit only, and are 2-4x
# cheaper.

def _fma_into(xp, out, a, b, c):
    """out = a * b + c rounded once (a, c arrays or scalars; out may alias an input)."""
    if out.dtype.itemsize < 8:
        wide = xp.multiply(a, b, dtype=xp.float64)
        xp.add(wide, c, out=wide)
        xp.copyto(out, wide, casting="same_kind")
    else:
        xp.add(xp.multiply(a, b), c, out=out)


def _lerp_fused(xp, start, end, t, c):
    xp.subtract(end, start, out=t)
    if c.w_small:
        _fma_into(xp, start, t, c.w, start)
    else:
        _fma_into(xp, start, t, c.w_1, end)


def _addcmul_sq_fused(xp, a, g, value, t):
    """a += (value * g) * g, rounded as torch's addcmul_(g, g, value=value)."""
    xp.multiply(g, value, out=t)
    _fma_into(xp, a, t, g, a)


def _sub_square_fused(xp, a, b, out):
    """out = a - b * b (torch's a.addcmul(b, b, value=-1))."""
    xp.negative(b, out=out)
    _fma_into(xp, out, out, b, a)


def sgd_chunk(xp, p, g, buf, t1, t2, c):
    g = _grad(xp, p, g, t1, c)
    if buf is not None:
        if c.first:
            xp.copyto(buf, g)
        else:
            xp.multiply(buf, c.momentum, out=buf)
            if c.damp_alpha != 1:
                xp.multiply(g, c.damp_alpha, out=t2)
                xp.add(buf, t2, out=buf)
            else:
                xp.add(buf, g, out=buf)
        if c.nesterov:
            xp.multiply(buf, c.momentum, out=t2)
            xp.add(g, t2, out=t2)
            g = t2
        else:
            g = buf
    xp.multiply(g, c.neg_lr, out=t2)
    xp.add(p, t2, out=p)


def adam_chunk(xp, p, g, m, v, vmax, t1, t2, c):
    if c.decay is not None:
        xp.multiply(p, c.decay, out=p)
    g = _grad(xp, p, g, t1, c)
    _lerp(xp, m, g, t2, c)
    xp.multiply(v, c.beta2, out=v)
    xp.multiply(g, c.one_minus_beta2, out=t2)
    xp.multiply(t2, g, out=t2)
    xp.add(v, t2, out=v)
    if vmax is not None:
        xp.maximum(vmax, v, out=vmax)
        v = vmax
    xp.sqrt(v, out=t2)
    xp.divide(t2, c.bc2_sqrt, out=t2)
    xp.add(t2, c.eps, out=t2)
    xp.multiply(m, c.neg_step_size, out=t1)
    xp.divide(t1, t2, out=t1)
    xp.add(p, t1, out=p)


def rmsprop_chunk(xp, p, g, sq, gavg, buf, t1, t2, c):
    g = _grad(xp, p, g, t1, c, fused=gavg is not None)
    xp.multiply(sq, c.alpha, out=sq)
    if gavg is not None:
        _addcmul_sq_fused(xp, sq, g, c.w, t2)
        _lerp_fused(xp, gavg, g, t2, c)
        _sub_square_fused(xp, sq, gavg, t2)
        xp.sqrt(t2, out=t2)
    else:
        xp.multiply(g, c.w, out=t2)
        xp.multiply(t2, g, out=t2)
        xp.add(sq, t2, out=sq)
        xp.sqrt(sq, out=t2)
    xp.add(t2, c.eps, out=t2)
    if buf is not None:
        xp.multiply(buf, c.momentum, out=buf)
        xp.divide(g, t2, out=t2)
        xp.add(buf, t2, out=buf)
        xp.multiply(buf, c.neg_lr, out=t2)
        xp.add(p, t2, out=p)
    else:
        xp.multiply(g, c.neg_lr, out=t1)
        xp.divide(t1, t2, out=t1)
        xp.add(p, t1, out=p)


def adagrad_chunk(xp, p, g, s, t1, t2, c):
    g = _grad(xp, p, g, t1, c)
    xp.multiply(g, g, out=t2)
    xp.add(s, t2, out=s)
    xp.sqrt(s, out=t2)
    xp.add(t2, c.eps, out=t2)
    xp.multiply(g, c.neg_lr, out=t1)
    xp.divide(t1, t2, out=t1)
    xp.add(p, t1, out=p)

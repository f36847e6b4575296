"""Separable index maps: the linear ops behind non-constant padding, interpolation and adaptive
average pooling.

Along one axis such an op is ``out[j] = sum over terms of w[j] * x[src[j]]``. A map is kept as
a few *terms* ``(dst, src, w)`` in which ``dst`` never repeats; for the transpose (the backward)
the terms are cut further so that ``src`` never repeats either. Both directions are then plain
fancy-index gathers plus ``+=`` scatters that never hit one place twice: no ``add.at``, the
same code on NumPy and CuPy. Maps are built on the host
(small index arrays) and cached.

``_MapOp`` applies one map per axis; its backward is ``_MapOp`` with the transposed maps, so
gradients of any order work.
"""
import functools

import numpy as np

from ...autograd.function import Op

__all__ = ["AxisMap", "map_op", "apply_maps"]


class AxisMap:
    """A linear map from length ``n_in`` to ``n_out`` along one axis, as unique-index terms."""

    def __init__(self, n_in, n_out, terms):
        self.n_in, self.n_out = n_in, n_out
        self.terms = [(np.asarray(d, np.int64), np.asarray(s, np.int64),
                       None if w is None else np.asarray(w, np.float64)) for d, s, w in terms]
        self.split = []            # the same terms, cut so that ``src`` never repeats in one
        for dst, src, w in self.terms:
            self.split.extend(_split_unique(dst, src, w))
        self._on = {}

    @classmethod
    def gather(cls, n_in, src):
        """``out[j] = x[src[j]]``."""
        return cls(n_in, len(src), [(np.arange(len(src)), src, None)])

    def terms_for(self, xp, dtype, transpose):
        """The terms as arrays of module ``xp``, weights in ``dtype`` (cached)."""
        key = (xp.__name__, np.dtype(dtype).str, transpose)
        got = self._on.get(key)
        if got is None:
            got = [(xp.asarray(d), xp.asarray(s), None if w is None else xp.asarray(w, dtype),
                    _is_identity(d, self.n_out))
                   for d, s, w in (self.split if transpose else self.terms)]
            self._on[key] = got
        return got


def _is_identity(dst, n):
    return len(dst) == n and bool(np.all(dst == np.arange(n)))


def _split_unique(dst, src, w):
    """Split one term into terms whose ``src`` has no repeats (``dst`` never repeats)."""
    if len(src) == 0:
        return []
    order = np.argsort(src, kind="stable")
    s = src[order]
    start = np.r_[0, np.flatnonzero(s[1:] != s[:-1]) + 1]
    run_start = np.repeat(start, np.diff(np.r_[start, len(s)]))
    rank = np.empty(len(src), np.int64)
    rank[order] = np.arange(len(s)) - run_start
    out = []
    for r in range(int(rank.max()) + 1):
        sel = rank == r
        if sel.all():
            out.append((dst, src, w))
        else:
            out.append((dst[sel], src[sel], None if w is None else w[sel]))
    return out


def _weighted(xp, v, w, axis, ndim):
    if w is None:
        return v
    return v * w.reshape((-1,) + (1,) * (ndim - axis - 1))


def _apply_one(xp, a, axis, amap, transpose):
    n_new = amap.n_in if transpose else amap.n_out
    lead = (slice(None),) * axis
    out = None
    for dst, src, w, ident in amap.terms_for(xp, a.dtype, transpose):
        take_from, put_to = (dst, src) if transpose else (src, dst)
        v = _weighted(xp, xp.take(a, take_from, axis=axis), w, axis, a.ndim)
        if ident and not transpose:        # dst is 0..n_out-1: a whole-array add
            if out is None:
                out = v                    # a fresh array (take copies)
            else:
                out += v
            continue
        if out is None:
            shape = list(a.shape)
            shape[axis] = n_new
            out = xp.zeros(shape, dtype=a.dtype)
        out[lead + (put_to,)] += v
    if out is None:
        shape = list(a.shape)
        shape[axis] = n_new
        out = xp.zeros(shape, dtype=a.dtype)
    return out


def apply_maps(xp, a, maps, transpose=False):
    """Apply ``maps`` (``(axis, AxisMap)`` pairs) to array ``a`` (or their transposes)."""
    for axis, amap in (reversed(maps) if transpose else maps):
        a = _apply_one(xp, a, axis, amap, transpose)
    return a


class _MapOp(Op):
    """``maps`` applied to x (or their transposes); the backward applies the other direction."""

    name_ = None
    pair = None     # the class of the backward op

    @staticmethod
    def forward(ctx, x, maps, transpose=False):
        ctx.maps, ctx.transpose = maps, transpose
        return apply_maps(ctx.xp, x, maps, transpose)

    @classmethod
    def backward(cls, ctx, grad):
        return cls.pair.apply(grad, maps=ctx.maps, transpose=not ctx.transpose)


@functools.lru_cache(maxsize=None)
def map_op(name):
    """The op class named ``name`` (torch's node name), its backward named ``name``'s
    ``...BackwardBackward0``."""
    base = name[:-len("Backward0")] if name.endswith("Backward0") else name
    fwd = type("_Map_" + base, (_MapOp,), {"name_": name})
    bwd = type("_MapT_" + base, (_MapOp,), {"name_": base + "BackwardBackward0"
                                             if name.endswith("Backward0") else name})
    fwd.pair, bwd.pair = bwd, fwd
    return fwd

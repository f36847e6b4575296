"""Fused multiply-add (one rounding), emulated exactly with NumPy, which has no fma.

torch's kernels are compiled with FMA contraction, so matching them bit for bit needs
``fma(a, b, c) = round(a*b + c)`` with a single rounding, in float32 and in float64.

Example:
    >>> import numpy as np
    >>> 0.1 * 10.0 - 1.0, float(fma64(np.array([0.1]), 10.0, -1.0)[0])
    (0.0, 5.551115123125783e-17)
"""
import numpy as np

_F64 = np.float64
_INF = np.inf
_SPLIT = 134217729.0  # 2**27 + 1, Veltkamp's splitter for doubles
# A float64 whose low 29 bits are 1000...0 lies exactly halfway between two float32 values.
_LOW29, _HALF29 = np.uint64(0x1FFFFFFF), np.uint64(0x10000000)


def fma32(a, b, c):
    """float32 fma of float32 operands (arrays or float32 scalars); returns float32.

    The product of two float32 is exact in float64, so ``s = a*b + c`` in float64 is the exact
    value rounded once. Rounding ``s`` again to float32 is wrong only when ``s`` lands exactly on
    a float32 midpoint while the exact value did not; the TwoSum error says which way to go.
    Results in float32's subnormal range are not corrected.
    """
    s = np.multiply(a, b, dtype=_F64)
    s += c
    r = s.astype(np.float32)
    mid = (s.view(np.uint64) & _LOW29) == _HALF29
    if mid.any():
        idx = np.flatnonzero(mid)
        ps = np.multiply(_pick(a, s.shape, idx), _pick(b, s.shape, idx), dtype=_F64)
        cs = _pick(c, s.shape, idx).astype(_F64)
        ss = s.reshape(-1)[idx]
        bb = ss - ps
        err = (ps - (ss - bb)) + (cs - bb)
        off = err != 0
        if off.any():
            nudged = np.nextafter(ss[off], np.where(err[off] > 0, _INF, -_INF))
            r.reshape(-1)[idx[off]] = nudged.astype(np.float32)
    return r


def _pick(x, shape, idx):
    return np.broadcast_to(np.asarray(x), shape).flat[idx]


def _split(a):
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def _two_sum(a, b):
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def fma64(a, b, c):
    """float64 fma (arrays or scalars, broadcast): Boldo–Melquiond with round-to-odd.

    ``a*b = uh + ul`` exactly (Dekker), ``c + uh = th + tl`` exactly (TwoSum), then
    ``th + RO(tl + ul)`` rounds once. Valid away from overflow and underflow.
    """
    a = np.asarray(a, _F64)
    uh = a * b
    ah, al = _split(a)
    bh, bl = _split(np.asarray(b, _F64))
    ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl
    th, tl = _two_sum(np.asarray(c, _F64), uh)
    v, e = _two_sum(tl, ul)
    v = np.asarray(v)
    # Round to odd: an inexact sum with an even last bit moves one ulp towards the exact value.
    fix = (e != 0) & ((v.view(np.int64) & 1) == 0)
    if fix.any():
        v = np.where(fix, np.nextafter(v, np.where(e > 0, _INF, -_INF)), v)
    return th + v


def fma64_scalar_bc(z, b, c):
    """``fma64(z, b, c)`` for Python floats ``b`` and ``c``, skipping work where b=1 or c=0."""
    if b == 1.0:
        return z + c
    if c == 0.0:
        return z * b + 0.0
    return fma64(z, b, c)


def fma32_scalar_bc(z, b, c):
    """``fma32(z, b, c)`` for float32 scalars ``b`` and ``c``, skipping work where b=1 or c=0."""
    if b == 1:
        return z + c
    if c == 0:
        return z * b + np.float32(0)
    return fma32(z, b, c)

"""erf, erfc and erfinv on arrays (NumPy has no erf, and scipy is not a dependency of ember).

Vectorised float64 evaluation, accurate to a few units in the last place of float64 (fewer
terms are used for float32/float16 inputs); ``xp`` is NumPy or CuPy. The ops that use these
(with their gradients) are in ``elementwise.py``.

Example:
    >>> import numpy as np
    >>> erf_array(np, np.array([0.5]))
    array([0.52049988])
"""
import math

import numpy as np

__all__ = ["erf_array", "erfc_array", "erfinv_array"]

_2_SQRT_PI = 2.0 / math.sqrt(math.pi)

# erfc(z) for z >= 0 is written t * exp(-z**2 + h(u)) with t = 2 / (2 + z) and u = 2t - 1; h is
# smooth on [-1, 1] (h -> -log(2 sqrt(pi)) as z -> inf), so a Chebyshev series in u converges
# fast. The coefficients were computed for ember at 60 digits (mpmath, Chebyshev nodes); 30
# terms reach ~1e-17, 16 terms ~1e-10 (enough for float32 and float16).
_ERFC_CHEB = (
    -1.3026537197817094342, 0.6419697923564902603, 0.019476473204185836312,
    -0.0095615147868086316419, -0.0009465953444820368663, 0.00036683949785276145187,
    0.000042523324806907771645, -0.000020278578112534243154, -1.6242900046470255135e-6,
    1.3036558355805232018e-6, 1.5626441722066143178e-8, -8.5238095914926542525e-8,
    6.5290544390988514964e-9, 5.0593434955514689418e-9, -9.9136415649303308674e-10,
    -2.2736512229318358557e-10, 9.646791102015526802e-11, 2.3940380830391147447e-12,
    -6.8860275264975533984e-12, 8.9448792730907257167e-13, 3.1309213993429580783e-13,
    -1.1270822361367252366e-13, 3.8109052551892320552e-16, 7.1060976136092369878e-15,
    -1.5230282014571043043e-15, -9.4574945712912340005e-17, 1.2102371892242789923e-16,
    -2.8166630877471769718e-17, 5.0030055594459016536e-20, 2.3281042579529252875e-18,
)
# erf(x) = x * sum_n c_n x**(2n) with c_n = 2/sqrt(pi) (-1)**n / (n! (2n + 1)): for |x| < 0.5,
# where 1 - erfc(x) would lose relative accuracy. 14 terms reach float64 precision there.
_ERF_TAYLOR = tuple(_2_SQRT_PI * (-1) ** n / (math.factorial(n) * (2 * n + 1))
                    for n in range(14))
_CHUNK = 1 << 14  # evaluate long arrays in cache-sized pieces: ~3x faster than whole


def _by_chunks(xp, x, f):
    """``f`` on ``x`` in float64 (with fewer terms when ``x`` is float32 or float16), flattened
    and in chunks; the result in ``x``'s dtype and shape."""
    prec = (30, 14, 3) if x.dtype == np.float64 else (16, 8, 2)  # Chebyshev, Taylor, Halley
    flat = x.astype(np.float64).reshape(-1)
    out = xp.empty_like(flat)
    step = _CHUNK if xp is np else max(flat.size, 1)  # one piece on a GPU
    for s in range(0, flat.size, step):
        out[s:s + step] = f(xp, flat[s:s + step], *prec)
    return out.reshape(x.shape).astype(x.dtype, copy=False)


def _erfc_pos(xp, z, terms):
    """erfc(z) for a 1-d float64 array z >= 0 (nan stays nan)."""
    z = xp.minimum(z, 30.0)  # erfc(30) underflows to 0; keeps inf out of the arithmetic
    t = 2 / (2 + z)
    u2 = 4 * t - 2
    b1, b2 = xp.zeros_like(z), xp.zeros_like(z)
    for c in _ERFC_CHEB[terms - 1:0:-1]:  # Clenshaw's recurrence, in place
        b2 *= -1
        b2 += c
        b2 += u2 * b1
        b1, b2 = b2, b1
    h = u2 * b1
    h *= 0.5
    h -= b2
    h += _ERFC_CHEB[0] / 2
    # exp(-z*z) loses accuracy as z*z is rounded: split z = zh + (z - zh) with zh*zh exact
    zh = z.astype(np.float32).astype(np.float64)
    h -= (z - zh) * (z + zh)
    return t * xp.exp(-zh * zh) * xp.exp(h)


def _erf_small(x, terms):
    x2 = x * x
    p = _ERF_TAYLOR[terms - 1]
    for c in _ERF_TAYLOR[terms - 2::-1]:
        p = p * x2 + c
    return x * p


def _erf_chunk(xp, z, cheb, taylor, _):
    a = xp.abs(z)
    return xp.where(a < 0.5, _erf_small(z, taylor), xp.copysign(1 - _erfc_pos(xp, a, cheb), z))


def _erfc_chunk(xp, z, cheb, taylor, _):
    a = xp.abs(z)
    ec = _erfc_pos(xp, a, cheb)
    return xp.where(a < 0.5, 1 - _erf_small(z, taylor), xp.where(z < 0, 2 - ec, ec))


def _erfinv_chunk(xp, x, cheb, taylor, steps):
    """Winitzki's closed form (rel. error ~2e-3; a series near 0) refined by Halley steps."""
    a = xp.abs(x)
    ln = xp.log((1 - a) * (1 + a))
    k = 2 / (math.pi * 0.147) + ln / 2
    y = xp.sqrt(xp.sqrt(k * k - ln / 0.147) - k)
    y = xp.where(a < 0.5, a * (math.sqrt(math.pi) / 2) * (1 + a * a * (math.pi / 12)), y)
    y = xp.where(a < 1, y, 0.0)  # +-1 and beyond are set at the end
    for _ in range(steps):
        # residual erf(y) - a; above 0.5 as (1 - a) - erfc(y), which keeps its accuracy near 1
        r = xp.where(a < 0.5, _erf_small(y, taylor) - a, (1 - a) - _erfc_pos(xp, y, cheb))
        d = r * (math.sqrt(math.pi) / 2) * xp.exp(y * y)
        y = y - d / (1 + y * d)  # Halley's step: f''/f' = -2y for f = erf
    y = xp.where(a < 1, y, xp.where(a == 1, math.inf, math.nan))
    return xp.copysign(y, x)


def erf_array(xp, x):
    """erf of a float array, in its dtype."""
    return _by_chunks(xp, x, _erf_chunk)


def erfc_array(xp, x):
    """erfc = 1 - erf of a float array, in its dtype (keeps its accuracy in the tail)."""
    return _by_chunks(xp, x, _erfc_chunk)


def erfinv_array(xp, x):
    """The inverse of erf on [-1, 1] (+-inf at +-1, nan outside), in the array's dtype."""
    return _by_chunks(xp, x, _erfinv_chunk)

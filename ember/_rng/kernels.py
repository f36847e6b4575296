"""torch's CPU samplers on flat NumPy arrays: each takes an Engine and returns n values
(in the order torch writes them: the output's memory order). See torch-rng-spec.md §2-§6.

Example:
    >>> from ember._rng.mt import Engine
    >>> uniform(Engine(0), 2, np.float32, 0.0, 1.0)
    array([0.4962566 , 0.7682218 ], dtype=float32)
"""
import numpy as np

from .fma import fma32, fma64
from .normal import vlog1p

_M53 = (1 << 53) - 1
_M64 = (1 << 64) - 1


def u24(engine, n):
    return (engine.u32(n) & 0xFFFFFF).astype(np.float32) * np.float32(2.0 ** -24)


def u53(engine, n):
    return (engine.u64(n) & _M53).astype(np.float64) * 2.0 ** -53


def uniform(engine, n, np_dtype, a, b):
    """``uniform_(a, b)``: fma(U, hi - lo, lo) in the tensor's precision; ``hi`` maps to ``lo``."""
    if np_dtype == np.float64:
        lo, hi = float(a), float(b)
        x, fma = u53(engine, n), fma64
    else:
        ftype = np.float16 if np_dtype == np.float16 else np.float32
        lo, hi = np.float32(ftype(a)), np.float32(ftype(b))
        if ftype is np.float16:  # 11-bit uniforms, float arithmetic, Half result
            x = (engine.u32(n) & 0x7FF).astype(np.float32) * np.float32(2.0 ** -11)
        else:
            x = u24(engine, n)
        fma = fma32
    d = (np.float32(ftype(hi - lo)) if np_dtype != np.float64 else hi - lo)
    if lo == 0 and d == 1:
        return x.astype(np_dtype, copy=False)
    v = fma(x, d, lo)
    v[v == hi] = lo
    return v.astype(np_dtype, copy=False)


def from_to(engine, n, np_dtype, base, span):
    """``random_(base, base + span)``: (draw mod span) + base, with a 64-bit draw from 2**28."""
    draws = engine.u64(n) if span >= 1 << 28 else engine.raw(n)
    v = draws % np.uint64(span) + np.uint64(base & _M64)
    return v.view(np.int64).astype(np_dtype)


# random_() without bounds: (draw width in bits, modulus) per dtype.
_UNBOUNDED = {"int64": (64, 1 << 63), "float64": (64, (1 << 53) + 1),
              "float32": (32, (1 << 24) + 1), "float16": (32, (1 << 11) + 1),
              "int32": (32, 1 << 31), "int16": (32, 1 << 15), "int8": (32, 1 << 7),
              "uint8": (32, 1 << 8), "bool": (32, 2)}


def unbounded(engine, n, np_dtype):
    bits, mod = _UNBOUNDED[np.dtype(np_dtype).name]
    draws = engine.u64(n) if bits == 64 else engine.raw(n)
    return (draws % np.uint64(mod)).astype(np_dtype)


def full_range(engine, n, np_dtype):
    """``random_(-2**63)``: the whole int64 range."""
    return engine.u64(n).view(np.int64).astype(np_dtype)


def bernoulli_scalar(engine, n, np_dtype, p):
    return (u53(engine, n) < p).astype(np_dtype)


def bernoulli_tensor(engine, probs, np_dtype):
    """One draw per element of ``probs`` (flat, in output order): float64 probabilities compare
    against 53-bit uniforms, the others against 24-bit ones in float32."""
    if probs.dtype == np.float64:
        return (u53(engine, probs.size) < probs).astype(np_dtype)
    return (u24(engine, probs.size) < probs.astype(np.float32, copy=False)).astype(np_dtype)


def exponential(engine, n, np_dtype, lambd):
    return ((-1.0 / lambd) * vlog1p(-u53(engine, n))).astype(np_dtype)


def randperm(engine, n):
    """Fisher-Yates as torch runs it: n - 1 swaps with 32-bit draws, or for huge n the
    inside-out variant with 64-bit draws."""
    if n < 214748364:
        if n <= 1:
            return np.arange(n, dtype=np.int64)
        i = np.arange(n - 1, dtype=np.uint64)
        ks = (i + engine.raw(n - 1) % (np.uint64(n) - i)).tolist()
        p = list(range(n))
        for i, k in enumerate(ks):
            p[i], p[k] = p[k], p[i]
        return np.array(p, dtype=np.int64)
    ks = (engine.u64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
    p = np.empty(n, np.int64)
    for i, k in enumerate(ks):   # slow (minutes) but n here is beyond 2**27 anyway
        p[i] = p[k]
        p[k] = i
    return p


def multinomial_with_replacement(engine, probs, num_samples):
    """Per row: cumulative sum in the input's dtype, normalised, last entry set to 1; each
    sample is the first index whose cumulative value reaches a 53-bit uniform."""
    rows = probs.reshape(-1, probs.shape[-1])
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for r, row in enumerate(rows):
        cum = np.cumsum(row, dtype=row.dtype)
        total = cum[-1]
        if not total > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        cum /= total
        cum[-1] = 1
        out[r] = np.searchsorted(cum.astype(np.float64), u53(engine, num_samples), "left")
    return out.reshape(probs.shape[:-1] + (num_samples,))

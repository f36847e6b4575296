"""torch's CPU samplers on flat NumPy arrays: each takes an Engine and returns n values
(in the order torch writes them: the output's memory order). See torch-rng-spec.md §2-§6.

Example:
    >>> from ember._rng.mt import Engine
    >>> uniform(Engine(0), 2, np.dtype(np.float32), 0.0, 1.0)
    array([0.4962566, 0.7682218], dtype=float32)
"""
import array

import numpy as np

from .fma import fma32, fma64
from .normal import vlog1p

_M24, _M53 = np.uint64((1 << 24) - 1), np.uint64((1 << 53) - 1)
_M64 = (1 << 64) - 1
_S24 = np.float32(2.0 ** -24)


def u24(engine, n):
    """``n`` float32 uniforms from the low 24 bits of 32-bit draws."""
    return (engine.raw(n) & _M24).astype(np.float32) * _S24


def u53(engine, n):
    """``n`` float64 uniforms from the low 53 bits of 64-bit draws."""
    return (engine.u64(n) & _M53).astype(np.float64) * 2.0 ** -53


def cast(values, np_dtype):
    """Cast as C++ does: to float16 through float32 (``c10::Half`` is built from a float)."""
    if np_dtype == np.float16 and values.dtype != np.float32:
        values = values.astype(np.float32)
    return values.astype(np_dtype, copy=False)


def uniform(engine, n, np_dtype, a, b):
    """``uniform_(a, b)``: fma(U, hi - lo, lo) in the tensor's precision; ``hi`` maps to ``lo``.

    float16 computes in float32 and compares with ``hi`` after the cast to half.
    """
    if np_dtype == np.float64:
        lo, hi = float(a), float(b)
        x, d, fma = u53(engine, n), hi - lo, fma64
    else:
        lo, hi = np.float32(a), np.float32(b)
        x, d, fma = u24(engine, n), hi - lo, fma32
    v = x if lo == 0 and d == 1 else fma(x, d, lo)
    v = v.astype(np_dtype, copy=False)
    if not (lo == 0 and d == 1 and np_dtype != np.float16):
        v[v == np_dtype.type(hi)] = np_dtype.type(lo)
    return v


def from_to(engine, n, np_dtype, base, span):
    """``random_(base, base + span)``: (draw mod span) + base, with a 64-bit draw from 2**28."""
    draws = engine.u64(n) if span >= 1 << 28 else engine.raw(n)
    v = draws % np.uint64(span) + np.uint64(base & _M64)
    return cast(v.view(np.int64), np_dtype)


# random_() without bounds: (draw width in bits, modulus) per dtype.
_UNBOUNDED = {"int64": (64, 1 << 63), "float64": (64, (1 << 53) + 1),
              "float32": (32, (1 << 24) + 1), "float16": (32, (1 << 11) + 1),
              "int32": (32, 1 << 31), "int16": (32, 1 << 15), "int8": (32, 1 << 7),
              "uint8": (32, 1 << 8), "bool": (32, 2)}


def unbounded(engine, n, np_dtype):
    bits, mod = _UNBOUNDED[np.dtype(np_dtype).name]
    draws = engine.u64(n) if bits == 64 else engine.raw(n)
    return cast(draws % np.uint64(mod), np_dtype)


def full_range(engine, n, np_dtype):
    """``random_(-2**63)``: the whole int64 range."""
    return cast(engine.u64(n).view(np.int64), np_dtype)


def bernoulli_scalar(engine, n, np_dtype, p):
    return (u53(engine, n) < p).astype(np_dtype)


def bernoulli_tensor(engine, probs, np_dtype):
    """One draw per element of ``probs`` (flat, in output order): float64 probabilities compare
    against 53-bit uniforms, the others against 24-bit ones in float32."""
    if probs.dtype == np.float64:
        return (u53(engine, probs.size) < probs).astype(np_dtype)
    return (u24(engine, probs.size) < probs.astype(np.float32, copy=False)).astype(np_dtype)


def exponential(engine, n, np_dtype, lambd):
    return cast((-1.0 / lambd) * vlog1p(-u53(engine, n)), np_dtype)


def randperm(engine, n):
    """Fisher-Yates as torch runs it: n - 1 swaps with 32-bit draws, or for huge n the
    inside-out variant with 64-bit draws."""
    if n < 214748364:
        if n <= 1:
            return np.arange(n, dtype=np.int64)
        i = np.arange(n - 1, dtype=np.uint64)
        ks = (i + engine.raw(n - 1) % (np.uint64(n) - i)).tolist()
        # The swaps depend on each other, so this loop stays in Python; an array.array is the
        # fastest container for it and hands its buffer to NumPy without a copy.
        p = array.array("q", np.arange(n, dtype=np.int64).tobytes())
        for i, k in enumerate(ks):
            p[i], p[k] = p[k], p[i]
        return np.frombuffer(p, np.int64)
    return randperm_inside_out(engine, n)


def randperm_inside_out(engine, n):
    """torch's variant for n >= 214748364: p[i] = p[k]; p[k] = i with k = u64 % (i + 1).
    Minutes of Python at such n, but memory stays at 8 bytes per element."""
    p = array.array("q", bytes(8 * n))
    for start in range(0, n, 1 << 20):
        stop = min(n, start + (1 << 20))
        ks = engine.u64(stop - start) % np.arange(start + 1, stop + 1, dtype=np.uint64)
        for i, k in enumerate(ks.tolist(), start):
            p[i] = p[k]
            p[k] = i
    return np.frombuffer(p, np.int64)


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

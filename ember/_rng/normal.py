"""torch's CPU normal samplers: the 16-value Box–Muller blocks and the scalar path.

Path A (contiguous, numel >= 16) transforms blocks of 16 uniforms; float32 uses the AVX2
kernel (Cephes/avx_mathfun polynomials with GCC's fma contractions), float64 uses libm.
Path B (everything else) draws pairs in double precision and caches the second value.
See torch-rng-spec.md §3.
"""
import math

import numpy as np

from .fma import fma32, fma32_scalar_bc, fma64_scalar_bc

_f32 = np.float32


def _c(bits):
    return np.array(bits, np.uint32).view(np.float32)[()]


_P = [_c(b) for b in (0x3D9021BB, 0xBDEBD1B8, 0x3DEF251A, 0xBDFE5D4F, 0x3E11E9BF, 0xBE2AAE50,
                      0x3E4CCEAC, 0xBE7FFFFC, 0x3EAAAAAA)]
_Q1, _Q2 = _c(0xB95E8083), _c(0x3F318000)
_SQRTHF = _c(0x3F3504F3)
_DP1, _DP2, _DP3 = _c(0xBF490000), _c(0xB97DA000), _c(0xB3222169)
_C0, _C1, _C2 = _c(0x37CCF5CE), _c(0xBAB6061A), _c(0x3D2AAAA5)
_S0, _S1, _S2 = _c(0xB94CA1F9), _c(0x3C08839E), _c(0xBE2AAAA3)
_FOPI = _c(0x3FA2F983)          # 4/pi
_TWO_PI32 = _c(0x40C90FDB)
_TWO_PI = 6.283185307179586     # 2*pi in double
_ONE, _HALF = _f32(1), _f32(0.5)
_M24, _S24 = np.uint64(0xFFFFFF), _f32(2.0 ** -24)
_M53 = np.uint64((1 << 53) - 1)


def _log_ps(x):
    """avx_mathfun's log256_ps for positive normal float32 ``x``."""
    bits = x.view(np.uint32)
    e = ((bits >> 23).astype(np.int32) - 127).astype(np.float32) + _ONE
    m = ((bits & 0x807FFFFF) | 0x3F000000).view(np.float32)
    small = m < _SQRTHF
    e -= small
    x = (m - _ONE) + np.where(small, m, _f32(0))
    z = x * x
    y = fma32(_P[0], x, _P[1])
    for p in _P[2:]:
        y = fma32(y, x, p)
    y = y * x
    y = fma32(y, z, e * _Q1)
    y = fma32(-z, _HALF, y)
    return fma32(e, _Q2, x + y)


def _sincos_ps(theta):
    """avx_mathfun's sincos256_ps for float32 ``theta >= 0``: returns (sin, cos)."""
    j = (theta * _FOPI).astype(np.int32)
    j = (j + 1) & ~1
    y = j.astype(np.float32)
    x = fma32(y, _DP1, theta)
    x = fma32(y, _DP2, x)
    x = fma32(y, _DP3, x)
    z = x * x
    c = fma32(_C0, z, _C1)
    c = fma32(c, z, _C2)
    c = fma32(z, z * c, -(z * _HALF)) + _ONE
    s = fma32(_S0, z, _S1)
    s = fma32(s, z, _S2)
    s = fma32(x, z * s, x)
    swap = (j & 2) != 0
    sin, cos = np.where(swap, c, s), np.where(swap, s, c)
    np.negative(sin, out=sin, where=(j & 4) != 0)
    np.negative(cos, out=cos, where=((j - 2) & 4) == 0)
    return sin, cos


def vlog(x):
    """Natural log through libm, element by element: NumPy's own log is not glibc's."""
    return np.fromiter(map(math.log, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)


def vlog1p(x):
    return np.fromiter(map(math.log1p, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)


def blocks_f32(u, mean, std):
    """Transform float32 uniforms of shape (m, 16) into normals, block by block."""
    u1 = _ONE - u[:, :8]
    r = np.sqrt(_log_ps(u1) * _f32(-2))
    sin, cos = _sincos_ps(_TWO_PI32 * u[:, 8:])
    out = np.empty_like(u)
    mean, std = _f32(mean), _f32(std)
    out[:, :8] = fma32_scalar_bc(r * cos, std, mean)
    out[:, 8:] = fma32_scalar_bc(r * sin, std, mean)
    return out


def blocks_f64(u, mean, std):
    """Transform float64 uniforms of shape (m, 16) into normals (libm log, sin, cos)."""
    r = np.sqrt(-2.0 * vlog(1.0 - u[:, :8]))
    theta = _TWO_PI * u[:, 8:]
    out = np.empty_like(u)
    out[:, :8] = fma64_scalar_bc(r * np.cos(theta), std, mean)
    out[:, 8:] = fma64_scalar_bc(r * np.sin(theta), std, mean)
    return out


def fill_blocks(engine, n, np_dtype, mean, std):
    """Path A: ``n >= 16`` normals for a contiguous float tensor, as float32/float64 arrays
    (float16 gets float32 values; the caller casts)."""
    tail = n % 16
    if np_dtype == np.float64:
        u = (engine.u64(n + 16 * (tail > 0)) & _M53).astype(np.float64) * 2.0 ** -53
        transform = blocks_f64
    elif np_dtype == np.float32:
        u = (engine.raw(n + 16 * (tail > 0)) & _M24).astype(np.float32) * _S24
        transform = blocks_f32
    else:  # float16 runs the float32 kernel, but draws uniforms for the full blocks only
        u = (engine.raw(n - tail + 16 * (tail > 0)) & _M24).astype(np.float32) * _S24
        return _place_tail(blocks_f32(u.reshape(-1, 16), mean, std).reshape(-1), n)
    full = n - tail
    # The full blocks and the redrawn tail block go through one batched transform.
    if tail:
        u = np.concatenate([u[:full], u[n:]])
    return _place_tail(transform(u.reshape(-1, 16), mean, std).reshape(-1), n)


def _place_tail(out, n):
    """``out`` holds the full blocks then the redrawn tail block, which covers the last 16."""
    full = n - n % 16
    if full != n:
        out = np.concatenate([out[:n - 16], out[full:]])
    return out


def scalar_path(engine, n, mean, std):
    """Path B: ``n`` normals in double precision, sharing the generator's cached value."""
    z = np.empty(n, np.float64)
    start = 0
    if n and engine.normal is not None:
        z[0] = engine.normal
        engine.normal = None
        start = 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = (engine.u64(2 * pairs) & _M53).astype(np.float64) * 2.0 ** -53
        r = np.sqrt(-2.0 * vlog1p(-u[1::2]))
        theta = _TWO_PI * u[0::2]
        zz = np.empty(2 * pairs)
        zz[0::2] = r * np.cos(theta)
        zz[1::2] = r * np.sin(theta)
        z[start:] = zz[:n - start]
        if (n - start) % 2:
            engine.normal = float(zz[-1])
    return fma64_scalar_bc(z, float(std), float(mean))

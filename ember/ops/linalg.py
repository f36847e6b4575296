"""Matrix products and linear algebra at the top level (``ember.matmul``, ``ember.einsum``, ...).

This file holds kron, trace and cross, and torch's older top-level spellings of ember.linalg
functions (det, inverse, svd, ...). The family's other files are re-exported from here:
matmul.py (matmul, mm, bmm, mv, dot, vdot, outer), addmm.py (addmm, addmv, baddbmm, addbmm)
and einsum.py (einsum, tensordot, inner). ``ember.linalg`` (ember/linalg.py) gathers the
linalg namespace from inverse.py, decomp.py, norms.py and the products.

Example:
    >>> import ember
    >>> a = ember.ones(2, 3)
    >>> (a @ ember.ones(3)).tolist()
    [3.0, 3.0]
    >>> ember.trace(ember.eye(3))
    tensor(3.)
"""
import warnings

import numpy as np

from .._tensor import _wrap
from ..autograd.function import Op
from ..return_types import return_type
from . import addmm as _addmm, decomp as _decomp, einsum as _einsum, inverse as _inverse
from . import matmul as _matmul
from ._util import check_broadcast, dtype_mismatch_error, write_out, wrap_dim, xp_of_array
from .addmm import *  # noqa: F401,F403
from .addmm import addbmm_, addmm_, addmv_, baddbmm_  # noqa: F401  (Tensor methods only)
from .binary import mul
from .einsum import *  # noqa: F401,F403
from .matmul import *  # noqa: F401,F403
from .matmul import _mT
from .shape import reshape

__all__ = ["kron", "trace", "cross", "det", "logdet", "slogdet", "inverse", "svd", "qr",
           "cholesky", "matrix_power", "pinverse"]
__all__ += _matmul.__all__ + _addmm.__all__ + _einsum.__all__

TENSOR_METHODS = ["kron", "trace", "cross", "det", "logdet", "slogdet", "inverse", "svd", "qr",
                  "cholesky", "matrix_power", "pinverse"]
TENSOR_METHODS += _matmul.TENSOR_METHODS + _addmm.TENSOR_METHODS + _einsum.TENSOR_METHODS

_svd_rt = return_type("svd")
_slogdet_rt = return_type("slogdet")
_qr_rt = return_type("qr")


# -- kron, trace, cross ----------------------------------------------------------------------------

def kron(input, other, *, out=None):
    """Kronecker product: blocks ``input[i, j] * other``."""
    sa, sb = input._data.shape, other._data.shape
    n = max(len(sa), len(sb))
    sa, sb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    a = reshape(input, tuple(x for s in sa for x in (s, 1)))
    b = reshape(other, tuple(x for s in sb for x in (1, s)))
    r = reshape(mul(a, b), tuple(x * y for x, y in zip(sa, sb)))
    return r if out is None else write_out(out, r)


class Trace(Op):
    name_ = "TraceBackward0"

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        dt = x.dtype if x.dtype.kind in "fc" else np.int64
        return ctx.xp.asarray(ctx.xp.trace(x, dtype=dt))

    @staticmethod
    def backward(ctx, grad):
        return mul(grad, _wrap(ctx.xp.eye(*ctx.shape, dtype=grad._data.dtype)))


def trace(input):
    """Sum of the main diagonal of a matrix (integer matrices give int64)."""
    if input._data.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim "
                           f"{input._data.ndim}")
    return Trace.apply(input)


class LinalgCross(Op):
    name_ = "LinalgCrossBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b, dim):
        ctx.dim = dim
        xp = ctx.xp
        if a.shape != b.shape:
            shape = np.broadcast_shapes(a.shape, b.shape)
            a, b = xp.broadcast_to(a, shape), xp.broadcast_to(b, shape)
        a0, a1, a2 = (xp.take(a, i, axis=dim) for i in range(3))
        b0, b1, b2 = (xp.take(b, i, axis=dim) for i in range(3))
        return xp.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], axis=dim)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = LinalgCross.apply(b, grad, dim=ctx.dim) if need[0] else None
        gb = LinalgCross.apply(grad, a, dim=ctx.dim) if need[1] else None
        return ga, gb


def _linalg_cross(input, other, dim=-1, out=None):
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if a.dtype != b.dtype:
        raise dtype_mismatch_error(a.dtype, b.dtype)
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    check_broadcast(a.shape, b.shape)
    r = LinalgCross.apply(input, other, dim=d)
    return r if out is None else write_out(out, r)


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along ``dim`` (default: the first dimension of size 3)."""
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease "
                      "either pass the dim explicitly or simply use torch.linalg.cross.\nThe "
                      "default value of dim will change to agree with that of linalg.cross in a "
                      "future release.", UserWarning, stacklevel=2)
        sizes = input._data.shape
        if 3 not in sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes.index(3)
    return _linalg_cross(input, other, dim, out)


# -- torch's older names for ember.linalg functions ------------------------------------------------

def det(input):
    """Determinant of a square matrix (or a batch): ``ember.det(A)``."""
    return _inverse.det(input)


def logdet(input):
    """``log(det(input))``: nan for a negative determinant, -inf for a singular matrix."""
    return _inverse._logdet(input)


def slogdet(input):
    """Sign and log of the absolute value of the determinant."""
    return _slogdet_rt(*_inverse.slogdet(input))


def inverse(input, *, out=None):
    """Inverse of a square matrix (or a batch); singular input raises LinAlgError."""
    return _inverse.inv(input, out=out)


def svd(input, some=True, compute_uv=True, *, out=None):
    """``U, S, V`` with ``input = U @ diag(S) @ V.mT`` (torch.svd's older API: V, not Vh)."""
    if not compute_uv:
        s = _decomp.svdvals(input)
        xp = xp_of_array(input._data)
        shape, dt = input._data.shape, input._data.dtype
        u = _wrap(xp.zeros(shape[:-1] + (shape[-2],), dtype=dt))
        v = _wrap(xp.zeros(shape[:-2] + (shape[-1], shape[-1]), dtype=dt))
        return _svd_rt(u, s, v)
    u, s, vh = _decomp.svd(input, full_matrices=not some)
    return _svd_rt(u, s, _mT(vh))


def qr(input, some=True, *, out=None):
    """``Q, R`` with ``input = Q @ R`` (``some=False`` gives the complete decomposition)."""
    return _qr_rt(*_decomp.qr(input, mode="reduced" if some else "complete"))


def cholesky(input, upper=False, *, out=None):
    """Cholesky factor of a symmetric positive-definite matrix (deprecated in torch)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
                  "removed in a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced "
                  "with\nL = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n"
                  "should be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will "
                  "produce equivalent results for all valid (symmetric positive definite) inputs.",
                  UserWarning, stacklevel=2)
    return _decomp._cholesky(input, upper, out, "cholesky")


def matrix_power(input, n, *, out=None):
    """``input`` multiplied by itself ``n`` times (``n < 0`` uses the inverse)."""
    return _inverse.matrix_power(input, n, out=out)


def pinverse(input, rcond=1e-15):
    """Moore-Penrose pseudo-inverse (singular values below ``rcond * max`` are dropped)."""
    return _decomp.pinv(input, rtol=rcond)

"""Inverses, determinants and linear systems: inv, det, slogdet, solve, matrix_power
(published by ember.linalg; the top-level det/inverse/... call them).

Example:
    >>> import ember
    >>> A = ember.tensor([[2., 0.], [0., 4.]])
    >>> ember.linalg.solve(A, ember.tensor([2., 4.]))
    tensor([1., 1.])
    >>> ember.linalg.det(A)
    tensor(8.)
"""
import numpy as np

from ..autograd.function import Op
from ..return_types import return_type
from ._linalg_util import (  # noqa: I001
    LinAlgError, raising, _batch_prefix, _check_square, _col, _const, _first_failing,
    _row, _u2)
from ._util import check_broadcast, type_word, write_out, xp_of_array
from .binary import add, mul
from .matmul import _mT, matmul

__all__ = ["inv", "det", "slogdet", "solve", "matrix_power"]

_slogdet_rt = return_type("linalg_slogdet")


# -- errors for singular input ---------------------------------------------------------------------

def _zero_pivot(m):
    """1-based index of the first zero pivot of LU with partial pivoting, as LAPACK's getrf."""
    a = np.array(m)
    n = a.shape[0]
    for j in range(n):
        p = j + int(np.argmax(np.abs(a[j:, j])))
        if a[p, j] == 0:
            return j + 1
        a[[j, p]] = a[[p, j]]
        a[j + 1:, j] /= a[j, j]
        a[j + 1:, j + 1:] -= np.outer(a[j + 1:, j], a[j, j + 1:])
    return None


def _invertible(m):
    try:
        np.linalg.inv(m)
        return True
    except np.linalg.LinAlgError:
        return False


def _singular_error(name, a, solver=False):
    i, m = _first_failing(a, _invertible)
    prefix = _batch_prefix(a.shape, i)
    if solver:
        return LinAlgError(f"torch.{name}: {prefix}The solver failed because the input matrix is "
                           "singular.")
    k = _zero_pivot(m)
    what = f"The diagonal element {k} is zero, the" if k else "The"
    return LinAlgError(f"{name}: {prefix}{what} inversion could not be completed because the "
                       "input matrix is singular.")

# -- inverse, determinants, solve ------------------------------------------------------------------

class Inv(Op):
    name_ = "LinalgInvExBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a):
        try:
            with raising(ctx.xp):
                return ctx.xp.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise _singular_error("linalg.inv", a) from None

    @staticmethod
    def backward(ctx, grad):
        (ainv,) = ctx.saved_tensors
        t = _mT(ainv)
        return -matmul(matmul(t, grad), t)


def inv(A, *, out=None):
    """Inverse of a square matrix or a batch of them; singular input raises LinAlgError."""
    _check_square("linalg.inv", A)
    return write_out(out, Inv.apply(A))


class Det(Op):
    name_ = "LinalgDetBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, a):
        return ctx.xp.asarray(ctx.xp.linalg.det(a))

    @staticmethod
    def backward(ctx, grad):
        a, d = ctx.saved_tensors
        if bool((d._data == 0).any()):
            return _SingularDetGrad.apply(a, grad)
        return mul(_u2(mul(grad, d)), _mT(inv(a)))


class _SingularDetGrad(Op):
    """d det / dA at a singular matrix: the cofactor matrix, from an SVD (first order only)."""

    name_ = "LinalgDetBackward0Backward"

    @staticmethod
    def forward(ctx, a, grad):
        xp = ctx.xp
        u, s, vh = xp.linalg.svd(a)
        n = s.shape[-1]
        ones = xp.ones(s.shape[:-1] + (1,), dtype=s.dtype)
        before = xp.cumprod(xp.concatenate([ones, s[..., :-1]], -1), -1)
        after = xp.cumprod(xp.concatenate([ones, s[..., :0:-1]], -1), -1)[..., ::-1]
        scale = (xp.linalg.det(u) * xp.linalg.det(vh) * grad)[..., None]
        return xp.matmul(u * (scale * before * after)[..., None, :n], vh)

    @staticmethod
    def backward(ctx, grad):
        raise NotImplementedError("the second derivative of det at a singular matrix is not "
                                  "implemented")


def det(A, *, out=None):
    """Determinant of a square matrix or a batch of them."""
    _check_square("linalg.det", A)
    return write_out(out, Det.apply(A))


class Slogdet(Op):
    name_ = "LinalgSlogdetBackward0"
    save_inputs = (0,)

    @staticmethod
    def forward(ctx, a):
        sign, logabs = ctx.xp.linalg.slogdet(a)
        return ctx.xp.asarray(sign), ctx.xp.asarray(logabs)

    @staticmethod
    def backward(ctx, gsign, glog):
        (a,) = ctx.saved_tensors
        return mul(_u2(glog), _mT(inv(a)))


def slogdet(A, *, out=None):
    """``(sign, logabsdet)`` of the determinant: stable for very large or small determinants."""
    _check_square("linalg.slogdet", A)
    return _slogdet_rt(*Slogdet.apply(A))


def _logdet(A):
    _check_square("logdet", A)
    sign, logabs = Slogdet.apply(A)
    neg = sign._data < 0
    if bool(neg.any()):  # log of a negative determinant is nan
        logabs = add(logabs, _const(logabs, xp_of_array(sign._data).where(neg, np.nan, 0.0)))
    return logabs


class Solve(Op):
    name_ = "LinalgSolveExBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, a, b, vector):
        ctx.vector = vector
        try:
            if vector:
                with raising(ctx.xp):
                    return ctx.xp.linalg.solve(a, b[..., None])[..., 0]
            with raising(ctx.xp):
                return ctx.xp.linalg.solve(a, b)
        except np.linalg.LinAlgError:
            raise _singular_error("linalg.solve", a, solver=True) from None

    @staticmethod
    def backward(ctx, grad):
        a, x = ctx.saved_tensors
        gb = Solve.apply(_mT(a), grad, vector=ctx.vector)
        if not ctx.needs_input_grad[0]:
            return None, gb
        if ctx.vector:
            return -mul(_col(gb), _row(x)), gb
        return -matmul(gb, _mT(x)), gb


def solve(A, B, *, left=True, out=None):
    """The solution X of ``A @ X = B`` (``X @ A = B`` with left=False); batches broadcast.

    Example: ``ember.linalg.solve(A, b)`` for a square A (n, n) and b (n,) or (n, k).
    """
    _check_square("linalg.solve", A)
    sa, sb = A._data.shape, B._data.shape
    if A._data.dtype != B._data.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {type_word(A._data.dtype)} and B of type "
                           f"{type_word(B._data.dtype)} instead")
    vector = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])
    n = sa[-1]
    bm = sb + (1,) if vector else sb
    if len(bm) < 2 or (bm[-2] != n if left else bm[-1] != n):
        shown = f"{sb[-1]}x1" if vector else "x".join(map(str, sb[-2:]))
        eqn = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eqn} "
                           f"({n}x{n} and {shown})")
    check_broadcast(bm[:-2], sa[:-2])
    if left:
        return write_out(out, Solve.apply(A, B, vector=vector))
    return write_out(out, _mT(Solve.apply(_mT(A), _mT(B), vector=False)))


# -- matrix_power ----------------------------------------------------------------------------------

class _MatrixIdentity(Op):
    """``matrix_power(A, 0)``: the identity, with a zero gradient (torch's CopyBackwards)."""

    name_ = "CopyBackwards"

    @staticmethod
    def forward(ctx, a):
        return ctx.xp.broadcast_to(ctx.xp.eye(a.shape[-1], dtype=a.dtype), a.shape).copy()

    @staticmethod
    def backward(ctx, grad):
        return mul(grad, 0)


def matrix_power(A, n, *, out=None):
    """``A`` multiplied by itself ``n`` times (``n < 0``: powers of the inverse)."""
    _check_square("linalg.matrix_power", A, need_float=False)
    if n == 0:
        return write_out(out, _MatrixIdentity.apply(A))
    if n == 1:
        return write_out(out, A.clone())
    if n < 0:
        A, n = inv(A), -n
    result, base = None, A
    while n:
        if n & 1:
            result = base if result is None else matmul(result, base)
        n >>= 1
        if n:
            base = matmul(base, base)
    return write_out(out, result)

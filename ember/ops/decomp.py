"""Decompositions: svd, svdvals, eigh, eigvalsh, qr, cholesky, and what is built on the SVD:
matrix_rank, pinv (published by ember.linalg; the top-level svd/qr/... call them).

Forward passes call LAPACK through ``xp.linalg`` (batched over leading dimensions, float32 kept
as float32). Backward passes use the standard formulas (Giles 2008; Seeger et al. 2017; Liao et
al. 2019 for QR; Murray 2016 for Cholesky), written with ember ops so they can be differentiated
again.

Example:
    >>> import ember
    >>> ember.linalg.svdvals(ember.tensor([[3., 0.], [0., 4.]]))
    tensor([4., 3.])
    >>> ember.linalg.matrix_rank(ember.ones(3, 3))
    tensor(1)
"""
import numpy as np

from .._tensor import _wrap
from ..autograd.function import Op
from ..return_types import return_type
from ._linalg_util import (  # noqa: I001
    LinAlgError, raising, _as_float, _batch_prefix, _check_float, _check_matrix,
    _check_square, _col, _const, _eye, _first_failing, _row, _skew)
from ._util import kernel_error, write_out, xp_of_array
from .binary import add, div, mul, sub
from .inverse import Solve
from .join import cat
from .matmul import _mT, matmul

__all__ = ["svd", "svdvals", "eigh", "eigvalsh", "qr", "cholesky", "matrix_rank", "pinv"]

_svd_rt = return_type("linalg_svd")
_qr_rt = return_type("linalg_qr")
_eigh_rt = return_type("linalg_eigh")


class Svd(Op):
    name_ = "LinalgSvdBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, full_matrices):
        ctx.full = full_matrices
        try:
            return tuple(ctx.xp.linalg.svd(a, full_matrices=full_matrices))
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.svd: The algorithm failed to converge because the input "
                              "matrix is ill-conditioned or has too many repeated singular values"
                              ) from None

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        u, s, vh = ctx.saved_tensors
        m, n, k = u._data.shape[-2], vh._data.shape[-1], s._data.shape[-1]
        if ctx.full and m != n:  # only the first k singular vectors carry information
            u, gu = u[..., :k], gu[..., :k]
            vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        return _svd_backward(gu, gs, gvh, u, s, vh)

def _svd_backward(gu, gs, gvh, u, s, vh):
    """Gradient of the reduced SVD (distinct, non-zero singular values)."""
    m, n, k = u._data.shape[-2], vh._data.shape[-1], s._data.shape[-1]
    eye = _eye(s, k)
    s2 = mul(s, s)
    e = add(sub(_row(s2), _col(s2)), eye)  # e[i, j] = s_j^2 - s_i^2, 1 on the diagonal
    uhgu = _skew(matmul(_mT(u), gu))
    vhgv = _skew(matmul(vh, _mT(gvh)))
    ga = div(add(mul(uhgu, _row(s)), mul(_col(s), vhgv)), e)
    ga = add(ga, mul(_row(gs), eye))
    if m > n:
        ga = matmul(u, ga)
        gus = div(gu, _row(s))
        ga = add(ga, sub(gus, matmul(u, matmul(_mT(u), gus))))
        return matmul(ga, vh)
    if m < n:
        ga = matmul(ga, vh)
        sgvh = div(gvh, _col(s))
        ga = add(ga, sub(sgvh, matmul(matmul(sgvh, _mT(vh)), vh)))
        return matmul(u, ga)
    return matmul(u, matmul(ga, vh))


def svd(A, full_matrices=True, *, driver=None, out=None):
    """``U, S, Vh`` with ``A = U @ diag(S) @ Vh``; S is sorted in descending order."""
    _check_matrix("linalg.svd", A)
    return _svd_rt(*Svd.apply(A, full_matrices=bool(full_matrices)))


def svdvals(A, *, driver=None, out=None):
    """Singular values of A, in descending order."""
    _check_matrix("linalg.svdvals", A)
    if not A._requires_grad:
        xp = xp_of_array(A._data)
        return write_out(out, _wrap(xp.linalg.svd(A._data, compute_uv=False)))
    return write_out(out, Svd.apply(A, full_matrices=False)[1])


class Eigh(Op):
    name_ = "LinalgEighBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, uplo):
        try:
            w, v = ctx.xp.linalg.eigh(a, UPLO=uplo)
        except np.linalg.LinAlgError:
            raise LinAlgError("linalg.eigh: The algorithm failed to converge because the input "
                              "matrix is ill-conditioned or has too many repeated eigenvalues"
                              ) from None
        return w, v

    @staticmethod
    def backward(ctx, gw, gv):
        w, v = ctx.saved_tensors
        eye = _eye(w, w._data.shape[-1])
        vhgv = matmul(_mT(v), gv)
        vhgv = mul(_skew(vhgv), 0.5)
        e = add(sub(_row(w), _col(w)), eye)  # e[i, j] = w_j - w_i, 1 on the diagonal
        inner = add(div(vhgv, e), mul(_row(gw), eye))
        return matmul(v, matmul(inner, _mT(v)))


def _eigh_checks(name, A, UPLO):
    _check_square(name, A, need_float=False)
    if A._data.dtype.kind not in "fc":
        raise kernel_error("linalg_eigh_cpu", A._data.dtype)
    _check_float(name, A)
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, read from one triangle."""
    _eigh_checks("linalg.eigh", A, UPLO)
    return _eigh_rt(*Eigh.apply(A, uplo=UPLO))


def eigvalsh(A, UPLO="L", *, out=None):
    """Eigenvalues (ascending) of a symmetric matrix."""
    _eigh_checks("linalg.eigvalsh", A, UPLO)
    if not A._requires_grad:
        return write_out(out, _wrap(xp_of_array(A._data).linalg.eigvalsh(A._data, UPLO=UPLO)))
    return write_out(out, Eigh.apply(A, uplo=UPLO)[0])


class Qr(Op):
    name_ = "LinalgQrBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, mode):
        ctx.mode, ctx.shape = mode, a.shape
        xp = ctx.xp
        if mode == "r":
            return xp.zeros((0,), dtype=a.dtype), xp.linalg.qr(a, mode="r")
        return tuple(xp.linalg.qr(a, mode=mode))

    @staticmethod
    def backward(ctx, gq, gr):
        q, r = ctx.saved_tensors
        if ctx.mode == "r":
            raise RuntimeError("The derivative of linalg.qr depends on Q, which is not computed "
                               "when mode='r'. Please use linalg.qr(A, mode='reduced') if you are "
                               "going to differentiate through linalg.qr.")
        m, n = ctx.shape[-2:]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return _qr_backward_tall(gq, gr, q, r)
        # A = Q [X | Y] with X square: R = [U | V], X = Q U, Y = Q V
        u, v = r[..., :m], r[..., m:]
        gu, gv = gr[..., :m], gr[..., m:]
        gx = _qr_backward_tall(add(gq, matmul(matmul(q, v), _mT(gv))), gu, q, u)
        return cat([gx, matmul(q, gv)], -1)


def _qr_backward_tall(gq, gr, q, r):
    """gA = (gQ + Q copyltu(M)) R^-T with M = R gR^T - gQ^T Q (m >= n)."""
    n = r._data.shape[-1]
    lower = _const(r, np.tril(np.ones((n, n)), -1))
    mm_ = sub(matmul(r, _mT(gr)), matmul(_mT(gq), q))
    low = mul(mm_, lower)
    copyltu = add(add(low, _mT(low)), mul(mm_, _eye(r, n)))
    b = add(gq, matmul(q, copyltu))
    return _mT(Solve.apply(r, _mT(b), vector=False))


def qr(A, mode="reduced", *, out=None):
    """``Q, R`` with ``A = Q @ R``; mode 'reduced' (default), 'complete' or 'r' (R only)."""
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    _check_matrix("linalg.qr", A)
    return _qr_rt(*Qr.apply(A, mode=mode))


class Cholesky(Op):
    name_ = "LinalgCholeskyExBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, upper, name):
        ctx.upper = upper
        try:
            with raising(ctx.xp):
                low = ctx.xp.linalg.cholesky(a)
        except np.linalg.LinAlgError:
            i, m = _first_failing(a, _positive_definite)
            order = next(k for k in range(1, m.shape[0] + 1)
                         if not _positive_definite(m[:k, :k]))
            raise LinAlgError(f"{name}: {_batch_prefix(a.shape, i)}The factorization could not "
                              "be completed because the input is not positive-definite (the "
                              f"leading minor of order {order} is not positive-definite)."
                              ) from None
        return low.swapaxes(-1, -2).copy() if upper else low

    @staticmethod
    def backward(ctx, grad):
        (low,) = ctx.saved_tensors
        if ctx.upper:
            low, grad = _mT(low), _mT(grad)
        n = low._data.shape[-1]
        tril = _const(low, np.tril(np.ones((n, n))))
        phi = mul(matmul(_mT(low), grad), tril)
        strict = mul(phi, _const(low, np.tril(np.ones((n, n)), -1)))
        sym = mul(add(phi, _mT(strict)), 0.5)
        p = Solve.apply(_mT(low), sym, vector=False)   # L^-T sym
        return _mT(Solve.apply(_mT(low), _mT(p), vector=False))  # ... L^-1


def _positive_definite(m):
    try:
        np.linalg.cholesky(m)
        return True
    except np.linalg.LinAlgError:
        return False


def _cholesky(A, upper, out, name):
    _check_square(name, A)
    return write_out(out, Cholesky.apply(A, upper=bool(upper), name=name))


def cholesky(A, *, upper=False, out=None):
    """Lower-triangular L with ``A = L @ L.mT`` for a symmetric positive-definite A."""
    return _cholesky(A, upper, out, "linalg.cholesky")

# -- built on the SVD ------------------------------------------------------------------------------

def _rank_tol(s, atol, rtol, shape):
    xp = xp_of_array(s)
    smax = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    if rtol is None:
        rtol = np.finfo(s.dtype).eps * max(shape[-2:]) if atol is None or atol <= 0 else 0.0
    return xp.maximum(atol or 0.0, rtol * smax)
def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Number of singular values above ``max(atol, rtol * largest)`` (an int64 tensor)."""
    if hermitian:
        _eigh_checks("linalg.eigh", A, "L")
        xp = xp_of_array(A._data)
        s = xp.sort(xp.abs(xp.linalg.eigvalsh(A._data)), axis=-1)[..., ::-1]
    else:
        _check_matrix("linalg.matrix_rank", A)
        s = xp_of_array(A._data).linalg.svd(A._data, compute_uv=False)
    tol = _rank_tol(s, _as_float(atol), _as_float(rtol), A._data.shape)
    return write_out(out, _wrap(xp_of_array(s).asarray((s > tol).sum(-1), dtype=np.int64)))


class Pinv(Op):
    name_ = "LinalgPinvBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, a, atol, rtol):
        xp = ctx.xp
        u, s, vh = xp.linalg.svd(a, full_matrices=False)
        keep = s > _rank_tol(s, atol, rtol, a.shape)
        sinv = xp.where(keep, 1 / xp.where(keep, s, 1), 0).astype(a.dtype)
        return xp.matmul(vh.swapaxes(-1, -2) * sinv[..., None, :], u.swapaxes(-1, -2))

    @staticmethod
    def backward(ctx, grad):
        # d(A+) for constant rank (Golub & Pereyra 1973), transposed into a gradient:
        # gA = -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A),  P = A+
        a, p = ctx.saved_tensors
        pt, gt = _mT(p), _mT(grad)
        t1 = matmul(matmul(pt, grad), pt)
        x = matmul(gt, matmul(p, pt))
        t2 = sub(x, matmul(a, matmul(p, x)))
        y = matmul(matmul(pt, p), gt)
        t3 = sub(y, matmul(matmul(y, p), a))
        return add(sub(t2, t1), t3)


def pinv(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Moore-Penrose pseudo-inverse via the SVD (values below the tolerance are dropped)."""
    _check_matrix("linalg.pinv", A)
    return write_out(out, Pinv.apply(A, atol=_as_float(atol), rtol=_as_float(rtol)))

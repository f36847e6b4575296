"""ember.linalg: norms, inverses, solvers and decompositions (torch.linalg's API).

Forward passes call LAPACK through ``xp.linalg`` (batched over leading dimensions, float32 kept
as float32). Backward passes use the standard formulas (Giles 2008; Seeger et al. 2017; Liao et
al. 2019 for QR; Murray 2016 for Cholesky), written with ember ops so they can be differentiated
again.

Example:
    >>> import ember
    >>> A = ember.tensor([[2., 0.], [0., 4.]])
    >>> ember.linalg.inv(A)
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
"""
import math

import numpy as np

from ._tensor import Tensor, _wrap
from .autograd.function import Op
from .ops._util import broadcast_error, write_out, wrap_dim
from .ops.binary import add, div, mul, sub
from .ops.join import cat
from .ops.linalg import _cname, _linalg_cross, _mT, _return_type, _sname, _xp, matmul, mm
from .ops.reduce import sum as _sum
from .ops.shape import permute, reshape, squeeze

# LinAlgError is public too, but __all__ lists the ops (the op-table coverage test reads it).
__all__ = ["norm", "vector_norm", "matrix_norm", "inv", "det", "slogdet", "solve",
           "svd", "svdvals", "qr", "eigh", "eigvalsh", "cholesky", "matmul", "cross", "multi_dot",
           "pinv", "matrix_rank", "matrix_power"]


class LinAlgError(RuntimeError):
    """Raised when a matrix is singular or not positive-definite (a RuntimeError, as in torch)."""


_svd_rt = _return_type("linalg_svd", ["U", "S", "Vh"])
_qr_rt = _return_type("linalg_qr", ["Q", "R"])
_eigh_rt = _return_type("linalg_eigh", ["eigenvalues", "eigenvectors"])
_slogdet_rt = _return_type("linalg_slogdet", ["sign", "logabsdet"])


# -- checks and small helpers ----------------------------------------------------------------------

def _check_float(name, t):
    dt = t._data.dtype
    if dt.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{_sname(dt)}")
    if dt.itemsize < 4:
        raise NotImplementedError(f"\"{name}\" not implemented for '{_sname(dt)}'")


def _check_square(name, t, need_float=True):
    s = t._data.shape
    if len(s) < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if s[-1] != s[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {s[-2]} "
                           f"by {s[-1]} matrices")
    if need_float:
        _check_float(name, t)


def _check_matrix(name, t):
    if t._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _check_float(name, t)


def _eye(like, n, dtype=None):
    """An n x n identity constant on ``like``'s device."""
    return _wrap(_xp(like._data).eye(n, dtype=dtype or like._data.dtype))


def _const(like, array):
    return _wrap(_xp(like._data).asarray(array, dtype=like._data.dtype))


def _u2(t):
    """``t[..., None, None]``."""
    return reshape(t, t._data.shape + (1, 1))


def _row(t):
    """``t[..., None, :]``: a vector broadcast along rows."""
    return reshape(t, t._data.shape[:-1] + (1, t._data.shape[-1]))


def _col(t):
    """``t[..., :, None]``."""
    return reshape(t, t._data.shape + (1,))


def _batch_prefix(shape, index):
    return f"(Batch element {index}): " if len(shape) > 2 else ""


def _first_failing(a, test):
    """Index (in the flattened batch) and matrix of the first batch element where test fails."""
    host = np.asarray(a.get() if hasattr(a, "get") else a)
    flat = host.reshape((-1,) + host.shape[-2:])
    for i, m in enumerate(flat):
        if not test(m):
            return i, m
    return 0, flat[0] if len(flat) else host


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
        logabs = add(logabs, _const(logabs, _xp(sign._data).where(neg, np.nan, 0.0)))
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
                return ctx.xp.linalg.solve(a, b[..., None])[..., 0]
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
                           f"of type {_sname(A._data.dtype)} and B of type "
                           f"{_sname(B._data.dtype)} instead")
    vector = len(sb) == 1 or (len(sb) == len(sa) - 1 and sb == sa[:-1])
    n = sa[-1]
    bm = sb + (1,) if vector else sb
    if len(bm) < 2 or (bm[-2] != n if left else bm[-1] != n):
        shown = f"{sb[-1]}x1" if vector else "x".join(map(str, sb[-2:]))
        eqn = "AX = B" if left else "XA = B"
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation {eqn} "
                           f"({n}x{n} and {shown})")
    try:
        np.broadcast_shapes(sa[:-2], bm[:-2])
    except ValueError:
        raise broadcast_error(bm[:-2], sa[:-2]) from None
    if left:
        return write_out(out, Solve.apply(A, B, vector=vector))
    return write_out(out, _mT(Solve.apply(_mT(A), _mT(B), vector=False)))


# -- decompositions --------------------------------------------------------------------------------

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


def _skew(x):
    return sub(x, _mT(x))


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
        xp = _xp(A._data)
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
        raise NotImplementedError(f"\"linalg_eigh_cpu\" not implemented for "
                                  f"'{_sname(A._data.dtype)}'")
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
        return write_out(out, _wrap(_xp(A._data).linalg.eigvalsh(A._data, UPLO=UPLO)))
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


# -- norms -----------------------------------------------------------------------------------------

_INF = math.inf


def _norm_dims(x, dim, name="linalg.vector_norm"):
    nd = x._data.ndim
    if dim is None:
        return tuple(range(nd))
    dims = [dim] if isinstance(dim, int) else list(dim)
    if not dims:
        return tuple(range(nd))
    out = []
    for d in dims:
        w = wrap_dim(d, nd)
        if w in out:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        out.append(w)
    return tuple(out) if nd else ()


class VectorNorm(Op):
    name_ = "LinalgVectorNormBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, ord, dims, keepdim, dtype):
        xp = ctx.xp
        if x.dtype != dtype:
            x = x.astype(dtype)
        ctx.ord, ctx.dims, ctx.keepdim = ord, dims, keepdim
        if ord == 2:
            return xp.asarray(xp.sqrt(xp.sum(x * x, axis=dims, keepdims=keepdim)))
        ax = xp.abs(x)
        if ord == _INF:
            r = xp.max(ax, axis=dims, keepdims=keepdim)
        elif ord == -_INF:
            r = xp.min(ax, axis=dims, keepdims=keepdim)
        elif ord == 0:
            r = xp.sum(x != 0, axis=dims, keepdims=keepdim).astype(x.dtype)
        elif ord == 1:
            r = xp.sum(ax, axis=dims, keepdims=keepdim)
        else:
            with np.errstate(divide="ignore"):  # 0 ** negative is inf; its 1/ord power is 0
                r = xp.sum(ax ** ord, axis=dims, keepdims=keepdim) ** (1.0 / ord)
        return xp.asarray(r)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        p, dims, xp = ctx.ord, ctx.dims, ctx.xp
        dt = grad._data.dtype
        if not ctx.keepdim and dims:
            shape = list(x._data.shape)
            for d in dims:
                shape[d] = 1
            grad, y = reshape(grad, tuple(shape)), reshape(y, tuple(shape))
        xd = x._data.astype(dt, copy=False)

        def const(a):
            return _wrap(xp.asarray(a, dtype=dt))
        if p == 0:  # piecewise constant: no gradient at all (torch returns None too)
            return None
        sgn = const(xp.sign(xd))
        if p == 1:
            return mul(grad, sgn)
        if p == 2:  # x / norm, and 0 where the norm is 0
            return mul(x, div(grad, add(y, const(y._data == 0))))
        if p in (_INF, -_INF):  # split evenly between the entries that reach the max (or min)
            mask = (xp.abs(xd) == y._data) | xp.isnan(xd)
            return mul(grad, const(sgn._data * mask / mask.sum(axis=dims, keepdims=True)))
        ax = mul(x, sgn)
        if p < 1:  # |x|^(p-1) is infinite at 0: that entry gets no gradient
            zero = xd == 0
            scaled = mul(mul(add(ax, const(zero)) ** (p - 1), sgn), const(~zero))
            return mul(scaled, mul(grad, y ** (1 - p)))
        scaled = mul(sgn, ax ** (p - 1)) if p < 2 else mul(x, ax ** (p - 2))
        return mul(scaled, div(grad, add(y, const(y._data == 0)) ** (p - 1)))


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None):
    """The ``ord``-norm of ``x`` as a flat vector, or along ``dim``: ``sum(|x|**ord)**(1/ord)``,
    max/min of ``|x|`` for ord=inf/-inf, the count of non-zeros for ord=0.

    Example: ``ember.linalg.vector_norm(ember.tensor([3., 4.]))`` is ``tensor(5.)``.
    """
    if isinstance(ord, str):
        raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
                        "str")
    from .ops.reduce import _vector_norm
    return write_out(out, _vector_norm(x, _as_float(ord), dim, keepdim, dtype))


def _ord_str(ord):
    return ord if isinstance(ord, str) else f"{ord:g}"


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None):
    """Matrix norm over the two dims ``dim``: 'fro', 'nuc', 1, -1, 2, -2, inf or -inf.

    Example: ``ember.linalg.matrix_norm(A, 2)`` is the largest singular value of A.
    """
    if isinstance(dim, int):
        raise TypeError("linalg_matrix_norm(): argument 'dim' must be tuple of ints, not int")
    _check_matrix("linalg.matrix_norm", A)
    dim = tuple(dim)
    if len(dim) != 2:
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got "
                           f"{' '.join(map(str, dim))}")
    nd = A._data.ndim
    d0, d1 = wrap_dim(dim[0], nd), wrap_dim(dim[1], nd)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({dim[0]}, "
                           f"{dim[1]})")
    ord = _as_float(ord)
    if ord not in ("fro", "nuc", 1, -1, 2, -2, _INF, -_INF):
        raise RuntimeError(f"linalg.matrix_norm: Order {_ord_str(ord)} not supported.")
    if dtype is not None:
        A = A.to(dtype)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, out=out)
    if ord in (1, -1, _INF, -_INF):
        inner, outer = (d0, d1) if ord in (1, -1) else (d1, d0)
        sums = vector_norm(A, 1, inner, keepdim=True)
        r = vector_norm(sums, _INF if ord > 0 else -_INF, outer, keepdim=True)
        return write_out(out, r if keepdim else squeeze(r, (d0, d1)))
    others = [d for d in range(nd) if d not in (d0, d1)]
    if others + [d0, d1] != list(range(nd)):
        A = permute(A, others + [d0, d1])
    s = svdvals(A)
    if ord == "nuc":
        r = _sum(s, -1)
    else:  # singular values are >= 0: the max (min) is their inf (-inf) norm
        r = vector_norm(s, _INF if ord > 0 else -_INF, -1)
    if keepdim:
        shape = list(A._data.shape[:-2])
        for d in sorted((d0, d1)):
            shape.insert(d, 1)
        r = reshape(r, tuple(shape))
    return write_out(out, r)


def norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None):
    """A vector norm (1 dim, or a 1-D input) or a matrix norm (2 dims, or a 2-D input).

    With ``ord=None`` it is the 2-norm of the flattened input (Frobenius for matrices).
    """
    if dim is not None:
        dim = [dim] if isinstance(dim, int) else list(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError(f"linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {dim}")
    elif ord is not None and A._data.ndim not in (1, 2):
        raise RuntimeError(f"linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {A._data.ndim}D.")
    if isinstance(ord, str):
        return matrix_norm(A, ord, dim if dim is not None else (0, 1), keepdim, dtype=dtype,
                           out=out)
    if ord is not None and ((dim is not None and len(dim) == 2) or
                            (dim is None and A._data.ndim == 2)):
        return matrix_norm(A, ord, dim if dim is not None else (0, 1), keepdim, dtype=dtype,
                           out=out)
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype, out=out)


# -- built from the above --------------------------------------------------------------------------

def cross(input, other, *, dim=-1, out=None):
    """Cross product of 3-vectors along ``dim`` (default the last), with broadcasting."""
    return _linalg_cross(input, other, dim, out)


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


def multi_dot(tensors, *, out=None):
    """Product of a chain of matrices in the cheapest order (first/last may be vectors)."""
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        nd = t._data.ndim
        if i == 0 and nd not in (1, 2):
            raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {nd}D")
        if i == n - 1 and nd not in (1, 2):
            raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {nd}D")
        if 0 < i < n - 1 and nd != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {nd}D")
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError(f"multi_dot(): all tensors must have be the same dtype but tensor 0 "
                               f"is {_cname(tensors[0]._data.dtype)} and tensor {i} "
                               f"{_cname(t._data.dtype)}")
    first_vec, last_vec = tensors[0]._data.ndim == 1, tensors[-1]._data.ndim == 1
    mats = list(tensors)
    if first_vec:
        mats[0] = reshape(mats[0], (1, -1))
    if last_vec:
        mats[-1] = reshape(mats[-1], (-1, 1))
    for i in range(n - 1):
        if mats[i]._data.shape[1] != mats[i + 1]._data.shape[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               "cannot be multiplied")
    dims = [m._data.shape[0] for m in mats] + [mats[-1]._data.shape[1]]
    order = _chain_order(dims)

    def build(i, j):
        if i == j:
            return mats[i]
        k = order[i][j]
        return mm(build(i, k), build(k + 1, j))
    r = build(0, n - 1)
    shape = r._data.shape
    r = reshape(r, shape[1:] if first_vec and not last_vec else
                shape[:1] if last_vec and not first_vec else () if first_vec else shape)
    return write_out(out, r)


def _chain_order(dims):
    """Split points of the cheapest parenthesisation of a matrix chain (classic DP)."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _rank_tol(s, atol, rtol, shape):
    xp = _xp(s)
    smax = s[..., :1] if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
    if rtol is None:
        rtol = np.finfo(s.dtype).eps * max(shape[-2:]) if atol is None or atol <= 0 else 0.0
    return xp.maximum(atol or 0.0, rtol * smax)


def _as_float(x):
    return x.item() if isinstance(x, Tensor) else x


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, out=None):
    """Number of singular values above ``max(atol, rtol * largest)`` (an int64 tensor)."""
    if hermitian:
        _eigh_checks("linalg.eigh", A, "L")
        xp = _xp(A._data)
        s = xp.sort(xp.abs(xp.linalg.eigvalsh(A._data)), axis=-1)[..., ::-1]
    else:
        _check_matrix("linalg.matrix_rank", A)
        s = _xp(A._data).linalg.svd(A._data, compute_uv=False)
    tol = _rank_tol(s, _as_float(atol), _as_float(rtol), A._data.shape)
    return write_out(out, _wrap(_xp(s).asarray((s > tol).sum(-1), dtype=np.int64)))


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


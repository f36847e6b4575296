"""Norms: vector_norm, matrix_norm and linalg.norm (published by ember.linalg).

``ember.norm`` and ``Tensor.norm`` (torch's older API) live in reduce.py and use VectorNorm.

Example:
    >>> import ember
    >>> ember.linalg.vector_norm(ember.tensor([3., 4.]))
    tensor(5.)
    >>> ember.linalg.matrix_norm(ember.eye(2), "nuc")
    tensor(2.)
"""
import math

import numpy as np

from .._tensor import _wrap
from ..autograd.function import Op
from ._linalg_util import _as_float, _check_matrix
from ._util import write_out, wrap_dim
from .binary import add, div, mul
from .decomp import svdvals
from .reduce import sum as _sum
from .shape import permute, reshape, squeeze

__all__ = ["vector_norm", "matrix_norm", "norm"]

_INF = math.inf


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
    from .reduce import _vector_norm
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

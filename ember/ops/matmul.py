"""Matrix products: matmul, mm, bmm, mv, dot, vdot, outer, ger (re-exported by ops/linalg.py)
and ``ember.linalg.multi_dot``.

Products run on BLAS through ``xp.matmul`` and keep float32 as float32. Their backward is
written with the same products, so gradients of gradients work.

Example:
    >>> import ember
    >>> a = ember.ones(2, 3)
    >>> (a @ ember.ones(3)).tolist()
    [3.0, 3.0]
    >>> ember.matmul(ember.ones(5, 2, 3), ember.ones(3, 4)).shape
    torch.Size([5, 2, 4])
"""
import math

from .._tensor import Tensor
from ..autograd.function import Op
from ._util import (check_broadcast, cpp_type_word, dtype_mismatch_error, kernel_error, type_word,
                    write_out)
from .binary import mul
from .shape import reshape, squeeze, transpose, unsqueeze

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger"]

TENSOR_METHODS = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "outer", "ger"]


def _mT(t):
    return transpose(t, -2, -1)


# -- matrix products -------------------------------------------------------------------------------

def _matmul_backward(grad, a, b, need):
    """Gradients of ``a @ b``, any 1-d/2-d/batched case (the engine sums broadcast dims)."""
    na, nb = a._data.ndim, b._data.ndim
    ga = gb = None
    if na == 1 and nb == 1:
        ga = mul(grad, b) if need[0] else None
        gb = mul(grad, a) if need[1] else None
    elif nb == 1:
        if need[0]:
            ga = mul(unsqueeze(grad, -1), b)
        if need[1]:
            gb = squeeze(matmul(unsqueeze(grad, -2), a), -2)
    elif na == 1:
        if need[0]:
            ga = squeeze(matmul(unsqueeze(grad, -2), _mT(b)), -2)
        if need[1]:
            gb = mul(unsqueeze(a, -1), unsqueeze(grad, -2))
    else:
        if need[0]:
            ga = matmul(grad, _mT(b))
        if need[1]:
            if nb == 2 and na > 2:  # fold the batch into one GEMM instead of summing B products
                m, p = a._data.shape[-1], grad._data.shape[-1]
                gb = mm(_mT(reshape(a, (-1, m))), reshape(grad, (-1, p)))
            else:
                gb = matmul(_mT(a), grad)
    return ga, gb


class Matmul(Op):
    name_ = "UnsafeViewBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, a, b):
        if b.ndim == 2 and a.ndim > 2 and a.flags.c_contiguous:
            # (..., n, m) @ (m, p) as one GEMM on (prod(...) * n, m), as torch folds it
            out = ctx.xp.matmul(a.reshape(-1, a.shape[-1]), b)
            return out.reshape(a.shape[:-1] + (b.shape[1],))
        return ctx.xp.matmul(a, b)

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return _matmul_backward(grad, a, b, ctx.needs_input_grad)


class Mm(Matmul):
    name_ = "MmBackward0"


class Bmm(Matmul):
    name_ = "BmmBackward0"


class Mv(Matmul):
    name_ = "MvBackward0"


class Dot(Matmul):
    name_ = "DotBackward0"


class Vdot(Matmul):
    name_ = "VdotBackward0"


class VecMat(Matmul):
    name_ = "SqueezeBackward4"


def _mm_shape_error(sa, sb):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                        f"{sb[0]}x{sb[1]})")


def _dot_size_error(n1, n2):
    return RuntimeError(f"inconsistent tensor size, expected tensor [{n1}] and src [{n2}] to have "
                        f"the same number of elements, but got {n1} and {n2} elements respectively")


def _bmm_size_error(batch, k, k2):
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                        f"[{batch}, {k}] but got: [{batch}, {k2}].")


def _mm_dtype_error(a, b):
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                        f"{cpp_type_word(a.dtype)} != {cpp_type_word(b.dtype)}")


def _addmv_dtype_error(inp, mat, vec):
    return RuntimeError(f"addmv input tensors must have the same dtype, but got "
                        f"{type_word(inp.dtype)}, {type_word(mat.dtype)}, and "
                        f"{type_word(vec.dtype)}")


def _no_bool(dt, kernel="addmm_impl_cpu_"):
    if dt.kind == "b":
        raise kernel_error(kernel, dt)


def _check_tensors(name, *ts):
    for i, t in enumerate(ts):
        if not isinstance(t, Tensor):
            raise TypeError(f"{name}(): argument {('input', 'other')[min(i, 1)]!r} (position "
                            f"{i + 1}) must be Tensor, not {type(t).__name__}")


def matmul(input, other, *, out=None):
    """Matrix product with torch's rules for 1-d, 2-d and broadcast batched operands.

    Example: ``ember.matmul(ember.ones(5, 2, 3), ember.ones(3, 4)).shape`` is ``(5, 2, 4)``.
    """
    try:
        a, b = input._data, other._data
    except AttributeError:
        _check_tensors("matmul", input, other)
    na, nb = a.ndim, b.ndim
    if na == 0 or nb == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are {na}D "
                           f"and {nb}D")
    if a.dtype != b.dtype:
        if na == 1 and nb == 1:
            raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                               f"{type_word(a.dtype)} and {type_word(b.dtype)}")
        if nb == 1:
            raise _addmv_dtype_error(b, a, b)
        raise _mm_dtype_error(a, b)
    _no_bool(a.dtype)
    if na == 2 and nb == 2:
        if a.shape[1] != b.shape[0]:
            raise _mm_shape_error(a.shape, b.shape)
        r = Mm.apply(input, other)
    elif nb == 1:
        if a.shape[-1] != b.shape[0]:
            if na == 1:
                raise _dot_size_error(a.shape[0], b.shape[0])
            rows = math.prod(a.shape[:-1])
            raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{a.shape[-1]}), "
                               f"vec ({b.shape[0]})")
        r = (Dot if na == 1 else Mv if na == 2 else Matmul).apply(input, other)
    elif na == 1:
        if a.shape[0] != b.shape[-2]:
            if nb == 2:
                raise _mm_shape_error((1, a.shape[0]), b.shape)
            raise _bmm_size_error(math.prod(b.shape[:-2]), a.shape[0], b.shape[-2])
        r = (VecMat if nb == 2 else Matmul).apply(input, other)
    else:
        if nb == 2:
            if a.shape[-1] != b.shape[0]:
                raise _mm_shape_error((math.prod(a.shape[:-1]), a.shape[-1]), b.shape)
        else:
            batch = check_broadcast(a.shape[:-2], b.shape[:-2])
            if a.shape[-1] != b.shape[-2]:
                raise _bmm_size_error(math.prod(batch), a.shape[-1], b.shape[-2])
        r = Matmul.apply(input, other)
    return r if out is None else write_out(out, r)


def mm(input, mat2, *, out=None):
    """Product of two matrices (no broadcasting): ``ember.mm(a, b)``."""
    try:
        a, b = input._data, mat2._data
    except AttributeError:
        _check_tensors("mm", input, mat2)
    if a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    if a.shape[1] != b.shape[0]:
        raise _mm_shape_error(a.shape, b.shape)
    if a.dtype != b.dtype:
        raise _mm_dtype_error(a, b)
    _no_bool(a.dtype)
    r = Mm.apply(input, mat2)
    return r if out is None else write_out(out, r)


def _check_bmm(b1, b2, name1="batch1", name2="batch2"):
    if b1.ndim != 3:
        raise RuntimeError(f"{name1} must be a 3D tensor")
    if b2.ndim != 3:
        raise RuntimeError(f"{name2} must be a 3D tensor")
    if b2.shape[0] != b1.shape[0] or b2.shape[1] != b1.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{b1.shape[0]}, {b1.shape[2]}] but got: [{b2.shape[0]}, "
                           f"{b2.shape[1]}].")
    if b1.dtype != b2.dtype:
        raise dtype_mismatch_error(b1.dtype, b2.dtype)
    _no_bool(b1.dtype, "bmm")


def bmm(input, mat2, *, out=None):
    """Batched matrix product of (b, n, m) and (b, m, p) tensors: ``ember.bmm(x, y)``."""
    _check_bmm(input._data, mat2._data)
    r = Bmm.apply(input, mat2)
    return r if out is None else write_out(out, r)


def mv(input, vec, *, out=None):
    """Matrix-vector product: ``ember.mv(A, x)``."""
    a, v = input._data, vec._data
    if a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}")
    if a.shape[1] != v.shape[0]:
        raise RuntimeError(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x"
                           f"{a.shape[1]}), vec ({v.shape[0]})")
    if a.dtype != v.dtype:
        raise _addmv_dtype_error(v, a, v)
    _no_bool(a.dtype, "addmv_impl_cpu")
    r = Mv.apply(input, vec)
    return r if out is None else write_out(out, r)


def _dot(cls, name, input, other, out):
    a, b = input._data, other._data
    if a.ndim != 1 or b.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors")
    if a.shape[0] != b.shape[0]:
        raise _dot_size_error(a.shape[0], b.shape[0])
    if a.dtype != b.dtype:
        raise RuntimeError(f"{name} : expected both vectors to have same dtype, but found "
                           f"{type_word(a.dtype)} and {type_word(b.dtype)}")
    _no_bool(a.dtype, name)
    r = cls.apply(input, other)
    return r if out is None else write_out(out, r)


def dot(input, tensor, *, out=None):
    """Inner product of two 1-d tensors: ``ember.dot(x, y)``."""
    return _dot(Dot, "dot", input, tensor, out)


def vdot(input, other, *, out=None):
    """``dot`` with the first argument conjugated (the same as dot for real tensors)."""
    return _dot(Vdot, "vdot", input, other, out)


def outer(input, vec2, *, out=None):
    """Outer product of two vectors: ``ember.outer(x, y)[i, j] == x[i] * y[j]``."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return write_out(out, mul(reshape(input, (input._data.shape[0], 1)), vec2))


ger = outer


# -- ember.linalg.multi_dot ------------------------------------------------------------------------

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
                               f"is {cpp_type_word(tensors[0]._data.dtype)} and tensor {i} "
                               f"{cpp_type_word(t._data.dtype)}")
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

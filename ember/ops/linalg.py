"""Matrix products and linear algebra at the top level (``ember.matmul``, ``ember.einsum``, ...).

Products run on BLAS through ``xp.matmul`` and keep float32 as float32. Their backward is
written with the same products, so gradients of gradients work. Decompositions (det, inverse,
svd, ...) live in ``ember.linalg``; the top-level names here are torch's older spellings.

Example:
    >>> import ember
    >>> a = ember.ones(2, 3)
    >>> (a @ ember.ones(3)).tolist()
    [3.0, 3.0]
"""
import functools
import math
import warnings
from collections import namedtuple

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ._util import broadcast_error, write_out, wrap_dim
from .binary import mul
from .shape import permute, reshape, squeeze, transpose, unsqueeze

__all__ = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm", "addmv",
           "baddbmm", "addbmm", "einsum", "tensordot", "kron", "trace", "cross", "det", "logdet",
           "slogdet", "inverse", "svd", "qr", "cholesky", "matrix_power", "pinverse"]

TENSOR_METHODS = ["matmul", "mm", "bmm", "mv", "dot", "vdot", "inner", "outer", "ger", "addmm",
                  "addmm_", "addmv", "addmv_", "baddbmm", "baddbmm_", "addbmm", "addbmm_", "kron",
                  "trace", "cross", "det", "logdet", "slogdet", "inverse", "svd", "qr", "cholesky",
                  "matrix_power", "pinverse"]

# torch's names for dtypes in error messages: ScalarType names and C++ type names.
_SCALAR = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
           "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
           "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
        "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def _sname(np_dtype):
    return _SCALAR.get(np_dtype.name, np_dtype.name)


def _cname(np_dtype):
    return _CPP.get(np_dtype.name, np_dtype.name)


def _return_type(name, fields):
    """A named tuple that prints like torch's ``torch.return_types.<name>(...)``."""
    base = namedtuple(name, fields)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{name}(\n{body})"
    return type(name, (base,), {"__slots__": (), "__repr__": __repr__})


_svd_rt = _return_type("svd", ["U", "S", "V"])
_slogdet_rt = _return_type("slogdet", ["sign", "logabsdet"])
_qr_rt = _return_type("qr", ["Q", "R"])


def _xp(array):
    if array.__class__ is np.ndarray:
        return np
    from ..device import cupy
    return cupy()


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


def _no_bool(dt, kernel="addmm_impl_cpu_"):
    if dt.kind == "b":
        raise NotImplementedError(f"\"{kernel}\" not implemented for 'Bool'")


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
                               f"{_sname(a.dtype)} and {_sname(b.dtype)}")
        if nb == 1:
            raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                               f"{_sname(b.dtype)}, {_sname(a.dtype)}, and {_sname(b.dtype)}")
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cname(a.dtype)}"
                           f" != {_cname(b.dtype)}")
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
            try:
                batch = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
            except ValueError:
                raise broadcast_error(a.shape[:-2], b.shape[:-2]) from None
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
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cname(a.dtype)}"
                           f" != {_cname(b.dtype)}")
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
        raise RuntimeError(f"expected scalar type {_sname(b1.dtype)} but found "
                           f"{_sname(b2.dtype)}")
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
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_sname(v.dtype)}, {_sname(a.dtype)}, and {_sname(v.dtype)}")
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
                           f"{_sname(a.dtype)} and {_sname(b.dtype)}")
    _no_bool(a.dtype, name)
    r = cls.apply(input, other)
    return r if out is None else write_out(out, r)


def dot(input, tensor, *, out=None):
    """Inner product of two 1-d tensors: ``ember.dot(x, y)``."""
    return _dot(Dot, "dot", input, tensor, out)


def vdot(input, other, *, out=None):
    """``dot`` with the first argument conjugated (the same as dot for real tensors)."""
    return _dot(Vdot, "vdot", input, other, out)


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of both tensors (0-d operands multiply)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return write_out(out, mul(input, other))
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(sa)} and {list(sb)}")
    return write_out(out, tensordot(input, other, ([-1], [-1])))


def outer(input, vec2, *, out=None):
    """Outer product of two vectors: ``ember.outer(x, y)[i, j] == x[i] * y[j]``."""
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    return write_out(out, mul(reshape(input, (input._data.shape[0], 1)), vec2))


ger = outer


# -- products with an added term (addmm and friends) -----------------------------------------------

def _add_scaled(xp, prod, inp, beta, alpha):
    """``beta * inp + alpha * prod`` computed in prod's buffer; beta=0 ignores inp (even nan)."""
    if alpha != 1:
        prod *= alpha
    if beta != 0:
        prod += inp if beta == 1 else inp * beta
    return prod


class _AddProduct(Op):
    """``beta * input + alpha * (b1 @ b2)``; ``reduce_batch`` sums the batch of products."""

    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, inp, b1, b2, beta, alpha, reduce_batch=False):
        xp = ctx.xp
        if b1.dtype.kind in "iu":  # torch casts the scalars to the integer dtype
            beta, alpha = int(beta), int(alpha)
        ctx.beta, ctx.alpha = beta, alpha
        if reduce_batch:
            bsz, n, m = b1.shape
            prod = xp.matmul(b1.transpose(1, 0, 2).reshape(n, bsz * m), b2.reshape(bsz * m, -1))
        else:
            prod = xp.matmul(b1, b2)
        if prod.__class__ is not xp.ndarray:
            prod = xp.asarray(prod)
        return _add_scaled(xp, prod, inp, beta, alpha)

    @staticmethod
    def backward(ctx, grad):
        b1, b2 = ctx.saved_tensors
        need = ctx.needs_input_grad
        beta, alpha = ctx.beta, ctx.alpha
        gi = (grad if beta == 1 else mul(grad, beta)) if need[0] else None
        g1, g2 = _matmul_backward(grad, b1, b2, need[1:])
        if alpha != 1:
            g1 = mul(g1, alpha) if g1 is not None else None
            g2 = mul(g2, alpha) if g2 is not None else None
        return gi, g1, g2


class Addmm(_AddProduct):
    name_ = "AddmmBackward0"


class Addmv(_AddProduct):
    name_ = "AddmvBackward0"


class Baddbmm(_AddProduct):
    name_ = "BaddbmmBackward0"


class Addbmm(_AddProduct):
    name_ = "AddbmmBackward0"


def _check_expand(inp, target):
    """``inp`` must broadcast to ``target`` (torch's expand error otherwise)."""
    shape = inp._data.shape
    if shape == target:
        return
    if len(shape) > len(target):
        raise RuntimeError(f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(target)}): the "
                           f"number of sizes provided ({len(target)}) must be greater or equal to "
                           f"the number of dimensions in the tensor ({len(shape)})")
    lead = len(target) - len(shape)
    for i, s in enumerate(shape):
        if s != 1 and s != target[i + lead]:
            raise RuntimeError(f"The expanded size of the tensor ({target[i + lead]}) must match "
                               f"the existing size ({s}) at non-singleton dimension {i + lead}.  "
                               f"Target sizes: {list(target)}.  Tensor sizes: {list(shape)}")


def _check_self_dtype(inp, other, kind="self and mat2"):
    if inp._data.dtype != other.dtype:
        raise RuntimeError(f"{kind} must have the same dtype, but got {_sname(inp._data.dtype)} "
                           f"and {_sname(other.dtype)}")


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat1 @ mat2)`` (what ``nn.Linear`` computes)."""
    a, b = mat1._data, mat2._data
    if a.ndim != 2:
        raise RuntimeError(f"mat1 must be a matrix, got {a.ndim}-D tensor")
    if b.ndim != 2:
        raise RuntimeError(f"mat2 must be a matrix, got {b.ndim}-D tensor")
    if a.shape[1] != b.shape[0]:
        raise _mm_shape_error(a.shape, b.shape)
    _check_self_dtype(input, b)
    if a.dtype != b.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_sname(a.dtype)} "
                           f"and {_sname(b.dtype)}")
    _no_bool(a.dtype)
    _check_expand(input, (a.shape[0], b.shape[1]))
    r = Addmm.apply(input, mat1, mat2, beta=beta, alpha=alpha)
    return r if out is None else write_out(out, r)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * (mat @ vec)``."""
    a, v = mat._data, vec._data
    if input._data.ndim > 1 or a.ndim != 2 or v.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, {a.ndim}, "
                           f"{v.ndim}")
    n = input._data.shape[0] if input._data.ndim else 1
    if a.shape[1] != v.shape[0] or n not in (1, a.shape[0]):
        raise RuntimeError(f"size mismatch, got input ({n}), mat ({a.shape[0]}x{a.shape[1]}), "
                           f"vec ({v.shape[0]})")
    if not (input._data.dtype == a.dtype == v.dtype):
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_sname(input._data.dtype)}, {_sname(a.dtype)}, and "
                           f"{_sname(v.dtype)}")
    _no_bool(a.dtype, "addmv_impl_cpu")
    r = Addmv.apply(input, mat, vec, beta=beta, alpha=alpha)
    return r if out is None else write_out(out, r)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    b1, b2 = batch1._data, batch2._data
    _check_bmm(b1, b2)
    _check_self_dtype(input, b1, "self and batch1")
    _check_expand(input, (b1.shape[0], b1.shape[1], b2.shape[2]))
    r = Baddbmm.apply(input, batch1, batch2, beta=beta, alpha=alpha)
    return r if out is None else write_out(out, r)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """``beta * input + alpha * sum_b(batch1[b] @ batch2[b])``."""
    b1, b2 = batch1._data, batch2._data
    _check_bmm(b1, b2)
    _check_self_dtype(input, b1, "self and batch1")
    _check_expand(input, (b1.shape[1], b2.shape[2]))
    r = Addbmm.apply(input, batch1, batch2, beta=beta, alpha=alpha, reduce_batch=True)
    return r if out is None else write_out(out, r)


def addmm_(self, mat1, mat2, *, beta=1, alpha=1):
    return self._inplace(addmm, mat1, mat2, beta=beta, alpha=alpha)


def addmv_(self, mat, vec, *, beta=1, alpha=1):
    return self._inplace(addmv, mat, vec, beta=beta, alpha=alpha)


def baddbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    return self._inplace(baddbmm, batch1, batch2, beta=beta, alpha=alpha)


def addbmm_(self, batch1, batch2, *, beta=1, alpha=1):
    return self._inplace(addbmm, batch1, batch2, beta=beta, alpha=alpha)


# -- einsum ----------------------------------------------------------------------------------------
# Labels are ints: letters by torch's order (A-Z then a-z, so implicit outputs sort as torch's
# do), ellipsis dimensions 52, 53, ... right-aligned across operands. Operands are contracted
# left to right, each pair as one (batched) matmul; the backward of operand k is an einsum of the
# output gradient with the other operands (identity matrices restore repeated labels, ones
# vectors the labels that only operand k has), so gradients of gradients are einsums too.

_LABEL = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}
_ELL = 52


def _einsum_error(msg):
    return RuntimeError("einsum(): " + msg)


def _parse_term(eq, start, stop, k):
    """Labels of one term of ``eq[start:stop]``; the ellipsis is returned as None."""
    labels, i = [], start
    while i < stop:
        c = eq[i]
        if c == " ":
            i += 1
            continue
        if c == ".":
            if eq[i:i + 3] != "..." or i + 3 > stop:
                raise _einsum_error(f"found '.' for operand {k} that is not part of any ellipsis")
            if None in labels:
                raise _einsum_error(f"found '.' for operand {k} for which an ellipsis was already "
                                    "found")
            labels.append(None)
            i += 3
            continue
        if c not in _LABEL:
            raise _einsum_error(f"invalid subscript given at index {i} in the equation string, "
                                "subscripts must be in [a-zA-Z]")
        labels.append(_LABEL[c])
        i += 1
    return labels


@functools.lru_cache(maxsize=256)
def _parse_einsum(eq, ndims):
    """``(terms, out)``: each operand's labels and the output's, for operands of ``ndims``."""
    arrow = eq.find("->")
    lhs_end = arrow if arrow >= 0 else len(eq)
    raw, start = [], 0
    for i in range(lhs_end + 1):
        if i == lhs_end or eq[i] == ",":
            raw.append(_parse_term(eq, start, i, len(raw)))
            start = i + 1
    if len(raw) > len(ndims):
        raise _einsum_error("fewer operands were provided than specified in the equation")
    if len(raw) < len(ndims):
        raise _einsum_error("more operands were provided than specified in the equation")
    ell = 0
    for k, (labels, nd) in enumerate(zip(raw, ndims)):
        n = len(labels) - (None in labels)
        if None in labels:
            if n > nd:
                raise _einsum_error(f"the number of subscripts in the equation ({n}) is more than "
                                    f"the number of dimensions ({nd}) for operand {k}")
            ell = max(ell, nd - n)
        elif n != nd:
            raise _einsum_error(f"the number of subscripts in the equation ({n}) does not match "
                                f"the number of dimensions ({nd}) for operand {k} and no "
                                "ellipsis was given")
    ell_labels = tuple(range(_ELL, _ELL + ell))
    terms = []
    for labels, nd in zip(raw, ndims):
        if None in labels:
            i = labels.index(None)
            e = nd - (len(labels) - 1)
            labels = labels[:i] + list(ell_labels[ell - e:]) + labels[i + 1:]
        terms.append(tuple(labels))
    counts = {}
    for t in terms:
        for lab in t:
            counts[lab] = counts.get(lab, 0) + 1
    if arrow >= 0:
        out = _parse_term(eq, arrow + 2, len(eq), "output")
        for j, c in enumerate(eq[arrow + 2:]):
            if c in "->":
                raise _einsum_error(f"invalid subscript given at index {arrow + 2 + j} in the "
                                    "equation string, subscripts must be in [a-zA-Z]")
        seen = set()
        letters = {v: c for c, v in _LABEL.items()}
        for lab in out:
            if lab is None:
                continue
            if lab not in counts:
                raise _einsum_error(f"output subscript {letters[lab]} does not appear in the "
                                    "equation for any input operand")
            if lab in seen:
                raise _einsum_error(f"output subscript {letters[lab]} appears more than once in "
                                    "the output")
            seen.add(lab)
        if None in out:
            i = out.index(None)
            out = out[:i] + list(ell_labels) + out[i + 1:]
    else:
        out = list(ell_labels) + sorted(lab for lab, c in counts.items() if c == 1 and lab < _ELL)
    return tuple(terms), tuple(out)


def _einsum_sizes(operands, terms):
    """Check label sizes (equal or 1, which broadcasts) and repeated labels within an operand."""
    letters = {v: c for c, v in _LABEL.items()}
    sizes = {}
    for k, (op, term) in enumerate(zip(operands, terms)):
        own = {}
        for lab, s in zip(term, op._data.shape):
            if lab in own:
                if own[lab] != s:
                    raise _einsum_error(f"subscript {letters[lab]} is repeated for operand {k} but "
                                        f"the sizes don't match, {s} != {own[lab]}")
                continue
            own[lab] = s
            prev = sizes.get(lab)
            if prev is None or prev == 1:
                sizes[lab] = s
            elif s != prev and s != 1:
                if lab >= _ELL:
                    raise _einsum_error("operands do not broadcast with remapped shapes "
                                        "(original->remapped): " + " ".join(
                                            str(list(o._data.shape)) for o in operands))
                raise _einsum_error(f"subscript {letters[lab]} has size {s} for operand {k} which "
                                    f"does not broadcast with previously seen size {prev}")
    return sizes


def _einsum_one(xp, arr, term, keep):
    """Take the diagonals of repeated labels and sum the labels not in ``keep`` (one operand)."""
    local = {}
    for lab in term:
        local.setdefault(lab, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(local)])
    spec = "".join(local[lab] for lab in term) + "->" + "".join(local[lab] for lab in keep)
    return xp.einsum(spec, arr)


def _einsum_pair(xp, a, ta, b, tb, later):
    """Contract two labelled arrays, keeping the labels in ``later``, as one matmul."""
    sb = set(tb)
    drop = tuple(i for i, lab in enumerate(ta) if lab not in sb and lab not in later)
    if drop:
        a, ta = a.sum(axis=drop), tuple(lab for lab in ta if lab in sb or lab in later)
    sa = set(ta)
    drop = tuple(i for i, lab in enumerate(tb) if lab not in sa and lab not in later)
    if drop:
        b, tb = b.sum(axis=drop), tuple(lab for lab in tb if lab in sa or lab in later)
    batch = [lab for lab in ta if lab in sb and lab in later]
    contract = [lab for lab in ta if lab in sb and lab not in later]
    free_a = [lab for lab in ta if lab not in sb]
    free_b = [lab for lab in tb if lab not in sa]
    for lab in contract:  # a size-1 contracted label broadcasts: sum the other side over it
        i, j = ta.index(lab), tb.index(lab)
        if a.shape[i] != b.shape[j]:
            if a.shape[i] == 1:
                b = b.sum(axis=j, keepdims=True)
            else:
                a = a.sum(axis=i, keepdims=True)
    a = a.transpose([ta.index(lab) for lab in batch + free_a + contract])
    b = b.transpose([tb.index(lab) for lab in batch + contract + free_b])
    nb = len(batch)
    fa_shape = a.shape[nb:nb + len(free_a)]
    fb_shape = b.shape[nb + len(contract):]
    k = math.prod(a.shape[nb + len(free_a):])
    a = a.reshape(a.shape[:nb] + (math.prod(fa_shape), k))
    b = b.reshape(b.shape[:nb] + (k, math.prod(fb_shape)))
    r = xp.matmul(a, b)
    return r.reshape(r.shape[:-2] + fa_shape + fb_shape), tuple(batch + free_a + free_b)


def _einsum_arrays(xp, arrays, terms, out):
    n = len(arrays)
    ops = []
    for k in range(n):
        arr, term = arrays[k], terms[k]
        keep = set(out).union(*(terms[j] for j in range(n) if j != k))
        uniq = tuple(dict.fromkeys(term))
        kept = tuple(lab for lab in uniq if lab in keep)
        if len(kept) != len(term):
            arr, term = _einsum_one(xp, arr, term, kept), kept
        ops.append((arr, term))
    arr, term = ops[0]
    for k in range(1, n):
        later = set(out).union(*(ops[j][1] for j in range(k + 1, n)))
        arr, term = _einsum_pair(xp, arr, term, ops[k][0], ops[k][1], later)
    if term != out:
        arr = arr.transpose([term.index(lab) for lab in out])
    if arr.dtype != arrays[0].dtype:  # sums of bools/small ints widen in NumPy; torch keeps dtype
        arr = arr.astype(arrays[0].dtype)
    elif n == 1 and xp.may_share_memory(arr, arrays[0]):
        arr = arr.copy()
    return arr


class Einsum(Op):
    name_ = "ViewBackward0"

    @classmethod
    def apply(cls, *tensors, terms, out):
        result = super().apply(*tensors, terms=terms, out=out)
        if result.grad_fn is not None and result.grad_fn.__class__ is cls:
            result.grad_fn.save_for_backward(*tensors)
        return result

    @staticmethod
    def forward(ctx, *arrays, terms, out):
        ctx.terms, ctx.out = terms, out
        ctx.sizes = {lab: s for a, t in zip(arrays, terms) for lab, s in zip(t, a.shape)
                     if s != 1} if len(arrays) > 1 else {}
        return _einsum_arrays(ctx.xp, arrays, terms, out)

    @staticmethod
    def backward(ctx, grad):
        saved = ctx.saved_tensors
        terms, out = ctx.terms, ctx.out
        xp, dt = ctx.xp, grad._data.dtype
        fresh = max([_ELL + 64] + [lab for t in terms for lab in t]) + 1
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            ops = [grad] + [saved[j] for j in range(len(saved)) if j != k]
            subs = [out] + [terms[j] for j in range(len(saved)) if j != k]
            shape = saved[k]._data.shape
            size = {lab: ctx.sizes.get(lab, s) for lab, s in zip(terms[k], shape)}
            target, seen = [], set()
            for lab in terms[k]:
                if lab in seen:  # a repeated label (a diagonal): scatter back with an identity
                    ops.append(_wrap(xp.eye(size[lab], dtype=dt)))
                    subs.append((lab, fresh))
                    target.append(fresh)
                    size[fresh] = size[lab]
                    fresh += 1
                else:
                    target.append(lab)
                    seen.add(lab)
            present = set().union(*subs)
            for lab in target:
                if lab not in present:  # summed in forward and seen nowhere else: broadcast
                    ops.append(_wrap(xp.ones(size[lab], dtype=dt)))
                    subs.append((lab,))
            g = Einsum.apply(*ops, terms=tuple(subs), out=tuple(target))
            full = tuple(size[lab] for lab in target)
            if g._data.shape != full:  # a size-1 label that broadcast in forward
                g = g.expand(full)
            grads.append(g)
        return tuple(grads)


class EinsumSum(Einsum):
    name_ = "SumBackward1"


def einsum(*args):
    """Sum of products over the labelled dimensions of ``operands``, e.g. a batched matmul:
    ``ember.einsum('bij,bjk->bik', x, y)``. Also takes a list of operands, ``...`` for
    broadcast dimensions, and the sublist format ``einsum(x, [0, 1], y, [1, 2], [0, 2])``.
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    eq = args[0]
    if isinstance(eq, str):
        operands = args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        eq, operands = _sublist_equation(args)
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    for op in operands:
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): expected Tensor operands, got {type(op).__name__}")
    terms, out = _parse_einsum(eq, tuple(op._data.ndim for op in operands))
    dt = operands[0]._data.dtype
    for op in operands[1:]:
        if op._data.dtype != dt:
            raise RuntimeError(f"expected scalar type {_sname(dt)} but found "
                               f"{_sname(op._data.dtype)}")
    _einsum_sizes(operands, terms)
    if len(operands) == 1:
        term = terms[0]
        if len(set(term)) == len(term) and set(term) == set(out):  # a pure permutation: a view
            return permute(operands[0], [term.index(lab) for lab in out])
        return EinsumSum.apply(operands[0], terms=terms, out=out)
    return Einsum.apply(*operands, terms=terms, out=out)


def _sublist_equation(args):
    """Turn ``(op0, sub0, op1, sub1, ..., [out])`` into an equation string and operands."""
    def part(sub):
        s = ""
        for v in sub:
            if v is Ellipsis:
                s += "..."
            elif 0 <= v < 26:
                s += chr(ord("A") + v)
            elif 26 <= v < 52:
                s += chr(ord("a") + v - 26)
            else:
                raise ValueError(f"einsum(): subscript in subscript list is not within the valid "
                                 f"range [0, 52), got {v}")
        return s
    operands = args[0::2]
    subs = args[1::2]
    if len(args) % 2:  # an output sublist closes the list
        out = args[-1]
        operands = args[0:-1:2]
        eq = ",".join(part(s) for s in subs) + "->" + part(out)
    else:
        eq = ",".join(part(s) for s in subs)
    return eq, tuple(operands)

# -- tensordot, kron, trace, cross -----------------------------------------------------------------

def _as_dim_list(d):
    if isinstance(d, Tensor):
        d = d.tolist()
    return [int(d)] if isinstance(d, (int, np.integer)) else [int(x) for x in d]


def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` (an int, or a pair of dim lists) of ``a`` with those of ``b``.

    Example: ``ember.tensordot(x, y, dims=([1, 2], [0, 1]))``.
    """
    _check_tensors("tensordot", a, b)
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, Tensor):
        dims = dims.item() if dims._data.ndim == 0 else dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of dim lists")
        da, db = _as_dim_list(dims[0]), _as_dim_list(dims[1])
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    sa, sb = a._data.shape, b._data.shape
    wa = [wrap_dim(d, na) for d in da]
    wb = [wrap_dim(d, nb) for d in db]
    for i, (x, y) in enumerate(zip(wa, wb)):
        if sa[x] != sb[y]:
            if sb[y] == 1:  # a size-1 contracted dim broadcasts: sum the other side over it
                a = a.sum(x, keepdim=True)
            elif sa[x] == 1:
                b = b.sum(y, keepdim=True)
            else:
                raise RuntimeError(f"contracted dimensions need to match, but first has size "
                                   f"{sa[x]} in dim {da[i]} and second has size {sb[y]} in dim "
                                   f"{db[i]}")
    sa, sb = a._data.shape, b._data.shape
    free_a = [d for d in range(na) if d not in wa]
    free_b = [d for d in range(nb) if d not in wb]
    k = math.prod(sa[d] for d in wa)
    pa, pb = free_a + wa, wb + free_b
    if pa != list(range(na)):
        a = permute(a, pa)
    if pb != list(range(nb)):
        b = permute(b, pb)
    ra = reshape(a, (math.prod(sa[d] for d in free_a), k))
    rb = reshape(b, (k, math.prod(sb[d] for d in free_b)))
    r = reshape(mm(ra, rb), tuple(sa[d] for d in free_a) + tuple(sb[d] for d in free_b))
    return r if out is None else write_out(out, r)


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
        raise RuntimeError(f"expected scalar type {_sname(a.dtype)} but found {_sname(b.dtype)}")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    if a.shape != b.shape:
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise broadcast_error(a.shape, b.shape) from None
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
    return _la.det(input)


def logdet(input):
    """``log(det(input))``: nan for a negative determinant, -inf for a singular matrix."""
    return _la._logdet(input)


def slogdet(input):
    """Sign and log of the absolute value of the determinant."""
    return _slogdet_rt(*_la.slogdet(input))


def inverse(input, *, out=None):
    """Inverse of a square matrix (or a batch); singular input raises LinAlgError."""
    return _la.inv(input, out=out)


def svd(input, some=True, compute_uv=True, *, out=None):
    """``U, S, V`` with ``input = U @ diag(S) @ V.mT`` (torch.svd's older API: V, not Vh)."""
    if not compute_uv:
        s = _la.svdvals(input)
        xp = _xp(input._data)
        shape, dt = input._data.shape, input._data.dtype
        u = _wrap(xp.zeros(shape[:-1] + (shape[-2],), dtype=dt))
        v = _wrap(xp.zeros(shape[:-2] + (shape[-1], shape[-1]), dtype=dt))
        return _svd_rt(u, s, v)
    u, s, vh = _la.svd(input, full_matrices=not some)
    return _svd_rt(u, s, _mT(vh))


def qr(input, some=True, *, out=None):
    """``Q, R`` with ``input = Q @ R`` (``some=False`` gives the complete decomposition)."""
    return _qr_rt(*_la.qr(input, mode="reduced" if some else "complete"))


def cholesky(input, upper=False, *, out=None):
    """Cholesky factor of a symmetric positive-definite matrix (deprecated in torch)."""
    warnings.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be "
                  "removed in a future PyTorch release.\nL = torch.cholesky(A)\nshould be replaced "
                  "with\nL = torch.linalg.cholesky(A)\nand\nU = torch.cholesky(A, upper=True)\n"
                  "should be replaced with\nU = torch.linalg.cholesky(A).mH\nThis transform will "
                  "produce equivalent results for all valid (symmetric positive definite) inputs.",
                  UserWarning, stacklevel=2)
    return _la._cholesky(input, upper, out, "cholesky")


def matrix_power(input, n, *, out=None):
    """``input`` multiplied by itself ``n`` times (``n < 0`` uses the inverse)."""
    return _la.matrix_power(input, n, out=out)


def pinverse(input, rcond=1e-15):
    """Moore-Penrose pseudo-inverse (singular values below ``rcond * max`` are dropped)."""
    return _la.pinv(input, rtol=rcond)


from .. import linalg as _la  # noqa: E402  (ember.linalg imports this module)

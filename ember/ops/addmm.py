"""Products with an added term: addmm, addmv, baddbmm, addbmm and their in-place forms
(re-exported by ops/linalg.py).

Example:
    >>> import ember
    >>> ember.addmm(ember.ones(2), ember.ones(2, 3), ember.ones(3, 2), beta=0.5).tolist()
    [[3.5, 3.5], [3.5, 3.5]]
"""
from ..autograd.function import Op
from ._util import type_word, write_out
from .binary import mul
from .matmul import (_addmv_dtype_error, _check_bmm, _matmul_backward, _mm_shape_error,
                     _no_bool)

__all__ = ["addmm", "addmv", "baddbmm", "addbmm"]

TENSOR_METHODS = ["addmm", "addmm_", "addmv", "addmv_", "baddbmm", "baddbmm_", "addbmm",
                  "addbmm_"]


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
        raise RuntimeError(f"{kind} must have the same dtype, but got {type_word(inp._data.dtype)} "
                           f"and {type_word(other.dtype)}")


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
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {type_word(a.dtype)} "
                           f"and {type_word(b.dtype)}")
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
        raise _addmv_dtype_error(input._data, a, v)
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

"""Running sums and products: cumsum, cumprod and their in-place forms (part of the reduce
family; reduce.py re-exports them). cummax/cummin live with the sort family.

Example:
    >>> import ember
    >>> ember.cumsum(ember.tensor([1, 2, 3]), 0)
    tensor([1, 3, 6])
    >>> ember.tensor([1., 2., 3.]).cumprod(0)
    tensor([1., 2., 6.])
"""
from .. import dtypes as _dt
from .._tensor import wrap_dim
from ..autograd.function import Op
from ..autograd.grad_mode import _Mode
from ._util import write_out
from .reduce import _const, _dim_aliases, _is_float, _sum_dtype

__all__ = ["cumsum", "cumprod"]

TENSOR_METHODS = ["cumsum", "cumsum_", "cumprod", "cumprod_"]


class Cumsum(Op):
    name_ = "CumsumBackward0"

    @staticmethod
    def forward(ctx, x, dim, dtype):
        ctx.dim = dim
        if dim is None:  # 0-d
            return x.astype(dtype, copy=True)
        return ctx.xp.cumsum(x, axis=dim, dtype=dtype)

    @staticmethod
    def backward(ctx, grad):
        return _RevCumsum.apply(grad, dim=ctx.dim)


class _RevCumsum(Op):
    """Cumulative sum from the end (torch writes it as flip-cumsum-flip)."""

    name_ = "FlipBackward0"

    @staticmethod
    def forward(ctx, g, dim):
        ctx.dim = dim
        if dim is None:
            return g.copy()
        xp = ctx.xp
        return xp.flip(xp.cumsum(xp.flip(g, dim), axis=dim), dim)

    @staticmethod
    def backward(ctx, grad):
        return Cumsum.apply(grad, dim=ctx.dim, dtype=grad._data.dtype)


class Cumprod(Op):
    name_ = "CumprodBackward0"
    save_inputs = (0,)
    save_output = True

    @staticmethod
    def forward(ctx, x, dim, dtype):
        xp = ctx.xp
        if x.dtype != dtype:
            x = x.astype(dtype)
        ctx.dim, ctx.first = dim, None
        if dim is None:
            return x.copy()
        if _is_float(x):
            zeros = x == 0
            if zeros.any():
                seen = xp.cumsum(zeros, axis=dim)
                ctx.before, ctx.first = seen == 0, zeros & (seen == 1)
        return xp.cumprod(x, axis=dim)

    @staticmethod
    def backward(ctx, grad):
        x, y = ctx.saved_tensors
        d = ctx.dim
        if d is None:
            return grad
        if ctx.first is None:
            return _RevCumsum.apply(grad * y, dim=d) / x
        if _Mode.enabled:  # building a graph (double backward): the exact O(n^2) form
            return _cumprod_grad_exact(ctx, x, grad, d)
        # With zeros: positions before the first zero use the usual formula; the first zero
        # gets sum_i g_i * (cumprod with that zero replaced by one)_i; later positions get 0.
        dt = grad._data.dtype
        before, first = _const(ctx, ctx.before, dt), _const(ctx, ctx.first, dt)
        x_safe = x * before + _const(ctx, ~ctx.before, dt)
        part1 = _RevCumsum.apply(grad * y, dim=d) / x_safe * before
        x1 = x * _const(ctx, ~ctx.first, dt) + first  # the first zero replaced by a constant 1
        part2 = _RevCumsum.apply(grad * cumprod(x1, d), dim=d) * first
        return part1 + part2


def _cumprod_grad_exact(ctx, x, g, d):
    """grad_k = sum_{i>=k} g_i prod_{j<=i, j!=k} x_j, as polynomials (no division), so that
    its own derivatives are right where x has zeros."""
    xp, n, dt = ctx.xp, x._data.shape[d], g._data.dtype
    shape = (1,) * d + (n, n) + (1,) * (x._data.ndim - d - 1)  # axes d: k, d + 1: i
    eye = xp.eye(n, dtype=bool).reshape(shape)
    upper = xp.triu(xp.ones((n, n), dtype=bool)).reshape(shape)
    terms = cumprod(x.unsqueeze(d) * _const(ctx, ~eye, dt) + _const(ctx, eye, dt), d + 1)
    return (g.unsqueeze(d) * terms * _const(ctx, upper, dt)).sum(d + 1)


def _cum(op, input, dim, dtype, out):
    nd = input._data.ndim
    d = wrap_dim(dim, nd)
    r = op.apply(input, dim=d if nd else None, dtype=_sum_dtype(input._data, dtype))
    return r if out is None else write_out(out, r)


@_dim_aliases
def cumsum(input, dim, *, dtype=None, out=None):
    """Running sum along ``dim``: ``ember.cumsum(ember.tensor([1, 2, 3]), 0)`` is [1, 3, 6]."""
    return _cum(Cumsum, input, dim, dtype, out)


@_dim_aliases
def cumprod(input, dim, *, dtype=None, out=None):
    """Running product along ``dim``."""
    return _cum(Cumprod, input, dim, dtype, out)


def _check_inplace_dtype(self, dtype):
    if dtype is not None and _dt.to_dtype(dtype).np != self._data.dtype:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {self.dtype} and output "
                           f"tensor dtype {_dt.to_dtype(dtype)} should match")


def cumsum_(self, dim, dtype=None):
    _check_inplace_dtype(self, dtype)
    return self._inplace(cumsum, dim)


def cumprod_(self, dim, dtype=None):
    _check_inplace_dtype(self, dtype)
    return self._inplace(cumprod, dim)

"""Linear maps and lookups: ``linear`` (one fused op: ``x @ W.T + b``), ``bilinear`` and
``embedding``.

Example:
    >>> import ember
    >>> import ember.nn.functional as F
    >>> F.linear(ember.ones(2, 3), ember.ones(4, 3), ember.zeros(4)).shape
    torch.Size([2, 4])
    >>> F.embedding(ember.tensor([2, 0]), ember.eye(3)).tolist()
    [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
"""
from ..._tensor import Tensor
from ...autograd.function import Op
from ...ops._util import cpp_type_word, type_word

__all__ = ["linear", "bilinear", "embedding"]


# -- linear -------------------------------------------------------------------------------------
def _as_2d(a):
    return a if a.ndim == 2 else a.reshape(-1, a.shape[-1])


def _x_wt(xp, x, w, b=None):
    """``x @ w.T (+ b)`` for 2-d x. OpenBLAS runs the transposed product ``w @ x.T`` 10-40 %
    faster when the batch is small and the layer large (measured: batch 16-128, 784x512), so
    compute that and copy it back to row-major order (the copy costs ~3 % of the product)."""
    if xp.__name__ == "numpy" and x.shape[0] <= 128 and w.size >= 65536:
        out = xp.matmul(w, x.T)
        if b is not None:
            out += b.reshape(-1, 1) if b.ndim else b
        return xp.ascontiguousarray(out.T)
    out = xp.matmul(x, w.T)
    if b is not None:
        out += b
    return out


def _linear_grads(ctx, grad, x, w, need_x, need_w):
    """Gradients of ``x @ w.T`` for x of any rank >= 1, written with ember ops."""
    from ...ops.matmul import Mm
    from ...ops.shape import reshape, transpose
    g2 = grad if grad._data.ndim == 2 else reshape(grad, (-1, w._data.shape[0]))
    gx = gw = None
    if need_x:
        gx = Mm.apply(g2, w)
        if x._data.ndim != 2:
            gx = reshape(gx, x._data.shape)
    if need_w:
        x2 = x if x._data.ndim == 2 else reshape(x, (-1, x._data.shape[-1]))
        gw = Mm.apply(transpose(g2, 0, 1), x2)
    return gx, gw


class _Linear(Op):
    """``input @ weight.T`` (inputs: input, weight)."""

    name_ = "MmBackward0"
    save_inputs = (0, 1)

    @staticmethod
    def forward(ctx, x, w):
        out = _x_wt(ctx.xp, _as_2d(x), w)
        return out if x.ndim == 2 else out.reshape(x.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return _linear_grads(ctx, grad, x, w, need[0], need[1])


class _LinearBias(Op):
    """``bias + input @ weight.T`` (inputs in torch's addmm order: bias, input, weight)."""

    name_ = "AddmmBackward0"
    save_inputs = (1, 2)

    @staticmethod
    def forward(ctx, b, x, w):
        out = _x_wt(ctx.xp, _as_2d(x), w, b)
        return out if x.ndim == 2 else out.reshape(x.shape[:-1] + (w.shape[0],))

    @staticmethod
    def backward(ctx, grad):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx, gw = _linear_grads(ctx, grad, x, w, need[1], need[2])
        return (grad if need[0] else None), gx, gw  # the engine sums grad down to bias's shape


class _LinearView(_Linear):
    name_ = "UnsafeViewBackward0"


class _LinearBiasView(_LinearBias):
    name_ = "ViewBackward0"


class _LinearVec(_Linear):
    name_ = "SqueezeBackward4"


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``; weight is (out_features, in_features).

    Example: ``F.linear(ember.randn(8, 4), ember.randn(3, 4))`` has shape (8, 3).
    """
    x, w = input._data, weight._data
    if x.ndim == 0 or w.ndim == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{x.ndim}D and {w.ndim}D")
    b = None if bias is None else bias._data
    if w.ndim != 2 or (b is not None and b.ndim > 1):
        return _linear_generic(input, weight, bias)
    if x.shape[-1] != w.shape[1]:
        rows = x.size // x.shape[-1] if x.shape[-1] else (1 if x.ndim == 1 else x.shape[0])
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{x.shape[-1]} "
                           f"and {w.shape[1]}x{w.shape[0]})")
    if b is None:
        if x.dtype != w.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                               f"{cpp_type_word(x.dtype)} != {cpp_type_word(w.dtype)}")
        cls = _Linear if x.ndim == 2 else (_LinearVec if x.ndim == 1 else _LinearView)
        return cls.apply(input, weight)
    if b.dtype != w.dtype:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {type_word(b.dtype)} "
                           f"and {type_word(w.dtype)}")
    if x.dtype != w.dtype:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {type_word(x.dtype)} "
                           f"and {type_word(w.dtype)}")
    if b.ndim == 1 and b.shape[0] not in (1, w.shape[0]):
        raise RuntimeError(f"The expanded size of the tensor ({w.shape[0]}) must match the "
                           f"existing size ({b.shape[0]}) at non-singleton dimension 1.  Target "
                           f"sizes: [{x.size // max(x.shape[-1], 1)}, {w.shape[0]}].  Tensor "
                           f"sizes: [{b.shape[0]}]")
    cls = _LinearBias if x.ndim == 2 else _LinearBiasView
    return cls.apply(bias, input, weight)


def _linear_generic(input, weight, bias):
    """Rare shapes (1-d weight, bias of rank > 1): composed from matmul and add."""
    from ...ops.matmul import matmul
    if weight._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{weight._data.ndim}D")
    out = matmul(input, weight.t())
    return out if bias is None else out + bias


# -- bilinear -----------------------------------------------------------------------------------
def bilinear(input1, input2, weight, bias=None):
    """``y[..., o] = sum_ij input1[..., i] * weight[o, i, j] * input2[..., j] + bias[o]``."""
    from ...ops.matmul import matmul
    from ...ops.shape import reshape
    x1, x2, w = input1._data, input2._data, weight._data
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be 3-dimensional, got {w.ndim}D")
    if x1.ndim != x2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {x1.ndim} and "
                           f"{x2.ndim}")
    for d in range(x1.ndim - 1):
        if x1.shape[d] != x2.shape[d]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {d}: got "
                               f"{x1.shape[d]} and {x2.shape[d]}")
    if x1.shape[-1] != w.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{x1.shape[-1]} but expected {w.shape[1]}")
    if x2.shape[-1] != w.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{x2.shape[-1]} but expected {w.shape[2]}")
    if bias is not None and (bias._data.ndim != 1 or bias._data.shape[0] != w.shape[0]):
        got = bias._data.shape[-1] if bias._data.ndim else 1
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got {got} but "
                           f"expected {w.shape[0]}")
    n_out, n1, n2 = w.shape
    batch = x1.shape[:-1]
    a = reshape(input1, (-1, n1))
    c = reshape(input2, (-1, 1, n2))
    # (N, n1) @ (n1, out*n2) -> (N, out, n2), then contract with input2 over n2
    wm = reshape(weight.permute(1, 0, 2), (n1, n_out * n2))
    t = reshape(matmul(a, wm), (-1, n_out, n2))
    y = reshape((t * c).sum(-1), batch + (n_out,))
    return y if bias is None else y + bias


# -- embedding ----------------------------------------------------------------------------------
class _Embedding(Op):
    name_ = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, w, idx, padding_idx, scale_grad_by_freq):
        ctx.idx, ctx.num = idx, w.shape[0]
        ctx.padding_idx, ctx.scale = padding_idx, scale_grad_by_freq
        return ctx.xp.take(w, idx, axis=0)

    @staticmethod
    def backward(ctx, grad):
        return _EmbeddingDense.apply(grad, idx=ctx.idx, num=ctx.num,
                                     padding_idx=ctx.padding_idx, scale=ctx.scale)


class _EmbeddingDense(Op):
    """The weight's gradient: rows of ``grad`` summed into their indices (pad row left 0)."""

    name_ = "EmbeddingDenseBackward0"

    @staticmethod
    def forward(ctx, g, idx, num, padding_idx, scale):
        xp = ctx.xp
        ctx.idx, ctx.padding_idx, ctx.scale, ctx.num = idx, padding_idx, scale, num
        flat = idx.reshape(-1)
        rows = g.reshape(flat.shape[0], -1)
        keep = None
        if padding_idx is not None:
            keep = flat != padding_idx
        if scale:
            counts = xp.bincount(flat, minlength=num).astype(g.dtype)
            rows = rows / counts[flat][:, None]
        if keep is not None:
            flat, rows = flat[keep], rows[keep]
        out = xp.zeros((num,) + g.shape[idx.ndim:], dtype=g.dtype)
        xp.add.at(out.reshape(num, -1), flat, rows)
        return out

    @staticmethod
    def backward(ctx, gg):
        """Double backward of the scatter: gather ``gg`` at the indices (zero at the pad)."""
        from ..._tensor import _wrap
        out = _Embedding.apply(gg, idx=ctx.idx, padding_idx=None, scale_grad_by_freq=False)
        xp = ctx.xp
        factor = None
        if ctx.scale:
            counts = xp.bincount(ctx.idx.reshape(-1), minlength=ctx.num)
            factor = 1 / counts[ctx.idx].astype(gg._data.dtype)
        if ctx.padding_idx is not None:
            keep = (ctx.idx != ctx.padding_idx).astype(gg._data.dtype)
            factor = keep if factor is None else factor * keep
        if factor is None:
            return out
        return out * _wrap(factor[(...,) + (None,) * (out._data.ndim - ctx.idx.ndim)])


def _renorm_rows(weight, idx, max_norm, norm_type):
    """Scale each row of ``weight`` referenced by ``idx`` to norm <= max_norm, in place."""
    xp_rows = weight._data
    rows = list(dict.fromkeys(idx.reshape(-1).tolist()))
    sel = xp_rows[rows]
    if norm_type == float("inf"):
        norms = abs(sel).max(axis=1)
    else:
        norms = (abs(sel.astype("float64")) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    big = norms > max_norm
    if big.any():
        scale = (max_norm / (norms[big] + 1e-7)).astype(sel.dtype)
        xp_rows[[r for r, b in zip(rows, big.tolist()) if b]] = sel[big] * scale[:, None]
        weight._bump_version()


def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of ``weight`` picked by the integer tensor ``input``; output shape input.shape + (dim,).

    ``padding_idx`` gets no gradient; ``max_norm`` renormalises the looked-up rows in place.
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"embedding(): argument 'indices' must be Tensor, not "
                        f"{type(input).__name__}")
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got {input.type()} instead "
                           f"(while checking arguments for embedding)")
    num = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= num:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -num:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = num + padding_idx
    if sparse:
        raise NotImplementedError("embedding(sparse=True): ember has no sparse tensors; use "
                                  "sparse=False (dense gradients)")
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return _Embedding.apply(weight, idx=idx.astype("int64", copy=False), padding_idx=padding_idx,
                            scale_grad_by_freq=bool(scale_grad_by_freq))

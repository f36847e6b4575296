"""Higher-level differentiation: jacobian, hessian, vjp, jvp, hvp, vhp (torch's API).

Example:
    >>> import ember
    >>> from ember.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, ember.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
"""
from .._tensor import Tensor, _wrap
from . import grad as _grad
from .grad_mode import enable_grad

__all__ = ["vjp", "jvp", "jacobian", "hessian", "hvp", "vhp"]


def _as_tuple(x, arg_name, fn_name):
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, t in enumerate(xs):
        if not isinstance(t, Tensor):
            where = f"Entry {i} in " if is_tuple else "The "
            raise TypeError(f"{where}{arg_name} given to {fn_name} must be a Tensor, but got "
                            f"{type(t).__name__}")
    return is_tuple, xs


def _prepare(inputs, create_graph):
    # Differentiate with respect to fresh leaves (or views of the inputs to keep their graph).
    return tuple(t.view_as(t) if create_graph and t.requires_grad else
                 t.detach().requires_grad_(True) for t in inputs)


def _zeros_like(t):
    return _wrap(t._data * 0)


def _grads(outputs, inputs, grad_outputs, create_graph, strict, fn_name):
    diff = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not diff:
        if strict:
            raise RuntimeError(f"The output of the user-provided function given to {fn_name} "
                               "does not require gradients.")
        return tuple(_zeros_like(t) for t in inputs)
    grads = _grad([o for o, _ in diff], inputs, [g for _, g in diff], retain_graph=True,
                  create_graph=create_graph, allow_unused=True)
    out = []
    for i, (g, t) in enumerate(zip(grads, inputs)):
        if g is None:
            if strict:
                raise RuntimeError(f"The output of the user-provided function is independent of "
                                   f"input {i}. This is not allowed in strict mode.")
            g = _zeros_like(t)
        out.append(g)
    return tuple(out)


def _input_vectors(v, ins, fn_name):
    """``v`` as a tuple; None means ones, allowed only for one single-element input."""
    if v is not None:
        return _as_tuple(v, "v", fn_name)[1]
    if any(t.numel() != 1 for t in ins):
        raise RuntimeError("The vector v can only be None if the input to the user-provided "
                           "function is a single Tensor with a single element.")
    return tuple(_wrap(t._data * 0 + 1) for t in ins)


def _grad_dot(g, vs, wrt, like, create_graph):
    """The gradient of ``sum(g_i * v_i)`` w.r.t. ``wrt``, with zeros shaped like ``like``
    where it does not depend on them."""
    g_diff = [(gi, vi) for gi, vi in zip(g, vs) if gi.requires_grad]
    if not g_diff:
        return tuple(_zeros_like(t) for t in like)
    res = _grad([gi for gi, _ in g_diff], wrt, [vi for _, vi in g_diff],
                create_graph=create_graph, allow_unused=True)
    return tuple(_zeros_like(t) if r is None else r for r, t in zip(res, like))


def _finish(x, create_graph):
    if isinstance(x, tuple):
        return tuple(_finish(v, create_graph) for v in x)
    return x if create_graph else x.detach()


def vjp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T · J)``: a vector-Jacobian product.

    Example: ``out, g = vjp(lambda x: x.sum(), ember.ones(3))`` gives g = ones(3).
    """
    with enable_grad():
        is_tuple, ins = _as_tuple(inputs, "inputs", "vjp")
        ins = _prepare(ins, create_graph)
        out = func(*ins)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "vjp")
        if v is None:
            if any(o.numel() != 1 for o in outs):
                raise RuntimeError("The vector v can only be None if the user-provided function "
                                   "returns a single Tensor with a single element.")
            vs = tuple(_wrap(o._data * 0 + 1) for o in outs)
        else:
            _, vs = _as_tuple(v, "v", "vjp")
        grads = _grads(outs, ins, vs, create_graph, strict, "vjp")
    out = _finish(out, create_graph)
    return out, (_finish(grads, create_graph) if is_tuple else _finish(grads[0], create_graph))


def jvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), J · v)``: a Jacobian-vector product (by the double-vjp trick)."""
    with enable_grad():
        is_tuple, ins = _as_tuple(inputs, "inputs", "jvp")
        ins = _prepare(ins, create_graph)
        vs = _input_vectors(v, ins, "jvp")
        out = func(*ins)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "jvp")
        dummies = tuple(_wrap(o._data * 0).requires_grad_(True) for o in outs)
        g = _grads(outs, ins, dummies, True, strict, "jvp")
        res = _grad_dot(g, vs, dummies, outs, create_graph)
    out = _finish(out, create_graph)
    res = _finish(res, create_graph)
    return out, (res if out_tuple else res[0])


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False,
             strategy="reverse-mode"):
    """The Jacobian of ``func`` at ``inputs``; shape ``output.shape + input.shape``.

    With tuples of inputs and/or outputs the result is nested tuples, as in torch.
    """
    with enable_grad():
        is_tuple, ins = _as_tuple(inputs, "inputs", "jacobian")
        ins = _prepare(ins, create_graph)
        out = func(*ins)
        out_tuple, outs = _as_tuple(out, "outputs of the user-provided function", "jacobian")
        rows = []
        for o in outs:
            per_input = [[] for _ in ins]
            n = o.numel()
            flat = o.reshape(-1)
            for k in range(n):
                if o.requires_grad:
                    gs = _grad(flat[k], ins, retain_graph=True, create_graph=create_graph,
                               allow_unused=True)
                else:
                    gs = (None,) * len(ins)
                for i, (g, t) in enumerate(zip(gs, ins)):
                    if g is None:
                        if strict:
                            raise RuntimeError(
                                f"Output {len(rows)} of the user-provided function is "
                                f"independent of input {i}. This is not allowed in strict mode.")
                        g = _zeros_like(t)
                    per_input[i].append(g)
            from ..ops.join import stack
            row = tuple(stack(gs).reshape(tuple(o.shape) + tuple(t.shape)) if gs else
                        _wrap(t._data.reshape(-1)[:0].reshape(tuple(o.shape) + tuple(t.shape)))
                        for gs, t in zip(per_input, ins))
            rows.append(row)
    rows = _finish(tuple(rows), create_graph)
    if out_tuple and is_tuple:
        return rows
    if out_tuple:
        return tuple(r[0] for r in rows)
    if is_tuple:
        return rows[0]
    return rows[0][0]


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False,
            outer_jacobian_strategy="reverse-mode"):
    """The Hessian of a scalar function ``func`` at ``inputs``."""
    is_tuple, ins = _as_tuple(inputs, "inputs", "hessian")

    def gradient(*xs):
        out = func(*xs)
        _, outs = _as_tuple(out, "outputs of the user-provided function", "hessian")
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The function given to hessian should return a single Tensor "
                               "with a single element.")
        gs = _grad(outs[0].reshape(()), xs, create_graph=True, allow_unused=True)
        return tuple(_zeros_like(x) if g is None else g for g, x in zip(gs, xs))

    res = jacobian(gradient, ins, create_graph=create_graph, strict=strict)
    if is_tuple:
        return res
    return res[0][0] if isinstance(res[0], tuple) else res[0]


def vhp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), v^T · H)`` for a scalar ``func``."""
    with enable_grad():
        is_tuple, ins = _as_tuple(inputs, "inputs", "vhp")
        ins = _prepare(ins, create_graph)
        out = func(*ins)
        _, outs = _as_tuple(out, "outputs of the user-provided function", "vhp")
        if len(outs) != 1 or outs[0].numel() != 1:
            raise RuntimeError("The function given to vhp should return a single Tensor with a "
                               "single element.")
        vs = _input_vectors(v, ins, "vhp")
        g = _grad(outs[0].reshape(()), ins, create_graph=True, allow_unused=True)
        g = tuple(_zeros_like(t) if gi is None else gi for gi, t in zip(g, ins))
        res = _grad_dot(g, vs, ins, ins, create_graph)
    out = _finish(out, create_graph)
    res = _finish(res, create_graph)
    return out, (res if is_tuple else res[0])


def hvp(func, inputs, v=None, create_graph=False, strict=False):
    """``(func(inputs), H · v)`` for a scalar ``func`` (equal to vhp: H is symmetric)."""
    return vhp(func, inputs, v, create_graph, strict)

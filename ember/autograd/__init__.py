"""Reverse-mode automatic differentiation: ``backward``, ``grad``, custom ``Function``s.

Example:
    >>> import ember
    >>> x = ember.tensor([1., 2.], requires_grad=True)
    >>> (gx,) = ember.autograd.grad((x ** 2).sum(), x)
    >>> gx
    tensor([2., 4.])
"""
from .function import Function, FunctionCtx, once_differentiable  # noqa: F401
from .grad_mode import (enable_grad, inference_mode, is_grad_enabled, no_grad,  # noqa: F401
                        set_grad_enabled)

__all__ = ["backward", "grad", "Function", "FunctionCtx", "once_differentiable", "no_grad",
           "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "functional", "profiler", "detect_anomaly", "set_detect_anomaly", "gradcheck",
           "gradgradcheck"]


def _as_tuple(x):
    from .._tensor import Tensor
    if x is None:
        return ()
    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs, is_grads_batched=False):
    from .._tensor import Tensor, _wrap
    grads = []
    for out, g in zip(outputs, grad_outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"expected a Tensor as output, got {type(out).__name__}")
        if not out._requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a "
                               "grad_fn")
        if g is None:
            if out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if out._data.dtype.kind not in "fc":
                raise RuntimeError("grad can be implicitly created only for real scalar outputs "
                                   f"but got {out.dtype}")
            g = _wrap(_ones_like(out._data))
        else:
            if not isinstance(g, Tensor):
                from ..ops.creation import tensor
                g = tensor(g, dtype=out.dtype, device=out.device)
            if g._data.shape != out._data.shape:
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{g.shape} and output[0] has a shape of {out.shape}.")
            if g.device != out.device:
                raise RuntimeError("Expected all tensors to be on the same device, but found at "
                                   f"least two devices, {g.device} and {out.device}!")
            g = g.to(out.dtype)
            if not g._user_grad:
                g = g.detach() if not g._requires_grad else g
                g._user_grad = True
        grads.append(g)
    return grads


def _ones_like(arr):
    from ..device import array_module, device_of
    xp = array_module(device_of(arr))
    if xp.__name__ == "numpy":
        return xp.ones_like(arr)
    with arr.device:
        return xp.ones_like(arr)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             grad_variables=None, inputs=None):
    """Accumulate into ``.grad`` of the leaves the gradients of ``tensors``.

    Example: ``ember.autograd.backward([loss1, loss2])``.
    """
    from .engine import run_backward
    tensors = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    grad_tensors = _as_tuple(grad_tensors) if grad_tensors is not None else (None,) * len(tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"got {len(grad_tensors)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(tensors, grad_tensors)
    if inputs is None:
        run_backward(tensors, grads, retain_graph, create_graph)
        return
    inputs = _as_tuple(inputs)
    if not inputs:
        raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    leaves = {t._accumulator() for t in inputs if t.grad_fn is None}
    # Non-leaf inputs get .grad too: capture the gradient flowing into them.
    non_leaf = [t for t in inputs if t.grad_fn is not None]
    capture = [(t.grad_fn, t._output_nr) for t in non_leaf] or None
    captured = run_backward(tensors, grads, retain_graph, create_graph, capture=capture,
                            only_leaves=leaves)
    for t in non_leaf:
        g = captured.get((t.grad_fn, t._output_nr))
        if g is not None:
            g = g if create_graph else g.detach()
            t._grad = g if t._grad is None else t._grad + g


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """The gradients of ``outputs`` with respect to ``inputs``, returned (not accumulated).

    Example: ``dx, = ember.autograd.grad(y.sum(), x, create_graph=True)``.
    """
    from .._tensor import _wrap
    from .engine import run_backward
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    else:
        grad_outputs = _as_tuple(grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    for t in inputs:
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    grads = _make_grads(outputs, grad_outputs)
    capture = [(t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._accumulator(), 0)
               for t in inputs]
    captured = run_backward(outputs, grads, retain_graph, create_graph, capture=capture,
                            accumulate=False)
    result = []
    for i, (t, key) in enumerate(zip(inputs, capture)):
        g = captured.get(key)
        if g is None:
            if materialize_grads:
                g = _wrap(_ones_like(t._data) * 0)
            elif not allow_unused:
                raise RuntimeError("One of the differentiated Tensors appears to not have been "
                                   "used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
        elif not create_graph:
            g = g.detach()
        result.append(g)
    return tuple(result)


def __getattr__(name):
    # Submodules loaded on first use keep `import ember` fast.
    if name in ("functional", "profiler", "anomaly_mode", "forward_ad", "graph"):
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("gradcheck", "gradgradcheck"):
        from ..testing import checks
        return getattr(checks, name)
    if name in ("detect_anomaly", "set_detect_anomaly"):
        from . import anomaly_mode
        return getattr(anomaly_mode, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""Backward-graph nodes: built-in ops (``Op``), user-defined ``Function``s and ``AccumulateGrad``.

A node is created when an op runs; it is the output's ``grad_fn``. Its ``next_functions`` lead
to the nodes of the op's inputs, so ``y.grad_fn.next_functions`` prints as in torch.

Writing an op (forward on raw arrays with ``ctx.xp``, backward with ember ops on Tensors):

    class Exp(Op):
        name = "ExpBackward0"
        save_output = True

        @staticmethod
        def forward(ctx, x):
            return ctx.xp.exp(x)

        @staticmethod
        def backward(ctx, grad):
            (y,) = ctx.saved_tensors
            return grad * y
"""
import numpy as np

from ..device import device_of
from .grad_mode import _Mode

__all__ = ["Function", "FunctionCtx", "once_differentiable"]

_float_kinds = frozenset("fc")


def _array_module(array):
    if array.__class__ is np.ndarray:
        return np
    from ..device import cupy
    return cupy()


def _check_same_device(arrays, name):
    devs = {device_of(a) for a in arrays if a is not None}
    if len(devs) > 1:
        a, b = sorted(str(d) for d in devs)[:2]
        raise RuntimeError(
            "Expected all tensors to be on the same device, but found at least two devices, "
            f"{b} and {a}! (when checking argument for {name})")


class Node:
    """A node of the backward graph (what ``tensor.grad_fn`` holds)."""

    name_ = None
    next_functions = ()
    _saved = None
    _pre_hooks = None       # output_nr -> [hook(grad) -> grad or None]
    _post_hooks = None      # [hook(grad_inputs, grad_outputs)]
    _node_pre_hooks = None  # [hook(grad_outputs)]
    _freed = False

    def name(self):
        return self.name_ or type(self).__name__

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"

    @property
    def metadata(self):
        if "_metadata" not in self.__dict__:
            self._metadata = {}
        return self._metadata

    def register_hook(self, fn):
        """``fn(grad_inputs, grad_outputs)`` runs after this node; it may return new grad_inputs."""
        if self._post_hooks is None:
            self._post_hooks = []
        self._post_hooks.append(fn)
        return _RemovableHandle(self._post_hooks, fn)

    def register_prehook(self, fn):
        """``fn(grad_outputs)`` runs before this node; it may return new grad_outputs."""
        if self._node_pre_hooks is None:
            self._node_pre_hooks = []
        self._node_pre_hooks.append(fn)
        return _RemovableHandle(self._node_pre_hooks, fn)

    def _add_tensor_hook(self, output_nr, fn):
        if self._pre_hooks is None:
            self._pre_hooks = {}
        hooks = self._pre_hooks.setdefault(output_nr, [])
        hooks.append(fn)
        return _RemovableHandle(hooks, fn)

    # -- saved tensors -------------------------------------------------------------------------
    def save_for_backward(self, *tensors):
        self._saved = tuple((t, t._version if t is not None else 0) for t in tensors)

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the "
                "graph are freed when you call .backward() or autograd.grad(). Specify "
                "retain_graph=True if you need to backward through the graph a second time or if "
                "you need to access saved tensors after calling backward.")
        if self._saved is None:
            return ()
        out = []
        for t, version in self._saved:
            if t is not None and t._version != version:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified by an "
                    f"inplace operation: [{t._type_name()} {list(t.shape)}], which is output "
                    f"{t._output_nr} of {t.grad_fn.name() if t.grad_fn else 'a leaf'}, is at "
                    f"version {t._version}; expected version {version} instead. Hint: the "
                    "backtrace further above can point at the operation that failed to compute "
                    "its gradient. Make the operation out-of-place (e.g. x = x + 1 instead of "
                    "x += 1) or clone the tensor before modifying it.")
            out.append(t)
        return tuple(out)

    def _free(self):
        self._saved = None
        self._freed = True

    def _apply_backward(self, grads):
        """Run backward on the gradients of this node's outputs; returns one grad per input."""
        raise NotImplementedError


class _RemovableHandle:
    def __init__(self, container, item):
        self._container, self._item = container, item

    def remove(self):
        try:
            self._container.remove(self._item)
        except ValueError:
            pass


_NO_EDGE = (None, 0)


def _edge(t):
    """The (node, output_nr) a gradient for tensor ``t`` must be sent to, or None."""
    if not t._requires_grad:
        return _NO_EDGE
    fn = t.grad_fn
    if fn is None:
        return (t._accumulator(), 0)
    return (fn, t._output_nr)


class Op(Node):
    """Base of ember's built-in differentiable ops.

    Subclasses define ``forward(ctx, *arrays, **params)`` on raw arrays (use ``ctx.xp``) and
    ``backward(ctx, *grads)`` with ember ops, returning one Tensor or None per input.
    ``save_inputs`` (indices) and ``save_output`` say what ``ctx.saved_tensors`` holds.
    ``differentiable = False`` marks ops whose outputs never require grad.
    """

    save_inputs = ()
    save_output = False
    differentiable = True
    is_view = False   # outputs share memory and the version counter with input 0

    @classmethod
    def apply(cls, *tensors, **params):
        ctx = cls.__new__(cls)
        arrays = []
        requires = False
        for t in tensors:
            if t is None:
                arrays.append(None)
            else:
                arrays.append(t._data)
                if t._requires_grad:
                    requires = True
        first = arrays[0]
        if first.__class__ is np.ndarray:
            ctx.xp = np
            if len(arrays) > 1:
                for a in arrays:
                    if a is not None and a.__class__ is not np.ndarray:
                        _check_same_device(arrays, cls.__name__)
        else:
            ctx.xp = _array_module(first)
            if len(arrays) > 1:
                _check_same_device(arrays, cls.__name__)
        record = requires and _Mode.enabled and cls.differentiable
        if record:
            ctx.needs_input_grad = tuple(t is not None and t._requires_grad for t in tensors)
        if ctx.xp is np:
            out = cls.forward(ctx, *arrays, **params)
        else:
            with first.device:  # results land on the inputs' GPU, not the current one
                out = cls.forward(ctx, *arrays, **params)
        if out.__class__ is tuple:
            outs = tuple(_wrap_output(o, ctx, i, record, cls.is_view, tensors[0])
                         for i, o in enumerate(out))
            if record:
                ctx._n_outputs = len(out)
                ctx._out_meta = tuple((o._data.shape, o._data.dtype) for o in outs)
        else:
            outs = _wrap_output(out, ctx, 0, record, cls.is_view, tensors[0])
        if cls.is_view:
            _attach_view_fn(cls, params, tensors[0], outs)
        if record:
            ctx.next_functions = tuple(_NO_EDGE if t is None else _edge(t) for t in tensors)
            ctx._input_meta = tuple(None if t is None else (t._data.shape, t._data.dtype)
                                    for t in tensors)
            saved = [tensors[i] for i in cls.save_inputs]
            if cls.save_output:
                if outs.__class__ is tuple:
                    saved.extend(outs)
                else:
                    saved.append(outs)
            if saved:
                ctx.save_for_backward(*saved)
        return outs

    def _apply_backward(self, grads):
        out = self.backward(self, *grads)
        return out if out.__class__ is tuple else (out,)


_new = object.__new__
_Tensor = None  # set by ember._tensor (which imports this module)


def _attach_view_fn(cls, params, source, outs):
    """Remember how each view is made from its base, so in-place ops on it can be recorded."""
    parent = source._view_fn if source._base is not None else None

    def make(index):
        def view_fn(base):
            src = parent(base) if parent is not None else base
            out = cls.apply(src, **params)
            return out[index] if index is not None else out
        return view_fn
    if outs.__class__ is tuple:
        for i, o in enumerate(outs):
            o._view_fn = make(i)
    else:
        outs._view_fn = make(None)


def _wrap_output(array, ctx, index, record, is_view, base):
    if array is None:
        return None
    if not isinstance(array, (np.ndarray,)) and not hasattr(array, "__cuda_array_interface__"):
        array = ctx.xp.asarray(array)
    t = _new(_Tensor)
    t._data = array
    if is_view:
        t._vc = base._shared_version()
        t._base = base if base._base is None else base._base
    if record and array.dtype.kind in _float_kinds:
        t._requires_grad = True
        t.grad_fn = ctx
        t._output_nr = index
    return t


class FunctionCtx(Node):
    """The ``ctx`` of a user-defined Function: save tensors, mark outputs, read needs_input_grad."""

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def mark_dirty(self, *tensors):
        self._dirty = {id(t) for t in tensors}

    def set_materialize_grads(self, value):
        self._materialize = bool(value)


class _FunctionMeta(type):
    def __init__(cls, name, bases, attrs):
        super().__init__(name, bases, attrs)
        # Each user Function gets its own node class named like torch's (e.g. MyReLUBackward).
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})


class BackwardCFunction(FunctionCtx):
    _forward_cls = None
    _materialize = True

    def _apply_backward(self, grads):
        from .._tensor import _wrap
        if self._materialize:
            grads = tuple(_wrap(self._out_zeros[i]()) if g is None else g
                          for i, g in enumerate(grads))
        out = self._forward_cls.backward(self, *grads)
        if out.__class__ is not tuple:
            out = (out,)
        n = len(self.next_functions)
        if len(out) < n:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {n}, got {len(out)})")
        return tuple(out[:n])


class Function(metaclass=_FunctionMeta):
    """Base class for custom differentiable operations.

    Example:
        >>> class Square(ember.autograd.Function):
        ...     @staticmethod
        ...     def forward(ctx, x):
        ...         ctx.save_for_backward(x)
        ...         return x * x
        ...     @staticmethod
        ...     def backward(ctx, grad):
        ...         (x,) = ctx.saved_tensors
        ...         return 2 * x * grad
        >>> y = Square.apply(ember.tensor([3.0], requires_grad=True))
    """

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode AD.")

    vjp = backward

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor
        from .grad_mode import no_grad
        ctx = cls._backward_cls()
        tensor_args = [a for a in args if isinstance(a, Tensor)]
        record = _Mode.enabled and any(t._requires_grad for t in tensor_args)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad for a in args)
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(out, tuple)
        outs = (out,) if single else out
        if record:
            ctx.next_functions = tuple(_edge(a) if isinstance(a, Tensor) else _NO_EDGE
                                       for a in args)
            ctx._input_meta = tuple((a._data.shape, a._data.dtype) if isinstance(a, Tensor)
                                    else None for a in args)
            non_diff = getattr(ctx, "_non_diff", set())
            dirty = getattr(ctx, "_dirty", set())
            wrapped = []
            zeros = []
            for i, o in enumerate(outs):
                if isinstance(o, Tensor):
                    if id(o) not in dirty and any(o is a for a in tensor_args):
                        o = o.view_as(o)  # an input returned as-is becomes a new output tensor
                    if id(o) not in non_diff and o._data.dtype.kind in _float_kinds:
                        o._requires_grad = True
                        o.grad_fn = ctx
                        o._output_nr = i
                    arr = o._data
                    zeros.append(lambda arr=arr: _array_module(arr).zeros_like(arr))
                else:
                    zeros.append(None)
                wrapped.append(o)
            ctx._out_zeros = zeros
            outs = tuple(wrapped)
        return outs[0] if single else outs


def once_differentiable(fn):
    """Decorator for a Function's backward that is not itself differentiable."""
    def wrapper(ctx, *args):
        from .grad_mode import no_grad
        with no_grad():
            return fn(ctx, *args)
    return wrapper


class AccumulateGrad(Node):
    """The node that writes a leaf tensor's gradient into ``.grad``."""

    def __init__(self, variable):
        self.variable = variable

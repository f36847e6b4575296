"""nn.Parameter: a Tensor that a Module registers as a learnable weight.

Example:
    >>> import ember
    >>> w = ember.nn.Parameter(ember.zeros(2))
    >>> w.requires_grad
    True
"""
from .._tensor import Tensor, _wrap

__all__ = ["Parameter", "Buffer"]


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and is registered when set on a Module."""

    def __new__(cls, data=None, requires_grad=True):
        if data is None:
            from ..ops.creation import empty
            data = empty(0)
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter data must be a Tensor, not {type(data).__name__}")
        p = object.__new__(cls)
        p._data = data._data
        p._vc = data._shared_version()
        if requires_grad:
            p.requires_grad = True
        return p

    def __repr__(self):
        from .._tensor_str import parameter_repr
        return parameter_repr(self)

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (_wrap(self._host().copy()), self._requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(_wrap(self._data.copy()), self._requires_grad)
        if self._grad is not None:
            p._grad = _wrap(self._grad._data.copy())
        memo[id(self)] = p
        return p


def _rebuild_parameter(data, requires_grad):
    return Parameter(data, requires_grad)


class Buffer(Tensor):
    """Marks a tensor to be registered as a buffer when set on a Module (``nn.Buffer``)."""

    def __new__(cls, data=None, *, persistent=True):
        from ..ops.creation import empty
        data = empty(0) if data is None else data
        b = object.__new__(cls)
        b._data = data._data
        b.persistent = persistent
        return b

"""Switches for gradient recording: no_grad, enable_grad, set_grad_enabled, inference_mode.

Each works as a context manager and as a decorator:

    >>> import ember
    >>> with ember.no_grad():
    ...     y = ember.ones(2, requires_grad=True) * 2
    >>> y.requires_grad
    False
"""
import functools
import inspect

__all__ = ["no_grad", "enable_grad", "set_grad_enabled", "inference_mode", "is_grad_enabled",
           "is_inference_mode_enabled"]


class _Mode:
    # One flag read by every op on its hot path; a class attribute is the cheapest to read.
    enabled = True
    inference = False


def is_grad_enabled():
    """True when operations are being recorded for autograd."""
    return _Mode.enabled


def is_inference_mode_enabled():
    return _Mode.inference


class _GradContext:
    """Base of the grad-mode context managers; instances also decorate functions."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise TypeError("grad-mode decorators apply to functions, not classes")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                with self.clone():
                    yield from func(*args, **kwargs)
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_GradContext):
    """Disable gradient recording: results of ops never require grad."""

    def __init__(self, orig_func=None):
        # Allow the bare decorator form ``@no_grad`` as well as ``@no_grad()``.
        self._orig = orig_func

    def __new__(cls, orig_func=None):
        if orig_func is not None and callable(orig_func):
            return cls()(orig_func)
        return super().__new__(cls)

    def __enter__(self):
        self._prev = _Mode.enabled
        _Mode.enabled = False

    def __exit__(self, *exc):
        _Mode.enabled = self._prev


class enable_grad(no_grad):
    """Re-enable gradient recording inside a no_grad block."""

    def __enter__(self):
        self._prev = _Mode.enabled
        _Mode.enabled = True


class set_grad_enabled(_GradContext):
    """``set_grad_enabled(False)`` switches recording off, as a call or as a context manager."""

    def __init__(self, mode):
        self.mode = bool(mode)
        self._prev = _Mode.enabled
        _Mode.enabled = self.mode

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _Mode.enabled = self._prev

    def clone(self):
        return set_grad_enabled(self.mode)


class inference_mode(_GradContext):
    """Like no_grad (ember has no separate inference tensors).

    ``inference_mode(False)`` changes nothing.
    """

    def __new__(cls, mode=True):
        if callable(mode):
            return cls()(mode)
        return super().__new__(cls)

    def __init__(self, mode=True):
        self.mode = bool(mode) if not callable(mode) else True

    def __enter__(self):
        self._prev = (_Mode.enabled, _Mode.inference)
        if self.mode:
            _Mode.enabled, _Mode.inference = False, True

    def __exit__(self, *exc):
        _Mode.enabled, _Mode.inference = self._prev

    def clone(self):
        return inference_mode(self.mode)

"""Anomaly detection: name the forward op whose backward produced NaN.

Example:
    >>> import ember
    >>> with ember.autograd.detect_anomaly():
    ...     x = ember.tensor([0.0], requires_grad=True)
    ...     (x / x).backward()  # doctest: +SKIP
    RuntimeError: Function 'DivBackward0' returned nan values in its 0th output.
"""
import traceback
import warnings

from . import engine
from .function import Op

__all__ = ["detect_anomaly", "set_detect_anomaly", "is_anomaly_enabled"]

_plain_apply = Op.__dict__["apply"]


def _traced_apply(cls, *tensors, **params):
    out = _plain_apply.__func__(cls, *tensors, **params)
    first = out[0] if isinstance(out, tuple) else out
    node = getattr(first, "grad_fn", None)
    if node is not None and "_forward_trace" not in node.__dict__:
        node._forward_trace = "".join(traceback.format_stack()[:-2])
    return out


def _enable(flag, check_nan=True):
    engine._anomaly["enabled"] = bool(flag)
    engine._anomaly["check_nan"] = bool(check_nan)
    Op.apply = classmethod(_traced_apply) if flag else _plain_apply


def is_anomaly_enabled():
    return engine._anomaly["enabled"]


class detect_anomaly:
    """Context manager: record forward tracebacks and raise when backward produces NaN."""

    def __init__(self, check_nan=True):
        self.check_nan = check_nan

    def __enter__(self):
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", stacklevel=2)
        self._prev = (engine._anomaly["enabled"], engine._anomaly["check_nan"])
        _enable(True, self.check_nan)

    def __exit__(self, *exc):
        _enable(*self._prev)


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` turns anomaly detection on (also usable with ``with``)."""

    def __init__(self, mode, check_nan=True):
        self._prev = (engine._anomaly["enabled"], engine._anomaly["check_nan"])
        _enable(mode, check_nan)

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        _enable(*self._prev)


def run_with_anomaly_check(node, grads_out):
    """Run ``node``'s backward; raise naming the node if a gradient it returns holds NaN."""
    try:
        grads_in = node._apply_backward(grads_out)
    except Exception:
        _warn_trace(node)
        raise
    if engine._anomaly["check_nan"]:
        for i, g in enumerate(grads_in):
            if g is not None and g._data.dtype.kind in "fc" and bool((g._data != g._data).any()):
                _warn_trace(node)
                raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                                   "output.")
    return grads_in


def _warn_trace(node):
    trace = getattr(node, "_forward_trace", None)
    if trace:
        warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused "
                      f"the error:\n{trace}", stacklevel=2)

"""Checks and small helpers shared by ember.linalg's files (inverse.py, decomp.py, norms.py).

``LinAlgError`` is defined here so that every file can raise it; ember.linalg publishes it.
"""
import contextlib

import numpy as np

from .._tensor import Tensor, _wrap
from ._util import kernel_error, type_word, xp_of_array
from .binary import sub
from .matmul import _mT
from .shape import reshape


class LinAlgError(RuntimeError):
    """Raised when a matrix is singular or not positive-definite (a RuntimeError, as in torch)."""


LinAlgError.__module__ = "ember.linalg"  # where users meet it (and tracebacks name it)


def _check_float(name, t):
    dt = t._data.dtype
    if dt.kind not in "fc":
        raise RuntimeError(f"{name}: Expected a floating point or complex tensor as input. Got "
                           f"{type_word(dt)}")
    if dt.itemsize < 4:
        raise kernel_error(name, dt)


def _check_square(name, t, need_float=True):
    s = t._data.shape
    if len(s) < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    if s[-1] != s[-2]:
        raise RuntimeError(f"{name}: A must be batches of square matrices, but they are {s[-2]} "
                           f"by {s[-1]} matrices")
    if need_float:
        _check_float(name, t)


def _check_matrix(name, t):
    if t._data.ndim < 2:
        raise RuntimeError(f"{name}: The input tensor A must have at least 2 dimensions.")
    _check_float(name, t)


def _eye(like, n, dtype=None):
    """An n x n identity constant on ``like``'s device."""
    return _wrap(xp_of_array(like._data).eye(n, dtype=dtype or like._data.dtype))


def _const(like, array):
    return _wrap(xp_of_array(like._data).asarray(array, dtype=like._data.dtype))


def _u2(t):
    """``t[..., None, None]``."""
    return reshape(t, t._data.shape + (1, 1))


def _row(t):
    """``t[..., None, :]``: a vector broadcast along rows."""
    return reshape(t, t._data.shape[:-1] + (1, t._data.shape[-1]))


def _col(t):
    """``t[..., :, None]``."""
    return reshape(t, t._data.shape + (1,))


def _batch_prefix(shape, index):
    return f"(Batch element {index}): " if len(shape) > 2 else ""


def _first_failing(a, test):
    """Index (in the flattened batch) and matrix of the first batch element where test fails."""
    host = np.asarray(a.get() if hasattr(a, "get") else a)
    flat = host.reshape((-1,) + host.shape[-2:])
    for i, m in enumerate(flat):
        if not test(m):
            return i, m
    return 0, flat[0] if len(flat) else host


def _skew(x):
    return sub(x, _mT(x))

def _as_float(x):
    return x.item() if isinstance(x, Tensor) else x


def raising(xp):
    """A context in which CuPy's linalg raises on singular input (NumPy always does)."""
    if xp is np:
        return contextlib.nullcontext()
    import cupyx
    return cupyx.errstate(linalg="raise")

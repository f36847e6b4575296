"""Tensor printing that matches PyTorch's ``repr(t)`` / ``str(t)`` character for character.

The rules, as PyTorch applies them:

- One formatter is chosen per tensor from its (summarised) values: integers print as they are;
  floats print in "int mode" (``1.``) when every finite value is whole, in scientific notation
  when the nonzero finite magnitudes span more than 1000x, exceed 1e8 or go below 1e-4, and with
  ``precision`` decimals otherwise. Every element is right-aligned to the widest one.
- Tensors with more than ``threshold`` elements are summarised: ``edgeitems`` items are kept at
  each end of every dimension, with ``...`` between them.
- Rows wrap at ``linewidth``; dimensions of rank >= 3 are separated by blank lines.
- Suffixes follow the values: ``device=``, ``size=`` (empty tensors), ``dtype=`` (when not the
  default for its kind), ``grad_fn=<...>`` or ``requires_grad=True``.

Example:
    >>> import ember
    >>> ember.tensor([1.0, 2.5])
    tensor([1.0000, 2.5000])
    >>> ember.set_printoptions(precision=2)
    >>> ember.tensor([1.0, 2.5])
    tensor([1.00, 2.50])
    >>> ember.set_printoptions(profile="default")
"""
import contextlib
import math

import numpy as np

from .device import CPU as _CPU
from .device import array_module as _array_module
from .device import move as _move
from .dtypes import get_default_dtype as _get_default_dtype

__all__ = ["get_printoptions", "set_printoptions"]

_PROFILES = {
    "default": {"precision": 4, "threshold": 1000, "edgeitems": 3, "linewidth": 80},
    "short": {"precision": 2, "threshold": 1000, "edgeitems": 2, "linewidth": 80},
    "full": {"precision": 4, "threshold": math.inf, "edgeitems": 3, "linewidth": 80},
}

# The current options; keys in the order torch's get_printoptions() lists them.
_OPTS = {**_PROFILES["default"], "sci_mode": None}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set how tensors print (PyTorch's semantics).

    ``profile`` ('default', 'short' or 'full') resets the four numeric options first; any
    option given explicitly then overrides it. ``sci_mode`` is always set: leaving it out
    returns to choosing scientific notation automatically.

    Example:
        >>> import ember
        >>> ember.set_printoptions(threshold=5)
        >>> ember.arange(10)
        tensor([0, 1, 2,  ..., 7, 8, 9])
        >>> ember.set_printoptions(profile="default")
    """
    if profile is not None and profile in _PROFILES:
        _OPTS.update(_PROFILES[profile])
    for key, value in (("precision", precision), ("threshold", threshold),
                       ("edgeitems", edgeitems), ("linewidth", linewidth)):
        if value is not None:
            _OPTS[key] = value
    _OPTS["sci_mode"] = sci_mode


def get_printoptions():
    """The current print options, as a dict that ``set_printoptions(**opts)`` accepts.

    Example:
        >>> import ember
        >>> ember.get_printoptions()["precision"]
        4
    """
    return dict(_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Change the print options inside a ``with`` block only.

    Example:
        >>> import ember
        >>> from ember._tensor_str import printoptions
        >>> with printoptions(precision=1):
        ...     print(ember.tensor([0.25]))
        tensor([0.2])
    """
    saved = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**saved)


class _Formatter:
    """Formats the elements of one (real) array, all to the same width."""

    def __init__(self, values):
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        if flat.size == 0:
            return
        if not self.floating:
            # str() of an int (or bool) only gets longer away from zero: the extremes decide.
            ends = (flat.min().item(), flat.max().item())
            self.max_width = max(1, *(len(str(v)) for v in ends))
            return
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        mags = np.abs(vals).astype(np.float64)
        lo, hi = mags.min(), mags.max()
        self.int_mode = bool(np.all(np.ceil(vals) == vals))
        sci = _OPTS["sci_mode"]
        self.sci_mode = bool(hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
                             if sci is None else sci)
        # The printed width grows with the magnitude (in fixed notation) or with the size of
        # the exponent (in scientific notation), so the extremes of each sign are enough.
        candidates = []
        for part in (vals[vals > 0], vals[vals < 0]):
            if part.size:
                candidates += [part.min().item(), part.max().item()]
        p = _OPTS["precision"]
        if self.sci_mode:
            widths = [len(f"{v:.{p}e}") for v in candidates]
        elif self.int_mode:
            widths = [len(f"{v:.0f}") + 1 for v in candidates]
        else:
            widths = [len(f"{v:.{p}f}") for v in candidates]
        self.max_width = max(self.max_width, *widths)

    def width(self):
        return self.max_width

    def format(self, value):
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{_OPTS['precision']}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{_OPTS['precision']}f}"
        return text.rjust(self.max_width)


def _element_str(value, real_fmt, imag_fmt):
    if imag_fmt is None:
        return real_fmt.format(value)
    real = real_fmt.format(value.real)
    imag = (imag_fmt.format(value.imag) + "j").lstrip()
    return real + imag if imag[0] in "+-" else real + "+" + imag


def _vector_str(a, indent, summarize, real_fmt, imag_fmt):
    item_len = real_fmt.width() + 2
    if imag_fmt is not None:
        item_len += imag_fmt.width() + 1
    per_line = max(1, math.floor((_OPTS["linewidth"] - indent) / item_len))
    edge = _OPTS["edgeitems"]
    if summarize and not edge:
        items = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        items = ([_element_str(v, real_fmt, imag_fmt) for v in a[:edge].tolist()] + [" ..."]
                 + [_element_str(v, real_fmt, imag_fmt) for v in a[-edge:].tolist()])
    else:
        items = [_element_str(v, real_fmt, imag_fmt) for v in a.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _nd_str(a, indent, summarize, real_fmt, imag_fmt):
    if a.ndim == 0:
        return _element_str(a.item(), real_fmt, imag_fmt)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, real_fmt, imag_fmt)
    n, edge = a.shape[0], _OPTS["edgeitems"]
    if summarize and n > 2 * edge:
        rows = [*range(edge), None, *range(n - edge, n)]
    else:
        rows = range(n)
    slices = ["..." if i is None else _nd_str(a[i], indent + 1, summarize, real_fmt, imag_fmt)
              for i in rows]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized(a):
    """The values a summarised print shows: the edge items of every dimension."""
    edge = _OPTS["edgeitems"]
    if a.ndim == 0:
        return a
    if a.ndim >= 2 and not edge:
        return a[(slice(0, 0),) * a.ndim]
    for axis, n in enumerate(a.shape):
        if n > 2 * edge:
            a = np.take(a, np.r_[0:edge, n - edge:n], axis=axis)
    return a


def _shrunk(a, xp):
    """``a`` cut down, on its own device, to what a summarised print reads.

    Each long dimension keeps its edge items plus one middle item, so that it is still
    longer than ``2 * edgeitems`` and prints its ``...`` as the full tensor would.
    """
    edge = _OPTS["edgeitems"]
    for axis, n in enumerate(a.shape):
        if n > 2 * edge + 1:
            a = xp.take(a, xp.asarray(np.r_[0:edge + 1, n - edge:n]), axis=axis)
    return a


def _values_str(a, indent, summarize):
    """The bracketed values of a non-empty NumPy array, as they print after ``tensor(``."""
    shown = _summarized(a) if summarize else a
    if a.dtype.kind == "c":
        real_fmt, imag_fmt = _Formatter(shown.real), _Formatter(shown.imag)
    else:
        real_fmt, imag_fmt = _Formatter(shown), None
    return _nd_str(a, indent, summarize, real_fmt, imag_fmt)


def _add_suffixes(text, suffixes, indent):
    parts = [text]
    # torch's count (one more than the last line's length when there is no newline); kept so
    # the wrapping point is the same.
    last_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_len + len(suffix) + 2 > _OPTS["linewidth"]:
            parts.append(",\n" + " " * indent + suffix)
            last_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def _is_default_dtype(dt):
    default = _get_default_dtype()
    default_complex = "complex128" if default.name == "float64" else "complex64"
    return dt.name in (default.name, default_complex, "int64", "bool")


def _prefix(t):
    cls = type(t)
    # ember's own classes (Tensor, nn.Parameter) print as ``tensor(``; user subclasses by name.
    if cls.__module__.split(".")[0] == "ember":
        return "tensor("
    return cls.__name__ + "("


def tensor_repr(t, tensor_contents=None):
    """The string PyTorch prints for a tensor (both ``repr`` and ``str``).

    ``tensor_contents``, when given, replaces the printed values (torch's argument of the
    same name); the suffixes are still added.

    Example:
        >>> import ember
        >>> print(tensor_repr(ember.tensor([[1, 2], [3, 4]], dtype=ember.int32)))
        tensor([[1, 2],
                [3, 4]], dtype=torch.int32)
    """
    data = t._data
    shape, numel = tuple(data.shape), data.size
    summarize = numel > _OPTS["threshold"]
    if summarize and tensor_contents is None:
        data = _shrunk(data, np if t.device.type == "cpu" else _array_module(t.device))
    if not isinstance(data, (np.ndarray, np.generic)):
        data = _move(data, _CPU)  # a CuPy array
    data = np.asarray(data)
    prefix = _prefix(t)
    indent = len(prefix)
    dt = t.dtype
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    if numel == 0:
        # Nothing shows the shape or the kind of the elements, so both are spelled out.
        if len(shape) != 1:
            suffixes.append(f"size={shape}")
        if dt.name != _get_default_dtype().name:
            suffixes.append(f"dtype={dt!r}")
        body = "[]" if tensor_contents is None else tensor_contents
    else:
        if not _OPTS["edgeitems"]:
            suffixes.append(f"size={shape}")
        if not _is_default_dtype(dt):
            suffixes.append(f"dtype={dt!r}")
        body = _values_str(data, indent, summarize) if tensor_contents is None else tensor_contents
    grad_fn = t.grad_fn
    if grad_fn is not None:
        name = grad_fn.name() if hasattr(grad_fn, "name") else type(grad_fn).__name__
        name = name.rsplit("::", 1)[-1]  # torch prints "NotImplemented" for aten::... nodes
        suffixes.append(f"grad_fn=<{name}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)


def parameter_repr(t):
    """How PyTorch prints an ``nn.Parameter`` (both ``repr`` and ``str``).

    Example:
        >>> import ember
        >>> print(parameter_repr(ember.nn.Parameter(ember.ones(2))))
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """
    return "Parameter containing:\n" + tensor_repr(t)

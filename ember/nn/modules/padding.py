"""Padding layers (ZeroPad, ConstantPad, ReflectionPad, ReplicationPad, CircularPad; 1d/2d/3d)
and Fold/Unfold, thin wrappers of ``F.pad``, ``F.fold`` and ``F.unfold`` (re-exported by
pooling.py).

Example:
    >>> import ember
    >>> ember.nn.ZeroPad2d(1)
    ZeroPad2d((1, 1, 1, 1))
"""
from .. import functional as F
from .module import Module

__all__ = ["ZeroPad1d", "ZeroPad2d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d",
           "ConstantPad3d", "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d",
           "ReplicationPad1d", "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d",
           "CircularPad2d", "CircularPad3d", "Fold", "Unfold"]


def _pads(padding, nd):
    if isinstance(padding, int):
        return (padding,) * (2 * nd)
    return tuple(padding)


class _PadNd(Module):
    __constants__ = ["padding"]
    _nd = 2
    _mode = "constant"

    def __init__(self, padding):
        super().__init__()
        self.padding = _pads(padding, self._nd)

    def forward(self, input):
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self):
        return f"{self.padding}"


class _ConstantPadNd(_PadNd):
    __constants__ = ["padding", "value"]

    def __init__(self, padding, value):
        super().__init__(padding)
        self.value = value

    def forward(self, input):
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self):
        return f"padding={self.padding}, value={self.value}"


def _make(name, base, nd, mode, doc):
    return type(name, (base,), {"_nd": nd, "_mode": mode, "__doc__": doc,
                                "__module__": __name__})


ConstantPad1d = _make("ConstantPad1d", _ConstantPadNd, 1, "constant",
                      "Pad the last dimension with ``value``.")
ConstantPad2d = _make("ConstantPad2d", _ConstantPadNd, 2, "constant",
                      "Pad the last 2 dimensions with ``value``.")
ConstantPad3d = _make("ConstantPad3d", _ConstantPadNd, 3, "constant",
                      "Pad the last 3 dimensions with ``value``.")


class _ZeroPadNd(_ConstantPadNd):
    def __init__(self, padding):
        super().__init__(padding, 0.0)

    def extra_repr(self):
        return f"{self.padding}"


ZeroPad1d = _make("ZeroPad1d", _ZeroPadNd, 1, "constant", "Pad the last dimension with 0.")
ZeroPad2d = _make("ZeroPad2d", _ZeroPadNd, 2, "constant", "Pad the last 2 dimensions with 0.")
ZeroPad3d = _make("ZeroPad3d", _ZeroPadNd, 3, "constant", "Pad the last 3 dimensions with 0.")
ReflectionPad1d = _make("ReflectionPad1d", _PadNd, 1, "reflect", "Mirror-pad (edge excluded).")
ReflectionPad2d = _make("ReflectionPad2d", _PadNd, 2, "reflect", "Mirror-pad (edge excluded).")
ReflectionPad3d = _make("ReflectionPad3d", _PadNd, 3, "reflect", "Mirror-pad (edge excluded).")
ReplicationPad1d = _make("ReplicationPad1d", _PadNd, 1, "replicate", "Repeat the edge.")
ReplicationPad2d = _make("ReplicationPad2d", _PadNd, 2, "replicate", "Repeat the edge.")
ReplicationPad3d = _make("ReplicationPad3d", _PadNd, 3, "replicate", "Repeat the edge.")
CircularPad1d = _make("CircularPad1d", _PadNd, 1, "circular", "Wrap around.")
CircularPad2d = _make("CircularPad2d", _PadNd, 2, "circular", "Wrap around.")
CircularPad3d = _make("CircularPad3d", _PadNd, 3, "circular", "Wrap around.")


class Fold(Module):
    """Sum sliding-block columns back into an image (col2im); see ``F.fold``."""

    __constants__ = ["output_size", "kernel_size", "dilation", "padding", "stride"]

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)

    def extra_repr(self):
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")


class Unfold(Module):
    """Sliding blocks of an image as columns (im2col); see ``F.unfold``."""

    __constants__ = ["kernel_size", "dilation", "padding", "stride"]

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)

    def extra_repr(self):
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")

"""Devices and their array modules: ``cpu`` is NumPy, ``cuda`` is CuPy (imported lazily).

Example:
    >>> import ember
    >>> ember.device("cpu")
    device(type='cpu')
"""
import numpy as np

__all__ = ["device"]

_cupy = None
_cupy_error = None


class device:
    """Where a tensor lives: ``device('cpu')``, ``device('cuda')``, ``device('cuda:1')``."""

    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, int) and not isinstance(type, bool):
            type, index = "cuda", type
        if not isinstance(type, str):
            raise TypeError(f"device() expected a string or int, got {type.__class__.__name__}")
        if ":" in type:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            type, _, idx = type.partition(":")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}:{idx}'")
            index = int(idx)
        if type not in ("cpu", "cuda"):
            raise RuntimeError(
                f"Expected one of cpu, cuda device type at start of device string: {type}")
        if type == "cpu" and index not in (None, 0):
            raise RuntimeError(f"CPU device index must be -1 or zero, got {index}")
        self.type = type
        self.index = index

    def __repr__(self):
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


CPU = device("cpu")


def cupy():
    """The CuPy module, or a RuntimeError that says how to get CUDA support."""
    global _cupy, _cupy_error
    if _cupy is None:
        if _cupy_error is None:
            try:
                import cupy as cp
                if cp.cuda.runtime.getDeviceCount() < 1:
                    raise RuntimeError("no CUDA GPU is visible")
                _cupy = cp
            except Exception as e:  # ImportError, CUDA driver errors
                _cupy_error = e
        if _cupy is None:
            raise RuntimeError(
                "CUDA is not available: ember runs CUDA tensors on CuPy and a GPU "
                f"({_cupy_error.__class__.__name__}: {_cupy_error}). Install it with "
                "`pip install ember[cuda]` on a machine with an NVIDIA GPU, or use device='cpu'."
            ) from None
    return _cupy


def cuda_available():
    try:
        cupy()
        return True
    except RuntimeError:
        return False


def to_device(d):
    """Normalise a device argument (None, str, int or device) to a device object."""
    if d is None or d.__class__ is device:
        return d
    return device(d)


def array_module(dev):
    """NumPy for the CPU, CuPy for CUDA devices."""
    return np if dev.type == "cpu" else cupy()


def device_of(array):
    """The device an array lives on."""
    if isinstance(array, np.ndarray):
        return CPU
    return device("cuda", array.device.id)


def move(array, dev):
    """Copy ``array`` to device ``dev`` (returns it unchanged if it is already there)."""
    if dev.type == "cpu":
        return array if isinstance(array, np.ndarray) else array.get()
    cp = cupy()
    index = dev.index if dev.index is not None else cp.cuda.runtime.getDevice()
    if isinstance(array, cp.ndarray) and array.device.id == index:
        return array
    with cp.cuda.Device(index):
        return cp.asarray(array)


def writable(array):
    """Whether ``array`` may be written: NumPy's flag; CuPy has none, so a CuPy array counts as
    read-only when it is a broadcast (a zero stride on a dimension longer than one)."""
    if isinstance(array, np.ndarray):
        return array.flags.writeable
    return not any(s == 0 and n > 1 for s, n in zip(array.strides, array.shape))

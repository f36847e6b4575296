"""CUDA queries, answered through CuPy: ``ember.cuda.is_available()``.

Without CuPy or a GPU every query answers "none" and moving a tensor to ``cuda`` raises a
RuntimeError that says how to get CUDA support.
"""
from ..device import cuda_available, cupy

__all__ = ["is_available", "device_count", "current_device", "synchronize", "manual_seed",
           "manual_seed_all", "get_device_name"]


def is_available():
    """True when CuPy is installed and can see at least one GPU."""
    return cuda_available()


def device_count():
    """The number of visible GPUs (0 without CuPy or a GPU)."""
    if not cuda_available():
        return 0
    return cupy().cuda.runtime.getDeviceCount()


def current_device():
    return cupy().cuda.runtime.getDevice()


def get_device_name(device=None):
    cp = cupy()
    index = 0 if device is None else (device if isinstance(device, int) else device.index or 0)
    return cp.cuda.runtime.getDeviceProperties(index)["name"].decode()


def synchronize(device=None):
    if cuda_available():
        cupy().cuda.Device().synchronize()


def manual_seed(seed):
    """Seed CUDA generation (ember draws CUDA random numbers on the CPU generator)."""


def manual_seed_all(seed):
    """See manual_seed."""

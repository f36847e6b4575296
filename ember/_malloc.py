"""Keep glibc from returning large freed blocks to the OS after every op.

By default glibc serves arrays above 128 KiB with fresh mmap pages and unmaps them on free, so
every large intermediate array of a training step page-faults anew (measured: LeNet's conv
layers run 1.6x faster with this). Raising the mmap and trim thresholds lets freed blocks be
reused. Set EMBER_KEEP_MALLOC=1 to leave the C allocator alone.
"""
import ctypes
import ctypes.util
import os
import sys

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune():
    if os.environ.get("EMBER_KEEP_MALLOC") or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (e.g. musl): nothing to tune
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, 32 << 20)) and bool(mallopt(_M_TRIM_THRESHOLD, 1 << 30))

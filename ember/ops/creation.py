"""Creating tensors: from data, filled, ranges; and the cast/move op behind ``Tensor.to``.

Example:
    >>> import ember
    >>> ember.zeros(2, 3, dtype=ember.int64).shape
    torch.Size([2, 3])
"""
import math
import numbers

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ..device import CPU, array_module, move, to_device

__all__ = ["tensor", "as_tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones", "full",
           "empty", "zeros_like", "ones_like", "full_like", "empty_like", "eye", "arange", "range",
           "linspace", "logspace", "empty_strided", "scalar_tensor", "is_tensor", "numel",
           "is_floating_point", "is_complex", "clone", "complex"]

TENSOR_METHODS = ["clone", "new_zeros", "new_ones", "new_full", "new_empty", "zero_", "fill_",
                  "copy_", "contiguous"]

_builtin_range = range


def _infer_dtype(data):
    """torch's dtype for nested Python data: bool, int64, default float or complex."""
    kinds = set()

    def walk(x):
        if isinstance(x, (list, tuple)):
            for v in x:
                walk(v)
        elif isinstance(x, Tensor):
            kinds.add(x.dtype)
        elif isinstance(x, (bool, np.bool_)):
            kinds.add("b")
        elif isinstance(x, numbers.Integral):
            kinds.add("i")
        elif isinstance(x, numbers.Real):
            kinds.add("f")
        elif isinstance(x, numbers.Complex):
            kinds.add("c")
        else:
            if isinstance(x, str):
                raise TypeError(f"new(): invalid data type '{type(x).__name__}'")
            raise RuntimeError(f"Could not infer dtype of {type(x).__name__}")
    walk(data)
    tensor_types = [k for k in kinds if isinstance(k, _dt.dtype)]
    if tensor_types:
        out = tensor_types[0]
        for t in tensor_types[1:]:
            out = _dt.promote_types(out, t)
        return out
    if "c" in kinds:
        return _dt.complex64 if _dt.get_default_dtype() is _dt.float32 else _dt.complex128
    if "f" in kinds:
        return _dt.get_default_dtype()
    if "i" in kinds:
        return _dt.int64
    if "b" in kinds:
        return _dt.bool
    return _dt.get_default_dtype()  # empty list


def _array_from_data(data, dtype=None):
    """A new NumPy array from Python data, NumPy arrays or tensors, in torch's dtype."""
    if isinstance(data, Tensor):
        arr = data._host()
        return arr.astype(dtype.np) if dtype is not None else arr.copy()
    if isinstance(data, np.ndarray):
        if dtype is None:
            dtype = _dt.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=dtype.np)
    if hasattr(data, "__cuda_array_interface__"):
        arr = data.get()
        return arr.astype(dtype.np) if dtype is not None else arr.copy()
    if isinstance(data, np.generic):
        dtype = dtype or _dt.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=dtype.np)
    if dtype is None:
        dtype = _infer_dtype(data)
    if isinstance(data, (list, tuple)) and _contains_tensor(data):
        data = _tensors_to_lists(data)
    try:
        return np.array(data, dtype=dtype.np)
    except ValueError as e:
        raise ValueError(f"expected sequence of equal-length lists to build a tensor ({e})") \
            from None
    except OverflowError:
        raise RuntimeError(f"value cannot be converted to type {dtype.name} without overflow") \
            from None


def _contains_tensor(data):
    return any(isinstance(x, Tensor) or (isinstance(x, (list, tuple)) and _contains_tensor(x))
               for x in data)


def _tensors_to_lists(data):
    if isinstance(data, Tensor):
        if data._data.ndim:
            return data.tolist()
        return data.item()
    if isinstance(data, (list, tuple)):
        return [_tensors_to_lists(x) for x in data]
    return data


def _finish(arr, device, requires_grad):
    dev = to_device(device)
    if dev is not None and dev.type != "cpu":
        arr = move(arr, dev)
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False):
    """A new tensor copied from ``data`` (nested lists, numbers, NumPy arrays, tensors).

    Example: ``ember.tensor([[1, 2], [3, 4]])`` is an int64 tensor;
    ``ember.tensor([1., 2.], requires_grad=True)`` a float32 leaf that records gradients.
    """
    dtype = _dt.to_dtype(dtype)
    if device is None and isinstance(data, Tensor):
        device = data.device  # a copy of a tensor stays on its device, as in torch
    return _finish(_array_from_data(data, dtype), device, requires_grad)


def scalar_tensor(s, *, dtype=None, device=None, requires_grad=False):
    """A 0-dimensional tensor holding ``s`` (default float dtype)."""
    dtype = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    return _finish(np.array(s, dtype=dtype.np), device, requires_grad)


def as_tensor(data, dtype=None, device=None):
    """Like ``tensor`` but shares memory with a tensor or NumPy array when it can."""
    dtype = _dt.to_dtype(dtype)
    dev = to_device(device)
    if isinstance(data, Tensor):
        out = data
        if dtype is not None or dev is not None:
            out = data.to(dtype=dtype, device=dev)
        return out
    if isinstance(data, np.ndarray) and (dev is None or dev.type == "cpu"):
        if dtype is None or dtype.np == data.dtype:
            return from_numpy(data)
        return _wrap(data.astype(dtype.np))
    return tensor(data, dtype=dtype, device=device)


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False):
    """torch.asarray: share memory with ``obj`` when possible unless ``copy=True``."""
    if copy:
        return tensor(obj, dtype=dtype, device=device, requires_grad=requires_grad)
    out = as_tensor(obj, dtype=dtype, device=device)
    if requires_grad:
        out.requires_grad_()
    return out


def from_numpy(ndarray):
    """A CPU tensor sharing memory with ``ndarray``: writes to either are seen by the other."""
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    _dt.from_numpy_dtype(ndarray.dtype)  # raises TypeError for unsupported dtypes
    return _wrap(ndarray)


def from_dlpack(ext_tensor):
    """A tensor sharing memory with any DLPack producer (NumPy, CuPy, PyTorch ...)."""
    dev_type, dev_id = ext_tensor.__dlpack_device__()
    if int(dev_type) == 1:  # kDLCPU
        return _wrap(np.from_dlpack(ext_tensor))
    from ..device import cupy
    return _wrap(cupy().from_dlpack(ext_tensor))


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    try:
        shape = tuple(int(s) for s in size)
    except TypeError:
        raise TypeError(f"size must be a sequence of ints, got {size!r}") from None
    for s in shape:
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(shape)}")
    return shape


def _filled(shape, fill, dtype, device, requires_grad, out=None):
    dtype = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    dev = to_device(device) or CPU
    xp = array_module(dev)
    if dev.type == "cuda" and dev.index is not None:
        with xp.cuda.Device(dev.index):
            arr = _fill(xp, shape, fill, dtype)
    else:
        arr = _fill(xp, shape, fill, dtype)
    if out is not None:
        out._data = arr
        out._bump_version()
        return out
    t = _wrap(arr)
    if requires_grad:
        t.requires_grad = True
    return t


def _fill(xp, shape, fill, dtype):
    if fill is None:
        return xp.empty(shape, dtype=dtype.np)
    if fill == 0:
        return xp.zeros(shape, dtype=dtype.np)
    return xp.full(shape, fill, dtype=dtype.np)


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor of zeros: ``ember.zeros(2, 3)`` or ``ember.zeros((2, 3), dtype=ember.int64)``."""
    return _filled(_shape(size), 0, dtype, device, requires_grad, out)


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor of ones: ``ember.ones(2, 3)``."""
    return _filled(_shape(size), 1, dtype, device, requires_grad, out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          memory_format=None, pin_memory=False):
    """An uninitialised tensor: ``ember.empty(2, 3)``."""
    return _filled(_shape(size), None, dtype, device, requires_grad, out)


def empty_strided(size, stride, *, dtype=None, device=None, requires_grad=False):
    return _filled(_shape((size,)), None, dtype, device, requires_grad)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None,
         requires_grad=False):
    """A tensor filled with ``fill_value``; the dtype follows the value (bool, int64, float)."""
    if dtype is None:
        dtype = _infer_dtype(fill_value)
    return _filled(_shape((size,)), fill_value, dtype, device, requires_grad, out)


def _like(input, dtype, device):
    return (_dt.to_dtype(dtype) or input.dtype), (device if device is not None else input.device)


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    """Zeros with the shape (and by default dtype and device) of ``input``."""
    dtype, device = _like(input, dtype, device)
    return _filled(input._data.shape, 0, dtype, device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    """Ones with the shape (and by default dtype and device) of ``input``."""
    dtype, device = _like(input, dtype, device)
    return _filled(input._data.shape, 1, dtype, device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _filled(input._data.shape, None, dtype, device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    dtype, device = _like(input, dtype, device)
    return _filled(input._data.shape, fill_value, dtype, device, requires_grad)


def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
    return zeros(*size, dtype=dtype or self.dtype, device=device or self.device,
                 requires_grad=requires_grad)


def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
    return ones(*size, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


def new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device or self.device,
                requires_grad=requires_grad)


def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
    return empty(*size, dtype=dtype or self.dtype, device=device or self.device,
                 requires_grad=requires_grad)


def eye(n, m=None, *, out=None, dtype=None, device=None, requires_grad=False):
    """The identity matrix: ``ember.eye(3)``; ``ember.eye(2, 3)`` is rectangular."""
    for name, v in (("n", n), ("m", m)):
        if v is not None and v < 0:
            raise RuntimeError(f"{name} must be greater or equal to 0, got {v}")
    m = n if m is None else m
    dtype = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    dev = to_device(device) or CPU
    return _finish(array_module(dev).eye(n, m, dtype=dtype.np), dev, requires_grad)


def _is_float(*values):
    return any(isinstance(v, float) or (isinstance(v, Tensor) and v.is_floating_point())
               for v in values)


def arange(start, end=None, step=1, *, out=None, dtype=None, device=None, requires_grad=False):
    """Values from ``start`` to ``end`` (exclusive) by ``step``: ``ember.arange(5)``.

    Integer arguments give int64; any float argument gives the default float dtype.
    """
    if end is None:
        start, end = 0, start
    start, end, step = (v.item() if isinstance(v, Tensor) else v for v in (start, end, step))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and lower bound inconsistent with step sign")
    if dtype is None:
        dtype = _dt.get_default_dtype() if _is_float(start, end, step) else _dt.int64
    dtype = _dt.to_dtype(dtype)
    n = max(0, math.ceil((end - start) / step))
    # Computed as start + i*step in double, then cast, as torch does.
    arr = (start + np.arange(n, dtype=np.float64) * step) if dtype.is_floating_point else \
        (np.arange(n, dtype=np.int64) * int(step) + int(start))
    return _finish(arr.astype(dtype.np, copy=False), device, requires_grad)


def range(start=0, end=None, step=1, *, dtype=None, device=None, requires_grad=False):
    """Deprecated in torch: like arange but includes ``end``; always floating."""
    if end is None:
        start, end = 0, start
    n = int(math.floor((end - start) / step)) + 1
    dtype = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    arr = start + np.arange(n, dtype=np.float64) * step
    return _finish(arr.astype(dtype.np), device, requires_grad)


def linspace(start, end, steps, *, out=None, dtype=None, device=None, requires_grad=False):
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive."""
    if not isinstance(steps, numbers.Integral) or steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    dtype = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    start, end = (v.item() if isinstance(v, Tensor) else v for v in (start, end))
    if steps == 1:
        arr = np.array([start], dtype=np.float64)
    else:
        # torch fills the first half from the start and the second half from the end, with the
        # bounds and step in the result's precision (then one rounding, as its fused kernel does).
        ft = dtype.np if dtype.is_floating_point else np.dtype(np.float64)
        lo, hi = ft.type(start), ft.type(end)
        step = np.float64((hi - lo) / ft.type(steps - 1))
        i = np.arange(steps, dtype=np.float64)
        arr = np.where(i < steps // 2, np.float64(lo) + step * i,
                       np.float64(hi) - step * (steps - 1 - i))
    if not dtype.is_floating_point:
        arr = np.trunc(arr)
    return _finish(arr.astype(dtype.np), device, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, device=None,
             requires_grad=False):
    """``base ** linspace(start, end, steps)``."""
    dtype = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    exps = linspace(start, end, steps, dtype=_dt.float64)._data
    return _finish(np.power(base, exps).astype(dtype.np), device, requires_grad)


def complex(real, imag):
    return _wrap(real._data + 1j * imag._data)


def is_tensor(obj):
    """True if ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def numel(input):
    return input.numel()


def is_floating_point(input):
    return input.is_floating_point()


def is_complex(input):
    return input.is_complex()


class ToCopy(Op):
    """Cast and/or move; the gradient goes back to the source dtype and device."""

    name_ = "ToCopyBackward0"

    @staticmethod
    def forward(ctx, x, dtype=None, device=None):
        ctx.src_device = None
        if device is not None:
            ctx.src_device = CPU if x.__class__ is np.ndarray else _dev_of(x)
            x = move(x, device)
            if dtype is None and x is not None:
                return x.copy() if device.type == "cpu" and ctx.src_device.type == "cpu" else x
        if dtype is not None:
            if dtype.np.kind in "iub" and x.dtype.kind == "f":
                # torch truncates toward zero; NaN/inf become implementation-defined.
                return x.astype(dtype.np)
            return x.astype(dtype.np)
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        if ctx.src_device is not None:
            return grad.to(ctx.src_device)
        return grad


def _dev_of(x):
    from ..device import device_of
    return device_of(x)


class Clone(Op):
    name_ = "CloneBackward0"

    @staticmethod
    def forward(ctx, x):
        return x.copy()

    @staticmethod
    def backward(ctx, grad):
        return grad


def clone(input, *, memory_format=None):
    """A copy of ``input`` that is still connected to the graph (CloneBackward0)."""
    return Clone.apply(input)


def contiguous(self, memory_format=None):
    """Self if already C-contiguous, else a contiguous copy."""
    if self._data.flags.c_contiguous:
        return self
    return Clone.apply(self)


def zero_(self):
    """Fill with zeros in place."""
    return fill_(self, 0)


class _Fill(Op):
    name_ = "FillBackward0"

    @staticmethod
    def forward(ctx, x, value):
        return ctx.xp.full_like(x, value)

    @staticmethod
    def backward(ctx, grad):
        return grad * 0


def fill_(self, value):
    """Fill with ``value`` in place: ``x.fill_(3.0)``."""
    if isinstance(value, Tensor):
        if value.dim() != 0:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value.dim()} dimensions.")
        if value._requires_grad and _grad_enabled():
            return self._inplace(lambda s, v: _CopyFrom.apply(s, v), value)
        value = value.item()
    if self._requires_grad and _grad_enabled():
        return self._inplace(lambda s: _Fill.apply(s, value=value))
    self._data[...] = value
    self._bump_version()
    return self


def _grad_enabled():
    from ..autograd.grad_mode import _Mode
    return _Mode.enabled


class _CopyFrom(Op):
    name_ = "CopyBackwards"

    @staticmethod
    def forward(ctx, dst, src):
        ctx.src_dev = _dev_of(src)
        xp = ctx.xp
        out = xp.empty_like(dst)
        src = move(src, _dev_of(dst))
        out[...] = src
        return out

    @staticmethod
    def backward(ctx, grad):
        return None, grad.to(ctx.src_dev)


def copy_(self, src, non_blocking=False):
    """Copy ``src`` (broadcast, cast and moved as needed) into self in place."""
    if not isinstance(src, Tensor):
        src = tensor(src)
    try:
        np.broadcast_shapes(src._data.shape, self._data.shape)
    except ValueError:
        raise RuntimeError(f"The size of tensor a ({self._data.shape}) must match the size of "
                           f"tensor b ({src._data.shape})") from None
    if _grad_enabled() and (self._requires_grad or src._requires_grad):
        return self._inplace(lambda s, v: _CopyFrom.apply(s, v), src)
    self._data[...] = move(src._data, self.device)
    self._bump_version()
    return self


class CopySlices(Op):
    """The base's node after an in-place op on one of its views (torch's CopySlices)."""

    name_ = "CopySlices"

    @staticmethod
    def forward(ctx, base, value, view_fn):
        from ..autograd.grad_mode import no_grad
        out = base.copy()
        with no_grad():
            view_fn(_wrap(out))._data[...] = value
        ctx.view_fn = view_fn
        return out

    @staticmethod
    def backward(ctx, grad):
        from ..autograd.grad_mode import no_grad
        with no_grad():
            keep = _wrap(ctx.xp.ones(grad.shape, dtype=grad._data.dtype))
            ctx.view_fn(keep)._data[...] = 0
        return grad * keep, ctx.view_fn(grad)

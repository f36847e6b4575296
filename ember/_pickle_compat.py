"""PyTorch's pickle vocabulary, spoken without torch: used by ``ember.save`` / ``ember.load``.

Writing: ``TorchPickler`` pickles ember tensors, Parameters, dtypes, devices and ``Size`` as the
globals ``torch.save`` writes (``torch._utils._rebuild_tensor_v2``, ``torch.float32``, ...), so
``torch.load(..., weights_only=True)`` accepts the file. Tensor bytes leave the pickle as
persistent ids ``('storage', torch.FloatStorage, key, location, numel)``; ``StoragePlan``
decides which tensors share one storage record.

Reading: ``Storage`` holds one record's bytes and the ``rebuild_*`` functions (what the torch
globals unpickle to, see ``ember/_unpickler.py``) build ember tensors on them.
"""
import collections
import io
import pickle
import sys
import warnings

import numpy as np

from . import dtypes as _dt
from ._tensor import Size, Tensor, _wrap
from .device import CPU, device as _device, move

# -- storage types ---------------------------------------------------------------------------------
# torch's legacy typed-storage class names <-> element types. bfloat16 has no ember dtype: its
# tensors load as float32 (with a warning).
_STORAGE_DTYPE = {
    "DoubleStorage": "float64", "FloatStorage": "float32", "HalfStorage": "float16",
    "BFloat16Storage": "bfloat16", "LongStorage": "int64", "IntStorage": "int32",
    "ShortStorage": "int16", "CharStorage": "int8", "ByteStorage": "uint8", "BoolStorage": "bool",
    "ComplexFloatStorage": "complex64", "ComplexDoubleStorage": "complex128",
    "UntypedStorage": "uint8",
}
STORAGE_NAME = {v: k for k, v in _STORAGE_DTYPE.items() if k not in ("UntypedStorage",
                                                                     "BFloat16Storage")}
_ITEMSIZE = {"bfloat16": 2, **{d.name: d.itemsize for d in _dt._ALL}}


class StorageType:
    """What ``torch.FloatStorage`` & co. unpickle to: a marker carrying the element type."""

    __slots__ = ("name", "dtype", "itemsize")

    def __init__(self, name, dtype):
        self.name, self.dtype, self.itemsize = name, dtype, _ITEMSIZE[dtype]

    def __repr__(self):
        return f"torch.{self.name}"


_STORAGE_TYPES = {name: StorageType(name, dt) for name, dt in _STORAGE_DTYPE.items()}


class Storage:
    """The bytes of one storage record, the element type they were saved with, and the device
    its tensors go to. A ``map_location`` callable receives one: ``storage.cpu()``,
    ``storage.cuda(i)`` and ``storage.to(device)`` choose where its tensors are built."""

    __slots__ = ("raw", "dtype", "device", "order", "deferred", "_typed")

    def __init__(self, raw, dtype, order="<", device=CPU, deferred=None):
        self.raw = raw            # 1-D uint8 NumPy array (may be filled later: legacy files)
        self.dtype = dtype        # element-type name, e.g. "float32", "bfloat16"
        self.device = device
        self.order = order        # byte order of the file: "<" or ">"
        self.deferred = deferred  # legacy files: list of (tensor, device) to move once filled
        self._typed = {}

    def nbytes(self):
        return int(self.raw.size)

    size = nbytes

    @property
    def is_cuda(self):
        return self.device.type == "cuda"

    def to(self, device=None, non_blocking=False):
        s = Storage(self.raw, self.dtype, self.order, _device(device), self.deferred)
        s._typed = self._typed
        return s

    def cpu(self):
        return self.to(CPU)

    def cuda(self, device=None, non_blocking=False):
        if device is None:
            return self.to("cuda")
        return self.to(device if isinstance(device, (str, _device)) else _device("cuda", device))

    def __repr__(self):
        return f"<ember storage: {self.raw.size} bytes of {self.dtype} on {self.device}>"

    def typed(self, dtype):
        """The storage as a 1-D array of ``dtype`` (a name); bfloat16 is widened to float32."""
        arr = self._typed.get(dtype)
        if arr is None:
            if dtype not in _ITEMSIZE:
                raise pickle.UnpicklingError(f"ember has no dtype {dtype!r} to load a tensor as")
            size = _ITEMSIZE[dtype]
            if self.raw.size % size:
                raise pickle.UnpicklingError(
                    f"a storage of {self.raw.size} bytes cannot hold {dtype} elements "
                    f"({size} bytes each): the file is corrupt")
            foreign = self.order != _NATIVE and size > 1
            if self.deferred is not None and (foreign or dtype == "bfloat16"):
                raise pickle.UnpicklingError(
                    "ember cannot load bfloat16 tensors or other-endian files from the legacy "
                    "(pre-1.6) format; re-save the file with a current torch.save")
            native = np.dtype("u2" if dtype == "bfloat16" else dtype)
            arr = self.raw.view(native.newbyteorder(self.order) if foreign else native)
            if dtype == "bfloat16":
                _warn_bfloat16()
                arr = (arr.astype(np.uint32) << 16).view(np.float32)
            elif foreign:
                arr = arr.astype(native)  # a native-order copy
            self._typed[dtype] = arr
        return arr


_NATIVE = "<" if sys.byteorder == "little" else ">"


def _warn_bfloat16():
    warnings.warn("ember has no bfloat16 dtype: bfloat16 values in this file are loaded as "
                  "float32 (exactly, every bfloat16 is a float32)", UserWarning, stacklevel=4)


# -- rebuilding tensors ----------------------------------------------------------------------------
def _int_tuple(x, what):
    if not isinstance(x, (tuple, list)) or not all(type(v) is int and v >= 0 for v in x):
        raise pickle.UnpicklingError(f"tensor {what} must be a tuple of non-negative ints, "
                                     f"got {x!r}: the file is corrupt")
    return tuple(x)


def _tensor_from(storage, offset, size, stride, dtype_name):
    if not isinstance(storage, Storage):
        raise pickle.UnpicklingError(f"expected a storage to rebuild a tensor from, got "
                                     f"{type(storage).__name__}: the file is corrupt")
    size, stride = _int_tuple(size, "size"), _int_tuple(stride, "stride")
    if len(size) != len(stride) or type(offset) is not int or offset < 0:
        raise pickle.UnpicklingError(f"bad tensor geometry (size {size}, stride {stride}, "
                                     f"offset {offset!r}): the file is corrupt")
    typed = storage.typed(dtype_name)
    numel = 1
    for n in size:
        numel *= n
    if numel == 0:
        arr = np.empty(size, typed.dtype)
    else:
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if last >= typed.size:
            raise pickle.UnpicklingError(
                f"a tensor of size {list(size)}, stride {list(stride)} and offset {offset} does "
                f"not fit in its storage of {typed.size} elements: the file is corrupt")
        isz = typed.itemsize
        arr = np.ndarray(size, typed.dtype, buffer=typed, offset=offset * isz,
                         strides=tuple(s * isz for s in stride))
    t = _wrap(arr)
    if storage.device.type != "cpu":
        if storage.deferred is not None:   # legacy file: bytes not read yet, move them later
            storage.deferred.append((t, storage.device))
            t.__dict__["_load_deferred"] = (storage.deferred, storage.device)
        else:
            t._data = move(arr, storage.device)
    return t


def _set_requires_grad(t, requires_grad):
    if requires_grad:
        t.requires_grad = True
    return t


def rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad=False,
                      backward_hooks=None, metadata=None):
    dtype = storage.dtype if isinstance(storage, Storage) else None
    return _set_requires_grad(_tensor_from(storage, storage_offset, size, stride, dtype),
                              requires_grad)


def rebuild_tensor(storage, storage_offset, size, stride):
    return rebuild_tensor_v2(storage, storage_offset, size, stride)


def rebuild_tensor_v3(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                      dtype, metadata=None):
    if not isinstance(dtype, _dt.dtype):
        raise pickle.UnpicklingError(f"expected a dtype, got {dtype!r}: the file is corrupt")
    return _set_requires_grad(_tensor_from(storage, storage_offset, size, stride, dtype.name),
                              requires_grad)


def rebuild_parameter(data, requires_grad, backward_hooks=None):
    from .nn.parameter import Parameter
    if not isinstance(data, Tensor):
        raise pickle.UnpicklingError(f"a Parameter must wrap a tensor, got "
                                     f"{type(data).__name__}: the file is corrupt")
    p = Parameter(data, bool(requires_grad))
    deferred = data.__dict__.get("_load_deferred")
    if deferred is not None:
        deferred[0].append((p, deferred[1]))
    return p


def rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    p = rebuild_parameter(data, requires_grad)
    _set_state(p, state)
    return p


def finish_deferred(pending):
    """Move legacy-file tensors to their devices now that their bytes are in place."""
    for t, dev in pending:
        t._data = move(t._data, dev)
        t.__dict__.pop("_load_deferred", None)


def _set_state(t, state):
    """Attributes torch pickled with a tensor (``t.foo = 3``): set the harmless ones."""
    if isinstance(state, tuple) and len(state) == 2:
        d, slots = state
        state = {**(d or {}), **(slots or {})}
    if not state:
        return
    if not isinstance(state, dict):
        raise pickle.UnpicklingError(f"tensor state must be a dict, got {type(state).__name__}")
    skipped = []
    for k, v in state.items():
        if type(k) is str and k.isidentifier() and not k.startswith("_") and \
                not hasattr(type(t), k):
            setattr(t, k, v)
        else:
            skipped.append(k)
    if skipped:
        warnings.warn(f"ember.load ignored tensor attribute(s) {skipped} stored in the file "
                      "(they would shadow ember's own)", UserWarning, stacklevel=3)


_REBUILDERS = (rebuild_tensor_v2, rebuild_tensor_v3, rebuild_tensor, rebuild_parameter,
               rebuild_parameter_with_state)


def rebuild_from_type_v2(func, new_type, args, state):
    from .nn.parameter import Parameter
    if func not in _REBUILDERS or new_type not in (Tensor, Parameter) or \
            not isinstance(args, tuple):
        raise pickle.UnpicklingError(f"cannot rebuild a tensor of type {new_type!r} with "
                                     f"{func!r}")
    t = func(*args)
    if new_type is Parameter and not isinstance(t, Parameter):
        t = rebuild_parameter(t, t.requires_grad)
    _set_state(t, state)
    return t


# -- writing ---------------------------------------------------------------------------------------
class Global:
    """A reference to a torch global (``torch._utils._rebuild_tensor_v2``), pickled by name
    without importing it."""

    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module, self.name = module, name

    def __call__(self, *args):   # pickle insists that a reduce function be callable
        raise TypeError(f"{self.module}.{self.name} is only a name to pickle")


_GLOBALS = {}


def torch_global(module, name):
    g = _GLOBALS.get((module, name))
    if g is None:
        g = _GLOBALS[(module, name)] = Global(module, name)
    return g


class _ParameterData:
    """The tensor inside a pickled Parameter (saved with requires_grad=False, as torch does)."""

    __slots__ = ("tensor",)

    def __init__(self, tensor):
        self.tensor = tensor


class TorchPickler(pickle._Pickler):
    """Pickles ember objects as torch's; ``plan.tensor_args(t)`` places each tensor's bytes."""

    dispatch = dict(pickle._Pickler.dispatch)

    def __init__(self, file, protocol, plan):
        super().__init__(file, protocol)
        self.plan = plan

    def persistent_id(self, obj):
        return self.plan.persistent_id(obj)

    def reducer_override(self, obj):
        if isinstance(obj, Tensor):
            from .nn.parameter import Parameter
            if isinstance(obj, Parameter):
                return (torch_global("torch._utils", "_rebuild_parameter"),
                        (_ParameterData(obj), obj.requires_grad, collections.OrderedDict()))
            return (torch_global("torch._utils", "_rebuild_tensor_v2"),
                    self.plan.tensor_args(obj, obj.requires_grad))
        cls = type(obj)
        if cls is _ParameterData:
            return (torch_global("torch._utils", "_rebuild_tensor_v2"),
                    self.plan.tensor_args(obj.tensor, False))
        if cls is _device:
            args = (obj.type,) if obj.index is None else (obj.type, obj.index)
            return (torch_global("torch", "device"), args)
        if cls is Size:
            return (torch_global("torch", "Size"), (tuple(obj),))
        return NotImplemented

    def save_torch_global(self, obj):
        if self.proto >= 4:
            self.save(obj.module)
            self.save(obj.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode("utf-8"))
        self.memoize(obj)

    def save_dtype(self, obj):
        self.save(torch_global("torch", obj.name))

    dispatch[Global] = save_torch_global
    dispatch[_dt.dtype] = save_dtype


class StorageRef:
    """One storage record to write: its persistent-id fields and the bytes."""

    __slots__ = ("key", "dtype", "location", "numel", "data", "start")

    def __init__(self, key, dtype, location, numel, data, start=0):
        self.key, self.dtype, self.location, self.numel = key, dtype, location, numel
        self.data, self.start = data, start


def _contiguous_strides(shape):
    strides, acc = [], 1
    for n in reversed(shape):
        strides.append(acc)
        acc *= max(n, 1)
    return tuple(reversed(strides))


def _root_extent(arr):
    """The NumPy array ``arr`` views (same dtype, followed through ``.base``) and the byte range
    ``arr`` covers in it; ``None`` for the range when the two cannot share one torch storage."""
    root = arr
    while isinstance(root.base, np.ndarray) and root.base.dtype == arr.dtype:
        root = root.base
    if not root.flags.c_contiguous:
        return root, None
    isz = arr.itemsize
    start = arr.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    if start < 0 or start % isz:
        return root, None
    last = start
    for n, s in zip(arr.shape, arr.strides):
        if n > 1:
            if s < 0 or s % isz:
                return root, None
            last += (n - 1) * s
    end = last + isz
    return root, ((start, end) if end <= root.nbytes else None)


class StoragePlan:
    """Places tensor bytes into storages. Views of one NumPy array share one storage, as views of
    one torch tensor do: a first pickling pass (``planning``) records the byte range each array
    is used over, the second writes that range once and points every view into it."""

    def __init__(self, spans=None):
        self.planning = spans is None
        self.spans = {} if spans is None else spans   # id(root) -> [root, start, end]
        self.refs = {}                                  # id(root) -> StorageRef
        self.storages = []

    def _new_ref(self, dtype, location, numel, data, start=0):
        ref = StorageRef(str(len(self.storages)), dtype, location, numel, data, start)
        self.storages.append(ref)
        return ref

    def tensor_args(self, t, requires_grad):
        arr = t._data
        shape = tuple(arr.shape)
        cpu = arr.__class__ is np.ndarray
        if cpu and arr.size:
            root, ext = _root_extent(arr)
            if ext is not None:
                if self.planning:
                    span = self.spans.get(id(root))
                    if span is None:
                        self.spans[id(root)] = [root, ext[0], ext[1]]
                    else:
                        span[1], span[2] = min(span[1], ext[0]), max(span[2], ext[1])
                    return (None, 0, shape, shape, False, None)
                span = self.spans.get(id(root))
                if span is not None and span[0] is root and span[1] <= ext[0] and \
                        ext[1] <= span[2]:
                    ref = self.refs.get(id(root))
                    isz = arr.itemsize
                    if ref is None:
                        data = root.reshape(-1).view(np.uint8)[span[1]:span[2]]
                        ref = self._new_ref(t.dtype.name, "cpu", (span[2] - span[1]) // isz,
                                            data, span[1])
                        self.refs[id(root)] = ref
                    stride = tuple(s // isz if n > 1 else c for n, s, c in
                                   zip(shape, arr.strides, _contiguous_strides(shape)))
                    return (ref, (ext[0] - ref.start) // isz, shape, stride, requires_grad,
                            collections.OrderedDict())
        if self.planning:
            return (None, 0, shape, shape, False, None)
        host = np.ascontiguousarray(arr if cpu else move(arr, CPU))
        location = "cpu" if cpu else f"cuda:{t.device.index}"
        ref = self._new_ref(t.dtype.name, location, host.size, host.reshape(-1).view(np.uint8))
        return (ref, 0, shape, _contiguous_strides(shape), requires_grad,
                collections.OrderedDict())

    def persistent_id(self, obj):
        if obj.__class__ is StorageRef:
            return ("storage", torch_global("torch", STORAGE_NAME[obj.dtype]), obj.key,
                    obj.location, obj.numel)
        return None


class _Sink:
    def write(self, b):
        pass


def pickle_obj(obj, protocol):
    """Pickle ``obj`` in torch's vocabulary: (data.pkl bytes, storages to write)."""
    plan = StoragePlan()
    TorchPickler(_Sink(), protocol, plan).dump(obj)
    plan = StoragePlan(plan.spans)
    buf = io.BytesIO()
    TorchPickler(buf, protocol, plan).dump(obj)
    return buf.getvalue(), plan.storages

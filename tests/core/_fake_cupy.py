"""A fake CuPy that runs on NumPy, so ember's CUDA code paths can be exercised on the CPU.

``install(monkeypatch)`` puts it in ``sys.modules`` as ``cupy`` (and ``cupyx``) and clears
ember's cached CuPy state, so ``ember.cuda.is_available()`` is True for the test's duration.

Faithful to CuPy where it matters for catching NumPy-vs-CuPy mix-ups:

- ``ndarray`` wraps a NumPy array and is NOT a ``numpy.ndarray`` subclass (``isinstance(x,
  np.ndarray)`` is False), like ``cupy.ndarray``.
- implicit conversion to NumPy raises CuPy's TypeError (``np.asarray(x)``, ``np.array(x)``);
  ``x.get()`` / ``cupy.asnumpy(x)`` copy to the host.
- NumPy ufuncs and ``__array_function__`` functions called on it dispatch to the "CuPy"
  implementation and return device arrays (as real CuPy does); NumPy arrays given to such a
  function raise TypeError (CuPy kernels accept only device arrays and scalars). Creation
  functions called through ``np.`` (``np.zeros``) of course give host arrays.
- reductions and full integer indexing give 0-d device arrays, not NumPy scalars.
- ``flags`` has only ``c_contiguous``/``f_contiguous``/``owndata`` (no ``writeable``).
- ufunc methods: ``reduce``/``accumulate`` only for add/multiply, ``at`` only for
  add and bitwise and/or/xor (the ufuncs CuPy gives a ``scatter_op``).
- views are always writable (CuPy has no read-only arrays); indexing, ``take`` and the like
  accept host index arrays (CuPy copies them over).
- ``linalg.inv/solve/cholesky`` return NaNs instead of raising for singular or
  non-positive-definite input unless inside ``cupyx.errstate(linalg='raise')`` (CuPy skips
  the cuSOLVER ``devInfo`` check by default).
- two fake GPUs; ``cuda.Device(i)`` is a context manager; arrays are allocated on the current
  device; a kernel reading an array of another device warns (peer access) and writes its result
  on the current device, as CuPy does.
"""
import operator
import sys
import types
import warnings

import numpy as np

DEVICE_COUNT = 2
_stack = [0]  # current-device stack (top is current)

_NO_IMPLICIT = ("Implicit conversion to a NumPy array is not allowed. Please use `.get()` to "
                "construct a NumPy array explicitly.")


class PerformanceWarning(RuntimeWarning):
    pass


class CUDARuntimeError(RuntimeError):
    pass


def _current():
    return _stack[-1]


def _check_index(i):
    if not 0 <= i < DEVICE_COUNT:
        raise CUDARuntimeError("cudaErrorInvalidDevice: invalid device ordinal")


class Device:
    """``cupy.cuda.Device``: a context manager that makes device ``id`` current."""

    def __init__(self, device=None):
        self.id = _current() if device is None else operator.index(device)

    def __enter__(self):
        _check_index(self.id)
        _stack.append(self.id)
        return self

    def __exit__(self, *exc):
        _stack.pop()

    def use(self):
        _check_index(self.id)
        _stack[-1] = self.id

    def synchronize(self):
        _check_index(self.id)

    def __int__(self):
        return self.id

    __index__ = __int__

    def __eq__(self, other):
        return isinstance(other, Device) and other.id == self.id

    def __hash__(self):
        return hash(self.id)

    def __repr__(self):
        return f"<CUDA Device {self.id}>"


def _get_device():
    return _current()


def _get_device_count():
    return DEVICE_COUNT


def _get_device_properties(i):
    _check_index(i)
    return {"name": b"Fake GPU (NumPy)", "totalGlobalMem": 1 << 34, "major": 9, "minor": 0,
            "multiProcessorCount": 1, "warpSize": 32}


runtime = types.SimpleNamespace(getDevice=_get_device, getDeviceCount=_get_device_count,
                                getDeviceProperties=_get_device_properties,
                                CUDARuntimeError=CUDARuntimeError)


class _Stream:
    def synchronize(self):
        pass


cuda = types.SimpleNamespace(Device=Device, runtime=runtime, is_available=lambda: True,
                             get_current_stream=lambda: _Stream(), Stream=_Stream,
                             CUDARuntimeError=CUDARuntimeError)


class Flags:
    """``cupy.ndarray.flags``: only the three flags CuPy has (no ``writeable``)."""

    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, c, f, own):
        self.c_contiguous, self.f_contiguous, self.owndata = c, f, own

    def __getitem__(self, name):
        key = {"C_CONTIGUOUS": "c_contiguous", "F_CONTIGUOUS": "f_contiguous",
               "OWNDATA": "owndata"}.get(name)
        if key is None:
            raise KeyError(f"{name} is not defined for cupy.ndarray.flags")
        return getattr(self, key)


class _MemoryPointer:
    def __init__(self, arr):
        self.ptr = arr._a.__array_interface__["data"][0]
        self.device_id = arr._dev
        self.device = Device(arr._dev)


# -- wrapping / unwrapping ------------------------------------------------------------------------

def _new(a, dev, base=None):
    x = object.__new__(ndarray)
    x._a, x._dev, x._base = a, dev, base
    return x


class _Interface:
    def __init__(self, interface, base):
        self.__array_interface__, self.base = interface, base


def _writable(view, src):
    """CuPy has no read-only arrays: its views (diagonal, broadcast_to ...) are writable."""
    if view.flags.writeable or not src.flags.writeable:
        return view
    try:
        view.flags.writeable = True
        return view
    except ValueError:
        iface = dict(view.__array_interface__)
        iface["data"] = (iface["data"][0], False)
        return np.asarray(_Interface(iface, src))


def _out(res, srcs=()):
    """Turn a NumPy result into device arrays: views keep their source's device, new arrays
    go on the current device; NumPy scalars become 0-d arrays (CuPy never returns them)."""
    if isinstance(res, np.ndarray):
        for s in srcs:
            if res is s._a:
                return s
        for s in srcs:
            if np.may_share_memory(res, s._a):
                return _new(_writable(res, s._a), s._dev, s._base if s._base is not None else s)
        return _new(res, _current())
    if isinstance(res, np.generic):
        return _new(np.asarray(res), _current())
    if isinstance(res, tuple):  # includes NumPy's named result tuples (CuPy gives plain ones)
        return tuple(_out(r, srcs) for r in res)
    if isinstance(res, list):
        return [_out(r, srcs) for r in res]
    return res


def _unwrap(x, srcs, allow_numpy=False):
    """Device arrays -> their NumPy data (collected in ``srcs``); NumPy arrays raise TypeError
    unless ``allow_numpy`` (CuPy kernels reject host arrays)."""
    c = x.__class__
    if c is ndarray:
        srcs.append(x)
        return x._a
    if c is np.ndarray:
        if not allow_numpy:
            raise TypeError(f"Unsupported type {np.ndarray}")
        return x
    if c is list or c is tuple:
        return c(_unwrap(v, srcs, allow_numpy) for v in x)
    return x


def _warn_peer(srcs, res=None):
    """CuPy's warning when a kernel reads an array of another device (peer access)."""
    cur = _current()
    other = [s._dev for s in srcs if s._dev != cur]
    if not other:
        return
    if res is not None:  # views do not launch kernels
        flat = res if isinstance(res, (tuple, list)) else (res,)
        if not any(r.__class__ is ndarray and r._base is None and all(r is not s for s in srcs)
                   for r in flat):
            return
    warnings.warn(f"The device where the array resides ({other[0]}) is different from the "
                  f"current device ({cur}). Peer access has been activated automatically.",
                  PerformanceWarning, stacklevel=3)


def _call(fn, args, kwargs, allow_numpy=False, owner=None):
    srcs = [] if owner is None else [owner]
    args = _unwrap(args, srcs, allow_numpy)
    kwargs = {k: _unwrap(v, srcs, allow_numpy) for k, v in kwargs.items()}
    res = _out(fn(*args, **kwargs), srcs)
    _warn_peer(srcs, res)
    return res


# CuPy functions that pass index/value arguments through cupy.array(), so host arrays work
_HOST_OK = frozenset(["take", "take_along_axis", "put", "put_along_axis", "choose", "compress",
                      "extract"])


def _function(fn):
    host_ok = getattr(fn, "__name__", "") in _HOST_OK

    def f(*args, **kwargs):
        return _call(fn, args, kwargs, host_ok)
    f.__name__ = getattr(fn, "__name__", "f")
    f.__wrapped__ = fn
    return f


# -- ufuncs ------------------------------------------------------------------------------------

_AT_OK = frozenset(["add", "bitwise_and", "bitwise_or", "bitwise_xor"])  # scatter_op ufuncs
_REDUCE_OK = frozenset(["add", "multiply"])


class ufunc:
    """A CuPy ufunc backed by a NumPy ufunc (with CuPy's limited set of methods)."""

    def __init__(self, np_ufunc):
        self._u = np_ufunc
        self.__name__ = np_ufunc.__name__
        self.name = "cupy_" + np_ufunc.__name__
        self.nin, self.nout, self.nargs = np_ufunc.nin, np_ufunc.nout, np_ufunc.nargs

    def __repr__(self):
        return f"<ufunc '{self.name}'>"

    def __call__(self, *args, **kwargs):
        out = kwargs.get("out")
        if out is None:
            return _call(self._u, args, kwargs)
        outs = out if isinstance(out, tuple) else (out,)
        if any(o is not None and o.__class__ is not ndarray for o in outs):
            raise TypeError("Output arguments must be cupy arrays.")
        srcs = []
        self._u(*_unwrap(args, srcs), **{k: _unwrap(v, srcs) for k, v in kwargs.items()})
        _warn_peer(srcs)
        return outs[0] if len(outs) == 1 else outs

    def _only(self, method, ok):
        if self.__name__ not in ok:
            raise NotImplementedError(f"`{self.name}.{method}` is not supported yet")

    def reduce(self, array, axis=0, dtype=None, out=None, keepdims=False):
        self._only("reduce", _REDUCE_OK)
        return _call(self._u.reduce, (array, axis, dtype, out, keepdims), {})

    def accumulate(self, array, axis=0, dtype=None, out=None):
        self._only("accumulate", _REDUCE_OK)
        return _call(self._u.accumulate, (array, axis, dtype, out), {})

    def reduceat(self, array, indices, axis=0, dtype=None, out=None):
        self._only("reduceat", frozenset(["add"]))
        return _call(self._u.reduceat, (array, indices, axis, dtype, out), {}, allow_numpy=True)

    def outer(self, a, b, **kwargs):
        return _call(self._u.outer, (a, b), kwargs)

    def at(self, a, indices, b=None):
        self._only("at", _AT_OK)
        if a.__class__ is not ndarray:
            raise AttributeError(f"'{type(a).__name__}' object has no attribute '_scatter_op'")
        # indices and values go through cupy.array(): host arrays are accepted there
        _call(self._u.at, (a, indices) if b is None else (a, indices, b), {}, allow_numpy=True)


# -- the array ----------------------------------------------------------------------------------

_VIEW_ATTRS = frozenset(["T", "mT", "real", "imag"])
_PLAIN_ATTRS = frozenset(["shape", "dtype", "ndim", "size", "itemsize", "nbytes", "strides"])


def _is_advanced(key):
    keys = key if isinstance(key, tuple) else (key,)
    return any(isinstance(k, (list, np.ndarray, ndarray, bool, np.bool_)) for k in keys)


class ndarray:
    """``cupy.ndarray`` on NumPy memory (not a ``numpy.ndarray`` subclass)."""

    __slots__ = ("_a", "_dev", "_base", "__weakref__")

    def __init__(self, shape, dtype=float, memptr=None, strides=None, order="C"):
        self._a = np.empty(shape, dtype, order=order)
        self._dev, self._base = _current(), None

    # attributes
    def __getattr__(self, name):
        a = self._a
        if name in _PLAIN_ATTRS:
            return getattr(a, name)
        if name in _VIEW_ATTRS:
            return _out(getattr(a, name), (self,))
        attr = getattr(a, name)  # AttributeError as NumPy's
        if not callable(attr) or name.startswith("__"):
            raise AttributeError(f"'cupy.ndarray' object has no attribute '{name}'")

        def method(*args, **kwargs):
            return _call(attr, args, kwargs, name in ("take", "put", "choose"), self)
        method.__name__ = name
        return method

    @property
    def shape(self):
        return self._a.shape

    @shape.setter
    def shape(self, value):
        self._a.shape = value

    @property
    def dtype(self):
        return self._a.dtype

    @property
    def ndim(self):
        return self._a.ndim

    @property
    def size(self):
        return self._a.size

    @property
    def device(self):
        return Device(self._dev)

    @property
    def base(self):
        return self._base

    @property
    def flags(self):
        f = self._a.flags
        return Flags(f.c_contiguous, f.f_contiguous, self._base is None)

    @property
    def data(self):
        return _MemoryPointer(self)

    @property
    def __cuda_array_interface__(self):
        a = self._a
        return {"shape": a.shape, "typestr": a.dtype.str, "descr": a.dtype.descr,
                "data": (a.__array_interface__["data"][0], False), "version": 3,
                "strides": None if a.flags.c_contiguous else a.strides, "stream": 1}

    # host transfers
    def get(self, stream=None, order="C", out=None, blocking=True):
        if out is not None:
            out[...] = self._a
            return out
        return np.array(self._a, order=order, copy=True)

    def set(self, arr, stream=None):
        self._a[...] = arr

    def __array__(self, dtype=None, copy=None):
        raise TypeError(_NO_IMPLICIT)

    def __dlpack_device__(self):
        return (2, self._dev)  # kDLCUDA

    def __dlpack__(self, stream=None, **kwargs):
        return self._a.__dlpack__()

    def __reduce__(self):
        return (_rebuild, (self.get(), self._dev))

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    # methods needing CuPy's behaviour
    def copy(self, order="C"):
        return _new(self._a.copy(order=order), _current())

    def astype(self, dtype, order="K", casting=None, subok=None, copy=True):
        res = self._a.astype(dtype, order=order, copy=copy)
        return self if res is self._a else _new(res, _current())

    def view(self, *args, **kwargs):
        return _out(self._a.view(*args, **kwargs), (self,))

    def fill(self, value):
        if isinstance(value, np.ndarray):
            if value.shape != ():
                raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
            value = value.item()
        elif value.__class__ is ndarray:
            if value.shape != ():
                raise ValueError("non-scalar cupy.ndarray cannot be used for fill")
            value = value._a
        self._a.fill(value)

    def item(self):
        return self._a.item()

    def tolist(self):
        return self._a.tolist()

    # indexing
    def __getitem__(self, key):
        k = _unwrap(key, [], allow_numpy=True)
        res = self._a[k]
        if isinstance(res, np.generic):  # CuPy gives a 0-d view, not a scalar
            res = self._a[(k if isinstance(k, tuple) else (k,)) + (Ellipsis,)]
        return _out(res, (self,))

    def __setitem__(self, key, value):
        k = _unwrap(key, [], allow_numpy=True)
        if isinstance(value, np.ndarray) and not _is_advanced(key):
            if value.shape != ():  # CuPy's basic-index assignment goes through fill()
                raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        srcs = []
        v = _unwrap(value, srcs, allow_numpy=True)
        _warn_peer(srcs)
        self._a[k] = v

    # Python protocol
    def __len__(self):
        return len(self._a)

    def __iter__(self):
        if self._a.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    def __bool__(self):
        return bool(self._a)

    def __int__(self):
        return int(self._a)

    def __float__(self):
        return float(self._a)

    def __complex__(self):
        return complex(self._a)

    def __index__(self):
        return operator.index(self._a)

    def __repr__(self):
        return repr(self._a)

    def __str__(self):
        return str(self._a)

    def __format__(self, spec):
        return format(self._a, spec)

    __hash__ = None

    # NumPy dispatch: np.exp(x), np.concatenate([x, y]) ... run the "CuPy" implementation
    def __array_ufunc__(self, np_ufunc, method, *inputs, **kwargs):
        u = ufunc(np_ufunc)
        if "out" in kwargs:
            out = kwargs["out"]
            if isinstance(out, tuple) and len(out) == 1:
                kwargs["out"] = out[0]
        if method == "__call__":
            return u(*inputs, **kwargs)
        return getattr(u, method)(*inputs, **kwargs)

    def __array_function__(self, func, types_, args, kwargs):
        parts = func.__module__.split(".")
        mod = _MODULES.get(parts[1] if len(parts) > 1 else "", root)
        impl = getattr(mod, func.__name__, None)
        if impl is None:
            return NotImplemented  # CuPy lacks it: NumPy raises TypeError
        return impl(*args, **kwargs)


def _rebuild(host, dev):
    with Device(dev):
        return asarray(host)


def _binop(u, reflected=False):
    if reflected:
        def op(self, other):
            return u(other, self)
    else:
        def op(self, other):
            return u(self, other)
    return op


def _iop(u):
    def op(self, other):
        u(self, other, out=self)
        return self
    return op


for _name, _u in [("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
                  ("truediv", np.true_divide), ("floordiv", np.floor_divide),
                  ("mod", np.remainder), ("pow", np.power), ("matmul", np.matmul),
                  ("and", np.bitwise_and), ("or", np.bitwise_or), ("xor", np.bitwise_xor),
                  ("lshift", np.left_shift), ("rshift", np.right_shift)]:
    _cu = ufunc(_u)
    setattr(ndarray, f"__{_name}__", _binop(_cu))
    setattr(ndarray, f"__r{_name}__", _binop(_cu, reflected=True))
    setattr(ndarray, f"__i{_name}__", _iop(_cu))
for _name, _u in [("lt", np.less), ("le", np.less_equal), ("gt", np.greater),
                  ("ge", np.greater_equal), ("eq", np.equal), ("ne", np.not_equal)]:
    setattr(ndarray, f"__{_name}__", _binop(ufunc(_u)))
for _name, _u in [("neg", np.negative), ("pos", np.positive), ("abs", np.absolute),
                  ("invert", np.invert)]:
    setattr(ndarray, f"__{_name}__", (lambda cu: lambda self: cu(self))(ufunc(_u)))
ndarray.__divmod__ = _binop(ufunc(np.divmod))


# -- creation / conversion -------------------------------------------------------------------

def _host_data(obj):
    """Nested data for np.array: device arrays inside lists are taken as their data."""
    c = obj.__class__
    if c is ndarray:
        return obj._a
    if c is list or c is tuple:
        return [_host_data(v) for v in obj]
    return obj


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    if obj.__class__ is ndarray:
        if obj._dev != _current():  # CuPy copies an array of another device to the current one
            return _new(np.array(obj._a, dtype=dtype, order=order, ndmin=ndmin), _current())
        res = np.array(obj._a, dtype=dtype, copy=copy, order=order, ndmin=ndmin)
        return _out(res, (obj,))
    return _new(np.array(_host_data(obj), dtype=dtype, order=order, ndmin=ndmin), _current())


def asarray(a, dtype=None, order=None, *, blocking=False):
    return array(a, dtype=dtype, copy=None, order=order or "K")


asanyarray = asarray


def ascontiguousarray(a, dtype=None):
    if a.__class__ is ndarray and a._dev == _current():
        return _out(np.ascontiguousarray(a._a, dtype=dtype), (a,))
    return _new(np.ascontiguousarray(_host_data(a), dtype=dtype), _current())


def asnumpy(a, stream=None, order="C", out=None, blocking=True):
    if a.__class__ is ndarray:
        return a.get(order=order, out=out)
    return np.asarray(a, order=order)


def get_array_module(*args):
    return root if any(a.__class__ is ndarray for a in args) else np


def from_dlpack(x):
    if x.__class__ is ndarray:
        return _out(x._a.view(), (x,))
    dev_type, _ = x.__dlpack_device__()
    if int(dev_type) != 2:
        raise BufferError("cupy.from_dlpack: the DLPack tensor is not on a CUDA device")
    raise NotImplementedError("the fake CuPy only imports its own arrays")


def _scatter_add(a, slices, value):
    ufunc(np.add).at(a, slices, value)


class _FakeModule(types.ModuleType):
    """Attribute access delegates to a NumPy module, wrapping functions and ufuncs."""

    def __init__(self, name, np_module, **extra):
        super().__init__(name)
        self._np = np_module
        self.__dict__.update(extra)

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        obj = getattr(self._np, name)
        if isinstance(obj, np.ufunc):
            w = ufunc(obj)
        elif isinstance(obj, types.ModuleType):
            w = _FakeModule(f"{self.__name__}.{name}", obj)
        elif isinstance(obj, type) or not callable(obj):
            w = obj
        else:
            w = _function(obj)
        setattr(self, name, w)
        return w


_linalg_errors = ["ignore"]  # cupyx.errstate(linalg=...) stack; CuPy's default is "ignore"


class errstate:
    """``cupyx.errstate(linalg='raise')``: make cupy.linalg raise LinAlgError."""

    def __init__(self, *, linalg=None):
        self.linalg = linalg

    def __enter__(self):
        _linalg_errors.append(self.linalg or _linalg_errors[-1])

    def __exit__(self, *exc):
        _linalg_errors.pop()


def _lapack(fn):
    """CuPy does not check LAPACK's info unless errstate(linalg='raise'): a singular or
    non-positive-definite input gives NaNs, not an exception."""
    wrapped = _function(fn)

    def f(a, *args, **kwargs):
        try:
            return wrapped(a, *args, **kwargs)
        except np.linalg.LinAlgError:
            if _linalg_errors[-1] == "raise":
                raise
            ok = array(np.broadcast_to(np.eye(a.shape[-1], dtype=a.dtype), a.shape))
            res = wrapped(ok, *args, **kwargs)
            res._a[...] = np.nan
            return res
    f.__name__ = fn.__name__
    return f


linalg = _FakeModule("cupy.linalg", np.linalg, inv=_lapack(np.linalg.inv),
                     solve=_lapack(np.linalg.solve), cholesky=_lapack(np.linalg.cholesky))
fft = _FakeModule("cupy.fft", np.fft)
random = _FakeModule("cupy.random", np.random)
lib = _FakeModule("cupy.lib", np.lib)
root = _FakeModule(
    "cupy", np, ndarray=ndarray, ufunc=ufunc, cuda=cuda, array=array, asarray=asarray,
    asanyarray=asanyarray, ascontiguousarray=ascontiguousarray, asnumpy=asnumpy,
    get_array_module=get_array_module, from_dlpack=from_dlpack, linalg=linalg, fft=fft,
    random=random, lib=lib, is_available=lambda: True, __version__="13.0.0-fake",
    _util=types.SimpleNamespace(PerformanceWarning=PerformanceWarning))
cupyx = types.ModuleType("cupyx")
cupyx.scatter_add = _scatter_add
cupyx.errstate = errstate
_MODULES = {"": root, "linalg": linalg, "fft": fft, "random": random, "lib": lib}


def install(monkeypatch):
    """Make ``import cupy`` give the fake and reset ember's cached CuPy lookup."""
    import ember  # noqa: F401  (loads ember.device; ``ember.device`` itself is the class)
    dev_module = sys.modules["ember.device"]
    _stack[:] = [0]
    _linalg_errors[:] = ["ignore"]
    monkeypatch.setitem(sys.modules, "cupy", root)
    monkeypatch.setitem(sys.modules, "cupyx", cupyx)
    monkeypatch.setattr(dev_module, "_cupy", None)
    monkeypatch.setattr(dev_module, "_cupy_error", None)
    return root


def cuda_matches_cpu(monkeypatch, fns, arrays, seed=0):
    """Run each ``fn(*tensors)`` on CPU and on the fake CUDA device: same values and grads."""
    import numpy as np

    import ember
    install(monkeypatch)
    rng = np.random.default_rng(seed)
    for f in fns:
        c = [ember.tensor(a, requires_grad=True) for a in arrays]
        g = [ember.tensor(a, device="cuda", requires_grad=True) for a in arrays]
        yc, yg = f(*c), f(*g)
        assert type(yg._data) is ndarray
        np.testing.assert_allclose(yg._data.get(), yc.detach().numpy(), rtol=1e-5, atol=1e-5)
        cot = rng.standard_normal(tuple(yc.shape)).astype(np.float32)
        gc = ember.autograd.grad(yc, c, ember.tensor(cot), allow_unused=True)
        gg = ember.autograd.grad(yg, g, ember.tensor(cot, device="cuda"), allow_unused=True)
        for a, b in zip(gc, gg):
            assert (a is None) == (b is None)
            if a is not None:
                assert type(b._data) is ndarray
                np.testing.assert_allclose(b._data.get(), a.numpy(), rtol=1e-5, atol=1e-5)

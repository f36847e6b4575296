"""The Tensor class: an array (NumPy or CuPy) plus what autograd needs to know about it.

Methods implemented by the op families (``ember/ops/*.py``) are attached at the bottom of this
file, from each family's ``TENSOR_METHODS`` list.

Example:
    >>> import ember
    >>> x = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([[2., 4.],
            [6., 8.]])
"""
import numbers

import numpy as np

from . import dtypes as _dt
from .autograd import function as _function
from .autograd.function import AccumulateGrad
from .autograd.grad_mode import _Mode
from .device import CPU, device_of, move, to_device

_float_kinds = frozenset("fc")
_new = object.__new__


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    def __repr__(self):
        return f"torch.Size({list(self)})"

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        out = tuple.__getitem__(self, item)
        return Size(out) if isinstance(item, slice) else out

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))


def _wrap(array, requires_grad=False):
    """A Tensor around ``array`` (no copy)."""
    t = _new(Tensor)
    t._data = array
    if requires_grad:
        t.requires_grad = True
    return t


class Tensor:
    """An n-dimensional array with autograd, on the CPU (NumPy) or a CUDA device (CuPy).

    ``ember.Tensor(2, 3)`` is an uninitialised float tensor, ``ember.Tensor([1, 2])`` a float
    tensor from data; prefer ``ember.tensor(data)``, which infers the dtype.
    """

    # Class-level defaults keep construction cheap: an op only sets what differs.
    _requires_grad = False
    grad_fn = None
    _grad = None
    _output_nr = 0
    _vc = None          # version counter, [n]; shared by a tensor and its views
    _base = None
    _hooks = None
    _retains_grad = False
    _accumulate_node = None
    _user_grad = False
    _view_fn = None     # for views: base -> this view, replayed by in-place ops on the view
    __array_priority__ = 1000  # make ndarray <op> Tensor defer to Tensor's reflected operator

    def __new__(cls, *args, device=None, **kwargs):
        if kwargs:
            raise TypeError(f"Tensor() got unexpected keyword arguments {sorted(kwargs)}")
        t = _new(cls)
        dtype = _dt.get_default_dtype()
        if len(args) == 1 and not isinstance(args[0], numbers.Integral):
            from .ops.creation import _array_from_data
            arr = _array_from_data(args[0], dtype)
        else:
            shape = args[0] if len(args) == 1 and isinstance(args[0], (tuple, list)) else args
            arr = np.empty(tuple(int(s) for s in shape), dtype=dtype.np)
        dev = to_device(device)
        t._data = move(arr, dev) if dev is not None else arr
        return t

    def __init__(self, *args, **kwargs):
        pass

    # -- basic attributes -----------------------------------------------------------------------
    @property
    def dtype(self):
        return _dt._BY_NP[self._data.dtype]

    @property
    def device(self):
        return CPU if self._data.__class__ is np.ndarray else device_of(self._data)

    @property
    def is_cuda(self):
        return self._data.__class__ is not np.ndarray

    @property
    def shape(self):
        return Size(self._data.shape)

    def size(self, dim=None):
        """The shape, or the length of dimension ``dim``: ``x.size(0)``."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[self._wrap_dim(dim)]

    def dim(self):
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self):
        return self._data.ndim

    def numel(self):
        return int(self._data.size)

    nelement = numel

    def element_size(self):
        return self._data.itemsize

    @property
    def itemsize(self):
        return self._data.itemsize

    @property
    def nbytes(self):
        return self._data.nbytes

    def stride(self, dim=None):
        """Strides in elements, as torch counts them."""
        st = tuple(s // self._data.itemsize for s in self._data.strides)
        if dim is None:
            return st
        return st[self._wrap_dim(dim)]

    def storage_offset(self):
        base = self._data
        while base.base is not None and isinstance(base.base, type(base)):
            base = base.base
        return (_address(self._data) - _address(base)) // self._data.itemsize

    def is_contiguous(self, memory_format=None):
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self):
        return _address(self._data)

    def untyped_storage(self):
        raise NotImplementedError("ember tensors do not expose torch storages; use .numpy()")

    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def is_floating_point_(self):
        return self._data.dtype.kind == "f"

    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def is_complex(self):
        return self._data.dtype.kind == "c"

    @property
    def _version(self):
        return self._vc[0] if self._vc is not None else 0

    def _shared_version(self):
        if self._vc is None:
            self._vc = [0]
        return self._vc

    def _bump_version(self):
        if self._vc is None:
            self._vc = [1]
        else:
            self._vc[0] += 1

    def _wrap_dim(self, dim, ndim=None):
        ndim = self._data.ndim if ndim is None else ndim
        return wrap_dim(dim, ndim)

    def _type_name(self):
        prefix = "torch." if self.device.type == "cpu" else "torch.cuda."
        return prefix + _type_word(self._data.dtype) + "Tensor"

    def type(self, dtype=None):
        """Without argument, the type name ('torch.FloatTensor'); with one, a cast."""
        if dtype is None:
            return self._type_name()
        if isinstance(dtype, str):
            inv = {"Float": "float32", "Double": "float64", "Half": "float16", "Long": "int64",
                   "Int": "int32", "Short": "int16", "Char": "int8", "Byte": "uint8",
                   "Bool": "bool"}
            name = dtype.rsplit(".", 1)[-1].replace("Tensor", "")
            out = self.to(_dt._BY_NAME[inv[name]])
            return out.cuda() if ".cuda." in dtype else out
        return self.to(dtype)

    # -- autograd attributes --------------------------------------------------------------------
    @property
    def requires_grad(self):
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value):
        value = bool(value)
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        if value and self._data.dtype.kind not in _float_kinds:
            raise RuntimeError("only Tensors of floating point and complex dtype can require "
                               "gradients")
        self._requires_grad = value

    def requires_grad_(self, requires_grad=True):
        """Set ``requires_grad`` in place and return self: ``ember.zeros(3).requires_grad_()``."""
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self):
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.shape != self._data.shape:
                raise RuntimeError("assigned grad has data of a different size")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value.device != self.device:
                raise RuntimeError("assigned grad has data located on a different device")
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def retains_grad(self):
        return self._retains_grad

    def _accumulator(self):
        node = self._accumulate_node
        if node is None:
            node = self._accumulate_node = AccumulateGrad(self)
        return node

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        self._retains_grad = True

        def store(grad, tensor=self):
            if tensor._retains_grad:
                g = grad.detach()
                tensor._grad = _wrap(g._data.copy()) if tensor._grad is None else \
                    tensor._grad + g
        self.grad_fn._add_tensor_hook(self._output_nr, store)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one.

        Example: ``h = x.register_hook(lambda g: g * 2)``; ``h.remove()`` undoes it.
        """
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is not None:
            return self.grad_fn._add_tensor_hook(self._output_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return _function._RemovableHandle(self._hooks, hook)

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute gradients of this tensor with respect to the graph's leaves.

        Example: ``loss.backward()``; for a non-scalar ``y``, ``y.backward(gradient=v)``.
        """
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def detach(self):
        """A tensor sharing this one's data, cut off from the graph."""
        t = _new(Tensor)
        t._data = self._data
        t._vc = self._shared_version()
        return t

    def detach_(self):
        if self._base is not None and self.grad_fn is not None:
            raise RuntimeError("Can't detach views in-place. Use detach() instead.")
        self.grad_fn = None
        self._requires_grad = False
        return self

    @property
    def data(self):
        t = _new(Tensor)
        t._data = self._data
        return t

    @data.setter
    def data(self, value):
        if not isinstance(value, Tensor):
            raise TypeError("data must be a Tensor")
        self._data = value._data

    # -- conversion -----------------------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted "
                               "to Scalar")
        return self._data.reshape(()).item() if self.is_cuda is False else \
            self._data.reshape(()).get().item()

    def tolist(self):
        return self._host().tolist()

    def numpy(self, *, force=False):
        """The NumPy array behind this CPU tensor (shared memory, no copy)."""
        if self.is_cuda and not force:
            raise TypeError(f"can't convert {self.device} device type tensor to numpy. Use "
                            "Tensor.cpu() to copy the tensor to host memory first.")
        if self._requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return self._host()

    def _host(self):
        return self._data if self._data.__class__ is np.ndarray else self._data.get()

    def __array__(self, dtype=None, copy=None):
        arr = self.numpy(force=self._data.__class__ is np.ndarray)
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def __dlpack__(self, stream=None, **kwargs):
        return self._data.__dlpack__(**({"stream": stream} if stream is not None else {}),
                                     **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __float__(self):
        return float(self._scalar_for_python())

    def __int__(self):
        return int(self._scalar_for_python())

    def _scalar_for_python(self):
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        return self.item()

    def __index__(self):
        if self._data.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __bool__(self):
        if self._data.size != 1:
            amount = "no" if self._data.size == 0 else "more than one"
            raise RuntimeError(f"Boolean value of Tensor with {amount} value is ambiguous")
        return bool(self.item())

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, proto):
        return (_rebuild, (self._host(), str(self.device), self._requires_grad))

    def __deepcopy__(self, memo):
        if self.grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) support "
                               "the deepcopy protocol at the moment.")
        t = _new(type(self))
        t._data = self._data.copy()
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        t.__dict__.update({k: v for k, v in self.__dict__.items()
                           if k not in ("_data", "_vc", "_grad", "_accumulate_node", "_base")})
        memo[id(self)] = t
        return t

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr
        return tensor_repr(self)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    # -- device and dtype moves -----------------------------------------------------------------
    def to(self, *args, **kwargs):
        """Move and/or cast: ``x.to('cuda')``, ``x.to(ember.float64)``, ``x.to(other)``."""
        dtype = kwargs.pop("dtype", None)
        dev = kwargs.pop("device", None)
        copy = kwargs.pop("copy", False)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype, dev = a.dtype, a.device
            elif isinstance(a, _dt.dtype) or a in (float, int, bool):
                dtype = a
            elif isinstance(a, (str, int)) or a.__class__.__name__ == "device":
                dev = a
            elif a is not None and not isinstance(a, bool):
                raise TypeError(f"to() received an invalid combination of arguments: {a!r}")
        from .ops.creation import ToCopy
        dtype = _dt.to_dtype(dtype) if dtype is not None else None
        dev = to_device(dev)
        if dev is not None and dev.type == "cuda" and dev.index is None:
            dev = to_device("cuda:0")
        same_dtype = dtype is None or dtype.np == self._data.dtype
        same_dev = dev is None or dev == self.device
        if same_dtype and same_dev and not copy:
            return self
        return ToCopy.apply(self, dtype=dtype, device=dev)

    def cpu(self):
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        return self.to("cuda" if device is None else
                       (f"cuda:{device}" if isinstance(device, int) else device))

    def float(self):
        return self.to(_dt.float32)

    def double(self):
        return self.to(_dt.float64)

    def half(self):
        return self.to(_dt.float16)

    def long(self):
        return self.to(_dt.int64)

    def int(self):
        return self.to(_dt.int32)

    def short(self):
        return self.to(_dt.int16)

    def char(self):
        return self.to(_dt.int8)

    def byte(self):
        return self.to(_dt.uint8)

    def bool(self):
        return self.to(_dt.bool)

    def type_as(self, other):
        return self.to(other.dtype, other.device)

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        from .ops.creation import tensor
        return tensor(data, dtype=dtype or self.dtype, device=device or self.device,
                      requires_grad=requires_grad)

    # -- in-place machinery ---------------------------------------------------------------------
    def _check_inplace(self):
        if self._requires_grad and self.grad_fn is None and _Mode.enabled:
            raise RuntimeError("a leaf Variable that requires grad is being used in an in-place "
                               "operation.")

    def _inplace(self, fn, *args, **kwargs):
        """Run ``fn(self, *args)`` out of place and write the result into this tensor.

        This is how every in-place op works: the result is recorded in the graph like the
        out-of-place op, then copied into this tensor's memory (so views see it), the version
        counter is bumped, and this tensor takes over the result's ``grad_fn``.
        """
        self._check_inplace()
        recording = _Mode.enabled and (self._requires_grad or any(
            isinstance(a, Tensor) and a._requires_grad for a in args))
        if recording and self._base is not None:
            return self._inplace_on_view(fn, *args, **kwargs)
        result = fn(self._snapshot() if recording else self, *args, **kwargs)
        self._write(result, recording)
        return self

    def _snapshot(self):
        """A copy of this tensor's values that sits at the same place in the graph."""
        src = _new(Tensor)
        src._data = self._data.copy()
        src._requires_grad = self._requires_grad
        src.grad_fn = self.grad_fn
        src._output_nr = self._output_nr
        if self.grad_fn is None and self._requires_grad:
            src._accumulate_node = self._accumulator()
        return src

    def _inplace_on_view(self, fn, *args, **kwargs):
        """In-place op on a view while recording: the base gets a CopySlices node (as in torch)."""
        base = self._base
        if base.grad_fn is None and base._requires_grad:
            raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                               "in-place operation.")
        if self._view_fn is None:
            raise RuntimeError("ember cannot record an in-place operation on this view; apply "
                               "the operation out of place or under ember.no_grad().")
        from .ops.creation import CopySlices
        result = fn(self._snapshot(), *args, **kwargs)
        new_base = CopySlices.apply(base._snapshot(), result, view_fn=self._view_fn)
        base._write(new_base, True)
        view = self._view_fn(base)
        self._requires_grad = view._requires_grad
        self.grad_fn = view.grad_fn
        self._output_nr = view._output_nr
        return self

    def _write(self, result, recording=False):
        data = result._data
        if 0 in self._data.strides and self._data.size > 1 and _has_overlap(self._data):
            raise RuntimeError("unsupported operation: more than one element of the written-to "
                               "tensor refers to a single memory location. Please clone() the "
                               "tensor before performing the operation.")
        if data.dtype != self._data.dtype and not _dt.can_cast(_dt._BY_NP[data.dtype],
                                                               _dt._BY_NP[self._data.dtype]):
            raise RuntimeError(f"result type {_type_word(data.dtype)} can't be cast to the desired "
                               f"output type {_type_word(self._data.dtype)}")
        if data.shape != self._data.shape:
            raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the "
                               f"broadcast shape {list(data.shape)}")
        self._data[...] = data
        self._bump_version()
        if recording and result._requires_grad:
            self._requires_grad = True
            self.grad_fn = result.grad_fn
            self._output_nr = result._output_nr
            self._accumulate_node = None

    # -- Python operators (the functions live in ember.ops) -------------------------------------
    def __add__(self, other):
        return _ops.add(self, other)

    def __radd__(self, other):
        return _ops.add(self, other)

    def __iadd__(self, other):
        return self.add_(other)

    def __sub__(self, other):
        return _ops.sub(self, other)

    def __rsub__(self, other):
        return _ops.rsub(self, other)

    def __isub__(self, other):
        return self.sub_(other)

    def __mul__(self, other):
        return _ops.mul(self, other)

    def __rmul__(self, other):
        return _ops.mul(self, other)

    def __imul__(self, other):
        return self.mul_(other)

    def __truediv__(self, other):
        return _ops.div(self, other)

    def __rtruediv__(self, other):
        return _ops.reciprocal(self) * other if not isinstance(other, Tensor) else \
            _ops.div(other, self)

    def __itruediv__(self, other):
        return self.div_(other)

    def __floordiv__(self, other):
        return _ops.floor_divide(self, other)

    def __rfloordiv__(self, other):
        return _ops.floor_divide(other, self)

    def __ifloordiv__(self, other):
        return self.floor_divide_(other)

    def __mod__(self, other):
        return _ops.remainder(self, other)

    def __rmod__(self, other):
        return _ops.remainder(other, self)

    def __imod__(self, other):
        return self.remainder_(other)

    def __pow__(self, other):
        return _ops.pow(self, other)

    def __rpow__(self, other):
        return _ops.pow(other, self)

    def __ipow__(self, other):
        return self.pow_(other)

    def __matmul__(self, other):
        return _ops.matmul(self, other)

    def __rmatmul__(self, other):
        return _ops.matmul(other, self)

    def __neg__(self):
        return _ops.neg(self)

    def __pos__(self):
        return _ops.positive(self)

    def __abs__(self):
        return _ops.abs(self)

    def __invert__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                            "tensors")
        return _ops.bitwise_not(self)

    def __and__(self, other):
        return _ops.bitwise_and(self, other)

    __rand__ = __and__

    def __iand__(self, other):
        return self.bitwise_and_(other)

    def __or__(self, other):
        return _ops.bitwise_or(self, other)

    __ror__ = __or__

    def __ior__(self, other):
        return self.bitwise_or_(other)

    def __xor__(self, other):
        return _ops.bitwise_xor(self, other)

    __rxor__ = __xor__

    def __ixor__(self, other):
        return self.bitwise_xor_(other)

    def __lshift__(self, other):
        return _ops.bitwise_left_shift(self, other)

    def __rshift__(self, other):
        return _ops.bitwise_right_shift(self, other)

    def __rlshift__(self, other):
        return _ops.bitwise_left_shift(other, self)

    def __rrshift__(self, other):
        return _ops.bitwise_right_shift(other, self)

    def __ilshift__(self, other):
        return self.bitwise_left_shift_(other)

    def __irshift__(self, other):
        return self.bitwise_right_shift_(other)

    def __eq__(self, other):
        try:
            return _ops.eq(self, other)
        except TypeError:
            return NotImplemented

    def __ne__(self, other):
        try:
            return _ops.ne(self, other)
        except TypeError:
            return NotImplemented

    def __lt__(self, other):
        return _ops.lt(self, other)

    def __le__(self, other):
        return _ops.le(self, other)

    def __gt__(self, other):
        return _ops.gt(self, other)

    def __ge__(self, other):
        return _ops.ge(self, other)

    def __getitem__(self, key):
        return _ops.getitem(self, key)

    def __setitem__(self, key, value):
        _ops.setitem(self, key, value)

    @property
    def T(self):
        if self._data.ndim > 2:
            import warnings
            warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                          "shape is deprecated; use x.mT or x.permute(...).", stacklevel=2)
        return _ops.permute(self, tuple(range(self._data.ndim))[::-1])

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError(f"tensor.mT is only supported on matrices or batches of matrices. "
                               f"Got {self._data.ndim}-D tensor.")
        return _ops.transpose(self, -2, -1)

    @property
    def H(self):
        return self.T

    @property
    def mH(self):
        return self.mT


def _address(array):
    if isinstance(array, np.ndarray):
        return array.__array_interface__["data"][0]
    return array.data.ptr


def _has_overlap(array):
    return any(st == 0 and n > 1 for st, n in zip(array.strides, array.shape))


_TYPE_WORDS = {"float32": "Float", "float64": "Double", "float16": "Half", "int64": "Long",
               "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte", "bool": "Bool",
               "complex64": "ComplexFloat", "complex128": "ComplexDouble"}


def _type_word(np_dtype):
    """torch's name for a dtype in messages and type names: 'Float', 'Long', 'ComplexFloat'..."""
    name = np.dtype(np_dtype).name
    return _TYPE_WORDS.get(name, name)


def wrap_dim(dim, ndim):
    """Turn a possibly negative ``dim`` into an index, with torch's IndexError when out of range."""
    if not isinstance(dim, numbers.Integral):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    lo, hi = (-1, 0) if ndim == 0 else (-ndim, ndim - 1)
    if dim < lo or dim > hi:
        raise IndexError(f"Dimension out of range (expected to be in range of [{lo}, {hi}], but "
                         f"got {dim})")
    return dim + ndim if dim < 0 else (dim if ndim else 0)


def _rebuild(array, device, requires_grad):
    t = _wrap(move(array, to_device(device)) if device != "cpu" else array)
    t._requires_grad = requires_grad
    return t


_function._Tensor = Tensor


class _Ops:
    """Lazy access to ember's op functions (ops import this module, so no import cycle)."""

    def __getattr__(self, name):
        import ember
        from .ops import binary, indexing
        value = getattr(ember, name, None)
        for module in (indexing, binary):
            if value is None:
                value = getattr(module, name, None)
        if value is None:
            raise AttributeError(name)
        setattr(self, name, value)
        return value


_ops = _Ops()


def _attach_nn_methods():
    """Tensor methods implemented in ember.nn (imported after the core)."""
    import importlib
    _softmax = importlib.import_module("ember.nn.functional.softmax")
    Tensor.softmax = _softmax.tensor_softmax
    Tensor.log_softmax = _softmax.tensor_log_softmax


def _attach_methods():
    """Attach each op family's Tensor methods (its ``TENSOR_METHODS`` list)."""
    import importlib
    mod_join = importlib.import_module("ember.ops.join")
    families = ["creation", "elementwise", "binary", "reduce", "sort", "shape", "join", "indexing",
                "linalg"]
    for fam in families:
        mod = importlib.import_module(f"ember.ops.{fam}")
        for name in getattr(mod, "TENSOR_METHODS", ()):
            setattr(Tensor, name, getattr(mod, name))
    setattr(Tensor, "where", mod_join._tensor_where)
    from . import random as _random
    for name in getattr(_random, "TENSOR_METHODS", ()):
        setattr(Tensor, name, getattr(_random, name))

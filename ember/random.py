"""Random numbers bit-identical to PyTorch's CPU generator (see torch-rng-spec.md).

After ``ember.manual_seed(s)`` every sampler here returns exactly what torch returns after
``torch.manual_seed(s)``, and leaves the generator in the same state, so ``get_rng_state``
bytes can be passed between the two libraries in both directions.

CUDA tensors get the same values: ember draws them on the CPU with this algorithm and copies
them to the device. They do not match torch's CUDA streams (torch uses Philox there).

Example:
    >>> import ember
    >>> _ = ember.manual_seed(0)
    >>> ember.rand(3)
    tensor([0.4963, 0.7682, 0.0885])
"""
import contextlib
import operator

import numpy as np

from . import dtypes as _dt
from ._rng import kernels as _k
from ._rng.mt import DEFAULT_SEED, Engine, nondeterministic_seed
from ._rng.normal import fill_blocks, scalar_path
from ._tensor import Tensor, _type_word, _wrap
from .device import device_of, move, to_device

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "rand", "randn", "randint", "randperm", "normal",
           "bernoulli", "multinomial", "rand_like", "randn_like", "randint_like"]

TENSOR_METHODS = ["uniform_", "normal_", "random_", "bernoulli_", "exponential_", "bernoulli",
                  "multinomial"]


class Generator:
    """A random number generator with its own MT19937 state, like ``torch.Generator``.

    Example:
        >>> g = ember.Generator().manual_seed(42)
        >>> ember.rand(2, generator=g)
        tensor([0.8823, 0.9150])
    """

    def __init__(self, device="cpu"):
        self.device = to_device(device)
        self._engine = Engine(DEFAULT_SEED)

    def manual_seed(self, seed):
        """Seed the generator (any int in [-2**63, 2**64)); returns the generator."""
        self._engine.manual_seed(seed)
        return self

    def seed(self):
        """Seed from the OS's entropy and return the seed used."""
        s = nondeterministic_seed()
        self._engine.manual_seed(s)
        return s

    def initial_seed(self):
        """The seed last set, as an unsigned 64-bit int."""
        return self._engine.seed

    def get_state(self):
        """The state as a uint8 tensor of 5056 bytes, laid out as torch's."""
        return _wrap(self._engine.get_state())

    def set_state(self, new_state):
        """Restore a state from ``get_state`` (or torch's, e.g. via ``.numpy()``)."""
        self._engine.set_state(_state_bytes(new_state))
        return self

    def clone_state(self):
        g = Generator(self.device)
        g._engine.set_state(self._engine.get_state())
        return g

    def __reduce__(self):
        return _restore_generator, (str(self.device), self._engine.get_state().tobytes())


def _restore_generator(device, state):
    return Generator(device).set_state(np.frombuffer(state, np.uint8))


def _state_bytes(state):
    if isinstance(state, Tensor):
        if state.dtype is not _dt.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        return state._host()
    if isinstance(state, (bytes, bytearray)):
        return np.frombuffer(state, np.uint8)
    arr = np.asarray(state.numpy() if hasattr(state, "numpy") else state)
    if arr.dtype != np.uint8:
        raise TypeError("RNG state must be a torch.ByteTensor")
    return arr


default_generator = Generator()


def manual_seed(seed):
    """Seed the default generator; returns it. ``ember.manual_seed(0)``"""
    return default_generator.manual_seed(seed)


def seed():
    """Seed the default generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed():
    """The default generator's seed: ``ember.initial_seed()`` is 67280421310721 at start."""
    return default_generator.initial_seed()


def get_rng_state():
    """The default generator's state (uint8 tensor); ``set_rng_state`` restores it."""
    return default_generator.get_state()


def set_rng_state(new_state):
    """Restore the default generator: ``s = ember.get_rng_state(); ...; ember.set_rng_state(s)``"""
    default_generator.set_state(new_state)


@contextlib.contextmanager
def fork_rng(devices=None, enabled=True, **kwargs):
    """Restore the default generator's state when the block exits."""
    if not enabled:
        yield
        return
    state = get_rng_state()
    try:
        yield
    finally:
        set_rng_state(state)


# -- helpers -------------------------------------------------------------------------------------
def _engine(generator):
    if generator is None:
        return default_generator._engine
    if not isinstance(generator, Generator):
        raise TypeError(f"generator must be an ember.Generator, not {type(generator).__name__}")
    return generator._engine


def _shape(args, size=None, name="rand"):
    if size is not None:
        if args:
            raise TypeError(f"{name}() received an invalid combination of arguments: size given "
                            "both positionally and as a keyword")
        args = (size,)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    elif not args:
        raise TypeError(f"{name}() missing 1 required argument: 'size'")
    shape = tuple(operator.index(s) for s in args)
    if any(s < 0 for s in shape):
        neg = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {neg}: {list(shape)}")
    return shape


def _memory_perm(arr):
    """Axes of ``arr`` from largest to smallest stride: viewed in this order, C order is memory
    order, which is the order torch's serial kernels write in."""
    return sorted(range(arr.ndim), key=lambda d: -abs(arr.strides[d]))


def _write(arr, values):
    """Write flat ``values`` (host) into ``arr`` in memory order."""
    if arr.flags.c_contiguous:
        view = arr
    else:
        view = arr.transpose(_memory_perm(arr))
    if not isinstance(arr, np.ndarray):
        values = move(values, device_of(arr))
    view[...] = values.reshape(view.shape)


def _empty_like(arr, np_dtype):
    """A host array laid out like ``arr`` (torch's preserve_format: same stride order)."""
    if arr.flags.c_contiguous:
        return np.empty(arr.shape, np_dtype)
    perm = _memory_perm(arr)
    return np.empty([arr.shape[d] for d in perm], np_dtype).transpose(np.argsort(perm))


def _fill_(t, make):
    """In-place sampler: ``make(n, contiguous)`` gives the values in memory order."""
    t._check_inplace()
    arr = t._data
    if arr.size:
        _write(arr, make(arr.size, arr.flags.c_contiguous))
    t._bump_version()
    return t


def _create(arr, make, device, requires_grad):
    """Fill host array ``arr`` (fresh, laid out as wanted) and wrap it on ``device``."""
    if arr.size:
        _write(arr, make(arr.size, arr.flags.c_contiguous))
    dev = to_device(device)
    if dev is not None and dev.type != "cpu":
        arr = move(arr, dev)
    return _wrap(arr, requires_grad=requires_grad)


def _new(shape, dtype, maker, out, device, requires_grad, kwargs=None):
    """A new tensor of ``shape`` filled by ``maker(np_dtype)(n, contiguous)``; with ``out=``,
    ``out`` is resized as torch does and filled in place (``dtype=None`` means out's dtype)."""
    if kwargs:
        raise TypeError(f"got unexpected keyword arguments {sorted(kwargs)}")
    if out is None:
        dtype = dtype or _dt.get_default_dtype()
        return _create(np.empty(shape, dtype.np), maker(dtype.np), device, requires_grad)
    if not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, not {type(out).__name__}")
    if dtype is not None and out.dtype is not dtype:
        raise RuntimeError(f"dtype {dtype} does not match the out= tensor's dtype {out.dtype}")
    if tuple(out.shape) != shape:
        out._data = np.empty(shape, out._data.dtype) if isinstance(out._data, np.ndarray) \
            else move(np.empty(shape, out._data.dtype), out.device)
    return _fill_(out, maker(out._data.dtype))


def _opt_dtype(dtype):
    return _dt.to_dtype(dtype) if dtype is not None else None


def _require_float(np_dtype, fn):
    if np_dtype.kind != "f":
        raise NotImplementedError(f'"{fn}" not implemented for \'{_type_word(np_dtype)}\'')


def _host(x):
    return x._host() if isinstance(x, Tensor) else np.asarray(x)


# -- value makers: (engine, dtype, parameters) -> make(n, contiguous) -----------------------------
def _uniform_maker(eng, np_dtype, a, b):
    _require_float(np_dtype, "check_uniform_bounds")
    a, b = float(a), float(b)
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} "
                           f"> to={b:g}")
    return lambda n, contiguous: _k.uniform(eng, n, np_dtype, a, b)


def _normal_maker(eng, np_dtype, mean, std):
    _require_float(np_dtype, "normal_kernel_cpu")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")

    def make(n, contiguous):
        if n >= 16 and contiguous:
            return fill_blocks(eng, n, np_dtype, mean, std).astype(np_dtype, copy=False)
        return scalar_path(eng, n, mean, std).astype(np_dtype)
    return make


_DIGITS = {"float16": 11, "float32": 24, "float64": 53}


def _round_to_digits(v, digits):
    """``int(float_type(v))`` for an int ``v``: round to ``digits`` significant bits, ties even."""
    a = abs(v)
    shift = a.bit_length() - digits
    if shift <= 0:
        return v
    q, r = divmod(a, 1 << shift)
    half = 1 << (shift - 1)
    if r > half or (r == half and q & 1):
        q += 1
    return (q << shift) * (1 if v >= 0 else -1)


def _dtype_bounds(np_dtype):
    if np_dtype.kind == "f":
        m = int(np.finfo(np_dtype).max)
        return -m, m
    if np_dtype.kind == "b":
        return 0, 1
    info = np.iinfo(np_dtype)
    return int(info.min), int(info.max)


_TYPE_META = {"int8": "signed char", "uint8": "unsigned char", "int16": "short int",
              "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
              "float64": "double", "bool": "bool"}


def _random_maker(eng, np_dtype, frm, to, bounded):
    """``random_``: [frm, to) when ``to`` is given; [frm, dtype max] when only ``frm`` is;
    torch's per-dtype default range when ``bounded`` is False."""
    if not bounded:
        return lambda n, c: _k.unbounded(eng, n, np_dtype)
    digits = _DIGITS.get(np_dtype.name)
    if to is not None:
        if frm >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} "
                               f">= to={to}")
        if digits:   # torch nudges bounds that the float type cannot hold inward
            f1 = _round_to_digits(frm + 1, digits)
            if f1 < frm:
                frm = f1 + (1 << (max(abs(frm + 1).bit_length() - 1, 0) - digits + 1))
            t1 = _round_to_digits(to - 1, digits)
            if t1 >= to:
                to = t1 - (1 << (max(abs(to - 1).bit_length() - 1, 0) - digits + 1))
            if frm >= to:
                raise RuntimeError(f"random_ expects 'from' casted to dtype to be less than 'to' "
                                   f"casted to dtype, but got from={frm} >= to={to}")
        to_inc = to - 1
    elif frm == -(1 << 63):
        if np_dtype.name not in ("int64", "float64", "float32"):
            raise RuntimeError("random_full_64_bits_range_kernel_cpu handles only int64, double, "
                               "float and bfloat16")
        return lambda n, c: _k.full_range(eng, n, np_dtype)
    elif digits:
        to_inc = min(1 << digits, (1 << 63) - 1)
        f1 = _round_to_digits(frm + 1, digits)
        if f1 < frm:
            frm = f1 + (1 << (max(abs(frm + 1).bit_length() - 1, 0) - digits + 1))
        if frm >= to_inc:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than or equal "
                               f"to 'to_inc' casted to dtype, but got from={frm} > "
                               f"to_inc={to_inc}")
    else:
        to_inc = _dtype_bounds(np_dtype)[1]
    lo, hi = _dtype_bounds(np_dtype)
    for name, v in (("from", frm), ("to - 1", to_inc)):
        if not lo <= v <= hi:
            raise RuntimeError(f"{name} is out of bounds for {_TYPE_META[np_dtype.name]}")
    return lambda n, c: _k.from_to(eng, n, np_dtype, frm, to_inc - frm + 1)


def _bernoulli_p_maker(eng, np_dtype, p):
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return lambda n, c: _k.bernoulli_scalar(eng, n, np_dtype, p)


# -- in-place Tensor methods ----------------------------------------------------------------------
def uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
    """Fill with uniform values in [a, b): ``ember.empty(3).uniform_(-1, 1)``."""
    a, b = kwargs.pop("from", a), kwargs.pop("to", b)
    return _fill_(self, _uniform_maker(_engine(generator), self._data.dtype, a, b))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal values: ``ember.empty(3).normal_(0, 0.02)``."""
    return _fill_(self, _normal_maker(_engine(generator), self._data.dtype, mean, std))


def random_(self, *args, generator=None, **kwargs):
    """Fill with integers: ``random_(to)`` is [0, to), ``random_(from, to)`` is [from, to),
    ``random_(from, None)`` is [from, dtype max], ``random_()`` is torch's per-dtype range.

    Example: ``ember.empty(5, dtype=ember.int64).random_(10)``
    """
    if len(args) > 2 or set(kwargs) - {"from", "to"}:
        raise TypeError("random_() received an invalid combination of arguments")
    bounded = bool(args or kwargs)
    frm, to = 0, None
    if len(args) == 1 and not kwargs:
        to = args[0]
    elif bounded:
        params = dict(zip(("from", "to"), args))
        if set(params) & set(kwargs) or "to" not in {**params, **kwargs}:
            raise TypeError("random_() received an invalid combination of arguments - expected "
                            "(to), (from, to) or ()")
        params.update(kwargs)
        frm, to = params.get("from", 0), params["to"]
    frm = operator.index(frm)
    to = operator.index(to) if to is not None else None
    make = _random_maker(_engine(generator), self._data.dtype, frm, to, bounded)
    return _fill_(self, make)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 draws, 1 with probability ``p`` (a float or a tensor of probabilities)."""
    eng = _engine(generator)
    np_dtype = self._data.dtype
    if not isinstance(p, Tensor):
        return _fill_(self, _bernoulli_p_maker(eng, np_dtype, p))
    probs = p._host()
    _require_float(probs.dtype, "bernoulli_tensor_cpu_p_")
    try:
        probs = np.broadcast_to(probs, self._data.shape)
    except ValueError:
        raise RuntimeError(f"expand: the shape {list(probs.shape)} of p cannot be expanded to "
                           f"the shape {list(self._data.shape)} of self") from None
    if not self._data.flags.c_contiguous:
        probs = probs.transpose(_memory_perm(self._data))
    flat = probs.reshape(-1)
    return _fill_(self, lambda n, c: _k.bernoulli_tensor(eng, flat, np_dtype))


def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with exponential values of rate ``lambd``: ``ember.empty(3).exponential_(2.0)``."""
    if self._data.dtype.kind != "f":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{_type_word(self._data.dtype)}")
    lambd = float(lambd)
    if not (0.0 < lambd < float("inf")):
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    eng = _engine(generator)
    np_dtype = self._data.dtype
    return _fill_(self, lambda n, c: _k.exponential(eng, n, np_dtype, lambd))


# -- creation functions ---------------------------------------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kwargs):
    """Uniform values in [0, 1): ``ember.rand(2, 3)``, ``ember.rand((2, 3), dtype=ember.float64)``.
    """
    shape = _shape(size, kwargs.pop("size", None), "rand")
    eng = _engine(generator)
    return _new(shape, _opt_dtype(dtype), lambda dt: _uniform_maker(eng, dt, 0.0, 1.0), out,
                device, requires_grad, kwargs)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kwargs):
    """Standard normal values: ``ember.randn(4, 5)``."""
    shape = _shape(size, kwargs.pop("size", None), "randn")
    eng = _engine(generator)
    return _new(shape, _opt_dtype(dtype), lambda dt: _normal_maker(eng, dt, 0.0, 1.0), out,
                device, requires_grad, kwargs)


def _int_args(name, args, kwargs, n_fixed):
    """Parse (high) / (low, high) followed by the fixed trailing arguments (size for randint)."""
    names = ["low", "high"]
    got = {}
    pos = list(args)
    fixed = []
    if n_fixed and len(pos) >= 2 and "size" not in kwargs:
        fixed = [pos.pop()]
    elif n_fixed:
        fixed = [kwargs.pop("size", None)]
    if len(pos) == 2:
        got["low"], got["high"] = pos
    elif len(pos) == 1:
        got["low" if "high" in kwargs else "high"] = pos[0]
    elif len(pos) > 2:
        raise TypeError(f"{name}() received an invalid combination of arguments")
    for k in names:
        if k in kwargs:
            got[k] = kwargs.pop(k)
    if "high" not in got or (n_fixed and fixed[0] is None):
        raise TypeError(f"{name}() received an invalid combination of arguments - expected "
                        "(int high, ...) or (int low, int high, ...)")
    for k in names:
        if k in got and isinstance(got[k], float):
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"{k}=float, expected int")
    low = operator.index(got.get("low", 0))
    return low, operator.index(got["high"]), (fixed[0] if n_fixed else None)


def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, **kwargs):
    """Integers in [low, high): ``ember.randint(10, (3,))``, ``ember.randint(-5, 5, (2, 2))``."""
    low, high, size = _int_args("randint", args, kwargs, 1)
    if not isinstance(size, (tuple, list)):
        raise TypeError("randint() received an invalid combination of arguments - size must be "
                        "a tuple of ints")
    shape = _shape((size,))
    if dtype is None and out is None:
        dtype = _dt.int64
    eng = _engine(generator)
    return _new(shape, _opt_dtype(dtype), lambda dt: _random_maker(eng, dt, low, high, True),
                out, device, requires_grad, kwargs)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0..n-1 (int64): ``ember.randperm(5)``."""
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype is None and out is None:
        dtype = _dt.int64
    dtype = _opt_dtype(dtype)
    eng = _engine(generator)

    def maker(np_dtype):
        digits = _DIGITS.get(np_dtype.name)
        if digits and n > (1 << digits) + 1:
            raise RuntimeError(f"n cannot be greater than 2^{digits}+1 for "
                               f"{_type_word(np_dtype)} type.")
        return lambda m, c: _k.randperm(eng, m).astype(np_dtype)
    return _new((n,), dtype, maker, out, device, requires_grad)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, generator=None):
    """``rand`` with ``input``'s shape, dtype, device and layout: ``ember.rand_like(x)``."""
    return _like(input, dtype, device, requires_grad, memory_format,
                 lambda dt: _uniform_maker(_engine(generator), dt, 0.0, 1.0))


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, generator=None):
    """``randn`` with ``input``'s shape, dtype, device and layout: ``ember.randn_like(x)``."""
    return _like(input, dtype, device, requires_grad, memory_format,
                 lambda dt: _normal_maker(_engine(generator), dt, 0.0, 1.0))


def randint_like(input, *args, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None, **kwargs):
    """``randint`` with ``input``'s shape: ``ember.randint_like(x, 10)``, ``(x, 3, 10)``."""
    low, high, _ = _int_args("randint_like", args, kwargs, 0)
    return _like(input, dtype, device, requires_grad, memory_format,
                 lambda dt: _random_maker(_engine(generator), dt, low, high, True))


def _like(input, dtype, device, requires_grad, memory_format, maker):
    dtype = _dt.to_dtype(dtype) if dtype is not None else input.dtype
    make = maker(dtype.np)
    if memory_format is not None and "contiguous" in str(memory_format):
        arr = np.empty(input._data.shape, dtype.np)
    else:
        arr = _empty_like(input._data, dtype.np)
    return _create(arr, make, device if device is not None else input.device, requires_grad)


def normal(mean, std=1.0, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, pin_memory=False, requires_grad=False):
    """Normal values: ``normal(mean_tensor, std_tensor)``, ``normal(mean_tensor, 0.5)``,
    ``normal(0.0, std_tensor)`` or ``normal(0.0, 1.0, size=(2, 3))``."""
    eng = _engine(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not (mt or st):
        if size is None:
            raise TypeError("normal() received an invalid combination of arguments - got "
                            "(float, float), expected a size")
        return _new(_shape((size,)), _opt_dtype(dtype),
                    lambda dt: _normal_maker(eng, dt, mean, std), out, device, requires_grad)
    if st and std.numel() and not (std._host() >= 0).all():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    like = mean if mt else std
    if mt and st:
        try:
            shape = np.broadcast_shapes(mean._data.shape, std._data.shape)
        except ValueError:
            from .ops._util import broadcast_error
            raise broadcast_error(mean._data.shape, std._data.shape) from None
    else:
        shape = like._data.shape
    np_dtype = like._data.dtype
    z = np.empty(shape, np_dtype)
    _write(z, _normal_maker(eng, np_dtype, 0.0, std if mt and not st else 1.0)(z.size, True))
    # torch: output.mul_(std).add_(mean), each rounded in the promoted dtype, cast back
    if st:
        z = _inplace_op(np.multiply, z, std)
    if mt:
        z = _inplace_op(np.add, z, mean)
    else:
        z = z + np_dtype.type(mean)
    result = _wrap(move(z, like.device) if like.device.type != "cpu" else z)
    if out is not None:
        from .ops._util import write_out
        return write_out(out, result)
    return result


def _inplace_op(ufunc, z, other):
    common = _dt.result_type_of((_wrap(z), other)).np
    return ufunc(z, other._host(), dtype=common).astype(z.dtype, copy=False)


def bernoulli(input, p=None, *, generator=None, out=None):
    """0/1 draws with probabilities ``input`` (or a fixed ``p``), in ``input``'s dtype.

    Example: ``ember.bernoulli(ember.full((3,), 0.5))``
    """
    arr = np.empty(input._data.shape, input._data.dtype)
    t = _wrap(arr)
    if p is None:
        bernoulli_(t, input, generator=generator)
    else:
        bernoulli_(t, p, generator=generator)
    if input.device.type != "cpu":
        t = _wrap(move(arr, input.device))
    if out is not None:
        from .ops._util import write_out
        return write_out(out, t)
    return t


def multinomial(input, num_samples, replacement=False, *, generator=None, out=None):
    """Sample category indices from rows of probabilities (int64).

    Example: ``ember.multinomial(ember.tensor([0.1, 0.2, 0.7]), 2)``
    """
    probs = input._host()
    if probs.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if probs.dtype.kind != "f":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{_type_word(probs.dtype)}")
    num_samples = operator.index(num_samples)
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > probs.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    if probs.shape[-1] > 1 << 24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    eng = _engine(generator)
    if replacement and num_samples > 1:
        if not (probs >= 0).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry < 0)")
        if not np.isfinite(probs).all():
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry = infinity or NaN)")
        idx = _k.multinomial_with_replacement(eng, probs, num_samples)
    else:
        # Exponential race (Gumbel-max): argmax / top-k of p / q with q ~ Exp(1).
        if probs.size and not (np.isfinite(probs).all() and (probs >= 0).all()):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if not (probs > 0).any(axis=-1).all():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        q = _empty_like(probs, probs.dtype)
        _write(q, _k.exponential(eng, q.size, probs.dtype, 1.0))
        q = probs / q
        if num_samples == 1:
            idx = np.argmax(q, axis=-1, keepdims=True)
        else:
            idx = np.argsort(-q, axis=-1, kind="stable")[..., :num_samples]
    result = _wrap(move(idx.astype(np.int64), input.device) if input.device.type != "cpu"
                   else idx.astype(np.int64))
    if out is not None:
        from .ops._util import write_out
        return write_out(out, result)
    return result


# -- dropout support ------------------------------------------------------------------------------
def _dropout_noise(shape, p, dtype, generator=None, *, like=None, device=None):
    """torch's dropout noise: ``empty_like(x).bernoulli_(1 - p) / (1 - p)`` in ``dtype``.

    ``like`` (an array) gives the layout torch's ``empty_like`` would keep, which sets the draw
    order for non-contiguous inputs. The caller multiplies the input by the result. p == 0 and
    p == 1 make no draws (ones / zeros), as in torch.
    """
    np_dtype = _dt.to_dtype(dtype).np
    arr = _empty_like(like, np_dtype) if like is not None else np.empty(tuple(shape), np_dtype)
    if p == 0 or p == 1:
        arr[...] = 1 if p == 0 else 0
    elif arr.size:
        eng = _engine(generator)
        _write(arr, _k.bernoulli_scalar(eng, arr.size, np_dtype, 1.0 - p))
        arr /= np_dtype.type(1.0 - p)
    dev = to_device(device)
    return move(arr, dev) if dev is not None and dev.type != "cpu" else arr

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
from ._rng import fill as _f
from ._rng.mt import DEFAULT_SEED, Engine, nondeterministic_seed
from ._tensor import Tensor, _type_word, _wrap
from .autograd.function import Op
from .device import move, to_device

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


# -- in-place Tensor methods ----------------------------------------------------------------------
def uniform_(self, a=0.0, b=1.0, *, generator=None, **kwargs):
    """Fill with uniform values in [a, b): ``ember.empty(3).uniform_(-1, 1)``."""
    a, b = kwargs.pop("from", a), kwargs.pop("to", b)
    if kwargs:
        raise TypeError(f"uniform_() got unexpected keyword arguments {sorted(kwargs)}")
    return _f.fill_inplace(self, _f.uniform_maker(_engine(generator), self._data.dtype, a, b))


def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with normal values: ``ember.empty(3).normal_(0, 0.02)``."""
    return _f.fill_inplace(self, _f.normal_maker(_engine(generator), self._data.dtype, mean, std))


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
    make = _f.random_maker(_engine(generator), self._data.dtype, frm, to, bounded)
    return _f.fill_inplace(self, make)


def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 draws, 1 with probability ``p`` (a float or a tensor of probabilities)."""
    eng = _engine(generator)
    np_dtype = self._data.dtype
    if not isinstance(p, Tensor):
        return _f.fill_inplace(self, _f.bernoulli_p_maker(eng, np_dtype, p))
    probs = p._host()
    _f.require_float(probs.dtype, "bernoulli_tensor_cpu_p_")
    try:
        probs = np.broadcast_to(probs, self._data.shape)
    except ValueError:
        raise RuntimeError(f"expand: the shape {list(probs.shape)} of p cannot be expanded to "
                           f"the shape {list(self._data.shape)} of self") from None
    if not self._data.flags.c_contiguous:
        probs = probs.transpose(_f.memory_perm(self._data))
    flat = probs.reshape(-1)
    return _f.fill_inplace(self, lambda n, c: _k.bernoulli_tensor(eng, flat, np_dtype))


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
    return _f.fill_inplace(self, lambda n, c: _k.exponential(eng, n, np_dtype, lambd))


# -- creation functions ---------------------------------------------------------------------------
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kwargs):
    """Uniform values in [0, 1): ``ember.rand(2, 3)``, ``ember.rand((2, 3), dtype=ember.float64)``.
    """
    shape = _f.parse_size(size, kwargs.pop("size", None), "rand")
    eng = _engine(generator)
    return _f.new(shape, _f.opt_dtype(dtype), lambda dt: _f.uniform_maker(eng, dt, 0.0, 1.0),
                  out, device, requires_grad, kwargs)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kwargs):
    """Standard normal values: ``ember.randn(4, 5)``."""
    shape = _f.parse_size(size, kwargs.pop("size", None), "randn")
    eng = _engine(generator)
    return _f.new(shape, _f.opt_dtype(dtype), lambda dt: _f.normal_maker(eng, dt, 0.0, 1.0),
                  out, device, requires_grad, kwargs)


def _int_args(name, args, kwargs, with_size):
    """Bind torch's ``(high[, size])`` / ``(low, high[, size])`` positional forms and keywords."""
    names = ["low", "high", "size"][:3 if with_size else 2]
    free = [k for k in names if k not in kwargs]
    if len(args) == len(free) - 1 and free[:1] == ["low"]:
        free = free[1:]
    if len(args) != len(free):
        raise TypeError(f"{name}() received an invalid combination of arguments - expected "
                        f"({', '.join(names[1:])}) or ({', '.join(names)})")
    got = {k: kwargs.pop(k) for k in names if k in kwargs}
    got.update(zip(free, args))
    for k in ("low", "high"):
        if isinstance(got.get(k), float):
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"{k}=float, expected int")
    return operator.index(got.get("low", 0)), operator.index(got["high"]), got.get("size")


def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad=False, pin_memory=False, **kwargs):
    """Integers in [low, high): ``ember.randint(10, (3,))``, ``ember.randint(-5, 5, (2, 2))``."""
    low, high, size = _int_args("randint", args, kwargs, True)
    if not isinstance(size, (tuple, list)):
        raise TypeError("randint() received an invalid combination of arguments - size must be "
                        "a tuple of ints")
    shape = _f.parse_size((size,))
    if dtype is None and out is None:
        dtype = _dt.int64
    eng = _engine(generator)
    return _f.new(shape, _f.opt_dtype(dtype),
                  lambda dt: _f.random_maker(eng, dt, low, high, True), out, device,
                  requires_grad, kwargs)


def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False):
    """A random permutation of 0..n-1 (int64): ``ember.randperm(5)``."""
    n = operator.index(n)
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    if dtype is None and out is None:
        dtype = _dt.int64
    dtype = _f.opt_dtype(dtype)
    eng = _engine(generator)

    def maker(np_dtype):
        digits = _f.DIGITS.get(np_dtype.name)
        if digits and n > (1 << digits) + 1:
            raise RuntimeError(f"n cannot be greater than 2^{digits}+1 for "
                               f"{_type_word(np_dtype)} type.")
        return lambda m, c: _k.cast(_k.randperm(eng, m), np_dtype)
    return _f.new((n,), dtype, maker, out, device, requires_grad)


def rand_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None, generator=None):
    """``rand`` with ``input``'s shape, dtype, device and layout: ``ember.rand_like(x)``."""
    return _like(input, dtype, device, requires_grad, memory_format,
                 lambda dt: _f.uniform_maker(_engine(generator), dt, 0.0, 1.0))


def randn_like(input, *, dtype=None, layout=None, device=None, requires_grad=False,
               memory_format=None, generator=None):
    """``randn`` with ``input``'s shape, dtype, device and layout: ``ember.randn_like(x)``."""
    return _like(input, dtype, device, requires_grad, memory_format,
                 lambda dt: _f.normal_maker(_engine(generator), dt, 0.0, 1.0))


def randint_like(input, *args, dtype=None, layout=None, device=None, requires_grad=False,
                 memory_format=None, generator=None, **kwargs):
    """``randint`` with ``input``'s shape: ``ember.randint_like(x, 10)``, ``(x, 3, 10)``."""
    low, high, _ = _int_args("randint_like", args, kwargs, False)
    return _like(input, dtype, device, requires_grad, memory_format,
                 lambda dt: _f.random_maker(_engine(generator), dt, low, high, True))


def _like(input, dtype, device, requires_grad, memory_format, maker):
    dtype = _dt.to_dtype(dtype) if dtype is not None else input.dtype
    make = maker(dtype.np)
    if memory_format is not None and "contiguous" in str(memory_format):
        arr = np.empty(input._data.shape, dtype.np)
    else:
        arr = _f.empty_like(input._data, dtype.np)
    return _f.create(arr, make, device if device is not None else input.device, requires_grad)


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
        return _f.new(_f.parse_size((size,)), _f.opt_dtype(dtype),
                      lambda dt: _f.normal_maker(eng, dt, mean, std), out, device, requires_grad)
    if st and std.numel() and not (std._host() >= 0).all():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    like = mean if mt else std
    if mt and st:
        from .ops._util import check_broadcast
        shape = check_broadcast(mean._data.shape, std._data.shape)
    else:
        shape = like._data.shape
    np_dtype = like._data.dtype
    z = np.empty(shape, np_dtype)
    _f.write(z, _f.normal_maker(eng, np_dtype, 0.0, std if mt and not st else 1.0)(z.size, True))
    # torch: output.mul_(std).add_(mean), each rounded in the promoted dtype, cast back
    if st:
        z = _inplace_op(np.multiply, z, std)
    if mt:
        z = _inplace_op(np.add, z, mean)
    else:
        z = z + np_dtype.type(mean)
    z = move(z, like.device) if like.device.type != "cpu" else z
    result = _graph(_NORMAL_OPS[mt, st], z, *(t for t in (mean, std) if isinstance(t, Tensor)))
    if out is not None:
        from .ops._util import write_out
        return write_out(out, result)
    return result


class _Sampled(Op):
    """Sampled values as a graph node: torch gives the inputs of normal() and bernoulli() zero
    gradients (they are not reparameterised), but the output still requires grad."""

    @staticmethod
    def forward(ctx, *arrays, values):
        return values

    @staticmethod
    def backward(ctx, grad):
        zeros = tuple(_wrap(ctx.xp.zeros(shape, dtype)) for shape, dtype in ctx._input_meta)
        return zeros if len(zeros) > 1 else zeros[0]


def _named(name):
    return type(name, (_Sampled,), {"name_": name})


_NORMAL_OPS = {(True, True): _named("NormalBackward3"), (True, False): _named("NormalBackward1"),
               (False, True): _named("NormalBackward2")}
_BERNOULLI_OP = _named("BernoulliBackward0")


def _graph(op, values, *inputs):
    if any(t._requires_grad for t in inputs):
        return op.apply(*inputs, values=values)
    return _wrap(values)


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
    t = _graph(_BERNOULLI_OP, move(arr, input.device) if input.device.type != "cpu" else arr,
               input)
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
        q = _f.empty_like(probs, probs.dtype)
        _f.write(q, _k.exponential(eng, q.size, probs.dtype, 1.0))
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
    arr = _f.empty_like(like, np_dtype) if like is not None else np.empty(tuple(shape), np_dtype)
    if p == 0 or p == 1:
        arr[...] = 1 if p == 0 else 0
    elif arr.size:
        eng = _engine(generator)
        _f.write(arr, _k.bernoulli_scalar(eng, arr.size, np_dtype, 1.0 - p))
        arr /= np_dtype.type(1.0 - p)
    dev = to_device(device)
    return move(arr, dev) if dev is not None and dev.type != "cpu" else arr

"""The plumbing between ember.random's public functions and the samplers in ``kernels``:
argument checks, torch's memory-order writes, ``out=`` handling, and the "makers" that turn
(generator, dtype, parameters) into ``make(n, contiguous) -> values``.
"""
import operator

import numpy as np

from .. import dtypes as _dt
from .._tensor import Tensor, _type_word, _wrap
from ..device import device_of, move, to_device
from ..ops._util import cpp_type_word, kernel_error
from . import kernels as _k
from .normal import fill_blocks, scalar_path


def parse_size(args, size=None, name="rand"):
    if size is not None:
        if args:
            raise TypeError(f"{name}() received an invalid combination of arguments: size given "
                            "both positionally and as a keyword")
        args = (size,)
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = args[0]
    elif not args:
        raise TypeError(f"{name}() missing 1 required argument: 'size'")
    shape = tuple(map(operator.index, args))
    if shape and min(shape) < 0:
        neg = next(s for s in shape if s < 0)
        raise RuntimeError(f"Trying to create tensor with negative dimension {neg}: {list(shape)}")
    return shape


def memory_perm(arr):
    """Axes of ``arr`` from largest to smallest stride: viewed in this order, C order is memory
    order, which is the order torch's serial kernels write in."""
    return sorted(range(arr.ndim), key=lambda d: -abs(arr.strides[d]))


def write(arr, values):
    """Write flat ``values`` (host) into ``arr`` in memory order."""
    if arr.flags.c_contiguous:
        view = arr
    else:
        view = arr.transpose(memory_perm(arr))
    if not isinstance(arr, np.ndarray):
        values = move(values, device_of(arr))
    view[...] = values.reshape(view.shape)


def empty_like(arr, np_dtype):
    """A host array laid out like ``arr`` (torch's preserve_format: same stride order)."""
    if arr.flags.c_contiguous:
        return np.empty(arr.shape, np_dtype)
    perm = memory_perm(arr)
    return np.empty([arr.shape[d] for d in perm], np_dtype).transpose(np.argsort(perm))


def fill_inplace(t, make):
    """In-place sampler: ``make(n, contiguous)`` gives the values in memory order."""
    t._check_inplace()
    arr = t._data
    if arr.size:
        write(arr, make(arr.size, arr.flags.c_contiguous))
    t._bump_version()
    return t


def create(arr, make, device, requires_grad):
    """Fill host array ``arr`` (fresh, laid out as wanted) and wrap it on ``device``."""
    if arr.size:
        write(arr, make(arr.size, arr.flags.c_contiguous))
    dev = to_device(device)
    if dev is not None and dev.type != "cpu":
        arr = move(arr, dev)
    return _wrap(arr, requires_grad=requires_grad)


def new(shape, dtype, maker, out, device, requires_grad, kwargs=None):
    """A new tensor of ``shape`` filled by ``maker(np_dtype)(n, contiguous)``; with ``out=``,
    ``out`` is resized as torch does and filled in place (``dtype=None`` means out's dtype)."""
    if kwargs:
        raise TypeError(f"got unexpected keyword arguments {sorted(kwargs)}")
    if out is None:
        dtype = dtype or _dt.get_default_dtype()
        return create(np.empty(shape, dtype.np), maker(dtype.np), device, requires_grad)
    if not isinstance(out, Tensor):
        raise TypeError(f"out must be a Tensor, not {type(out).__name__}")
    if dtype is not None and out.dtype is not dtype:
        raise RuntimeError(f"dtype {dtype} does not match the out= tensor's dtype {out.dtype}")
    if tuple(out.shape) != shape:
        out._data = np.empty(shape, out._data.dtype) if isinstance(out._data, np.ndarray) \
            else move(np.empty(shape, out._data.dtype), out.device)
    return fill_inplace(out, maker(out._data.dtype))


def opt_dtype(dtype):
    return _dt.to_dtype(dtype) if dtype is not None else None


def require_float(np_dtype, fn):
    if np_dtype.kind != "f":
        raise kernel_error(fn, np_dtype)


# -- value makers: (engine, dtype, parameters) -> make(n, contiguous) -----------------------------
_FMAX = {np.dtype(t): float(np.finfo(t).max) for t in (np.float16, np.float32, np.float64)}


def uniform_maker(eng, np_dtype, a, b):
    require_float(np_dtype, "check_uniform_bounds")
    a, b = float(a), float(b)
    fmax = _FMAX[np_dtype]
    for name, v in (("from", a), ("to", b)):
        if not -fmax <= v <= fmax:
            raise RuntimeError(f"{name} is out of bounds for {cpp_type_word(np_dtype)}")
    if a > b:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found from={a:g} "
                           f"> to={b:g}")
    if b - a > fmax:
        word = _type_word(np_dtype)
        raise RuntimeError(f"uniform_ expects to-from <= std::numeric_limits<{word}>::max(), but "
                           f"found to={b:g} and from={a:g} which result in to-from to exceed "
                           "the limit")
    return lambda n, contiguous: _k.uniform(eng, n, np_dtype, a, b)


def normal_maker(eng, np_dtype, mean, std):
    require_float(np_dtype, "normal_kernel_cpu")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")

    def make(n, contiguous):
        if n >= 16 and contiguous:
            return _k.cast(fill_blocks(eng, n, np_dtype, mean, std), np_dtype)
        return _k.cast(scalar_path(eng, n, mean, std), np_dtype)
    return make


DIGITS = {"float16": 11, "float32": 24, "float64": 53}


def round_to_digits(v, digits):
    """``int64(float_type(v))`` in C++ on x86 for an int ``v``: round to ``digits`` significant
    bits (ties to even); out of int64 range the conversion gives INT64_MIN."""
    a = abs(v)
    shift = a.bit_length() - digits
    if shift > 0:
        q, r = divmod(a, 1 << shift)
        half = 1 << (shift - 1)
        if r > half or (r == half and q & 1):
            q += 1
        v = (q << shift) * (1 if v >= 0 else -1)
    return v if -(1 << 63) <= v < 1 << 63 else -(1 << 63)


def dtype_bounds(np_dtype):
    if np_dtype.kind == "f":
        m = int(np.finfo(np_dtype).max)
        return -m, m
    if np_dtype.kind == "b":
        return 0, 1
    info = np.iinfo(np_dtype)
    return int(info.min), int(info.max)


def random_maker(eng, np_dtype, frm, to, bounded):
    """``random_``: [frm, to) when ``to`` is given; [frm, dtype max] when only ``frm`` is;
    torch's per-dtype default range when ``bounded`` is False."""
    if not bounded:
        return lambda n, c: _k.unbounded(eng, n, np_dtype)
    digits = DIGITS.get(np_dtype.name)
    if to is not None:
        if frm >= to:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={frm} "
                               f">= to={to}")
        if digits:   # torch nudges bounds that the float type cannot hold inward
            f1 = round_to_digits(frm + 1, digits)
            if f1 < frm:
                frm = f1 + (1 << (max(abs(frm + 1).bit_length() - 1, 0) - digits + 1))
            t1 = round_to_digits(to - 1, digits)
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
        f1 = round_to_digits(frm + 1, digits)
        if f1 < frm:
            frm = f1 + (1 << (max(abs(frm + 1).bit_length() - 1, 0) - digits + 1))
        if frm >= to_inc:
            raise RuntimeError("random_ expects 'from' casted to dtype to be less than or equal "
                               f"to 'to_inc' casted to dtype, but got from={frm} > "
                               f"to_inc={to_inc}")
    else:
        to_inc = dtype_bounds(np_dtype)[1]
    lo, hi = dtype_bounds(np_dtype)
    for name, v in (("from", frm), ("to - 1", to_inc)):
        if not lo <= v <= hi:
            raise RuntimeError(f"{name} is out of bounds for {cpp_type_word(np_dtype)}")
    return lambda n, c: _k.from_to(eng, n, np_dtype, frm, to_inc - frm + 1)


def bernoulli_p_maker(eng, np_dtype, p):
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    return lambda n, c: _k.bernoulli_scalar(eng, n, np_dtype, p)

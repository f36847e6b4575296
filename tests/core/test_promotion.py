"""Type promotion of the binary ops against torch: every pair of dtypes (dim and 0-d tensors)
and every kind of Python scalar, for arithmetic, comparison, logical and bitwise ops, plus
``ember.promote_types`` / ``ember.result_type`` themselves."""
import itertools

import numpy as np
import pytest
import torch

import ember

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
SCALARS = [True, 3, -2, 2.5, 300]

# op name -> how to call it (lib, a, b); None means lib.<name>(a, b)
OPS = {
    "add": None, "sub": None, "mul": None, "div": None, "floor_divide": None, "remainder": None,
    "fmod": None, "pow": None, "float_power": None, "maximum": None, "minimum": None,
    "fmax": None, "atan2": None, "hypot": None, "copysign": None, "xlogy": None, "eq": None,
    "lt": None, "logical_and": None, "bitwise_and": None, "bitwise_xor": None,
    "bitwise_left_shift": None,
    "div_trunc": lambda lib, a, b: lib.div(a, b, rounding_mode="trunc"),
    "add_alpha": lambda lib, a, b: lib.add(a, b, alpha=2),
    "rsub": None,
}


def _tensor(lib, name, shape):
    # ones: no division by zero, no negative powers of integers
    return lib.ones(shape, dtype=getattr(lib, name))


def _outcome(fn, lib, a, b):
    try:
        out = fn(lib, a, b)
    except (RuntimeError, TypeError, NotImplementedError) as e:
        return type(e).__name__
    return str(out.dtype).replace("torch.", "")


def _call(name):
    return OPS[name] or (lambda lib, a, b: getattr(lib, name)(a, b))


@pytest.mark.parametrize("op", sorted(OPS))
def test_tensor_tensor_result_dtype(op):
    fn = _call(op)
    bad = []
    for da, db in itertools.product(DTYPES, DTYPES):
        for sa, sb in (((3,), (3,)), ((3,), ()), ((), (3,))):
            t = _outcome(fn, torch, _tensor(torch, da, sa), _tensor(torch, db, sb))
            e = _outcome(fn, ember, _tensor(ember, da, sa), _tensor(ember, db, sb))
            if t != e:
                bad.append(f"{op}({da}{list(sa)}, {db}{list(sb)}): torch {t}, ember {e}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("op", sorted(OPS))
def test_tensor_scalar_result_dtype(op):
    fn = _call(op)
    bad = []
    for d, s in itertools.product(DTYPES, SCALARS):
        for shape in ((3,), ()):
            for order in ("ts", "st"):
                def args(lib):
                    t = _tensor(lib, d, shape)
                    return (t, s) if order == "ts" else (s, t)
                t = _outcome(fn, torch, *args(torch))
                e = _outcome(fn, ember, *args(ember))
                if t != e:
                    bad.append(f"{op} {order} ({d}{list(shape)}, {s!r}): torch {t}, ember {e}")
    assert not bad, "\n".join(bad)


def test_promote_types_matches_torch():
    for a, b in itertools.product(DTYPES + ["complex64", "complex128"], repeat=2):
        t = torch.promote_types(getattr(torch, a), getattr(torch, b))
        assert repr(ember.promote_types(getattr(ember, a), getattr(ember, b))) == str(t), (a, b)


def test_result_type_matches_torch():
    for a, b in itertools.product(DTYPES, DTYPES):
        for sa, sb in (((2,), (2,)), ((2,), ()), ((), (2,)), ((), ())):
            t = torch.result_type(_tensor(torch, a, sa), _tensor(torch, b, sb))
            e = ember.result_type(_tensor(ember, a, sa), _tensor(ember, b, sb))
            assert repr(e) == str(t), (a, sa, b, sb)
        for s in SCALARS:
            t = torch.result_type(_tensor(torch, a, (2,)), s)
            assert repr(ember.result_type(_tensor(ember, a, (2,)), s)) == str(t), (a, s)


@pytest.mark.parametrize("default", ["float64", "float16"])
def test_default_dtype_drives_int_to_float_promotion(default):
    prev = ember.get_default_dtype()
    ember.set_default_dtype(getattr(ember, default))
    try:
        i = ember.tensor([1, 2])
        want = getattr(ember, default)
        assert (i / 2).dtype is want
        assert (i + 2.5).dtype is want
        assert ember.atan2(i, i).dtype is want
        assert (ember.ones(2, dtype=ember.float32) + 2.5).dtype is ember.float32
    finally:
        ember.set_default_dtype(prev)


def test_scalars_wrap_like_torch():
    # Python ints out of a small dtype's range wrap around (C casts), NumPy 2 would raise
    for lib in (torch, ember):
        u = lib.tensor([5, 200], dtype=lib.uint8)
        i8 = lib.tensor([1], dtype=lib.int8)
        assert (u + 300).tolist() == [49, 244]
        assert (u * -1).tolist() == [251, 56]
        assert (i8 + 1000).tolist() == [-23]
        assert (lib.tensor([255], dtype=lib.uint8) == -1).tolist() == [True]


def test_float32_stays_float32():
    x = ember.ones(3)
    for out in (x + np.float64(2.0), x * 2.0, x / 3, x ** 2.0, x - ember.tensor(1.0).double(),
                ember.maximum(x, ember.tensor(0.5, dtype=ember.float64)), x.add(1, alpha=0.5)):
        assert out.dtype is ember.float32

"""Op-table entries for the binary family (ember/ops/binary.py, binary_math.py, compare.py).

Samples mix shapes (broadcasting, 0-d), dtypes (int64/int32/uint8/bool with float32) and Python
numbers as operands; float arrays require grad unless ``grad=`` says otherwise.
"""
import numpy as np

from tests.ops.opinfo import OpInfo, Sample, positive, randn, register

SHAPES = (((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)), ((), (3,)), ((5,), ()))


def nonzero(rng, *shape):
    """|x| in [0.5, 2], either sign: safe divisors."""
    mag = rng.uniform(0.5, 2.0, shape)
    return np.asarray(mag * rng.choice([-1.0, 1.0], shape), dtype=np.float32)


def ints(rng, *shape, lo=-6, hi=7, dtype=np.int64):
    return rng.integers(lo, hi, shape).astype(dtype)


def nz_ints(rng, *shape, dtype=np.int64):
    return (rng.integers(1, 6, shape) * rng.choice([-1, 1], shape)).astype(dtype)


def pairs(make_a=randn, make_b=randn, shapes=SHAPES, **kw):
    return lambda rng: [Sample((make_a(rng, *a), make_b(rng, *b)), dict(kw)) for a, b in shapes]


def fixed(*samples):
    return lambda rng: list(samples)


def both(*makers):
    """Concatenate sample makers."""
    return lambda rng: [s for m in makers for s in m(rng)]


def f32(*v):
    return np.array(v, dtype=np.float32)


def i64(*v):
    return np.array(v, dtype=np.int64)


def mixed(rng, bools=True):
    """Scalars, 0-d tensors and mixed dtypes with float32 tensors."""
    out = [
        Sample((randn(rng, 3, 4), 2.5)),
        Sample((randn(rng, 3, 4), 3)),
        Sample((randn(rng, 3, 4), ints(rng, 4))),
        Sample((ints(rng, 3, 4), randn(rng, 4))),
        Sample((ints(rng, 3, 4, dtype=np.int32), 2.5)),
        Sample((randn(rng, 3), np.array(0.75))),
        Sample((randn(rng, 2, 3).astype(np.float64), randn(rng, 3))),
    ]
    if bools:
        out += [Sample((randn(rng, 3, 4), True)), Sample((rng.random((3, 4)) > 0.5, randn(rng, 4)))]
    return out


def mixed_nobool(rng):
    return mixed(rng, bools=False)


def int_tensors(rng):
    """Integer tensor operands (no gradients), incl. uint8 wrap-around and int/int promotion."""
    return [
        Sample((ints(rng, 3, 4), nz_ints(rng, 4))),
        Sample((ints(rng, 5, dtype=np.int32), nz_ints(rng, 5, dtype=np.int8))),
        Sample((ints(rng, 5, lo=0, hi=250, dtype=np.uint8), nz_ints(rng, 5).astype(np.uint8))),
    ]


def int_pairs(rng):
    """int_tensors and integer scalars (int8 with a negative one, uint8 wrapping 300)."""
    return int_tensors(rng) + [
        Sample((ints(rng, 4), 3)),
        Sample((ints(rng, 4, dtype=np.int8), -2)),
        Sample((ints(rng, 4, lo=0, hi=200, dtype=np.uint8), 300)),
    ]


def _m(name):
    return lambda lib, a, b, **kw: getattr(lib, name)(a, b, **kw)


def _inplace(name):
    """The in-place method on a non-leaf copy (so gradients flow through it)."""
    return lambda lib, a, b, **kw: getattr(a * 1 if a.dtype.is_floating_point else a.clone(),
                                           name)(b, **kw)


def _method(name):
    return lambda lib, a, b, **kw: getattr(a, name)(b, **kw)


# -- arithmetic ---------------------------------------------------------------------------------
register(
    OpInfo("add", _m("add"), both(pairs(), mixed), gradgrad=True),
    OpInfo("add", _m("add"), pairs(shapes=SHAPES[:3], alpha=-0.5), gradgrad=True),
    OpInfo("add", _m("add"), both(int_pairs, fixed(Sample((i64(1, 2), i64(3, 4)), {"alpha": 3}),
                                                   Sample((np.array([True, False]),) * 2)))),
    OpInfo("Tensor.add_", _inplace("add_"), both(pairs(shapes=SHAPES[:2]), fixed(
        Sample((f32(1, 2, 3), 2.5), {"alpha": 2}), Sample((f32(1, 2), i64(3, 4))),
        Sample((i64(1, 2), i64(3, 4)), {"alpha": -2}))), covers=("add_",)),
    OpInfo("sub", _m("sub"), both(pairs(), mixed_nobool, int_pairs,
                                  pairs(shapes=SHAPES[:2], alpha=2)),
           covers=("subtract",)),
    OpInfo("sub", lambda lib, a, b: lib.sub(b, a), fixed(Sample((f32(1, 2), 2)))),
    OpInfo("Tensor.sub_", _inplace("sub_"), both(pairs(shapes=SHAPES[:2], alpha=0.5), fixed(
        Sample((f32(1, 2, 3), 2.5)))), covers=("sub_", "subtract_")),
    OpInfo("Tensor.subtract", _method("subtract"), pairs(shapes=SHAPES[:2])),
    OpInfo("rsub", _m("rsub"), both(pairs(), mixed_nobool, pairs(shapes=SHAPES[:1], alpha=3),
                                    fixed(Sample((i64(1, 2), 5), {"alpha": 2})))),
    OpInfo("rsub", lambda lib, a: 2 - a, fixed(Sample((f32(1, -2),)), Sample((i64(1, -2),)))),
    OpInfo("mul", _m("mul"), both(pairs(), mixed, int_pairs), gradgrad=True,
           covers=("multiply",)),
    OpInfo("Tensor.mul_", _inplace("mul_"), both(pairs(shapes=SHAPES[:2]), fixed(
        Sample((f32(1, 2), 0.5)), Sample((i64(1, 2), 3)))), covers=("mul_", "multiply_")),
    OpInfo("Tensor.multiply", _method("multiply"), pairs(shapes=SHAPES[:2])),
    OpInfo("div", _m("div"), both(pairs(randn, nonzero), lambda rng: [
        Sample((randn(rng, 3, 4), 2.5)), Sample((randn(rng, 3, 4), ints(rng, 4, lo=1, hi=4))),
        Sample((ints(rng, 3, 4), nonzero(rng, 4))), Sample((ints(rng, 3), nz_ints(rng, 3))),
        Sample((2.0, nonzero(rng, 3, 4))), Sample((np.array([True, False]), 2))]),
           gradgrad=True, covers=("divide",)),
    OpInfo("true_divide", _m("true_divide"), pairs(randn, nonzero, shapes=SHAPES[:2])),
    OpInfo("div", _m("div"), both(pairs(randn, nonzero, rounding_mode="trunc"),
                                  pairs(randn, nonzero, rounding_mode="floor"), lambda rng: [
        Sample((ints(rng, 6), nz_ints(rng, 6)), {"rounding_mode": m}) for m in ("trunc", "floor")
    ] + [Sample((f32(7.5, -7.5, 1e-30, 3), f32(-0.5, 0.25, -3, 0)), {"rounding_mode": "floor"}),
         Sample((randn(rng, 3), -2), {"rounding_mode": "floor"})])),
    OpInfo("Tensor.div_", _inplace("div_"), both(pairs(randn, nonzero, shapes=SHAPES[:2]), fixed(
        Sample((f32(1, 2), 4.0)), Sample((f32(1, -3), 2), {"rounding_mode": "floor"}),
        Sample((i64(7, -7), 2), {"rounding_mode": "trunc"}))),
           covers=("div_", "divide_")),
    OpInfo("Tensor.true_divide_", _inplace("true_divide_"), pairs(randn, nonzero, SHAPES[1:2])),
    OpInfo("floor_divide", _m("floor_divide"), both(pairs(randn, nonzero), lambda rng: [
        Sample((ints(rng, 6), nz_ints(rng, 6))), Sample((ints(rng, 6), -4)),
        Sample((ints(rng, 6, dtype=np.int32), 2.5)), Sample((3, nonzero(rng, 4)))]), grad=False),
    OpInfo("Tensor.floor_divide_", _inplace("floor_divide_"), both(
        pairs(randn, nonzero, shapes=SHAPES[:1]), fixed(Sample((i64(7, -7, 0), 2)))), grad=False),
    OpInfo("remainder", _m("remainder"), both(pairs(randn, nonzero), lambda rng: [
        Sample((randn(rng, 3, 4), 1.5)), Sample((randn(rng, 3, 4), -0.7)),
        Sample((f32(-3, 3, -0.0, 5, 1e-20), f32(2, -2, 2, 2, -2))), Sample((f32(5, -5), np.inf))])),
    OpInfo("remainder", _m("remainder"), both(int_pairs, lambda rng: [
        Sample((2.5, nonzero(rng, 4))), Sample((ints(rng, 4), -3))]), grad=False),
    OpInfo("Tensor.remainder_", _inplace("remainder_"), both(
        pairs(randn, nonzero, shapes=SHAPES[:2]), fixed(Sample((i64(7, -7, 0), 3))))),
    OpInfo("fmod", _m("fmod"), both(pairs(randn, nonzero), lambda rng: [
        Sample((randn(rng, 3, 4), 1.5)), Sample((randn(rng, 3, 4), -0.7)),
        Sample((f32(-3, 3, 5), f32(2, -2, np.inf)))])),
    OpInfo("fmod", _m("fmod"), both(int_pairs, fixed(Sample((i64(5, -5), 2.5)))), grad=False),
    OpInfo("Tensor.fmod_", _inplace("fmod_"), pairs(randn, nonzero, shapes=SHAPES[:2])),
)

# -- powers -------------------------------------------------------------------------------------
register(
    OpInfo("pow", _m("pow"), lambda rng: [
        Sample((randn(rng, 3, 4), 2)), Sample((positive(rng, 3, 4), 0.5)),
        Sample((randn(rng, 3, 4), 3)), Sample((positive(rng, 5), -1.5)),
        Sample((randn(rng, 5), 0)), Sample((randn(rng), 1)), Sample((randn(rng, 4), True))],
           gradgrad=True),
    OpInfo("pow", _m("pow"), pairs(positive, randn), gradgrad=True),
    OpInfo("pow", _m("pow"), lambda rng: [Sample((2.0, randn(rng, 3, 4))),
                                          Sample((0.5, randn(rng, 5))),
                                          Sample((3, randn(rng, 2, 3)))], gradgrad=True),
    # kinks pinned to torch: 0 ** 2, 0 ** 0.5 (inf), 0 ** e in e, (-2) ** x (nan), 0 ** 0 == 1
    OpInfo("pow", _m("pow"), fixed(
        Sample((f32(0, 0, 1, -1), 2)), Sample((f32(0, 1, -1), 0.5)), Sample((f32(0, 2), 0)),
        Sample((f32(0, 0, 1, -1), -1)), Sample((f32(0, 0, 0, 1, -1, 2), f32(0, 1, -1, 2, -1, 0))),
        Sample((0.0, f32(0, 1, -1, 2))), Sample((-2.0, f32(1, 2))), Sample((2.0, f32(0,))),
        Sample((f32(0, 0), f32(0, 0)))), gradcheck=False),
    OpInfo("pow", _m("pow"), both(int_tensors, lambda rng: [
        Sample((ints(rng, 5), 2)), Sample((ints(rng, 5), 2.5)),
        Sample((2, ints(rng, 5, lo=0, hi=10))),
        Sample((i64(-1, 1, 0, 2, -2), i64(-3, -3, -1, -1, -2))), Sample((-2, i64(-1, -2, 0))),
        Sample((i64(3), 40)), Sample((np.array([True, False]), 2)),
        Sample((2, np.array([1, 9], dtype=np.uint8))), Sample((ints(rng, 3), positive(rng, 3)))]),
           grad=False),
    OpInfo("Tensor.pow_", _inplace("pow_"), both(pairs(positive, randn, shapes=SHAPES[:2]), fixed(
        Sample((f32(1, 2, 3), 2)), Sample((i64(1, 2, 3), 2))))),
    OpInfo("float_power", _m("float_power"), lambda rng: [
        Sample((positive(rng, 3, 4), randn(rng, 4))), Sample((randn(rng, 3), 2)),
        Sample((2.0, randn(rng, 3))), Sample((ints(rng, 4), 2)),
        Sample((positive(rng, 3).astype(np.float64), 1.5))]),
    OpInfo("Tensor.float_power_", lambda lib, a, b: (a.double() * 1).float_power_(b),
           lambda rng: [Sample((positive(rng, 3, 4), 2.5))]),
)

# -- maximum & co -------------------------------------------------------------------------------
_TIES = fixed(Sample((f32(1, 2, 3, 2), f32(1, 1, 4, 2))), Sample((f32(1, 2, 3), f32(2))),
              Sample((f32(np.nan, 1, np.nan, 0), f32(1, np.nan, np.nan, 0))))
register(
    OpInfo("maximum", _m("maximum"), both(pairs(), fixed(Sample((i64(1, 5), f32(2, 3)))))),
    OpInfo("maximum", _m("maximum"), both(_TIES, int_tensors), gradcheck=False),
    OpInfo("minimum", _m("minimum"), both(pairs(), fixed(Sample((i64(1, 5), f32(2, 3)))))),
    OpInfo("minimum", _m("minimum"), both(_TIES, int_tensors), gradcheck=False),
    OpInfo("fmax", _m("fmax"), pairs()),
    OpInfo("fmax", _m("fmax"), both(_TIES, int_tensors), gradcheck=False),
    OpInfo("fmin", _m("fmin"), pairs()),
    OpInfo("fmin", _m("fmin"), both(_TIES, int_tensors), gradcheck=False),
    OpInfo("Tensor.maximum", lambda lib, a, b: (a.maximum(b), a.minimum(b), a.fmax(b),
                                                a.fmin(b)), pairs(shapes=SHAPES[:2])),
    OpInfo("atan2", _m("atan2"), both(pairs(), fixed(Sample((i64(1, -2, 0), i64(2, 0, 3))),
                                                     Sample((f32(0, -0.0), f32(-1, -1))))),
           covers=("arctan2",)),
    OpInfo("Tensor.atan2_", lambda lib, a, b: ((a * 1).atan2_(b), (a * 1).arctan2_(b),
                                               a.arctan2(b)), pairs(shapes=SHAPES[:2]),
           covers=("atan2_", "arctan2_")),
    OpInfo("hypot", _m("hypot"), both(pairs(), fixed(Sample((f32(3, 0), f32(4, 1)))))),
    OpInfo("Tensor.hypot_", _inplace("hypot_"), pairs(shapes=SHAPES[:2])),
    OpInfo("copysign", _m("copysign"), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng, 4))), Sample((randn(rng, 3, 4), -1.0)),
        Sample((randn(rng, 3), 2)), Sample((ints(rng, 4), randn(rng, 4))),
        Sample((f32(0, 0, 1), f32(-1, 1, -0.0)))]),
    OpInfo("Tensor.copysign_", _inplace("copysign_"), pairs(shapes=SHAPES[:2])),
    OpInfo("xlogy", _m("xlogy"), lambda rng: [
        Sample((randn(rng, 3, 4), positive(rng, 4))), Sample((randn(rng, 3), 2.5)),
        Sample((2.0, positive(rng, 3, 4))), Sample((ints(rng, 4), positive(rng, 4))),
        Sample((f32(0, 0, 1, 1), f32(np.nan, 0, 0, np.nan)), grad=())]),
    OpInfo("Tensor.xlogy_", _inplace("xlogy_"), pairs(randn, positive, shapes=SHAPES[:2])),
)

# -- addcmul, addcdiv ---------------------------------------------------------------------------
register(
    OpInfo("addcmul", lambda lib, x, a, b, **kw: lib.addcmul(x, a, b, **kw), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng, 3, 4), randn(rng, 3, 4))),
        Sample((randn(rng, 3, 4), randn(rng, 4), randn(rng, 3, 1)), {"value": -0.5}),
        Sample((randn(rng), randn(rng, 2, 3), randn(rng, 3)), {"value": 2}),
        Sample((ints(rng, 3), ints(rng, 3), ints(rng, 3)), {"value": 2.5}),
        Sample((ints(rng, 3), randn(rng, 3), randn(rng, 3)))], gradgrad=True),
    OpInfo("addcdiv", lambda lib, x, a, b, **kw: lib.addcdiv(x, a, b, **kw), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng, 3, 4), nonzero(rng, 3, 4))),
        Sample((randn(rng, 3, 4), randn(rng, 4), nonzero(rng, 3, 1)), {"value": -0.5}),
        Sample((randn(rng, 3), ints(rng, 3), nonzero(rng, 3)), {"value": 2})], gradgrad=True),
    OpInfo("Tensor.addcmul_", lambda lib, x, a, b, **kw: (x * 1).addcmul_(a, b, **kw),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4), randn(rng, 3, 4)),
                               {"value": 0.1})], covers=("addcmul_",)),
    OpInfo("Tensor.addcdiv_", lambda lib, x, a, b, **kw: (x * 1).addcdiv_(a, b, **kw),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4), nonzero(rng, 3, 4)),
                               {"value": -0.1})], covers=("addcdiv_",)),
)

# -- comparisons, predicates, logical and bitwise ops (no gradients) ----------------------------


def cmp_samples(rng):
    a = randn(rng, 3, 4)
    b = a.copy()
    b[0] += 1
    b[1, :2] -= 1  # some ties, some not
    return [
        Sample((a, b)), Sample((a, randn(rng, 4))), Sample((randn(rng, 2, 1, 4), randn(rng, 3, 1))),
        Sample((a, 0.0)), Sample((a, 1)), Sample((ints(rng, 5), 2.5)), Sample((ints(rng, 5), 2)),
        Sample((ints(rng, 5), randn(rng, 5))), Sample((f32(np.nan, 1, np.inf), f32(np.nan, 1, 2))),
        Sample((np.array([255, 1], np.uint8), -1)), Sample((i64(16777217), f32(16777216.0))),
        Sample((np.array([True, False]), np.array([True, True])))]


def inplace_cmp_samples(rng):
    return [Sample((randn(rng, 3, 4), randn(rng, 4))), Sample((randn(rng, 3), 0.5)),
            Sample((ints(rng, 5), 2.5)), Sample((ints(rng, 5), randn(rng, 5))),
            Sample((np.array([True, False]), np.array([True, True])))]


for _name, _aliases in (("eq", ()), ("ne", ("not_equal",)), ("lt", ("less",)),
                        ("le", ("less_equal",)), ("gt", ("greater",)), ("ge", ("greater_equal",))):
    register(
        OpInfo(_name, lambda lib, a, b, n=_name: getattr(lib, n)(a, b), cmp_samples, grad=False,
               covers=_aliases),
        OpInfo(f"Tensor.{_name}_", lambda lib, a, b, n=_name: (
            getattr(a.clone(), n + "_")(b), getattr(a, n)(b)), inplace_cmp_samples,
            grad=False, covers=(_name + "_",)),
    )
register(
    OpInfo("Tensor.eq_", lambda lib, a, b: (a * 1).eq_(b), fixed(
        Sample((f32(1, 2, 3), 2.0)), Sample((f32(1, 2, 3), f32(1, 0, 3))))),
    OpInfo("operators", lambda lib, a, b: (a == b, a != b, a < b, a <= b, a > b, a >= b),
           cmp_samples, grad=False),
    OpInfo("isclose", lambda lib, a, b, **kw: lib.isclose(a, b, **kw), lambda rng: [
        Sample((f32(1, 2, np.nan, np.inf, np.inf, 0), f32(1 + 1e-6, 2.1, np.nan, np.inf, -np.inf,
                                                           1e-9))),
        Sample((f32(1, np.nan), f32(1.05, np.nan)), {"rtol": 0.1, "equal_nan": True}),
        Sample((f32(1, 2), f32(1.5, 2)), {"rtol": 0, "atol": 0}),
        Sample((i64(1, 2, 100), i64(1, 3, 104)), {"rtol": 0.05}),
        Sample((np.array([True, False]), np.array([True, True])))], grad=False),
    OpInfo("allclose", lambda lib, a, b, **kw: (lib.allclose(a, b, **kw), a.allclose(b, **kw)),
           lambda rng: [Sample((f32(1, 2), f32(1, 2 + 1e-6))), Sample((f32(1, 2), f32(1, 2.1))),
                        Sample((f32(1, np.nan), f32(1, np.nan)), {"equal_nan": True}),
                        Sample((f32(1, 2), f32(1, 2.5)), {"atol": 1.0})], grad=False),
    OpInfo("equal", lambda lib, a, b: (lib.equal(a, b), a.equal(b)), fixed(
        Sample((f32(1, 2), f32(1, 2))), Sample((f32(1, 2), f32(1, 3))),
        Sample((f32(1, 2), i64(1, 2))), Sample((f32(1, 2), f32(1, 2, 3))),
        Sample((f32(np.nan), f32(np.nan))), Sample((f32(1, 2), f32(1, 2).reshape(2, 1)))),
           grad=False),
)


def specials(rng):
    x = randn(rng, 12)
    x[::3], x[1::4], x[2::5] = np.nan, np.inf, -np.inf
    return [Sample((x,)), Sample((ints(rng, 4),)), Sample((np.array([True, False]),)),
            Sample((randn(rng, 2, 3),)), Sample((f32(np.nan),))]


for _name in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "isreal"):
    register(OpInfo(_name, lambda lib, a, n=_name: (getattr(lib, n)(a), getattr(a, n)()),
                    specials, grad=False))


def truthy(rng):
    a = randn(rng, 3, 4)
    a[0] = 0
    return [Sample((a, ints(rng, 4, lo=-1, hi=2))),
            Sample((np.array([True, False, True]), f32(0, 0, 1))),
            Sample((ints(rng, 2, 1, 3, lo=-1, hi=2), randn(rng, 3))),
            Sample((f32(np.nan, 0), f32(0, 0)))]


for _name in ("logical_and", "logical_or", "logical_xor"):
    register(
        OpInfo(_name, lambda lib, a, b, n=_name: getattr(lib, n)(a, b), truthy, grad=False),
        OpInfo(f"Tensor.{_name}_", lambda lib, a, b, n=_name: (
            getattr(a.clone(), n + "_")(b), getattr(a, n)(b)),
            lambda rng: truthy(rng)[:2] + truthy(rng)[3:], grad=False, covers=(_name + "_",)),
    )
register(OpInfo("logical_not", lambda lib, a: (lib.logical_not(a), a.clone().logical_not_(),
                                               a.logical_not()),
                lambda rng: [Sample((s.args[0],)) for s in truthy(rng)], grad=False,
                covers=("logical_not_",)))


def bit_samples(rng):
    return [Sample((ints(rng, 3, 4, lo=-50, hi=50), ints(rng, 4, lo=-50, hi=50))),
            Sample((ints(rng, 5, dtype=np.int32), ints(rng, 5, dtype=np.int8))),
            Sample((ints(rng, 5, lo=0, hi=255, dtype=np.uint8), 7)), Sample((ints(rng, 5), True)),
            Sample((np.array([True, False, True]), np.array([True, True, False]))),
            Sample((np.array([True, False]), 1)), Sample((6, ints(rng, 4)))]


def shift_samples(rng):
    return [Sample((ints(rng, 3, 4, lo=-50, hi=50), ints(rng, 4, lo=0, hi=8))),
            Sample((i64(5, -7, 0, -1, 1), i64(70, -1, 3, 64, 63))),
            Sample((np.array([5, 200, 1], np.uint8), np.array([9, 1, 7], np.uint8))),
            Sample((np.array([1, -8, 64], np.int8), np.array([9, 9, 1], np.int8))),
            Sample((ints(rng, 4, dtype=np.int32), 2)), Sample((2, ints(rng, 4, lo=0, hi=5)))]


for _name, make in (("bitwise_and", bit_samples), ("bitwise_or", bit_samples),
                    ("bitwise_xor", bit_samples), ("bitwise_left_shift", shift_samples),
                    ("bitwise_right_shift", shift_samples)):
    register(
        OpInfo(_name, lambda lib, a, b, n=_name: getattr(lib, n)(a, b), make, grad=False),
        OpInfo(f"Tensor.{_name}_", lambda lib, a, b, n=_name: (
            getattr(a.clone(), n + "_")(b), getattr(a, n)(b)),
            lambda rng, make=make: make(rng)[:5], grad=False, covers=(_name + "_",)),
    )
register(
    OpInfo("bitwise_not", lambda lib, a: (lib.bitwise_not(a), a.clone().bitwise_not_(), ~a),
           lambda rng: [Sample((s.args[0],)) for s in bit_samples(rng)[:5]], grad=False,
           covers=("bitwise_not_",)),
    OpInfo("operators", lambda lib, a, b: (a & b, a | b, a ^ b), bit_samples, grad=False),
    OpInfo("operators", lambda lib, a, b: (a << b, a >> b),
           lambda rng: shift_samples(rng)[:-1], grad=False),
    OpInfo("operators", lambda lib, a, b: (a + b, a - b, a * b, a / b, a // b, a % b, a ** b,
                                           b + a, b * a, b - a, b / a, b ** a),
           pairs(positive, positive, shapes=SHAPES[:3]), grad=False),
)

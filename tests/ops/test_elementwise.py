"""Behaviour of the unary elementwise family against torch: dtypes of integer and bool inputs,
in-place forms, out=, kinks and special values, errors, erf/erfinv accuracy."""
import math
import warnings

import numpy as np
import pytest
import torch

import ember

FLOAT_FNS = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt", "rsqrt", "sin",
             "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh",
             "atanh", "sigmoid", "reciprocal", "erf", "erfc", "erfinv", "deg2rad", "rad2deg",
             "logit", "arcsin", "arccos", "arctan", "arcsinh", "arccosh", "arctanh"]
KEEP_FNS = ["abs", "absolute", "neg", "negative", "sign", "sgn", "relu", "floor", "ceil", "round",
            "trunc", "fix", "frac", "square", "positive", "nan_to_num"]
DTYPES = ["int64", "int32", "int16", "int8", "uint8", "bool", "float16", "float32", "float64"]
SPECIAL = [-np.inf, -3.5, -2.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 2.5, np.inf, np.nan]


def _lib_tensor(lib, arr, requires_grad=False):
    t = torch.from_numpy(arr.copy()) if lib is torch else ember.tensor(arr)
    return t.requires_grad_() if requires_grad else t


def _np(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy(force=True)  # force: torch's sgn gradient is a ZeroTensor
    return t.detach().numpy()


def run_both(fn, *arrays, requires_grad=False):
    """fn(lib, *tensors) with ember and with torch: the same exception type, or the same
    dtype, shape and values. Returns the two results (None when both raised)."""
    outs, errs = [], []
    for lib in (ember, torch):
        args = [_lib_tensor(lib, a, requires_grad) if isinstance(a, np.ndarray) else a
                for a in arrays]
        try:
            outs.append(fn(lib, *args))
            errs.append(None)
        except Exception as e:  # noqa: BLE001 - the type is compared below
            outs.append(None)
            errs.append(e)
    e_err, t_err = errs
    if t_err is not None or e_err is not None:
        assert type(e_err) is type(t_err), f"ember: {e_err!r}, torch: {t_err!r}"
        return None, None
    e, t = outs
    assert repr(e.dtype) == str(t.dtype), f"dtype {e.dtype} != {t.dtype}"
    assert tuple(e.shape) == tuple(t.shape)
    en, tn = _np(e), _np(t)
    if en.dtype.kind in "fc":
        tol = 1e-3 if en.dtype == np.float16 else 1e-6
        np.testing.assert_allclose(en.astype(np.float64), tn.astype(np.float64), rtol=tol,
                                   atol=tol, equal_nan=True)
    else:
        np.testing.assert_array_equal(en, tn)
    return e, t


def _values(dtype):
    if dtype == "bool":
        return np.array([True, False, True])
    if dtype == "uint8":
        return np.array([0, 1, 2, 200], dtype=np.uint8)
    if dtype.startswith("int"):
        return np.array([-3, -1, 0, 1, 2], dtype=dtype)
    return np.array([-2.5, -1.0, -0.3, 0.0, 0.4, 1.0, 3.0], dtype=dtype)


@pytest.mark.parametrize("name", FLOAT_FNS + KEEP_FNS)
def test_dtypes_of_every_input_kind_match_torch(name):
    for dtype in DTYPES:
        run_both(lambda lib, t: getattr(lib, name)(t), _values(dtype))


@pytest.mark.parametrize("name", FLOAT_FNS + KEEP_FNS)
def test_special_values_match_torch(name):
    for dtype in ("float32", "float64"):
        run_both(lambda lib, t: getattr(lib, name)(t), np.array(SPECIAL, dtype=dtype))


@pytest.mark.parametrize("name", [n for n in FLOAT_FNS + KEEP_FNS if n != "positive"])
def test_node_name_and_gradient_at_special_values_match_torch(name):
    """Kinks (abs, relu at 0), poles (log, sqrt, rsqrt at 0), domain edges (acosh at 1...),
    nan and inf: the gradient torch gives, including inf and nan."""
    x = np.array(SPECIAL + [0.9, -0.9, 1e-30], dtype=np.float64)
    grads, names = [], []
    for lib in (ember, torch):
        t = _lib_tensor(lib, x, True)
        y = getattr(lib, name)(t)
        names.append(y.grad_fn.name())
        y.backward(_lib_tensor(lib, np.linspace(0.5, 1.5, x.size)))
        grads.append(_np(t.grad))
    assert names[0] == names[1]
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-300, equal_nan=True)


def test_default_dtype_is_used_for_integer_inputs():
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.exp(ember.tensor([1, 2])).dtype is ember.float64
        assert ember.sigmoid(ember.tensor([True])).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    assert ember.sqrt(ember.tensor([4], dtype=ember.uint8)).dtype is ember.float32


def test_float32_stays_float32():
    x = ember.tensor([0.1, 0.5, 0.9], requires_grad=True)
    for name in FLOAT_FNS + KEEP_FNS:
        y = getattr(ember, name)(x)
        assert y.dtype is ember.float32, name
    assert ember.round(x, decimals=2).dtype is ember.float32
    assert ember.lerp(x, x * 2, ember.tensor(0.5, dtype=ember.float64)).dtype is ember.float32


# -- in-place forms and out= ---------------------------------------------------------------------
def test_inplace_writes_bumps_version_and_records_gradient():
    x = ember.tensor([0.5, 1.0, 2.0], requires_grad=True)
    y = x * 1
    v = y._version
    out = y.exp_()
    assert out is y and y._version == v + 1
    assert y.grad_fn.name() == "ExpBackward0"
    np.testing.assert_allclose(_np(y), np.exp([0.5, 1.0, 2.0]), rtol=1e-6)
    y.sum().backward()
    np.testing.assert_allclose(_np(x.grad), np.exp([0.5, 1.0, 2.0]), rtol=1e-6)


def test_inplace_chain_with_arguments_matches_torch():
    x = np.array([-1.5, -0.2, 0.3, 0.8, 2.2], dtype=np.float32)

    def fn(lib, t):
        y = t * 1
        # (ops that save their output come last: torch refuses to modify it afterwards)
        y.clamp_(min=-1, max=1).sin_().mul_(3).round_(decimals=1).lerp_(t, 0.25)
        return y.clamp_min_(-2).clamp_max_(2).abs_().sigmoid_()

    e, t = run_both(fn, x, requires_grad=True)
    e.sum().backward()
    t.sum().backward()


def test_inplace_on_leaf_that_requires_grad_raises():
    x = ember.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        x.exp_()
    with ember.no_grad():
        x.exp_()  # allowed without recording
    np.testing.assert_allclose(_np(x), [math.e], rtol=1e-6)


def test_inplace_on_integer_tensor_with_float_result_raises_like_torch():
    for name in ("exp_", "sqrt_", "sigmoid_", "sin_", "reciprocal_"):
        run_both(lambda lib, t: getattr(t, name)(), np.array([1, 2]))
    run_both(lambda lib, t: t.clamp_(0.5), np.array([1, 2]))
    run_both(lambda lib, t: t.abs_().neg_().relu_().floor_().square_(), np.array([1, -2]))


def test_saved_tensor_modified_in_place_is_detected():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y.sin()  # saves y
    y.cos_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_out_argument():
    x = np.array([0.5, 1.0], dtype=np.float32)
    run_both(lambda lib, t: lib.exp(t, out=lib.empty(2)), x)
    run_both(lambda lib, t: lib.sqrt(t, out=lib.empty(2, dtype=lib.float64)), x)
    run_both(lambda lib, t: lib.exp(t, out=lib.empty(2, dtype=lib.int64)), x)
    run_both(lambda lib, t: lib.clamp(t, 0, 0.7, out=lib.empty(2)), x)
    run_both(lambda lib, t: lib.round(t, decimals=1, out=lib.empty(2)), x)
    run_both(lambda lib, t: lib.lerp(t, t * 2, 0.5, out=lib.empty(2)), x)
    run_both(lambda lib, t: lib.nan_to_num(t, out=lib.empty(2)), x)
    run_both(lambda lib, t: lib.logit(t, 0.1, out=lib.empty(2)), x)
    run_both(lambda lib, t: lib.exp(t, out=lib.empty(2)), x, requires_grad=True)  # refused
    out = ember.empty(2)
    assert ember.abs(ember.tensor([-1.0, 2.0]), out=out) is out


# -- kinks and ties pinned to torch ------------------------------------------------------------
def _grad_pair(fn, *arrays):
    grads = []
    for lib in (ember, torch):
        ts = [_lib_tensor(lib, a, True) for a in arrays]
        fn(lib, *ts).sum().backward()
        grads.append([_np(t.grad) for t in ts])
    for e, t in zip(*grads):
        np.testing.assert_allclose(e, t, rtol=3e-7 if e.dtype == np.float32 else 1e-14,
                                   atol=0)
    return grads[0]


def test_kinks_pinned_to_torch():
    x = np.array([-1.0, 0.0, -0.0, 1.0], dtype=np.float32)
    assert _grad_pair(lambda lib, t: lib.abs(t), x)[0].tolist() == [-1, 0, 0, 1]
    assert _grad_pair(lambda lib, t: lib.relu(t), x)[0].tolist() == [0, 0, 0, 1]
    assert _grad_pair(lambda lib, t: lib.sign(t), x)[0].tolist() == [0, 0, 0, 0]
    for name in ("floor", "ceil", "round", "trunc"):
        _grad_pair(lambda lib, t: getattr(lib, name)(t), x)
    _grad_pair(lambda lib, t: lib.frac(t), x)


def test_clamp_gradient_at_the_bounds_pinned_to_torch():
    x = np.array([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, np.nan], dtype=np.float32)
    g = _grad_pair(lambda lib, t: lib.clamp(t, -1.0, 1.0), x)[0]
    assert g.tolist() == [0, 1, 1, 1, 1, 1, 0, 0]  # passes where min <= x <= max
    _grad_pair(lambda lib, t: lib.clamp(t, min=-1.0), x)
    _grad_pair(lambda lib, t: lib.clamp(t, max=1.0), x)
    _grad_pair(lambda lib, t: lib.clamp(t, 1.0, -1.0), x)  # min > max: max wins
    _grad_pair(lambda lib, t: lib.clamp(t, 0.5, 0.5), x)
    _grad_pair(lambda lib, t: lib.clamp(t, float("nan"), 1.0), x)
    _grad_pair(lambda lib, t: lib.clamp_min(t, 0.0) + lib.clamp_max(t, 0.0), x)


def test_clamp_tensor_bounds_gradients_with_ties_and_crossed_bounds():
    # every ordering of x, min, max including ties and min > max
    vals = np.array([-1.0, 0.0, 1.0], dtype=np.float32)
    x, lo, hi = (a.ravel() for a in np.meshgrid(vals, vals, vals, indexing="ij"))
    _grad_pair(lambda lib, a, b, c: lib.clamp(a, b, c), x, lo, hi)
    _grad_pair(lambda lib, a, b: lib.clamp(a, min=b), x, lo)
    _grad_pair(lambda lib, a, c: lib.clamp(a, max=c), x, hi)
    _grad_pair(lambda lib, a, b: lib.clamp_min(a, b), x, lo)
    _grad_pair(lambda lib, a, c: lib.clamp_max(a, c), x, hi)
    nan = np.array([np.nan, 0.0, 1.0], dtype=np.float32)
    _grad_pair(lambda lib, a, b, c: lib.clamp(a, b, c), nan, nan[::-1].copy(), vals)


def test_clamp_values_and_dtypes_match_torch():
    f32 = np.array([np.nan, -2.0, 0.5, 3.0], dtype=np.float32)
    ints = np.array([-5, 0, 3, 9])
    for x in (f32, ints, ints.astype(np.uint8), ints.astype(np.int8), np.array([True, False])):
        for lo, hi in ((0, 2), (0.5, None), (None, 2.5), (2, 0), (True, None), (-1, 300),
                       (float("nan"), 1), (None, float("nan")), (2 ** 63, None),
                       (10 ** 40, None), (1e39, None), (True, False)):
            run_both(lambda lib, t: lib.clamp(t, lo, hi), x)
        for lo, hi in ((np.array([0.0, 1.0, 2.0, 3.0]), np.array(2.0)),
                       (np.array([1]), None), (None, np.array([[1], [2]])),
                       (np.array([True, False, True, False]), np.array([True] * 4)),
                       (np.array([np.nan, 0, 0, 0]), None)):
            run_both(lambda lib, t, a, b: lib.clamp(t, a, b), x, lo, hi)


def test_clamp_errors():
    x = np.array([1.0, 2.0], dtype=np.float32)
    for fn in (lambda lib, t: lib.clamp(t),
               lambda lib, t: t.clamp(),
               lambda lib, t: lib.clamp(t, min=lib.zeros(2), max=1.0),
               lambda lib, t: lib.clamp(t, 0, lib.ones(2)),
               lambda lib, t: lib.clamp(t, "a"),
               lambda lib, t: lib.clamp(t, [1.0]),
               lambda lib, t: lib.clamp(t, lib.zeros(3)),
               lambda lib, t: lib.clamp_min(t, None)):
        run_both(fn, x)
    with pytest.raises(RuntimeError, match="At least one of 'min' or 'max'"):
        ember.clamp(ember.tensor([1.0]))


def test_logit_eps_forward_and_gradient_match_torch():
    x = np.array([-0.5, 0.0, 0.05, 0.1, 0.3, 0.5, 0.9, 1.0, 1.5, np.nan], dtype=np.float64)
    for eps in (None, 0.0, 0.1, 0.5, 0.7, -0.3):
        run_both(lambda lib, t: lib.logit(t, eps), x)
        grads = []
        for lib in (ember, torch):
            t = _lib_tensor(lib, x, True)
            lib.logit(t, eps).sum().backward()
            grads.append(_np(t.grad))
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, equal_nan=True)


def test_nan_to_num_defaults_and_arguments_match_torch():
    x = np.array([np.nan, np.inf, -np.inf, 1.5, -2.0])
    for dtype in ("float16", "float32", "float64"):
        xd = x.astype(dtype)
        run_both(lambda lib, t: lib.nan_to_num(t), xd)
        run_both(lambda lib, t: lib.nan_to_num(t, 1.0, 2.0, -3.0), xd)
        run_both(lambda lib, t: lib.nan_to_num(t, nan=1e6, posinf=1e39), xd)
    run_both(lambda lib, t: lib.nan_to_num(t, 1.5), np.array([1, 2]))
    _grad_pair(lambda lib, t: lib.nan_to_num(t), x.astype(np.float32))


def test_round_decimals_match_torch():
    x = np.array([0.5, 1.5, 2.5, -0.5, 1.25, 0.125, 1234.5678, -987.65, 1e-3, np.inf, np.nan])
    for dtype in ("float32", "float64", "float16"):
        for d in (0, 1, 2, 3, -1, -2, -3, 8):
            run_both(lambda lib, t: lib.round(t, decimals=d), x.astype(dtype))
    e, t = run_both(lambda lib, t: lib.round(t, decimals=0), x, requires_grad=True)
    assert e.grad_fn.name() == t.grad_fn.name() == "RoundBackward1"
    e, t = run_both(lambda lib, t: lib.round(t), x, requires_grad=True)
    assert e.grad_fn.name() == "RoundBackward0"
    run_both(lambda lib, t: lib.round(t, decimals=1), np.array([1, 2]))  # NotImplementedError
    run_both(lambda lib, t: lib.round(t, decimals=0), np.array([1, 2]))
    run_both(lambda lib, t: lib.round(t), np.array([1, 2]))


def test_lerp_matches_torch():
    a = np.array([1.0, -2.0, 3.0], dtype=np.float32)
    b = np.array([2.0, 5.0, -1.0], dtype=np.float32)
    for w in (0.0, 0.3, 0.5, 1.0, -1.5, 2, True):
        e, _ = run_both(lambda lib, x, y: lib.lerp(x, y, w), a, b)
    np.testing.assert_array_equal(_np(ember.lerp(ember.tensor(a), ember.tensor(b), 1.0)), b)
    w0d = np.array(0.25, dtype=np.float64)
    run_both(lambda lib, x, y, w: lib.lerp(x, y, w), a, b, w0d)
    run_both(lambda lib, x, y, w: lib.lerp(x, y, w), a, b, np.array(1))
    run_both(lambda lib, x, y, w: lib.lerp(x, y, w), a, b, np.array([0.2, 0.6, 1.0]))
    run_both(lambda lib, x, y: lib.lerp(x, y, 0.5), a, b.astype(np.float64))
    run_both(lambda lib, x, y: lib.lerp(x, y, 0.5), a.astype(np.int64), b.astype(np.int64))
    run_both(lambda lib, x, y, w: lib.lerp(x, y, w), a.astype(np.int64), b.astype(np.int64),
             np.array([1, 2, 3]))
    run_both(lambda lib, x: lib.lerp(x, 3.0, 0.5), a)
    run_both(lambda lib, x, y: lib.lerp(x, y, 0.5), a, np.ones(4, dtype=np.float32))
    run_both(lambda lib, x, y: x.lerp_(y, 0.5), a, np.ones((2, 3), dtype=np.float32))
    # gradient into a 0-d float64 weight from float32 tensors
    grads = []
    for lib in (ember, torch):
        x, y = _lib_tensor(lib, a, True), _lib_tensor(lib, b, True)
        w = _lib_tensor(lib, w0d, True)
        out = lib.lerp(x, y, w)
        assert out.grad_fn.name() == "LerpBackward1"
        out.sum().backward()
        grads.append([_np(x.grad), _np(y.grad), _np(w.grad)])
    for e, t in zip(*grads):
        assert e.dtype == t.dtype
        np.testing.assert_allclose(e, t, rtol=1e-6)


# -- errors --------------------------------------------------------------------------------------
def test_unsupported_dtypes_raise_like_torch():
    b = np.array([True, False])
    for name in ("abs", "neg", "relu", "floor", "ceil", "trunc", "round", "frac", "positive"):
        run_both(lambda lib, t: getattr(lib, name)(t), b)
    run_both(lambda lib, t: lib.frac(t), np.array([1, 2]))
    run_both(lambda lib, t: lib.sign(t), np.array([1 + 1j]))
    with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
        ember.relu(ember.tensor([True]))


def test_non_tensor_input_raises_type_error():
    for name in ("exp", "abs", "clamp", "lerp", "round", "logit", "nan_to_num", "positive"):
        with pytest.raises(TypeError, match="must be Tensor"):
            getattr(ember, name)([1.0, 2.0], *((1.0,) * (name == "lerp")) * 2)


def test_complex_gradient_is_refused_not_wrong():
    z = ember.tensor([1 + 1j], requires_grad=True)
    y = ember.exp(z)
    with pytest.raises(NotImplementedError, match="complex"):
        y.backward(ember.tensor([1 + 0j]))


def test_positive_returns_its_input():
    x = ember.tensor([1.0, -2.0], requires_grad=True)
    assert ember.positive(x) is x and x.positive() is x


# -- numerics -----------------------------------------------------------------------------------
def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # NumPy floating-point warnings would fail the test
        return fn()


def test_no_numpy_warnings_where_torch_is_silent():
    x = ember.tensor([-1e4, -100.0, -1.0, 0.0, 1.0, 100.0, 1e4, float("nan"), float("inf")])
    for name in FLOAT_FNS + KEEP_FNS:
        _quiet(lambda: getattr(ember, name)(x))
    _quiet(lambda: ember.round(x, decimals=40))
    np.testing.assert_allclose(_np(_quiet(lambda: ember.sigmoid(x)))[:7],
                               torch.sigmoid(torch.tensor(_np(x)[:7])).numpy(), rtol=2e-7)


def test_sigmoid_tanh_extremes_match_torch():
    for dtype in ("float32", "float64"):
        x = np.array([-1000, -745, -100, -88, -20, 0, 20, 40, 100, 1000], dtype=dtype)
        for name in ("sigmoid", "tanh", "exp", "expm1", "log1p"):
            run_both(lambda lib, t: getattr(lib, name)(t), x)
        _grad_pair(lambda lib, t: lib.sigmoid(t), x)


def test_erf_erfc_accuracy_against_torch():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-6, 6, 4000), rng.uniform(-0.6, 0.6, 1000),
                        np.linspace(-27, 27, 1001), 10.0 ** rng.uniform(-300, 0, 200),
                        -(10.0 ** rng.uniform(-300, 0, 200)), [0.5, -0.5, 0.0, -0.0]])
    for name in ("erf", "erfc"):
        e = _np(getattr(ember, name)(ember.tensor(x)))
        t = getattr(torch, name)(torch.from_numpy(x)).numpy()
        # 4 ulp relative; erfc's tail below 1e-300 loses digits as a subnormal
        np.testing.assert_allclose(e, t, rtol=1e-15, atol=1e-305)
        x32 = x.astype(np.float32)
        e32 = _np(getattr(ember, name)(ember.tensor(x32)))
        t32 = getattr(torch, name)(torch.from_numpy(x32)).numpy()
        assert e32.dtype == np.float32
        np.testing.assert_allclose(e32, t32, rtol=3e-7, atol=1e-40)


def test_erfinv_accuracy_against_torch():
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.uniform(-1, 1, 4000), 1 - 10.0 ** rng.uniform(-16, -1, 500),
                        -1 + 10.0 ** rng.uniform(-16, -1, 500), 10.0 ** rng.uniform(-300, 0, 200),
                        [1 - 2 ** -53, -1 + 2 ** -53, 0.5, -0.5, 0.0]])
    e = _np(ember.erfinv(ember.tensor(x)))
    t = torch.erfinv(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(e, t, rtol=2e-15, atol=0)
    x32 = x.astype(np.float32)
    np.testing.assert_allclose(_np(ember.erfinv(ember.tensor(x32))),
                               torch.erfinv(torch.from_numpy(x32)).numpy(), rtol=5e-7)
    # erf(erfinv(x)) round-trips
    np.testing.assert_allclose(_np(ember.erf(ember.erfinv(ember.tensor(x)))), x, rtol=1e-15)

"""Behaviour of the binary family beyond the op table: node names, errors, in-place semantics,
out=, kinks and ties, integer division by zero, no NumPy warnings. torch is the oracle."""
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.ops.binary import full_like_scalar


def _both(expr, **arrays):
    """Evaluate ``expr`` with lib=torch and lib=ember; the arrays become each lib's tensors
    (float ones requiring grad)."""
    out = []
    for lib in (torch, ember):
        env = {"lib": lib}
        for k, v in arrays.items():
            t = lib.tensor(v)
            if t.dtype.is_floating_point:
                t.requires_grad_(True)
            env[k] = t
        out.append(eval(expr, env))
    return out


X = np.array([1.5, -2.5, 3.0], np.float32)
I = np.array([5, -7, 0])

NODE_EXPRS = [
    "x + y", "x + 2", "2 + x", "x - y", "x - 2", "2 - x", "lib.rsub(x, y)", "lib.rsub(x, 2)",
    "lib.sub(2, x)", "x * y", "x * 2", "x / y", "x / 2", "lib.div(2, x)",
    "lib.div(x, y, rounding_mode='floor')", "lib.div(x, 2, rounding_mode='trunc')", "x // y",
    "x // 2", "x % y", "x % 2", "lib.remainder(2, x)", "lib.remainder(x, lib.tensor(2.))",
    "lib.fmod(x, y)", "lib.fmod(x, 2.)", "x ** 2", "x ** y", "2 ** x", "x ** lib.tensor(2.)",
    "lib.tensor(2.) ** x",
    "lib.float_power(x, 2)", "lib.float_power(2, x)", "lib.float_power(x, y)",
    "lib.maximum(x, y)", "lib.minimum(x, y)", "lib.fmax(x, y)", "lib.fmin(x, y)",
    "lib.atan2(x, y)", "lib.arctan2(x, y)", "lib.hypot(x, y)", "lib.copysign(x, y)",
    "lib.copysign(x, -1)", "lib.xlogy(x, y)", "lib.xlogy(x, 2)", "lib.xlogy(2, y)",
    "lib.addcmul(x, x, y)", "lib.addcdiv(x, x, y, value=2)", "lib.add(x, y, alpha=2)",
    "x.clone().add_(1)", "x.clone().mul_(y)", "x.clone().pow_(2)", "x.clone().remainder_(2)",
    "x.clone().floor_divide_(2)", "x.clone().copysign_(-1)", "x.clone().xlogy_(2)",
    "x.clone().hypot_(y)", "x.clone().fmod_(y)", "x.clone().addcmul_(x, y)",
    "x.clone().eq_(0)", "x.clone().lt_(y)", "x.clone().logical_not_()",
]


@pytest.mark.parametrize("expr", NODE_EXPRS)
def test_node_names_match_torch(expr):
    t, e = _both(expr, x=X, y=np.array([2.0, 0.5, -1.0], np.float32))
    assert e.grad_fn is not None and t.grad_fn is not None
    assert e.grad_fn.name() == t.grad_fn.name()
    assert e.dtype.name == str(t.dtype).replace("torch.", "")


def test_next_functions_of_scalar_operand():
    x = ember.tensor([1.0], requires_grad=True)
    (a, _), (b, _) = (x * 2).grad_fn.next_functions
    assert type(a).__name__ == "AccumulateGrad" and b is None


# -- errors: type and message as torch's --------------------------------------------------------
ERROR_EXPRS = [
    "b - b", "x - True", "b - 1", "1 - b", "lib.rsub(x, True)", "lib.add(i, 2, alpha=2.5)",
    "lib.sub(i, 1, alpha=True)", "lib.add(x, x, alpha=1j)", "i ** -1", "lib.pow(b, b)",
    "lib.pow(True, b)", "lib.tensor([2], dtype=lib.uint8) ** 300", "i // lib.tensor([1, 0, 2])",
    "i % 0", "lib.fmod(i, 0)", "lib.div(i, 0, rounding_mode='trunc')", "lib.floor_divide(2, i)",
    "lib.div(x, 2, rounding_mode='round')", "lib.div(b, b, rounding_mode='floor')", "b % b",
    "lib.hypot(i, i)", "lib.hypot(b, b)", "x & x", "lib.bitwise_not(x)", "x << 1",
    "b << b", "lib.bitwise_and(i, 1.5)", "lib.lt(x, 1 + 2j)", "lib.isclose(i, x)",
    "lib.isclose(x, x, rtol=-1)", "lib.isclose(x, x, atol=-1)", "lib.allclose(x, lib.ones(2))",
    "lib.ones(2, 3) + lib.ones(4)", "lib.ones(2, 3) + lib.ones(3, 1, 4)",
    "lib.addcmul(lib.ones(3), lib.ones(2, 1), lib.ones(4))", "lib.addcdiv(x, i, i)",
    "lib.maximum(x, lib.ones(2))", "lib.isposinf(lib.tensor([1j]))",
    "i.clone().add_(1.5)", "i.clone().div_(2)", "b.clone().add_(1)", "i.clone().mul_(x)",
    "x.clone().add_(lib.ones(2, 3))", "lib.ones(1).add_(lib.ones(3))",
    "lib.ones(1).mul_(lib.ones(3))", "lib.ones(3).addcmul_(lib.ones(2, 3), lib.ones(3))",
    "lib.add(x, x, out=lib.empty(3, dtype=lib.int64))",
    "lib.float_power(x, 2, out=lib.empty(3))", "x.detach().float_power_(2)",
    "lib.ones(3, requires_grad=True).add_(1)", "lib.add(x, 1, out=lib.empty(3))",
    "lib.ones(3).sub_(True)", "lib.ones(3).sub_(b)",
    "lib.zeros(1, 3).expand(2, 3).add_(1)", "lib.zeros(1, 3).expand(2, 3).mul_(x.detach())",
]
TYPE_ONLY = {  # torch's message names its overload list; ember says which argument is wrong
    "lib.maximum(x, 2)", "lib.atan2(2, x)", "lib.fmax(x, 2)", "lib.logical_and(x, 2.5)",
    "lib.eq(2, x)", "lib.fmod(2, x)", "lib.add(x, 'a')", "lib.pow(x, 'a')",
    "lib.add(x, 2, alpha='a')", "lib.equal(x, 2)", "lib.isclose(x, 2)", "lib.copysign(2, x)",
    "lib.remainder(x, None)", "lib.bitwise_and(x.detach(), [1])", "lib.addcmul(x, 2, x)",
}


def _raise(expr):
    out = []
    for lib in (torch, ember):
        env = {"lib": lib, "x": lib.tensor(X, requires_grad=True), "i": lib.tensor(I),
               "b": lib.tensor([True, False, True])}
        try:
            eval(expr, env)
        except Exception as exc:  # noqa: BLE001 - comparing exception types is the point
            out.append(exc)
        else:
            out.append(None)
    return out


@pytest.mark.parametrize("expr", ERROR_EXPRS)
def test_error_type_and_message_match_torch(expr):
    t, e = _raise(expr)
    assert t is not None, "torch did not raise (test bug)"
    assert type(e) is type(t), f"ember raised {e!r}, torch {t!r}"
    if "out=" in expr:  # torch prefixes the op's name
        assert str(t).endswith(str(e)), (str(e), str(t))
    else:
        assert str(e) == str(t)


@pytest.mark.parametrize("expr", sorted(TYPE_ONLY))
def test_error_type_matches_torch(expr):
    t, e = _raise(expr)
    assert t is not None, "torch did not raise (test bug)"
    assert type(e) is type(t), f"ember raised {e!r}, torch {t!r}"


def test_integer_division_by_zero_raises_zerodivisionerror_like_torch():
    i = ember.tensor([5, 6])
    for fn in (lambda: i // 0, lambda: i % ember.tensor([1, 0]), lambda: ember.fmod(i, 0),
               lambda: ember.div(i, 0, rounding_mode="floor"), lambda: 1 // ember.tensor([0])):
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            fn()
    # float and true division give inf/nan, as in torch
    assert ember.div(i, 0).tolist() == [float("inf")] * 2
    assert np.isnan((ember.tensor([1.0]) % 0).item())


def test_no_derivative_nodes_raise_on_backward():
    x = ember.tensor([1.5, 2.5], requires_grad=True)
    y = x // 2
    assert y.requires_grad and repr(y.grad_fn).startswith("<NotImplemented object")
    with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
        y.sum().backward()
    with pytest.raises(RuntimeError, match="derivative for aten::remainder is not implemented"):
        ember.remainder(2, x).sum().backward()
    # rounding division is differentiable with a zero gradient (DivBackward2)
    ember.div(x, 2, rounding_mode="floor").sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]


# -- kinks and ties pinned to torch -------------------------------------------------------------
def _grads(expr, **arrays):
    outs = []
    for lib in (torch, ember):
        ts = {k: lib.tensor(v, requires_grad=True) for k, v in arrays.items()}
        y = eval(expr, {"lib": lib, **ts})
        y.sum().backward()
        outs.append([ts[k].grad.numpy() if ts[k].grad is not None else None for k in arrays])
    return outs


@pytest.mark.parametrize("fn", ["maximum", "minimum", "fmax", "fmin"])
def test_tie_gradients_match_torch(fn):
    a = np.array([1.0, 2.0, 3.0, np.nan, 2.0], np.float32)
    b = np.array([1.0, 1.0, 4.0, 1.0, np.nan], np.float32)
    t, e = _grads(f"lib.{fn}(a, b)", a=a, b=b)
    np.testing.assert_array_equal(e[0], t[0])
    np.testing.assert_array_equal(e[1], t[1])


def test_maximum_tie_splits_gradient_in_halves():
    a = ember.tensor([2.0], requires_grad=True)
    b = ember.tensor([2.0], requires_grad=True)
    ember.maximum(a, b).backward()
    assert a.grad.item() == 0.5 and b.grad.item() == 0.5


@pytest.mark.parametrize("expr", ["x ** 2", "x ** 0", "x ** 1", "x ** 0.5", "x ** -1",
                                  "x ** 3", "x ** e", "lib.pow(0., e)", "lib.pow(2., e)",
                                  "lib.pow(-2., e)", "lib.xlogy(x, e)", "lib.copysign(x, e)",
                                  "lib.hypot(x, x)", "lib.atan2(x, x)",
                                  "lib.remainder(x, e)", "lib.fmod(x, e)"])
def test_gradients_at_zero_match_torch(expr):
    x = np.array([0.0, 0.0, 1.0, -1.0, 2.0], np.float32)
    e = np.array([0.0, 1.0, -1.0, 2.0, 0.5], np.float32)
    (tx, te), (ex, ee) = _grads(expr, x=x, e=e)
    for g_e, g_t in ((ex, tx), (ee, te)):
        if g_t is None:
            assert g_e is None or not np.any(g_e)
        else:
            np.testing.assert_allclose(g_e, g_t, rtol=1e-6, equal_nan=True)


def test_remainder_and_fmod_signs():
    a = ember.tensor([-3.0, 3.0, -3.0, 3.0, -0.0, 5.0])
    b = ember.tensor([2.0, -2.0, -2.0, 2.0, 2.0, -5.0])
    r = ember.remainder(a, b)
    assert r.tolist() == [1.0, -1.0, -1.0, 1.0, 0.0, 0.0]
    assert np.signbit(r.numpy()).tolist() == [False, True, True, False, True, False]  # torch's
    assert ember.fmod(a, b).tolist() == [-1.0, 1.0, -1.0, 1.0, 0.0, 0.0]
    assert (ember.tensor([-7, 7]) % 3).tolist() == [2, 1]
    assert ember.fmod(ember.tensor([-7, 7]), 3).tolist() == [-1, 1]
    assert ember.remainder(ember.tensor([-1e-20]), 2.0).item() == 2.0  # float32 rounding


def test_integer_pow_rules():
    assert (ember.tensor([-1, 1, 0, 2, -2]) ** ember.tensor([-3, -3, -1, -1, -2])).tolist() == \
        [-1, 1, 0, 0, 0]
    assert ember.pow(2, ember.tensor([-1, 2])).tolist() == [0, 4]
    assert (ember.tensor([3]) ** 40).item() == (torch.tensor([3]) ** 40).item()  # wraps
    assert (ember.tensor([0.0]) ** 0).item() == 1.0
    assert (ember.tensor([True, False]) ** True).dtype is ember.bool


# -- in-place semantics -------------------------------------------------------------------------
def test_inplace_returns_self_bumps_version_and_updates_views():
    x = ember.zeros(2, 3)
    v = x.detach()  # shares memory and the version counter
    ver = x._version
    assert x.add_(1) is x and x._version == ver + 1 and v._version == x._version
    y = x
    y += 2
    assert y is x and x.tolist() == [[3.0] * 3] * 2
    x.mul_(ember.tensor([1.0, 2.0, 3.0]))
    assert v.tolist() == [[3.0, 6.0, 9.0]] * 2
    x.addcdiv_(x, ember.tensor(3.0), value=2)
    assert v.tolist() == [[5.0, 10.0, 15.0]] * 2


def test_inplace_fast_path_under_no_grad_matches_torch_optimizer_steps():
    rng = np.random.default_rng(0)
    p0, g0 = rng.standard_normal((2, 5)).astype(np.float32)
    res = []
    for lib in (torch, ember):
        p = lib.tensor(p0, requires_grad=True)
        g = lib.tensor(g0)
        m, v = lib.zeros(5), lib.zeros(5)
        with lib.no_grad():
            for _ in range(3):
                p.add_(g, alpha=-0.1)
                p -= 0.01 * g
                m.mul_(0.9).add_(g, alpha=0.1)
                v.mul_(0.999).addcmul_(g, g, value=0.001)
                p.addcdiv_(m, v + 1e-3, value=-0.01)
                p.div_(1.01)
                p.sub_(0.5 * p, alpha=0.01)
        assert p.grad_fn is None and p.requires_grad and p.is_leaf
        res.append(p.detach().numpy())
    np.testing.assert_allclose(res[1], res[0], rtol=1e-6, atol=1e-7)


def test_inplace_with_mixed_dtypes_casts_into_self():
    for lib in (torch, ember):
        f = lib.tensor([1.5, 2.5])
        f.add_(lib.tensor([1, 2]))
        f.mul_(lib.tensor(2.0, dtype=lib.float64))
        assert f.dtype == lib.float32 and f.tolist() == [5.0, 9.0]
        u = lib.tensor([250, 3], dtype=lib.uint8)
        u.add_(lib.tensor([10, 1]))  # int64 result cast (wrapping) into uint8
        assert u.tolist() == [4, 4]
        i = lib.tensor([7, -7])
        i.floor_divide_(2)
        assert i.tolist() == [3, -4]
        i.lt_(0)
        assert i.tolist() == [0, 1] and i.dtype == lib.int64


def test_inplace_records_graph_when_grad_needed():
    for lib in (torch, ember):
        x = lib.tensor([1.0, 2.0], requires_grad=True)
        y = x * 1
        y.add_(x, alpha=3)
        y.mul_(x)
        y.addcmul_(x, x, value=0.5)
        y.sum().backward()
        assert x.grad.tolist() == [9.0, 18.0]  # y = 4.5 x**2
        assert y.grad_fn.name() == "AddcmulBackward0"


def test_inplace_on_leaf_requiring_grad_raises():
    x = ember.ones(2, requires_grad=True)
    for fn in (lambda: x.add_(1), lambda: x.mul_(2), lambda: x.div_(2), lambda: x.sub_(x),
               lambda: x.addcmul_(x, x), lambda: x.pow_(2)):
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            fn()
    with ember.no_grad():
        x.add_(1)
    assert x.tolist() == [2.0, 2.0] and x.grad_fn is None


def test_saved_tensor_modified_in_place_is_detected():
    x = ember.tensor([1.0, 2.0], requires_grad=True)
    a = x * 1
    y = a * a
    with ember.no_grad():
        a.add_(1)  # the fast path still bumps the version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_inplace_comparison_records_zero_gradient_like_torch():
    t, e = _both("x * 1", x=X)
    for y, lib in ((t, torch), (e, ember)):
        y.eq_(lib.tensor(1.5))
        assert y.grad_fn.name() == "EqBackward1"
    e.sum().backward()


# -- out= ---------------------------------------------------------------------------------------
def test_out_argument():
    for lib in (torch, ember):
        out = lib.empty(3)
        r = lib.add(lib.tensor([1, 2, 3]), 1, out=out)
        assert r is out and out.tolist() == [2.0, 3.0, 4.0]
        out = lib.empty(3, dtype=lib.int32)
        lib.lt(lib.tensor([1.0, 2.0, 3.0]), 2, out=out)
        assert out.tolist() == [1, 0, 0] and out.dtype == lib.int32
        with lib.no_grad():
            lib.mul(lib.ones(3, requires_grad=True), 2, out=lib.empty(3))
        out = lib.empty(0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            lib.div(lib.ones(2, 2), 2, out=out)
        assert tuple(out.shape) == (2, 2)


# -- misc ---------------------------------------------------------------------------------------
def test_no_numpy_warnings_from_special_values():
    x = ember.tensor([0.0, 1.0, -1.0, np.inf, np.nan])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for fn in (lambda: x / 0, lambda: x // 0, lambda: x % 0, lambda: ember.fmod(x, 0.0),
                   lambda: x ** -1, lambda: x ** 0.5, lambda: ember.pow(0.0, x),
                   lambda: ember.xlogy(x, x), lambda: ember.atan2(x, x),
                   lambda: ember.hypot(x, x), lambda: ember.isclose(x, x),
                   lambda: ember.div(x, 0, rounding_mode="trunc"), lambda: ember.addcdiv(x, x, x),
                   lambda: ember.tensor([-2 ** 63]) // -1):
            fn()


def test_comparisons_return_tensors_and_python_bools():
    x = ember.tensor([1.0, 2.0])
    assert isinstance(x == 1, ember.Tensor) and (x == 1).dtype is ember.bool
    assert isinstance(x == x, ember.Tensor)
    assert ember.equal(x, x) is True and ember.equal(x, ember.tensor([1.0])) is False
    assert ember.allclose(x, x + 1e-9) is True
    assert (x > 1).requires_grad is False
    assert ember.isnan(ember.tensor([1, 2])).tolist() == [False, False]


def test_full_like_scalar():
    x = ember.tensor([1, 2], dtype=ember.int32)
    s = full_like_scalar(x, 7)
    assert s.dim() == 0 and s.dtype is ember.int32 and s.item() == 7
    assert full_like_scalar(x, 2.5).dtype is ember.float32
    assert full_like_scalar(ember.ones(2, dtype=ember.float64), 2).dtype is ember.float64
    assert (7 // x).tolist() == [7, 3] and (7 % x).tolist() == [0, 1]
    with pytest.raises(TypeError):
        full_like_scalar(x, "a")


def test_shifts_and_bitwise_edge_cases():
    i = ember.tensor([5, -7, 0, -1])
    assert ember.bitwise_left_shift(i, 64).tolist() == [0, 0, 0, 0]
    assert ember.bitwise_right_shift(i, 70).tolist() == [0, -1, 0, -1]
    assert ember.bitwise_right_shift(i, -1).tolist() == [0, -1, 0, -1]
    u = ember.tensor([200], dtype=ember.uint8)
    assert (u >> 9).tolist() == [0] and (u << 1).tolist() == [144]
    assert (ember.tensor([True, False]) & True).dtype is ember.bool


def test_add_same_dtype_path_is_lean():
    # guards the hot path's shape: no dtype casts, no copies of the operands
    x, y = ember.ones(64), ember.ones(64)
    z = x + y
    assert z.dtype is ember.float32 and z._data.base is None
    assert not np.shares_memory(z._data, x._data)

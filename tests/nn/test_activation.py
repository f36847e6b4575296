"""Activations, softmax & co, normalize/cosine_similarity/one_hot against torch: values, dtypes,
gradients, node names, kinks, errors, in-place forms and the modules' repr."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F
from ember.testing import gradcheck, gradgradcheck
from tests.nn.module_check import check_module

ACTS = ["relu", "relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish", "sigmoid",
        "tanh", "softplus", "hardtanh", "hardswish", "hardsigmoid", "logsigmoid", "softsign",
        "tanhshrink", "hardshrink", "softshrink"]
WITH_ARGS = [("leaky_relu", (0.2,), {}), ("elu", (0.7,), {}), ("celu", (1.5,), {}),
             ("gelu", (), {"approximate": "tanh"}), ("softplus", (2.0, 3.0), {}),
             ("hardtanh", (-0.5, 2.0), {}), ("threshold", (0.3, -2.0), {}),
             ("hardshrink", (1.0,), {}), ("softshrink", (1.0,), {}), ("glu", (0,), {}),
             ("softmax", (0,), {}), ("softmax", (-1,), {}), ("log_softmax", (0,), {}),
             ("log_softmax", (1,), {}), ("softmin", (1,), {}), ("normalize", (), {}),
             ("normalize", (1.0, 0), {})]


def _np(t):
    return t.detach().numpy()


def both(fn, *arrays, grad=True, tol=None, node=True):
    """fn(lib, *tensors) for ember and torch: same dtype, shape, values, grad_fn name and input
    gradients (for a random cotangent). Returns the two outputs."""
    outs, ins = [], []
    for lib in (ember, torch):
        ts = [(torch.from_numpy(a.copy()) if lib is torch else ember.tensor(a)) for a in arrays]
        if grad:
            ts = [t.requires_grad_() if a.dtype.kind == "f" else t for a, t in zip(arrays, ts)]
        ins.append(ts)
        outs.append(fn(lib, *ts))
    e, t = outs
    assert repr(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    dt = _np(t).dtype
    rtol = tol or (1e-5 if dt == np.float32 else 1e-12)
    np.testing.assert_allclose(_np(e), _np(t), rtol=rtol, atol=rtol, equal_nan=True)
    if not grad or not t.requires_grad:
        return e, t
    assert not node or e.grad_fn.name() == t.grad_fn.name()
    cot = np.random.default_rng(1).standard_normal(tuple(t.shape)).astype(dt)
    tg = torch.autograd.grad(t, [x for x in ins[1] if x.requires_grad], torch.from_numpy(cot))
    eg = ember.autograd.grad(e, [x for x in ins[0] if x.requires_grad], ember.tensor(cot))
    for a, b in zip(eg, tg):
        np.testing.assert_allclose(_np(a), _np(b), rtol=rtol * 10, atol=rtol * 10,
                                   equal_nan=True)
    return e, t


def _x(dtype, shape=(4, 6), scale=3.0, seed=0):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ACTS)
def test_activation_matches_torch(name, dtype):
    both(lambda lib, x: getattr(lib.nn.functional, name)(x), _x(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,args,kw", WITH_ARGS)
def test_activation_arguments_match_torch(name, args, kw, dtype):
    both(lambda lib, x: getattr(lib.nn.functional, name)(x, *args, **kw), _x(dtype))


@pytest.mark.parametrize("name,args", [("relu6", ()), ("hardtanh", ()), ("leaky_relu", ()),
                                       ("relu", ()), ("hardswish", ()), ("hardsigmoid", ()),
                                       ("threshold", (1.0, 5.0)), ("elu", ()), ("celu", ()),
                                       ("hardshrink", ()), ("softshrink", ()), ("selu", ()),
                                       ("softplus", (1.0, 2.0)), ("logsigmoid", ())])
def test_kinks_pinned_to_torch(name, args):
    pts = np.array([-6.0, -3.0, -1.0, -0.5, -0.0, 0.0, 0.5, 1.0, 2.0, 3.0, 6.0, 7.0, np.nan,
                    np.inf, -np.inf], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both(lambda lib, x: getattr(lib.nn.functional, name)(x, *args), pts)


def test_special_values_of_gradient_pinned():
    x = ember.tensor([0.0, 6.0, -1.0, 1.0, -3.0, 3.0], requires_grad=True)
    F.relu6(x[:2]).sum().backward()
    assert x.grad.tolist()[:2] == [0.0, 0.0]
    x.grad = None
    F.hardtanh(x[2:4]).sum().backward()
    assert x.grad.tolist()[2:4] == [0.0, 0.0]
    x.grad = None
    F.leaky_relu(x[:1], 0.1).sum().backward()
    assert x.grad.tolist()[0] == pytest.approx(0.1)
    x.grad = None
    F.hardswish(x[4:]).sum().backward()
    assert x.grad.tolist()[4:] == [0.0, 1.0]


@pytest.mark.parametrize("name,args,kw", [(n, (), {}) for n in ACTS] + WITH_ARGS
                         + [("prelu", None, {})])
def test_gradcheck_float64(name, args, kw):
    x = ember.tensor(_x("float64", (3, 4), 2.0, seed=3), requires_grad=True)
    if name == "prelu":
        w = ember.tensor([0.1, 0.2, -0.3, 0.4], dtype=ember.float64, requires_grad=True)
        assert gradcheck(lambda a, b: F.prelu(a, b), (x, w))
        return
    if name in ("glu",):
        args = (1,)
    assert gradcheck(lambda a: getattr(F, name)(a, *args, **kw), (x,))


@pytest.mark.parametrize("name,kw", [("softmax", {"dim": 1}), ("log_softmax", {"dim": 0}),
                                     ("softmin", {"dim": 1}), ("gelu", {}),
                                     ("gelu", {"approximate": "tanh"}), ("silu", {}),
                                     ("elu", {}), ("selu", {}), ("softplus", {}), ("mish", {}),
                                     ("logsigmoid", {}), ("leaky_relu", {}), ("hardswish", {}),
                                     ("glu", {}), ("normalize", {}), ("hardtanh", {})])
def test_gradgradcheck(name, kw):
    x = ember.tensor(_x("float64", (3, 4), 1.5, seed=5), requires_grad=True)
    assert gradgradcheck(lambda a: getattr(F, name)(a, **kw), (x,))


def test_prelu_gradgradcheck_and_shapes():
    x = ember.tensor(_x("float64", (2, 3, 4), 1.5), requires_grad=True)
    w = ember.tensor([0.1, 0.2, 0.3], dtype=ember.float64, requires_grad=True)
    assert gradgradcheck(lambda a, b: F.prelu(a, b), (x, w))
    for xs, ws in [((3,), (1,)), ((2, 3), (1,)), ((2, 3), ()), ((2, 3, 4), (3,)), ((), (1,)),
                   ((), ())]:
        both(lambda lib, a, b: lib.nn.functional.prelu(a, b), _x("float32", xs),
             np.full(ws, 0.25, np.float32))


def test_softmax_family_extremes_and_shapes():
    big = np.array([[1e4, 0.0, -1e4], [-np.inf, 0.0, 1.0], [5.0, 5.0, 5.0]], np.float32)
    for name in ("softmax", "log_softmax", "softmin"):
        e, _ = both(lambda lib, x: getattr(lib.nn.functional, name)(x, 1), big)
        assert not np.isnan(_np(e)[0]).any()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for row in ([-np.inf, -np.inf], [np.inf, 1.0]):
            both(lambda lib, x: lib.nn.functional.softmax(x, 0), np.array(row, np.float32),
                 grad=False)
            both(lambda lib, x: lib.nn.functional.log_softmax(x, 0), np.array(row, np.float32),
                 grad=False)
    wide = _x("float32", (64, 10))   # large enough for the transposed fast path
    wide[3] = -np.inf
    wide[5, 2] = np.inf
    wide[7] *= 1e4
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("softmax", "log_softmax"):
            both(lambda lib, x: getattr(lib.nn.functional, name)(x, -1), wide, grad=False)
    both(lambda lib, x: lib.nn.functional.softmax(x, 0), np.array(3.0, np.float32))
    both(lambda lib, x: lib.nn.functional.log_softmax(x, -1), np.array(3.0, np.float64))
    both(lambda lib, x: lib.nn.functional.softmax(x, 1), np.zeros((0, 3), np.float32))
    for shape, dim in [((2, 3, 4, 5), 1), ((2, 3, 4, 5), -1), ((64, 10), 1), ((300, 7), -1),
                       ((5, 2, 6), 2)]:
        for name in ("softmax", "log_softmax"):
            both(lambda lib, x: getattr(lib.nn.functional, name)(x, dim), _x("float32", shape))


def test_softmax_dtype_argument_and_methods():
    x = _x("float32", (3, 4))
    both(lambda lib, t: lib.nn.functional.softmax(t, 1, dtype=lib.float64), x)
    both(lambda lib, t: lib.nn.functional.log_softmax(t, 0, dtype=lib.float64), x)
    both(lambda lib, t: lib.nn.functional.softmax(t, 1, dtype=lib.float32),
         np.arange(6).reshape(2, 3), grad=False)
    from ember.nn.functional.softmax import tensor_log_softmax, tensor_softmax
    e = ember.tensor(x)
    np.testing.assert_allclose(_np(tensor_softmax(e, 1)), _np(torch.tensor(x).softmax(1)),
                               rtol=1e-6)
    np.testing.assert_allclose(_np(tensor_log_softmax(e, -1, ember.float64)),
                               _np(torch.tensor(x).log_softmax(-1, torch.float64)), rtol=1e-12)
    with pytest.raises(TypeError):
        tensor_softmax(e, None)


def test_implicit_softmax_dim_warns_like_torch():
    for shape, dim in [((3,), 0), ((2, 3), 1), ((2, 3, 4), 0), ((2, 3, 4, 5), 1)]:
        x = _x("float32", shape)
        with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
            e = F.softmax(ember.tensor(x))
        np.testing.assert_allclose(_np(e), _np(TF.softmax(torch.tensor(x), dim)), rtol=1e-6)
    with pytest.warns(UserWarning, match="Implicit dimension choice for log_softmax"):
        F.log_softmax(ember.ones(2, 3))
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmin"):
        ember.nn.Softmin()(ember.ones(2, 3))


def _same_error(fn, *arrays):
    errs = []
    for lib in (ember, torch):
        ts = [(torch.from_numpy(a.copy()) if lib is torch else ember.tensor(a)) for a in arrays]
        with pytest.raises(Exception) as info:
            fn(lib, *ts)
        errs.append(info.value)
    assert type(errs[0]) is type(errs[1]), errs
    assert str(errs[0]) == str(errs[1]), errs


@pytest.mark.parametrize("name", ["leaky_relu", "elu", "selu", "celu", "gelu", "silu", "mish",
                                  "softplus", "hardswish", "hardsigmoid", "logsigmoid",
                                  "hardshrink", "softshrink"])
def test_integer_inputs_refused_like_torch(name):
    _same_error(lambda lib, x: getattr(lib.nn.functional, name)(x), np.array([-2, 0, 3]))


def test_integer_inputs_accepted_like_torch():
    for name, args in [("relu", ()), ("relu6", ()), ("hardtanh", ()), ("threshold", (0.5, 1.0)),
                       ("sigmoid", ()), ("tanh", ()), ("softsign", ())]:
        both(lambda lib, x: getattr(lib.nn.functional, name)(x, *args), np.array([-2, 0, 3, 9]),
             grad=False)


def test_errors_match_torch():
    x = _x("float32", (2, 3))
    _same_error(lambda lib, t: lib.nn.functional.gelu(t, approximate="foo"), x)
    _same_error(lambda lib, t: lib.nn.functional.hardtanh(t, 2.0, 1.0), x)
    _same_error(lambda lib, t: lib.nn.functional.celu(t, 0.0), x)
    _same_error(lambda lib, t, w: lib.nn.functional.prelu(t, w), x, np.ones(4, np.float32))
    _same_error(lambda lib, t, w: lib.nn.functional.prelu(t, w), x, np.ones((3, 1), np.float32))
    _same_error(lambda lib, t, w: lib.nn.functional.prelu(t, w), np.array(1.0, np.float32),
                np.ones(3, np.float32))
    _same_error(lambda lib, t, w: lib.nn.functional.prelu(t, w), x, np.ones(3))
    _same_error(lambda lib, t: lib.nn.functional.softmax(t, 2), x)
    _same_error(lambda lib, t: lib.nn.functional.softmax(t, 1), np.ones((2, 3), np.int64))
    _same_error(lambda lib, t: lib.nn.functional.softmax(t, 0), np.ones((2, 3), np.int64))
    _same_error(lambda lib, t: lib.nn.functional.log_softmax(t, 1), np.ones((2, 3), bool))
    _same_error(lambda lib, t: lib.nn.functional.glu(t, 1), x)
    _same_error(lambda lib, t: lib.nn.functional.softshrink(t, -1.0), x)
    with pytest.raises(TypeError):
        F.relu([1.0, 2.0])


@pytest.mark.parametrize("name,args,node", [("relu", (), "ReluBackward0"),
                                            ("relu6", (), "HardtanhBackward0"),
                                            ("elu", (), "EluBackward1"),
                                            ("selu", (), "EluBackward1"),
                                            ("celu", (), "CeluBackward1"),
                                            ("leaky_relu", (0.1,), "LeakyReluBackward1"),
                                            ("hardtanh", (), "HardtanhBackward0"),
                                            ("silu", (), "SiluBackward0"),
                                            ("mish", (), "MishBackward0"),
                                            ("hardswish", (), "HardswishBackward0"),
                                            ("hardsigmoid", (), "HardsigmoidBackward0"),
                                            ("threshold", (0.1, 2.0), "ThresholdBackward1")])
def test_inplace_forms(name, args, node):
    a = _x("float32", (3, 4))
    res = []
    for lib in (ember, torch):
        x = (torch.from_numpy(a.copy()) if lib is torch else ember.tensor(a)).requires_grad_()
        y = x * 1
        z = getattr(lib.nn.functional, name)(y, *args, inplace=True)
        assert z is y and z.grad_fn.name() == node
        z.sum().backward()
        res.append((_np(z), _np(x.grad)))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-6)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-6)
    for fn in ("relu_", "elu_", "selu_", "celu_", "leaky_relu_", "hardtanh_"):
        x = ember.tensor(a.copy())
        assert getattr(F, fn)(x) is x
    with pytest.raises(RuntimeError, match="leaf Variable"):
        F.elu(ember.ones(2, requires_grad=True), inplace=True)
    for name, slope in (("leaky_relu", -0.1), ("elu", -0.1)):   # refused by torch's backward
        for lib in (ember, torch):
            y = lib.randn(3, requires_grad=True) * 1
            out = getattr(lib.nn.functional, name)(y, slope, inplace=True).sum()
            with pytest.raises(RuntimeError, match="negative slope which is not supported"):
                out.backward()


def test_one_hot():
    both(lambda lib, t: lib.nn.functional.one_hot(t), np.array([0, 2, 1]), grad=False)
    both(lambda lib, t: lib.nn.functional.one_hot(t, 5), np.array([[0, 2], [1, 4]]), grad=False)
    both(lambda lib, t: lib.nn.functional.one_hot(t), np.array(2), grad=False)
    both(lambda lib, t: lib.nn.functional.one_hot(t, 3), np.zeros(0, np.int64), grad=False)
    for arr, nc in [(np.array([0, -1]), -1), (np.array([0, 7]), 3), (np.array([0.0, 1.0]), -1),
                    (np.array([0, 1], np.int32), -1), (np.zeros(0, np.int64), -1),
                    (np.array([0, 1]), 0)]:
        _same_error(lambda lib, t: lib.nn.functional.one_hot(t, nc), arr)


def test_normalize_cosine_pairwise():
    a, b = _x("float32", (4, 5), seed=1), _x("float32", (4, 5), seed=2)
    tiny = np.array([[3e-10, 4e-10], [1.0, 2.0]])
    both(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y), a, b)
    both(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y, dim=0, eps=1e-3), a, b)
    both(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y), tiny, tiny[::-1].copy())
    both(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y, dim=-1),
         _x("float64", (3, 1, 4)), _x("float64", (1, 5, 4)))
    both(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y),
         np.array([[1, 2]]), np.array([[2.0, 1.0]], np.float32))
    _same_error(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y), np.array([[1, 2]]),
                np.array([[2, 1]]))
    _same_error(lambda lib, x, y: lib.nn.functional.cosine_similarity(x, y), a,
                _x("float32", (4, 6)))
    for kw in [{}, {"p": 1.0}, {"keepdim": True}, {"p": float("inf")}]:
        both(lambda lib, x, y: lib.nn.functional.pairwise_distance(x, y, **kw), a, b,
             node=False)  # torch records NormBackward1, ember its vector_norm
    both(lambda lib, x: lib.nn.functional.normalize(x, p=1.0, dim=0), a)
    both(lambda lib, x: lib.nn.functional.normalize(x, dim=1), np.zeros((2, 3), np.float32))
    x = ember.tensor(a, dtype=ember.float64).requires_grad_()
    y = ember.tensor(b, dtype=ember.float64).requires_grad_()
    assert gradcheck(lambda u, v: F.cosine_similarity(u, v), (x, y))
    assert gradcheck(lambda u, v: F.pairwise_distance(u, v), (x, y))


# -- modules ------------------------------------------------------------------------------------
MODULES = [("ReLU", (), {}), ("ReLU", (), {"inplace": True}), ("ReLU6", (), {}),
           ("ReLU6", (True,), {}), ("LeakyReLU", (), {}), ("LeakyReLU", (0.2, True), {}),
           ("ELU", (), {}), ("ELU", (0.5,), {"inplace": True}), ("SELU", (), {}),
           ("SELU", (True,), {}), ("CELU", (2.0,), {}), ("GELU", (), {}),
           ("GELU", ("tanh",), {}), ("SiLU", (), {}), ("SiLU", (True,), {}), ("Mish", (), {}),
           ("Sigmoid", (), {}), ("Tanh", (), {}), ("Softplus", (), {}),
           ("Softplus", (2, 10), {}), ("Hardtanh", (), {}), ("Hardtanh", (-2.0, 3), {}),
           ("Hardswish", (), {}), ("Hardsigmoid", (), {}), ("LogSigmoid", (), {}),
           ("Softsign", (), {}), ("Tanhshrink", (), {}), ("Hardshrink", (), {}),
           ("Softshrink", (0.3,), {}), ("Threshold", (0.1, 20.0), {}),
           ("Threshold", (0.1, 20.0, True), {}), ("GLU", (), {}), ("Softmax", (1,), {}),
           ("LogSoftmax", (1,), {}), ("Softmin", (1,), {}), ("Softmax", (), {"dim": -1}),
           ("Softmax2d", (), {})]


@pytest.mark.parametrize("name,args,kw", MODULES)
def test_modules_match_torch(name, args, kw):
    x = _x("float32", (2, 4, 3, 2))
    em, tm = check_module(lambda nn: getattr(nn, name)(*args, **kw), [x],
                          call=lambda m, t: m(t * 1))
    assert repr(em) == repr(tm)


def test_modules_repr_without_arguments():
    for name in ("Softmax", "LogSoftmax", "Softmin"):
        assert repr(getattr(ember.nn, name)()) == f"{name}(dim=None)"
    with pytest.raises(AssertionError, match="max_val"):
        ember.nn.Hardtanh(1.0, 1.0)
    with pytest.warns(FutureWarning):
        assert ember.nn.Hardtanh(min_value=-2.0).min_val == -2.0
    with pytest.raises(ValueError, match="Softmax2d"):
        ember.nn.Softmax2d()(ember.ones(2, 3))


@pytest.mark.parametrize("n,init,dtype", [(1, 0.25, None), (3, 0.1, None), (3, 0.25, "float64")])
def test_prelu_module(n, init, dtype):
    def make(nn):
        lib = ember if nn is ember.nn else torch
        return nn.PReLU(n, init, dtype=getattr(lib, dtype) if dtype else None)
    x = _x(dtype or "float32", (2, 3, 4))
    em, _ = check_module(make, [x])
    assert [k for k, _ in em.named_parameters()] == ["weight"]
    check_module(make, [_x(dtype or "float32", (5, 3))])

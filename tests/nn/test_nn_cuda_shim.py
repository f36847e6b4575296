"""Activations, softmax, dropout and losses on a (fake) CUDA device: the results stay on the
device and equal the CPU results (tests/core/_fake_cupy.py refuses host arrays in device code)."""
import warnings

import numpy as np
import pytest

import ember
import ember.nn.functional as F
from tests.core import _fake_cupy as fake


@pytest.fixture(autouse=True)
def cp(monkeypatch):
    return fake.install(monkeypatch)


def _host(t):
    return t._data.get() if type(t._data) is fake.ndarray else t._data


def _run(fn, *arrays, grad=True):
    outs = []
    for dev in ("cpu", "cuda"):
        ts = [ember.tensor(a, device=dev) for a in arrays]
        if grad:
            ts = [t.requires_grad_() if a.dtype.kind == "f" else t for a, t in zip(arrays, ts)]
        out = fn(*ts)
        grads = []
        if grad and out.requires_grad:
            out.sum().backward()
            grads = [t.grad for t in ts if t.requires_grad]
        outs.append((out, grads))
    (c_out, c_g), (g_out, g_g) = outs
    assert type(g_out._data) is fake.ndarray and g_out.is_cuda
    np.testing.assert_allclose(_host(g_out), _host(c_out), rtol=1e-5, atol=1e-6)
    for a, b in zip(g_g, c_g):
        assert type(a._data) is fake.ndarray
        np.testing.assert_allclose(_host(a), _host(b), rtol=1e-5, atol=1e-6)


def _x(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("name", ["relu6", "leaky_relu", "elu", "selu", "celu", "gelu", "silu",
                                  "mish", "softplus", "hardtanh", "hardswish", "hardsigmoid",
                                  "logsigmoid", "softsign", "tanhshrink", "hardshrink",
                                  "softshrink", "glu", "normalize"])
def test_activations_on_cuda(name):
    _run(getattr(F, name), _x((4, 6)))


def test_softmax_prelu_distance_on_cuda():
    for dim in (0, 1):
        _run(lambda t: F.softmax(t, dim), _x((64, 10)))
        _run(lambda t: F.log_softmax(t, dim), _x((64, 10)))
    _run(lambda t, w: F.prelu(t, w), _x((2, 3, 4)), np.array([0.1, 0.2, 0.3], np.float32))
    _run(lambda a, b: F.cosine_similarity(a, b), _x((3, 4)), _x((3, 4), 1))
    _run(lambda t: F.one_hot(t, 4), np.array([0, 3, 1]), grad=False)
    _run(lambda t: F.threshold(t, 0.1, 2.0), _x((3, 4)))


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.1}, {"ignore_index": 1},
                                {"weight": True}, {"reduction": "none"}])
def test_class_losses_on_cuda(kw):
    w = np.array([0.5, 1.0, 2.0, 1.5], np.float32)

    def ce(x, t, nll=False):
        k = dict(kw)
        if k.pop("weight", False):
            k["weight"] = ember.tensor(w, device=x.device)
        if nll:
            k.pop("label_smoothing", None)
            return F.nll_loss(x, t, **k)
        return F.cross_entropy(x, t, **k)
    t = np.array([0, 3, 1, 1, 2])
    _run(ce, _x((5, 4)), t)
    _run(lambda x, y: ce(x, y, True), _x((5, 4)), t)
    _run(ce, _x((2, 4, 3)), np.array([[0, 1, 3], [2, 2, 1]]))
    if "ignore_index" not in kw:
        _run(ce, _x((5, 4)), np.abs(_x((5, 4), 2)))


def test_other_losses_and_dropout_on_cuda():
    x, y = _x((4, 5)), _x((4, 5), 1)
    p = np.random.default_rng(3).random((4, 5)).astype(np.float32)
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        _run(getattr(F, name), x, y)
    _run(F.binary_cross_entropy, p, p[::-1].copy())
    _run(lambda a, b: F.binary_cross_entropy_with_logits(
        a, b, pos_weight=ember.tensor(p[0], device=a.device)), x, p)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _run(lambda a, b: F.kl_div(a, b, reduction="batchmean"), x, p)
    for fn in (lambda t: F.dropout(t, 0.3), lambda t: F.dropout2d(t, 0.3),
               lambda t: F.alpha_dropout(t, 0.3, True)):
        ember.manual_seed(0)
        c = fn(ember.tensor(_x((2, 3, 4, 4))))
        ember.manual_seed(0)
        g = fn(ember.tensor(_x((2, 3, 4, 4)), device="cuda"))
        assert type(g._data) is fake.ndarray
        np.testing.assert_array_equal(_host(g), _host(c))

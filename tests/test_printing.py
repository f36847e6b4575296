"""Tensor printing: ember's repr/str must equal torch's for the same data and options."""
import math

import numpy as np
import pytest
import torch

import ember
from ember import _tensor_str


def _check(a):
    a = np.array(a, order="C")
    e, t = ember.tensor(a), torch.from_numpy(a.copy())
    assert repr(e) == repr(t)
    assert str(e) == str(t)


@pytest.fixture(autouse=True)
def _restore_options():
    yield
    torch.set_printoptions(profile="default")
    _tensor_str.set_printoptions(profile="default")


def _set_options(**kw):
    torch.set_printoptions(**kw)
    _tensor_str.set_printoptions(**kw)


def _rng():
    return np.random.default_rng(0)


def _float_cases():
    rng = _rng()
    cases = [
        np.array([1.0, 2.0]), np.array([1.5, -2.25, 3.125]), np.array(3.0), np.array(-0.5),
        np.array([0.0, -0.0, 1.0]), np.array([-0.0]), np.array([0.0, 0.0]),
        np.array([np.nan, np.inf, -np.inf]), np.array([1.0, np.nan]), np.array([0.5, -np.inf]),
        np.array([1e-5, 1.0]), np.array([1.0, 1001.0]), np.array([1.0, 999.0]),
        np.array([2e8, 1.0]), np.array([1e10, -1e-10]), np.array([123456789.0]),
        np.array([1e-4, 2e-4]), np.array([9.99995e-5, 1.0]), np.array([9.99996, 0.5]),
        np.array([1e100, 1e-100]), np.array([-1e300, 3.0]), np.array(1e-7), np.array(1e20),
        np.array([0.1, 0.25, np.nan, 0.0]), np.array([1e30, np.nan, 0.0]),
    ]
    for lo, hi in [(-10, 10), (-5, 5), (-1, 1), (0, 3), (2, 10)]:
        mags = 10.0 ** rng.uniform(lo, hi, size=7)
        cases.append(mags * rng.choice([-1.0, 1.0], size=7))
    cases += [rng.standard_normal((3, 4)), rng.standard_normal((2, 3, 4)) * 100,
              rng.standard_normal((2, 2, 3, 2)), rng.integers(-50, 50, (4, 5)).astype(float),
              rng.standard_normal((2, 1, 3)) * 1e-6]
    return cases


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_floats(dtype):
    with np.errstate(over="ignore"):
        for a in _float_cases():
            _check(a.astype(dtype))


def test_ints_and_bools():
    rng = _rng()
    cases = [np.array(7), np.array([-3, 0, 12]), np.array([2**62, -(2**63)]),
             rng.integers(-1000, 1000, (3, 5)), rng.integers(0, 10, (2, 2, 3))]
    for a in cases:
        for dtype in (np.int64, np.int32, np.int16, np.int8):
            _check(a.astype(dtype) if dtype == np.int64 else (a % 100).astype(dtype))
        _check((np.abs(a) % 256).astype(np.uint8))
    for a in (np.array(True), np.array([True, False]), np.array([True, True]),
              rng.random((3, 4)) > 0.5, rng.random((2, 3, 2)) > 0.5):
        _check(a)


def test_empty():
    for shape in [(0,), (0, 3), (2, 0), (3, 0, 2), (0, 0)]:
        for dtype in (np.float32, np.float64, np.int64, np.int32, np.bool_, np.uint8):
            _check(np.zeros(shape, dtype))


def test_summarised_and_wrapped():
    rng = _rng()
    cases = [rng.standard_normal(2000), np.arange(2000), rng.standard_normal((100, 100)),
             rng.standard_normal((10, 10, 20)), rng.standard_normal((4, 300)),
             rng.standard_normal((300, 4)) * 1e5, rng.standard_normal(50) * 1e-3,
             np.arange(100), rng.standard_normal((3, 40)), rng.random((2, 3, 30)) > 0.5,
             rng.integers(-10**9, 10**9, 60), rng.standard_normal((2, 3, 4, 50))]
    for a in cases:
        _check(a.astype(np.float32) if a.dtype == np.float64 else a)


@pytest.mark.parametrize("options", [
    {"precision": 2}, {"precision": 0}, {"precision": 8}, {"sci_mode": True},
    {"sci_mode": False}, {"threshold": 5}, {"threshold": 5, "edgeitems": 1},
    {"threshold": 10, "edgeitems": 0}, {"edgeitems": 0}, {"linewidth": 40},
    {"linewidth": 200}, {"profile": "full"}, {"profile": "short"},
    {"profile": "short", "precision": 6, "sci_mode": True},
])
def test_options(options):
    rng = _rng()
    _set_options(**options)
    assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    cases = [rng.standard_normal(20), rng.standard_normal((4, 5)) * 1e6,
             np.array([1.0, 2.0, 3.0]), np.array([1e-8, 1.0]), np.arange(1200),
             rng.standard_normal((3, 4, 5)), np.array(2.5), np.array([1.0, np.nan, -0.0]),
             np.arange(12).reshape(3, 4), rng.standard_normal((20, 60)) * 1e-3]
    for a in cases:
        _check(a.astype(np.float32) if a.dtype == np.float64 else a)


def test_printoptions_semantics():
    assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    _set_options(precision=3, sci_mode=True)
    _set_options(threshold=20)  # leaving sci_mode out resets it to automatic
    assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()
    _set_options(profile="full")
    assert _tensor_str.get_printoptions()["threshold"] == math.inf
    with _tensor_str.printoptions(precision=1):
        assert _tensor_str.get_printoptions()["precision"] == 1
    assert _tensor_str.get_printoptions() == torch._tensor_str.get_printoptions()


def test_complex():
    rng = _rng()
    for a in (np.array(1 + 2j), np.array([1 + 2j, -0.5 - 1e-3j]),
              rng.standard_normal((3, 4)) + 1j * rng.standard_normal((3, 4)),
              np.array([1 + 0j, -2j, 0j]), rng.standard_normal(1500) * 1j):
        for dtype in (np.complex64, np.complex128):
            _check(a.astype(dtype))


def test_suffix_wrapping():
    # A long last line pushes the dtype suffix onto its own line.
    _check(np.arange(20, dtype=np.int32))
    _check(np.arange(18, dtype=np.int32))
    _check(np.ones((2, 23), np.float64))


def test_autograd_suffixes():
    e = ember.tensor([1.0, 2.0], requires_grad=True)
    t = torch.tensor([1.0, 2.0], requires_grad=True)
    assert repr(e) == repr(t)
    assert repr(e * 2) == repr(t * 2)
    assert str(e.sum()) == str(t.sum())
    e64 = ember.tensor([1.0, 2.0], dtype=ember.float64, requires_grad=True)
    t64 = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
    assert repr(e64 + 1) == repr(t64 + 1)
    x = np.random.default_rng(0).standard_normal((30, 8)).astype(np.float32)
    assert repr(ember.tensor(x, requires_grad=True)) == repr(torch.tensor(x, requires_grad=True))


def test_default_dtype_float64():
    ember.set_default_dtype(ember.float64)
    torch.set_default_dtype(torch.float64)
    try:
        for a in (np.array([1.5, 2.0]), np.array([1.5], np.float32), np.zeros((0, 2)),
                  np.zeros(0, np.float32), np.array([1 + 1j]), np.array([1 + 1j], np.complex64)):
            _check(a)
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


def test_parameter():
    tp = torch.nn.Parameter(torch.ones(2, 3))
    assert _tensor_str.parameter_repr(ember.ones(2, 3, requires_grad=True)) == repr(tp)
    p = ember.nn.Parameter(ember.ones(2, 3))
    assert repr(p) == repr(tp)
    assert str(p) == str(tp)


def test_random_mix():
    """Seeded random tensors of every kind under random options."""
    rng = np.random.default_rng(1)
    option_values = {"precision": [0, 1, 2, 6], "threshold": [5, 50, 100000],
                     "edgeitems": [0, 1, 2, 5], "linewidth": [20, 50, 120],
                     "sci_mode": [True, False], "profile": ["short", "full"]}
    for _ in range(400):
        shape = tuple(int(n) for n in rng.integers(0, 9, rng.integers(0, 5)))
        n = math.prod(shape)
        lo, hi = sorted(rng.uniform(-12, 12, 2))
        x = 10.0 ** rng.uniform(lo, hi, n) * rng.choice([-1, 1], n)
        if rng.random() < 0.3:
            x = np.round(x)
        u = rng.random(n)
        x[u < 0.05], x[(u > 0.05) & (u < 0.08)], x[(u > 0.08) & (u < 0.12)] = np.nan, np.inf, 0.0
        x[(u > 0.12) & (u < 0.15)] = -0.0
        x = x.reshape(shape)
        kind = rng.integers(6)
        with np.errstate(all="ignore"):
            a = [x.astype(np.float32), x, x.astype(np.float16), x > 0,
                 np.clip(np.nan_to_num(x), -1e12, 1e12).astype(np.int64),
                 (x + 1j).astype(np.complex64)][kind]
        options = {k: v[rng.integers(len(v))] for k, v in option_values.items()
                   if rng.random() < 0.15}
        _set_options(**options)
        _check(a)
        _set_options(profile="default")


class _OnCuda:
    """A CPU tensor that claims to be on cuda:0, to check the device suffix without a GPU."""

    __module__ = "ember._on_cuda"  # ember's own classes print as ``tensor(``

    def __init__(self, data, **kw):
        t = ember.tensor(data, **kw)
        self._data, self.dtype, self.requires_grad = t._data, t.dtype, t.requires_grad
        self.grad_fn = None
        self.device = ember.device("cuda", 0)


def test_subclass_prefix():
    class MyTensor(ember.Tensor):
        pass

    class MyTorchTensor(torch.Tensor):
        pass

    e = ember.tensor([1.0, 2.0])
    e.__class__ = MyTensor
    assert repr(e) == repr(torch.tensor([1.0, 2.0]).as_subclass(MyTorchTensor)).replace(
        "MyTorchTensor", "MyTensor")


def test_device_suffix(monkeypatch):
    monkeypatch.setattr(_tensor_str, "_array_module", lambda dev: np)
    assert _tensor_str.tensor_repr(_OnCuda([1.0, 2.0])) == "tensor([1., 2.], device='cuda:0')"
    assert (_tensor_str.tensor_repr(_OnCuda(np.ones(2000, np.float64), requires_grad=True))
            == "tensor([1., 1., 1.,  ..., 1., 1., 1.], device='cuda:0', dtype=torch.float64,\n"
               "       requires_grad=True)")

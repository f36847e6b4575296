"""Pooling (max/avg/adaptive/lp, 1d/2d/3d) and its modules against torch: forward, indices,
gradients (the FIRST maximum of a window gets it, as in torch), double backward, errors."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
from tests.core._fake_cupy import cuda_matches_cpu
import ember.nn.functional as F
from ember.autograd import gradcheck, gradgradcheck
from tests.nn.module_check import check_module

rng = np.random.default_rng(0)


def ties(*shape, dtype=np.float32):
    """relu'd small integers: many exact ties and zeros, as real activations have."""
    return np.maximum(rng.integers(-2, 3, shape), 0).astype(dtype)


def both(fe, ft, x, *, exact=True):
    """Compare outputs (and indices), node names and input gradients of ember and torch."""
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ey, ty = fe(ex), ft(tx)
    if isinstance(ty, tuple):
        assert ey[1].dtype == ember.int64
        np.testing.assert_array_equal(ey[1].numpy(), ty[1].numpy())
        ey, ty = ey[0], ty[0]
    assert tuple(ey.shape) == tuple(ty.shape) and repr(ey.dtype) == str(ty.dtype)
    tol = dict(rtol=0, atol=0) if exact else dict(rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), **tol)
    assert ey.grad_fn.name() == ty.grad_fn.name()
    cot = rng.standard_normal(tuple(ty.shape)).astype(x.dtype)
    (eg,) = ember.autograd.grad(ey, ex, ember.tensor(cot))
    (tg,) = torch.autograd.grad(ty, tx, torch.tensor(cot))
    # overlapping windows add gradients in another order than torch: allow rounding
    np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=1e-5, atol=1e-6)
    return ey, ty


MAX_CASES = [c for c in itertools.product([1, 2, 3, (2, 3)], [None, 1, 2, (2, 1)], [0, 1], [1, 2],
                                          [False, True])
             if c[2] <= min((c[3] * (k - 1) + 1) // 2 for k in np.broadcast_to(c[0], 2))]


@pytest.mark.parametrize("k,s,p,d,ceil", MAX_CASES)
def test_max_pool2d_configs_with_ties(k, s, p, d, ceil):
    both(lambda a: F.max_pool2d(a, k, s, p, d, ceil, True),
         lambda a: TF.max_pool2d(a, k, s, p, d, ceil, True), ties(2, 3, 9, 8))


@pytest.mark.parametrize("k,s,p,d,ceil", [(2, None, 0, 1, False), (3, 2, 1, 1, True),
                                          (3, 1, 1, 2, False), (2, 3, 1, 1, True)])
def test_max_pool1d_and_3d(k, s, p, d, ceil):
    ey, ty = both(lambda a: F.max_pool1d(a, k, s, p, d, ceil, True),
                  lambda a: TF.max_pool1d(a, k, s, p, d, ceil, True), ties(2, 3, 11))
    both(lambda a: F.max_pool1d(a, k, s, p, d, ceil), lambda a: TF.max_pool1d(a, k, s, p, d, ceil),
         ties(3, 11))
    both(lambda a: F.max_pool3d(a, k, s, p, d, ceil, True),
         lambda a: TF.max_pool3d(a, k, s, p, d, ceil, True), ties(1, 2, 6, 5, 7))


def test_max_pool_unbatched_float64_int_and_empty():
    both(lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2), ties(3, 6, 6))
    both(lambda a: F.max_pool2d(a, 3, 2, 1), lambda a: TF.max_pool2d(a, 3, 2, 1),
         ties(2, 2, 7, 7, dtype=np.float64))
    both(lambda a: F.max_pool2d(a, 2), lambda a: TF.max_pool2d(a, 2), ties(0, 3, 4, 4))
    xi = rng.integers(-5, 5, (2, 3, 6, 6))
    e = F.max_pool2d(ember.tensor(xi), 3, 2, 1, return_indices=True)
    t = TF.max_pool2d(torch.tensor(xi), 3, 2, 1, return_indices=True)
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert e[0].dtype == ember.int64


def test_max_pool_nan_inf_and_lowest():
    x = rng.standard_normal((2, 2, 6, 6))
    x[0, 0, 1, 1] = x[0, 0, 0, 1] = np.nan      # two NaNs in one window: torch takes the last
    x[0, 1, 2:5, 2:5] = -np.inf                   # a window of -inf must pick a real element
    x[1, 0, :, :2] = -np.inf
    both(lambda a: F.max_pool2d(a, 3, 2, 1, return_indices=True),
         lambda a: TF.max_pool2d(a, 3, 2, 1, return_indices=True), x)
    both(lambda a: F.max_pool2d(a, 2, return_indices=True),
         lambda a: TF.max_pool2d(a, 2, return_indices=True), x)
    both(lambda a: F.adaptive_max_pool2d(a, (4, 3), return_indices=True),
         lambda a: TF.adaptive_max_pool2d(a, (4, 3), return_indices=True), x)


def test_max_pool_output_changed_in_place():
    # torch keeps the argmax, so an in-place op on the output does not spoil the backward
    x = ties(1, 2, 4, 6) - 0.5
    grads = []
    for lib, fn in ((ember, F), (torch, TF)):
        a = lib.tensor(x, requires_grad=True)
        y = fn.max_pool2d(a, 2)
        y.mul_(2)
        y.sum().backward()
        grads.append(a.grad.numpy())
    np.testing.assert_array_equal(*grads)


AVG_CASES = [c for c in itertools.product([1, 2, 3, (2, 3)], [None, 1, 2, (2, 1)], [0, 1],
                                          [False, True], [False, True], [None, 3])
             if c[2] <= min(k // 2 for k in np.broadcast_to(c[0], 2))]


@pytest.mark.parametrize("k,s,p,ceil,cip,div", AVG_CASES)
def test_avg_pool2d_configs(k, s, p, ceil, cip, div):
    both(lambda a: F.avg_pool2d(a, k, s, p, ceil, cip, div),
         lambda a: TF.avg_pool2d(a, k, s, p, ceil, cip, div), ties(2, 3, 9, 8), exact=False)


def test_avg_pool1d_3d_unbatched_and_int():
    for k, s, p, ceil, cip in [(2, None, 0, False, True), (3, 2, 1, True, False),
                               (3, 1, 1, False, True), (4, 3, 2, True, True)]:
        both(lambda a: F.avg_pool1d(a, k, s, p, ceil, cip),
             lambda a: TF.avg_pool1d(a, k, s, p, ceil, cip), ties(2, 3, 11), exact=False)
        both(lambda a: F.avg_pool3d(a, k, s, p, ceil, cip),
             lambda a: TF.avg_pool3d(a, k, s, p, ceil, cip), ties(1, 2, 6, 5, 7), exact=False)
    both(lambda a: F.avg_pool2d(a, 2), lambda a: TF.avg_pool2d(a, 2), ties(3, 6, 6), exact=False)
    xi = rng.integers(-20, 20, (1, 2, 4, 4))
    np.testing.assert_array_equal(F.avg_pool2d(ember.tensor(xi), 3, 1, 1).numpy(),
                                  TF.avg_pool2d(torch.tensor(xi), 3, 1, 1).numpy())


@pytest.mark.parametrize("size", [1, 2, 3, (4, 5), (9, 8), (11, 13), (None, 3), (3, None)])
def test_adaptive_pool2d(size):
    x = ties(2, 3, 9, 8)
    both(lambda a: F.adaptive_avg_pool2d(a, size), lambda a: TF.adaptive_avg_pool2d(a, size), x,
         exact=False)
    both(lambda a: F.adaptive_max_pool2d(a, size, True),
         lambda a: TF.adaptive_max_pool2d(a, size, True), x)
    both(lambda a: F.adaptive_max_pool2d(a, size), lambda a: TF.adaptive_max_pool2d(a, size),
         x[0])


def test_adaptive_pool_empty_output():
    x = ties(2, 3, 9, 8)
    for fe, ft in ((F.adaptive_avg_pool2d, TF.adaptive_avg_pool2d),
                   (F.adaptive_max_pool2d, TF.adaptive_max_pool2d)):
        assert tuple(fe(ember.tensor(x), (0, 2)).shape) == tuple(ft(torch.tensor(x), (0, 2)).shape)


@pytest.mark.parametrize("size", [1, 3, 5, 11, 16])
def test_adaptive_pool1d_3d(size):
    x = ties(2, 3, 11)
    both(lambda a: F.adaptive_avg_pool1d(a, size), lambda a: TF.adaptive_avg_pool1d(a, size), x,
         exact=False)
    both(lambda a: F.adaptive_max_pool1d(a, size, True),
         lambda a: TF.adaptive_max_pool1d(a, size, True), x)
    both(lambda a: F.adaptive_avg_pool3d(a, (size, 2, 3)),
         lambda a: TF.adaptive_avg_pool3d(a, (size, 2, 3)), ties(1, 2, 5, 4, 7), exact=False)


def test_lp_pool():
    x = np.abs(rng.standard_normal((2, 3, 8, 7))).astype(np.float32) + 0.1
    both(lambda a: F.lp_pool2d(a, 2, 3, 2), lambda a: TF.lp_pool2d(a, 2, 3, 2), x, exact=False)
    both(lambda a: F.lp_pool1d(a, 3, 2), lambda a: TF.lp_pool1d(a, 3, 2), x[:, :, 0],
         exact=False)


@pytest.mark.parametrize("fn", [
    lambda a: F.max_pool2d(a, 3, 2, 1),
    lambda a: F.max_pool2d(a, 2, 1, 0, 2, True),
    lambda a: F.avg_pool2d(a, 3, 2, 1, True, False),
    lambda a: F.adaptive_avg_pool2d(a, (3, 2)),
    lambda a: F.adaptive_max_pool2d(a, (3, 4)),
    lambda a: F.max_pool1d(a[0], 2),
], ids=lambda v: "")
def test_gradcheck_and_gradgradcheck(fn):
    x = ember.tensor(rng.permutation(60).reshape(1, 2, 5, 6) / 7.0, requires_grad=True)
    assert gradcheck(fn, (x,))
    assert gradgradcheck(fn, (x,))


def test_double_backward_matches_torch():
    x = ties(2, 2, 6, 6, dtype=np.float64)
    out = []
    for lib, fn in ((ember, F), (torch, TF)):
        a = lib.tensor(x, requires_grad=True)
        for pool in (lambda v: fn.max_pool2d(v, 3, 2, 1), lambda v: fn.avg_pool2d(v, 3, 2, 1),
                     lambda v: fn.adaptive_max_pool2d(v, 4),
                     lambda v: fn.adaptive_avg_pool2d(v, 4)):
            y = pool(a * a)
            (g,) = lib.autograd.grad((y * y).sum(), a, create_graph=True)
            (h,) = lib.autograd.grad((g * g).sum(), a)
            out.append((g.detach().numpy(), h.numpy()))
    half = len(out) // 2
    for (g1, h1), (g2, h2) in zip(out[:half], out[half:]):
        np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-10)
        np.testing.assert_allclose(h1, h2, rtol=1e-10, atol=1e-10)


# -- modules -----------------------------------------------------------------------------------
MODULES = [
    (lambda nn: nn.MaxPool2d(2), (2, 3, 8, 8)),
    (lambda nn: nn.MaxPool2d(3, 2, 1, ceil_mode=True, return_indices=True), (2, 3, 9, 8)),
    (lambda nn: nn.MaxPool2d((2, 3), stride=(1, 2), padding=1, dilation=(1, 2)), (2, 3, 9, 8)),
    (lambda nn: nn.MaxPool1d(3, 2, 1, ceil_mode=True), (2, 3, 9)),
    (lambda nn: nn.MaxPool3d(2), (1, 2, 4, 4, 6)),
    (lambda nn: nn.AvgPool2d(3, 2, 1, ceil_mode=True, count_include_pad=False), (2, 3, 9, 8)),
    (lambda nn: nn.AvgPool2d(2, divisor_override=3), (2, 3, 8, 8)),
    (lambda nn: nn.AvgPool1d(3, 2, 1), (2, 3, 9)),
    (lambda nn: nn.AvgPool3d(2, 1), (1, 2, 3, 4, 5)),
    (lambda nn: nn.AdaptiveAvgPool2d((None, 3)), (2, 3, 9, 8)),
    (lambda nn: nn.AdaptiveAvgPool2d(1), (2, 3, 9, 8)),
    (lambda nn: nn.AdaptiveAvgPool1d(4), (2, 3, 9)),
    (lambda nn: nn.AdaptiveAvgPool3d((1, 2, 3)), (1, 2, 3, 4, 5)),
    (lambda nn: nn.AdaptiveMaxPool2d((4, 3), return_indices=True), (2, 3, 9, 8)),
    (lambda nn: nn.AdaptiveMaxPool1d(3), (2, 3, 9)),
    (lambda nn: nn.LPPool2d(2, 3, stride=2), (2, 3, 9, 8)),
    (lambda nn: nn.LPPool1d(1.5, 2), (2, 3, 9)),
    (lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"), (2, 3, 4, 5)),
    (lambda nn: nn.Upsample(size=(3, 7)), (2, 3, 4, 5)),
    (lambda nn: nn.UpsamplingNearest2d(scale_factor=3), (2, 3, 4, 5)),
    (lambda nn: nn.UpsamplingBilinear2d(size=(6, 9)), (2, 3, 4, 5)),
    (lambda nn: nn.PixelShuffle(2), (2, 8, 3, 3)),
    (lambda nn: nn.PixelUnshuffle(2), (2, 2, 4, 6)),
]


@pytest.mark.parametrize("make,shape", MODULES, ids=lambda v: "")
def test_modules_against_torch(make, shape):
    x = np.abs(rng.standard_normal(shape)).astype(np.float32) + ties(*shape)
    check_module(make, [x])


def test_module_reprs():
    for make in [lambda nn: nn.MaxPool2d(2), lambda nn: nn.MaxPool1d(2),
                 lambda nn: nn.MaxPool2d((2, 3), stride=(1, 2), padding=1, ceil_mode=True),
                 lambda nn: nn.AvgPool2d(2), lambda nn: nn.AvgPool1d(2),
                 lambda nn: nn.AvgPool2d(3, ceil_mode=True, count_include_pad=False,
                                         divisor_override=2),
                 lambda nn: nn.AdaptiveAvgPool2d((None, 3)), lambda nn: nn.AdaptiveMaxPool2d(2),
                 lambda nn: nn.AdaptiveAvgPool1d(2), lambda nn: nn.LPPool2d(2, 3),
                 lambda nn: nn.Upsample(scale_factor=2, mode="bilinear"),
                 lambda nn: nn.Upsample(size=(3, 4)), lambda nn: nn.PixelShuffle(3)]:
        assert repr(make(ember.nn)) == repr(make(torch.nn))


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("call", [
    lambda L, F: F.max_pool2d(L.zeros(1, 2, 3, 8, 8), 2),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 0, 8), 2),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 9),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 3, padding=2),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 0),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 2, stride=0),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 2, dilation=0),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 2, padding=-1),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), (2, 2, 2)),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 2, stride=(1, 2, 3)),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 2, padding=(1, 1, 1)),
    lambda L, F: F.max_pool2d(L.zeros(2, 3, 8, 8), 2, dilation=(1, 1, 1)),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8, 8), 2),
    lambda L, F: F.max_pool1d(L.zeros(8), 2),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8), 0),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8), 2, stride=0),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8), 3, padding=2),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8), 9),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8), 2, dilation=0),
    lambda L, F: F.max_pool1d(L.zeros(2, 3, 8), (2, 2)),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 9),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 3, padding=2),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 2, divisor_override=0),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), (2, 2, 2)),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 2, stride=(1, 2, 3)),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 2, padding=(1, 1, 1)),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 2, padding=-1),
    lambda L, F: F.avg_pool2d(L.zeros(2, 3, 8, 8), 2, stride=0),
    lambda L, F: F.avg_pool1d(L.zeros(2, 3, 8, 8), 2),
    lambda L, F: F.avg_pool1d(L.zeros(8), 2),
    lambda L, F: F.avg_pool1d(L.zeros(2, 3, 8), 9),
    lambda L, F: F.adaptive_avg_pool2d(L.zeros(8, 8), 2),
    lambda L, F: F.adaptive_avg_pool2d(L.zeros(2, 3, 8, 8), (2, 2, 2)),
    lambda L, F: F.adaptive_avg_pool2d(L.zeros(2, 3, 8, 8), (-1, 2)),
    lambda L, F: F.adaptive_avg_pool2d(L.zeros(2, 3, 0, 8), 2),
    lambda L, F: F.adaptive_max_pool2d(L.zeros(8, 8), 2),
    lambda L, F: F.adaptive_max_pool2d(L.zeros(2, 3, 0, 8), 2),
    lambda L, F: F.adaptive_max_pool2d(L.zeros(2, 3, 8, 8), (2, 2, 2)),
    lambda L, F: F.adaptive_avg_pool1d(L.zeros(8), 2),
    lambda L, F: F.adaptive_avg_pool1d(L.zeros(2, 3, 8, 8), 2),
    lambda L, F: F.adaptive_max_pool1d(L.zeros(2, 3, 8), (2, 2)),
    lambda L, F: F.adaptive_avg_pool1d(L.zeros(2, 3, 8), (2, 2)),
], ids=lambda v: "")
def test_errors_match_torch(call):
    msgs = []
    for lib, fn in ((ember, F), (torch, TF)):
        with pytest.raises(RuntimeError) as info:
            call(lib, fn)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1], msgs


def test_other_error_types():
    for lib, fn in ((ember, F), (torch, TF)):
        with pytest.raises(IndexError, match="Dimension out of range"):
            fn.avg_pool2d(lib.zeros(8, 8), 2)
        with pytest.raises(NotImplementedError, match='"adaptive_avg_pool2d" not implemented '
                                                      "for 'Long'"):
            fn.adaptive_avg_pool2d(lib.zeros(2, 3, 8, 8, dtype=lib.int64), 2)
        with pytest.raises(NotImplementedError, match='"adaptive_max_pool2d" not implemented '
                                                      "for 'Int'"):
            fn.adaptive_max_pool2d(lib.zeros(2, 3, 8, 8, dtype=lib.int32), 2)


def test_max_pool_backward_with_inf_gradient():
    # an inf gradient lands on the argmax only (no inf * 0 = nan next to it)
    x = ties(1, 2, 6, 6)
    grads = []
    for lib, fn in ((ember, F), (torch, TF)):
        a = lib.tensor(x, requires_grad=True)
        y = fn.max_pool2d(a, 2)
        g = lib.ones(tuple(y.shape))
        g[0, 0, 1, 1] = float("inf")
        g[0, 1, 0, 2] = float("nan")
        (gx,) = lib.autograd.grad(y, a, g)
        grads.append(gx.numpy())
    np.testing.assert_array_equal(*grads)


# -- the CUDA code path, on the CPU through the fake CuPy of tests/core ------------------------
def test_cuda_path(monkeypatch):
    cuda_matches_cpu(monkeypatch, [
        lambda x: F.max_pool2d(x, 3, 2, 1, ceil_mode=True),
        lambda x: F.max_pool2d(x, 2, return_indices=True)[0],
        lambda x: F.avg_pool2d(x, 3, 2, 1, count_include_pad=False),
        lambda x: F.adaptive_avg_pool2d(x, (4, 3)),
        lambda x: F.adaptive_max_pool2d(x, (4, 3)),
        lambda x: F.adaptive_max_pool2d(x, (3, 4)),
    ], [ties(2, 4, 9, 8)])


def test_max_unpool():
    x = ties(2, 3, 8, 7)
    for kw, size in [(dict(kernel_size=2), (8, 7)), (dict(kernel_size=3, stride=2, padding=1),
                                                     [2, 3, 8, 7])]:
        idx = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)[1].numpy()
        both(lambda a: F.max_unpool2d(F.max_pool2d(a, **kw), ember.tensor(idx),
                                      output_size=size, **kw),
             lambda a: TF.max_unpool2d(TF.max_pool2d(a, **kw), torch.tensor(idx),
                                       output_size=size, **kw), x)
    x = ties(2, 3, 8, 8)
    y, idx = (t.numpy() for t in TF.max_pool2d(torch.tensor(x), 2, return_indices=True))
    both(lambda a: F.max_unpool2d(a, ember.tensor(idx), 2),
         lambda a: TF.max_unpool2d(a, torch.tensor(idx), 2), y)
    check_module(lambda nn: nn.MaxUnpool2d(2), [y, idx])
    x1 = ties(2, 3, 9)
    idx = TF.max_pool1d(torch.tensor(x1), 2, return_indices=True)[1].numpy()
    both(lambda a: F.max_unpool1d(F.max_pool1d(a, 2), ember.tensor(idx), 2, output_size=[9]),
         lambda a: TF.max_unpool1d(TF.max_pool1d(a, 2), torch.tensor(idx), 2, output_size=[9]),
         x1)
    assert repr(ember.nn.MaxUnpool1d(2, 1, 1)) == repr(torch.nn.MaxUnpool1d(2, 1, 1))
    assert repr(ember.nn.MaxUnpool2d(2)) == repr(torch.nn.MaxUnpool2d(2))


@pytest.mark.parametrize("call,exc", [
    (lambda L, F, y, i: F.max_unpool2d(y, i[:, :1], 2), RuntimeError),
    (lambda L, F, y, i: F.max_unpool2d(y, i + (i == i.max()).long() * 100, 2), RuntimeError),
    (lambda L, F, y, i: F.max_unpool2d(y, i, 2, output_size=(9, 9)), ValueError),
    (lambda L, F, y, i: F.max_unpool2d(y, i.int(), 2), RuntimeError),
    (lambda L, F, y, i: F.max_unpool2d(y, i, 2, output_size=(1, 2, 3)), ValueError),
    (lambda L, F, y, i: F.max_unpool2d(y[0, 0], i[0, 0], 2), RuntimeError),
], ids=lambda v: "")
def test_max_unpool_errors(call, exc):
    x = ties(1, 2, 4, 4)
    msgs = []
    for lib, fn in ((ember, F), (torch, TF)):
        y, i = fn.max_pool2d(lib.tensor(x), 2, return_indices=True)
        with pytest.raises(exc) as info:
            call(lib, fn, y, i)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1], msgs

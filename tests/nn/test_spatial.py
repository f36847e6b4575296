"""pad, interpolate, unfold/fold, pixel_shuffle/unshuffle against torch: values, node names,
gradients, double backward, errors."""
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


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def node(t):
    return type(t.grad_fn).__name__ if isinstance(t, torch.Tensor) else t.grad_fn.name()


def both(fe, ft, x, tol=1e-6):
    ex, tx = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ey, ty = fe(ex), ft(tx)
    assert tuple(ey.shape) == tuple(ty.shape) and repr(ey.dtype) == str(ty.dtype)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=tol, atol=tol)
    assert node(ey) == node(ty)
    cot = rng.standard_normal(tuple(ty.shape)).astype(x.dtype)
    (eg,) = ember.autograd.grad(ey, ex, ember.tensor(cot))
    (tg,) = torch.autograd.grad(ty, tx, torch.tensor(cot))
    np.testing.assert_allclose(eg.numpy(), tg.numpy(), rtol=tol * 10, atol=tol * 10)
    return ey, ty


# -- pad ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("pad", [(1, 1), (2, 0, 1, 3), (-1, 2, 0, -2), (0, 0), (3, 1, -2, 2),
                                 (1, 2, 0, 1, 1, 1)])
def test_pad_modes(mode, pad):
    x = f32(2, 3, 5, 6)
    if mode != "constant":
        x = x[0] if len(pad) == 2 else x
        x = x[None] if len(pad) == 6 else x
    both(lambda a: F.pad(a, pad, mode=mode), lambda a: TF.pad(a, pad, mode=mode), x)


def test_pad_constant_value_dims_and_dtypes():
    x = f32(2, 3, 4, 5)
    both(lambda a: F.pad(a, (1, 2, 3, 4, 1, 1), value=2.5),
         lambda a: TF.pad(a, (1, 2, 3, 4, 1, 1), value=2.5), x)
    both(lambda a: F.pad(a, [1, 1]), lambda a: TF.pad(a, [1, 1]), x)
    both(lambda a: F.pad(a, (-5, 0)), lambda a: TF.pad(a, (-5, 0)), x)
    both(lambda a: F.pad(a, (1, 1, 1, 1), mode="reflect"),
         lambda a: TF.pad(a, (1, 1, 1, 1), mode="reflect"), x[0])          # unbatched 2-d
    xi = rng.integers(0, 9, (2, 3))
    e = F.pad(ember.tensor(xi), (1, 1), value=2.5)
    t = TF.pad(torch.tensor(xi), (1, 1), value=2.5)
    assert e.dtype == ember.int64
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    e = F.pad(ember.tensor(xi), (2, 1), mode="reflect")
    np.testing.assert_array_equal(e.numpy(), TF.pad(torch.tensor(xi), (2, 1), mode="reflect"))


def test_pad_double_backward():
    x = ember.tensor(rng.standard_normal((1, 2, 4, 5)), requires_grad=True)
    for mode in ("constant", "reflect", "replicate", "circular"):
        f = lambda a: F.pad(a, (2, 1, -1, 2), mode=mode) ** 2  # noqa: E731
        assert gradcheck(f, (x,)) and gradgradcheck(f, (x,))


# -- interpolate -----------------------------------------------------------------------------------
SIZES = [dict(scale_factor=2), dict(scale_factor=0.5), dict(size=(7, 4)),
         dict(scale_factor=(1.7, 2.3)), dict(size=(3, 13)), dict(size=5),
         dict(scale_factor=1.5, recompute_scale_factor=True), dict(size=(5, 6))]


@pytest.mark.parametrize("mode,align", [("nearest", None), ("nearest-exact", None),
                                        ("bilinear", False), ("bilinear", True),
                                        ("bicubic", False), ("bicubic", True), ("area", None)])
@pytest.mark.parametrize("kw", SIZES, ids=str)
def test_interpolate_2d(mode, align, kw):
    both(lambda a: F.interpolate(a, mode=mode, align_corners=align, **kw),
         lambda a: TF.interpolate(a, mode=mode, align_corners=align, **kw), f32(2, 3, 5, 6),
         tol=1e-5)


@pytest.mark.parametrize("mode,align", [("nearest", None), ("linear", False), ("linear", True),
                                        ("area", None), ("nearest-exact", None)])
def test_interpolate_1d_and_3d(mode, align):
    for kw in (dict(size=11), dict(scale_factor=0.6), dict(scale_factor=3)):
        both(lambda a: F.interpolate(a, mode=mode, align_corners=align, **kw),
             lambda a: TF.interpolate(a, mode=mode, align_corners=align, **kw), f32(2, 3, 7),
             tol=1e-5)
    m3 = {"linear": "trilinear"}.get(mode, mode)
    both(lambda a: F.interpolate(a, scale_factor=2, mode=m3, align_corners=align),
         lambda a: TF.interpolate(a, scale_factor=2, mode=m3, align_corners=align),
         f32(1, 2, 3, 4, 5), tol=1e-5)


def test_interpolate_float64_and_int():
    both(lambda a: F.interpolate(a, size=(7, 9), mode="bicubic"),
         lambda a: TF.interpolate(a, size=(7, 9), mode="bicubic"),
         rng.standard_normal((1, 2, 4, 5)), tol=1e-12)
    xi = rng.integers(0, 255, (1, 2, 3, 4)).astype(np.uint8)
    np.testing.assert_array_equal(
        F.interpolate(ember.tensor(xi), scale_factor=2).numpy(),
        TF.interpolate(torch.tensor(xi), scale_factor=2).numpy())
    x = ember.tensor(rng.standard_normal((1, 1, 3, 4)), requires_grad=True)
    for mode in ("nearest", "bilinear", "bicubic"):
        f = lambda a: F.interpolate(a, size=(5, 3), mode=mode) ** 2  # noqa: E731
        assert gradcheck(f, (x,)) and gradgradcheck(f, (x,))


@pytest.mark.parametrize("call,exc", [
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), scale_factor=2, mode="linear"),
     NotImplementedError),
    (lambda L, F: F.interpolate(L.zeros(4, 5), scale_factor=2), NotImplementedError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), size=(3, 4), mode="foo"),
     NotImplementedError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), scale_factor=2, align_corners=True),
     ValueError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), size=3, scale_factor=2), ValueError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5)), ValueError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), size=(3,)), ValueError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), scale_factor=(2, 3, 4)), ValueError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), scale_factor=-1), RuntimeError),
    (lambda L, F: F.interpolate(L.zeros(2, 3, 4, 5), size=0), RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (1,)), RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (1,) * 10), RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (-3, -3)), RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (1, 1), mode="reflect"), NotImplementedError),
    (lambda L, F: F.pad(L.zeros(5), (1, 1), mode="replicate"), NotImplementedError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (5, 1, 0, 0), mode="reflect"), RuntimeError),
    (lambda L, F: F.pad(L.zeros(4, 5), (5, 1), mode="reflect"), RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (6, 1, 0, 0), mode="circular"), RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (1, 1), mode="foo"), NotImplementedError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (1, 1, 1, 1), mode="reflect", value=2),
     RuntimeError),
    (lambda L, F: F.pad(L.zeros(2, 3, 4, 5), (1.5, 1)), TypeError),
    (lambda L, F: F.unfold(L.zeros(1, 2, 3, 4, 5), 2), RuntimeError),
    (lambda L, F: F.unfold(L.zeros(2, 3, 4, 5), 5), RuntimeError),
    (lambda L, F: F.unfold(L.zeros(2, 3, 4, 5), (2, 2, 2)), RuntimeError),
    (lambda L, F: F.unfold(L.zeros(2, 3, 4, 5), 0), RuntimeError),
    (lambda L, F: F.unfold(L.zeros(2, 3, 4, 5), 2, stride=0), RuntimeError),
    (lambda L, F: F.unfold(L.zeros(2, 3, 4, 5), 2, padding=-1), RuntimeError),
    (lambda L, F: F.unfold(L.zeros(2, 3, 4, 5), 2, dilation=0), RuntimeError),
    (lambda L, F: F.fold(L.zeros(2, 12, 11), (4, 5), 2), RuntimeError),
    (lambda L, F: F.fold(L.zeros(2, 13, 12), (4, 5), 2), RuntimeError),
    (lambda L, F: F.fold(L.zeros(2, 3, 12, 12), (4, 5), 2), RuntimeError),
    (lambda L, F: F.fold(L.zeros(2, 12, 12), (4, 5, 6), 2), RuntimeError),
    (lambda L, F: F.pixel_shuffle(L.zeros(1, 5, 2, 2), 2), RuntimeError),
    (lambda L, F: F.pixel_shuffle(L.zeros(5, 2), 2), RuntimeError),
    (lambda L, F: F.pixel_unshuffle(L.zeros(1, 1, 3, 4), 2), RuntimeError),
    (lambda L, F: F.pixel_unshuffle(L.zeros(1, 1, 4, 3), 2), RuntimeError),
], ids=lambda v: "")
def test_errors_match_torch(call, exc):
    msgs = []
    for lib, fn in ((ember, F), (torch, TF)):
        with pytest.raises(exc) as info:
            call(lib, fn)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1], msgs


# -- unfold / fold / pixel shuffle --------------------------------------------------------------
@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=(2, 3), dilation=(1, 2),
                                                          padding=1, stride=(2, 1)),
                                dict(kernel_size=3, padding=(0, 1), stride=2)], ids=str)
def test_unfold_fold(kw):
    x = f32(2, 3, 6, 7)
    ey, ty = both(lambda a: F.unfold(a, **kw), lambda a: TF.unfold(a, **kw), x)
    both(lambda a: F.unfold(a, **kw), lambda a: TF.unfold(a, **kw), x[0])
    cols = ty.detach().numpy()
    both(lambda a: F.fold(a, (6, 7), **kw), lambda a: TF.fold(a, (6, 7), **kw), cols)
    both(lambda a: F.fold(a, (6, 7), **kw), lambda a: TF.fold(a, (6, 7), **kw), cols[0])
    c = ember.tensor(cols[:1].astype(np.float64), requires_grad=True)
    f = lambda a: F.fold(a, (6, 7), **kw) ** 2  # noqa: E731
    assert gradcheck(f, (c,)) and gradgradcheck(f, (c,))


def test_pixel_shuffle():
    both(lambda a: F.pixel_shuffle(a, 2), lambda a: TF.pixel_shuffle(a, 2), f32(2, 8, 3, 3))
    both(lambda a: F.pixel_shuffle(a, 3), lambda a: TF.pixel_shuffle(a, 3), f32(9, 2, 3))
    both(lambda a: F.pixel_unshuffle(a, 2), lambda a: TF.pixel_unshuffle(a, 2),
         f32(2, 3, 2, 4, 6))


# -- the CUDA code path, on the CPU through the fake CuPy of tests/core ------------------------
def test_cuda_path(monkeypatch):
    cuda_matches_cpu(monkeypatch, [
        lambda x: F.interpolate(x, scale_factor=1.7, mode="bilinear"),
        lambda x: F.interpolate(x, size=(5, 11)),
        lambda x: F.interpolate(x, size=(5, 11), mode="bicubic", align_corners=True),
        lambda x: F.pad(x, (1, 2, 2, 1), mode="reflect"),
        lambda x: F.pad(x, (1, 2, 2, 1), mode="circular"),
        lambda x: F.pad(x, (1, 2, -2, 1)),
        lambda x: F.unfold(x, 2, padding=1),
        lambda x: F.fold(F.unfold(x, 2, padding=1), (9, 8), 2, padding=1),
        lambda x: F.pixel_shuffle(x, 2),
    ], [f32(2, 4, 9, 8)])


# -- layers ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.ZeroPad2d(1), (2, 3, 4, 5)),
    (lambda nn: nn.ZeroPad1d((1, 2)), (2, 3, 5)),
    (lambda nn: nn.ZeroPad3d((1, 0, 2, 1, 0, 1)), (1, 2, 3, 4, 5)),
    (lambda nn: nn.ConstantPad2d((1, 2, -1, 4), 3.5), (2, 3, 4, 5)),
    (lambda nn: nn.ConstantPad1d(2, 1), (2, 3, 5)),
    (lambda nn: nn.ReflectionPad2d(2), (2, 3, 4, 5)),
    (lambda nn: nn.ReflectionPad1d((1, 3)), (3, 5)),
    (lambda nn: nn.ReflectionPad3d(1), (1, 2, 3, 4, 5)),
    (lambda nn: nn.ReplicationPad2d((1, 0, 3, 2)), (2, 3, 4, 5)),
    (lambda nn: nn.ReplicationPad1d((1, 2)), (2, 3, 5)),
    (lambda nn: nn.CircularPad2d(1), (2, 3, 4, 5)),
    (lambda nn: nn.CircularPad1d((2, 1)), (2, 3, 5)),
    (lambda nn: nn.Unfold(2, padding=1), (2, 3, 4, 5)),
    (lambda nn: nn.Fold((4, 5), 2), (2, 12, 12)),
], ids=lambda v: "")
def test_layers_against_torch(make, shape):
    check_module(make, [f32(*shape)])


def test_dtype_errors():
    for lib, fn in ((ember, F), (torch, TF)):
        with pytest.raises(NotImplementedError, match='"upsample_bilinear2d_channels_last" not '
                                                      "implemented for 'Long'"):
            fn.interpolate(lib.zeros(1, 1, 4, 4, dtype=lib.int64), scale_factor=2,
                           mode="bilinear")
        with pytest.raises(NotImplementedError, match='"upsample_nearest2d_channels_last" not '
                                                      "implemented for 'Bool'"):
            fn.interpolate(lib.zeros(1, 1, 4, 4, dtype=lib.bool), scale_factor=2)
        with pytest.raises(NotImplementedError, match="\"max_pool2d\" not implemented for 'Bool'"):
            fn.max_pool2d(lib.zeros(1, 1, 4, 4, dtype=lib.bool), 2)
        with pytest.raises(NotImplementedError, match="\"avg_pool2d\" not implemented for 'Bool'"):
            fn.avg_pool2d(lib.zeros(1, 1, 4, 4, dtype=lib.bool), 2)
    e = F.pad(ember.zeros(2, 2, dtype=ember.bool), (1, 1), value=True)
    assert e.dtype == ember.bool and e.numpy()[:, 0].all()

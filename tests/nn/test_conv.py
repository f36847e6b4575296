"""Convolutions (conv1d/2d/3d, conv_transpose1d/2d/3d) and their modules against torch:
bit-identical init, repr, forward, gradients, double backward, node names, errors."""
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
pytestmark = pytest.mark.filterwarnings("ignore:Using padding='same'")


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def f64(*shape):
    return rng.standard_normal(shape)


def both(fe, ft, arrays, *, rtol=1e-5, atol=1e-5, grad=True):
    """Run ``fe`` on ember tensors and ``ft`` on torch tensors made from ``arrays``; compare the
    output, its dtype and node name, and the gradients of every input."""
    e = [ember.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    t = [torch.tensor(a, requires_grad=grad and a.dtype.kind == "f") for a in arrays]
    ey, ty = fe(*e), ft(*t)
    assert tuple(ey.shape) == tuple(ty.shape)
    assert repr(ey.dtype) == str(ty.dtype)
    np.testing.assert_allclose(ey.detach().numpy(), ty.detach().numpy(), rtol=rtol, atol=atol)
    if not grad:
        return ey, ty
    assert ey.grad_fn.name() == ty.grad_fn.name()
    cot = rng.standard_normal(tuple(ty.shape)).astype(arrays[0].dtype)
    eg = ember.autograd.grad(ey, e, ember.tensor(cot))
    tg = torch.autograd.grad(ty, t, torch.tensor(cot))
    for a, b in zip(eg, tg):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=rtol * 10, atol=atol * 10)
    return ey, ty


# -- modules -----------------------------------------------------------------------------------
MODULES = [
    (lambda nn: nn.Conv2d(1, 6, 5), (2, 1, 12, 12)),
    (lambda nn: nn.Conv2d(1, 6, 5, padding=2), (2, 1, 9, 9)),
    (lambda nn: nn.Conv2d(6, 16, 5), (2, 6, 10, 10)),
    (lambda nn: nn.Conv2d(3, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2)),
     (2, 3, 9, 8)),
    (lambda nn: nn.Conv2d(4, 6, 3, groups=2, bias=False), (2, 4, 7, 6)),
    (lambda nn: nn.Conv2d(4, 8, 3, groups=4, padding=1), (1, 4, 5, 5)),
    (lambda nn: nn.Conv2d(3, 4, 1), (2, 3, 5, 4)),
    (lambda nn: nn.Conv2d(3, 4, 3, padding="same"), (2, 3, 6, 7)),
    (lambda nn: nn.Conv2d(3, 4, (2, 4), padding="same", dilation=(3, 1)), (2, 3, 8, 7)),
    (lambda nn: nn.Conv2d(3, 4, 3, padding="valid"), (2, 3, 6, 7)),
    (lambda nn: nn.Conv2d(3, 4, 3, padding=1, padding_mode="reflect"), (2, 3, 6, 7)),
    (lambda nn: nn.Conv2d(3, 4, 3, padding=(2, 1), padding_mode="replicate"), (2, 3, 6, 7)),
    (lambda nn: nn.Conv2d(3, 4, 3, padding=1, padding_mode="circular", stride=2), (2, 3, 6, 7)),
    (lambda nn: nn.Conv2d(3, 4, 2, padding="same", padding_mode="reflect"), (2, 3, 6, 7)),
    (lambda nn: nn.Conv2d(3, 4, 3), (3, 6, 7)),                           # unbatched
    (lambda nn: nn.Conv2d(2, 3, 3, dtype=torch_dtype(nn, "float64")), (2, 2, 5, 5)),
    (lambda nn: nn.Conv1d(3, 4, 3), (2, 3, 9)),
    (lambda nn: nn.Conv1d(4, 4, 2, stride=2, padding=1, dilation=2, groups=2), (2, 4, 9)),
    (lambda nn: nn.Conv1d(3, 4, 3, padding="same", padding_mode="circular"), (2, 3, 9)),
    (lambda nn: nn.Conv1d(3, 4, 3), (3, 9)),
    (lambda nn: nn.Conv3d(2, 3, 2, padding=1, stride=(1, 2, 1)), (2, 2, 4, 5, 3)),
    (lambda nn: nn.ConvTranspose2d(3, 4, 3), (2, 3, 5, 4)),
    (lambda nn: nn.ConvTranspose2d(3, 4, 3, stride=2, padding=1, output_padding=1), (2, 3, 5, 4)),
    (lambda nn: nn.ConvTranspose2d(4, 6, (3, 2), stride=(2, 3), groups=2, dilation=(1, 2),
                                   bias=False), (2, 4, 3, 4)),
    (lambda nn: nn.ConvTranspose2d(3, 2, 4, stride=2, padding=1), (3, 5, 5)),
    (lambda nn: nn.ConvTranspose1d(3, 4, 3, stride=2, output_padding=1), (2, 3, 6)),
    (lambda nn: nn.ConvTranspose3d(2, 3, 2, stride=2), (1, 2, 3, 2, 3)),
]


def torch_dtype(nn, name):
    return getattr(torch if nn is torch.nn else ember, name)


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("make,shape", MODULES, ids=lambda v: "")
def test_module_against_torch(make, shape, seed):
    x = rng.standard_normal(shape)
    dtype = np.float64 if "float64" in str(make.__code__.co_consts) else np.float32
    check_module(make, [x.astype(dtype)], seed=seed)


def test_module_reprs_and_attributes():
    cases = [
        lambda nn: nn.Conv2d(1, 6, 5),
        lambda nn: nn.Conv2d(3, 6, (3, 5), stride=2, padding=1, dilation=2, groups=3,
                             bias=False, padding_mode="reflect"),
        lambda nn: nn.Conv2d(2, 4, 3, padding="same"),
        lambda nn: nn.Conv1d(2, 4, 3),
        lambda nn: nn.Conv3d(2, 4, (1, 2, 3)),
        lambda nn: nn.ConvTranspose2d(3, 4, 3, stride=2, output_padding=1),
        lambda nn: nn.ConvTranspose1d(3, 4, 3, groups=1, dilation=2),
    ]
    for make in cases:
        e, t = make(ember.nn), make(torch.nn)
        assert repr(e) == repr(t)
        for name in ("in_channels", "out_channels", "kernel_size", "stride", "padding",
                     "dilation", "groups", "padding_mode", "output_padding", "transposed"):
            assert getattr(e, name) == getattr(t, name), name
        assert e._reversed_padding_repeated_twice == list(t._reversed_padding_repeated_twice)


def test_conv_transpose_output_size():
    check_module(lambda nn: nn.ConvTranspose2d(3, 4, 3, stride=2), [f32(1, 3, 4, 4)],
                 call=lambda m, x: m(x, output_size=(10, 10)))
    check_module(lambda nn: nn.ConvTranspose2d(3, 4, 3, stride=2), [f32(1, 3, 4, 4)],
                 call=lambda m, x: m(x, output_size=[1, 4, 9, 10]))
    for lib in (ember, torch):
        m = lib.nn.ConvTranspose2d(3, 6, 3, stride=2)
        with pytest.raises(ValueError, match=r"requested an output size of \(20, 20\), but "
                           r"valid sizes range from \[9, 9\] to \[10, 10\]"):
            m(lib.zeros(1, 3, 4, 4), output_size=(20, 20))
        with pytest.raises(ValueError, match="must have 2 or 4 elements"):
            m(lib.zeros(1, 3, 4, 4), output_size=(1, 10, 10))


@pytest.mark.parametrize("kwargs,err", [
    (dict(padding="foo"), "Invalid padding string 'foo', should be one of"),
    (dict(padding="same", stride=2), "padding='same' is not supported for strided"),
    (dict(groups=2), "in_channels must be divisible by groups"),
    (dict(groups=0), "groups must be a positive integer"),
    (dict(padding_mode="foo"), "padding_mode must be one of"),
])
def test_module_constructor_errors(kwargs, err):
    for lib in (ember, torch):
        with pytest.raises(ValueError, match=err):
            lib.nn.Conv2d(3, 6, 3, **kwargs)
    for lib in (ember, torch):
        with pytest.raises(ValueError, match="out_channels must be divisible by groups"):
            lib.nn.Conv2d(4, 6, 3, groups=4)
        with pytest.raises(ValueError, match='Only "zeros" padding mode is supported for '
                                             'ConvTranspose2d'):
            lib.nn.ConvTranspose2d(3, 6, 3, padding_mode="reflect")


# -- functional forms --------------------------------------------------------------------------
CONV_CASES = list(itertools.product([1, 2], [0, 1, (1, 2)], [1, 2], [1, 2]))


@pytest.mark.parametrize("stride,padding,dilation,groups", CONV_CASES)
def test_conv2d_configs(stride, padding, dilation, groups):
    x, w, b = f32(2, 4, 9, 8), f32(6, 4 // groups, 3, 2), f32(6)
    both(lambda *a: F.conv2d(*a, stride, padding, dilation, groups),
         lambda *a: TF.conv2d(*a, stride, padding, dilation, groups), [x, w, b])


@pytest.mark.parametrize("stride,padding,dilation,groups", CONV_CASES)
def test_conv1d_and_3d_configs(stride, padding, dilation, groups):
    p1 = padding if isinstance(padding, int) else padding[:1]
    both(lambda *a: F.conv1d(*a, stride, p1, dilation, groups),
         lambda *a: TF.conv1d(*a, stride, p1, dilation, groups),
         [f32(2, 4, 11), f32(6, 4 // groups, 3), f32(6)])
    p3 = padding if isinstance(padding, int) else padding + (0,)
    both(lambda *a: F.conv3d(*a, stride=stride, padding=p3, dilation=dilation, groups=groups),
         lambda *a: TF.conv3d(*a, stride=stride, padding=p3, dilation=dilation, groups=groups),
         [f32(1, 4, 5, 6, 5), f32(2, 4 // groups, 2, 3, 2)])


@pytest.mark.parametrize("stride,padding,dilation,groups", CONV_CASES)
def test_conv_transpose_configs(stride, padding, dilation, groups):
    opad = 1 if stride == 2 else 0
    x, w, b = f32(2, 4, 5, 4), f32(4, 6 // groups, 3, 2), f32(6)
    both(lambda *a: F.conv_transpose2d(*a, stride, padding, opad, groups, dilation),
         lambda *a: TF.conv_transpose2d(*a, stride, padding, opad, groups, dilation), [x, w, b])
    p1 = padding if isinstance(padding, int) else padding[0]
    both(lambda *a: F.conv_transpose1d(*a, stride=stride, padding=p1, output_padding=opad,
                                       groups=groups, dilation=dilation),
         lambda *a: TF.conv_transpose1d(*a, stride=stride, padding=p1, output_padding=opad,
                                        groups=groups, dilation=dilation),
         [f32(2, 4, 6), f32(4, 6 // groups, 3)])
    both(lambda *a: F.conv_transpose3d(*a, stride=stride, groups=groups),
         lambda *a: TF.conv_transpose3d(*a, stride=stride, groups=groups),
         [f32(1, 4, 3, 2, 3), f32(4, 2 // groups, 2, 2, 1), f32(2)])


def test_output_padding_from_dilation():
    # output_padding < dilation (stride 1) grows the output; its backward must crop
    both(lambda *a: F.conv_transpose2d(*a, output_padding=1, dilation=2),
         lambda *a: TF.conv_transpose2d(*a, output_padding=1, dilation=2),
         [f32(2, 3, 4, 4), f32(3, 2, 3, 3)])


def test_same_padding_asymmetric_and_unbatched():
    both(lambda x, w: F.conv2d(x, w, padding="same"), lambda x, w: TF.conv2d(x, w, padding="same"),
         [f32(2, 3, 6, 5), f32(4, 3, 2, 4)])
    both(lambda x, w: F.conv1d(x, w, padding="same", dilation=3),
         lambda x, w: TF.conv1d(x, w, padding="same", dilation=3), [f32(2, 3, 9), f32(4, 3, 2)])
    ey, ty = both(lambda x, w: F.conv2d(x, w), lambda x, w: TF.conv2d(x, w),
                  [f32(3, 6, 5), f32(4, 3, 2, 2)])
    assert ey.grad_fn.name() == "SqueezeBackward1"
    both(lambda x, w: F.conv_transpose2d(x, w, stride=2),
         lambda x, w: TF.conv_transpose2d(x, w, stride=2), [f32(3, 4, 4), f32(3, 2, 3, 3)])


def test_next_functions_and_contiguity():
    x = ember.randn(2, 3, 6, 6, requires_grad=True)
    w = ember.randn(4, 3, 3, 3, requires_grad=True)
    y = F.conv2d(x, w)
    assert y.grad_fn.name() == "ConvolutionBackward0"
    assert len(y.grad_fn.next_functions) == 3 and y.grad_fn.next_functions[2] == (None, 0)
    assert y.is_contiguous()
    assert y.view(2, -1).shape == (2, 64)   # conv outputs are plain NCHW, as in torch
    gx, gw = ember.autograd.grad(y.sum(), (x, w), create_graph=True)
    assert gx.grad_fn.name() == "ConvolutionBackwardBackward0"
    assert gw.grad_fn.name() == "ConvolutionBackwardBackward0"
    assert gx.is_contiguous() and gw.is_contiguous()


def test_float64_int_and_empty():
    both(lambda x, w, b: F.conv2d(x, w, b, padding=1),
         lambda x, w, b: TF.conv2d(x, w, b, padding=1),
         [f64(2, 3, 5, 5), f64(4, 3, 3, 3), f64(4)], rtol=1e-10, atol=1e-10)
    xi = rng.integers(-3, 4, (2, 3, 5, 5))
    wi = rng.integers(-3, 4, (4, 3, 2, 2))
    ey = F.conv2d(ember.tensor(xi), ember.tensor(wi))
    ty = TF.conv2d(torch.tensor(xi), torch.tensor(wi))
    assert ey.dtype == ember.int64
    np.testing.assert_array_equal(ey.numpy(), ty.numpy())
    both(lambda x, w: F.conv2d(x, w), lambda x, w: TF.conv2d(x, w),
         [f32(0, 3, 5, 5), f32(4, 3, 3, 3)])
    both(lambda x, w: F.conv_transpose2d(x, w, padding=4),
         lambda x, w: TF.conv_transpose2d(x, w, padding=4), [f32(2, 3, 8, 8), f32(3, 4, 3, 3)])


def test_ties_and_special_values():
    # exact ties and inf/nan must go where torch puts them
    x = np.maximum(rng.integers(-2, 3, (2, 3, 6, 6)), 0).astype(np.float32)
    w = rng.integers(-1, 2, (2, 3, 3, 3)).astype(np.float32)
    both(lambda *a: F.conv2d(*a, padding=1), lambda *a: TF.conv2d(*a, padding=1), [x, w],
         rtol=0, atol=0, grad=False)
    x[0, 0, 2, 2] = np.inf
    ey = F.conv2d(ember.tensor(x), ember.tensor(w))
    ty = TF.conv2d(torch.tensor(x), torch.tensor(w))
    np.testing.assert_array_equal(np.isnan(ey.numpy()), np.isnan(ty.numpy()))
    np.testing.assert_array_equal(np.isinf(ey.numpy()), np.isinf(ty.numpy()))


# -- finite differences -------------------------------------------------------------------------
@pytest.mark.parametrize("fn,shapes,kwargs", [
    (F.conv2d, [(2, 4, 5, 4), (4, 2, 3, 2), (4,)], dict(stride=2, padding=1, groups=2)),
    (F.conv2d, [(1, 2, 5, 5), (3, 2, 2, 2)], dict(dilation=2, padding="same")),
    (F.conv1d, [(2, 2, 7), (3, 2, 3), (3,)], dict(stride=2, padding=1)),
    (F.conv3d, [(1, 2, 3, 4, 3), (2, 2, 2, 2, 2)], dict(padding=(1, 0, 1))),
    (F.conv_transpose2d, [(2, 4, 3, 3), (4, 2, 3, 2), (4,)],
     dict(stride=2, padding=1, output_padding=1, groups=2)),
    (F.conv_transpose1d, [(2, 3, 4), (3, 2, 3)], dict(stride=3, dilation=2)),
], ids=lambda v: "")
def test_gradcheck_and_gradgradcheck(fn, shapes, kwargs):
    args = [ember.tensor(f64(*s), requires_grad=True) for s in shapes]
    f = lambda *a: fn(*a, **kwargs)  # noqa: E731
    assert gradcheck(f, args)
    assert gradgradcheck(f, args)


def test_double_backward_matches_torch():
    x, w = f64(2, 3, 6, 5), f64(4, 3, 3, 2)
    out = []
    for lib, fn in ((ember, F.conv2d), (torch, TF.conv2d)):
        a, b = lib.tensor(x, requires_grad=True), lib.tensor(w, requires_grad=True)
        y = fn(a, b, stride=2, padding=1)
        gx, gw = lib.autograd.grad((y * y).sum(), (a, b), create_graph=True)
        h = lib.autograd.grad((gx.sin().sum() + (gw * gw).sum()), (a, b))
        out.append([t.detach().numpy() for t in (gx, gw) + tuple(h)])
    for e, t in zip(*out):
        np.testing.assert_allclose(e, t, rtol=1e-9, atol=1e-9)


# -- errors -------------------------------------------------------------------------------------
def _raises_same(call, exc=RuntimeError):
    """``call(lib, F)`` raises the same type and message with ember and torch."""
    msgs = []
    for lib, fn in ((ember, F), (torch, TF)):
        with pytest.raises(exc) as info:
            call(lib, fn)
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1], msgs


@pytest.mark.parametrize("call", [
    lambda L, F: F.conv2d(L.zeros(8, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(1, 2, 3, 8, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv1d(L.zeros(2, 3, 4, 5), L.zeros(4, 3, 3)),
    lambda L, F: F.conv_transpose2d(L.zeros(8, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 1, 8, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(1, 8, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 9, 9)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), dilation=4),
    lambda L, F: F.conv1d(L.zeros(2, 3, 8), L.zeros(4, 3, 9)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 0, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), groups=2),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 1, 3, 3), groups=3),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(0, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), L.zeros(3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), L.zeros(4, 1)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3, dtype=L.float64)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8, dtype=L.float64), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), L.zeros(4, dtype=L.float64)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), stride=0),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), padding=-1),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), dilation=0),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), groups=0),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), stride=2, padding="same"),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), padding="foo"),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), padding=(1, 2, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), stride=(1, 2, 3)),
    lambda L, F: F.conv2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3), padding=[]),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(4, 3, 3, 3)),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3), output_padding=1),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3), stride=2,
                                    output_padding=2),
    lambda L, F: F.conv_transpose1d(L.zeros(2, 3, 8), L.zeros(3, 4, 3), output_padding=1),
    lambda L, F: F.conv_transpose3d(L.zeros(2, 3, 4, 4, 4), L.zeros(3, 4, 3, 3, 3),
                                    output_padding=1),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3), L.zeros(3)),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 2, 3, 3), groups=2),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3), stride=0),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3), padding=-1),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3), output_padding=-1),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3, dtype=L.float64)),
    lambda L, F: F.conv_transpose2d(L.zeros(2, 3, 8, 8), L.zeros(3, 4, 3, 3),
                                    L.zeros(4, dtype=L.float64)),
], ids=lambda v: "")
def test_errors_match_torch(call):
    _raises_same(call)


def test_type_errors():
    for lib, fn in ((ember, F), (torch, TF)):
        with pytest.raises(TypeError):
            fn.conv2d(np.zeros((2, 3, 8, 8)), lib.zeros(4, 3, 3, 3))
        with pytest.raises(TypeError):
            fn.conv2d(lib.zeros(2, 3, 8, 8), lib.zeros(4, 3, 3, 3), stride=2.0)
        with pytest.raises(TypeError, match="argument 'padding' must be tuple of ints, not str"):
            fn.conv_transpose2d(lib.zeros(2, 3, 8, 8), lib.zeros(3, 4, 3, 3), padding="same")
        with pytest.raises(NotImplementedError, match='"slow_conv2d_cpu" not implemented for '
                                                      "'Bool'"):
            fn.conv2d(lib.zeros(2, 3, 8, 8, dtype=lib.bool), lib.zeros(4, 3, 3, 3, dtype=lib.bool))


def test_saved_input_modified_in_place():
    x = ember.randn(1, 2, 5, 5, requires_grad=True)
    h = x * 1
    y = F.conv2d(h, ember.randn(3, 2, 3, 3, requires_grad=True))
    h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


# -- the CUDA code path, on the CPU through the fake CuPy of tests/core ------------------------
def test_cuda_path(monkeypatch):
    cuda_matches_cpu(monkeypatch, [
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1, groups=2),
        lambda x, w, b: F.conv1d(x[:, :, 0], w[:, :, 0], b, padding="same", groups=2),
        lambda x, w, b: F.conv_transpose2d(x, w.reshape(4, 3, 3, 3), None, stride=2,
                                           output_padding=1),
    ], [f32(2, 4, 7, 6), f32(6, 2, 3, 3), f32(6)])


@pytest.mark.parametrize("chunk", [1, 3000])
def test_chunked_im2col(monkeypatch, chunk):
    # big convolutions make and use their columns a few output rows at a time
    from ember.nn.functional import _im2col
    monkeypatch.setattr(_im2col, "_CHUNK_BYTES", chunk)
    both(lambda *a: F.conv2d(*a, stride=2, padding=(1, 2), dilation=(2, 1), groups=2),
         lambda *a: TF.conv2d(*a, stride=2, padding=(1, 2), dilation=(2, 1), groups=2),
         [f32(2, 4, 9, 8), f32(6, 2, 3, 2), f32(6)])
    both(lambda *a: F.conv3d(*a, padding=1), lambda *a: TF.conv3d(*a, padding=1),
         [f32(2, 2, 5, 4, 3), f32(3, 2, 2, 3, 2)])
    both(lambda *a: F.conv1d(*a, padding=1), lambda *a: TF.conv1d(*a, padding=1),
         [f32(2, 2, 7), f32(3, 2, 3)])
    both(lambda *a: F.conv_transpose2d(*a, stride=2, output_padding=1),
         lambda *a: TF.conv_transpose2d(*a, stride=2, output_padding=1),
         [f32(2, 4, 5, 4), f32(4, 3, 3, 2), f32(3)])
    x = ember.tensor(f64(1, 2, 5, 4), requires_grad=True)
    w = ember.tensor(f64(3, 2, 2, 2), requires_grad=True)
    assert gradgradcheck(lambda a, b: F.conv2d(a, b, padding=1), (x, w))

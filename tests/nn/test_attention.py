"""scaled_dot_product_attention, multi_head_attention_forward and nn.MultiheadAttention
against torch: values, gradients, masks, dropout masks, torch's inference fast path, errors."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F
from tests.nn.module_check import check_module

_rng = np.random.default_rng(0)


def r(*shape, dtype=np.float32):
    return _rng.standard_normal(shape).astype(dtype)


def both(a, requires_grad=False):
    e = ember.tensor(a)
    t = torch.from_numpy(np.array(a))
    if requires_grad:
        e.requires_grad_(True)
        t.requires_grad_(True)
    return e, t


def close(e, t, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


# -- scaled_dot_product_attention ----------------------------------------------------------
_causal_bool = np.tril(np.ones((4, 5), bool))
_some_bool = _rng.random((4, 5)) > 0.3
_dead_row = np.ones((4, 5), bool)
_dead_row[1] = False
SDPA_CASES = {
    "plain": ((2, 3, 4, 8), (2, 3, 5, 8), {}),
    "unbatched": ((4, 8), (5, 8), {}),
    "bool_mask": ((2, 3, 4, 8), (2, 3, 5, 8), {"attn_mask": _some_bool}),
    "bool_mask_per_batch": ((2, 3, 4, 8), (2, 3, 5, 8),
                            {"attn_mask": _rng.random((2, 1, 4, 5)) > 0.3}),
    "float_mask": ((2, 3, 4, 8), (2, 3, 5, 8), {"attn_mask": r(4, 5)}),
    "causal": ((2, 3, 4, 8), (2, 3, 5, 8), {"is_causal": True}),
    "causal_and_mask": ((2, 1, 4, 8), (2, 1, 5, 8), {"is_causal": True,
                                                     "attn_mask": _some_bool}),
    "causal_short_keys": ((1, 4, 8), (1, 3, 8), {"is_causal": True}),
    "scale": ((2, 3, 4, 8), (2, 3, 5, 8), {"scale": 0.3}),
    "dead_row": ((2, 3, 4, 8), (2, 3, 5, 8), {"attn_mask": _dead_row}),
    "float_dead_row": ((2, 4, 8), (2, 5, 8),
                       {"attn_mask": np.where(_dead_row, 0, -np.inf).astype(np.float32)}),
}


@pytest.mark.parametrize("name", list(SDPA_CASES))
def test_sdpa_against_torch(name):
    qs, ks, kw = SDPA_CASES[name]
    (qe, qt), (ke, kt), (ve, vt) = (both(r(*s), True) for s in (qs, ks, ks))
    ekw, tkw = dict(kw), dict(kw)
    if "attn_mask" in kw:
        ekw["attn_mask"], tkw["attn_mask"] = both(kw["attn_mask"])
    oe = F.scaled_dot_product_attention(qe, ke, ve, **ekw)
    ot = TF.scaled_dot_product_attention(qt, kt, vt, **tkw)
    assert tuple(oe.shape) == tuple(ot.shape)
    close(oe, ot)
    g = r(*ot.shape)
    ge = ember.autograd.grad(oe, (qe, ke, ve), ember.tensor(g))
    gt = torch.autograd.grad(ot, (qt, kt, vt), torch.from_numpy(g))
    for a, b in zip(ge, gt):
        close(a, b, rtol=1e-4, atol=1e-5)


def test_sdpa_float_mask_gradient_and_gqa():
    (qe, qt), (ke, kt), (ve, vt) = both(r(2, 4, 3, 8)), both(r(2, 2, 5, 8)), both(r(2, 2, 5, 8))
    me, mt = both(r(3, 5), True)
    oe = F.scaled_dot_product_attention(qe, ke, ve, attn_mask=me, enable_gqa=True)
    ot = TF.scaled_dot_product_attention(qt, kt, vt, attn_mask=mt, enable_gqa=True)
    close(oe, ot)
    oe.sum().backward()
    ot.sum().backward()
    close(me.grad, mt.grad, rtol=1e-4, atol=1e-5)


def test_sdpa_dropout_masks_match_torch():
    (qe, qt), (ke, kt), (ve, vt) = (both(r(2, 3, 4, 8)) for _ in range(3))
    ember.manual_seed(3)
    torch.manual_seed(3)
    close(F.scaled_dot_product_attention(qe, ke, ve, dropout_p=0.5),
          TF.scaled_dot_product_attention(qt, kt, vt, dropout_p=0.5))
    assert ember.rand(1).item() == torch.rand(1).item()


def test_sdpa_float64_gradcheck():
    q, k, v = (ember.randn(1, 2, 3, 4, dtype=ember.float64, requires_grad=True)
               for _ in range(3))
    mask = ember.tensor(_some_bool[:3, :3].copy())
    mask[:, 0] = True
    assert ember.autograd.gradcheck(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=True),
        (q, k, v))


@pytest.mark.parametrize("case", [
    lambda L, F: F.scaled_dot_product_attention(L.randn(2, 4, 8, dtype=L.float64),
                                                L.randn(2, 5, 8), L.randn(2, 5, 8)),
    lambda L, F: F.scaled_dot_product_attention(L.randn(2, 4, 8), L.randn(2, 5, 8),
                                                L.randn(2, 5, 8),
                                                attn_mask=L.zeros(4, 5, dtype=L.int64)),
    lambda L, F: F.scaled_dot_product_attention(L.randn(4, 8), L.randn(5, 8), L.randn(5, 8),
                                                attn_mask=L.zeros(4, 5, dtype=L.float64)),
    lambda L, F: F.scaled_dot_product_attention(L.randn(4, 8), L.randn(5, 8), L.randn(5, 8),
                                                attn_mask=L.zeros(4, 5, dtype=L.float16)),
    # torch's math kernel (not 4-d, dropout, or a mask that requires grad) refuses both masks
    lambda L, F: F.scaled_dot_product_attention(L.randn(4, 8), L.randn(5, 8), L.randn(5, 8),
                                                attn_mask=L.ones(4, 5, dtype=L.bool),
                                                is_causal=True),
    lambda L, F: F.scaled_dot_product_attention(L.randn(1, 1, 4, 8), L.randn(1, 1, 5, 8),
                                                L.randn(1, 1, 5, 8),
                                                attn_mask=L.zeros(4, 5, requires_grad=True),
                                                is_causal=True),
])
def test_sdpa_errors(case):
    with pytest.raises(Exception) as et:
        case(torch, TF)
    with pytest.raises(type(et.value)) as ee:
        case(ember, F)
    assert str(ee.value) == str(et.value)


# -- nn.MultiheadAttention --------------------------------------------------------------------
_x, _kv = r(5, 2, 8), r(6, 2, 8)
_bm = np.zeros((5, 6), bool)
_bm[:, -1] = True
_bm[0, 2] = True
_kpm = np.zeros((2, 6), bool)
_kpm[1, -2:] = True
_bf = lambda a: np.ascontiguousarray(a.transpose(1, 0, 2))  # noqa: E731


def _call(mask_names=(), **kw):
    """Module call that passes trailing inputs as the named masks; drops a None weight."""
    def call(m, *xs):
        n = len(xs) - len(mask_names)
        out = m(*xs[:n], **dict(zip(mask_names, xs[n:])), **kw)
        assert (out[1] is None) == (kw.get("need_weights", True) is False)
        return tuple(o for o in out if o is not None)
    return call


def _self_call(**kw):
    def call(m, x, *masks):
        names = ("key_padding_mask", "attn_mask")[:len(masks)]
        out = m(x, x, x, **dict(zip(names, masks)), **kw)
        return tuple(o for o in out if o is not None)
    return call


MHA = lambda *a, **k: (lambda nn: nn.MultiheadAttention(*a, **k))  # noqa: E731
MHA_CASES = {
    "cross": (MHA(8, 2), [_x, _kv, _kv], _call()),
    "self_same_tensor": (MHA(8, 2), [_x], _self_call()),
    "self_same_tensor_kpm_no_weights": (MHA(8, 2), [_x, _kpm[:, :5]],
                                        _self_call(need_weights=False)),
    "batch_first_no_weights": (MHA(8, 2, batch_first=True), [_bf(_x), _bf(_kv), _bf(_kv)],
                               _call(need_weights=False)),
    "per_head_weights_nobias": (MHA(8, 4, bias=False), [_x, _kv, _kv],
                                _call(average_attn_weights=False)),
    "kdim_vdim": (MHA(8, 2, kdim=3, vdim=5), [_x, r(6, 2, 3), r(6, 2, 5)], _call()),
    "bool_attn_mask": (MHA(8, 2), [_x, _kv, _kv, _bm], _call(["attn_mask"])),
    "attn_mask_3d": (MHA(8, 2), [_x, _kv, _kv, r(4, 5, 6)], _call(["attn_mask"])),
    "bool_kpm": (MHA(8, 2), [_x, _kv, _kv, _kpm], _call(["key_padding_mask"])),
    "both_masks_sdpa": (MHA(8, 2), [_x, _kv, _kv, _kpm, _bm],
                        _call(["key_padding_mask", "attn_mask"], need_weights=False)),
    "float_mask_sdpa": (MHA(8, 2), [_x, _kv, _kv, r(5, 6)],
                        _call(["attn_mask"], need_weights=False)),
    "causal_hint_sdpa": (MHA(8, 2), [_x, _x.copy(), _x.copy(),
                                     np.triu(np.ones((5, 5), bool), 1)],
                         _call(["attn_mask"], need_weights=False, is_causal=True)),
    "bias_kv_zero_attn": (MHA(8, 2, add_bias_kv=True, add_zero_attn=True),
                          [_x, _kv, _kv, _kpm, _bm], _call(["key_padding_mask", "attn_mask"])),
    "unbatched": (MHA(8, 2), [_x[:, 0], _kv[:, 0], _kv[:, 0], _kpm[1]],
                  _call(["key_padding_mask"])),
    "unbatched_batch_first": (MHA(8, 2, batch_first=True), [_x[:, 0], _kv[:, 0], _kv[:, 0]],
                              _call()),
}


@pytest.mark.parametrize("name", list(MHA_CASES))
def test_mha_against_torch(name):
    make, inputs, call = MHA_CASES[name]
    check_module(make, inputs, call=call)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_dropout_masks_match_torch(need_weights):
    check_module(MHA(8, 2, dropout=0.5), [_x, _kv, _kv], call=_call(need_weights=need_weights))


@pytest.mark.parametrize("kw", [{}, {"need_weights": False}, {"average_attn_weights": False}])
def test_mha_inference_fast_path(kw):
    # torch takes its fused kernel here (eval, no grad, batch_first, self-attention)
    x, kpm = _bf(_x), _kpm[:, :5]
    for masks in ({}, {"key_padding_mask": kpm}, {"attn_mask": _bm[:, :5]}):
        em, tm = check_module(MHA(8, 2, batch_first=True), [x], train=False, grad=False,
                              call=_self_call(**kw))
        xe, xt = both(x)
        me = {k: ember.tensor(v) for k, v in masks.items()}
        mt = {k: torch.from_numpy(v) for k, v in masks.items()}
        with ember.no_grad(), torch.no_grad():
            oe, we = em(xe, xe, xe, **me, **kw)
            ot, wt = tm(xt, xt, xt, **mt, **kw)
        close(oe, ot)
        assert (we is None) == (wt is None)
        if wt is not None:
            close(we, wt)


def test_mha_float64_gradcheck():
    ember.manual_seed(0)
    m = ember.nn.MultiheadAttention(4, 2, dtype=ember.float64)
    q = ember.randn(3, 1, 4, dtype=ember.float64, requires_grad=True)
    kv = ember.randn(2, 1, 4, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradcheck(lambda q, kv: m(q, kv, kv), (q, kv))


def test_multi_head_attention_forward_functional():
    for lib in (ember, torch):
        lib.manual_seed(0)
    e, t = ember.nn.MultiheadAttention(8, 2), torch.nn.MultiheadAttention(8, 2)
    (qe, qt), (ke, kt) = both(_x), both(_kv)
    args = lambda m: (8, 2, m.in_proj_weight, m.in_proj_bias, None, None, False, 0.0,  # noqa
                      m.out_proj.weight, m.out_proj.bias)
    oe, we = F.multi_head_attention_forward(qe, ke, ke, *args(e), training=False)
    ot, wt = TF.multi_head_attention_forward(qt, kt, kt, *args(t), training=False)
    close(oe, ot)
    close(we, wt)


def test_mha_repr_and_parameters():
    for kw in ({}, {"kdim": 3, "vdim": 5, "bias": False, "add_bias_kv": True}):
        e, t = ember.nn.MultiheadAttention(8, 2, **kw), torch.nn.MultiheadAttention(8, 2, **kw)
        assert repr(e) == repr(t)
        assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
        assert type(e.out_proj).__name__ == "NonDynamicallyQuantizableLinear"
        assert isinstance(e.out_proj, ember.nn.Linear)


def test_mha_mismatched_mask_types_warn():
    for lib in (ember, torch):
        m = lib.nn.MultiheadAttention(8, 2)
        x = lib.randn(5, 2, 8)
        with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask"):
            m(x, x, x, key_padding_mask=lib.zeros(2, 5, dtype=lib.bool),
              attn_mask=lib.zeros(5, 5))


@pytest.mark.parametrize("case", [
    lambda L: L.nn.MultiheadAttention(8, 3),
    lambda L: L.nn.MultiheadAttention(0, 2),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(6, 2, 8), attn_mask=L.ones(5, 6)
                                            .to(L.int64)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(6, 2, 8), attn_mask=L.zeros(5, 5)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(6, 2, 8), attn_mask=L.zeros(3, 5, 6)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(6, 2, 8),
                                            key_padding_mask=L.zeros(2, 5, dtype=L.bool)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 8), L.randn(6, 2, 8)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(1, 5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(6, 2, 8)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(6, 2, 8), is_causal=True),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 6), L.randn(6, 2, 6),
                                            L.randn(6, 2, 6)),
    lambda L: L.nn.MultiheadAttention(8, 2)(L.randn(5, 2, 8), L.randn(6, 2, 8),
                                            L.randn(7, 2, 8)),
])
def test_mha_errors_match_torch(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as et:
            case(torch)
        with pytest.raises(type(et.value)) as ee:
            case(ember)
    assert str(ee.value) == str(et.value)


def test_mha_fast_path_corner_cases_match_torch():
    # a batch element whose keys are all padded: NaN from torch's fused kernel, zeros from
    # its regular need_weights=False path; is_causal without a mask is ignored by the kernel
    x = _bf(_x)
    kpm = np.zeros((2, 5), bool)
    kpm[1] = True
    for lib in (ember, torch):
        lib.manual_seed(0)
    em = ember.nn.MultiheadAttention(8, 2, batch_first=True).eval()
    tm = torch.nn.MultiheadAttention(8, 2, batch_first=True).eval()
    (xe, xt), (ke, kt) = both(x), both(kpm)
    for grad in (True, False):
        for kw in ({"key_padding_mask": (ke, kt), "need_weights": False},
                   {"key_padding_mask": (ke, kt)}, {"is_causal": True, "need_weights": False}):
            ekw = {k: v[0] if isinstance(v, tuple) else v for k, v in kw.items()}
            tkw = {k: v[1] if isinstance(v, tuple) else v for k, v in kw.items()}
            with ember.set_grad_enabled(grad), torch.set_grad_enabled(grad):
                if grad and "is_causal" in kw:
                    continue  # the regular path raises (needs attn_mask): tested above
                oe, ot = em(xe, xe, xe, **ekw)[0], tm(xt, xt, xt, **tkw)[0]
            np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=1e-5,
                                       atol=1e-6, equal_nan=True)

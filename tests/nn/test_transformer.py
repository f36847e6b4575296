"""TransformerEncoderLayer and TransformerEncoder against torch: init, repr, forward, gradients,
masks, dropout masks, and what torch's inference fast paths (fused layer, nested tensors)
return."""
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.nn.module_check import check_module

_rng = np.random.default_rng(0)


def r(*shape, dtype=np.float32):
    return _rng.standard_normal(shape).astype(dtype)


_x = r(5, 3, 8)        # (S, N, E)
_xb = r(3, 5, 8)       # (N, S, E)
_kpm = np.zeros((3, 5), bool)
_kpm[1, 3:] = True
_kpm[2, 1:] = True
_causal = np.triu(np.full((5, 5), -np.inf, np.float32), 1)


def _call(*names, **kw):
    def call(m, x, *masks):
        return m(x, **dict(zip(names, masks)), **kw)
    return call


def Layer(*a, **k):
    return lambda nn: nn.TransformerEncoderLayer(*a, **k)


LAYER_CASES = {
    "post_norm": (Layer(8, 2, 16, dropout=0.0), [_x], _call()),
    "pre_norm_gelu_batch_first": (Layer(8, 2, 16, 0.0, "gelu", batch_first=True,
                                        norm_first=True), [_xb], _call()),
    "no_bias_eps": (Layer(8, 4, 16, 0.0, bias=False, layer_norm_eps=1e-3), [_x], _call()),
    "kpm": (Layer(8, 2, 16, dropout=0.0, batch_first=True), [_xb, _kpm],
            _call("src_key_padding_mask")),
    "causal_mask": (Layer(8, 2, 16, dropout=0.0), [_x, _causal], _call("src_mask")),
    "causal_hint_and_kpm": (Layer(8, 2, 16, dropout=0.0, batch_first=True),
                            [_xb, _causal, _kpm.astype(np.float32) * -1e9],
                            _call("src_mask", "src_key_padding_mask", is_causal=True)),
    "unbatched": (Layer(8, 2, 16, dropout=0.0), [_x[:, 0]], _call()),
}


@pytest.mark.parametrize("name", list(LAYER_CASES))
def test_encoder_layer_train_against_torch(name):
    make, inputs, call = LAYER_CASES[name]
    check_module(make, inputs, call=call)


EVAL_CASES = {
    "post_norm": (Layer(8, 2, 16, dropout=0.3), [_x], _call()),
    "kpm": (Layer(8, 2, 16, dropout=0.3, batch_first=True), [_xb, _kpm],
            _call("src_key_padding_mask")),
    "causal_mask": (Layer(8, 2, 16, dropout=0.3), [_x, _causal], _call("src_mask")),
    "unbatched": (Layer(8, 2, 16, dropout=0.3, batch_first=True), [_x[:, 0]], _call()),
}


@pytest.mark.parametrize("name", list(EVAL_CASES))
def test_encoder_layer_eval_with_dropout(name):
    make, inputs, call = EVAL_CASES[name]
    check_module(make, inputs, call=call, train=False)


def test_encoder_layer_dropout_masks_match_torch():
    # self-attention dropout, dropout1, the feed-forward dropout and dropout2 draw in torch's order
    check_module(Layer(8, 2, 16, dropout=0.3), [_x], call=_call())


def test_callable_activation():
    check_module(lambda nn: nn.TransformerEncoderLayer(8, 2, 16, 0.0, activation=torch.tanh
                                                       if nn is torch.nn else ember.tanh),
                 [_x], call=_call())
    e, _ = check_module(lambda nn: nn.TransformerEncoderLayer(8, 2, 16, 0.0,
                                                              activation=nn.GELU()),
                        [_x], call=_call())
    assert e.activation_relu_or_gelu == 2


def Encoder(layer_kw, n=2, norm=False, **kw):
    def make(nn):
        layer = nn.TransformerEncoderLayer(8, 2, 16, **layer_kw)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nn.TransformerEncoder(layer, n, norm=nn.LayerNorm(8) if norm else None, **kw)
    return make


def test_encoder_train_against_torch():
    e, t = check_module(Encoder({"dropout": 0.0}, n=3, norm=True), [_x, _causal],
                        call=_call("mask"))
    # the layers are deep copies: equal parameters at init, separate Parameter objects
    sd = e.state_dict()
    for k in sd:
        if k.startswith("layers.1."):
            np.testing.assert_array_equal(sd[k].numpy(), sd["layers.0." + k[9:]].numpy())
    assert e.layers[0].linear1.weight is not e.layers[1].linear1.weight


@pytest.mark.parametrize("masks", [(), ("src_key_padding_mask",), ("mask",)])
def test_encoder_eval_against_torch(masks):
    inputs = [_xb] + [{"src_key_padding_mask": _kpm, "mask": _causal}[m] for m in masks]
    check_module(Encoder({"batch_first": True}, norm=True), inputs, call=_call(*masks),
                 train=False)


def _inference(make, x, **masks):
    em, tm = check_module(make, [x], train=False, grad=False, call=_call())
    me = {k: ember.tensor(v) for k, v in masks.items()}
    mt = {k: torch.from_numpy(v) for k, v in masks.items()}
    with ember.no_grad(), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "nested tensors are in prototype stage"
        oe, ot = em(ember.tensor(x), **me), tm(torch.from_numpy(x), **mt)
    np.testing.assert_allclose(oe.numpy(), ot.numpy(), rtol=1e-5, atol=1e-5)
    return oe.numpy()


def test_encoder_inference_nested_path_zeros_padding():
    # eval + no grad + padding mask: torch packs the sequences into a nested tensor and
    # returns zeros at the padded positions (before the final norm)
    out = _inference(Encoder({"batch_first": True}), _xb, src_key_padding_mask=_kpm)
    assert not out[_kpm].any() and out[~_kpm].all()
    _inference(Encoder({"batch_first": True}, norm=True), _xb, src_key_padding_mask=_kpm)
    fully_padded = _kpm.copy()
    fully_padded[0] = True
    _inference(Encoder({"batch_first": True}), _xb, src_key_padding_mask=fully_padded)


def test_encoder_inference_other_paths():
    not_left = np.zeros((3, 5), bool)
    not_left[0, 1] = True
    # not left-aligned: no nested tensors (mask_check) / torch packs the first tokens anyway
    _inference(Encoder({"batch_first": True}), _xb, src_key_padding_mask=not_left)
    _inference(Encoder({"batch_first": True}, mask_check=False), _xb,
               src_key_padding_mask=not_left)
    # no nested tensors: not batch_first, odd heads, disabled, pre-norm; the fused layer path
    _inference(Encoder({}), _x, src_key_padding_mask=_kpm)
    _inference(Encoder({"batch_first": True}, enable_nested_tensor=False), _xb,
               src_key_padding_mask=_kpm)
    _inference(Encoder({"batch_first": True, "norm_first": True}), _xb,
               src_key_padding_mask=_kpm)
    _inference(Encoder({"batch_first": True}), _xb, mask=_causal)
    _inference(Encoder({"batch_first": True}), _xb,
               src_key_padding_mask=np.where(_kpm, -np.inf, 0).astype(np.float32))


def test_nested_tensor_warning_matches_torch():
    msgs = []
    for lib in (ember, torch):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16)
        with pytest.warns(UserWarning) as rec:
            enc = lib.nn.TransformerEncoder(layer, 2)
        msgs.append([str(w.message) for w in rec])
        assert enc.use_nested_tensor is False
    assert msgs[0] == msgs[1]


def test_reprs_and_state_dict_keys():
    for lib in (ember, torch):
        lib.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = ember.nn.TransformerEncoder(ember.nn.TransformerEncoderLayer(8, 2, 16), 2,
                                        norm=ember.nn.LayerNorm(8))
        t = torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16), 2,
                                        norm=torch.nn.LayerNorm(8))
    assert repr(e) == repr(t)
    assert list(e.state_dict()) == list(t.state_dict())


def test_encoder_layer_float64_gradcheck():
    ember.manual_seed(0)
    layer = ember.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, dtype=ember.float64)
    x = ember.randn(3, 2, 4, dtype=ember.float64, requires_grad=True)
    mask = ember.tensor(_causal[:3, :3].astype(np.float64))
    assert ember.autograd.gradcheck(lambda x: layer(x, src_mask=mask), (x,))


def test_bad_activation():
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="activation should be relu/gelu, not tanh"):
            lib.nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_encoder_layer_fused_path_fully_padded_matches_torch():
    kpm = np.zeros((3, 5), bool)
    kpm[0] = True
    for grad in (True, False):
        for lib in (ember, torch):
            lib.manual_seed(0)
        em = ember.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).eval()
        tm = torch.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).eval()
        with ember.set_grad_enabled(grad), torch.set_grad_enabled(grad):
            oe = em(ember.tensor(_xb), src_key_padding_mask=ember.tensor(kpm))
            ot = tm(torch.from_numpy(_xb), src_key_padding_mask=torch.from_numpy(kpm))
        np.testing.assert_allclose(oe.detach().numpy(), ot.detach().numpy(), rtol=1e-5,
                                   atol=1e-5, equal_nan=True)
        assert np.isnan(oe.detach().numpy()).any() == (not grad)


_mem = r(6, 3, 8)
_tgt_kpm = np.zeros((3, 5), bool)
_tgt_kpm[2, 4] = True
_mem_kpm = np.zeros((3, 6), bool)
_mem_kpm[0, 3:] = True


def _call2(*names, **kw):
    """Call with two positional inputs (tgt, memory or src, tgt), then the named masks."""
    def call(m, a, b, *masks):
        return m(a, b, **dict(zip(names, masks)), **kw)
    return call


def Decoder(n=2, **kw):
    def make(nn):
        return nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16, **kw), n,
                                     norm=nn.LayerNorm(8))
    return make


DECODER_CASES = {
    "layer": (lambda nn: nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), [_x, _mem],
              _call2()),
    "layer_pre_norm_gelu_masks": (
        lambda nn: nn.TransformerDecoderLayer(8, 2, 16, 0.0, "gelu", norm_first=True),
        [_x, _mem, np.isinf(_causal), _tgt_kpm, _mem_kpm],
        _call2("tgt_mask", "tgt_key_padding_mask", "memory_key_padding_mask", tgt_is_causal=True)),
    "stack_causal_detected": (Decoder(dropout=0.0, batch_first=True),
                              [_xb, np.ascontiguousarray(_mem.transpose(1, 0, 2)), _causal],
                              _call2("tgt_mask")),
    "unbatched": (Decoder(dropout=0.0), [_x[:, 0], _mem[:, 0]], _call2()),
}


@pytest.mark.parametrize("name", list(DECODER_CASES))
def test_decoder_against_torch(name):
    make, inputs, call = DECODER_CASES[name]
    check_module(make, inputs, call=call)


def test_decoder_dropout_and_eval():
    check_module(Decoder(dropout=0.3), [_x, _mem], call=_call2())
    check_module(Decoder(dropout=0.3), [_x, _mem], call=_call2(), train=False)


def _transformer(**kw):
    def make(nn):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return nn.Transformer(8, 2, 2, 1, 16, **kw)
    return make


def test_transformer_against_torch():
    # xavier_uniform_ re-draws every matrix after construction, in parameter order
    check_module(_transformer(dropout=0.0), [_mem, _x, _causal], call=_call2("tgt_mask"))
    check_module(_transformer(batch_first=True), [np.ascontiguousarray(_mem.transpose(1, 0, 2)),
                                                  _xb, _mem_kpm],
                 call=_call2("src_key_padding_mask"), train=False)
    mask_e = ember.nn.Transformer.generate_square_subsequent_mask(4, dtype=ember.float64)
    mask_t = torch.nn.Transformer.generate_square_subsequent_mask(4, dtype=torch.float64)
    np.testing.assert_array_equal(mask_e.numpy(), mask_t.numpy())
    assert mask_e.dtype == ember.float64


def test_transformer_inference_matches_torch():
    # eval + no grad: torch's fused encoder layers and nested tensors in the encoder
    src = np.ascontiguousarray(_mem.transpose(1, 0, 2))
    em, tm = check_module(_transformer(batch_first=True), [src, _xb], call=_call2(), train=False,
                          grad=False)
    with ember.no_grad(), torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kw_e = {"src_key_padding_mask": ember.tensor(_mem_kpm),
                "memory_key_padding_mask": ember.tensor(_mem_kpm),
                "tgt_mask": ember.nn.Transformer.generate_square_subsequent_mask(5)}
        kw_t = {"src_key_padding_mask": torch.from_numpy(_mem_kpm),
                "memory_key_padding_mask": torch.from_numpy(_mem_kpm),
                "tgt_mask": torch.nn.Transformer.generate_square_subsequent_mask(5)}
        oe = em(ember.tensor(src), ember.tensor(_xb), **kw_e)
        ot = tm(torch.from_numpy(src), torch.from_numpy(_xb), **kw_t)
    np.testing.assert_allclose(oe.numpy(), ot.numpy(), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", [
    lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(L.randn(6, 3, 8), L.randn(5, 2, 8)),
    lambda L: L.nn.Transformer(8, 2, 1, 1, 16)(L.randn(6, 3, 8), L.randn(5, 3, 4)),
])
def test_transformer_errors(case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError) as et:
            case(torch)
        with pytest.raises(RuntimeError) as ee:
            case(ember)
    assert str(ee.value) == str(et.value)

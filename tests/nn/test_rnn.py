"""RNN, LSTM, GRU and the cells against torch: init (bit-exact), repr, forward, gradients through
time, dropout between layers, shapes for every input layout, errors, float64 gradcheck."""
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.nn.module_check import check_module

_rng = np.random.default_rng(0)


def r(*shape, dtype=np.float32):
    return _rng.standard_normal(shape).astype(dtype)


# (make, inputs): inputs are (input, h0) or (input, (h0, c0)) or just (input,)
CONFIGS = {
    "rnn": (lambda nn: nn.RNN(3, 5), [r(4, 2, 3)]),
    "rnn_relu_2l_bi_h0": (lambda nn: nn.RNN(3, 5, 2, nonlinearity="relu", bidirectional=True),
                          [r(4, 2, 3), r(4, 2, 5)]),
    "rnn_positional_nonlinearity": (lambda nn: nn.RNN(3, 5, 1, "relu", False), [r(4, 2, 3)]),
    "rnn_unbatched_batch_first": (lambda nn: nn.RNN(3, 5, batch_first=True), [r(4, 3), r(1, 5)]),
    "lstm": (lambda nn: nn.LSTM(3, 5), [r(4, 2, 3)]),
    "lstm_2l_bi_batch_first": (lambda nn: nn.LSTM(3, 5, 2, bidirectional=True, batch_first=True),
                               [r(2, 4, 3)]),
    "lstm_2l_bi_h0c0": (lambda nn: nn.LSTM(3, 5, 2, bidirectional=True),
                        [r(4, 2, 3), (r(4, 2, 5), r(4, 2, 5))]),
    "lstm_proj_2l": (lambda nn: nn.LSTM(3, 5, proj_size=2, num_layers=2),
                     [r(4, 2, 3), (r(2, 2, 2), r(2, 2, 5))]),
    "lstm_proj_bi_unbatched": (lambda nn: nn.LSTM(3, 5, proj_size=3, bidirectional=True),
                               [r(4, 3)]),
    "lstm_nobias_unbatched_h0c0": (lambda nn: nn.LSTM(3, 5, bias=False),
                                   [r(4, 3), (r(1, 5), r(1, 5))]),
    "gru": (lambda nn: nn.GRU(3, 5), [r(4, 2, 3)]),
    "gru_2l_bi_unbatched_h0": (lambda nn: nn.GRU(3, 5, 2, bidirectional=True),
                               [r(4, 3), r(4, 5)]),
    "gru_nobias_batch_first_h0": (lambda nn: nn.GRU(3, 5, bias=False, batch_first=True),
                                  [r(2, 4, 3), r(1, 2, 5)]),
    "rnncell": (lambda nn: nn.RNNCell(3, 5), [r(2, 3)]),
    "rnncell_relu_nobias_unbatched": (lambda nn: nn.RNNCell(3, 5, bias=False,
                                                            nonlinearity="relu"), [r(3), r(5)]),
    "lstmcell": (lambda nn: nn.LSTMCell(3, 5), [r(2, 3), (r(2, 5), r(2, 5))]),
    "lstmcell_unbatched": (lambda nn: nn.LSTMCell(3, 5), [r(3)]),
    "grucell": (lambda nn: nn.GRUCell(3, 5), [r(2, 3), r(2, 5)]),
    "grucell_nobias_unbatched": (lambda nn: nn.GRUCell(3, 5, bias=False), [r(3)]),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_module_against_torch(name):
    make, inputs = CONFIGS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch: "LSTM with projections is not supported ..."
        check_module(make, inputs)


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_dropout_between_layers_matches_torch(cls):
    # training: the same masks as torch (drawn after each layer but the last); eval: none
    def make(nn):
        return getattr(nn, cls)(3, 4, num_layers=3, dropout=0.4, bidirectional=True)
    check_module(make, [r(5, 2, 3)])
    check_module(make, [r(5, 2, 3)], train=False)

    def make_bf(nn):
        return getattr(nn, cls)(3, 4, num_layers=2, dropout=0.4, batch_first=True)
    check_module(make_bf, [r(2, 5, 3)])
    check_module(make_bf, [r(5, 3)])


def test_float64():
    make = lambda nn: nn.LSTM(3, 4, 2, bidirectional=True).double()  # noqa: E731
    em, _ = check_module(make, [r(3, 2, 3, dtype=np.float64)], rtol=1e-10, atol=1e-12)
    assert em(ember.randn(3, 2, 3, dtype=ember.float64))[0].dtype == ember.float64


@pytest.mark.parametrize("cls", ["RNN", "LSTM", "GRU"])
def test_gradcheck_float64(cls):
    ember.manual_seed(0)
    m = getattr(ember.nn, cls)(2, 3, num_layers=2, bidirectional=True, dtype=ember.float64)
    x = ember.randn(3, 2, 2, dtype=ember.float64, requires_grad=True)
    h = ember.randn(4, 2, 3, dtype=ember.float64, requires_grad=True)
    params = list(m.parameters())

    def fn(x, h, *ps):
        hx = (h, h * 0.5) if cls == "LSTM" else h
        out, hn = m(x, hx)
        return out, (hn[0] if cls == "LSTM" else hn)
    assert ember.autograd.gradcheck(fn, (x, h, params[0], params[1]))


@pytest.mark.parametrize("cls", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell_gradcheck_float64(cls):
    ember.manual_seed(0)
    m = getattr(ember.nn, cls)(2, 3, dtype=ember.float64)
    x = ember.randn(2, 2, dtype=ember.float64, requires_grad=True)
    h = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    fn = (lambda x, h: m(x, (h, h.tanh()))) if cls == "LSTMCell" else (lambda x, h: m(x, h))
    assert ember.autograd.gradcheck(fn, (x, h))


def test_bptt_through_many_steps_and_hidden_chaining():
    # hidden state carried across calls (as a char-RNN tutorial does) keeps the graph
    for lib in (ember, torch):
        lib.manual_seed(0)
    em, tm = ember.nn.GRU(3, 4), torch.nn.GRU(3, 4)
    xs = r(6, 1, 3)
    he, ht = None, None
    for t in range(0, 6, 2):
        oe, he = em(ember.tensor(xs[t:t + 2]), he)
        ot, ht = tm(torch.tensor(xs[t:t + 2]), ht)
    he.sum().backward()
    ht.sum().backward()
    for pe, pt in zip(em.parameters(), tm.parameters()):
        np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-4, atol=1e-6)


def test_parameters_layout_and_helpers():
    e = ember.nn.LSTM(3, 5, 2, bidirectional=True, proj_size=2)
    t = torch.nn.LSTM(3, 5, 2, bidirectional=True, proj_size=2)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert e._flat_weights_names == t._flat_weights_names
    assert [[tuple(p.shape) for p in ws] for ws in e.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in t.all_weights]
    e.flatten_parameters()
    c = ember.nn.GRUCell(3, 4, bias=False)
    assert c.bias_ih is None and [n for n, _ in c.named_parameters()] == ["weight_ih",
                                                                          "weight_hh"]


def test_reprs():
    for args, kw in [((3, 4), {}), ((3, 4, 2), dict(bias=False, batch_first=True, dropout=0.5,
                                                     bidirectional=True))]:
        for cls in ("RNN", "LSTM", "GRU"):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert repr(getattr(ember.nn, cls)(*args, **kw)) == \
                    repr(getattr(torch.nn, cls)(*args, **kw))
    assert repr(ember.nn.RNN(3, 4, nonlinearity="relu")) == \
        repr(torch.nn.RNN(3, 4, nonlinearity="relu"))
    assert repr(ember.nn.LSTM(3, 4, proj_size=2)) == repr(torch.nn.LSTM(3, 4, proj_size=2))
    assert repr(ember.nn.RNNCell(3, 4, False, "relu")) == repr(torch.nn.RNNCell(3, 4, False,
                                                                                  "relu"))


def test_dropout_warning_with_one_layer():
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1"):
            lib.nn.GRU(3, 4, dropout=0.5)


def _raises_like_torch(build_e, build_t):
    with pytest.raises(Exception) as et:
        build_t()
    with pytest.raises(type(et.value)) as ee:
        build_e()
    assert str(ee.value) == str(et.value)


@pytest.mark.parametrize("case", [
    lambda L: L.nn.RNN(3, 4, nonlinearity="x"),
    lambda L: L.nn.RNN(3, 4, proj_size=2),
    lambda L: L.nn.GRU(3, 4, proj_size=2),
    lambda L: L.nn.LSTM(3, 4, proj_size=4),
    lambda L: L.nn.LSTM(3, 4, proj_size=-1),
    lambda L: L.nn.LSTM(3, 4, dropout=2),
    lambda L: L.nn.LSTM(3, 4, dropout=True),
    lambda L: L.nn.LSTM(0, 4),
    lambda L: L.nn.LSTM(3, 0),
    lambda L: L.nn.LSTM(3, 4, 0),
    lambda L: L.nn.LSTM(3.0, 4),
    lambda L: L.nn.LSTM(3, 4, bias=1),
    lambda L: L.nn.LSTM(3, 4, batch_first=None),
    lambda L: L.nn.RNN(3, 4)(L.randn(2, 3, 5)),
    lambda L: L.nn.RNN(3, 4)(L.randn(2, 3, 3, 1)),
    lambda L: L.nn.LSTM(3, 4)(L.randn(3)),
    lambda L: L.nn.GRU(3, 4)(L.randn(3)),
    lambda L: L.nn.RNN(3, 4)(L.randn(2, 3, 3), L.randn(1, 2, 4)),
    lambda L: L.nn.RNN(3, 4)(L.randn(2, 3, 3), L.randn(2, 4)),
    lambda L: L.nn.GRU(3, 4)(L.randn(2, 3), L.randn(1, 1, 4)),
    lambda L: L.nn.LSTM(3, 4)(L.randn(2, 3, 3), (L.randn(1, 3, 4), L.randn(1, 3, 5))),
    lambda L: L.nn.LSTM(3, 4)(L.randn(2, 3, 3), (L.randn(1, 2, 4), L.randn(1, 3, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.randn(2, 3, 3), (L.randn(3, 4), L.randn(1, 3, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.randn(2, 3), (L.randn(1, 1, 4), L.randn(1, 4))),
    lambda L: L.nn.LSTM(3, 4)(L.randn(2, 3, 3, dtype=L.float64)),
    lambda L: L.nn.LSTM(3, 4)(L.randn(0, 1, 3)),
    lambda L: L.nn.GRU(3, 4, batch_first=True)(L.randn(1, 0, 3)),
    lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 3), L.randn(2, 4, dtype=L.float64)),
    lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 5)),
    lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 3), L.randn(2, 5)),
    lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 3), L.randn(3, 4)),
    lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 3, 3)),
    lambda L: L.nn.RNNCell(3, 4)(L.randn(2, 3), L.randn(1, 2, 4)),
    lambda L: L.nn.RNNCell(3, 4, nonlinearity="foo")(L.randn(2, 3)),
    lambda L: L.nn.LSTMCell(3, 4)(L.randn(2, 3), (L.randn(2, 4), L.randn(2, 5))),
    lambda L: L.nn.LSTMCell(3, 4)(L.randn(2, 3), (L.randn(2, 4), L.randn(1, 2, 4))),
    lambda L: L.nn.GRUCell(3, 4)(L.randn(2, 3), L.randn(2, 5)),
    lambda L: L.nn.GRUCell(3, 4)(L.randn(2, 3, 1)),
])
def test_errors_match_torch(case):
    _raises_like_torch(lambda: case(ember), lambda: case(torch))


def test_output_layouts():
    # batch_first transposes input and output but never h_n; unbatched drops the batch dim
    for cls in ("RNN", "LSTM", "GRU"):
        m = getattr(ember.nn, cls)(3, 4, 2, batch_first=True, bidirectional=True)
        out, h = m(ember.randn(2, 6, 3))
        h = h[0] if cls == "LSTM" else h
        assert tuple(out.shape) == (2, 6, 8) and tuple(h.shape) == (4, 2, 4)
        out, h = m(ember.randn(6, 3))
        h = h[0] if cls == "LSTM" else h
        assert tuple(out.shape) == (6, 8) and tuple(h.shape) == (4, 4)


@pytest.mark.parametrize("cls", ["LSTMCell", "GRUCell", "RNNCell"])
def test_cell_gradgradcheck_float64(cls):
    # the fused gate ops recompute their backward with ember ops under create_graph=True
    ember.manual_seed(0)
    m = getattr(ember.nn, cls)(2, 3, dtype=ember.float64)
    x = ember.randn(2, 2, dtype=ember.float64, requires_grad=True)
    h = ember.randn(2, 3, dtype=ember.float64, requires_grad=True)
    if cls == "LSTMCell":
        def fn(x, h):
            h2, c2 = m(x, (h, h.tanh()))
            return h2 * c2 + c2
    else:
        def fn(x, h):
            return m(x, h)
    assert ember.autograd.gradgradcheck(fn, (x, h))


def test_unused_outputs_get_no_gradient_from_them():
    # only c_n (or only h_n) used: the fused backward sees None for the other output
    for use in (0, 1):
        for lib in (ember, torch):
            lib.manual_seed(0)
        em, tm = ember.nn.LSTM(3, 4), torch.nn.LSTM(3, 4)
        x = r(3, 2, 3)
        he = em(ember.tensor(x))[1][use]
        ht = tm(torch.tensor(x))[1][use]
        he.sum().backward()
        ht.sum().backward()
        for pe, pt in zip(em.parameters(), tm.parameters()):
            np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-4, atol=1e-6)

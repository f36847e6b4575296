"""Dropout against torch: masks bit-identical after the same seed (shapes, dtypes, non-contiguous
inputs, channel-wise forms, alpha dropout), eval-mode identity, errors, gradients, modules."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
import ember.nn.functional as F
from tests.nn.module_check import check_module

SEEDS = [0, 1, 42, 2024]
SHAPES = [(8,), (17,), (4, 5), (3, 4, 5), (2, 3, 4, 5), (1000,)]


def _x(shape, dtype="float32", seed=0):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape)).astype(dtype)


def _pair(fn_e, fn_t, a, seed, view=None):
    """Run fn on ember and torch from the same seed; both results as arrays (bit-compared)."""
    view = view or (lambda t: t)
    ember.manual_seed(seed)
    torch.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        e = fn_e(view(ember.tensor(a)))
        t = fn_t(view(torch.from_numpy(a.copy())))
    assert repr(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    # the generators must have advanced by the same amount
    np.testing.assert_array_equal(ember.rand(3).numpy(), torch.rand(3).numpy())


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_masks_identical_to_torch(seed, shape, p):
    a = _x(shape, seed=seed)
    _pair(lambda t: F.dropout(t, p), lambda t: TF.dropout(t, p), a, seed)


@pytest.mark.parametrize("seed", SEEDS)
def test_dropout_masks_float64_and_noncontiguous(seed):
    a = _x((3, 4, 5), "float64", seed)
    _pair(lambda t: F.dropout(t, 0.3), lambda t: TF.dropout(t, 0.3), a, seed)
    for view in (lambda t: t.transpose(0, 2), lambda t: t[:, ::2], lambda t: t.permute(1, 0, 2)):
        _pair(lambda t: F.dropout(t, 0.3), lambda t: TF.dropout(t, 0.3), a.astype("float32"),
              seed, view)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("name,shape", [("dropout2d", (2, 3, 4, 5)), ("dropout2d", (3, 4, 5)),
                                        ("dropout1d", (2, 3, 5)), ("dropout1d", (3, 5)),
                                        ("dropout3d", (2, 3, 2, 2, 2)),
                                        ("dropout3d", (3, 2, 2, 2)),
                                        ("alpha_dropout", (4, 6)),
                                        ("feature_alpha_dropout", (2, 3, 4))])
def test_channel_and_alpha_dropout_identical_to_torch(seed, name, shape):
    a = _x(shape, seed=seed)
    training = {"training": True}
    _pair(lambda t: getattr(F, name)(t, 0.4, **training),
          lambda t: getattr(TF, name)(t, 0.4, **training), a, seed)


def test_reference_vector_from_spec():
    ember.manual_seed(0)
    out = F.dropout(ember.arange(1.0, 9.0), 0.2)
    assert out.tolist() == pytest.approx([0, 2.5, 3.75, 0, 6.25, 7.5, 8.75, 10])


def test_eval_identity_and_edge_probabilities():
    x = ember.randn(3, 4, requires_grad=True)
    assert F.dropout(x, 0.5, training=False) is x
    assert F.dropout(x, 0.0) is x
    assert F.dropout2d(ember.randn(2, 3, 4, 4), 0.5, training=False).shape == (2, 3, 4, 4)
    y = F.dropout(x, 1.0)
    assert y.grad_fn.name() == "MulBackward0" and not y.detach().numpy().any()
    ember.manual_seed(0)
    before = ember.rand(2).tolist()
    ember.manual_seed(0)
    F.dropout(x, 1.0)
    F.dropout(x, 0.0)
    assert ember.rand(2).tolist() == before  # p = 0 and p = 1 draw nothing, as in torch
    ints = ember.tensor([1, 2, 3])
    assert F.dropout(ints, 1.0).tolist() == [0, 0, 0]
    with pytest.raises(RuntimeError, match="result type Float can't be cast"):
        F.dropout(ints, 0.5)
    e = F.dropout(ember.zeros(0, 3), 0.5)
    assert e.shape == (0, 3)


def test_gradient_is_the_mask():
    a = _x((5, 6))
    for lib, mod in ((ember, F), (torch, TF)):
        lib.manual_seed(3)
        x = (ember.tensor(a) if lib is ember else torch.from_numpy(a.copy())).requires_grad_()
        y = mod.dropout(x, 0.4)
        assert y.grad_fn.name() == "MulBackward0"
        y.sum().backward()
        if lib is ember:
            eg, ey = x.grad.numpy(), y.detach().numpy()
        else:
            np.testing.assert_array_equal(eg, x.grad.numpy())
            np.testing.assert_array_equal(ey, y.detach().numpy())
    np.testing.assert_array_equal(eg == 0, ey == 0)


def test_inplace_dropout():
    a = _x((4, 5))
    for lib, mod in ((ember, F), (torch, TF)):
        lib.manual_seed(5)
        x = (ember.tensor(a) if lib is ember else torch.from_numpy(a.copy())).requires_grad_()
        y = x * 1
        z = mod.dropout(y, 0.5, inplace=True)
        assert z is y and z.grad_fn.name() == "MulBackward0"
        res = z.detach().numpy().copy()
        if lib is ember:
            first = res
    np.testing.assert_array_equal(first, res)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        F.dropout(ember.ones(3, requires_grad=True), 0.5, inplace=True)


def test_errors_and_warnings_match_torch():
    x = ember.ones(3, 4)
    for name in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout",
                 "feature_alpha_dropout"):
        for p in (-0.1, 1.5):
            with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1, "
                                                 f"but got {p}"):
                getattr(F, name)(x, p)
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input, but received a "
                                           "1D input"):
        F.dropout1d(ember.ones(3), 0.5)
    with pytest.warns(UserWarning, match="Received a 2-D input to dropout2d"):
        F.dropout2d(ember.ones(3, 4), 0.5)
    with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
        F.dropout2d(ember.ones(2, 3, 4), 0.5)
    with pytest.warns(UserWarning, match="Received a 3-D input to dropout3d"):
        F.dropout3d(ember.ones(2, 3, 4), 0.5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions"):
            F.dropout2d(ember.ones(3), 0.5)
    for cls in ("Dropout", "Dropout2d", "AlphaDropout"):
        with pytest.raises(ValueError, match="dropout probability"):
            getattr(ember.nn, cls)(1.5)


@pytest.mark.parametrize("name,args,kw,shape", [("Dropout", (), {}, (4, 6)),
                                                ("Dropout", (0.2,), {}, (3, 4, 5)),
                                                ("Dropout", (0.3, True), {}, (4, 6)),
                                                ("Dropout1d", (0.5,), {}, (2, 3, 5)),
                                                ("Dropout2d", (), {"p": 0.25}, (2, 3, 4, 4)),
                                                ("Dropout3d", (0.5,), {}, (2, 3, 2, 2, 2)),
                                                ("AlphaDropout", (0.2,), {}, (4, 6)),
                                                ("FeatureAlphaDropout", (0.2,), {}, (2, 3, 4))])
@pytest.mark.parametrize("train", [True, False])
def test_dropout_modules(name, args, kw, shape, train):
    em, tm = check_module(lambda nn: getattr(nn, name)(*args, **kw), [_x(shape)],
                          train=train, call=lambda m, t: m(t * 1), rtol=1e-6, atol=1e-7)
    assert repr(em) == repr(tm)
    if not train:
        x = ember.ones(*shape)
        assert em(x) is x

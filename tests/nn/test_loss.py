"""Losses against torch: every reduction and option, class-index and probability targets of any
shape, weights, ignore_index, label smoothing, gradients (input and target), double backward,
extreme logits, errors and warnings, and the loss modules."""
import warnings

import numpy as np
import pytest
import torch

import ember
import ember.nn.functional as F
from ember.testing import gradcheck, gradgradcheck
from tests.nn.test_activation import _same_error, both

REDUCTIONS = ["mean", "sum", "none"]


def _r(shape, dtype="float32", seed=0, scale=1.0):
    return np.asarray(np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def _p(shape, dtype="float32", seed=1):
    return np.random.default_rng(seed).random(shape).astype(dtype)


def _lib_kw(lib, kw):
    """Tensor-valued keyword arguments given as arrays, as tensors of ``lib``."""
    return {k: (torch.from_numpy(v.copy()) if lib is torch else ember.tensor(v))
            if isinstance(v, np.ndarray) else v for k, v in kw.items()}


def _tgt(shape, n_cls, seed=2, ignore=None):
    t = np.random.default_rng(seed).integers(0, n_cls, shape)
    if ignore is not None:
        t.flat[::3] = ignore
    return t


CE_CASES = [
    ((6, 5), {}),
    ((6, 5), {"weight": _p(5, seed=3)}),
    ((6, 5), {"ignore_index": 2}),
    ((6, 5), {"ignore_index": 1, "weight": _p(5, seed=3)}),
    ((6, 5), {"label_smoothing": 0.2}),
    ((6, 5), {"label_smoothing": 0.3, "weight": _p(5, seed=3), "ignore_index": 4}),
    ((64, 10), {}),
    ((8, 50), {"label_smoothing": 0.1}),
    ((5,), {}),
    ((5,), {"weight": _p(5, seed=3), "label_smoothing": 0.1}),
    ((2, 4, 3), {}),
    ((2, 4, 3), {"weight": _p(4, seed=3), "ignore_index": 0}),
    ((2, 4, 3, 2), {"label_smoothing": 0.25}),
    ((2, 4, 3, 2), {"weight": _p(4, seed=3)}),
    ((2, 3, 2, 2, 2), {"ignore_index": 1, "label_smoothing": 0.1}),
]


def _class_target(shape, kw):
    n_cls = shape[0] if len(shape) == 1 else shape[1]
    tshape = () if len(shape) == 1 else (shape[0],) + shape[2:]
    t = _tgt(tshape, n_cls)
    if "ignore_index" in kw and t.ndim:
        t.flat[::3] = kw["ignore_index"]
    return t


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,kw", CE_CASES)
def test_cross_entropy_class_indices(shape, kw, reduction, dtype):
    x, t = _r(shape, dtype, scale=2.0), _class_target(shape, kw)
    kw = {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, reduction=reduction,
                                                           **_lib_kw(lib, kw)), x, t)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,kw", [c for c in CE_CASES if "label_smoothing" not in c[1]])
def test_nll_loss(shape, kw, reduction, dtype):
    x, t = _r(shape, dtype), _class_target(shape, kw)
    kw = {k: (v.astype(dtype) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    both(lambda lib, a, b: lib.nn.functional.nll_loss(a, b, reduction=reduction,
                                                      **_lib_kw(lib, kw)), x, t)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape,kw", [((6, 5), {}), ((6, 5), {"weight": _p(5, seed=3)}),
                                      ((6, 5), {"label_smoothing": 0.2}), ((5,), {}),
                                      ((2, 4, 3, 2), {"weight": _p(4, seed=3),
                                                      "label_smoothing": 0.1})])
def test_cross_entropy_probabilities(shape, kw, reduction):
    x, p = _r(shape), _p(shape)
    both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, reduction=reduction,
                                                           **_lib_kw(lib, kw)), x, p)
    # mixed dtypes promote, as in torch (log_softmax still in float32: float32 tolerance)
    both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, reduction=reduction), x,
         p.astype("float64"), tol=1e-6)


def test_cross_entropy_uint8_targets_and_empty_batches():
    x = _r((4, 3))
    both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b), x, np.array([0, 2, 1, 1],
                                                                              np.uint8))
    for red in REDUCTIONS:
        both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, reduction=red),
             _r((0, 3)), np.zeros(0, np.int64))
        both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, reduction=red),
             _r((0, 3)), _p((0, 3)))
    for kw in [{}, {"label_smoothing": 0.1}, {"reduction": "sum"}]:  # all targets ignored
        both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, **kw), x,
             np.full(4, -100))
    both(lambda lib, a, b: lib.nn.functional.nll_loss(a, b, weight=lib.zeros(3)), x,
         np.array([0, 1, 2, 0]))


@pytest.mark.parametrize("scale", [1e4, 1e30])
def test_extreme_logits_stay_finite(scale):
    x = np.array([[1.0, -1.0, 0.5], [-1.0, 1.0, 0.0], [0.3, 0.2, -1.0]], np.float32) * scale
    e, _ = both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b), x, np.array([0, 0, 2]))
    assert np.isfinite(e.item())
    both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b, label_smoothing=0.1), x,
         np.array([1, 0, 2]))
    both(lambda lib, a, b: lib.nn.functional.cross_entropy(a, b), x, _p((3, 3)))
    t = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.5], [1.0, 1.0, 0.0]], np.float32)
    for kw in [{}, {"pos_weight": np.array([2.0, 0.5, 1.0], np.float32)}]:
        e, _ = both(lambda lib, a, b: lib.nn.functional.binary_cross_entropy_with_logits(
            a, b, reduction="none", **_lib_kw(lib, kw)), x, t)
        assert np.isfinite(e.detach().numpy()).all()
    xe = ember.tensor(x, requires_grad=True)
    F.cross_entropy(xe, ember.tensor([0, 0, 2])).backward()
    assert np.isfinite(xe.grad.numpy()).all()


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_regression_losses(name, reduction, dtype):
    x, y = _r((4, 5), dtype), _r((4, 5), dtype, seed=7)
    both(lambda lib, a, b: getattr(lib.nn.functional, name)(a, b, reduction=reduction), x, y)
    if name in ("smooth_l1_loss",):
        for beta in (0.5, 2.0, 0.0):
            both(lambda lib, a, b: lib.nn.functional.smooth_l1_loss(a, b, reduction=reduction,
                                                                     beta=beta), x, y)
    if name == "huber_loss":
        both(lambda lib, a, b: lib.nn.functional.huber_loss(a, b, reduction=reduction,
                                                            delta=0.4), x, y)
    if name != "smooth_l1_loss":  # weight= (new in torch 2.x)
        w = _p((4, 5), dtype)
        both(lambda lib, a, b: getattr(lib.nn.functional, name)(
            a, b, reduction=reduction, weight=_lib_kw(lib, {"w": w})["w"]), x, y)


def test_regression_kinks_and_mixed_dtypes():
    x = np.array([0.0, 1.0, -1.0, 2.0, 0.5], np.float32)
    y = np.zeros(5, np.float32)
    for name in ("smooth_l1_loss", "huber_loss", "l1_loss", "mse_loss"):
        both(lambda lib, a, b: getattr(lib.nn.functional, name)(a, b, reduction="sum"), x, y)
    both(lambda lib, a, b: lib.nn.functional.mse_loss(a, b), x, y.astype("float64"))


def test_broadcasting_warning_and_errors():
    x, y = _r((3, 4)), _r((4,))
    for name in ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss"):
        with pytest.warns(UserWarning, match=r"Using a target size \(torch.Size\(\[4\]\)\) that "
                                             r"is different to the input size"):
            getattr(F, name)(ember.tensor(x), ember.tensor(y))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            both(lambda lib, a, b: getattr(lib.nn.functional, name)(a, b), x, y)
            _same_error(lambda lib, a, b: getattr(lib.nn.functional, name)(a, b), x, _r((5,)))
    _same_error(lambda lib, a, b: lib.nn.functional.mse_loss(a, b), np.ones(3, np.int64),
                np.ones(3, np.int64))
    _same_error(lambda lib, a, b: lib.nn.functional.huber_loss(a, b, delta=0.0), x, x)
    _same_error(lambda lib, a, b: lib.nn.functional.smooth_l1_loss(a, b, beta=-1.0), x, x)
    for name in ("mse_loss", "l1_loss", "kl_div", "cross_entropy", "nll_loss",
                 "binary_cross_entropy_with_logits"):
        t = np.array([0, 1, 2]) if name in ("cross_entropy", "nll_loss") else x
        _same_error(lambda lib, a, b: getattr(lib.nn.functional, name)(a, b, reduction="foo"),
                    x, t)
    _same_error(lambda lib, a, b, w: lib.nn.functional.mse_loss(a, b, weight=w), x, x, _p((4,)))


def test_cross_entropy_errors_match_torch():
    x = _r((3, 4))
    cases = [
        (x, np.array([0, 10, 1]), {}), (x, np.array([0, -5, 1]), {}), (x, np.array([0, 1]), {}),
        (x, np.array([0, 1, 2], np.int32), {}), (x, _p((3, 5)), {}), (x, _p((3,)), {}),
        (x, np.array([0, 1, 2]), {"weight": np.ones(3, np.float32)}),
        (x, np.array([0, 1, 2]), {"weight": np.ones(4)}),
        (x, np.array([0, 1, 2]), {"label_smoothing": 1.5}),
        (x, _p((3, 4)), {"label_smoothing": 1.5}), (x, _p((3, 4)), {"ignore_index": 1}),
        (x, _p((3, 4)), {"weight": np.ones(2, np.float32)}),
        (_r((2, 3, 4)), np.zeros((2, 5), np.int64), {}), (_r((2, 3, 4)), np.full((2, 4), 7), {}),
        (_r((2, 3, 4, 5)), np.zeros((2, 5, 5), np.int64), {}),
        (_r((2, 3, 4, 5)), np.zeros((2, 4), np.int64), {}),
        (_r((2, 3, 4, 5)), np.full((2, 4, 5), 3), {}),
        (_r((4,)), np.array([2, 1]), {}), (np.array(1.0, np.float32), np.array(0), {}),
        (x, np.array(1), {}), (np.ones((3, 4), np.int64), np.array([0, 1, 2]), {}),
        (x, np.array([0, 5, 1]), {"label_smoothing": 0.1}),
    ]
    for name in ("cross_entropy", "nll_loss"):
        for a, t, kw in cases:
            if name == "nll_loss" and (t.dtype.kind == "f" or "label_smoothing" in kw):
                continue
            _same_error(lambda lib, u, v: getattr(lib.nn.functional, name)(
                u, v, **_lib_kw(lib, kw)), a, t)
    _same_error(lambda lib, u, v: lib.nn.functional.nll_loss(u, v), np.array(1.0, np.float32),
                np.array(0))
    _same_error(lambda lib, u, v: lib.nn.functional.nll_loss(u, v), x, np.zeros((3, 1),
                                                                                   np.int64))
    both(lambda lib, u, v: lib.nn.functional.cross_entropy(u, v, ignore_index=5), x,
         np.array([0, 5, 1]))  # an ignored target may be out of range
    w = ember.ones(4, requires_grad=True)
    with pytest.raises(RuntimeError, match="not differentiable with respect to argument "
                                           "'weight'"):
        F.cross_entropy(ember.tensor(x), ember.tensor([0, 1, 2]), weight=w)


def test_legacy_reduction_arguments():
    x, t = _r((3, 4)), np.array([0, 1, 3])
    for kw, red in [({"size_average": False}, "sum"), ({"reduce": False}, "none"),
                    ({"size_average": True, "reduce": True}, "mean")]:
        with pytest.warns(UserWarning, match=f"reduction='{red}'"):
            e = F.cross_entropy(ember.tensor(x), ember.tensor(t), **kw)
        r = F.cross_entropy(ember.tensor(x), ember.tensor(t), reduction=red)
        np.testing.assert_array_equal(e.numpy(), r.numpy())
        with pytest.warns(UserWarning):
            m = ember.nn.MSELoss(**kw)
        assert m.reduction == red
        with pytest.warns(UserWarning):
            F.mse_loss(ember.tensor(x), ember.tensor(x), **kw)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy(reduction):
    p, t, w = _p((4, 3), seed=4), _p((4, 3), seed=5), _p((3,), seed=6)
    both(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a, b, reduction=reduction),
         p, t)
    both(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(
        a, b, weight=_lib_kw(lib, {"w": w})["w"], reduction=reduction), p, t)
    edge = np.array([0.0, 1.0, 0.0, 1.0, 0.5], np.float32)
    both(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a, b, reduction=reduction),
         edge, np.array([1.0, 0.0, 0.0, 1.0, 0.3], np.float32), tol=1e-4)
    x = _r((4, 3), scale=3.0)
    for kw in [{}, {"weight": w}, {"pos_weight": w * 3}, {"weight": _p((4, 3)),
                                                          "pos_weight": w * 3}]:
        both(lambda lib, a, b: lib.nn.functional.binary_cross_entropy_with_logits(
            a, b, reduction=reduction, **_lib_kw(lib, kw)), x, t)


def test_binary_cross_entropy_errors():
    p = _p((3, 4))
    _same_error(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a, b), p, _p((4,)))
    _same_error(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a, b), p * 3 - 1, p)
    _same_error(lambda lib, a, b: lib.nn.functional.binary_cross_entropy(a, b), p, p * 3 - 1)
    _same_error(lambda lib, a, b: lib.nn.functional.binary_cross_entropy_with_logits(a, b), p,
                _p((4,)))
    w = ember.ones(4, requires_grad=True)
    for kw in ({"weight": w}, {"pos_weight": w}):
        with pytest.raises(RuntimeError, match="not differentiable"):
            F.binary_cross_entropy_with_logits(ember.tensor(p), ember.tensor(p), **kw)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div(reduction, log_target):
    x = np.log(_p((4, 5), seed=8) + 0.1).astype(np.float32)
    t = _p((4, 5), seed=9)
    t[0, 0] = 0.0
    if log_target:
        t = np.log(t + 0.1).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        both(lambda lib, a, b: lib.nn.functional.kl_div(a, b, reduction=reduction,
                                                        log_target=log_target), x, t)
    if reduction == "mean":
        with pytest.warns(UserWarning, match="batchmean"):
            F.kl_div(ember.tensor(x), ember.tensor(t))


# -- gradients ----------------------------------------------------------------------------------
def _f64(a, grad=True):
    t = ember.tensor(np.asarray(a, np.float64))
    return t.requires_grad_() if grad else t


GRAD_CASES = [
    ("cross_entropy", (6, 5), {}), ("cross_entropy", (6, 5), {"reduction": "none"}),
    ("cross_entropy", (6, 5), {"weight": True, "ignore_index": 2, "label_smoothing": 0.2}),
    ("cross_entropy", (2, 4, 3), {"label_smoothing": 0.1, "reduction": "sum"}),
    ("cross_entropy", (5,), {}), ("nll_loss", (6, 5), {"weight": True}),
    ("nll_loss", (2, 4, 3, 2), {"ignore_index": 1, "reduction": "none"}),
]


@pytest.mark.parametrize("name,shape,kw", GRAD_CASES)
def test_class_losses_gradcheck_and_gradgradcheck(name, shape, kw):
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = _f64(_p(shape[0] if len(shape) == 1 else shape[1]), grad=False)
    x = _f64(_r(shape, "float64", scale=2.0))
    t = ember.tensor(_class_target(shape, kw))
    assert gradcheck(lambda a: getattr(F, name)(a, t, **kw), (x,))
    assert gradgradcheck(lambda a: getattr(F, name)(a, t, **kw), (x,))


@pytest.mark.parametrize("kw", [{}, {"label_smoothing": 0.3, "reduction": "none"},
                                {"weight": True, "reduction": "sum"}])
def test_probability_cross_entropy_gradients(kw):
    kw = dict(kw)
    if kw.pop("weight", False):
        kw["weight"] = _f64(_p(5), grad=False)
    x, p = _f64(_r((4, 5), scale=2.0)), _f64(_p((4, 5)))
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, **kw), (x, p))
    assert gradgradcheck(lambda a, b: F.cross_entropy(a, b, **kw), (x, p))


@pytest.mark.parametrize("name,kw", [("mse_loss", {}), ("mse_loss", {"reduction": "none"}),
                                     ("smooth_l1_loss", {"beta": 0.7}), ("huber_loss", {}),
                                     ("l1_loss", {}), ("kl_div", {"reduction": "batchmean"}),
                                     ("binary_cross_entropy_with_logits", {}),
                                     ("binary_cross_entropy_with_logits",
                                      {"pos_weight": True, "reduction": "sum"}),
                                     ("binary_cross_entropy", {})])
def test_other_losses_gradcheck_and_gradgradcheck(name, kw):
    kw = dict(kw)
    if kw.pop("pos_weight", False):
        kw["pos_weight"] = _f64(_p(5) * 2, grad=False)
    x = _f64(_p((3, 5), seed=3) * 0.8 + 0.1 if name == "binary_cross_entropy"
             else _r((3, 5), scale=2.0))
    y = _f64(_p((3, 5), seed=4) if "entropy" in name or name == "kl_div" else _r((3, 5), seed=4))
    assert gradcheck(lambda a, b: getattr(F, name)(a, b, **kw), (x, y))
    assert gradgradcheck(lambda a, b: getattr(F, name)(a, b, **kw), (x, y))


# -- modules ------------------------------------------------------------------------------------
def test_loss_modules_repr_and_buffers():
    for name in ("L1Loss", "MSELoss", "SmoothL1Loss", "HuberLoss", "CrossEntropyLoss", "NLLLoss",
                 "BCELoss", "BCEWithLogitsLoss", "KLDivLoss"):
        assert repr(getattr(ember.nn, name)()) == repr(getattr(torch.nn, name)()) \
            == f"{name}()"
    e = ember.nn.CrossEntropyLoss(weight=ember.ones(3), label_smoothing=0.1)
    t = torch.nn.CrossEntropyLoss(weight=torch.ones(3), label_smoothing=0.1)
    assert list(e.state_dict()) == list(t.state_dict()) == ["weight"]
    assert list(ember.nn.NLLLoss().state_dict()) == []
    e = ember.nn.BCEWithLogitsLoss(pos_weight=ember.ones(3))
    assert list(e.state_dict()) == ["pos_weight"]
    with pytest.raises(TypeError, match="delta must be a float or int"):
        ember.nn.HuberLoss(delta="1")


@pytest.mark.parametrize("name,args,kw,target", [
    ("CrossEntropyLoss", (), {}, "index"),
    ("CrossEntropyLoss", (), {"label_smoothing": 0.1, "reduction": "sum"}, "index"),
    ("CrossEntropyLoss", (), {"weight": "w", "ignore_index": 1}, "index"),
    ("CrossEntropyLoss", (), {}, "prob"), ("NLLLoss", (), {"weight": "w"}, "index"),
    ("MSELoss", (), {}, "real"), ("L1Loss", (), {"reduction": "sum"}, "real"),
    ("SmoothL1Loss", (), {"beta": 0.5}, "real"), ("HuberLoss", (), {"delta": 0.5}, "real"),
    ("BCELoss", (), {"weight": "w"}, "prob"), ("BCEWithLogitsLoss", (), {"pos_weight": "w"},
                                                "prob"),
    ("KLDivLoss", (), {"reduction": "batchmean", "log_target": False}, "prob")])
def test_loss_modules_match_torch(name, args, kw, target):
    x = _r((4, 3))
    if name == "BCELoss":
        x = _p((4, 3), seed=11)
    w = _p(3, seed=12)
    tgt = {"index": np.array([0, 2, 1, 1]), "prob": _p((4, 3)), "real": _r((4, 3), seed=13)}
    e_kw = {k: (ember.tensor(w) if v == "w" else v) for k, v in kw.items()}
    t_kw = {k: (torch.from_numpy(w) if v == "w" else v) for k, v in kw.items()}
    em, tm = getattr(ember.nn, name)(*args, **e_kw), getattr(torch.nn, name)(*args, **t_kw)
    assert repr(em) == repr(tm)
    assert list(em.state_dict()) == list(tm.state_dict())
    both(lambda lib, a, b: (em if lib is ember else tm)(a, b), x, tgt[target])

"""Reductions, sorting and selection beyond the op table: ties pinned to torch, named tuples,
result dtypes, errors and warnings."""
import pickle
import re
import warnings

import numpy as np
import pytest
import torch

import ember


def _pair(x, **kw):
    """The same data as an ember and a torch tensor."""
    x = np.asarray(x)
    return ember.tensor(x, **kw), torch.tensor(x, **kw)


def _same(e, t):
    if isinstance(t, tuple):
        assert len(e) == len(t)
        for a, b in zip(e, t):
            _same(a, b)
        return
    assert repr(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
    a, b = e.detach().numpy(), t.detach().numpy()
    if b.dtype.kind in "biu":
        np.testing.assert_array_equal(a, b)
    else:
        tol = 1e-3 if b.dtype == np.float16 else 1e-6
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, equal_nan=True)


def _grads(fn, x):
    """Gradient of sum(fn(x)) (first output if a tuple) in ember and torch, float64."""
    out = []
    for lib in (ember, torch):
        t = lib.tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
        y = fn(t)
        y = y[0] if isinstance(y, tuple) else y
        y.sum().backward()
        out.append(t.grad.numpy())
    return out


TIES = [[1., 3., 3., 2.], [2., 2., 2., 1.], [0., 0., 0., 0.], [5., 1., 5., 1.]]


# -- ties -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x: x.max(), lambda x: x.min(), lambda x: x.amax(), lambda x: x.amin(1),
    lambda x: x.amax((0, 1), keepdim=True), lambda x: x.max(1), lambda x: x.min(0),
    lambda x: x.median(), lambda x: x.median(1), lambda x: x.nanmedian(0),
    lambda x: x.kthvalue(2, 1), lambda x: x.mode(1), lambda x: x.cummax(1),
    lambda x: x.cummin(0), lambda x: sum(torch.aminmax(x) if isinstance(x, torch.Tensor)
                                         else ember.aminmax(x)),
    lambda x: x.norm(float("inf"), dim=1), lambda x: x.sort(dim=1, stable=True),
    lambda x: x.argmax(1), lambda x: x.argmin(), lambda x: x.argmax(0, keepdim=True),
])
def test_ties_match_torch(fn):
    """Values, indices and gradients with exact ties, as torch's CPU gives them."""
    e, t = _pair(TIES)
    _same(fn(e), fn(t))
    if fn(t).__class__.__name__ != "Tensor" or fn(t).dtype.is_floating_point:
        ge, gt = _grads(fn, TIES)
        np.testing.assert_allclose(ge, gt)


def test_max_without_dim_splits_gradient_evenly():
    x = ember.tensor([1., 3., 3., 2.], requires_grad=True)
    x.max().backward()
    assert x.grad.tolist() == [0.0, 0.5, 0.5, 0.0]


def test_max_with_dim_gradient_goes_to_first_index():
    x = ember.tensor([[1., 3., 3.]], requires_grad=True)
    v, i = x.max(1)
    v.sum().backward()
    assert i.tolist() == [1] and x.grad.tolist() == [[0.0, 1.0, 0.0]]


def test_nan_handling_matches_torch():
    data = [[1., np.nan, 3., np.nan], [2., 0., 2., 1.]]
    e, t = _pair(data)
    for fn in (lambda x: x.max(), lambda x: x.max(1), lambda x: x.argmax(1), lambda x: x.amax(1),
               lambda x: x.median(1), lambda x: x.nanmedian(1), lambda x: x.nanmedian(),
               lambda x: x.sort(1), lambda x: x.sort(1, descending=True),
               lambda x: x.topk(2), lambda x: x.topk(2, largest=False), lambda x: x.cummax(1),
               lambda x: x.kthvalue(3, 1), lambda x: x.nansum(1), lambda x: x.nanmean(1),
               lambda x: x.logsumexp(1)):
        _same(fn(e), fn(t))
    for fn in (lambda x: x.max(), lambda x: x.amax(1), lambda x: x.nanmedian(),
               lambda x: x.nansum(), lambda x: x.median(1)):
        ge, gt = _grads(fn, data)
        np.testing.assert_allclose(ge, gt, equal_nan=True)


def test_kthvalue_index_among_ties_matches_torch():
    """torch's CPU kthvalue index among tied values comes from its quickselect; ember replays it."""
    rng = np.random.default_rng(0)
    for n in (2, 3, 5, 8, 13, 40):
        x = rng.integers(0, 4, (6, n)).astype(np.float32)
        x[0, ::3] = np.nan
        e, t = _pair(x)
        for k in {1, (n + 1) // 2, n}:
            _same(e.kthvalue(k, 1), t.kthvalue(k, 1))
            _same(e.kthvalue(k, 0 if k <= 6 else 1), t.kthvalue(k, 0 if k <= 6 else 1))


def test_median_index_among_ties_matches_torch():
    rng = np.random.default_rng(1)
    for n in (1, 2, 4, 7, 30):
        x = rng.integers(0, 3, (5, n)).astype(np.float32)
        x[1, ::2] = np.nan
        e, t = _pair(x)
        _same(e.median(1), t.median(1))
        _same(e.nanmedian(1), t.nanmedian(1))
        _same(e.median(), t.median())
        _same(e.nanmedian(), t.nanmedian())
    e, t = _pair(np.full((2, 3), np.nan, np.float32))
    _same(e.nanmedian(1), t.nanmedian(1))


def test_mode_and_cummax_ties_match_torch():
    rng = np.random.default_rng(2)
    for n in (1, 5, 16):
        x = rng.integers(0, 3, (6, n))
        e, t = _pair(x)
        _same(e.mode(1), t.mode(1))
        _same(e.cummax(1), t.cummax(1))
        _same(e.cummin(1), t.cummin(1))
    e, t = _pair([2., np.nan, 1., np.nan, 5.])
    _same(e.cummax(0), t.cummax(0))
    _same(e.cummin(0), t.cummin(0))


def test_sort_is_stable_like_torch_stable_true():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, (4, 50)).astype(np.float32)
    e, t = _pair(x)
    for desc in (False, True):
        _same(e.sort(1, descending=desc), t.sort(dim=1, descending=desc, stable=True))
        _same(e.argsort(0, descending=desc), t.argsort(dim=0, descending=desc, stable=True))
        kw = {"dim": 0, "descending": desc, "stable": True}
        _same(e.sort(**kw), t.sort(**kw))


def test_topk_unsorted_returns_the_same_set():
    e, t = _pair(np.random.default_rng(4).standard_normal((3, 9)).astype(np.float32))
    ev, ei = e.topk(4, sorted=False)
    tv, ti = t.topk(4, sorted=False)
    np.testing.assert_array_equal(np.sort(ev.numpy(), 1), np.sort(tv.numpy(), 1))
    np.testing.assert_array_equal(np.sort(ei.numpy(), 1), np.sort(ti.numpy(), 1))


# -- gradients with zeros -------------------------------------------------------------------------
@pytest.mark.parametrize("data", [[2., 0., 3.], [2., 0., 3., 0.], [[2., 0., 3.], [0., 0., 1.],
                                                                    [1., 2., 3.]]])
def test_prod_and_cumprod_gradients_with_zeros(data):
    for fn in (lambda x: x.prod(), lambda x: x.prod(-1), lambda x: x.cumprod(-1),
               lambda x: x.cumprod(0)):
        ge, gt = _grads(fn, data)
        np.testing.assert_allclose(ge, gt)
    x = ember.tensor(data, dtype=ember.float64, requires_grad=True)
    assert ember.autograd.gradgradcheck(lambda a: a.prod(-1), (x,))
    assert ember.autograd.gradgradcheck(lambda a: a.cumprod(-1), (x,))


def test_degenerate_gradients_match_torch():
    for fn, data in ((lambda x: x.std(), [1., 1.]), (lambda x: x.norm(), [0., 0.]),
                     (lambda x: x.norm(0.5), [0., 1.]), (lambda x: x.norm(1), [0., 1., -2.]),
                     (lambda x: x.logsumexp(0), [-np.inf, -np.inf]),
                     (lambda x: x.logsumexp(0), [np.inf, 1.])):
        ge, gt = _grads(fn, data)
        np.testing.assert_allclose(ge, gt, equal_nan=True)


# -- named tuples ---------------------------------------------------------------------------------
def test_return_types_behave_like_torch():
    e, t = _pair([[1., 3., 3.], [2., 2., 0.]])
    r, rt = e.max(1), t.max(1)
    assert repr(r) == repr(rt) and str(r) == str(rt)
    assert type(r).__name__ == "max" and r.values is r[0] and r.indices is r[-1]
    values, indices = r
    assert indices.tolist() == [1, 0] and len(r) == 2 and isinstance(r, tuple)
    assert r.n_fields == rt.n_fields == 2
    e.requires_grad_()
    t.requires_grad_()
    for fn in (lambda x: x.max(1), lambda x: x.sort(), lambda x: x.topk(2), lambda x: x.min(0),
               lambda x: x.median(1), lambda x: x.mode(1), lambda x: x.kthvalue(1),
               lambda x: x.cummax(1), lambda x: x.cummin(0), lambda x: x.nanmedian(0),
               lambda x: x.aminmax(dim=0)):
        assert repr(fn(e)) == repr(fn(t))
    loaded = pickle.loads(pickle.dumps(ember.sort(ember.tensor([2., 1.]))))
    assert type(loaded).__name__ == "sort" and loaded.indices.tolist() == [1, 0]


def test_out_arguments():
    e, t = _pair([[1., 3.], [4., 2.]])
    ev, ei = ember.empty(0), ember.empty(0, dtype=ember.int64)
    r = ember.max(e, 1, out=(ev, ei))
    assert r.values is ev and ei.tolist() == [1, 0] and type(r).__name__ == "max_out"
    s = ember.empty(0)
    assert ember.sum(e, 0, out=s) is s and s.tolist() == [5., 5.]
    assert ember.mean(e, out=s) is s and s.item() == 2.5
    assert ember.cumsum(e, 1, out=s) is s and s.tolist() == [[1., 4.], [4., 6.]]


# -- dtypes ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x, L: x.sum(), lambda x, L: x.sum(0), lambda x, L: x.prod(), lambda x, L: x.prod(0),
    lambda x, L: x.nansum(), lambda x, L: x.cumsum(0), lambda x, L: x.cumprod(0),
    lambda x, L: x.sum(dtype=L.int32), lambda x, L: x.mean(dtype=L.float64),
    lambda x, L: x.max(), lambda x, L: x.amax(0), lambda x, L: x.count_nonzero(),
    lambda x, L: x.all(), lambda x, L: x.any(0), lambda x, L: x.logsumexp(0),
    lambda x, L: x.median(), lambda x, L: x.sort(0), lambda x, L: x.cummax(0),
    lambda x, L: x.unique(return_counts=True), lambda x, L: L.bincount(x.reshape(-1).abs()),
])
@pytest.mark.parametrize("dt", ["int64", "int32", "uint8", "bool", "float16", "float64"])
def test_result_dtypes(fn, dt):
    x = np.array([[1, 0, 2], [3, 1, 1]]).astype(dt)
    e, t = _pair(x)
    try:
        expected = fn(t, torch)
    except Exception as err:  # noqa: BLE001 - torch's exception type is the expectation
        with pytest.raises(type(err)):
            fn(e, ember)
        return
    _same(fn(e, ember), expected)


def test_float32_stays_float32():
    e = ember.tensor(np.random.default_rng(5).standard_normal((4, 5)).astype(np.float32))
    for r in (e.sum(), e.mean(1), e.std(), e.var(0), e.prod(), e.norm(), e.norm(3),
              e.logsumexp(1), e.cumsum(0), e.cumprod(1), e.nanmean(), ember.std_mean(e, 1)[1],
              e.median(), e.amax()):
        assert r.dtype == ember.float32


# -- errors and warnings --------------------------------------------------------------------------
@pytest.mark.parametrize("fn", [
    lambda x, L: x.sum(2), lambda x, L: x.mean(-3), lambda x, L: x.max(2),
    lambda x, L: x.sum((0, 0)), lambda x, L: x.argmax(5), lambda x, L: x.sort(2),
    lambda x, L: x.topk(4),
    lambda x, L: x.topk(-1), lambda x, L: x.kthvalue(0), lambda x, L: x.kthvalue(4),
    lambda x, L: x.cumsum(3), lambda x, L: x.median(3), lambda x, L: x.std(unbiased=True,
                                                                           correction=1),
    lambda x, L: x.long().mean(), lambda x, L: x.mean(dtype=L.int64), lambda x, L: x.long().std(),
    lambda x, L: x.long().nanmean(), lambda x, L: x.long().norm(), lambda x, L: x.norm("abc"),
    lambda x, L: x.bool().argmax(), lambda x, L: x.bool().topk(1), lambda x, L: x.bool().median(),
    lambda x, L: L.bincount(x), lambda x, L: L.bincount(x.long()), lambda x, L: x.prod((0, 1)),
    lambda x, L: L.bincount(x[0].long().abs(), minlength=-1), lambda x, L: x.cumsum(),
    lambda x, L: L.bincount(x[0].long().abs(), x[0][:1]), lambda x, L: x.logsumexp(),
    lambda x, L: x.unique(dim=3), lambda x, L: x.long().cumsum_(0, dtype=L.float32),
    lambda x, L: L.max(x, 2.0), lambda x, L: x.long().norm(dtype=L.float32),
    lambda x, L: x.norm(dtype=L.float16), lambda x, L: x.norm(dtype=L.int64),
    lambda x, L: x.norm("nuc", dim=1), lambda x, L: x.norm("fro", dim=(0, 1, 1)),
])
def test_errors_match_torch(fn):
    e, t = _pair([[1., -2., 3.], [4., 5., -6.]])
    with pytest.raises(Exception) as expected:
        fn(t, torch)
    with pytest.raises(expected.type):
        fn(e, ember)


@pytest.mark.parametrize("fn", [
    lambda x: x.max(), lambda x: x.min(), lambda x: x.amax(), lambda x: x.argmax(),
    lambda x: x.max(1), lambda x: x.amin(1), lambda x: x.argmin(1), lambda x: x.median(1),
    lambda x: x.mode(1), lambda x: x.kthvalue(1, 1), lambda x: x.aminmax(),
    lambda x: x.norm(float("inf")), lambda x: x.norm(-1),
])
def test_empty_reductions_without_identity_raise(fn):
    e, t = _pair(np.zeros((2, 0), np.float32))
    with pytest.raises(Exception) as expected:
        fn(t)
    with pytest.raises(expected.type, match=re.escape(str(expected.value)[:30])):
        fn(e)


def test_empty_reductions_with_identity():
    e, t = _pair(np.zeros((2, 0), np.float32))
    for fn in (lambda x: x.sum(), lambda x: x.sum(1), lambda x: x.prod(1), lambda x: x.mean(),
               lambda x: x.mean(1), lambda x: x.std(), lambda x: x.all(), lambda x: x.any(1),
               lambda x: x.logsumexp(1), lambda x: x.norm(), lambda x: x.max(0),
               lambda x: x.amax(0), lambda x: x.median(), lambda x: x.cumsum(1),
               lambda x: x.sort(1), lambda x: x.cummax(1), lambda x: x.count_nonzero()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _same(fn(e), fn(t))


def test_dim_errors_name_the_problem():
    x = ember.ones(2, 3)
    with pytest.raises(IndexError, match=r"range of \[-2, 1\], but got 2"):
        x.sum(2)
    with pytest.raises(RuntimeError, match="dim 0 appears multiple times"):
        x.sum((0, -2))
    with pytest.raises(RuntimeError, match="could not infer output dtype"):
        ember.tensor([1, 2]).mean()


def test_std_with_too_few_degrees_of_freedom_warns_and_gives_nan():
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        r = ember.tensor([1.]).std()
    assert np.isnan(r.item())
    with pytest.warns(UserWarning):
        assert ember.tensor([1., 2.]).var(correction=3).item() == np.inf


def test_legacy_std_var_signatures():
    e, t = _pair([[1., 2., 4.], [3., 1., 0.]])
    for fn in (lambda x: x.std(0, False), lambda x: x.var(1, True, True), lambda x: x.std(False),
               lambda x: x.var(dim=None, correction=0, keepdim=True)):
        _same(fn(e), fn(t))
    L = (ember, torch)
    _same(*(lib.std_mean(x, 1, unbiased=False) for lib, x in zip(L, (e, t))))


def test_dim_variants():
    e, t = _pair(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    for fn in (lambda x: x.sum(()), lambda x: x.sum([]), lambda x: x.mean(None, True),
               lambda x: x.amax(()), lambda x: x.all(()), lambda x: x.any(None, True),
               lambda x: x.std(()), lambda x: x.norm(dim=()), lambda x: x.count_nonzero(()),
               lambda x: x.sum(dim=(-1, 0)), lambda x: x.argmax(keepdim=True),
               lambda x: x.norm("fro")):
        _same(fn(e), fn(t))
    z_e, z_t = _pair(np.float32(3.5))
    for fn in (lambda x: x.sum(0), lambda x: x.max(0), lambda x: x.sort(), lambda x: x.topk(1),
               lambda x: x.cumsum(-1), lambda x: x.argmax(0), lambda x: x.median(0),
               lambda x: x.kthvalue(1), lambda x: x.mode(), lambda x: x.cummax(0),
               lambda x: x.logsumexp(0), lambda x: x.std(0), lambda x: x.unique()):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _same(fn(z_e), fn(z_t))


def test_max_with_tensor_is_elementwise():
    e, t = _pair([[1., 5.], [3., 2.]])
    o_e, o_t = _pair([[2., 2.], [2., 2.]])
    _same(ember.max(e, o_e), torch.max(t, o_t))
    _same(ember.min(e, other=o_e), torch.min(t, other=o_t))
    assert ember.max(e, o_e).grad_fn is None


def test_unique_backward_is_not_implemented_like_torch():
    x = ember.tensor([3., 1., 1.], requires_grad=True)
    y = ember.unique(x)
    assert y.requires_grad and y.grad_fn.name() == "Unique2Backward0"
    with pytest.raises(NotImplementedError, match="_unique2"):
        y.sum().backward()


def test_node_names():
    x = ember.ones(3, 4, requires_grad=True)
    names = {
        "SumBackward0": x.sum(), "SumBackward1": x.sum(0), "MeanBackward0": x.mean(),
        "MeanBackward1": x.mean(0), "NansumBackward0": x.nansum(), "DivBackward0": x.nanmean(),
        "ProdBackward0": x.prod(), "ProdBackward1": x.prod(0), "StdBackward0": x.std(0),
        "VarBackward0": x.var(), "StdMeanBackward0": ember.std_mean(x)[0],
        "VarMeanBackward0": ember.var_mean(x)[1], "MaxBackward1": x.max(),
        "MaxBackward0": x.max(0)[0], "MinBackward1": x.min(), "MinBackward0": x.min(1)[0],
        "AmaxBackward0": x.amax(), "AminBackward0": x.amin(0), "AminmaxBackward0": x.aminmax()[0],
        "LinalgVectorNormBackward0": x.norm(), "LogsumexpBackward0": x.logsumexp(0),
        "CumsumBackward0": x.cumsum(0), "CumprodBackward0": x.cumprod(1),
        "SortBackward0": x.sort()[0], "TopkBackward0": x.topk(2)[0],
        "KthvalueBackward0": x.kthvalue(1)[0], "MedianBackward0": x.median(),
        "MedianBackward1": x.median(0)[0], "NanmedianBackward0": x.nanmedian(),
        "NanmedianBackward1": x.nanmedian(1)[0], "ModeBackward0": x.mode()[0],
        "CummaxBackward0": x.cummax(0)[0], "CumminBackward0": x.cummin(0)[0],
        "UniqueDimBackward0": ember.unique(x, dim=0),
        "UniqueConsecutiveBackward0": ember.unique_consecutive(x),
    }
    for name, y in names.items():
        assert y.grad_fn.name() == name
    assert not x.argmax().requires_grad and not x.sort()[1].requires_grad


def test_cumsum_inplace():
    x = ember.tensor([[1., 2.], [3., 4.]])
    assert x.cumsum_(0) is x and x.tolist() == [[1., 2.], [4., 6.]]
    y = ember.tensor([1, 2, 3], dtype=ember.int32)
    assert y.cumprod_(0).tolist() == [1, 2, 6] and y.dtype == ember.int32


def test_numpy_axis_and_keepdims_spellings():
    e, t = _pair(np.arange(12, dtype=np.float32).reshape(3, 4))
    for fn in (lambda x, L: x.sum(axis=1), lambda x, L: L.mean(x, axis=0, keepdims=True),
               lambda x, L: x.max(axis=1), lambda x, L: L.argmax(x, axis=0),
               lambda x, L: x.std(axis=1, keepdims=True), lambda x, L: x.cumsum(axis=0),
               lambda x, L: L.sort(x, axis=0, descending=True), lambda x, L: x.amax(axis=(0, 1))):
        _same(fn(e, ember), fn(t, torch))

"""Indexing behaviour against torch: views and versions, node names, key rules, setitem, errors."""
import warnings

import numpy as np
import pytest
import torch

import ember

S = slice
ALL = slice(None)


def _both(fn):
    """Run ``fn(lib)`` for ember and torch; return both results (or both exceptions)."""
    out = []
    for lib in (ember, torch):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out.append(fn(lib))
        except Exception as e:  # noqa: BLE001 - compared below
            out.append(e)
    return out


def _same_error(fn, exact=True):
    e, t = _both(fn)
    assert isinstance(t, Exception), f"torch did not raise, got {t!r}"
    assert isinstance(e, Exception), f"ember did not raise; torch raised {t!r}"
    assert type(e) is type(t), f"{type(e).__name__}({e}) != {type(t).__name__}({t})"
    if exact:
        assert str(e).split("\n")[0] == str(t).split("\n")[0]


def _x(lib, shape=(3, 4, 5), requires_grad=True, dtype=np.float32):
    arr = np.arange(np.prod(shape), dtype=dtype).reshape(shape)
    t = lib.tensor(arr)
    return t.requires_grad_() if requires_grad else t


KEYS = [0, -1, 2, S(1, None), S(None, 2), S(0, 3, 2), S(1, 100), S(5, None), (ALL, 1),
        (Ellipsis, 0), (0, S(1, 3)), (1, None, S(None, None, 2)), (ALL, None), (None,),
        (Ellipsis,), ALL, (ALL, ALL), (0, 1, 2), (None, 0), (0, None), (1, S(0, 1), 0, None),
        (0, ALL), (Ellipsis, 0, Ellipsis), (0, 0, 0, Ellipsis, None),
        [0, 2], [[0, 1], [2, 2]], ([0, 1], [1, 2]), (0, ALL, [0, 1]), ([0, 1], ALL, [0, 1]),
        (ALL, [0, 1], 0), (None, [0, 1], None, [1, 2]), (Ellipsis, [0, 4]),
        ([0, 1], Ellipsis, [1]), (0, None, [0, 1]), (True,), (False,), (True, 0), (None, True),
        (ALL, [0, 1], True), (1, True, [0, 1]), (True, [0, 1]), range(2), (range(2), [1, 2]),
        [], (0, [[0, 1], [1, 2]]), ([-3, 2], -1), (Ellipsis, [0.5]), [1.7, 0]]


def _key_id(k):
    return repr(k).replace(" ", "")


@pytest.mark.parametrize("key", KEYS, ids=[_key_id(k) for k in KEYS])
def test_getitem_matches_torch(key):
    e, t = _both(lambda lib: _x(lib)[key])
    assert not isinstance(t, Exception), t
    assert not isinstance(e, Exception), e
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.detach().numpy(), t.detach().numpy())
    assert repr(e.grad_fn).split(" ")[0] == repr(t.grad_fn).split(" ")[0]
    assert (e._base is not None) == (t._base is not None)   # a view exactly when torch's is


def test_tensor_keys_match_torch():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, 4, 5)).astype(np.float32)
    m34 = x[:, :, 0] > 0
    m45 = x[0] > 0
    keys = [lambda lib: (lib.tensor([0, 2, 0]),), lambda lib: lib.tensor(m34),
            lambda lib: (ALL, lib.tensor(m45)), lambda lib: (lib.tensor(1), ALL, [0, 1]),
            lambda lib: lib.tensor(1), lambda lib: (lib.tensor(-1), lib.tensor(2)),
            lambda lib: lib.tensor(True), lambda lib: lib.tensor(False),
            lambda lib: lib.tensor([0, 1], dtype=lib.int32), lambda lib: np.array([0, 2]),
            lambda lib: (lib.tensor([[0], [2]]), lib.tensor([1, 3])),
            lambda lib: lib.tensor(x > 0).nonzero(as_tuple=True),
            lambda lib: (lib.tensor([True, False, True]), lib.tensor([0, 3])),
            lambda lib: (np.int64(1), lib.tensor([], dtype=lib.int64))]
    for key in keys:
        e, t = _both(lambda lib: lib.tensor(x)[key(lib)])
        assert tuple(e.shape) == tuple(t.shape), key
        np.testing.assert_array_equal(e.numpy(), t.numpy())


ERROR_KEYS = [5, -4, (ALL, 7), (None, 5), (None, None, 0, 7), ([0], 7), [0, 5], [0, -4],
              (ALL, ALL, [0, 9]), (ALL, [[0, 9]], [0, 9]), ([0, 1], [0, 9]),
              ([1], [9, 3], [-7, 1]), ([0, 1], [0, 1, 2]), (0, 1, 2, 3), S(None, None, -1),
              S(None, None, 0), 1.0, np.bool_(True), "a"]


@pytest.mark.parametrize("key", ERROR_KEYS, ids=[_key_id(k) for k in ERROR_KEYS])
def test_getitem_errors_match_torch(key):
    _same_error(lambda lib: _x(lib)[key], exact=not isinstance(key, str))


def test_getitem_tensor_key_errors_match_torch():
    bad = [lambda lib: lib.tensor([0.0]), lambda lib: lib.tensor(1.0),
           lambda lib: lib.tensor([0, 1], dtype=lib.int16),
           lambda lib: lib.ones(3, 3, dtype=lib.bool),
           lambda lib: (ALL, ALL, lib.ones(4, dtype=lib.bool)),
           lambda lib: (0, lib.ones(3, 5, dtype=lib.bool)),
           lambda lib: (lib.ones(3, 4, dtype=lib.bool), [0, 1]),
           lambda lib: (lib.ones(3, 4, dtype=lib.bool), lib.ones(3, 4, dtype=lib.bool)),
           lambda lib: lib.tensor(-4)]
    for key in bad:
        _same_error(lambda lib: _x(lib)[key(lib)])
    for key in (0, ALL, [0]):
        _same_error(lambda lib: lib.tensor(1.0)[key])
    for key in (None, Ellipsis, True):
        e, t = _both(lambda lib: lib.tensor(1.0)[key])
        assert tuple(e.shape) == tuple(t.shape)


def test_basic_index_is_a_view_sharing_memory_and_version():
    x = ember.zeros(3, 4)
    row = x[1]
    col = x[:, 2]
    assert row._base is x and col._base is x
    row[0] = 5.0
    assert x[1, 0].item() == 5.0
    col[0] = 7.0
    assert x[0, 2].item() == 7.0
    assert x._version == row._version == col._version > 0
    v0 = x._version
    x[0, 0] = 1.0
    assert row._version == v0 + 1
    adv = x[[0, 1]]
    assert adv._base is None
    adv[0, 0] = 100.0
    assert x[0, 0].item() == 1.0   # a copy


def test_seed_patterns():
    # 000/001: grad_h[h < 0] = 0 (ReLU backward by hand)
    rng = np.random.default_rng(0)
    h = rng.standard_normal((4, 5)).astype(np.float32)
    g = rng.standard_normal((4, 5)).astype(np.float32)
    for lib in (ember, torch):
        grad_h = lib.tensor(g.copy())
        mask = lib.tensor(h) < 0 if hasattr(lib, "lt") else lib.tensor(h < 0)
        grad_h[mask] = 0
        np.testing.assert_array_equal(grad_h.numpy(), np.where(h < 0, 0, g))
    # 004: a[0][1] = 561 through a view; x[:, 1] = 0
    e, t = _both(lambda lib: _after(lib.ones(2, 3), lambda a: (a[0].__setitem__(1, 561),
                                                                a[:, 1].__setitem__(ALL, 0),
                                                                a.__setitem__((ALL, 2), 4))))
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    # 003: one-hot targets with scatter_
    for y in (3, 0, 9):
        e, t = _both(lambda lib: lib.zeros(10, dtype=lib.float).scatter_(0, lib.tensor(y),
                                                                         value=1))
        np.testing.assert_array_equal(e.numpy(), t.numpy())
    # 002: y_hat.gather(dim=1, index=y.view(-1, 1)) and its gradient
    y_hat = rng.uniform(0.1, 1, (4, 3)).astype(np.float32)
    y = np.array([0, 2, 2, 1])
    grads = []
    for lib in (ember, torch):
        p = lib.tensor(y_hat, requires_grad=True)
        picked = p.gather(dim=1, index=lib.tensor(y).view(-1, 1))
        np.testing.assert_allclose(picked.detach().numpy()[:, 0], y_hat[np.arange(4), y])
        picked.sum().backward()
        grads.append(p.grad.numpy())
    np.testing.assert_array_equal(*grads)


def _after(t, fn):
    fn(t)
    return t


def test_setitem_values_and_casts_match_torch():
    cases = [
        lambda lib: _after(lib.zeros(3, dtype=lib.long), lambda x: x.__setitem__(0, 2.7)),
        lambda lib: _after(lib.zeros(3, dtype=lib.long),
                           lambda x: x.__setitem__(S(1, None), lib.tensor([3.9, -2.5],
                                                                          dtype=lib.float64))),
        lambda lib: _after(lib.zeros(3, dtype=lib.bool), lambda x: x.__setitem__(1, 5)),
        lambda lib: _after(lib.zeros(3), lambda x: x.__setitem__(0, True)),
        lambda lib: _after(lib.zeros(3), lambda x: x.__setitem__(lib.tensor([0, 0]),
                                                                 lib.tensor([1.0, 1.0]))),
        lambda lib: _after(lib.zeros(3, 4), lambda x: x.__setitem__(0, lib.ones(1, 4))),
        lambda lib: _after(lib.zeros(3, 4), lambda x: x.__setitem__(lib.tensor(1), 2.0)),
        lambda lib: _after(lib.zeros(3, 4), lambda x: x.__setitem__((True, 0), 2.0)),
        lambda lib: _after(lib.zeros(3, 4), lambda x: x.__setitem__((0, [0, 2]), lib.tensor(5.0))),
        lambda lib: _after(lib.zeros(3, 4, 5), lambda x: x.__setitem__((0, ALL, [0, 1]),
                                                                       lib.ones(4, 2))),
        lambda lib: _after(lib.zeros(2, 3), lambda x: x.__setitem__(Ellipsis, lib.arange(3.0))),
        lambda lib: _after(lib.zeros(3), lambda x: x.__setitem__(lib.tensor([True, False, True]),
                                                                 lib.tensor(7))),
    ]
    for case in cases:
        e, t = _both(case)
        assert not isinstance(e, Exception), e
        assert repr(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_setitem_errors_match_torch():
    cases = [
        lambda lib: lib.zeros(3, 4).__setitem__(0, lib.ones(3)),
        lambda lib: lib.zeros(3, 4).__setitem__([0, 1], lib.ones(3)),
        lambda lib: lib.zeros(3, 4).__setitem__([0, 1], lib.ones(2)),
        lambda lib: lib.zeros(3, 4).__setitem__(0, [1, 2, 3, 4]),
        lambda lib: lib.zeros(3, dtype=lib.long).__setitem__(0, "a"),
        lambda lib: lib.zeros(3, dtype=lib.long).__setitem__(0, np.float32(2.5)),
        lambda lib: lib.zeros(3).__setitem__(S(0, 2), (1, 2)),
        lambda lib: lib.zeros(3).__setitem__(0, lib.ones(2)),
        lambda lib: lib.zeros(3).__setitem__(5, 1.0),
        lambda lib: lib.zeros(3).__setitem__([5], 1.0),
        lambda lib: lib.zeros(3).__setitem__(S(None, None, -1), 1.0),
        lambda lib: lib.zeros(3, 4, requires_grad=True).__setitem__(0, 1.0),
        lambda lib: lib.zeros(3, 4, requires_grad=True).__setitem__([0], 1.0),
        lambda lib: lib.zeros(3, 4, requires_grad=True).__setitem__(Ellipsis, 1.0),
        lambda lib: lib.zeros(3).__setitem__([0], lib.tensor([1.0], dtype=lib.float64)),
        lambda lib: lib.zeros(3).__setitem__(lib.tensor([True, False, True]),
                                              lib.tensor([1, 2])),
    ]
    for case in cases:
        _same_error(case)


def test_setitem_on_expanded_tensor():
    e, t = _both(lambda lib: _after(lib.zeros(3, 1).expand(3, 4),
                                    lambda x: x.__setitem__((0, 0), 1.0)))
    np.testing.assert_array_equal(e.numpy(), t.numpy())   # one element: allowed, seen 4 times
    _same_error(lambda lib: lib.zeros(3, 1).expand(3, 4).__setitem__(0, 2.0))


def test_setitem_records_like_torch():
    for key in (0, S(1, None), (Ellipsis, 0), [0, 2], (ALL, [0, 1]), (0, [0, 2]), Ellipsis):
        names, grads = [], []
        for lib in (ember, torch):
            x = lib.tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
            w = lib.tensor([10.0], dtype=lib.float64, requires_grad=True)
            y = x * 2
            y[key] = w
            names.append(repr(y.grad_fn).split(" ")[0])
            (y * lib.arange(12.0).reshape(3, 4)).sum().backward()
            grads.append((x.grad.numpy(), w.grad.numpy(), y.detach().numpy()))
        assert names[0] == names[1], (key, names)
        for a, b in zip(*grads):
            np.testing.assert_allclose(a, b)
    # a scalar written into a tensor that requires grad (torch: FillBackward3 for the whole)
    for key, value in ((0, 1.0), ([0, 0], 1.0), (Ellipsis, 2.0)):
        e, t = _both(lambda lib: _after(lib.ones(3, requires_grad=True) * 1,
                                        lambda y: y.__setitem__(key, value)))
        assert repr(e.grad_fn).split(" ")[0] == repr(t.grad_fn).split(" ")[0]


def test_setitem_without_grad_writes_in_place():
    w = ember.zeros(3, requires_grad=True)
    with ember.no_grad():
        w[0] = 1.0
    assert w.grad_fn is None and w.tolist() == [1.0, 0.0, 0.0] and w._version == 1
    # a value that requires grad makes a tensor that did not require it part of the graph
    x = ember.zeros(3)
    v = ember.tensor(2.0, requires_grad=True)
    x[1] = v
    assert x.requires_grad and repr(x.grad_fn).startswith("<CopySlices")
    x.sum().backward()
    assert v.grad.item() == 1.0


def test_duplicate_indices_accumulate_in_backward():
    for lib in (ember, torch):
        x = lib.zeros(3, 2, requires_grad=True)
        x[[0, 0, 2, 0]].sum().backward()
        assert x.grad[:, 0].tolist() == [3.0, 0.0, 1.0]
        x.grad = None
        x[lib.tensor([[1, 1], [1, 2]]), 1].sum().backward()
        assert x.grad[:, 1].tolist() == [0.0, 3.0, 1.0]


def test_index_put():
    e, t = _both(lambda lib: lib.zeros(3).index_put_((lib.tensor([0, 0, 2]),),
                                                     lib.tensor(1.0), accumulate=True))
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    for case in (lambda lib: lib.zeros(3).index_put((lib.tensor([0]),), 1.0),
                 lambda lib: lib.zeros(3).index_put((lib.tensor([0]),),
                                                    lib.tensor(1.0, dtype=lib.float64)),
                 lambda lib: lib.zeros(3, 4).index_put((None, lib.tensor([0])), lib.tensor(1.0)),
                 lambda lib: lib.zeros(3).index_put((lib.tensor([3]),), lib.tensor(1.0))):
        _same_error(case)


GATHER_ERRORS = [
    lambda lib, x, i, m: lib.gather(x, 1, i[0]),
    lambda lib, x, i, m: lib.gather(x, 0, lib.tensor([[0, 1, 2, 3, 0]])),
    lambda lib, x, i, m: lib.gather(x, 1, lib.tensor([[0, 1]] * 4)),
    lambda lib, x, i, m: lib.gather(x, 1, lib.tensor([[0, 5]])),
    lambda lib, x, i, m: lib.gather(x, 1, lib.tensor([[0, -1]])),
    lambda lib, x, i, m: lib.gather(x, 2, i),
    lambda lib, x, i, m: lib.gather(x, 1, i.short()),
    lambda lib, x, i, m: lib.gather(x, 1, i.float()),
    lambda lib, x, i, m: x.scatter(1, i, lib.ones(2, 2, dtype=lib.float64)),
    lambda lib, x, i, m: x.scatter(1, i, lib.ones(1, 2)),
    lambda lib, x, i, m: x.scatter(1, lib.tensor([[0, 7]]), 1.0),
    lambda lib, x, i, m: x.scatter(1, i, lib.tensor(2.0)),
    lambda lib, x, i, m: x.scatter(1, i, lib.ones(2, 2), reduce="mean"),
    lambda lib, x, i, m: x.scatter(1, i.short(), 2.0),
    lambda lib, x, i, m: x.scatter_add(1, i, lib.ones(2, 2, dtype=lib.float64)),
    lambda lib, x, i, m: x.scatter_add(1, lib.tensor([[0, 7]]), lib.ones(2, 2)),
    lambda lib, x, i, m: x.scatter_add(1, i, lib.ones(1, 1)),
    lambda lib, x, i, m: lib.index_select(x, 1, lib.tensor([0, 0, 3]).short()),
    lambda lib, x, i, m: lib.index_select(x, 1, lib.tensor([[0, 0, 3]])),
    lambda lib, x, i, m: lib.index_select(x, 1, lib.tensor([0, 4])),
    lambda lib, x, i, m: lib.index_select(x, 1, lib.tensor([0, -1])),
    lambda lib, x, i, m: x.index_add(0, lib.tensor([0, 0]), lib.ones(2, 3)),
    lambda lib, x, i, m: x.index_add(0, lib.tensor([0, 0]), lib.ones(3, 4)),
    lambda lib, x, i, m: x.index_add(0, lib.tensor([0, 5]), lib.ones(2, 4)),
    lambda lib, x, i, m: x.index_add(0, lib.tensor([0, 0]), lib.ones(2, 4, dtype=lib.float64)),
    lambda lib, x, i, m: x.index_add(0, lib.tensor([[0, 0]]), lib.ones(2, 4)),
    lambda lib, x, i, m: x.index_copy(0, lib.tensor([0, 2]).int(), lib.ones(2, 4)),
    lambda lib, x, i, m: x.index_copy(1, i[0], lib.ones(2, 2)),
    lambda lib, x, i, m: x.index_fill(1, lib.tensor([0, 2]), lib.tensor([-1.0])),
    lambda lib, x, i, m: x.index_fill(1, lib.tensor([0, 2]).int(), 2),
    lambda lib, x, i, m: x.masked_fill(m.float(), 2),
    lambda lib, x, i, m: x.masked_fill(lib.tensor([True, False, True]), 2),
    lambda lib, x, i, m: x.masked_fill(m, lib.tensor([2.0])),
    lambda lib, x, i, m: x[0].masked_fill_(lib.ones(3, 4, dtype=lib.bool), 2),
    lambda lib, x, i, m: lib.masked_select(x, m.float()),
    lambda lib, x, i, m: x.masked_scatter(m, lib.arange(2.0)),
    lambda lib, x, i, m: x.masked_scatter(m, lib.arange(20)),
    lambda lib, x, i, m: lib.take(x, lib.tensor([12])),
    lambda lib, x, i, m: lib.take(x, lib.tensor([-13])),
    lambda lib, x, i, m: lib.take(x, lib.tensor([1]).int()),
    lambda lib, x, i, m: lib.take_along_dim(x, lib.tensor([[0, 1]]), dim=0),
    lambda lib, x, i, m: lib.take_along_dim(x, lib.tensor([[0, 1]]).int(), dim=0),
    lambda lib, x, i, m: lib.take_along_dim(x, lib.tensor([0, 1]), dim=0),
]


@pytest.mark.parametrize("case", range(len(GATHER_ERRORS)))
def test_gather_family_errors_match_torch(case):
    rng = np.random.default_rng(0)
    xn = rng.standard_normal((3, 4)).astype(np.float32)
    fn = GATHER_ERRORS[case]

    def run(lib):
        return fn(lib, lib.tensor(xn), lib.tensor([[0, 1], [2, 0]]), lib.tensor(xn > 0))
    _same_error(run)


def test_scatter_reduce_argument_has_no_derivative():
    x = ember.zeros(3, 4, requires_grad=True)
    y = x.scatter(1, ember.tensor([[0, 1]]), 2.0, reduce="add")
    assert repr(y.grad_fn).startswith("<NotImplemented")
    with pytest.raises(RuntimeError, match="not implemented"):
        y.sum().backward()


def test_scatter_src_larger_than_index_gets_padded_gradient():
    # torch raises in backward here; ember returns the (zero-padded) gradient instead.
    x = ember.zeros(3, 4, requires_grad=True)
    src = ember.ones(3, 5, requires_grad=True)
    index = ember.tensor([[0, 1], [2, 3]])
    t = torch.zeros(3, 4).scatter_add(1, torch.tensor([[0, 1], [2, 3]]), torch.ones(3, 5))
    y = x.scatter_add(1, index, src)
    np.testing.assert_array_equal(y.detach().numpy(), t.numpy())
    y.sum().backward()
    assert src.grad.shape == (3, 5)
    assert src.grad.numpy().sum() == 4.0


def test_nonzero_and_masks():
    rng = np.random.default_rng(0)
    xn = rng.standard_normal((3, 4)).astype(np.float32)
    for as_tuple in (False, True):
        e, t = _both(lambda lib: lib.tensor(xn).nonzero(as_tuple=as_tuple))
        e = e if as_tuple else (e,)
        t = t if as_tuple else (t,)
        for a, b in zip(e, t):
            assert repr(a.dtype) == str(b.dtype)
            np.testing.assert_array_equal(a.numpy(), b.numpy())
    x = ember.tensor(xn, requires_grad=True)
    m = ember.tensor(xn > 0)
    assert not ember.nonzero(x).requires_grad
    y = x.masked_fill(m, 0.0)
    assert repr(y.grad_fn).startswith("<MaskedFillBackward0")
    z = x.masked_select(m)
    assert repr(z.grad_fn).startswith("<MaskedSelectBackward0")
    w = x.clone()
    w.masked_fill_(m, 1.5)
    assert np.all(w.detach().numpy()[xn > 0] == 1.5)


def test_gather_scatter_are_vectorised_on_large_inputs():
    rng = np.random.default_rng(0)
    n, c = 20000, 50
    x = ember.tensor(rng.standard_normal((n, c)).astype(np.float32), requires_grad=True)
    idx = ember.tensor(rng.integers(0, c, (n, 1)))
    y = x.gather(1, idx)
    y.sum().backward()
    assert x.grad.numpy().sum() == n
    rows = ember.tensor(rng.integers(0, n, 100000))
    x.grad = None
    x[rows].sum().backward()
    np.testing.assert_allclose(x.grad.numpy()[:, 0], np.bincount(rows.numpy(), minlength=n))

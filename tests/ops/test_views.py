"""Views (memory, version counter, strides, node names), copies, and errors of the shape and join
families, each checked against torch."""
import warnings

import numpy as np
import pytest
import torch

import ember

# name -> f(lib, x) for x = arange(24.).reshape(2, 3, 4); the result is a view of x in torch.
VIEWS = {
    "view": lambda lib, x: x.view(6, 4),
    "view_as": lambda lib, x: x.view_as(lib.empty(4, 6)),
    "view_dtype": lambda lib, x: x.view(lib.int32),
    "reshape": lambda lib, x: lib.reshape(x, (4, -1)),
    "reshape_as": lambda lib, x: x.reshape_as(lib.empty(24)),
    "flatten": lambda lib, x: lib.flatten(x, 1),
    "unflatten": lambda lib, x: x.unflatten(2, (2, 2)),
    "ravel": lambda lib, x: lib.ravel(x),
    "expand": lambda lib, x: x.narrow(1, 1, 1).expand(2, 5, 4),
    "broadcast_to": lambda lib, x: lib.broadcast_to(x, (3, 2, 3, 4)),
    "permute": lambda lib, x: x.permute(2, 0, 1),
    "transpose": lambda lib, x: lib.transpose(x, 0, 2),
    "swapaxes": lambda lib, x: x.swapaxes(1, 2),
    "t": lambda lib, x: x.select(0, 1).t(),
    "T": lambda lib, x: x.select(0, 1).T,
    "mT": lambda lib, x: x.mT,
    "movedim": lambda lib, x: lib.movedim(x, 0, -1),
    "squeeze": lambda lib, x: x.narrow(0, 1, 1).squeeze(),
    "unsqueeze": lambda lib, x: x.unsqueeze(1),
    "select": lambda lib, x: lib.select(x, 1, -1),
    "select_0d": lambda lib, x: x.select(0, 1).select(0, 2).select(0, 3),
    "narrow": lambda lib, x: lib.narrow(x, 2, 1, 2),
    "unbind": lambda lib, x: lib.unbind(x, 1)[1],
    "split": lambda lib, x: lib.split(x, 2, 2)[1],
    "split_sizes": lambda lib, x: x.split([1, 3], 2)[1],
    "chunk": lambda lib, x: x.chunk(2, 1)[0],
    "tensor_split": lambda lib, x: lib.tensor_split(x, [1, 3], 2)[1],
    "diagonal": lambda lib, x: lib.diagonal(x, 1, 1, 2),
    "atleast_3d": lambda lib, x: lib.atleast_3d(x.select(0, 0)),
    "meshgrid": lambda lib, x: lib.meshgrid(x.select(0, 0).select(0, 0), lib.zeros(2),
                                            indexing="ij")[0],
}

# The same for ops that return new memory.
COPIES = {
    "reshape_copy": lambda lib, x: x.transpose(0, 1).reshape(-1),
    "flatten_copy": lambda lib, x: x.transpose(0, 1).flatten(),
    "ravel_copy": lambda lib, x: x.mT.ravel(),
    "flip": lambda lib, x: lib.flip(x, (0,)),
    "flip_none": lambda lib, x: x.flip(()),
    "roll": lambda lib, x: x.roll(1),
    "repeat": lambda lib, x: x.repeat(1, 1, 1),
    "tile": lambda lib, x: x.tile(()),
    "cat": lambda lib, x: lib.cat([x]),
    "stack": lambda lib, x: lib.stack([x]),
    "tril": lambda lib, x: x.tril(5),
    "diag": lambda lib, x: x.select(0, 0).diag(),
    "diag_embed": lambda lib, x: x.diag_embed(),
    "where": lambda lib, x: lib.where(lib.ones(4, dtype=lib.bool), x, 0.0),
}


def _pair(fn):
    base = np.arange(24.0, dtype=np.float32).reshape(2, 3, 4)
    tx, ex = torch.tensor(base), ember.tensor(base)
    return tx, ex, fn(torch, tx), fn(ember, ex)


def _same(e, t):
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_view_shares_memory_both_ways(name):
    tx, ex, tv, ev = _pair(VIEWS[name])
    assert (tv._base is tx) == (ev._base is ex) == (name != "view_dtype")
    assert ev.shape == tv.shape and ev.stride() == tv.stride()
    assert ev.is_contiguous() == tv.is_contiguous()
    # write through the view: the base sees it, and both share one version counter
    v0 = ex._version
    tv.fill_(7) if name in ("expand", "broadcast_to", "meshgrid") else tv.mul_(-1)
    ev.fill_(7) if name in ("expand", "broadcast_to", "meshgrid") else ev.mul_(-1)
    _same(ex, tx)
    assert ex._version == ev._version == v0 + 1
    # write the base: the view sees it
    tx.add_(1)
    ex.add_(1)
    _same(ev, tv)
    assert ev._version == ex._version == v0 + 2


def test_view_of_a_view_has_the_root_as_base():
    x = ember.zeros(2, 3)
    v = x.t().unsqueeze(0).select(0, 0).narrow(0, 1, 2)
    assert v._base is x
    v.fill_(1)
    assert x.sum().item() == 4


@pytest.mark.parametrize("name", sorted(COPIES))
def test_copies_do_not_share_memory(name):
    tx, ex, tc, ec = _pair(COPIES[name])
    assert tc._base is not tx and ec._base is not ex
    assert (tc._base is None) == (ec._base is None)
    tc.fill_(-5)
    ec.fill_(-5)
    _same(ex, tx)
    assert ex._version == 0


def test_modified_view_of_saved_tensor_fails_backward():
    a = ember.randn(3, requires_grad=True)
    b = a * 1
    c = b * b  # saves b
    with ember.no_grad():
        b.unsqueeze(0).narrow(1, 0, 2).mul_(2)
    assert b._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        c.sum().backward()


def test_inplace_through_view_and_base_detach():
    x = ember.arange(6.0)
    d = x.detach().view(2, 3)
    d.select(1, 0).zero_()
    assert x.tolist() == [0.0, 1.0, 2.0, 0.0, 4.0, 5.0]
    assert x._version == d._version == 1


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.permute(2, 0, 1), lambda lib, x: x.transpose(0, 1),
    lambda lib, x: x.narrow(1, 0, 1).expand(2, 3, 4), lambda lib, x: x.expand(5, 2, 3, 4),
    lambda lib, x: x.select(2, 1), lambda lib, x: x.narrow(2, 1, 2),
    lambda lib, x: x.diagonal(0, 0, 2), lambda lib, x: x.unsqueeze(1),
    lambda lib, x: x.unsqueeze(3), lambda lib, x: x.view(2, 3, 1, 4),
    lambda lib, x: x.narrow(0, 0, 1).squeeze(0), lambda lib, x: x.transpose(0, 1).transpose(0, 1),
    lambda lib, x: x.movedim(1, 0).contiguous(), lambda lib, x: lib.zeros(2, 1, 3).transpose(0, 1),
    lambda lib, x: lib.zeros(1, 2).t(), lambda lib, x: lib.zeros(3).expand(1, 3),
    lambda lib, x: lib.zeros(3).expand(1, 2, 1, 3), lambda lib, x: lib.zeros(1).expand(1, 3),
    lambda lib, x: x.mT.expand(1, 2, 4, 3), lambda lib, x: x.narrow(2, 0, 1).expand(1, 2, 3, 1),
])
def test_strides_and_contiguity_match_torch(fn):
    tx, ex, t, e = _pair(fn)
    assert e.shape == t.shape
    assert e.stride() == t.stride()
    assert e.is_contiguous() == t.is_contiguous()


# -- node names --------------------------------------------------------------------------------
NODES = {
    "view": (lambda lib, y: y.view(-1), "ViewBackward0"),
    "reshape_copy": (lambda lib, y: y.t().reshape(-1), "UnsafeViewBackward0"),
    "expand": (lambda lib, y: y.expand(2, 2, 3), "ExpandBackward0"),
    "squeeze": (lambda lib, y: y.squeeze(), "SqueezeBackward0"),
    "squeeze_dim": (lambda lib, y: y.squeeze(0), "SqueezeBackward1"),
    "squeeze_dims": (lambda lib, y: y.squeeze((0, 1)), "SqueezeBackward2"),
    "squeeze_": (lambda lib, y: (y * 1).squeeze_(), "SqueezeBackward3"),
    "squeeze_dim_": (lambda lib, y: (y * 1).squeeze_(0), "SqueezeBackward4"),
    "squeeze_dims_": (lambda lib, y: (y * 1).squeeze_((0,)), "SqueezeBackward5"),
    "unsqueeze_": (lambda lib, y: (y * 1).unsqueeze_(0), "UnsqueezeBackward1"),
    "t_": (lambda lib, y: (y * 1).t_(), "TBackward1"),
    "transpose_": (lambda lib, y: (y * 1).transpose_(0, 1), "TransposeBackward1"),
    "select": (lambda lib, y: y.select(0, 1), "SelectBackward0"),
    "narrow": (lambda lib, y: y.narrow(0, 1, 1), "SliceBackward0"),
    "unbind": (lambda lib, y: y.unbind(1)[2], "UnbindBackward0"),
    "split": (lambda lib, y: y.split(2, 1)[1], "SplitBackward0"),
    "split_sizes": (lambda lib, y: y.split([1, 2], 1)[1], "SplitWithSizesBackward0"),
    "chunk": (lambda lib, y: y.chunk(2, 1)[1], "SplitBackward0"),
    "tensor_split": (lambda lib, y: y.tensor_split(2, 1)[1], "SliceBackward0"),
    "movedim": (lambda lib, y: y.movedim(0, 1), "PermuteBackward0"),
    "diagonal": (lambda lib, y: y.diagonal(), "DiagonalBackward0"),
    "diag_2d": (lambda lib, y: y.diag(), "DiagonalBackward0_copy"),
    "diag_1d": (lambda lib, y: y.select(0, 0).diag(), "DiagEmbedBackward0"),
    "cat": (lambda lib, y: lib.cat([y, y]), "CatBackward0"),
    "hstack": (lambda lib, y: lib.hstack([y, y]), "CatBackward0"),
    "stack": (lambda lib, y: lib.stack([y, y]), "StackBackward0"),
    "repeat": (lambda lib, y: y.repeat(2, 1), "RepeatBackward0"),
    "tile": (lambda lib, y: y.tile(2), "RepeatBackward0"),
    "flip": (lambda lib, y: y.flip(0), "FlipBackward0"),
    "roll": (lambda lib, y: y.roll(1), "RollBackward0"),
    "tril": (lambda lib, y: y.tril(), "TrilBackward0"),
    "triu_": (lambda lib, y: (y * 1).triu_(), "TriuBackward0"),
    "where": (lambda lib, y: lib.where(lib.ones(3, dtype=lib.bool), y, 0.0), "WhereBackward0"),
    "meshgrid": (lambda lib, y: lib.meshgrid(y.select(0, 0), y.select(1, 0),
                                             indexing="xy")[1], "ExpandBackward0"),
    "atleast_3d": (lambda lib, y: lib.atleast_3d(y), "UnsqueezeBackward0"),
}


@pytest.mark.parametrize("name", sorted(NODES))
def test_node_names_match_torch(name):
    fn, expected = NODES[name]
    base = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    ty = torch.tensor(base, requires_grad=True) * 1
    ey = ember.tensor(base, requires_grad=True) * 1
    assert fn(torch, ty).grad_fn.name() == expected
    assert fn(ember, ey).grad_fn.name() == expected


def test_inplace_shape_ops_record_and_bump_version():
    x = ember.randn(2, 3, requires_grad=True)
    y = x * 2
    w = y.view(6)
    assert y.unsqueeze_(0) is y
    assert y.shape == (1, 2, 3) and w.shape == (6,) and y._version == 1 == w._version
    y.squeeze_(0).t_().transpose_(0, 1).unsqueeze_(2).squeeze_()
    assert y.shape == (2, 3) and y._version == 6
    y.sum().backward()
    assert np.allclose(x.grad.numpy(), 2)


def test_inplace_shape_ops_on_leaves():
    x = ember.zeros(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used"):
        x.unsqueeze_(0)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad"):
        x.narrow(0, 0, 1).t_()
    with ember.no_grad():
        x.unsqueeze_(0)
    assert x.shape == (1, 2, 3) and x.grad_fn is None and x.requires_grad


# -- errors ------------------------------------------------------------------------------------
ERRORS = [
    lambda lib, x: x.view(5, 5),
    lambda lib, x: x.view(-1, -1),
    lambda lib, x: x.view(-1, 5),
    lambda lib, x: x.view(-2, 12),
    lambda lib, x: x.transpose(0, 1).view(-1),
    lambda lib, x: lib.zeros(0, 3).view(0, -1),
    lambda lib, x: x.reshape(7, -1),
    lambda lib, x: x.narrow(2, 0, 3).view(lib.float64),
    lambda lib, x: x.t().view(lib.float64) if x.dim() == 2 else x.mT.view(lib.int16),
    lambda lib, x: x.flatten(2, 1),
    lambda lib, x: x.flatten(0, 5),
    lambda lib, x: x.unflatten(1, (2, 2)),
    lambda lib, x: x.unflatten(1, ()),
    lambda lib, x: x.squeeze(3),
    lambda lib, x: x.squeeze((0, -3)),
    lambda lib, x: x.unsqueeze(4),
    lambda lib, x: x.unsqueeze(-5),
    lambda lib, x: x.permute(0, 1),
    lambda lib, x: x.permute(0, 1, 1),
    lambda lib, x: x.permute(0, 1, 3),
    lambda lib, x: x.transpose(0, 3),
    lambda lib, x: x.t(),
    lambda lib, x: x.expand(3, 4),
    lambda lib, x: x.expand(2, 4, 4),
    lambda lib, x: x.expand(-1, 2, 3, 4),
    lambda lib, x: x.narrow(1, 2, 2),
    lambda lib, x: x.narrow(1, -4, 1),
    lambda lib, x: x.narrow(1, 0, -1),
    lambda lib, x: lib.tensor(1.0).narrow(0, 0, 1),
    lambda lib, x: x.select(1, 3),
    lambda lib, x: x.select(1, -4),
    lambda lib, x: lib.tensor(1.0).select(0, 0),
    lambda lib, x: lib.tensor(1.0).unbind(0),
    lambda lib, x: x.unbind(3),
    lambda lib, x: x.chunk(0),
    lambda lib, x: lib.tensor(1.0).chunk(2),
    lambda lib, x: x.split(0, 1),
    lambda lib, x: x.split(-1),
    lambda lib, x: x.split([1, 1], 1),
    lambda lib, x: x.split([2, -1, 2], 1),
    lambda lib, x: x.tensor_split(0),
    lambda lib, x: x.movedim(0, 5),
    lambda lib, x: x.movedim((0, 1), (1, 1)),
    lambda lib, x: x.movedim((0, 1), (1,)),
    lambda lib, x: lib.cat([x, lib.zeros(2, 3, 5)]),
    lambda lib, x: lib.cat([x, lib.zeros(2, 3)]),
    lambda lib, x: lib.cat([x, x], 3),
    lambda lib, x: lib.cat([]),
    lambda lib, x: lib.cat(x),
    lambda lib, x: lib.cat([x, 1]),
    lambda lib, x: lib.cat([lib.tensor(1.0), lib.tensor(2.0)]),
    lambda lib, x: lib.stack([x, lib.zeros(2, 3)]),
    lambda lib, x: lib.stack([]),
    lambda lib, x: lib.stack([x, x], 4),
    lambda lib, x: x.repeat(2),
    lambda lib, x: x.repeat(-1, 1, 1),
    lambda lib, x: x.flip(0, 0),
    lambda lib, x: x.flip(3),
    lambda lib, x: lib.zeros(3).fliplr(),
    lambda lib, x: x.roll((1, 2), (0,)),
    lambda lib, x: x.roll((1, 2)),
    lambda lib, x: x.roll(1, 3),
    lambda lib, x: lib.tensor(3.0).roll(1, 0),
    lambda lib, x: lib.zeros(3).tril(),
    lambda lib, x: x.diag(),
    lambda lib, x: x.diagonal(1, 0, 0),
    lambda lib, x: x.diagonal(0, 0, -3),
    lambda lib, x: lib.zeros(3).diagonal(),
    lambda lib, x: x.diag_embed(1, 0, 4),
    lambda lib, x: lib.where(x, x, x),
    lambda lib, x: lib.where(lib.ones(2, 3, 4, dtype=lib.bool), x, lib.zeros(5)),
    lambda lib, x: lib.meshgrid(indexing="xy"),
    lambda lib, x: lib.meshgrid(lib.arange(3), lib.arange(4.0), indexing="ij"),
    lambda lib, x: lib.meshgrid(lib.arange(3), indexing="foo"),
    lambda lib, x: lib.broadcast_to(x, (3, 4)),
    lambda lib, x: lib.broadcast_tensors(x, lib.zeros(5)),
    lambda lib, x: lib.broadcast_shapes((2, 3), (4,)),
    lambda lib, x: lib.broadcast_shapes((2, -1), (3,)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    fn = ERRORS[i]
    base = np.zeros((2, 3, 4), np.float32)
    with pytest.raises(Exception) as te:
        fn(torch, torch.tensor(base))
    with pytest.raises(Exception) as ee:
        fn(ember, ember.tensor(base))
    assert ee.type is te.type, f"{ee.type.__name__}: {ee.value} vs torch's {te.value}"
    assert str(ee.value) == str(te.value).split("\n")[0] or te.type is TypeError


@pytest.mark.parametrize("n", range(0, 14))
@pytest.mark.parametrize("chunks", [1, 2, 3, 4, 5, 6])
def test_chunk_and_split_sizes_match_torch(n, chunks):
    for fn in (lambda lib, x: x.chunk(chunks), lambda lib, x: x.tensor_split(chunks),
               lambda lib, x: x.split(chunks)):
        t = [tuple(p.shape) for p in fn(torch, torch.zeros(n))]
        e = [tuple(p.shape) for p in fn(ember, ember.zeros(n))]
        assert e == t


def test_cat_skips_empty_and_promotes():
    e = ember.cat([ember.zeros(0, dtype=ember.float64), ember.ones(2, 2, dtype=ember.int32)])
    assert e.dtype == ember.float64 and e.shape == (2, 2)
    out = ember.zeros(1)
    r = ember.cat([ember.ones(2), ember.ones(1)], out=out)
    assert r is out and out.shape == (3,)


def test_where_condition_only_is_nonzero():
    c = np.array([[True, False], [False, True]])
    e = ember.where(ember.tensor(c))
    t = torch.where(torch.tensor(c))
    assert len(e) == len(t)
    for a, b in zip(e, t):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_meshgrid_warns_without_indexing():
    with pytest.warns(UserWarning, match="indexing"):
        a, b = ember.meshgrid(ember.arange(2), ember.arange(3))
    assert a.shape == (2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ember.meshgrid(ember.arange(2), indexing="ij")


def test_write_to_one_element_of_expanded_view():
    x = ember.zeros(1, 3)
    e = x.expand(2, 3)
    e.select(0, 1).select(0, 0).fill_(5)
    assert x.tolist() == [[5.0, 0.0, 0.0]]
    assert e.tolist() == [[5.0, 0.0, 0.0], [5.0, 0.0, 0.0]]


def test_view_dtype_is_a_bit_view():
    x = ember.tensor([1.0, -2.0])
    assert x.view(ember.int32).tolist() == torch.tensor([1.0, -2.0]).view(torch.int32).tolist()
    y = ember.tensor([1.0, 2.0], requires_grad=True)
    assert not y.view(ember.float32).requires_grad


@pytest.mark.parametrize("fn", [
    lambda lib, x: x.view(size=(24,)), lambda lib, x: lib.reshape(x, shape=(4, 6)),
    lambda lib, x: x.expand(size=(2, 2, 3, 4)), lambda lib, x: lib.permute(x, dims=(2, 0, 1)),
    lambda lib, x: x.permute([2, 0, 1]), lambda lib, x: x.repeat(repeats=(1, 1, 2)),
    lambda lib, x: x.tile(2, 1), lambda lib, x: lib.tile(x, dims=(2,)),
    lambda lib, x: lib.flip(x, dims=(0,)), lambda lib, x: x.flip(0, 1),
    lambda lib, x: x.split(split_size=3, dim=2)[1], lambda lib, x: x.unflatten(1, lib.Size([3, 1])),
    lambda lib, x: x.narrow(dim=0, start=1, length=1), lambda lib, x: x.select(dim=2, index=-1),
    lambda lib, x: x.movedim(source=0, destination=1), lambda lib, x: x.roll(shifts=1, dims=0),
    lambda lib, x: lib.broadcast_to(x, size=(2, 2, 3, 4)),
])
def test_keyword_and_sequence_argument_forms(fn):
    tx, ex, t, e = _pair(fn)
    assert e.shape == t.shape
    _same(e, t)


def test_inplace_op_on_a_view_after_its_shape_changed_in_place():
    grads = []
    for lib in (torch, ember):
        x = lib.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
        y = x * 1
        v = y.narrow(0, 0, 1)
        v.t_()
        v.mul_(lib.arange(3.0).view(3, 1))
        (y * y).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[1], grads[0])

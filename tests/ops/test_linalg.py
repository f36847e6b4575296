"""Behaviour of the linear algebra ops beyond the op table: errors (type and message, as
torch's), dtype rules, broadcasting, node names, singular inputs, return types."""
import warnings

import numpy as np
import pytest
import torch

import ember

F32, F64 = np.float32, np.float64


def _pair(*arrays):
    return ([ember.tensor(a) for a in arrays], [torch.from_numpy(np.array(a)) for a in arrays])


def r(*shape, dtype=F32, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def same_error(fn, *arrays, match_message=True):
    """fn(lib, *tensors) raises the same exception type (and message) in ember and torch."""
    e_args, t_args = _pair(*arrays)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(Exception) as t_err:
            fn(torch, *t_args)
        with pytest.raises(Exception) as e_err:
            fn(ember, *e_args)
    t_exc, e_exc = t_err.value, e_err.value
    if isinstance(t_exc, torch.linalg.LinAlgError):
        assert isinstance(e_exc, ember.linalg.LinAlgError), repr(e_exc)
    base = next(c for c in type(t_exc).__mro__ if c.__module__ == "builtins")
    assert isinstance(e_exc, base), f"{type(e_exc).__name__} is not a {base.__name__}: {e_exc}"
    if match_message:
        assert str(e_exc) == str(t_exc)


I3 = np.eye(3, dtype=F32)
SING = np.array([[1., 2, 3], [2, 4, 6], [1, 0, 1]], F32)

ERRORS = [
    # matmul family: shapes
    (lambda L, a, b: L.mm(a, b), (r(64, 1000), r(100, 10))),
    (lambda L, a, b: L.mm(a, b), (r(3), r(3, 3))),
    (lambda L, a, b: L.mm(a, b), (r(3, 3), r(3))),
    (lambda L, a, b: L.matmul(a, b), (np.float32(1.0) * np.ones((), F32), r(3))),
    (lambda L, a, b: L.matmul(a, b), (r(3), r(4))),
    (lambda L, a, b: L.matmul(a, b), (r(2, 3), r(4))),
    (lambda L, a, b: L.matmul(a, b), (r(3), r(4, 2))),
    (lambda L, a, b: L.matmul(a, b), (r(2, 3), r(4, 2))),
    (lambda L, a, b: L.matmul(a, b), (r(5, 2, 3), r(4, 2))),
    (lambda L, a, b: L.matmul(a, b), (r(5, 2, 3), r(4, 3, 2))),
    (lambda L, a, b: L.matmul(a, b), (r(5, 2, 3), r(5, 4, 2))),
    (lambda L, a, b: L.matmul(a, b), (r(5, 2, 3), r(4))),
    (lambda L, a, b: L.matmul(a, b), (r(4), r(5, 2, 3))),
    (lambda L, a, b: L.bmm(a, b), (r(2, 3, 4), r(3, 4, 5))),
    (lambda L, a, b: L.bmm(a, b), (r(2, 3, 4), r(2, 5, 5))),
    (lambda L, a, b: L.bmm(a, b), (r(3, 4), r(2, 4, 5))),
    (lambda L, a, b: L.mv(a, b), (r(3, 4), r(5))),
    (lambda L, a, b: L.mv(a, b), (r(3, 4), r(4, 1))),
    (lambda L, a, b: L.dot(a, b), (r(3), r(4))),
    (lambda L, a, b: L.dot(a, b), (r(3, 1), r(3))),
    (lambda L, a, b: L.vdot(a, b), (r(3), r(4))),
    (lambda L, a, b: L.inner(a, b), (r(3), r(4))),
    (lambda L, a, b: L.outer(a, b), (r(3, 1), r(4))),
    (lambda L, a, b: L.outer(a, b), (r(3), r(4, 1))),
    (lambda L, c, a, b: L.addmm(c, a, b), (r(3, 6), r(3, 4), r(4, 5))),
    (lambda L, c, a, b: L.addmm(c, a, b), (r(3, 5), r(3, 4), r(5, 5))),
    (lambda L, c, a, b: L.addmm(c, a, b), (r(3, 5), r(3, 4, 1), r(4, 5))),
    (lambda L, c, a, b: L.addmv(c, a, b), (r(3), r(3, 4), r(5))),
    (lambda L, c, a, b: L.addmv(c, a, b), (r(4), r(3, 4), r(4))),
    (lambda L, c, a, b: L.addmv(c, a, b), (r(3), r(3, 4), r(4, 1))),
    (lambda L, c, a, b: L.baddbmm(c, a, b), (r(2, 3, 6), r(2, 3, 4), r(2, 4, 5))),
    (lambda L, c, a, b: L.addbmm(c, a, b), (r(3, 6), r(2, 3, 4), r(2, 4, 5))),
    # dtypes: torch does not promote in products
    (lambda L, a, b: L.mm(a, b), (r(3, 3), r(3, 3, dtype=F64))),
    (lambda L, a, b: L.mm(a, b), (r(3, 3, dtype=F64), r(3, 3))),
    (lambda L, a, b: L.matmul(a, b), (r(3, 3), r(3, 3, dtype=F64))),
    (lambda L, a, b: L.matmul(a, b), (r(3), r(3, dtype=F64))),
    (lambda L, a, b: L.matmul(a, b), (r(2, 3, 3), r(3, 3, dtype=F64))),
    (lambda L, a, b: L.matmul(a, b), (r(3, 3), r(3, dtype=F64))),
    (lambda L, a, b: L.matmul(a, b), (np.arange(4).reshape(2, 2), r(2, 2))),
    (lambda L, a, b: L.bmm(a, b), (r(2, 3, 4), r(2, 4, 5, dtype=F64))),
    (lambda L, a, b: L.mv(a, b), (r(3, 4), r(4, dtype=F64))),
    (lambda L, a, b: L.dot(a, b), (r(3), r(3, dtype=F64))),
    (lambda L, a, b: L.inner(a, b), (r(3), r(3, dtype=F64))),
    (lambda L, c, a, b: L.addmm(c, a, b), (r(3, 5), r(3, 4), r(4, 5, dtype=F64))),
    (lambda L, c, a, b: L.addmm(c, a, b), (r(3, 5, dtype=F64), r(3, 4), r(4, 5))),
    (lambda L, c, a, b: L.addmm(c, a, b), (r(3, 5), r(3, 4, dtype=F64), r(4, 5))),
    (lambda L, c, a, b: L.addmv(c, a, b), (r(3, dtype=F64), r(3, 4), r(4))),
    (lambda L, a, b: L.mm(a, b), (np.ones((2, 2), bool), np.ones((2, 2), bool))),
    # einsum
    (lambda L, a, b: L.einsum("ij,jk->ik", a, b), (r(2, 3), r(4, 5))),
    (lambda L, a, b: L.einsum("ij,jk->ik", a, b), (r(2, 3), r(3, 5, dtype=F64))),
    (lambda L, a: L.einsum("ij,jk->ik", a), (r(2, 3),)),
    (lambda L, a, b: L.einsum("ij", a, b), (r(3, 4), r(3))),
    (lambda L, a: L.einsum("ij->ik", a), (r(2, 3),)),
    (lambda L, a: L.einsum("ijk->ij", a), (r(2, 3),)),
    (lambda L, a, b: L.einsum("ij,jk->ii", a, b), (r(2, 3), r(3, 5))),
    (lambda L, a: L.einsum("iij->ij", a), (r(2, 3, 3),)),
    (lambda L, a: L.einsum("i.j->ij", a), (r(3, 4),)),
    (lambda L, a: L.einsum("i1->i", a), (r(3, 4),)),
    (lambda L, a: L.einsum("ij->j->i", a), (r(3, 4),)),
    (lambda L, a: L.einsum("...i...->i", a), (r(3, 4),)),
    (lambda L, a: L.einsum("ij...k->ij", a), (r(3, 4),)),
    (lambda L, a, b: L.einsum("i,i->", a, b), (np.arange(3), np.arange(3.0))),
    # tensordot, cross, trace
    (lambda L, a, b: L.tensordot(a, b, 1), (r(2, 3), r(4, 5))),
    (lambda L, a, b: L.tensordot(a, b, -1), (r(2, 3, 4), r(3, 4, 5))),
    (lambda L, a, b: L.tensordot(a, b, 2), (r(2, 3, 4), r(3, 4, 5, dtype=F64))),
    (lambda L, a, b: L.tensordot(a, b, ([1], [0, 1])), (r(2, 3, 4), r(3, 4, 5))),
    (lambda L, a, b: L.tensordot(a, b, ([1, 2], [1, 0])), (r(2, 3, 4), r(3, 4, 5))),
    (lambda L, a: L.trace(a), (r(2, 3, 4),)),
    (lambda L, a, b: L.cross(a, b), (r(2, 4), r(2, 4))),
    (lambda L, a, b: L.cross(a, b, dim=2), (r(3, 3), r(3, 3))),
    (lambda L, a, b: L.linalg.cross(a, b), (r(3, 4), r(3, 4))),
    (lambda L, a, b: L.linalg.cross(a, b), (r(3, 3), r(3, 3, dtype=F64))),
    (lambda L, a, b: L.linalg.cross(a, b), (r(2, 1, 3), r(4, 3))),
    (lambda L, a, b: L.linalg.cross(a, b), (r(2, 3), r(4, 3))),
    # square / float checks and singular inputs
    (lambda L, a: L.det(a), (r(2, 3),)),
    (lambda L, a: L.det(a), (r(3),)),
    (lambda L, a: L.det(a), (np.arange(9).reshape(3, 3),)),
    (lambda L, a: L.inverse(a), (np.zeros((3, 3), F32),)),
    (lambda L, a: L.inverse(a), (np.zeros((2, 3, 3), F32),)),
    (lambda L, a: L.linalg.inv(a), (np.ones((2, 3, 3), F32),)),
    (lambda L, a: L.linalg.inv(a), (SING,)),
    (lambda L, a: L.inverse(a), (r(2, 3),)),
    (lambda L, a: L.inverse(a), (np.eye(3, dtype=np.int64),)),
    (lambda L, a, b: L.linalg.solve(a, b), (np.zeros((3, 3), F32), r(3))),
    (lambda L, a, b: L.linalg.solve(a, b), (np.stack([I3, 0 * I3]), r(2, 3))),
    (lambda L, a, b: L.linalg.solve(a, b), (r(3, 3), r(4))),
    (lambda L, a, b: L.linalg.solve(a, b), (r(3, 3), r(3, dtype=F64))),
    (lambda L, a, b: L.linalg.solve(a, b), (r(3, 3), r(2, 3))),
    (lambda L, a, b: L.linalg.solve(a, b, left=False), (r(3, 3), r(3, 2))),
    (lambda L, a, b: L.linalg.solve(a, b, left=False), (r(3, 3), r(3))),
    (lambda L, a, b: L.linalg.solve(a, b), (r(3, 4), r(3))),
    (lambda L, a, b: L.linalg.solve(a, b), (r(2, 3, 3), r(4, 3, 1))),
    (lambda L, a: L.linalg.cholesky(a), (-I3,)),
    (lambda L, a: L.linalg.cholesky(a), (np.diag([1, 2, -1]).astype(F32),)),
    (lambda L, a: L.linalg.cholesky(a), (np.stack([I3, np.diag([1, 2, -1]).astype(F32)]),)),
    (lambda L, a: L.cholesky(a), (np.diag([1, 2, -1]).astype(F32),)),
    (lambda L, a: L.linalg.eigh(a), (r(3, 4),)),
    (lambda L, a: L.linalg.eigh(a, UPLO="X"), (r(3, 3),)),
    (lambda L, a: L.linalg.eigh(a), (np.eye(3, dtype=np.int64),)),
    (lambda L, a: L.linalg.qr(a, mode="foo"), (r(3, 4),)),
    (lambda L, a: L.linalg.qr(a), (r(3),)),
    (lambda L, a: L.linalg.svd(a), (r(3),)),
    (lambda L, a: L.matrix_power(a, 2), (r(3, 4),)),
    (lambda L, a: L.matrix_power(a, -1), (np.ones((3, 3), np.int64),)),
    (lambda L, *ts: L.linalg.multi_dot(list(ts)), (r(3, 4),)),
    (lambda L, *ts: L.linalg.multi_dot(list(ts)), (r(4), r(5, 3), r(3))),
    (lambda L, *ts: L.linalg.multi_dot(list(ts)), (r(2, 4, 5), r(5, 3), r(3))),
    (lambda L, *ts: L.linalg.multi_dot(list(ts)), (r(4, 5), r(5, 3, dtype=F64))),
    (lambda L, *ts: L.linalg.multi_dot(list(ts)), (r(4, 5), r(2, 5, 3), r(3))),
    # norms
    (lambda L, a: L.linalg.vector_norm(a), (np.arange(3),)),
    (lambda L, a: L.linalg.vector_norm(a, dtype=L.long), (r(3),)),
    (lambda L, a: L.linalg.vector_norm(a, dim=(0, 0)), (r(3, 4),)),
    (lambda L, a: L.linalg.vector_norm(a, float("inf")), (r(0),)),
    (lambda L, a: L.linalg.vector_norm(a, -float("inf")), (r(0),)),
    (lambda L, a: L.linalg.vector_norm(a, "fro"), (r(3),)),
    (lambda L, a: L.linalg.matrix_norm(a), (r(3),)),
    (lambda L, a: L.linalg.matrix_norm(a, 3), (r(3, 4),)),
    (lambda L, a: L.linalg.matrix_norm(a, "foo"), (r(3, 4),)),
    (lambda L, a: L.linalg.matrix_norm(a, dim=(0, 0)), (r(3, 4),)),
    (lambda L, a: L.linalg.matrix_norm(a), (np.ones((3, 4), np.int64),)),
    (lambda L, a: L.linalg.norm(a, 2), (r(2, 3, 4),)),
    (lambda L, a: L.linalg.norm(a, "fro"), (r(2, 3, 4),)),
    (lambda L, a: L.linalg.norm(a, "fro", dim=1), (r(2, 3),)),
    (lambda L, a: L.linalg.norm(a, 3), (r(2, 3),)),
    (lambda L, a: L.linalg.norm(a, dim=(0, 1, 2)), (r(2, 3, 4),)),
    (lambda L, a: L.linalg.norm(a, "nuc"), (r(4),)),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case):
    fn, arrays = ERRORS[case]
    same_error(fn, *arrays)


# Errors whose type matches torch but whose wording is ember's own (torch's names internals).
LOOSE_ERRORS = [
    (lambda L, a: L.linalg.matrix_norm(a, dim=0), (r(3, 4),)),
    (lambda L, a, b: L.einsum("...i,...i", a, b), (r(2, 3), r(4, 3))),
    (lambda L, a: L.det(a), (r(3, 3).astype(np.float16),)),
]


@pytest.mark.parametrize("case", range(len(LOOSE_ERRORS)))
def test_errors_same_type(case):
    fn, arrays = LOOSE_ERRORS[case]
    same_error(fn, *arrays, match_message=False)


def test_linalg_error_is_a_runtime_error():
    assert issubclass(ember.linalg.LinAlgError, RuntimeError)
    with pytest.raises(RuntimeError, match="singular"):
        ember.linalg.inv(ember.zeros(2, 2))


# -- values, dtypes, node names ------------------------------------------------------------------

def test_float32_stays_float32():
    a, b = ember.tensor(r(3, 4)), ember.tensor(r(4, 3))
    for out in (a @ b, ember.einsum("ij,jk->ik", a, b), ember.linalg.inv(a @ b),
                ember.linalg.det(a @ b), ember.linalg.svd(a)[1], ember.linalg.norm(a),
                ember.linalg.matrix_norm(a, 2), ember.linalg.solve(a @ b, b.mT),
                ember.tensordot(a, b, 1), ember.linalg.pinv(a)):
        assert out.dtype == ember.float32


def test_integer_products_keep_integer_dtype():
    a = np.arange(6).reshape(2, 3)
    for fn in (lambda L, x: L.mm(x, x.t()), lambda L, x: x @ x.t(), lambda L, x: L.trace(x),
               lambda L, x: L.einsum("ij,kj->ik", x, x), lambda L, x: L.dot(x[0], x[1]),
               lambda L, x: L.trace(x.int()), lambda L, x: L.einsum("ij,kj->ik", x.int(), x.int())):
        e, t = fn(ember, ember.tensor(a)), fn(torch, torch.tensor(a))
        assert repr(e.dtype) == str(t.dtype)
        np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("shapes,name", [
    (((3, 4), (4, 5)), "MmBackward0"), (((4,), (4,)), "DotBackward0"),
    (((3, 4), (4,)), "MvBackward0"), (((4,), (4, 2)), "SqueezeBackward4"),
    (((2, 3, 4), (4, 2)), "UnsafeViewBackward0")])
def test_matmul_node_names(shapes, name):
    a, b = (ember.tensor(r(*s), requires_grad=True) for s in shapes)
    assert (a @ b).grad_fn.name() == name


def test_node_names():
    a = ember.tensor(r(3, 3) + 3 * np.eye(3, dtype=F32), requires_grad=True)
    v = ember.tensor(r(3), requires_grad=True)
    b3 = ember.tensor(r(2, 3, 3), requires_grad=True)
    names = {
        "AddmmBackward0": ember.addmm(a, a, a), "BmmBackward0": ember.bmm(b3, b3),
        "AddmvBackward0": ember.addmv(v, a, v), "BaddbmmBackward0": ember.baddbmm(b3, b3, b3),
        "AddbmmBackward0": ember.addbmm(a, b3, b3), "MulBackward0": ember.outer(v, v),
        "TraceBackward0": ember.trace(a), "LinalgDetBackward0": ember.det(a),
        "LinalgInvExBackward0": ember.inverse(a), "LinalgCrossBackward0": ember.linalg.cross(a, a),
        "LinalgSolveExBackward0": ember.linalg.solve(a, v),
        "LinalgVectorNormBackward0": ember.linalg.vector_norm(v),
        "LinalgCholeskyExBackward0": ember.linalg.cholesky(a @ a.mT),
        "LinalgPinvBackward0": ember.linalg.pinv(a), "PermuteBackward0": ember.einsum("ij->ji", a),
        "LinalgSvdBackward0": ember.linalg.svd(a)[0],
        "LinalgEighBackward0": ember.linalg.eigh(a)[1],
        "LinalgQrBackward0": ember.linalg.qr(a)[0], "LinalgSlogdetBackward0": ember.slogdet(a)[1],
    }
    for name, out in names.items():
        assert out.grad_fn.name() == name


def test_matmul_batched_broadcasting_and_out():
    a, b = r(2, 1, 3, 4), r(5, 4, 2, seed=1)
    e, t = ember.matmul(ember.tensor(a), ember.tensor(b)), torch.matmul(torch.tensor(a),
                                                                          torch.tensor(b))
    assert tuple(e.shape) == (2, 5, 3, 2)
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-5)
    out = ember.zeros(2, 2)
    res = ember.matmul(ember.ones(2, 3), ember.ones(3, 2), out=out)
    assert res is out and out.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_matmul_gradients_with_broadcast_batch():
    a = ember.tensor(r(2, 1, 3, 4), requires_grad=True)
    b = ember.tensor(r(5, 4, 2, seed=1), requires_grad=True)
    ta = torch.tensor(r(2, 1, 3, 4), requires_grad=True)
    tb = torch.tensor(r(5, 4, 2, seed=1), requires_grad=True)
    (a @ b).sum().backward()
    (ta @ tb).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), ta.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), tb.grad.numpy(), rtol=1e-5, atol=1e-5)


def test_einsum_returns_no_alias_and_bool():
    x = ember.tensor(r(3, 3))
    d = ember.einsum("ii->i", x)
    d[0] = 100.0
    assert x[0, 0].item() != 100.0
    b = np.array([True, False, True])
    e = ember.einsum("i,j->ij", ember.tensor(b), ember.tensor(b))
    assert e.dtype == ember.bool
    np.testing.assert_array_equal(e.numpy(), np.outer(b, b))


def test_einsum_double_backward_matches_torch():
    a, b = r(3, 4), r(4, 2, seed=1)
    out = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        y = lib.tensor(b, requires_grad=True)
        (g,) = lib.autograd.grad(lib.einsum("ij,jk->", x, y) ** 2, x, create_graph=True)
        (gg,) = lib.autograd.grad(g.sum(), y)
        out.append(gg.numpy())
    np.testing.assert_allclose(out[0], out[1], rtol=1e-4, atol=1e-4)


def test_cross_default_dim_warns_and_uses_first_dim_of_size_3():
    a, b = r(3, 4), r(3, 4, seed=1)
    with pytest.warns(UserWarning, match="without specifying the dim"):
        e = ember.cross(ember.tensor(a), ember.tensor(b))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = torch.cross(torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-6)


def test_addmm_beta_zero_ignores_nan_input():
    c = ember.full((2, 2), float("nan"))
    out = ember.addmm(c, ember.ones(2, 3), ember.ones(3, 2), beta=0)
    assert out.tolist() == [[3.0, 3.0], [3.0, 3.0]]


def test_inplace_addmm_on_leaf_raises():
    c = ember.zeros(2, 2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable"):
        c.addmm_(ember.ones(2, 3), ember.ones(3, 2))


# -- decompositions ------------------------------------------------------------------------------

def test_det_gradient_at_singular_matrix_is_the_cofactor_matrix():
    # torch returns zeros here without create_graph (and the cofactors with it); the cofactor
    # matrix is the derivative of det, so ember returns it in both modes.
    a = ember.tensor([[1., 2], [2, 4]], requires_grad=True)
    ember.det(a).backward()
    assert a.grad.tolist() == [[4.0, -2.0], [-2.0, 1.0]]
    t = torch.tensor([[1., 2], [2, 4]], requires_grad=True)
    (tg,) = torch.autograd.grad(torch.linalg.det(t), t, create_graph=True)
    np.testing.assert_allclose(a.grad.numpy(), tg.detach().numpy(), atol=1e-6)
    z = ember.zeros(2, 3, 3, requires_grad=True)
    ember.linalg.det(z).sum().backward()
    assert not z.grad.numpy().any()


def test_logdet_negative_and_singular():
    e = ember.logdet(ember.tensor([[-1., 0], [0, 1]]))
    assert np.isnan(e.item())
    assert ember.logdet(ember.zeros(2, 2)).item() == -float("inf")
    s = ember.slogdet(ember.zeros(3, 3))
    assert s.sign.item() == 0 and s.logabsdet.item() == -float("inf")


def test_return_types_print_like_torch():
    x = np.array([[1.4775, -0.2251], [0.3961, -0.7199]], F32)
    e, t = ember.svd(ember.tensor(x)), torch.svd(torch.tensor(x))
    assert repr(e).splitlines()[0] == "torch.return_types.svd("
    assert e.S is e[1] and len(e) == 3
    np.testing.assert_allclose(np.abs(e.U.numpy()), np.abs(t.U.numpy()), atol=1e-5)
    assert repr(ember.linalg.eigh(ember.eye(2))).startswith("torch.return_types.linalg_eigh(\n"
                                                            "eigenvalues=tensor(")
    sign, logabs = ember.linalg.slogdet(ember.eye(2))
    assert sign.item() == 1.0 and logabs.item() == 0.0


@pytest.mark.parametrize("shape", [(5, 3), (3, 5), (2, 4, 2)])
def test_svd_full_matrices_shapes_and_gradient(shape):
    a = r(*shape)
    eu, es, evh = ember.linalg.svd(ember.tensor(a))
    tu, ts, tvh = torch.linalg.svd(torch.tensor(a))
    assert eu.shape == tu.shape and evh.shape == tvh.shape
    m, n = shape[-2:]
    k = min(m, n)
    rec = (eu[..., :, :k] * es[..., None, :]) @ evh[..., :k, :]
    np.testing.assert_allclose(rec.numpy(), a, atol=1e-5)
    np.testing.assert_allclose((eu.mT @ eu).numpy(), np.broadcast_to(np.eye(m), eu.shape),
                               atol=1e-5)
    # gauge-invariant loss through the first k vectors; the completion gets no gradient
    grads = []
    for lib in (ember, torch):
        x = lib.tensor(a, requires_grad=True)
        u, s, vh = lib.linalg.svd(x)
        loss = ((u[..., :, :k] @ vh[..., :k, :]) ** 2 * lib.tensor(a)).sum() + (s ** 3).sum()
        loss = loss + (u[..., :, k:] * 0).sum()
        grads.append(lib.autograd.grad(loss, x)[0].numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-4, atol=1e-4)


def test_old_svd_compute_uv_false_and_some_false():
    a = r(4, 3)
    u, s, v = ember.svd(ember.tensor(a), compute_uv=False)
    assert u.shape == (4, 4) and v.shape == (3, 3) and not u.numpy().any()
    u, s, v = ember.svd(ember.tensor(a), some=False)
    assert u.shape == (4, 4) and v.shape == (3, 3)


def test_qr_modes_and_gradient_errors():
    a = ember.tensor(r(4, 3), requires_grad=True)
    q, rr = ember.linalg.qr(a, mode="r")
    assert q.shape == (0,) and rr.shape == (3, 3)
    with pytest.raises(RuntimeError, match="mode='r'"):
        rr.sum().backward()
    q, rr = ember.linalg.qr(a, mode="complete")
    assert q.shape == (4, 4) and rr.shape == (4, 3)
    with pytest.raises(RuntimeError, match="mode='complete' and nrows > ncols"):
        q.sum().backward()


def test_eigh_reads_one_triangle():
    a = np.triu(r(3, 3)) + np.triu(r(3, 3), 1).T
    junk = a + np.tril(np.full((3, 3), 7.0, F32), -1)   # the lower triangle differs
    w_u = ember.linalg.eigvalsh(ember.tensor(junk.T), UPLO="U")
    w_l = ember.linalg.eigvalsh(ember.tensor(a))
    np.testing.assert_allclose(w_u.numpy(), np.linalg.eigvalsh(junk.T, UPLO="U"), atol=1e-5)
    np.testing.assert_allclose(w_l.numpy(), np.linalg.eigvalsh(a), atol=1e-5)


def test_matrix_rank_tolerances():
    a = np.diag([1.0, 1e-3, 0.0]).astype(F32)
    for kw in ({}, {"atol": 1e-2}, {"rtol": 1e-2}, {"atol": 1e-4, "rtol": 0.5}):
        e = ember.linalg.matrix_rank(ember.tensor(a), **kw)
        t = torch.linalg.matrix_rank(torch.tensor(a), **kw)
        assert e.item() == t.item() and e.dtype == ember.int64


# -- norms --------------------------------------------------------------------------------------

@pytest.mark.parametrize("ord", [2, 1, 3, 1.5, float("inf"), -float("inf"), 0])
def test_vector_norm_gradient_at_zero_is_pinned(ord):
    grads = []
    for lib in (ember, torch):
        x = lib.zeros(3, requires_grad=True)
        lib.linalg.vector_norm(x, ord).backward()
        grads.append(None if x.grad is None else x.grad.numpy())
    if grads[1] is None:  # ord=0: torch gives no gradient at all
        assert grads[0] is None
    else:
        np.testing.assert_array_equal(grads[0], grads[1])


def test_vector_norm_inf_ties_split_like_torch():
    data = np.array([[1., -3., 3.], [2., 2., -2.]], F32)
    for ord in (float("inf"), -float("inf")):
        grads = []
        for lib in (ember, torch):
            x = lib.tensor(data, requires_grad=True)
            lib.linalg.vector_norm(x, ord, dim=1).sum().backward()
            grads.append(x.grad.numpy())
        np.testing.assert_allclose(grads[0], grads[1])


def test_vector_norm_empty_and_dtype():
    assert ember.linalg.vector_norm(ember.zeros(0)).item() == 0.0
    assert ember.linalg.vector_norm(ember.ones(2, 3), dtype=ember.float64).dtype == ember.float64


def test_norm_values_match_torch():
    a = r(2, 3, 4)
    cases = [lambda L, x: L.linalg.norm(x, dim=(0, 2)),
             lambda L, x: L.linalg.vector_norm(x, 2, dim=(0, 2)),
             lambda L, x: L.linalg.matrix_norm(x, -2, dim=(2, 1)),
             lambda L, x: L.linalg.vector_norm(x, -0.5), lambda L, x: L.linalg.vector_norm(x, 0)]
    for fn in cases:
        e, t = fn(ember, ember.tensor(a)), fn(torch, torch.tensor(a))
        assert tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=1e-5, atol=1e-5)


def test_einsum_without_operands_raises_like_torch():
    same_error(lambda L: L.einsum("ij"))
    same_error(lambda L: L.einsum("ij", []))

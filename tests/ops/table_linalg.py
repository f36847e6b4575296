"""Op-table entries for ember/ops/linalg.py (top level) and ember/linalg.py (ember.linalg.*).

Decompositions whose outputs are defined up to signs (svd, eigh) are compared after a sign
normalisation made inside the op: each singular vector / eigenvector is flipped so that its
largest entry is positive. The flip is a constant, so gradients and finite differences agree.
"""
import warnings

import numpy as np

from tests.ops.opinfo import OpInfo, Sample, randn, register

INF = float("inf")


def shapes(*groups, make=randn, **kw):
    """Samples from lists of shapes: ``shapes(((3, 4), (4, 5)), ...)``."""
    return lambda rng: [Sample(tuple(make(rng, *s) for s in g), dict(kw)) for g in groups]


def wellcond(rng, *shape, dtype=np.float32):
    """Square matrices far from singular: randn + 3 I."""
    return (rng.standard_normal(shape) + 3 * np.eye(shape[-1])).astype(dtype)


def sym(lib, a):
    return a + a.mT


def spd(lib, a):
    return a @ a.mT + a.shape[-1] * lib.eye(a.shape[-1], dtype=a.dtype)


def _flip(lib, u):
    """Per-column signs (shape (..., 1, k)) that make each column's largest entry positive."""
    un = u.detach().numpy()
    idx = np.abs(un).argmax(-2)[..., None, :]
    return lib.tensor(np.sign(np.take_along_axis(un, idx, -2)))


def svd_fixed(lib, a, **kw):
    u, s, vh = lib.linalg.svd(a, **kw)
    k = s.shape[-1]
    f = _flip(lib, u[..., :k] if u.shape[-1] != k else u)
    if u.shape[-1] != k or vh.shape[-2] != k:  # full_matrices on a non-square input
        raise ValueError("use square inputs with full_matrices=True in the table")
    return u * f, s, vh * f.mT


def old_svd_fixed(lib, a, **kw):
    u, s, v = lib.svd(a, **kw)
    f = _flip(lib, u)
    return u * f, s, v * f


def eigh_fixed(lib, a, **kw):
    w, v = lib.linalg.eigh(sym(lib, a), **kw)
    return w, v * _flip(lib, v)


def cross_default(lib, a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.cross(a, b)


def cholesky_old(lib, a, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.cholesky(spd(lib, a), **kw)


def inplace(method):
    def op(lib, x, *args, **kw):
        y = x.clone()
        getattr(y, method)(*args, **kw)
        return y
    return op


MATMUL = (((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((3, 4), (4, 5)), ((4,), (4,)),
          ((3, 4), (4,)), ((4,), (4, 5)), ((2, 3, 4), (4,)), ((4,), (2, 4, 5)),
          ((3, 4), (2, 4, 5)), ((0, 4), (4, 2)))

# -- products --------------------------------------------------------------------------------------
register(
    OpInfo("matmul", lambda lib, a, b: lib.matmul(a, b), shapes(*MATMUL), gradgrad=True,
           covers=("Tensor.matmul", "Tensor.__matmul__", "linalg.matmul")),
    OpInfo("Tensor.__matmul__", lambda lib, a, b: a @ b, shapes(*MATMUL[:4])),
    OpInfo("linalg.matmul", lambda lib, a, b: lib.linalg.matmul(a, b), shapes(*MATMUL[:2])),
    OpInfo("mm", lambda lib, a, b: lib.mm(a, b), shapes(((3, 4), (4, 5)), ((1, 3), (3, 1))),
           gradgrad=True, covers=("Tensor.mm",)),
    OpInfo("Tensor.mm", lambda lib, a, b: a.mm(b.t()), shapes(((3, 4), (5, 4)))),
    OpInfo("bmm", lambda lib, a, b: lib.bmm(a, b), shapes(((2, 3, 4), (2, 4, 5))),
           gradgrad=True, covers=("Tensor.bmm",)),
    OpInfo("mv", lambda lib, a, b: lib.mv(a, b), shapes(((3, 4), (4,))), gradgrad=True,
           covers=("Tensor.mv",)),
    OpInfo("dot", lambda lib, a, b: a.dot(b), shapes(((5,), (5,))), gradgrad=True,
           covers=("Tensor.dot",)),
    OpInfo("vdot", lambda lib, a, b: lib.vdot(a, b), shapes(((5,), (5,))),
           covers=("Tensor.vdot",)),
    OpInfo("inner", lambda lib, a, b: lib.inner(a, b),
           shapes(((5,), (5,)), ((2, 3, 4), (5, 4)), ((), (3, 2))), covers=("Tensor.inner",)),
    OpInfo("outer", lambda lib, a, b: lib.outer(a, b), shapes(((3,), (4,))),
           covers=("Tensor.outer",)),
    OpInfo("ger", lambda lib, a, b: a.ger(b), shapes(((3,), (4,))), covers=("Tensor.ger",)),
    OpInfo("addmm", lambda lib, c, a, b, **kw: lib.addmm(c, a, b, **kw),
           shapes(((3, 5), (3, 4), (4, 5)), ((5,), (3, 4), (4, 5)), ((1, 1), (3, 4), (4, 5))),
           gradgrad=True, covers=("Tensor.addmm",)),
    OpInfo("addmm", lambda lib, c, a, b, **kw: c.addmm(a, b, **kw),
           shapes(((3, 5), (3, 4), (4, 5)), beta=0.5, alpha=-2.0)),
    OpInfo("addmm", lambda lib, c, a, b, **kw: lib.addmm(c, a, b, **kw),
           shapes(((3, 5), (3, 4), (4, 5)), beta=0, alpha=1.5)),
    OpInfo("Tensor.addmm_", inplace("addmm_"), shapes(((3, 5), (3, 4), (4, 5)), alpha=2.0)),
    OpInfo("addmv", lambda lib, c, a, b, **kw: lib.addmv(c, a, b, **kw),
           shapes(((3,), (3, 4), (4,)), ((1,), (3, 4), (4,)), beta=2.0, alpha=0.5),
           covers=("Tensor.addmv",)),
    OpInfo("Tensor.addmv_", inplace("addmv_"), shapes(((3,), (3, 4), (4,)))),
    OpInfo("baddbmm", lambda lib, c, a, b, **kw: lib.baddbmm(c, a, b, **kw),
           shapes(((2, 3, 5), (2, 3, 4), (2, 4, 5)), ((3, 5), (2, 3, 4), (2, 4, 5)), alpha=0.5),
           covers=("Tensor.baddbmm",)),
    OpInfo("Tensor.baddbmm_", inplace("baddbmm_"), shapes(((2, 3, 5), (2, 3, 4), (2, 4, 5)))),
    OpInfo("addbmm", lambda lib, c, a, b, **kw: lib.addbmm(c, a, b, **kw),
           shapes(((3, 5), (2, 3, 4), (2, 4, 5)), ((5,), (2, 3, 4), (2, 4, 5)), beta=0.5),
           covers=("Tensor.addbmm",)),
    OpInfo("Tensor.addbmm_", inplace("addbmm_"), shapes(((3, 5), (2, 3, 4), (2, 4, 5)))),
)

# -- einsum, tensordot, kron, trace, cross ---------------------------------------------------------


def einsum_samples(rng):
    r = lambda *s: randn(rng, *s)  # noqa: E731
    return [
        Sample(("ij,jk->ik", r(3, 4), r(4, 5))),
        Sample(("bij,bjk->bik", r(2, 3, 4), r(2, 4, 2))),
        Sample(("ii->i", r(3, 3))),
        Sample(("ii", r(3, 3))),
        Sample(("ij->", r(3, 4))),
        Sample(("ij->ji", r(3, 4))),
        Sample(("...ij,...jk->...ik", r(2, 1, 2, 3), r(4, 3, 2))),
        Sample(("i,j->ij", r(3), r(4))),
        Sample(("ij,ij->i", r(3, 1), r(1, 4))),
        Sample(("bhqd,bhkd->bhqk", r(2, 2, 3, 4), r(2, 2, 5, 4))),
        Sample(("ij,jk,kl->il", r(2, 3), r(3, 4), r(4, 2))),
        Sample(("iij,jk->ik", r(2, 2, 3), r(3, 2))),
        Sample(("...ij->ij", r(2, 3, 4))),
        Sample(("i j , j k", r(2, 3), r(3, 2))),
        Sample(("ba,cb", r(2, 3), r(4, 2))),
        Sample(("ij,kl->", r(2, 3), r(2, 2))),
    ]


register(
    OpInfo("einsum", lambda lib, eq, *ops: lib.einsum(eq, *ops), einsum_samples, gradgrad=True),
    OpInfo("einsum", lambda lib, a, b: lib.einsum("ij,jk->ik", [a, b]),
           shapes(((3, 4), (4, 5)))),
    OpInfo("einsum", lambda lib, a, b: lib.einsum(a, [0, 1], b, [1, 2], [0, 2]),
           shapes(((3, 4), (4, 5)))),
    OpInfo("einsum", lambda lib, a, b: lib.einsum(a, [Ellipsis, 0], b, [Ellipsis, 0]),
           shapes(((2, 3, 4), (3, 4)))),
    OpInfo("tensordot", lambda lib, a, b, **kw: lib.tensordot(a, b, **kw),
           shapes(((2, 3, 4), (3, 4, 5)), dims=2), gradgrad=True),
    OpInfo("tensordot", lambda lib, a, b, **kw: lib.tensordot(a, b, **kw),
           shapes(((2, 3, 4), (4, 2, 3)), dims=([1, 2], [2, 0]))),
    OpInfo("tensordot", lambda lib, a, b, **kw: lib.tensordot(a, b, **kw),
           shapes(((2, 3), (4,)), dims=0)),
    OpInfo("tensordot", lambda lib, a, b, **kw: lib.tensordot(a, b, **kw),
           shapes(((2, 1), (3, 4)), dims=([1], [0]))),
    OpInfo("kron", lambda lib, a, b: lib.kron(a, b),
           shapes(((2, 3), (2, 2)), ((2, 3), (4,)), ((2, 1, 2), (3, 2))), covers=("Tensor.kron",)),
    OpInfo("trace", lambda lib, a: lib.trace(a), shapes(((3, 3),), ((3, 5),), ((4, 2),)),
           gradgrad=True, covers=("Tensor.trace",)),
    OpInfo("trace", lambda lib, a: a.trace(), lambda rng: [
        Sample((rng.integers(-5, 5, (3, 3)),))], grad=False),
    OpInfo("cross", lambda lib, a, b, **kw: lib.cross(a, b, **kw),
           shapes(((4, 3), (4, 3)), ((2, 3), (1, 3)), dim=-1)),
    OpInfo("cross", lambda lib, a, b: lib.cross(a, b, dim=0), shapes(((3, 2), (3, 1)))),
    OpInfo("cross", cross_default, shapes(((3, 4), (3, 4)), ((4, 3), (1, 3))),
           covers=("Tensor.cross",)),
    OpInfo("linalg.cross", lambda lib, a, b, **kw: lib.linalg.cross(a, b, **kw),
           shapes(((2, 1, 3), (1, 4, 3)), ((4, 3), (4, 3)))),
    OpInfo("linalg.cross", lambda lib, a, b: lib.linalg.cross(a, b, dim=0),
           shapes(((3, 4), (3, 4)))),
)

# -- determinants, inverses, solvers ---------------------------------------------------------------
SQUARE = shapes(((3, 3),), ((2, 4, 4),), ((1, 1),), make=wellcond)

register(
    OpInfo("det", lambda lib, a: lib.det(a), SQUARE, gradgrad=True, covers=("Tensor.det",)),
    OpInfo("linalg.det", lambda lib, a: lib.linalg.det(a), SQUARE, gradgrad=True),
    OpInfo("logdet", lambda lib, a: lib.logdet(spd(lib, a)), SQUARE, covers=("Tensor.logdet",)),
    OpInfo("slogdet", lambda lib, a: lib.slogdet(a), SQUARE, covers=("Tensor.slogdet",)),
    OpInfo("linalg.slogdet", lambda lib, a: lib.linalg.slogdet(-a), SQUARE),
    OpInfo("inverse", lambda lib, a: lib.inverse(a), SQUARE, gradgrad=True, atol=1e-4,
           covers=("Tensor.inverse",)),
    OpInfo("linalg.inv", lambda lib, a: lib.linalg.inv(a), SQUARE, gradgrad=True, atol=1e-4),
    OpInfo("linalg.solve", lambda lib, a, b, **kw: lib.linalg.solve(a, b, **kw),
           lambda rng: [Sample((wellcond(rng, 3, 3), randn(rng, 3, 2))),
                        Sample((wellcond(rng, 2, 3, 3), randn(rng, 3))),
                        Sample((wellcond(rng, 2, 3, 3), randn(rng, 2, 3))),
                        Sample((wellcond(rng, 2, 1, 3, 3), randn(rng, 4, 3, 2))),
                        Sample((wellcond(rng, 3, 3), randn(rng, 2, 3)), {"left": False})],
           gradgrad=True, atol=1e-4),
    OpInfo("matrix_power", lambda lib, a, n: lib.matrix_power(a, n),
           lambda rng: [Sample((wellcond(rng, 3, 3), 3)), Sample((wellcond(rng, 2, 3, 3), -2)),
                        Sample((wellcond(rng, 3, 3), 0)), Sample((wellcond(rng, 3, 3), 1))],
           covers=("Tensor.matrix_power", "linalg.matrix_power"), atol=1e-4),
    OpInfo("linalg.matrix_power", lambda lib, a: lib.linalg.matrix_power(a, 2), SQUARE),
)

# -- decompositions --------------------------------------------------------------------------------
RECT = shapes(((4, 3),), ((3, 5),), ((2, 4, 4),))

register(
    OpInfo("svd", old_svd_fixed, RECT, atol=1e-4, covers=("Tensor.svd",)),
    OpInfo("svd", lambda lib, a: lib.svd(a, some=False), shapes(((3, 3),)), atol=1e-4),
    OpInfo("svd", lambda lib, a: lib.svd(a, compute_uv=False)[1], RECT, grad=False),
    OpInfo("linalg.svd", lambda lib, a: svd_fixed(lib, a, full_matrices=False), RECT, atol=1e-4,
           gradgrad=True),
    OpInfo("linalg.svd", svd_fixed, shapes(((3, 3),), ((2, 4, 4),)), atol=1e-4),
    OpInfo("linalg.svdvals", lambda lib, a: lib.linalg.svdvals(a), RECT, atol=1e-4),
    OpInfo("linalg.eigh", eigh_fixed, shapes(((3, 3),), ((2, 4, 4),)), atol=1e-4, gradgrad=True),
    OpInfo("linalg.eigh", lambda lib, a: eigh_fixed(lib, a, UPLO="U"), shapes(((3, 3),)),
           atol=1e-4),
    OpInfo("linalg.eigvalsh", lambda lib, a: lib.linalg.eigvalsh(sym(lib, a)),
           shapes(((3, 3),), ((2, 4, 4),)), atol=1e-4),
    OpInfo("linalg.qr", lambda lib, a, **kw: lib.linalg.qr(a, **kw),
           shapes(((4, 3),), ((3, 3),), ((2, 3, 5),)), atol=1e-4, gradgrad=True),
    OpInfo("linalg.qr", lambda lib, a, **kw: lib.linalg.qr(a, **kw),
           shapes(((3, 4),), ((3, 3),), mode="complete"), atol=1e-4),
    OpInfo("linalg.qr", lambda lib, a: lib.linalg.qr(a, mode="r")[1], shapes(((4, 3),)),
           atol=1e-4, grad=False),
    OpInfo("qr", lambda lib, a: lib.qr(a), shapes(((4, 3),)), atol=1e-4, covers=("Tensor.qr",)),
    OpInfo("linalg.cholesky", lambda lib, a, **kw: lib.linalg.cholesky(spd(lib, a), **kw),
           shapes(((3, 3),), ((2, 4, 4),)), atol=1e-4, gradgrad=True),
    OpInfo("linalg.cholesky", lambda lib, a: lib.linalg.cholesky(spd(lib, a), upper=True),
           shapes(((3, 3),)), atol=1e-4),
    OpInfo("cholesky", cholesky_old, shapes(((3, 3),)), atol=1e-4, covers=("Tensor.cholesky",)),
    OpInfo("cholesky", lambda lib, a: cholesky_old(lib, a, upper=True), shapes(((3, 3),)),
           atol=1e-4),
    OpInfo("linalg.pinv", lambda lib, a: lib.linalg.pinv(a),
           shapes(((4, 3),), ((3, 5),), ((2, 4, 3),)), atol=1e-4),
    OpInfo("pinverse", lambda lib, a: lib.pinverse(a), shapes(((4, 3),)), atol=1e-4,
           covers=("Tensor.pinverse",)),
    OpInfo("linalg.matrix_rank", lambda lib, a: lib.linalg.matrix_rank(a),
           lambda rng: [Sample((randn(rng, 4, 3),)),
                        Sample((np.ones((2, 3, 4), np.float32),)),
                        Sample((np.zeros((3, 3), np.float32),))], grad=False),
    OpInfo("linalg.matrix_rank", lambda lib, a: lib.linalg.matrix_rank(a @ a.mT, hermitian=True),
           shapes(((4, 2),)), grad=False),
    OpInfo("linalg.multi_dot", lambda lib, *ts: lib.linalg.multi_dot(list(ts)),
           shapes(((3, 4), (4, 5)), ((4,), (4, 2), (2, 6), (6,)), ((2, 3), (3, 8), (8, 2)),
                  ((3,), (3, 4)), ((3, 4), (4,)))),
)

# -- norms -----------------------------------------------------------------------------------------


def _norm_samples(*groups):
    return lambda rng: [Sample((randn(rng, *s),), kw) for s, kw in groups]


register(
    OpInfo("linalg.vector_norm", lambda lib, a, **kw: lib.linalg.vector_norm(a, **kw),
           _norm_samples(((3, 4), {}), ((5,), {"ord": 1}), ((2, 3, 4), {"ord": INF, "dim": 1}),
                         ((3, 4), {"ord": -INF, "dim": (0, 1), "keepdim": True}),
                         ((3, 4), {"ord": 0, "dim": 0}), ((3, 4), {"ord": 3, "dim": -1}),
                         ((3, 4), {"ord": 0.5}), ((3, 4), {"ord": -1.0, "dim": [1]}),
                         ((2, 3), {"ord": 1.5, "keepdim": True}), ((), {})),
           gradgrad=False),
    OpInfo("linalg.vector_norm", lambda lib, a: lib.linalg.vector_norm(a, dtype=lib.float64),
           _norm_samples(((3, 4), {}))),
    OpInfo("linalg.matrix_norm", lambda lib, a, **kw: lib.linalg.matrix_norm(a, **kw),
           _norm_samples(((3, 4), {}), ((2, 3, 4), {"ord": "nuc"}), ((3, 4), {"ord": 2}),
                         ((4, 3), {"ord": -2}), ((2, 3, 4), {"ord": 1}), ((3, 4), {"ord": -1}),
                         ((3, 4), {"ord": INF}), ((2, 3, 4), {"ord": -INF}),
                         ((2, 3, 4), {"ord": 1, "dim": (0, 2), "keepdim": True}),
                         ((2, 3, 4), {"ord": "nuc", "dim": (2, 0), "keepdim": True}),
                         ((2, 3, 4), {"ord": "fro", "dim": (0, 1)})), atol=1e-4),
    OpInfo("linalg.norm", lambda lib, a, **kw: lib.linalg.norm(a, **kw),
           _norm_samples(((3, 4), {}), ((2, 3, 4), {}), ((5,), {"ord": 1}),
                         ((3, 4), {"ord": 2}), ((3, 4), {"ord": "fro"}),
                         ((2, 3, 4), {"dim": (1, 2), "ord": "nuc"}),
                         ((2, 3, 4), {"dim": 1, "ord": 3, "keepdim": True}),
                         ((3, 4), {"ord": INF, "dim": (0, 1)})), atol=1e-4),
)


# -- Tensor methods ------------------------------------------------------------------------------


def tensor_methods(lib, a, b, v):
    """One call of each linalg Tensor method (a: well-conditioned 3x3, b: 3x3, v: 3)."""
    m2 = b.mT
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        chol = spd(lib, a).cholesky()
    return (a.matmul(b), a[None].bmm(b[None]), a.mm(b), a.mv(v),
            v.dot(v), v.vdot(v), a.inner(b), v.outer(v), v.ger(v), a.kron(b),
            a.trace(), a.cross(b, dim=1), a.det(), spd(lib, a).logdet(), a.slogdet(),
            a.inverse(), a.matrix_power(3), a.pinverse(), chol, a.svd()[1], a.qr()[1],
            b.addmm(a, m2, beta=0.5), v.addmv(a, v, alpha=2),
            b[None].baddbmm(a[None], b[None]), b.addbmm(a[None], b[None]))


register(
    OpInfo("Tensor.linalg_methods", tensor_methods,
           lambda rng: [Sample((wellcond(rng, 3, 3), randn(rng, 3, 3), randn(rng, 3)))],
           atol=1e-4,
           covers=("Tensor.bmm", "Tensor.mv", "Tensor.vdot", "Tensor.inner", "Tensor.outer",
                   "Tensor.kron", "Tensor.det", "Tensor.logdet", "Tensor.slogdet",
                   "Tensor.inverse", "Tensor.matrix_power", "Tensor.pinverse", "Tensor.cholesky",
                   "Tensor.svd", "Tensor.qr", "Tensor.addmv", "Tensor.baddbmm",
                   "Tensor.addbmm")),
)

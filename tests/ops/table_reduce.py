"""Op-table entries for reductions (ember/ops/reduce.py) and comparisons/sorting (ops/sort.py).

Samples are tie-free random floats unless the op is about ties; tie behaviour is pinned in
test_reduce.py.
"""
import numpy as np

from tests.ops.opinfo import OpInfo, Sample, positive, randn, register

SHAPES = ((), (5,), (3, 4), (2, 3, 4))


def one(*shapes, make=randn):
    return lambda rng: [Sample((make(rng, *s),)) for s in shapes]


def with_kw(shape_kws, make=randn):
    """Samples from (shape, kwargs) pairs."""
    return lambda rng: [Sample((make(rng, *s),), kw) for s, kw in shape_kws]


def ints(rng, *shape, low=-3, high=4, dtype=np.int64):
    return rng.integers(low, high, shape).astype(dtype)


def small_ints(rng, *shape):
    """Integer-valued floats (many ties), for mode/unique."""
    return rng.integers(0, 3, shape).astype(np.float32)


def with_zeros(rng, *shape):
    x = randn(rng, *shape)
    x.reshape(-1)[::4] = 0  # one or more zeros per slice
    return x


def with_nans(rng, *shape):
    x = randn(rng, *shape)
    x.reshape(-1)[1::3] = np.nan
    return x


def away_from_zero(rng, *shape):
    sign = rng.choice([-1, 1], shape)
    return np.asarray(positive(rng, *shape, low=0.3, high=2.0) * sign, dtype=np.float32)


DIMS = with_kw([((3, 4), {"dim": 1}), ((3, 4), {"dim": 0, "keepdim": True}),
                ((2, 3, 4), {"dim": (0, 2)}), ((2, 3, 4), {"dim": [-1, 0], "keepdim": True}),
                ((2, 3, 4), {"dim": -2}), ((), {"dim": 0}), ((5,), {"dim": ()})])
ONE_DIM = with_kw([((3, 4), {"dim": 1}), ((3, 4), {"dim": 0, "keepdim": True}),
                   ((2, 3, 4), {"dim": -2}), ((), {"dim": 0}), ((5,), {"dim": -1})])

register(
    # sum, mean, nansum, nanmean, prod
    OpInfo("sum", lambda lib, a, **kw: lib.sum(a, **kw), DIMS, gradgrad=True),
    OpInfo("sum", lambda lib, a: (a.sum(None, True), a.sum(dtype=lib.float64)), one((3, 4))),
    OpInfo("sum", lambda lib, a: (a.sum(), a.sum(1), a.sum(dtype=lib.int32)),
           one((3, 4), make=ints), grad=False),
    OpInfo("sum", lambda lib, a: (a.sum(), a.sum(0)),
           one((3, 4), make=lambda rng, *s: rng.integers(0, 2, s).astype(bool)), grad=False),
    OpInfo("sum", lambda lib, a: lib.sum(a, 0), one((0, 3), (3, 0))),
    OpInfo("Tensor.sum_to_size", lambda lib, a: a.sum_to_size(3, 1), one((3, 4), (2, 3, 4))),
    OpInfo("mean", lambda lib, a: lib.mean(a), one(*SHAPES), gradgrad=True),
    OpInfo("mean", lambda lib, a, **kw: a.mean(**kw), DIMS, gradgrad=True),
    OpInfo("mean", lambda lib, a: lib.mean(a, 1, True, dtype=lib.float64), one((3, 4))),
    OpInfo("mean", lambda lib, a: lib.mean(a, dtype=lib.float32), one((3, 4), make=ints),
           grad=False),
    OpInfo("mean", lambda lib, a: (lib.mean(a, 0), a.mean()), one((0, 3))),
    OpInfo("nansum", lambda lib, a, **kw: lib.nansum(a, **kw),
           with_kw([((3, 4), {}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": (0, 2)})],
                   make=with_nans)),
    OpInfo("nansum", lambda lib, a: a.nansum(1), one((3, 4), make=ints), grad=False),
    OpInfo("nanmean", lambda lib, a, **kw: lib.nanmean(a, **kw),
           with_kw([((3, 4), {}), ((3, 4), {"dim": 1, "keepdim": True}),
                    ((2, 3, 4), {"dim": (0, 2)}), ((3, 1), {"dim": 1})], make=with_nans)),
    OpInfo("prod", lambda lib, a: lib.prod(a), one(*SHAPES), gradgrad=True),
    OpInfo("prod", lambda lib, a, **kw: a.prod(**kw), ONE_DIM, gradgrad=True),
    OpInfo("prod", lambda lib, a: (a.prod(), a.prod(1), a.prod(0, keepdim=True)),
           one((3, 4), (4, 5), make=with_zeros), gradgrad=True),
    OpInfo("prod", lambda lib, a: (a.prod(), a.prod(1), a.prod(dtype=lib.float64)),
           one((3, 4), make=ints), grad=False),
    # var, std
    OpInfo("var", lambda lib, a, **kw: lib.var(a, **kw),
           with_kw([((5,), {}), ((3, 4), {"dim": 1}), ((3, 4), {"dim": 0, "correction": 0}),
                    ((2, 3, 4), {"dim": (0, 2), "keepdim": True, "correction": 2}),
                    ((3, 4), {"unbiased": False})]), gradgrad=True),
    OpInfo("var", lambda lib, a: (lib.var(a, 1, False, True), a.var(False), a.var(0, True)),
           one((3, 4))),
    OpInfo("std", lambda lib, a, **kw: a.std(**kw),
           with_kw([((5,), {}), ((3, 4), {"dim": 1}), ((3, 4), {"dim": 0, "correction": 0}),
                    ((2, 3, 4), {"dim": (0, 2), "keepdim": True, "correction": 0.5}),
                    ((3, 4), {"unbiased": False})]), gradgrad=True),
    OpInfo("std", lambda lib, a: (lib.std(a, 1, False, True), a.std(False)), one((3, 4))),
    OpInfo("var_mean", lambda lib, a, **kw: lib.var_mean(a, **kw),
           with_kw([((3, 4), {}), ((3, 4), {"dim": 1, "keepdim": True}),
                    ((2, 3, 4), {"dim": (0, 2), "correction": 0})]), gradgrad=True),
    OpInfo("std_mean", lambda lib, a, **kw: lib.std_mean(a, **kw),
           with_kw([((3, 4), {}), ((3, 4), {"dim": 1, "keepdim": True}),
                    ((2, 3, 4), {"dim": (0, 2), "unbiased": False})]), gradgrad=True),
    # max, min, amax, amin, aminmax, argmax, argmin
    OpInfo("max", lambda lib, a: lib.max(a), one(*SHAPES)),
    OpInfo("max", lambda lib, a, **kw: a.max(**kw), ONE_DIM),
    OpInfo("max", lambda lib, a, b: lib.max(a, b), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng, 3, 4)))]),
    OpInfo("max", lambda lib, a: (a.max(), a.max(0)), one((3, 4), make=ints), grad=False),
    OpInfo("min", lambda lib, a: a.min(), one(*SHAPES)),
    OpInfo("min", lambda lib, a, **kw: lib.min(a, **kw), ONE_DIM),
    OpInfo("min", lambda lib, a, b: a.min(b), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng, 4)))]),
    OpInfo("amax", lambda lib, a, **kw: lib.amax(a, **kw), DIMS),
    OpInfo("amax", lambda lib, a: a.amax(), one(*SHAPES)),
    OpInfo("amin", lambda lib, a, **kw: a.amin(**kw), DIMS),
    OpInfo("amin", lambda lib, a: lib.amin(a, (), True), one((3, 4))),
    OpInfo("aminmax", lambda lib, a: lib.aminmax(a), one(*SHAPES)),
    OpInfo("aminmax", lambda lib, a: a.aminmax(dim=1, keepdim=True), one((3, 4), (2, 3, 4))),
    OpInfo("argmax", lambda lib, a: (lib.argmax(a), a.argmax(keepdim=True)), one(*SHAPES)),
    OpInfo("argmax", lambda lib, a, **kw: a.argmax(**kw), ONE_DIM),
    OpInfo("argmin", lambda lib, a: (lib.argmin(a), a.argmin(0, True)), one((3, 4))),
    OpInfo("argmin", lambda lib, a: (a.argmin(), a.argmin(-1)), one((3, 4), make=ints)),
    # all, any, count_nonzero
    OpInfo("all", lambda lib, a: (lib.all(a), a.all(1), a.all((0, 1), True), a.all(())),
           one((3, 4), make=lambda rng, *s: rng.integers(0, 3, s)), grad=False),
    OpInfo("all", lambda lib, a: (a.all(), a.all(0)),
           one((3, 4), make=lambda rng, *s: rng.integers(0, 2, s).astype(np.uint8)), grad=False),
    OpInfo("any", lambda lib, a: (lib.any(a), a.any(1), a.any(None, True), a.any(dim=[0])),
           one((3, 4), make=lambda rng, *s: rng.integers(0, 2, s).astype(bool)), grad=False),
    OpInfo("any", lambda lib, a: (a.any(), a.any(0)), one((3, 4), (0,), make=with_zeros),
           grad=False),
    OpInfo("count_nonzero",
           lambda lib, a: (lib.count_nonzero(a), a.count_nonzero(0), lib.count_nonzero(a, (0, 1))),
           one((3, 4), make=with_zeros), grad=False),
    # logsumexp
    OpInfo("logsumexp", lambda lib, a, **kw: lib.logsumexp(a, **kw), ONE_DIM, gradgrad=True),
    OpInfo("logsumexp", lambda lib, a: (a.logsumexp((0, 2)), a.logsumexp([1], True)),
           one((2, 3, 4))),
    OpInfo("logsumexp", lambda lib, a: a.logsumexp(1),
           lambda rng: [Sample((np.array([[1e4, 1e4 + 1], [-1e4, -np.inf],
                                          [-np.inf, -np.inf]], np.float32),), grad=())]),
    OpInfo("logsumexp", lambda lib, a: a.logsumexp(0), one((3,), make=ints), grad=False),
    # norm
    OpInfo("norm", lambda lib, a: lib.norm(a), one(*SHAPES, make=away_from_zero),
           gradgrad=True),
    OpInfo("norm", lambda lib, a, **kw: a.norm(**kw), with_kw([
        ((3, 4), {"p": 1}), ((3, 4), {"p": 3, "dim": 1}), ((3, 4), {"p": float("inf")}),
        ((3, 4), {"p": -float("inf"), "dim": 0, "keepdim": True}), ((2, 3, 4), {"p": 0.5}),
        ((3, 4), {"p": "fro", "dim": (0, 1)}), ((2, 3, 4), {"dim": [0, 2], "keepdim": True}),
        ((2, 3, 4), {"p": 2, "dim": -1}), ((3, 4), {"p": -1, "dim": 1}),
        ((3, 4), {"p": 2.5})], make=away_from_zero)),
    OpInfo("norm", lambda lib, a: (a.norm(0), a.norm(0, dim=1)), one((3, 4), make=with_zeros)),
    OpInfo("norm", lambda lib, a: a.norm(dtype=lib.float64), one((3, 4), make=away_from_zero)),
    OpInfo("norm", lambda lib, a: lib.norm(a, "nuc"), one((3, 4), (4, 2)), atol=1e-4),
    OpInfo("norm", lambda lib, a: a.norm("nuc", dim=(1, 2), keepdim=True), one((2, 3, 4)),
           atol=1e-4),
    OpInfo("norm", lambda lib, a: a.norm(p=None, dim=1), one((3, 4))),
    OpInfo("norm", lambda lib, a: (a.norm(), a.norm(1)), lambda rng: [
        Sample((np.zeros((2, 3), np.float32),))], gradcheck=False),
    # cumsum, cumprod
    OpInfo("cumsum", lambda lib, a, **kw: lib.cumsum(a, **kw), with_kw(
        [((5,), {"dim": 0}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": -2}), ((), {"dim": 0}),
         ((3, 4), {"dim": 0})]), gradgrad=True),
    OpInfo("cumsum", lambda lib, a: a.cumsum(0, dtype=lib.float64), one((3, 4))),
    OpInfo("cumsum", lambda lib, a: (a.cumsum(0), a.cumsum(1, dtype=lib.float32)),
           one((3, 4), make=ints), grad=False),
    OpInfo("Tensor.cumsum_", lambda lib, a: (a * 1).cumsum_(-1), one((3, 4))),
    OpInfo("cumprod", lambda lib, a, **kw: a.cumprod(**kw), with_kw(
        [((5,), {"dim": 0}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": -2}), ((), {"dim": 0})]),
        gradgrad=True),
    OpInfo("cumprod", lambda lib, a: (lib.cumprod(a, 0), a.cumprod(-1)),
           one((4, 5), (8,), make=with_zeros), gradgrad=True),
    OpInfo("Tensor.cumprod_", lambda lib, a: (a * 1).cumprod_(0), one((3, 4))),
    OpInfo("cumprod", lambda lib, a: a.cumprod(0), one((5,), make=ints), grad=False),
    # sort, argsort, msort, topk, kthvalue
    OpInfo("sort", lambda lib, a, **kw: lib.sort(a, **kw), with_kw(
        [((5,), {}), ((3, 4), {"dim": 0}), ((2, 3, 4), {"dim": 1, "descending": True}),
         ((), {}), ((3, 4), {"stable": True, "descending": True})])),
    OpInfo("sort", lambda lib, a: (a.sort(), a.sort(0, True)), one((3, 4), make=ints),
           grad=False),
    OpInfo("sort", lambda lib, a: lib.sort(a, dim=1, descending=True, stable=True),
           one((3, 6), make=small_ints), gradcheck=False),
    OpInfo("argsort", lambda lib, a: (lib.argsort(a), a.argsort(0, True),
                                      a.argsort(dim=-1, stable=True)), one((3, 4))),
    OpInfo("msort", lambda lib, a: (lib.msort(a), a.msort()), one((3, 4), (5,))),
    OpInfo("topk", lambda lib, a, k, **kw: lib.topk(a, k, **kw), lambda rng: [
        Sample((randn(rng, 6), 3)), Sample((randn(rng, 3, 5), 2), {"dim": 0}),
        Sample((randn(rng, 3, 5), 2), {"largest": False}),
        Sample((randn(rng, 2, 3, 4), 4), {"dim": -1, "largest": True}),
        Sample((randn(rng, 3, 4), 0)), Sample((randn(rng), 1))]),
    OpInfo("topk", lambda lib, a: a.topk(2, sorted=True)[0], one((3, 4))),
    OpInfo("kthvalue", lambda lib, a, k, **kw: lib.kthvalue(a, k, **kw), lambda rng: [
        Sample((randn(rng, 6), 3)), Sample((randn(rng, 3, 5), 2), {"dim": 0}),
        Sample((randn(rng, 3, 5), 5), {"keepdim": True}), Sample((randn(rng), 1))]),
    OpInfo("kthvalue", lambda lib, a: (a.kthvalue(1, 0), a.kthvalue(3)), one((3, 4), make=ints)),
    # median, nanmedian, mode
    OpInfo("median", lambda lib, a: lib.median(a), one(*SHAPES, (4,))),
    OpInfo("median", lambda lib, a, **kw: a.median(**kw), ONE_DIM),
    OpInfo("median", lambda lib, a: (a.median(), a.median(1)), one((3, 4), (3, 5), make=ints)),
    OpInfo("median", lambda lib, a: (a.median(), a.median(0)), one((3, 4), make=with_nans),
           gradcheck=False),
    OpInfo("nanmedian", lambda lib, a: (lib.nanmedian(a), a.nanmedian(1), a.nanmedian(0, True)),
           one((3, 4), (4, 5), make=with_nans)),
    OpInfo("nanmedian", lambda lib, a, **kw: a.nanmedian(**kw), ONE_DIM),
    OpInfo("mode", lambda lib, a, **kw: lib.mode(a, **kw), with_kw(
        [((6,), {}), ((3, 8), {"dim": 1}), ((4, 3), {"dim": 0, "keepdim": True}), ((), {})],
        make=small_ints), gradcheck=False),
    OpInfo("mode", lambda lib, a: a.mode(), one((3, 7), make=ints)),
    # cummax, cummin
    OpInfo("cummax", lambda lib, a, **kw: lib.cummax(a, **kw), with_kw(
        [((6,), {"dim": 0}), ((3, 4), {"dim": 1}), ((2, 3, 4), {"dim": -2}), ((), {"dim": 0})])),
    OpInfo("cummax", lambda lib, a: a.cummax(1), one((3, 8), make=small_ints), gradcheck=False),
    OpInfo("cummin", lambda lib, a, **kw: a.cummin(**kw), with_kw(
        [((6,), {"dim": 0}), ((3, 4), {"dim": 0}), ((2, 3, 4), {"dim": 2})])),
    OpInfo("cummin", lambda lib, a: lib.cummin(a, 0), one((8, 3), make=small_ints),
           gradcheck=False),
    OpInfo("cummin", lambda lib, a: a.cummin(0), one((6,), make=ints)),
    # unique, unique_consecutive, bincount
    OpInfo("unique", lambda lib, a: (lib.unique(a), a.unique(return_inverse=True),
                                     lib.unique(a, return_counts=True, return_inverse=True)),
           one((3, 8), (), make=small_ints), grad=False),
    OpInfo("unique", lambda lib, a: (lib.unique(a, dim=0, return_inverse=True,
                                                return_counts=True), a.unique(dim=1)),
           one((6, 2), make=lambda rng, *s: rng.integers(-1, 2, s)), grad=False),
    OpInfo("unique_consecutive", lambda lib, a: (
        lib.unique_consecutive(a), a.unique_consecutive(return_inverse=True, return_counts=True),
        lib.unique_consecutive(a.reshape(4, 3), dim=0, return_counts=True)),
        one((12,), make=lambda rng, *s: rng.integers(0, 2, s)), grad=False),
    OpInfo("bincount", lambda lib, a: (lib.bincount(a), a.bincount(minlength=9)),
           one((10,), (0,), make=lambda rng, *s: rng.integers(0, 6, s)), grad=False),
    OpInfo("bincount", lambda lib, a, w: (lib.bincount(a, w), lib.bincount(a, w.double())),
           lambda rng: [Sample((rng.integers(0, 6, 10), randn(rng, 10)))], grad=False),
)

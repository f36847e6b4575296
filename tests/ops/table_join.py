"""Op-table entries for joining and rearranging (ember/ops/join.py)."""
import numpy as np

from tests.ops.opinfo import OpInfo, Sample, randn, register


def one(*shapes):
    return lambda rng: [Sample((randn(rng, *s),)) for s in shapes]


def ints(rng, *shape, dtype=np.int64):
    return rng.integers(-5, 5, shape).astype(dtype)


def mask(rng, *shape):
    return np.asarray(rng.random(shape) > 0.5)


def lists(*groups):
    """Samples whose single argument is a list of arrays of the given shapes."""
    return lambda rng: [Sample(([randn(rng, *s) for s in shapes],)) for shapes in groups]


register(
    OpInfo("cat", lambda lib, ts: lib.cat(ts, 1),
           lists([(2, 3), (2, 1), (2, 0), (2, 4)], [(1, 2, 3), (1, 1, 3)]), gradgrad=True),
    OpInfo("cat", lambda lib, ts: lib.cat(ts), lists([(3,)], [(2, 3), (0,), (4, 3)], [(0,)] * 2)),
    OpInfo("cat", lambda lib, ts: lib.cat(ts, dim=-1), lists([(2, 3), (2, 2)])),
    OpInfo("cat", lambda lib, a, b: lib.cat([a, b]),  # type promotion: int + float
           lambda rng: [Sample((ints(rng, 2), randn(rng, 3))),
                        Sample((randn(rng, 2), randn(rng, 2, dtype=np.float64))),
                        Sample((ints(rng, 2, dtype=np.int32), mask(rng, 3))),
                        Sample((np.zeros(0, np.float64), randn(rng, 2, 2)))]),
    OpInfo("concat", lambda lib, ts: (lib.concat(ts, dim=1), lib.concatenate(ts, axis=1)),
           lists([(2, 3), (2, 1)]), covers=("concatenate",)),
    OpInfo("stack", lambda lib, ts: lib.stack(ts), lists([(2, 3)] * 3, [()] * 2),
           gradgrad=True),
    OpInfo("stack", lambda lib, ts: lib.stack(ts, dim=-1), lists([(2, 3)] * 2, [(4,)])),
    OpInfo("stack", lambda lib, a, b: lib.stack([a, b], 1),
           lambda rng: [Sample((ints(rng, 2), randn(rng, 2)))]),
    OpInfo("hstack", lambda lib, ts: lib.hstack(ts), lists([(2,), (3,)], [(2, 1), (2, 3)],
                                                           [(), ()])),
    OpInfo("vstack", lambda lib, ts: (lib.vstack(ts), lib.row_stack(ts)),
           lists([(3,), (2, 3)], [(), ()]), covers=("row_stack",)),
    OpInfo("dstack", lambda lib, ts: lib.dstack(ts), lists([(3,), (3,)], [(2, 3), (2, 3, 2)])),
    OpInfo("column_stack", lambda lib, ts: lib.column_stack(ts),
           lists([(3,), (3, 2)], [(), (1, 2)])),
    OpInfo("Tensor.repeat", lambda lib, a: a.repeat(2, 1, 3), one((3, 2), (2, 3, 1), ()),
           gradgrad=True),
    OpInfo("Tensor.repeat", lambda lib, a: a.repeat((2, 0)), one((2,), (2, 3))),
    OpInfo("tile", lambda lib, a: lib.tile(a, (2,)), one((3, 2), ())),
    OpInfo("tile", lambda lib, a: a.tile((2, 1, 2)), one((3, 2))),
    OpInfo("flip", lambda lib, a: lib.flip(a, (0, -1)), one((2, 3, 4), (3, 4))),
    OpInfo("flip", lambda lib, a: (a.flip(1), a.flip([]), lib.flip(a, dims=[0])), one((2, 3))),
    OpInfo("fliplr", lambda lib, a: lib.fliplr(a), one((2, 3), (2, 3, 4))),
    OpInfo("flipud", lambda lib, a: a.flipud(), one((3,), (2, 3))),
    OpInfo("roll", lambda lib, a: lib.roll(a, 2), one((), (5,), (2, 3))),
    OpInfo("roll", lambda lib, a: a.roll((1, -4), (0, -1)), one((2, 3, 4))),
    OpInfo("roll", lambda lib, a: a.roll(-1, 1), one((2, 3))),
    OpInfo("tril", lambda lib, a: lib.tril(a), one((3, 3), (2, 3, 4))),
    OpInfo("tril", lambda lib, a: a.tril(-1), one((3, 4))),
    OpInfo("tril", lambda lib, a: a.tril(diagonal=10), lambda rng: [Sample((ints(rng, 3, 4),))]),
    OpInfo("triu", lambda lib, a: lib.triu(a, 1), one((3, 3), (2, 4, 3))),
    OpInfo("Tensor.tril_", lambda lib, a: (a * 1).tril_(1), one((3, 4))),
    OpInfo("Tensor.triu_", lambda lib, a: (a * 1).triu_(), one((3, 4))),
    OpInfo("diag", lambda lib, a: lib.diag(a), one((3,), (3, 4), (4, 3))),
    OpInfo("diag", lambda lib, a: (a.diag(1), a.diag(-2), a.diag(diagonal=7)),
           one((3,), (3, 4))),
    OpInfo("diagonal", lambda lib, a: lib.diagonal(a), one((3, 4), (2, 3, 4)), gradgrad=True),
    OpInfo("diagonal", lambda lib, a: a.diagonal(1, -1, 0), one((3, 4), (2, 3, 4))),
    OpInfo("diagonal", lambda lib, a: a.diagonal(offset=-2, dim1=1, dim2=2), one((2, 3, 4))),
    OpInfo("diagonal", lambda lib, a: a.diagonal(5), one((3, 4))),
    OpInfo("diag_embed", lambda lib, a: lib.diag_embed(a), one((3,), (2, 3))),
    OpInfo("diag_embed", lambda lib, a: a.diag_embed(-1, 0, 2), one((2, 3), (2, 1, 3))),
    OpInfo("where", lambda lib, c, a, b: lib.where(c, a, b),
           lambda rng: [Sample((mask(rng, 3, 4), randn(rng, 3, 4), randn(rng, 3, 4))),
                        Sample((mask(rng, 3, 1), randn(rng, 4), randn(rng, 2, 1, 1))),
                        Sample((mask(rng), randn(rng), randn(rng, 2)))], gradgrad=True),
    OpInfo("where", lambda lib, c, a: (lib.where(c, a, 0.0), lib.where(c, 2, a),
                                       lib.where(c, 1, 0), lib.where(c, 1.5, 0),
                                       lib.where(c, True, False)),
           lambda rng: [Sample((mask(rng, 3, 4), randn(rng, 3, 4)))]),
    OpInfo("where", lambda lib, c, a, b: lib.where(c, a, b),  # promotion across dtypes
           lambda rng: [Sample((mask(rng, 3), ints(rng, 3), randn(rng, 3))),
                        Sample((mask(rng, 3), randn(rng, 3), randn(rng, dtype=np.float64))),
                        Sample((mask(rng, 3), randn(rng, 3), randn(rng, 3, dtype=np.float64))),
                        Sample((mask(rng, 3), ints(rng, 3, dtype=np.int32), mask(rng, 3)))]),
    OpInfo("meshgrid", lambda lib, a, b: lib.meshgrid(a, b, indexing="ij"),
           lambda rng: [Sample((randn(rng, 3), randn(rng, 4))),
                        Sample((randn(rng), randn(rng, 2)))]),
    OpInfo("meshgrid", lambda lib, a, b, c: lib.meshgrid([a, b, c], indexing="xy"),
           lambda rng: [Sample((randn(rng, 3), randn(rng, 4), randn(rng, 2)))]),
    OpInfo("meshgrid", lambda lib, a: lib.meshgrid(a, indexing="xy"), one((3,))),
    OpInfo("broadcast_to", lambda lib, a: (lib.broadcast_to(a, (2, 3, 4)),
                                           a.broadcast_to((-1, 4))), one((3, 1))),
    OpInfo("broadcast_tensors", lambda lib, a, b, c: lib.broadcast_tensors(a, b, c),
           lambda rng: [Sample((randn(rng, 3, 1), randn(rng, 4), randn(rng))),
                        Sample((randn(rng, 2, 3), randn(rng, 2, 3), randn(rng, 3)))]),
    OpInfo("broadcast_shapes", lambda lib: lib.broadcast_shapes((2, 1), (3,), 1, [4, 1, 1]),
           lambda rng: [Sample(())]),
    OpInfo("broadcast_shapes", lambda lib: (lib.broadcast_shapes(), lib.broadcast_shapes(0, 1)),
           lambda rng: [Sample(())]),
    OpInfo("atleast_1d", lambda lib, a: lib.atleast_1d(a), one((), (3,), (2, 3))),
    OpInfo("atleast_1d", lambda lib, a, b: (lib.atleast_1d(a, b), lib.atleast_1d([a, b])),
           lambda rng: [Sample((randn(rng), randn(rng, 2)))]),
    OpInfo("atleast_2d", lambda lib, a: lib.atleast_2d(a), one((), (3,), (2, 3), (1, 2, 3))),
    OpInfo("atleast_3d", lambda lib, a: lib.atleast_3d(a), one((), (3,), (2, 3), (1, 2, 3),
                                                                (1, 2, 1, 3))),
    OpInfo("atleast_3d", lambda lib, a, b: lib.atleast_3d((a, b)),
           lambda rng: [Sample((randn(rng), randn(rng, 2)))]),
)

"""Op-table entries for indexing: getitem/setitem, index_put, gather/scatter, index_*, masks."""
import warnings

import numpy as np

from tests.ops.opinfo import OpInfo, Sample, randn, register


def _key(template, idx):
    """Build a key from a template where "@i" stands for the i-th index argument (a tensor)."""
    if isinstance(template, tuple):
        return tuple(_key(t, idx) for t in template)
    if isinstance(template, str) and template.startswith("@"):
        return idx[int(template[1:])]
    return template


def _get(lib, x, *idx, key):
    return x[_key(key, idx)]


def _set(lib, x, v, *idx, key):
    y = x * 1
    y[_key(key, idx)] = v
    return y


def _set_scalar(lib, x, *idx, key, value):
    y = x * 1
    y[_key(key, idx)] = value
    return y


def ints(*values):
    return np.array(values, dtype=np.int64)


def mask(rng, *shape):
    m = np.asarray(rng.standard_normal(shape) > 0)
    m.reshape(-1)[0] = True
    return m


def getitem(*keys, shape=(3, 4, 5), idx=()):
    """One sample per key; ``idx`` (a function of rng) gives index arrays for "@i"."""
    def samples(rng):
        out = []
        for key in keys:
            extra = idx(rng) if callable(idx) else idx
            out.append(Sample((randn(rng, *shape),) + tuple(extra), {"key": key}))
        return out
    return samples


S = slice
ALL = slice(None)

register(
    # basic keys: views
    OpInfo("Tensor.__getitem__", _get,
           getitem(0, -1, (ALL, 1), (Ellipsis, 0), (0, S(1, 3)), (1, None, S(None, None, 2)),
                   (ALL, None), (None,), (Ellipsis,), (0, 1, 2), (S(1, 100),), (S(5, None),),
                   (Ellipsis, None, 1), (0, Ellipsis, 0, None)), gradgrad=True),
    # advanced keys: copies; repeated indices accumulate in the gradient
    OpInfo("Tensor.__getitem__", _get,
           getitem(("@0",), (ALL, "@0"), ("@0", ALL, "@1"), (0, ALL, "@0"), (ALL, "@0", 0),
                   (None, "@0", None, "@1"), (Ellipsis, "@0"), ("@0", Ellipsis, "@1"),
                   (0, None, "@0"),
                   idx=lambda rng: (ints(0, 2, 0, -1), ints(1, 1, 3, 0))), gradgrad=True),
    OpInfo("Tensor.__getitem__", _get,
           getitem(("@0",), (ALL, "@0"), ("@0", 1),
                   idx=lambda rng: (np.array([[0, 2], [2, 2]]),))),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[[0, 2, 0]], lambda rng: [
        Sample((randn(rng, 3, 4),))]),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[range(2), [1, 3]], lambda rng: [
        Sample((randn(rng, 3, 4),))]),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[True, [0, 1]], lambda rng: [
        Sample((randn(rng, 3, 4),))]),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[None, False], lambda rng: [
        Sample((randn(rng, 3, 4),))]),
    # bool masks
    OpInfo("Tensor.__getitem__", _get, lambda rng: [
        Sample((randn(rng, 3, 4, 5), mask(rng, 3, 4, 5)), {"key": "@0"}),
        Sample((randn(rng, 3, 4, 5), mask(rng, 3, 4)), {"key": "@0"}),
        Sample((randn(rng, 3, 4, 5), mask(rng, 4, 5)), {"key": (ALL, "@0")}),
        Sample((randn(rng, 3, 4, 5), mask(rng, 4)), {"key": (1, "@0", S(0, 2))}),
        Sample((randn(rng, 3, 4, 5), np.array([True, False, True]), ints(0, 1)),
               {"key": ("@0", "@1")}),
    ], gradgrad=True),
    # 0-d tensors: an integer one selects (a view), a bool one adds a dimension
    OpInfo("Tensor.__getitem__", lambda lib, x: x[lib.tensor(1), lib.tensor(-1)],
           lambda rng: [Sample((randn(rng, 3, 4),))]),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[lib.tensor(True)],
           lambda rng: [Sample((randn(rng, 3, 4),))]),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[..., None], lambda rng: [Sample((randn(rng),))]),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[0][1:][:, 2], lambda rng: [
        Sample((randn(rng, 3, 4, 5),))], gradgrad=True),
    OpInfo("Tensor.__getitem__", lambda lib, x: x[1:].long()[[0, 1], 2], lambda rng: [
        Sample((randn(rng, 3, 4),))], grad=False),
)

register(
    OpInfo("Tensor.__setitem__", _set, lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng)), {"key": (S(1, None), 0)}),
        Sample((randn(rng, 3, 4), randn(rng, 4)), {"key": 0}),
        Sample((randn(rng, 3, 4), randn(rng, 3)), {"key": (ALL, 1)}),
        Sample((randn(rng, 3, 4), randn(rng, 1, 4)), {"key": 0}),
        Sample((randn(rng, 3, 4), randn(rng, 4)), {"key": Ellipsis}),
        Sample((randn(rng, 3, 4), randn(rng, 2, 1)), {"key": (S(0, 2), S(1, 3))}),
        Sample((randn(rng, 3, 4), randn(rng), ints(0, 2)), {"key": "@0"}),
        Sample((randn(rng, 3, 4), randn(rng, 4), ints(0, 2)), {"key": "@0"}),
        Sample((randn(rng, 3, 4), randn(rng, 2), ints(0, 2), ints(3, 1)), {"key": ("@0", "@1")}),
        Sample((randn(rng, 3, 4), randn(rng, 3, 1), ints(1, 3)), {"key": (ALL, "@0")}),
        Sample((randn(rng, 3, 4), randn(rng, 2), ints(1, 3)), {"key": (0, "@0")}),
        Sample((randn(rng, 3, 4), randn(rng), mask(rng, 3, 4)), {"key": "@0"}),
        Sample((randn(rng, 3, 4), randn(rng, 4), mask(rng, 3)), {"key": "@0"}),
        Sample((randn(rng, 3, 4), randn(rng, 4)), {"key": (None, 1)}),
    ]),
    OpInfo("Tensor.__setitem__", _set_scalar, lambda rng: [
        Sample((randn(rng, 3, 4),), {"key": (S(1, None), 0), "value": 2.5}),
        Sample((randn(rng, 3, 4), ints(0, 0, 2)), {"key": "@0", "value": -1}),
        Sample((randn(rng, 3, 4), mask(rng, 3, 4)), {"key": "@0", "value": 0}),
        Sample((randn(rng, 3, 4),), {"key": Ellipsis, "value": 3}),
    ]),
    OpInfo("Tensor.__setitem__", lambda lib, x, v: _set(lib, x, v.double(), key=1),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng, 4)))]),
    OpInfo("Tensor.__setitem__", lambda lib, x, v: _set(lib, x.long(), v, key=(0, S(1, 3))),
           lambda rng: [Sample((randn(rng, 3, 4) * 5, randn(rng, 2) * 5))], grad=False),
)


_MASK3 = np.array([[True, False, False, True], [False] * 4, [False, True, False, False]])


def _index_put(lib, x, v, *idx, accumulate=False):
    return x.index_put(tuple(idx), v, accumulate=accumulate)


def _index_put_(lib, x, v, *idx, accumulate=False):
    return (x * 1).index_put_(tuple(idx), v, accumulate=accumulate)


register(
    OpInfo("index_put", _index_put, lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng), ints(0, 2))),
        Sample((randn(rng, 3, 4), randn(rng, 3), ints(0, 0, 2), ints(1, 3, 1))),
        Sample((randn(rng, 3, 4), randn(rng, 3), ints(0, 2, 1), ints(1, 3, 1)),
               {"accumulate": True}),
        Sample((randn(rng, 3, 4), randn(rng, 4), ints(0, 0, 2)), {"accumulate": True}),
        Sample((randn(rng, 3, 4), randn(rng, 3), _MASK3)),
    ], covers=("Tensor.index_put",)),
    OpInfo("Tensor.index_put_", _index_put_, lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng, 4), ints(2, 0))),
        Sample((randn(rng, 3, 4), randn(rng, 2), ints(2, 2), ints(1, 1)), {"accumulate": True}),
    ]),
)


def _scatter_multiply(lib, x, d, i, s):
    with warnings.catch_warnings():   # both libraries deprecate reduce= with a tensor src
        warnings.simplefilter("ignore")
        return x.scatter(d, i, s, reduce="multiply")


def gather_samples(rng):
    return [
        Sample((randn(rng, 3, 4), 1, ints(0, 3, 3, 0, 1, 2).reshape(3, 2))),
        Sample((randn(rng, 3, 4), 0, ints(0, 2, 2, 1, 0, 0, 1, 1).reshape(2, 4))),
        Sample((randn(rng, 2, 3, 4), -1, rng.integers(0, 4, (2, 2, 5)))),
        Sample((randn(rng, 5), 0, ints(4, 4, 0))),
        Sample((randn(rng), 0, np.array(0))),
    ]


def scatter_samples(rng):
    return [
        Sample((randn(rng, 3, 4), 1, ints(0, 3, 2, 1, 1, 2).reshape(3, 2), randn(rng, 3, 2))),
        Sample((randn(rng, 3, 4), 0, ints(0, 2, 1, 1, 2, 0, 0, 2).reshape(2, 4),
                randn(rng, 2, 4))),
        Sample((randn(rng, 5), 0, ints(4, 0), randn(rng, 2))),
    ]


def scatter_add_samples(rng):
    return [
        Sample((randn(rng, 3, 4), 1, ints(0, 3, 3, 0, 1, 1).reshape(3, 2), randn(rng, 3, 2))),
        Sample((randn(rng, 3, 4), 0, ints(0, 2, 2, 1, 0, 0, 0, 0).reshape(2, 4),
                randn(rng, 2, 4))),
        Sample((randn(rng, 5), 0, ints(4, 4, 0, 4), randn(rng, 4))),
    ]


def scatter_reduce_samples(rng):
    out = []
    for reduce in ("sum", "mean", "amax", "amin"):
        for include_self in (True, False):
            out.append(Sample((randn(rng, 3, 4), 1, ints(0, 3, 3, 0, 1, 1).reshape(3, 2),
                               randn(rng, 3, 2), reduce), {"include_self": include_self}))
    return out


def index_samples(rng):
    return [
        Sample((randn(rng, 3, 4), 1, ints(0, 3, 3))),
        Sample((randn(rng, 3, 4), 0, ints(2, 0, 2, 2))),
        Sample((randn(rng, 2, 3, 4), -2, ints(1))),
        Sample((randn(rng, 3, 4), 0, np.array(1))),
    ]


register(
    OpInfo("gather", lambda lib, x, d, i: lib.gather(x, d, i), gather_samples, gradgrad=True,
           covers=("Tensor.gather",)),
    OpInfo("gather", lambda lib, x, d, i: x.gather(dim=d, index=i.int()), gather_samples),
    OpInfo("scatter", lambda lib, x, d, i, s: lib.scatter(x, d, i, s), scatter_samples,
           gradgrad=True, covers=("Tensor.scatter",)),
    OpInfo("scatter", lambda lib, x, d, i: x.scatter(d, i, value=2.5),
           lambda rng: [Sample(s.args[:3]) for s in scatter_samples(rng)]),
    OpInfo("scatter", lambda lib, x, d, i: x.scatter(d, i, 1.5, reduce="add"),
           lambda rng: [Sample(s.args[:3]) for s in scatter_add_samples(rng)], grad=False),
    OpInfo("scatter", _scatter_multiply, scatter_add_samples, grad=False),
    OpInfo("Tensor.scatter_", lambda lib, x, d, i, s: (x * 1).scatter_(d, i, s),
           scatter_samples),
    OpInfo("Tensor.scatter_", lambda lib, x, d, i: (x * 1).scatter_(d, i, value=1),
           lambda rng: [Sample(s.args[:3]) for s in scatter_samples(rng)]),
    OpInfo("scatter_add", lambda lib, x, d, i, s: lib.scatter_add(x, d, i, s),
           scatter_add_samples, gradgrad=True, covers=("Tensor.scatter_add",)),
    OpInfo("Tensor.scatter_add_", lambda lib, x, d, i, s: (x * 1).scatter_add_(d, i, s),
           scatter_add_samples),
    OpInfo("scatter_reduce", lambda lib, x, d, i, s, r, **kw: lib.scatter_reduce(x, d, i, s, r,
                                                                                 **kw),
           scatter_reduce_samples, covers=("Tensor.scatter_reduce",)),
    OpInfo("scatter_reduce", lambda lib, x, d, i, s: lib.scatter_reduce(x, d, i, s, "prod"),
           scatter_add_samples, grad=False),
    OpInfo("Tensor.scatter_reduce_",
           lambda lib, x, d, i, s: (x * 1).scatter_reduce_(d, i, s, "amax", include_self=False),
           scatter_add_samples),
    OpInfo("index_select", lambda lib, x, d, i: lib.index_select(x, d, i), index_samples,
           gradgrad=True, covers=("Tensor.index_select",)),
    OpInfo("index_select", lambda lib, x, d, i: x.index_select(d, i.int()), index_samples),
    OpInfo("index_add", lambda lib, x, d, i: lib.index_add(x, d, i, _src(lib, x, d, i)),
           index_samples, covers=("Tensor.index_add",)),
    OpInfo("index_add", lambda lib, x, d, i, s: x.index_add(d, i, s, alpha=-2.5),
           lambda rng: [Sample((randn(rng, 3, 4), 0, ints(2, 0, 2), randn(rng, 3, 4)))]),
    OpInfo("Tensor.index_add_", lambda lib, x, d, i, s: (x * 1).index_add_(d, i, s, alpha=2),
           lambda rng: [Sample((randn(rng, 3, 4), 1, ints(3, 3), randn(rng, 3, 2)))]),
    OpInfo("index_copy", lambda lib, x, d, i, s: lib.index_copy(x, d, i, s),
           lambda rng: [Sample((randn(rng, 3, 4), 1, ints(3, 0), randn(rng, 3, 2))),
                        Sample((randn(rng, 3, 4), 0, ints(1), randn(rng, 1, 4)))],
           covers=("Tensor.index_copy",)),
    OpInfo("Tensor.index_copy_", lambda lib, x, d, i, s: (x * 1).index_copy_(d, i, s),
           lambda rng: [Sample((randn(rng, 3, 4), 1, ints(3, 0), randn(rng, 3, 2)))]),
    OpInfo("index_fill", lambda lib, x, d, i: lib.index_fill(x, d, i, -1.5),
           lambda rng: index_samples(rng)[:3], covers=("Tensor.index_fill",)),
    OpInfo("index_fill", lambda lib, x, v, d, i: x.index_fill(d, i, v),
           lambda rng: [Sample((randn(rng, 3, 4), randn(rng), 1, ints(0, 0, 2)))]),
    OpInfo("Tensor.index_fill_", lambda lib, x, d, i: (x * 1).index_fill_(d, i, 7),
           lambda rng: index_samples(rng)[:2]),
    OpInfo("take_along_dim", lambda lib, x, i, *d: lib.take_along_dim(x, i, *d), lambda rng: [
        Sample((randn(rng, 3, 4), ints(0, 3, 1).reshape(3, 1), 1)),
        Sample((randn(rng, 3, 4), ints(0, 2, 2, 1).reshape(1, 4), 0)),
        Sample((randn(rng, 3, 4), ints(11, 0, 5, 5))),
        Sample((randn(rng, 3, 1), ints(0, 0, 0, 0).reshape(1, 4), 0)),
    ], covers=("Tensor.take_along_dim",)),
)


def _src(lib, x, d, i):
    shape = list(x.shape)
    shape[d] = i.numel()
    return lib.arange(float(np.prod(shape))).reshape(shape).to(x.dtype)


register(
    OpInfo("masked_fill", lambda lib, x, m: lib.masked_fill(x, m, -2.0), lambda rng: [
        Sample((randn(rng, 3, 4), mask(rng, 3, 4))),
        Sample((randn(rng, 3, 4), mask(rng, 4))),
        Sample((randn(rng, 4), mask(rng, 3, 4))),
        Sample((randn(rng), mask(rng))),
    ], gradgrad=True, covers=("Tensor.masked_fill",)),
    OpInfo("masked_fill", lambda lib, x, v, m: x.masked_fill(m, v), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng), mask(rng, 3, 1))),
    ], gradgrad=True),
    OpInfo("masked_fill", lambda lib, x, m: x.long().masked_fill(m, 2.7), lambda rng: [
        Sample((randn(rng, 3, 4) * 4, mask(rng, 3, 4)))], grad=False),
    OpInfo("Tensor.masked_fill_", lambda lib, x, m: (x * 1).masked_fill_(m, 0.5), lambda rng: [
        Sample((randn(rng, 3, 4), mask(rng, 3, 4))),
        Sample((randn(rng, 3, 4), mask(rng, 4))),
    ]),
    OpInfo("Tensor.masked_fill_", lambda lib, x, v, m: (x * 1).masked_fill_(m, v), lambda rng: [
        Sample((randn(rng, 3, 4), randn(rng), mask(rng, 4))),
    ]),
    OpInfo("masked_select", lambda lib, x, m: lib.masked_select(x, m), lambda rng: [
        Sample((randn(rng, 3, 4), mask(rng, 3, 4))),
        Sample((randn(rng, 3, 4), mask(rng, 4))),
        Sample((randn(rng, 4), mask(rng, 3, 4))),
    ], gradgrad=True, covers=("Tensor.masked_select",)),
    OpInfo("masked_scatter", lambda lib, x, m, s: lib.masked_scatter(x, m, s), lambda rng: [
        Sample((randn(rng, 3, 4), mask(rng, 3, 4), randn(rng, 12))),
        Sample((randn(rng, 3, 4), mask(rng, 4), randn(rng, 4, 4))),
    ], covers=("Tensor.masked_scatter",)),
    OpInfo("Tensor.masked_scatter_", lambda lib, x, m, s: (x * 1).masked_scatter_(m, s),
           lambda rng: [Sample((randn(rng, 3, 4), mask(rng, 3, 4), randn(rng, 2, 6)))]),
    OpInfo("nonzero", lambda lib, x: lib.nonzero(x), lambda rng: [
        Sample((mask(rng, 3, 4),)), Sample((ints(0, 3, 0, -1),)), Sample((np.array(2.0),)),
        Sample((np.zeros((2, 0)),)), Sample((np.array([0.0, 1.5, 0.0]),))],
        covers=("Tensor.nonzero",), grad=False),
    OpInfo("nonzero", lambda lib, x: lib.nonzero(x, as_tuple=True), lambda rng: [
        Sample((mask(rng, 3, 4),)), Sample((np.array(2.0),)), Sample((np.array(0),))],
        grad=False),
    OpInfo("argwhere", lambda lib, x: lib.argwhere(x), lambda rng: [
        Sample((mask(rng, 2, 3, 2),)), Sample((np.array(1),))], covers=("Tensor.argwhere",),
        grad=False),
    OpInfo("take", lambda lib, x, i: lib.take(x, i), lambda rng: [
        Sample((randn(rng, 3, 4), ints(0, 11, -12, 3, 3).reshape(5))),
        Sample((randn(rng, 3, 4), ints(0, 5, 5, 1).reshape(2, 2))),
        Sample((randn(rng), np.array(0))),
    ], gradgrad=True, covers=("Tensor.take",)),
)

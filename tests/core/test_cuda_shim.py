"""ember's CUDA code paths, run on the CPU through a fake CuPy (tests/core/_fake_cupy.py).

Each CUDA result must be a device array on the expected device and equal to the same computation
on the CPU. The fake refuses implicit device->host conversion and host arrays in device kernels,
as CuPy does, so a NumPy call left in a CUDA path shows up as a TypeError or a CPU result.
"""
import re

import numpy as np
import pytest

import ember

from . import _fake_cupy as fake

SAME_DEVICE = "Expected all tensors to be on the same device"


@pytest.fixture(autouse=True)
def cp(monkeypatch):
    return fake.install(monkeypatch)


def check_cuda(t, index=0):
    assert t.is_cuda, "result is not on cuda"
    assert t.device == ember.device("cuda", index)
    assert type(t._data) is fake.ndarray, f"data is {type(t._data).__name__}, not a device array"
    assert t._data.device.id == index


def host(t):
    return t._data.get() if type(t._data) is fake.ndarray else t._data


def same(c, e, index=0):
    """CUDA result ``c`` matches CPU result ``e`` (tensors, or tuples/lists of them)."""
    if isinstance(e, (tuple, list)):
        assert type(c) is type(e) and len(c) == len(e)
        for ci, ei in zip(c, e):
            same(ci, ei, index)
        return
    if not isinstance(e, ember.Tensor):
        assert c == e
        return
    check_cuda(c, index)
    assert c.dtype == e.dtype and c.shape == e.shape
    if e.dtype.is_floating_point:
        np.testing.assert_allclose(host(c), host(e), rtol=1e-6, atol=1e-7)
    else:
        np.testing.assert_array_equal(host(c), host(e))


def cuda_args(args, index=0):
    return [a.cuda(index) if isinstance(a, ember.Tensor) else
            [b.cuda(index) for b in a] if isinstance(a, list) else a for a in args]


def inputs():
    ember.manual_seed(0)
    x, y = ember.randn(3, 4), ember.randn(3, 4)
    return dict(x=x, y=y, m=ember.randn(4, 5), b=ember.randn(2, 3, 4), c=ember.randn(2, 4, 2),
                sq=ember.randn(3, 3) + 3 * ember.eye(3), v=ember.randn(4),
                idx=ember.tensor([2, 0, 2]), gidx=ember.tensor([[0, 3], [1, 1], [2, 0]]),
                mask=x > 0, w=ember.rand(3, 4) + 0.5)


# -- availability, moves, creation, printing --------------------------------------------------

def test_cuda_queries():
    assert ember.cuda.is_available()
    assert ember.cuda.device_count() == fake.DEVICE_COUNT
    assert ember.cuda.current_device() == 0
    assert ember.cuda.get_device_name() == "Fake GPU (NumPy)"
    ember.cuda.synchronize()


@pytest.mark.parametrize("move", [
    lambda t: t.cuda(), lambda t: t.to("cuda"), lambda t: t.to("cuda:0"),
    lambda t: t.to(ember.device("cuda")), lambda t: t.to(device="cuda", dtype=ember.float32),
    lambda t: t.cuda(0), lambda t: t.to(ember.zeros(1, device="cuda")),
], ids=["cuda()", "to(cuda)", "to(cuda:0)", "to(device)", "to(device=,dtype=)", "cuda(0)",
        "to(tensor)"])
def test_move_to_cuda_and_back(move):
    x = ember.arange(6.0).reshape(2, 3)
    y = move(x)
    same(y, x)
    assert y.device == ember.device("cuda:0") and str(y.device) == "cuda:0"
    assert y.device.type == "cuda" and y.device.index == 0
    assert y.is_cuda and not x.is_cuda
    back = y.cpu()
    assert back._data.__class__ is np.ndarray and back.device == ember.device("cpu")
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    assert y.to("cuda:0") is y and y.cuda() is y


def test_ones_cuda():
    x = ember.ones(2).cuda()
    check_cuda(x)
    assert x.tolist() == [1.0, 1.0]
    assert repr(x) == "tensor([1., 1.], device='cuda:0')"


CREATION = {
    "zeros": lambda **k: ember.zeros(2, 3, **k),
    "ones": lambda **k: ember.ones((2, 3), **k),
    "full": lambda **k: ember.full((2, 2), 7.5, **k),
    "full_int": lambda **k: ember.full((2,), 7, **k),
    "empty_shape": lambda **k: ember.empty(2, 3, **k).shape,
    "eye": lambda **k: ember.eye(3, 2, **k),
    "arange": lambda **k: ember.arange(5, **k),
    "arange_float": lambda **k: ember.arange(0, 1, 0.25, **k),
    "linspace": lambda **k: ember.linspace(0, 1, 5, **k),
    "tensor": lambda **k: ember.tensor([[1, 2], [3, 4]], **k),
    "tensor_float": lambda **k: ember.tensor([1.5, 2.5], dtype=ember.float64, **k),
    "scalar_tensor": lambda **k: ember.scalar_tensor(3.0, **k),
    "as_tensor": lambda **k: ember.as_tensor([1.0, 2.0], **k),
    "rand": lambda **k: ember.rand(2, 3, generator=ember.Generator().manual_seed(1), **k),
    "randn": lambda **k: ember.randn(3, generator=ember.Generator().manual_seed(1), **k),
    "randint": lambda **k: ember.randint(0, 10, (4,), generator=ember.Generator().manual_seed(1),
                                         **k),
    "randperm": lambda **k: ember.randperm(5, generator=ember.Generator().manual_seed(1), **k),
    "zeros_requires_grad": lambda **k: ember.zeros(2, requires_grad=True, **k),
    "zeros_int": lambda **k: ember.zeros(2, dtype=ember.int64, **k),
    "full_bool": lambda **k: ember.full((2,), True, **k),
    "randn_double": lambda **k: ember.randn(2, dtype=ember.float64,
                                            generator=ember.Generator().manual_seed(1), **k),
    "logspace": lambda **k: ember.logspace(0, 2, 3, **k),
    "empty_strided": lambda **k: ember.empty_strided((2, 3), (1, 2), **k).stride(),
    "Tensor": lambda **k: ember.Tensor([1.0, 2.0], **k),
}


@pytest.mark.parametrize("name", CREATION)
def test_creation_device_argument(name):
    fn = CREATION[name]
    same(fn(device="cuda"), fn())
    same(fn(device=ember.device("cuda", 0)), fn())
    same(fn(device=0), fn())  # an int is a CUDA index, as in torch


def test_creation_seeded_global_generator():
    ember.manual_seed(3)
    a = ember.rand(2, 3, device="cuda"), ember.randn(4, device="cuda")
    ember.manual_seed(3)
    b = ember.rand(2, 3), ember.randn(4)
    same(list(a), list(b))


LIKE = ["zeros_like", "ones_like", "empty_like", "rand_like", "randn_like"]


@pytest.mark.parametrize("name", LIKE + ["full_like"])
def test_like_functions_keep_device(name):
    x = ember.ones(2, 3, device="cuda")
    args = (x, 2.0) if name == "full_like" else (x,)
    out = getattr(ember, name)(*args)
    check_cuda(out)
    assert out.shape == x.shape and out.dtype == x.dtype
    check_cuda(getattr(ember, name)(*((ember.ones(2),) + args[1:]), device="cuda"))


NEW = {
    "new_zeros": lambda t: t.new_zeros(2, 3), "new_ones": lambda t: t.new_ones((2,)),
    "new_full": lambda t: t.new_full((2,), 4.0), "new_tensor": lambda t: t.new_tensor([1, 2]),
    "new_empty": lambda t: t.new_empty(3).fill_(1), "type_as": lambda t: ember.ones(2).type_as(t),
}


@pytest.mark.parametrize("name", NEW)
def test_new_tensor_methods_keep_device(name):
    same(NEW[name](ember.ones(2, device="cuda")), NEW[name](ember.ones(2)))


def test_printing():
    x = ember.tensor([1.0, 2.0], device="cuda")
    assert repr(x) == "tensor([1., 2.], device='cuda:0')"
    assert repr(ember.tensor([1, 2], dtype=ember.int32, device="cuda")) == \
        "tensor([1, 2], device='cuda:0', dtype=torch.int32)"
    w = ember.ones(2, device="cuda", requires_grad=True)
    assert repr(w) == "tensor([1., 1.], device='cuda:0', requires_grad=True)"
    assert repr(w * 2) == "tensor([2., 2.], device='cuda:0', grad_fn=<MulBackward0>)"
    assert repr(ember.zeros(0, device="cuda")) == "tensor([], device='cuda:0')"
    assert str(ember.tensor(3.5, device="cuda")) == "tensor(3.5000, device='cuda:0')"
    big = ember.arange(2000.0)
    assert repr(big.cuda()) == repr(big)[:-1] + ", device='cuda:0')"
    assert f"{ember.tensor(2.5, device='cuda'):.2f}" == "2.50"


def test_item_tolist_and_numpy_errors():
    x = ember.tensor([[1.5, 2.0], [3.0, 4.0]], device="cuda")
    assert x.tolist() == [[1.5, 2.0], [3.0, 4.0]]
    assert x.sum().item() == 10.5 and x[1, 0].item() == 3.0
    assert isinstance(x.sum().item(), float)
    assert ember.tensor([3], device="cuda").item() == 3
    assert float(x[0, 0]) == 1.5 and int(x[1, 1]) == 4 and bool(x[0, 0])
    msg = ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the "
           "tensor to host memory first.")
    with pytest.raises(TypeError, match=re.escape(msg)):
        x.numpy()
    with pytest.raises(TypeError, match=re.escape(msg)):
        np.asarray(x)  # torch's __array__ goes through numpy()
    forced = x.numpy(force=True)
    assert forced.__class__ is np.ndarray and forced.tolist() == x.tolist()


def test_from_and_to_dlpack(cp):
    arr = cp.arange(4.0)
    t = ember.from_dlpack(arr)
    check_cuda(t)
    t[0] = 10.0
    assert arr[0].item() == 10.0  # shares memory


def test_tensor_attributes_match_cpu():
    x = inputs()["b"]
    for view in (lambda t: t, lambda t: t.transpose(0, 2), lambda t: t[1, 1:], lambda t: t[:, ::2]):
        e, c = view(x), view(x.cuda())
        assert c.stride() == e.stride() and c.is_contiguous() == e.is_contiguous()
        assert c.storage_offset() == e.storage_offset()
        assert (c.shape, c.dtype, c.element_size(), c.nbytes, c.numel(), c.dim()) == \
            (e.shape, e.dtype, e.element_size(), e.nbytes, e.numel(), e.dim())
    c = x.cuda()
    assert c[1].data_ptr() - c.data_ptr() == x[1].data_ptr() - x.data_ptr()


def test_python_protocols():
    x = ember.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda")
    assert len(x) == 2
    rows = list(x)
    for r in rows:
        check_cuda(r)
    assert rows[1].tolist() == [3.0, 4.0]
    n = ember.tensor(3, device="cuda")
    assert list(range(n)) == [0, 1, 2] and [10, 20, 30, 40][n] == 40
    assert bool(ember.tensor([True], device="cuda"))
    assert ember.equal(x, x.clone()) and ember.allclose(x, x + 1e-9)
    ember.testing.assert_close(x, x.clone())


def test_copy_and_pickle():
    import copy
    import pickle
    x = ember.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    for y in (copy.deepcopy(x), pickle.loads(pickle.dumps(x))):
        check_cuda(y)
        assert y.tolist() == [1.0, 2.0] and y.requires_grad
    z = ember.tensor([1.0, 2.0], device="cuda:1")
    check_cuda(pickle.loads(pickle.dumps(z)), 1)


def test_tensor_from_cuda_tensor():
    x = ember.tensor([1.0, 2.0], device="cuda")
    check_cuda(ember.tensor(x, device="cuda"))
    same(ember.as_tensor(x), ember.tensor([1.0, 2.0]))
    # torch.tensor(t) with device=None builds the copy on t's device
    same(ember.tensor(x), ember.tensor([1.0, 2.0]))
    same(ember.tensor(x, dtype=ember.float64), ember.tensor([1.0, 2.0], dtype=ember.float64))


RANDOM = {
    "uniform_": lambda t, g: t.uniform_(-1, 1, generator=g),
    "normal_": lambda t, g: t.normal_(2.0, 3.0, generator=g),
    "bernoulli_": lambda t, g: t.bernoulli_(0.3, generator=g),
    "random_": lambda t, g: t.random_(0, 10, generator=g),
    "exponential_": lambda t, g: t.exponential_(generator=g),
    "bernoulli": lambda t, g: ember.bernoulli(t.fill_(0.5), generator=g),
    "multinomial": lambda t, g: ember.multinomial(t.fill_(1.0), 2, generator=g),
    "normal_tensor": lambda t, g: ember.normal(t.fill_(1.0), 2.0, generator=g),
    "rand_like": lambda t, g: ember.rand_like(t) * 0,
    "randint_like": lambda t, g: ember.randint_like(t, 5) * 0,
}


@pytest.mark.parametrize("name", RANDOM)
def test_random_on_cuda_matches_cpu(name):
    e = RANDOM[name](ember.zeros(3, 4), ember.Generator().manual_seed(5))
    c = RANDOM[name](ember.zeros(3, 4, device="cuda"), ember.Generator().manual_seed(5))
    same(c, e)


# -- ops on cuda tensors match the CPU --------------------------------------------------------

OPS = {
    # elementwise
    "exp": (lambda x: x.exp(), "x"), "log": (lambda w: w.log(), "w"),
    "sqrt": (lambda w: ember.sqrt(w), "w"), "sin": (lambda x: x.sin(), "x"),
    "tanh": (lambda x: x.tanh(), "x"), "sigmoid": (lambda x: x.sigmoid(), "x"),
    "relu": (lambda x: x.relu(), "x"), "abs": (lambda x: x.abs(), "x"),
    "neg": (lambda x: -x, "x"), "clamp": (lambda x: x.clamp(-0.5, 0.5), "x"),
    "clamp_min": (lambda x: x.clamp(min=0), "x"), "pow2": (lambda x: x.pow(2), "x"),
    "pow_tensor": (lambda w, y: w ** y, "wy"), "rpow": (lambda x: 2 ** x, "x"),
    "floor": (lambda x: x.floor(), "x"), "round": (lambda x: x.round(), "x"),
    "sign": (lambda x: x.sign(), "x"), "reciprocal": (lambda w: w.reciprocal(), "w"),
    "erf": (lambda x: ember.erf(x), "x"), "expm1": (lambda x: x.expm1(), "x"),
    "log1p": (lambda w: w.log1p(), "w"), "rsqrt": (lambda w: w.rsqrt(), "w"),
    "isnan": (lambda x: x.isnan(), "x"), "isfinite": (lambda x: ember.isfinite(x), "x"),
    "isposinf": (lambda x: ember.isposinf(x), "x"),
    "nan_to_num": (lambda x: ember.nan_to_num(x / 0), "x"),
    "to_double": (lambda x: x.double(), "x"), "to_long": (lambda x: (x * 10).long(), "x"),
    "to_bool": (lambda x: x.bool(), "x"), "logit": (lambda w: (w / 3).logit(), "w"),
    # binary
    "add": (lambda x, y: x + y, "xy"), "sub": (lambda x, y: x - y, "xy"),
    "mul": (lambda x, y: x * y, "xy"), "div": (lambda x, y: x / y, "xy"),
    "add_scalar": (lambda x: x + 1, "x"), "rmul_scalar": (lambda x: 2.5 * x, "x"),
    "rsub_scalar": (lambda x: 1 - x, "x"), "int_div": (lambda idx: idx // 2, "idx"),
    "int_true_div": (lambda idx: idx / 2, "idx"),
    "add_alpha": (lambda x, y: ember.add(x, y, alpha=2), "xy"),
    "broadcast": (lambda x, v: x * v, "xv"), "maximum": (lambda x, y: ember.maximum(x, y), "xy"),
    "minimum": (lambda x, y: ember.minimum(x, y), "xy"), "atan2": (lambda x, y: x.atan2(y), "xy"),
    "gt": (lambda x, y: x > y, "xy"), "eq": (lambda x: x == x, "x"),
    "fmod": (lambda x, w: ember.fmod(x, w), "xw"), "remainder": (lambda x: x % 0.7, "x"),
    "where": (lambda mask, x, y: ember.where(mask, x, y), "kxy"),
    "where_scalar": (lambda mask, x: ember.where(mask, x, 0.0), "kx"),
    "lerp": (lambda x, y: ember.lerp(x, y, 0.3), "xy"),
    "addcmul": (lambda x, y, w: ember.addcmul(x, y, w, value=0.5), "xyw"),
    "hypot": (lambda x, y: ember.hypot(x, y), "xy"),
    "logical_and": (lambda x, y: ember.logical_and(x > 0, y > 0), "xy"),
    "bitwise_and": (lambda idx: idx & 1, "idx"), "xlogy": (lambda x, w: ember.xlogy(x, w), "xw"),
    "isclose": (lambda x, y: ember.isclose(x, y), "xy"),
    # reductions, scans, sorting
    "sum": (lambda x: x.sum(), "x"), "sum_dim": (lambda x: x.sum(1), "x"),
    "sum_keepdim": (lambda x: x.sum(0, keepdim=True), "x"), "mean": (lambda x: x.mean(0), "x"),
    "max": (lambda x: x.max(), "x"), "max_dim": (lambda x: tuple(x.max(1)), "x"),
    "min_dim": (lambda x: tuple(x.min(0)), "x"), "argmax": (lambda x: x.argmax(1), "x"),
    "amax": (lambda x: x.amax(0), "x"), "prod": (lambda x: x.prod(1), "x"),
    "std": (lambda x: x.std(1), "x"), "var": (lambda x: x.var(), "x"),
    "norm": (lambda x: x.norm(), "x"), "norm_dim": (lambda x: x.norm(p=1, dim=1), "x"),
    "logsumexp": (lambda x: x.logsumexp(1), "x"), "cumsum": (lambda x: x.cumsum(1), "x"),
    "cumprod": (lambda x: x.cumprod(0), "x"), "cummax": (lambda x: tuple(x.cummax(1)), "x"),
    "all": (lambda x: (x > -10).all(), "x"), "any_dim": (lambda x: (x > 1).any(1), "x"),
    "count_nonzero": (lambda x: ember.count_nonzero(x > 0), "x"),
    "median": (lambda x: x.median(), "x"), "median_dim": (lambda x: tuple(x.median(1)), "x"),
    "aminmax": (lambda x: tuple(ember.aminmax(x)), "x"),
    "topk": (lambda x: tuple(x.topk(2, dim=1)), "x"), "sort": (lambda x: tuple(x.sort(1)), "x"),
    "argsort": (lambda x: x.argsort(0, descending=True), "x"),
    "kthvalue": (lambda x: tuple(x.kthvalue(2, 1)), "x"),
    "unique": (lambda idx: ember.unique(idx), "idx"),
    "unique_counts": (lambda idx: tuple(ember.unique(idx, return_counts=True)), "idx"),
    "mode": (lambda idx: tuple(ember.mode(idx)), "idx"),
    "bincount": (lambda idx: ember.bincount(idx), "idx"),
    # matrix products
    "matmul": (lambda x, m: x @ m, "xm"), "mm": (lambda x, m: x.mm(m), "xm"),
    "bmm": (lambda b, c: ember.bmm(b, c), "bc"), "matmul_batched": (lambda b, m: b @ m, "bM"),
    "mv": (lambda x, v: x.mv(v), "xv"), "dot": (lambda v: v.dot(v), "v"),
    "einsum": (lambda x, m: ember.einsum("ij,jk->ik", x, m), "xm"),
    "addmm": (lambda y, x: ember.addmm(x @ y.t(), x, y.t()), "yx"),
    "outer": (lambda v: ember.outer(v, v), "v"), "kron": (lambda sq: ember.kron(sq, sq), "s"),
    "tensordot": (lambda b, m: ember.tensordot(b, m, dims=1), "bM"),
    # indexing
    "int_index": (lambda x: x[1], "x"), "slice": (lambda x: x[1:, ::2], "x"),
    "column": (lambda x: x[:, 1], "x"), "none_ellipsis": (lambda x: x[None, ..., 0], "x"),
    "tensor_index": (lambda x, idx: x[idx], "xi"), "mask_index": (lambda x, mask: x[mask], "xk"),
    "mixed_index": (lambda x, idx: x[idx, 1:], "xi"), "list_index": (lambda x: x[[0, 2]], "x"),
    "two_tensor_index": (lambda x, idx: x[idx, idx], "xi"),
    "index_select": (lambda x, idx: x.index_select(1, idx), "xi"),
    "gather": (lambda x, gidx: x.gather(1, gidx), "xg"),
    "take": (lambda x, idx: ember.take(x, idx), "xi"),
    "take_along_dim": (lambda x, gidx: ember.take_along_dim(x, gidx, 1), "xg"),
    "masked_fill": (lambda x, mask: x.masked_fill(mask, 0.5), "xk"),
    "masked_select": (lambda x, mask: x.masked_select(mask), "xk"),
    "scatter_add": (lambda x, gidx, y: ember.zeros(3, 4, device=x.device).scatter_add(
        1, gidx, y[:, :2]), "xgy"),
    "scatter": (lambda x, gidx, y: x.scatter(1, gidx, y), "xgy"),
    "scatter_reduce": (lambda x, gidx, y: x.scatter_reduce(1, gidx, y, "amax"), "xgy"),
    "scatter_prod": (lambda x, gidx, y: x.scatter_reduce(1, gidx, y, "prod"), "xgy"),
    "index_add": (lambda x, idx, y: x.index_add(0, idx, y), "xiy"),
    "index_copy": (lambda x, y: x.index_copy(0, ember.tensor([2, 0, 1], device=x.device), y),
                   "xy"),
    "index_fill": (lambda x, idx: x.index_fill(1, idx, -1.0), "xi"),
    "index_put": (lambda x, idx: x.index_put((idx,), ember.tensor(9.0, device=x.device),
                                             accumulate=True), "xi"),
    "nonzero": (lambda mask: mask.nonzero(), "k"), "argwhere": (lambda x: ember.argwhere(x), "x"),
    "narrow": (lambda x: x.narrow(1, 1, 2), "x"), "select": (lambda x: x.select(0, 2), "x"),
    "diag": (lambda v: ember.diag(v), "v"), "tril": (lambda x: x.tril(), "x"),
    "triu": (lambda x: x.triu(1), "x"), "diagonal": (lambda x: x.diagonal(), "x"),
    "trace": (lambda sq: sq.trace(), "s"),
    # shape and joins
    "reshape": (lambda x: x.reshape(2, 6), "x"), "view": (lambda x: x.view(-1), "x"),
    "t": (lambda x: x.t(), "x"), "permute": (lambda b: b.permute(2, 0, 1), "b"),
    "flatten": (lambda b: b.flatten(1), "b"), "unsqueeze": (lambda x: x.unsqueeze(1), "x"),
    "squeeze": (lambda x: x[:1].squeeze(), "x"), "expand": (lambda v: v.expand(3, 4), "v"),
    "repeat": (lambda x: x.repeat(2, 1), "x"), "tile": (lambda x: ember.tile(x, (1, 2)), "x"),
    "flip": (lambda x: x.flip(0), "x"), "roll": (lambda x: x.roll(1, 1), "x"),
    "contiguous": (lambda x: x.t().contiguous(), "x"),
    "cat": (lambda x, y: ember.cat([x, y]), "xy"), "cat_dim": (lambda x, y: ember.cat([x, y], 1),
                                                             "xy"),
    "stack": (lambda x, y: ember.stack([x, y]), "xy"), "hstack": (lambda x, y: ember.hstack(
        [x, y]), "xy"), "vstack": (lambda x, y: ember.vstack([x, y]), "xy"),
    "split": (lambda x: x.split(2, 1), "x"), "chunk": (lambda x: x.chunk(3), "x"),
    "unbind": (lambda x: x.unbind(1), "x"), "broadcast_to": (lambda v: v.broadcast_to((2, 4)), "v"),
    "movedim": (lambda b: b.movedim(0, 2), "b"), "clone": (lambda x: x.clone(), "x"),
    "meshgrid": (lambda v: ember.meshgrid(v, v, indexing="ij"), "v"),
    # linear algebra
    "inverse": (lambda sq: sq.inverse(), "s"), "det": (lambda sq: sq.det(), "s"),
    "slogdet": (lambda sq: tuple(ember.slogdet(sq)), "s"),
    "solve": (lambda sq, x: ember.linalg.solve(sq, x), "sx"),
    "cholesky": (lambda sq: ember.linalg.cholesky(sq @ sq.t()), "s"),
    "qr": (lambda x: tuple(ember.linalg.qr(x.t())), "x"),
    "svdvals": (lambda x: ember.linalg.svdvals(x), "x"),
    "eigvalsh": (lambda sq: ember.linalg.eigvalsh(sq @ sq.t()), "s"),
    "matrix_power": (lambda sq: ember.matrix_power(sq, 3), "s"),
    "pinverse": (lambda x: ember.pinverse(x), "x"),
    "linalg_norm": (lambda x: ember.linalg.norm(x), "x"),
    "vector_norm": (lambda x: ember.linalg.vector_norm(x, 3, dim=1), "x"),
    "cross": (lambda x: ember.linalg.cross(x[:, :3], x[:, 1:]), "x"),
}
_LETTERS = dict(x="x", y="y", m="m", b="b", c="c", M="m", s="sq", v="v", i="idx", g="gidx",
                k="mask", w="w")


def _args(spec):
    d = inputs()
    if spec in d:
        return [d[spec]]
    return [d[_LETTERS[ch]] for ch in spec]


@pytest.mark.parametrize("name", OPS)
def test_op_on_cuda_matches_cpu(name):
    fn, spec = OPS[name]
    args = _args(spec)
    expected = fn(*args)
    same(fn(*cuda_args(args)), expected)


LINALG_ERRORS = {
    "inv": lambda a: ember.linalg.inv(a),
    "inverse_batched": lambda a: ember.stack([a + ember.eye(3, device=a.device), a]).inverse(),
    "solve": lambda a: ember.linalg.solve(a, ember.ones(3, device=a.device)),
    "cholesky": lambda a: ember.linalg.cholesky(a - 5 * ember.eye(3, device=a.device)),
}


@pytest.mark.parametrize("name", LINALG_ERRORS)
def test_linalg_errors_on_cuda_match_cpu(name):
    """torch raises for singular / non-positive-definite input on every device."""
    a = ember.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
    with pytest.raises(RuntimeError) as cpu_error:
        LINALG_ERRORS[name](a)
    with pytest.raises(type(cpu_error.value), match=re.escape(str(cpu_error.value))):
        LINALG_ERRORS[name](a.cuda())


INPLACE = {
    "add_": lambda x, y: x.add_(y), "mul_scalar_": lambda x, y: x.mul_(2),
    "sub_alpha_": lambda x, y: x.sub_(y, alpha=0.5), "div_": lambda x, y: x.div_(3),
    "zero_": lambda x, y: x.zero_(), "fill_": lambda x, y: x.fill_(2.5),
    "clamp_": lambda x, y: x.clamp_(max=0), "exp_": lambda x, y: x.exp_(),
    "iadd": lambda x, y: x.__iadd__(y), "imul_scalar": lambda x, y: x.__imul__(3),
    "setitem_scalar": lambda x, y: x.__setitem__(0, 5.0),
    "setitem_tensor": lambda x, y: x.__setitem__((slice(None), 1), y[:, 0]),
    "setitem_mask": lambda x, y: x.__setitem__(x > 0, 0.0),
    "setitem_mask_values": lambda x, y: x.__setitem__(x > 0, y[x > 0]),
    "setitem_index": lambda x, y: x.__setitem__(ember.tensor([0, 2], device=x.device), y[:2]),
    "masked_fill_": lambda x, y: x.masked_fill_(y > 0, -1.0),
    "index_add_": lambda x, y: x.index_add_(0, ember.tensor([0, 0, 1], device=x.device), y),
    "scatter_": lambda x, y: x.scatter_(0, ember.tensor([[2, 1, 0, 0]], device=x.device), 9.0),
    "copy_": lambda x, y: x.copy_(y), "view_add_": lambda x, y: x[1].add_(1),
    "t_mul_": lambda x, y: x.t().mul_(y.t()),
}


@pytest.mark.parametrize("name", INPLACE)
def test_inplace_on_cuda_matches_cpu(name):
    d = inputs()
    x, y = d["x"].clone(), d["y"]
    xc = x.cuda()
    INPLACE[name](x, y)
    out = INPLACE[name](xc, y.cuda())
    same(xc, x)
    if out is not None:
        assert out is xc or check_cuda(out) is None


# -- autograd ------------------------------------------------------------------------------------

GRAD = {
    "mul_sum": lambda x, y, m: (x * y).sum(),
    "mm_tanh": lambda x, y, m: (x @ m).tanh().sum(),
    "exp_mean": lambda x, y, m: x.exp().mean(),
    "relu_pow": lambda x, y, m: x.relu().pow(2).sum(),
    "softmax": lambda x, y, m: (x.exp() / x.exp().sum(1, keepdim=True)).log().sum(),
    "div_sqrt": lambda x, y, m: (x / (y.abs() + 1).sqrt()).sum(),
    "broadcast": lambda x, y, m: (x * m[:, 0]).sum() + (x + 1).sum(),
    "index": lambda x, y, m: x[ember.tensor([2, 0, 2], device=x.device)].sum(),
    "mask": lambda x, y, m: x[y > 0].pow(2).sum(),
    "gather": lambda x, y, m: x.gather(1, ember.tensor([[0, 3], [1, 1], [2, 0]],
                                                       device=x.device)).sum(),
    "index_select": lambda x, y, m: (x.index_select(0, ember.tensor([1, 1], device=x.device))
                                     ** 2).sum(),
    "cat_stack": lambda x, y, m: ember.cat([x, y]).sum() * ember.stack([x, y]).mean(),
    "max_dim": lambda x, y, m: x.max(1).values.sum(),
    "amax": lambda x, y, m: x.amax().mul(2),
    "sort": lambda x, y, m: x.sort(1).values[:, 0].sum(),
    "norm_std": lambda x, y, m: x.norm() + y.std(),
    "where_clamp": lambda x, y, m: ember.where(x > 0, x, y).clamp(-0.5, 0.5).sum(),
    "masked_fill": lambda x, y, m: x.masked_fill(y > 0, 0.0).sum(),
    "view_slice": lambda x, y, m: x.view(-1)[::2].sum() + x.t()[1].sum(),
    "cumsum_prod": lambda x, y, m: x.cumsum(1).sum() + x.prod(1).sum(),
    "logsumexp": lambda x, y, m: x.logsumexp(1).sum(),
    "det_inverse": lambda x, y, m: (x @ x.t() + 3 * ember.eye(3, device=x.device)).det() +
    (x @ x.t() + 3 * ember.eye(3, device=x.device)).inverse().sum(),
    "scatter_add": lambda x, y, m: ember.zeros(3, 4, device=x.device).scatter_add(
        1, ember.tensor([[0, 0], [1, 3], [2, 2]], device=x.device), x[:, :2]).pow(2).sum(),
    "inplace_on_view": lambda x, y, m: _inplace_view(x),
    "einsum": lambda x, y, m: ember.einsum("ij,jk->", x, m),
    "topk": lambda x, y, m: x.topk(2, dim=1).values.sum(),
    "var_mean": lambda x, y, m: x.var(0).sum() + x.mean(),
}


def _inplace_view(x):
    z = x * 1
    z[1].mul_(3)
    return z.sum()


@pytest.mark.parametrize("name", GRAD)
def test_autograd_on_cuda_matches_cpu(name):
    d = inputs()
    leaves = [d["x"].requires_grad_(), d["y"].requires_grad_(), d["m"].requires_grad_()]
    cuda_leaves = [t.detach().cuda().requires_grad_() for t in leaves]
    loss = GRAD[name](*leaves)
    closs = GRAD[name](*cuda_leaves)
    same(closs, loss)
    loss.backward()
    closs.backward()
    for t, ct in zip(leaves, cuda_leaves):
        if t.grad is None:
            assert ct.grad is None
        else:
            same(ct.grad, t.grad)


def test_autograd_grad_and_double_backward():
    x = ember.tensor([0.5, -1.0, 2.0], device="cuda", requires_grad=True)
    (g,) = ember.autograd.grad((x ** 3).sum(), x, create_graph=True)
    check_cuda(g)
    g.sum().backward()
    check_cuda(x.grad)
    np.testing.assert_allclose(host(x.grad), 6 * np.array([0.5, -1.0, 2.0]), rtol=1e-6)


def test_backward_with_explicit_grad_and_accumulation():
    x = ember.ones(2, 3, device="cuda", requires_grad=True)
    y = x * 2
    y.backward(ember.full((2, 3), 0.5, device="cuda"))
    (x * x).sum().backward()
    check_cuda(x.grad)
    np.testing.assert_allclose(host(x.grad), np.full((2, 3), 3.0))


def test_grad_flows_back_across_devices():
    x = ember.tensor([1.0, 2.0], requires_grad=True)  # CPU leaf
    z = (x.cuda() * 3).sum()
    check_cuda(z)
    z.backward()
    assert not x.grad.is_cuda
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 3.0])
    w = ember.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    (w.cpu() ** 2).sum().backward()
    check_cuda(w.grad)
    np.testing.assert_allclose(host(w.grad), [2.0, 4.0])


def test_two_layer_net_matches_cpu():
    """examples/two_layer_autograd.py, fewer iterations, on both devices."""
    def train(device):
        ember.manual_seed(0)
        N, D_in, H, D_out = 64, 1000, 100, 10
        x = ember.randn(N, D_in, device=device)
        y = ember.randn(N, D_out, device=device)
        w1 = ember.randn(D_in, H, device=device, requires_grad=True)
        w2 = ember.randn(H, D_out, device=device, requires_grad=True)
        losses = []
        for _ in range(5):
            loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
            losses.append(loss.item())
            loss.backward()
            with ember.no_grad():
                w1 -= 1e-6 * w1.grad
                w2 -= 1e-6 * w2.grad
                w1.grad.zero_()
                w2.grad.zero_()
        return losses, (w1, w2, loss)

    cpu_losses, cpu_t = train("cpu")
    cuda_losses, cuda_t = train(ember.device("cuda:0"))
    np.testing.assert_allclose(cuda_losses, cpu_losses, rtol=1e-5)
    same(list(cuda_t), list(cpu_t))


def test_module_to_cuda():
    class Net(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = ember.nn.Parameter(ember.randn(4, 3))

        def forward(self, x):
            return (x @ self.w).relu()

    ember.manual_seed(0)
    net = Net()
    p = net.w
    net.cuda()
    assert net.w is p
    check_cuda(net.w)
    net(ember.ones(2, 4, device="cuda")).sum().backward()
    check_cuda(net.w.grad)
    net.to("cpu")
    assert not net.w.is_cuda and not net.w.grad.is_cuda


# -- mixing devices ---------------------------------------------------------------------------

MIXED = {
    "add": lambda a, b: a + b, "radd": lambda a, b: b + a, "mul": lambda a, b: a * b,
    "sub_fn": lambda a, b: ember.sub(a, b), "maximum": lambda a, b: ember.maximum(a, b),
    "gt": lambda a, b: a > b, "matmul": lambda a, b: a @ b.t(), "mm": lambda a, b: a.mm(b.t()),
    "cat": lambda a, b: ember.cat([a, b]), "stack": lambda a, b: ember.stack([a, b]),
    "where_other": lambda a, b: ember.where(a > 0, a, b),
    "where_cond": lambda a, b: ember.where(b > 0, a, a),
    "index_select": lambda a, b: a.index_select(0, ember.tensor([0, 1])),
    "gather": lambda a, b: a.gather(1, ember.tensor([[0], [1]])),
    "scatter_add": lambda a, b: a.scatter_add(1, ember.tensor([[0], [1]]), b[:, :1]),
    "index_add": lambda a, b: a.index_add(0, ember.tensor([1, 0], device=a.device), b),
    "add_": lambda a, b: a.add_(b), "lerp": lambda a, b: ember.lerp(a, b, 0.5),
}


@pytest.mark.parametrize("name", MIXED)
def test_mixing_devices_raises(name):
    a = ember.ones(2, 3, device="cuda")
    b = ember.ones(2, 3)
    with pytest.raises(RuntimeError, match=SAME_DEVICE):
        MIXED[name](a, b)


def test_cpu_scalar_tensor_mixes_with_cuda():
    """torch lets 0-d CPU tensors take part in CUDA elementwise ops."""
    a = ember.ones(2, device="cuda")
    same(a * ember.tensor(2.0), ember.ones(2) * 2)
    same(ember.tensor(2.0) + a, ember.ones(2) + 2)


def test_cuda_tensor_indexed_by_cpu_index():
    """torch accepts CPU index tensors (and masks) to index a CUDA tensor."""
    x = inputs()["x"]
    idx = ember.tensor([2, 0])
    same(x.cuda()[idx], x[idx])
    same(x.cuda()[x > 0], x[x > 0])
    xc = x.cuda()
    xc[idx] = 0.0
    x = x.clone()
    x[idx] = 0.0
    same(xc, x)


def test_copy_between_devices():
    a = ember.zeros(2, 3, device="cuda")
    a.copy_(ember.ones(2, 3))
    same(a, ember.ones(2, 3))
    b = ember.zeros(2, 3)
    b.copy_(a * 2)
    assert not b.is_cuda and b.tolist() == [[2.0] * 3] * 2


# -- a second device --------------------------------------------------------------------------

def test_second_device():
    x = ember.arange(4.0).cuda(1)
    check_cuda(x, 1)
    assert repr(x) == "tensor([0., 1., 2., 3.], device='cuda:1')"
    same(ember.ones(2, device="cuda:1"), ember.ones(2), 1)
    same(x * 2 + 1, ember.arange(4.0) * 2 + 1, 1)  # computed on cuda:1, not the current device
    same(x.sum(), ember.arange(4.0).sum(), 1)
    same(x.to("cuda:0"), ember.arange(4.0), 0)
    with pytest.raises(RuntimeError, match=SAME_DEVICE):
        x + ember.ones(4, device="cuda:0")
    with pytest.raises(TypeError, match=re.escape("can't convert cuda:1 device type tensor")):
        x.numpy()


def test_second_device_autograd():
    w = ember.tensor([1.0, -2.0], device="cuda:1", requires_grad=True)
    (w * w).sum().backward()
    same(w.grad, ember.tensor([2.0, -4.0]), 1)

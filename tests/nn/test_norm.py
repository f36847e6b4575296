"""BatchNorm, LayerNorm, GroupNorm, InstanceNorm (modules and functional forms) against torch:
running statistics over several training steps, eval outputs, gradients, reprs, errors."""
import numpy as np
import pytest
import torch

import ember
from tests.nn.module_check import check_module

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def _lib(nn):
    return torch if nn is torch.nn else ember


# -- modules through the common check -----------------------------------------------------------
@pytest.mark.parametrize("train", [True, False])
@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.BatchNorm1d(3), (8, 3)),
    (lambda nn: nn.BatchNorm1d(3), (8, 3, 5)),
    (lambda nn: nn.BatchNorm1d(3, affine=False), (8, 3, 5)),
    (lambda nn: nn.BatchNorm1d(3, bias=False, eps=1e-3), (8, 3)),
    (lambda nn: nn.BatchNorm1d(3, momentum=None), (8, 3)),
    (lambda nn: nn.BatchNorm2d(4, track_running_stats=False), (6, 4, 5, 3)),
    (lambda nn: nn.BatchNorm2d(4, momentum=0.3), (6, 4, 5, 3)),
    (lambda nn: nn.BatchNorm3d(2), (3, 2, 2, 3, 2)),
    (lambda nn: nn.LayerNorm(5), (4, 3, 5)),
    (lambda nn: nn.LayerNorm((3, 5), elementwise_affine=False), (4, 3, 5)),
    (lambda nn: nn.LayerNorm([5], bias=False, eps=1e-6), (2, 5)),
    (lambda nn: nn.GroupNorm(3, 6), (4, 6, 5)),
    (lambda nn: nn.GroupNorm(2, 6, affine=False), (4, 6, 3, 2)),
    (lambda nn: nn.GroupNorm(1, 4, eps=1e-3, bias=False), (3, 4)),
    (lambda nn: nn.InstanceNorm1d(3), (4, 3, 5)),
    (lambda nn: nn.InstanceNorm2d(3, affine=True, track_running_stats=True), (4, 3, 5, 2)),
    (lambda nn: nn.InstanceNorm1d(3, affine=True), (3, 5)),
], ids=lambda v: "")
def test_modules(make, shape, train):
    em, tm = check_module(make, [f32(*shape)], train=train, atol=1e-5)
    for name, buf in tm.named_buffers():  # running stats after one step
        np.testing.assert_allclose(dict(em.named_buffers())[name].numpy(), buf.numpy(),
                                   rtol=1e-6, atol=1e-7)


def test_float64():
    check_module(lambda nn: nn.BatchNorm1d(3, dtype=_lib(nn).float64),
                 [rng.standard_normal((5, 3))])
    check_module(lambda nn: nn.LayerNorm(4, dtype=_lib(nn).float64),
                 [rng.standard_normal((2, 4))])
    check_module(lambda nn: nn.GroupNorm(2, 4, dtype=_lib(nn).float64),
                 [rng.standard_normal((2, 4, 3))])


# -- running statistics over several steps ------------------------------------------------------
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (16, 4)), ("BatchNorm1d", (8, 4, 7)),
                                       ("BatchNorm2d", (8, 4, 6, 5))])
def test_running_stats_after_training_steps(cls, shape, momentum):
    data = [f32(*shape) * 3 + 1 for _ in range(4)]
    mods = {}
    for lib in (ember, torch):
        lib.manual_seed(0)
        m = getattr(lib.nn, cls)(4, momentum=momentum)
        outs = [m(lib.tensor(x)) for x in data]
        m.eval()
        mods[lib] = (m, outs, m(lib.tensor(data[0])))
    (em, eouts, eeval), (tm, touts, teval) = mods[ember], mods[torch]
    if len(shape) > 2:
        # bit-identical: the same float64 sums and float32 update formula as torch's kernel
        np.testing.assert_array_equal(em.running_mean.numpy(), tm.running_mean.numpy())
        np.testing.assert_array_equal(em.running_var.numpy(), tm.running_var.numpy())
    else:
        # (N, C) input: torch sums float32 partials per thread, so its last bit depends on its
        # thread count; ember sums in float64
        np.testing.assert_allclose(em.running_mean.numpy(), tm.running_mean.numpy(), rtol=1e-6,
                                   atol=1e-7)
        np.testing.assert_allclose(em.running_var.numpy(), tm.running_var.numpy(), rtol=1e-6)
    assert em.num_batches_tracked.item() == tm.num_batches_tracked.item() == 4
    assert em.num_batches_tracked.dtype == ember.int64
    for a, b in zip(eouts, touts):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(eeval.detach().numpy(), teval.detach().numpy(), rtol=1e-5,
                               atol=1e-5)


def test_eval_uses_running_stats_and_no_update():
    m = ember.nn.BatchNorm1d(2)
    with ember.no_grad():
        m.running_mean.copy_(ember.tensor([1.0, -1.0]))
        m.running_var.copy_(ember.tensor([4.0, 0.25]))
    m.eval()
    out = m(ember.tensor([[3.0, -1.0], [1.0, 0.0]]))
    np.testing.assert_allclose(out.numpy() if not out.requires_grad else out.detach().numpy(),
                               [[2 / np.sqrt(4 + 1e-5), 0.0], [0.0, 1 / np.sqrt(0.25 + 1e-5)]],
                               rtol=1e-6)
    assert m.num_batches_tracked.item() == 0
    assert m.running_mean.tolist() == [1.0, -1.0]


def test_state_dict_order_and_loading():
    e, t = ember.nn.BatchNorm2d(3), torch.nn.BatchNorm2d(3)
    assert list(e.state_dict()) == list(t.state_dict()) == [
        "weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert list(ember.nn.BatchNorm1d(2, affine=False).state_dict()) == [
        "running_mean", "running_var", "num_batches_tracked"]
    assert list(ember.nn.BatchNorm1d(2, track_running_stats=False).state_dict()) == [
        "weight", "bias"]
    t(torch.randn(4, 3, 2, 2))
    sd = {k: ember.tensor(v.numpy()) for k, v in t.state_dict().items()}
    e.load_state_dict(sd)
    assert e.num_batches_tracked.item() == 1
    np.testing.assert_array_equal(e.running_var.numpy(), t.running_var.numpy())
    del sd["num_batches_tracked"]  # an old checkpoint without the counter still loads
    e.load_state_dict(sd)


def test_reset_running_stats():
    m = ember.nn.BatchNorm1d(2)
    m(ember.randn(5, 2))
    m.reset_running_stats()
    assert m.running_mean.tolist() == [0.0, 0.0] and m.running_var.tolist() == [1.0, 1.0]
    assert m.num_batches_tracked.item() == 0


def test_reprs():
    for make in [lambda nn: nn.BatchNorm1d(3),
                 lambda nn: nn.BatchNorm2d(3, momentum=None, affine=False,
                                           track_running_stats=False),
                 lambda nn: nn.BatchNorm3d(2, eps=1e-3, bias=False),
                 lambda nn: nn.LayerNorm((3, 4)), lambda nn: nn.LayerNorm(3, bias=False),
                 lambda nn: nn.LayerNorm(3, elementwise_affine=False, eps=1e-6),
                 lambda nn: nn.GroupNorm(2, 4), lambda nn: nn.GroupNorm(2, 4, affine=False),
                 lambda nn: nn.InstanceNorm2d(3), lambda nn: nn.InstanceNorm1d(3, affine=True)]:
        assert repr(make(ember.nn)) == repr(make(torch.nn))


# -- functional ----------------------------------------------------------------------------------
def _call(lib, fn, arrays, kwargs, grad_idx):
    ts = [lib.tensor(a, requires_grad=i in grad_idx) if isinstance(a, np.ndarray) else a
          for i, a in enumerate(arrays)]
    out = getattr(lib.nn.functional, fn)(*ts, **kwargs)
    leaves = [ts[i] for i in grad_idx]
    cot = np.random.default_rng(2).standard_normal(tuple(out.shape)).astype(
        out.detach().numpy().dtype)
    grads = lib.autograd.grad(out, leaves, lib.tensor(cot))
    buffers = [t.numpy() for i, t in enumerate(ts)
               if isinstance(t, (ember.Tensor, torch.Tensor)) and i not in grad_idx]
    return out, [g.numpy() for g in grads], buffers


def rm(c):
    return f32(c)


def rv(c):
    return 1 + np.abs(f32(c))


@pytest.mark.parametrize("fn,arrays,kwargs,grad_idx", [
    ("batch_norm", lambda: [f32(8, 3, 5), rm(3), rv(3), f32(3), f32(3)], {"training": True},
     (0, 3, 4)),
    ("batch_norm", lambda: [f32(8, 3, 5, 4), rm(3), rv(3), f32(3), f32(3)],
     {"training": True, "momentum": 0.3}, (0, 3, 4)),
    ("batch_norm", lambda: [f32(8, 3), None, None], {"training": True}, (0,)),
    ("batch_norm", lambda: [f32(8, 3, 5), rm(3), rv(3), f32(3), f32(3)], {}, (0, 3, 4)),
    ("batch_norm", lambda: [f32(8, 3, 5), rm(3), rv(3), None, f32(3)], {"eps": 0.1}, (0, 4)),
    ("layer_norm", lambda: [f32(4, 3, 5), (5,), f32(5), f32(5)], {}, (0, 2, 3)),
    ("layer_norm", lambda: [f32(4, 3, 5), (3, 5), f32(3, 5), None], {}, (0, 2)),
    ("layer_norm", lambda: [f32(4, 3, 5), [3, 5]], {"eps": 1e-2}, (0,)),
    ("group_norm", lambda: [f32(4, 6, 5), 3, f32(6), f32(6)], {}, (0, 2, 3)),
    ("group_norm", lambda: [f32(4, 6, 5, 2), 2], {}, (0,)),
    ("group_norm", lambda: [f32(4, 6), 3, f32(6), None], {}, (0, 2)),
    ("instance_norm", lambda: [f32(4, 3, 5)], {}, (0,)),
    ("instance_norm", lambda: [f32(4, 3, 5, 2), rm(3), rv(3), f32(3), f32(3)], {},
     (0, 3, 4)),
    ("instance_norm", lambda: [f32(4, 3, 5, 2), rm(3), rv(3), f32(3), f32(3)],
     {"use_input_stats": False}, (0, 3, 4)),
])
def test_functional(fn, arrays, kwargs, grad_idx):
    arrs = arrays()
    eo, eg, eb = _call(ember, fn, arrs, kwargs, grad_idx)
    to, tg, tb = _call(torch, fn, arrs, kwargs, grad_idx)
    assert eo.grad_fn.name() == to.grad_fn.name()
    np.testing.assert_allclose(eo.detach().numpy(), to.detach().numpy(), rtol=1e-5, atol=1e-5)
    for a, b in zip(eg, tg):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    for a, b in zip(eb, tb):  # running stats updated in place
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("fn,make", [
    ("batch_norm", lambda t: (t[0], None, None, t[1], t[2], True)),
    ("batch_norm", lambda t: (t[0], ember.zeros(3, dtype=ember.float64),
                              ember.ones(3, dtype=ember.float64), t[1], t[2], False)),
    ("layer_norm", lambda t: (t[0], (5,), t[3], t[4])),
    ("group_norm", lambda t: (t[0], 3, t[1], t[2])),
])
def test_gradgradcheck(fn, make):
    r = np.random.default_rng(5)
    ts = [ember.tensor(r.standard_normal(s), requires_grad=True)
          for s in [(4, 3, 5), (3,), (3,), (5,), (5,)]]
    args = make(ts)
    tensors = tuple(a for a in args if isinstance(a, ember.Tensor) and a.requires_grad)

    def f(*xs):
        it = iter(xs)
        full = [next(it) if isinstance(a, ember.Tensor) and a.requires_grad else a for a in args]
        return getattr(ember.nn.functional, fn)(*full)
    assert ember.autograd.gradcheck(f, tensors)
    assert ember.autograd.gradgradcheck(f, tensors)


def _same_error(call):
    def run(lib):
        try:
            call(lib)
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            return type(exc).__name__, str(exc)
        return None
    want = run(torch)
    assert want is not None
    assert run(ember) == want


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(2, 3, 4, 5)),
    lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(3)),
    lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 3, 4)),
    lambda lib: lib.nn.BatchNorm3d(3)(lib.ones(2, 3, 4)),
    lambda lib: lib.nn.BatchNorm2d(3)(lib.ones(2, 4, 4, 4)),
    lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3)),
    lambda lib: lib.nn.BatchNorm1d(3)(lib.ones(1, 3, 1)),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(4, 3), None, None, training=False),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(4, 3), lib.ones(4), lib.ones(4),
                                             training=True),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(4, 3), lib.ones(3), lib.ones(3),
                                             lib.ones(4)),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(4, 3), lib.ones(3), lib.ones(3),
                                             lib.ones(3), lib.ones(2)),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(4, 3), lib.ones(3), lib.ones(2),
                                             lib.ones(4)),
    lambda lib: lib.nn.functional.batch_norm(lib.ones(4, 3), None, None, training=True,
                                             eps=0.0),
    lambda lib: lib.nn.LayerNorm(3)(lib.ones(2, 4)),
    lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 5), (5,), lib.ones(4)),
    lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 5), [5], lib.ones(5), lib.ones(4)),
    lambda lib: lib.nn.functional.layer_norm(lib.ones(2, 5), 5),
    lambda lib: lib.nn.GroupNorm(2, 3),
    lambda lib: lib.nn.GroupNorm(3, 3)(lib.ones(2, 4, 5)),
    lambda lib: lib.nn.functional.group_norm(lib.ones(4, 3, 5), 3, lib.ones(2)),
    lambda lib: lib.nn.functional.group_norm(lib.ones(3), 3),
    lambda lib: lib.nn.functional.group_norm(lib.ones(1, 3), 3),
    lambda lib: lib.nn.functional.instance_norm(lib.ones(3, 2, 1)),
    lambda lib: lib.nn.InstanceNorm2d(3, affine=True)(lib.ones(2, 4, 3, 3)),
    lambda lib: lib.nn.InstanceNorm1d(3)(lib.ones(2, 3, 4, 4)),
])
def test_errors(call):
    _same_error(call)

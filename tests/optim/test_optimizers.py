"""ember.optim against torch.optim: same parameters, same gradients, step by step.

float32 results agree with torch's to about one rounding per step (torch fuses some
multiply-adds and its float32 sqrt is not correctly rounded, so the last bit differs at times);
the bound checked is 1e-6 of each tensor's scale (its largest magnitude, at least 1) at every
one of 50 steps. float64 agrees to
1e-12, which checks that the formulas (bias corrections, order of operations) are torch's.
"""
import copy
import warnings

import numpy as np
import pytest
import torch

import ember
from ember.optim import _kernels

SHAPES = [(5, 3), (7,), (2, 3, 4), (1,)]
TOL = {np.float32: 1e-6, np.float64: 1e-12}

CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1, maximize=True)),
    ("SGD", dict(lr=0.1, maximize=True)),
    ("Adam", dict(lr=1e-2)),
    ("Adam", dict(lr=1e-2, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=1e-2, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=1e-2, betas=(0.3, 0.5))),
    ("Adam", dict(lr=5e-2, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict()),
    ("AdamW", dict(lr=1e-2, weight_decay=0.5, amsgrad=True)),
    ("AdamW", dict(lr=1e-2, betas=(0.4, 0.9), maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=1e-2, alpha=0.9, centered=True)),
    ("RMSprop", dict(lr=1e-2, momentum=0.9, weight_decay=0.1)),
    ("RMSprop", dict(lr=1e-2, alpha=0.3, centered=True, momentum=0.5, weight_decay=0.1,
                     maximize=True)),
    ("RMSprop", dict(lr=1e-2, eps=1e-3)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.1, initial_accumulator_value=0.3, eps=1e-6, maximize=True)),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in CONFIGS]
FULL = {  # one demanding configuration per optimizer, for float64, groups and state dicts
    "SGD": dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1),
    "Adam": dict(lr=1e-2, amsgrad=True, weight_decay=0.1),
    "AdamW": dict(lr=1e-2, amsgrad=True),
    "RMSprop": dict(lr=1e-2, centered=True, momentum=0.5, weight_decay=0.1),
    "Adagrad": dict(lr=0.1, lr_decay=0.01, weight_decay=0.1),
}


def arrays(shapes=SHAPES, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in shapes]


def leaves(lib, arrs):
    return [lib.tensor(a, requires_grad=True) for a in arrs]


def check_close(t, e, tol, what="parameter"):
    x = t.detach().numpy()
    y = e.detach().numpy()
    assert x.shape == y.shape and x.dtype == y.dtype, (what, x.shape, y.shape, x.dtype, y.dtype)
    # parameters are of order one: the error is measured against max(|x|, 1), so that one that
    # wanders near zero is not held to a relative bound its rounding history cannot meet
    scale = max(float(np.abs(x).max()), 1.0) if x.size else 1.0
    err = float(np.abs(x.astype(np.complex128) - y).max()) / scale if x.size else 0.0
    assert err <= tol, f"{what}: relative error {err:.3g} > {tol:g}"


def feed(tp, ep, rng, dtype, step, skip=None):
    """Give the same fresh gradient to each torch/ember parameter pair (None where skipped)."""
    for i, (t, e) in enumerate(zip(tp, ep)):
        if skip is not None and skip(step, i):
            t.grad = e.grad = None
            continue
        g = rng.standard_normal(t.shape).astype(dtype)
        if np.iscomplexobj(g) or dtype in (np.complex64, np.complex128):
            g = g + 1j * rng.standard_normal(t.shape).astype(dtype)
        t.grad = torch.tensor(g)
        e.grad = ember.tensor(g)


def run_both(name, kw, steps=50, dtype=np.float32, shapes=SHAPES, skip=None, groups=None,
             seed=1):
    """Build both optimizers on the same parameters and step them together, comparing."""
    arrs = arrays(shapes, dtype)
    tp, ep = leaves(torch, arrs), leaves(ember, arrs)
    if groups is None:
        to, eo = getattr(torch.optim, name)(tp, **kw), getattr(ember.optim, name)(ep, **kw)
    else:
        to = getattr(torch.optim, name)(groups(tp), **kw)
        eo = getattr(ember.optim, name)(groups(ep), **kw)
    rng = np.random.default_rng(seed)
    tol = TOL[np.dtype(dtype).type] if np.dtype(dtype).kind == "f" else 1e-6
    for k in range(steps):
        feed(tp, ep, rng, dtype, k, skip)
        to.step()
        eo.step()
        for i, (t, e) in enumerate(zip(tp, ep)):
            check_close(t, e, tol, f"step {k} param {i}")
    return to, eo, tp, ep


def check_states(to, eo, tp, ep, tol=1e-6):
    for t, e in zip(tp, ep):
        ts, es = to.state[t], eo.state[e]
        assert list(ts) == list(es)
        for key in ts:
            if isinstance(ts[key], torch.Tensor):
                if key == "step":
                    assert es[key].dtype == ember.float32 and es[key].shape == ()
                    assert float(es[key]) == float(ts[key])
                else:
                    check_close(ts[key], es[key], tol, key)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_matches_torch_50_steps(name, kw):
    to, eo, tp, ep = run_both(name, kw)
    check_states(to, eo, tp, ep)


@pytest.mark.parametrize("name", sorted(FULL))
def test_matches_torch_float64(name):
    to, eo, tp, ep = run_both(name, FULL[name], dtype=np.float64)
    check_states(to, eo, tp, ep, tol=1e-12)


@pytest.mark.parametrize("name", sorted(FULL))
def test_missing_gradients_are_skipped(name):
    # param 1 has no gradient every third step; param 2 none for the first five (lazy state)
    def skip(step, i):
        return (i == 1 and step % 3 == 0) or (i == 2 and step < 5)
    to, eo, tp, ep = run_both(name, FULL[name], steps=20, skip=skip)
    check_states(to, eo, tp, ep)


@pytest.mark.parametrize("name", sorted(FULL))
def test_param_groups_with_different_options(name):
    extra = {"SGD": {"momentum": 0.5}, "Adam": {"betas": (0.5, 0.9)},
             "AdamW": {"weight_decay": 0.2}, "RMSprop": {"alpha": 0.8},
             "Adagrad": {"lr_decay": 0.1}}[name]

    def groups(ps):
        return [{"params": ps[:2], "lr": 0.03}, dict(params=ps[2:], **extra)]
    to, eo, tp, ep = run_both(name, FULL[name], steps=30, groups=groups)
    for tg, eg in zip(to.param_groups, eo.param_groups):
        assert {k: v for k, v in tg.items() if k != "params"} == \
            {k: v for k, v in eg.items() if k != "params"}
    assert repr(eo) == repr(to)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_chunked_path(monkeypatch, name):
    # parameters larger than a chunk are updated piece by piece: same results
    monkeypatch.setattr(_kernels, "CHUNK", 64)
    to, eo, tp, ep = run_both(name, FULL[name], steps=10, shapes=[(30, 17), (100,), (64,)])
    check_states(to, eo, tp, ep)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad"])
def test_complex_parameters(name):
    run_both(name, FULL[name], steps=10, dtype=np.complex64, shapes=[(4, 3), (5,)])


def test_step_counter_dtype_follows_default_dtype():
    p = ember.zeros(3, requires_grad=True)
    opt = ember.optim.Adam([p])
    p.grad = ember.ones(3)
    opt.step()
    assert opt.state[p]["step"].dtype == ember.float32
    prev = ember.get_default_dtype()
    ember.set_default_dtype(ember.float64)
    try:
        q = ember.zeros(3, requires_grad=True)
        opt = ember.optim.RMSprop([q])
        q.grad = ember.ones(3, dtype=ember.float64)
        opt.step()
        assert opt.state[q]["step"].dtype == ember.float64
    finally:
        ember.set_default_dtype(prev)


# -- state dicts ------------------------------------------------------------------------------

def to_ember(obj):
    if isinstance(obj, torch.Tensor):
        return ember.tensor(obj.detach().numpy())
    if isinstance(obj, dict):
        return {k: to_ember(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_ember(v) for v in obj]
    return obj


def to_torch(obj):
    if isinstance(obj, ember.Tensor):
        return torch.tensor(obj.numpy())
    if isinstance(obj, dict):
        return {k: to_torch(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [to_torch(v) for v in obj]
    return obj


def split_groups(ps):
    return [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.02}]


@pytest.mark.parametrize("name", sorted(FULL))
def test_state_dict_structure_matches_torch(name):
    to, eo, tp, ep = run_both(name, FULL[name], steps=3, groups=split_groups)
    tsd, esd = to.state_dict(), eo.state_dict()
    assert list(tsd) == list(esd) == ["state", "param_groups"]
    assert list(tsd["state"]) == list(esd["state"])
    for i in tsd["state"]:
        assert list(tsd["state"][i]) == list(esd["state"][i])
        for key, value in tsd["state"][i].items():
            assert isinstance(esd["state"][i][key], ember.Tensor)
            assert esd["state"][i][key].shape == tuple(value.shape)
    assert tsd["param_groups"] == esd["param_groups"]
    assert [list(g) for g in tsd["param_groups"]] == [list(g) for g in esd["param_groups"]]


@pytest.mark.parametrize("name", sorted(FULL))
def test_state_dict_round_trip(name):
    """Save after 20 steps, load into a fresh optimizer: both continue bit for bit."""
    to, eo, tp, ep = run_both(name, FULL[name], steps=20, groups=split_groups)
    sd = copy.deepcopy(eo.state_dict())
    ep2 = leaves(ember, [e.detach().numpy() for e in ep])
    eo2 = getattr(ember.optim, name)(split_groups(ep2), **FULL[name])
    eo2.load_state_dict(sd)
    assert repr(eo2) == repr(eo)
    rng = np.random.default_rng(5)
    for _ in range(10):
        for a, b in zip(ep, ep2):
            g = rng.standard_normal(a.shape).astype(np.float32)
            a.grad, b.grad = ember.tensor(g), ember.tensor(g)
        eo.step()
        eo2.step()
        for a, b in zip(ep, ep2):
            np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


@pytest.mark.parametrize("name", sorted(FULL))
def test_load_torch_state_dict_and_continue(name):
    """A torch optimizer's state dict (tensors converted) loads into ember, which then
    continues exactly as torch does; and ember's loads into torch."""
    to, eo, tp, ep = run_both(name, FULL[name], steps=15, groups=split_groups)
    # torch -> ember
    ep2 = leaves(ember, [t.detach().numpy() for t in tp])
    eo2 = getattr(ember.optim, name)(split_groups(ep2), lr=0.5)
    eo2.load_state_dict(to_ember(to.state_dict()))
    assert repr(eo2) == repr(to)
    # ember -> torch
    tp2 = leaves(torch, [e.detach().numpy() for e in ep])
    to2 = getattr(torch.optim, name)(split_groups(tp2), lr=0.5)
    to2.load_state_dict(to_torch(eo.state_dict()))
    rng = np.random.default_rng(7)
    for k in range(15):
        for t, e2, t2, e in zip(tp, ep2, tp2, ep):
            g = rng.standard_normal(t.shape).astype(np.float32)
            t.grad, t2.grad = torch.tensor(g), torch.tensor(g)
            e.grad, e2.grad = ember.tensor(g), ember.tensor(g)
        for opt in (to, eo2, to2, eo):
            opt.step()
        for t, e2, t2, e in zip(tp, ep2, tp2, ep):
            check_close(t, e2, 1e-6, f"torch->ember step {k}")
            check_close(t2, e, 1e-6, f"ember->torch step {k}")
    check_states(to, eo2, tp, ep2)


def test_state_dict_returns_live_state_and_loaded_step_is_float():
    p = ember.zeros(2, requires_grad=True)
    opt = ember.optim.Adam([p])
    p.grad = ember.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert sd["state"][0]["exp_avg"] is opt.state[p]["exp_avg"]
    sd = copy.deepcopy(sd)
    sd["state"][0]["step"] = 1.0            # an old-style plain number
    opt2 = ember.optim.Adam([ember.zeros(2, requires_grad=True)])
    opt2.load_state_dict(sd)
    step = opt2.state[opt2.param_groups[0]["params"][0]]["step"]
    assert isinstance(step, ember.Tensor) and float(step) == 1.0


def test_load_state_dict_casts_to_parameter_dtype():
    p = ember.zeros(2, dtype=ember.float64, requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1, momentum=0.9)
    opt.load_state_dict({"state": {0: {"momentum_buffer": ember.ones(2)}},
                         "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
    assert opt.state[p]["momentum_buffer"].dtype == ember.float64


# -- behaviour --------------------------------------------------------------------------------

@pytest.mark.parametrize("name,kw", [(n, FULL[n]) for n in sorted(FULL)] +
                         [("SGD", {}), ("Adam", {"lr": 0.1}), ("AdamW", {}), ("RMSprop", {}),
                          ("Adagrad", {})])
def test_repr_matches_torch(name, kw):
    t = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kw)
    e = getattr(ember.optim, name)([ember.zeros(1, requires_grad=True)], **kw)
    assert repr(e) == repr(t)
    assert e.defaults == t.defaults


def test_zero_grad():
    p = ember.ones(3, requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    (p * 2).sum().backward()
    g = p.grad
    opt.zero_grad(set_to_none=False)
    assert p.grad is g and p.grad.tolist() == [0.0, 0.0, 0.0]
    opt.zero_grad()
    assert p.grad is None


def test_step_under_no_grad_and_version_bump():
    p = ember.ones(3, requires_grad=True)
    opt = ember.optim.Adam([p], lr=0.1)
    (p * p).sum().backward()
    v = p._version
    opt.step()
    assert p.grad_fn is None and p.requires_grad and p.is_leaf
    assert p._version > v
    assert opt.state[p]["exp_avg"]._version > 0


def test_closure():
    x = ember.tensor([1.0, -2.0], requires_grad=True)
    opt = ember.optim.SGD([x], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (x * x).sum()
        loss.backward()
        return loss
    with ember.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 5.0
    assert x.detach().tolist() == pytest.approx([0.8, -1.6])


def test_replaced_data_and_strided_gradients_follow_torch():
    arrs = arrays([(4, 3), (6,)])
    tp, ep = leaves(torch, arrs), leaves(ember, arrs)
    to, eo = torch.optim.Adam(tp, lr=0.01), ember.optim.Adam(ep, lr=0.01)
    rng = np.random.default_rng(3)
    for k in range(6):
        if k == 3:  # the user swaps a parameter's data
            new = rng.standard_normal((4, 3)).astype(np.float32)
            tp[0].data = torch.tensor(new)
            ep[0].data = ember.tensor(new)
        g0 = rng.standard_normal((3, 4)).astype(np.float32)
        g1 = rng.standard_normal(6).astype(np.float32)
        tp[0].grad, ep[0].grad = torch.tensor(g0).t(), ember.tensor(g0).t()  # strided
        tp[1].grad, ep[1].grad = torch.tensor(g1), ember.tensor(g1)
        assert not ep[0].grad.is_contiguous()
        to.step()
        eo.step()
        for t, e in zip(tp, ep):
            check_close(t, e, 1e-6)


def test_parameter_and_tensor_lr():
    w = ember.nn.Parameter(ember.ones(3))
    opt = ember.optim.SGD([w], lr=ember.tensor(0.5))
    w.grad = ember.ones(3)
    opt.step()
    assert w.detach().tolist() == [0.5, 0.5, 0.5]


def test_named_parameters():
    a, b = ember.zeros(2, requires_grad=True), ember.zeros(3, requires_grad=True)
    opt = ember.optim.SGD([("a", a), ("b", b)], lr=0.1)
    assert opt.param_groups[0]["param_names"] == ["a", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["a", "b"]


def test_hooks():
    p = ember.ones(2, requires_grad=True)
    opt = ember.optim.SGD([p], lr=0.1)
    calls = []
    h1 = opt.register_step_pre_hook(lambda o, a, k: calls.append(("pre", o is opt)))
    h2 = opt.register_step_post_hook(lambda o, a, k: calls.append(("post", o is opt)))
    opt.step()
    assert calls == [("pre", True), ("post", True)]
    h1.remove()
    h2.remove()
    opt.step()
    assert len(calls) == 2
    seen = []
    opt.register_state_dict_post_hook(lambda o, sd: seen.append(sorted(sd)))
    opt.register_load_state_dict_pre_hook(lambda o, sd: seen.append("load"))
    opt.load_state_dict(opt.state_dict())
    assert seen == [["param_groups", "state"], "load"]


def test_deepcopy_optimizer():
    p = ember.ones(2, requires_grad=True)
    opt = ember.optim.Adam([p], lr=0.1)
    p.grad = ember.ones(2)
    opt.step()
    clone = copy.deepcopy(opt)
    assert repr(clone) == repr(opt)
    assert float(list(clone.state.values())[0]["step"]) == 1.0


# -- errors (torch's types and messages) --------------------------------------------------------

def same_error(make):
    """make(lib) raises in torch: ember raises the same exception type with the same text."""
    with pytest.raises(Exception) as te:
        make(torch)
    with pytest.raises(Exception) as ee:
        make(ember)
    assert type(ee.value).__name__ == type(te.value).__name__
    assert str(ee.value) == str(te.value)


def leaf(lib, *shape):
    return lib.zeros(*shape, requires_grad=True)


@pytest.mark.parametrize("make", [
    lambda lib: lib.optim.SGD([], lr=0.1),
    lambda lib: lib.optim.SGD(leaf(lib, 2), lr=0.1),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=0.1).add_param_group({"params": {leaf(lib, 2)}}),
    lambda lib: lib.optim.SGD([1.0], lr=0.1),
    lambda lib: lib.optim.SGD([leaf(lib, 2) * 2], lr=0.1),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=-1.0),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=0.1, momentum=-0.5),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=0.1, weight_decay=-1),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=0.1, nesterov=True),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=0.1, momentum=0.9, dampening=0.1,
                              nesterov=True),
    lambda lib: lib.optim.Adam([leaf(lib, 2)], betas=(1.0, 0.9)),
    lambda lib: lib.optim.Adam([leaf(lib, 2)], betas=(0.9, -0.1)),
    lambda lib: lib.optim.Adam([leaf(lib, 2)], betas=(0, 0.9)),
    lambda lib: lib.optim.Adam([leaf(lib, 2)], eps=-1.0),
    lambda lib: lib.optim.AdamW([leaf(lib, 2)], weight_decay=-0.1),
    lambda lib: lib.optim.RMSprop([leaf(lib, 2)], alpha=-0.1),
    lambda lib: lib.optim.RMSprop([leaf(lib, 2)], momentum=-0.1),
    lambda lib: lib.optim.Adagrad([leaf(lib, 2)], lr_decay=-0.1),
    lambda lib: lib.optim.Adagrad([leaf(lib, 2)], initial_accumulator_value=-1),
    lambda lib: lib.optim.SGD([leaf(lib, 2)], lr=0.1, fused=True, foreach=True),
])
def test_constructor_errors(make):
    same_error(make)


def test_parameter_in_two_groups():
    def make(lib):
        p = leaf(lib, 2)
        return lib.optim.SGD([{"params": [p]}, {"params": [p, leaf(lib, 3)]}], lr=0.1)
    same_error(make)

    def add(lib):
        p = leaf(lib, 2)
        opt = lib.optim.Adam([p])
        opt.add_param_group({"params": p})
    same_error(add)
    same_error(lambda lib: lib.optim.Adam([leaf(lib, 1)]).add_param_group([leaf(lib, 1)]))


def test_duplicate_parameter_warns():
    p = leaf(ember, 2)
    with pytest.warns(UserWarning, match="duplicate parameters"):
        ember.optim.SGD([p, p], lr=0.1)


def test_load_state_dict_errors():
    def wrong_groups(lib):
        a, b = leaf(lib, 2), leaf(lib, 2)
        sd = lib.optim.SGD([{"params": [a]}, {"params": [b]}], lr=0.1).state_dict()
        lib.optim.SGD([a, b], lr=0.1).load_state_dict(sd)
    same_error(wrong_groups)

    def wrong_sizes(lib):
        a, b = leaf(lib, 2), leaf(lib, 2)
        sd = lib.optim.SGD([a], lr=0.1).state_dict()
        lib.optim.SGD([a, b], lr=0.1).load_state_dict(sd)
    same_error(wrong_sizes)


def test_differentiable_is_not_supported():
    with pytest.raises(NotImplementedError, match="differentiable"):
        ember.optim.Adam([leaf(ember, 2)], differentiable=True)


def test_no_warnings_in_plain_use():
    p = leaf(ember, 2)
    opt = ember.optim.AdamW([p])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p.grad = ember.ones(2)
        opt.step()
        opt.zero_grad()


# -- CUDA code path (through the fake CuPy of tests/core) -------------------------------------

@pytest.mark.parametrize("name", sorted(FULL))
def test_cuda_path_matches_cpu(monkeypatch, name):
    from ..core import _fake_cupy as fake
    fake.install(monkeypatch)
    arrs = arrays([(4, 3), (5,)])
    cpu = leaves(ember, arrs)
    gpu = [ember.tensor(a, device="cuda", requires_grad=True) for a in arrs]
    oc = getattr(ember.optim, name)(cpu, **FULL[name])
    og = getattr(ember.optim, name)(gpu, **FULL[name])
    rng = np.random.default_rng(2)
    for _ in range(5):
        for c, g in zip(cpu, gpu):
            grad = rng.standard_normal(c.shape).astype(np.float32)
            c.grad, g.grad = ember.tensor(grad), ember.tensor(grad, device="cuda")
        oc.step()
        og.step()
    for c, g in zip(cpu, gpu):
        assert type(g._data) is fake.ndarray
        np.testing.assert_allclose(g._data.get(), c.detach().numpy(), rtol=1e-6, atol=1e-7)
        for key, value in og.state[g].items():
            want = oc.state[c][key]
            if key == "step":
                assert not value.is_cuda and float(value) == float(want)
            else:
                assert type(value._data) is fake.ndarray
                np.testing.assert_allclose(value._data.get(), want.numpy(), rtol=1e-6, atol=1e-7)


def test_custom_optimizer_subclass():
    """A user's optimizer in the style of the tutorials: hooks work, grad mode is its own."""
    class PlainSGD(ember.optim.Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, {"lr": lr})

        @ember.no_grad()
        def step(self, closure=None):
            for group in self.param_groups:
                for p in group["params"]:
                    if p.grad is not None:
                        p.add_(p.grad, alpha=-group["lr"])

    p = ember.ones(2, requires_grad=True)
    opt = PlainSGD([p])
    seen = []
    opt.register_step_post_hook(lambda o, a, k: seen.append(True))
    p.grad = ember.ones(2)
    opt.step()
    assert seen == [True] and p.detach().tolist() == pytest.approx([0.9, 0.9])
    assert repr(opt) == "PlainSGD (\nParameter Group 0\n    lr: 0.1\n)"


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_training_loop_with_feedback(name):
    """A torch MLP trained by torch's optimizer and a copy trained by ember's (gradients from
    torch, parameters copied back each step): the losses agree, though each step's gradient
    now depends on the previous updates."""
    kw = {"SGD": dict(lr=0.05, momentum=0.9), "Adam": dict(lr=1e-2),
          "RMSprop": dict(lr=1e-3, centered=True)}[name]
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Tanh(), torch.nn.Linear(16, 3))
    twin = copy.deepcopy(model)
    topt = getattr(torch.optim, name)(model.parameters(), **kw)
    shadow = [ember.tensor(p.detach().numpy(), requires_grad=True) for p in twin.parameters()]
    eopt = getattr(ember.optim, name)(shadow, **kw)
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.standard_normal((32, 8)).astype(np.float32))
    y = torch.tensor(rng.integers(0, 3, 32))
    for step in range(40):
        losses = []
        for net in (model, twin):
            net.zero_grad()
            loss = torch.nn.functional.cross_entropy(net(x), y)
            loss.backward()
            losses.append(loss.item())
        topt.step()
        for s, p in zip(shadow, twin.parameters()):
            s.grad = ember.tensor(p.grad.numpy())
        eopt.step()
        with torch.no_grad():
            for s, p in zip(shadow, twin.parameters()):
                p.copy_(torch.tensor(s.detach().numpy()))
        assert losses[1] == pytest.approx(losses[0], rel=1e-5), step
    for p, q in zip(model.parameters(), twin.parameters()):
        check_close(p, q, 1e-5)

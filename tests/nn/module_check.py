"""Check a module against torch: same construction under the same seed gives bit-identical
parameters (ember's init draws PyTorch's random streams); then repr, state_dict keys and shapes,
forward values, and gradients of inputs and parameters must agree.

    check_module(lambda nn: nn.Linear(4, 3), [randn(2, 4)])
"""
import numpy as np
import torch

import ember


def to_lib(lib, value, requires_grad=True):
    if isinstance(value, np.ndarray):
        t = torch.from_numpy(value.copy()) if lib is torch else ember.tensor(value)
        if requires_grad and value.dtype.kind == "f":
            t.requires_grad_(True)
        return t
    if isinstance(value, (list, tuple)):
        return type(value)(to_lib(lib, v, requires_grad) for v in value)
    return value


def as_np(x):
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        return x.detach().numpy(force=True) if isinstance(x, torch.Tensor) else x.detach().numpy()
    return np.asarray(x)


def flatten(out):
    if isinstance(out, (list, tuple)):
        res = []
        for o in out:
            res.extend(flatten(o))
        return res
    return [out]


def build(make, lib, seed=0):
    lib.manual_seed(seed)
    return make(lib.nn)


def check_module(make, inputs, *, seed=0, rtol=1e-5, atol=1e-6, train=True, grad=True,
                 check_repr=True, exact_init=True, call=None):
    """Build with ``make(nn)`` for both libraries and compare them; returns (ember_m, torch_m)."""
    em, tm = build(make, ember, seed), build(make, torch, seed)
    em.train(train)
    tm.train(train)
    if check_repr:
        assert repr(em) == repr(tm), f"repr differs:\nember: {em!r}\ntorch: {tm!r}"
    esd, tsd = em.state_dict(), tm.state_dict()
    assert list(esd) == list(tsd), f"state_dict keys {list(esd)} != {list(tsd)}"
    for k in tsd:
        assert tuple(esd[k].shape) == tuple(tsd[k].shape), k
        if exact_init:
            np.testing.assert_array_equal(as_np(esd[k]), as_np(tsd[k]), err_msg=k)
        else:  # make them equal so the rest of the checks compare like with like
            with ember.no_grad():
                esd[k].copy_(ember.tensor(as_np(tsd[k])))
    e_in, t_in = to_lib(ember, inputs, grad), to_lib(torch, inputs, grad)
    call = call or (lambda m, *xs: m(*xs))
    ember.manual_seed(seed + 1)
    torch.manual_seed(seed + 1)
    e_out, t_out = call(em, *e_in), call(tm, *t_in)
    e_flat, t_flat = flatten(e_out), flatten(t_out)
    assert len(e_flat) == len(t_flat)
    for e, t in zip(e_flat, t_flat):
        if isinstance(t, torch.Tensor):
            assert repr(e.dtype) == str(t.dtype) and tuple(e.shape) == tuple(t.shape)
        np.testing.assert_allclose(as_np(e), as_np(t), rtol=rtol, atol=atol)
    if not grad:
        return em, tm
    t_outs = [o for o in t_flat if isinstance(o, torch.Tensor) and o.requires_grad]
    e_outs = [o for o in e_flat if isinstance(o, ember.Tensor) and o.requires_grad]
    assert len(t_outs) == len(e_outs)
    if not t_outs:
        return em, tm
    rng = np.random.default_rng(seed)
    cot = [rng.standard_normal(tuple(o.shape)).astype(as_np(o).dtype) for o in t_outs]
    t_leaves = [t for t in flatten(t_in) if isinstance(t, torch.Tensor) and t.requires_grad]
    e_leaves = [t for t in flatten(e_in) if isinstance(t, ember.Tensor) and t.requires_grad]
    t_leaves += [p for p in tm.parameters() if p.requires_grad]
    e_leaves += [p for p in em.parameters() if p.requires_grad]
    tg = torch.autograd.grad(t_outs, t_leaves, [torch.from_numpy(c) for c in cot],
                             allow_unused=True)
    eg = ember.autograd.grad(e_outs, e_leaves, [ember.tensor(c) for c in cot], allow_unused=True)
    for i, (a, b) in enumerate(zip(eg, tg)):
        if b is None:
            assert a is None or not np.any(as_np(a)), f"gradient {i}: torch has none"
            continue
        assert a is not None, f"gradient {i}: ember has none"
        np.testing.assert_allclose(as_np(a), as_np(b), rtol=max(rtol, 1e-4), atol=max(atol, 1e-5),
                                   err_msg=f"gradient {i}")
    return em, tm

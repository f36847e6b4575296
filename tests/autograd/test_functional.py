"""autograd.functional, the profiler and anomaly detection, against torch."""
import numpy as np
import pytest
import torch

import ember
from ember.autograd import functional as F


def _pair(*shape, seed=0):
    arr = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    return ember.tensor(arr), torch.tensor(arr)


def _close(a, b):
    if isinstance(b, (tuple, list)):
        assert isinstance(a, (tuple, list)) and len(a) == len(b)
        for x, y in zip(a, b):
            _close(x, y)
        return
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-5, atol=1e-6)


def exp_adder(lib):
    return lambda x, y: 2 * x.exp() + 3 * y


def test_jacobian_shapes_and_values():
    e1, t1 = _pair(3)
    e2, t2 = _pair(3, seed=1)
    _close(F.jacobian(exp_adder(ember), (e1, e2)),
           torch.autograd.functional.jacobian(exp_adder(torch), (t1, t2)))
    _close(F.jacobian(lambda x: x * x, e1), torch.autograd.functional.jacobian(lambda x: x * x, t1))
    _close(F.jacobian(lambda x: (x * 2, x.exp()), e1),
           torch.autograd.functional.jacobian(lambda x: (x * 2, x.exp()), t1))


def test_hessian():
    e, t = _pair(2, 2)
    _close(F.hessian(lambda x: (x * x * x).sum(), e),
           torch.autograd.functional.hessian(lambda x: (x * x * x).sum(), t))


def test_vjp_jvp_hvp_vhp():
    e, t = _pair(3)
    ev, tv = _pair(3, seed=2)
    f = lambda x: x * x * 2  # noqa: E731
    _close(F.vjp(f, e, ev), torch.autograd.functional.vjp(f, t, tv))
    _close(F.jvp(f, e, ev), torch.autograd.functional.jvp(f, t, tv))
    g = lambda x: (x * x * x).sum()  # noqa: E731
    _close(F.hvp(g, e, ev), torch.autograd.functional.hvp(g, t, tv))
    _close(F.vhp(g, e, ev), torch.autograd.functional.vhp(g, t, tv))


def test_vjp_needs_v_for_nonscalar():
    e, _ = _pair(3)
    with pytest.raises(RuntimeError, match="v can only be None"):
        F.vjp(lambda x: x * 2, e)


def test_profiler_records_every_op():
    x = ember.rand(2, 3, requires_grad=True)
    z = ember.ones(2, 3, requires_grad=True)
    with ember.autograd.profiler.profile() as prof:
        for _ in range(10):
            z = (z / x) * x
    rows = {e.key: e for e in prof.key_averages()}
    assert rows["aten::div"].count == 10 and rows["aten::mul"].count == 10
    table = prof.key_averages().table(sort_by="self_cpu_time_total")
    assert "Self CPU %" in table and "aten::div" in table
    # Profiling is off afterwards: Op.apply is the plain one again.
    from ember.autograd.function import Op
    assert Op.apply.__func__ is ember.autograd.profiler._plain_apply.__func__


def test_detect_anomaly_names_the_forward_op():
    x = ember.tensor([0.0], requires_grad=True)
    with pytest.warns(UserWarning):
        with ember.autograd.detect_anomaly():
            y = x / x
            with pytest.raises(RuntimeError, match="Function 'DivBackward0' returned nan"):
                y.backward()

"""nn.Module behaviour against torch: registration, iteration, state_dict, modes, hooks, repr."""
import numpy as np
import pytest
import torch

import ember


def _net(nn):
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch_or_ember(nn).ones(3))
            self.register_buffer("steps", torch_or_ember(nn).zeros(1))
            self.register_buffer("scratch", torch_or_ember(nn).zeros(2), persistent=False)
            self.child = Child(nn)

        def forward(self, x):
            return self.child(x * self.w)
    return Net()


def torch_or_ember(nn):
    return torch if nn is torch.nn else ember


def Child(nn):
    class Child(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = nn.Parameter(torch_or_ember(nn).full((3,), 2.0))

        def forward(self, x):
            return (x * self.scale).sum()
    return Child()


def test_registration_and_iteration():
    e, t = _net(ember.nn), _net(torch.nn)
    assert [n for n, _ in e.named_parameters()] == [n for n, _ in t.named_parameters()]
    assert [n for n, _ in e.named_buffers()] == [n for n, _ in t.named_buffers()]
    assert [n for n, _ in e.named_modules()] == [n for n, _ in t.named_modules()]
    assert [n for n, _ in e.named_children()] == [n for n, _ in t.named_children()]
    assert list(e.state_dict()) == list(t.state_dict())
    assert isinstance(e.w, ember.nn.Parameter) and e.get_parameter("child.scale") is e.child.scale
    del e.child
    assert "child" not in dict(e.named_children())


def test_state_dict_round_trip_and_errors():
    e = _net(ember.nn)
    sd = e.state_dict()
    sd["w"] = ember.tensor([5.0, 6.0, 7.0])
    res = e.load_state_dict(sd)
    assert repr(res) == "<All keys matched successfully>"
    assert e.w.tolist() == [5.0, 6.0, 7.0] and isinstance(e.w, ember.nn.Parameter)
    t = _net(torch.nn)
    bad_e = {"w": ember.zeros(4), "extra": ember.zeros(1)}
    bad_t = {"w": torch.zeros(4), "extra": torch.zeros(1)}
    with pytest.raises(RuntimeError) as ee:
        e.load_state_dict(bad_e)
    with pytest.raises(RuntimeError) as te:
        t.load_state_dict(bad_t)
    assert str(ee.value).replace("Net", "X") == str(te.value).replace("Net", "X")
    r_e = e.load_state_dict({"w": ember.ones(3)}, strict=False)
    r_t = t.load_state_dict({"w": torch.ones(3)}, strict=False)
    assert r_e.missing_keys == r_t.missing_keys and r_e.unexpected_keys == r_t.unexpected_keys


def test_train_eval_zero_grad_requires_grad():
    e = _net(ember.nn)
    assert e.training and e.child.training
    e.eval()
    assert not e.training and not e.child.training
    e.train()
    x = ember.ones(3)
    e(x).backward()
    assert e.w.grad is not None
    e.zero_grad()
    assert e.w.grad is None
    e(x).backward()
    e.zero_grad(set_to_none=False)
    assert e.w.grad.tolist() == [0.0, 0.0, 0.0]
    e.requires_grad_(False)
    assert not any(p.requires_grad for p in e.parameters())


def test_to_keeps_parameter_identity():
    e = _net(ember.nn)
    w = e.w
    e.double()
    assert e.w is w and e.w.dtype is ember.float64 and e.steps.dtype is ember.float64
    e.to(ember.float32)
    assert e.w.dtype is ember.float32
    with pytest.raises(TypeError):
        e.to(ember.int64)


def test_apply_and_hooks():
    e = _net(ember.nn)
    names = []
    e.apply(lambda m: names.append(type(m).__name__))
    assert names == ["Child", "Net"]
    calls = []
    h1 = e.register_forward_pre_hook(lambda m, args: (args[0] * 2,))
    h2 = e.register_forward_hook(lambda m, args, out: out + 1)
    out = e(ember.ones(3))
    assert out.item() == 2 * 2 * 3 + 1
    h1.remove()
    h2.remove()
    assert e(ember.ones(3)).item() == 6
    x = ember.ones(3, requires_grad=True)
    e.child.register_full_backward_hook(
        lambda m, gin, gout: calls.append((gin[0].tolist(), gout[0].item())))
    e(x).backward()
    assert calls == [([2.0, 2.0, 2.0], 1.0)]


def test_full_backward_hook_matches_torch():
    seen = {}
    for lib in (ember, torch):
        m = _net(lib.nn)
        rec = []
        m.child.register_full_backward_hook(
            lambda mod, gin, gout, rec=rec: rec.append(
                ([g.tolist() if g is not None else None for g in gin],
                 [g.tolist() for g in gout])))
        x = lib.ones(3, requires_grad=True)
        m(x).backward()
        seen[lib.__name__] = rec
    assert seen["ember"] == seen["torch"]


def test_repr_of_custom_module():
    class Tiny(ember.nn.Module):
        def __init__(self):
            super().__init__()
            self.inner = ember.nn.Module()

        def extra_repr(self):
            return "size=3"
    assert repr(Tiny()) == "Tiny(\n  size=3\n  (inner): Module()\n)"
    assert repr(ember.nn.Module()) == "Module()"


def test_assignment_errors():
    e = _net(ember.nn)
    with pytest.raises(TypeError, match="cannot assign"):
        e.w = ember.ones(3)
    e.w = None
    assert "w" not in dict(e.named_parameters())
    np.testing.assert_array_equal(e.steps.numpy(), [0.0])

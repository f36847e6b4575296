"""Sequential, ModuleList, ModuleDict, ParameterList, ParameterDict against torch: behaviour,
reprs (including ModuleList's "(0-2): 3 x ..." compression), state_dict keys, errors."""
from collections import OrderedDict

import numpy as np
import pytest
import torch

import ember
from tests.nn.module_check import check_module


def _lib(nn):
    return torch if nn is torch.nn else ember


def _seed_mlp(nn):
    """The Fashion-MNIST classifier of the seed tutorials."""
    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))
    return NeuralNetwork()


def test_seed_model_repr_init_and_gradients():
    x = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    em, tm = check_module(_seed_mlp, [x])
    assert repr(em).startswith("NeuralNetwork(\n  (flatten): Flatten(start_dim=1, end_dim=-1)")
    assert list(em.state_dict()) == list(tm.state_dict())


def _same(make_and_use):
    return make_and_use(ember.nn) == make_and_use(torch.nn)


@pytest.mark.parametrize("use", [
    lambda nn: repr(nn.Sequential()),
    lambda nn: repr(nn.Sequential(nn.Linear(2, 3), nn.Sequential(nn.Flatten(), nn.Identity()))),
    lambda nn: repr(nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("flat", nn.Flatten())]))),
    lambda nn: repr(nn.Sequential(nn.Linear(2, 3), nn.Flatten())[1:]),
    lambda nn: type(nn.Sequential(nn.Linear(2, 3), nn.Flatten())[:1]).__name__,
    lambda nn: repr(nn.Sequential(nn.Linear(2, 3), nn.Flatten())[-1]),
    lambda nn: len(nn.Sequential(nn.Linear(2, 3), nn.Flatten())),
    lambda nn: repr(nn.Sequential(nn.Identity()).append(nn.Flatten()).insert(0, nn.Linear(1, 1))
                    .extend([nn.Identity(), nn.Flatten(0)])),
    lambda nn: repr(nn.Sequential(nn.Identity()).insert(-1, nn.Flatten())),
    lambda nn: _pop_and_del(nn),
    lambda nn: repr(nn.Sequential(nn.Identity(), nn.Flatten()) + nn.Sequential(nn.Linear(1, 2))),
    lambda nn: repr(nn.Sequential(nn.Identity(), nn.Flatten()) * 2),
    lambda nn: repr(2 * nn.Sequential(nn.Identity())),
    lambda nn: _imul_iadd(nn),
    lambda nn: [type(m).__name__ for m in nn.Sequential(nn.Identity(), nn.Flatten())],
    lambda nn: _setitem(nn),
    lambda nn: repr(nn.ModuleList()),
    lambda nn: repr(nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])),
    lambda nn: repr(nn.ModuleList([nn.Linear(2, 2), nn.Linear(2, 2), nn.Flatten(), nn.Identity(),
                                   nn.Identity(), nn.Linear(2, 2)])),
    lambda nn: repr(nn.ModuleList([nn.Sequential(nn.Linear(2, 2), nn.Flatten())] * 2)),
    lambda nn: repr(nn.Sequential(nn.ModuleList([nn.Identity()] * 3), nn.Identity())),
    lambda nn: _module_list_ops(nn),
    lambda nn: _module_dict_ops(nn),
    lambda nn: repr(nn.ModuleDict({"b": nn.Identity(), "a": nn.Linear(1, 1)})),
    lambda nn: list(nn.ModuleDict([("b", nn.Identity()), ("a", nn.Flatten())]).keys()),
    lambda nn: _param_list(nn),
    lambda nn: _param_dict(nn),
    lambda nn: list(nn.Sequential(nn.Linear(2, 3), nn.ModuleList([nn.Linear(3, 1)]),
                                  nn.ModuleDict({"x": nn.Linear(1, 1)})).state_dict()),
    lambda nn: [n for n, _ in nn.Sequential(nn.Linear(2, 2), nn.ModuleList([nn.Linear(2, 2)]))
                .named_modules()],
])
def test_behaviour_matches_torch(use):
    assert _same(use)


def _pop_and_del(nn):
    s = nn.Sequential(nn.Identity(), nn.Flatten(), nn.Linear(1, 1), nn.Flatten(0))
    popped = s.pop(1)
    del s[0]
    out = [repr(popped), repr(s)]
    del s[0:1]
    return out + [repr(s), list(s._modules)]


def _imul_iadd(nn):
    s = nn.Sequential(nn.Identity())
    s *= 3
    s += nn.Sequential(nn.Flatten())
    return repr(s)


def _setitem(nn):
    s = nn.Sequential(nn.Identity(), nn.Flatten())
    s[0] = nn.Linear(1, 2)
    s[-1] = nn.Identity()
    return repr(s)


def _module_list_ops(nn):
    ml = nn.ModuleList([nn.Identity()])
    ml.append(nn.Flatten())
    ml.extend([nn.Linear(1, 1)])
    ml.insert(1, nn.Linear(2, 2))
    ml += [nn.Identity()]
    out = [repr(ml), len(ml), repr(ml[1]), repr(ml[-1]), repr(ml[1:3]), repr(ml.pop(0))]
    del ml[1:3]
    ml[0] = nn.Flatten(0)
    out += [repr(ml), list(ml._modules), repr(ml + nn.ModuleList([nn.Identity()]))]
    return out


def _module_dict_ops(nn):
    md = nn.ModuleDict({"lin": nn.Linear(1, 1)})
    md["flat"] = nn.Flatten()
    md.update([("id", nn.Identity())])
    out = [repr(md), len(md), "lin" in md, list(md), [type(v).__name__ for v in md.values()],
           repr(md.pop("lin")), list(md.keys())]
    md.clear()
    return out + [len(md)]


def _param_list(nn):
    lib = _lib(nn)
    pl = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), lib.zeros(4)])
    pl.append(nn.Parameter(lib.ones(1, dtype=lib.float64)))
    pl.extend(["text"])
    return [repr(pl), len(pl), [type(p).__name__ for p in pl],
            [n for n, _ in pl.named_parameters()], repr(pl[1:3])]


def _param_dict(nn):
    lib = _lib(nn)
    pd = nn.ParameterDict({"b": nn.Parameter(lib.ones(2)), "a": lib.zeros(3, 1)})
    pd["c"] = nn.Parameter(lib.ones(1, dtype=lib.float64))
    out = [repr(pd), list(pd), len(pd), "a" in pd, [n for n, _ in pd.named_parameters()]]
    pd.pop("b")
    return out + [list(pd.keys()), repr(pd | nn.ParameterDict({"z": lib.ones(1)}))]


@pytest.mark.parametrize("call", [
    lambda nn: nn.Sequential(nn.Identity())[3],
    lambda nn: nn.Sequential(nn.Identity())[-2],
    lambda nn: nn.Sequential(nn.Identity()) + nn.ModuleList(),
    lambda nn: nn.Sequential(nn.Identity()) * 0,
    lambda nn: nn.Sequential(nn.Identity()) * 1.5,
    lambda nn: nn.Sequential(nn.Identity()).insert(5, nn.Identity()),
    lambda nn: nn.Sequential(nn.Identity()).insert(0, "x"),
    lambda nn: nn.ModuleList([nn.Identity()])[1],
    lambda nn: nn.ModuleList(3),
    lambda nn: nn.ModuleDict({"a": nn.Identity()})["b"],
    lambda nn: nn.ModuleDict([("a",)]),
    lambda nn: nn.ModuleDict(5),
    lambda nn: nn.ParameterList([])(1),
    lambda nn: nn.ParameterList([]).extend(_lib(nn).ones(2)),
    lambda nn: nn.ParameterDict({})[1],
    lambda nn: nn.ParameterDict({})(1),
    lambda nn: nn.ModuleList([nn.Identity()])(1),
])
def test_errors_match_torch(call):
    def run(nn):
        try:
            call(nn)
        except Exception as exc:  # noqa: BLE001 - compared with torch's
            return type(exc).__name__, str(exc).replace("torch.nn.modules", "").split(" at ")[0]
        return None
    want = run(torch.nn)
    assert want is not None
    got = run(ember.nn)
    assert got[0] == want[0]
    if want[0] != "NotImplementedError":
        assert got[1].replace("ember.nn.modules", "") == want[1]


def test_sequential_forward_and_parameters():
    x = np.random.default_rng(1).standard_normal((4, 2, 3)).astype(np.float32)
    check_module(lambda nn: nn.Sequential(nn.Flatten(), nn.Linear(6, 4), nn.Linear(4, 2)), [x])
    check_module(lambda nn: nn.Sequential(OrderedDict(
        [("flat", nn.Flatten()), ("fc", nn.Linear(6, 4)), ("norm", nn.LayerNorm(4))])), [x])


def test_shared_module_counted_once():
    lin = ember.nn.Linear(2, 2)
    seq = ember.nn.Sequential(lin, lin)
    assert len(list(seq.parameters())) == 2
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]

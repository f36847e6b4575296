"""ember.optim.lr_scheduler against torch's: the same learning rates (exact floats) step by step.

Each case builds the scheduler on an optimizer with two param groups (lrs 0.1 and 0.05) in
both libraries, calls ``optimizer.step(); scheduler.step()`` 100 times and compares
``get_last_lr()``, every group's lr and its momentum / betas after each step.
"""
import copy
import math
import warnings

import pytest
import torch

import ember

STEPS = 100


def make_optimizer(lib, kind="SGD"):
    ps = [lib.zeros(2, requires_grad=True), lib.zeros(3, requires_grad=True)]
    groups = [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}]
    if kind == "Adam":
        return lib.optim.Adam(groups, lr=0.1)
    return lib.optim.SGD(groups, lr=0.1, momentum=0.9)


def snapshot(opt, sched):
    groups = [(g["lr"], g.get("momentum"), g.get("betas")) for g in opt.param_groups]
    return list(sched.get_last_lr()), groups


def S(lib):
    return lib.optim.lr_scheduler


CASES = {
    "StepLR": lambda lib, o: S(lib).StepLR(o, step_size=7, gamma=0.3),
    "MultiStepLR": lambda lib, o: S(lib).MultiStepLR(o, milestones=[10, 30, 30, 75], gamma=0.5),
    "ExponentialLR": lambda lib, o: S(lib).ExponentialLR(o, gamma=0.97),
    "CosineAnnealingLR-T30": lambda lib, o: S(lib).CosineAnnealingLR(o, T_max=30, eta_min=1e-3),
    "CosineAnnealingLR-T100": lambda lib, o: S(lib).CosineAnnealingLR(o, T_max=100),
    "LambdaLR": lambda lib, o: S(lib).LambdaLR(o, lambda e: 0.95 ** e),
    "LambdaLR-list": lambda lib, o: S(lib).LambdaLR(o, [lambda e: 1 / (e + 1),
                                                        lambda e: 0.9 ** (e // 3)]),
    "MultiplicativeLR": lambda lib, o: S(lib).MultiplicativeLR(o, lambda e: 0.99),
    "LinearLR-warmup": lambda lib, o: S(lib).LinearLR(o, start_factor=0.25, total_iters=20),
    "LinearLR-decay": lambda lib, o: S(lib).LinearLR(o, start_factor=1.0, end_factor=0.1,
                                                      total_iters=50),
    "ConstantLR": lambda lib, o: S(lib).ConstantLR(o, factor=0.5, total_iters=10),
    "PolynomialLR": lambda lib, o: S(lib).PolynomialLR(o, total_iters=60, power=2.0),
    "OneCycleLR": lambda lib, o: S(lib).OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=STEPS),
    "OneCycleLR-linear-3phase": lambda lib, o: S(lib).OneCycleLR(
        o, max_lr=0.8, epochs=10, steps_per_epoch=10, anneal_strategy="linear",
        three_phase=True, pct_start=0.25),
    "OneCycleLR-no-momentum": lambda lib, o: S(lib).OneCycleLR(
        o, max_lr=0.3, total_steps=120, cycle_momentum=False, div_factor=10.0,
        final_div_factor=100.0),
    "CyclicLR-triangular": lambda lib, o: S(lib).CyclicLR(o, 0.01, 0.1, step_size_up=10),
    "CyclicLR-triangular2": lambda lib, o: S(lib).CyclicLR(
        o, [0.01, 0.02], [0.1, 0.2], step_size_up=7, step_size_down=13, mode="triangular2"),
    "CyclicLR-exp_range": lambda lib, o: S(lib).CyclicLR(
        o, 0.01, 0.1, step_size_up=5, mode="exp_range", gamma=0.99),
    "CosineAnnealingWarmRestarts": lambda lib, o: S(lib).CosineAnnealingWarmRestarts(
        o, T_0=10, T_mult=2, eta_min=1e-3),
    "SequentialLR": lambda lib, o: S(lib).SequentialLR(
        o, [S(lib).LinearLR(o, start_factor=0.1, total_iters=10), S(lib).ExponentialLR(o, 0.9)],
        milestones=[10]),
    "SequentialLR-3": lambda lib, o: S(lib).SequentialLR(
        o, [S(lib).ConstantLR(o, factor=0.3, total_iters=5),
            S(lib).CosineAnnealingLR(o, T_max=40), S(lib).StepLR(o, 10, 0.5)],
        milestones=[5, 45]),
    "ChainedScheduler": lambda lib, o: S(lib).ChainedScheduler(
        [S(lib).ExponentialLR(o, 0.95), S(lib).StepLR(o, 10, 0.5)]),
    "Chained-Cosine-Linear": lambda lib, o: S(lib).ChainedScheduler(
        [S(lib).LinearLR(o, start_factor=0.2, total_iters=15),
         S(lib).CosineAnnealingLR(o, T_max=25, eta_min=0.001)], optimizer=o),
}
ADAM_CASES = ["OneCycleLR", "CyclicLR-triangular", "StepLR"]


def run(make, kind="SGD", steps=STEPS):
    out = []
    for lib in (torch, ember):
        opt = make_optimizer(lib, kind)
        sched = make(lib, opt)
        seq = [snapshot(opt, sched)]
        for _ in range(steps):
            opt.step()
            sched.step()
            seq.append(snapshot(opt, sched))
        out.append(seq)
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_same_lrs_as_torch(case):
    t, e = run(CASES[case])
    for k, (a, b) in enumerate(zip(t, e)):
        assert a == b, f"step {k}: torch {a} ember {b}"


@pytest.mark.parametrize("case", ADAM_CASES)
def test_same_lrs_as_torch_adam_betas(case):
    t, e = run(CASES[case], kind="Adam")
    assert t == e


def test_manually_chained_schedulers():
    seqs = []
    for lib in (torch, ember):
        opt = make_optimizer(lib)
        s1 = S(lib).ExponentialLR(opt, gamma=0.9)
        s2 = S(lib).MultiStepLR(opt, milestones=[5, 20], gamma=0.1)
        seq = []
        for _ in range(40):
            opt.step()
            s1.step()
            s2.step()
            seq.append((s1.get_last_lr(), s2.get_last_lr()))
        seqs.append(seq)
    assert seqs[0] == seqs[1]


LOSSES = ([1.0 - 0.02 * i for i in range(20)] + [0.6] * 15 + [0.6 - 1e-5 * i for i in range(15)]
          + [0.7, 0.5, 0.55, 0.45, 0.45, 0.4] * 5 + [0.3 + 0.01 * math.sin(i) for i in range(20)])


@pytest.mark.parametrize("kw", [
    dict(),
    dict(patience=3),
    dict(mode="max", patience=2, factor=0.5),
    dict(threshold_mode="abs", threshold=0.01, patience=2),
    dict(mode="max", threshold_mode="abs", patience=1, cooldown=3),
    dict(patience=0, min_lr=[0.02, 0.001], factor=0.5),
    dict(patience=1, factor=0.9, eps=1e-3, cooldown=1),
], ids=str)
def test_reduce_lr_on_plateau(kw):
    seqs = []
    for lib in (torch, ember):
        opt = make_optimizer(lib)
        sched = S(lib).ReduceLROnPlateau(opt, **kw)
        seq = []
        for loss in LOSSES:
            opt.step()
            sched.step(loss)
            seq.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter,
                        sched.best))
        seqs.append(seq)
    assert seqs[0] == seqs[1]
    assert len({tuple(s[0]) for s in seqs[1]}) > 1 or kw.get("eps") == 1e-3


@pytest.mark.parametrize("case", ["StepLR", "OneCycleLR", "CosineAnnealingLR-T30",
                                  "CyclicLR-exp_range", "CosineAnnealingWarmRestarts",
                                  "SequentialLR", "ChainedScheduler", "LambdaLR"])
def test_state_dict_matches_torch_and_round_trips(case):
    make = CASES[case]
    built = {}
    for lib in (torch, ember):
        opt = make_optimizer(lib)
        sched = make(lib, opt)
        for _ in range(30):
            opt.step()
            sched.step()
        built[lib] = (opt, sched)
    tsd, esd = built[torch][1].state_dict(), built[ember][1].state_dict()
    assert list(tsd) == list(esd)
    for key in tsd:
        if key not in ("_scale_fn_ref", "_schedulers"):
            assert tsd[key] == esd[key], key
    # resume an ember copy from the saved state: it follows the original
    opt, sched = built[ember]
    opt2 = make_optimizer(ember)
    sched2 = make(ember, opt2)
    opt2.load_state_dict(copy.deepcopy(opt.state_dict()))
    sched2.load_state_dict(copy.deepcopy(esd))
    for _ in range(30):
        for o, s in ((opt, sched), (opt2, sched2)):
            o.step()
            s.step()
        assert sched.get_last_lr() == sched2.get_last_lr()
        assert [g["lr"] for g in opt.param_groups] == [g["lr"] for g in opt2.param_groups]


def test_reduce_lr_on_plateau_state_dict():
    t = S(torch).ReduceLROnPlateau(make_optimizer(torch), patience=2)
    e = S(ember).ReduceLROnPlateau(make_optimizer(ember), patience=2)
    for loss in LOSSES[:30]:
        t.step(loss)
        e.step(loss)
    assert t.state_dict() == e.state_dict()
    e2 = S(ember).ReduceLROnPlateau(make_optimizer(ember), mode="max")
    e2.load_state_dict(e.state_dict())
    assert e2.mode == "min" and e2.best == e.best


def test_warning_when_scheduler_steps_before_optimizer():
    opt = make_optimizer(ember)
    sched = S(ember).StepLR(opt, 3)
    with pytest.warns(UserWarning, match="Detected call of `lr_scheduler.step\\(\\)` before"):
        sched.step()
    opt = make_optimizer(ember)
    sched = S(ember).StepLR(opt, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        opt.step()
        sched.step()


def test_get_lr_outside_step_warns_and_epoch_argument_deprecated():
    opt = make_optimizer(ember)
    sched = S(ember).StepLR(opt, 3)
    with pytest.warns(UserWarning, match="get_last_lr"):
        sched.get_lr()
    opt.step()
    with pytest.warns(UserWarning, match="epoch parameter"):
        sched.step(6)
    assert sched.get_last_lr() == [0.1 * 0.1 ** 2, 0.05 * 0.1 ** 2]


def test_closed_form_epoch_matches_torch():
    res = []
    for lib in (torch, ember):
        opt = make_optimizer(lib)
        sched = S(lib).CosineAnnealingLR(opt, T_max=10)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in (3, 7, 2):
                opt.step()
                sched.step(epoch)
                res.append(sched.get_last_lr())
    assert res[:3] == res[3:]


def test_tensor_lr_is_filled_in_place():
    p = ember.zeros(2, requires_grad=True)
    lr = ember.tensor(0.1)
    opt = ember.optim.SGD([p], lr=lr)
    sched = S(ember).ExponentialLR(opt, 0.5)
    opt.step()
    sched.step()
    assert opt.param_groups[0]["lr"] is lr and float(lr) == pytest.approx(0.05)


def same_error(make):
    with pytest.raises(Exception) as te:
        make(torch)
    with pytest.raises(Exception) as ee:
        make(ember)
    assert type(ee.value).__name__ == type(te.value).__name__
    assert str(ee.value) == str(te.value)


@pytest.mark.parametrize("make", [
    lambda lib: S(lib).StepLR(object(), 3),
    lambda lib: S(lib).ReduceLROnPlateau(make_optimizer(lib), factor=1.0),
    lambda lib: S(lib).ReduceLROnPlateau(make_optimizer(lib), mode="avg"),
    lambda lib: S(lib).ReduceLROnPlateau(make_optimizer(lib), min_lr=[0.1]),
    lambda lib: S(lib).OneCycleLR(make_optimizer(lib), 0.1),
    lambda lib: S(lib).OneCycleLR(make_optimizer(lib), 0.1, total_steps=10, pct_start=2),
    lambda lib: S(lib).OneCycleLR(make_optimizer(lib), 0.1, total_steps=10,
                                  anneal_strategy="exp"),
    lambda lib: S(lib).LinearLR(make_optimizer(lib), start_factor=0),
    lambda lib: S(lib).ConstantLR(make_optimizer(lib), factor=2),
    lambda lib: S(lib).LambdaLR(make_optimizer(lib), [lambda e: 1.0]),
    lambda lib: S(lib).StepLR(make_optimizer(lib), 3, last_epoch=5),
    lambda lib: S(lib).CosineAnnealingWarmRestarts(make_optimizer(lib), T_0=0),
    lambda lib: S(lib).SequentialLR(make_optimizer(lib), [], milestones=[]),
    lambda lib: S(lib).CyclicLR(make_optimizer(lib), 0.1, 1.0, mode="wave"),
    lambda lib: S(lib).CyclicLR(lib.optim.Adagrad([lib.zeros(1, requires_grad=True)]),
                                0.1, 1.0),
])
def test_errors(make):
    same_error(make)


def test_one_cycle_too_many_steps():
    def make(lib):
        opt = make_optimizer(lib)
        sched = S(lib).OneCycleLR(opt, 0.1, total_steps=3)
        for _ in range(4):
            opt.step()
            sched.step()
    same_error(make)


def test_sequential_rejects_mismatched_optimizer():
    def make(lib):
        a, b = make_optimizer(lib), make_optimizer(lib)
        S(lib).SequentialLR(a, [S(lib).StepLR(a, 2), S(lib).StepLR(b, 2)], milestones=[3])
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same"):
        make(ember)
    with pytest.raises(ValueError, match="expects all schedulers to belong to the same"):
        make(torch)


def test_user_defined_scheduler():
    def build(lib):
        class Halve(lib.optim.lr_scheduler.LRScheduler):
            def get_lr(self):
                return [b * 0.5 ** (self.last_epoch // 4) for b in self.base_lrs]
        opt = make_optimizer(lib)
        sched = Halve(opt)
        out = []
        for _ in range(12):
            opt.step()
            sched.step()
            out.append(sched.get_last_lr())
        return out, sorted(sched.state_dict())
    assert build(torch) == build(ember)

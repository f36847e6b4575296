"""Adagrad: per-coordinate learning rates from the running sum of squared gradients.

Example:
    >>> import ember
    >>> w = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = ember.optim.Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
"""
from .._tensor import Tensor, _wrap
from . import _kernels as K
from .optimizer import Optimizer, _bump_step, _fix_step, _new_step, _no_grad_step, _to_scalar
from .sgd import _check_flags

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """Adagrad with torch's arguments and numerics; state (``step``, ``sum``) is created at
    construction, as in torch."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False, fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        _check_flags(differentiable, fused, foreach)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, initial_accumulator_value)

    def _init_state(self, p, value):
        state = self.state[p]
        pd = p._data
        state["step"] = _new_step()
        fill = complex(value, value) if pd.dtype.kind == "c" else value
        state["sum"] = _wrap(K._xp(pd).full_like(pd, fill))

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
        _fix_step(self.state)

    def share_memory(self):
        """Nothing to do: ember's CPU arrays are shared by fork already."""

    @_no_grad_step
    def step(self, closure=None):
        """One Adagrad update of every parameter that has a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            wd = group["weight_decay"]
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                pd = p._data
                state = self.state[p]
                if len(state) == 0:
                    self._init_state(p, group["initial_accumulator_value"])
                step = _bump_step(state["step"])
                clr = lr / (1 + (step - 1) * group["lr_decay"])
                dt = K.scalar_type(pd)
                c = K.Consts(wd=dt(wd) if wd != 0 else 0, maximize=group["maximize"],
                             eps=dt(group["eps"]), neg_lr=dt(-clr))
                s = state["sum"]
                K.run(K.adagrad_chunk, (pd, g._data, s._data), 2, c)
                p._bump_version()
                s._bump_version()
        return loss

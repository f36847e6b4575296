"""SGD: stochastic gradient descent with optional momentum, dampening, Nesterov, weight decay.

Example:
    >>> import ember
    >>> w = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = ember.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> w.sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
"""
from .._tensor import Tensor, _wrap
from . import _kernels as K
from .optimizer import Optimizer, _no_grad_step, _to_scalar

__all__ = ["SGD"]


def _check_flags(differentiable, fused, foreach):
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")
    if differentiable:
        raise NotImplementedError("ember.optim does not support differentiable=True (an "
                                  "optimizer step that autograd can differentiate through)")


class SGD(Optimizer):
    """Stochastic gradient descent, with torch's arguments and numerics.

    The momentum buffer starts as a copy of the first gradient; then
    ``buf = momentum * buf + (1 - dampening) * g`` and ``p -= lr * buf`` (or, with
    ``nesterov=True``, ``p -= lr * (g + momentum * buf)``).
    """

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if lr < 0.0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)
        _check_flags(differentiable, fused, foreach)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("nesterov", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("differentiable", False)
            group.setdefault("fused", False)

    @_no_grad_step
    def step(self, closure=None):
        """One SGD update of every parameter that has a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            momentum = _to_scalar(group["momentum"])
            consts = {}
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                pd = p._data
                dt = K.scalar_type(pd)
                c = consts.get(dt)
                if c is None:
                    c = consts[dt] = _consts(group, momentum, dt)
                buf = None
                if momentum != 0:
                    state = self.state[p]
                    buf = state.get("momentum_buffer")
                    c.first = buf is None
                    if buf is None:
                        buf = state["momentum_buffer"] = _wrap(K._xp(pd).empty_like(pd))
                K.run(K.sgd_chunk, (pd, g._data, None if buf is None else buf._data), 2, c)
                p._bump_version()
                if buf is not None:
                    buf._bump_version()
        return loss


def _consts(group, momentum, dt):
    wd = _to_scalar(group["weight_decay"])
    return K.Consts(wd=dt(wd) if wd != 0 else 0, maximize=group["maximize"],
                    momentum=dt(momentum), damp_alpha=dt(1 - group["dampening"]),
                    nesterov=group["nesterov"], neg_lr=dt(-_to_scalar(group["lr"])),
                    first=False)

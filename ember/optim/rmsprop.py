"""RMSprop: divide the gradient by a running root-mean-square of recent gradients.

Example:
    >>> import ember
    >>> w = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = ember.optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
"""
from .._tensor import Tensor, _wrap
from . import _kernels as K
from .optimizer import Optimizer, _bump_step, _fix_step, _new_step, _no_grad_step, _to_scalar
from .sgd import _check_flags

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """RMSprop with torch's arguments and numerics.

    State per parameter: ``step``, ``square_avg``, and ``momentum_buffer`` (momentum > 0),
    ``grad_avg`` (centered=True).
    """

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False):
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        super().__init__(params, defaults)
        _check_flags(differentiable, None, foreach)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("momentum", 0)
            group.setdefault("centered", False)
            group.setdefault("foreach", None)
            group.setdefault("maximize", False)
            group.setdefault("differentiable", False)
            group.setdefault("capturable", False)
        _fix_step(self.state)

    @_no_grad_step
    def step(self, closure=None):
        """One RMSprop update of every parameter that has a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            momentum = group["momentum"]
            centered = group["centered"]
            consts = {}
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                pd = p._data
                state = self.state[p]
                if len(state) == 0:
                    xp = K._xp(pd)
                    state["step"] = _new_step()
                    state["square_avg"] = _wrap(xp.zeros_like(pd))
                    if momentum > 0:
                        state["momentum_buffer"] = _wrap(xp.zeros_like(pd))
                    if centered:
                        state["grad_avg"] = _wrap(xp.zeros_like(pd))
                _bump_step(state["step"])
                dt = K.scalar_type(pd)
                c = consts.get(dt)
                if c is None:
                    c = consts[dt] = _consts(group, dt)
                tensors = (state["square_avg"], state["grad_avg"] if centered else None,
                           state["momentum_buffer"] if momentum > 0 else None)
                K.run(K.rmsprop_chunk, (pd, g._data) + tuple(
                    None if t is None else t._data for t in tensors), 2, c)
                p._bump_version()
                for t in tensors:
                    if t is not None:
                        t._bump_version()
        return loss


def _consts(group, dt):
    wd = group["weight_decay"]
    c = K.Consts(wd=dt(wd) if wd != 0 else 0, maximize=group["maximize"],
                 alpha=dt(group["alpha"]), eps=dt(group["eps"]),
                 momentum=dt(group["momentum"]), neg_lr=dt(-_to_scalar(group["lr"])))
    K.lerp_consts(c, 1 - group["alpha"], dt)
    return c

"""Adam (and, with decoupled_weight_decay=True, AdamW).

Example:
    >>> import ember
    >>> w = ember.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = ember.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.9000, 1.9000], requires_grad=True)
"""
from .._tensor import Tensor, _wrap
from . import _kernels as K
from .optimizer import Optimizer, _bump_step, _fix_step, _new_step, _no_grad_step, _to_scalar
from .sgd import _check_flags

__all__ = ["Adam"]


class Adam(Optimizer):
    """Adam with torch's arguments and numerics (single-tensor CPU implementation).

    State per parameter: ``step`` (a 0-d float32 tensor), ``exp_avg``, ``exp_avg_sq`` and,
    with ``amsgrad=True``, ``max_exp_avg_sq``.
    """

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False):
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and "
                                 "foreach=True")
            if lr.numel() != 1:
                raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor) and betas[i].numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
        betas = tuple(_to_scalar(b) for b in betas)
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable,
                    "fused": fused, "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)
        _check_flags(differentiable, fused, foreach)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("decoupled_weight_decay", False)
            group.setdefault("fused", None)
        _fix_step(self.state)

    @_no_grad_step
    def step(self, closure=None):
        """One Adam update of every parameter that has a gradient."""
        loss = self._closure_loss(closure)
        for group in self.param_groups:
            lr = _to_scalar(group["lr"])
            beta1, beta2 = (_to_scalar(b) for b in group["betas"])
            wd = group["weight_decay"]
            decoupled = group["decoupled_weight_decay"]
            amsgrad = group["amsgrad"]
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                pd = p._data
                state = self.state[p]
                if len(state) == 0:
                    xp = K._xp(pd)
                    state["step"] = _new_step()
                    state["exp_avg"] = _wrap(xp.zeros_like(pd))
                    state["exp_avg_sq"] = _wrap(xp.zeros_like(pd))
                    if amsgrad:
                        state["max_exp_avg_sq"] = _wrap(xp.zeros_like(pd))
                step = _bump_step(state["step"])
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                dt = K.scalar_type(pd)
                c = K.Consts(
                    decay=dt(1 - lr * wd) if decoupled and wd != 0 else None,
                    wd=dt(wd) if wd != 0 and not decoupled else 0,
                    maximize=group["maximize"], beta2=dt(beta2),
                    one_minus_beta2=dt(1 - beta2), bc2_sqrt=dt(bias_correction2 ** 0.5),
                    eps=dt(group["eps"]), neg_step_size=dt(-step_size))
                K.lerp_consts(c, 1 - beta1, dt)
                m, v = state["exp_avg"], state["exp_avg_sq"]
                vmax = state["max_exp_avg_sq"] if amsgrad else None
                K.run(K.adam_chunk, (pd, g._data, m._data, v._data,
                                     None if vmax is None else vmax._data), 2, c)
                p._bump_version()
                m._bump_version()
                v._bump_version()
                if vmax is not None:
                    vmax._bump_version()
        return loss

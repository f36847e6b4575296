"""Module full backward hooks: identity autograd Functions around a module's inputs and outputs
catch grad_output and grad_input and hand them to ``hook(module, grad_input, grad_output)``."""
from ..._tensor import Tensor
from ...autograd.function import Function


class _OutputsHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        ctx.state.grad_outputs = grads
        if not ctx.state.n_inputs:  # nothing upstream needs a gradient: call hooks now
            ctx.state.call_hooks((None,) * ctx.state.n_args)
        return (None,) + grads


class _InputsHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tensors if len(tensors) > 1 else tensors[0]

    @staticmethod
    def backward(ctx, *grads):
        new = ctx.state.call_hooks(grads)
        return (None,) + tuple(new)


class BackwardHookState:
    def __init__(self, module):
        self.module = module
        self.grad_outputs = None
        self.n_inputs = 0
        self.n_args = 0

    def call_hooks(self, grad_inputs):
        for hook in list(self.module._backward_hooks.values()):
            res = hook(self.module, tuple(grad_inputs), tuple(self.grad_outputs))
            if res is not None:
                grad_inputs = res if isinstance(res, tuple) else (res,)
        return grad_inputs

    def wrap_inputs(self, args):
        idx = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
        self.n_args = len([a for a in args if isinstance(a, Tensor)])
        self.n_inputs = len(idx)
        if not idx:
            return args
        wrapped = _InputsHook.apply(self, *(args[i] for i in idx))
        wrapped = wrapped if isinstance(wrapped, tuple) else (wrapped,)
        args = list(args)
        for i, w in zip(idx, wrapped):
            args[i] = w
        return tuple(args)

    def wrap_outputs(self, out):
        single = isinstance(out, Tensor)
        outs = (out,) if single else out
        if not isinstance(outs, tuple) or not any(isinstance(o, Tensor) and o.requires_grad
                                                  for o in outs):
            return out
        res = _OutputsHook.apply(self, *outs)
        return res

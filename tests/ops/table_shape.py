"""Op-table entries for views and shape changes (ember/ops/shape.py)."""
from tests.ops.opinfo import OpInfo, Sample, randn, register, unary


def one(*shapes):
    return lambda rng: [Sample((randn(rng, *s),)) for s in shapes]


register(
    OpInfo("Tensor.view", lambda lib, a: a.view(-1, 4), one((2, 3, 4), (4,)), gradgrad=True),
    OpInfo("Tensor.view", lambda lib, a: a.view((3, 1, 8)), one((2, 3, 4))),
    OpInfo("Tensor.view", lambda lib, a: a.transpose(0, 1).view(3, 2, 2, 2), one((2, 3, 4))),
    OpInfo("Tensor.view", lambda lib, a: a.view(()), one((1,), (1, 1))),
    OpInfo("Tensor.view(dtype)", lambda lib, a: a.view(lib.int32), one((2, 3), ()), grad=False),
    OpInfo("Tensor.view(dtype)", lambda lib, a: a.view(lib.float16), one((2, 3)), grad=False),
    OpInfo("Tensor.view_as", lambda lib, a, b: a.view_as(b),
           lambda rng: [Sample((randn(rng, 2, 6), randn(rng, 3, 4)), grad=(0,))]),
    OpInfo("reshape", lambda lib, a: lib.reshape(a.transpose(0, 1), (-1,)), one((2, 3, 4)),
           gradgrad=True),
    OpInfo("reshape", lambda lib, a: a.reshape(2, -1, 2), one((2, 3, 4))),
    OpInfo("reshape", lambda lib, a: a.reshape(()), one((), (1,))),
    OpInfo("reshape", lambda lib, a: a.reshape(0, 3), one((0, 3), (3, 0))),
    OpInfo("Tensor.reshape_as", lambda lib, a, b: a.t().reshape_as(b),
           lambda rng: [Sample((randn(rng, 6, 2), randn(rng, 3, 4)), grad=(0,))]),
    OpInfo("flatten", lambda lib, a: lib.flatten(a), one((), (3,), (2, 3, 4))),
    OpInfo("flatten", lambda lib, a: lib.flatten(a, 1), one((2, 3, 4), (2, 3))),
    OpInfo("flatten", lambda lib, a: a.transpose(0, 2).flatten(0, -2), one((2, 3, 4))),
    OpInfo("flatten", lambda lib, a: a.flatten(1, 1), one((2, 3, 4))),
    OpInfo("unflatten", lambda lib, a: lib.unflatten(a, 1, (2, -1)), one((3, 4), (3, 4, 2))),
    OpInfo("unflatten", lambda lib, a: a.unflatten(-1, (1, 4, 1)), one((3, 4))),
    OpInfo("ravel", lambda lib, a: lib.ravel(a), one((), (2, 3))),
    OpInfo("ravel", lambda lib, a: a.t().ravel(), one((2, 3))),
    OpInfo("Tensor.expand", lambda lib, a: a.expand(2, 3, 4), one((3, 1), (4,), (), (2, 3, 4)),
           gradgrad=True),
    OpInfo("Tensor.expand", lambda lib, a: a.expand(-1, 0), one((3, 1))),
    OpInfo("Tensor.expand", lambda lib, a: a.expand(1, -1, 5), one((3, 1))),
    OpInfo("Tensor.expand_as", lambda lib, a, b: a.expand_as(b),
           lambda rng: [Sample((randn(rng, 3, 1), randn(rng, 2, 3, 4)), grad=(0,))]),
    OpInfo("permute", lambda lib, a: a.permute(-1, 0, 1), one((2, 3, 4)), gradgrad=True),
    OpInfo("permute", lambda lib, a: lib.permute(a, ()), one(())),
    OpInfo("transpose", lambda lib, a: a.transpose(1, -1), one((2, 3, 4))),
    OpInfo("transpose", lambda lib, a: lib.swapaxes(a, 0, 0), one((), (3,)),
           covers=("swapaxes",)),
    OpInfo("t", lambda lib, a: a.t(), one((), (3,), (3, 4))),
    OpInfo("Tensor.T", lambda lib, a: (a.T, a.mT, a.mT.mT), one((3, 4))),
    OpInfo("Tensor.mT", lambda lib, a: a.mT, one((2, 3, 4))),
    OpInfo("Tensor.t_", lambda lib, a: (a * 1).t_(), one((3,), (3, 4))),
    OpInfo("Tensor.transpose_", lambda lib, a: (a * 1).transpose_(0, -1), one((2, 3, 4))),
    OpInfo("movedim", lambda lib, a: lib.movedim(a, 0, -1), one((2, 3, 4)),
           covers=("moveaxis",)),
    OpInfo("movedim", lambda lib, a: lib.moveaxis(a, (0, 1), (2, 0)), one((2, 3, 4))),
    OpInfo("movedim", lambda lib, a: a.movedim((), ()), one((2, 3))),
    OpInfo("squeeze", lambda lib, a: lib.squeeze(a), one((1, 3, 1), (1,), (), (2, 3))),
    OpInfo("squeeze", lambda lib, a: a.squeeze(0), one((1, 3, 1), (2, 3), ())),
    OpInfo("squeeze", lambda lib, a: a.squeeze((0, -1)), one((1, 3, 1), (1, 3, 2))),
    OpInfo("unsqueeze", lambda lib, a: lib.unsqueeze(a, 0), one((), (3,), (2, 3)),
           gradgrad=True),
    OpInfo("unsqueeze", lambda lib, a: a.unsqueeze(-1).unsqueeze(1), one((), (3,), (2, 3))),
    OpInfo("Tensor.squeeze_", lambda lib, a: (a * 1).squeeze_(), one((1, 3, 1))),
    OpInfo("Tensor.squeeze_", lambda lib, a: (a * 1).squeeze_(-1), one((1, 3, 1))),
    OpInfo("Tensor.squeeze_", lambda lib, a: (a * 1).squeeze_((0, 2)), one((1, 3, 1))),
    OpInfo("Tensor.unsqueeze_", lambda lib, a: (a * 1).unsqueeze_(1), one((2, 3), (3,))),
    OpInfo("select", lambda lib, a: lib.select(a, 1, -1), one((2, 3, 4), (3, 4)),
           gradgrad=True),
    OpInfo("select", lambda lib, a: a.select(0, 2), one((3,))),
    OpInfo("narrow", lambda lib, a: lib.narrow(a, 1, 1, 2), one((2, 3, 4), (2, 3)),
           gradgrad=True),
    OpInfo("narrow", lambda lib, a: a.narrow(-1, -3, 0), one((2, 3))),
    OpInfo("unbind", lambda lib, a: lib.unbind(a, 1), one((2, 3, 4), (2, 3)), gradgrad=True),
    OpInfo("unbind", lambda lib, a: a.unbind(), one((3,), (0, 2))),
    OpInfo("split", lambda lib, a: lib.split(a, 2, 1), one((2, 5, 3), (3, 4)), gradgrad=True),
    OpInfo("split", lambda lib, a: a.split([1, 0, 3], -1), one((2, 4))),
    OpInfo("split", lambda lib, a: a.split(10), one((3,), (0, 2))),
    OpInfo("split", lambda lib, a: [p * (i + 1) for i, p in enumerate(a.split(1))], one((3, 2))),
    OpInfo("chunk", lambda lib, a: lib.chunk(a, 4, -1), one((2, 5), (2, 6), (2, 13), (2, 0))),
    OpInfo("chunk", lambda lib, a: a.chunk(1), one((3,))),
    OpInfo("tensor_split", lambda lib, a: lib.tensor_split(a, 3, 1), one((2, 5), (2, 7))),
    OpInfo("tensor_split", lambda lib, a: a.tensor_split([1, 4, 2, 9], dim=-1), one((2, 5))),
    OpInfo("tensor_split", lambda lib, a: a.tensor_split(sections=2), one((5,))),
)

# Views followed by in-place writes through them (no_grad) and then math on the base.
register(
    OpInfo("Tensor.view", lambda lib, a: _write_through(lib, a), unary(shapes=((2, 3),)),
           grad=False),
)


def _write_through(lib, a):
    b = a.detach().clone()
    with lib.no_grad():
        b.view(-1).narrow(0, 0, 2).mul_(10)
        b.t().select(0, 2).fill_(-1)
        b.unsqueeze(0).narrow(2, 1, 1).zero_()
    return b

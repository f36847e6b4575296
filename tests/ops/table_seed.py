"""Op-table entries written with the core (the families' helpers extend their own tables)."""
from tests.ops.opinfo import OpInfo, Sample, binary, randn, register, unary

register(
    OpInfo("add", lambda lib, a, b: lib.add(a, b), binary(), gradgrad=True),
    OpInfo("add", lambda lib, a, b: lib.add(a, b, alpha=2.5), binary()),
    OpInfo("sub", lambda lib, a, b: a - b, binary(), covers=("subtract",)),
    OpInfo("rsub", lambda lib, a: 2 - a, unary()),
    OpInfo("mul", lambda lib, a, b: lib.mul(a, b), binary(), covers=("multiply",), gradgrad=True),
    OpInfo("div", lambda lib, a, b: a / b, binary(), covers=("divide", "true_divide")),
    OpInfo("neg", lambda lib, a: -a, unary(), covers=("negative",)),
    OpInfo("exp", lambda lib, a: lib.exp(a), unary(), gradgrad=True),
    OpInfo("sum", lambda lib, a: lib.sum(a), unary(), gradgrad=True),
    OpInfo("sum", lambda lib, a, **kw: a.sum(**kw),
           lambda rng: [Sample((randn(rng, 3, 4),), {"dim": 1}),
                        Sample((randn(rng, 2, 3, 4),), {"dim": (0, 2), "keepdim": True})]),
    OpInfo("reshape", lambda lib, a: lib.reshape(a, (4, -1)),
           lambda rng: [Sample((randn(rng, 2, 3, 4),))]),
    OpInfo("t", lambda lib, a: lib.t(a), unary(shapes=((3,), (3, 4)))),
    OpInfo("transpose", lambda lib, a: lib.transpose(a, 0, -1), unary(shapes=((3, 4), (2, 3, 4))),
           covers=("swapaxes", "swapdims")),
    OpInfo("permute", lambda lib, a: lib.permute(a, (2, 0, 1)), unary(shapes=((2, 3, 4),))),
    OpInfo("squeeze", lambda lib, a: lib.squeeze(a), unary(shapes=((1, 3, 1),))),
    OpInfo("unsqueeze", lambda lib, a: lib.unsqueeze(a, -1), unary()),
)

register(OpInfo("clone", lambda lib, a: lib.clone(a), unary(), gradgrad=True))

"""The op table: one entry per public op, checked against PyTorch by ``test_op_table.py``.

An entry's ``op(lib, *args, **kwargs)`` is written once and called with ``lib=ember`` and with
``lib=torch``, since the two APIs are the same. Sample arguments are NumPy arrays (turned into
tensors of the library under test, float ones requiring grad) or plain Python values.

    OpInfo("exp", lambda lib, x: lib.exp(x), samples=unary())
"""
from dataclasses import dataclass, field
from typing import Callable

import numpy as np


@dataclass
class Sample:
    args: tuple
    kwargs: dict = field(default_factory=dict)
    grad: tuple = None  # indices of array args that require grad (default: all float arrays)


@dataclass
class OpInfo:
    name: str                      # the public name it covers, e.g. "exp", "Tensor.exp_"
    op: Callable                   # op(lib, *args, **kwargs)
    samples: Callable              # samples(rng) -> list[Sample]
    covers: tuple = ()             # further public names this entry exercises (aliases)
    grad: bool = True              # compare gradients with torch.autograd.grad
    gradcheck: bool = True         # finite differences in float64
    gradgrad: bool = False         # second derivatives too
    atol: float = 1e-5
    rtol: float = 1.3e-5
    check_dtype: bool = True
    # Ops whose outputs are only comparable after a transform (e.g. eigenvector signs):
    compare: Callable = None       # compare(ember_out_np, torch_out_np) -> None (asserts)


def randn(rng, *shape, dtype=np.float32):
    return rng.standard_normal(shape).astype(dtype)


def positive(rng, *shape, dtype=np.float32, low=0.1, high=2.0):
    return rng.uniform(low, high, shape).astype(dtype)


def unary(make=randn, shapes=((), (5,), (3, 4), (2, 3, 4))):
    """Samples for a one-tensor op over a few shapes, including a 0-d tensor."""
    return lambda rng: [Sample((make(rng, *s),)) for s in shapes]


def binary(make=randn, shapes=(((3, 4), (3, 4)), ((3, 4), (4,)), ((2, 1, 4), (3, 1)),
                               ((), (3,)))):
    """Samples for a two-tensor op, with broadcasting."""
    return lambda rng: [Sample((make(rng, *a), make(rng, *b))) for a, b in shapes]


TABLE = []


def register(*entries):
    TABLE.extend(entries)

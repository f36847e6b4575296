"""Tensor contractions: einsum, tensordot and inner (re-exported by ops/linalg.py).

Example:
    >>> import ember
    >>> x, y = ember.ones(2, 3, 4), ember.ones(2, 4, 5)
    >>> ember.einsum('bij,bjk->bik', x, y).shape
    torch.Size([2, 3, 5])
    >>> ember.tensordot(ember.ones(3, 4), ember.ones(4, 5), dims=1).shape
    torch.Size([3, 5])
"""
import functools
import math

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ._util import dtype_mismatch_error, write_out, wrap_dim
from .binary import mul
from .matmul import _check_tensors, mm
from .shape import permute, reshape

__all__ = ["einsum", "tensordot", "inner"]

TENSOR_METHODS = ["inner"]



# -- einsum ----------------------------------------------------------------------------------------
# Labels are ints: letters by torch's order (A-Z then a-z, so implicit outputs sort as torch's
# do), ellipsis dimensions 52, 53, ... right-aligned across operands. Operands are contracted
# left to right, each pair as one (batched) matmul; the backward of operand k is an einsum of the
# output gradient with the other operands (identity matrices restore repeated labels, ones
# vectors the labels that only operand k has), so gradients of gradients are einsums too.

_LABEL = {c: i for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")}
_ELL = 52


def _einsum_error(msg):
    return RuntimeError("einsum(): " + msg)


def _parse_term(eq, start, stop, k):
    """Labels of one term of ``eq[start:stop]``; the ellipsis is returned as None."""
    labels, i = [], start
    while i < stop:
        c = eq[i]
        if c == " ":
            i += 1
            continue
        if c == ".":
            if eq[i:i + 3] != "..." or i + 3 > stop:
                raise _einsum_error(f"found '.' for operand {k} that is not part of any ellipsis")
            if None in labels:
                raise _einsum_error(f"found '.' for operand {k} for which an ellipsis was already "
                                    "found")
            labels.append(None)
            i += 3
            continue
        if c not in _LABEL:
            raise _einsum_error(f"invalid subscript given at index {i} in the equation string, "
                                "subscripts must be in [a-zA-Z]")
        labels.append(_LABEL[c])
        i += 1
    return labels


@functools.lru_cache(maxsize=256)
def _parse_einsum(eq, ndims):
    """``(terms, out)``: each operand's labels and the output's, for operands of ``ndims``."""
    arrow = eq.find("->")
    lhs_end = arrow if arrow >= 0 else len(eq)
    raw, start = [], 0
    for i in range(lhs_end + 1):
        if i == lhs_end or eq[i] == ",":
            raw.append(_parse_term(eq, start, i, len(raw)))
            start = i + 1
    if len(raw) > len(ndims):
        raise _einsum_error("fewer operands were provided than specified in the equation")
    if len(raw) < len(ndims):
        raise _einsum_error("more operands were provided than specified in the equation")
    ell = 0
    for k, (labels, nd) in enumerate(zip(raw, ndims)):
        n = len(labels) - (None in labels)
        if None in labels:
            if n > nd:
                raise _einsum_error(f"the number of subscripts in the equation ({n}) is more than "
                                    f"the number of dimensions ({nd}) for operand {k}")
            ell = max(ell, nd - n)
        elif n != nd:
            raise _einsum_error(f"the number of subscripts in the equation ({n}) does not match "
                                f"the number of dimensions ({nd}) for operand {k} and no "
                                "ellipsis was given")
    ell_labels = tuple(range(_ELL, _ELL + ell))
    terms = []
    for labels, nd in zip(raw, ndims):
        if None in labels:
            i = labels.index(None)
            e = nd - (len(labels) - 1)
            labels = labels[:i] + list(ell_labels[ell - e:]) + labels[i + 1:]
        terms.append(tuple(labels))
    counts = {}
    for t in terms:
        for lab in t:
            counts[lab] = counts.get(lab, 0) + 1
    if arrow >= 0:
        out = _parse_term(eq, arrow + 2, len(eq), "output")
        for j, c in enumerate(eq[arrow + 2:]):
            if c in "->":
                raise _einsum_error(f"invalid subscript given at index {arrow + 2 + j} in the "
                                    "equation string, subscripts must be in [a-zA-Z]")
        seen = set()
        letters = {v: c for c, v in _LABEL.items()}
        for lab in out:
            if lab is None:
                continue
            if lab not in counts:
                raise _einsum_error(f"output subscript {letters[lab]} does not appear in the "
                                    "equation for any input operand")
            if lab in seen:
                raise _einsum_error(f"output subscript {letters[lab]} appears more than once in "
                                    "the output")
            seen.add(lab)
        if None in out:
            i = out.index(None)
            out = out[:i] + list(ell_labels) + out[i + 1:]
    else:
        out = list(ell_labels) + sorted(lab for lab, c in counts.items() if c == 1 and lab < _ELL)
    return tuple(terms), tuple(out)


def _einsum_sizes(operands, terms):
    """Check label sizes (equal or 1, which broadcasts) and repeated labels within an operand."""
    letters = {v: c for c, v in _LABEL.items()}
    sizes = {}
    for k, (op, term) in enumerate(zip(operands, terms)):
        own = {}
        for lab, s in zip(term, op._data.shape):
            if lab in own:
                if own[lab] != s:
                    raise _einsum_error(f"subscript {letters[lab]} is repeated for operand {k} but "
                                        f"the sizes don't match, {s} != {own[lab]}")
                continue
            own[lab] = s
            prev = sizes.get(lab)
            if prev is None or prev == 1:
                sizes[lab] = s
            elif s != prev and s != 1:
                if lab >= _ELL:
                    raise _einsum_error("operands do not broadcast with remapped shapes "
                                        "(original->remapped): " + " ".join(
                                            str(list(o._data.shape)) for o in operands))
                raise _einsum_error(f"subscript {letters[lab]} has size {s} for operand {k} which "
                                    f"does not broadcast with previously seen size {prev}")
    return sizes


def _einsum_one(xp, arr, term, keep):
    """Take the diagonals of repeated labels and sum the labels not in ``keep`` (one operand)."""
    local = {}
    for lab in term:
        local.setdefault(lab, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(local)])
    spec = "".join(local[lab] for lab in term) + "->" + "".join(local[lab] for lab in keep)
    return xp.einsum(spec, arr)


def _einsum_pair(xp, a, ta, b, tb, later):
    """Contract two labelled arrays, keeping the labels in ``later``, as one matmul."""
    sb = set(tb)
    drop = tuple(i for i, lab in enumerate(ta) if lab not in sb and lab not in later)
    if drop:
        a, ta = a.sum(axis=drop), tuple(lab for lab in ta if lab in sb or lab in later)
    sa = set(ta)
    drop = tuple(i for i, lab in enumerate(tb) if lab not in sa and lab not in later)
    if drop:
        b, tb = b.sum(axis=drop), tuple(lab for lab in tb if lab in sa or lab in later)
    batch = [lab for lab in ta if lab in sb and lab in later]
    contract = [lab for lab in ta if lab in sb and lab not in later]
    free_a = [lab for lab in ta if lab not in sb]
    free_b = [lab for lab in tb if lab not in sa]
    for lab in contract:  # a size-1 contracted label broadcasts: sum the other side over it
        i, j = ta.index(lab), tb.index(lab)
        if a.shape[i] != b.shape[j]:
            if a.shape[i] == 1:
                b = b.sum(axis=j, keepdims=True)
            else:
                a = a.sum(axis=i, keepdims=True)
    a = a.transpose([ta.index(lab) for lab in batch + free_a + contract])
    b = b.transpose([tb.index(lab) for lab in batch + contract + free_b])
    nb = len(batch)
    fa_shape = a.shape[nb:nb + len(free_a)]
    fb_shape = b.shape[nb + len(contract):]
    k = math.prod(a.shape[nb + len(free_a):])
    a = a.reshape(a.shape[:nb] + (math.prod(fa_shape), k))
    b = b.reshape(b.shape[:nb] + (k, math.prod(fb_shape)))
    r = xp.matmul(a, b)
    return r.reshape(r.shape[:-2] + fa_shape + fb_shape), tuple(batch + free_a + free_b)


def _einsum_arrays(xp, arrays, terms, out):
    n = len(arrays)
    ops = []
    for k in range(n):
        arr, term = arrays[k], terms[k]
        keep = set(out).union(*(terms[j] for j in range(n) if j != k))
        uniq = tuple(dict.fromkeys(term))
        kept = tuple(lab for lab in uniq if lab in keep)
        if len(kept) != len(term):
            arr, term = _einsum_one(xp, arr, term, kept), kept
        ops.append((arr, term))
    arr, term = ops[0]
    for k in range(1, n):
        later = set(out).union(*(ops[j][1] for j in range(k + 1, n)))
        arr, term = _einsum_pair(xp, arr, term, ops[k][0], ops[k][1], later)
    if term != out:
        arr = arr.transpose([term.index(lab) for lab in out])
    if arr.dtype != arrays[0].dtype:  # sums of bools/small ints widen in NumPy; torch keeps dtype
        arr = arr.astype(arrays[0].dtype)
    elif n == 1 and xp.may_share_memory(arr, arrays[0]):
        arr = arr.copy()
    return arr


class Einsum(Op):
    name_ = "ViewBackward0"

    @classmethod
    def apply(cls, *tensors, terms, out):
        result = super().apply(*tensors, terms=terms, out=out)
        if result.grad_fn is not None and result.grad_fn.__class__ is cls:
            result.grad_fn.save_for_backward(*tensors)
        return result

    @staticmethod
    def forward(ctx, *arrays, terms, out):
        ctx.terms, ctx.out = terms, out
        ctx.sizes = {lab: s for a, t in zip(arrays, terms) for lab, s in zip(t, a.shape)
                     if s != 1} if len(arrays) > 1 else {}
        return _einsum_arrays(ctx.xp, arrays, terms, out)

    @staticmethod
    def backward(ctx, grad):
        saved = ctx.saved_tensors
        terms, out = ctx.terms, ctx.out
        xp, dt = ctx.xp, grad._data.dtype
        fresh = max([_ELL + 64] + [lab for t in terms for lab in t]) + 1
        grads = []
        for k, need in enumerate(ctx.needs_input_grad):
            if not need:
                grads.append(None)
                continue
            ops = [grad] + [saved[j] for j in range(len(saved)) if j != k]
            subs = [out] + [terms[j] for j in range(len(saved)) if j != k]
            shape = saved[k]._data.shape
            size = {lab: ctx.sizes.get(lab, s) for lab, s in zip(terms[k], shape)}
            target, seen = [], set()
            for lab in terms[k]:
                if lab in seen:  # a repeated label (a diagonal): scatter back with an identity
                    ops.append(_wrap(xp.eye(size[lab], dtype=dt)))
                    subs.append((lab, fresh))
                    target.append(fresh)
                    size[fresh] = size[lab]
                    fresh += 1
                else:
                    target.append(lab)
                    seen.add(lab)
            present = set().union(*subs)
            for lab in target:
                if lab not in present:  # summed in forward and seen nowhere else: broadcast
                    ops.append(_wrap(xp.ones(size[lab], dtype=dt)))
                    subs.append((lab,))
            g = Einsum.apply(*ops, terms=tuple(subs), out=tuple(target))
            full = tuple(size[lab] for lab in target)
            if g._data.shape != full:  # a size-1 label that broadcast in forward
                g = g.expand(full)
            grads.append(g)
        return tuple(grads)


class EinsumSum(Einsum):
    name_ = "SumBackward1"


def einsum(*args):
    """Sum of products over the labelled dimensions of ``operands``, e.g. a batched matmul:
    ``ember.einsum('bij,bjk->bik', x, y)``. Also takes a list of operands, ``...`` for
    broadcast dimensions, and the sublist format ``einsum(x, [0, 1], y, [1, 2], [0, 2])``.
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    eq = args[0]
    if isinstance(eq, str):
        operands = args[1:]
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = tuple(operands[0])
    else:
        eq, operands = _sublist_equation(args)
    if not operands:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    for op in operands:
        if not isinstance(op, Tensor):
            raise TypeError(f"einsum(): expected Tensor operands, got {type(op).__name__}")
    terms, out = _parse_einsum(eq, tuple(op._data.ndim for op in operands))
    dt = operands[0]._data.dtype
    for op in operands[1:]:
        if op._data.dtype != dt:
            raise dtype_mismatch_error(dt, op._data.dtype)
    _einsum_sizes(operands, terms)
    if len(operands) == 1:
        term = terms[0]
        if len(set(term)) == len(term) and set(term) == set(out):  # a pure permutation: a view
            return permute(operands[0], [term.index(lab) for lab in out])
        return EinsumSum.apply(operands[0], terms=terms, out=out)
    return Einsum.apply(*operands, terms=terms, out=out)


def _sublist_equation(args):
    """Turn ``(op0, sub0, op1, sub1, ..., [out])`` into an equation string and operands."""
    def part(sub):
        s = ""
        for v in sub:
            if v is Ellipsis:
                s += "..."
            elif 0 <= v < 26:
                s += chr(ord("A") + v)
            elif 26 <= v < 52:
                s += chr(ord("a") + v - 26)
            else:
                raise ValueError(f"einsum(): subscript in subscript list is not within the valid "
                                 f"range [0, 52), got {v}")
        return s
    operands = args[0::2]
    subs = args[1::2]
    if len(args) % 2:  # an output sublist closes the list
        out = args[-1]
        operands = args[0:-1:2]
        eq = ",".join(part(s) for s in subs) + "->" + part(out)
    else:
        eq = ",".join(part(s) for s in subs)
    return eq, tuple(operands)



# -- tensordot, inner ------------------------------------------------------------------------------

def _as_dim_list(d):
    if isinstance(d, Tensor):
        d = d.tolist()
    return [int(d)] if isinstance(d, (int, np.integer)) else [int(x) for x in d]


def tensordot(a, b, dims=2, out=None):
    """Contract ``dims`` (an int, or a pair of dim lists) of ``a`` with those of ``b``.

    Example: ``ember.tensordot(x, y, dims=([1, 2], [0, 1]))``.
    """
    _check_tensors("tensordot", a, b)
    na, nb = a._data.ndim, b._data.ndim
    if isinstance(dims, Tensor):
        dims = dims.item() if dims._data.ndim == 0 else dims.tolist()
    if isinstance(dims, (int, np.integer)):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(na, nb):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        da, db = list(range(-dims, 0)), list(range(dims))
    else:
        if len(dims) != 2:
            raise RuntimeError("tensordot expects dims to be a pair of dim lists")
        da, db = _as_dim_list(dims[0]), _as_dim_list(dims[1])
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a._data.dtype != b._data.dtype:
        raise RuntimeError("both inputs should have same dtype")
    sa, sb = a._data.shape, b._data.shape
    wa = [wrap_dim(d, na) for d in da]
    wb = [wrap_dim(d, nb) for d in db]
    for i, (x, y) in enumerate(zip(wa, wb)):
        if sa[x] != sb[y]:
            if sb[y] == 1:  # a size-1 contracted dim broadcasts: sum the other side over it
                a = a.sum(x, keepdim=True)
            elif sa[x] == 1:
                b = b.sum(y, keepdim=True)
            else:
                raise RuntimeError(f"contracted dimensions need to match, but first has size "
                                   f"{sa[x]} in dim {da[i]} and second has size {sb[y]} in dim "
                                   f"{db[i]}")
    sa, sb = a._data.shape, b._data.shape
    free_a = [d for d in range(na) if d not in wa]
    free_b = [d for d in range(nb) if d not in wb]
    k = math.prod(sa[d] for d in wa)
    pa, pb = free_a + wa, wb + free_b
    if pa != list(range(na)):
        a = permute(a, pa)
    if pb != list(range(nb)):
        b = permute(b, pb)
    ra = reshape(a, (math.prod(sa[d] for d in free_a), k))
    rb = reshape(b, (k, math.prod(sb[d] for d in free_b)))
    r = reshape(mm(ra, rb), tuple(sa[d] for d in free_a) + tuple(sb[d] for d in free_b))
    return r if out is None else write_out(out, r)


def inner(input, other, *, out=None):
    """Sum of products over the last dimension of both tensors (0-d operands multiply)."""
    if input._data.ndim == 0 or other._data.ndim == 0:
        return write_out(out, mul(input, other))
    sa, sb = input._data.shape, other._data.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {list(sa)} and {list(sb)}")
    return write_out(out, tensordot(input, other, ([-1], [-1])))

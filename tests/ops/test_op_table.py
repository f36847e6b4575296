"""Walks the op table: every public op against PyTorch (values, dtype, shape, gradients) and by
finite differences in float64; fails when a public op has no entry."""
import importlib
import inspect
import pkgutil

import numpy as np
import pytest
import torch

import ember
import tests.ops as table_pkg
from tests.ops.opinfo import TABLE

for _m in pkgutil.iter_modules(table_pkg.__path__):
    if _m.name.startswith("table_"):
        importlib.import_module(f"tests.ops.{_m.name}")

_IDS = [f"{e.name}#{i}" for i, e in enumerate(TABLE)]


def _to_lib(lib, value, requires_grad, dtype=None):
    if isinstance(value, np.ndarray):
        arr = value.astype(dtype) if (dtype is not None and value.dtype.kind == "f") else value
        t = lib.from_numpy(arr.copy()) if lib is torch else lib.tensor(arr)
        if requires_grad and arr.dtype.kind == "f":
            t.requires_grad_(True)
        return t
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        return type(value)(_to_lib(lib, v, requires_grad, dtype) for v in value)
    return value


def _build(lib, sample, grad, dtype=None):
    wanted = sample.grad
    args = []
    for i, a in enumerate(sample.args):
        rg = grad and (wanted is None or i in wanted)
        args.append(_to_lib(lib, a, rg, dtype))
    kwargs = {k: _to_lib(lib, v, False, dtype) for k, v in sample.kwargs.items()}
    return args, kwargs


def _leaves(args):
    out = []
    for a in args:
        if isinstance(a, (list, tuple)):
            out.extend(_leaves(a))
        elif hasattr(a, "requires_grad") and a.requires_grad:
            out.append(a)
    return out


def _flatten(out):
    if isinstance(out, (list, tuple)):
        res = []
        for o in out:
            res.extend(_flatten(o))
        return res
    return [out]


def _np(x):
    if isinstance(x, ember.Tensor):
        return x.detach().numpy()
    if isinstance(x, torch.Tensor):
        return x.detach().numpy(force=True)  # force: torch's ZeroTensor gradients
    return np.asarray(x)


def _compare(entry, e_out, t_out):
    e_flat, t_flat = _flatten(e_out), _flatten(t_out)
    assert len(e_flat) == len(t_flat), f"{len(e_flat)} outputs, torch has {len(t_flat)}"
    for e, t in zip(e_flat, t_flat):
        if isinstance(t, torch.Tensor):
            assert isinstance(e, ember.Tensor), f"expected a Tensor, got {type(e).__name__}"
            if entry.check_dtype:
                assert repr(e.dtype) == str(t.dtype), f"dtype {e.dtype} != {t.dtype}"
            assert tuple(e.shape) == tuple(t.shape), f"shape {tuple(e.shape)} != {tuple(t.shape)}"
        if entry.compare is not None:
            entry.compare(_np(e), _np(t))
        else:
            en, tn = _np(e), _np(t)
            if en.dtype.kind in "fc" or tn.dtype.kind in "fc":
                np.testing.assert_allclose(en, tn, rtol=entry.rtol, atol=entry.atol,
                                           equal_nan=True)
            else:
                np.testing.assert_array_equal(en, tn)


@pytest.mark.parametrize("entry", TABLE, ids=_IDS)
def test_forward_and_grad_match_torch(entry):
    rng = np.random.default_rng(0)
    for sample in entry.samples(rng):
        e_args, e_kwargs = _build(ember, sample, entry.grad)
        t_args, t_kwargs = _build(torch, sample, entry.grad)
        e_out = entry.op(ember, *e_args, **e_kwargs)
        t_out = entry.op(torch, *t_args, **t_kwargs)
        _compare(entry, e_out, t_out)
        if not entry.grad:
            continue
        t_leaves, e_leaves = _leaves(t_args), _leaves(e_args)
        t_outs = [o for o in _flatten(t_out) if isinstance(o, torch.Tensor) and o.requires_grad]
        e_outs = [o for o in _flatten(e_out) if isinstance(o, ember.Tensor) and o.requires_grad]
        assert len(t_outs) == len(e_outs), "requires_grad of outputs differs from torch"
        if not t_leaves or not t_outs:
            continue
        cot = [rng.standard_normal(tuple(o.shape)).astype(_np(o).dtype) for o in t_outs]
        t_grads = torch.autograd.grad(t_outs, t_leaves, [torch.from_numpy(c) for c in cot],
                                      allow_unused=True)
        e_grads = ember.autograd.grad(e_outs, e_leaves, [ember.tensor(c) for c in cot],
                                      allow_unused=True)
        for eg, tg in zip(e_grads, t_grads):
            if tg is None:
                assert eg is None or not np.any(_np(eg)), "torch has no gradient here"
                continue
            assert eg is not None, "ember returned no gradient where torch has one"
            np.testing.assert_allclose(_np(eg), _np(tg), rtol=max(entry.rtol, 1e-4),
                                       atol=max(entry.atol, 1e-4))


_GRADCHECK = [e for e in TABLE if e.grad and e.gradcheck]


@pytest.mark.parametrize("entry", _GRADCHECK, ids=[e.name for e in _GRADCHECK])
def test_gradcheck_float64(entry):
    rng = np.random.default_rng(1)
    for sample in entry.samples(rng)[:2]:
        args, kwargs = _build(ember, sample, True, dtype=np.float64)
        leaves = _leaves(args)
        if not leaves:
            continue

        def fn(*leaf_values):
            return entry.op(ember, *args, **kwargs)
        assert ember.autograd.gradcheck(fn, tuple(leaves), atol=1e-5, rtol=1e-3)
        if entry.gradgrad:
            assert ember.autograd.gradgradcheck(fn, tuple(leaves), atol=1e-5, rtol=1e-3)


def _public_ops():
    """Names of public op functions: ember.<name> and ember.linalg.<name> from ember.ops."""
    names = set()
    for name in dir(ember):
        obj = getattr(ember, name)
        if inspect.isfunction(obj) and getattr(obj, "__module__", "").startswith("ember.ops."):
            names.add(name)
    for name in getattr(ember.linalg, "__all__", []):
        names.add("linalg." + name)
    return names


def test_every_public_op_has_an_entry():
    covered = set()
    for e in TABLE:
        covered.add(e.name)
        covered.update(e.covers)
    missing = sorted(_public_ops() - covered - _NOT_OPS)
    assert not missing, f"public ops without an op-table entry: {missing}"


# Public functions that are not tensor math (creation, predicates, dtype queries); they have
# their own tests in tests/core.
_NOT_OPS = {
    "tensor", "as_tensor", "asarray", "from_numpy", "from_dlpack", "zeros", "ones", "full",
    "empty", "zeros_like", "ones_like", "full_like", "empty_like", "eye", "arange", "range",
    "linspace", "logspace", "empty_strided", "scalar_tensor", "is_tensor", "numel",
    "is_floating_point", "is_complex", "complex",
}

"""ember.nn.utils against torch.nn.utils: gradient clipping and parameter/vector conversion."""
import numpy as np
import pytest
import torch

import ember


def _params(lib, scale=1.0, with_none=True, dtype="float32"):
    r = np.random.default_rng(0)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    ps = []
    for i, s in enumerate(shapes):
        p = lib.nn.Parameter(lib.tensor(r.standard_normal(s).astype(dtype)))
        p.grad = lib.tensor((r.standard_normal(s) * scale).astype(dtype))
        ps.append(p)
    if with_none:
        ps.append(lib.nn.Parameter(lib.ones(2, dtype=getattr(lib, dtype))))  # grad None
    return ps


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("max_norm,norm_type", [(1.0, 2.0), (100.0, 2), (0.5, 1.0),
                                                (0.3, float("inf")), (2.0, 3.0), (0.1, "inf")])
def test_clip_grad_norm(max_norm, norm_type, dtype):
    pe, pt = _params(ember, dtype=dtype), _params(torch, dtype=dtype)
    ne = ember.nn.utils.clip_grad_norm_(pe, max_norm, norm_type)
    nt = torch.nn.utils.clip_grad_norm_(pt, max_norm, norm_type)
    assert isinstance(ne, ember.Tensor) and ne.shape == nt.shape == ()
    assert str(ne.dtype) == repr(ne.dtype) and repr(ne.dtype) == str(nt.dtype)
    np.testing.assert_allclose(ne.item(), nt.item(), rtol=1e-6)
    for a, b in zip(pe, pt):
        if b.grad is None:
            assert a.grad is None
            continue
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-6, atol=1e-7)


def test_clip_grad_norm_single_tensor_generator_and_empty():
    pe, pt = _params(ember)[0], _params(torch)[0]
    ne = ember.nn.utils.clip_grad_norm_(pe, 0.5)
    nt = torch.nn.utils.clip_grad_norm_(pt, 0.5)
    np.testing.assert_allclose(ne.item(), nt.item(), rtol=1e-6)
    np.testing.assert_allclose(pe.grad.numpy(), pt.grad.numpy(), rtol=1e-6)
    lin = ember.nn.Linear(3, 2)
    lin(ember.ones(1, 3)).sum().backward()
    assert ember.nn.utils.clip_grad_norm_(lin.parameters(), 1e9).item() > 0
    with pytest.warns(UserWarning, match="empty generator"):
        n = ember.nn.utils.clip_grad_norm_((p for p in []), 1.0)
    assert n.item() == 0.0
    assert ember.nn.utils.clip_grad_norm_([ember.nn.Parameter(ember.ones(2))], 1.0).item() == 0


def test_clip_grad_norm_nonfinite():
    for lib in (ember, torch):
        ps = _params(lib)
        ps[0].grad[0, 0] = float("inf")
        with pytest.raises(RuntimeError, match="non-finite"):
            lib.nn.utils.clip_grad_norm_(ps, 1.0, error_if_nonfinite=True)
    pe, pt = _params(ember), _params(torch)
    pe[1].grad[0] = float("nan")
    pt[1].grad[0] = float("nan")
    ne = ember.nn.utils.clip_grad_norm_(pe, 1.0, foreach=True)
    nt = torch.nn.utils.clip_grad_norm_(pt, 1.0)
    assert np.isnan(ne.item()) and np.isnan(nt.item())
    for a, b in zip(pe[:3], pt[:3]):
        np.testing.assert_array_equal(np.isnan(a.grad.numpy()), np.isnan(b.grad.numpy()))


def test_clip_grad_norm_deprecated_alias():
    with pytest.warns(FutureWarning):
        ember.nn.utils.clip_grad_norm(_params(ember), 1.0)


@pytest.mark.parametrize("clip", [0.1, 1, 5.0])
def test_clip_grad_value(clip):
    pe, pt = _params(ember, scale=2.0), _params(torch, scale=2.0)
    assert ember.nn.utils.clip_grad_value_(pe, clip) is None
    torch.nn.utils.clip_grad_value_(pt, clip)
    for a, b in zip(pe, pt):
        if b.grad is not None:
            np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    single = _params(ember, scale=2.0)[0]
    ember.nn.utils.clip_grad_value_(single, 0.2)
    assert np.abs(single.grad.numpy()).max() <= np.float32(0.2)


def test_parameters_to_vector_and_back():
    ve = ember.nn.utils.parameters_to_vector(_params(ember, with_none=False))
    vt = torch.nn.utils.parameters_to_vector(_params(torch, with_none=False))
    np.testing.assert_array_equal(ve.detach().numpy(), vt.detach().numpy())
    assert ve.grad_fn is not None  # differentiable, as torch's (CatBackward0)
    pe, pt = _params(ember, with_none=False), _params(torch, with_none=False)
    new = np.arange(24, dtype=np.float32)
    ember.nn.utils.vector_to_parameters(ember.tensor(new), pe)
    torch.nn.utils.vector_to_parameters(torch.tensor(new), pt)
    for a, b in zip(pe, pt):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
        assert a.requires_grad
    with pytest.raises(TypeError, match="expected torch.Tensor"):
        ember.nn.utils.vector_to_parameters(new, pe)


def test_model_round_trip():
    ember.manual_seed(0)
    m = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.Linear(3, 2))
    v = ember.nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (4 * 3 + 3 + 3 * 2 + 2,)
    ember.nn.utils.vector_to_parameters(v * 0 + 1, m.parameters())
    assert all((p.detach().numpy() == 1).all() for p in m.parameters())

"""CUDA tests: run where CuPy and a GPU are present (the `device` machine), skipped elsewhere."""
import numpy as np
import pytest

import ember

pytestmark = [pytest.mark.cuda,
              pytest.mark.skipif(not ember.cuda.is_available(), reason="needs CuPy and a GPU")]


def test_move_compute_and_back():
    x = ember.arange(6.0).reshape(2, 3).cuda()
    assert x.device == ember.device("cuda:0") and x.is_cuda
    y = (x * 2 + 1).sum(dim=1)
    np.testing.assert_allclose(y.cpu().numpy(), [7.0, 25.0])
    assert "device='cuda:0'" in repr(y)


def test_autograd_on_gpu():
    w = ember.randn(3, 4, device="cuda", requires_grad=True)
    x = ember.randn(5, 3, device="cuda")
    (x @ w).exp().sum().backward()
    assert w.grad.device.type == "cuda"
    xn, wn = x.cpu().numpy(), w.detach().cpu().numpy()
    np.testing.assert_allclose(w.grad.cpu().numpy(), xn.T @ np.exp(xn @ wn), rtol=1e-4)


def test_mixing_devices_raises():
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device"):
        ember.ones(2).cuda() + ember.ones(2)

"""Tensor creation, attributes, conversions, the NumPy/DLPack bridge and devices vs torch."""
import numpy as np
import pytest
import torch

import ember


@pytest.mark.parametrize("data", [
    [1, 2, 3], [1.0, 2], [[True, False]], 3, 2.5, True, [], [[1, 2], [3, 4]],
    (2, 3, 5), [1, 2.5, True],
])
def test_tensor_infers_torch_dtype(data):
    e, t = ember.tensor(data), torch.tensor(data)
    assert repr(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("np_dtype", [np.float16, np.float32, np.float64, np.int8, np.int16,
                                      np.int32, np.int64, np.uint8, np.bool_])
def test_from_numpy_keeps_dtype_and_shares_memory(np_dtype):
    arr = np.zeros((2, 3), dtype=np_dtype)
    e = ember.from_numpy(arr)
    assert repr(e.dtype) == str(torch.from_numpy(arr).dtype)
    arr[0, 0] = 1
    assert e[0, 0].item() == 1
    e[1, 2] = 1
    assert arr[1, 2] == 1
    assert e.numpy() is arr


def test_from_numpy_rejects_unsupported_dtype():
    with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
        ember.from_numpy(np.zeros(2, dtype=np.uint16))


def test_np_asarray_and_dlpack():
    e = ember.arange(6.0).reshape(2, 3)
    assert np.shares_memory(np.asarray(e), e.numpy())
    back = ember.from_dlpack(np.arange(4.0))
    np.testing.assert_array_equal(back.numpy(), [0, 1, 2, 3])
    t = torch.from_dlpack(e)
    t[0, 0] = 42
    assert e[0, 0].item() == 42
    src = torch.arange(3.0)
    e2 = ember.from_dlpack(src)
    src[1] = -1
    assert e2[1].item() == -1


def test_numpy_refuses_grad_tensors():
    with pytest.raises(RuntimeError, match="detach"):
        ember.ones(2, requires_grad=True).numpy()


@pytest.mark.parametrize("make", [
    lambda lib: lib.zeros(2, 3), lambda lib: lib.ones((2, 3), dtype=lib.int64),
    lambda lib: lib.full((2, 2), 7), lambda lib: lib.full((2,), 1.5),
    lambda lib: lib.full((1,), True),
    lambda lib: lib.eye(3), lambda lib: lib.eye(2, 4), lambda lib: lib.arange(5),
    lambda lib: lib.arange(1, 4, 0.5), lambda lib: lib.arange(0, 1, 0.1),
    lambda lib: lib.arange(10, 0, -3), lambda lib: lib.linspace(0, 1, 7),
    lambda lib: lib.linspace(-3, 10, 50), lambda lib: lib.linspace(0, 10, 5, dtype=lib.int64),
    lambda lib: lib.logspace(0, 3, 4), lambda lib: lib.logspace(0, 2, 3, base=2),
    lambda lib: lib.zeros_like(lib.ones(2, dtype=lib.float64)),
    lambda lib: lib.ones_like(lib.ones(2, 2)), lambda lib: lib.full_like(lib.ones(3), 4),
    lambda lib: lib.ones(2, 2).new_zeros(3), lambda lib: lib.ones(2).new_full((2,), 3.0),
    lambda lib: lib.tensor([1, 2]).new_ones(2), lambda lib: lib.scalar_tensor(3),
    lambda lib: lib.Tensor([1, 2]), lambda lib: lib.Tensor(2, 3).zero_(),
])
def test_creation_matches_torch(make):
    e, t = make(ember), make(torch)
    assert repr(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    # linspace can differ from torch's vectorised kernel in the last bit of a few elements.
    np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=3e-7, atol=0)


def test_creation_errors():
    with pytest.raises(RuntimeError, match="negative dimension"):
        ember.zeros(-1)
    with pytest.raises(RuntimeError):
        ember.arange(0, 5, 0)


def test_attributes_match_torch():
    for make in (lambda lib: lib.zeros(2, 3, 4), lambda lib: lib.zeros(2, 3, 4).permute(2, 0, 1),
                 lambda lib: lib.zeros(3, 4).t(), lambda lib: lib.zeros(4, 1).expand(4, 5)):
        e, t = make(ember), make(torch)
        assert e.stride() == t.stride()
        assert e.is_contiguous() == t.is_contiguous()
        assert e.size() == t.size() and e.size(-1) == t.size(-1)
        assert e.dim() == t.dim() and e.numel() == t.numel()
        assert e.element_size() == t.element_size()
    assert repr(ember.zeros(2, 3).shape) == "torch.Size([2, 3])"
    assert ember.ones(3, 4).T.shape == (4, 3) and ember.ones(2, 3, 4).mT.shape == (2, 4, 3)
    assert ember.ones(2, dtype=ember.int16).element_size() == 2


def test_conversions():
    e = ember.tensor([[1.5, 2.0]])
    assert e.tolist() == [[1.5, 2.0]] and e[0, 0].item() == 1.5
    assert float(ember.tensor(2.5)) == 2.5 and int(ember.tensor(3)) == 3
    with pytest.raises(RuntimeError, match="cannot be converted to Scalar"):
        e.item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ember.ones(2))
    assert e.type() == "torch.FloatTensor" and e.long().type() == "torch.LongTensor"
    for name in ("float", "double", "half", "long", "int", "short", "byte", "bool", "char"):
        t = torch.tensor([[1.5, 2.0]])
        assert repr(getattr(e, name)().dtype) == str(getattr(t, name)().dtype)
    assert len(ember.zeros(4, 2)) == 4
    assert [r.tolist() for r in ember.tensor([[1, 2], [3, 4]])] == [[1, 2], [3, 4]]
    assert f"{ember.tensor(3.14159):.2f}" == "3.14"


def test_to_and_devices():
    e = ember.ones(2)
    assert e.to(ember.float64).dtype is ember.float64
    assert e.to("cpu") is e and e.cpu() is e
    assert e.to(ember.zeros(1, dtype=ember.int32)).dtype is ember.int32
    assert ember.device("cuda:1") == ember.device("cuda", 1)
    assert repr(ember.device("cuda:0")) == "device(type='cuda', index=0)"
    assert str(ember.device("cpu")) == "cpu" and e.device == ember.device("cpu")
    with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
        ember.device("gpu")


@pytest.mark.skipif(ember.cuda.is_available(), reason="checks the no-GPU behaviour")
def test_cuda_without_gpu_gives_a_clear_error():
    assert ember.cuda.device_count() == 0
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        ember.ones(2).cuda()
    with pytest.raises(RuntimeError, match="CUDA is not available"):
        ember.zeros(2, device="cuda")


def test_default_dtype():
    assert ember.get_default_dtype() is ember.float32
    ember.set_default_dtype(ember.float64)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64
        assert ember.arange(0, 1, 0.5).dtype is ember.float64
    finally:
        ember.set_default_dtype(ember.float32)
    with pytest.raises(TypeError):
        ember.set_default_dtype(ember.int64)


def test_dtype_objects():
    assert ember.float is ember.float32 and ember.long is ember.int64
    assert ember.double is ember.float64
    assert repr(ember.float32) == "torch.float32"
    assert ember.finfo(ember.float32).eps == torch.finfo(torch.float32).eps
    assert ember.iinfo(ember.int8).max == 127
    assert ember.float32.is_floating_point and not ember.int64.is_floating_point

"""ember.nn.init against torch.nn.init: after the same seed every initialiser draws
bit-identical values (orthogonal_ agrees to rounding: its QR runs on different LAPACKs)."""
import json
import math
import warnings

import numpy as np
import pytest
import torch

import ember

SEEDS = (0, 1, 42, 2**32 + 7)


def _run(lib, name, shape, dtype, seed, kwargs):
    lib.manual_seed(seed)
    t = lib.empty(*shape, dtype=getattr(lib, dtype))
    getattr(lib.nn.init, name)(t, **kwargs)
    after = lib.rand(1).item()  # the generator must be left in the same state
    return t.numpy(), after


CASES = [
    ("uniform_", (5, 7), {"a": -0.3, "b": 0.7}),
    ("uniform_", (3,), {}),
    ("normal_", (5, 7), {"mean": 0.5, "std": 2.0}),
    ("normal_", (3,), {"mean": -1.0, "std": 0.1}),
    ("xavier_uniform_", (30, 20), {"gain": 2.0}),
    ("xavier_uniform_", (8, 4, 3, 3), {}),
    ("xavier_normal_", (30, 20, 3), {}),
    ("kaiming_uniform_", (512, 784), {"a": math.sqrt(5)}),
    ("kaiming_uniform_", (16, 3, 3, 3), {"a": math.sqrt(5), "mode": "fan_out",
                                         "nonlinearity": "relu"}),
    ("kaiming_uniform_", (10, 6), {"a": 0.2, "mode": "FAN_IN"}),
    ("kaiming_normal_", (16, 3, 3, 3), {"mode": "fan_out", "nonlinearity": "relu"}),
    ("kaiming_normal_", (7, 3), {"nonlinearity": "tanh"}),
    ("trunc_normal_", (100, 30), {}),                       # rejection on normal draws
    ("trunc_normal_", (100, 30), {"std": 0.02}),
    ("trunc_normal_", (7,), {"mean": 0.3, "a": -0.5, "b": 3.1}),
    ("trunc_normal_", (50, 20), {"mean": 0.3, "a": 0.0, "b": 0.1}),   # uniform + accept test
    ("trunc_normal_", (9,), {"mean": 2.0, "std": 0.5, "a": -1.0, "b": 0.5}),
    ("constant_", (3, 2), {"val": 0.3}),
    ("ones_", (4,), {}),
    ("zeros_", (4,), {}),
    ("eye_", (3, 5), {}),
    ("eye_", (4, 2), {}),
    ("dirac_", (6, 4, 3, 3), {"groups": 2}),
    ("dirac_", (4, 2, 5), {}),
    ("dirac_", (2, 3, 3, 3, 3), {}),
    ("sparse_", (10, 6), {"sparsity": 0.3}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,shape,kwargs", CASES, ids=lambda v: str(v))
def test_bit_identical_to_torch(name, shape, kwargs, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in SEEDS:
            e, e_next = _run(ember, name, shape, dtype, seed, kwargs)
            t, t_next = _run(torch, name, shape, dtype, seed, kwargs)
            assert e.dtype == t.dtype
            np.testing.assert_array_equal(e, t, err_msg=f"seed {seed}")
            assert e_next == t_next, f"generator state differs after {name} (seed {seed})"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(5, 5), (5, 8), (8, 5), (64, 32), (3, 4, 5), (1, 7)])
def test_orthogonal_matches_torch(shape, dtype):
    for seed in SEEDS[:3]:
        e, e_next = _run(ember, "orthogonal_", shape, dtype, seed, {"gain": 1.5})
        t, t_next = _run(torch, "orthogonal_", shape, dtype, seed, {"gain": 1.5})
        assert e_next == t_next  # same normal draws
        tol = 1e-5 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(e, t, rtol=tol, atol=tol)
        flat = e.reshape(shape[0], -1) / 1.5
        gram = flat @ flat.T if flat.shape[0] <= flat.shape[1] else flat.T @ flat
        np.testing.assert_allclose(gram, np.eye(len(gram)), atol=1e-5)


def test_generator_argument():
    g_e, g_t = ember.Generator().manual_seed(5), torch.Generator().manual_seed(5)
    e = ember.nn.init.kaiming_normal_(ember.empty(6, 4), generator=g_e)
    t = torch.nn.init.kaiming_normal_(torch.empty(6, 4), generator=g_t)
    np.testing.assert_array_equal(e.numpy(), t.numpy())
    e = ember.nn.init.trunc_normal_(ember.empty(40), generator=g_e)
    t = torch.nn.init.trunc_normal_(torch.empty(40), generator=g_t)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3),
                                  ("selu",), ("conv_transpose3d",)])
def test_calculate_gain(args):
    assert ember.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)


def _error(fn):
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - we compare the type and message
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("call", [
    lambda lib: lib.nn.init.calculate_gain("softmax"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    lambda lib: lib.nn.init.xavier_uniform_(lib.empty(3)),
    lambda lib: lib.nn.init.kaiming_normal_(lib.empty(3, 2), mode="fan_avg"),
    lambda lib: lib.nn.init.eye_(lib.empty(3)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 3)),
    lambda lib: lib.nn.init.dirac_(lib.empty(3, 3, 3), groups=2),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(3)),
    lambda lib: lib.nn.init.sparse_(lib.empty(3, 3, 3), 0.1),
])
def test_errors_match_torch(call):
    got, want = _error(lambda: call(ember)), _error(lambda: call(torch))
    assert want is not None and got == want


def test_fan_in_and_fan_out():
    for shape in [(3, 4), (8, 4, 3, 3), (2, 5, 7)]:
        assert (ember.nn.init._calculate_fan_in_and_fan_out(ember.empty(*shape))
                == torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape)))


def test_warnings_and_no_grad():
    with pytest.warns(UserWarning, match="zero-element"):
        ember.nn.init.kaiming_uniform_(ember.empty(0, 3))
    with pytest.warns(FutureWarning, match="deprecated"):
        ember.nn.init.normal(ember.empty(3))
    with pytest.warns(UserWarning, match="more than 2 std"):
        ember.nn.init.trunc_normal_(ember.empty(3), mean=10.0)
    p = ember.nn.Parameter(ember.empty(3, 4))
    out = ember.nn.init.xavier_uniform_(p)   # in place on a leaf that requires grad
    assert out is p and p.grad_fn is None and p.requires_grad
    ember.nn.init.orthogonal_(p)
    assert p.grad_fn is None


def test_linear_rng_vectors_from_spec():
    """§10 of torch-rng-spec.md: nn.Linear(784, 512) after manual_seed(0)."""
    vectors = json.load(open("/work/shared/torch-rng-vectors.json")) \
        if _has_vectors() else None
    ember.manual_seed(0)
    lin = ember.nn.Linear(784, 512)
    w, b = lin.weight.detach().numpy(), lin.bias.detach().numpy()
    got = list(w[0, :3]) + list(w[511, 781:]) + list(b[:3]) + list(b[509:])
    want = ["-0.000267386436", "0.0191587005", "-0.0293944702", "0.0102134179",
            "-0.0231570564", "0.0189698692", "0.0320428275", "0.0142053496", "0.0286328718",
            "0.0289436337", "0.00146053103", "0.0225824807"]
    if vectors is not None:
        for v in vectors:
            if v["call"].startswith("nn.Linear(784, 512)"):
                want = v["values"]
    assert [f"{x:.9g}" for x in got] == want
    assert f"{ember.rand(1).item():.9g}" == "0.745773733"


def _has_vectors():
    import os
    return os.path.exists("/work/shared/torch-rng-vectors.json")

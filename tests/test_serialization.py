"""ember.save / ember.load: PyTorch's checkpoint format both ways, safety, map_location, atomicity.

torch is the oracle: torch.load must read what ember.save writes and ember.load what torch.save
writes, with identical values, dtypes, shapes, Parameter-ness and requires_grad flags.
"""
import collections
import io
import os
import pathlib
import pickle
import struct
import sys
import zipfile

import numpy as np
import pytest
import torch

import ember
from ember._tensor import _wrap
from ember.serialization import load, save

from .core import _fake_cupy as fake

DTYPES = ["float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool",
          "complex64", "complex128"]


# -- helpers ---------------------------------------------------------------------------------------
def ember_sample(name, shape=(2, 3)):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape) * 50
    if name == "bool":
        a = a > 0
    elif name.startswith("complex"):
        a = a + 1j * rng.standard_normal(shape)
    return ember.tensor(a.astype(name))


def as_numpy(t):
    if isinstance(t, torch.Tensor):
        return t.detach().numpy()
    return t.detach().numpy() if t.is_cuda is False else t._data.get()


def same_tensor(e, t):
    """ember tensor ``e`` and torch tensor ``t`` hold the same values, dtype, shape, flags."""
    assert isinstance(e, ember.Tensor) and isinstance(t, torch.Tensor)
    assert str(e.dtype) == str(t.dtype)
    assert tuple(e.shape) == tuple(t.shape)
    assert e.requires_grad == t.requires_grad
    assert isinstance(e, ember.nn.Parameter) == isinstance(t, torch.nn.Parameter)
    np.testing.assert_array_equal(as_numpy(e), as_numpy(t))


def compare(e, t):
    """Walk an ember object and a torch object of the same structure."""
    if isinstance(t, torch.Tensor):
        same_tensor(e, t)
    elif isinstance(t, dict):
        assert type(e) is type(t) and list(e.keys()) == list(t.keys())
        for k in t:
            compare(e[k], t[k])
    elif isinstance(t, (list, tuple)):
        assert type(e) is type(t) or (isinstance(t, torch.Size) and isinstance(e, ember.Size))
        assert len(e) == len(t)
        for a, b in zip(e, t):
            compare(a, b)
    elif isinstance(t, torch.dtype):
        assert isinstance(e, ember.dtype) and str(e) == str(t)
    elif isinstance(t, torch.device):
        assert isinstance(e, ember.device) and str(e) == str(t)
    elif isinstance(t, float) and t != t:
        assert e != e
    else:
        assert type(e) is type(t) and e == t


def to_bytes(obj, saver=save, **kw):
    buf = io.BytesIO()
    saver(obj, buf, **kw)
    return buf.getvalue()


def zip_bytes(records, prefix="archive"):
    """A checkpoint-shaped zip with the given records (name -> bytes)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, data in records.items():
            zf.writestr(f"{prefix}/{name}", data)
    return buf.getvalue()


def rezip(data, **replace):
    """Copy a checkpoint, replacing some records (keys use '_' for '/' and '.')."""
    src = zipfile.ZipFile(io.BytesIO(data))
    prefix = src.namelist()[0].split("/")[0]
    records = {}
    for name in src.namelist():
        short = name.split("/", 1)[1]
        records[short] = replace.get(short, src.read(name))
    return zip_bytes(records, prefix)


def data_pkl(data):
    return zipfile.ZipFile(io.BytesIO(data)).read("archive/data.pkl")


def malicious(pkl):
    return zip_bytes({"data.pkl": pkl, "byteorder": b"little", "version": b"3\n"})


def _reduce_pickle(module, name, arg):
    """protocol-2 pickle of ``module.name(arg)``."""
    return (b"\x80\x02c" + f"{module}\n{name}\n".encode() + b"X" +
            struct.pack("<I", len(arg)) + arg.encode() + b"\x85R.")


# -- ember -> torch --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", DTYPES)
def test_torch_reads_every_dtype(name):
    e = ember_sample(name)
    t = torch.load(io.BytesIO(to_bytes({"x": e, "s": e[0, 1], "v": e.t()})))
    same_tensor(e, t["x"])
    same_tensor(e[0, 1], t["s"])
    same_tensor(e.t(), t["v"])
    assert t["s"].dim() == 0


def test_torch_reads_containers_params_and_flags():
    w = ember.nn.Parameter(ember.randn(3, 2))
    frozen = ember.nn.Parameter(ember.ones(2), requires_grad=False)
    leaf = ember.randn(4, requires_grad=True)
    obj = {
        "sd": collections.OrderedDict([("w", w), ("frozen", frozen), ("leaf", leaf)]),
        "nested": [1, 2.5, "s", None, True, (3, [4, {"k": ember.zeros(0)}])],
        "opt": {"state": {0: {"step": ember.tensor(3.0), "buf": ember.ones(3, 2)}},
                "param_groups": [{"lr": 0.1, "momentum": 0.9, "params": [0]}]},
        "dtype": ember.float16, "device": ember.device("cpu"), "cuda": ember.device("cuda", 1),
        "shape": ember.zeros(2, 3).shape, "bytes": b"\x00\xff", "set": {1, 2},
        "big": 2 ** 70, "nan": float("nan"), "c": 1 + 2j, "uni": "héllo ✓",
    }
    t = torch.load(io.BytesIO(to_bytes(obj)))            # weights_only=True, torch's default
    compare(obj, t)
    assert type(t["sd"]["w"]) is torch.nn.Parameter and t["sd"]["w"].requires_grad
    assert not t["sd"]["frozen"].requires_grad
    assert type(t["sd"]["leaf"]) is torch.Tensor and t["sd"]["leaf"].requires_grad
    assert t["cuda"] == torch.device("cuda", 1) and t["shape"] == torch.Size([2, 3])


def test_torch_reads_non_contiguous_views_with_shared_storage():
    base = ember.arange(24.0).reshape(4, 6)
    views = {"base": base, "t": base.t(), "slice": base[1:3, ::2], "row": base[2],
             "same": base}
    t = torch.load(io.BytesIO(to_bytes(views)))
    for k in views:
        same_tensor(views[k], t[k])
    ptr = t["base"].untyped_storage().data_ptr()
    assert all(t[k].untyped_storage().data_ptr() == ptr for k in views)   # one storage
    assert t["same"] is t["base"]                                            # one object
    t["base"][0, 0] = 100.0
    assert t["t"][0, 0] == 100.0


def test_saved_storage_is_only_the_span_used():
    flat = ember.arange(1000.0)
    a, b = flat[10:20], flat[30:40].reshape(2, 5)
    data = to_bytes({"a": a, "b": b})
    zf = zipfile.ZipFile(io.BytesIO(data))
    sizes = [i.file_size for i in zf.infolist() if "/data/" in i.filename]
    assert sizes == [30 * 4]                      # elements 10..39, not the 1000-element buffer
    t = torch.load(io.BytesIO(data))
    same_tensor(a, t["a"])
    same_tensor(b, t["b"])


def test_negative_strides_and_broadcast_views():
    x = ember.arange(6.0)
    flipped = ember.tensor(np.arange(6.0, dtype=np.float32)[::-1].copy())
    expanded = ember.tensor([1.0, 2.0]).expand(3, 2) if hasattr(ember.Tensor, "expand") else x
    e = {"flip_np": _wrap(np.arange(6.0)[::-1]), "x": x,
         "flipped": flipped, "expanded": expanded}
    t = torch.load(io.BytesIO(to_bytes(e)))
    for k in e:
        same_tensor(e[k], t[k])


def test_records_are_aligned_and_torch_offset_checks_pass(tmp_path, monkeypatch):
    path = tmp_path / "m.pt"
    save({"a": ember.ones(3), "b": ember.zeros(5, dtype=ember.int16), "c": ember.tensor(1.0)},
         path)
    raw = path.read_bytes()
    zf = zipfile.ZipFile(path)
    assert zf.namelist() == ["m/data.pkl", "m/.format_version", "m/.storage_alignment",
                             "m/byteorder", "m/data/0", "m/data/1", "m/data/2", "m/version",
                             "m/.data/serialization_id"]
    for info in zf.infolist():
        n, m = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + m) % 64 == 0, info.filename
        assert info.compress_type == zipfile.ZIP_STORED
    assert zf.read("m/byteorder") == sys.byteorder.encode()
    assert zf.read("m/version") == b"3\n"
    assert len(zf.read("m/.data/serialization_id")) == 40
    # torch's debug mode recomputes every record offset the way its own writer lays them out
    monkeypatch.setenv("TORCH_SERIALIZATION_DEBUG", "1")
    for mmap in (False, True):
        t = torch.load(path, mmap=mmap)
        assert t["b"].dtype == torch.int16 and t["c"].item() == 1.0


def test_zip64_records_stay_aligned(monkeypatch):
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 100)   # make every record past 95 bytes zip64
    data = to_bytes({"a": ember.arange(100.0), "b": ember.ones(3)})
    monkeypatch.undo()
    zf = zipfile.ZipFile(io.BytesIO(data))
    for info in zf.infolist():
        n, m = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + m) % 64 == 0, info.filename
    assert torch.load(io.BytesIO(data))["a"][-1].item() == 99.0
    assert load(io.BytesIO(data))["a"][-1].item() == 99.0


# -- torch -> ember --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", DTYPES)
def test_ember_reads_every_dtype(name):
    t = torch.from_numpy(as_numpy(ember_sample(name)).copy())
    obj = {"x": t, "s": t[1, 2], "v": t.t(), "e": t[:0]}
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    compare(load(buf), obj)


def test_ember_reads_torch_containers_and_flags():
    w = torch.nn.Parameter(torch.randn(3, 2))
    obj = {
        "sd": collections.OrderedDict([("w", w),
                                       ("f", torch.nn.Parameter(torch.ones(2), False)),
                                       ("leaf", torch.randn(4, requires_grad=True)),
                                       ("nonleaf", torch.ones(2, requires_grad=True) * 2)]),
        "nested": [1, 2.5, "s", None, False, (3, [4, {"k": torch.zeros(0, 3)}])],
        "dtype": torch.int64, "devs": [torch.device("cpu"), torch.device("cuda", 1)],
        "size": torch.Size([2, 3]), "bytes": b"abc", "set": {3}, "big": -(2 ** 80),
        "c": 1 - 1j, "same": [w, w],
    }
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    e = load(buf)
    obj["sd"]["nonleaf"] = obj["sd"]["nonleaf"].detach().requires_grad_()   # saved as a leaf
    compare(e, obj)
    assert e["same"][0] is e["same"][1]
    assert type(e["sd"]["w"]) is ember.nn.Parameter and e["sd"]["w"].is_leaf


def test_ember_reads_torch_views_sharing_memory():
    base = torch.arange(24.0).reshape(4, 6)
    obj = {"base": base, "t": base.t(), "slice": base[1:3, 1::2], "exp": base[0].expand(3, 6)}
    buf = io.BytesIO()
    torch.save(obj, buf)
    buf.seek(0)
    e = load(buf)
    compare(e, obj)
    assert all(np.shares_memory(e["base"].numpy(), e[k].numpy()) for k in obj)
    assert e["t"].stride() == base.t().stride() and e["slice"].stride() == (6, 2)


def test_torch_model_and_optimizer_state_dicts():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.BatchNorm2d(4),
                                torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * 36, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.randn(2, 1, 8, 8)).sum().backward()
    opt.step()
    buf = io.BytesIO()
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "epoch": 3}, buf)
    buf.seek(0)
    e = load(buf)
    sd = model.state_dict()
    compare(e["model"], sd)
    assert list(e["model"]) == ["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean",
                                "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias"]
    assert e["model"]["1.num_batches_tracked"].dtype == ember.int64
    assert e["model"]._metadata == sd._metadata            # OrderedDict attributes survive
    compare(e["opt"], opt.state_dict())
    assert sorted(e["opt"]["state"]) == list(range(6))    # int keys
    # and back: torch loads ember's re-save of them
    again = torch.load(io.BytesIO(to_bytes(e)))
    compare(e, again)
    model.load_state_dict(again["model"])


@pytest.mark.skipif(not hasattr(ember.nn, "Linear"), reason="ember.nn.Linear not built yet")
def test_torch_state_dict_loads_into_ember_model():
    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.BatchNorm1d(3), torch.nn.ReLU(),
                             torch.nn.Linear(3, 2))
    tm(torch.randn(8, 4))   # move the running statistics
    buf = io.BytesIO()
    torch.save(tm.state_dict(), buf)
    buf.seek(0)
    em = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.BatchNorm1d(3), ember.nn.ReLU(),
                             ember.nn.Linear(3, 2))
    em.load_state_dict(load(buf))
    compare(em.state_dict(), tm.state_dict())              # bit-identical weights and buffers
    tm.eval()
    em.eval()
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    np.testing.assert_allclose(em(ember.tensor(x)).detach().numpy(),
                               tm(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-6)
    back = torch.load(io.BytesIO(to_bytes(em.state_dict())))
    compare(em.state_dict(), back)
    tm.load_state_dict(back)


@pytest.mark.skipif(not hasattr(ember.optim, "Adam"), reason="ember.optim.Adam not built yet")
def test_ember_optimizer_state_round_trips_through_torch():
    ember.manual_seed(0)
    em = ember.nn.Sequential(ember.nn.Linear(4, 3), ember.nn.ReLU(), ember.nn.Linear(3, 2))
    opt = ember.optim.Adam(em.parameters(), lr=1e-3)
    em(ember.randn(5, 4)).sum().backward()
    opt.step()
    ckpt = {"model": em.state_dict(), "opt": opt.state_dict(), "epoch": 1}
    t = torch.load(io.BytesIO(to_bytes(ckpt)))
    compare(ckpt, t)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    tm.load_state_dict(t["model"])
    topt = torch.optim.Adam(tm.parameters(), lr=1e-3)
    topt.load_state_dict(t["opt"])
    buf = io.BytesIO()
    torch.save({"model": tm.state_dict(), "opt": topt.state_dict()}, buf)
    buf.seek(0)
    back = load(buf)
    em.load_state_dict(back["model"])
    opt.load_state_dict(back["opt"])
    compare(back["opt"]["state"], topt.state_dict()["state"])


def test_bfloat16_loads_as_float32_with_a_warning():
    t = torch.tensor([1.5, -2.25, 3e38, 1e-3]).to(torch.bfloat16)
    buf = io.BytesIO()
    torch.save({"x": t, "d": torch.bfloat16}, buf)
    buf.seek(0)
    with pytest.warns(UserWarning, match="bfloat16"):
        e = load(buf)
    assert e["x"].dtype == ember.float32 and e["d"] is ember.float32
    np.testing.assert_array_equal(e["x"].numpy(), t.float().numpy())


def test_dtype_ember_lacks_is_a_clear_error():
    buf = io.BytesIO()
    torch.save(torch.zeros(2, dtype=torch.uint16), buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="ember has no dtype torch.uint16"):
        load(buf)


def test_tensor_attributes_from_torch():
    t = torch.ones(2)
    t.note = "hi"
    buf = io.BytesIO()
    torch.save(t, buf)
    buf.seek(0)
    e = load(buf)
    assert e.note == "hi" and e.tolist() == [1.0, 1.0]


def test_legacy_torch_format():
    obj = {"a": torch.arange(6, dtype=torch.int16).reshape(2, 3), "p": torch.nn.Parameter(
        torch.ones(2)), "v": torch.arange(10.0)[2:5], "n": [1, "x"]}
    obj["w"] = obj["v"]
    buf = io.BytesIO()
    torch.save(obj, buf, _use_new_zipfile_serialization=False)
    buf.seek(0)
    e = load(buf)
    compare(e, obj)
    assert e["w"] is e["v"]


# -- ember -> ember --------------------------------------------------------------------------------
def test_ember_round_trip_everything(tmp_path):
    x = ember.arange(12.0).reshape(3, 4)
    obj = {"x": x, "xt": x.t(), "p": ember.nn.Parameter(ember.ones(2)),
           "all": [ember_sample(n) for n in DTYPES], "scalar": ember.tensor(7),
           "empty": ember.zeros(0, 2), "od": collections.OrderedDict(a=1), 5: (ember.int8,),
           "shape": x.shape, "dev": ember.device("cuda:0")}
    for f in (tmp_path / "a.pt", str(tmp_path / "b.pt")):
        save(obj, f)
        e = load(f)
        assert list(e) == list(obj)
        for k in ("x", "xt", "p", "scalar", "empty"):
            assert e[k].dtype == obj[k].dtype and e[k].shape == obj[k].shape
            np.testing.assert_array_equal(e[k].detach().numpy(), obj[k].detach().numpy())
        for a, b in zip(e["all"], obj["all"]):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a.numpy(), b.numpy())
        assert type(e["p"]) is ember.nn.Parameter and e["p"].requires_grad
        assert e[5] == (ember.int8,) and e["shape"] == (3, 4) and type(e["shape"]) is ember.Size
        assert e["dev"] == ember.device("cuda", 0)
        assert np.shares_memory(e["x"].numpy(), e["xt"].numpy())


def test_protocol_4_and_file_objects(tmp_path):
    obj = {"x": ember.ones(2, 2), "d": ember.float64}
    e = load(io.BytesIO(to_bytes(obj, pickle_protocol=4)))
    assert e["d"] is ember.float64 and e["x"].tolist() == [[1.0, 1.0], [1.0, 1.0]]
    path = tmp_path / "f.pt"
    with open(path, "wb") as fh:
        save(obj, fh)
    with open(path, "rb") as fh:
        assert load(fh)["x"].shape == (2, 2)

    class Stream:   # read-only, not seekable
        def __init__(self, data):
            self.read = io.BytesIO(data).read

    assert load(Stream(path.read_bytes()))["d"] is ember.float64


class Custom:
    def __init__(self, w):
        self.w = w


def test_weights_only_false_loads_plain_python_objects():
    data = to_bytes({"obj": Custom(ember.ones(2))})
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL "
                                                     "tests.test_serialization.Custom"):
        load(io.BytesIO(data))
    out = load(io.BytesIO(data), weights_only=False)
    assert isinstance(out["obj"], Custom) and out["obj"].w.tolist() == [1.0, 1.0]
    with ember.serialization.safe_globals([Custom]):   # torch's allowlist API
        assert ember.serialization.get_safe_globals() == [Custom]
        out = load(io.BytesIO(data))
        assert isinstance(out["obj"], Custom) and out["obj"].w.tolist() == [1.0, 1.0]
    assert ember.serialization.get_safe_globals() == []
    with pytest.raises(pickle.UnpicklingError, match="add_safe_globals"):
        load(io.BytesIO(data))
    ember.serialization.add_safe_globals([(os.system, "posix.system")])
    try:   # os/posix/sys stay blocked whatever the user adds
        with pytest.raises(pickle.UnpicklingError, match="is blocked"):
            load(io.BytesIO(malicious(_reduce_pickle("posix", "system", "true"))))
    finally:
        ember.serialization.clear_safe_globals()
    buf = io.BytesIO()
    torch.save({"w": torch.nn.Parameter(torch.ones(2)), "d": torch.float16}, buf)
    buf.seek(0)
    out = load(buf, weights_only=False)               # torch globals still map to ember's
    assert type(out["w"]) is ember.nn.Parameter and out["d"] is ember.float16


def test_mmap(tmp_path):
    path = tmp_path / "m.pt"
    t = {"a": torch.arange(10.0), "b": torch.arange(6, dtype=torch.int32).reshape(2, 3).t()}
    torch.save(t, path)
    e = load(path, mmap=True)
    compare(e, t)
    e["a"].numpy()[0] = 42.0                       # private copy-on-write mapping
    assert load(path)["a"][0].item() == 0.0
    again = torch.load(io.BytesIO(to_bytes(e)))   # mapped tensors save like any other
    assert again["a"][0].item() == 42.0 and torch.equal(again["b"], t["b"])
    with pytest.raises(ValueError, match="file path"):
        load(io.BytesIO(path.read_bytes()), mmap=True)


# -- map_location ----------------------------------------------------------------------------------
@pytest.fixture
def cuda_checkpoint(monkeypatch):
    """Bytes of an ember checkpoint saved from (fake) CUDA tensors on cuda:0 and cuda:1."""
    fake.install(monkeypatch)
    obj = {"a": ember.arange(4.0).cuda(), "b": ember.ones(2, dtype=ember.int64).to("cuda:1"),
           "c": ember.zeros(3)}
    data = to_bytes(obj)
    monkeypatch.undo()
    return data


def test_cuda_checkpoint_needs_map_location_without_cuda(cuda_checkpoint):
    assert not ember.cuda.is_available()
    with pytest.raises(RuntimeError) as err:
        load(io.BytesIO(cuda_checkpoint))
    with pytest.raises(RuntimeError) as torch_err:
        torch.load(io.BytesIO(cuda_checkpoint))
    assert str(err.value) == str(torch_err.value)
    assert "torch.cuda.is_available() is False" in str(err.value)


@pytest.mark.parametrize("where", ["cpu", ember.device("cpu"), {"cuda:0": "cpu", "cuda:1": "cpu"},
                                   lambda storage, loc: storage,
                                   lambda storage, loc: storage.cpu()])
def test_map_location_to_cpu(cuda_checkpoint, where):
    e = load(io.BytesIO(cuda_checkpoint), map_location=where)
    t = torch.load(io.BytesIO(cuda_checkpoint), map_location="cpu")
    compare(e, t)
    assert all(v.device == ember.device("cpu") for v in e.values())


def test_map_location_partial_dict_still_needs_cuda(cuda_checkpoint):
    with pytest.raises(RuntimeError, match="is_available"):
        load(io.BytesIO(cuda_checkpoint), map_location={"cuda:0": "cpu"})


def test_map_location_onto_fake_cuda(cuda_checkpoint, monkeypatch):
    fake.install(monkeypatch)
    e = load(io.BytesIO(cuda_checkpoint))
    assert e["a"].device == ember.device("cuda:0") and e["b"].device == ember.device("cuda:1")
    assert e["c"].device == ember.device("cpu")
    assert e["a"].cpu().tolist() == [0.0, 1.0, 2.0, 3.0]
    e = load(io.BytesIO(cuda_checkpoint), map_location="cuda:1")
    assert all(v.device == ember.device("cuda:1") for v in e.values())
    e = load(io.BytesIO(cuda_checkpoint), map_location=lambda s, loc: s.cuda(0))
    assert all(v.device == ember.device("cuda:0") for v in e.values())
    e = load(io.BytesIO(cuda_checkpoint), map_location={"cuda:1": "cuda:0"})
    assert e["b"].device == ember.device("cuda:0") and e["b"].dtype == ember.int64
    with pytest.raises(RuntimeError, match="CUDA device 5 but torch.cuda.device_count"):
        load(io.BytesIO(cuda_checkpoint), map_location="cuda:5")


def test_map_location_errors():
    data = to_bytes(ember.ones(1))
    with pytest.raises(RuntimeError, match="tagged with mps"):
        load(io.BytesIO(data), map_location="mps")
    with pytest.raises(TypeError, match="map_location"):
        load(io.BytesIO(data), map_location=3)


def test_loading_never_imports_torch(tmp_path):
    import subprocess
    path = tmp_path / "t.pt"
    torch.save({"w": torch.nn.Parameter(torch.ones(2)), "d": torch.float16}, path)
    code = ("import sys, ember.serialization as s; out = s.load(sys.argv[1]); "
            "s.save(out, sys.argv[1] + '.e'); assert 'torch' not in sys.modules; "
            "print(type(out['w']).__name__, out['d'])")
    res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True,
                         text=True, cwd=pathlib.Path(__file__).parents[1], timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["Parameter", "torch.float16"]
    assert torch.load(str(path) + ".e")["d"] is torch.float16


def test_big_endian_checkpoint():
    e = {"f": ember.tensor([1.5, -2.0, 3.25]), "i": ember.tensor([1, 256, -3], dtype=ember.int32),
         "b": ember.tensor([True, False])}
    data = to_bytes(e)
    zf = zipfile.ZipFile(io.BytesIO(data))
    swapped = {f"data/{k}": np.frombuffer(zf.read(f"archive/data/{k}"), dt).byteswap().tobytes()
               for k, dt in (("0", "<f4"), ("1", "<i4"), ("2", "u1"))}
    big = rezip(data, byteorder=b"big", **swapped)
    out, ref = load(io.BytesIO(big)), torch.load(io.BytesIO(big))
    compare(out, ref)
    assert out["i"].tolist() == [1, 256, -3]

"""ember.load refuses to run code from a file and fails clearly on damaged files; ember.save is
atomic. (Format interop with torch is in test_serialization.py.)"""
import io
import os
import pathlib
import pickle
import re
import struct
import zipfile

import pytest
import torch

import ember
from ember import _checkpoint_io
from ember.serialization import load, save

from .test_serialization import _reduce_pickle, data_pkl, malicious, rezip, to_bytes, zip_bytes


# -- code in the file ------------------------------------------------------------------------------
@pytest.mark.parametrize("module,name", [("os", "system"), ("posix", "system"),
                                         ("builtins", "eval"), ("__builtin__", "exec"),
                                         ("subprocess", "check_output"), ("builtins", "getattr"),
                                         ("torch", "load"), ("numpy", "load"),
                                         ("ember.serialization", "save")])
def test_malicious_globals_are_refused(tmp_path, module, name):
    marker = tmp_path / "pwned"
    pkl = _reduce_pickle(module, name, f"touch {marker}")
    for data in (malicious(pkl), pkl):   # zip checkpoint, and a bare pickle (legacy path)
        with pytest.raises(pickle.UnpicklingError) as err:
            load(io.BytesIO(data))
        assert "refuses to execute code" in str(err.value)
        assert re.search(r"(Unsupported global: GLOBAL|unsupported GLOBAL) "
                         f"{'' if module in ('builtins', '__builtin__') else module + '.'}{name}",
                         str(err.value)), str(err.value)
        assert not marker.exists()


def test_refusal_message_names_the_global():
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL posix\.system whose module posix "
                                                     "is blocked"):
        load(io.BytesIO(malicious(_reduce_pickle("posix", "system", "true"))))
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL subprocess\.run was not an allowed"):
        load(io.BytesIO(malicious(_reduce_pickle("subprocess", "run", "true"))))
    with pytest.raises(pickle.UnpicklingError, match=r"GLOBAL eval was not an allowed"):
        load(io.BytesIO(malicious(_reduce_pickle("builtins", "eval", "1"))))


def test_malicious_via_other_opcodes(tmp_path):
    marker = tmp_path / "pwned"
    cmd = f"touch {marker}"
    import pickletools  # noqa: F401  (documents the opcodes below)
    attacks = {
        # protocol 4 STACK_GLOBAL
        "stack_global": b"\x80\x04\x8c\x02os\x8c\x06system\x93\x8c" + bytes([len(cmd)]) +
                        cmd.encode() + b"\x85R.",
        # INST (protocol 0): os.system(cmd)
        "inst": b"(S'" + cmd.encode() + b"'\nios\nsystem\n.",
        # OBJ with an allowed class is still refused
        "obj": b"\x80\x02(ccollections\nOrderedDict\no.",
        # NEWOBJ of a class that is not a container
        "newobj": b"\x80\x02ctorch\nSize\n)\x81.",
        # BUILD that would rewrite ember.float32 (a module-level singleton)
        "build_dtype": b"\x80\x02ctorch\nfloat32\nN}X\x04\x00\x00\x00nameX\x04\x00\x00\x00evil"
                       b"s\x86b.",
        # SETITEM on something that is not a dict
        "setitem": b"\x80\x02ctorch\nfloat32\nK\x00K\x01s.",
        # a REDUCE whose callable is not a global (a dtype on the stack)
        "reduce_dtype": b"\x80\x02ctorch\nfloat32\n)R.",
        # _codecs.encode with a non-text codec
        "codec": b"\x80\x02c_codecs\nencode\nX\x01\x00\x00\x00aX\x04\x00\x00\x00zlib\x86R.",
        # a persistent id that is not a storage
        "persid": b"\x80\x02(X\x06\x00\x00\x00moduleK\x01K\x02K\x03tQ.",
        # torch.Tensor is a type marker, not something a file may call
        "tensor_ctor": b"\x80\x02ctorch\nTensor\nJ\x00\xca\x9a;\x85R.",
        # bytearray(10**9) would allocate a gigabyte
        "bytearray": b"\x80\x02c__builtin__\nbytearray\nJ\x00\xca\x9a;\x85R.",
        # OrderedDict attributes may not be dunders
        "build_dunder": b"\x80\x02ccollections\nOrderedDict\n)R}X\x09\x00\x00\x00__class__"
                        b"K\x01sb.",
        # EXT opcode (copyreg extension registry)
        "ext": b"\x80\x02\x82\x01.",
    }
    for kind, pkl in attacks.items():
        with pytest.raises(pickle.UnpicklingError):
            load(io.BytesIO(malicious(pkl)))
        assert not marker.exists(), kind
    assert ember.float32.name == "float32" and str(ember.float32) == "torch.float32"


def test_corrupt_tensor_geometry_is_refused():
    good = to_bytes({"x": ember.arange(6.0)})
    pkl = data_pkl(good)
    # size 6 -> 60 (BININT1 6 after 'K\x00' offset): points past the end of the storage
    bad = pkl.replace(b"K\x00K\x06\x85", b"K\x00K<\x85", 1)
    assert bad != pkl
    with pytest.raises(pickle.UnpicklingError, match="does not fit in its storage"):
        load(io.BytesIO(rezip(good, **{"data.pkl": bad})))
    # torch refuses it too
    with pytest.raises(RuntimeError):
        torch.load(io.BytesIO(rezip(good, **{"data.pkl": bad})))


def test_whole_modules_need_weights_only_false():
    buf = io.BytesIO()
    torch.save(torch.nn.Linear(2, 2), buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global"):
        load(buf)
    buf.seek(0)
    with pytest.raises(pickle.UnpicklingError, match="ember never imports torch"):
        load(buf, weights_only=False)
    with pytest.raises(RuntimeError, match="explicit pickle_module"):
        load(io.BytesIO(b""), pickle_module=pickle, weights_only=True)


# -- corrupt files ---------------------------------------------------------------------------------
def test_truncated_and_corrupt_files_raise_clear_errors(tmp_path):
    data = to_bytes({"w": ember.randn(64, 64), "b": ember.zeros(64), "n": list(range(50))})
    for cut in sorted({0, 1, 3, 4, 30, 100, len(data) // 3, len(data) // 2, len(data) - 200,
                       len(data) - 22, len(data) - 1}):
        path = tmp_path / f"cut{cut}.pt"
        path.write_bytes(data[:cut])
        with pytest.raises((RuntimeError, pickle.UnpicklingError)) as err:
            load(path)
        assert "ember.load" in str(err.value), (cut, err.value)
    # one flipped bit inside a tensor record: the CRC catches it
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo("archive/data/0")
    pos = info.header_offset + 30 + len(info.filename) + 100
    n, m = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    pos = info.header_offset + 30 + n + m + 100
    flipped = data[:pos] + bytes([data[pos] ^ 1]) + data[pos + 1:]
    with pytest.raises(RuntimeError, match="corrupt"):
        load(io.BytesIO(flipped))
    # a record of the wrong size
    short = rezip(data, **{"data/1": b"\x00" * 8})
    with pytest.raises(RuntimeError, match="holds 8 bytes but its tensor needs 256"):
        load(io.BytesIO(short))
    # garbage in data.pkl
    with pytest.raises(pickle.UnpicklingError, match="corrupt|truncated"):
        load(io.BytesIO(rezip(data, **{"data.pkl": b"\x80\x02garbage"})))
    with pytest.raises(pickle.UnpicklingError, match="truncated"):
        load(io.BytesIO(rezip(data, **{"data.pkl": data_pkl(data)[:-20]})))


def test_mutated_files_only_raise_clear_errors():
    """Random damage to real checkpoints (zip and legacy) never escapes as another exception."""
    import random
    seeds = [to_bytes({"x": ember.ones(3, 2), "y": [ember.int8, ember.device("cpu")]})]
    for legacy in (False, True):
        buf = io.BytesIO()
        torch.save({"sd": torch.nn.Linear(3, 2).state_dict(), "t": torch.arange(6).view(2, 3).t(),
                    "s": [1, "x", b"b", {2}]}, buf, _use_new_zipfile_serialization=not legacy)
        seeds.append(buf.getvalue())
    pkl = data_pkl(seeds[1])
    rng = random.Random(0)
    for i in range(300):
        data = bytearray(pkl if i % 2 else rng.choice(seeds))
        for _ in range(rng.randint(1, 3)):
            pos = rng.randrange(len(data))
            if rng.random() < 0.7:
                data[pos] = rng.randrange(256)
            else:
                del data[pos:pos + rng.randint(1, 10)]
        if i % 2:
            data = rezip(seeds[1], **{"data.pkl": bytes(data)})
        try:
            load(io.BytesIO(bytes(data)))
        except (RuntimeError, pickle.UnpicklingError):
            pass


@pytest.mark.parametrize("content,match", [
    (b"", "is empty"),
    (b"hello, this is a text file\n" * 20, "not a PyTorch checkpoint"),
    (os.urandom(300), "not a PyTorch checkpoint|corrupt"),
    (zip_bytes({"other.txt": b"x"}), "has no data.pkl"),
    (zip_bytes({"constants.pkl": b"", "data.pkl": b""}), "TorchScript"),
])
def test_not_a_checkpoint(tmp_path, content, match):
    path = tmp_path / "x.pt"
    path.write_bytes(content)
    with pytest.raises((RuntimeError, pickle.UnpicklingError), match=match):
        load(path)


# -- atomic save -----------------------------------------------------------------------------------
class Explodes:
    def __reduce__(self):
        raise RuntimeError("boom while pickling")


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name != "ckpt.pt")


def test_failed_pickling_leaves_previous_file(tmp_path):
    path = tmp_path / "ckpt.pt"
    save({"v": ember.tensor([1.0])}, path)
    before = path.read_bytes()
    with pytest.raises(RuntimeError, match="boom"):
        save({"v": ember.tensor([2.0]), "x": Explodes()}, path)
    assert path.read_bytes() == before and _leftovers(tmp_path) == []
    assert load(path)["v"].tolist() == [1.0]


@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()])
def test_crash_mid_write_leaves_previous_file(tmp_path, monkeypatch, exc):
    path = tmp_path / "ckpt.pt"
    save({"v": ember.tensor([1.0])}, path)
    before = path.read_bytes()
    real = _checkpoint_io._write_record
    calls = []

    def flaky(zf, name, chunks, nbytes):
        calls.append(name)
        if "/data/" in name:   # after data.pkl and friends are on disk
            raise exc
        real(zf, name, chunks, nbytes)

    monkeypatch.setattr(_checkpoint_io, "_write_record", flaky)
    with pytest.raises(type(exc)):
        save({"v": ember.arange(1000.0)}, path)
    assert len(calls) > 1
    assert path.read_bytes() == before and _leftovers(tmp_path) == []
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError("fsync failed")))
    monkeypatch.setattr(_checkpoint_io, "_write_record", real)
    with pytest.raises(OSError, match="fsync"):
        save({"v": ember.arange(5.0)}, path)
    assert path.read_bytes() == before and _leftovers(tmp_path) == []


def test_save_path_details(tmp_path):
    path = tmp_path / "ckpt.pt"
    save(ember.ones(1), path)
    os.chmod(path, 0o640)
    save(ember.zeros(1), path)
    assert load(path).tolist() == [0.0] and (os.stat(path).st_mode & 0o777) == 0o640
    link = tmp_path / "link.pt"
    link.symlink_to(path)
    save(ember.full((1,), 5.0), link)
    assert link.is_symlink() and load(path).tolist() == [5.0]
    with pytest.raises(RuntimeError, match="Parent directory .* does not exist"):
        save(ember.ones(1), tmp_path / "missing" / "x.pt")
    with pytest.raises(IsADirectoryError):
        save(ember.ones(1), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt.pt", "link.pt"]
    save(ember.ones(1), pathlib.Path(tmp_path / "weird name!.pt"))
    assert torch.load(tmp_path / "weird name!.pt").tolist() == [1.0]

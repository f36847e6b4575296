import gzip
import io
import os
import pickle
import struct
import urllib.request

import numpy as np
import pytest
from PIL import Image

import ember
from ember.utils.data import DataLoader, Dataset
from ember.vision import datasets, transforms
from ember.vision.datasets.mnist import read_idx


def write_idx(path, arr, gz):
    arr = np.asarray(arr)
    code = {np.uint8: 0x08, np.int32: 0x0C}[arr.dtype.type]
    raw = bytes([0, 0, code, arr.ndim]) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    raw += arr.astype(arr.dtype.newbyteorder(">")).tobytes()
    if gz:
        path = str(path) + ".gz"
        with gzip.open(path, "wb") as f:
            f.write(raw)
    else:
        with open(path, "wb") as f:
            f.write(raw)
    return path


def make_mnist(folder, n_train=7, n_test=3, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    os.makedirs(folder, exist_ok=True)
    out = {}
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        imgs = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n).astype(np.uint8)
        write_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte"), imgs, gz)
        write_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte"), labels, gz)
        out[prefix] = (imgs, labels)
    return out


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_reads_idx(tmp_path, gz):
    ref = make_mnist(tmp_path / "MNIST" / "raw", gz=gz)
    ds = datasets.MNIST(tmp_path, train=True)
    assert isinstance(ds, Dataset) and len(ds) == 7
    assert ds.data.dtype == ember.uint8 and tuple(ds.data.shape) == (7, 28, 28)
    assert ds.targets.dtype == ember.int64
    np.testing.assert_array_equal(ds.data.numpy(), ref["train"][0])
    img, target = ds[2]
    assert isinstance(img, Image.Image) and img.mode == "L" and img.size == (28, 28)
    assert type(target) is int and target == ref["train"][1][2]
    np.testing.assert_array_equal(np.asarray(img), ref["train"][0][2])
    test = datasets.MNIST(tmp_path, train=False)
    assert len(test) == 3
    assert ds.classes[0] == "0 - zero" and ds.class_to_idx["9 - nine"] == 9
    assert "Split: Train" in repr(ds)


def test_mnist_files_directly_in_root_and_transforms(tmp_path):
    ref = make_mnist(tmp_path, gz=False)
    ds = datasets.MNIST(tmp_path, transform=transforms.ToTensor(),
                        target_transform=lambda t: t + 100)
    x, y = ds[0]
    assert tuple(x.shape) == (1, 28, 28) and x.dtype == ember.float32
    np.testing.assert_allclose(x.numpy()[0], ref["train"][0][0] / 255, rtol=1e-6)
    assert y == int(ref["train"][1][0]) + 100
    xb, yb = next(iter(DataLoader(ds, batch_size=4)))
    assert tuple(xb.shape) == (4, 1, 28, 28) and tuple(yb.shape) == (4,)


def test_read_idx_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad"
    bad.write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(RuntimeError, match="magic"):
        read_idx(str(bad))
    short = tmp_path / "short"
    short.write_bytes(bytes([0, 0, 8, 1]) + struct.pack(">I", 10) + b"\x00" * 3)
    with pytest.raises(RuntimeError, match="truncated"):
        read_idx(str(short))


def test_fashion_mnist_search_order(tmp_path, monkeypatch):
    system = tmp_path / "system"
    make_mnist(system, seed=1)
    monkeypatch.setattr(datasets.FashionMNIST, "system_dirs", (str(system),))
    ds = datasets.FashionMNIST(tmp_path / "empty")  # falls back to the system copy
    assert len(ds) == 7 and ds.classes[9] == "Ankle boot"
    ref = make_mnist(tmp_path / "root" / "FashionMNIST" / "raw", n_train=5, seed=2)
    ds = datasets.FashionMNIST(tmp_path / "root")  # root wins over the system copy
    np.testing.assert_array_equal(ds.data.numpy(), ref["train"][0])


def test_fashion_mnist_missing_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets.FashionMNIST, "system_dirs", (str(tmp_path / "nothing"),))
    with pytest.raises(RuntimeError, match="apt-get install dataset-fashion-mnist.*download=True"):
        datasets.FashionMNIST(tmp_path)


def test_fashion_mnist_download_served_locally(tmp_path, monkeypatch):
    served = tmp_path / "served"
    make_mnist(served, seed=3)
    requested = []

    def fake_urlopen(req, timeout=None):
        url = req.full_url if hasattr(req, "full_url") else req
        requested.append(url)
        return open(served / os.path.basename(url), "rb")

    monkeypatch.setattr(urllib.request, "urlopen", fake_urlopen)
    monkeypatch.setattr(datasets.FashionMNIST, "system_dirs", ())
    ds = datasets.FashionMNIST(tmp_path / "data", train=False, download=True)
    assert len(ds) == 3
    assert all(u.startswith("http://fashion-mnist.s3-website") for u in requested)
    assert len(requested) == 4
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    assert sorted(p.name for p in raw.iterdir()) == sorted(datasets.FashionMNIST.resources)
    datasets.FashionMNIST(tmp_path / "data", train=True, download=True)
    assert len(requested) == 4  # already there: no new download


def test_download_failure_is_clear(tmp_path, monkeypatch):
    def offline(req, timeout=None):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(urllib.request, "urlopen", offline)
    monkeypatch.setattr(datasets.FashionMNIST, "system_dirs", ())
    with pytest.raises(RuntimeError, match="dataset-fashion-mnist"):
        datasets.FashionMNIST(tmp_path, download=True)
    assert not any(p.suffix == ".part" for p in (tmp_path / "FashionMNIST" / "raw").iterdir())


@pytest.mark.skipif(not os.path.isdir("/usr/share/datasets/fashion-mnist"),
                    reason="Debian package dataset-fashion-mnist not installed")
def test_fashion_mnist_system_copy():
    ds = datasets.FashionMNIST("/nonexistent-ember-root", train=False)
    assert len(ds) == 10000 and tuple(ds.data.shape) == (10000, 28, 28)
    assert ds.classes[ds[0][1]] == "Ankle boot"


def make_cifar(root, n_per_batch=4, seed=0):
    rng = np.random.default_rng(seed)
    folder = os.path.join(root, "cifar-10-batches-py")
    os.makedirs(folder)
    batches = {}
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, size=(n_per_batch, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=n_per_batch).tolist()
        with open(os.path.join(folder, name), "wb") as f:
            pickle.dump({"batch_label": name, "labels": labels, "data": data,
                         "filenames": [f"{i}.png" for i in range(n_per_batch)]}, f, protocol=2)
        batches[name] = (data, labels)
    names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
             "truck"]
    with open(os.path.join(folder, "batches.meta"), "wb") as f:
        pickle.dump({"label_names": names, "num_vis": 3072, "num_cases_per_batch": 4}, f)
    return batches


def test_cifar10(tmp_path):
    batches = make_cifar(tmp_path)
    ds = datasets.CIFAR10(tmp_path, train=True)
    assert len(ds) == 20 and ds.data.shape == (20, 32, 32, 3) and ds.data.dtype == np.uint8
    assert ds.classes[3] == "cat" and ds.class_to_idx["truck"] == 9
    img, target = ds[5]
    assert img.mode == "RGB" and img.size == (32, 32)
    data2, labels2 = batches["data_batch_2"]
    assert target == labels2[1]
    np.testing.assert_array_equal(np.asarray(img), data2[1].reshape(3, 32, 32).transpose(1, 2, 0))
    test = datasets.CIFAR10(tmp_path, train=False, transform=transforms.ToTensor())
    assert len(test) == 4 and tuple(test[0][0].shape) == (3, 32, 32)


def test_cifar10_missing_and_unsafe(tmp_path):
    with pytest.raises(RuntimeError, match="download=True"):
        datasets.CIFAR10(tmp_path)
    make_cifar(tmp_path)
    with open(tmp_path / "cifar-10-batches-py" / "test_batch", "wb") as f:
        pickle.dump({"data": os.system}, f)
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        datasets.CIFAR10(tmp_path, train=False)


def test_cifar10_download_extracts_tarball(tmp_path, monkeypatch):
    import tarfile
    src = tmp_path / "src"
    make_cifar(src)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(src / "cifar-10-batches-py", arcname="cifar-10-batches-py")
    monkeypatch.setattr(urllib.request, "urlopen",
                        lambda req, timeout=None: io.BytesIO(buf.getvalue()))
    ds = datasets.CIFAR10(tmp_path / "dl", train=False, download=True)
    assert len(ds) == 4


def make_folder(root, spec):
    rng = np.random.default_rng(0)
    for cls, names in spec.items():
        os.makedirs(os.path.join(root, cls), exist_ok=True)
        for name in names:
            path = os.path.join(root, cls, name)
            if name.endswith(".png"):
                Image.fromarray(rng.integers(0, 256, size=(5, 6, 3), dtype=np.uint8)).save(path)
            else:
                with open(path, "w") as f:
                    f.write(name)


def test_image_folder(tmp_path):
    make_folder(tmp_path, {"dog": ["b.png", "a.png", "notes.txt"], "cat": ["x.PNG".lower()],
                           "bird": ["1.png"]})
    ds = datasets.ImageFolder(tmp_path, transform=transforms.ToTensor())
    assert ds.classes == ["bird", "cat", "dog"]
    assert ds.class_to_idx == {"bird": 0, "cat": 1, "dog": 2}
    assert [os.path.basename(p) for p, _ in ds.samples] == ["1.png", "x.png", "a.png", "b.png"]
    assert ds.targets == [0, 1, 2, 2] and ds.imgs == ds.samples
    x, y = ds[3]
    assert tuple(x.shape) == (3, 5, 6) and y == 2


def test_dataset_folder_loader_and_is_valid_file(tmp_path):
    make_folder(tmp_path, {"a": ["1.txt", "2.dat"], "b": ["3.txt"]})
    def read(path):
        with open(path) as f:
            return f.read()

    ds = datasets.DatasetFolder(tmp_path, loader=read, extensions=(".txt",))
    assert [s for s, _ in ds] == ["1.txt", "3.txt"]
    ds = datasets.DatasetFolder(tmp_path, loader=lambda p: p,
                                is_valid_file=lambda p: p.endswith(".dat"), allow_empty=True)
    assert len(ds) == 1 and ds.targets == [0]
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes b"):
        datasets.DatasetFolder(tmp_path, loader=lambda p: p,
                               is_valid_file=lambda p: p.endswith(".dat"))
    with pytest.raises(ValueError):
        datasets.DatasetFolder(tmp_path, loader=lambda p: p)
    with pytest.raises(FileNotFoundError, match="class folder"):
        datasets.ImageFolder(tmp_path / "a")

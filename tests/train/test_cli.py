"""ember-train end to end on a small Fashion-MNIST-format dataset written by the test."""
import gzip
import struct

import numpy as np
import pytest
from PIL import Image

import ember
from ember.train import cli


def _idx(path, array):
    header = struct.pack(">I", 0x800 + array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.fixture(scope="module")
def data_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("data")
    raw = root / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(0)
    for split, n in (("train", 600), ("t10k", 200)):
        labels = rng.integers(0, 10, n)
        # class c lights up a band of rows: learnable in a few steps
        images = rng.integers(0, 60, (n, 28, 28))
        for c in range(10):
            images[labels == c, 2 * c:2 * c + 3, :] += 180
        _idx(raw / f"{split}-images-idx3-ubyte.gz", images)
        _idx(raw / f"{split}-labels-idx1-ubyte.gz", labels)
    return root


@pytest.mark.parametrize("model", ["softmax", "mlp", "cnn"])
def test_train_writes_all_outputs(model, data_root, tmp_path, capsys):
    out = tmp_path / model
    rc = cli.main(["--model", model, "--epochs", "2", "--data", str(data_root), "--out", str(out),
                   "--quiet", "--batch-size", "32"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert printed.count("test acc") == 2
    for name in ("checkpoint.pt", "curves.png", "confusion.png", "history.json"):
        assert (out / name).exists(), name
    assert any((out / "tensorboard").iterdir())
    ckpt = ember.load(out / "checkpoint.pt")
    assert ckpt["epoch"] == 2 and ckpt["model_name"] == model
    if model == "mlp":
        assert ckpt["history"][-1]["test_acc"] > 0.5


def test_resume_evaluate_predict(data_root, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["--model", "softmax", "--data", str(data_root), "--out", str(out), "--quiet"]
    assert cli.main(args + ["--epochs", "1"]) == 0
    ckpt = str(out / "checkpoint.pt")
    assert cli.main(args + ["--epochs", "2", "--resume", ckpt]) == 0
    printed = capsys.readouterr().out
    assert "epoch  2" in printed and printed.count("epoch  1") == 1
    assert cli.main(["evaluate", ckpt, "--data", str(data_root)]) == 0
    printed = capsys.readouterr().out
    assert "test accuracy" in printed and "Ankle boot" in printed
    img = tmp_path / "shirt.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(img)
    assert cli.main(["predict", ckpt, str(img)]) == 0
    assert str(img) in capsys.readouterr().out


def test_errors_are_one_line(data_root, tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path / "missing.pt")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("ember-train: error: checkpoint not found") and err.count("\n") == 1
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a checkpoint")
    assert cli.main(["evaluate", str(bad)]) == 1
    assert capsys.readouterr().err.startswith("ember-train: error: cannot read checkpoint")
    out = tmp_path / "run"
    cli.main(["--model", "softmax", "--epochs", "1", "--data", str(data_root), "--out",
              str(out), "--quiet"])
    capsys.readouterr()
    junk = tmp_path / "junk.png"
    junk.write_text("no image here")
    assert cli.main(["predict", str(out / "checkpoint.pt"), str(junk)]) == 1
    assert capsys.readouterr().err.startswith("ember-train: error: cannot read image")
    with pytest.raises(SystemExit) as e:
        cli.main(["--model", "transformer"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("ember-train: error: argument --model") and err.count("\n") == 1
    assert cli.main(["--device", "cuda", "--data", str(data_root), "--out", str(out)]) == 1 \
        or ember.cuda.is_available()

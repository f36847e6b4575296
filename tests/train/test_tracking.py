"""Issue 4 item 6: with --seed a run is reproducible, and an ember MLP run tracks the same
PyTorch program's per-epoch loss (same initial weights, same shuffle order)."""
from pathlib import Path

import numpy as np
import pytest
import torch

import ember
from ember.train import cli

SYSTEM_COPY = Path("/usr/share/datasets/fashion-mnist")
needs_data = pytest.mark.skipif(not SYSTEM_COPY.is_dir(), reason="needs the Debian package "
                                "dataset-fashion-mnist (make test installs it)")


def _fashion(n):
    from ember.vision.datasets import FashionMNIST
    ds = FashionMNIST("unused-root", train=True)
    x = (ds.data[:n].numpy().astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return x, ds.targets[:n].numpy()


def _per_epoch_losses(lib, x, y, epochs=3):
    """The seed-003 training loop, written once for both libraries."""
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                          nn.ReLU(), nn.Linear(512, 10))
    data = lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y))
    loader = lib.utils.data.DataLoader(data, batch_size=64, shuffle=True)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    losses = []
    for _ in range(epochs):
        total, n = 0.0, 0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(yb)
            n += len(yb)
        losses.append(total / n)
    return np.array(losses)


@needs_data
def test_mlp_tracks_pytorch_per_epoch_loss():
    x, y = _fashion(2000)
    ours, theirs = _per_epoch_losses(ember, x, y), _per_epoch_losses(torch, x, y)
    np.testing.assert_allclose(ours, theirs, rtol=1e-4)
    assert ours[-1] < ours[0]


def test_seed_makes_runs_reproducible(tmp_path, capsys):
    from tests.train.test_cli import _idx
    raw = tmp_path / "data" / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    rng = np.random.default_rng(1)
    for split, n in (("train", 300), ("t10k", 100)):
        _idx(raw / f"{split}-images-idx3-ubyte.gz", rng.integers(0, 255, (n, 28, 28)))
        _idx(raw / f"{split}-labels-idx1-ubyte.gz", rng.integers(0, 10, n))
    histories = []
    for run in ("a", "b"):
        assert cli.main(["--model", "mlp", "--epochs", "2", "--seed", "7", "--quiet",
                         "--data", str(tmp_path / "data"), "--out", str(tmp_path / run)]) == 0
        hist = ember.load(tmp_path / run / "checkpoint.pt")["history"]
        histories.append([(h["train_loss"], h["test_acc"]) for h in hist])
    capsys.readouterr()
    assert histories[0] == histories[1]

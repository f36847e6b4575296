"""Seconds per Fashion-MNIST epoch, ember vs PyTorch in one run (issue 4's benchmark), and
DataLoader throughput with 0 and 2 workers.

Run: python bench/epoch.py [--quick]   (needs the Debian package dataset-fashion-mnist)
The same training loop runs on both libraries over the same in-memory data, 1 thread each.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ember  # noqa: E402
from ember.train.models import LeNet, MLP  # noqa: E402

torch.set_num_threads(1)
QUICK = "--quick" in sys.argv


def fashion_arrays():
    from ember.vision.datasets import FashionMNIST
    ds = FashionMNIST("data", train=True)
    x = (ds.data.numpy().astype("float32") / 255.0).reshape(-1, 1, 28, 28)
    return x, ds.targets.numpy()


def torch_model(kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                             nn.ReLU(), nn.Linear(512, 10))
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def epoch_seconds(lib, kind, x, y, n):
    lib.manual_seed(0)
    model = (MLP() if kind == "mlp" else LeNet()) if lib is ember else torch_model(kind)
    data = lib.utils.data.TensorDataset(lib.tensor(x[:n]), lib.tensor(y[:n]))
    loader = lib.utils.data.DataLoader(data, batch_size=64, shuffle=True)
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    start = time.perf_counter()
    for xb, yb in loader:
        opt.zero_grad()
        lib.nn.functional.cross_entropy(model(xb), yb).backward()
        opt.step()
    return (time.perf_counter() - start) * len(x) / n


def loader_images_per_second(lib, x, y, workers):
    data = lib.utils.data.TensorDataset(lib.tensor(x), lib.tensor(y))
    loader = lib.utils.data.DataLoader(data, batch_size=64, shuffle=True, num_workers=workers)
    start = time.perf_counter()
    for _ in loader:
        pass
    return len(x) / (time.perf_counter() - start)


def main():
    x, y = fashion_arrays()
    n = 6400 if QUICK else len(x)
    print(f"{'case':44s} {'ember':>10s} {'torch':>10s} {'ratio':>6s}")
    for kind in ("mlp", "cnn"):
        te, tt = epoch_seconds(ember, kind, x, y, n), epoch_seconds(torch, kind, x, y, n)
        print(f"{kind + ' epoch (60000 images), s':44s} {te:10.2f} {tt:10.2f} {te / tt:6.2f}")
    for w in (0, 2):
        e, t = loader_images_per_second(ember, x, y, w), loader_images_per_second(torch, x, y, w)
        print(f"{f'DataLoader {w} workers, images/s':44s} {e:10.0f} {t:10.0f} {t / e:6.2f}")


if __name__ == "__main__":
    main()

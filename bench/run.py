"""ember vs PyTorch, side by side in one run; prints each timing and the ratio ember/torch.

Run: python bench/run.py [--quick] [WORD ...]   (WORDs pick cases by name, e.g. "lenet")
Threads are pinned (1 BLAS/OpenMP thread each) so both libraries do the same work on one core.
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import ember  # noqa: E402

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
QUICK = "--quick" in sys.argv


def timeit(fn, repeat=5, number=1):
    """Median seconds per call over ``repeat`` runs of ``number`` calls, after a warm-up."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def two_layer(lib, manual, iters):
    lib.manual_seed(0)
    N, D_in, H, D_out = 64, 1000, 100, 10
    x = lib.randn(N, D_in)
    y = lib.randn(N, D_out)
    w1 = lib.randn(D_in, H, requires_grad=not manual)
    w2 = lib.randn(H, D_out, requires_grad=not manual)
    lr = 1e-6

    def run():
        nonlocal w1, w2
        for _ in range(iters):
            if manual:
                h = x.mm(w1)
                h_relu = h.clamp(min=0)
                y_pred = h_relu.mm(w2)
                loss = (y_pred - y).pow(2).sum().item()
                grad_y_pred = 2.0 * (y_pred - y)
                grad_w2 = h_relu.t().mm(grad_y_pred)
                grad_h = grad_y_pred.mm(w2.t()).clone()
                grad_h[h < 0] = 0
                grad_w1 = x.t().mm(grad_h)
                w1.sub_(lr * grad_w1)
                w2.sub_(lr * grad_w2)
            else:
                loss = (x.mm(w1).clamp(min=0).mm(w2) - y).pow(2).sum()
                loss.backward()
                with lib.no_grad():
                    w1 -= lr * w1.grad
                    w2 -= lr * w2.grad
                    w1.grad.zero_()
                    w2.grad.zero_()
        return loss
    return run


def small_add(lib):
    a, b = lib.ones(64), lib.ones(64)
    return lambda: a + b


def matmul64(lib):
    a, b = lib.rand(64, 64), lib.rand(64, 64)
    return lambda: a @ b


def chain10(lib):
    x = lib.rand(64, requires_grad=True)

    def run():
        y = x * 2
        y = y + 1
        y = y.exp()
        y = y * x
        y = y - 3
        y = y / 4
        y = y.clamp(min=0)
        y = y.pow(2)
        y = y.sqrt()
        y.sum().backward()
    return run


def _train_step(lib, model, x, y):
    opt = lib.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = lib.nn.CrossEntropyLoss()

    def run():
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    return run


def mlp_step(lib):
    """Fashion-MNIST MLP (784-512-512-10), batch 64, one SGD step on random data."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                          nn.ReLU(), nn.Linear(512, 10))
    return _train_step(lib, model, lib.randn(64, 1, 28, 28), lib.randint(0, 10, (64,)))


def lenet_step(lib):
    """LeNet-5 on 1x28x28 (padding 2), batch 64, one SGD step on random data."""
    nn = lib.nn
    lib.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                          nn.Linear(84, 10))
    return _train_step(lib, model, lib.randn(64, 1, 28, 28), lib.randint(0, 10, (64,)))


def optimizer_step(lib, name):
    """One optimizer step over 10 million parameters (10 tensors of 1000x1000)."""
    lib.manual_seed(0)
    params = [lib.nn.Parameter(lib.randn(1000, 1000)) for _ in range(10)]
    for p in params:
        p.grad = lib.randn(1000, 1000)
    opt = lib.optim.SGD(params, lr=0.01, momentum=0.9) if name == "sgd" else \
        lib.optim.Adam(params, lr=1e-3)
    return opt.step


CASES = [
    ("two-layer net, hand-written backward, 500 it", lambda lib: two_layer(lib, True, 500),
     1, 3),
    ("two-layer net, autograd, 500 it", lambda lib: two_layer(lib, False, 500), 1, 3),
    ("small add (64 elements)", small_add, 2000, 7),
    ("matmul 64x64", matmul64, 500, 7),
    ("10-op chain forward+backward", chain10, 200, 7),
    ("MLP 784-512-512-10 train step, batch 64", mlp_step, 20, 5),
    ("LeNet train step, batch 64", lenet_step, 5, 5),
    ("SGD(momentum) step, 10M parameters", lambda lib: optimizer_step(lib, "sgd"), 3, 5),
    ("Adam step, 10M parameters", lambda lib: optimizer_step(lib, "adam"), 3, 5),
]


def main():
    print(f"threads: {os.environ['OMP_NUM_THREADS']}; torch {torch.__version__}; "
          f"ember {ember.__version__}")
    print(f"{'case':48s} {'ember':>12s} {'torch':>12s} {'ratio':>7s}")
    only = [a for a in sys.argv[1:] if not a.startswith("--")]
    for name, make, number, repeat in CASES:
        if only and not any(o.lower() in name.lower() for o in only):
            continue
        if QUICK:
            repeat = 1
        te = timeit(make(ember), repeat, number)
        tt = timeit(make(torch), repeat, number)
        print(f"{name:48s} {_fmt(te):>12s} {_fmt(tt):>12s} {te / tt:7.2f}")


def _fmt(seconds):
    if seconds >= 0.1:
        return f"{seconds:.3f} s"
    if seconds >= 1e-4:
        return f"{seconds * 1e3:.3f} ms"
    return f"{seconds * 1e6:.2f} us"


if __name__ == "__main__":
    main()

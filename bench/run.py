"""ember vs PyTorch, side by side in one run; prints each timing and the ratio ember/torch.

Run: python bench/run.py [--quick]
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


CASES = [
    ("two-layer net, hand-written backward, 500 it", lambda lib: two_layer(lib, True, 500),
     1, 3),
    ("two-layer net, autograd, 500 it", lambda lib: two_layer(lib, False, 500), 1, 3),
    ("small add (64 elements)", small_add, 2000, 7),
    ("matmul 64x64", matmul64, 500, 7),
    ("10-op chain forward+backward", chain10, 200, 7),
]


def main():
    print(f"threads: {os.environ['OMP_NUM_THREADS']}; torch {torch.__version__}; "
          f"ember {ember.__version__}")
    print(f"{'case':48s} {'ember':>12s} {'torch':>12s} {'ratio':>7s}")
    for name, make, number, repeat in CASES:
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

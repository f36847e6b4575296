"""Optimizer step time, ember vs PyTorch side by side: prints each median and the ratio.

Run: python bench/optim_step.py [--quick]
Cases: a 10-million-parameter model (four 2500x1000 Linear weights and their biases) and the
Fashion-MNIST MLP (784-512-512-10, 6 tensors: per-parameter overhead). One thread each;
medians of interleaved runs, and the ratio of the best runs (less sensitive to other load).
"""
import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import ember  # noqa: E402

torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
QUICK = "--quick" in sys.argv

BIG = [(2500, 1000), (2500,)] * 4
MLP = [(512, 784), (512,), (512, 512), (512,), (10, 512), (10,)]

CASES = [
    ("SGD(momentum=0.9)", "SGD", dict(lr=0.01, momentum=0.9)),
    ("SGD", "SGD", dict(lr=0.01)),
    ("Adam", "Adam", dict(lr=1e-3)),
    ("AdamW(amsgrad)", "AdamW", dict(lr=1e-3, amsgrad=True)),
    ("RMSprop", "RMSprop", dict(lr=1e-3)),
    ("Adagrad", "Adagrad", dict(lr=1e-2)),
]


def median_times(fns, repeat):
    """(median, best) seconds per call of each fn, the calls interleaved so that load from
    other processes hits both libraries alike."""
    for fn in fns:
        fn()
        fn()
    times = [[] for _ in fns]
    for _ in range(repeat):
        for fn, ts in zip(fns, times):
            start = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - start)
    return [(statistics.median(ts), min(ts)) for ts in times]


def setup(lib, name, kw, shapes):
    rng = np.random.default_rng(0)
    params = []
    for shape in shapes:
        p = lib.tensor(rng.standard_normal(shape, dtype=np.float32), requires_grad=True)
        p.grad = lib.tensor(rng.standard_normal(shape, dtype=np.float32) * 1e-3)
        params.append(p)
    return getattr(lib.optim, name)(params, **kw)


def main():
    for label, shapes, repeat in (("10M params", BIG, 5 if QUICK else 25),
                                  ("MLP 784-512-512-10", MLP, 20 if QUICK else 200)):
        n = sum(int(np.prod(s)) for s in shapes)
        print(f"{label} ({n:,} parameters in {len(shapes)} tensors), one step:")
        for case, name, kw in CASES if not QUICK else CASES[:3]:
            (t_torch, b_torch), (t_ember, b_ember) = median_times(
                [setup(torch, name, kw, shapes).step, setup(ember, name, kw, shapes).step],
                repeat)
            print(f"  {case:18s} torch {t_torch * 1e3:8.3f} ms   ember {t_ember * 1e3:8.3f} ms"
                  f"   ratio {t_ember / t_torch:5.2f}   (best of {repeat}: "
                  f"{b_ember / b_torch:4.2f})")


if __name__ == "__main__":
    main()

"""examples/seed004_cifar10.py: the tutorial's CIFAR-10 classifier runs end to end on a generated
dataset of the real on-disk format."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "seed004_cifar10.py"


def _run(tmp_path, *args):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               MPLBACKEND="Agg")
    return subprocess.run([sys.executable, str(EXAMPLE), *args], capture_output=True, text=True,
                          env=env, timeout=120, cwd=tmp_path)


def test_cifar_example_trains_and_reports_accuracy(tmp_path):
    data = tmp_path / "data"
    grid = tmp_path / "grid.png"
    proc = _run(tmp_path, "--epochs", "1", "--per-batch-images", "40", "--print-every", "20",
                "--root", str(data), "--grid", str(grid))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "writing a generated stand-in" in out
    assert "[1,    20] loss:" in out
    assert "Finished Training" in out
    assert "Accuracy of the network on the 40 test images:" in out
    assert out.count("Accuracy for class:") == 10
    assert grid.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    folder = data / "cifar-10-batches-py"
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch", "batches.meta"]:
        assert (folder / name).is_file()

    # A second run finds the files and does not regenerate them.
    proc = _run(tmp_path, "--epochs", "1", "--root", str(data), "--grid", str(grid))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "writing a generated stand-in" not in proc.stdout
    assert "Accuracy of the network on the 40 test images:" in proc.stdout


def test_generated_batches_load_like_the_real_ones(tmp_path):
    sys.path.insert(0, str(ROOT / "examples"))
    try:
        import seed004_cifar10 as ex
    finally:
        sys.path.remove(str(ROOT / "examples"))
    from ember.vision.datasets import CIFAR10

    ex.write_fake_cifar10(str(tmp_path), 30)
    train = CIFAR10(str(tmp_path), train=True)
    test = CIFAR10(str(tmp_path), train=False)
    assert train.data.shape == (150, 32, 32, 3) and train.data.dtype.name == "uint8"
    assert len(test) == 30 and all(0 <= t < 10 for t in test.targets)
    assert train.classes[0] == "airplane" and len(train.classes) == 10
    img, label = train[0]
    assert img.size == (32, 32) and img.mode == "RGB" and isinstance(label, int)

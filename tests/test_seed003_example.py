"""Seed 003 (the Fashion-MNIST clothing classifier) runs end to end on a small subset."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "seed003_fashion_classifier.py"


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir(),
                    reason="needs the Debian package dataset-fashion-mnist (make test installs it)")
def test_seed003_fashion_classifier_runs(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, str(EXAMPLE), "--epochs", "1", "--limit", "1000",
                           "--root", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert "NeuralNetwork(\n  (flatten): Flatten(start_dim=1, end_dim=-1)" in out
    assert "(0): Linear(in_features=784, out_features=512, bias=True)" in out
    assert "(4): Linear(in_features=512, out_features=10, bias=True)" in out
    assert "Gradient function for loss = <BinaryCrossEntropyWithLogitsBackward0" in out
    assert "one-hot label of Ankle Boot: tensor([0., 0., 0., 0., 0., 0., 0., 0., 0., 1.])" in out
    accs = [float(a) for a in re.findall(r"Accuracy: (\d+\.\d)%, Avg loss: \d+\.\d+", out)]
    assert len(accs) == 1 and 0.0 <= accs[0] <= 100.0
    assert "Done!" in out
    assert "same predictions: True" in out
    assert not list(tmp_path.iterdir()), "the example wrote into the dataset root"

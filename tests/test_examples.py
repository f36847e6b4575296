"""The seed programs in examples/ print the same as the same programs on PyTorch."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ROOT = EXAMPLES.parent
_ADDR = re.compile(r"0x[0-9a-f]+")


def _run(source, tmp_path, name):
    path = tmp_path / name
    path.write_text(source)
    env = dict(os.environ, PYTHONPATH=str(ROOT), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env,
                          timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return _ADDR.sub("0x?", proc.stdout)


_NUMBER = re.compile(r"[-+]?\d+\.?\d*(?:e[-+]?\d+)?")


def _same_line(a, b, rtol):
    """Equal text, with numbers allowed to differ by ``rtol`` (BLAS summation order differs)."""
    if a == b:
        return True
    if not rtol or _NUMBER.sub("#", a) != _NUMBER.sub("#", b):
        return False
    return all(abs(float(x) - float(y)) <= rtol * max(abs(float(x)), abs(float(y)))
               for x, y in zip(_NUMBER.findall(a), _NUMBER.findall(b)))


# The two-layer nets run 500 float32 steps on 64x1000 matrices: the loss tracks torch's to about
# 4 digits while it falls 7 orders of magnitude, so their lines are compared with a tolerance.
@pytest.mark.parametrize("name,rtol", [("tensor_tour.py", 0), ("autograd_tour.py", 0),
                                       ("two_layer_manual.py", 2e-2),
                                       ("two_layer_autograd.py", 2e-2),
                                       ("seed000_convnet.py", 1e-4),
                                       ("tinymodel.py", 1e-3),
                                       ("lenet_and_checkpoint.py", 1e-3)])
def test_example_prints_what_torch_prints(name, rtol, tmp_path):
    source = (EXAMPLES / name).read_text()
    assert "import ember as torch" in source
    ours = _run(source, tmp_path, "ember_" + name)
    as_torch = source.replace("import ember as torch", "import torch").replace(
        "import ember.nn", "import torch.nn").replace("from ember import", "from torch import")
    theirs = _run(as_torch, tmp_path, "torch_" + name)
    ours_lines, theirs_lines = ours.splitlines(), theirs.splitlines()
    for i, (a, b) in enumerate(zip(ours_lines, theirs_lines)):
        assert _same_line(a, b, rtol), f"line {i + 1} differs:\nember: {a}\ntorch: {b}"
    assert len(ours_lines) == len(theirs_lines)


def test_profiler_table_lists_the_ops(tmp_path):
    source = (EXAMPLES / "autograd_tour.py").read_text()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", source, "--profile"], capture_output=True,
                          text=True, env=env, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = proc.stdout.split("Self CPU %")[1]
    assert "aten::div" in table and "aten::mul" in table
    assert re.search(r"aten::div .* 1000\s*$", table, re.M)


@pytest.mark.skipif(not Path("/usr/share/datasets/fashion-mnist").is_dir(),
                    reason="needs the Debian package dataset-fashion-mnist (make test installs it)")
def test_seed002_softmax_from_scratch_trains(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, str(EXAMPLES / "seed002_softmax_scratch.py"),
                           "--epochs", "2", "--limit", "2000", "--root", str(tmp_path)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    accs = [float(line.rsplit(" ", 1)[1]) for line in proc.stdout.splitlines()]
    assert len(accs) == 2 and accs[-1] > 0.6

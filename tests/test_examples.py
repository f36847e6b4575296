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


@pytest.mark.parametrize("name", ["tensor_tour.py", "autograd_tour.py", "two_layer_manual.py",
                                  "two_layer_autograd.py"])
def test_example_prints_what_torch_prints(name, tmp_path):
    source = (EXAMPLES / name).read_text()
    assert "import ember as torch" in source
    ours = _run(source, tmp_path, "ember_" + name)
    theirs = _run(source.replace("import ember as torch", "import torch"), tmp_path,
                  "torch_" + name)
    ours_lines, theirs_lines = ours.splitlines(), theirs.splitlines()
    for i, (a, b) in enumerate(zip(ours_lines, theirs_lines)):
        assert a == b, f"line {i + 1} differs:\nember: {a}\ntorch: {b}"
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

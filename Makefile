# `make train`: install ember and the Fashion-MNIST data, then train the CNN classifier.
# `make test`: install what the tests need (ember, pytest, the torch oracle, the data) and run them.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
EPOCHS ?= 10
MODEL ?= cnn

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

.PHONY: data install-test install-train test train demo bench
# The Debian package puts Fashion-MNIST in /usr/share/datasets/fashion-mnist.
data:
	@dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || \
		(apt-get update -qq && apt-get install -y -qq dataset-fashion-mnist) || \
		echo "note: could not install dataset-fashion-mnist; ember-train will download the data"

install-test: $(PY) data
	$(PY) -m pip install --quiet -e '.[test]'

install-train: $(PY) data
	$(PY) -m pip install --quiet -e '.[train]'

test: install-test
	OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 $(PY) -m pytest -q -p no:cacheprovider tests
	$(PY) -m ruff check ember tests examples bench

train: install-train
	$(VENV)/bin/ember-train --model $(MODEL) --epochs $(EPOCHS) --out runs/$(MODEL)

demo: $(PY)
	$(PY) -m pip install --quiet -e .
	$(PY) examples/two_layer_autograd.py

bench: install-test
	$(PY) bench/run.py

# `make test`: install what the tests need (ember, pytest, the torch oracle) and run them.
# `make demo`: run the seed tutorials' two-layer nets on ember.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

.PHONY: install-test test demo bench lint
install-test: $(PY)
	$(PY) -m pip install --quiet -e '.[test]'

test: install-test
	OMP_NUM_THREADS=2 OPENBLAS_NUM_THREADS=2 $(PY) -m pytest -q -p no:cacheprovider tests
	$(PY) -m ruff check ember tests examples bench

demo: $(PY)
	$(PY) -m pip install --quiet -e .
	$(PY) examples/two_layer_autograd.py

bench: install-test
	$(PY) bench/run.py

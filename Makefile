# geomlearn developer commands. Every target sets up .venv itself on a fresh clone.
#   make demo        the showcase tour on built-in data (report in demo-output/)
#   make test        the whole test suite (what CI runs, with make docs)
#   make docs        the Sphinx site, warnings as errors (docs/_build/html)
#   make bench       every side-by-side benchmark; make bench BENCH=name for one
#   make bench-multipers  signed measures against multipers, in its own .venv-multipers
#   make lint        ruff

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
# The torch wheel on this machine's disk is a CPU build; asking for this exact
# version first keeps pip from fetching a multi-GB CUDA build.
TORCH_PIN ?= torch==2.13.0
PYTEST_ARGS ?=
BENCH ?=

# multipers (the reference library of signed measures) has no wheel for this
# platform that works with the gudhi we use (2.3.2 aborts with gudhi >= 3.12;
# newer wheels need glibc 2.39): it runs in its own environment, with gudhi
# 3.11.0 and geomlearn installed editable without dependencies.
MP_VENV  := .venv-multipers
MP_STAMP := $(MP_VENV)/.installed
MP_PIP   := $(MP_VENV)/bin/python -m pip --disable-pip-version-check -q

.PHONY: demo test docs bench bench-multipers lint format clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --progress-bar off "$(TORCH_PIN)"
	$(PIP) install --progress-bar off -e ".[all,test]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m geomlearn.demo

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html -j 2 docs docs/_build/html
	@echo "site: docs/_build/html/index.html"

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py $(BENCH)

$(MP_STAMP): pyproject.toml
	test -x $(MP_VENV)/bin/python || $(PYTHON) -m venv $(MP_VENV)
	$(MP_PIP) install --progress-bar off "gudhi==3.11.0" "multipers==2.3.2" \
		"numba>=0.59" "ripser>=0.6.8"
	$(MP_PIP) install --progress-bar off --no-deps -e .
	touch $(MP_STAMP)

bench-multipers: $(MP_STAMP)
	$(MP_VENV)/bin/python benchmarks/run.py signed_measures \
		--only signed_measures_hilbert --only signed_measures_euler

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples docs/conf.py conftest.py
	$(BIN)/ruff format --check src tests benchmarks examples docs/conf.py conftest.py

format: $(STAMP)
	$(BIN)/ruff check --fix src tests benchmarks examples docs/conf.py conftest.py
	$(BIN)/ruff format src tests benchmarks examples docs/conf.py conftest.py

clean:
	rm -rf docs/_build docs/generated docs/auto_examples docs/api.rst demo-output

# Responsible Machine Learning with Python: the few commands a person needs.
# `make test` and `make lab` install everything first; nothing else is needed on the machine
# beyond Python 3.11, Java 17 and pip.
VENV ?= .venv
BIN  := $(VENV)/bin
PORT ?= 8888

.PHONY: system install install-test test lab release slides doctor lock benchmark clean

system:             ## Java 17 for H2O and bubblewrap for the grading sandbox, via apt-get (nothing when both are there)
	@bash scripts/install-system.sh

install: system     ## create .venv from requirements.lock (quick when nothing changed)
	@scripts/install.sh $(VENV)

install-test: system  ## .venv with the test tools too, from requirements-test.lock
	@scripts/install.sh $(VENV) requirements-test.lock

test: install-test  ## the whole test suite: helpers, every lesson, release sync, autograder
	$(BIN)/python -m pytest

lab: export JUPYTER_CONFIG_PATH := $(CURDIR)/config/learner
lab: install        ## JupyterLab on the student notebooks, localhost only, token on (learner settings)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) --no-browser $(if $(filter 0,$(shell id -u)),--allow-root)

release: install    ## regenerate notebooks/ from solutions/ with nbgrader
	$(BIN)/workshop release

slides: install     ## every lesson as an offline reveal.js deck in slides/ (npm fetches reveal.js once)
	$(BIN)/workshop slides --out slides

doctor: install     ## check Python, Java, memory, data and packages
	$(BIN)/workshop doctor

benchmark: install   ## time and measure every lesson and the helpers
	$(BIN)/python -m benchmarks

lock:               ## re-pin requirements.lock (runtime) and requirements-test.lock (runtime + tests) from pyproject.toml (needs network)
	python3 -m pip install --quiet uv
	python3 -m uv pip compile pyproject.toml --python-version 3.11 --universal -o requirements.lock
	python3 -m uv pip compile pyproject.toml --extra test --python-version 3.11 --universal \
	    -c requirements.lock -o requirements-test.lock

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info slides vendor/node_modules test-artifacts

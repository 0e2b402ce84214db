# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test lint typecheck unit bench screenshots clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(PY) -m tactful

unit: $(VENV)/.installed
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(PY) -m pytest -q

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

test: unit lint typecheck

bench: $(VENV)/.installed
	$(PY) benchmarks/relevance.py
	$(PY) benchmarks/search_speed.py
	$(PY) benchmarks/tone_eval.py
	$(PY) benchmarks/ui_latency.py
	$(PY) benchmarks/desktop_latency.py
	QT_QPA_PLATFORM=offscreen $(PY) benchmarks/pack_reload.py

screenshots: $(VENV)/.installed
	$(PY) scripts/screenshots.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache

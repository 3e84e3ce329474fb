# Both targets bootstrap .venv from a bare python3 (3.11+), so a fresh clone needs nothing else.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: play serve test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "capquest needs Python 3.11 or newer")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing capquest and its test tools into $(VENV) ..."
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test,lab]'
	@touch $(STAMP)

play: $(STAMP)
	@$(BIN)/capquest

# The campaign in web browsers, on this computer only (loopback); the README says how to open it to a
# class. SERVE_ARGS adds options: make serve SERVE_ARGS="--max-sessions 30".
serve: $(STAMP)
	@$(BIN)/capquest serve $(SERVE_ARGS)

test: $(STAMP)
	$(BIN)/python -m ruff check capquest tests benchmarks
	$(BIN)/python -m ruff format --check capquest tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m mypy
	$(BIN)/python -m pytest -n 2 --dist loadgroup -q -rs

lint: $(STAMP)
	$(BIN)/python -m ruff check capquest tests benchmarks
	$(BIN)/python -m ruff format --check capquest tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/engine.py

clean:
	rm -rf $(VENV) build dist *.egg-info

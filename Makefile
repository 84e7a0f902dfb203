# The two commands a user needs: `make demo` and `make test`. Both create .venv and install syndic.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format install tools chaos bench compose-up clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/syndic demo

lint: $(STAMP)
	$(BIN)/ruff check services tests
	$(BIN)/ruff format --check services tests
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format services tests
	$(BIN)/ruff check --fix services tests

# Test-only tools from Debian's packages (promtool and prometheus for the deploy/ checks).
tools:
	@if [ -f scripts/install-test-tools.sh ]; then bash scripts/install-test-tools.sh; fi

test: lint tools
	$(BIN)/pytest

# The long fault-injection run (a short one is part of `make test`).
chaos: $(STAMP)
	$(BIN)/syndic chaos

bench: $(STAMP)
	$(BIN)/syndic bench

# Needs a Docker engine (not available on the development machines).
compose-up:
	docker compose up -d --build

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

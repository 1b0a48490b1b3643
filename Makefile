# The README's two commands: `make example` and `make test`. Both work on a fresh machine with
# only Python 3.11: the first run creates .venv and installs what is needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: example test lint typecheck pytest schemas clean

PLUGINS := $(wildcard plugins/*/pyproject.toml)

# The package with its test tools, and every first-party plugin (their tests run with ours).
$(STAMP): pyproject.toml $(PLUGINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	for plugin in $(dir $(PLUGINS)); do $(BIN)/python -m pip install --quiet -e "$$plugin" || exit 1; done
	touch $(STAMP)

## Run the main job on the bundled example: score the North Wales 2008 sample with OMI 2008.
example: $(STAMP)
	$(BIN)/omi-rules score rulesets/omi-2008 examples/north-wales-2008/cases.csv \
		--judgements examples/north-wales-2008/judgements.yaml

## Install the test dependencies and run the whole test suite (lint, types, tests), the tests in
## parallel on every core (pytest-xdist; worksteal evens out the long property tests).
test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check omi_rules tests benchmarks plugins
	$(BIN)/ruff format --check omi_rules tests benchmarks plugins

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist worksteal tests $(wildcard plugins/*/tests) rulesets

## Regenerate schemas/ from the typed model (a test fails when they are stale).
schemas: $(STAMP)
	$(BIN)/python -m omi_rules.model.schemas

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The README's two commands: `make demo` and `make test`. Each sets up .venv when it is missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export KLYNGE_HOME ?= $(CURDIR)/.klynge

.PHONY: demo test bench lint clean screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/klynge db upgrade
	$(BIN)/klynge demo --serve --no-browser

# One pytest worker per core (pytest-xdist); tests/conftest.py puts the browser and server tests
# first. The preflight says what to install first.
test: $(STAMP)
	$(BIN)/python -m tests.preflight
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

bench: $(STAMP)
	$(BIN)/python bench/store_bench.py
	$(BIN)/python bench/app_bench.py
	$(BIN)/python bench/batch_bench.py
	$(BIN)/python bench/travel_bench.py
	$(BIN)/python bench/matching_bench.py
	$(BIN)/python bench/optimiser_bench.py
	$(BIN)/python bench/strategy_bench.py
	$(BIN)/python bench/attendance_bench.py
	$(BIN)/python bench/invite_bench.py
	$(BIN)/python bench/library_bench.py
	$(BIN)/python bench/workshop_bench.py
	$(BIN)/python bench/funnel_bench.py

lint: $(STAMP)
	$(BIN)/python -m ruff check src tests bench

clean:
	rm -rf $(VENV) .klynge dist build

screenshots: $(STAMP)
	KLYNGE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/browser/test_screens.py

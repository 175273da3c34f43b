# Two commands on a fresh machine with Python >= 3.10:
#   make run    set up .venv if needed, then open the app
#   make test   set up .venv if needed, then ruff, mypy and the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/interleave

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

# Two workers: most tests wait on a run or a screen, so two halve the suite's time on two
# cores (it stays under ten minutes). A single test runs as usual: `.venv/bin/pytest FILE`.
pytest: $(STAMP)
	$(BIN)/pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python -m benchmarks.pipeline
	$(BIN)/python -m benchmarks.tui_overhead
	$(BIN)/python -m benchmarks.fidelity
	$(BIN)/python -m benchmarks.scrape
	$(BIN)/python -m benchmarks.soak
	$(BIN)/python -m benchmarks.recording

screenshots: $(STAMP)
	$(BIN)/python -m tui.screenshots

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache snapshot_report.html

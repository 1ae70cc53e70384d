# County Risk Map — two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT := 8501
PIP := $(BIN)/python -m pip install --disable-pip-version-check -q -c constraints.txt

.PHONY: run test test-fast mutate install install-test demo lint bench bench-import bench-import-memory bench-score bench-warning bench-ui bench-backends bench-load screenshots clean

# Debian packages, as [COMMAND:]PACKAGE (installed only when missing): the app's (the
# Chinese font of the briefing's maps and PDF), and what the tests add.
RUN_SYSTEM_PACKAGES := fonts-noto-cjk
TEST_SYSTEM_PACKAGES := $(RUN_SYSTEM_PACKAGES) unshare:util-linux chromium:chromium \
	pdftotext:poppler-utils postgresql-15 postgresql-15-postgis-3

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 || scripts/ensure-system-packages.sh python3-venv
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	scripts/ensure-system-packages.sh $(RUN_SYSTEM_PACKAGES)
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test]'
	scripts/ensure-system-packages.sh $(TEST_SYSTEM_PACKAGES)
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## make run: install, create the demo database on first start, serve the app on $(PORT)
run: install
	$(BIN)/riskmap demo --if-missing
	@echo "County Risk Map: http://localhost:$(PORT)"
	$(BIN)/python -m ui.serve --server.port $(PORT)

## make test: install what the tests need, then run the whole suite (two processes) with a
## throwaway PostgreSQL + PostGIS cluster for the tests that run on both databases
test: install-test
	$(BIN)/ruff check .
	scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 --dist loadscope --no-loadscope-reorder

## make test-fast: the loop while working (no browser, nothing of demo size): under a minute
test-fast: install-test
	$(BIN)/ruff check .
	scripts/with-postgres.sh $(BIN)/python -m pytest -n 2 -m "not browser and not slow"

demo: install
	$(BIN)/riskmap demo --force

## make bench: the suite at county and province size, side by side with the naive way
bench: install
	$(BIN)/python bench/suite.py --size county --size province --repeat 3 --json build/bench.json

## make bench-import: import 1,000,000 ledger rows from CSV and print rows per second
bench-import: install
	$(BIN)/python bench/import_ledger.py --rows 1000000 --repeat 3

## make bench-import-memory: memory an import takes per byte of file, by format ([import] of config/storage.toml)
bench-import-memory: install
	$(BIN)/python bench/import_memory.py --rows 100000

## make bench-score: score the demo county and a province-sized synthetic set
bench-score: install
	$(BIN)/python bench/score.py --repeat 3

## make bench-warning: geohazard warning on the demo and the province (scenario, rain grid)
bench-warning: install
	$(BIN)/python bench/warning.py --repeat 3

## make bench-ui: map payloads, filter rerender and first paint, demo county and province
bench-ui: install-test
	$(BIN)/riskmap demo --if-missing
	$(BIN)/python bench/dashboard.py --size county --size province --json build/bench-ui.json

## make bench-backends: the DuckDB file and PostgreSQL side by side (import, scoring, rerender, first paint)
bench-backends: install-test
	$(BIN)/python bench/backends.py --size county --size province --json build/bench-backends.json

## make bench-load: 20 editors for 60 s in two processes on one PostgreSQL database
bench-load: install-test
	scripts/with-postgres.sh sh -c '$(BIN)/riskmap demo --db "$$RISKMAP_TEST_PG" && \
		$(BIN)/python bench/load.py --db "$$RISKMAP_TEST_PG" --editors 20 --seconds 60'

## make screenshots: every page in both languages and the meeting screen, into docs/screenshots
screenshots: install-test
	$(BIN)/riskmap demo --if-missing
	$(BIN)/python scripts/screenshots.py

## make mutate: mutation testing of what the committee sees (classes, overdue, KPIs, warning
## levels, priorities, the transaction) against the fast tier; prints the survivors. Not part
## of `make test`: about 40 minutes on two cores from a fresh clone (then only what changed).
mutate: install-test
	$(PIP) 'mutmut==3.8.1'
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

lint: install-test
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

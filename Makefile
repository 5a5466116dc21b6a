# Everything from a fresh machine with only python3 and make: `make run`, `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint bench demo screenshots clean package package-test

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

## run: open the app on the default database (or DB=path)
run: $(STAMP)
	$(BIN)/ketamonitor $(if $(DB),--db "$(DB)")

## test: lint, layer contracts, and the whole suite (headless)
test: $(STAMP) lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest

## lint: ruff, the layer contracts, and the types (strict for core and store; the test
## module that checks Store against store.interface)
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy ketamonitor tests/store/test_interface.py

## bench: the performance figures, as ratios to baselines measured in the same run
bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m benchmarks

## screenshots: the window on a demo clinic at 1366x768 and 1920x1080, into docs/screenshots
screenshots: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tools.screenshots

## demo: a synthetic clinic in demo.db, then open it
demo: $(STAMP)
	$(BIN)/ketamonitor demo --db demo.db
	$(BIN)/ketamonitor --db demo.db

## package: the one-folder bundle dist/ketamonitor/ with PyInstaller (the `package` extra)
package: $(STAMP)
	$(BIN)/python -c 'import PyInstaller' 2>/dev/null || \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[package]'
	packaging/build.sh

## package-test: run the built bundle headless (version, demo, verify, PDF, window)
package-test:
	packaging/smoke_test.sh

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

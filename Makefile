# Pingan: `make run` serves the app with the demo district; `make test` runs every test.
SHELL := /bin/bash
PORT ?= 8501
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PINGAN_DEMO ?= 1
export PINGAN_DEMO

.PHONY: install run pingan test bench lint clean-data migration

.tools/bin/uv:
	python3 tools/bootstrap_uv.py

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	@$(UV) sync --frozen --quiet

run: install
	$(UV) run pingan db upgrade
	$(UV) run pingan demo load --if-empty
	$(UV) run pingan serve --port $(PORT)

# One `pingan` command with the settings `make run` uses (demo mode unless PINGAN_DEMO=0), and
# whichever uv make found: make pingan ARGS="user list"
pingan: install
	@$(UV) run pingan $(ARGS)

# Lint first: CI runs `make test`, so style and type errors fail it too. Two workers (the
# machine has two cores): the browser tests stay together on one (tests/conftest.py groups
# them), the other modules are shared out whole. PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: lint
	$(UV) run pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=15 $(PYTEST_ARGS)

bench: install
	$(UV) run python -m bench $(BENCH_ARGS)

lint: install
	$(UV) run ruff check .
	$(UV) run mypy app.py pages ui services db

clean-data:
	rm -rf data/pingan.db data/pingan.db-wal data/pingan.db-shm

# Before the first release: regenerate the initial migration from the models.
migration: install
	$(UV) run python tools/regen_initial_migration.py

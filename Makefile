# Pingan: `make run` serves the app with the demo district; `make test` runs every test.
SHELL := /bin/bash
PORT ?= 8501
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
PINGAN_DEMO ?= 1
export PINGAN_DEMO

.PHONY: install run test bench lint clean-data migration

.tools/bin/uv:
	python3 tools/bootstrap_uv.py

install: $(if $(findstring .tools,$(UV)),.tools/bin/uv)
	$(UV) sync --frozen --quiet

run: install
	$(UV) run pingan db upgrade
	$(UV) run pingan demo load --if-empty
	$(UV) run streamlit run app.py --server.port $(PORT)

# Lint first: CI runs `make test`, so style and type errors fail it too.
test: lint
	$(UV) run pytest $(PYTEST_ARGS)

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

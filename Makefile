# Campaigns: `make run` to try it, `make test` to check it. `make help` lists every target.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help install browser run test fuzz lint format bench check-deploy clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its test tools

run: install ## Migrate, load demo data and serve on 127.0.0.1:$(PORT) with a qcluster
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	PORT=$(PORT) exec ./scripts/serve.sh

browser: ## Make sure Debian's Chromium is there for the browser tests (installs it if it may)
	@./scripts/ensure-browser.sh

test: install browser ## Lint, check layers, types and migrations, run the whole suite (Chromium included)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

fuzz: install ## Only the API fuzz gate (schemathesis; FUZZ_MAX_EXAMPLES=25 per operation)
	$(BIN)/python -m pytest tests/api/test_fuzz.py $(PYTEST_ARGS)

lint: install ## ruff lint and format check, the layers (import-linter) and the types (mypy)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

bench: install ## Run the benchmarks under bench/ (see bench/README.md)
	$(BIN)/python bench/run.py

check-deploy: install ## manage.py check --deploy with production settings
	DEBUG=0 SECRET_KEY=$$(openssl rand -hex 40) ALLOWED_HOSTS=campaigns.example.com \
		FIELD_ENCRYPTION_KEYS=$$(openssl rand -base64 32 | tr '+/' '-_') \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

clean: ## Remove the virtualenv, caches and the SQLite database
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache .import_linter_cache db.sqlite3*

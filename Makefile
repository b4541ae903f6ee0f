# The front door. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

# Development defaults; production sets its own environment (see README).
export DJANGO_DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install run test lint format css migrate content superuser clean chromium

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

content: migrate ## Load the real strategy content (skips content that is already there)
	$(MANAGE) load_content

run: content ## Set up everything and serve the site at http://127.0.0.1:$(PORT)/
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install chromium ## Run the checks and the whole test suite (DATABASE_URL picks the database)
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

# The browser tests drive Debian's chromium; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install ## Check style with ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

css: ## Rebuild static/css/main.css from SCSS with npm (needs Node.js)
	npm ci --no-audit --no-fund
	npm run build

superuser: migrate ## Create an admin account for yourself
	$(MANAGE) createsuperuser

clean: ## Remove the virtualenv and caches (keeps your database)
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# The front door. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

# Development defaults; production sets its own environment (see README).
export DJANGO_DEBUG ?= 1

.DEFAULT_GOAL := help
.PHONY: help install run test lint audit format css migrate content superuser backup restore \
	clean chromium pdf-libs

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(VENV)/.installed pdf-libs ## Create .venv and install the pinned dependencies

migrate: install ## Apply database migrations
	$(MANAGE) migrate --noinput

content: migrate ## Load the real strategy content (skips content that is already there)
	$(MANAGE) load_content

# PORT goes to the site too (also as `make run PORT=8301`): unless SITE_URL is set, its
# canonical, preview and share links use the same port.
# The email alert worker (manage.py db_worker) runs beside the server and stops with it.
# Without EMAIL_HOST, emails are written as files to sent-emails/ to read.
run: content ## Set up everything and serve the site at http://127.0.0.1:$(PORT)/ (with the email worker)
	@echo "Starting the email alert worker beside the site; emails are written to sent-emails/."
	@PORT=$(PORT) $(MANAGE) db_worker --interval 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	PORT=$(PORT) $(MANAGE) runserver 127.0.0.1:$(PORT)

test: install chromium lint ## Run the checks, the layer contract and the whole test suite (DATABASE_URL picks the database)
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest

# The handouts' PDFs are drawn by WeasyPrint, which needs Debian's Pango (sharing/handouts.py).
pdf-libs:
	@ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { \
		echo "Installing Debian's Pango for the handouts' PDFs"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

# The browser tests drive Debian's chromium; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null || { \
		echo "Installing Debian's chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

lint: install ## Check style with ruff, and the layers with import-linter (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# pip-audit checks every installed package (the pinned ones and what they bring in)
# against PyPI's advisory data. A known vulnerability fails. Advisory data that cannot be
# reached (no network, or a package index without PyPI's JSON API) is a loud warning,
# not a failure, so the check never blocks work offline. (Not --strict: that stops at the
# first package it cannot look up, before reporting the vulnerabilities of the rest.)
audit: install ## Check the installed packages for known vulnerabilities (pip-audit)
	@out=$$($(BIN)/pip-audit --progress-spinner off --skip-editable 2>&1); status=$$?; \
	skipped=$$(printf '%s\n' "$$out" | grep -c "could not be audited"); \
	if printf '%s\n' "$$out" | grep -Eq "^Found [0-9]+ known vulnerabilit"; then \
		printf '%s\n' "$$out"; echo "pip-audit: bump the pins above in pyproject.toml." >&2; exit 1; \
	elif [ $$status -ne 0 ]; then \
		printf '%s\n' "$$out" | tail -n 3; \
		echo "WARNING: pip-audit could not reach PyPI's advisory data; packages NOT audited." >&2; \
	elif [ $$skipped -gt 0 ]; then \
		echo "WARNING: pip-audit found no advisory data for $$skipped packages (is PyPI's JSON API reachable?); those were NOT audited." >&2; \
	else \
		printf '%s\n' "$$out"; \
	fi

format: install ## Fix style with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

css: ## Rebuild static/css/main.css from SCSS with npm (needs Node.js)
	npm ci --no-audit --no-fund
	npm run build

superuser: migrate ## Create an admin account for yourself
	$(MANAGE) createsuperuser

backup: install ## Back up the database and uploaded media into backups/<date and time>/
	$(MANAGE) backup

restore: install ## Restore into an empty database: make restore BACKUP=backups/<folder> [FORCE=1]
	@test -n "$(BACKUP)" || { echo "Say which backup: make restore BACKUP=backups/<folder>" >&2; exit 2; }
	$(MANAGE) restore "$(BACKUP)" $(if $(FORCE),--force)

clean: ## Remove the virtualenv and caches (keeps your database)
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles

# The benchmark (bench/run.py, results in bench/results.md). It needs PostgreSQL and
# Redis on their usual local ports, and installs Debian's wrk and nginx when missing.
# Then email alerts (bench/alerts.py): a press release to 5,000 and 50,000 people and a
# daily digest, sent by two db_worker processes to a local SMTP sink; its own section.
.PHONY: bench faults
bench: install ## Benchmark the site under load and email alerts, write bench/results.md (BENCH_QUICK=1: a short run)
	@for tool in wrk nginx; do command -v $$tool >/dev/null || { \
		echo "Installing Debian's $$tool for the benchmark"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null; }; done
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.alerts

# Faults under load (bench/faults.py): Redis killed, Redis frozen, the database cut off,
# each for 10 s of a 30 s load. Writes only its own section of bench/results.md. It uses
# the bench database (built as `make bench` builds it when missing) and PostgreSQL on its
# usual port, and starts a redis-server of its own on a spare port.
faults: install ## Measure the site under load while Redis or the database fails (bench/results.md)
	@for tool in wrk redis-server; do command -v $$tool >/dev/null || { \
		echo "Installing Debian's $$tool for the faults run"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$tool >/dev/null; }; done
	$(BIN)/python -m bench.faults $(SCENARIOS)

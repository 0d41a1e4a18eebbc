# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format bench audit migrate install lock browsers

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

## Start PostgreSQL and Redis (found or embedded), migrate, load demo data, run web + worker + scheduler.
run: $(STAMP)
	$(PY) manage.py runall

## The whole test suite against real PostgreSQL and Redis, and real Chromium for the pages.
test: $(STAMP) browsers
	$(PY) -m pytest $(PYTEST_ARGS)

## Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browsers:
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { \
		echo "Installing Debian's chromium package for the browser tests..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null \
		|| { $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
		$$SUDO apt-get install -y -q chromium >/dev/null; }; }

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	$(PY) bench/run.py

migrate: $(STAMP)
	$(PY) manage.py migrate_all

## Regenerate the lock file from pyproject.toml (needs the package index).
lock: $(STAMP)
	$(VENV)/bin/pip-compile --quiet --extra dev --strip-extras --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

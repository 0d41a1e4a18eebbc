# Two commands for a newcomer: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint security format bench audit migrate install lock browsers messages

$(STAMP): requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

install: $(STAMP)

## Start PostgreSQL and Redis (found or embedded), migrate, load demo data, run web + worker + scheduler.
run: $(STAMP)
	$(PY) manage.py runall

## The whole test suite against real PostgreSQL and Redis, and real Chromium for the pages,
## in one process per core (each with its own test database); TEST_WORKERS=0 for one process.
TEST_WORKERS ?= auto
test: $(STAMP) browsers
	$(PY) -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## Browser tests drive Debian's Chromium (Playwright's own download cannot work here).
browsers:
	@test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || { \
		echo "Installing Debian's chromium package for the browser tests..."; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q chromium >/dev/null \
		|| { $$SUDO apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive \
		$$SUDO apt-get install -y -q chromium >/dev/null; }; }

# Product code only; tests, migrations and bench are excluded in pyproject.toml [tool.bandit].
BANDIT := $(VENV)/bin/bandit -c pyproject.toml -q -r platform tenants workflow notifications

# mypy loads the Django settings (django-stubs); placeholder URLs keep it from looking for or
# starting PostgreSQL and Redis: nothing connects.
MYPY := DATABASE_URL=postgres://mypy@127.0.0.1/mypy DATABASE_OWNER_URL=postgres://mypy@127.0.0.1/mypy \
	REDIS_URL=redis://127.0.0.1:6379/0 $(VENV)/bin/mypy

## ruff (lint + format), bandit (a medium- or high-severity finding fails) and mypy (the
## typed modules listed in pyproject.toml [tool.mypy]).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(BANDIT) -ll
	$(MYPY)

## The CI security gate (.ci/run, before the tests): a high-severity bandit finding fails.
security: $(STAMP)
	$(BANDIT) -lll

## Known vulnerabilities in the pinned dependencies. Needs the internet (PyPI's advisory
## service), so it is not part of CI.
audit: $(STAMP)
	$(VENV)/bin/pip-audit --strict --no-deps --disable-pip -r requirements.lock

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

## After changing marked strings: collect them into locale/*/LC_MESSAGES/django.po (translate
## the new ones there) and compile the .mo files, which are committed (needs GNU gettext:
## Debian's `gettext` package). tests/i18n fails while a message is missing or untranslated.
messages: $(STAMP)
	$(PY) manage.py makemessages --all --no-obsolete --add-location=file \
		--ignore=.venv --ignore=tests --ignore=bench --ignore=.data
	$(PY) manage.py compilemessages --ignore=.venv

# The README's two commands are `make start` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Directory (LDAP) support needs C headers to build python-ldap; add it when present.
LDAP_EXTRA := $(shell test -f /usr/include/ldap.h && test -f /usr/include/sasl/sasl.h && echo ",ldap")

.PHONY: start test install lint check messages typecheck

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,rq$(LDAP_EXTRA)]'
	@touch $@

install: $(VENV)/.installed

## Set up (venv, install, migrate, demo content) and run portal, worker and timers.
## PORT=8080 serves on another port (the links in e-mails follow it).
PORT ?= 8000
start: install
	$(BIN)/python manage.py translations --compile
	$(BIN)/python manage.py start_portal --addr 127.0.0.1:$(PORT)

## Run the whole test suite (unit, view, concurrency on PostgreSQL, browser).
## Tests run in parallel, one worker per core (pytest-xdist); PYTEST_WORKERS=0 runs
## them in one process (CI's two lanes already share the machine's cores).
PYTEST_WORKERS ?= auto
test: install
	$(BIN)/python manage.py translations --compile
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

## Type-checks services, selectors, processes and plugins (mypy with django-stubs).
## site/ is the package portal_site: mypy finds it through a link in var/typecheck/.
TYPECHECKED := -p flows -p portal_site.processes -m portal_site.cases.services \
	-m portal_site.documents.services -m portal_site.notifications.services \
	-m portal_site.accounts.selectors -m shop.services -m shop.selectors \
	-p shop.providers -m shop.references -m shop.orders -m portal_site.registry -m portal_site.connectors \
	-m media_archive.selectors
typecheck: install
	@mkdir -p var/typecheck && ln -sfn ../../site var/typecheck/portal_site
	MYPYPATH=var/typecheck $(BIN)/mypy $(TYPECHECKED)

## Fails when a model change has no migration.
check: install
	DJANGO_SETTINGS_MODULE=portal_site.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

## Rewrites the German and English catalogues from the source.
messages: install
	$(BIN)/python manage.py translations --update

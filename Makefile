# The README's two commands are `make start` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Directory (LDAP) support needs C headers to build python-ldap; add it when present.
LDAP_EXTRA := $(shell test -f /usr/include/ldap.h && test -f /usr/include/sasl/sasl.h && echo ",ldap")

.PHONY: start test install lint check messages typecheck vendor-bpmn-js

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

## Refresh the vendored BPMN modeller (bpmn-js, from the npm registry, pinned here):
## copies its built files and licence into flows/static/flows/vendor/bpmn-js/.
BPMN_JS_VERSION ?= 18.31.1
BPMN_JS_DIR := flows/static/flows/vendor/bpmn-js
vendor-bpmn-js:
	rm -rf /tmp/bpmn-js-vendor && mkdir -p /tmp/bpmn-js-vendor
	cd /tmp/bpmn-js-vendor && npm pack --silent bpmn-js@$(BPMN_JS_VERSION) && tar xzf bpmn-js-$(BPMN_JS_VERSION).tgz
	rm -rf $(BPMN_JS_DIR) && mkdir -p $(BPMN_JS_DIR)/assets/bpmn-font
	cp /tmp/bpmn-js-vendor/package/dist/bpmn-modeler.production.min.js /tmp/bpmn-js-vendor/package/LICENSE $(BPMN_JS_DIR)/
	cp /tmp/bpmn-js-vendor/package/dist/assets/diagram-js.css /tmp/bpmn-js-vendor/package/dist/assets/bpmn-js.css $(BPMN_JS_DIR)/assets/
	mkdir -p $(BPMN_JS_DIR)/assets/bpmn-font/css
	cp /tmp/bpmn-js-vendor/package/dist/assets/bpmn-font/css/bpmn.css $(BPMN_JS_DIR)/assets/bpmn-font/css/
	cp -r /tmp/bpmn-js-vendor/package/dist/assets/bpmn-font/font $(BPMN_JS_DIR)/assets/bpmn-font/
	echo "bpmn-js $(BPMN_JS_VERSION) from the npm registry (make vendor-bpmn-js)" > $(BPMN_JS_DIR)/VERSION

# Two commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
WORKERS ?= 2
HTMX_VERSION := 2.0.11
HTMX := static/vendor/htmx-$(HTMX_VERSION).min.js
# Kemendagri region codes and names (ODbL), from the npm registry at set-up; never committed.
REGION_DATA_VERSION := 4.0.1
REGION_DATA := vendor/idn-area-data/.version-$(REGION_DATA_VERSION)
export FLASK_APP := app

.PHONY: run test bench install install-test assets translations catalog clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed assets translations
install-test: $(VENV)/.installed-test assets translations

# htmx comes from the npm registry at set-up; it is never committed.
$(HTMX):
	mkdir -p static/vendor
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null \
	  && tar xzf htmx.org-$(HTMX_VERSION).tgz && cp package/dist/htmx.min.js $(CURDIR)/$(HTMX) \
	  && rm -rf $$tmp

# Only the CSV files and their licence are kept; a new version replaces the folder whole.
$(REGION_DATA):
	rm -rf vendor/idn-area-data && mkdir -p vendor
	tmp=$$(mktemp -d) && cd $$tmp && npm pack --silent idn-area-data@$(REGION_DATA_VERSION) >/dev/null \
	  && tar xzf idn-area-data-$(REGION_DATA_VERSION).tgz && mkdir out \
	  && cp package/data/provinces.csv package/data/regencies.csv package/data/districts.csv \
	     package/data/villages.csv package/data/LICENSE.md out/ \
	  && touch out/.version-$(REGION_DATA_VERSION) && mv out $(CURDIR)/vendor/idn-area-data \
	  && rm -rf $$tmp

assets: $(HTMX) $(REGION_DATA)

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations -D messages

# After changing texts: gather every msgid (gettext, lazy_gettext as _l) into the English catalogue.
catalog: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --ignore-dirs='.venv tests bench build' \
	  -o instance/messages.pot .
	$(BIN)/pybabel update -i instance/messages.pot -d translations -D messages --no-fuzzy-matching

.env:
	printf 'SECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@

run: install .env
	$(BIN)/flask init-db
	# One SMS sender beside the server; it stops when the server stops.
	$(BIN)/flask sms worker & sender=$$!; trap "kill $$sender" EXIT INT TERM; \
	$(BIN)/gunicorn --config gunicorn.conf.py --bind 0.0.0.0:$(PORT) --workers $(WORKERS) 'app:create_app()'

test: install-test
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

bench: install-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) static/vendor vendor instance

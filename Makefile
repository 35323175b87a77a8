# Mons Digital Suite — the two commands of README.md:
#   make run    set up (first time) and start the dev site on http://127.0.0.1:8000
#   make test   run every test (FAST=1: SQLite only, no browser)
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
MONS := $(VENV)/bin/mons
SITE ?= dev
SAO_VERSION ?= 8.0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run setup install sao site test pg bench clean-site

run: setup
	$(MONS) start --site $(SITE)

setup: install sao site

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: apps/mons_digital/pyproject.toml apps/mons_carto/pyproject.toml requirements-test.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e apps/mons_digital -e apps/mons_carto -r requirements-test.txt
	@touch $@

node_modules/.installed: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

sao: .sao/package/node_modules/.installed

.sao/package/node_modules/.installed:
	rm -rf .sao && mkdir -p .sao
	cd .sao && npm pack --silent tryton-sao@$(SAO_VERSION) >/dev/null && tar xzf tryton-sao-*.tgz
	cd .sao/package && npm install --omit=dev --ignore-scripts --legacy-peer-deps --no-audit --no-fund --loglevel=error
	@touch $@

# Creates the site the first time; afterwards only what changed is redone
site: install
	$(MONS) init --site $(SITE)
	$(MONS) update --site $(SITE) --if-changed
	$(MONS) demo --site $(SITE) --if-changed
	@test -s sites/$(SITE)/api-key || $(MONS) key --site $(SITE) admin --write >/dev/null
	@echo "REST key of admin in sites/$(SITE)/api-key"

test: install sao
	$(MONS) test $(if $(filter-out 0,$(FAST)),--fast,--backend both)

# A local PostgreSQL for the tests (Debian; needs root)
pg:
	./.ci/postgresql

bench: install
	@echo "See bench/README.md: each script runs on its own."

clean-site:
	rm -rf sites/$(SITE)/db sites/$(SITE)/api-key

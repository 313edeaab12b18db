# Two commands do all set-up on a fresh machine: `make serve` and `make test`.
# Everything runs inside .venv, created from the hash-pinned requirements.lock.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
INSTALL ?= install   # tests that reuse an existing environment run `make build INSTALL=`
export NO_MKDOCS_2_WARNING := 1

.PHONY: help install serve build check test lint format lock fonts new-lesson packet bench clean

help:
	@echo "make serve   build and serve the site on http://127.0.0.1:8000 with live reload"
	@echo "make test    run the test suite (lint, unit, site and browser tests)"
	@echo "make build   check the sources, then write the static site to site/ (strict)"
	@echo "make check   check lessons, glossary and bibliography; file:line errors"
	@echo "make lock    re-resolve requirements.lock after editing pyproject.toml"
	@echo "make bench   run the benchmarks (not part of make test) and update docs/performance.md"

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# The preview is lenient: it shows warnings and keeps serving while you fix them. `make build`,
# `make test` and `make check` are strict: any warning stops them, as it stops a published build.
serve: install
	$(BIN)/mkdocs serve --no-strict --dev-addr 127.0.0.1:8000 --livereload

# `curriculum build` (hooks/build.py) builds into a scratch folder beside site/ under a lock and
# swaps it in by rename only when the whole build succeeded: site/ is always a complete site.
build: $(INSTALL)
	$(BIN)/curriculum build --site-dir site

check: install
	$(BIN)/curriculum check --strict

# The site (with its packets) is built once; the site and browser tests share that build.
test: install
	$(BIN)/ruff check hooks tests tools bench
	$(BIN)/ruff format --check hooks tests tools bench
	$(BIN)/curriculum build --site-dir .cache/test-site
	SITE_DIR=$(CURDIR)/.cache/test-site $(BIN)/python -m pytest -n 2 --dist loadgroup -q

lint: install
	$(BIN)/ruff check hooks tests tools bench

format: install
	$(BIN)/ruff format hooks tests tools bench
	$(BIN)/ruff check --fix hooks tests tools bench

lock: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 \
		-o requirements.lock --quiet

fonts:
	npm ci --no-audit --no-fund
	$(BIN)/python tools/vendor_fonts.py

# make new-lesson ID=tenant-unions TITLE="Tenant unions and mutual aid"
new-lesson: install
	$(BIN)/curriculum new-lesson --id "$(ID)" --title "$(TITLE)"

# make packet LESSONS="what-is-organizing survival-programs" EDITION=facilitator PAPER=a4
# START=18:30 prints clock times on the run sheets (without it: +0:10 and a blank clock column)
packet: install
	$(BIN)/curriculum packet custom $(LESSONS) --edition "$(or $(EDITION),participant)" \
		--paper "$(or $(PAPER),letter)" $(if $(START),--start-time "$(START)")

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf site .site.* .cache .pytest_cache

# Two commands for newcomers: `make serve` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Material prints an English notice about MkDocs 2.0 on every build; editors need not see it.
export NO_MKDOCS_2_WARNING := 1
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: serve build build-internal test lint bench install install-test chromium node clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install -q -e ".[test]"
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

serve: install
	$(BIN)/branches serve  # mkdocs serve --livereload --dirty: only pages whose inputs changed are rebuilt

build: install
	$(BIN)/mkdocs build --clean

build-internal: install  # the reviewers' edition, into site-internal/ (never upload it)
	$(BIN)/branches publish --internal

# Browser tests drive Debian's Chromium; install it when it is missing and we may.
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq chromium; \
	  else echo "请先安装 Chromium：sudo apt-get install chromium"; exit 1; fi; }

# axe-core for the accessibility audit (tests/audit.py), pinned by package-lock.json; reinstalled when the lock changes.
node_modules/.installed: package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq npm; \
	  else echo "请先安装 Node.js 和 npm：sudo apt-get install npm"; exit 1; fi; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

node: node_modules/.installed

# Lighthouse for `make bench` only (scripts/bench_lighthouse.py): ~185 MB installed, so it has its own lock and
# stays out of `npm ci` above, which every test run does. It drives Debian's Chromium, never a downloaded one.
scripts/lighthouse/node_modules/.installed: scripts/lighthouse/package-lock.json node_modules/.installed
	npm ci --prefix scripts/lighthouse --no-audit --no-fund --loglevel=error
	@touch $@

test: install-test chromium node
	$(BIN)/ruff check plugins scripts tests
	$(BIN)/ruff format --check plugins scripts tests
	$(BIN)/mypy
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check --fix plugins scripts tests
	$(BIN)/ruff format plugins scripts tests

bench: install-test chromium scripts/lighthouse/node_modules/.installed
	$(BIN)/python scripts/bench_site.py --repeat 3  # alternating runs, fastest kept: steadier on a busy machine
	$(BIN)/python scripts/bench_search.py           # bytes and time to the first result, in Chromium
	$(BIN)/python scripts/bench_lighthouse.py       # every public page kind on a phone, beside a plain page
	$(BIN)/python scripts/bench_edit_loop.py -b 10  # serve --dirty on 1,500 items: save to visible

clean:
	rm -rf site site-internal .cache

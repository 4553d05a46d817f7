# Two entry points on a fresh machine (see README):
#   make run    set up and publish today's digest into ./digest (offline summarizer, no key)
#   make test   set up (Python deps + Debian chromium/espeak-ng/openssl) and run ruff, mypy, pytest

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
	$(BIN)/pip install -q -e '.[dev]'
	touch $@ $(BIN)/.core

run: $(BIN)/.core
	$(BIN)/dailypapers run --dir $(DIR) $(ARGS)

# Browser and speech tests need Debian packages; install them when we can (root + apt).
system-deps:
	@if command -v chromium >/dev/null && command -v espeak-ng >/dev/null && command -v openssl >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			chromium espeak-ng openssl fonts-dejavu-core >/dev/null; \
	else echo "note: chromium/espeak-ng/openssl missing and not root: those tests will skip"; fi

lint: $(BIN)/.dev
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: $(BIN)/.dev system-deps lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache

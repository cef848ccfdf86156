# Two commands: `make run` serves the site, `make test` runs the whole suite.
# Both set up .venv first (created once, reinstalled when setup.py changes).

PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
# Parallel workers (each starts its own PostgreSQL and Chromium); `make test PYTEST_WORKERS=0` runs serially.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: run test venv system-deps

run: $(STAMP)
	$(VENV)/bin/pserve development.ini

test: $(STAMP) system-deps
	$(VENV)/bin/python -m pytest tests -n $(PYTEST_WORKERS) -p no:cacheprovider -p no:benchmark $(PYTEST_ARGS)

venv: $(STAMP)

$(STAMP): setup.py
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The tests need PostgreSQL's server binaries and Debian's Chromium; a missing
# one fails the run (as root it is installed with apt-get instead).
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	test -x $(CHROMIUM) || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing with apt-get"; \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	  else \
	    echo "missing:$$missing (install with: sudo apt-get install$$missing)" >&2; exit 1; \
	  fi; \
	fi

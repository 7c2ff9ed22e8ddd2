# Two commands do all set-up: `make run` serves on SQLite; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

WEB    := client/web
WEB_DEPS := $(WEB)/node_modules/.package-lock.json
WEB_BUILD := $(WEB)/dist/index.html

.PHONY: run test test-busy lint typecheck bench clean web web-types

# A venv is rebuilt from scratch (--clear) whenever pyproject.toml changes, so one
# copied from another folder or machine never leaks its absolute paths into this one.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The browser app: npm ci when the lock file changes, type-check and bundle when sources do.
$(WEB_DEPS): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund

$(WEB_BUILD): $(WEB_DEPS) $(shell find $(WEB)/src -type f) $(WEB)/build.mjs $(WEB)/tsconfig.json
	cd $(WEB) && npx tsc --noEmit -p . && node build.mjs

web: $(WEB_BUILD)

# The web app's API types, generated from the OpenAPI document: run after changing the
# API, commit src/api/schema.d.ts (tests/unit/test_web_contract.py fails while it drifts).
# Also regenerates src/doc/schema.gen.ts from crdt/schema.py (the rolling text's shape).
web-types: $(STAMP) $(WEB_DEPS)
	$(PY) -m server.views.openapi_dump | (cd $(WEB) && node tools/openapi-types.mjs src/api/schema.d.ts)
	$(PY) -m client.web_schema $(WEB)/src/doc/schema.gen.ts

run: $(STAMP) web
	$(VENV)/bin/rollingtext serve $(ARGS)

test: $(STAMP) web
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The suite as a busy CI machine runs it: two CPU-burning processes beside it.
test-busy:
	bash -c 'python3 -c "while True: pass" & a=$$!; python3 -c "while True: pass" & b=$$!; \
	  trap "kill $$a $$b" EXIT; $(MAKE) test'

lint: $(STAMP)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check . && $(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) -m bench.fanout $(ARGS)

clean:
	rm -rf $(VENV) tests/node/node_modules $(WEB)/node_modules $(WEB)/dist .pytest_cache .mypy_cache .ruff_cache

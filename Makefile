# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
# pytest-xdist processes for `make test` and `make test-fast` (each with its own database): one per core and one
# more, which runs while the others wait on a browser, a DNS answer or a server starting. Tests are dealt out as
# workers free up (worksteal), so a long test at the end does not hold the others.
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
PIP := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test test-fast screenshots lint typecheck audit lock bench serve clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "profilehost needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

# Stamps make both commands idempotent: pip runs again only when the dependencies change.
$(VENV)/.installed-run: $(BIN)/python pyproject.toml constraints.txt
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed-run
	$(PIP) -e '.[dev]'
	@touch $@

# Mailed links (written to instance/mail/ without an SMTP server) lead to the port this serves.
run: export PROFILEHOST_BASE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.installed-run
	$(BIN)/flask --app profilehost instance init
	$(BIN)/flask --app profilehost db upgrade
	$(BIN)/flask --app profilehost demo
	@echo "profilehost is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it and its job worker)"
	@$(BIN)/flask --app profilehost jobs worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/flask --app profilehost run --host 127.0.0.1 --port $(PORT)

AXE := tests/e2e/node_modules/axe-core/axe.min.js

# axe-core (accessibility checks in the browser tests) from the npm registry, pinned by package-lock.json.
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --silent --no-audit --no-fund --prefix tests/e2e; \
	else echo "npm not found: the browser tests will skip their accessibility checks"; fi

test: $(VENV)/.installed-dev $(AXE)
	@[ -x /usr/bin/chromium ] || echo "NOTE: /usr/bin/chromium not found: browser tests (tests/e2e) will be SKIPPED. Install it with: apt-get install -y chromium"
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal $(PYTEST_ARGS)

# The publishing pipeline and the services alone: a minute or two, for a change that touches only them.
test-fast: $(VENV)/.installed-dev
	$(BIN)/python -m pytest -n $(WORKERS) --dist worksteal tests/publishing tests/services $(PYTEST_ARGS)

# The pictures in docs/screenshots/, taken again by the browser tests (`make test` writes them to a temporary folder).
screenshots: $(VENV)/.installed-dev $(AXE)
	SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest -q tests/e2e

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .

# mypy on the publishing pipeline and the services (settings in pyproject.toml, [tool.mypy]).
typecheck: $(VENV)/.installed-dev
	$(BIN)/mypy

# Needs a network that reaches a vulnerability database (not available on CI machines).
audit: $(VENV)/.installed-dev
	$(BIN)/python -m pip install --quiet pip-audit
	$(BIN)/pip-audit --strict -r constraints.txt

# Re-pin every dependency after changing pyproject.toml.
lock: $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade -e '.[dev]'
	$(BIN)/python -m pip freeze --exclude-editable --all | grep -vE '^(pip|wheel)==' > constraints.txt

serve: $(VENV)/.installed-run
	$(BIN)/flask --app profilehost instance init
	$(BIN)/flask --app profilehost db upgrade
	$(BIN)/gunicorn --config deploy/gunicorn.conf.py wsgi:app

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# Entry points: see README.md and docs/design.md. `make run` and `make test` work on a
# fresh machine with Python 3.12+ and Node 20+; DATABASE_URL selects PostgreSQL.

PYTHON ?= $(shell command -v python3.12 || command -v python3.13 || command -v python3.14 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run serve test install assets demo lint messages bench restore-drill clean

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 12))' || \
		{ echo "Python 3.12 or newer is needed (found $(PYTHON))"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/dist/app.css: node_modules/.installed $(wildcard static/src/*) scripts/build-assets.mjs
	npm run build

install: $(VENV)/.installed static/dist/app.css

assets: static/dist/app.css

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

# The demo plans are from 2012: `make run` shows them as at 10 December 2012, the date of the
# Walsall plan's version in the seed and its open round's deadline, a week before the board
# meets on it (17 December), so what is due, late or overdue reads as it did then
# (SITE_AS_AT; improvement/clock.py). Empty: today.
DEMO_AS_AT ?= 2012-12-10

# The task worker (board packs) runs beside the server and stops with it. A missing page shows
# the project's own page, not Django's debug page (DEBUG_ERROR_PAGES=true make run for that).
DEBUG_ERROR_PAGES ?= false
run: demo
	@echo "Serving on http://127.0.0.1:$(PORT)/ (sign in with the demo accounts above)"
	@export SITE_AS_AT=$(DEMO_AS_AT); \
		$(PY) manage.py db_worker --interval 1 --no-reload & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		DEBUG_ERROR_PAGES=$(DEBUG_ERROR_PAGES) $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production configuration locally: gunicorn, whitenoise, the task worker (scripts/serve.sh).
serve: install
	scripts/serve.sh

# Back up the demo database, restore it into a new one and compare row counts per table.
restore-drill: demo
	$(PY) scripts/restore_drill.py

# The single sign-on tests' OpenID Connect provider (oidc-provider, run by node), from its own lock file.
TEST_PROVIDER := tests/identity/provider
$(TEST_PROVIDER)/node_modules/.installed: $(TEST_PROVIDER)/package.json $(TEST_PROVIDER)/package-lock.json
	npm ci --no-audit --no-fund --prefix $(TEST_PROVIDER)
	touch $@

test: install $(TEST_PROVIDER)/node_modules/.installed
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# The Welsh catalogue: new strings from the code into locale/cy (untranslated until someone translates
# them), then compiled; commit the .po and the .mo (needs GNU gettext).
messages: install
	$(PY) manage.py update_catalogue

lint: install
	$(VENV)/bin/ruff check .

# The performance suite: needs DATABASE_URL for a PostgreSQL database it may fill with sample
# data; each script writes its section of benchmarks/RESULTS.md (pages at scale, query counts,
# load test, exports, board packs) or prints its figures (pages.py, imports.py).
bench: install
	@test -n "$$DATABASE_URL" || { echo "make bench needs DATABASE_URL=postgres://... for a database it may fill"; exit 1; }
	$(VENV)/bin/pip install --quiet -e ".[dev,bench]"
	$(PY) manage.py migrate --noinput
	$(PY) benchmarks/scale.py
	$(PY) benchmarks/querycounts.py
	$(PY) benchmarks/load.py --capacity
	$(PY) benchmarks/exports.py
	$(PY) benchmarks/pages.py
	$(PY) benchmarks/imports.py
	$(PY) benchmarks/workbook.py
	$(PY) benchmarks/evidencepack.py
	$(PY) benchmarks/packs.py
	$(PY) benchmarks/public_page.py

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles

# Coproduce: `make run` to try it, `make test` to check it. Both set everything up first.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PYTEST_ARGS ?=
# Tests run in parallel, one worker per core (pytest-xdist).
WORKERS ?= auto

.PHONY: run test browser wrk bench smoke soak setup assets migrate demo lint typecheck check-deploy worker clean FORCE

run: setup migrate demo
	@echo "Coproduce is starting at http://$(HOST):$(PORT)/ (the task worker runs alongside; Ctrl+C stops both)"
	@bash scripts/serve $(BIN)/python $(HOST):$(PORT)

test: setup browser lint typecheck
	$(BIN)/python -m pytest -n $(WORKERS) $(PYTEST_ARGS)

# The browser tests drive Debian's Chromium, never a downloaded one. As root on Debian the
# set-up installs it; anywhere else it stops before any test runs and says what to install.
CHROMIUM := /usr/bin/chromium
browser: $(CHROMIUM)
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Chromium for the browser tests (apt-get install chromium)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; \
	else \
	  echo "The browser tests need Chromium at $(CHROMIUM): install Debian's chromium package (sudo apt-get install chromium), then run make test again." >&2; exit 1; \
	fi

# Page speed with an organisation's worth of made-up data, in a throwaway database
# (var/bench.sqlite3, or BENCH_DATABASE_URL for PostgreSQL): each page in-process, then how
# the key pages grow at 1x, 10x and 100x of their rows, then the key pages over HTTP with wrk
# against /healthz, on gunicorn with production settings and PostgreSQL
# (HTTP_BENCH_DATABASE_URL, dropped and made again: its name must end in _bench).
# Fails when a page misses its target.
BENCH_DATABASE_URL ?= sqlite:///$(CURDIR)/var/bench.sqlite3
HTTP_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coproduce_bench
bench: setup wrk
	rm -f var/bench.sqlite3
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false $(BIN)/python manage.py migrate --no-input --verbosity 0
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false $(BIN)/python manage.py createcachetable
	DATABASE_URL=$(BENCH_DATABASE_URL) DEBUG=false $(BIN)/python manage.py bench
	HTTP_BENCH_DATABASE_URL=$(HTTP_BENCH_DATABASE_URL) $(BIN)/python scripts/http_bench.py

# The HTTP bench uses wrk from Debian. As root on Debian the set-up installs it.
WRK := /usr/bin/wrk
wrk: $(WRK)
$(WRK):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing wrk for the HTTP bench (apt-get install wrk)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null; \
	else \
	  echo "make bench needs wrk at $(WRK): install Debian's wrk package (sudo apt-get install wrk)." >&2; exit 1; \
	fi

# Production, end to end, against PostgreSQL: collectstatic, a fresh database with the demo,
# gunicorn on 127.0.0.1 and every demo person signing in (scripts/production_smoke.py). The
# database, SMOKE_DATABASE_URL, is dropped and made again, so its name must end in _smoke.
SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/coproduce_smoke
smoke: setup
	SMOKE_DATABASE_URL=$(SMOKE_DATABASE_URL) $(BIN)/python scripts/production_smoke.py

# Many people at once for a few minutes (Locust), a worker restart and a 10-second database
# outage, then checks that nothing accepted was lost, halved or sent twice
# (scripts/soak.py). It runs its own PostgreSQL server on 127.0.0.1, so stopping it
# disturbs nothing else; SOAK_SECONDS and SOAK_USERS set the size.
soak: setup
	$(BIN)/python scripts/soak.py

setup: $(VENV)/.installed node_modules/.installed assets

# The stamp records which interpreter the packages were installed for (version and
# installation). A .venv whose Python has gone, is too old or was replaced since (say by
# `python3.11 -m venv .venv`), or differs from an explicit PYTHON=..., is set up again.
py_id := import sys; print(*sys.version_info[:3], sys.base_prefix)
venv_id := $(shell $(BIN)/python -c '$(py_id)' 2>/dev/null)
wanted_id := $(if $(PYTHON),$(shell "$(PYTHON)" -c '$(py_id)' 2>/dev/null),$(shell cat $(VENV)/.installed 2>/dev/null))
ifneq ($(venv_id),$(wanted_id))
$(VENV)/.installed: FORCE
endif

$(VENV)/.installed: pyproject.toml scripts/find-python
	@if ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	    || { [ -n "$(PYTHON)" ] && [ "$(venv_id)" != "$(wanted_id)" ]; }; then \
	  python=$$(sh scripts/find-python) || exit 1; \
	  echo "Creating $(VENV) with $$python"; rm -rf $(VENV); "$$python" -m venv $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --group dev
	@$(BIN)/python -c '$(py_id)' > $@

node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Coproduce needs Node.js and npm to build its front end." >&2; exit 1; }
	@node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
	  || { echo "Coproduce's front-end build (Sass) needs Node.js 20.19 or newer; this is $$(node --version)." >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

ASSET_SOURCES := $(wildcard coproduce/assets/*)
assets: static/build/.built
static/build/.built: $(ASSET_SOURCES) node_modules/.installed
	@mkdir -p static/build
	npx sass --pkg-importer=node --style=compressed --no-source-map coproduce/assets/main.scss static/build/main.css
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js static/build/
	cp node_modules/htmx.org/dist/htmx.min.js static/build/
	cp coproduce/assets/supported.js coproduce/assets/init.js coproduce/assets/theme_ranking.js static/build/
	@# Every image or font the stylesheet names, from GOV.UK Frontend's assets. A name it does
	@# not ship fails here, not later in collectstatic on a production server.
	@rm -rf static/build/images static/build/fonts
	@for asset in $$(grep -oE "url\([\"']?/static/build/[^\"')]+" static/build/main.css \
	    | sed -E "s|^url\([\"']?/static/build/||" | sort -u); do \
	  mkdir -p "static/build/$$(dirname "$$asset")" \
	    && cp "node_modules/govuk-frontend/dist/govuk/assets/$$asset" "static/build/$$asset" || exit 1; \
	done
	@touch $@

# The cache is a table too (the sign-in throttling counts live there): made wherever migrate runs.
migrate: setup
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py demo

worker: setup
	$(BIN)/python manage.py db_worker

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: setup
	$(BIN)/mypy .

# The production settings, checked as `manage.py check --deploy` sees them, with what a
# production deployment must provide: a secret key, its host name and a mail server.
check-deploy: setup
	DJANGO_ENV=production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) ALLOWED_HOSTS=coproduce.example.org \
	  SITE_URL=https://coproduce.example.org EMAIL_HOST=smtp.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

clean:
	rm -rf $(VENV) node_modules static/build

FORCE:

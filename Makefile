# Two commands for a fresh machine: `make run` (demo site) and `make test` (whole suite).
# Both create .venv with Python 3.12+ and install the pinned dependencies first.

PYTHON ?= $(shell for p in python3.13 python3.12 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgres lint format bench bench-scale bench-faults serve lock chromium wrk clean

$(STAMP):
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13, python3.12 or python3)."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser tests drive Debian's Chromium; install it when we can (as root), never a download.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then (apt-get install -y -q chromium || (apt-get update -q && apt-get install -y -q chromium)); \
		else echo "Install Chromium (Debian: apt-get install chromium) for the browser tests."; fi; }

test: install chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-postgres: install chromium
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/clinic} $(BIN)/python -m pytest $(PYTEST_ARGS)

# Production-like: gunicorn, DEBUG off, WhiteNoise serving compressed, hashed static files with
# far-future cache headers. Needs SECRET_KEY; DATABASE_URL and REDIS_URL as in production.
WORKERS ?= 2
serve: install
	@test -n "$$SECRET_KEY" || { echo "make serve runs with DEBUG off: set SECRET_KEY (and DATABASE_URL, REDIS_URL)."; exit 1; }
	DEBUG=false $(BIN)/python manage.py migrate --no-input
	DEBUG=false $(BIN)/python manage.py collectstatic --no-input -v0
	@echo "Serving on http://$(HOST):$(PORT)/ with $(WORKERS) gunicorn workers"
	DEBUG=false $(BIN)/gunicorn clinic.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS)

# The benchmark drives the site with Debian's wrk; install it when we can (as root).
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then (apt-get install -y -q wrk || (apt-get update -q && apt-get install -y -q wrk)); \
		else echo "Install wrk (Debian: apt-get install wrk) for the benchmark."; exit 1; fi; }

# 10,000 articles on the local PostgreSQL and Redis (database clinic_bench, Redis db 12), about
# five minutes. Prints the table and writes bench.json. BENCH_ARGS="--duration 5" for a quick run.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic_bench
bench: install wrk
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'clinic_bench'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE clinic_bench" >/dev/null
	DEBUG=true DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/12} \
		$(BIN)/python manage.py bench $(BENCH_ARGS)

# Every public page type's uncached cost at 1,000 and at 100,000 articles, and the ratio, in one
# process (database clinic_scale); generating 100,000 articles takes several minutes.
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic_scale
bench-scale: install
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = '$(notdir $(SCALE_DATABASE_URL))'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE $(notdir $(SCALE_DATABASE_URL))" >/dev/null
	DEBUG=true DATABASE_URL=$(SCALE_DATABASE_URL) $(BIN)/python manage.py bench_scale $(BENCH_ARGS)

# Redis hung or gone, PostgreSQL gone for 20 s: gunicorn behind TCP proxies this command controls
# (1,000 articles in database clinic_faults, Redis db 12), about two minutes.
FAULTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/clinic_faults
bench-faults: install wrk
	@psql -h 127.0.0.1 -U postgres -tc "SELECT 1 FROM pg_database WHERE datname = 'clinic_faults'" | grep -q 1 \
		|| psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE clinic_faults" >/dev/null
	DEBUG=true DATABASE_URL=$(FAULTS_DATABASE_URL) REDIS_URL=$${BENCH_REDIS_URL:-redis://127.0.0.1:6379/12} \
		$(BIN)/python manage.py bench_faults $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=clinic.settings_test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=clinic.settings_test $(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: install
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^clinic-site' > requirements.lock

clean:
	rm -rf $(VENV) staticfiles

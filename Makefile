# Reading Room: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The make targets are where local settings apply: they read the checkout's .env (DEBUG on).
# Nothing else does unless asked with DJANGO_ENV_FILE, so a server never runs with them by
# accident.
LOCAL := DJANGO_ENV_FILE=.env

.PHONY: install run test test-postgres lint migrate demo reset-demo editor clean bench

install: $(STAMP) .env

# Local settings for the make targets in this checkout (git ignores it; production has none).
.env:
	printf '# Local development settings, read where DJANGO_ENV_FILE=.env asks for them.\nDJANGO_DEBUG=1\n' > .env

# Reinstall whenever the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $(STAMP)

migrate: install
	$(LOCAL) $(BIN)/python manage.py migrate --noinput

# The demo goes only into an empty archive: an archive with any content is left as it is,
# so `make run` never undoes an editor's work.
demo: migrate
	$(LOCAL) $(BIN)/python manage.py load_demo

# Start again from the demo: deletes every article, organisation, person, event and role in
# the local database (after saying so and asking), then loads the demo.
reset-demo: migrate
	@echo "reset-demo deletes everything in the local archive and loads the demo again."
	$(LOCAL) $(BIN)/python manage.py load_demo --reset

# The server and, beside it, the worker that runs the admin's imports (stopped with the server).
run: demo
	$(LOCAL) $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(LOCAL) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Create (or reset the password of) an editor account for the admin.
editor: migrate
	$(LOCAL) $(BIN)/python manage.py create_editor $(if $(USERNAME),$(USERNAME),editor)

test: install
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL, search included (the browser tests stay on SQLite): needs a
# server, e.g. POSTGRES_URL=postgres://user:pass@host:5432/readingroom (the test database,
# test_readingroom, is made afresh beside it). .ci/run always runs it.
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/readingroom
test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest --ignore=tests/browser --create-db $(PYTEST_ARGS)

# The server benchmark (scripts/bench_server.py): gunicorn + wrk on an archive of
# BENCH_ARTICLES articles, on SQLite and PostgreSQL (BENCH_POSTGRES_URL + _N, Redis as cache).
BENCH_ARTICLES ?= 100000
BENCH_DATABASES ?= sqlite,postgres
BENCH_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/readingroom_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/0
BENCH_PORT ?= 8800
bench: install
	command -v wrk >/dev/null 2>&1 || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk; else sudo apt-get update -qq && sudo apt-get install -y -qq wrk; fi; }
	$(BIN)/python scripts/bench_server.py --articles $(BENCH_ARTICLES) --databases $(BENCH_DATABASES) \
		--postgres-url $(BENCH_POSTGRES_URL) --redis-url $(BENCH_REDIS_URL) --port $(BENCH_PORT) $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache test-artifacts .bench

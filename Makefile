# Reading Room: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-postgres lint migrate demo reset-demo editor clean

install: $(STAMP) .env

# Local settings for manage.py in this checkout (git ignores it; production has none).
.env:
	printf '# Local development settings, read by archive/settings.py.\nDJANGO_DEBUG=1\n' > .env

# Reinstall whenever the project's dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $(STAMP)

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

# The demo goes only into an empty archive: an archive with any content is left as it is,
# so `make run` never undoes an editor's work.
demo: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo

# Start again from the demo: deletes every article, organisation, person, event and role in
# the local database (after saying so and asking), then loads the demo.
reset-demo: migrate
	@echo "reset-demo deletes everything in the local archive and loads the demo again."
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --reset

run: demo
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Create (or reset the password of) an editor account for the admin.
editor: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py create_editor $(if $(USERNAME),$(USERNAME),editor)

test: install
	DJANGO_SETTINGS_MODULE=tests.settings $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same suite on PostgreSQL (the browser tests stay on SQLite): needs a server, e.g.
# POSTGRES_URL=postgres://user:pass@host:5432/readingroom (the test database is made beside it).
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/readingroom
test-postgres: install
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/python -m pytest --ignore=tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache test-artifacts

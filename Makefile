# The two commands a newcomer needs: `make run` and `make test`. See README.md.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# `make test` runs against the local PostgreSQL and Redis unless told otherwise.
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/governance
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1
# Each run gets its own Celery queue, so two runs on one Redis never take each other's tasks.
TEST_QUEUE := governance-test-$(shell date +%s)-$(shell echo $$$$)

.PHONY: run test lint bench venv dev-install clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $(VENV)/.installed $@

venv: $(VENV)/.installed

dev-install: $(VENV)/.installed-dev

## run: the portal on the embedded default (SQLite, tasks in-process, email to the console)
run: $(VENV)/.installed
	@echo "Setting up the embedded default (SQLite file db.sqlite3, no Redis needed)…"
	env -u DATABASE_URL -u REDIS_URL DEBUG=true $(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL DEBUG=true $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "The portal is at http://127.0.0.1:$(PORT)/  (stop it with Ctrl-C)"
	env -u DATABASE_URL -u REDIS_URL DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: the whole suite on PostgreSQL, Redis and a real Celery worker, then the embedded-default smoke run
test: $(VENV)/.installed-dev
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CELERY_QUEUE=$(TEST_QUEUE) \
	SECRET_KEY=test-only-secret-key-for-the-suite-0123456789-abcdefghijklmnopqrstuvwxyz \
	DEBUG=false EMAIL_URL=consolemail:// \
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## bench: the portal at City scale on the local PostgreSQL, each figure against its limit
## (BENCHMARKS.md); writes bench/results.json. Needs wrk (apt-get install wrk).
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null 2>&1 || { echo "make bench needs wrk: apt-get install -y wrk"; exit 1; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## lint: ruff
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3

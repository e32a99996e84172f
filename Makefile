# One entry point for people and CI. `make run` serves the app, `make test` checks everything.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/aicrash_bench

.PHONY: install install-prod run test lint format bench clean prod-check

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

install: $(STAMP) $(NODE_STAMP)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

# A server's install: the app's own packages, without the test and lint tools of `dev`.
install-prod: $(NODE_STAMP)
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -e .
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --if-empty
	$(VENV)/bin/honcho start -f Procfile

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Two processes (each with its own test database); the tests that start real Celery workers
# on the shared Redis broker run afterwards, alone.
test: lint
	$(VENV)/bin/pytest -n 2 -m "not services"
	$(VENV)/bin/pytest -m services

# The production stack on the loopback, every page and API route requested (deploy/).
prod-check: install
	deploy/prod_check.sh

bench: install
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench

clean:
	rm -rf $(VENV) node_modules var

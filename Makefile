# Ratusz: `make run` serves the demo gmina, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run serve smoke audit test test-sqlite test-postgres lint format bench bench-outbox bench-messenger bench-insights messages clean

$(VENV)/bin/activate:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3-venv is missing; installing it"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq python3-venv >/dev/null; fi; \
	  $(PYTHON) -m venv $(VENV); }
	$(VENV)/bin/pip install -q --upgrade pip

# Stamp files: reinstall only when the pins change.
$(VENV)/.installed: requirements.txt | $(VENV)/bin/activate
	$(VENV)/bin/pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(VENV)/bin/pip install -q -r requirements-dev.txt
	touch $@

# The demo lets a newcomer in without a second factor (the banner says so).
run: export STAFF_MFA_REQUIRED ?= 0
run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_demo
	$(PY) manage.py clear_page_cache -v0
	$(PY) manage.py serve --port $(PORT)

# The README's `make run` on a clean clone of the committed tree, with a fresh
# virtualenv from requirements.txt only, then the production units' commands.
smoke:
	python3 scripts/smoke_run.py

test: $(VENV)/.installed-dev
	@scripts/ensure-services.sh
	@scripts/test.sh

test-sqlite: $(VENV)/.installed-dev
	@scripts/ensure-services.sh
	@DATABASE_URL= $(PY) -m pytest $(ARGS)

test-postgres: $(VENV)/.installed-dev
	@scripts/ensure-services.sh
	@DATABASE_URL=postgres://postgres@127.0.0.1:5432/ratusz $(PY) -m pytest $(ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run -v0

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.installed-dev
	@WITH_BENCH=1 scripts/ensure-services.sh
	$(PY) bench/run.py

# One article to 10,000 followers through the outbox, against a bare loop.
bench-outbox: $(VENV)/.installed-dev
	$(PY) bench/outbox_email.py

# 200 residents and 5 staff live at once (SQLite; PostgreSQL + Redis), against a bare ASGI app.
bench-messenger: $(VENV)/.installed-dev
	@scripts/ensure-services.sh
	$(PY) bench/messenger.py

# Counting visits on and off for the same cached article; the roll-up of a
# 20,000-view day on SQLite and PostgreSQL.
bench-insights: $(VENV)/.installed-dev
	@WITH_BENCH=1 scripts/ensure-services.sh
	$(PY) bench/insights.py

# The pinned requirements against PyPI's vulnerability database (pip-audit in
# its own .venv-audit); exit 2 and "NOT CHECKED" when it cannot be asked.
audit:
	@scripts/audit.sh

messages: $(VENV)/.installed-dev
	cd ratusz && ../$(PY) ../manage.py makemessages -l en --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) static_collected

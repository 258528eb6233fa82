# The two commands a new user needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 42

.PHONY: run test install migrate demo serve stack lint format bench browser-deps clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

# The catalog, then its history: simulated shoppers, trained models, a running experiment (skipped once done).
demo: migrate
	$(PY) manage.py load_demo_store --seed $(SEED)
	$(PY) manage.py prepare_demo --seed $(SEED) --host http://$(HOST):$(PORT)

# Embedded default: SQLite, in-process Celery, local-memory cache.
run: demo
	@echo ""
	@echo "Storefront:  http://$(HOST):$(PORT)/"
	@echo "Admin:       http://$(HOST):$(PORT)/admin/  (staff login printed above)"
	@echo "Experiments: http://$(HOST):$(PORT)/staff/experiments/"
	@echo "API docs:    http://$(HOST):$(PORT)/api/docs/"
	@echo ""
	$(PY) manage.py runserver $(HOST):$(PORT)

# Chromium for the browser tests; Debian's package (Playwright's own download cannot work here).
# Chromium, and a CJK font so screenshots of the Chinese pages show the characters.
browser-deps:
	@if [ -x /usr/bin/chromium ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		(apt-get install -y -qq chromium fonts-noto-cjk >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium fonts-noto-cjk)) ; \
	else echo "Browser tests need Chromium and a CJK font: 'sudo apt-get install chromium fonts-noto-cjk'."; fi

test: install browser-deps
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# The full stack without Docker: gunicorn, workers and beat against DATABASE_URL and REDIS_URL.
stack: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/store} \
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} bin/stack

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install
	@for script in bench/[!_]*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts

# The two commands a new user needs: `make run` and `make test`. Everything else is optional.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SEED ?= 42

.PHONY: run test install migrate store demo serve stack lint format bench browser-deps clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=/path/to/python3.11"; exit 1; }
	@echo "== [1/4] install (a virtualenv in $(VENV), then the pinned packages; torch is the long one)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --progress-bar on -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	@echo "== [2/4] the database's tables (manage.py migrate)"
	$(PY) manage.py migrate --noinput

# The catalogue: all a first page needs (a second run adds only what is missing, in seconds).
store: migrate
	@echo "== [3/4] the demo store (catalogue in two languages, pictures, search index, logins)"
	$(PY) manage.py load_demo_store --seed $(SEED)

# The catalogue, then its history in the foreground: simulated shoppers, trained models, a running
# experiment, the demo logins' own visits (skipped once done): a complete store before serving.
demo: store
	@echo "== [4/4] its history (campaigns, simulated shoppers, trained models, the demo logins' own)"
	$(PY) manage.py prepare_demo --seed $(SEED) --host http://$(HOST):$(PORT)

# Embedded default: SQLite, in-process Celery, local-memory cache. Serves as soon as the catalogue is in; beside
# the server one process builds the history where it is missing ([history] lines, a few minutes), then keeps
# simulated shoppers visiting ([live traffic]). LIVE=0 serves without it; staff follow both at /staff/live-traffic/.
run: store
	@echo "== [4/4] serving; beside the server the demo's history is built where missing, then live traffic plays"
	@echo ""
	@echo "Storefront:   http://$(HOST):$(PORT)/"
	@echo "Admin:        http://$(HOST):$(PORT)/admin/  (staff login printed above)"
	@echo "Experiments:  http://$(HOST):$(PORT)/staff/experiments/"
	@echo "History, live traffic: http://$(HOST):$(PORT)/staff/live-traffic/"
	@echo "API docs:     http://$(HOST):$(PORT)/api/docs/"
	@echo "The shopper logins' pages become personal once their history is played: watch for '[history] Done'."
	@echo ""
	PY=$(PY) HOST=$(HOST) PORT=$(PORT) SEED=$(SEED) bin/serve

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

# `make run`: set up everything and serve the demo on http://127.0.0.1:8000
# `make test`: set up everything and run every test
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ADDR ?= 127.0.0.1:8000
# What acuse QR codes and email links point to: the address runserver listens on (a bare port
# means 127.0.0.1), unless OFICIALIA_PUBLIC_URL is set.
PUBLIC_ADDR := $(if $(findstring :,$(ADDR)),$(ADDR),127.0.0.1:$(ADDR))

.PHONY: run test setup lint bench worker beat clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Se necesita Python 3.11 (no se encontró '$(PYTHON)')." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

setup: $(VENV)/.installed
	@scripts/system-deps.sh run

run: export OFICIALIA_PUBLIC_URL ?= http://$(PUBLIC_ADDR)
run: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost,$(firstword $(subst :, ,$(PUBLIC_ADDR)))
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py cargar_demo
	@echo "Oficialía de Partes en http://$(PUBLIC_ADDR)/  (usuarios de demostración en el README)"
	@echo "Los correos que envía la demostración se guardan en var/correos/, uno por archivo."
	$(PY) manage.py runserver $(ADDR)

# axe-core, pinned in tests/browser/package-lock.json, checks the accessibility of every public
# page inside the browser tests.
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund
	@touch $@

test: $(VENV)/.installed
	@scripts/system-deps.sh test
	@$(MAKE) --no-print-directory $(AXE)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run

bench: setup
	$(PY) bench/rapido.py $(BENCH_ARGS)

worker: setup
	$(VENV)/bin/celery -A config worker --loglevel=INFO

beat: setup
	$(VENV)/bin/celery -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) var .pytest_cache tests/artifacts tests/browser/node_modules

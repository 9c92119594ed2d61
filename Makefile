# Lianxi — two commands do everything: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
HTMX   := app/static/vendor/htmx.min.js

.PHONY: run test bootstrap assets translations migrate lint bench clean

run: bootstrap migrate  ## serve the demo on http://127.0.0.1:5000
	$(FLASK) seed-demo --if-empty
	$(FLASK) run --host 127.0.0.1 --port 5000

test: bootstrap  ## the whole suite (set TEST_DATABASE_URL to run it on PostgreSQL)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bootstrap: $(VENV)/.installed assets translations

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

assets: $(HTMX) $(VENV)/.static-compressed

# gzip copies of the static files, served by WhiteNoise to browsers that accept them
# (app/static_files.py); remade whenever a static file changes.
STATIC_SOURCES = $(shell find app/static -type f ! -name '*.gz' ! -name '*.br' 2>/dev/null)
$(VENV)/.static-compressed: $(HTMX) $(STATIC_SOURCES) | $(VENV)/.installed
	$(BIN)/python -m whitenoise.compress --quiet --no-brotli app/static
	touch $@

$(HTMX): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p app/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

# Compiled only when a catalog changed, so two suites started at once (.ci/run) never rewrite a
# .mo file another is reading.
CATALOGS = $(wildcard app/translations/*/LC_MESSAGES/messages.po)
translations: $(CATALOGS:.po=.mo)

app/translations/%/LC_MESSAGES/messages.mo: app/translations/%/LC_MESSAGES/messages.po | $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d app/translations -l $*

migrate: bootstrap
	$(FLASK) db upgrade

lint: bootstrap
	$(BIN)/ruff check app tests bench
	$(BIN)/ruff format --check app tests bench

bench: bootstrap
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules app/static/vendor

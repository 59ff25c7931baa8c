# The two commands of the README: `make run` and `make test`. Everything they need is set up here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
ADDR ?= 127.0.0.1:8000
export DJANGO_DEBUG ?= 1
export PORTALS_BASE_DOMAIN ?= localhost
export PORTALS_PORT ?= 8000

.PHONY: run test setup install migrate demo lint format bench loadtest messages translations clean wrk \
	lighthouse screenshots

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(BIN)/.installed

# axe-core for the browser checks of the citizen pages (package.json: dependencies); the
# devDependencies (Lighthouse) only for `make lighthouse`. Reinstalled when the lock file changes.
node_modules/.package-lock.json: package-lock.json
	@command -v npm >/dev/null || { echo "NOTE: no npm: accessibility checks (axe-core) will be SKIPPED, not run. Install: apt-get install npm"; exit 0; }; \
	npm ci --omit=dev --no-audit --no-fund --loglevel=error

node_modules/.bin/lighthouse: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Each catalogue is compiled when its .po is newer than its .mo (what Django's compilemessages
# runs: msgfmt --check-format), so a second `make` never rewrites a .mo another process reads.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

messages: install $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check-format -o $@ $<

# After adding or changing a user-visible string: update locale/*/LC_MESSAGES/django.po, then
# translate the new entries (README, "Languages").
translations: install
	$(BIN)/python manage.py update_messages

migrate: install messages
	$(BIN)/python manage.py migrate --verbosity 0

demo: migrate
	$(BIN)/python manage.py load_demo

setup: demo

run: setup
	@echo ""
	@echo "Province: http://haiduong.localhost:8000/"
	@echo "District: http://camgiang.haiduong.localhost:8000/"
	@echo "Commune:  http://camhung.camgiang.haiduong.localhost:8000/"
	@echo "Admin:    http://haiduong.localhost:8000/admin/  (admin / admin, development only)"
	@echo ""
	$(BIN)/python manage.py runserver $(ADDR)

test: messages node_modules/.package-lock.json
	@test -x /usr/bin/chromium || echo "NOTE: no browser (/usr/bin/chromium): browser checks will be SKIPPED, not run. Install: apt-get install chromium"
	@command -v java >/dev/null || echo "NOTE: no java: the HTML validator will be SKIPPED, not run. Install: apt-get install default-jre-headless"
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks and load test (README, "Performance and scaling"): scratch databases, 127.0.0.1 only.
wrk:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	@command -v valgrind >/dev/null || (apt-get update -qq && apt-get install -y -qq valgrind)

bench: install wrk
	$(BIN)/python bench/run.py

loadtest: install wrk
	$(BIN)/python bench/loadtest.py

# Citizen pages (README, "The citizen's portal"): Lighthouse mobile scores, and the README's
# screenshots (docs/screenshots/), both from the demo served on 127.0.0.1.
lighthouse: messages node_modules/.bin/lighthouse
	$(BIN)/python bench/lighthouse.py

screenshots: messages
	$(BIN)/python bench/screenshots.py

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media static_collected node_modules

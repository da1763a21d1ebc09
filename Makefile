# The commands of the README sit here: `make post`, `make city` and `make test`.
VENV := .venv
PY := $(VENV)/bin/python
HEADLESS ?=

.PHONY: setup post city test lint bench clean deb

# The install runs again only when pyproject.toml or scripts/setup.sh changed since the last
# one (or .venv is gone): `make post` and `make test` start at once on a set-up tree.
SETUP_STAMP := $(VENV)/.setup-stamp

setup: $(SETUP_STAMP)

$(SETUP_STAMP): pyproject.toml scripts/setup.sh
	./scripts/setup.sh
	touch $@

# Sets up and runs a whole post on this machine (hub, kiosk, counters, display; fake printer).
# HEADLESS=1 runs the headless demo day instead, for machines without a screen.
post: setup
ifeq ($(HEADLESS),1)
	$(VENV)/bin/antrean demo --headless --out out/demo
else
	$(VENV)/bin/antrean demo --out out/demo
endif

# A city on this machine: a throwaway PostgreSQL cluster, the city server and three posts
# over a few simulated days (one offline half the time, one delivering by USB bundle);
# prints the city's indicators and the dashboard's link. Ctrl+C stops it all.
city: setup
	$(VENV)/bin/antrean city demo

# Sets up and runs lint, type check and the whole test suite.
test: setup lint
	QT_QPA_PLATFORM=offscreen QML_DISABLE_DISK_CACHE=1 $(PY) -m pytest -q -p no:cacheprovider

lint:
	$(VENV)/bin/ruff check antrean hardware kiosk counter display city tests bench
	$(VENV)/bin/mypy

bench: setup
	$(PY) bench/hub_issue.py
	$(PY) bench/hub_events.py
	$(PY) bench/beneficiary.py

# Builds dist/antrean_<version>_<arch>.deb for this machine's architecture: a private venv
# in /opt/antrean/venv with the pinned versions of packaging/requirements.lock (nfpm).
deb: setup
	./packaging/build-deb.sh

clean:
	rm -rf $(VENV) build dist *.egg-info out

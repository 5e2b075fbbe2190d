# The whole dev workflow. `make demo` and `make test` set everything up on first use.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian's Chromium (headless shell for unattended runs, full browser for --headed)
# and CJK fonts, for machines where Playwright cannot download its own browser.
DEBIAN_BROWSER_PACKAGES := chromium chromium-headless-shell fonts-noto-cjk

.PHONY: setup demo test quick lint typecheck check sim bench clean fuzz

# Three stamps: the virtualenv (enough for lint and typecheck), the browser (for tests/demo) and
# a PostgreSQL server (for the store's tests).
setup: $(VENV)/.installed $(VENV)/.browser $(VENV)/.postgresql

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# Playwright's own Chromium where it can be downloaded, else Debian's packages.
$(VENV)/.browser: $(VENV)/.installed
	@if $(PY) -m playwright install chromium chromium-headless-shell >/dev/null 2>&1; then \
	    echo "Using Playwright's own Chromium."; \
	    $(SUDO) $(PY) -m playwright install-deps chromium >/dev/null 2>&1 || true; \
	elif dpkg -s $(DEBIAN_BROWSER_PACKAGES) >/dev/null 2>&1; then \
	    echo "Using Debian's Chromium (already installed)."; \
	else \
	    echo "Playwright cannot download its browser here; installing Debian's: $(DEBIAN_BROWSER_PACKAGES)"; \
	    $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q $(DEBIAN_BROWSER_PACKAGES); \
	fi
	touch $@

# The store's tests start a throwaway PostgreSQL cluster (pytest-postgresql runs the installed
# pg_ctl; as root, as the `postgres` user: tests/postgres/pg_ctl). Debian's `postgresql` where no
# server is installed, without questions.
$(VENV)/.postgresql: $(VENV)/.installed
	@if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then \
	    echo "Using the installed PostgreSQL server."; \
	else \
	    echo "Installing Debian's postgresql for the store's tests"; \
	    $(SUDO) apt-get update -q && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	fi
	touch $@

demo: setup
	$(PY) -m sellerauth demo

# One pytest worker per CPU (pytest-xdist): the suite mostly waits on browsers, simulators and
# subprocesses, so two workers on two cores take about half the time. TEST_WORKERS=0: serial.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
test: setup
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal

# The quick loop: every test that starts no browser (seconds, not minutes).
quick: $(VENV)/.installed $(VENV)/.postgresql
	$(PY) -m pytest -m "not browser" -q

CODE := sellerauth automation flows fixtures tests bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check $(CODE)
	$(VENV)/bin/ruff format --check $(CODE)

typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy

check: lint typecheck test

sim: setup
	$(VENV)/bin/sellerauth sim --port 8765

# The benchmarks' extra (Selenium, matplotlib, psutil) and Debian's chromedriver for the Selenium
# peer, each installed only when missing.
$(VENV)/.bench: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	@test -x /usr/bin/chromedriver || { \
	    echo "Installing Debian's chromium-driver for the Selenium benchmark"; \
	    $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium-driver; }
	touch $@

bench: setup $(VENV)/.bench
	$(PY) -m bench

# The core flows on many layout seeds (not part of `make test`): FUZZ_SEEDS=200 FUZZ_START=1.
# Long sweeps, not part of `make test`: 200 layout seeds over the core flows (a failure prints
# the seed and the command that reproduces it), then the SIGKILL-and-resume test at 30+ points,
# on both stores, and the PostgreSQL half of the SIGKILL tests `make test` leaves out
# (test_durable_kill, test_resume, test_spapi_kill, test_durable_runs: tests/conftest.py
# PG_HALF_IN_FUZZ), and four processes sharing one PostgreSQL store (test_shared_store).
fuzz: setup
	$(PY) -m tests.fuzz --seeds $${FUZZ_SEEDS:-200} --start $${FUZZ_START:-1}
	$(PY) -m pytest -m fuzz

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Two promises: `make run` serves the app on the embedded dataset, `make test` runs the suite.
# Both create the virtualenv and install what they need on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8501
PYTEST_ARGS ?=
# More than one core: the suite runs in parallel (pytest-xdist), each test module on one worker so its
# module-scoped servers (fake Ollama, streamlit for the browser tests) start once.
CORES := $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
PARALLEL := $(if $(filter-out 0 1,$(CORES)),-n auto --dist loadscope,)

.PHONY: run test lint bench bench-peers fuzz clean help deps-system docker-check

help:
	@echo "make run   — запустить Svodka (http://$(HOST):$(PORT))"
	@echo "make test  — проверить код (make lint) и прогнать тесты"
	@echo "make lint  — проверить код ruff и типы mypy"
	@echo "make bench — замеры скорости и памяти"
	@echo "make docker-check — requirements.txt в чистое окружение и импорт приложения, как в образе"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Svodka needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

run: $(VENV)/.runtime-installed
	$(PY) -m streamlit run streamlit_app.py --server.address $(HOST) --server.port $(PORT)

# lint first: a type or style error fails `make test` (and CI) before the suite runs
test: lint deps-system $(VENV)/.dev-installed
	$(PY) -m pytest $(PARALLEL) $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .
	$(PY) -m mypy

bench: $(VENV)/.dev-installed
	$(PY) -m bench

# The bench's peers in their own virtualenv (never a dependency of the app): ydata-profiling for bench/pages.py.
PEERS_VENV ?= .bench-peers
bench-peers:
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install --disable-pip-version-check -q 'ydata-profiling>=4.18,<5' 'setuptools<81'

# The property tests of tests/test_fuzz*.py with many more (random) examples than `make test` runs.
fuzz: $(VENV)/.dev-installed
	SVODKA_FUZZ_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py tests/test_fuzz_leaks.py tests/test_fuzz_compare.py tests/test_templates_property.py

# Debian tools the tests use: docker-compose validates docker-compose.yml (tests/test_deploy.py, no engine needed),
# chromium renders the app for the end-to-end test (tests/test_e2e_browser.py, through Playwright).
# As root with apt (CI) the missing ones are installed; otherwise we say how to get them.
SYSTEM_TOOLS := docker-compose chromium pdftotext
# tool=package where the Debian package is named otherwise (pdftotext reads the report PDF in tests/test_report_pdf.py).
SYSTEM_PACKAGES := pdftotext=poppler-utils
deps-system:
	@missing=""; for tool in $(SYSTEM_TOOLS); do \
	  package="$$tool"; for pair in $(SYSTEM_PACKAGES); do [ "$${pair%%=*}" = "$$tool" ] && package="$${pair#*=}"; done; \
	  command -v "$$tool" >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing from Debian (apt-get):$$missing"; \
	  apt-get -o DPkg::Lock::Timeout=300 update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $$missing >/dev/null; \
	else \
	  echo "The tests need Debian packages:$$missing — sudo apt-get install$$missing" >&2; \
	  exit 1; \
	fi

# The image's Python side without Docker, too slow for `make test`: requirements.txt alone into a clean
# venv, no heavy wheels, the app imports; then the compose file, and the image itself if an engine is up.
DOCKER_CHECK_VENV ?= /tmp/svodka-docker-check
docker-check: deps-system
	rm -rf $(DOCKER_CHECK_VENV)
	$(PYTHON) -m venv $(DOCKER_CHECK_VENV)
	$(DOCKER_CHECK_VENV)/bin/pip install --disable-pip-version-check -q --no-cache-dir -r requirements.txt
	! $(DOCKER_CHECK_VENV)/bin/pip list --format=freeze | grep -iE '^(torch|transformers|tensorflow|triton|nvidia-)|cuda'
	SVODKA_STATE_DIR=$(DOCKER_CHECK_VENV)/state $(DOCKER_CHECK_VENV)/bin/python tests/deploy/import_app.py >/dev/null
	docker-compose config -q
	@if docker info >/dev/null 2>&1; then docker build -t svodka:check .; else echo "No Docker engine: image build skipped"; fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

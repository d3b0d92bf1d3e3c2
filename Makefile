# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
export DEMOGRAFIE_HOME ?= $(CURDIR)/var

.PHONY: demo test install lint lock test-latest samples bench clean messages

# Every install comes from uv.lock (`uv sync --frozen`): the versions the tests passed with.
# uv itself is pinned in the lock too; UV_VERSION must name the same release.
UV_VERSION := 0.13.9
UV         := UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv

$(STAMP): pyproject.toml uv.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) sync --frozen --extra dev --quiet
	touch $(STAMP)

install: $(STAMP)

# The portal runs beside the dashboard and stops with it.
demo: $(STAMP)
	$(BIN)/python -m etl demo
	$(BIN)/python -m portal --demo-accounts --host 127.0.0.1 --port 8051 & portal=$$!; \
	trap 'kill $$portal 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m dashboard --host 127.0.0.1 --port 8050

test: lint
	$(BIN)/python -m pytest

# Refresh uv.lock to the newest releases that pyproject.toml allows; then run `make test`.
lock: $(STAMP)
	$(BIN)/uv lock --upgrade

# Test against the newest releases without touching uv.lock: a throwaway venv, a report of what broke.
test-latest: $(STAMP)
	rm -rf .venv-latest
	$(BIN)/uv venv --quiet --python $(BIN)/python .venv-latest
	VIRTUAL_ENV=.venv-latest $(BIN)/uv pip install --quiet --upgrade -e ".[dev]"
	VIRTUAL_ENV=.venv-latest $(BIN)/uv pip list --outdated 2>/dev/null || true
	.venv-latest/bin/python -m pytest -q -p no:cacheprovider -x --no-header -rf \
	  || { echo "test-latest: the newest releases break the tests above; uv.lock stays as it is"; exit 1; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Texts: write the template of every key the code uses, then add new keys to both catalogs
# (empty, for translators to fill; tests/test_i18n.py fails until they are).
messages: $(STAMP)
	$(BIN)/python -m i18n.extract
	$(BIN)/pybabel update --input-file i18n/locale/messages.pot --output-dir i18n/locale \
	  --domain messages --no-fuzzy-matching --width 100

samples: $(STAMP)
	$(BIN)/python -m data.samples.generate

bench: $(STAMP)
	for b in privacy etl projection map; do $(BIN)/python -m benchmarks.bench_$$b || exit 1; done

clean:
	rm -rf var .pytest_cache

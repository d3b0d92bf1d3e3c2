# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-dev
export DEMOGRAFIE_HOME ?= $(CURDIR)/var

.PHONY: demo test install lint samples bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The portal runs beside the dashboard and stops with it.
demo: $(STAMP)
	$(BIN)/python -m etl demo
	$(BIN)/python -m portal --demo-accounts --host 127.0.0.1 --port 8051 & portal=$$!; \
	trap 'kill $$portal 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m dashboard --host 127.0.0.1 --port 8050

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

samples: $(STAMP)
	$(BIN)/python -m data.samples.generate

bench: $(STAMP)
	for b in privacy etl projection map; do $(BIN)/python -m benchmarks.bench_$$b || exit 1; done

clean:
	rm -rf var .pytest_cache

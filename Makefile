# Two set-up commands: `make demo` and `make test`. Each creates .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
DEMO   := demo

.PHONY: demo test check bench venv clean neo4j-start neo4j-stop

venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Demo: 5,000 generated filings (same seed, same data), ingested into the embedded store, then the dashboards
# on http://127.0.0.1:$(PORT). Running it again re-ingests the same files, which changes nothing.
DEMO_FILINGS ?= 5000
PORT ?= 8501

demo: venv
	$(BIN)/caselink demo-data --filings $(DEMO_FILINGS) --seed 7 --out $(DEMO)/data
	$(BIN)/caselink ingest $(DEMO)/data/filings.csv --transfers $(DEMO)/data/transfers.csv \
	    --workspace $(DEMO)/workspace --backend embedded
	$(BIN)/caselink serve --workspace $(DEMO)/workspace --port $(PORT)

# A real Neo4j 5.26 (tools/neo4j.sh: Maven Central, no Docker) runs beside the suite and is always stopped;
# the exit status is pytest's. With CI=true a Neo4j that cannot start fails the run. The browser tests use
# Debian's chromium (tools/ensure-chromium.sh installs it with apt-get when missing and run as root).
test: venv
	tools/ensure-chromium.sh
	tools/neo4j.sh run -- $(BIN)/pytest -q --durations=20

neo4j-start:
	@tools/neo4j.sh start

neo4j-stop:
	@tools/neo4j.sh stop

check: venv
	$(BIN)/ruff check caselink graph ingest queries dashboards tests bench
	$(BIN)/mypy graph ingest queries

bench: venv
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/ingest.py --rows 200000
	$(BIN)/python bench/accuracy.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache

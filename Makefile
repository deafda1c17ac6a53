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

demo: venv
	$(BIN)/caselink demo-data --filings 5000 --seed 7 --out $(DEMO)/data

# A real Neo4j 5.26 (tools/neo4j.sh: Maven Central, no Docker) runs beside the suite and is always stopped;
# the exit status is pytest's. With CI=true a Neo4j that cannot start fails the run.
test: venv
	tools/neo4j.sh run -- $(BIN)/pytest -q

neo4j-start:
	@tools/neo4j.sh start

neo4j-stop:
	@tools/neo4j.sh stop

check: venv
	$(BIN)/ruff check caselink graph ingest queries dashboards tests bench
	$(BIN)/mypy graph ingest queries

bench: venv
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache

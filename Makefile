PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test install schema bench bench-clarify bench-ledger bench-context bench-simulator clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/omniclaude serve

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/omniclaude export-schema --output schema.graphql

bench: $(STAMP)
	$(BIN)/python bench/http.py

bench-clarify: $(STAMP)
	$(BIN)/python bench/clarify_detector.py
	$(BIN)/python bench/clarify_quorum.py
	$(BIN)/python bench/clarify_latency.py

bench-ledger: $(STAMP)
	$(BIN)/python bench/ledger.py

bench-context: $(STAMP)
	$(BIN)/python bench/context_market.py

bench-simulator: $(STAMP)
	$(BIN)/python bench/simulator.py

clean:
	rm -rf $(VENV) .pytest_cache

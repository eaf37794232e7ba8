"""Rebuild litellm_model_prices.json (the default catalog) from LiteLLM's full file:

    python services/pricing/data/make_default_catalog.py /path/to/model_prices_and_context_window.json

Keeps text and embedding models of the providers below, and only the fields the importer reads."""

from __future__ import annotations

import json
import sys
from pathlib import Path

PROVIDERS = {"openai", "anthropic", "gemini", "vertex_ai-language-models", "azure", "mistral", "deepseek", "xai",
             "groq", "bedrock_converse", "cohere_chat", "together_ai", "openrouter", "perplexity"}
MODES = {"chat", "completion", "responses", "embedding"}
FIELDS = ("litellm_provider", "mode", "input_cost_per_token", "output_cost_per_token",
          "cache_read_input_token_cost", "cache_creation_input_token_cost", "output_cost_per_reasoning_token")


def subset(catalog: dict) -> dict:
    return {key: {f: entry[f] for f in FIELDS if f in entry}
            for key, entry in catalog.items()
            if isinstance(entry, dict) and entry.get("litellm_provider") in PROVIDERS and entry.get("mode") in MODES
            and entry.get("input_cost_per_token") is not None}


if __name__ == "__main__":
    source = json.loads(Path(sys.argv[1]).read_text())
    out = Path(__file__).with_name("litellm_model_prices.json")
    out.write_text(json.dumps(subset(source), indent=1, sort_keys=True) + "\n")
    print(f"{out}: {len(subset(source))} entries")

"""Pure rules: exact cost arithmetic, fallbacks, model-name aliases, LiteLLM price conversion,
request fingerprints, and the default catalog's coverage of the names agents send."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from models.pricing import ModelPrice
from services.executions.runs import fingerprint, normalise_prompt
from services.pricing.catalog import Component, PriceBook, Rates, Tokens, cost_of, name_candidates
from services.pricing.litellm import DEFAULT_CATALOG, parse, per_million

prices = st.decimals(min_value=0, max_value=Decimal("100000"), places=9, allow_nan=False, allow_infinity=False)
counts = st.integers(min_value=0, max_value=10**12)


@given(prices, prices, prices, counts, counts, counts, counts, counts)
def test_cost_is_the_exact_sum_with_fallbacks(pin, pout, pcr, i, o, cr, cw, r):
    rates = Rates(input=pin, output=pout, cache_read=pcr)
    cost = cost_of(rates, Tokens(i, o, cr, cw, r))
    assert cost * 10**6 == i * pin + o * pout + cr * pcr + cw * pin + r * pout
    assert cost.as_tuple().exponent >= -15  # fits NUMERIC(30,15) without rounding


def test_fallbacks_are_named():
    rates = Rates(input=Decimal(3), output=Decimal(15), reasoning=Decimal(20))
    assert rates.fallbacks() == [Component.CACHE_READ, Component.CACHE_WRITE]
    assert rates.effective(Component.CACHE_WRITE) == 3 and rates.effective(Component.REASONING) == 20


def test_name_candidates_try_exact_then_aliases():
    assert name_candidates("openai", "gpt-4o")[0] == ("openai", "gpt-4o")
    assert ("openai", "gpt-4o") in name_candidates("openai", "openai/gpt-4o")
    assert ("gemini", "gemini-2.5-pro") in name_candidates("Google", "gemini/gemini-2.5-pro")
    assert ("openai", "gpt-4o") in name_candidates("OpenAI", "GPT-4o")
    # a prefix naming another provider is part of the model name, not an alias
    assert ("groq", "openai/gpt-oss-120b") in name_candidates("groq", "openai/gpt-oss-120b")
    assert ("groq", "gpt-oss-120b") not in name_candidates("groq", "openai/gpt-oss-120b")


@given(st.floats(min_value=0, max_value=1e-2, allow_nan=False, allow_infinity=False))
def test_litellm_per_token_floats_become_exact_per_million_prices(value):
    converted = per_million(value)
    assert abs(converted - Decimal(repr(value)) * 10**6) <= Decimal("0.0000000005")
    assert per_million(2.5e-06) == Decimal("2.5") and per_million(3.0000000000000004e-07) == Decimal("0.3")


@given(st.text(max_size=200), st.dictionaries(st.text(max_size=10), st.integers() | st.text(max_size=10), max_size=5))
def test_fingerprint_ignores_whitespace_layout_and_key_order(prompt, parameters):
    reordered = dict(reversed(list(parameters.items())))
    spaced = "  " + prompt.replace("\n", " \r\n ") + "\t"
    assert fingerprint(prompt, parameters) == fingerprint(spaced, reordered)
    assert normalise_prompt(normalise_prompt(prompt)) == normalise_prompt(prompt)


def test_fingerprint_tells_different_requests_apart():
    assert fingerprint("fix it", {"t": 1.0}) == fingerprint("fix it", {"t": 1})
    assert fingerprint("fix it", {"t": 1}) != fingerprint("Fix it", {"t": 1})
    assert fingerprint("fix it", {"t": 1}) != fingerprint("fix it", {"t": 2})


# What agents send, with and without provider prefixes, as LiteLLM, OpenAI-compatible SDKs and
# agent frameworks log them; weights are a plausible traffic mix. The last rows are names no public
# catalog prices (self-hosted and fine-tuned models).
AGENT_TRAFFIC = [
    ("openai", "gpt-4o", 14), ("openai", "openai/gpt-4o-mini", 12), ("openai", "gpt-4.1", 8),
    ("openai", "gpt-4.1-mini", 6), ("openai", "o1", 2), ("openai", "gpt-5", 5), ("openai", "gpt-3.5-turbo", 1),
    ("openai", "text-embedding-3-small", 6), ("azure", "azure/gpt-4o", 3),
    ("anthropic", "claude-sonnet-4-5", 12), ("anthropic", "anthropic/claude-haiku-4-5", 6),
    ("anthropic", "claude-opus-4-5", 2), ("anthropic", "claude-sonnet-4-5-20250929", 3),
    ("google", "gemini-2.5-pro", 4), ("gemini", "gemini/gemini-2.5-flash", 5), ("google", "gemini-2.5-flash-lite", 1),
    ("deepseek", "deepseek-chat", 3), ("deepseek", "deepseek/deepseek-reasoner", 1),
    ("mistral", "mistral-large-latest", 1), ("mistral", "mistral/codestral-latest", 1),
    ("xai", "grok-code-fast-1", 1), ("groq", "openai/gpt-oss-120b", 1),
    ("ollama", "llama3.1:8b-instruct-q4", 1), ("openai", "ft:gpt-4o-mini:acme:support:9xYz", 1),
]


def test_default_catalog_prices_over_95_percent_of_agent_traffic():
    specs = parse(json.loads(DEFAULT_CATALOG.read_text()), "default").specs
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    book = PriceBook([ModelPrice(id=i, provider=s.provider, model=s.model, input_per_mtok=s.rates.input,
                                 output_per_mtok=s.rates.output, effective_from=start, effective_to=None)
                      for i, s in enumerate(specs)])
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    total = sum(weight for *_, weight in AGENT_TRAFFIC)
    priced = sum(weight for provider, model, weight in AGENT_TRAFFIC if book.match(provider, model, at).price)
    assert priced / total > 0.95, [(p, m) for p, m, _ in AGENT_TRAFFIC if not book.match(p, m, at).price]

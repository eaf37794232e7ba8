"""Pure rules of tier prices: which level prices a call, LiteLLM's tier keys and range tables, and the
default catalog carrying them."""

from __future__ import annotations

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from services.pricing.catalog import Rates, Tokens, cost_of
from services.pricing.litellm import DEFAULT_CATALOG, parse
from services.pricing.tiers import ServiceTier, TierPrice, canonical, choose, label, tiers_json, tiers_of

prices = st.decimals(min_value=0, max_value=Decimal("1000"), places=9, allow_nan=False, allow_infinity=False)
maybe = st.none() | prices
levels = st.builds(TierPrice, st.sampled_from(list(ServiceTier)), st.sampled_from([0, 1000, 128_000, 200_000]),
                   maybe, maybe, maybe, maybe, maybe)
BASE = {"input": Decimal(1), "output": Decimal(2), "cache_read": None, "cache_write": None, "reasoning": None}


@given(st.lists(levels, max_size=8), st.sampled_from(list(ServiceTier)), st.integers(min_value=0, max_value=10**6))
def test_every_component_comes_from_the_first_level_of_the_chain_that_gives_it(tiers, tier, prompt):
    tiers = [t for t in canonical(tiers) if not (t.service_tier is ServiceTier.STANDARD and t.above_tokens == 0)]
    tiers = list({(t.service_tier, t.above_tokens): t for t in tiers}.values())
    chosen = choose(BASE, tiers, tier, prompt)
    relevant = {(t.service_tier, t.above_tokens): t for t in tiers if t.service_tier in (tier, ServiceTier.STANDARD)}
    above = max((a for _, a in relevant if 0 < a < prompt), default=0)
    chain = [relevant.get(k) for k in ((tier, above), (ServiceTier.STANDARD, above), (tier, 0))]
    for component in ("input", "output", "cache_read"):
        expected = next((lv.given(component) for lv in chain if lv is not None and lv.given(component) is not None),
                        BASE[component])
        assert getattr(chosen, component) == expected
    assert chosen.tier.startswith(tier.value if any(lv and lv.service_tier is tier for lv in chain) else "STANDARD")


def test_a_threshold_applies_only_to_a_strictly_larger_prompt_and_prices_every_token():
    rates = Rates(Decimal(1), Decimal(2), Decimal("0.1"),
                  tiers=(TierPrice(ServiceTier.STANDARD, 200_000, Decimal(2), Decimal(4), Decimal("0.2")),))
    at, at_tier = rates.for_call(ServiceTier.STANDARD, Tokens(190_000, 10, cache_read=10_000).prompt)
    above, above_tier = rates.for_call(ServiceTier.STANDARD, Tokens(190_001, 10, cache_read=10_000).prompt)
    assert (at.input, at_tier) == (Decimal(1), "STANDARD")
    assert (above.input, above.output, above.cache_read, above_tier) == (Decimal(2), Decimal(4), Decimal("0.2"),
                                                                         "STANDARD_ABOVE_200K")
    assert cost_of(above, Tokens(190_001, 10, cache_read=10_000)) == Decimal("0.382042")
    assert label(ServiceTier.FLEX, 272_000) == "FLEX_ABOVE_272K"
    assert label(ServiceTier.BATCH, 1500) == "BATCH_ABOVE_1500"


def test_tiers_survive_the_json_column_exactly():
    tiers = (TierPrice(ServiceTier.PRIORITY, 0, Decimal("2.250000000"), None, Decimal("0.225")),
             TierPrice(ServiceTier.STANDARD, 200_000, Decimal("2.5")))
    assert tiers_of(json.loads(json.dumps(tiers_json(tiers)))) == canonical(tiers)
    assert [t.service_tier for t in canonical(tiers)] == [ServiceTier.STANDARD, ServiceTier.PRIORITY]


def test_litellm_tier_keys_and_range_tables_become_tier_levels():
    parsed = parse({
        "m1": {"litellm_provider": "p", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06,
               "input_cost_per_token_above_128k_tokens": 2e-06, "output_cost_per_token_priority": 4e-06,
               "cache_read_input_token_cost_above_200k_tokens_batches": 5e-07, "input_cost_per_token_flex": 5e-07,
               "cache_creation_input_token_cost_above_1hr": 9e-06, "input_cost_per_token_ultrafast": 9e-06},
        "m2": {"litellm_provider": "p", "mode": "chat", "tiered_pricing": [
            {"range": [0, 32000], "input_cost_per_token": 1e-07, "output_cost_per_token": 4e-07},
            {"range": [32000, 128000], "input_cost_per_token": 3e-07, "output_cost_per_token": 1.2e-06}]},
    }, "test")
    by_model = {spec.model: spec.rates for spec in parsed.specs}
    assert {(t.service_tier, t.above_tokens) for t in by_model["m1"].tiers} == {
        (ServiceTier.STANDARD, 128_000), (ServiceTier.PRIORITY, 0), (ServiceTier.BATCH, 200_000), (ServiceTier.FLEX, 0)}
    assert by_model["m2"].input == Decimal("0.1") and by_model["m2"].tiers == (
        TierPrice(ServiceTier.STANDARD, 32_000, Decimal("0.3"), Decimal("1.2")),)
    bad = parse({"m3": {"litellm_provider": "p", "input_cost_per_token": 1e-6, "output_cost_per_token": 1e-6,
                        "input_cost_per_token_priority": "cheap"}}, "test")
    assert not bad.specs and any(r.startswith("invalid price") for r in bad.skipped)


def test_the_default_catalog_carries_the_tier_prices_of_the_models_agents_use():
    specs = {(s.provider, s.model): s.rates for s in parse(json.loads(DEFAULT_CATALOG.read_text()), "default").specs}
    gemini = {(t.service_tier, t.above_tokens) for t in specs[("gemini", "gemini-2.5-pro")].tiers}
    assert {(ServiceTier.STANDARD, 200_000), (ServiceTier.PRIORITY, 0), (ServiceTier.BATCH, 0)} <= gemini
    assert any(t.service_tier is ServiceTier.PRIORITY for t in specs[("openai", "gpt-5")].tiers)
    assert any(t.service_tier is ServiceTier.BATCH for t in specs[("anthropic", "claude-sonnet-4-5")].tiers)

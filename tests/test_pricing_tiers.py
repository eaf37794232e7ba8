"""Prices as providers charge them, through GraphQL: tier prices imported from LiteLLM's real file (a
long-context call, PRIORITY calls), the tier kept with the call and shown in costSummary, reported
costs beside computed ones with a per-provider cost source, and a dry-run re-price that reports
exactly what the real one then does."""

from __future__ import annotations

import functools
import json
import random
import uuid
from decimal import Decimal

from models.outbox import OutboxEvent
from tests.debug_support import unique_model
from tests.test_executions import call, record, start, utc
from tests.test_pricing import IMPORT, LITELLM_FILE, upsert

RECORD = """mutation R($input: LlmCallsRecordInput!) {
  llmCallsRecord(input: $input) { recorded
    calls { id model priced cost serviceTier priceTier reportedCost billedCost costSource price { id } }
    userErrors { field message code } } }"""
SUMMARY = """query S($g: CostGroupBy!, $from: DateTime, $to: DateTime) {
  costSummary(groupBy: $g, from: $from, to: $to) {
    total { calls cost reportedCalls reportedCost comparedCalls costDifference billedCost
            priceTiers { tier calls cost billedCost } }
    groups { key calls cost billedCost priceTiers { tier calls cost } } } }"""
DRY = """mutation P($input: LlmCallsRepriceInput!) {
  llmCallsReprice(input: $input) { runId dryRun examined repriced stillUnpriced hasMore oldCost newCost
    oldBilledCost newBilledCost budgetPeriods
    changes { callId oldCost newCost oldPriceTier newPriceTier oldBilledCost newBilledCost reason
              oldPriceId newPriceId }
    userErrors { field message code } } }"""
COST_SOURCE = """mutation C($input: ProviderCostSourceSetInput!) {
  providerCostSourceSet(input: $input) { costSource { provider authority reason }
    userErrors { field message code } } }"""
CALL = """query N($id: ID!) { node(id: $id) { ... on LlmCall {
  cost billedCost costSource priceTier repricings { reason } } } }"""



@functools.cache
def real() -> dict:
    """LiteLLM's whole file, read once, when a test needs it."""
    return json.loads(LITELLM_FILE.read_text())


def per_mtok_cost(entry: dict, tokens: dict[str, int]) -> Decimal:
    """A hand computation from the file's own per-token floats: sum of tokens x Decimal(repr(price))."""
    return sum((Decimal(count) * Decimal(repr(entry[key])) for key, count in tokens.items()), Decimal(0))


async def import_real_entries(client, admin_key, keys: list[str]) -> str:
    """The file's entries for `keys`, unchanged but for a provider of this test's own."""
    provider = f"t17-{uuid.uuid4().hex[:8]}"
    catalog = {key.split("/")[-1]: real()[key] | {"litellm_provider": provider} for key in keys}
    report = (await client.execute(IMPORT, {"input": {"catalog": catalog, "source": "litellm 1.109.1 (test)",
                                                      "effectiveFrom": "2020-01-01T00:00:00Z"}},
                                   key=admin_key))["modelPricesImport"]
    assert report["userErrors"] == [] and report["imported"] == len(keys), report
    return provider


async def record_calls(client, key, calls: list[dict], **extra) -> dict:
    payload = (await client.execute(RECORD, {"input": {"calls": calls} | extra}, key=key))["llmCallsRecord"]
    assert payload["userErrors"] == [], payload
    return payload


async def test_long_context_and_priority_calls_are_priced_from_the_imported_litellm_file(client, agent_key, admin_key):
    gemini, gpt5 = real()["gemini/gemini-2.5-pro"], real()["gpt-5"]
    provider = await import_real_entries(client, admin_key, ["gemini/gemini-2.5-pro", "gpt-5"])
    cid = (await start(client, agent_key, agentName=f"tiers-{uuid.uuid4().hex[:6]}"))["correlationId"]
    at = utc(2031, 1, 5, 12)
    base = {"provider": provider}
    calls = [
        call(cid, "gemini-2.5-pro", at, inputTokens=250_000, outputTokens=1_000, cacheReadTokens=10_000) | base,
        call(cid, "gemini-2.5-pro", at, inputTokens=190_000, outputTokens=1_000, cacheReadTokens=10_000) | base,
        call(cid, "gemini-2.5-pro", at, inputTokens=150_000, outputTokens=2_000, cacheReadTokens=60_000,
             serviceTier="PRIORITY") | base,
        call(cid, "gpt-5", at, inputTokens=1_000, outputTokens=500, cacheReadTokens=200, serviceTier="PRIORITY") | base,
        call(cid, "gpt-5", at, inputTokens=1_000, outputTokens=500, cacheReadTokens=200, serviceTier="FLEX") | base,
        call(cid, "gpt-5", at, inputTokens=1_000, outputTokens=500, cacheReadTokens=200, serviceTier="BATCH") | base,
    ]
    long, at_limit, long_priority, priority, flex, batch = (await record_calls(client, agent_key, calls))["calls"]
    # more than 200k prompt tokens (input + cache): every token at the above-200k prices
    assert long["priceTier"] == "STANDARD_ABOVE_200K" and long["serviceTier"] == "STANDARD"
    assert Decimal(long["cost"]) == per_mtok_cost(gemini, {
        "input_cost_per_token_above_200k_tokens": 250_000, "output_cost_per_token_above_200k_tokens": 1_000,
        "cache_read_input_token_cost_above_200k_tokens": 10_000})
    # exactly 200k is not above it
    assert at_limit["priceTier"] == "STANDARD"
    assert Decimal(at_limit["cost"]) == per_mtok_cost(gemini, {
        "input_cost_per_token": 190_000, "output_cost_per_token": 1_000, "cache_read_input_token_cost": 10_000})
    assert long_priority["priceTier"] == "PRIORITY_ABOVE_200K"
    assert Decimal(long_priority["cost"]) == per_mtok_cost(gemini, {
        "input_cost_per_token_above_200k_tokens_priority": 150_000,
        "output_cost_per_token_above_200k_tokens_priority": 2_000,
        "cache_read_input_token_cost_above_200k_tokens_priority": 60_000})
    assert priority["priceTier"] == "PRIORITY" and priority["serviceTier"] == "PRIORITY"
    assert Decimal(priority["cost"]) == per_mtok_cost(gpt5, {
        "input_cost_per_token_priority": 1_000, "output_cost_per_token_priority": 500,
        "cache_read_input_token_cost_priority": 200})
    assert Decimal(priority["cost"]) == 2 * Decimal(flex["cost"]) * 2  # priority is 2x standard, flex half of it
    assert flex["priceTier"] == "FLEX" and batch["priceTier"] == "BATCH"
    assert Decimal(batch["cost"]) == per_mtok_cost(gpt5, {
        "input_cost_per_token_batches": 1_000, "output_cost_per_token_batches": 500,
        "cache_read_input_token_cost_batches": 200})
    assert all(c["billedCost"] == c["cost"] and c["costSource"] == "COMPUTED" for c in (long, priority, batch))

    window = {"from": "2031-01-05T00:00:00Z", "to": "2031-01-06T00:00:00Z"}
    summary = (await client.execute(SUMMARY, {"g": "MODEL"} | window, key=agent_key))["costSummary"]
    groups = {g["key"]: g for g in summary["groups"]}
    tiers = {t["tier"]: t for t in groups[f"{provider}/gemini-2.5-pro"]["priceTiers"]}
    assert set(tiers) == {"STANDARD", "STANDARD_ABOVE_200K", "PRIORITY_ABOVE_200K"}
    assert Decimal(tiers["STANDARD_ABOVE_200K"]["cost"]) == Decimal(long["cost"])
    by_tier = (await client.execute(SUMMARY, {"g": "PRICE_TIER"} | window, key=agent_key))["costSummary"]
    assert {g["key"]: g["calls"] for g in by_tier["groups"]} == {
        "STANDARD_ABOVE_200K": 1, "STANDARD": 1, "PRIORITY_ABOVE_200K": 1, "PRIORITY": 1, "FLEX": 1, "BATCH": 1}
    assert sum(t["calls"] for t in summary["total"]["priceTiers"]) == 6


async def test_a_tier_the_model_has_no_price_for_is_charged_at_standard_and_says_so(client, agent_key, admin_key):
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="2", output_price="4", at="2020-01-01T00:00:00Z",
                 tiers=[{"serviceTier": "STANDARD", "aboveTokens": 1000, "inputUsdPerMtok": "3"},
                        {"serviceTier": "PRIORITY", "inputUsdPerMtok": "5", "outputUsdPerMtok": "9"}])
    cid = (await start(client, agent_key))["correlationId"]
    batch, long_priority = (await record_calls(client, agent_key, [
        call(cid, model, utc(2031, 2, 1), serviceTier="BATCH"),
        call(cid, model, utc(2031, 2, 1), inputTokens=2000, serviceTier="PRIORITY")]))["calls"]
    assert batch["priceTier"] == "STANDARD" and Decimal(batch["cost"]) == Decimal("0.004")  # 1000 x 2 + 500 x 4
    # the STANDARD above-1000 input price comes before the PRIORITY base one; output from PRIORITY
    assert long_priority["priceTier"] == "PRIORITY_ABOVE_1K"
    assert Decimal(long_priority["cost"]) == (2000 * 3 + 500 * 9) / Decimal(10**6)
    bad = (await client.execute("""mutation U($input: ModelPriceUpsertInput!) { modelPriceUpsert(input: $input) {
        userErrors { field code } } }""", {"input": {
        "provider": "acme", "model": model, "inputUsdPerMtok": "1", "outputUsdPerMtok": "1", "source": "x",
        "tiers": [{"serviceTier": "PRIORITY", "inputUsdPerMtok": "1"},
                  {"serviceTier": "PRIORITY", "outputUsdPerMtok": "2"}]
    }}, key=admin_key))["modelPriceUpsert"]
    assert bad["userErrors"] == [{"field": "tiers[1].serviceTier", "code": "DUPLICATE"}]


async def test_reported_cost_is_kept_beside_the_computed_one_and_the_cost_source_decides_the_bill(
        client, agent_key, admin_key):
    model = unique_model()
    provider = f"router-{uuid.uuid4().hex[:6]}"
    await upsert(client, admin_key, model=model, input_price="10", output_price="20", at="2020-01-01T00:00:00Z",
                 provider=provider)
    cid = (await start(client, agent_key))["correlationId"]
    day = random.randint(1, 28)
    at = utc(2032, 3, day, 10)
    window = {"from": f"2032-03-{day:02d}T00:00:00Z", "to": f"2032-03-{day:02d}T23:00:00Z"}
    first = (await record_calls(client, agent_key, [call(cid, model, at, provider=provider, reportedCostUsd="0.0215"),
                                                    call(cid, "not-in-catalog", at, provider=provider,
                                                         reportedCostUsd="0.5")]))["calls"]
    computed = Decimal("0.02")  # 1000 x 10 + 500 x 20, per 1M tokens
    assert Decimal(first[0]["cost"]) == computed and Decimal(first[0]["reportedCost"]) == Decimal("0.0215")
    assert Decimal(first[0]["billedCost"]) == computed and first[0]["costSource"] == "COMPUTED"
    # no price at all: the reported cost is the only one, so it is billed
    assert first[1]["priced"] is False and first[1]["costSource"] == "REPORTED"
    assert Decimal(first[1]["billedCost"]) == Decimal("0.5")
    bad = await record(client, agent_key, [call(cid, model, at, reportedCostUsd="-1")])
    assert bad["userErrors"][0]["field"] == "calls[0].reportedCostUsd"

    set_source = (await client.execute(COST_SOURCE, {"input": {"provider": provider.upper(), "authority": "REPORTED",
                                                              "reason": "the router bills its own price"}},
                                       key=admin_key))["providerCostSourceSet"]
    assert set_source["costSource"] == {"provider": provider, "authority": "REPORTED",
                                        "reason": "the router bills its own price"}
    denied = (await client.post(COST_SOURCE, {"input": {"provider": provider, "authority": "COMPUTED", "reason": "x"}},
                                key=agent_key)).json()
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    later = (await record_calls(client, agent_key, [call(cid, model, at, provider=provider,
                                                         reportedCostUsd="0.0215")]))["calls"][0]
    assert Decimal(later["billedCost"]) == Decimal("0.0215") and later["costSource"] == "REPORTED"

    summary = (await client.execute(SUMMARY, {"g": "MODEL"} | window, key=agent_key))["costSummary"]["total"]
    assert summary["reportedCalls"] == 3 and Decimal(summary["reportedCost"]) == Decimal("0.543")
    assert summary["comparedCalls"] == 2 and Decimal(summary["costDifference"]) == Decimal("0.003")
    assert Decimal(summary["billedCost"]) == computed + Decimal("0.5") + Decimal("0.0215")

    # the first call is billed from the wrong source now: a dry run says so, the real run does it
    dry = (await client.execute(DRY, {"input": {"asOf": window["from"], "to": window["to"], "dryRun": True}},
                                key=admin_key))["llmCallsReprice"]
    assert dry["repriced"] == 1 and dry["runId"] is None and dry["dryRun"] is True
    assert dry["changes"][0]["reason"] == "the provider's cost source is now REPORTED"
    assert (Decimal(dry["oldBilledCost"]), Decimal(dry["newBilledCost"])) == (computed, Decimal("0.0215"))
    unchanged = (await client.execute(CALL, {"id": first[0]["id"]}, key=agent_key))["node"]
    assert unchanged["costSource"] == "COMPUTED" and unchanged["repricings"] == []
    real = (await client.execute(DRY, {"input": {"asOf": window["from"], "to": window["to"]}},
                                 key=admin_key))["llmCallsReprice"]
    assert {k: v for k, v in real.items() if k not in ("runId", "dryRun")} == \
        {k: v for k, v in dry.items() if k not in ("runId", "dryRun")}
    assert real["runId"] is not None
    after = (await client.execute(CALL, {"id": first[0]["id"]}, key=agent_key))["node"]
    assert after["costSource"] == "REPORTED" and Decimal(after["billedCost"]) == Decimal("0.0215")


async def test_a_dry_run_reprice_changes_nothing_and_reports_exactly_what_the_real_one_does(
        client, agent_key, admin_key):
    model, other = unique_model(), unique_model()
    minute = random.randint(0, 59)
    at = utc(2033, 7, 14, 9, minute)
    window = {"asOf": at.isoformat(), "to": utc(2033, 7, 14, 9, minute, 59).isoformat()}
    await upsert(client, admin_key, model=model, input_price="1", output_price="2", at="2020-01-01T00:00:00Z")
    cid = (await start(client, agent_key))["correlationId"]
    recorded = (await record_calls(client, agent_key, [
        call(cid, model, at), call(cid, model, at, inputTokens=300_000, serviceTier="PRIORITY"),
        call(cid, other, at), call(cid, "never-priced", at)]))["calls"]
    # a correction of the price (same start) with tier prices, and a price for the unpriced model
    await upsert(client, admin_key, model=model, input_price="1.5", output_price="2", at="2020-01-01T00:00:00Z",
                 tiers=[{"serviceTier": "PRIORITY", "aboveTokens": 200_000, "inputUsdPerMtok": "6"}])
    await upsert(client, admin_key, model=other, input_price="4", output_price="4", at="2020-01-01T00:00:00Z")
    events_before = await OutboxEvent.filter(name="pricing.llm_calls.repriced.v1").count()

    dry = (await client.execute(DRY, {"input": window | {"dryRun": True}}, key=admin_key))["llmCallsReprice"]
    assert dry["userErrors"] == [] and dry["repriced"] == 3 and dry["stillUnpriced"] == 1 and dry["examined"] == 4
    for stored in recorded:  # nothing changed: costs, tiers, repricings, events
        node = (await client.execute(CALL, {"id": stored["id"]}, key=agent_key))["node"]
        assert (node["cost"], node["priceTier"], node["repricings"]) == (stored["cost"], stored["priceTier"], [])
    assert await OutboxEvent.filter(name="pricing.llm_calls.repriced.v1").count() == events_before
    again = (await client.execute(DRY, {"input": window | {"dryRun": True}}, key=admin_key))["llmCallsReprice"]
    assert again == dry

    real = (await client.execute(DRY, {"input": window}, key=admin_key))["llmCallsReprice"]
    assert {k: v for k, v in real.items() if k not in ("runId", "dryRun")} == \
        {k: v for k, v in dry.items() if k not in ("runId", "dryRun")}
    changes = {c["callId"]: c for c in real["changes"]}
    assert changes[recorded[1]["id"]]["newPriceTier"] == "PRIORITY_ABOVE_200K"
    assert Decimal(changes[recorded[1]["id"]]["newCost"]) == (300_000 * 6 + 500 * 2) / Decimal(10**6)
    assert Decimal(real["newCost"]) - Decimal(real["oldCost"]) == sum(
        Decimal(c["newCost"] or 0) - Decimal(c["oldCost"] or 0) for c in real["changes"])
    node = (await client.execute(CALL, {"id": recorded[0]["id"]}, key=agent_key))["node"]
    assert Decimal(node["cost"]) == Decimal("0.0025") and len(node["repricings"]) == 1
    done = (await client.execute(DRY, {"input": window | {"dryRun": True}}, key=admin_key))["llmCallsReprice"]
    assert done["repriced"] == 0 and done["stillUnpriced"] == 1
    both = (await client.execute(DRY, {"input": window | {"from": "2020-01-01T00:00:00Z"}},
                                 key=admin_key))["llmCallsReprice"]
    assert both["userErrors"][0]["field"] == "asOf"


async def test_the_seed_gives_its_own_earlier_rows_their_tier_prices_once_and_never_touches_an_admins(
        client, admin_key):
    from services.pricing.litellm import DEFAULT_CATALOG_FROM, DEFAULT_CATALOG_SOURCE, import_catalog

    ours, admins = unique_model(), unique_model()
    plain = {"litellm_provider": "acme", "mode": "chat", "input_cost_per_token": 1e-06, "output_cost_per_token": 2e-06}
    tiered = plain | {"input_cost_per_token_priority": 2e-06}

    async def seed(entries: dict) -> object:
        return await import_catalog(entries, DEFAULT_CATALOG_SOURCE, DEFAULT_CATALOG_FROM, by=None, only_missing=True)

    first = await seed({ours: plain, admins: plain})  # as a seed before tier prices were read
    assert first.imported == 2
    await upsert(client, admin_key, model=admins, input_price="1.5", output_price="2", at="2020-01-01T00:00:00Z",
                 source="https://acme.example/contract")
    upgraded = await seed({ours: tiered, admins: tiered})
    assert (upgraded.imported, upgraded.updated) == (0, 1)
    again = await seed({ours: tiered, admins: tiered})
    assert (again.imported, again.updated) == (0, 0)
    listed = """query L($m: String) { modelPrices(provider: "acme", model: $m, includeSuperseded: true) {
        edges { node { source supersededAt tiers { serviceTier inputUsdPerMtok } } } } }"""
    rows = [e["node"] for e in (await client.execute(listed, {"m": ours}))["modelPrices"]["edges"]]
    live = [r for r in rows if r["supersededAt"] is None]
    assert len(rows) == 2 and live[0]["tiers"] == [{"serviceTier": "PRIORITY", "inputUsdPerMtok": "2.000000000"}]
    kept = [e["node"] for e in (await client.execute(listed, {"m": admins}))["modelPrices"]["edges"]]
    assert [r["tiers"] for r in kept if r["supersededAt"] is None] == [[]]

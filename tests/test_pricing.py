"""The model price catalog through GraphQL: periods that never overlap, the price at a time,
corrections, fallbacks, permissions, the LiteLLM import of the whole file, and the default seed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from services.pricing.litellm import seed_default_catalog
from tests.conftest import start_server, stop_server
from tests.debug_support import unique_model
from tests.support import GraphQLClient

LITELLM_FILE = Path("/work/shared/data/litellm_model_prices.json")
PRICE = """id provider model inputUsdPerMtok outputUsdPerMtok cacheReadUsdPerMtok cacheWriteUsdPerMtok
  reasoningUsdPerMtok fallbacks { component usesPriceOf } effectiveFrom effectiveTo source supersededAt"""
UPSERT = f"""mutation U($input: ModelPriceUpsertInput!) {{
  modelPriceUpsert(input: $input) {{ change price {{ {PRICE} }} closedPrice {{ {PRICE} }}
    supersededPrice {{ {PRICE} }} userErrors {{ field message code }} }}
}}"""
AT = (f"query A($p: String!, $m: String!, $at: DateTime) "
      f"{{ modelPriceAt(provider: $p, model: $m, at: $at) {{ {PRICE} }} }}")
LIST = f"""query L($p: String, $m: String, $all: Boolean) {{
  modelPrices(provider: $p, model: $m, includeSuperseded: $all) {{ totalCount edges {{ node {{ {PRICE} }} }} }} }}"""
IMPORT = """mutation I($input: ModelPricesImportInput!) {
  modelPricesImport(input: $input) { imported updated skipped skippedReasons { reason count examples }
    userErrors { field message } } }"""


def price_input(model: str, input_price: str, output_price: str, at: str, **extra) -> dict:
    return {"provider": "acme", "model": model, "inputUsdPerMtok": input_price, "outputUsdPerMtok": output_price,
            "effectiveFrom": at, "source": "https://acme.example/pricing"} | extra


async def upsert(client: GraphQLClient, key: str, **fields) -> dict:
    return (await client.execute(UPSERT, {"input": price_input(**fields)}, key=key))["modelPriceUpsert"]


async def test_a_new_price_closes_the_previous_period(client, admin_key):
    model = unique_model()
    first = await upsert(client, admin_key, model=model, input_price="3", output_price="15", at="2025-01-01T00:00:00Z")
    assert first["change"] == "CREATED" and first["price"]["effectiveTo"] is None
    second = await upsert(client, admin_key, model=model, input_price="2.5", output_price="10",
                          at="2025-06-01T00:00:00Z")
    assert second["change"] == "CHANGED"
    assert second["closedPrice"]["id"] == first["price"]["id"]
    assert second["closedPrice"]["effectiveTo"] == "2025-06-01T00:00:00+00:00"
    periods = (await client.execute(LIST, {"p": "acme", "m": model}))["modelPrices"]
    assert [(e["node"]["inputUsdPerMtok"], e["node"]["effectiveTo"]) for e in periods["edges"]] == [
        ("2.500000000", None), ("3.000000000", "2025-06-01T00:00:00+00:00")]
    # an earlier start goes in front and ends where the first period begins
    earliest = await upsert(client, admin_key, model=model, input_price="4", output_price="20",
                            at="2024-01-01T00:00:00Z")
    assert earliest["change"] == "CREATED" and earliest["price"]["effectiveTo"] == "2025-01-01T00:00:00+00:00"

    async def at(when: str) -> str | None:
        found = (await client.execute(AT, {"p": "acme", "m": model, "at": when}))["modelPriceAt"]
        return found["inputUsdPerMtok"] if found else None

    assert await at("2023-12-31T23:59:59Z") is None
    assert await at("2024-06-01T00:00:00Z") == "4.000000000"
    assert await at("2025-05-31T23:59:59.999999Z") == "3.000000000"
    assert await at("2025-06-01T00:00:00Z") == "2.500000000"
    assert await at("2030-01-01T00:00:00Z") == "2.500000000"


async def test_same_prices_are_unchanged_and_same_start_is_a_correction(client, admin_key):
    model = unique_model()
    first = await upsert(client, admin_key, model=model, input_price="1", output_price="2", at="2025-01-01T00:00:00Z")
    again = await upsert(
        client, admin_key, model=model, input_price="1.000", output_price="2", at="2025-03-01T00:00:00Z"
    )
    assert again["change"] == "UNCHANGED" and again["price"]["id"] == first["price"]["id"]
    fixed = await upsert(client, admin_key, model=model, input_price="1.1", output_price="2", at="2025-01-01T00:00:00Z")
    assert fixed["change"] == "CORRECTED" and fixed["supersededPrice"]["id"] == first["price"]["id"]
    assert fixed["supersededPrice"]["supersededAt"] is not None
    live = (await client.execute(LIST, {"p": "acme", "m": model}))["modelPrices"]
    everything = (await client.execute(LIST, {"p": "acme", "m": model, "all": True}))["modelPrices"]
    assert live["totalCount"] == 1 and everything["totalCount"] == 2
    assert live["edges"][0]["node"]["inputUsdPerMtok"] == "1.100000000"


async def test_missing_cache_and_reasoning_prices_fall_back_and_say_so(client, admin_key):
    model = unique_model()
    price = (await upsert(client, admin_key, model=model, input_price="3", output_price="15",
                          at="2025-01-01T00:00:00Z", cacheReadUsdPerMtok="0.3"))["price"]
    assert price["cacheReadUsdPerMtok"] == "0.300000000"
    assert price["cacheWriteUsdPerMtok"] == "3.000000000" and price["reasoningUsdPerMtok"] == "15.000000000"
    assert price["fallbacks"] == [{"component": "CACHE_WRITE", "usesPriceOf": "INPUT"},
                                  {"component": "REASONING", "usesPriceOf": "OUTPUT"}]


async def test_bad_prices_are_user_errors(client, admin_key):
    cases = [({"inputUsdPerMtok": "-1"}, "inputUsdPerMtok"), ({"outputUsdPerMtok": "0.0000000001"}, "outputUsdPerMtok"),
             ({"model": "has space"}, "model"), ({"source": ""}, "source")]
    for overrides, field in cases:
        given = price_input(unique_model(), "1", "2", "2025-01-01T00:00:00Z") | overrides
        payload = (await client.execute(UPSERT, {"input": given}, key=admin_key))["modelPriceUpsert"]
        assert payload["price"] is None and payload["userErrors"][0]["field"] == field, (overrides, payload)
    # the scalars' own limits come first (docs/api.md): NaN is no Decimal; a date-time without a zone is UTC
    nan = price_input(unique_model(), "1", "2", "2025-01-01T00:00:00Z") | {"reasoningUsdPerMtok": "NaN"}
    refused = (await client.post(UPSERT, {"input": nan}, key=admin_key)).json()
    assert refused["data"] is None and "Decimal: must be finite" in refused["errors"][0]["message"]
    naive = price_input(unique_model(), "1", "2", "2025-01-01T00:00:00")
    payload = (await client.execute(UPSERT, {"input": naive}, key=admin_key))["modelPriceUpsert"]
    assert payload["userErrors"] == [] and payload["price"]["effectiveFrom"] == "2025-01-01T00:00:00+00:00"


async def test_only_admin_changes_prices(client, agent_key):
    given = {"input": price_input(unique_model(), "1", "2", "2025-01-01T00:00:00Z")}
    as_agent = (await client.post(UPSERT, given, key=agent_key)).json()
    assert as_agent["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    anonymous = (await client.post(UPSERT, given)).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    imported = (await client.post(IMPORT, {"input": {"catalog": {}, "source": "x"}}, key=agent_key)).json()
    assert imported["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_import_of_the_whole_litellm_file(db_url, admin_key):
    """The real 3 MB file, over GraphQL (a server allowing bodies that large), then again: all unchanged."""
    catalog = json.loads(LITELLM_FILE.read_text())
    server = await start_server(db_url, max_body_bytes=8 * 1024 * 1024)
    client = GraphQLClient(server.url)
    try:
        variables = {
            "input": {"catalog": catalog, "source": "litellm 1.109.1", "effectiveFrom": "2024-01-01T00:00:00Z"}
        }
        report = (await client.execute(IMPORT, variables, key=admin_key))["modelPricesImport"]
        assert report["userErrors"] == []
        assert report["imported"] + report["updated"] + report["skipped"] == len(catalog)
        assert report["imported"] + report["updated"] > 3000
        reasons = {r["reason"]: r for r in report["skippedReasons"]}
        assert sum(r["count"] for r in reasons.values()) == report["skipped"]
        assert reasons["the format's documentation entry, not a model"]["examples"] == ["sample_spec"]
        assert any(r.startswith("no per-token input price (mode image_generation)") for r in reasons)
        again = (await client.execute(IMPORT, variables, key=admin_key))["modelPricesImport"]
        assert (again["imported"], again["updated"], again["skipped"]) == (0, 0, len(catalog))
        gpt4o = (await client.execute(AT, {"p": "openai", "m": "openai/gpt-4o", "at": "2024-02-01T00:00:00Z"}))
        price = gpt4o["modelPriceAt"]
        assert (price["model"], price["inputUsdPerMtok"], price["outputUsdPerMtok"], price["cacheReadUsdPerMtok"]) == (
            "gpt-4o", "2.500000000", "10.000000000", "1.250000000")
        gemini = (await client.execute(AT, {"p": "google", "m": "gemini-2.5-pro"}))["modelPriceAt"]
        assert gemini["provider"] == "gemini" and gemini["model"] == "gemini-2.5-pro"
        not_json = (await client.execute(IMPORT, {"input": {"catalog": [1, 2], "source": "x"}}, key=admin_key))
        assert not_json["modelPricesImport"]["userErrors"][0]["field"] == "catalog"
    finally:
        await client.aclose()
        await stop_server(server)


async def test_cli_prices_import(db_url, tmp_path, client):
    model = unique_model()
    catalog = {
        model: {
            "litellm_provider": "acme",
            "mode": "chat",
            "input_cost_per_token": 1.5e-07,
            "output_cost_per_token": 6e-07,
            "output_cost_per_reasoning_token": 1.2e-06,
        },
        "acme/image-thing": {"litellm_provider": "acme", "mode": "image_generation", "output_cost_per_image": 0.04},
    }
    path = tmp_path / "prices.json"
    path.write_text(json.dumps(catalog))
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "api.cli", "prices", "import", str(path),
                           "--effective-from", "2024-01-01T00:00:00+00:00"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "imported 1, updated 0, skipped 1"
    price = (await client.execute(AT, {"p": "acme", "m": model}))["modelPriceAt"]
    assert (price["inputUsdPerMtok"], price["outputUsdPerMtok"], price["reasoningUsdPerMtok"]) == (
        "0.150000000", "0.600000000", "1.200000000")
    assert price["source"] == "prices.json"
    missing = subprocess.run([sys.executable, "-m", "api.cli", "prices", "import", str(tmp_path / "nope.json")],
                             env=env, capture_output=True, text=True, timeout=60, cwd=Path(__file__).parent.parent)
    assert missing.returncode == 1 and "nope.json" in missing.stderr


async def test_seeding_the_default_catalog_is_idempotent_and_keeps_admin_prices(client, admin_key):
    await seed_default_catalog()
    before = (await client.execute(LIST, {"p": "anthropic", "all": True}))["modelPrices"]["totalCount"]
    assert before > 5
    changed = await upsert(client, admin_key, model="claude-haiku-4-5", input_price="0.9", output_price="4.5",
                           at="2026-01-01T00:00:00Z", provider="anthropic")
    assert changed["change"] in {"CHANGED", "CORRECTED"}
    again = await seed_default_catalog()
    assert again.imported == 0 and again.updated == 0
    after = (await client.execute(LIST, {"p": "anthropic", "m": "claude-haiku-4-5"}))["modelPrices"]
    assert after["edges"][0]["node"]["inputUsdPerMtok"] == "0.900000000"
    assert (await client.execute(LIST, {"p": "anthropic", "all": True}))["modelPrices"]["totalCount"] == before + 1

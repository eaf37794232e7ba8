"""Executions and LLM calls through GraphQL: fingerprints, finishing, pricing at ingest from the
price in force at startedAt, all-or-nothing batches, idempotent retries, repricing, cost summaries."""

from __future__ import annotations

import base64
import random
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models.outbox import OutboxEvent
from tests.debug_support import contributor_key, unique_model
from tests.test_pricing import upsert

START = """mutation S($input: ExecutionStartInput!) {
  executionStart(input: $input) { created execution { id correlationId fingerprint status agentName parameters }
    userErrors { field message code } } }"""
FINISH = """mutation F($input: ExecutionFinishInput!) {
  executionFinish(input: $input) { execution { status summary finishedAt } userErrors { field message code } } }"""
RECORD = """mutation R($input: LlmCallsRecordInput!) {
  llmCallsRecord(input: $input) { recorded priced
    calls { id model priced unpricedReason cost clientCallId inputTokens price { id inputUsdPerMtok } }
    userErrors { field message code } } }"""
REPRICE = """mutation P($input: LlmCallsRepriceInput!) {
  llmCallsReprice(input: $input) { runId examined repriced stillUnpriced hasMore
    repricings(first: 100) { totalCount edges { node { oldCost newCost reason oldPrice { id } newPrice { id }
      repricedBy { name } } } }
    userErrors { field message } } }"""
CALLS = """query C($c: UUID!) { execution(correlationId: $c) { status llmCalls(first: 100) { totalCount
  edges { node { id priced cost unpricedReason price { id } repricings { oldCost newCost reason } } } } } }"""
SUMMARY = """query S($g: CostGroupBy!, $from: DateTime, $to: DateTime) {
  costSummary(groupBy: $g, from: $from, to: $to) {
    total { calls pricedCalls pricedShare inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens
      cost }
    groups { key calls pricedCalls pricedShare cost inputTokens }
    unpriced { provider model calls reason } } }"""


async def start(client, key, **fields) -> dict:
    given = {"agentName": "fixer-bot", "taskPrompt": "Fix the failing test", "parameters": {}} | fields
    payload = (await client.execute(START, {"input": given}, key=key))["executionStart"]
    assert payload["userErrors"] == [], payload
    return payload["execution"]


def call(correlation_id: str, model: str, at: datetime, **fields) -> dict:
    return {"correlationId": correlation_id, "provider": "acme", "model": model, "inputTokens": 1000,
            "outputTokens": 500, "startedAt": at.isoformat(), "latencyMs": 120} | fields


async def record(client, key, calls: list[dict]) -> dict:
    return (await client.execute(RECORD, {"input": {"calls": calls}}, key=key))["llmCallsRecord"]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


async def test_fingerprint_finds_identical_requests_and_finish_is_once(client, agent_key):
    prompt = f"Fix   the flaky test {uuid.uuid4().hex}\r\n in tests/test_api.py  "
    first = await start(client, agent_key, taskPrompt=prompt, parameters={"temperature": 0.0, "model": "gpt-4o"})
    same = await start(client, agent_key, taskPrompt=" " + prompt.replace("\r\n", "\n").strip(),
                       parameters={"model": "gpt-4o", "temperature": 0})
    other = await start(client, agent_key, taskPrompt=prompt, parameters={"temperature": 0.5, "model": "gpt-4o"})
    assert first["fingerprint"] == same["fingerprint"] != other["fingerprint"]
    assert first["correlationId"] != same["correlationId"] and first["status"] == "RUNNING"
    found = (await client.execute("""query E($f: String!) { executions(filter: {fingerprint: $f}) {
        totalCount edges { node { correlationId } } } }""", {"f": first["fingerprint"]}, key=agent_key))["executions"]
    assert found["totalCount"] == 2
    assert {e["node"]["correlationId"] for e in found["edges"]} == {first["correlationId"], same["correlationId"]}
    done = (await client.execute(FINISH, {"input": {"correlationId": first["correlationId"], "status": "SUCCEEDED",
                                                    "summary": "green"}}, key=agent_key))["executionFinish"]
    assert done["execution"]["status"] == "SUCCEEDED" and done["execution"]["finishedAt"]
    retry = (await client.execute(FINISH, {"input": {"correlationId": first["correlationId"], "status": "SUCCEEDED",
                                                     "summary": "green"}}, key=agent_key))["executionFinish"]
    assert retry["userErrors"] == []
    flip = (await client.execute(FINISH, {"input": {"correlationId": first["correlationId"], "status": "FAILED"}},
                                 key=agent_key))["executionFinish"]
    assert flip["userErrors"][0]["code"] == "ALREADY_FINISHED"
    events = [e.payload for e in await OutboxEvent.filter(name="execution.execution.finished.v1")]
    assert [p["correlationId"] for p in events].count(first["correlationId"]) == 1


async def test_start_with_a_correlation_id_is_idempotent_and_validated(client, agent_key, admin_key):
    cid = str(uuid.uuid4())
    first = (await client.execute(START, {"input": {"correlationId": cid, "agentName": "a", "taskPrompt": "p"}},
                                  key=agent_key))["executionStart"]
    again = (await client.execute(START, {"input": {"correlationId": cid, "agentName": "a", "taskPrompt": "p"}},
                                  key=agent_key))["executionStart"]
    assert first["created"] is True and again["created"] is False
    assert again["execution"]["id"] == first["execution"]["id"]
    clash = (await client.execute(START, {"input": {"correlationId": cid, "agentName": "a", "taskPrompt": "other"}},
                                  key=agent_key))["executionStart"]
    assert clash["userErrors"][0] == {"field": "correlationId", "code": "DUPLICATE",
                                      "message": clash["userErrors"][0]["message"]}
    for given, field in [({"taskPrompt": "  "}, "taskPrompt"), ({"agentName": ""}, "agentName"),
                         ({"parameters": [1, 2]}, "parameters")]:
        payload = (await client.execute(START, {"input": {"agentName": "a", "taskPrompt": "p"} | given},
                                        key=agent_key))["executionStart"]
        assert payload["userErrors"][0]["field"] == field
    other_agent = (await client.execute(FINISH, {"input": {"correlationId": cid, "status": "FAILED"}},
                                        key=admin_key))["executionFinish"]
    assert other_agent["userErrors"] == []  # an ADMIN may finish any execution


async def test_executions_count_stf_usage(client, admin_key):
    from tests.debug_support import stf_input
    from tests.test_stf import REGISTER

    _, key = await contributor_key(client, admin_key)
    stf = (await client.execute(REGISTER, {"input": stf_input()}, key=key))["stfRegister"]["stf"]
    for _ in range(2):
        await start(client, key, stfId=stf["id"])
    usage = (await client.execute("query G($id: ID!) { stf(id: $id) { usageCount } }", {"id": stf["id"]}))["stf"]
    assert usage["usageCount"] == 2


async def test_calls_are_priced_from_the_price_in_force_at_their_start(client, agent_key, admin_key):
    model = unique_model()
    old = (await upsert(client, admin_key, model=model, input_price="3", output_price="15", at="2025-01-01T00:00:00Z",
                        cacheReadUsdPerMtok="0.3", reasoningUsdPerMtok="20"))["price"]
    new = (await upsert(client, admin_key, model=model, input_price="2", output_price="8",
                        at="2025-06-01T00:00:00Z"))["price"]
    execution = await start(client, agent_key)
    cid = execution["correlationId"]
    result = await record(client, agent_key, [
        call(cid, model, utc(2025, 3, 1), cacheReadTokens=2000, cacheWriteTokens=100, reasoningTokens=300),
        call(cid, f"acme/{model}", utc(2025, 6, 1)),              # alias, and the instant the new period starts
        call(cid, model, utc(2024, 12, 31, 23, 59)),               # before any price
        call(cid, "never-heard-of-it", utc(2025, 3, 1)),
    ])
    assert result["userErrors"] == [] and result["recorded"] == 4 and result["priced"] == 2
    priced_old, priced_new, too_early, unknown = result["calls"]
    # 1000 x 3 + 500 x 15 + 2000 x 0.3 + 100 x 3 (cache write falls back to input) + 300 x 20, per 1M tokens
    assert Decimal(priced_old["cost"]) == Decimal("0.0174") and priced_old["price"]["id"] == old["id"]
    assert Decimal(priced_new["cost"]) == Decimal("0.006") and priced_new["price"]["id"] == new["id"]
    assert too_early["priced"] is False and too_early["cost"] is None and too_early["price"] is None
    assert "in force at 2024-12-31T23:59:00+00:00" in too_early["unpricedReason"]
    assert unknown["priced"] is False and "not in the price catalog" in unknown["unpricedReason"]


async def test_a_batch_is_all_or_nothing_and_names_the_bad_row(client, agent_key):
    execution = await start(client, agent_key)
    cid = execution["correlationId"]
    cases = [
        ([call(cid, "m", utc(2025, 1, 1)), call(cid, "m", utc(2025, 1, 1), inputTokens=-5)], "calls[1].inputTokens"),
        ([call(cid, "m", utc(2025, 1, 1)), call(cid, "", utc(2025, 1, 1))], "calls[1].model"),
        ([call(cid, "m", utc(2025, 1, 1)), call(str(uuid.uuid4()), "m", utc(2025, 1, 1))], "calls[1].correlationId"),
        ([call(cid, "m", utc(2025, 1, 1), clientCallId="x"), call(cid, "m", utc(2025, 1, 1), clientCallId="x")],
         "calls[1].clientCallId"),
        ([call(cid, "m", utc(2025, 1, 1), latencyMs=-1)], "calls[0].latencyMs"),
        ([call(cid, "m", utc(2025, 1, 1))] * 1001, "calls"),
        ([], "calls"),
    ]
    for calls, field in cases:
        payload = await record(client, agent_key, calls)
        assert payload["calls"] == [] and payload["userErrors"][0]["field"] == field, (field, payload["userErrors"])
    stored = (await client.execute(CALLS, {"c": cid}, key=agent_key))["execution"]["llmCalls"]
    assert stored["totalCount"] == 0


async def test_calls_of_someone_elses_execution_are_refused(client, agent_key, admin_key):
    from models.auth import Role
    from tests.conftest import make_key

    other = await make_key(Role.AGENT)
    execution = await start(client, agent_key)
    refused = await record(client, other, [call(execution["correlationId"], "m", utc(2025, 1, 1))])
    assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    allowed = await record(client, admin_key, [call(execution["correlationId"], "m", utc(2025, 1, 1))])
    assert allowed["recorded"] == 1


async def test_a_retried_batch_with_client_call_ids_is_recorded_once(client, agent_key):
    execution = await start(client, agent_key)
    cid = execution["correlationId"]
    batch = [call(cid, "m", utc(2025, 1, 1), clientCallId=f"call-{i}") for i in range(3)]
    first = await record(client, agent_key, batch)
    retry = await record(client, agent_key, batch + [call(cid, "m", utc(2025, 1, 1), clientCallId="call-3")])
    assert first["recorded"] == 3 and retry["recorded"] == 1
    assert [c["id"] for c in retry["calls"][:3]] == [c["id"] for c in first["calls"]]
    changed = await record(client, agent_key, [call(cid, "m", utc(2025, 1, 1), clientCallId="call-0", inputTokens=7)])
    assert changed["userErrors"][0] == {"field": "calls[0].clientCallId", "code": "DUPLICATE",
                                        "message": changed["userErrors"][0]["message"]}
    stored = (await client.execute(CALLS, {"c": cid}, key=agent_key))["execution"]["llmCalls"]
    assert stored["totalCount"] == 4


async def test_reprice_prices_unpriced_calls_and_corrections_and_records_each_change(client, agent_key, admin_key):
    model = unique_model()
    execution = await start(client, agent_key)
    cid = execution["correlationId"]
    window = {"from": "2019-03-01T00:00:00Z", "to": "2019-04-01T00:00:00Z"}
    unpriced = await record(client, agent_key, [call(cid, model, utc(2019, 3, 10)), call(cid, model, utc(2019, 3, 20))])
    assert unpriced["priced"] == 0
    denied = (await client.post(REPRICE, {"input": window}, key=agent_key)).json()
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    first_price = (await upsert(client, admin_key, model=model, input_price="1", output_price="2",
                                at="2019-03-01T00:00:00Z"))["price"]
    run = (await client.execute(REPRICE, {"input": window}, key=admin_key))["llmCallsReprice"]
    assert (run["examined"], run["repriced"], run["stillUnpriced"], run["hasMore"]) == (2, 2, 0, False)
    changes = [e["node"] for e in run["repricings"]["edges"]]
    assert {(c["oldCost"], Decimal(c["newCost"]), c["reason"], c["oldPrice"]) for c in changes} == {
        (None, Decimal("0.002"), "was unpriced", None)}
    assert changes[0]["newPrice"]["id"] == first_price["id"] and changes[0]["repricedBy"]["name"]
    nothing = (await client.execute(REPRICE, {"input": window}, key=admin_key))["llmCallsReprice"]
    assert nothing["examined"] == 0 and nothing["repriced"] == 0

    # a correction of that period: both calls re-priced
    await upsert(client, admin_key, model=model, input_price="2", output_price="2", at="2019-03-01T00:00:00Z")
    run = (await client.execute(REPRICE, {"input": window}, key=admin_key))["llmCallsReprice"]
    assert run["repriced"] == 2
    assert {e["node"]["reason"] for e in run["repricings"]["edges"]} == {
        f"price {_pk(first_price['id'])} was corrected"
    }
    # a new period from 2019-03-15 splits the corrected one: only the later call moves
    await upsert(client, admin_key, model=model, input_price="4", output_price="4", at="2019-03-15T00:00:00Z")
    run = (await client.execute(REPRICE, {"input": window}, key=admin_key))["llmCallsReprice"]
    assert run["repriced"] == 1
    calls = (await client.execute(CALLS, {"c": cid}, key=agent_key))["execution"]["llmCalls"]["edges"]
    early, late = (c["node"] for c in calls)
    assert Decimal(early["cost"]) == Decimal("0.003") and Decimal(late["cost"]) == Decimal("0.006")
    assert [(r["oldCost"] and Decimal(r["oldCost"]), Decimal(r["newCost"])) for r in late["repricings"]] == [
        (None, Decimal("0.002")), (Decimal("0.002"), Decimal("0.003")), (Decimal("0.003"), Decimal("0.006"))]
    assert "no longer covers" in late["repricings"][2]["reason"] and len(early["repricings"]) == 2


def _pk(global_id: str) -> str:
    return base64.urlsafe_b64decode(global_id).decode().split(":")[1]


async def test_cost_totals_of_ten_thousand_calls_match_a_hand_computed_sum(client, agent_key, admin_key):
    rng = random.Random(3)
    prices = {}
    for _ in range(3):
        model = unique_model()
        rates = [Decimal(rng.randrange(1, 10**9)) / 10**6 for _ in range(3)]  # up to 6 places: 123.456789
        await upsert(client, admin_key, model=model, input_price=str(rates[0]), output_price=str(rates[1]),
                     cacheReadUsdPerMtok=str(rates[2]), at="2018-01-01T00:00:00Z")
        prices[model] = rates
    executions = [(await start(client, agent_key, agentName=f"agent-{i}"))["correlationId"] for i in range(2)]
    expected: dict[str, Decimal] = {m: Decimal(0) for m in prices}
    base = utc(2018, 5, 1)
    for batch in range(10):
        calls = []
        for i in range(1000):
            model = rng.choice(list(prices))
            tokens = [rng.randrange(0, 200_000) for _ in range(4)]
            rate = prices[model]
            # reasoning tokens fall back to the output price
            expected[model] += (tokens[0] * rate[0] + tokens[1] * rate[1] + tokens[2] * rate[2]
                                + tokens[3] * rate[1]) / 10**6
            calls.append(call(executions[i % 2], model, base + timedelta(minutes=batch * 1000 + i),
                              inputTokens=tokens[0], outputTokens=tokens[1], cacheReadTokens=tokens[2],
                              reasoningTokens=tokens[3]))
        assert (await record(client, agent_key, calls))["recorded"] == 1000
    window = {"from": "2018-05-01T00:00:00Z", "to": "2018-06-01T00:00:00Z"}
    by_model = (await client.execute(SUMMARY, {"g": "MODEL"} | window, key=agent_key))["costSummary"]
    total = sum(expected.values())
    assert by_model["total"]["calls"] == 10_000 and by_model["total"]["pricedShare"] == 1.0
    assert Decimal(by_model["total"]["cost"]) == total
    assert Decimal(by_model["total"]["cost"]).quantize(Decimal("0.01")) == total.quantize(Decimal("0.01"))
    assert {g["key"]: Decimal(g["cost"]) for g in by_model["groups"]} == {f"acme/{m}": v for m, v in expected.items()}
    by_agent = (await client.execute(SUMMARY, {"g": "AGENT"} | window, key=agent_key))["costSummary"]
    assert {g["key"] for g in by_agent["groups"]} == {"agent-0", "agent-1"}
    assert sum(Decimal(g["cost"]) for g in by_agent["groups"]) == total
    by_day = (await client.execute(SUMMARY, {"g": "DAY"} | window, key=agent_key))["costSummary"]
    assert sum(g["calls"] for g in by_day["groups"]) == 10_000 and by_day["groups"][0]["key"].startswith("2018-05-")
    by_run = (await client.execute(SUMMARY, {"g": "CORRELATION"} | window, key=agent_key))["costSummary"]
    assert {g["key"] for g in by_run["groups"]} == set(executions)


async def test_cost_summary_reports_the_share_priced_and_what_is_missing(client, agent_key, admin_key):
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="1", output_price="1", at="2017-01-01T00:00:00Z")
    cid = (await start(client, agent_key))["correlationId"]
    calls = [call(cid, model, utc(2017, 2, 1, 0, i)) for i in range(19)] + [call(cid, "mystery", utc(2017, 2, 2))]
    await record(client, agent_key, calls)
    summary = (await client.execute(SUMMARY, {"g": "MODEL", "from": "2017-02-01T00:00:00Z",
                                              "to": "2017-03-01T00:00:00Z"}, key=agent_key))["costSummary"]
    assert summary["total"]["calls"] == 20 and summary["total"]["pricedShare"] == 0.95
    assert summary["unpriced"] == [{"provider": "acme", "model": "mystery", "calls": 1,
                                    "reason": "model acme/mystery is not in the price catalog"}]
    anonymous = (await client.post(SUMMARY, {"g": "MODEL"})).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

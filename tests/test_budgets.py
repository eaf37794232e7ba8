"""Budgets through GraphQL: setting them, admission that holds under 200 concurrent reservations,
idempotent retries, expiry swept once by two replicas, settlement by the recorded call, calls without
a reservation counted as they arrive (BUDGET_EXCEEDED when asked), threshold alerts once over a
subscription, re-pricing that moves the spend, and the current period counting earlier calls."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models.auth import Role
from models.budgets import BudgetCharge, BudgetPeriod
from models.outbox import OutboxEvent
from tests.conftest import RUNNING, make_key, start_server, stop_server
from tests.debug_support import unique_model
from tests.support import GraphQLClient, GraphQLWebSocket
from tests.test_executions import call, start
from tests.test_pricing import upsert
from tests.test_pricing_tiers import DRY

SET = """mutation B($input: BudgetSetInput!) {
  budgetSet(input: $input) { created backfilledCalls
    budget { id scope { kind value } limitUsd period thresholds windowStart windowEnd
             status { spentUsd reservedUsd remainingUsd calls periodStart periodEnd open alertedThresholds } }
    userErrors { field message code } } }"""
RESERVE = """mutation R($input: BudgetReserveInput!) {
  budgetReserve(input: $input) { replayed reservation { id estimateUsd state expiresAt settledCostUsd }
    status { spentUsd reservedUsd remainingUsd }
    userErrors { field message code } } }"""
STATUS = """query S($scope: BudgetScopeInput!) { budgetStatus(scope: $scope) {
  budgetId limitUsd spentUsd reservedUsd remainingUsd calls unpricedCalls periodStart periodEnd open
  alertedThresholds } }"""
RECORD = """mutation C($input: LlmCallsRecordInput!) {
  llmCallsRecord(input: $input) { recorded calls { id cost billedCost }
    budgets { scope { kind value } addedUsd calls spentUsd reservedUsd exceeded alerts budget { id } }
    userErrors { field message code } } }"""
RESERVATION = """query N($id: ID!) { node(id: $id) { ... on BudgetReservation { state settledCostUsd estimateUsd
  budget { scope { value } } } } }"""
ALERTS = """subscription A($scope: BudgetScopeInput, $after: String) { budgetAlerts(scope: $scope, after: $after) {
  cursor threshold limitUsd spentUsd scope { kind value } periodStart periodEnd } }"""

FAR_TTL = 3600  # reservations of tests other than the sweep test never expire during the suite


def agent() -> str:
    return f"budget-agent-{uuid.uuid4().hex[:8]}"


def scope(value: str, kind: str = "AGENT") -> dict:
    return {"kind": kind, "value": value}


async def set_budget(client, admin_key, value: str, limit: str, **extra) -> dict:
    given = {"scope": extra.pop("scope", scope(value)), "limitUsd": limit, "period": "DAY"} | extra
    payload = (await client.execute(SET, {"input": given}, key=admin_key))["budgetSet"]
    assert payload["userErrors"] == [], payload
    return payload


async def reserve(client, key: str, value: str, estimate: str, idempotency_key: str | None = None,
                  ttl: int = FAR_TTL, kind: str = "AGENT") -> dict:
    return (await client.execute(RESERVE, {"input": {
        "scope": scope(value, kind), "estimateUsd": estimate, "idempotencyKey": idempotency_key or uuid.uuid4().hex,
        "ttlSeconds": ttl}}, key=key))["budgetReserve"]


async def status(client, key: str, value: str, kind: str = "AGENT") -> dict:
    return (await client.execute(STATUS, {"scope": scope(value, kind)}, key=key))["budgetStatus"]


async def priced_model(client, admin_key) -> str:
    """A model whose default call (1000 input, 500 output tokens) costs exactly 0.1 USD."""
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="50", output_price="100", at="2020-01-01T00:00:00Z")
    return model


def now_call(cid: str, model: str, **fields) -> dict:
    return call(cid, model, datetime.now(timezone.utc), **fields)


async def test_budget_set_validates_and_only_an_admin_sets(client, admin_key, agent_key):
    name = agent()
    created = await set_budget(client, admin_key, name, "25.5")
    budget = created["budget"]
    assert created["created"] is True and budget["thresholds"] == [50, 80, 100] and budget["period"] == "DAY"
    assert budget["status"]["remainingUsd"] == "25.500000000000000" and budget["status"]["open"] is True
    changed = await set_budget(client, admin_key, name, "30", period="MONTH", thresholds=[90, 10])
    assert changed["created"] is False and changed["budget"]["id"] == budget["id"]
    assert changed["budget"]["thresholds"] == [10, 90] and changed["budget"]["status"]["periodStart"].endswith(
        "-01T00:00:00+00:00")
    cases = [
        ({"limitUsd": "0"}, "limitUsd", "INVALID"),
        ({"limitUsd": "1.0000000000000001"}, "limitUsd", "INVALID"),
        ({"period": "FIXED"}, "windowStart", "INVALID"),
        ({"windowStart": "2031-01-01T00:00:00Z"}, "windowStart", "INVALID"),
        ({"period": "FIXED", "windowStart": "2031-02-01T00:00:00Z", "windowEnd": "2031-01-01T00:00:00Z"},
         "windowEnd", "INVALID"),
        ({"thresholds": [50, 50]}, "thresholds", "DUPLICATE"),
        ({"thresholds": [0]}, "thresholds", "INVALID"),
        ({"scope": scope("not-a-uuid", "CORRELATION")}, "scope.value", "INVALID"),
        ({"scope": scope("nobody-" + uuid.uuid4().hex[:6], "CONTRIBUTOR")}, "scope.value", "NOT_FOUND"),
        ({"scope": scope("omk_nothing", "API_KEY")}, "scope.value", "NOT_FOUND"),
    ]
    for extra, field, code in cases:
        given = {"scope": scope(agent()), "limitUsd": "1", "period": "DAY"} | extra
        errors = (await client.execute(SET, {"input": given}, key=admin_key))["budgetSet"]["userErrors"]
        assert [(e["field"], e["code"]) for e in errors] == [(field, code)], (extra, errors)
    denied = (await client.post(SET, {"input": {"scope": scope(name), "limitUsd": "1", "period": "DAY"}},
                                key=agent_key)).json()
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await status(client, agent_key, agent()) is None
    listed = (await client.execute("""query { budgets(scopeKind: AGENT, first: 100) { totalCount
        edges { node { scope { value } status { limitUsd } } } } }""", key=agent_key))["budgets"]
    assert name in {e["node"]["scope"]["value"] for e in listed["edges"]}


async def test_200_concurrent_reservations_never_admit_more_than_the_limit(client, admin_key, agent_key):
    name = agent()
    await set_budget(client, admin_key, name, "10")
    clients = [GraphQLClient(client.base_url) for _ in range(8)]
    try:
        results = await asyncio.gather(*(reserve(clients[i % 8], agent_key, name, "0.07") for i in range(200)))
    finally:
        for c in clients:
            await c.aclose()
    admitted = [r for r in results if r["reservation"]]
    refused = [r for r in results if not r["reservation"]]
    assert len(admitted) == 142  # floor(10 / 0.07): every one that fits, and not one more
    assert {e["code"] for r in refused for e in r["userErrors"]} == {"BUDGET_EXCEEDED"}
    assert all(r["userErrors"][0]["field"] == "estimateUsd" for r in refused)
    now = await status(client, agent_key, name)
    assert Decimal(now["reservedUsd"]) == Decimal("9.94") and Decimal(now["remainingUsd"]) == Decimal("0.06")
    assert Decimal(now["spentUsd"]) == 0
    small = await reserve(client, agent_key, name, "0.06")
    assert small["reservation"] is not None and Decimal(small["status"]["remainingUsd"]) == 0
    assert (await reserve(client, agent_key, name, "0.000000000000001"))["userErrors"][0]["code"] == "BUDGET_EXCEEDED"


async def test_retried_reservations_count_once(client, admin_key, agent_key):
    name = agent()
    await set_budget(client, admin_key, name, "100")
    keys = [f"retry-{uuid.uuid4().hex}" for _ in range(50)]
    results = await asyncio.gather(*(reserve(client, agent_key, name, "1", keys[i % 50]) for i in range(200)))
    by_key: dict[str, set[str]] = {}
    for i, result in enumerate(results):
        assert result["userErrors"] == [] and result["reservation"]["state"] == "PENDING"
        by_key.setdefault(keys[i % 50], set()).add(result["reservation"]["id"])
    assert all(len(ids) == 1 for ids in by_key.values())
    assert sum(not r["replayed"] for r in results) == 50
    assert Decimal((await status(client, agent_key, name))["reservedUsd"]) == 50
    conflict = await reserve(client, agent_key, name, "2", keys[0])
    assert conflict["userErrors"][0]["code"] == "IDEMPOTENCY_CONFLICT"
    for bad, field in (({"estimateUsd": "-1"}, "estimateUsd"), ({"estimateUsd": "NaN"}, "estimateUsd"),
                       ({"ttlSeconds": 0}, "ttlSeconds"), ({"idempotencyKey": ""}, "idempotencyKey")):
        given = {"scope": scope(name), "estimateUsd": "1", "idempotencyKey": uuid.uuid4().hex} | bad
        response = (await client.post(RESERVE, {"input": given}, key=agent_key)).json()
        errors = response.get("errors") or response["data"]["budgetReserve"]["userErrors"]
        assert field in str(errors), (bad, errors)
    missing = await reserve(client, agent_key, agent(), "1")
    assert missing["userErrors"][0]["code"] == "NOT_FOUND"


async def test_expired_reservations_are_freed_once_by_two_replicas(db_url, client, admin_key, agent_key):
    name = agent()
    await set_budget(client, admin_key, name, "1000")
    replicas = [await start_server(db_url, budget_sweep_seconds=0.05) for _ in range(2)]
    try:
        sweepers = [s.app.state.runtime.jobs.jobs["budget reservations"] for s in RUNNING]
        before = sum(job.handled for job in sweepers)
        held = await asyncio.gather(*(reserve(client, agent_key, name, "2.5", ttl=2) for _ in range(120)))
        assert all(r["reservation"] for r in held)
        assert 0 < Decimal((await status(client, agent_key, name))["reservedUsd"]) <= 300
        for _ in range(100):
            await asyncio.sleep(0.1)
            if Decimal((await status(client, agent_key, name))["reservedUsd"]) == 0 and \
                    sum(job.handled for job in sweepers) - before >= 120:
                break
        now = await status(client, agent_key, name)
        assert Decimal(now["reservedUsd"]) == 0 and Decimal(now["spentUsd"]) == 0
        assert sum(job.handled for job in sweepers) - before == 120  # each released by exactly one replica
        states = [(await client.execute(RESERVATION, {"id": r["reservation"]["id"]}, key=agent_key))["node"]["state"]
                  for r in held[:5]]
        assert states == ["EXPIRED"] * 5
    finally:
        for replica in replicas:
            await stop_server(replica)


async def test_a_recorded_call_settles_its_reservation_with_its_cost(client, admin_key):
    _, key = await _contributor(client, admin_key)
    name = agent()
    model = await priced_model(client, admin_key)
    await set_budget(client, admin_key, name, "1")
    held = await reserve(client, key, name, "0.5")
    rid = held["reservation"]["id"]
    cid = (await start(client, key, agentName=name))["correlationId"]
    recorded = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model, budgetReservationId=rid)]}},
                                     key=key))["llmCallsRecord"]
    assert recorded["userErrors"] == [] and recorded["recorded"] == 1
    [spend] = recorded["budgets"]
    assert (Decimal(spend["addedUsd"]), Decimal(spend["spentUsd"]), Decimal(spend["reservedUsd"])) == (
        Decimal("0.1"), Decimal("0.1"), 0)
    assert spend["exceeded"] is False
    settled = (await client.execute(RESERVATION, {"id": rid}, key=key))["node"]
    assert settled["state"] == "SETTLED" and Decimal(settled["settledCostUsd"]) == Decimal("0.1")
    again = await reserve(client, key, name, "0.9")
    assert again["reservation"] is not None  # 0.1 spent + 0.9 = the limit exactly
    # a call naming a reservation already settled is counted as a call without one
    late = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model, budgetReservationId=rid)],
                                                   "enforceBudgets": True}}, key=key))["llmCallsRecord"]
    assert late["recorded"] == 1 and [e["code"] for e in late["userErrors"]] == ["BUDGET_EXCEEDED"]
    now = await status(client, key, name)
    assert (Decimal(now["spentUsd"]), Decimal(now["reservedUsd"]), now["calls"]) == (Decimal("0.2"), Decimal("0.9"), 2)
    _, stranger = await _contributor(client, admin_key)
    refused = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model, budgetReservationId=rid)]}},
                                    key=stranger))["llmCallsRecord"]
    assert refused["userErrors"][0]["field"] in {"calls[0].correlationId", "calls[0].budgetReservationId"}
    retried = now_call(cid, model, clientCallId="once")
    await client.execute(RECORD, {"input": {"calls": [retried]}}, key=key)
    batch = [retried, now_call(cid, model, budgetReservationId="nope")]
    bogus = (await client.execute(RECORD, {"input": {"calls": batch}}, key=key))["llmCallsRecord"]
    assert bogus["userErrors"][0] == {"field": "calls[1].budgetReservationId", "code": "NOT_FOUND",
                                      "message": bogus["userErrors"][0]["message"]}


async def test_calls_without_reservation_count_as_they_arrive_and_enforcement_says_budget_exceeded(
        client, admin_key):
    _, key = await _contributor(client, admin_key)
    name = agent()
    model = await priced_model(client, admin_key)
    await set_budget(client, admin_key, name, "0.25")
    cid = (await start(client, key, agentName=name))["correlationId"]
    first = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model)] * 2, "enforceBudgets": True}},
                                  key=key))["llmCallsRecord"]
    assert first["userErrors"] == [] and first["budgets"][0]["exceeded"] is False
    over = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model)], "enforceBudgets": True}},
                                 key=key))["llmCallsRecord"]
    assert over["recorded"] == 1 and len(over["calls"]) == 1  # recorded all the same: the call happened
    assert over["userErrors"][0]["code"] == "BUDGET_EXCEEDED" and name in over["userErrors"][0]["message"]
    quiet = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model)]}}, key=key))["llmCallsRecord"]
    assert quiet["userErrors"] == [] and quiet["budgets"][0]["exceeded"] is True
    now = await status(client, key, name)
    assert Decimal(now["spentUsd"]) == Decimal("0.4") and Decimal(now["remainingUsd"]) == Decimal("-0.15")
    assert (await reserve(client, key, name, "0.01"))["userErrors"][0]["code"] == "BUDGET_EXCEEDED"
    # every scope the call falls in counts it: its correlation id, the key, the contributor
    handle = (await client.execute("{ viewer { contributor { handle } } }", key=key))["viewer"]["contributor"]["handle"]
    prefix = key[:12]
    for kind, value in (("CORRELATION", cid), ("API_KEY", prefix), ("CONTRIBUTOR", handle)):
        await set_budget(client, admin_key, value, "5", scope=scope(value, kind))
    both = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model)]}}, key=key))["llmCallsRecord"]
    assert {s["scope"]["kind"] for s in both["budgets"]} == {"AGENT", "CORRELATION", "API_KEY", "CONTRIBUTOR"}
    for kind, value in (("CORRELATION", cid), ("API_KEY", prefix), ("CONTRIBUTOR", handle)):
        counted = await status(client, key, value, kind)
        assert counted["calls"] == 5 and Decimal(counted["spentUsd"]) == Decimal("0.5"), (kind, counted)


async def test_a_threshold_alert_arrives_once_when_concurrent_calls_cross_it(server, client, admin_key):
    _, key = await _contributor(client, admin_key)
    name = agent()
    model = await priced_model(client, admin_key)
    await set_budget(client, admin_key, name, "1", thresholds=[50, 80, 100])
    executions = [(await start(client, key, agentName=name))["correlationId"] for _ in range(4)]
    async with GraphQLWebSocket.connect(server.url, key) as ws:
        await ws.subscribe(ALERTS, {"scope": scope(name), "after": await client.events_cursor(key)})
        clients = [GraphQLClient(client.base_url) for _ in range(4)]
        try:
            results = await asyncio.gather(*(clients[i % 4].execute(RECORD, {"input": {"calls": [
                now_call(executions[i % 4], model)]}}, key=key) for i in range(24)))
        finally:
            for c in clients:
                await c.aclose()
        assert all(r["llmCallsRecord"]["recorded"] == 1 for r in results)
        alerts = [(await ws.next_data())["budgetAlerts"] for _ in range(3)]
        assert [a["threshold"] for a in alerts] == [50, 80, 100]
        assert [Decimal(a["spentUsd"]) for a in alerts] == [Decimal("0.5"), Decimal("0.8"), Decimal("1.0")]
        assert all(a["scope"] == scope(name) for a in alerts)
        assert await ws.nothing_within(1.0)
    crossed = [r["llmCallsRecord"]["budgets"][0]["alerts"] for r in results]
    assert sorted(t for ts in crossed for t in ts) == [50, 80, 100]
    events = [e for e in await OutboxEvent.filter(name="budget.threshold.crossed.v1")
              if e.payload["scopeValue"] == name]
    assert sorted(e.payload["threshold"] for e in events) == [50, 80, 100]
    now = await status(client, key, name)
    assert Decimal(now["spentUsd"]) == Decimal("2.4") and now["alertedThresholds"] == [50, 80, 100]
    # replay from a cursor: the alerts after the first one, then live
    async with GraphQLWebSocket.connect(server.url, key) as ws:
        await ws.subscribe("""subscription A($scope: BudgetScopeInput, $after: String) {
            budgetAlerts(scope: $scope, after: $after) { threshold } }""",
                           {"scope": scope(name), "after": alerts[0]["cursor"]})
        assert [(await ws.next_data())["budgetAlerts"]["threshold"] for _ in range(2)] == [80, 100]


async def test_budget_set_counts_the_period_calls_recorded_before_it(client, admin_key):
    _, key = await _contributor(client, admin_key)
    name = agent()
    model = await priced_model(client, admin_key)
    cid = (await start(client, key, agentName=name))["correlationId"]
    await client.execute(RECORD, {"input": {"calls": [now_call(cid, model)] * 3}}, key=key)
    created = await set_budget(client, admin_key, name, "0.5", thresholds=[50])
    assert created["backfilledCalls"] == 3
    assert Decimal(created["budget"]["status"]["spentUsd"]) == Decimal("0.3")
    assert created["budget"]["status"]["alertedThresholds"] == [50]
    again = await set_budget(client, admin_key, name, "0.5", thresholds=[50])
    assert again["backfilledCalls"] == 0 and Decimal(again["budget"]["status"]["spentUsd"]) == Decimal("0.3")
    events = [e for e in await OutboxEvent.filter(name="budget.threshold.crossed.v1")
              if e.payload["scopeValue"] == name]
    assert len(events) == 1


async def test_re_pricing_moves_the_spend_of_the_budgets_that_counted_the_calls(client, admin_key):
    _, key = await _contributor(client, admin_key)
    name = agent()
    model = unique_model()
    await upsert(client, admin_key, model=model, input_price="50", output_price="100", at="2020-01-01T00:00:00Z")
    await set_budget(client, admin_key, name, "1", thresholds=[60])
    cid = (await start(client, key, agentName=name))["correlationId"]
    began = datetime.now(timezone.utc) - timedelta(seconds=1)
    recorded = (await client.execute(RECORD, {"input": {"calls": [now_call(cid, model)] * 4}}, key=key))
    assert Decimal(recorded["llmCallsRecord"]["budgets"][0]["spentUsd"]) == Decimal("0.4")
    await upsert(client, admin_key, model=model, input_price="100", output_price="200", at="2020-01-01T00:00:00Z")
    window = {"asOf": began.isoformat(), "to": (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat()}
    dry = (await client.execute(DRY, {"input": window | {"dryRun": True}}, key=admin_key))["llmCallsReprice"]
    assert dry["budgetPeriods"] >= 1
    assert Decimal((await status(client, key, name))["spentUsd"]) == Decimal("0.4")
    real = (await client.execute(DRY, {"input": window}, key=admin_key))["llmCallsReprice"]
    assert real["budgetPeriods"] == dry["budgetPeriods"] and real["repriced"] == dry["repriced"]
    now = await status(client, key, name)
    assert Decimal(now["spentUsd"]) == Decimal("0.8") and now["alertedThresholds"] == [60]
    period = await BudgetPeriod.get(budget__scope_value=name)
    charges = await BudgetCharge.filter(period_id=period.id)
    assert sum(c.amount for c in charges) == period.spent == Decimal("0.8")


async def _contributor(client, admin_key) -> tuple[str, str]:
    from tests.debug_support import contributor_key

    return await contributor_key(client, admin_key)


async def test_non_admins_reserve_only_on_scopes_of_their_own(client, admin_key):
    _, key = await _contributor(client, admin_key)
    other = await make_key(Role.AGENT)
    cid = (await start(client, key))["correlationId"]
    await set_budget(client, admin_key, cid, "5", scope=scope(cid, "CORRELATION"))
    assert (await reserve(client, key, cid, "1", kind="CORRELATION"))["reservation"] is not None
    refused = await reserve(client, other, cid, "1", kind="CORRELATION")
    assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    assert (await reserve(client, admin_key, cid, "1", kind="CORRELATION"))["reservation"] is not None


async def test_a_fixed_window_admits_only_while_it_is_open(client, admin_key, agent_key):
    name = agent()
    past = await set_budget(client, admin_key, name, "5", period="FIXED", windowStart="2020-01-01T00:00:00Z",
                            windowEnd="2020-02-01T00:00:00Z")
    assert past["budget"]["status"]["open"] is False
    assert past["budget"]["status"]["periodStart"].startswith("2020-01-01")
    closed = await reserve(client, agent_key, name, "1")
    assert closed["userErrors"][0]["code"] == "BUDGET_WINDOW_CLOSED"
    start = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    end = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    await set_budget(client, admin_key, name, "5", period="FIXED", windowStart=start, windowEnd=end)
    opened = await reserve(client, agent_key, name, "1")
    assert opened["reservation"] is not None and Decimal(opened["status"]["remainingUsd"]) == 4


async def test_nul_in_a_scope_or_key_is_refused_at_the_boundary_naming_the_field(client, admin_key, agent_key):
    name = agent()
    await set_budget(client, admin_key, name, "1")

    async def refusal(query: str, variables: dict, key: str) -> dict:
        body = (await client.post(query, variables, key=key)).json()
        [error] = body["errors"]
        return error

    for kind in ("API_KEY", "CONTRIBUTOR", "AGENT"):
        given = {"scope": scope("a\u0000b", kind), "limitUsd": "1", "period": "DAY"}
        error = await refusal(SET, {"input": given}, admin_key)
        assert error["extensions"] == {"code": "INVALID", "field": "input.scope.value"}, error
        error = await refusal(STATUS, {"scope": scope("a\u0000b", kind)}, agent_key)
        assert error["extensions"]["field"] == "scope.value", error
    error = await refusal(RESERVE, {"input": {"scope": scope(name, "AGENT"), "estimateUsd": "0.1",
                                              "idempotencyKey": "key\u0000", "ttlSeconds": FAR_TTL}}, agent_key)
    assert error["extensions"]["field"] == "input.idempotencyKey", error

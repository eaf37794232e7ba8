"""The aggregates the dashboard reads, through GraphQL: costSeries, topEarners, transfers, ledgerEvents and
clarificationUpdates over everything, errorSignatureStats, marketTopPeers."""

from __future__ import annotations

import asyncio
import random
import uuid
from datetime import timedelta
from decimal import Decimal

from models.auth import Role
from tests.conftest import make_key
from tests.debug_support import contributor_key, unique_model
from tests.economy_support import register, register_funded, sql, transfer
from tests.support import GraphQLWebSocket
from tests.test_clarification import REQUEST, make_agents, tag, vote
from tests.test_context_market import retrieve, share, sized
from tests.test_debug import apply, error, register_stf, success
from tests.test_executions import call, record, start, utc
from tests.test_pricing import upsert

SERIES = """query S($g: CostSeriesBy!, $from: DateTime!, $to: DateTime, $b: TimeBucket!, $top: Int!) {
  costSeries(groupBy: $g, from: $from, to: $to, bucket: $b, top: $top) {
    bucket from to starts lines { key total calls cost } } }"""


def _window():
    """Three hours of their own, far in the past, so other tests' calls never fall in them; within one
    UTC day, so a daily series holds one bucket."""
    base = utc(1990, 1, 1) + timedelta(days=random.randrange(0, 3000), hours=random.randrange(0, 21))
    return base, base + timedelta(hours=3)


async def _series(client, key, **variables):
    body = (await client.post(SERIES, {"b": "HOUR", "top": 6} | variables, key=key)).json()
    return body.get("data", {}) and body["data"]["costSeries"] if "errors" not in body else body["errors"]


async def test_cost_series_stacks_models_per_hour_and_folds_the_rest_into_other(client, agent_key, admin_key):
    start_at, end_at = _window()
    cheap, dear, unknown = unique_model(), unique_model(), unique_model()
    await upsert(client, admin_key, model=cheap, input_price="1", output_price="1", at="1980-01-01T00:00:00Z")
    await upsert(client, admin_key, model=dear, input_price="10", output_price="10", at="1980-01-01T00:00:00Z")
    cid = (await start(client, agent_key))["correlationId"]
    h0, h1, h2 = (start_at + timedelta(hours=i, minutes=5) for i in range(3))
    payload = await record(client, agent_key, [call(cid, cheap, h0), call(cid, cheap, h0), call(cid, cheap, h2),
                                               call(cid, dear, h1), call(cid, unknown, h2)])
    assert payload["userErrors"] == [] and payload["recorded"] == 5
    window = {"from": start_at.isoformat(), "to": end_at.isoformat()}

    series = await _series(client, agent_key, g="MODEL", **window)
    assert series["bucket"] == "HOUR" and len(series["starts"]) == 3
    assert series["starts"][0].startswith(start_at.strftime("%Y-%m-%dT%H:00:00"))
    lines = {line["key"]: line for line in series["lines"]}
    # 1,000 input + 500 output tokens: $0.0015 at $1/Mtok, $0.015 at $10/Mtok
    assert [line["key"] for line in series["lines"]] == [f"acme/{dear}", f"acme/{cheap}", f"acme/{unknown}"]
    assert lines[f"acme/{cheap}"]["calls"] == [2, 0, 1]
    assert [Decimal(c) for c in lines[f"acme/{cheap}"]["cost"]] == [Decimal("0.003"), 0, Decimal("0.0015")]
    assert Decimal(lines[f"acme/{dear}"]["total"]) == Decimal("0.015")
    assert lines[f"acme/{unknown}"]["calls"] == [0, 0, 1] and Decimal(lines[f"acme/{unknown}"]["total"]) == 0

    folded = await _series(client, agent_key, g="MODEL", top=1, **window)
    assert [line["key"] for line in folded["lines"]] == [f"acme/{dear}", "other"]
    assert folded["lines"][1]["calls"] == [2, 0, 2] and Decimal(folded["lines"][1]["total"]) == Decimal("0.0045")

    daily = await _series(client, agent_key, g="AGENT", b="DAY", **window)
    assert [(line["key"], line["calls"]) for line in daily["lines"]] == [("fixer-bot", [5])]


async def test_cost_series_bad_input_names_the_field(client, agent_key):
    start_at, end_at = _window()
    cases = [({"from": end_at.isoformat(), "to": start_at.isoformat()}, "to: must be after from"),
             ({"from": start_at.isoformat(), "to": end_at.isoformat(), "top": 0}, "top: must be between 1 and 20"),
             ({"from": "2000-01-01T00:00:00Z", "to": "2001-01-01T00:00:00Z"}, "to: the window holds 8784 hours")]
    for variables, message in cases:
        errors = await _series(client, agent_key, g="MODEL", **variables)
        assert message in errors[0]["message"] and errors[0]["extensions"]["code"] == "INVALID"
    anonymous = (await client.post(SERIES, {"g": "MODEL", "from": "2000-01-01T00:00:00Z", "b": "DAY", "top": 3})).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_top_earners_are_the_accounts_that_earned_most(client, admin_key):
    body = (await client.execute("{ topEarners(first: 100) { handle earned } }"))["topEarners"]
    earned = [int(c["earned"]) for c in body]
    assert earned == sorted(earned, reverse=True) and all(e > 0 for e in earned)
    [expected] = await sql('SELECT count(*) AS n, coalesce(max("earned"), 0) AS top FROM "ledger_accounts" '
                           'WHERE "kind" = \'USER\' AND "earned" > 0')
    assert len(body) == min(100, expected["n"]) and (not body or earned[0] == expected["top"])
    bad = (await client.post("{ topEarners(first: 0) { handle } }")).json()
    assert "first: must be between 1 and 100" in bad["errors"][0]["message"]


async def test_transfers_and_every_account_events_are_for_reviewers(client, server, admin_key, agent_key):
    reviewer = await make_key(Role.REVIEWER)
    sender = await register_funded(client, admin_key, 50)
    receiver = await register(client, admin_key)
    async with GraphQLWebSocket.connect(server.url, reviewer) as ws:
        await ws.subscribe("subscription { ledgerEvents { name payload } }")
        await asyncio.sleep(0.2)
        posted = await transfer(client, sender, receiver.handle, 7, memo="dashboard")
        assert posted["userErrors"] == []
        while True:
            event = (await ws.next_data())["ledgerEvents"]
            payload = event["payload"]
            if event["name"] == "ledger.transfer.posted.v1" and payload["debitAccount"] == sender.handle:
                break  # the first event of a transfer between two others: the starter grants came earlier
        assert (payload["amount"], payload["creditAccount"], payload["kind"]) == (7, receiver.handle, "TRANSFER")
    page = (await client.execute("""{ transfers(first: 5, kinds: [TRANSFER]) {
        edges { node { kind amount memo debitAccount creditAccount } } } }""", key=reviewer))["transfers"]
    assert page["edges"][0]["node"] == {"kind": "TRANSFER", "amount": 7, "memo": "dashboard",
                                        "debitAccount": sender.handle, "creditAccount": receiver.handle}
    assert all(e["node"]["kind"] == "TRANSFER" for e in page["edges"])
    denied = (await client.post("{ transfers(first: 1) { totalCount } }", key=agent_key)).json()
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with GraphQLWebSocket.connect(server.url, agent_key) as ws:
        await ws.subscribe("subscription { ledgerEvents { name } }")
        message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert "REVIEWER or ADMIN" in errors[0]["message"]


async def test_clarification_updates_without_a_filter_follow_every_ticket(client, server, agent_key):
    topic = tag()
    agents = await make_agents(3, [topic])
    async with GraphQLWebSocket.connect(server.url, agent_key) as ws:
        await ws.subscribe("""subscription { clarificationUpdates { __typename
            ... on ClarificationUpdateFields { ticketId correlationId }
            ... on VoteCast { progress { votesCast decision } } } }""")
        await asyncio.sleep(0.2)
        correlation = f"task-{uuid.uuid4().hex[:10]}"
        ticket = (await client.execute(REQUEST, {"input": {
            "correlationId": correlation, "prompt": "Connect to Postgres and copy the orders table.",
            "domainTags": [topic], "panelSize": 3}}, key=agent_key))["clarificationRequest"]["ticket"]
        await vote(client, agents[0], ticket["id"], "AGREE")
        seen = []
        while len(seen) < 2:
            update = (await ws.next_data())["clarificationUpdates"]
            if update["correlationId"] == correlation:
                seen.append(update)
    assert [u["__typename"] for u in seen] == ["TicketCreated", "VoteCast"]
    assert seen[0]["ticketId"] == ticket["id"] and seen[1]["progress"] == {"votesCast": 1, "decision": "PENDING"}


async def test_error_signature_stats_count_occurrences_and_name_the_best_fix(client, agent_key, admin_key):
    kind = f"DashTimeout{uuid.uuid4().hex[:8]}"
    [current] = await sql('SELECT coalesce(max(n), 0) AS top FROM (SELECT count(*) AS n FROM "error_events" '
                          'GROUP BY "signature_id") s')
    author = (await contributor_key(client, admin_key))[1]
    stf = await register_stf(client, author, name="Raise the pool size")
    runs = [(await start(client, agent_key))["correlationId"] for _ in range(2)]
    occurrences = max(current["top"] + 1, 3)  # the most frequent signature, whatever else the database holds
    first_error = await error(client, agent_key, runs[0], 1, kind, "pool 1 exhausted after 30s")
    await apply(client, agent_key, first_error["errorEvent"]["id"], stf["id"])
    await success(client, agent_key, runs[0], 1)
    await asyncio.gather(*(error(client, agent_key, runs[1], 2 + i, kind, f"pool {i} exhausted after {i}s")
                           for i in range(occurrences - 1)))
    stats = (await client.execute("""{ errorSignatureStats(first: 5) { occurrences executions lastSeenAt
        signature { errorType pattern } bestFix { attempts successes confidence stf { id } } } }""",
                                  key=agent_key))["errorSignatureStats"]
    top = stats[0]
    assert top["signature"]["errorType"] == kind and top["occurrences"] == occurrences and top["executions"] == 2
    best = top["bestFix"]
    assert best["stf"]["id"] == stf["id"] and (best["attempts"], best["successes"]) == (1, 1)
    assert 0 < best["confidence"] < 1
    counts = [s["occurrences"] for s in stats]
    assert counts == sorted(counts, reverse=True)
    anonymous = (await client.post("{ errorSignatureStats { occurrences } }")).json()
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_market_top_peers_sum_what_each_peer_served(client, admin_key):
    topic = f"dash-{uuid.uuid4().hex[:8]}"
    peer = await register(client, admin_key)
    requester = await register_funded(client, admin_key, 10_000)
    await share(client, peer, [sized(3000, "alpha"), sized(1500, "beta")], [topic])
    got = await retrieve(client, requester, [topic], budget=8192)
    assert got["userErrors"] == [], got
    retrieval = got["retrieval"]
    served = [c for c in retrieval["chunks"] if c["peer"] == peer.handle]
    since = (utc(2000, 1, 1)).isoformat()
    peers = (await client.execute("""query P($from: DateTime!) { marketTopPeers(from: $from, first: 100) {
        peer { handle } bytesServed chunksServed retrievals tokensEarned } }""", {"from": since}))["marketTopPeers"]
    mine = next(p for p in peers if p["peer"]["handle"] == peer.handle)
    assert mine["bytesServed"] == sum(c["bytes"] for c in served) == 4500
    assert mine["chunksServed"] == 2 and mine["retrievals"] == 1
    assert int(mine["tokensEarned"]) == sum(int(c["tokens"]) for c in served)
    served_bytes = [p["bytesServed"] for p in peers]
    assert served_bytes == sorted(served_bytes, reverse=True)
    bad = (await client.post('{ marketTopPeers(from: "2030-01-01T00:00:00Z", to: "2029-01-01T00:00:00Z") '
                             '{ bytesServed } }')).json()
    assert "to: must be after from" in bad["errors"][0]["message"]

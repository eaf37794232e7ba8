"""Crash safety: `omniclaude serve` is killed with SIGKILL in the middle of concurrent transfers, votes
and LLM-call batches, then started again on the same data. Every change the server acknowledged is
there, none is half written, the ledger sums to 0, and the outbox events the relay had not published
yet are delivered after the restart. The test holds the relay's lock during the load, so there are
unpublished events when the process dies."""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import asyncpg
import httpx
import redis

from resolvers.relay import global_pk
from subscriptions.relay import RELAY_LOCK_KEY
from tests.server_process import ServerProcess, connect, create_database, drop_database

AGENTS = 6
TICKETS = 4
BATCH = 10
TASK = "Connect to Postgres and copy the orders table."  # ambiguous: host, port, credentials


@dataclass
class Acknowledged:
    """What the server said it did, written by the load threads."""

    transfers: list[str] = field(default_factory=list)  # idempotency keys
    votes: list[tuple[str, str]] = field(default_factory=list)  # (agent handle, ticket id)
    batches: list[str] = field(default_factory=list)  # client call id prefix of each batch
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, value: object) -> None:
        with self.lock:
            getattr(self, kind).append(value)


@dataclass
class Agent:
    handle: str
    key: str
    correlation_id: str = ""


def _gql(url: str, key: str, query: str, variables: dict | None = None) -> dict:
    response = httpx.post(f"{url}/graphql", json={"query": query, "variables": variables or {}},
                          headers={"Authorization": f"Bearer {key}"}, timeout=30)
    body = response.json()
    assert response.status_code == 200 and not body.get("errors"), body
    payload = next(iter(body["data"].values()))
    assert not (isinstance(payload, dict) and payload.get("userErrors")), payload
    return body["data"]


def _set_up(url: str, admin: str, expertise: str) -> tuple[list[Agent], list[dict]]:
    _gql(url, admin, 'mutation { rewardPolicyUpdate(input: {reason: "crash test funds", starterGrant: 1000000}) '
                     "{ userErrors { message } } }")
    agents = []
    for _ in range(AGENTS):
        made = _gql(url, admin, "mutation R($input: ContributorRegisterInput!) { contributorRegister(input: $input) "
                                "{ apiKey contributor { handle } userErrors { message } } }",
                    {"input": {"handle": f"crash-{uuid.uuid4().hex[:8]}", "kind": "AGENT", "expertise": [expertise],
                               "issueKey": True}})["contributorRegister"]
        agent = Agent(made["contributor"]["handle"], made["apiKey"])
        agent.correlation_id = _gql(url, agent.key, 'mutation { executionStart(input: {agentName: "crash", '
                                                    'taskPrompt: "t"}) { execution { correlationId } '
                                                    "userErrors { message } } }")["executionStart"]["execution"][
            "correlationId"]
        agents.append(agent)
    tickets = []
    for i in range(TICKETS):
        ticket = _gql(url, agents[0].key, "mutation R($input: ClarificationRequestInput!) { clarificationRequest("
                                          "input: $input) { ticket { id panel { contributor { handle } } } "
                                          "userErrors { message } } }",
                      {"input": {"correlationId": f"crash-{i}-{uuid.uuid4().hex[:6]}", "prompt": TASK,
                                 "domainTags": [expertise], "panelSize": 5, "deadlineSeconds": 3600}})
        tickets.append(ticket["clarificationRequest"]["ticket"])
    return agents, tickets


def _load(url: str, agents: list[Agent], tickets: list[dict], done: Acknowledged, stop: threading.Event) -> list:
    """One thread per agent and kind of work; each records what the server acknowledged until it dies."""

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                while not stop.is_set():
                    work()
            except (httpx.TransportError, ValueError):  # the server died mid-request
                return
        return run

    def transfers(agent: Agent, to: Agent) -> Callable[[], None]:
        def work() -> None:
            key = uuid.uuid4().hex
            body = httpx.post(f"{url}/graphql", headers={"Authorization": f"Bearer {agent.key}"}, timeout=30, json={
                "query": "mutation T($input: TokenTransferInput!) { tokenTransfer(input: $input) { transfer { id } "
                         "userErrors { code } } }",
                "variables": {"input": {"to": to.handle, "amount": 1, "idempotencyKey": key}}}).json()
            if body["data"]["tokenTransfer"]["transfer"]:
                done.add("transfers", key)
        return work

    def votes(agent: Agent) -> Callable[[], None]:
        mine = [t["id"] for t in tickets if agent.handle in {s["contributor"]["handle"] for s in t["panel"]}]

        def work() -> None:
            if not mine:
                return stop.wait(0.05) and None
            ticket = mine.pop()
            body = httpx.post(f"{url}/graphql", headers={"Authorization": f"Bearer {agent.key}"}, timeout=30, json={
                "query": "mutation V($input: ClarificationVoteCastInput!) { clarificationVoteCast(input: $input) "
                         "{ vote { choice } userErrors { code } } }",
                "variables": {"input": {"ticketId": ticket, "vote": "NEUTRAL", "confidence": "0.5"}}}).json()
            if body["data"]["clarificationVoteCast"]["vote"]:
                done.add("votes", (agent.handle, ticket))
        return work

    def batches(agent: Agent) -> Callable[[], None]:
        def work() -> None:
            prefix = uuid.uuid4().hex[:12]
            calls = [{"correlationId": agent.correlation_id, "provider": "openai", "model": "gpt-4o",
                      "inputTokens": 100, "outputTokens": 20, "latencyMs": 5, "clientCallId": f"{prefix}-{i}",
                      "startedAt": datetime.now(timezone.utc).isoformat()} for i in range(BATCH)]
            body = httpx.post(f"{url}/graphql", headers={"Authorization": f"Bearer {agent.key}"}, timeout=30, json={
                "query": "mutation L($input: LlmCallsRecordInput!) { llmCallsRecord(input: $input) "
                         "{ calls { id } userErrors { code message } } }",
                "variables": {"input": {"calls": calls, "chargeAccount": agent.handle}}}).json()
            if body["data"]["llmCallsRecord"]["calls"]:
                done.add("batches", prefix)
        return work

    threads = []
    for i, agent in enumerate(agents):
        for work in (transfers(agent, agents[(i + 1) % len(agents)]), votes(agent), batches(agent)):
            threads.append(threading.Thread(target=guarded(work), daemon=True))
    for thread in threads:
        thread.start()
    return threads


def _collect(channel: str, seen: set[int], ready: threading.Event, stop: threading.Event) -> threading.Thread:
    def listen() -> None:
        client = redis.Redis.from_url(os.environ["REDIS_URL"])
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(channel)
        ready.set()
        while not stop.is_set():
            message = pubsub.get_message(timeout=0.2)
            if message and message["type"] == "message":
                seen.add(json.loads(message["data"])["id"])
        pubsub.close()
        client.close()

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    return thread


async def test_sigkill_under_load_loses_no_acknowledged_change(db_url: str, redis_url: str, tmp_path: Path) -> None:
    url = await create_database(db_url, "omniclaude_crash")
    channel = f"omniclaude:crash-{uuid.uuid4().hex}"
    server = ServerProcess(url, tmp_path / "data", REDIS_URL=redis_url, EVENTS_CHANNEL=channel,
                           RELAY_POLL_SECONDS="0.2")
    holder: asyncpg.Connection | None = None
    try:
        await asyncio.to_thread(server.start)
        admin = await asyncio.to_thread(server.create_key, "ADMIN", "crash-admin")
        agents, tickets = await asyncio.to_thread(_set_up, server.url, admin, f"crash{uuid.uuid4().hex[:6]}")
        db = await connect(url)
        try:
            before = await db.fetchval('SELECT coalesce(max("id"), 0) FROM "outbox_events"')
        finally:
            await db.close()

        holder = await connect(url)  # the relay cannot publish while this session holds its lock
        await holder.execute("SELECT pg_advisory_lock($1)", RELAY_LOCK_KEY)
        done, stop = Acknowledged(), threading.Event()
        threads = _load(server.url, agents, tickets, done, stop)
        deadline = time.monotonic() + 120
        while len(done.transfers) < 20 or len(done.batches) < 5 or len(done.votes) < 3:
            assert time.monotonic() < deadline, f"the load made no progress: {done}"
            await asyncio.sleep(0.05)
        server.kill()  # in the middle of whatever the threads are sending
        print(f"\ncrash: killed after {len(done.transfers)} transfers, {len(done.votes)} votes and "
              f"{len(done.batches)} batches were acknowledged")
        stop.set()
        for thread in threads:
            await asyncio.to_thread(thread.join, 30)

        seen: set[int] = set()
        listening, stop_listening = threading.Event(), threading.Event()
        listener = _collect(channel, seen, listening, stop_listening)
        await asyncio.to_thread(listening.wait, 10)
        await holder.close()
        holder = None
        await asyncio.to_thread(server.start)

        db = await connect(url)
        try:
            unpublished = await db.fetch('SELECT "id" FROM "outbox_events" WHERE "id" > $1', before)
            expected = {row["id"] for row in unpublished}
            deadline = time.monotonic() + 60
            while not expected <= seen and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            stop_listening.set()
            await asyncio.to_thread(listener.join, 10)
            assert expected and expected <= seen, f"{len(expected - seen)} of {len(expected)} events never delivered"
            assert await db.fetchval('SELECT count(*) FROM "outbox_events" WHERE "published_at" IS NULL') == 0

            keys = {r["idempotency_key"] for r in await db.fetch(
                'SELECT "idempotency_key" FROM "ledger_transfers" WHERE "idempotency_key" = ANY($1)', done.transfers)}
            assert keys == set(done.transfers), "acknowledged transfers lost"
            assert await db.fetchval('SELECT coalesce(sum("balance"), 0) FROM "ledger_accounts"') == 0
            half = await db.fetchval(
                'SELECT count(*) FROM "ledger_transfers" t WHERE (SELECT count(*) FROM "ledger_entries" e '
                'WHERE e."transfer_id" = t."id") <> 2')
            assert half == 0, "transfers without both entries"
            drift = await db.fetchval(
                'SELECT count(*) FROM "ledger_accounts" a WHERE a."balance" <> (SELECT coalesce(sum(e."amount"), 0) '
                'FROM "ledger_entries" e WHERE e."account_id" = a."id")')
            assert drift == 0, "balances that are not the sum of their entries"

            votes = {(r["handle"], r["ticket_id"]) for r in await db.fetch(
                'SELECT c."handle", v."ticket_id" FROM "clarification_votes" v '
                'JOIN "contributors" c ON c."id" = v."contributor_id"')}
            assert {(h, global_pk(t, "ClarificationTicket")) for h, t in done.votes} <= votes, "acknowledged votes lost"

            sizes = {r["prefix"]: r["calls"] for r in await db.fetch(
                'SELECT split_part("client_call_id", \'-\', 1) AS "prefix", count(*) AS "calls" FROM "llm_calls" '
                'WHERE "client_call_id" IS NOT NULL GROUP BY 1')}
            assert all(sizes.get(prefix) == BATCH for prefix in done.batches), "acknowledged batches lost or cut"
            assert set(sizes.values()) == {BATCH}, f"half-written batches: {sizes}"
        finally:
            await db.close()
        faults = [(f.get("msg"), f.get("exc", f.get("raw", ""))[-400:]) for f in server.faults()]
        assert not faults, faults[:4]
    finally:
        if holder is not None:
            await holder.close()
        server.stop()
        await drop_database(url)


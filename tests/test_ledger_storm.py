"""The storm: 300 concurrent transfers, spends and reservations against one hot account through
GraphQL, with the same idempotency keys sent again at the same time. Afterwards: no negative
balance, no spend above its reservation, the sum is 0, every accepted transfer exists once, and
each balance is what the accepted operations say it must be."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections import defaultdict

import pytest

from tests.economy_support import (
    RESERVE,
    SETTLE,
    TRANSFER,
    VOID,
    assert_ledger_invariants,
    balance,
    register,
    register_funded,
    sql,
    update_policy,
)
from tests.support import GraphQLClient

HOT_FUNDS = 10_000
PEER_FUNDS = 1_000
PEERS = 8


@pytest.fixture
async def patient_client(server):
    """Hundreds of requests queue for one hot account's row lock and the client's connections: on a
    loaded machine some wait longer than the usual 30 s, which says nothing about correctness."""
    client = GraphQLClient(server.url, timeout=300)
    yield client
    await client.aclose()


async def test_storm_on_one_hot_account(patient_client, admin_key):
    client = patient_client
    rng = random.Random(6)
    hot = await register_funded(client, admin_key, HOT_FUNDS)
    previous = (await client.execute("{ rewardPolicy { starterGrant } }"))["rewardPolicy"]["starterGrant"]
    await update_policy(client, admin_key, starterGrant=PEER_FUNDS)
    try:
        peers = [await register(client, admin_key) for _ in range(PEERS)]
    finally:
        await update_policy(client, admin_key, starterGrant=previous)
    prefix = f"storm-{uuid.uuid4().hex[:8]}"
    results: dict[str, list[dict]] = defaultdict(list)  # idempotency key -> every response for it
    intents: dict[str, tuple[str, str, int]] = {}  # key -> (from, to, amount) as first sent
    settled: list[tuple[int, int]] = []  # (reserved, actual) of settled reservations
    compute_keys: list[str] = []

    async def send(sender, to: str, amount: int, key: str) -> None:
        payload = (await client.execute(TRANSFER, {"input": {"to": to, "amount": amount, "idempotencyKey": key}},
                                        key=sender.key))["tokenTransfer"]
        results[key].append(payload | {"sent": (sender.handle, to, amount)})

    async def spend(index: int) -> None:
        amount = rng.randint(1, 400)
        key = f"{prefix}-r{index}"
        reserve = {"input": {"amount": amount, "ttlSeconds": 600, "idempotencyKey": key}}
        both = await asyncio.gather(*(client.execute(RESERVE, reserve, key=hot.key) for _ in range(2)))
        held = [r["computeReserve"] for r in both]
        made = {r["reservation"]["id"] for r in held if r["reservation"]}
        assert len(made) <= 1, held  # the retry got the original, never a second hold
        if not made:  # funds may arrive between the two: one refused and one accepted is fine
            assert all(r["userErrors"][0]["code"] == "INSUFFICIENT_FUNDS" for r in held), held
            return
        reservation = made.pop()
        if index % 5 == 0:
            await client.execute(VOID, {"input": {"reservation": reservation}}, key=hot.key)
            return
        too_much = (await client.execute(SETTLE, {"input": {"reservation": reservation, "actual": amount + 1}},
                                         key=hot.key))["computeSettle"]
        assert too_much["userErrors"][0]["code"] == "EXCEEDS_RESERVATION"
        actual = rng.randint(0, amount)
        done = (await client.execute(SETTLE, {"input": {"reservation": reservation, "actual": actual}},
                                     key=hot.key))["computeSettle"]
        assert done["userErrors"] == [], done
        settled.append((amount, actual))
        if done["transfer"]:
            compute_keys.append(f"reservation:{done['transfer']['reservationId']}")

    operations = []
    for i in range(120):  # out of the hot account; together far more than it holds
        key, peer, amount = f"{prefix}-o{i}", rng.choice(peers), rng.randint(1, 250)
        intents[key] = (hot.handle, peer.handle, amount)
        operations.append(send(hot, peer.handle, amount, key))
        if i % 3 == 0:
            operations.append(send(hot, peer.handle, amount, key))  # a retry racing the original
        if i % 11 == 0:
            operations.append(send(hot, peer.handle, amount + 1, key))  # the same key, other values
    for i in range(60):  # into the hot account
        key, peer, amount = f"{prefix}-i{i}", rng.choice(peers), rng.randint(1, 100)
        intents[key] = (peer.handle, hot.handle, amount)
        operations.append(send(peer, hot.handle, amount, key))
        if i % 4 == 0:
            operations.append(send(peer, hot.handle, amount, key))
    operations += [spend(i) for i in range(60)]
    assert len(operations) >= 300
    rng.shuffle(operations)
    await asyncio.gather(*operations)

    accepted: dict[str, tuple[str, str, int]] = {}
    for key, responses in results.items():
        ids = {r["transfer"]["id"] for r in responses if r["transfer"]}
        assert len(ids) <= 1, (key, responses)  # a key never names two transfers
        for response in responses:
            if response["transfer"]:
                accepted[key] = (response["transfer"]["debitAccount"], response["transfer"]["creditAccount"],
                                 response["transfer"]["amount"])
            else:
                assert response["userErrors"][0]["code"] in ("INSUFFICIENT_FUNDS", "IDEMPOTENCY_CONFLICT"), response
        if key in accepted:
            winner = accepted[key]
            for response in responses:  # whoever lost the race on a conflicting key was told so, unless it
                if response["sent"] != winner:  # was refused for funds before the winner was posted
                    assert response["transfer"] is None
                    assert response["userErrors"][0]["code"] in ("IDEMPOTENCY_CONFLICT", "INSUFFICIENT_FUNDS")

    rows = await sql('SELECT "idempotency_key", "amount" FROM "ledger_transfers" WHERE "idempotency_key" LIKE $1',
                     f"{prefix}-%")
    assert sorted(r["idempotency_key"] for r in rows) == sorted(accepted)  # each accepted one, exactly once
    assert {r["idempotency_key"]: r["amount"] for r in rows} == {k: v[2] for k, v in accepted.items()}

    expected = defaultdict(int)
    expected[hot.handle] = HOT_FUNDS
    for peer in peers:
        expected[peer.handle] = PEER_FUNDS
    for debit, credit, amount in accepted.values():
        expected[debit] -= amount
        expected[credit] += amount
    expected[hot.handle] -= sum(actual for _, actual in settled)
    for handle, tokens in expected.items():
        account = await balance(client, handle)
        assert account["balance"] == tokens >= 0, handle
        assert account["reserved"] == 0
    assert any(v[0] == hot.handle for v in accepted.values()) and any(v[1] == hot.handle for v in accepted.values())
    assert any(r["userErrors"] and r["userErrors"][0]["code"] == "INSUFFICIENT_FUNDS"
               for responses in results.values() for r in responses)
    assert all(actual <= reserved for reserved, actual in settled)
    await assert_ledger_invariants()

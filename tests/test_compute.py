"""Two-phase compute through GraphQL: reserve, settle at most the reservation, void, the sweeper
that voids expired reservations once, and charging USD costs as tokens."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from models.economy.ledger import Account
from services.economy import compute as compute_service
from tests.economy_support import (
    BALANCE,
    FREEZE,
    RESERVE,
    SETTLE,
    VOID,
    assert_ledger_invariants,
    balance,
    register,
    register_funded,
    sql,
    transfer,
)


async def _reserve(client, member, amount: int, ttl: int = 600, key: str | None = None) -> dict:
    return (await client.execute(RESERVE, {"input": {"amount": amount, "ttlSeconds": ttl,
                                                     "idempotencyKey": key or uuid.uuid4().hex}},
                                 key=member.key))["computeReserve"]


async def test_reserve_then_settle_posts_the_actual_and_releases_the_rest(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 1000), await register(client, admin_key)
    held = await _reserve(client, alice, 400)
    assert held["userErrors"] == [] and held["reservation"]["state"] == "PENDING"
    assert held["account"] == {"balance": 1000, "reserved": 400, "available": 600}
    # reserved tokens cannot be spent twice
    assert (await transfer(client, alice, bob.handle, 601))["userErrors"][0]["code"] == "INSUFFICIENT_FUNDS"
    assert (await _reserve(client, alice, 601))["userErrors"][0]["code"] == "INSUFFICIENT_FUNDS"

    reservation = held["reservation"]["id"]
    over = (await client.execute(SETTLE, {"input": {"reservation": reservation, "actual": 401}},
                                 key=alice.key))["computeSettle"]
    assert (over["userErrors"][0]["field"], over["userErrors"][0]["code"]) == ("actual", "EXCEEDS_RESERVATION")
    settled = (await client.execute(SETTLE, {"input": {"reservation": reservation, "actual": 250}},
                                    key=alice.key))["computeSettle"]
    assert settled["userErrors"] == []
    assert settled["reservation"] == {"id": reservation, "amount": 400, "charged": 250, "state": "SETTLED"}
    assert settled["transfer"]["kind"] == "COMPUTE" and settled["transfer"]["amount"] == 250
    assert settled["transfer"]["reservationId"] == reservation
    assert settled["account"] == {"balance": 750, "reserved": 0, "available": 750, "spent": 250}
    again = (await client.execute(SETTLE, {"input": {"reservation": reservation, "actual": 250}},
                                  key=alice.key))["computeSettle"]
    assert again["replayed"] is True and again["transfer"]["id"] == settled["transfer"]["id"]
    other = (await client.execute(SETTLE, {"input": {"reservation": reservation, "actual": 10}},
                                  key=alice.key))["computeSettle"]
    assert other["userErrors"][0]["code"] == "ALREADY_SETTLED"
    voided = (await client.execute(VOID, {"input": {"reservation": reservation}}, key=alice.key))["computeVoid"]
    assert voided["userErrors"][0]["code"] == "RESERVATION_CLOSED"
    assert (await balance(client, "system:compute"))["balance"] >= 250
    await assert_ledger_invariants()


async def test_settling_zero_posts_nothing_and_void_releases_everything(client, admin_key):
    alice = await register_funded(client, admin_key, 300)
    zero = await _reserve(client, alice, 100)
    settled = (await client.execute(SETTLE, {"input": {"reservation": zero["reservation"]["id"], "actual": 0}},
                                    key=alice.key))["computeSettle"]
    assert settled["transfer"] is None and settled["account"]["reserved"] == 0
    held = await _reserve(client, alice, 200)
    voided = (await client.execute(VOID, {"input": {"reservation": held["reservation"]["id"]}}, key=alice.key))[
        "computeVoid"
    ]
    assert voided["reservation"]["state"] == "VOIDED"
    assert voided["account"] == {"balance": 300, "reserved": 0, "available": 300}
    twice = (await client.execute(VOID, {"input": {"reservation": held["reservation"]["id"]}}, key=alice.key))[
        "computeVoid"
    ]
    assert twice["replayed"] is True and twice["userErrors"] == []


async def test_reservations_are_idempotent_and_private(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 300), await register(client, admin_key)
    key = uuid.uuid4().hex
    first = await _reserve(client, alice, 50, key=key)
    again = await _reserve(client, alice, 50, key=key)
    assert again["replayed"] is True and again["reservation"]["id"] == first["reservation"]["id"]
    assert again["account"]["reserved"] == 50
    assert (await _reserve(client, alice, 51, key=key))["userErrors"][0]["code"] == "IDEMPOTENCY_CONFLICT"
    theirs = (await client.execute(SETTLE, {"input": {"reservation": first["reservation"]["id"], "actual": 1}},
                                   key=bob.key))["computeSettle"]
    assert (theirs["userErrors"][0]["field"], theirs["userErrors"][0]["code"]) == ("reservation", "NOT_FOUND")
    bad_id = (await client.execute(VOID, {"input": {"reservation": "nonsense"}}, key=alice.key))["computeVoid"]
    assert bad_id["userErrors"][0]["field"] == "reservation"
    for ttl in (0, 10**7):
        assert (await _reserve(client, alice, 1, ttl=ttl))["userErrors"][0]["field"] == "ttlSeconds"
    await client.execute(FREEZE, {"input": {"handle": alice.handle, "reason": "audit"}}, key=admin_key)
    assert (await _reserve(client, alice, 1))["userErrors"][0]["code"] == "FROZEN"
    # a hold made before the freeze can still be settled: the compute was used
    settled = (await client.execute(SETTLE, {"input": {"reservation": first["reservation"]["id"], "actual": 20}},
                                    key=alice.key))["computeSettle"]
    assert settled["userErrors"] == [] and settled["account"]["balance"] == 280


async def test_the_lifespan_sweeper_voids_an_expired_reservation_once(client, admin_key):
    alice = await register_funded(client, admin_key, 300)
    held = await _reserve(client, alice, 120, ttl=1)
    assert held["account"]["available"] == 180
    for _ in range(100):
        await asyncio.sleep(0.1)
        if (await balance(client, alice.handle))["reserved"] == 0:
            break
    state = await client.execute('query N($id: ID!) { node(id: $id) { ... on Reservation { state charged } } }',
                                 {"id": held["reservation"]["id"]}, key=alice.key)
    assert state["node"] == {"state": "EXPIRED", "charged": 0}
    assert (await balance(client, alice.handle))["available"] == 300
    late = (await client.execute(SETTLE, {"input": {"reservation": held["reservation"]["id"], "actual": 1}},
                                 key=alice.key))["computeSettle"]
    assert late["userErrors"][0]["code"] == "RESERVATION_CLOSED"
    events = await sql('SELECT count(*) AS n FROM "outbox_events" WHERE "name" = \'ledger.reservation.expired.v1\' '
                       'AND ("payload"->>\'reservationId\')::bigint = $1',
                       int(__import__("base64").urlsafe_b64decode(held["reservation"]["id"]).decode().split(":")[1]))
    assert events[0]["n"] == 1


async def test_concurrent_sweeps_void_each_reservation_exactly_once(client, admin_key):
    members = [await register_funded(client, admin_key, 100) for _ in range(3)]
    ids = []
    for member in members:
        for _ in range(4):
            ids.append((await _reserve(client, member, 10, ttl=3600))["reservation"]["id"])
    later = datetime.now(timezone.utc) + timedelta(hours=2)
    counts = await asyncio.gather(*(compute_service.sweep_expired_reservations(now=later, limit=3) for _ in range(6)))
    while await compute_service.sweep_expired_reservations(now=later):
        pass
    rows = await sql('SELECT "state", count(*) AS n FROM "ledger_reservations" r JOIN "ledger_accounts" a '
                     'ON a."id" = r."account_id" WHERE a."name" = ANY($1::text[]) GROUP BY 1',
                     [m.handle for m in members])
    assert {r["state"]: r["n"] for r in rows} == {"EXPIRED": 12}
    assert sum(counts) <= 12
    for member in members:
        assert (await balance(client, member.handle))["reserved"] == 0
    await assert_ledger_invariants()


async def test_usd_costs_become_tokens_rounded_up_and_unpaid_when_they_cannot_be_paid(client, admin_key):
    alice = await register_funded(client, admin_key, 100)
    account = await Account.get(name=alice.handle)
    rate = (await client.execute("{ rewardPolicy { tokensPerUsd } }"))["rewardPolicy"]["tokensPerUsd"]
    usd = Decimal(3) / Decimal(rate) + Decimal("0.0000001")  # a bit over 3 tokens -> 4
    paid = await compute_service.charge_usd(account.id, usd, f"call-{uuid.uuid4().hex}", memo="llm call")
    assert (paid.paid, paid.tokens, paid.transfer.amount) == (True, 4, 4)
    assert paid.transfer.factors["usd"] == str(usd)
    key = f"call-{uuid.uuid4().hex}"
    first = await compute_service.charge_usd(account.id, Decimal(1) / Decimal(rate), key)
    retried = await compute_service.charge_usd(account.id, Decimal(1) / Decimal(rate), key)
    assert retried.transfer.id == first.transfer.id
    unpaid = await compute_service.charge_usd(account.id, Decimal(1000), f"call-{uuid.uuid4().hex}")
    assert unpaid.paid is False and unpaid.transfer is None and "available" in unpaid.reason
    assert (await balance(client, alice.handle))["balance"] == 95

    held = await _reserve(client, alice, 10)
    reservation_id = int(__import__("base64").urlsafe_b64decode(held["reservation"]["id"]).decode().split(":")[1])
    within = await compute_service.charge_usd(account.id, Decimal(6) / Decimal(rate), f"call-{uuid.uuid4().hex}",
                                              reservation_id=reservation_id)
    beyond = await compute_service.charge_usd(account.id, Decimal(5) / Decimal(rate), f"call-{uuid.uuid4().hex}",
                                              reservation_id=reservation_id)
    assert within.paid and within.transfer.reservation_id == reservation_id
    assert beyond.paid is False and "still held" in beyond.reason
    # settling counts what was charged: the actual covers the charges, never below them
    below = (await client.execute(SETTLE, {"input": {"reservation": held["reservation"]["id"], "actual": 5}},
                                  key=alice.key))["computeSettle"]
    assert below["userErrors"][0]["code"] == "BELOW_CHARGED"
    settled = (await client.execute(SETTLE, {"input": {"reservation": held["reservation"]["id"], "actual": 8}},
                                    key=alice.key))["computeSettle"]
    assert settled["transfer"]["amount"] == 2 and settled["account"]["balance"] == 95 - 8
    assert (await client.execute(BALANCE, {"a": alice.handle}))["tokenBalance"]["spent"] == 5 + 8
    await assert_ledger_invariants()

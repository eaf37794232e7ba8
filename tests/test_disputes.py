"""Disputes through GraphQL: a party opens, a reviewer who is no party upholds or reverses;
REVERSE posts a reversal naming the original and lowers the recipient's reputation."""

from __future__ import annotations

import uuid
from decimal import Decimal

from models.auth import Principal, Role
from models.contributors import Contributor
from models.economy.ledger import TransferKind
from services.economy import rewards as reward_service
from services.economy.rules import flat_quote
from tests.conftest import make_key
from tests.economy_support import (
    DISPUTE_OPEN,
    DISPUTE_RESOLVE,
    HISTORY,
    assert_ledger_invariants,
    balance,
    register,
    register_funded,
    transfer,
)

REPUTATION = "query C($h: String!) { contributor(handle: $h) { reputation earned } }"


async def _open(client, member, transfer_id: str, reason: str = "I was charged twice") -> dict:
    return (await client.execute(DISPUTE_OPEN, {"input": {"transfer": transfer_id, "reason": reason}},
                                 key=member.key))["disputeOpen"]


async def _resolve(client, key: str, dispute_id: str, resolution: str, note: str = "checked the logs") -> dict:
    return (await client.execute(DISPUTE_RESOLVE, {"input": {"dispute": dispute_id, "resolution": resolution,
                                                             "note": note}}, key=key))["disputeResolve"]


async def test_reverse_posts_a_reversal_naming_the_original(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 500), await register(client, admin_key)
    bob_start = (await balance(client, bob.handle))["balance"]
    sent = (await transfer(client, alice, bob.handle, 200))["transfer"]
    opened = await _open(client, alice, sent["id"])
    assert opened["userErrors"] == [] and opened["dispute"]["state"] == "OPEN"
    assert (await _open(client, alice, sent["id"]))["userErrors"][0]["code"] == "DUPLICATE"

    reviewer = await make_key(Role.REVIEWER)
    before = Decimal((await client.execute(REPUTATION, {"h": bob.handle}))["contributor"]["reputation"])
    resolved = await _resolve(client, reviewer, opened["dispute"]["id"], "REVERSE")
    assert resolved["userErrors"] == []
    reversal = resolved["dispute"]["reversal"]
    assert resolved["dispute"]["state"] == "REVERSED" and resolved["reversal"]["id"] == reversal["id"]
    assert reversal["kind"] == "REVERSAL" and reversal["amount"] == 200
    assert (reversal["debitAccount"], reversal["creditAccount"]) == (bob.handle, alice.handle)
    assert reversal["reverses"] == {"id": sent["id"]}
    assert (await balance(client, alice.handle))["balance"] == 500
    assert (await balance(client, bob.handle))["balance"] == bob_start
    after = Decimal((await client.execute(REPUTATION, {"h": bob.handle}))["contributor"]["reputation"])
    assert after < before
    # the original stays in the history: append-only, corrected by a second entry
    history = (await client.execute(HISTORY, {"a": alice.handle}, key=alice.key))["tokenTransactions"]
    assert [e["node"]["amount"] for e in history["edges"]][:2] == [200, -200]
    assert (await _resolve(client, reviewer, opened["dispute"]["id"], "UPHOLD"))["userErrors"][0][
        "code"
    ] == "ALREADY_RESOLVED"
    assert (await _open(client, alice, sent["id"]))["userErrors"][0]["code"] == "ALREADY_REVERSED"
    assert (await _open(client, bob, reversal["id"]))["userErrors"][0]["code"] == "NOT_DISPUTABLE"
    await assert_ledger_invariants()


async def test_uphold_moves_nothing(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 300), await register(client, admin_key)
    sent = (await transfer(client, alice, bob.handle, 100))["transfer"]
    opened = await _open(client, bob, sent["id"], "not what we agreed")
    resolved = await _resolve(client, admin_key, opened["dispute"]["id"], "UPHOLD")
    assert resolved["dispute"]["state"] == "UPHELD" and resolved["reversal"] is None
    assert (await balance(client, alice.handle))["balance"] == 200


async def test_who_may_open_and_resolve(client, admin_key):
    alice, bob, carol = (await register_funded(client, admin_key, 300), await register(client, admin_key),
                         await register(client, admin_key))
    sent = (await transfer(client, alice, bob.handle, 100))["transfer"]
    outsider = await _open(client, carol, sent["id"])
    assert (outsider["userErrors"][0]["field"], outsider["userErrors"][0]["code"]) == ("transfer", "NOT_FOUND")
    assert (await _open(client, alice, "garbage"))["userErrors"][0]["field"] == "transfer"
    assert (await _open(client, alice, sent["id"], "x"))["userErrors"][0]["field"] == "reason"
    opened = await _open(client, alice, sent["id"])
    agent = await client.post(DISPUTE_RESOLVE, {"input": {"dispute": opened["dispute"]["id"], "resolution": "REVERSE",
                                                          "note": "mine"}}, key=carol.key)
    assert agent.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a reviewer who is also a party (bob's contributor acts through a REVIEWER key) may not resolve
    reviewer_key = await make_key(Role.REVIEWER)
    reviewer = await Principal.filter(role=Role.REVIEWER).order_by("-id").first()
    await Contributor.filter(handle=bob.handle).update(principal_id=reviewer.id)
    party = await _resolve(client, reviewer_key, opened["dispute"]["id"], "REVERSE")
    assert party["userErrors"][0]["code"] == "PARTY"
    listed = (await client.execute("{ disputes(state: OPEN) { totalCount } }", key=reviewer_key))["disputes"]
    assert listed["totalCount"] >= 1


async def test_a_reversal_the_recipient_cannot_cover_is_refused_and_writes_nothing(client, admin_key):
    alice, bob, carol = (await register_funded(client, admin_key, 300), await register_funded(client, admin_key, 0),
                         await register(client, admin_key))
    sent = (await transfer(client, alice, bob.handle, 100))["transfer"]
    await transfer(client, bob, carol.handle, 100)
    opened = await _open(client, alice, sent["id"])
    refused = await _resolve(client, admin_key, opened["dispute"]["id"], "REVERSE")
    assert (refused["userErrors"][0]["field"], refused["userErrors"][0]["code"]) == ("dispute", "INSUFFICIENT_FUNDS")
    listed = await client.execute("query N($id: ID!) { node(id: $id) { ... on Dispute { state } } }",
                                  {"id": opened["dispute"]["id"]}, key=admin_key)
    assert listed["node"] == {"state": "OPEN"}
    await assert_ledger_invariants()


async def test_reversing_a_reward_takes_it_out_of_earned(client, admin_key):
    member = await register(client, admin_key)
    contributor = await Contributor.get(handle=member.handle)
    outcome = await reward_service.issue_reward(
        contributor.id,
        TransferKind.VERIFICATION_REWARD,
        flat_quote(1, 5, 2, unit_name="verifications"),
        idempotency_key=f"verify:{uuid.uuid4()}",
    )
    from resolvers.relay import to_global_id
    opened = await _open(client, member, to_global_id("Transfer", outcome.transfer.id), "reward paid by mistake")
    await _resolve(client, admin_key, opened["dispute"]["id"], "REVERSE")
    assert (await client.execute(REPUTATION, {"h": member.handle}))["contributor"]["earned"] == 0
    assert (await balance(client, "system:mint"))["kind"] == "SYSTEM"
    await assert_ledger_invariants()

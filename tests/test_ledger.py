"""The ledger through GraphQL: accounts and the starter grant, transfers, idempotency keys, funds,
history, the CHECK constraint and append-only tables, freezes."""

from __future__ import annotations

import uuid

import pytest
from tortoise.exceptions import OperationalError

from models.auth import Role
from models.contributors import Contributor
from services.economy import rewards as reward_service
from tests.conftest import make_key
from tests.economy_support import (
    BALANCE,
    FREEZE,
    HISTORY,
    REGISTER,
    TRANSFER,
    UNFREEZE,
    assert_ledger_invariants,
    balance,
    current_starter_grant,
    new_handle,
    register,
    register_funded,
    sql,
    transfer,
)


async def test_registration_opens_an_account_with_the_starter_grant_once(client, admin_key):
    grant = await current_starter_grant(client)
    payload = (await client.execute(REGISTER, {"input": {"handle": new_handle(), "kind": "HUMAN"}},
                                    key=admin_key))["contributorRegister"]
    contributor = payload["contributor"]
    assert contributor["balance"] == grant > 0
    assert (contributor["earned"], contributor["spent"], contributor["frozen"]) == (0, 0, False)
    assert contributor["account"] == {"name": contributor["handle"], "available": grant}
    # granting again (a retried registration step) finds the grant's key taken: still one grant
    row = await Contributor.get(handle=contributor["handle"])
    from tortoise.transactions import in_transaction

    from models.economy.ledger import Account
    account = await Account.get(contributor_id=row.id)
    async with in_transaction() as conn:
        await reward_service.grant_starter(conn, row, account.id)
    assert (await balance(client, contributor["handle"]))["balance"] == grant
    grants = await sql('SELECT count(*) AS n FROM "ledger_transfers" WHERE "idempotency_key" = $1',
                       f"starter-grant:{row.id}")
    assert grants[0]["n"] == 1
    await assert_ledger_invariants()


async def test_a_duplicate_handle_mints_no_second_grant(client, admin_key):
    handle = new_handle()
    await client.execute(REGISTER, {"input": {"handle": handle, "kind": "HUMAN"}}, key=admin_key)
    [before] = await sql('SELECT "balance" FROM "ledger_accounts" WHERE "name" = \'system:mint\'')
    again = (await client.execute(REGISTER, {"input": {"handle": handle, "kind": "AGENT"}},
                                  key=admin_key))["contributorRegister"]
    assert again["userErrors"][0]["code"] == "DUPLICATE"
    [after] = await sql('SELECT "balance" FROM "ledger_accounts" WHERE "name" = \'system:mint\'')
    assert after == before


async def test_transfer_moves_tokens_and_both_sides_see_signed_entries(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 1000), await register(client, admin_key)
    start_bob = (await balance(client, bob.handle))["balance"]
    payload = await transfer(client, alice, bob.handle, 300, memo="thanks")
    assert payload["userErrors"] == [] and payload["replayed"] is False
    assert payload["transfer"]["kind"] == "TRANSFER"
    assert (payload["transfer"]["debitAccount"], payload["transfer"]["creditAccount"]) == (alice.handle, bob.handle)
    assert payload["fromAccount"] == {"balance": 700, "available": 700}
    assert payload["toAccount"] == {"balance": start_bob + 300}
    await transfer(client, bob, alice.handle, 50)

    mine = (await client.execute(HISTORY, {"a": alice.handle}, key=alice.key))["tokenTransactions"]
    assert [(e["node"]["amount"], e["node"]["balanceAfter"], e["node"]["kind"]) for e in mine["edges"]] == [
        (50, 750, "TRANSFER"), (-300, 700, "TRANSFER"), (1000, 1000, "STARTER_GRANT")]
    assert mine["edges"][1]["node"]["counterparty"] == bob.handle
    assert mine["edges"][1]["node"]["transfer"]["memo"] == "thanks"
    assert mine["totalCount"] == 3
    theirs = (await client.execute(HISTORY, {"a": bob.handle}, key=bob.key))["tokenTransactions"]
    assert [e["node"]["amount"] for e in theirs["edges"]][:2] == [-50, 300]
    await assert_ledger_invariants()


async def test_a_retried_key_returns_the_original_and_other_values_are_refused(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 500), await register(client, admin_key)
    key = f"k-{uuid.uuid4().hex}"
    first = await transfer(client, alice, bob.handle, 120, key=key)
    again = await transfer(client, alice, bob.handle, 120, key=key)
    assert again["replayed"] is True and again["transfer"]["id"] == first["transfer"]["id"]
    assert again["fromAccount"]["balance"] == 380
    other = await transfer(client, alice, bob.handle, 121, key=key)
    assert other["transfer"] is None
    assert other["userErrors"] == [{"field": "idempotencyKey", "code": "IDEMPOTENCY_CONFLICT",
                                    "message": other["userErrors"][0]["message"]}]
    carol = await register(client, admin_key)
    assert (await transfer(client, alice, carol.handle, 120, key=key))["userErrors"][0][
        "code"
    ] == "IDEMPOTENCY_CONFLICT"
    assert (await balance(client, alice.handle))["balance"] == 380


async def test_insufficient_funds_is_a_user_error_and_writes_nothing(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 100), await register(client, admin_key)
    key = f"k-{uuid.uuid4().hex}"
    payload = await transfer(client, alice, bob.handle, 101, key=key)
    assert payload["transfer"] is None
    assert payload["userErrors"][0]["field"] == "amount" and payload["userErrors"][0]["code"] == "INSUFFICIENT_FUNDS"
    assert await sql('SELECT "id" FROM "ledger_transfers" WHERE "idempotency_key" = $1', key) == []
    assert (await balance(client, alice.handle))["balance"] == 100
    # a key whose transfer failed is free: the retry with enough funds goes through
    await transfer(client, bob, alice.handle, 1)
    assert (await transfer(client, alice, bob.handle, 101, key=key))["userErrors"] == []


async def test_bad_transfer_input_names_the_field(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 100), await register(client, admin_key)
    cases = [({"to": bob.handle, "amount": 0}, "amount", "INVALID"),
             ({"to": bob.handle, "amount": -5}, "amount", "INVALID"),
             ({"to": "nobody-here", "amount": 1}, "to", "NOT_FOUND"),
             ({"to": "system:mint", "amount": 1}, "to", "NOT_FOUND"),
             ({"to": alice.handle, "amount": 1}, "to", "INVALID"),
             ({"to": bob.handle, "amount": 1, "memo": "x" * 501}, "memo", "INVALID"),
             ({"to": bob.handle, "amount": 1, "idempotencyKey": ""}, "idempotencyKey", "INVALID")]
    for given, field, code in cases:
        body = {"idempotencyKey": uuid.uuid4().hex, "memo": ""} | given
        payload = (await client.execute(TRANSFER, {"input": body}, key=alice.key))["tokenTransfer"]
        assert payload["transfer"] is None, given
        assert (payload["userErrors"][0]["field"], payload["userErrors"][0]["code"]) == (field, code), given
    too_big = await client.post(TRANSFER, {"input": {"to": bob.handle, "amount": 2**63, "idempotencyKey": "x"}},
                                key=alice.key)
    assert too_big.status_code == 200 and "64-bit" in too_big.json()["errors"][0]["message"]
    no_account = await make_key(Role.AGENT)
    payload = (await client.execute(TRANSFER, {"input": {"to": bob.handle, "amount": 1, "idempotencyKey": "x"}},
                                    key=no_account))["tokenTransfer"]
    assert payload["userErrors"][0]["code"] == "NO_ACCOUNT"
    anonymous = await client.post(TRANSFER, {"input": {"to": bob.handle, "amount": 1, "idempotencyKey": "x"}})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_database_refuses_negative_user_balances_and_edits_of_history(client, admin_key):
    alice = await register(client, admin_key)
    with pytest.raises(Exception, match="ledger_accounts_balance_non_negative"):
        await sql('UPDATE "ledger_accounts" SET "balance" = -1 WHERE "name" = $1', alice.handle)
    with pytest.raises(OperationalError, match="append-only"):
        await sql('UPDATE "ledger_transfers" SET "amount" = 1 WHERE "credit_account_id" = '
                  '(SELECT "id" FROM "ledger_accounts" WHERE "name" = $1)', alice.handle)
    with pytest.raises(OperationalError, match="append-only"):
        await sql('DELETE FROM "ledger_entries" WHERE "account_id" = '
                  '(SELECT "id" FROM "ledger_accounts" WHERE "name" = $1)', alice.handle)
    with pytest.raises(Exception, match="ledger_transfers_amount_positive"):
        await sql('INSERT INTO "ledger_transfers" ("idempotency_key", "kind", "debit_account_id", "credit_account_id", '
                  '"amount", "memo", "created_at") VALUES ($1, \'TRANSFER\', 1, 2, 0, \'\', now())', uuid.uuid4().hex)
    mint = await balance(client, "system:mint")
    assert mint["kind"] == "SYSTEM" and mint["balance"] < 0  # system accounts may go negative


async def test_history_filters_pages_and_is_private(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 1000), await register(client, admin_key)
    for amount in (1, 2, 3, 4, 5):
        await transfer(client, alice, bob.handle, amount)
    page = (await client.execute(HISTORY, {"a": alice.handle, "first": 2}, key=alice.key))["tokenTransactions"]
    assert [e["node"]["amount"] for e in page["edges"]] == [-5, -4] and page["pageInfo"]["hasNextPage"]
    rest = (await client.execute(HISTORY, {"a": alice.handle, "first": 10, "after": page["pageInfo"]["endCursor"]},
                                 key=alice.key))["tokenTransactions"]
    assert [e["node"]["amount"] for e in rest["edges"]] == [-3, -2, -1, 1000]
    grants = (await client.execute(HISTORY, {"a": alice.handle, "kinds": ["STARTER_GRANT"]},
                                   key=alice.key))["tokenTransactions"]
    assert [e["node"]["kind"] for e in grants["edges"]] == ["STARTER_GRANT"] and grants["totalCount"] == 1
    assert grants["edges"][0]["node"]["transfer"]["policyVersion"] >= 1
    denied = await client.post(HISTORY, {"a": alice.handle}, key=bob.key)
    assert denied.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    reviewer = await make_key(Role.REVIEWER)
    seen = (await client.execute(HISTORY, {"a": alice.handle}, key=reviewer))["tokenTransactions"]
    assert seen["totalCount"] == 6
    anonymous = await client.post(HISTORY, {"a": alice.handle})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    # the page is read from the (account_id, id) index
    plan = await sql('EXPLAIN SELECT * FROM "ledger_entries" WHERE "account_id" = 5 ORDER BY "id" DESC LIMIT 21')
    assert "ledger_entries_account_history" in " ".join(row["QUERY PLAN"] for row in plan)


async def test_freeze_stops_spending_and_receiving_until_unfrozen(client, admin_key):
    alice, bob = await register_funded(client, admin_key, 500), await register(client, admin_key)
    refused = await client.post(FREEZE, {"input": {"handle": alice.handle, "reason": "fraud check"}}, key=bob.key)
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    frozen = (await client.execute(FREEZE, {"input": {"handle": alice.handle, "reason": "fraud check"}},
                                   key=admin_key))["contributorFreeze"]
    assert frozen == {"contributor": {"handle": alice.handle, "frozen": True}, "userErrors": []}
    sending = await transfer(client, alice, bob.handle, 10)
    assert sending["userErrors"][0]["code"] == "FROZEN" and sending["userErrors"][0]["field"] is None
    receiving = await transfer(client, bob, alice.handle, 10)
    assert (receiving["userErrors"][0]["field"], receiving["userErrors"][0]["code"]) == ("to", "FROZEN")
    twice = (await client.execute(FREEZE, {"input": {"handle": alice.handle, "reason": "again"}},
                                  key=admin_key))["contributorFreeze"]
    assert twice["userErrors"][0]["code"] == "ALREADY_FROZEN"
    assert (await balance(client, alice.handle))["frozen"] is True
    unfrozen = (await client.execute(UNFREEZE, {"input": {"handle": alice.handle}}, key=admin_key))[
        "contributorUnfreeze"
    ]
    assert unfrozen["contributor"]["frozen"] is False
    assert (await transfer(client, alice, bob.handle, 10))["userErrors"] == []
    missing = (await client.execute(UNFREEZE, {"input": {"handle": "nobody-here"}}, key=admin_key))[
        "contributorUnfreeze"
    ]
    assert missing["userErrors"][0]["field"] == "handle"


async def test_balances_are_public_and_system_accounts_are_named(client, admin_key):
    tag = f"t{uuid.uuid4().hex[:8]}"
    rich = await register_funded(client, admin_key, 640)
    await client.execute(
        REGISTER, {"input": {"handle": new_handle(), "kind": "HUMAN", "expertise": [tag]}}, key=admin_key
    )
    from models.contributors import Contributor as Row
    await Row.filter(handle=rich.handle).update(expertise=[tag])
    listed = (await client.execute('query L($t: String!) { contributors(expertise: $t) { edges { node { '
                                   'handle balance earned spent frozen reputation } } } }', {"t": tag}))["contributors"]
    balances = {e["node"]["handle"]: e["node"]["balance"] for e in listed["edges"]}
    assert balances[rich.handle] == 640 and len(balances) == 2
    assert all(e["node"]["spent"] == 0 and e["node"]["frozen"] is False for e in listed["edges"])
    for name in ("system:mint", "system:compute", "system:market"):
        assert (await client.execute(BALANCE, {"a": name}))["tokenBalance"]["kind"] == "SYSTEM"
    assert (await client.execute(BALANCE, {"a": "nobody-here"}))["tokenBalance"] is None

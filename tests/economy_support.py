"""Helpers for the token economy tests: GraphQL documents, members with keys, funding, invariants."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from tortoise import connections

from tests.support import GraphQLClient

REGISTER = """mutation R($input: ContributorRegisterInput!) {
  contributorRegister(input: $input) {
    contributor { id handle balance earned spent frozen reputation account { name available } }
    apiKey
    userErrors { field message code }
  }
}"""
TRANSFER = """mutation T($input: TokenTransferInput!) {
  tokenTransfer(input: $input) {
    transfer { id kind amount memo idempotencyKey debitAccount creditAccount createdAt }
    fromAccount { balance available }
    toAccount { balance }
    replayed
    userErrors { field message code }
  }
}"""
BALANCE = (
    "query B($a: String!) { tokenBalance(account: $a) { name kind balance reserved available earned spent frozen } }"
)
HISTORY = """query H($a: String!, $kinds: [TransferKind!], $first: Int, $after: String) {
  tokenTransactions(account: $a, kinds: $kinds, first: $first, after: $after) {
    totalCount
    edges { cursor node { amount balanceAfter kind counterparty transferId
                          transfer { id kind memo policyVersion factors reverses { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""
RESERVE = """mutation R($input: ComputeReserveInput!) {
  computeReserve(input: $input) {
    reservation { id amount charged state expiresAt account }
    account { balance reserved available }
    replayed
    userErrors { field message code }
  }
}"""
SETTLE = """mutation S($input: ComputeSettleInput!) {
  computeSettle(input: $input) {
    reservation { id amount charged state }
    transfer { id kind amount reservationId }
    account { balance reserved available spent }
    replayed
    userErrors { field message code }
  }
}"""
VOID = """mutation V($input: ComputeVoidInput!) {
  computeVoid(input: $input) {
    reservation { id state }
    account { balance reserved available }
    replayed
    userErrors { field message code }
  }
}"""
POLICY_UPDATE = """mutation P($input: RewardPolicyUpdateInput!) {
  rewardPolicyUpdate(input: $input) {
    policy { version reason starterGrant dailyEarningCap expiryMode expiryMonths tokensPerUsd confidenceFloor }
    userErrors { field message code }
  }
}"""
FREEZE = """mutation F($input: ContributorFreezeInput!) {
  contributorFreeze(input: $input) { contributor { handle frozen } userErrors { field message code } }
}"""
UNFREEZE = """mutation U($input: ContributorUnfreezeInput!) {
  contributorUnfreeze(input: $input) { contributor { handle frozen } userErrors { field message code } }
}"""
DISPUTE_OPEN = """mutation D($input: DisputeOpenInput!) {
  disputeOpen(input: $input) { dispute { id state reason transfer { id } } userErrors { field message code } }
}"""
DISPUTE_RESOLVE = """mutation D($input: DisputeResolveInput!) {
  disputeResolve(input: $input) {
    dispute { id state note reversal { id kind amount debitAccount creditAccount reverses { id } } }
    reversal { id }
    userErrors { field message code }
  }
}"""


@dataclass
class Member:
    handle: str
    key: str
    id: str


def new_handle(prefix: str = "m") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


async def register(client: GraphQLClient, admin_key: str, kind: str = "AGENT", handle: str | None = None) -> Member:
    payload = (await client.execute(REGISTER, {"input": {"handle": handle or new_handle(), "kind": kind,
                                                         "issueKey": True}}, key=admin_key))["contributorRegister"]
    assert payload["userErrors"] == [], payload
    return Member(payload["contributor"]["handle"], payload["apiKey"], payload["contributor"]["id"])


async def update_policy(client: GraphQLClient, admin_key: str, **changes) -> dict:
    payload = (await client.execute(POLICY_UPDATE, {"input": {"reason": "test setting", **changes}},
                                    key=admin_key))["rewardPolicyUpdate"]
    assert payload["userErrors"] == [], payload
    return payload["policy"]


async def current_starter_grant(client: GraphQLClient) -> int:
    return (await client.execute("{ rewardPolicy { starterGrant } }"))["rewardPolicy"]["starterGrant"]


async def register_funded(client: GraphQLClient, admin_key: str, tokens: int) -> Member:
    """A member whose starter grant is `tokens` (the policy is set for the registration and put back)."""
    previous = await current_starter_grant(client)
    if previous == tokens:
        return await register(client, admin_key)
    await update_policy(client, admin_key, starterGrant=tokens)
    try:
        return await register(client, admin_key)
    finally:
        await update_policy(client, admin_key, starterGrant=previous)


async def transfer(client: GraphQLClient, sender: Member, to: str, amount: int, key: str | None = None,
                   memo: str = "") -> dict:
    return (await client.execute(TRANSFER, {"input": {"to": to, "amount": amount, "memo": memo,
                                                      "idempotencyKey": key or uuid.uuid4().hex}},
                                 key=sender.key))["tokenTransfer"]


async def balance(client: GraphQLClient, account: str) -> dict:
    return (await client.execute(BALANCE, {"a": account}))["tokenBalance"]


async def sql(query: str, *args) -> list[dict]:
    return await connections.get("default").execute_query_dict(query, list(args))


async def assert_ledger_invariants() -> None:
    """Sum 0; no user balance below 0 or below its reservations; every balance equals its entries;
    reserved equals what pending reservations still hold; no reservation charged beyond its amount."""
    [total] = await sql('SELECT coalesce(sum("balance"), 0) AS s FROM "ledger_accounts"')
    assert total["s"] == 0
    assert (
        await sql(
            'SELECT "name" FROM "ledger_accounts" WHERE "kind" = \'USER\' AND ("balance" < 0 OR "reserved" > "balance")'
        )
        == []
    )
    assert await sql('SELECT a."name" FROM "ledger_accounts" a LEFT JOIN (SELECT "account_id", sum("amount") AS s '
                     'FROM "ledger_entries" GROUP BY 1) e ON e."account_id" = a."id" '
                     'WHERE a."balance" <> coalesce(e.s, 0)') == []
    assert (
        await sql(
            'SELECT a."name" FROM "ledger_accounts" a LEFT JOIN (SELECT "account_id", sum("amount" - "charged") AS s '
            'FROM "ledger_reservations" WHERE "state" = \'PENDING\' GROUP BY 1) r ON r."account_id" = a."id" '
            'WHERE a."reserved" <> coalesce(r.s, 0)'
        )
        == []
    )
    assert (
        await sql(
            'SELECT r."id" FROM "ledger_reservations" r JOIN "ledger_transfers" t ON t."reservation_id" = r."id" '
            'GROUP BY r."id", r."amount" HAVING sum(t."amount") > r."amount"'
        )
        == []
    )

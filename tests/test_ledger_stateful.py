"""A seeded stateful test: random sequences of transfers (new and retried keys), reservations,
settlements, voids, expiries (of reservations and of tokens), disputes and freezes through GraphQL, against a plain
  in-memory
auditor that predicts every outcome; every invariant is checked after each step.

A failure prints the seed: `LEDGER_STATEFUL_SEED=<seed> pytest tests/test_ledger_stateful.py`
replays the same sequences."""

from __future__ import annotations

import asyncio
import os
import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import httpx
from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from models.auth import Role
from services.economy.compute import sweep_expired_reservations
from services.economy.expiry import sweep_expired_tokens
from tests.conftest import make_key
from tests.economy_support import (
    DISPUTE_OPEN,
    DISPUTE_RESOLVE,
    FREEZE,
    POLICY_UPDATE,
    REGISTER,
    RESERVE,
    SETTLE,
    TRANSFER,
    UNFREEZE,
    VOID,
    assert_ledger_invariants,
    new_handle,
)

SEED = int(os.environ.get("LEDGER_STATEFUL_SEED") or random.randrange(2**32))
MEMBERS = 3
FUNDS = 1000


@dataclass
class Account:
    handle: str
    key: str
    balance: int
    reserved: int = 0
    frozen: bool = False

    @property
    def available(self) -> int:
        return self.balance - self.reserved


@dataclass
class Posted:
    id: str
    key: str
    sender: int
    recipient: int
    amount: int
    dispute: str | None = None  # open dispute id
    reversed: bool = False


@dataclass
class Hold:
    id: str
    owner: int
    amount: int
    state: str = "PENDING"
    actual: int | None = None


@dataclass
class World:
    url: str
    admin_key: str
    reviewer_key: str
    loop: asyncio.AbstractEventLoop
    http: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self.http = httpx.Client(base_url=self.url, timeout=30)

    def gql(self, query: str, variables: dict, key: str) -> dict:
        body = self.http.post("/graphql", json={"query": query, "variables": variables},
                              headers={"Authorization": f"Bearer {key}"}).json()
        assert not body.get("errors"), body
        return body["data"]

    def run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result()


def machine_for(world: World) -> type[RuleBasedStateMachine]:
    class LedgerMachine(RuleBasedStateMachine):
        """The auditor: balances, holds and transfers as they must be."""

        @initialize()
        def open_accounts(self) -> None:
            self.accounts: list[Account] = []
            self.transfers: list[Posted] = []
            self.holds: list[Hold] = []
            self.expired_once = False
            self.policy({"starterGrant": FUNDS})
            try:
                for _ in range(MEMBERS):
                    payload = world.gql(REGISTER, {"input": {"handle": new_handle("s"), "kind": "AGENT",
                                                             "issueKey": True}}, world.admin_key)["contributorRegister"]
                    contributor = payload["contributor"]
                    assert contributor["balance"] == FUNDS
                    self.accounts.append(Account(contributor["handle"], payload["apiKey"], FUNDS))
            finally:
                self.policy({"starterGrant": self.starter_grant})

        def policy(self, changes: dict) -> None:
            if not hasattr(self, "starter_grant"):
                self.starter_grant = world.gql("{ rewardPolicy { starterGrant } }", {}, world.admin_key)[
                    "rewardPolicy"
                ]["starterGrant"]
            payload = world.gql(POLICY_UPDATE, {"input": {"reason": "stateful test"} | changes},
                                world.admin_key)["rewardPolicyUpdate"]
            assert payload["userErrors"] == [], payload

        def expect_error(self, payload: dict, code: str, field: str | None = "-") -> None:
            assert payload["userErrors"] and payload["userErrors"][0]["code"] == code, (code, payload)
            if field != "-":
                assert payload["userErrors"][0]["field"] == field, payload

        @rule(sender=st.integers(0, MEMBERS - 1), recipient=st.integers(0, MEMBERS - 1), amount=st.integers(1, 500))
        def transfer(self, sender: int, recipient: int, amount: int) -> None:
            if sender == recipient:
                return
            key = uuid.uuid4().hex
            src, dst = self.accounts[sender], self.accounts[recipient]
            payload = world.gql(TRANSFER, {"input": {"to": dst.handle, "amount": amount, "idempotencyKey": key}},
                                src.key)["tokenTransfer"]
            if src.frozen:
                return self.expect_error(payload, "FROZEN", None)
            if dst.frozen:
                return self.expect_error(payload, "FROZEN", "to")
            if amount > src.available:
                return self.expect_error(payload, "INSUFFICIENT_FUNDS", "amount")
            assert payload["userErrors"] == [] and payload["replayed"] is False, payload
            src.balance -= amount
            dst.balance += amount
            self.transfers.append(Posted(payload["transfer"]["id"], key, sender, recipient, amount))

        @precondition(lambda self: self.transfers)
        @rule(data=st.data(), same=st.booleans())
        def retry_a_key(self, data, same: bool) -> None:
            posted = data.draw(st.sampled_from(self.transfers))
            src, dst = self.accounts[posted.sender], self.accounts[posted.recipient]
            amount = posted.amount if same else posted.amount + 1
            payload = world.gql(TRANSFER, {"input": {"to": dst.handle, "amount": amount,
                                                     "idempotencyKey": posted.key}}, src.key)["tokenTransfer"]
            if same:  # the original, even if the sender is frozen or broke by now
                assert payload["replayed"] is True and payload["transfer"]["id"] == posted.id, payload
            else:
                self.expect_error(payload, "IDEMPOTENCY_CONFLICT", "idempotencyKey")

        @rule(owner=st.integers(0, MEMBERS - 1), amount=st.integers(1, 400))
        def reserve(self, owner: int, amount: int) -> None:
            account = self.accounts[owner]
            payload = world.gql(RESERVE, {"input": {"amount": amount, "ttlSeconds": 600,
                                                    "idempotencyKey": uuid.uuid4().hex}}, account.key)["computeReserve"]
            if account.frozen:
                return self.expect_error(payload, "FROZEN")
            if amount > account.available:
                return self.expect_error(payload, "INSUFFICIENT_FUNDS", "amount")
            assert payload["userErrors"] == [], payload
            account.reserved += amount
            self.holds.append(Hold(payload["reservation"]["id"], owner, amount))

        @precondition(lambda self: self.holds)
        @rule(data=st.data(), share=st.floats(0, 1.2))
        def settle(self, data, share: float) -> None:
            hold = data.draw(st.sampled_from(self.holds))
            actual = int(hold.amount * share)
            account = self.accounts[hold.owner]
            payload = world.gql(SETTLE, {"input": {"reservation": hold.id, "actual": actual}}, account.key)[
                "computeSettle"
            ]
            if hold.state == "SETTLED":
                if actual == hold.actual:
                    assert payload["replayed"] is True, payload
                    return None
                return self.expect_error(payload, "ALREADY_SETTLED", "actual")
            if hold.state != "PENDING":
                return self.expect_error(payload, "RESERVATION_CLOSED", "reservation")
            if actual > hold.amount:
                return self.expect_error(payload, "EXCEEDS_RESERVATION", "actual")
            assert payload["userErrors"] == [], payload
            account.reserved -= hold.amount
            account.balance -= actual
            hold.state = "SETTLED"
            hold.actual = actual

        @precondition(lambda self: self.holds)
        @rule(data=st.data())
        def void(self, data) -> None:
            hold = data.draw(st.sampled_from(self.holds))
            account = self.accounts[hold.owner]
            payload = world.gql(VOID, {"input": {"reservation": hold.id}}, account.key)["computeVoid"]
            if hold.state in ("SETTLED", "EXPIRED"):
                return self.expect_error(payload, "RESERVATION_CLOSED", "reservation")
            assert payload["userErrors"] == [], payload
            if hold.state == "PENDING":
                account.reserved -= hold.amount
            hold.state = "VOIDED"

        @rule()
        def time_passes(self) -> None:
            """Every pending reservation times out; the sweeper voids each once."""
            later = datetime.now(timezone.utc) + timedelta(hours=1)
            while world.run(sweep_expired_reservations(now=later)):
                pass
            for hold in self.holds:
                if hold.state == "PENDING":
                    hold.state = "EXPIRED"
                    self.accounts[hold.owner].reserved -= hold.amount

        @precondition(lambda self: len(self.transfers) >= 4 and not self.expired_once)
        @rule()
        def tokens_expire(self) -> None:
            """Months without activity under an ACTIVITY policy: every unreserved token goes back to mint
            (once per run: afterwards the accounts hold only what is reserved)."""
            self.policy({"expiryMode": "ACTIVITY", "expiryMonths": 1})
            try:
                world.run(sweep_expired_tokens(now=datetime.now(timezone.utc) + timedelta(days=40)))
            finally:
                self.policy({"expiryMode": "NONE"})
            self.expired_once = True
            for account in self.accounts:
                account.balance = account.reserved

        @rule(member=st.integers(0, MEMBERS - 1))
        def freeze_or_unfreeze(self, member: int) -> None:
            account = self.accounts[member]
            if account.frozen:
                payload = world.gql(UNFREEZE, {"input": {"handle": account.handle}}, world.admin_key)[
                    "contributorUnfreeze"
                ]
            else:
                payload = world.gql(FREEZE, {"input": {"handle": account.handle, "reason": "stateful test"}},
                                    world.admin_key)["contributorFreeze"]
            assert payload["userErrors"] == [] and payload["contributor"]["frozen"] is not account.frozen, payload
            account.frozen = not account.frozen

        @precondition(lambda self: self.transfers)
        @rule(data=st.data(), reverse=st.booleans())
        def dispute(self, data, reverse: bool) -> None:
            posted = data.draw(st.sampled_from(self.transfers))
            src, dst = self.accounts[posted.sender], self.accounts[posted.recipient]
            if posted.dispute is None:
                opened = world.gql(DISPUTE_OPEN, {"input": {"transfer": posted.id, "reason": "stateful dispute"}},
                                   src.key)["disputeOpen"]
                if posted.reversed:
                    return self.expect_error(opened, "ALREADY_REVERSED", "transfer")
                assert opened["userErrors"] == [], opened
                posted.dispute = opened["dispute"]["id"]
            resolved = world.gql(DISPUTE_RESOLVE, {"input": {"dispute": posted.dispute, "note": "audited",
                                                             "resolution": "REVERSE" if reverse else "UPHOLD"}},
                                 world.reviewer_key)["disputeResolve"]
            if reverse and posted.amount > dst.available:
                return self.expect_error(resolved, "INSUFFICIENT_FUNDS", "dispute")  # stays open
            assert resolved["userErrors"] == [], resolved
            posted.dispute = None
            if reverse:
                posted.reversed = True
                dst.balance -= posted.amount
                src.balance += posted.amount

        @invariant()
        def balances_match_the_auditor(self) -> None:
            if not getattr(self, "accounts", None):
                return
            query = "{ " + " ".join(f'a{i}: tokenBalance(account: "{a.handle}") {{ balance reserved frozen }}'
                                    for i, a in enumerate(self.accounts)) + " }"
            seen = world.gql(query, {}, world.admin_key)
            for i, account in enumerate(self.accounts):
                assert seen[f"a{i}"] == {"balance": account.balance, "reserved": account.reserved,
                                         "frozen": account.frozen}, (account, seen[f"a{i}"])
                assert account.balance >= account.reserved >= 0

        @invariant()
        def the_books_balance(self) -> None:
            world.run(assert_ledger_invariants())

    return LedgerMachine


async def test_ledger_against_an_auditor(server, admin_key):
    world = World(server.url, admin_key, await make_key(Role.REVIEWER), asyncio.get_running_loop())
    machine = seed(SEED)(machine_for(world))
    config = settings(max_examples=int(os.environ.get("LEDGER_STATEFUL_EXAMPLES", "8")), stateful_step_count=20,
                      deadline=None, database=None, print_blob=True,
                      suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    try:
        await asyncio.to_thread(run_state_machine_as_test, machine, settings=config)
    except BaseException:
        print(f"\nledger stateful test failed; reproduce with LEDGER_STATEFUL_SEED={SEED}")
        raise
    finally:
        world.http.close()

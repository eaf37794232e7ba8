"""The double-entry ledger: accounts, postings, idempotency keys, balances and history.

Every movement of tokens is one `post`: a single statement inserts the transfer, updates both
balances (and the earned/spent counters) and writes both entries, on accounts locked in id order.
`post_once` wraps it for callers with an idempotency key: lock, return the original when the key
was used before (a user error when the values differ), check, post.
User balances never go below what is reserved, and never below 0 (CHECK constraints back the
user errors up). The sum of all balances stays 0: each posting adds +amount and -amount.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.columns import max_length
from models.contributors import Contributor
from models.economy.ledger import (
    EARNING_KINDS,
    SPENDING_KINDS,
    Account,
    AccountKind,
    Entry,
    Transfer,
    TransferKind,
)
from services import clock, contributors
from services.errors import DomainError, NotFound
from services.rows import from_row
from subscriptions.outbox import record_event, record_events

log = logging.getLogger(__name__)

MINT, COMPUTE, MARKET = "system:mint", "system:compute", "system:market"
SYSTEM_ACCOUNTS = (MINT, COMPUTE, MARKET)
MAX_AMOUNT = 2**63 - 1
MAX_KEY = max_length(Transfer, "idempotency_key")
MAX_MEMO = max_length(Transfer, "memo")

LOCK_ACCOUNTS_SQL = (
    'SELECT "id", "name", "kind", "contributor_id", "balance", "reserved", "earned_today", "earned_day", "frozen" '
    'FROM "ledger_accounts" WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE'
)
FIND_BY_KEY_SQL = (
    'SELECT "id", "idempotency_key", "kind", "debit_account_id", "credit_account_id", "amount", "memo", '
    '"reverses_id", "reservation_id", "policy_version", "factors", "created_by_id", "created_at" '
    'FROM "ledger_transfers" WHERE "idempotency_key" = $1'
)
ACCOUNT_OF_PRINCIPAL_SQL = (
    'SELECT a."id" FROM "ledger_accounts" a JOIN "contributors" c ON c."id" = a."contributor_id" '
    'WHERE c."principal_id" = $1'
)
# tokenTransfer's two accounts in one round trip: the caller's (through its principal) and the recipient's
RESOLVE_TRANSFER_SQL = (
    f'SELECT ({ACCOUNT_OF_PRINCIPAL_SQL}) AS "sender", '
    '(SELECT "id" FROM "ledger_accounts" WHERE "name" = $2 AND "kind" = \'USER\') AS "recipient"'
)
# One statement: the transfer row, both balances (and counters), both entries with the balance after.
POST_SQL = """
WITH t AS (
    INSERT INTO "ledger_transfers" ("idempotency_key", "kind", "debit_account_id", "credit_account_id", "amount",
        "memo", "reverses_id", "reservation_id", "policy_version", "factors", "created_by_id", "created_at")
    VALUES ($1, $2, $3::bigint, $4::bigint, $5::bigint, $6, $7::bigint, $8::bigint, $9::int, $10::jsonb, $11::bigint,
      $20::timestamptz)
    RETURNING "id", "created_at"
), a AS (
    UPDATE "ledger_accounts" AS a SET
        "balance" = a."balance" + v.delta,
        "reserved" = a."reserved" - v.release,
        "earned" = a."earned" + v.earned,
        "spent" = a."spent" + v.spent,
        "earned_today" = coalesce(v.earned_today, a."earned_today"),
        "earned_day" = coalesce(v.earned_day, a."earned_day"),
        "last_activity_at" = CASE WHEN v.active THEN t."created_at" ELSE a."last_activity_at" END
    FROM unnest($12::bigint[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[], $17::bigint[],
                $18::date[], $19::bool[]) AS v(id, delta, release, earned, spent, earned_today, earned_day, active), t
    WHERE a."id" = v.id
    RETURNING a."id", a."balance", a."reserved"
), e AS (
    INSERT INTO "ledger_entries" ("account_id", "transfer_id", "counterparty_id", "amount", "balance_after",
        "kind", "created_at")
    SELECT a."id", t."id", CASE WHEN a."id" = $3::bigint THEN $4::bigint ELSE $3::bigint END,
           CASE WHEN a."id" = $3::bigint THEN -$5::bigint ELSE $5::bigint END, a."balance", $2, t."created_at"
    FROM t, a
)
SELECT t."id", t."created_at", a."id" AS "account_id", a."balance", a."reserved" FROM t, a
"""
# Several postings in one statement (no reservations, no reversals): the transfers, each account's
# summed changes, and every entry with the running balance the caller computed on the locked rows.
POST_MANY_SQL = """
WITH t AS (
    INSERT INTO "ledger_transfers" ("idempotency_key", "kind", "debit_account_id", "credit_account_id", "amount",
        "memo", "policy_version", "factors", "created_by_id", "created_at")
    SELECT v.k, v.kind, v.debit, v.credit, v.amount, v.memo, v.policy_version, v.factors::jsonb, v.created_by,
           $23::timestamptz
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[], $7::int[], $8::text[],
                $9::bigint[]) AS v(k, kind, debit, credit, amount, memo, policy_version, factors, created_by)
    RETURNING "id", "idempotency_key", "created_at"
), a AS (
    UPDATE "ledger_accounts" AS a SET
        "balance" = a."balance" + v.delta,
        "earned" = a."earned" + v.earned,
        "spent" = a."spent" + v.spent,
        "earned_today" = coalesce(v.earned_today, a."earned_today"),
        "earned_day" = coalesce(v.earned_day, a."earned_day"),
        "last_activity_at" = CASE WHEN v.active THEN $23::timestamptz ELSE a."last_activity_at" END
    FROM unnest($10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[], $15::date[], $16::bool[])
        AS v(id, delta, earned, spent, earned_today, earned_day, active)
    WHERE a."id" = v.id
    RETURNING a."id"
), e AS (
    INSERT INTO "ledger_entries" ("account_id", "transfer_id", "counterparty_id", "amount", "balance_after", "kind",
        "created_at")
    SELECT v.account, t."id", v.counterparty, v.amount, v.balance_after, v.kind, t."created_at"
    FROM unnest($17::text[], $18::bigint[], $19::bigint[], $20::bigint[], $21::bigint[], $22::text[])
        AS v(k, account, counterparty, amount, balance_after, kind)
    JOIN t ON t."idempotency_key" = v.k
)
SELECT t."id", t."idempotency_key", t."created_at", (SELECT count(*) FROM a) AS "accounts" FROM t
"""


@dataclass
class LockedAccount:
    id: int
    name: str
    kind: AccountKind
    contributor_id: int | None
    balance: int
    reserved: int
    earned_today: int
    earned_day: date | None
    frozen: bool

    @property
    def is_user(self) -> bool:
        return self.kind is AccountKind.USER

    @property
    def available(self) -> int:
        return self.balance - self.reserved


@dataclass
class Posting:
    kind: TransferKind
    debit: int
    credit: int
    amount: int
    idempotency_key: str
    memo: str = ""
    reverses_id: int | None = None
    reverses_kind: TransferKind | None = None
    reservation_id: int | None = None
    release: int = 0  # tokens of the debit account's reservation that this posting releases
    policy_version: int | None = None
    factors: dict[str, str] | None = None
    created_by: int | None = None
    extra_event: dict[str, Any] = field(default_factory=dict)
    funds_field: str | None = "amount"  # the input field a shortfall is blamed on


@dataclass
class Posted:
    transfer: Transfer
    accounts: dict[int, LockedAccount]
    replayed: bool  # the idempotency key was used before: this is the original transfer

    def account(self, account_id: int) -> LockedAccount:
        return self.accounts[account_id]


# --- validation ---------------------------------------------------------------------------------

def check_amount(amount: int, field_name: str = "amount") -> int:
    if not 1 <= amount <= MAX_AMOUNT:
        raise DomainError(field_name, f"must be a whole number of tokens between 1 and {MAX_AMOUNT}, got {amount}")
    return amount


def check_key(key: str, field_name: str = "idempotencyKey") -> str:
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise DomainError(field_name, f"must be 1-{MAX_KEY} printable characters")
    return key


def check_memo(memo: str) -> str:
    if len(memo) > MAX_MEMO:
        raise DomainError("memo", f"at most {MAX_MEMO} characters, got {len(memo)}")
    return memo


# --- reading ------------------------------------------------------------------------------------

async def account_by_name(name: str) -> Account | None:
    return await Account.get_or_none(name=name)


async def require_account(name: str, field_name: str = "account") -> Account:
    account = await account_by_name(name)
    if account is None:
        raise NotFound(field_name, f"no account {name!r}: a contributor handle or one of {', '.join(SYSTEM_ACCOUNTS)}")
    return account


async def account_of_principal(principal: Principal, conn: BaseDBAsyncClient | None = None) -> int | None:
    client = conn or Account._meta.db
    rows = await client.execute_query_dict(ACCOUNT_OF_PRINCIPAL_SQL, [principal.id])
    return rows[0]["id"] if rows else None


async def accounts_by_ids(ids: Iterable[int]) -> dict[int, Account]:
    return {a.id: a for a in await Account.filter(id__in=list(set(ids)))}


async def accounts_of_contributors(contributor_ids: Iterable[int],
                                   conn: BaseDBAsyncClient | None = None) -> dict[int, Account]:
    query = Account.filter(contributor_id__in=list(set(contributor_ids)))
    return {a.contributor_id: a for a in await (query.using_db(conn) if conn else query)}


async def system_account_id(name: str, conn: BaseDBAsyncClient | None = None) -> int:
    rows = await (conn or Account._meta.db).execute_query_dict(
        'SELECT "id" FROM "ledger_accounts" WHERE "name" = $1', [name])
    return rows[0]["id"]


def history_query(account_id: int, kinds: list[TransferKind] | None):
    query = Entry.filter(account_id=account_id)
    if kinds:
        query = query.filter(kind__in=list(kinds))
    return query


def transfers_query(kinds: list[TransferKind] | None):
    """Every transfer, for reviewers' and admins' view of the whole ledger."""
    query = Transfer.all()
    if kinds:
        query = query.filter(kind__in=list(kinds))
    return query


async def transfer_by_id(transfer_id: int) -> Transfer | None:
    return await Transfer.get_or_none(id=transfer_id)


async def may_see(principal: Principal | None, account_ids: Iterable[int]) -> bool:
    """History is private: a party (the owner of one of the accounts), reviewers and admins see it."""
    if principal is None:
        return False
    if principal.role in (Role.ADMIN, Role.REVIEWER):
        return True
    return await account_of_principal(principal) in set(account_ids)


# --- posting ------------------------------------------------------------------------------------

async def lock_accounts(conn: BaseDBAsyncClient, ids: Iterable[int]) -> dict[int, LockedAccount]:
    """FOR UPDATE in id order: two postings over the same accounts never deadlock."""
    rows = await conn.execute_query_dict(LOCK_ACCOUNTS_SQL, [sorted(set(ids))])
    return {row["id"]: LockedAccount(id=row["id"], name=row["name"], kind=AccountKind(row["kind"]),
                                     contributor_id=row["contributor_id"], balance=row["balance"],
                                     reserved=row["reserved"], earned_today=row["earned_today"],
                                     earned_day=row["earned_day"], frozen=row["frozen"]) for row in rows}


async def find_by_key(conn: BaseDBAsyncClient, key: str) -> Transfer | None:
    rows = await conn.execute_query_dict(FIND_BY_KEY_SQL, [key])
    return from_row(Transfer, rows[0]) if rows else None


def _same(existing: Transfer, posting: Posting) -> Transfer:
    mine = (posting.kind, posting.debit, posting.credit, posting.amount, posting.memo, posting.reverses_id,
            posting.reservation_id)
    theirs = (existing.kind, existing.debit_account_id, existing.credit_account_id, existing.amount, existing.memo,
              existing.reverses_id, existing.reservation_id)
    if mine != theirs:
        raise DomainError("idempotencyKey", f"this key was used for another transfer (id {existing.id}) with "
                          "different values; use a new key for a new transfer", "IDEMPOTENCY_CONFLICT")
    return existing


def _utc_today() -> date:
    return clock.today()


def _side_arrays(posting: Posting, accounts: dict[int, LockedAccount]) -> list[list[Any]]:
    """Per account (debit, credit): balance delta, reservation released, earned, spent, earned today."""
    today = _utc_today()
    columns: list[list[Any]] = [[] for _ in range(8)]
    for account_id, delta in ((posting.debit, -posting.amount), (posting.credit, posting.amount)):
        account = accounts[account_id]
        is_debit = account_id == posting.debit
        earned = spent = 0
        earned_today: int | None = None
        if account.is_user:
            if posting.kind in EARNING_KINDS and not is_debit:
                earned = posting.amount
                earned_today = (account.earned_today if account.earned_day == today else 0) + posting.amount
            elif posting.kind in SPENDING_KINDS and is_debit:
                spent = posting.amount
            elif posting.kind is TransferKind.REVERSAL and posting.reverses_kind is not None:
                # undo the counter the original moved: its recipient earned, its payer spent
                if posting.reverses_kind in EARNING_KINDS and is_debit:
                    earned = -posting.amount
                elif posting.reverses_kind in SPENDING_KINDS and not is_debit:
                    spent = -posting.amount
        values = [account_id, delta, posting.release if is_debit else 0, earned, spent, earned_today,
                  today if earned_today is not None else None,
                  account.is_user and posting.kind is not TransferKind.EXPIRY]
        for column, value in zip(columns, values):
            column.append(value)
    return columns


def check_funds(posting: Posting, accounts: dict[int, LockedAccount]) -> None:
    debit = accounts[posting.debit]
    if debit.is_user:
        spendable = debit.available + posting.release
        if posting.amount > spendable:
            raise DomainError(posting.funds_field, f"insufficient funds: {debit.name} has {spendable} tokens available "
                              f"({debit.balance} balance, {debit.reserved - posting.release} reserved), "
                              f"needs {posting.amount}", "INSUFFICIENT_FUNDS")


async def post(conn: BaseDBAsyncClient, posting: Posting, accounts: dict[int, LockedAccount]) -> Transfer:
    """Write one posting on locked `accounts` (which are updated in place) and its event."""
    check_funds(posting, accounts)
    rows = await conn.execute_query_dict(POST_SQL, [
        posting.idempotency_key, posting.kind.value, posting.debit, posting.credit, posting.amount, posting.memo,
        posting.reverses_id, posting.reservation_id, posting.policy_version,
        json.dumps(posting.factors) if posting.factors is not None else None, posting.created_by,
        *_side_arrays(posting, accounts), clock.now(),
    ])
    for row in rows:
        accounts[row["account_id"]].balance = row["balance"]
        accounts[row["account_id"]].reserved = row["reserved"]
    credit = accounts[posting.credit]
    if posting.kind in EARNING_KINDS and credit.is_user:
        today = _utc_today()
        credit.earned_today = (credit.earned_today if credit.earned_day == today else 0) + posting.amount
        credit.earned_day = today
    transfer = from_row(Transfer, {
        "id": rows[0]["id"], "created_at": rows[0]["created_at"], "idempotency_key": posting.idempotency_key,
        "kind": posting.kind.value, "debit_account_id": posting.debit, "credit_account_id": posting.credit,
        "amount": posting.amount, "memo": posting.memo, "reverses_id": posting.reverses_id,
        "reservation_id": posting.reservation_id, "policy_version": posting.policy_version,
        "factors": posting.factors, "created_by_id": posting.created_by,
    })
    debit = accounts[posting.debit]
    await record_event(
        "ledger.transfer.posted.v1",
        _posted_event(
            transfer.id,
            posting,
            debit.name,
            credit=credit.name,
            debit_balance=debit.balance,
            credit_balance=credit.balance,
        ),
        conn,
    )
    return transfer


def _posted_event(transfer_id: int, posting: Posting, debit: str, *, credit: str, debit_balance: int,
                  credit_balance: int) -> dict[str, Any]:
    return {
        "transferId": transfer_id, "kind": posting.kind, "amount": posting.amount,
        "debitAccount": debit, "creditAccount": credit, "accounts": [debit, credit],
        "balances": {debit: debit_balance, credit: credit_balance}, "memo": posting.memo,
        "reverses": posting.reverses_id, "reservationId": posting.reservation_id,
        "policyVersion": posting.policy_version, "factors": posting.factors,
    } | posting.extra_event


async def post_many(conn: BaseDBAsyncClient, postings: list[Posting],
                    accounts: dict[int, LockedAccount]) -> list[Transfer]:
    """`post` for several postings on locked `accounts`, in order (a later one may spend what an
    earlier one credited), in one statement and one bulk insert of their events. Postings here
    neither release reservations nor reverse transfers."""
    if not postings:
        return []
    if any(p.reverses_id or p.reservation_id or p.release for p in postings):
        raise ValueError("post_many takes no reversals or reservations: use post")
    totals: dict[int, list[Any]] = {}  # account -> [delta, earned, spent, earned_today, earned_day, active]
    entries: list[list[Any]] = [[] for _ in range(6)]
    balances: list[tuple[int, int]] = []
    for posting in postings:
        check_funds(posting, accounts)
        columns = _side_arrays(posting, accounts)
        for i, account_id in enumerate(columns[0]):
            account = accounts[account_id]
            total = totals.setdefault(account_id, [0, 0, 0, None, None, False])
            total[0] += columns[1][i]
            total[1] += columns[3][i]
            total[2] += columns[4][i]
            if columns[5][i] is not None:
                total[3], total[4] = columns[5][i], columns[6][i]
                account.earned_today, account.earned_day = columns[5][i], columns[6][i]
            total[5] = total[5] or columns[7][i]
            account.balance += columns[1][i]
            for column, value in zip(entries, (posting.idempotency_key, account_id,
                                               posting.credit if account_id == posting.debit else posting.debit,
                                               columns[1][i], account.balance, posting.kind.value)):
                column.append(value)
        balances.append((accounts[posting.debit].balance, accounts[posting.credit].balance))
    ids = list(totals)
    rows = await conn.execute_query_dict(POST_MANY_SQL, [
        [p.idempotency_key for p in postings], [p.kind.value for p in postings], [p.debit for p in postings],
        [p.credit for p in postings], [p.amount for p in postings], [p.memo for p in postings],
        [p.policy_version for p in postings],
        [json.dumps(p.factors) if p.factors is not None else None for p in postings],
        [p.created_by for p in postings],
        ids, *([totals[i][n] for i in ids] for n in range(6)), *entries, clock.now(),
    ])
    found = {row["idempotency_key"]: row for row in rows}
    transfers = []
    for posting, (debit_balance, credit_balance) in zip(postings, balances):
        row = found[posting.idempotency_key]
        transfers.append(from_row(Transfer, {
            "id": row["id"], "created_at": row["created_at"], "idempotency_key": posting.idempotency_key,
            "kind": posting.kind.value, "debit_account_id": posting.debit, "credit_account_id": posting.credit,
            "amount": posting.amount, "memo": posting.memo, "reverses_id": None, "reservation_id": None,
            "policy_version": posting.policy_version, "factors": posting.factors, "created_by_id": posting.created_by,
        }))
    await record_events(
        "ledger.transfer.posted.v1",
        [
            _posted_event(
                t.id,
                p,
                accounts[p.debit].name,
                credit=accounts[p.credit].name,
                debit_balance=debit_balance,
                credit_balance=credit_balance,
            )
            for t, p, (debit_balance, credit_balance) in zip(transfers, postings, balances)
        ],
        conn,
    )
    return transfers


Check = Callable[[dict[int, LockedAccount]], None]


async def post_once_in(conn: BaseDBAsyncClient, posting: Posting, check: Check | None = None,
                       *, also_lock: Iterable[int] = ()) -> Posted:
    """Inside the caller's transaction: lock, replay or check, post."""
    accounts = await lock_accounts(conn, {posting.debit, posting.credit, *also_lock})
    existing = await find_by_key(conn, posting.idempotency_key)
    if existing is not None:
        return Posted(_same(existing, posting), accounts, replayed=True)
    if check is not None:
        check(accounts)
    return Posted(await post(conn, posting, accounts), accounts, replayed=False)


async def post_once(posting: Posting, check: Check | None = None) -> Posted:
    """`post_once_in` in a transaction of its own; a concurrent first use of the same key is settled
    by the unique index: the loser reads the winner's transfer and compares."""
    try:
        async with in_transaction() as conn:
            return await post_once_in(conn, posting, check)
    except IntegrityError as exc:
        return await after_integrity_error(exc, posting)


async def after_integrity_error(exc: IntegrityError, posting: Posting) -> Posted:
    message = str(exc)
    if "ledger_transfers_idempotency_key" in message:
        async with in_transaction() as conn:
            existing = await find_by_key(conn, posting.idempotency_key)
            accounts = await lock_accounts(conn, {posting.debit, posting.credit})
        if existing is not None:
            return Posted(_same(existing, posting), accounts, replayed=True)
    if "ledger_accounts_balance_non_negative" in message or "ledger_accounts_reserved_covered" in message:
        log.error("a CHECK constraint refused a posting the service let through", extra={"error": message})
        raise DomainError("amount", "insufficient funds", "INSUFFICIENT_FUNDS") from None
    raise exc


# --- user operations ----------------------------------------------------------------------------

def no_account() -> DomainError:
    return DomainError(None, "this API key acts for no contributor, so it has no account", "NO_ACCOUNT")


def refuse_frozen(account: LockedAccount, field_name: str | None, whose: str) -> None:
    if account.frozen:
        raise DomainError(field_name, f"{whose} account {account.name} is frozen", "FROZEN")


async def transfer(principal: Principal, to: str, amount: int, *, memo: str, key: str) -> Posted:
    """`tokenTransfer`: from the caller's account to a contributor's."""
    check_amount(amount)
    check_key(key)
    check_memo(memo)
    [found] = await Account._meta.db.execute_query_dict(RESOLVE_TRANSFER_SQL, [principal.id, to])
    sender, recipient = found["sender"], found["recipient"]
    if sender is None:
        raise no_account()
    if recipient is None:
        raise NotFound("to", f"no contributor {to!r}")
    if recipient == sender:
        raise DomainError("to", "you cannot send tokens to yourself")

    def check(accounts: dict[int, LockedAccount]) -> None:
        refuse_frozen(accounts[sender], None, "your")
        refuse_frozen(accounts[recipient], "to", "the recipient's")

    return await post_once(Posting(kind=TransferKind.TRANSFER, debit=sender, credit=recipient, amount=amount,
                                   idempotency_key=key, memo=memo, created_by=principal.id), check)


async def create_account(conn: BaseDBAsyncClient, contributor: Contributor) -> Account:
    return await Account.create(name=contributor.handle, kind=AccountKind.USER, contributor=contributor,
                                created_at=clock.now(), using_db=conn)


async def set_frozen(handle: str, frozen: bool, reason: str, *, by: Principal) -> Contributor:
    """`contributorFreeze` / `contributorUnfreeze`: a frozen account neither earns nor spends."""
    reason = reason.strip()
    if frozen and not 3 <= len(reason) <= 500:
        raise DomainError("reason", "must be 3-500 characters")
    async with in_transaction() as conn:
        contributor = await contributors.require(handle, "handle", conn)
        account = await Account.filter(contributor_id=contributor.id).using_db(conn).select_for_update().first()
        if account is None:
            raise NotFound("handle", f"{handle!r} has no account")
        if account.frozen == frozen:
            raise DomainError("handle", f"{handle} is already {'frozen' if frozen else 'not frozen'}",
                              "ALREADY_FROZEN" if frozen else "NOT_FROZEN")
        await Account.filter(id=account.id).using_db(conn).update(frozen=frozen, frozen_reason=reason if frozen else "")
        await record_event(f"ledger.account.{'frozen' if frozen else 'unfrozen'}.v1",
                           {"account": account.name, "accounts": [account.name], "contributorId": contributor.id,
                            "reason": reason, "by": by.id}, conn)
    return contributor

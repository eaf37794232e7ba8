"""Compute paid two-phase: reserve (hold tokens), then settle (post at most what was held) or void;
reservations past their timeout are voided by the sweeper, in whichever replica locks them first.

Lock order everywhere: the reservation row, then accounts in id order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.economy.compute import Reservation, ReservationState
from models.economy.ledger import Transfer, TransferKind
from services import clock
from services.economy import ledger
from services.economy.policy import current_policy
from services.economy.rules import tokens_for_usd
from services.errors import DomainError, NotFound
from services.rows import from_row
from subscriptions.outbox import record_event

log = logging.getLogger(__name__)

MIN_TTL_SECONDS = 1
MAX_TTL_SECONDS = 7 * 86400
SWEEP_BATCH = 500

LOCK_RESERVATION_SQL = (
    'SELECT "id", "idempotency_key", "account_id", "amount", "charged", "state", "expires_at", "created_by_id", '
    '"created_at", "closed_at" FROM "ledger_reservations" WHERE "id" = $1 FOR UPDATE'
)
DUE_RESERVATIONS_SQL = (
    'SELECT "id", "account_id", "amount", "charged" FROM "ledger_reservations" '
    'WHERE "state" = \'PENDING\' AND "expires_at" <= $1 ORDER BY "expires_at" LIMIT $2 FOR UPDATE SKIP LOCKED'
)
RELEASE_SQL = (
    'UPDATE "ledger_accounts" AS a SET "reserved" = a."reserved" - v.amount '
    'FROM unnest($1::bigint[], $2::bigint[]) AS v(id, amount) WHERE a."id" = v.id'
)


@dataclass
class ReservationResult:
    reservation: Reservation
    account: ledger.LockedAccount
    transfer: Transfer | None = None
    replayed: bool = False


@dataclass
class Charge:
    """What `charge_usd` did: `paid` with the transfer (None for 0 tokens), or UNPAID with a reason
    and the tokens missing (`shortfall`)."""

    tokens: int
    paid: bool
    transfer: Transfer | None
    reason: str | None = None
    shortfall: int = 0


async def _lock_reservation(conn: BaseDBAsyncClient, reservation_id: int) -> Reservation | None:
    rows = await conn.execute_query_dict(LOCK_RESERVATION_SQL, [reservation_id])
    return from_row(Reservation, rows[0]) if rows else None


async def _release(conn: BaseDBAsyncClient, amounts: dict[int, int], accounts: dict[int, ledger.LockedAccount]) -> None:
    amounts = {k: v for k, v in amounts.items() if v}
    if not amounts:
        return
    await conn.execute_query(RELEASE_SQL, [list(amounts), list(amounts.values())])
    for account_id, amount in amounts.items():
        if account_id in accounts:
            accounts[account_id].reserved -= amount


def _event_payload(reservation: Reservation, account: ledger.LockedAccount, **extra: Any) -> dict[str, Any]:
    return {"reservationId": reservation.id, "account": account.name, "accounts": [account.name],
            "amount": reservation.amount, "charged": reservation.charged, "state": reservation.state,
            "expiresAt": reservation.expires_at} | extra


async def reserve(principal: Principal, amount: int, ttl_seconds: int, *, key: str) -> ReservationResult:
    """`computeReserve`: hold `amount` of the caller's available tokens for `ttl_seconds`."""
    ledger.check_amount(amount)
    ledger.check_key(key)
    if not MIN_TTL_SECONDS <= ttl_seconds <= MAX_TTL_SECONDS:
        raise DomainError("ttlSeconds", f"must be between {MIN_TTL_SECONDS} and {MAX_TTL_SECONDS}")
    account_id = await ledger.account_of_principal(principal)
    if account_id is None:
        raise ledger.no_account()
    try:
        async with in_transaction() as conn:
            accounts = await ledger.lock_accounts(conn, [account_id])
            account = accounts[account_id]
            existing = await Reservation.get_or_none(idempotency_key=key).using_db(conn)
            if existing is not None:
                return ReservationResult(_same_reservation(existing, account_id, amount), account, replayed=True)
            ledger.refuse_frozen(account, None, "your")
            if amount > account.available:
                raise DomainError("amount", f"insufficient funds: {account.available} tokens available "
                                  f"({account.balance} balance, {account.reserved} reserved), needs {amount}",
                                  "INSUFFICIENT_FUNDS")
            now = clock.now()
            reservation = await Reservation.create(idempotency_key=key, account_id=account_id, amount=amount,
                                                   expires_at=now + timedelta(seconds=ttl_seconds),
                                                   created_by_id=principal.id, created_at=now, using_db=conn)
            await conn.execute_query('UPDATE "ledger_accounts" SET "reserved" = "reserved" + $2 WHERE "id" = $1',
                                     [account_id, amount])
            account.reserved += amount
            await record_event("ledger.reservation.created.v1", _event_payload(reservation, account), conn)
            return ReservationResult(reservation, account)
    except IntegrityError as exc:
        if "ledger_reservations_idempotency_key" not in str(exc):
            raise
        existing = await Reservation.get(idempotency_key=key)
        async with in_transaction() as conn:
            account = (await ledger.lock_accounts(conn, [account_id]))[account_id]
        return ReservationResult(_same_reservation(existing, account_id, amount), account, replayed=True)


def _same_reservation(existing: Reservation, account_id: int, amount: int) -> Reservation:
    if (existing.account_id, existing.amount) != (account_id, amount):
        raise DomainError("idempotencyKey", f"this key was used for another reservation (amount {existing.amount}); "
                          "use a new key", "IDEMPOTENCY_CONFLICT")
    return existing


async def _owned_pending(conn: BaseDBAsyncClient, reservation_id: int, principal: Principal | None) -> Reservation:
    reservation = await _lock_reservation(conn, reservation_id)
    if reservation is None:
        raise NotFound("reservation", "no such reservation")
    if principal is not None and principal.role is not Role.ADMIN:
        if await ledger.account_of_principal(principal, conn) != reservation.account_id:
            raise NotFound("reservation", "no such reservation")
    return reservation


def _settle_key(reservation_id: int) -> str:
    return f"reservation:{reservation_id}:settle"


async def settle(principal: Principal, reservation_id: int, actual: int) -> ReservationResult:
    """`computeSettle`: post `actual` (at most the amount held) to `compute` and release the rest.
    Settling again with the same `actual` returns the settlement; another value is a user error."""
    if actual < 0:
        raise DomainError("actual", f"must be >= 0, got {actual}")
    async with in_transaction() as conn:
        reservation = await _owned_pending(conn, reservation_id, principal)
        compute_id = await ledger.system_account_id(ledger.COMPUTE, conn)
        accounts = await ledger.lock_accounts(conn, [reservation.account_id, compute_id])
        account = accounts[reservation.account_id]
        if reservation.state is ReservationState.SETTLED:
            if reservation.charged != actual:
                raise DomainError("actual", f"this reservation was settled with {reservation.charged} tokens",
                                  "ALREADY_SETTLED")
            transfer = await Transfer.get_or_none(idempotency_key=_settle_key(reservation.id)).using_db(conn)
            return ReservationResult(reservation, account, transfer, replayed=True)
        _require_pending(reservation)
        if actual > reservation.amount:
            raise DomainError("actual", f"at most the {reservation.amount} tokens reserved, got {actual}",
                              "EXCEEDS_RESERVATION")
        if actual < reservation.charged:
            raise DomainError("actual", f"{reservation.charged} tokens were already charged to this reservation",
                              "BELOW_CHARGED")
        held = reservation.amount - reservation.charged
        transfer = None
        if actual > reservation.charged:  # the posting releases the whole hold as it spends part of it
            transfer = await ledger.post(conn, ledger.Posting(
                kind=TransferKind.COMPUTE, debit=account.id, credit=compute_id, amount=actual - reservation.charged,
                idempotency_key=_settle_key(reservation.id), reservation_id=reservation.id, release=held,
                memo=f"settlement of reservation {reservation.id}", created_by=principal.id), accounts)
        else:
            await _release(conn, {account.id: held}, accounts)
        reservation = await _close(conn, reservation, ReservationState.SETTLED, charged=actual)
        await record_event("ledger.reservation.settled.v1",
                           _event_payload(reservation, account, transferId=transfer.id if transfer else None), conn)
    return ReservationResult(reservation, account, transfer)


def _require_pending(reservation: Reservation) -> None:
    if reservation.state is not ReservationState.PENDING:
        raise DomainError("reservation", f"this reservation is {reservation.state.value}", "RESERVATION_CLOSED")
    if reservation.expires_at <= clock.now():
        raise DomainError("reservation", "this reservation has expired; its tokens are being released",
                          "RESERVATION_EXPIRED")


async def _close(conn: BaseDBAsyncClient, reservation: Reservation, state: ReservationState,
                 *, charged: int | None = None) -> Reservation:
    reservation.state = state
    reservation.closed_at = clock.now()
    if charged is not None:
        reservation.charged = charged
    await Reservation.filter(id=reservation.id).using_db(conn).update(
        state=state, closed_at=reservation.closed_at, charged=reservation.charged)
    return reservation


async def void(principal: Principal, reservation_id: int) -> ReservationResult:
    """`computeVoid`: release what is still held. Voiding a voided reservation returns it."""
    async with in_transaction() as conn:
        reservation = await _owned_pending(conn, reservation_id, principal)
        accounts = await ledger.lock_accounts(conn, [reservation.account_id])
        account = accounts[reservation.account_id]
        if reservation.state is ReservationState.VOIDED:
            return ReservationResult(reservation, account, replayed=True)
        if reservation.state is not ReservationState.PENDING:
            raise DomainError("reservation", f"this reservation is {reservation.state.value}", "RESERVATION_CLOSED")
        await _release(conn, {account.id: reservation.amount - reservation.charged}, accounts)
        reservation = await _close(conn, reservation, ReservationState.VOIDED)
        await record_event("ledger.reservation.voided.v1", _event_payload(reservation, account), conn)
    return ReservationResult(reservation, account)


async def charge_usd(account_id: int, usd: Decimal, key: str, *, reservation_id: int | None = None,
                     memo: str = "", created_by: int | None = None,
                     conn: BaseDBAsyncClient | None = None) -> Charge:
    """Charge a USD cost as tokens at the policy's rate, rounded up, to a pending reservation
    (within what it still holds) or straight to an account. All or nothing: never raises for lack
    of funds; the caller records the work as UNPAID with `reason` and `shortfall`. A charge under a
    key used before returns that transfer. Run inside the caller's transaction (`conn`)."""
    if conn is None:
        async with in_transaction() as own:
            return await charge_usd(account_id, usd, key, reservation_id=reservation_id, memo=memo,
                                    created_by=created_by, conn=own)
    policy = await current_policy(conn)
    tokens = tokens_for_usd(usd, policy.tokens_per_usd)
    if tokens == 0:
        return Charge(0, True, None)
    reservation = None
    if reservation_id is not None:
        reservation = await _lock_reservation(conn, reservation_id)
        if reservation is None or reservation.account_id != account_id:
            return Charge(tokens, False, None, "no such reservation on this account", tokens)
    compute_id = await ledger.system_account_id(ledger.COMPUTE, conn)
    accounts = await ledger.lock_accounts(conn, [account_id, compute_id])
    existing = await ledger.find_by_key(conn, key)
    if existing is not None:
        return Charge(existing.amount, True, existing)
    account = accounts[account_id]
    release = 0
    if reservation is not None:
        held = reservation.amount - reservation.charged
        if reservation.state is not ReservationState.PENDING or reservation.expires_at <= clock.now():
            return Charge(tokens, False, None, f"the reservation is {reservation.state.value.lower()} or expired",
                          tokens)
        if tokens > held:
            return Charge(tokens, False, None, f"{tokens} tokens exceed the {held} still held by the reservation",
                          tokens - held)
        release = tokens
    elif account.frozen:
        return Charge(tokens, False, None, f"account {account.name} is frozen", tokens)
    elif tokens > account.available:
        return Charge(tokens, False, None, f"{account.name} has {account.available} tokens available, needs {tokens}",
                      tokens - max(0, account.available))
    transfer = await ledger.post(conn, ledger.Posting(
        kind=TransferKind.COMPUTE, debit=account_id, credit=compute_id, amount=tokens, idempotency_key=key,
        memo=memo, reservation_id=reservation_id, release=release, policy_version=policy.version,
        factors={"usd": str(usd), "tokensPerUsd": str(policy.tokens_per_usd)}, created_by=created_by), accounts)
    if reservation is not None:
        await conn.execute_query('UPDATE "ledger_reservations" SET "charged" = "charged" + $2 WHERE "id" = $1',
                                 [reservation.id, tokens])
    return Charge(tokens, True, transfer)


async def sweep_expired_reservations(now: datetime | None = None, limit: int = SWEEP_BATCH) -> int:
    """Void reservations past their timeout, once each: SKIP LOCKED hands every due row to exactly
    one replica's sweeper, and the PENDING filter means a voided row is never voided again."""
    now = now or clock.now()
    async with in_transaction() as conn:
        due = await conn.execute_query_dict(DUE_RESERVATIONS_SQL, [now, limit])
        if not due:
            return 0
        accounts = await ledger.lock_accounts(conn, {row["account_id"] for row in due})
        held: dict[int, int] = {}
        for row in due:
            held[row["account_id"]] = held.get(row["account_id"], 0) + row["amount"] - row["charged"]
        await _release(conn, held, accounts)
        closed_at = clock.now()
        await conn.execute_query(
            'UPDATE "ledger_reservations" SET "state" = \'EXPIRED\', "closed_at" = $2 WHERE "id" = ANY($1::bigint[])',
            [[row["id"] for row in due], closed_at])
        for row in due:
            account = accounts[row["account_id"]]
            await record_event("ledger.reservation.expired.v1", {
                "reservationId": row["id"], "account": account.name, "accounts": [account.name],
                "amount": row["amount"], "charged": row["charged"], "released": row["amount"] - row["charged"],
                "state": ReservationState.EXPIRED}, conn)
    log.info("expired reservations voided", extra={"count": len(due)})
    return len(due)


async def reservation_by_id(reservation_id: int) -> Reservation | None:
    return await Reservation.get_or_none(id=reservation_id)

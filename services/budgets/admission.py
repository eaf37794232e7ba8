"""Admission before a call: `budgetReserve` holds an estimate in the budget's current period only if
spent + reserved + estimate stays within the limit, in one conditional UPDATE of the period row (row
lock: concurrent reservations queue, none slips past the limit). The recorded call settles it
(services/budgets/spending.py); a reservation past its ttl is released by the sweeper, which every
replica runs: SKIP LOCKED hands each expired row to exactly one of them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.auth import ApiKey, Principal, Role
from models.budgets import Budget, BudgetPeriodKind, BudgetReservation, BudgetScope, ReservationState
from models.contributors import Contributor
from models.executions import Execution
from services import clock
from services.budgets.limits import Scope, status_of
from services.budgets.periods import check_usd, period_of
from services.errors import DomainError, NotFound
from services.rows import by_id, from_row

log = logging.getLogger(__name__)

MIN_TTL_SECONDS = 1
MAX_TTL_SECONDS = 7 * 86400
MAX_KEY = 200
SWEEP_BATCH = 500

# The budget of a scope with its current period's id, in one query: the period's bounds are those of
# the budget's kind ($3-$8: the UTC day, ISO week and month holding now) or its fixed window.
BUDGET_AND_PERIOD = """
SELECT b."id", b."scope_kind", b."scope_value", b."limit_usd", b."period", b."window_start", b."window_end",
       b."thresholds", b."created_by_id", b."created_at", b."updated_at", p."id" AS period_id
FROM "budgets" b LEFT JOIN "budget_periods" p ON p."budget_id" = b."id"
  AND p."period_start" = CASE b."period" WHEN 'DAY' THEN $3 WHEN 'WEEK' THEN $5 WHEN 'MONTH' THEN $7
                                       ELSE b."window_start" END
  AND p."period_end" = CASE b."period" WHEN 'DAY' THEN $4 WHEN 'WEEK' THEN $6 WHEN 'MONTH' THEN $8
                                     ELSE b."window_end" END
WHERE b."scope_kind" = $1 AND b."scope_value" = $2
"""
PERIOD_ID = 'SELECT "id" FROM "budget_periods" WHERE "budget_id" = $1 AND "period_start" = $2 AND "period_end" = $3'
ENSURE_PERIOD = ('INSERT INTO "budget_periods" ("budget_id", "period_start", "period_end") VALUES ($1, $2, $3) '
                 'ON CONFLICT DO NOTHING')
# One statement: insert the reservation, and only if it is new (not a retry), hold its estimate in the
# period if spent + reserved + estimate stays within the limit. The row lock on the period makes
# concurrent admissions queue; a new reservation that does not fit is rolled back by the caller.
RESERVE = """
WITH r AS (
  INSERT INTO "budget_reservations" ("idempotency_key", "budget_id", "period_id", "estimate", "state", "expires_at",
                                     "created_by_id", "created_at")
  VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7) ON CONFLICT ("idempotency_key") DO NOTHING RETURNING "id"),
p AS (
  UPDATE "budget_periods" p SET "reserved" = p."reserved" + $4 FROM "budgets" b
  WHERE p."id" = $3 AND b."id" = p."budget_id" AND EXISTS (SELECT 1 FROM r)
    AND p."spent" + p."reserved" + $4 <= b."limit_usd"
  RETURNING p."id")
SELECT (SELECT "id" FROM r) AS reservation, (SELECT "id" FROM p) AS period
"""
DUE = (
    'SELECT "id", "period_id", "estimate" FROM "budget_reservations" '
    'WHERE "state" = \'PENDING\' AND "expires_at" <= $1 '
    'ORDER BY "expires_at" LIMIT $2 FOR UPDATE SKIP LOCKED'
)
LOCK_PERIODS = 'SELECT "id" FROM "budget_periods" WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE'
RELEASE = (
    'UPDATE "budget_periods" p SET "reserved" = p."reserved" - v.amount '
    'FROM unnest($1::bigint[], $2::numeric[]) AS v(id, amount) WHERE p."id" = v.id'
)
EXPIRE = 'UPDATE "budget_reservations" SET "state" = \'EXPIRED\', "closed_at" = $2 WHERE "id" = ANY($1::bigint[])'


class BudgetExceeded(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("estimateUsd", message, "BUDGET_EXCEEDED")


@dataclass
class Admission:
    reservation: BudgetReservation
    budget: Budget
    replayed: bool = False


async def _may_reserve(by: Principal, budget: Budget) -> None:
    """An ADMIN reserves on any budget; others on an agent name, their own execution, their own
    contributor or one of their own keys."""
    if by.role is Role.ADMIN or budget.scope_kind is BudgetScope.AGENT:
        return
    allowed = {
        BudgetScope.CORRELATION: lambda: Execution.exists(correlation_id=budget.scope_value, started_by_id=by.id),
        BudgetScope.CONTRIBUTOR: lambda: Contributor.exists(principal_id=by.id, handle=budget.scope_value),
        BudgetScope.API_KEY: lambda: ApiKey.exists(principal_id=by.id, prefix=budget.scope_value),
    }[budget.scope_kind]
    if not await allowed():
        raise DomainError("scope", "you may reserve only on your own execution, contributor or key (an ADMIN on "
                                   "any budget)", "FORBIDDEN")


def check_reservation(estimate: Decimal, key: str, ttl_seconds: int) -> str:
    check_usd(estimate, "estimateUsd")
    key = key.strip()
    if not 1 <= len(key) <= MAX_KEY or not key.isprintable():
        raise DomainError("idempotencyKey", f"must be 1-{MAX_KEY} printable characters")
    if not MIN_TTL_SECONDS <= ttl_seconds <= MAX_TTL_SECONDS:
        raise DomainError("ttlSeconds", f"must be between {MIN_TTL_SECONDS} and {MAX_TTL_SECONDS}")
    return key


def calendar_spans(now: datetime) -> list[datetime]:
    """The bounds of the UTC day, ISO week and month holding `now`: BUDGET_AND_PERIOD's $3-$8."""
    return [bound for kind in (BudgetPeriodKind.DAY, BudgetPeriodKind.WEEK, BudgetPeriodKind.MONTH)
            for bound in period_of(kind, now)]  # type: ignore[union-attr]


async def _find(conn: BaseDBAsyncClient, scope: Scope, now: datetime) -> tuple[Budget | None, int | None]:
    rows = await conn.execute_query_dict(BUDGET_AND_PERIOD, [scope.kind.value, scope.value, *calendar_spans(now)])
    if not rows:
        return None, None
    return from_row(Budget, {k: v for k, v in rows[0].items() if k != "period_id"}), rows[0]["period_id"]


async def _ensure_period(conn: BaseDBAsyncClient, budget_id: int, span: tuple[datetime, datetime]) -> int:
    await conn.execute_query(ENSURE_PERIOD, [budget_id, *span])
    rows = await conn.execute_query_dict(PERIOD_ID, [budget_id, *span])
    return rows[0]["id"]


async def reserve(by: Principal, *, scope: Scope, estimate: Decimal, key: str, ttl_seconds: int) -> Admission:
    """Hold `estimate` USD in the scope's budget for `ttl_seconds`, or refuse with BUDGET_EXCEEDED.
    The same key again returns the first reservation (whatever its state now), never a second one;
    the same key with another scope or estimate is IDEMPOTENCY_CONFLICT."""
    key = check_reservation(estimate, key, ttl_seconds)
    now = clock.now()
    async with in_transaction() as conn:  # one connection for the lookup and the admission
        budget, period_id = await _find(conn, scope, now)
        if budget is None:
            raise NotFound("scope", f"no budget for {scope.kind.value} {scope.value!r}")
        await _may_reserve(by, budget)
        window = (budget.window_start, budget.window_end) if budget.window_start and budget.window_end else None
        span = period_of(budget.period, now, window)
        if span is None:
            replay = await _replay(conn, key, budget, estimate)
            if replay is not None:
                return replay
            raise DomainError("scope", "the budget's fixed window is not open now", "BUDGET_WINDOW_CLOSED")
        if period_id is None:
            period_id = await _ensure_period(conn, budget.id, span)
        [done] = await conn.execute_query_dict(RESERVE, [
            key, budget.id, period_id, estimate, now + timedelta(seconds=ttl_seconds), by.id, now])
        if done["reservation"] is None:
            replay = await _replay(conn, key, budget, estimate)
            assert replay is not None
            return replay
        if done["period"] is None:
            status = await status_of(budget, now)
            raise BudgetExceeded(f"{estimate} USD does not fit: {budget.scope_kind.value} {budget.scope_value!r} "
                                 f"has spent {status.spent} and holds {status.reserved} of {budget.limit_usd} USD "
                                 f"until {status.period_end.isoformat()}")
        reservation = from_row(BudgetReservation, {
            "id": done["reservation"], "idempotency_key": key, "budget_id": budget.id, "period_id": period_id,
            "estimate": estimate, "state": ReservationState.PENDING.value,
            "expires_at": now + timedelta(seconds=ttl_seconds), "settled_cost": None, "created_by_id": by.id,
            "created_at": now, "closed_at": None})
    return Admission(reservation, budget)


async def _replay(conn: BaseDBAsyncClient, key: str, budget: Budget, estimate: Decimal) -> Admission | None:
    existing = await BudgetReservation.get_or_none(idempotency_key=key).using_db(conn)
    if existing is None:
        return None
    if (existing.budget_id, existing.estimate) != (budget.id, estimate):
        raise DomainError("idempotencyKey", f"this key was used for another reservation ({existing.estimate} USD on "
                                            "another budget or amount); use a new key", "IDEMPOTENCY_CONFLICT")
    return Admission(existing, budget, replayed=True)


async def reservation_by_id(reservation_id: int) -> BudgetReservation | None:
    return await by_id(BudgetReservation, reservation_id)


async def sweep_expired(limit: int = SWEEP_BATCH, now: datetime | None = None) -> int:
    """Release reservations past their ttl, once each across replicas."""
    now = now or clock.now()
    async with in_transaction() as conn:
        due = await conn.execute_query_dict(DUE, [now, limit])
        if not due:
            return 0
        held: dict[int, Decimal] = {}
        for row in due:
            held[row["period_id"]] = held.get(row["period_id"], Decimal(0)) + row["estimate"]
        await conn.execute_query(LOCK_PERIODS, [sorted(held)])  # in id order, as every writer of periods
        await conn.execute_query(RELEASE, [list(held), list(held.values())])
        await conn.execute_query(EXPIRE, [[row["id"] for row in due], now])
    log.info("expired budget reservations released", extra={"count": len(due)})
    return len(due)

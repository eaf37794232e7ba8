"""Spend counted against budgets, in the transaction that records (or re-prices) the calls: each call
is charged to every budget whose scope it falls in, at its billed cost, in the period holding its
`startedAt`; a call naming a pending reservation settles it (the estimate is released, the call's cost
spent). Period rows are locked in id order; thresholds crossed are announced once per period through
the outbox (`budget.threshold.crossed.v1`)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from tortoise.backends.base.client import BaseDBAsyncClient

from models.auth import Principal, Role
from models.budgets import BudgetPeriodKind, BudgetScope, ReservationState
from services import clock
from services.budgets.periods import crossed, period_of
from services.errors import DomainError, NotFound
from subscriptions.outbox import record_event

THRESHOLD_CROSSED = "budget.threshold.crossed.v1"

BUDGET_COLUMNS = ('"id", "scope_kind", "scope_value", "limit_usd", "period", "window_start", "window_end", '
                  '"thresholds"')
MATCHING_BUDGETS = f"""
SELECT {BUDGET_COLUMNS} FROM "budgets"
WHERE ("scope_kind" = 'AGENT' AND "scope_value" = ANY($1::text[]))
   OR ("scope_kind" = 'CORRELATION' AND "scope_value" = ANY($2::text[]))
   OR ("scope_kind" = 'API_KEY' AND "scope_value" = $3)
   OR ("scope_kind" = 'CONTRIBUTOR' AND "scope_value" = (SELECT "handle" FROM "contributors" WHERE "principal_id" = $4))
   OR "id" = ANY($5::bigint[])
"""
LOCK_RESERVATIONS = """
SELECT "id", "budget_id", "period_id", "estimate", "state", "created_by_id" FROM "budget_reservations"
WHERE "id" = ANY($1::bigint[]) ORDER BY "id" FOR UPDATE
"""
ENSURE_PERIODS = """
INSERT INTO "budget_periods" ("budget_id", "period_start", "period_end")
SELECT * FROM unnest($1::bigint[], $2::timestamptz[], $3::timestamptz[]) ON CONFLICT DO NOTHING
"""
LOCK_PERIODS = """
SELECT p."id", p."budget_id", p."period_start", p."period_end", p."spent", p."reserved", p."alerted"
FROM "budget_periods" p
WHERE (p."budget_id", p."period_start", p."period_end") IN (SELECT * FROM unnest($1::bigint[], $2::timestamptz[],
                                                                                $3::timestamptz[]))
   OR p."id" = ANY($4::bigint[])
ORDER BY p."id" FOR UPDATE OF p
"""
UPDATE_PERIODS = """
UPDATE "budget_periods" p SET "spent" = p."spent" + v.spent, "reserved" = p."reserved" - v.released,
       "calls" = p."calls" + v.calls, "unpriced_calls" = p."unpriced_calls" + v.unpriced, "alerted" = v.alerted::jsonb
FROM unnest($1::bigint[], $2::numeric[], $3::numeric[], $4::bigint[], $5::bigint[], $6::text[])
     AS v(id, spent, released, calls, unpriced, alerted)
WHERE p."id" = v.id
"""
INSERT_CHARGES = """
INSERT INTO "budget_charges" ("period_id", "call_id", "amount", "reservation_id")
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::numeric[], $4::bigint[]) ON CONFLICT DO NOTHING
"""
SETTLE_RESERVATIONS = """
UPDATE "budget_reservations" r SET "state" = 'SETTLED', "settled_cost" = v.cost, "closed_at" = $3
FROM unnest($1::bigint[], $2::numeric[]) AS v(id, cost) WHERE r."id" = v.id
"""


@dataclass(frozen=True)
class BudgetRow:
    id: int
    scope_kind: BudgetScope
    scope_value: str
    limit_usd: Decimal
    period: BudgetPeriodKind
    window: tuple[datetime, datetime] | None
    thresholds: tuple[int, ...]

    @classmethod
    def of(cls, row: dict[str, Any]) -> "BudgetRow":
        thresholds = row["thresholds"]
        if isinstance(thresholds, str):
            thresholds = json.loads(thresholds)
        window = (row["window_start"], row["window_end"]) if row["window_start"] is not None else None
        return cls(row["id"], BudgetScope(row["scope_kind"]), row["scope_value"], row["limit_usd"],
                   BudgetPeriodKind(row["period"]), window, tuple(thresholds))

    def period_at(self, at: datetime) -> tuple[datetime, datetime] | None:
        return period_of(self.period, at, self.window)


@dataclass
class PeriodState:
    """A locked period row and what this unit of work adds to it."""

    id: int
    budget_id: int
    start: datetime
    end: datetime
    spent: Decimal
    reserved: Decimal
    alerted: list[int]
    add_spent: Decimal = Decimal(0)
    released: Decimal = Decimal(0)
    add_calls: int = 0
    add_unpriced: int = 0
    unreserved_calls: int = 0  # calls counted here that settled no reservation of this budget

    @classmethod
    def of(cls, row: dict[str, Any]) -> "PeriodState":
        alerted = row["alerted"]
        if isinstance(alerted, str):
            alerted = json.loads(alerted)
        return cls(row["id"], row["budget_id"], row["period_start"], row["period_end"], row["spent"],
                   row["reserved"], list(alerted))

    @property
    def new_spent(self) -> Decimal:
        return self.spent + self.add_spent

    @property
    def new_reserved(self) -> Decimal:
        return self.reserved - self.released


@dataclass
class BudgetSpend:
    """One budget period a batch of calls counted in, after the batch."""

    budget: BudgetRow
    period_start: datetime
    period_end: datetime
    added: Decimal
    calls: int
    spent: Decimal
    reserved: Decimal
    exceeded: bool  # the batch's calls without a reservation left spent + reserved above the limit
    alerts: list[int] = field(default_factory=list)


def exceeded_error(spend: BudgetSpend) -> DomainError:
    b = spend.budget
    return DomainError("calls", f"{b.scope_kind.value} {b.scope_value!r} is past its limit: spent {spend.spent} and "
                                f"reserved {spend.reserved} of {b.limit_usd} USD until {spend.period_end.isoformat()}; "
                                "the calls were recorded", "BUDGET_EXCEEDED")


class CallLike(Protocol):
    id: int
    execution_id: int
    started_at: datetime
    billed_cost: Decimal | None
    budget_reservation_id: int | None


@dataclass
class _Reservation:
    id: int
    budget_id: int
    period_id: int
    estimate: Decimal
    state: ReservationState
    settled: Decimal = Decimal(0)


Reservations = dict[int, _Reservation]


async def count_calls(conn: BaseDBAsyncClient, calls: Sequence[CallLike], *, scopes: dict[int, tuple[str, str]],
                      by: Principal, key_prefix: str | None, reservations: Reservations) -> list[BudgetSpend]:
    """Charge freshly recorded calls (ids assigned, rows inserted) to their budgets and settle the
    reservations they name (locked before, by `lock_reservations`). `scopes` maps an execution id to
    its (agent name, correlation id)."""
    rows = await conn.execute_query_dict(MATCHING_BUDGETS, [
        sorted({agent for agent, _ in scopes.values()}), sorted({corr for _, corr in scopes.values()}),
        key_prefix, by.id, sorted({r.budget_id for r in reservations.values()})])
    if not rows:
        return []
    budgets = {row["id"]: BudgetRow.of(row) for row in rows}
    contributor_budgets = [b for b in budgets.values() if b.scope_kind is BudgetScope.CONTRIBUTOR]
    charges: list[tuple[tuple[int, datetime, datetime], CallLike, _Reservation | None]] = []
    for call in calls:
        agent, corr = scopes[call.execution_id]
        reservation = reservations.get(call.budget_reservation_id) if call.budget_reservation_id else None
        targets = {b.id: b for b in budgets.values() if (
            (b.scope_kind is BudgetScope.AGENT and b.scope_value == agent)
            or (b.scope_kind is BudgetScope.CORRELATION and b.scope_value == corr)
            or (b.scope_kind is BudgetScope.API_KEY and b.scope_value == key_prefix))}
        targets |= {b.id: b for b in contributor_budgets}
        if reservation is not None:
            targets[reservation.budget_id] = budgets[reservation.budget_id]
        for budget in targets.values():
            span = budget.period_at(call.started_at)
            if span is not None:
                settles = reservation if reservation is not None and reservation.budget_id == budget.id else None
                charges.append(((budget.id, *span), call, settles))
    pending = [r for r in reservations.values() if r.state is ReservationState.PENDING]
    periods = await lock_periods(conn, {key for key, _, _ in charges}, {r.period_id for r in pending})
    by_key = {(p.budget_id, p.start, p.end): p for p in periods.values()}
    for r in pending:
        periods[r.period_id].released += r.estimate
    charge_rows: list[tuple[int, int, Decimal, int | None]] = []
    for key, call, settles in charges:
        period = by_key[key]
        amount = call.billed_cost if call.billed_cost is not None else Decimal(0)
        period.add_spent += amount
        period.add_calls += 1
        period.add_unpriced += call.billed_cost is None
        live = settles is not None and settles.state is ReservationState.PENDING
        period.unreserved_calls += not live
        if live:
            settles.settled += amount
        charge_rows.append((period.id, call.id, amount, settles.id if settles else None))
    if charge_rows:
        await conn.execute_query(INSERT_CHARGES, [list(col) for col in zip(*charge_rows)])
    if pending:
        await conn.execute_query(SETTLE_RESERVATIONS, [[r.id for r in pending], [r.settled for r in pending],
                                                       clock.now()])
    touched = [p for p in periods.values() if p.add_calls or p.released]
    alerts = await apply(conn, touched, budgets)
    return [BudgetSpend(budgets[p.budget_id], p.start, p.end, p.add_spent, p.add_calls, p.new_spent, p.new_reserved,
                        exceeded=p.unreserved_calls > 0
                        and p.new_spent + p.new_reserved > budgets[p.budget_id].limit_usd,
                        alerts=alerts.get(p.id, []))
            for p in touched if p.add_calls]


async def lock_reservations(conn: BaseDBAsyncClient, calls: Sequence[CallLike], by: Principal, *,
                            positions: Sequence[int]) -> Reservations:
    """Lock the budget reservations the calls name, before the calls are written (lock order: the
    reservations, then the calls, then the budget periods). One that does not exist or is not the
    caller's (an ADMIN may name any) is a user error naming the call's position in its batch."""
    ids = sorted({c.budget_reservation_id for c in calls if c.budget_reservation_id is not None})
    if not ids:
        return {}
    rows = await conn.execute_query_dict(LOCK_RESERVATIONS, [ids])
    found = {row["id"]: row for row in rows if by.role is Role.ADMIN or row["created_by_id"] == by.id}
    for position, call in zip(positions, calls):
        if call.budget_reservation_id is not None and call.budget_reservation_id not in found:
            raise NotFound(f"calls[{position}].budgetReservationId", "no such budget reservation of yours")
    return {rid: _Reservation(rid, row["budget_id"], row["period_id"], row["estimate"],
                              ReservationState(row["state"])) for rid, row in found.items()}


async def lock_periods(conn: BaseDBAsyncClient, keys: Iterable[tuple[int, datetime, datetime]],
                       ids: Iterable[int] = ()) -> dict[int, PeriodState]:
    """Create the periods named by (budget, start, end) that do not exist yet, then lock those and
    the periods named by id, in id order."""
    keys, ids = sorted(set(keys)), sorted(set(ids))
    columns = [[k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]]
    if keys:
        await conn.execute_query(ENSURE_PERIODS, columns)
    if not keys and not ids:
        return {}
    rows = await conn.execute_query_dict(LOCK_PERIODS, [*columns, ids])
    return {row["id"]: PeriodState.of(row) for row in rows}


async def apply(conn: BaseDBAsyncClient, periods: Sequence[PeriodState], budgets: dict[int, BudgetRow]
                ) -> dict[int, list[int]]:
    """Write what the unit of work adds to locked periods, and announce the thresholds it crosses,
    each once per period. Returns the thresholds announced per period id."""
    if not periods:
        return {}
    alerts: dict[int, list[int]] = defaultdict(list)
    for period in periods:
        budget = budgets[period.budget_id]
        for threshold in crossed(budget.thresholds, period.alerted, budget.limit_usd, period.new_spent):
            alerts[period.id].append(threshold)
            period.alerted.append(threshold)
            await record_event(THRESHOLD_CROSSED, alert_payload(budget, period, threshold), conn)
    await conn.execute_query(UPDATE_PERIODS, [
        [p.id for p in periods], [p.add_spent for p in periods], [p.released for p in periods],
        [p.add_calls for p in periods], [p.add_unpriced for p in periods],
        [json.dumps(sorted(p.alerted)) for p in periods]])
    return alerts


def alert_payload(budget: BudgetRow, period: PeriodState, threshold: int) -> dict[str, Any]:
    return {"budgetId": budget.id, "scopeKind": budget.scope_kind, "scopeValue": budget.scope_value,
            "threshold": threshold, "limitUsd": budget.limit_usd, "spentUsd": period.new_spent,
            "reservedUsd": period.new_reserved, "periodStart": period.start, "periodEnd": period.end,
            "crossedAt": clock.now()}


# ---- re-pricing ---------------------------------------------------------------------------------

CHARGES_OF_CALLS = """
SELECT ch."id", ch."period_id", ch."call_id", ch."amount", p."budget_id" FROM "budget_charges" ch
JOIN "budget_periods" p ON p."id" = ch."period_id" WHERE ch."call_id" = ANY($1::bigint[])
"""
UPDATE_CHARGES = """
UPDATE "budget_charges" ch SET "amount" = v.amount FROM unnest($1::bigint[], $2::numeric[]) AS v(id, amount)
WHERE ch."id" = v.id
"""


async def rebill(conn: BaseDBAsyncClient, changes: dict[int, tuple[Decimal | None, Decimal | None]]) -> int:
    """Calls whose billed cost changed (old, new) move their budgets' spend by the difference; a
    threshold the new spend reaches is announced as usual. Returns the budget periods changed."""
    changed = {cid: (old, new) for cid, (old, new) in changes.items() if old != new}
    if not changed:
        return 0
    charges = await conn.execute_query_dict(CHARGES_OF_CALLS, [sorted(changed)])
    if not charges:
        return 0
    periods = await lock_periods(conn, (), {c["period_id"] for c in charges})
    budget_rows = await conn.execute_query_dict(f'SELECT {BUDGET_COLUMNS} FROM "budgets" '
                                                'WHERE "id" = ANY($1::bigint[])',
                                                [sorted({c["budget_id"] for c in charges})])
    budgets = {row["id"]: BudgetRow.of(row) for row in budget_rows}
    for charge in charges:
        old, new = changed[charge["call_id"]]
        amount = new if new is not None else Decimal(0)
        period = periods[charge["period_id"]]
        period.add_spent += amount - charge["amount"]
        period.add_unpriced += (new is None) - (old is None)
        charge["amount"] = amount
    await conn.execute_query(UPDATE_CHARGES, [[c["id"] for c in charges], [c["amount"] for c in charges]])
    await apply(conn, list(periods.values()), budgets)
    return len(periods)

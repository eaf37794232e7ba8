"""Setting budgets and reading where they stand: `budgetSet`, `budgets`, `budgetStatus`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import ApiKey, Principal
from models.budgets import Budget, BudgetPeriod, BudgetPeriodKind, BudgetScope
from models.contributors import Contributor
from models.executions import AGENT_NAME
from services import clock
from services.budgets import spending
from services.budgets.periods import check_thresholds, check_usd, period_of
from services.errors import DomainError, NotFound
from services.rows import by_id
from subscriptions.outbox import record_event

BUDGET_SET = "budget.budget.set.v1"
SCOPE_MATCH = {
    BudgetScope.AGENT: 'e."agent_name" = $4',
    BudgetScope.CORRELATION: 'e."correlation_id" = $4::uuid',
    BudgetScope.API_KEY: 'c."api_key_prefix" = $4',
    BudgetScope.CONTRIBUTOR: 'c."recorded_by_id" = (SELECT "principal_id" FROM "contributors" WHERE "handle" = $4)',
}
# Calls of the period recorded before the budget counted them (before it existed, or before its
# period changed): charged once each, the conflict clause skipping those already charged.
BACKFILL = """
WITH charged AS (
  INSERT INTO "budget_charges" ("period_id", "call_id", "amount")
  SELECT $1, c."id", coalesce(c."billed_cost", 0) FROM "llm_calls" c JOIN "executions" e ON e."id" = c."execution_id"
  WHERE c."started_at" >= $2 AND c."started_at" < $3 AND {match}
  ON CONFLICT DO NOTHING RETURNING "call_id", "amount")
SELECT count(*) AS calls, coalesce(sum(ch."amount"), 0) AS spent,
       count(*) FILTER (WHERE c."billed_cost" IS NULL) AS unpriced
FROM charged ch JOIN "llm_calls" c ON c."id" = ch."call_id"
"""


@dataclass(frozen=True)
class Scope:
    kind: BudgetScope
    value: str


def check_scope(kind: BudgetScope, value: str, field: str = "scope.value") -> Scope:
    """The scope's value in its one spelling: agent names as executions store them, correlation ids
    as lower-case UUIDs."""
    value = value.strip()
    if not value.isprintable():
        raise DomainError(field, "must be printable text (no control characters)")
    if kind is BudgetScope.AGENT and not AGENT_NAME.match(value):
        raise DomainError(field, "an agent name: 1-100 letters, digits, spaces or _ . @ : / -")
    if kind is BudgetScope.CORRELATION:
        try:
            value = str(uuid.UUID(value))
        except ValueError:
            raise DomainError(field, "a correlation id (UUID)") from None
    if kind is BudgetScope.API_KEY and not 1 <= len(value) <= 16:
        raise DomainError(field, "an API key's prefix (its first 12 characters, as apiKeys lists it)")
    if kind is BudgetScope.CONTRIBUTOR and not 1 <= len(value) <= 32:
        raise DomainError(field, "a contributor handle (1-32 characters)")
    return Scope(kind, value)


async def _check_exists(scope: Scope) -> None:
    if scope.kind is BudgetScope.API_KEY and not await ApiKey.exists(prefix=scope.value):
        raise NotFound("scope.value", f"no API key with the prefix {scope.value!r}")
    if scope.kind is BudgetScope.CONTRIBUTOR and not await Contributor.exists(handle=scope.value):
        raise NotFound("scope.value", f"no contributor {scope.value!r}")


@dataclass
class Status:
    """Where a budget stands in the period holding `at` (for a FIXED budget outside its window, the
    window itself, with `open` false)."""

    limit: Decimal
    period_start: datetime
    period_end: datetime
    open: bool
    spent: Decimal = Decimal(0)
    reserved: Decimal = Decimal(0)
    calls: int = 0
    unpriced_calls: int = 0
    alerted: Sequence[int] = ()

    @property
    def remaining(self) -> Decimal:
        return self.limit - self.spent - self.reserved


def _window(budget: Budget) -> tuple[datetime, datetime] | None:
    return (budget.window_start, budget.window_end) if budget.window_start and budget.window_end else None


async def status_of(budget: Budget, at: datetime | None = None) -> Status:
    at = at or clock.now()
    span = period_of(budget.period, at, _window(budget))
    start, end = span or _window(budget)  # type: ignore[misc]
    row = await BudgetPeriod.get_or_none(budget_id=budget.id, period_start=start, period_end=end)
    status = Status(budget.limit_usd, start, end, open=span is not None)
    if row is not None:
        status.spent, status.reserved, status.calls = row.spent, row.reserved, row.calls
        status.unpriced_calls, status.alerted = row.unpriced_calls, sorted(row.alerted)
    return status


async def find_budget(kind: BudgetScope, value: str) -> Budget | None:
    try:
        scope = check_scope(kind, value)
    except DomainError:
        return None  # a scope that cannot exist is simply not found
    return await Budget.get_or_none(scope_kind=scope.kind, scope_value=scope.value)


async def current_status(kind: BudgetScope, value: str) -> tuple[Budget, Status] | None:
    budget = await find_budget(kind, value)
    return (budget, await status_of(budget)) if budget else None


def budgets(kind: BudgetScope | None = None) -> QuerySet[Budget]:
    return Budget.filter(scope_kind=kind) if kind is not None else Budget.all()


async def get_budget(budget_id: int) -> Budget | None:
    return await by_id(Budget, budget_id)


@dataclass
class SetResult:
    budget: Budget
    created: bool
    backfilled_calls: int


async def set_budget(by: Principal, *, scope: Scope, limit_usd: Decimal, period: BudgetPeriodKind,
                     window_start: datetime | None = None, window_end: datetime | None = None,
                     thresholds: Sequence[int] | None = None) -> SetResult:
    """Create or change the budget of a scope (ADMIN). The calls of the current period recorded
    before the budget counted them are counted now, once each. While this runs, LLM-call recording
    waits (a SHARE lock on llm_calls), so no call is missed between the count and the budget."""
    check_usd(limit_usd, "limitUsd")
    percents = check_thresholds(thresholds)
    window = _check_window(period, window_start, window_end)
    await _check_exists(scope)
    async with in_transaction() as conn:
        await conn.execute_query('LOCK TABLE "llm_calls" IN SHARE MODE')
        budget = await Budget.filter(scope_kind=scope.kind, scope_value=scope.value).using_db(conn) \
            .select_for_update().first()
        created = budget is None
        fields = {"limit_usd": limit_usd, "period": period, "window_start": window[0] if window else None,
                  "window_end": window[1] if window else None, "thresholds": percents}
        if budget is None:
            budget = await Budget.create(scope_kind=scope.kind, scope_value=scope.value, created_by_id=by.id,
                                         using_db=conn, **fields)
        else:
            budget.update_from_dict(fields)
            await budget.save(using_db=conn)
        backfilled = await _count_current(conn, budget)
        await record_event(BUDGET_SET, {
            "budgetId": budget.id, "scopeKind": scope.kind, "scopeValue": scope.value, "limitUsd": limit_usd,
            "period": period, "windowStart": fields["window_start"], "windowEnd": fields["window_end"],
            "thresholds": percents, "created": created, "backfilledCalls": backfilled, "by": by.id}, conn)
    return SetResult(budget, created, backfilled)


def _check_window(period: BudgetPeriodKind, start: datetime | None, end: datetime | None
                  ) -> tuple[datetime, datetime] | None:
    if period is not BudgetPeriodKind.FIXED:
        if start is not None or end is not None:
            raise DomainError("windowStart", "only a FIXED period takes a window; DAY, WEEK and MONTH follow the "
                                             "UTC calendar")
        return None
    if start is None or end is None:
        raise DomainError("windowStart" if start is None else "windowEnd", "a FIXED period needs windowStart and "
                                                                           "windowEnd")
    for value, name in ((start, "windowStart"), (end, "windowEnd")):
        if value.tzinfo is None:
            raise DomainError(name, "must carry a time zone offset (UTC is Z)")
    if start >= end:
        raise DomainError("windowEnd", "must be after windowStart")
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


async def _count_current(conn: BaseDBAsyncClient, budget: Budget) -> int:
    """Count the current period's calls not counted yet, and announce what the (new) limit makes crossed."""
    span = period_of(budget.period, clock.now(), _window(budget))
    if span is None:
        return 0
    periods = await spending.lock_periods(conn, [(budget.id, *span)])
    period = next(iter(periods.values()))
    [found] = await conn.execute_query_dict(BACKFILL.format(match=SCOPE_MATCH[budget.scope_kind]),
                                            [period.id, span[0], span[1], budget.scope_value])
    period.add_spent, period.add_calls, period.add_unpriced = found["spent"], found["calls"], found["unpriced"]
    row = spending.BudgetRow(budget.id, budget.scope_kind, budget.scope_value, budget.limit_usd, budget.period,
                             _window(budget), tuple(budget.thresholds))
    await spending.apply(conn, [period], {budget.id: row})
    return found["calls"]

"""Budgets: `budgets`, `budgetStatus`, `budgetSet`, `budgetReserve`, and the `budgetAlerts` stream."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from models import budgets as m
from resolvers.events import parse_after
from resolvers.node import register_node
from resolvers.payload import attempt, graphql_error, user_error_type
from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.relay import Connection, Node, paginate, to_global_id
from services import errors
from services.budgets import admission, limits
from services.budgets.spending import THRESHOLD_CROSSED
from services.budgets.spending import BudgetSpend as BudgetSpendValue
from services.errors import DomainError
from subscriptions.event import Event as BusEvent
from subscriptions.stream import encode_cursor, stream_events

BudgetUserError = user_error_type(errors.BUDGETS)
BudgetScopeKind = strawberry.enum(m.BudgetScope, name="BudgetScopeKind", description=(
    "AGENT (an execution's agent name), CONTRIBUTOR (the handle of the contributor whose key records the call), "
    "API_KEY (the prefix of the key that records the call), CORRELATION (one execution's correlation id)."))
BudgetPeriod = strawberry.enum(m.BudgetPeriodKind, name="BudgetPeriod", description=(
    "DAY (UTC day), WEEK (ISO week from Monday 00:00 UTC), MONTH (UTC calendar month), FIXED (windowStart to "
    "windowEnd, once)."))
ReservationState = strawberry.enum(m.ReservationState, name="BudgetReservationState", description=(
    "PENDING (holding its estimate), SETTLED (a recorded call named it), EXPIRED (its ttl passed first)."))


@strawberry.input(description="What a budget applies to.")
class BudgetScopeInput:
    kind: BudgetScopeKind
    value: str = strawberry.field(description="The agent name, contributor handle, key prefix or correlation id.")

    def to_scope(self) -> limits.Scope:
        return limits.check_scope(m.BudgetScope(self.kind.value), self.value)


@strawberry.type
class BudgetScope:
    kind: BudgetScopeKind
    value: str


@strawberry.type(description=(
    "Where a budget stands in one period: `remaining` = limit - spent - reserved (negative when calls without a "
    "reservation went past the limit)."))
class BudgetStatus:
    budget_id: strawberry.ID
    scope: BudgetScope
    limit_usd: Decimal
    period_start: datetime
    period_end: datetime
    open: bool = strawberry.field(description="False for a FIXED budget outside its window (the window is shown).")
    spent_usd: Decimal = strawberry.field(description="The billed cost of the calls counted in the period.")
    reserved_usd: Decimal = strawberry.field(description="Estimates held by pending reservations.")
    remaining_usd: Decimal
    calls: int
    unpriced_calls: int = strawberry.field(description="Calls counted at 0 USD: no price and no reported cost.")
    alerted_thresholds: list[int] = strawberry.field(description="Thresholds (percent) already announced this period.")

    @classmethod
    def of(cls, budget: m.Budget, status: limits.Status) -> "BudgetStatus":
        return cls(budget_id=to_global_id("Budget", budget.id),
                   scope=BudgetScope(kind=budget.scope_kind, value=budget.scope_value), limit_usd=status.limit,
                   period_start=status.period_start, period_end=status.period_end,
                   open=status.open, spent_usd=status.spent, reserved_usd=status.reserved,
                   remaining_usd=status.remaining, calls=status.calls, unpriced_calls=status.unpriced_calls,
                   alerted_thresholds=list(status.alerted))


@strawberry.type(description="A USD limit per period for one scope, with alert thresholds.")
class Budget(Node):
    scope: BudgetScope
    limit_usd: Decimal
    period: BudgetPeriod
    window_start: datetime | None
    window_end: datetime | None
    thresholds: list[int] = strawberry.field(description="Percents of the limit announced when spent reaches them.")
    created_at: datetime
    updated_at: datetime
    row: strawberry.Private[m.Budget]

    @classmethod
    def of(cls, row: m.Budget) -> "Budget":
        return cls(id=to_global_id("Budget", row.id), scope=BudgetScope(kind=row.scope_kind, value=row.scope_value),
                   limit_usd=row.limit_usd, period=row.period, window_start=row.window_start,
                   window_end=row.window_end, thresholds=list(row.thresholds), created_at=row.created_at,
                   updated_at=row.updated_at, row=row)

    @strawberry.field(description="The current period (or a FIXED budget's window).")
    async def status(self) -> BudgetStatus:
        return BudgetStatus.of(self.row, await limits.status_of(self.row))


@strawberry.type(description=(
    "An admission: an estimate held in a budget's period until a call settles it or it expires."))
class BudgetReservation(Node):
    idempotency_key: str
    estimate_usd: Decimal
    state: ReservationState
    expires_at: datetime
    settled_cost_usd: Decimal | None = strawberry.field(description="The billed cost of the calls that settled it.")
    created_at: datetime
    closed_at: datetime | None
    budget_pk: strawberry.Private[int]

    @classmethod
    def of(cls, row: m.BudgetReservation) -> "BudgetReservation":
        return cls(id=to_global_id("BudgetReservation", row.id), idempotency_key=row.idempotency_key,
                   estimate_usd=row.estimate, state=row.state, expires_at=row.expires_at,
                   settled_cost_usd=row.settled_cost, created_at=row.created_at, closed_at=row.closed_at,
                   budget_pk=row.budget_id)

    @strawberry.field
    async def budget(self) -> Budget | None:
        row = await limits.get_budget(self.budget_pk)
        return Budget.of(row) if row else None


@strawberry.type(description="What a batch of recorded calls counted in one budget period.")
class BudgetSpend:
    scope: BudgetScope
    limit_usd: Decimal
    period_start: datetime
    period_end: datetime
    added_usd: Decimal = strawberry.field(description="The billed cost of this batch's calls in this budget.")
    calls: int
    spent_usd: Decimal
    reserved_usd: Decimal
    exceeded: bool = strawberry.field(description=(
        "The batch's calls without a reservation left spent + reserved above the limit."))
    alerts: list[int] = strawberry.field(description="Thresholds this batch crossed (each announced once a period).")
    budget_pk: strawberry.Private[int]

    @classmethod
    def of(cls, spend: BudgetSpendValue) -> "BudgetSpend":
        b = spend.budget
        return cls(scope=BudgetScope(kind=b.scope_kind, value=b.scope_value), limit_usd=b.limit_usd,
                   period_start=spend.period_start, period_end=spend.period_end, added_usd=spend.added,
                   calls=spend.calls, spent_usd=spend.spent, reserved_usd=spend.reserved, exceeded=spend.exceeded,
                   alerts=spend.alerts, budget_pk=b.id)

    @strawberry.field
    async def budget(self) -> Budget | None:
        row = await limits.get_budget(self.budget_pk)
        return Budget.of(row) if row else None


async def _load_budget(pk: int, info: Info) -> Budget | None:
    if info.context.principal is None:
        return None
    row = await limits.get_budget(pk)
    return Budget.of(row) if row else None


async def _load_reservation(pk: int, info: Info) -> BudgetReservation | None:
    if info.context.principal is None:
        return None
    row = await admission.reservation_by_id(pk)
    return BudgetReservation.of(row) if row else None


register_node("Budget", _load_budget)
register_node("BudgetReservation", _load_reservation)


@strawberry.input
class BudgetSetInput:
    scope: BudgetScopeInput
    limit_usd: Decimal
    period: BudgetPeriod
    window_start: datetime | None = strawberry.field(default=None, description="FIXED only.")
    window_end: datetime | None = strawberry.field(default=None, description="FIXED only.")
    thresholds: list[int] | None = strawberry.field(default=None, description="Percents; default [50, 80, 100].")


@strawberry.type
class BudgetSetPayload:
    budget: Budget | None
    created: bool
    backfilled_calls: int = strawberry.field(description=(
        "Calls of the current period recorded before the budget counted them, counted now."))
    user_errors: list[BudgetUserError]


@strawberry.input
class BudgetReserveInput:
    scope: BudgetScopeInput
    estimate_usd: Decimal = strawberry.field(description="What the call may cost at most.")
    idempotency_key: str = strawberry.field(description="A retry with the same key returns the first reservation.")
    ttl_seconds: int = strawberry.field(default=300, description="Released by the sweeper after this (1 to 604,800).")


@strawberry.type
class BudgetReservePayload:
    reservation: BudgetReservation | None
    replayed: bool = strawberry.field(description="True when the key was used before: nothing new was held.")
    user_errors: list[BudgetUserError] = strawberry.field(description=(
        "BUDGET_EXCEEDED when spent + reserved + estimate would pass the limit; nothing is held then."))
    budget_row: strawberry.Private[m.Budget | None] = None

    @strawberry.field(description="The budget after this reservation.")
    async def status(self) -> BudgetStatus | None:
        return BudgetStatus.of(self.budget_row, await limits.status_of(self.budget_row)) if self.budget_row else None


@strawberry.type(description="A budget threshold crossed: spent reached `threshold` percent of the limit.")
class BudgetAlert:
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this alert.")
    budget_id: strawberry.ID
    scope: BudgetScope
    threshold: int
    limit_usd: Decimal
    spent_usd: Decimal
    reserved_usd: Decimal
    period_start: datetime
    period_end: datetime
    crossed_at: datetime


@strawberry.type
class BudgetQuery:
    @strawberry.field(permission_classes=[IsAuthenticated], description="Budgets, oldest first.")
    async def budgets(self, info: Info, scope_kind: BudgetScopeKind | None = None, first: int | None = None,
                      after: str | None = None) -> Connection[Budget]:
        kind = m.BudgetScope(scope_kind.value) if scope_kind is not None else None
        return await paginate(limits.budgets(kind), first=first, after=after, order=["id"], to_node=Budget.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "Where the budget of a scope stands now: spent, reserved, remaining, the period's end; null without a budget."))
    async def budget_status(self, scope: BudgetScopeInput) -> BudgetStatus | None:
        found = await limits.current_status(m.BudgetScope(scope.kind.value), scope.value)
        return BudgetStatus.of(*found) if found else None


@strawberry.type
class BudgetMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Create or change the budget of a scope (ADMIN). The current period counts the calls already recorded in "
        "it."))
    async def budget_set(self, info: Info, input: BudgetSetInput) -> BudgetSetPayload:
        async def run() -> limits.SetResult:
            return await limits.set_budget(
                info.context.principal, scope=input.scope.to_scope(), limit_usd=input.limit_usd,
                period=m.BudgetPeriodKind(input.period.value), window_start=input.window_start,
                window_end=input.window_end, thresholds=input.thresholds)

        result, errors = await attempt(run())
        if result is None:
            return BudgetSetPayload(budget=None, created=False, backfilled_calls=0, user_errors=errors)
        return BudgetSetPayload(budget=Budget.of(result.budget), created=result.created,
                                backfilled_calls=result.backfilled_calls, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Ask before a call: hold `estimateUsd` in the scope's budget for `ttlSeconds`, only if spent + reserved + "
        "estimate stays within the limit. Record the call with `budgetReservationId` to settle it with its cost."))
    async def budget_reserve(self, info: Info, input: BudgetReserveInput) -> BudgetReservePayload:
        async def run() -> admission.Admission:
            return await admission.reserve(info.context.principal, scope=input.scope.to_scope(),
                                           estimate=input.estimate_usd, key=input.idempotency_key,
                                           ttl_seconds=input.ttl_seconds)

        admitted, errors = await attempt(run())
        if admitted is None:
            return BudgetReservePayload(reservation=None, replayed=False, user_errors=errors)
        return BudgetReservePayload(reservation=BudgetReservation.of(admitted.reservation), replayed=admitted.replayed,
                                    user_errors=[], budget_row=admitted.budget)


@strawberry.type
class BudgetSubscription:
    @strawberry.subscription(permission_classes=[IsAuthenticated], description=(
        "Budget thresholds as they are crossed (each once per budget, period and threshold), for one scope or "
        "all. With `after`, first what came after that cursor, then live."))
    async def budget_alerts(self, info: Info, scope: BudgetScopeInput | None = None,
                            after: str | None = None) -> AsyncGenerator[BudgetAlert, None]:
        start = parse_after(after)
        wanted = None
        if scope is not None:
            try:
                given = scope.to_scope()
            except DomainError as exc:
                raise graphql_error(exc) from None
            wanted = (given.kind.value, given.value)
        def matches(e: BusEvent) -> bool:
            return e.name == THRESHOLD_CROSSED and (
                wanted is None or (e.payload["scopeKind"], e.payload["scopeValue"]) == wanted)

        async for event in stream_events(info.context.bus, after=start, matches=matches):
            p = event.payload
            yield BudgetAlert(cursor=encode_cursor(event.seq), budget_id=to_global_id("Budget", p["budgetId"]),
                              scope=BudgetScope(kind=m.BudgetScope(p["scopeKind"]), value=p["scopeValue"]),
                              threshold=p["threshold"], limit_usd=Decimal(p["limitUsd"]),
                              spent_usd=Decimal(p["spentUsd"]), reserved_usd=Decimal(p["reservedUsd"]),
                              period_start=datetime.fromisoformat(p["periodStart"]),
                              period_end=datetime.fromisoformat(p["periodEnd"]),
                              crossed_at=datetime.fromisoformat(p["crossedAt"]))

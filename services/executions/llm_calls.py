"""LLM calls: batches priced at ingest from the price in force at `startedAt` (with the tier of
service and prompt size choosing the tier price), billed at the provider's authoritative cost, counted
against budgets; repricing with a record of every change (or a dry run of it), and cost summaries."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from decimal import Decimal
from enum import Enum

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.columns import max_length
from models.economy.ledger import Account, AccountKind, Transfer
from models.executions import Execution, LlmCall, LlmCallRepricing, PaymentStatus
from models.pricing import CostAuthority
from services import clock
from services.auth import key_prefix_of
from services.budgets import spending
from services.budgets.periods import check_usd
from services.economy import compute, ledger
from services.errors import DomainError, NotFound
from services.pricing import cost_sources
from services.pricing.catalog import PriceBook, Tokens, price_call
from services.pricing.tiers import ServiceTier
from subscriptions.outbox import record_event

MAX_BATCH = 1000
PROVIDER_LENGTH = max_length(LlmCall, "provider")
MODEL_LENGTH = max_length(LlmCall, "model")
CLIENT_CALL_ID_LENGTH = max_length(LlmCall, "client_call_id")
MAX_TOKENS = 10**12
MAX_LATENCY_MS = 24 * 3600 * 1000
MAX_REPRICE = 100_000


@dataclass(frozen=True)
class CallInput:
    correlation_id: uuid.UUID
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    latency_ms: int
    started_at: datetime
    client_call_id: str | None = None
    # optional fields, each with a default, so every intake (GraphQL, OTLP) builds calls the same way
    service_tier: ServiceTier = ServiceTier.STANDARD
    reported_cost_usd: Decimal | None = None  # the cost the provider reported
    budget_reservation_id: int | None = None  # the budgetReserve this call settles

    def tokens(self) -> Tokens:
        return Tokens(self.input_tokens, self.output_tokens, self.cache_read_tokens, self.cache_write_tokens,
                      self.reasoning_tokens)


TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens")
CAMEL = {"input_tokens": "inputTokens", "output_tokens": "outputTokens", "cache_read_tokens": "cacheReadTokens",
         "cache_write_tokens": "cacheWriteTokens", "reasoning_tokens": "reasoningTokens"}


def check_call(i: int, call: CallInput) -> CallInput:
    at = f"calls[{i}]."
    provider, model = call.provider.strip(), call.model.strip()
    if not provider or len(provider) > PROVIDER_LENGTH:
        raise DomainError(at + "provider", f"must be 1-{PROVIDER_LENGTH} characters")
    if not model or len(model) > MODEL_LENGTH:
        raise DomainError(at + "model", f"must be 1-{MODEL_LENGTH} characters")
    for name in TOKEN_FIELDS:
        value = getattr(call, name)
        if not 0 <= value <= MAX_TOKENS:
            raise DomainError(at + CAMEL[name], f"must be between 0 and {MAX_TOKENS}, got {value}")
    if not 0 <= call.latency_ms <= MAX_LATENCY_MS:
        raise DomainError(at + "latencyMs", f"must be between 0 and {MAX_LATENCY_MS}")
    if call.started_at.tzinfo is None:
        raise DomainError(at + "startedAt", "must carry a time zone offset (UTC is Z)")
    if call.client_call_id is not None and not 1 <= len(call.client_call_id) <= CLIENT_CALL_ID_LENGTH:
        raise DomainError(at + "clientCallId", f"must be 1-{CLIENT_CALL_ID_LENGTH} characters")
    if call.reported_cost_usd is not None:
        check_usd(call.reported_cost_usd, at + "reportedCostUsd", positive=False)
    return replace(call, provider=provider, model=model, started_at=call.started_at.astimezone(timezone.utc))


@dataclass(frozen=True)
class ChargeTo:
    """Who pays for a batch (`llmCallsRecord`'s `reservationId` or `chargeAccount`), resolved and checked."""

    account_id: int
    reservation_id: int | None = None


@dataclass
class Payment:
    """How the calls this request recorded were paid for; for a pure retry, how they were paid before."""

    status: PaymentStatus
    tokens: int = 0  # charged, or (UNPAID) owed
    usd: Decimal = Decimal(0)
    shortfall: int = 0
    reason: str | None = None
    transfer: Transfer | None = None
    charged_calls: int = 0
    unpriced_calls: int = 0
    replayed: bool = False


@dataclass
class Recorded:
    calls: list[LlmCall | CallRow]  # in input order; retried ones are the rows recorded before
    inserted: int
    payment: Payment | None = None
    budgets: list[spending.BudgetSpend] = field(default_factory=list)  # what the new calls counted in

    def over_budget(self) -> list[DomainError]:
        """BUDGET_EXCEEDED for each budget the batch's calls without a reservation took past its limit,
        for callers that asked for enforcement (the calls are recorded all the same)."""
        return [spending.exceeded_error(spend) for spend in self.budgets if spend.exceeded]


async def charge_target(by: Principal, reservation_id: int | None, account: str | None) -> ChargeTo | None:
    """The caller's own reservation or account (any, for an ADMIN); bad ones are user errors."""
    if reservation_id is not None and account is not None:
        raise DomainError("chargeAccount", "give reservationId or chargeAccount, not both")
    if reservation_id is not None:
        reservation = await compute.reservation_by_id(reservation_id)
        if reservation is None or (by.role is not Role.ADMIN
                                   and await ledger.account_of_principal(by) != reservation.account_id):
            raise NotFound("reservationId", "no such reservation of yours")
        return ChargeTo(reservation.account_id, reservation.id)
    if account is not None:
        found = await Account.get_or_none(name=account, kind=AccountKind.USER)
        if found is None:
            raise NotFound("chargeAccount", f"no contributor account {account!r}")
        if by.role is not Role.ADMIN and await ledger.account_of_principal(by) != found.id:
            raise DomainError("chargeAccount", "you may charge only your own account (an ADMIN may charge any)",
                              "FORBIDDEN")
        return ChargeTo(found.id)
    return None


INSERT_CALLS = (
    'WITH inserted AS (INSERT INTO "llm_calls" ("id", "execution_id", "provider", "model", "input_tokens", '
    '"output_tokens", '
    '"cache_read_tokens", "cache_write_tokens", "reasoning_tokens", "latency_ms", "started_at", "client_call_id", '
    '"priced", "unpriced_reason", "price_id", "cost", "payment_status", "payment_transfer_id", "service_tier", '
    '"price_tier", "reported_cost", "billed_cost", "cost_source", "budget_reservation_id", "recorded_by_id", '
    '"recorded_at", "api_key_prefix") '
    'SELECT *, $25::bigint, $26::timestamptz, $27::text '
    'FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], '
    '$5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::int[], $11::timestamptz[], '
    '$12::text[], $13::bool[], $14::text[], $15::bigint[], $16::numeric[], $17::text[], $18::bigint[], $19::text[], '
    '$20::text[], $21::numeric[], $22::numeric[], $23::text[], $24::bigint[]) '
    'ON CONFLICT ("execution_id", "client_call_id") DO NOTHING RETURNING 1) SELECT count(*) AS n FROM inserted'
)


def _same_call(row: LlmCall, call: CallInput) -> bool:
    return (row.provider, row.model, row.latency_ms, row.started_at, row.service_tier, row.reported_cost) == (
        call.provider, call.model, call.latency_ms, call.started_at, call.service_tier.value,
        call.reported_cost_usd) and all(getattr(row, n) == getattr(call, n) for n in TOKEN_FIELDS)


async def record(by: Principal, calls: list[CallInput], reservation_id: int | None = None,
                 *, charge_account: str | None = None) -> Recorded:
    """All or nothing. A call with a client call id already recorded for its execution is returned,
    not recorded (nor charged) twice (the same id with other values is a user error). With `charge`,
    the billed calls recorded now are paid for in this transaction: their USD cost as tokens, all or
    nothing; what cannot be paid is still recorded, as UNPAID. The new calls count against the budgets
    of their scopes, and settle the budget reservations they name."""
    charge = await charge_target(by, reservation_id, charge_account)
    if not calls:
        raise DomainError("calls", "give at least one call")
    if len(calls) > MAX_BATCH:
        raise DomainError("calls", f"at most {MAX_BATCH} calls per batch, got {len(calls)}")
    calls = [check_call(i, call) for i, call in enumerate(calls)]
    async with in_transaction() as conn:
        executions = {e.correlation_id: e for e in await Execution.filter(
            correlation_id__in=list({c.correlation_id for c in calls})).using_db(conn)}
        seen: dict[tuple[uuid.UUID, str], int] = {}
        for i, call in enumerate(calls):
            execution = executions.get(call.correlation_id)
            if execution is None:
                raise NotFound(f"calls[{i}].correlationId", f"no execution {call.correlation_id}: start it first "
                                                            "with executionStart")
            if by.role is not Role.ADMIN and execution.started_by_id != by.id:
                raise DomainError(f"calls[{i}].correlationId", "only the principal that started this execution, "
                                                               "or an ADMIN, may record its calls", "FORBIDDEN")
            if call.client_call_id is not None:
                key = (call.correlation_id, call.client_call_id)
                if key in seen:
                    raise DomainError(f"calls[{i}].clientCallId", f"repeats calls[{seen[key]}] of this batch",
                                      "DUPLICATE")
                seen[key] = i
        earlier = await _recorded_before(calls, executions, conn)
        for i, call in enumerate(calls):
            row = earlier.get(i)
            if row is not None and not _same_call(row, call):
                raise DomainError(f"calls[{i}].clientCallId", "already recorded for this execution with other "
                                                              "values", "DUPLICATE")
        fresh = [i for i in range(len(calls)) if i not in earlier]
        book = await PriceBook.load([(calls[i].provider, calls[i].model) for i in fresh], conn)
        reported = [calls[i].provider for i in fresh if calls[i].reported_cost_usd is not None]
        authority = await cost_sources.authorities(reported, conn) if reported else {}
        key_prefix = key_prefix_of(by)
        rows = [_priced_row(calls[i], executions[calls[i].correlation_id], book, by=by, authority=authority,
                            key_prefix=key_prefix) for i in fresh]
        await _assign_ids(rows, conn)
        reservations = await spending.lock_reservations(conn, rows, by, positions=fresh)
        payment = await _pay(rows, charge, by, conn=conn) if rows else await _paid_before(list(earlier.values()), conn)
        inserted = await _insert(rows, conn)
        if inserted < len(rows):  # a concurrent retry of the same batch recorded some first
            raise DomainError("calls", "a retry of this batch is being recorded at the same time; retry again",
                              "CONFLICT")
        spends: list[spending.BudgetSpend] = []
        if rows:
            scopes = {e.id: (e.agent_name, str(e.correlation_id)) for e in executions.values()}
            spends = await spending.count_calls(conn, rows, scopes=scopes, by=by, key_prefix=key_prefix,
                                                reservations=reservations)
            await record_event("execution.llm_calls.recorded.v1", {
                "calls": len(rows), "priced": sum(r.priced for r in rows),
                "cost": sum((r.cost for r in rows if r.cost is not None), Decimal(0)),
                "billedCost": sum((r.billed_cost for r in rows if r.billed_cost is not None), Decimal(0)),
                "payment": payment.status, "tokens": payment.tokens,
                "transferId": payment.transfer.id if payment.transfer else None,
                "correlationIds": sorted({str(c.correlation_id) for c in calls})[:100]}, conn)
    by_index = dict(zip(fresh, rows)) | earlier
    return Recorded(calls=[by_index[i] for i in range(len(calls))], inserted=len(rows), payment=payment,
                    budgets=spends)


async def _pay(rows: list[CallRow], charge: ChargeTo | None, by: Principal, *, conn: BaseDBAsyncClient) -> Payment:
    """Charge the billed rows (ids assigned, not yet inserted) and mark every row with the outcome.
    The ledger key names the first call id: unique, and a retried batch has no new rows to charge."""
    priced = [r for r in rows if r.billed_cost is not None]
    unpriced = len(rows) - len(priced)
    if charge is None:
        return Payment(PaymentStatus.NOT_CHARGED, reason="no reservationId or chargeAccount given",
                       unpriced_calls=unpriced)
    if not priced:
        return Payment(PaymentStatus.NOT_CHARGED, reason="no call of the batch has a price or a reported cost",
                       unpriced_calls=unpriced)
    usd = sum((r.billed_cost for r in priced if r.billed_cost is not None), Decimal(0))
    result = await compute.charge_usd(
        charge.account_id, usd, f"llm-calls:{priced[0].id}:{len(priced)}", reservation_id=charge.reservation_id,
        memo=f"{len(priced)} LLM calls from call {priced[0].id}", created_by=by.id, conn=conn)
    status = PaymentStatus.PAID if result.paid else PaymentStatus.UNPAID
    for row in priced:
        row.payment_status = status
        row.payment_transfer_id = result.transfer.id if result.transfer else None
    return Payment(status, tokens=result.tokens, usd=usd, shortfall=result.shortfall, reason=result.reason,
                   transfer=result.transfer, charged_calls=len(priced), unpriced_calls=unpriced)


async def _paid_before(rows: list[LlmCall], conn: BaseDBAsyncClient) -> Payment:
    """A retry that recorded nothing new: how its calls were paid for the first time."""
    statuses = {r.payment_status for r in rows}
    status = next((s for s in (PaymentStatus.UNPAID, PaymentStatus.PAID) if s in statuses), PaymentStatus.NOT_CHARGED)
    transfer_ids = sorted({r.payment_transfer_id for r in rows if r.payment_transfer_id is not None})
    transfers = await Transfer.filter(id__in=transfer_ids).using_db(conn) if transfer_ids else []
    charged = [r for r in rows if r.payment_status is not PaymentStatus.NOT_CHARGED]
    return Payment(status, tokens=sum(t.amount for t in transfers),
                   usd=sum((r.billed_cost for r in charged if r.billed_cost is not None), Decimal(0)),
                   transfer=transfers[0] if len(transfers) == 1 else None, charged_calls=len(charged),
                   unpriced_calls=sum(r.billed_cost is None for r in rows), replayed=True)


async def _recorded_before(calls: list[CallInput], executions: dict[uuid.UUID, Execution],
                           conn: BaseDBAsyncClient) -> dict[int, LlmCall]:
    keyed = {(executions[c.correlation_id].id, c.client_call_id): i for i, c in enumerate(calls) if c.client_call_id}
    if not keyed:
        return {}
    rows = await LlmCall.filter(execution_id__in=list({e for e, _ in keyed}),
                                client_call_id__in=list({k for _, k in keyed})).using_db(conn)
    return {keyed[(r.execution_id, r.client_call_id)]: r for r in rows if (r.execution_id, r.client_call_id) in keyed}


@dataclass(slots=True)
class CallRow:
    """A call as inserted: the attributes of an LlmCall row, without building an ORM object for each."""

    execution_id: int
    provider: str
    model: str
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    latency_ms: int
    started_at: datetime
    client_call_id: str | None
    recorded_by_id: int
    priced: bool
    unpriced_reason: str | None
    price_id: int | None
    cost: Decimal | None
    id: int = 0
    recorded_at: datetime | None = None
    payment_status: PaymentStatus = PaymentStatus.NOT_CHARGED
    payment_transfer_id: int | None = None
    service_tier: str = ServiceTier.STANDARD.value
    price_tier: str | None = None
    reported_cost: Decimal | None = None
    billed_cost: Decimal | None = None
    cost_source: str | None = None
    budget_reservation_id: int | None = None
    api_key_prefix: str | None = None


def _priced_row(call: CallInput, execution: Execution, book: PriceBook, *, by: Principal,
                authority: dict[str, CostAuthority], key_prefix: str | None) -> CallRow:
    match = book.match(call.provider, call.model, call.started_at)
    price = match.price
    cost, tier = price_call(price, call.tokens(), call.service_tier) if price else (None, None)
    billed, source = cost_sources.billed(cost, call.reported_cost_usd,
                                         authority.get(call.provider, CostAuthority.COMPUTED))
    return CallRow(execution.id, call.provider, call.model, call.input_tokens, call.output_tokens,
                   call.cache_read_tokens, call.cache_write_tokens, call.reasoning_tokens, call.latency_ms,
                   call.started_at, call.client_call_id, by.id, price is not None, match.reason,
                   price.id if price else None, cost, service_tier=call.service_tier.value, price_tier=tier,
                   reported_cost=call.reported_cost_usd, billed_cost=billed,
                   cost_source=source.value if source else None,
                   budget_reservation_id=call.budget_reservation_id, api_key_prefix=key_prefix)


async def _assign_ids(rows: list[CallRow], conn: BaseDBAsyncClient) -> None:
    if not rows:
        return
    _, ids = await conn.execute_query(
        "SELECT nextval(pg_get_serial_sequence('llm_calls', 'id')) AS id FROM generate_series(1, $1)", [len(rows)])
    now = clock.now()
    for row, new in zip(rows, ids):
        row.id, row.recorded_at = new["id"], now


async def _insert(rows: list[CallRow], conn: BaseDBAsyncClient) -> int:
    """How many rows (ids assigned) went in (fewer when a concurrent retry recorded some client call ids first)."""
    if not rows:
        return 0
    now = rows[0].recorded_at
    columns = [[r.id for r in rows], [r.execution_id for r in rows], [r.provider for r in rows],
               [r.model for r in rows], *([getattr(r, n) for r in rows] for n in TOKEN_FIELDS),
               [r.latency_ms for r in rows], [r.started_at for r in rows], [r.client_call_id for r in rows],
               [r.priced for r in rows], [r.unpriced_reason for r in rows], [r.price_id for r in rows],
               [r.cost for r in rows], [r.payment_status.value for r in rows],
               [r.payment_transfer_id for r in rows], [r.service_tier for r in rows], [r.price_tier for r in rows],
               [r.reported_cost for r in rows], [r.billed_cost for r in rows], [r.cost_source for r in rows],
               [r.budget_reservation_id for r in rows]]
    _, result = await conn.execute_query(INSERT_CALLS, [*columns, rows[0].recorded_by_id, now,
                                                        rows[0].api_key_prefix])
    return result[0]["n"]


# ---- repricing ----------------------------------------------------------------------------------

# Calls whose price may have changed: unpriced, priced from a row since corrected (superseded), priced
# from a period that no longer covers their start (a period was split), or billed from the other cost
# than their provider's cost source says now.
STALE_CALLS = """
SELECT c."id", p."superseded_by_id" IS NOT NULL AS superseded FROM "llm_calls" c LEFT JOIN "model_prices" p ON p."id"
  = c."price_id"
WHERE c."started_at" >= $1 AND c."started_at" < $2
  AND (NOT c."priced" OR p."superseded_by_id" IS NOT NULL OR c."started_at" < p."effective_from"
       OR (p."effective_to" IS NOT NULL AND c."started_at" >= p."effective_to")
       OR (c."reported_cost" IS NOT NULL AND c."priced"
           AND c."cost_source" IS DISTINCT FROM
               CASE WHEN lower(btrim(c."provider")) = ANY($4::text[]) THEN 'REPORTED' ELSE 'COMPUTED' END))
ORDER BY c."id" LIMIT $3 FOR UPDATE OF c
"""
REPRICE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('omniclaude.llm_calls.reprice'))"
UPDATE_REPRICED = (
    'UPDATE "llm_calls" c SET "priced" = v.priced, "price_id" = v.price, "cost" = v.cost, '
    '"unpriced_reason" = v.reason, '
    '"price_tier" = v.tier, "billed_cost" = v.billed, "cost_source" = v.source '
    'FROM unnest($1::bigint[], $2::bool[], $3::bigint[], $4::numeric[], $5::text[], $6::text[], $7::numeric[], '
    '$8::text[]) AS v(id, priced, price, cost, reason, tier, billed, source) WHERE c."id" = v.id'
)

FAR_PAST = datetime(1970, 1, 1, tzinfo=timezone.utc)
FAR_FUTURE = datetime(9999, 1, 1, tzinfo=timezone.utc)
MAX_CHANGES_SHOWN = 100


@dataclass(frozen=True)
class CallChange:
    """What a re-price does (or, dry, would do) to one call."""

    call_id: int
    old_price_id: int | None
    new_price_id: int | None
    old_cost: Decimal | None
    new_cost: Decimal | None
    old_price_tier: str | None
    new_price_tier: str | None
    old_billed: Decimal | None
    new_billed: Decimal | None
    new_source: str | None
    unpriced_reason: str | None
    reason: str


@dataclass
class RepriceRun:
    run_id: uuid.UUID | None  # None for a dry run: nothing was written
    examined: int
    repriced: int
    still_unpriced: int
    more: bool  # more calls wait: run again
    dry_run: bool = False
    changes: list[CallChange] = field(default_factory=list)
    budget_periods: int = 0  # budget periods whose spend moved with the billed costs

    def total(self, name: str) -> Decimal:
        """The sum over the changes of one of their amounts: old_cost, new_cost, old_billed, new_billed."""
        return sum((v for c in self.changes if (v := getattr(c, name)) is not None), Decimal(0))


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction so that everything it did is rolled back."""

    def __init__(self, run: RepriceRun) -> None:
        super().__init__("dry run")
        self.run = run


async def reprice(by: Principal, *, start: datetime | None, end: datetime | None, limit: int,
                  dry_run: bool = False) -> RepriceRun:
    """Price unpriced calls, re-price calls whose price row was superseded (a correction) or whose
    period no longer covers their start (a period was split), and re-bill calls whose provider's cost
    source changed; budgets follow the billed costs. Each change is a repricing row. A dry run does all
    of it in a transaction that is then rolled back: it reports exactly what the real run would do."""
    if not 1 <= limit <= MAX_REPRICE:
        raise DomainError("limit", f"must be between 1 and {MAX_REPRICE}")
    for value, name in ((start, "asOf"), (end, "to")):
        if value is not None and value.tzinfo is None:
            raise DomainError(name, "must carry a time zone offset (UTC is Z)")
    start, end = start or FAR_PAST, end or FAR_FUTURE
    if start >= end:
        raise DomainError("to", "must be after asOf")
    try:
        async with in_transaction() as conn:
            await conn.execute_query(REPRICE_LOCK)  # one re-price at a time: a dry run sees what the next real one will
            run = await _reprice(conn, by, start=start, end=end, limit=limit, dry_run=dry_run)
            if dry_run:
                raise _DryRun(run)
    except _DryRun as done:
        return done.run
    return run


async def _reprice(conn: BaseDBAsyncClient, by: Principal, *, start: datetime, end: datetime, limit: int,
                   dry_run: bool) -> RepriceRun:
    _, rows = await conn.execute_query(STALE_CALLS, [start, end, limit + 1, await cost_sources.reported_names(conn)])
    more = len(rows) > limit
    superseded = {row["id"] for row in rows[:limit] if row["superseded"]}
    stale = await LlmCall.filter(id__in=[row["id"] for row in rows[:limit]]).using_db(conn).order_by("id")
    book = await PriceBook.load([(c.provider, c.model) for c in stale], conn)
    reported = [c.provider for c in stale if c.reported_cost is not None]
    authority = await cost_sources.authorities(reported, conn) if reported else {}
    changes: list[CallChange] = []
    still_unpriced = 0
    for call in stale:
        match = book.match(call.provider, call.model, call.started_at)
        if match.price is None and not call.priced and call.reported_cost is None:
            still_unpriced += 1
            continue
        cost, tier = (price_call(match.price, _tokens(call), ServiceTier(call.service_tier)) if match.price
                      else (None, None))
        billed, source = cost_sources.billed(cost, call.reported_cost,
                                             authority.get(call.provider, CostAuthority.COMPUTED))
        still_unpriced += match.price is None
        if (match.price.id if match.price else None, cost, billed) == (call.price_id, call.cost, call.billed_cost) \
                and (source.value if source else None) == call.cost_source:
            continue  # an unpriced call billed its reported cost, still without a price
        why = ("was unpriced" if not call.priced else
               f"price {call.price_id} was corrected" if call.id in superseded else
               f"price {call.price_id} no longer covers the call's start" if match.price is None
               or match.price.id != call.price_id else
               f"the provider's cost source is now {source.value if source else 'none'}")
        changes.append(CallChange(call.id, call.price_id, match.price.id if match.price else None, call.cost, cost,
                                  call.price_tier, tier, call.billed_cost, billed,
                                  source.value if source else None, match.reason, why))
    run = RepriceRun(None if dry_run else uuid.uuid4(), len(stale), len(changes), still_unpriced, more,
                     dry_run=dry_run, changes=changes)
    if changes:
        await conn.execute_query(UPDATE_REPRICED, [
            [c.call_id for c in changes], [c.new_price_id is not None for c in changes],
            [c.new_price_id for c in changes], [c.new_cost for c in changes], [c.unpriced_reason for c in changes],
            [c.new_price_tier for c in changes], [c.new_billed for c in changes], [c.new_source for c in changes]])
        await LlmCallRepricing.bulk_create([
            LlmCallRepricing(run_id=run.run_id or uuid.uuid4(), call_id=c.call_id, old_cost=c.old_cost,
                             new_cost=c.new_cost, old_price_id=c.old_price_id, new_price_id=c.new_price_id,
                             old_price_tier=c.old_price_tier, new_price_tier=c.new_price_tier,
                             old_billed_cost=c.old_billed, new_billed_cost=c.new_billed, reason=c.reason,
                             repriced_by_id=by.id) for c in changes], using_db=conn)
        run.budget_periods = await spending.rebill(conn, {c.call_id: (c.old_billed, c.new_billed) for c in changes})
        await record_event("pricing.llm_calls.repriced.v1", {
            "runId": run.run_id, "repriced": len(changes), "stillUnpriced": still_unpriced, "by": by.id,
            "oldCost": run.total("old_cost"), "newCost": run.total("new_cost"),
            "oldBilledCost": run.total("old_billed"), "newBilledCost": run.total("new_billed")}, conn)
    return run


def _tokens(call: LlmCall) -> Tokens:
    return Tokens(*(getattr(call, name) for name in TOKEN_FIELDS))


async def get_call(call_id: int) -> LlmCall | None:
    return await LlmCall.get_or_none(id=call_id)


async def get_call_with_execution(call_id: int) -> LlmCall | None:
    return await LlmCall.get_or_none(id=call_id).select_related("execution")


def calls_query(execution_id: int) -> QuerySet[LlmCall]:
    return LlmCall.filter(execution_id=execution_id)


async def repricings_of_call(call_id: int) -> list[LlmCallRepricing]:
    return await LlmCallRepricing.filter(call_id=call_id).order_by("id")


def repricings_query(run_id: uuid.UUID | None) -> QuerySet[LlmCallRepricing]:
    """The repricings of one run; none for a run that changed nothing."""
    return LlmCallRepricing.filter(run_id=run_id) if run_id else LlmCallRepricing.filter(id=-1)


# ---- cost summary -------------------------------------------------------------------------------


class GroupBy(str, Enum):
    MODEL = "MODEL"
    AGENT = "AGENT"
    DAY = "DAY"
    CORRELATION = "CORRELATION"
    PRICE_TIER = "PRICE_TIER"
    SERVICE_TIER = "SERVICE_TIER"


GROUP_KEY = {
    GroupBy.MODEL: """c."provider" || '/' || c."model\"""",
    GroupBy.AGENT: 'e."agent_name"',
    GroupBy.DAY: """to_char(c."started_at" AT TIME ZONE 'UTC', 'YYYY-MM-DD')""",
    GroupBy.CORRELATION: 'e."correlation_id"::text',
    GroupBy.PRICE_TIER: """coalesce(c."price_tier", 'UNPRICED')""",
    GroupBy.SERVICE_TIER: 'c."service_tier"',
}

SUMMARY = """
SELECT {key} AS key, count(*) AS calls, count(*) FILTER (WHERE c."priced") AS priced_calls,
       coalesce(sum(c."input_tokens"), 0) AS input_tokens, coalesce(sum(c."output_tokens"), 0) AS output_tokens,
       coalesce(sum(c."cache_read_tokens"), 0) AS cache_read_tokens,
       coalesce(sum(c."cache_write_tokens"), 0) AS cache_write_tokens,
       coalesce(sum(c."reasoning_tokens"), 0) AS reasoning_tokens, coalesce(sum(c."cost"), 0) AS cost,
       count(*) FILTER (WHERE c."reported_cost" IS NOT NULL) AS reported_calls,
       coalesce(sum(c."reported_cost"), 0) AS reported_cost,
       count(*) FILTER (WHERE c."reported_cost" IS NOT NULL AND c."priced") AS compared_calls,
       coalesce(sum(c."reported_cost" - c."cost") FILTER (WHERE c."reported_cost" IS NOT NULL AND c."priced"), 0)
         AS difference,
       coalesce(sum(c."billed_cost"), 0) AS billed_cost
FROM "llm_calls" c JOIN "executions" e ON e."id" = c."execution_id"
WHERE c."started_at" >= $1 AND c."started_at" < $2
{group}
"""

TIERS_OF_GROUPS = """
SELECT {key} AS key, coalesce(c."price_tier", 'UNPRICED') AS tier, count(*) AS calls,
       coalesce(sum(c."cost"), 0) AS cost, coalesce(sum(c."billed_cost"), 0) AS billed_cost
FROM "llm_calls" c JOIN "executions" e ON e."id" = c."execution_id"
WHERE c."started_at" >= $1 AND c."started_at" < $2 AND {key} = ANY($3::text[])
GROUP BY 1, 2 ORDER BY 1, cost DESC, tier
"""

UNPRICED = """
SELECT c."provider", c."model", count(*) AS calls, min(c."unpriced_reason") AS reason
FROM "llm_calls" c WHERE NOT c."priced" AND c."started_at" >= $1 AND c."started_at" < $2
GROUP BY c."provider", c."model" ORDER BY calls DESC, c."provider", c."model" LIMIT $3
"""


@dataclass
class TierShare:
    """The calls of a group charged at one price component (tier level)."""

    tier: str
    calls: int
    cost: Decimal
    billed_cost: Decimal


@dataclass
class CostGroup:
    key: str
    calls: int
    priced_calls: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    cost: Decimal
    reported_calls: int = 0
    reported_cost: Decimal = Decimal(0)
    compared_calls: int = 0  # calls with both a computed and a reported cost
    difference: Decimal = Decimal(0)  # reported - computed, over the compared calls
    billed_cost: Decimal = Decimal(0)
    tiers: list[TierShare] = field(default_factory=list)

    @property
    def priced_share(self) -> float:
        return self.priced_calls / self.calls if self.calls else 1.0


@dataclass
class UnpricedModel:
    provider: str
    model: str
    calls: int
    reason: str


@dataclass
class CostSummary:
    total: CostGroup
    groups: list[CostGroup]
    unpriced: list[UnpricedModel]


async def cost_summary(group_by: GroupBy, start: datetime | None, end: datetime | None, *, limit: int) -> CostSummary:
    """Exact sums (NUMERIC), the busiest groups first by cost."""
    if not 1 <= limit <= 1000:
        raise DomainError("first", "must be between 1 and 1000")
    start, end = start or FAR_PAST, end or FAR_FUTURE
    if start >= end:
        raise DomainError("to", "must be after from")
    conn = connections.get("default")
    _, total = await conn.execute_query(SUMMARY.format(key="'total'", group=""), [start, end])
    _, groups = await conn.execute_query(
        SUMMARY.format(key=GROUP_KEY[group_by], group="GROUP BY 1 ORDER BY cost DESC, key LIMIT $3"),
        [start, end, limit])
    _, unpriced = await conn.execute_query(UNPRICED, [start, end, 20])
    summary = CostSummary(total=CostGroup(**total[0]), groups=[CostGroup(**g) for g in groups],
                          unpriced=[UnpricedModel(**u) for u in unpriced])
    by_key = {g.key: g for g in summary.groups}
    if by_key:
        _, shares = await conn.execute_query(TIERS_OF_GROUPS.format(key=GROUP_KEY[group_by]),
                                             [start, end, list(by_key)])
        for share in shares:
            by_key[share["key"]].tiers.append(TierShare(share["tier"], share["calls"], share["cost"],
                                                        share["billed_cost"]))
    _, totals = await conn.execute_query(TIERS_OF_GROUPS.format(key="'total'"), [start, end, ["total"]])
    summary.total.tiers = [TierShare(t["tier"], t["calls"], t["cost"], t["billed_cost"]) for t in totals]
    return summary

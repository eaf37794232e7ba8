"""Executions and their LLM calls: `execution`, `executions`, `costSummary`, `executionStart`,
`executionFinish`, `llmCallsRecord`, `llmCallsReprice`, `otlpChargeAccountSet` (who pays for OTLP calls),
`costSeries`."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from models import auth as am
from models import executions as m
from models import pricing as pm
from models import stf as sm
from resolvers.economy.ledger import Transfer, visible_transfer
from resolvers.loaders import load_one
from resolvers.node import register_node
from resolvers.payload import attempt, user_error_type
from resolvers.permissions import IsAdmin, IsAuthenticated
from resolvers.pricing import ModelPrice
from resolvers.relay import Connection, Node, global_pk, paginate, to_global_id
from resolvers.scalars import BigInt
from resolvers.stf.registry import Stf
from services import errors
from services.executions import cost_series as series_service
from services.executions import llm_calls as call_service
from services.executions import otlp as otlp_service
from services.executions import runs as execution_service

ExecutionUserError = user_error_type(errors.EXECUTIONS)

if TYPE_CHECKING:
    from resolvers.auth import Principal

ExecutionStatus = strawberry.enum(m.ExecutionStatus, description="RUNNING until finished.")
CostGroupBy = strawberry.enum(
    call_service.GroupBy,
    name="CostGroupBy",
    description="MODEL (provider/model as sent), AGENT, DAY (UTC) or CORRELATION (execution).",
)

CostSeriesBy = strawberry.enum(series_service.SeriesBy, name="CostSeriesBy",
                               description="One line per MODEL (provider/model as sent) or per AGENT.")
TimeBucket = strawberry.enum(series_service.Bucket, name="TimeBucket", description="UTC hours or UTC days.")


@strawberry.type(description="One line of a cost chart: a model or agent ('other' for the rest), a value per bucket.")
class CostSeriesLine:
    key: str
    total: Decimal = strawberry.field(description="USD, exact, of the line's priced calls in the window.")
    calls: list[int] = strawberry.field(description="Calls per bucket, priced or not.")
    cost: list[Decimal] = strawberry.field(description="USD per bucket.")


@strawberry.type(description="LLM spend over time, stacked by model or agent.")
class CostSeries:
    bucket: TimeBucket
    from_: datetime = strawberry.field(name="from")
    to: datetime
    starts: list[datetime] = strawberry.field(description="The start of each bucket (UTC), oldest first.")
    lines: list[CostSeriesLine] = strawberry.field(description="The costliest lines first, then 'other'.")


@strawberry.enum(description="How an execution ended.")
class FinishStatus(Enum):
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


@strawberry.type(description="A change of one call's cost by llmCallsReprice.")
class LlmCallRepricing:
    run_id: uuid.UUID
    old_cost: Decimal | None
    new_cost: Decimal | None
    reason: str
    repriced_at: datetime
    old_price_pk: strawberry.Private[int | None]
    new_price_pk: strawberry.Private[int | None]
    by_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.LlmCallRepricing) -> "LlmCallRepricing":
        return cls(run_id=row.run_id, old_cost=row.old_cost, new_cost=row.new_cost, reason=row.reason,
                   repriced_at=row.repriced_at, old_price_pk=row.old_price_id, new_price_pk=row.new_price_id,
                   by_pk=row.repriced_by_id)

    @strawberry.field
    async def old_price(self, info: Info) -> ModelPrice | None:
        return await load_one(info, pm.ModelPrice, self.old_price_pk, ModelPrice.of)

    @strawberry.field
    async def new_price(self, info: Info) -> ModelPrice | None:
        return await load_one(info, pm.ModelPrice, self.new_price_pk, ModelPrice.of)

    @strawberry.field(description="Who ran the repricing.")
    async def repriced_by(self, info: Info) -> Annotated["Principal", strawberry.lazy("resolvers.auth")] | None:
        from resolvers.auth import Principal

        return await load_one(info, am.Principal, self.by_pk, Principal.of)


PaymentStatus = strawberry.enum(m.PaymentStatus, name="LlmCallPaymentStatus",
                                description="PAID, UNPAID (recorded, not paid for) or NOT_CHARGED.")


@strawberry.type(description=(
    "One LLM call. Token counts are disjoint: input excludes cache reads and writes, output excludes "
    "reasoning. `cost` (USD, exact) comes from the price in force at `startedAt`; null with `priced: false` "
    "and a reason when there was none."))
class LlmCall(Node):
    correlation_id: uuid.UUID
    provider: str
    model: str
    input_tokens: BigInt
    output_tokens: BigInt
    cache_read_tokens: BigInt
    cache_write_tokens: BigInt
    reasoning_tokens: BigInt
    latency_ms: int
    started_at: datetime
    client_call_id: str | None
    priced: bool
    unpriced_reason: str | None
    cost: Decimal | None
    recorded_at: datetime
    payment_status: PaymentStatus = strawberry.field(description=(
        "PAID or UNPAID when the batch named a reservation or account to charge and the call has a price; "
        "NOT_CHARGED otherwise."))
    pk: strawberry.Private[int]
    price_pk: strawberry.Private[int | None]
    payment_transfer_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.LlmCall, correlation_id: uuid.UUID) -> "LlmCall":
        return cls(id=to_global_id("LlmCall", row.id), correlation_id=correlation_id, provider=row.provider,
                   model=row.model, input_tokens=row.input_tokens, output_tokens=row.output_tokens,
                   cache_read_tokens=row.cache_read_tokens, cache_write_tokens=row.cache_write_tokens,
                   reasoning_tokens=row.reasoning_tokens, latency_ms=row.latency_ms, started_at=row.started_at,
                   client_call_id=row.client_call_id, priced=row.priced, unpriced_reason=row.unpriced_reason,
                   cost=row.cost, recorded_at=row.recorded_at, payment_status=row.payment_status, pk=row.id,
                   price_pk=row.price_id, payment_transfer_pk=row.payment_transfer_id)

    @strawberry.field(
        description="The COMPUTE transfer that paid for the call's batch (a party, REVIEWER or ADMIN sees it)."
    )
    async def payment_transfer(self, info: Info) -> Transfer | None:
        return await visible_transfer(info, self.payment_transfer_pk)

    @strawberry.field(description="The price row the cost was computed from.")
    async def price(self, info: Info) -> ModelPrice | None:
        return await load_one(info, pm.ModelPrice, self.price_pk, ModelPrice.of)

    @strawberry.field(description="Every change of this call's cost, oldest first.")
    async def repricings(self) -> list[LlmCallRepricing]:
        return [LlmCallRepricing.of(r) for r in await call_service.repricings_of_call(self.pk)]


@strawberry.type(description="One run of an agent on a task.")
class Execution(Node):
    correlation_id: uuid.UUID
    agent_name: str
    task_prompt: str
    parameters: JSON
    fingerprint: str = strawberry.field(description=(
        "SHA-256 of the canonical JSON of the normalised prompt and parameters: identical requests share it."))
    status: ExecutionStatus
    summary: str | None
    started_at: datetime
    finished_at: datetime | None
    pk: strawberry.Private[int]
    stf_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, row: m.Execution) -> "Execution":
        return cls(id=to_global_id("Execution", row.id), correlation_id=row.correlation_id,
                   agent_name=row.agent_name, task_prompt=row.task_prompt, parameters=row.parameters,
                   fingerprint=row.fingerprint, status=row.status, summary=row.summary, started_at=row.started_at,
                   finished_at=row.finished_at, pk=row.id, stf_pk=row.stf_id)

    @strawberry.field(description="The STF this execution applies, if it named one.")
    async def stf(self, info: Info) -> Stf | None:
        return await load_one(info, sm.Stf, self.stf_pk, Stf.of)

    @strawberry.field(description="Its LLM calls in the order they started.")
    async def llm_calls(self, info: Info, first: int | None = None, after: str | None = None) -> Connection[LlmCall]:
        return await paginate(call_service.calls_query(self.pk), first=first, after=after,
                              order=["started_at", "id"], to_node=lambda r: LlmCall.of(r, self.correlation_id),
                              max_page_size=info.context.max_page_size)


async def _load_execution(pk: int, info: Info) -> Execution | None:
    if info.context.principal is None:
        return None
    row = await execution_service.by_id(pk)
    return Execution.of(row) if row else None


async def _load_call(pk: int, info: Info) -> LlmCall | None:
    if info.context.principal is None:
        return None
    row = await call_service.get_call_with_execution(pk)
    return LlmCall.of(row, row.execution.correlation_id) if row else None


register_node("Execution", _load_execution)
register_node("LlmCall", _load_call)


@strawberry.input
class ExecutionStartInput:
    agent_name: str
    task_prompt: str
    correlation_id: uuid.UUID | None = strawberry.field(default=None, description="Generated when absent.")
    parameters: JSON = strawberry.field(default_factory=dict, description="A JSON object.")
    stf_id: strawberry.ID | None = strawberry.field(default=None, description="The STF this execution applies.")


@strawberry.type
class ExecutionStartPayload:
    execution: Execution | None
    created: bool = strawberry.field(description="False for a retry with the same correlation id and request.")
    user_errors: list[ExecutionUserError]


@strawberry.input
class ExecutionFinishInput:
    correlation_id: uuid.UUID
    status: FinishStatus
    summary: str | None = None


@strawberry.type
class ExecutionFinishPayload:
    execution: Execution | None
    user_errors: list[ExecutionUserError]


@strawberry.input(description="One LLM call. Token counts are disjoint (see LlmCall).")
class LlmCallInput:
    correlation_id: uuid.UUID
    provider: str
    model: str
    input_tokens: BigInt
    output_tokens: BigInt
    started_at: datetime
    latency_ms: int
    cache_read_tokens: BigInt = 0
    cache_write_tokens: BigInt = 0
    reasoning_tokens: BigInt = 0
    client_call_id: str | None = strawberry.field(
        default=None, description="Unique per execution: a retried batch returns the calls recorded the first time.")


def _call_from_input(cls: type, value: Mapping[str, Any], context: Any) -> call_service.CallInput:
    """Every field of LlmCallInput is a leaf that graphql-core has already parsed and validated; build
    the service's value straight from it (Strawberry's generic conversion was half of the ingest time)."""
    return call_service.CallInput(
        value["correlationId"], value["provider"], value["model"], value["inputTokens"], value["outputTokens"],
        value["cacheReadTokens"], value["cacheWriteTokens"], value["reasoningTokens"], value["latencyMs"],
        value["startedAt"], value.get("clientCallId"))


LlmCallInput.__strawberry_definition__.from_input = _call_from_input


@strawberry.input
class LlmCallsRecordInput:
    calls: list[LlmCallInput] = strawberry.field(description="1 to 1,000 calls, recorded all or none.")
    reservation_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "Pay for the priced calls from this compute reservation of yours (at most what it still holds)."))
    charge_account: str | None = strawberry.field(default=None, description=(
        "Pay for the priced calls from this account: your own (an ADMIN may name any contributor's)."))


@strawberry.type(description=(
    "How the calls recorded by this request were paid for: their USD cost as tokens at the policy's tokensPerUsd, "
    "rounded up, all or nothing. A retry that recorded nothing new reports the earlier payment (`replayed`)."))
class LlmCallsPayment:
    status: PaymentStatus = strawberry.field(description="PAID, UNPAID (recorded anyway), or NOT_CHARGED.")
    tokens: BigInt = strawberry.field(description="Tokens charged, or owed when UNPAID.")
    usd: Decimal = strawberry.field(description="The priced cost charged (or owed).")
    shortfall: BigInt = strawberry.field(description="Tokens the account or reservation lacked (0 unless UNPAID).")
    reason: str | None = strawberry.field(description="Why it was not paid or not charged.")
    charged_calls: int = strawberry.field(description="Calls with a price, charged (or owed).")
    unpriced_calls: int = strawberry.field(description="Calls without a price: never charged.")
    replayed: bool
    transfer_pk: strawberry.Private[int | None]

    @classmethod
    def of(cls, p: call_service.Payment) -> "LlmCallsPayment":
        return cls(status=p.status, tokens=p.tokens, usd=p.usd, shortfall=p.shortfall, reason=p.reason,
                   charged_calls=p.charged_calls, unpriced_calls=p.unpriced_calls, replayed=p.replayed,
                   transfer_pk=p.transfer.id if p.transfer else None)

    @strawberry.field
    def transfer_id(self) -> strawberry.ID | None:
        return to_global_id("Transfer", self.transfer_pk) if self.transfer_pk else None

    @strawberry.field(description="The COMPUTE transfer, when PAID with more than 0 tokens.")
    async def transfer(self, info: Info) -> Transfer | None:
        return await visible_transfer(info, self.transfer_pk)


@strawberry.type
class LlmCallsRecordPayload:
    calls: list[LlmCall] = strawberry.field(description="In input order, including calls recorded by an earlier try.")
    recorded: int = strawberry.field(description="Calls recorded by this request.")
    priced: int = strawberry.field(description="Of the calls returned, how many have a cost.")
    payment: LlmCallsPayment | None
    user_errors: list[ExecutionUserError]


@strawberry.input
class LlmCallsRepriceInput:
    from_: datetime | None = strawberry.field(default=None, name="from", description="Calls started at or after.")
    to: datetime | None = strawberry.field(default=None, description="Calls started before.")
    limit: int = strawberry.field(default=10_000, description="At most this many calls per run (<= 100,000).")


@strawberry.type
class LlmCallsRepricePayload:
    run_id: uuid.UUID | None
    examined: int
    repriced: int = strawberry.field(description="Calls whose cost or price row changed; each is a repricing.")
    still_unpriced: int
    has_more: bool = strawberry.field(description="More calls wait: run again.")
    user_errors: list[ExecutionUserError]

    @strawberry.field(description="The repricings of this run.")
    async def repricings(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[LlmCallRepricing]:
        return await paginate(
            call_service.repricings_query(self.run_id),
            first=first,
            after=after,
            order=["id"],
            to_node=LlmCallRepricing.of,
            max_page_size=info.context.max_page_size,
        )


@strawberry.type
class CostGroup:
    key: str = strawberry.field(description="The model, agent, day (YYYY-MM-DD) or correlation id; 'total' for all.")
    calls: int
    priced_calls: int
    priced_share: float = strawberry.field(description="priced / calls: the cost-tracking accuracy.")
    input_tokens: BigInt
    output_tokens: BigInt
    cache_read_tokens: BigInt
    cache_write_tokens: BigInt
    reasoning_tokens: BigInt
    cost: Decimal = strawberry.field(description="USD, exact, of the priced calls.")

    @classmethod
    def of(cls, group: call_service.CostGroup) -> "CostGroup":
        return cls(key=group.key, calls=group.calls, priced_calls=group.priced_calls, priced_share=group.priced_share,
                   input_tokens=group.input_tokens, output_tokens=group.output_tokens,
                   cache_read_tokens=group.cache_read_tokens, cache_write_tokens=group.cache_write_tokens,
                   reasoning_tokens=group.reasoning_tokens, cost=group.cost)


@strawberry.type(description="Models of unpriced calls: what to add to the catalog.")
class UnpricedModel:
    provider: str
    model: str
    calls: int
    reason: str


@strawberry.type
class CostSummary:
    total: CostGroup
    groups: list[CostGroup] = strawberry.field(description="The most expensive groups first (at most `first`).")
    unpriced: list[UnpricedModel] = strawberry.field(description="Up to 20 models of unpriced calls, most calls first.")


@strawberry.input
class ExecutionFilter:
    fingerprint: str | None = None
    agent_name: str | None = None
    status: ExecutionStatus | None = None
    stf: strawberry.ID | None = None



@strawberry.type
class ExecutionQuery:
    @strawberry.field(permission_classes=[IsAuthenticated])
    async def execution(self, correlation_id: uuid.UUID) -> Execution | None:
        row = await execution_service.get(correlation_id)
        return Execution.of(row) if row else None

    @strawberry.field(permission_classes=[IsAuthenticated], description="Executions, newest first.")
    async def executions(self, info: Info, first: int | None = None, after: str | None = None,
                         filter: ExecutionFilter | None = None) -> Connection[Execution]:
        given = filter or ExecutionFilter()
        query = execution_service.search(
            fingerprint_hex=given.fingerprint, agent_name=given.agent_name, status=given.status,
            stf_id=global_pk(given.stf, "Stf", "filter.stf") if given.stf else None)
        return await paginate(query, first=first, after=after, order=["-started_at", "-id"], to_node=Execution.of,
                              max_page_size=info.context.max_page_size)

    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "Calls, tokens and exact cost of the calls started in [from, to), grouped; with the share of calls priced."))
    async def cost_summary(
        self,
        group_by: CostGroupBy,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        first: int = 100,
    ) -> CostSummary:
        summary = await call_service.cost_summary(call_service.GroupBy(group_by.value), from_, to, limit=first)
        return CostSummary(total=CostGroup.of(summary.total), groups=[CostGroup.of(g) for g in summary.groups],
                           unpriced=[UnpricedModel(provider=u.provider, model=u.model, calls=u.calls, reason=u.reason)
                                     for u in summary.unpriced])

    @strawberry.field(permission_classes=[IsAuthenticated], description=(
        "USD and calls per hour or day in [from, to), one line per model or agent: the `top` costliest lines "
        "(at most 20), the rest added up as 'other'. At most 1,000 buckets."))
    async def cost_series(self, group_by: CostSeriesBy, from_: Annotated[datetime, strawberry.argument(name="from")],
                          to: datetime | None = None, bucket: TimeBucket = TimeBucket.DAY, top: int = 6) -> CostSeries:
        s = await series_service.cost_series(by=series_service.SeriesBy(group_by.value),
                                             bucket=series_service.Bucket(bucket.value), start=from_, end=to, top=top)
        return CostSeries(bucket=s.bucket, from_=s.start, to=s.end, starts=s.starts,
                          lines=[CostSeriesLine(key=x.key, total=x.total, calls=x.calls, cost=x.cost) for x in s.lines])


@strawberry.input
class OtlpChargeAccountSetInput:
    charge_account: str | None = strawberry.field(default=None, description=(
        "The account to charge: the principal's own contributor account (an ADMIN principal may name any "
        "contributor's). Null stops charging."))
    principal_id: strawberry.ID | None = strawberry.field(default=None, description=(
        "Whose setting (an ADMIN may set anyone's); the caller when absent."))


@strawberry.type
class OtlpChargeAccountSetPayload:
    principal: Annotated["Principal", strawberry.lazy("resolvers.auth")] | None
    user_errors: list[ExecutionUserError]


@strawberry.type
class ExecutionMutation:
    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Start an execution; the server computes its request fingerprint. Retrying with the same correlation id "
        "and request returns it (`created: false`)."))
    async def execution_start(self, info: Info, input: ExecutionStartInput) -> ExecutionStartPayload:
        stf_id = global_pk(input.stf_id, "Stf", "stfId") if input.stf_id else None
        result, errors = await attempt(
            execution_service.start(
                info.context.principal,
                input.correlation_id,
                input.agent_name,
                task_prompt=input.task_prompt,
                parameters=input.parameters,
                stf_id=stf_id,
            )
        )
        if result is None:
            return ExecutionStartPayload(execution=None, created=False, user_errors=errors)
        return ExecutionStartPayload(execution=Execution.of(result[0]), created=result[1], user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated],
                         description="Finish a RUNNING execution as SUCCEEDED or FAILED (its starter or ADMIN).")
    async def execution_finish(self, info: Info, input: ExecutionFinishInput) -> ExecutionFinishPayload:
        row, errors = await attempt(execution_service.finish(
            info.context.principal, input.correlation_id, m.ExecutionStatus(input.status.value), summary=input.summary))
        return ExecutionFinishPayload(execution=Execution.of(row) if row else None, user_errors=errors)

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Record up to 1,000 LLM calls, all or none, each priced from the price in force at its startedAt. "
        "A bad call is a user error naming its index (calls[3].model)."))
    async def llm_calls_record(self, info: Info, input: LlmCallsRecordInput) -> LlmCallsRecordPayload:
        calls: list[call_service.CallInput] = input.calls  # type: ignore[assignment]  # see _call_from_input

        async def record() -> call_service.Recorded:
            reservation = (
                global_pk(input.reservation_id, "Reservation", "reservationId") if input.reservation_id else None
            )
            return await call_service.record(
                info.context.principal, calls, reservation, charge_account=input.charge_account
            )

        result, errors = await attempt(record())
        if result is None:
            return LlmCallsRecordPayload(calls=[], recorded=0, priced=0, payment=None, user_errors=errors)
        return LlmCallsRecordPayload(
            calls=[LlmCall.of(row, call.correlation_id) for row, call in zip(result.calls, calls)],
            recorded=result.inserted, priced=sum(row.priced for row in result.calls),
            payment=LlmCallsPayment.of(result.payment) if result.payment else None, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated, IsAdmin], description=(
        "Price unpriced calls and re-price calls whose price was corrected or whose period was split (ADMIN). "
        "Every change is kept as a repricing: old and new cost and price, who, when."))
    async def llm_calls_reprice(self, info: Info, input: LlmCallsRepriceInput) -> LlmCallsRepricePayload:
        run, errors = await attempt(
            call_service.reprice(info.context.principal, input.from_, input.to, limit=input.limit)
        )
        if run is None:
            return LlmCallsRepricePayload(run_id=None, examined=0, repriced=0, still_unpriced=0, has_more=False,
                                          user_errors=errors)
        return LlmCallsRepricePayload(run_id=run.run_id, examined=run.examined, repriced=run.repriced,
                                      still_unpriced=run.still_unpriced, has_more=run.more, user_errors=[])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description=(
        "Choose the account that pays for the LLM calls a principal sends over OTLP (/v1/traces): its calls are "
        "then charged exactly as llmCallsRecord charges with chargeAccount."))
    async def otlp_charge_account_set(self, info: Info,
                                      input: OtlpChargeAccountSetInput) -> OtlpChargeAccountSetPayload:
        from resolvers.auth import Principal

        row, errors = await attempt(lambda: otlp_service.set_charge_account(
            info.context.principal, global_pk(input.principal_id, "Principal", "principalId") if input.principal_id
            else None, input.charge_account))
        return OtlpChargeAccountSetPayload(principal=Principal.of(row) if row else None, user_errors=errors)

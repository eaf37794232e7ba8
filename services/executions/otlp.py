"""LLM calls from OpenTelemetry traces (OTLP `/v1/traces`): each trace is an execution, each LLM span
a call recorded, priced and charged by `llm_calls.record` (the path of `llmCallsRecord`); other spans
are counted and dropped. Bad spans are rejected one by one: the rest of the request is still recorded."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from tortoise import connections
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.executions import PaymentStatus
from services.errors import DomainError, NotFound
from services.executions import llm_calls, runs
from services.executions.genai_spans import SpanRejected, span_call
from services.executions.llm_calls import CallInput

UNKNOWN_SERVICE = "unknown_service"
CALL_FIELD = re.compile(r"^calls\[(\d+)\]\.?(.*)$")
MAX_ATTEMPTS = 8  # transactions per batch, each after dropping the one call record() refused
MAX_REASONS = 10


class Busy(Exception):
    """The same spans are being recorded by a concurrent request: retry later (HTTP 503)."""


@dataclass
class Trace:
    """What a request says about one trace: enough to open its execution."""

    trace_id: bytes
    service_name: str | None
    started_at: datetime
    root_name: str | None = None

    def opening(self) -> runs.Opening:
        # names come from the sender: PostgreSQL text and jsonb hold no NUL
        root = self.root_name.replace("\x00", "")[:200] if self.root_name else None
        service = self.service_name.replace("\x00", "")[:200] if self.service_name else None
        named = service if service and not service.startswith(UNKNOWN_SERVICE) else None
        agent = (runs.fit_agent_name(named or "") or runs.fit_agent_name(root or "")
                 or runs.fit_agent_name(service or "") or UNKNOWN_SERVICE)
        prompt = f"OpenTelemetry trace {self.trace_id.hex()}" + (f": {root}" if root else "")
        parameters = {"source": "otlp", "traceId": self.trace_id.hex(), "serviceName": service}
        return runs.Opening(uuid.UUID(bytes=self.trace_id), agent, prompt, parameters, self.started_at)


@dataclass
class Ingested:
    """What became of a request's spans."""

    spans: int = 0
    recorded: int = 0
    already_recorded: int = 0  # sent before (or twice in this request): recorded once
    ignored: int = 0  # not LLM calls
    rejections: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return sum(self.rejections.values())

    def reject(self, call_or_span: CallInput | str, message: str) -> None:
        self.rejections[message] += 1
        self.examples.setdefault(message, call_or_span if isinstance(call_or_span, str) else _where(call_or_span))

    def message(self) -> str:
        """Why spans were rejected (the commonest reasons, each with one span), then warnings."""
        parts = []
        if self.rejected:
            reasons = [f"{n} x {message} (e.g. {self.examples[message]})"
                       for message, n in self.rejections.most_common(MAX_REASONS)]
            more = len(self.rejections) - MAX_REASONS
            parts.append(f"rejected {self.rejected} of {self.spans} spans: " + "; ".join(reasons)
                         + (f"; and {more} other reasons" if more > 0 else ""))
        return ". ".join(parts + self.warnings)


def _where(call: CallInput) -> str:
    return f"span {call.client_call_id} of trace {call.correlation_id.hex}"


def _span_where(trace_id: bytes, span_id: bytes) -> str:
    return f"span {span_id.hex() or '(none)'} of trace {trace_id.hex() or '(none)'}"


async def ingest(by: Principal, request: ExportTraceServiceRequest) -> Ingested:
    """Record the LLM spans of one OTLP request. Raises Busy when a concurrent request records the same spans."""
    result = Ingested()
    calls, traces = _read_spans(request, result)
    charge_account = await charge_account_of(by.id) if calls else None
    for start in range(0, len(calls), llm_calls.MAX_BATCH):
        await _record_batch(by, calls[start:start + llm_calls.MAX_BATCH], traces, charge_account=charge_account,
                            result=result)
    return result


def _read_spans(request: ExportTraceServiceRequest, result: Ingested) -> tuple[list[CallInput], dict[bytes, Trace]]:
    """The calls of the request's LLM spans (each span once) and their traces; other spans counted in `result`."""
    calls: dict[tuple[uuid.UUID, str], CallInput] = {}
    traces: dict[bytes, Trace] = {}
    roots: dict[bytes, str] = {}
    for resource_spans in request.resource_spans:
        service_name = _service_name(resource_spans.resource)
        for scope_spans in resource_spans.scope_spans:
            for span in scope_spans.spans:
                result.spans += 1
                if not span.parent_span_id:
                    roots.setdefault(span.trace_id, span.name)
                try:
                    call = span_call(span)
                except SpanRejected as exc:
                    result.reject(_span_where(span.trace_id, span.span_id), exc.message)
                    continue
                if call is None:
                    result.ignored += 1
                    continue
                key = (call.correlation_id, call.client_call_id or "")
                if key in calls:
                    if calls[key] == call:
                        result.already_recorded += 1
                    else:
                        result.reject(call, "spanId repeats an earlier span of this request with other values")
                    continue
                calls[key] = call
                trace = traces.setdefault(span.trace_id, Trace(span.trace_id, service_name, call.started_at))
                trace.started_at = min(trace.started_at, call.started_at)
    for trace_id, trace in traces.items():
        trace.root_name = roots.get(trace_id)
    return list(calls.values()), traces


def _service_name(resource: Resource) -> str | None:
    for kv in resource.attributes:
        if kv.key == "service.name" and kv.value.WhichOneof("value") == "string_value":
            return kv.value.string_value
    return None


async def _record_batch(by: Principal, calls: list[CallInput], traces: dict[bytes, Trace], *,
                        charge_account: str | None, result: Ingested) -> None:
    """One transaction: open the batch's new executions, then `llm_calls.record`. A call it refuses
    (its error names calls[i]) is rejected and the rest tried again in a new transaction."""
    pending: list[CallInput] = []
    for i, call in enumerate(calls):
        try:
            pending.append(llm_calls.check_call(i, call))
        except DomainError as exc:
            result.reject(call, _describe(exc))
    for attempt in range(MAX_ATTEMPTS):
        if not pending:
            return
        allowed, refused = pending, []
        try:
            async with in_transaction() as conn:
                openings = [traces[cid.bytes].opening() for cid in dict.fromkeys(c.correlation_id for c in pending)]
                starters = await runs.open_many(by, openings, conn)
                if by.role is not Role.ADMIN:
                    allowed = [c for c in pending if starters[c.correlation_id] == by.id]
                    refused = [c for c in pending if starters[c.correlation_id] != by.id]
                recorded = await llm_calls.record(by, allowed, charge_account=charge_account) if allowed else None
        except DomainError as exc:
            if exc.code == "CONFLICT":
                raise Busy(exc.message) from None
            index = _call_index(exc)
            if index is None or index >= len(allowed) or attempt == MAX_ATTEMPTS - 1:
                for call in pending:
                    result.reject(call, _describe(exc))
                return
            result.reject(allowed[index], _describe(exc))
            pending = [c for i, c in enumerate(allowed) if i != index] + refused
            continue
        for call in refused:
            result.reject(call, "its trace is an execution that another principal started")
        if recorded is not None:
            result.recorded += recorded.inserted
            result.already_recorded += len(allowed) - recorded.inserted
            _note_payment(recorded.payment, result)
        return


def _call_index(exc: DomainError) -> int | None:
    match = CALL_FIELD.match(exc.field or "")
    return int(match.group(1)) if match else None


def _describe(exc: DomainError) -> str:
    """A record() error without its index into this server's batch (meaningless to the sender)."""
    match = CALL_FIELD.match(exc.field or "")
    name = match.group(2) if match else exc.field
    return f"{name}: {exc.message}" if name else exc.message


def _note_payment(payment: llm_calls.Payment | None, result: Ingested) -> None:
    if payment is not None and payment.status is PaymentStatus.UNPAID and not payment.replayed:
        result.warnings.append(f"{payment.charged_calls} calls were recorded UNPAID ({payment.tokens} tokens owed, "
                               f"short by {payment.shortfall}): {payment.reason}")


# ---- the charge account setting ------------------------------------------------------------------


CHARGE_ACCOUNT = ('SELECT a."name" FROM "principals" p JOIN "ledger_accounts" a ON a."id" = p."otlp_charge_account_id" '
                  'WHERE p."id" = $1')


async def charge_account_of(principal_id: int) -> str | None:
    """The name of the account that pays for the principal's OTLP calls, if one is set (read at each request:
    the key cache may hold the principal for a few seconds)."""
    rows = await connections.get("default").execute_query_dict(CHARGE_ACCOUNT, [principal_id])
    return rows[0]["name"] if rows else None


async def set_charge_account(by: Principal, principal_id: int | None, account: str | None) -> Principal:
    """Set (or with None, clear) who pays for a principal's OTLP calls: the principal itself or an
    ADMIN may; the account must be one `llmCallsRecord` lets that principal charge (its own; any
    contributor's for an ADMIN principal)."""
    target_id = by.id if principal_id is None else principal_id
    if target_id != by.id and by.role is not Role.ADMIN:
        raise DomainError("principalId", "only the principal itself or an ADMIN may set its charge account",
                          "FORBIDDEN")
    async with in_transaction() as conn:
        principal = await Principal.filter(id=target_id).using_db(conn).select_for_update().first()
        if principal is None:
            raise NotFound("principalId", "no such principal")
        charge = await llm_calls.charge_target(principal, None, account.strip()) if account is not None else None
        principal.otlp_charge_account_id = charge.account_id if charge else None
        await principal.save(using_db=conn, update_fields=["otlp_charge_account_id"])
    return principal

"""What an execution records while it runs: snapshots of each step's input and output, errors (with
their normalised signature), successes, and STF attempts on an error. Each recorder locks the
execution row, so the events of one execution are ordered and attempts are decided one at a time."""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from models.auth import Principal
from models.debug import ErrorEvent, ErrorSignature, Snapshot, SnapshotPhase, StfApplication, SuccessEvent
from models.executions import Execution, ExecutionStatus
from models.stf import Stf, StfStatus
from services.debug import attempts
from services.debug.signatures import MAX_TYPE, Signature, signature
from services.errors import DomainError, NotFound
from services.executions.runs import may_act_on
from subscriptions.outbox import record_event

MAX_STATE_BYTES = 1024 * 1024
MAX_STEP = 1_000_000
MAX_MESSAGE = 20_000
MAX_STACK = 200_000


def canonical_state(state: Any) -> str:
    """The JSON text that is stored and hashed: sorted keys, no spaces, UTF-8."""
    try:
        return json.dumps(state, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise DomainError("state", "must not contain NaN or Infinity") from None


def state_sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _check_step(step: int) -> None:
    if not 0 <= step <= MAX_STEP:
        raise DomainError("step", f"must be between 0 and {MAX_STEP}, got {step}")


async def _locked_execution(conn: BaseDBAsyncClient, by: Principal, correlation_id: uuid.UUID,
                            *, running: bool) -> Execution:
    execution = await (Execution.filter(correlation_id=correlation_id).using_db(conn)
                       .select_for_update(no_key=True).first())
    if execution is None:
        raise NotFound("correlationId", "no execution with this correlation id: start it with executionStart")
    if not may_act_on(by, execution):
        raise DomainError("correlationId", "only the principal that started this execution, or an ADMIN, may "
                                           "record its events", "FORBIDDEN")
    if running and execution.status is not ExecutionStatus.RUNNING:
        raise DomainError("correlationId", f"the execution already finished as {execution.status.value}",
                          "ALREADY_FINISHED")
    return execution


@dataclass
class Recorded:
    row: Any
    created: bool


async def record_snapshot(by: Principal, correlation_id: uuid.UUID, step: int, *, phase: SnapshotPhase,
                          state: Any) -> Recorded:
    """The server hashes the canonical JSON. The same step and phase again with the same state is a
    retry (returned, `created` false); with another state, a user error. Allowed after the finish too."""
    _check_step(step)
    text = canonical_state(state)
    size = len(text.encode())
    if size > MAX_STATE_BYTES:
        raise DomainError("state", f"at most {MAX_STATE_BYTES} bytes of JSON, got {size}", "TOO_LARGE")
    digest = state_sha256(text)
    async with in_transaction() as conn:
        execution = await _locked_execution(conn, by, correlation_id, running=False)
        existing = await Snapshot.get_or_none(execution_id=execution.id, step=step, phase=phase).using_db(conn)
        if existing is not None:
            if existing.sha256 == digest:
                return Recorded(existing, False)
            raise DomainError("step", f"step {step} already has an {phase.value} snapshot with another state",
                              "DUPLICATE")
        snapshot = await Snapshot.create(execution_id=execution.id, step=step, phase=phase, state=text, sha256=digest,
                                         size_bytes=size, recorded_by_id=by.id, using_db=conn)
        await record_event("debug.snapshot.recorded.v1", {
            "snapshotId": snapshot.id, "correlationId": correlation_id, "step": step, "phase": phase,
            "sha256": digest, "sizeBytes": size}, conn)
    return Recorded(snapshot, True)


async def _signature_row(conn: BaseDBAsyncClient, sig: Signature) -> ErrorSignature:
    await conn.execute_query(
        'INSERT INTO "error_signatures" ("digest", "error_type", "pattern", "first_seen_at") '
        'VALUES ($1, $2, $3, now()) ON CONFLICT ("digest") DO NOTHING', [sig.digest, sig.error_type, sig.pattern])
    return await ErrorSignature.get(digest=sig.digest).using_db(conn)


@dataclass
class RecordedError:
    error: ErrorEvent
    signature: ErrorSignature
    failed_attempts: int


async def record_error(by: Principal, correlation_id: uuid.UUID, step: int, *, error_type: str, message: str,
                       stack: str | None) -> RecordedError:
    """An error, grouped by its signature. Pending STF attempts of the execution at or before this step failed."""
    _check_step(step)
    if not error_type.strip() or len(error_type.strip()) > MAX_TYPE:
        raise DomainError("errorType", f"must be 1-{MAX_TYPE} characters, e.g. KeyError or TypeError")
    if not message.strip() or len(message) > MAX_MESSAGE:
        raise DomainError("message", f"must be 1-{MAX_MESSAGE} characters")
    if stack is not None and len(stack) > MAX_STACK:
        raise DomainError("stack", f"at most {MAX_STACK} characters")
    sig = signature(error_type, message)
    async with in_transaction() as conn:
        execution = await _locked_execution(conn, by, correlation_id, running=True)
        row = await _signature_row(conn, sig)
        error = await ErrorEvent.create(execution_id=execution.id, step=step, error_type=sig.error_type,
                                        message=message, stack=stack, signature_id=row.id, recorded_by_id=by.id,
                                        using_db=conn)
        await record_event("debug.error.recorded.v1", {
            "errorEventId": error.id, "correlationId": correlation_id, "step": step, "errorType": sig.error_type,
            "signatureId": row.id, "signature": sig.digest}, conn)
        decided = await attempts.after_error(conn, execution.id, step, error_event_id=error.id)
    return RecordedError(error, row, len(decided))


@dataclass
class RecordedSuccess:
    success: SuccessEvent
    succeeded_attempts: int


async def record_success(
    by: Principal, correlation_id: uuid.UUID, step: int, *, quality_score: float
) -> RecordedSuccess:
    """A success; pending STF attempts of the execution at or before this step succeeded."""
    _check_step(step)
    if not (math.isfinite(quality_score) and 0 <= quality_score <= 1):
        raise DomainError("qualityScore", f"must be between 0 and 1, got {quality_score}")
    async with in_transaction() as conn:
        execution = await _locked_execution(conn, by, correlation_id, running=True)
        success = await SuccessEvent.create(execution_id=execution.id, step=step, quality_score=quality_score,
                                            recorded_by_id=by.id, using_db=conn)
        await record_event("debug.success.recorded.v1", {
            "successEventId": success.id, "correlationId": correlation_id, "step": step,
            "qualityScore": quality_score}, conn)
        decided = await attempts.after_success(conn, execution.id, step, success_event_id=success.id)
    return RecordedSuccess(success, len(decided))


async def apply_stf(by: Principal, error_event_id: int, stf_id: int) -> Recorded:
    """An attempt to fix an error with an STF version, PENDING until the execution's next success or error.
    Only the execution's latest error, not yet followed by a success, can be attempted; the same STF on the
    same error again is a retry."""
    async with in_transaction() as conn:
        error = await ErrorEvent.get_or_none(id=error_event_id).using_db(conn)
        if error is None:
            raise NotFound("errorEventId", "no such error event")
        execution = await Execution.get(id=error.execution_id).using_db(conn)
        execution = await _locked_execution(conn, by, execution.correlation_id, running=True)
        stf = await Stf.get_or_none(id=stf_id).using_db(conn)
        if stf is None:
            raise NotFound("stfId", "no such STF")
        existing = await StfApplication.get_or_none(error_event_id=error.id, stf_id=stf_id).using_db(conn)
        if existing is not None:
            return Recorded(existing, False)
        if stf.status is StfStatus.DEPRECATED:
            raise DomainError("stfId", f"this STF is deprecated: {stf.deprecation_reason}", "DEPRECATED")
        later_error = await ErrorEvent.filter(execution_id=execution.id, id__gt=error.id).using_db(conn).exists()
        if later_error:
            raise DomainError("errorEventId", "a later error of this execution was recorded: apply STFs to the "
                                              "latest error", "NOT_LATEST")
        if await SuccessEvent.filter(execution_id=execution.id, recorded_at__gte=error.recorded_at,
                                     step__gte=error.step).using_db(conn).exists():
            raise DomainError("errorEventId", "a success already followed this error", "ALREADY_RESOLVED")
        application = await StfApplication.create(execution_id=execution.id, error_event_id=error.id,
                                                  signature_id=error.signature_id, stf_id=stf_id,
                                                  applied_by_id=by.id, using_db=conn)
        await record_event("debug.stf.applied.v1", {
            "applicationId": application.id, "correlationId": execution.correlation_id, "errorEventId": error.id,
            "signatureId": error.signature_id, "stfId": stf_id}, conn)
    return Recorded(application, True)


async def get_error(error_event_id: int) -> ErrorEvent | None:
    return await ErrorEvent.get_or_none(id=error_event_id)


async def get_error_with_signature(error_event_id: int) -> ErrorEvent | None:
    return await ErrorEvent.get_or_none(id=error_event_id).select_related("signature")


async def get_snapshot(snapshot_id: int) -> Snapshot | None:
    return await Snapshot.get_or_none(id=snapshot_id)


async def get_success(success_id: int) -> SuccessEvent | None:
    return await SuccessEvent.get_or_none(id=success_id)


async def get_application(application_id: int) -> StfApplication | None:
    return await StfApplication.get_or_none(id=application_id)

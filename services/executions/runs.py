"""Executions: one run of an agent on a task, with a request fingerprint so identical requests can
be found, started and finished once."""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal, Role
from models.executions import AGENT_NAME, Execution, ExecutionStatus
from services import clock
from services.debug import attempts
from services.errors import DomainError, NotFound
from services.stf import registry as stf_service
from subscriptions.outbox import record_event

MAX_PROMPT = 200_000
MAX_PARAMETERS_BYTES = 64 * 1024
FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


def normalise_prompt(prompt: str) -> str:
    """Unicode NFC, line endings and runs of spaces collapsed, ends trimmed; case is kept (it matters in code)."""
    text = unicodedata.normalize("NFC", prompt).replace("\r\n", "\n").replace("\r", "\n")
    return re.sub(r"[ \t]+", " ", re.sub(r"\s*\n\s*", "\n", text)).strip()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)  # 1.0 and 1 are the same JSON number
    if isinstance(value, dict):
        return {str(k): _canonical_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical_value(v) for v in value]
    return value


def fingerprint(prompt: str, parameters: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON (sorted keys, no spaces, UTF-8) of the normalised request."""
    canonical = json.dumps({"parameters": _canonical_value(parameters), "prompt": normalise_prompt(prompt)},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_parameters(parameters: Any) -> dict[str, Any]:
    if parameters is None:
        return {}
    if not isinstance(parameters, dict):
        raise DomainError("parameters", "must be a JSON object")
    try:
        size = len(json.dumps(parameters, allow_nan=False))
    except ValueError:
        raise DomainError("parameters", "must not contain NaN or Infinity") from None
    if size > MAX_PARAMETERS_BYTES:
        raise DomainError("parameters", f"at most {MAX_PARAMETERS_BYTES} bytes of JSON")
    return parameters


async def start(by: Principal, correlation_id: uuid.UUID | None, agent_name: str, *, task_prompt: str,
                parameters: Any, stf_id: int | None) -> tuple[Execution, bool]:
    """A new RUNNING execution, or the existing one when this correlation id was started with the
    same request (a retry); the same id with another request is a user error."""
    agent_name = agent_name.strip()
    if not AGENT_NAME.match(agent_name):
        raise DomainError("agentName", "must be 1-100 characters: letters, digits, space and _ . @ : / -")
    if not task_prompt.strip():
        raise DomainError("taskPrompt", "must not be empty")
    if len(task_prompt) > MAX_PROMPT:
        raise DomainError("taskPrompt", f"at most {MAX_PROMPT} characters")
    parameters = check_parameters(parameters)
    digest = fingerprint(task_prompt, parameters)
    correlation_id = correlation_id or uuid.uuid4()
    try:
        async with in_transaction() as conn:
            existing = await Execution.get_or_none(correlation_id=correlation_id).using_db(conn)
            if existing is not None:
                if existing.fingerprint == digest and existing.agent_name == agent_name and existing.stf_id == stf_id:
                    return existing, False
                raise DomainError("correlationId", "an execution with this correlation id exists for another "
                                                   "request", "DUPLICATE")
            if stf_id is not None:
                await stf_service.count_use(stf_id, conn)
            execution = await Execution.create(
                correlation_id=correlation_id, agent_name=agent_name, task_prompt=task_prompt, parameters=parameters,
                fingerprint=digest, stf_id=stf_id, started_by_id=by.id, using_db=conn)
    except IntegrityError:  # a concurrent start of the same correlation id won
        raise DomainError(
            "correlationId", "an execution with this correlation id was just started", "DUPLICATE"
        ) from None
    return execution, True


def may_act_on(by: Principal, execution: Execution) -> bool:
    return by.role is Role.ADMIN or execution.started_by_id == by.id


async def finish(
    by: Principal, correlation_id: uuid.UUID, status: ExecutionStatus, *, summary: str | None
) -> Execution:
    if status is ExecutionStatus.RUNNING:
        raise DomainError("status", "finish with SUCCEEDED or FAILED")
    if summary is not None and len(summary) > 20_000:
        raise DomainError("summary", "at most 20000 characters")
    async with in_transaction() as conn:
        execution = await Execution.filter(correlation_id=correlation_id).using_db(conn).select_for_update().first()
        if execution is None:
            raise NotFound("correlationId", "no execution with this correlation id")
        if not may_act_on(by, execution):
            raise DomainError("correlationId", "only the principal that started this execution, or an ADMIN, "
                                               "may finish it", "FORBIDDEN")
        if execution.status is not ExecutionStatus.RUNNING:
            if execution.status is status and execution.summary == summary:
                return execution  # a retried finish
            raise DomainError("status", f"already finished as {execution.status.value}", "ALREADY_FINISHED")
        execution.status = status
        execution.summary = summary
        execution.finished_at = clock.now()
        await execution.save(using_db=conn, update_fields=["status", "summary", "finished_at"])
        if status is ExecutionStatus.FAILED:
            await attempts.after_failed_finish(conn, execution.id)  # its pending STF attempts failed
        await record_event("execution.execution.finished.v1", {
            "correlationId": execution.correlation_id, "agentName": execution.agent_name, "status": status,
            "fingerprint": execution.fingerprint, "startedAt": execution.started_at,
            "finishedAt": execution.finished_at}, conn)
    return execution


async def by_id(execution_id: int) -> Execution | None:
    return await Execution.get_or_none(id=execution_id)


async def get(correlation_id: uuid.UUID) -> Execution | None:
    return await Execution.get_or_none(correlation_id=correlation_id)


def search(*, fingerprint_hex: str | None = None, agent_name: str | None = None,
           status: ExecutionStatus | None = None, stf_id: int | None = None) -> QuerySet[Execution]:
    query = Execution.all()
    if fingerprint_hex is not None:
        if not FINGERPRINT.match(fingerprint_hex):
            raise DomainError("filter.fingerprint", "must be 64 lower-case hexadecimal characters")
        query = query.filter(fingerprint=fingerprint_hex)
    if agent_name is not None:
        query = query.filter(agent_name=agent_name)
    if status is not None:
        query = query.filter(status=status)
    if stf_id is not None:
        query = query.filter(stf_id=stf_id)
    return query


# ---- executions opened by their calls (OTLP traces) -----------------------------------------------


@dataclass(frozen=True)
class Opening:
    """An execution to open when its correlation id is new (a trace seen for the first time)."""

    correlation_id: uuid.UUID
    agent_name: str
    task_prompt: str
    parameters: dict[str, Any]
    started_at: datetime


OPEN_MANY = """
INSERT INTO "executions" ("correlation_id", "agent_name", "task_prompt", "parameters", "fingerprint", "status",
                          "started_by_id", "started_at")
SELECT v.c, v.a, v.t, v.p::jsonb, v.f, 'RUNNING', $6::bigint, v.s
FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $7::timestamptz[]) AS v(c, a, t, p, f, s)
ON CONFLICT ("correlation_id") DO NOTHING
"""
STARTERS = 'SELECT "correlation_id", "started_by_id" FROM "executions" WHERE "correlation_id" = ANY($1::uuid[])'


def fit_agent_name(raw: str) -> str | None:
    """`raw` made a valid agent name (other characters become '-', cut to 100), or None when nothing is left."""
    name = re.sub(r"[^A-Za-z0-9 _.@:/-]", "-", raw.strip())
    name = re.sub(r"^[^A-Za-z0-9]+", "", name)[:100].rstrip()
    return name if AGENT_NAME.match(name) else None


async def open_many(by: Principal, openings: list[Opening], conn: BaseDBAsyncClient) -> dict[uuid.UUID, int | None]:
    """Open a RUNNING execution, started by `by`, for each correlation id not known yet (concurrent
    openers of one id make one execution); return who started each execution, new or not."""
    if not openings:
        return {}
    fingerprints = [fingerprint(o.task_prompt, o.parameters) for o in openings]
    ids = [o.correlation_id for o in openings]
    await conn.execute_query(OPEN_MANY, [
        ids, [o.agent_name for o in openings], [o.task_prompt for o in openings],
        [json.dumps(o.parameters, separators=(",", ":")) for o in openings], fingerprints, by.id,
        [o.started_at for o in openings]])
    _, rows = await conn.execute_query(STARTERS, [ids])
    return {row["correlation_id"]: row["started_by_id"] for row in rows}

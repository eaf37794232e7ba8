"""Outcomes of STF attempts and the (signature, STF) counters behind fix confidence.

An attempt (stfApply on an error event) is decided by what its execution records next: a success
event at or after the error's step makes it a success; another error at or after that step, or a
FAILED finish, makes it a failure. Every function here runs inside the caller's transaction, which
has locked the execution row, so events of one execution are decided one at a time; the counters are
upserted row by row in (signature, STF) order, so concurrent executions never lose an increment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient

from models.debug import AttemptOutcome
from services import clock
from services.debug.confidence import wilson_lower_bound
from services.economy import adoption
from subscriptions.outbox import record_events

PENDING_ATTEMPTS = """
SELECT a."id", a."signature_id", a."stf_id", a."error_event_id" FROM "stf_applications" a
JOIN "error_events" e ON e."id" = a."error_event_id"
WHERE a."execution_id" = $1 AND a."outcome" = 'PENDING' AND e."step" <= $2
ORDER BY a."id" FOR UPDATE OF a
"""

COUNT = """
INSERT INTO "fix_stats" ("signature_id", "stf_id", "attempts", "successes", "confidence", "updated_at")
VALUES ($1, $2, 1, $3, 0, $4)
ON CONFLICT ("signature_id", "stf_id") DO UPDATE
SET "attempts" = "fix_stats"."attempts" + 1, "successes" = "fix_stats"."successes" + EXCLUDED."successes",
    "updated_at" = EXCLUDED."updated_at"
RETURNING "id", "attempts", "successes"
"""


@dataclass(frozen=True)
class Attempt:
    id: int
    signature_id: int
    stf_id: int
    error_event_id: int


@dataclass(frozen=True)
class Decided:
    attempt: Attempt
    outcome: AttemptOutcome
    attempts: int
    successes: int
    confidence: float


async def _pending(conn: BaseDBAsyncClient, execution_id: int, up_to_step: int) -> list[Attempt]:
    _, rows = await conn.execute_query(PENDING_ATTEMPTS, [execution_id, up_to_step])
    return [Attempt(r["id"], r["signature_id"], r["stf_id"], r["error_event_id"]) for r in rows]


async def _count(
    conn: BaseDBAsyncClient, attempt: Attempt, succeeded: bool, *, now: datetime
) -> tuple[int, int, float]:
    """One more decided attempt (and success) for the pair; the confidence moves with the counters."""
    [stat] = await conn.execute_query_dict(COUNT, [attempt.signature_id, attempt.stf_id, int(succeeded), now])
    confidence = wilson_lower_bound(stat["successes"], stat["attempts"])
    await conn.execute_query('UPDATE "fix_stats" SET "confidence" = $1 WHERE "id" = $2', [confidence, stat["id"]])
    return stat["attempts"], stat["successes"], confidence


async def attempt_succeeded(conn: BaseDBAsyncClient, attempt: Attempt, success_event_id: int,
                            *, now: datetime) -> Decided:
    """THE place where an attempt becomes a success: the outcome, the counters, and a re-embedding of
    the STF when it fixed this signature for the first time. `after_success` then pays the adoption
    rewards of every attempt it decided, on `conn`."""
    await conn.execute_query(
        'UPDATE "stf_applications" SET "outcome" = \'SUCCEEDED\', "success_event_id" = $1, "decided_at" = $2 '
        'WHERE "id" = $3', [success_event_id, now, attempt.id])
    attempts, successes, confidence = await _count(conn, attempt, True, now=now)
    if successes == 1:  # the signatures it fixed are part of its embedded text
        await conn.execute_query(
            'DELETE FROM "stf_embeddings" WHERE "stf_id" IN (SELECT l."id" FROM "stfs" s JOIN "stfs" l '
            'ON l."lineage_id" = s."lineage_id" AND l."is_latest" WHERE s."id" = $1)', [attempt.stf_id])
    return Decided(attempt, AttemptOutcome.SUCCEEDED, attempts, successes, confidence)


async def attempt_failed(conn: BaseDBAsyncClient, attempt: Attempt, error_event_id: int | None,
                         *, now: datetime) -> Decided:
    await conn.execute_query(
        'UPDATE "stf_applications" SET "outcome" = \'FAILED\', "decided_by_error_id" = $1, "decided_at" = $2 '
        'WHERE "id" = $3', [error_event_id, now, attempt.id])
    attempts, successes, confidence = await _count(conn, attempt, False, now=now)
    return Decided(attempt, AttemptOutcome.FAILED, attempts, successes, confidence)


def _ordered(attempts: list[Attempt]) -> list[Attempt]:
    return sorted(attempts, key=lambda a: (a.signature_id, a.stf_id, a.id))  # one lock order for every writer


async def _announce(conn: BaseDBAsyncClient, decided: list[Decided]) -> None:
    await record_events("debug.stf_attempt.decided.v1", [
        {"applicationId": d.attempt.id, "stfId": d.attempt.stf_id, "signatureId": d.attempt.signature_id,
         "errorEventId": d.attempt.error_event_id, "outcome": d.outcome, "attempts": d.attempts,
         "successes": d.successes, "confidence": d.confidence} for d in decided], conn)


async def after_success(
    conn: BaseDBAsyncClient, execution_id: int, step: int, *, success_event_id: int
) -> list[Decided]:
    now = clock.now()
    decided = [await attempt_succeeded(conn, a, success_event_id, now=now)
               for a in _ordered(await _pending(conn, execution_id, step))]
    # Rewards lock `system:mint` and the authors' accounts; they come after every counter row is
    # locked, so no transaction waits for a counter while holding `mint` (no deadlock between runs).
    for d in decided:
        await adoption.reward_adoption(conn, d.attempt.id, d.confidence)
    await _announce(conn, decided)
    return decided


async def after_error(conn: BaseDBAsyncClient, execution_id: int, step: int, *, error_event_id: int) -> list[Decided]:
    now = clock.now()
    decided = [await attempt_failed(conn, a, error_event_id, now=now)
               for a in _ordered(await _pending(conn, execution_id, step))]
    await _announce(conn, decided)
    return decided


async def after_failed_finish(conn: BaseDBAsyncClient, execution_id: int) -> list[Decided]:
    now = clock.now()
    decided = [await attempt_failed(conn, a, None, now=now)
               for a in _ordered(await _pending(conn, execution_id, 2**31 - 1))]
    await _announce(conn, decided)
    return decided

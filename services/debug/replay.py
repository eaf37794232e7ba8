"""Replay: an execution's ordered timeline from its records, and whether it can be reproduced: every
step from its first to its last has an INPUT and an OUTPUT snapshot whose stored hash verifies."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from tortoise import connections

from models.debug import ErrorEvent, Snapshot, SnapshotPhase, SnapshotPruning, StfApplication, SuccessEvent
from models.executions import Execution, LlmCall


class EntryKind(str, Enum):
    LLM_CALL = "LLM_CALL"
    SNAPSHOT = "SNAPSHOT"
    ERROR = "ERROR"
    SUCCESS = "SUCCESS"
    STF_APPLICATION = "STF_APPLICATION"


class Verdict(str, Enum):
    REPRODUCIBLE = "REPRODUCIBLE"
    INCOMPLETE = "INCOMPLETE"


class Gap(str, Enum):
    NO_STEPS = "NO_STEPS"  # nothing with a step was recorded
    MISSING_SNAPSHOT = "MISSING_SNAPSHOT"
    PRUNED_SNAPSHOT = "PRUNED_SNAPSHOT"  # deleted by retention
    HASH_MISMATCH = "HASH_MISMATCH"  # the stored state no longer hashes to the stored SHA-256


@dataclass
class Entry:
    kind: EntryKind
    at: datetime
    step: int | None
    rank: int  # within one instant and step, the order a step unfolds in
    row: Any

    @property
    def key(self) -> tuple[datetime, int, int, int]:
        """The timeline's sort key, and its keyset cursor."""
        return self.at, -1 if self.step is None else self.step, self.rank, self.row.id


@dataclass
class Missing:
    gap: Gap
    step: int | None
    phase: SnapshotPhase | None


@dataclass
class Replay:
    execution: Execution
    first_step: int | None
    last_step: int | None
    missing: list[Missing] = field(default_factory=list)
    pruned_at: datetime | None = None

    @property
    def verdict(self) -> Verdict:
        return Verdict.INCOMPLETE if self.missing else Verdict.REPRODUCIBLE


# The hash is verified in PostgreSQL, so the states themselves never leave the database.
SNAPSHOTS = """
SELECT "step", "phase", encode(sha256(convert_to("state", 'UTF8')), 'hex') = "sha256" AS verified
FROM "snapshots" WHERE "execution_id" = $1
"""
STEPS = """
SELECT min("step") AS first, max("step") AS last FROM (
    SELECT "step" FROM "snapshots" WHERE "execution_id" = $1
    UNION ALL SELECT "step" FROM "error_events" WHERE "execution_id" = $1
    UNION ALL SELECT "step" FROM "success_events" WHERE "execution_id" = $1) stepped
"""


async def find(correlation_id: uuid.UUID) -> Execution | None:
    return await Execution.get_or_none(correlation_id=correlation_id)


async def verdict(execution: Execution) -> Replay:
    """Every step from the first to the last recorded has an INPUT and an OUTPUT snapshot whose
    stored state still hashes to its stored SHA-256."""
    conn = connections.get("default")
    (_, span), (_, snapshots), pruning = await asyncio.gather(
        conn.execute_query(STEPS, [execution.id]), conn.execute_query(SNAPSHOTS, [execution.id]),
        SnapshotPruning.get_or_none(execution_id=execution.id))
    first, last = span[0]["first"], span[0]["last"]
    result = Replay(execution, first, last, pruned_at=pruning.pruned_at if pruning else None)
    if first is None:
        result.missing.append(Missing(Gap.PRUNED_SNAPSHOT if pruning else Gap.NO_STEPS, None, None))
        return result
    have = {(r["step"], SnapshotPhase(r["phase"])): r["verified"] for r in snapshots}
    for step in range(first, last + 1):
        for phase in (SnapshotPhase.INPUT, SnapshotPhase.OUTPUT):
            verified = have.get((step, phase))
            if verified is None:
                result.missing.append(Missing(Gap.PRUNED_SNAPSHOT if pruning else Gap.MISSING_SNAPSHOT, step, phase))
            elif not verified:
                result.missing.append(Missing(Gap.HASH_MISMATCH, step, phase))
    return result


# LLM calls by their start, records by when they were recorded; ties by step (calls first), then
# snapshot < call < error < attempt < success, then id. An attempt takes the step of its error.
TIMELINE = """
WITH t AS (
    SELECT 'LLM_CALL' AS kind, "started_at" AS at, NULL::int AS step, 1 AS rank, "id" FROM "llm_calls"
    WHERE "execution_id" = $1
    UNION ALL SELECT 'SNAPSHOT', "recorded_at", "step", 0, "id" FROM "snapshots" WHERE "execution_id" = $1
    UNION ALL SELECT 'ERROR', "recorded_at", "step", 2, "id" FROM "error_events" WHERE "execution_id" = $1
    UNION ALL SELECT 'STF_APPLICATION', a."applied_at", e."step", 3, a."id" FROM "stf_applications" a
    JOIN "error_events" e ON e."id" = a."error_event_id" WHERE a."execution_id" = $1
    UNION ALL SELECT 'SUCCESS', "recorded_at", "step", 4, "id" FROM "success_events" WHERE "execution_id" = $1
)
SELECT * FROM t WHERE $2::timestamptz IS NULL OR (at, coalesce(step, -1), rank, "id") > ($2::timestamptz, $3::int,
  $4::int, $5::bigint)
ORDER BY at, coalesce(step, -1), rank, "id" LIMIT $6
"""
TIMELINE_COUNT = """
SELECT (SELECT count(*) FROM "llm_calls" WHERE "execution_id" = $1) + (SELECT count(*) FROM "snapshots"
  WHERE "execution_id" = $1) + (SELECT count(*) FROM "error_events" WHERE "execution_id" = $1)
  + (SELECT count(*) FROM "stf_applications" WHERE "execution_id" = $1)
  + (SELECT count(*) FROM "success_events" WHERE "execution_id" = $1) AS n
"""
MODELS: dict[EntryKind, Any] = {EntryKind.LLM_CALL: LlmCall, EntryKind.SNAPSHOT: Snapshot, EntryKind.ERROR: ErrorEvent,
                                EntryKind.STF_APPLICATION: StfApplication, EntryKind.SUCCESS: SuccessEvent}


async def timeline(execution_id: int, limit: int, after: tuple[datetime, int, int, int] | None) -> list[Entry]:
    """Up to `limit` entries after the key `after` (an Entry.key), in timeline order."""
    _, keys = await connections.get("default").execute_query(TIMELINE, [execution_id, *(after or (None,) * 4), limit])
    queries = []
    for kind in EntryKind:
        ids = [k["id"] for k in keys if k["kind"] == kind.value]
        if ids:
            query = MODELS[kind].filter(id__in=ids)
            queries.append((kind, query.select_related("signature") if kind is EntryKind.ERROR else query))
    rows: dict[tuple[EntryKind, int], Any] = {}
    # plain reads on the pool, no transaction: safe to run side by side
    for (kind, _), found in zip(queries, await asyncio.gather(*(q for _, q in queries))):
        rows |= {(kind, r.id): r for r in found}
    return [Entry(EntryKind(k["kind"]), k["at"], k["step"], k["rank"], rows[(EntryKind(k["kind"]), k["id"])])
            for k in keys]


async def timeline_count(execution_id: int) -> int:
    _, rows = await connections.get("default").execute_query(TIMELINE_COUNT, [execution_id])
    return rows[0]["n"]


@dataclass
class DebugStats:
    executions: int
    reproducible: int
    executions_with_stf: int
    signatures: int
    signatures_with_confidence: int

    @staticmethod
    def share(part: int, whole: int) -> float:
        return part / whole if whole else 0.0


# The same verdict as `replay`, in SQL: steps first..last each with both snapshots, hashes verified,
# and no pruning (a pruned execution lost at least one of them).
STATS = """
WITH stepped AS (
    SELECT "execution_id", "step" FROM "snapshots"
    UNION ALL SELECT "execution_id", "step" FROM "error_events"
    UNION ALL SELECT "execution_id", "step" FROM "success_events"
), spans AS (
    SELECT "execution_id", max("step") - min("step") + 1 AS steps FROM stepped GROUP BY "execution_id"
), verified AS (
    SELECT "execution_id", count(*) AS good FROM "snapshots"
    WHERE encode(sha256(convert_to("state", 'UTF8')), 'hex') = "sha256" GROUP BY "execution_id"
)
SELECT
    (SELECT count(*) FROM "executions") AS executions,
    (SELECT count(*) FROM spans JOIN verified v USING ("execution_id")
     WHERE v.good = 2 * spans.steps
       AND NOT EXISTS (SELECT 1 FROM "snapshot_prunings" p WHERE p."execution_id" = spans."execution_id")) AS
         reproducible,
    (SELECT count(*) FROM "executions" e WHERE e."stf_id" IS NOT NULL
       OR EXISTS (SELECT 1 FROM "stf_applications" a WHERE a."execution_id" = e."id")) AS executions_with_stf,
    (SELECT count(*) FROM "error_signatures") AS signatures,
    (SELECT count(DISTINCT "signature_id") FROM "fix_stats" WHERE "attempts" > 0) AS signatures_with_confidence
"""


async def debug_stats() -> DebugStats:
    _, rows = await connections.get("default").execute_query(STATS)
    return DebugStats(**rows[0])

"""Replay: an execution's ordered timeline from its records, and whether it can be reproduced: every
step from its first to its last has an INPUT and an OUTPUT snapshot whose stored hash verifies."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

from tortoise import connections

from models.debug import ErrorEvent, Snapshot, SnapshotPhase, SnapshotPruning, StfApplication, SuccessEvent
from models.executions import Execution, LlmCall
from services.errors import NotFound


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


# Within one instant, the order a step unfolds in.
KIND_RANK = {EntryKind.LLM_CALL: 1, EntryKind.SNAPSHOT: 0, EntryKind.ERROR: 2, EntryKind.STF_APPLICATION: 3,
             EntryKind.SUCCESS: 4}


@dataclass
class Entry:
    kind: EntryKind
    at: datetime
    step: int | None
    row: Any


@dataclass
class Missing:
    gap: Gap
    step: int | None
    phase: SnapshotPhase | None


@dataclass
class Replay:
    execution: Execution
    entries: list[Entry]
    first_step: int | None
    last_step: int | None
    missing: list[Missing] = field(default_factory=list)
    pruned_at: datetime | None = None

    @property
    def verdict(self) -> Verdict:
        return Verdict.INCOMPLETE if self.missing else Verdict.REPRODUCIBLE


async def replay(correlation_id: uuid.UUID) -> Replay:
    """Entries ordered by when they happened (LLM calls by their start, records by when they were
    recorded), ties by step, then snapshot < call < error < attempt < success."""
    execution = await Execution.get_or_none(correlation_id=correlation_id)
    if execution is None:
        raise NotFound("correlationId", "no execution with this correlation id")
    eid = execution.id
    calls = await LlmCall.filter(execution_id=eid)
    snapshots = await Snapshot.filter(execution_id=eid)
    errors = await ErrorEvent.filter(execution_id=eid).select_related("signature")
    successes = await SuccessEvent.filter(execution_id=eid)
    applications = await StfApplication.filter(execution_id=eid)
    pruning = await SnapshotPruning.get_or_none(execution_id=eid)
    error_step = {e.id: e.step for e in errors}
    entries = ([Entry(EntryKind.LLM_CALL, c.started_at, None, c) for c in calls]
               + [Entry(EntryKind.SNAPSHOT, s.recorded_at, s.step, s) for s in snapshots]
               + [Entry(EntryKind.ERROR, e.recorded_at, e.step, e) for e in errors]
               + [Entry(EntryKind.SUCCESS, s.recorded_at, s.step, s) for s in successes]
               + [Entry(EntryKind.STF_APPLICATION, a.applied_at, error_step[a.error_event_id], a)
                  for a in applications])
    entries.sort(key=lambda e: (e.at, -1 if e.step is None else e.step, KIND_RANK[e.kind], e.row.id))
    steps = [e.step for e in entries if e.step is not None]
    result = Replay(execution, entries, min(steps) if steps else None, max(steps) if steps else None,
                    pruned_at=pruning.pruned_at if pruning else None)
    if not steps:
        result.missing.append(Missing(Gap.PRUNED_SNAPSHOT if pruning else Gap.NO_STEPS, None, None))
        return result
    have = {(s.step, s.phase): s for s in snapshots}
    for step in range(result.first_step, result.last_step + 1):
        for phase in (SnapshotPhase.INPUT, SnapshotPhase.OUTPUT):
            snapshot = have.get((step, phase))
            if snapshot is None:
                result.missing.append(Missing(Gap.PRUNED_SNAPSHOT if pruning else Gap.MISSING_SNAPSHOT, step, phase))
            elif hashlib.sha256(snapshot.state.encode()).hexdigest() != snapshot.sha256:
                result.missing.append(Missing(Gap.HASH_MISMATCH, step, phase))
    return result


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
       AND NOT EXISTS (SELECT 1 FROM "snapshot_prunings" p WHERE p."execution_id" = spans."execution_id")) AS reproducible,
    (SELECT count(*) FROM "executions" e WHERE e."stf_id" IS NOT NULL
       OR EXISTS (SELECT 1 FROM "stf_applications" a WHERE a."execution_id" = e."id")) AS executions_with_stf,
    (SELECT count(*) FROM "error_signatures") AS signatures,
    (SELECT count(DISTINCT "signature_id") FROM "fix_stats" WHERE "attempts" > 0) AS signatures_with_confidence
"""


async def debug_stats() -> DebugStats:
    _, rows = await connections.get("default").execute_query(STATS)
    return DebugStats(**rows[0])

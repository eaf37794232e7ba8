"""Golden states: a snapshot proposed as the known-good state of a step, reviewed once by a reviewer
who is not its proposer. A proposed or approved golden state keeps its execution's snapshots from
the retention sweeper."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from tortoise import connections
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.auth import Principal
from models.debug import GoldenState, GoldenStatus, Snapshot
from models.executions import Execution
from services import clock
from services.errors import DomainError, NotFound
from subscriptions.outbox import record_event

MAX_NOTE = 2000


class Decision(str, Enum):
    APPROVE = "APPROVE"
    REJECT = "REJECT"


def _event(golden: GoldenState, correlation_id) -> dict:
    return {"goldenStateId": golden.id, "snapshotId": golden.snapshot_id, "correlationId": correlation_id,
            "status": golden.status, "proposedBy": golden.proposed_by_id, "reviewedBy": golden.reviewed_by_id}


async def propose(by: Principal, snapshot_id: int, note: str) -> GoldenState:
    note = note.strip()
    if not note or len(note) > MAX_NOTE:
        raise DomainError("note", f"must be 1-{MAX_NOTE} characters: why this state is the good one")
    async with in_transaction() as conn:
        # share-locking the snapshot makes a proposal and the retention sweeper wait for each other
        snapshot = await Snapshot.filter(id=snapshot_id).using_db(conn).select_for_update(no_key=True).first()
        if snapshot is None:
            raise NotFound("snapshot", "no such snapshot (it may have been pruned by retention)")
        if await GoldenState.filter(snapshot_id=snapshot_id).using_db(conn).exists():
            raise DomainError("snapshot", "this snapshot was already proposed", "DUPLICATE")
        golden = await GoldenState.create(snapshot_id=snapshot.id, execution_id=snapshot.execution_id, note=note,
                                          proposed_by_id=by.id, using_db=conn)
        execution = await Execution.get(id=snapshot.execution_id).using_db(conn)
        await record_event("debug.golden_state.proposed.v1", _event(golden, execution.correlation_id), conn)
    return golden


async def review(by: Principal, golden_id: int, decision: Decision, *, comment: str | None) -> GoldenState:
    """Once, never by the proposer. Who may review (a REVIEWER) is the API's permission."""
    if comment is not None and len(comment) > MAX_NOTE:
        raise DomainError("comment", f"at most {MAX_NOTE} characters")
    async with in_transaction() as conn:
        golden = await GoldenState.filter(id=golden_id).using_db(conn).select_for_update().first()
        if golden is None:
            raise NotFound("id", "no such golden state")
        if golden.proposed_by_id == by.id:
            raise DomainError("id", "the proposer may not review their own proposal", "FORBIDDEN")
        if golden.status is not GoldenStatus.PENDING:
            raise DomainError("id", f"already reviewed: {golden.status.value}", "ALREADY_REVIEWED")
        golden.status = GoldenStatus.APPROVED if decision is Decision.APPROVE else GoldenStatus.REJECTED
        golden.reviewed_by_id = by.id
        golden.reviewed_at = clock.now()
        golden.review_comment = comment.strip() if comment and comment.strip() else None
        await golden.save(using_db=conn, update_fields=["status", "reviewed_by_id", "reviewed_at", "review_comment"])
        execution = await Execution.get(id=golden.execution_id).using_db(conn)
        await record_event("debug.golden_state.reviewed.v1", _event(golden, execution.correlation_id)
                           | {"comment": golden.review_comment}, conn)
    return golden


def search(status: GoldenStatus | None) -> QuerySet[GoldenState]:
    return GoldenState.filter(status=status) if status else GoldenState.all()


async def get(golden_id: int) -> GoldenState | None:
    return await GoldenState.get_or_none(id=golden_id)


@dataclass
class GoldenStats:
    pending: int
    approved: int
    rejected: int
    median_decision_seconds: float | None  # None until one was reviewed


async def stats() -> GoldenStats:
    _, rows = await connections.get("default").execute_query("""
        SELECT count(*) FILTER (WHERE "status" = 'PENDING') AS pending,
               count(*) FILTER (WHERE "status" = 'APPROVED') AS approved,
               count(*) FILTER (WHERE "status" = 'REJECTED') AS rejected,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "reviewed_at" - "proposed_at"))
                   FILTER (WHERE "reviewed_at" IS NOT NULL) AS median
        FROM "golden_states" """)
    r = rows[0]
    return GoldenStats(r["pending"], r["approved"], r["rejected"],
                       float(r["median"]) if r["median"] is not None else None)

"""Snapshot retention: snapshots older than the retention period are deleted, except in executions
that hold a proposed or approved golden state. Each pruned execution keeps a note of it, so replay
reports its snapshots as pruned rather than never recorded."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from services import clock

# Executions are claimed with SKIP LOCKED, so replicas sweeping at once split the work. A snapshot
# proposed as golden while the sweep runs is safe too: the proposal locks the snapshot row, the
# delete waits for it, and golden_states' RESTRICT foreign key fails the sweep rather than the
# proposal (the next sweep skips that execution).
CLAIM = """
SELECT e."id" FROM "executions" e
WHERE EXISTS (SELECT 1 FROM "snapshots" s WHERE s."execution_id" = e."id" AND s."recorded_at" < $1
              AND NOT EXISTS (SELECT 1 FROM "golden_states" r WHERE r."snapshot_id" = s."id"))
  AND NOT EXISTS (SELECT 1 FROM "golden_states" g WHERE g."execution_id" = e."id" AND g."status" <> 'REJECTED')
ORDER BY e."id" LIMIT $2 FOR NO KEY UPDATE OF e SKIP LOCKED
"""

PRUNE = """
WITH gone AS (
    DELETE FROM "snapshots" s WHERE s."execution_id" = ANY($1::bigint[]) AND s."recorded_at" < $2
      AND NOT EXISTS (SELECT 1 FROM "golden_states" g WHERE g."snapshot_id" = s."id")  -- a rejected one stays
    RETURNING s."execution_id"
), counted AS (SELECT "execution_id", count(*) AS n FROM gone GROUP BY "execution_id"),
noted AS (
    INSERT INTO "snapshot_prunings" ("execution_id", "snapshots", "pruned_at")
    SELECT "execution_id", n, $3 FROM counted
    ON CONFLICT ("execution_id") DO UPDATE SET "snapshots" = "snapshot_prunings"."snapshots" + EXCLUDED."snapshots",
        "pruned_at" = EXCLUDED."pruned_at"
    RETURNING 1
)
SELECT (SELECT count(*) FROM gone) AS deleted, (SELECT count(*) FROM noted) AS executions
"""


async def sweep_snapshots(retention_days: float, batch: int = 200, now: datetime | None = None) -> int:
    """Prune up to `batch` executions' old snapshots per transaction until none are left; how many
    snapshots were deleted."""
    now = now or clock.now()
    cutoff = now - timedelta(days=retention_days)
    deleted = 0
    while True:
        async with in_transaction() as conn:
            _, claimed = await conn.execute_query(CLAIM, [cutoff, batch])
            if not claimed:
                return deleted
            _, result = await conn.execute_query(PRUNE, [[r["id"] for r in claimed], cutoff, now])
            deleted += result[0]["deleted"]
        if len(claimed) < batch:
            return deleted
